// A small blocking HTTP/1.1 client with keep-alive, for the CLI, the
// simulator, tests and benchmarks. One client = one connection, used by one
// thread at a time; it reconnects when the server closed the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stream/status.h"

namespace tp::web {

struct Url {
  std::string host;
  uint16_t port = 80;
  std::string base_path;  // without trailing '/', may be empty
};
// Accepts "http://HOST[:PORT][/PATH]" and "HOST:PORT".
Result<Url> ParseUrl(std::string_view text);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(std::string_view name) const;  // case-insensitive; "" if absent
};

class HttpClient {
 public:
  explicit HttpClient(Url url, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~HttpClient();

  // Sends one request and reads the answer. A transport failure (refused,
  // reset, timeout) is a non-OK Status; any HTTP answer is OK with its code.
  // `path` is appended to the URL's base path.
  Result<HttpResponse> Request(std::string_view method, std::string_view path,
                               std::string_view body = {},
                               const std::vector<std::pair<std::string, std::string>>& headers = {});

  Result<HttpResponse> Get(std::string_view path) { return Request("GET", path); }
  Result<HttpResponse> Post(std::string_view path, std::string_view body,
                            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("POST", path, body, headers);
  }

  void Disconnect();
  const Url& url() const { return url_; }

 private:
  struct Impl;
  Url url_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::web
