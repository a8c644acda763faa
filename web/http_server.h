// The HTTP server: Boost.Beast on Boost.Asio, HTTP/1.1 with keep-alive.
// Beast stays inside http_server.cpp; this header is cheap to include.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream/status.h"
#include "web/admin_auth.h"
#include "web/backend.h"

namespace tp::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port; see HttpServer::port()
  uint64_t max_body = 16ull << 20;
  std::vector<std::string> ingest_tokens;  // empty = no auth on ingest
  int threads = 0;                         // 0 = one per core
  int max_connections = 1024;
  // All request bodies being read or handled at once may hold at most this
  // many bytes; past it a request gets 503 + Retry-After before its body is
  // read. Bounds the server's memory however many clients connect.
  uint64_t max_inflight_body_bytes = 256ull << 20;
  // POST /api/v1/query: queries run on their own threads (off the io
  // threads); at most max_queries run or wait at once, more get 503.
  int query_threads = 2;
  int max_queries = 16;
  uint64_t max_query_body = 1ull << 20;
  // The admin page's access rules (web/admin_auth.h); listen_host is set
  // from `host` by Start().
  AuthOptions auth;
  int idle_timeout_s = 60;  // keep-alive connections idle this long are closed
  int read_timeout_s = 30;  // a request must arrive within this once started
};

class HttpServer {
 public:
  // Binds and starts serving on background threads. `backend` must outlive
  // the server.
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Backend* backend);
  ~HttpServer();  // Stop()s

  uint16_t port() const;  // the bound port
  // Stops accepting, closes connections, joins threads. Answers already
  // being written are finished first when possible. Idempotent.
  void Stop();

  struct Counters {
    uint64_t requests = 0;
    uint64_t responses_2xx = 0;
    uint64_t responses_4xx = 0;
    uint64_t responses_5xx = 0;
    uint64_t open_connections = 0;
  };
  Counters counters() const;

  // A config reload: requests that start after this use the new body limit
  // and ingest tokens.
  void SetLimits(uint64_t max_body, std::vector<std::string> ingest_tokens);

  // True when every io thread ran a posted no-op within `timeout`: the event
  // loops are turning (the systemd watchdog's liveness check).
  bool Responsive(std::chrono::milliseconds timeout) const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::web
