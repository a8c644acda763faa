#include "web/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

namespace tp::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Result<Url> ParseUrl(std::string_view text) {
  std::string_view s = text;
  if (s.starts_with("http://")) {
    s.remove_prefix(7);
  } else if (s.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("URL \"" + std::string(text) +
                                   "\": only http:// is supported (put TLS in a reverse proxy)");
  }
  Url url;
  size_t slash = s.find('/');
  std::string_view hostport = s.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = s.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    url.base_path = std::string(path);
  }
  std::string_view host = hostport, port;
  if (hostport.starts_with("[")) {  // [::1]:8080
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("URL \"" + std::string(text) + "\": unclosed '['");
    host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
  } else if (size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (host.empty()) return Status::InvalidArgument("URL \"" + std::string(text) + "\" has no host; use e.g. http://127.0.0.1:8080");
  url.host = std::string(host);
  if (!port.empty()) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
      return Status::InvalidArgument("URL \"" + std::string(text) + "\": bad port \"" + std::string(port) + "\"");
    }
    url.port = static_cast<uint16_t>(v);
  }
  return url;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return v;
  }
  return {};
}

struct HttpClient::Impl {
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout;
};

HttpClient::HttpClient(Url url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() { Disconnect(); }

void HttpClient::Disconnect() {
  if (impl_->stream) {
    beast::error_code ec;
    impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
    impl_->stream->close();
    impl_->stream.reset();
  }
  impl_->buffer.clear();
}

Result<HttpResponse> HttpClient::Request(
    std::string_view method, std::string_view path, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req(http::string_to_verb(method), url_.base_path + std::string(path), 11);
  req.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
  req.set(http::field::user_agent, "tillpipe");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();

  // A kept-alive connection may have been closed by the server meanwhile: if
  // reusing one fails before any answer byte arrived, retry once on a fresh
  // connection, but only when replaying cannot duplicate: GET, or a request
  // carrying an Idempotency-Key (the server answers a replay with the first
  // answer).
  bool replay_safe = method == "GET" || method == "HEAD";
  for (const auto& [k, v] : headers) replay_safe |= beast::iequals(k, "Idempotency-Key");
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->stream.has_value();
    beast::error_code ec;
    HttpResponse out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);
    impl_->ioc.restart();
    if (!impl_->stream) {
      impl_->stream.emplace(impl_->ioc);
      impl_->buffer.clear();
      tcp::resolver resolver(impl_->ioc);
      auto results = resolver.resolve(url_.host, std::to_string(url_.port), ec);
      if (ec) {
        impl_->stream.reset();
        return Status::IOError("cannot resolve " + url_.host + ": " + ec.message());
      }
      impl_->stream->expires_after(impl_->timeout);
      impl_->stream->async_connect(results, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
      impl_->ioc.run();
      if (ec) {
        Disconnect();
        return Status::IOError("cannot connect to " + url_.host + ":" + std::to_string(url_.port) + ": " + ec.message());
      }
      impl_->stream->socket().set_option(tcp::no_delay(true));
      impl_->ioc.restart();
    }
    impl_->stream->expires_after(impl_->timeout);
    http::async_write(*impl_->stream, req, [&](beast::error_code e, size_t) {
      ec = e;
      if (e) return;
      http::async_read(*impl_->stream, impl_->buffer, parser, [&](beast::error_code e2, size_t) { ec = e2; });
    });
    impl_->ioc.run();
    if (ec) {
      bool nothing_read = !parser.got_some();
      Disconnect();
      if (reused && replay_safe && nothing_read && ec != beast::error::timeout) continue;
      return Status::IOError("request to " + url_.host + ":" + std::to_string(url_.port) + " failed: " + ec.message());
    }
    auto res = parser.release();
    out.status = res.result_int();
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (!res.keep_alive()) Disconnect();
    return out;
  }
  return Status::IOError("request failed twice");
}

}  // namespace tp::web
