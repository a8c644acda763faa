// HTTP/1.1 server on Boost.Beast (RFC 9110 semantics, RFC 9112 framing):
// accepting, start and stop, and a connection's reading and writing. The
// endpoints are in web/http_handlers.cpp; web/http_session.h has the state.
//
// One single-threaded io_context per io thread; accepted connections are
// dealt out to them in turn. A Session's handlers (and its stream's timeout
// timer) therefore always run on one thread, so no strand is needed. Ingest
// answers come back from the log's writer thread and are posted onto the
// session's executor. Queries run on a small pool of their own; while one
// runs, its session watches the socket so a client that goes away cancels it.
#include <cstring>
#include <exception>

#include "web/http_session.h"

namespace tp::web {

std::string FormatSize(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  double v = static_cast<double>(bytes);
  while (v >= 1024 && u < 4 && static_cast<uint64_t>(v) % 1024 == 0) {
    v /= 1024;
    ++u;
  }
  return std::to_string(static_cast<uint64_t>(v)) + " " + units[u];
}

// --- a connection's I/O ------------------------------------------------------

void Session::Start() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
}

void Session::ReadHeader() {
  if (srv_->stopping) return Finish();
  parser_.emplace();
  parser_->body_limit(srv_->max_body.load());
  parser_->header_limit(16 * 1024);
  stream_.expires_after(std::chrono::seconds(srv_->options.idle_timeout_s));
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            self->OnHeader(ec);
                          });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    BeginRequest();
    return TooLarge();
  }
  if (ec) return Finish();  // EOF, timeout, reset, garbage: just close
  BeginRequest();
  ++srv_->requests;
  auto& req = parser_->get();
  stream_.expires_after(std::chrono::seconds(srv_->options.read_timeout_s));

  // Reject an ingest before its body is read when we can: a client that
  // sent "Expect: 100-continue" then never sends the body.
  bool expects_continue = beast::iequals(req[http::field::expect], "100-continue");
  if (req.method() == http::verb::post && req.target().starts_with(kIngestPrefix)) {
    if (auto early = CheckIngestHeader(); early && expects_continue) {
      return Send(std::move(*early), /*close=*/true);
    }
  }
  if (req.method() == http::verb::post && TargetPath() == kQueryPath &&
      parser_->content_length() && *parser_->content_length() > srv_->options.max_query_body) {
    ++srv_->requests;
    return RejectUnread(QueryTooLarge());
  }
  // Reserve memory for the body before reading it: the declared length,
  // or max_body when chunked.
  uint64_t want = parser_->content_length() ? *parser_->content_length()
                                            : (parser_->chunked() ? srv_->max_body.load() : 0);
  if (want > 0) {
    if (!srv_->ReserveBody(want)) {
      auto res = MakeError(http::status::service_unavailable,
                           "server busy: too many request bodies in memory at once; retry "
                           "shortly");
      res.set(http::field::retry_after, "1");
      return RejectUnread(std::move(res));
    }
    reserved_ = want;
    // Room for the body plus the padding the JSON parser reads past it,
    // so the body is never copied to make room later.
    if (parser_->content_length()) {
      parser_->get().body().reserve(want + NdjsonValidator::kPadding);
    }
  }
  if (expects_continue) {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                   req.version());
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                        if (ec) return self->Finish();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     if (ec == http::error::body_limit) return self->TooLarge();
                     if (ec) return self->Finish();
                     self->Handle();
                   });
}

Session::Response Session::MakeJson(http::status status, const json& body) {
  Response res(status, parser_ ? parser_->get().version() : 11);
  res.set(http::field::server, "tillpipe");
  res.set(http::field::content_type, "application/json");
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.body() += '\n';
  return res;
}

Session::Response Session::MakeError(http::status status, const std::string& message) {
  return MakeJson(status, json{{"error", message}});
}

void Session::ReleaseReserved() {
  if (reserved_ > 0) srv_->ReleaseBody(reserved_);
  reserved_ = 0;
}

void Session::Send(Response res, bool close) {
  ReleaseReserved();
  unsigned code = res.result_int();
  if (code < 300) ++srv_->r2xx;
  else if (code < 500) ++srv_->r4xx;
  else ++srv_->r5xx;
  bool keep = !close && !srv_->stopping && parser_ && parser_->get().keep_alive();
  res.keep_alive(keep);
  res.prepare_payload();
  res_ = std::move(res);
  stream_.expires_after(std::chrono::seconds(srv_->options.read_timeout_s));
  http::async_write(stream_, res_,
                    [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                      self->EndRequest();
                      if (ec || !keep) return self->Finish();
                      self->ReadHeader();
                    });
}

void Session::TooLarge() {
  ++srv_->requests;
  RejectUnread(MakeError(http::status::payload_too_large,
                         "request body is larger than http.max_body = " +
                             FormatSize(srv_->max_body.load()) +
                             "; send fewer records per request (tillpipe ingest batches "
                             "automatically) or raise http.max_body"));
}

void Session::RejectUnread(Response res) {
  ReleaseReserved();
  if (res.result_int() < 500) ++srv_->r4xx;
  else ++srv_->r5xx;
  res.keep_alive(false);
  res.prepare_payload();
  res_ = std::move(res);
  stream_.expires_after(std::chrono::seconds(5));
  http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Finish();
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    self->Drain();
  });
}

void Session::Drain() {
  stream_.expires_after(std::chrono::seconds(2));
  stream_.async_read_some(net::buffer(drain_buf_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->Finish();
                            self->Drain();
                          });
}

void Session::BeginRequest() {
  if (!in_request_) {
    in_request_ = true;
    ++srv_->busy;
  }
}

void Session::EndRequest() {
  if (in_request_) {
    in_request_ = false;
    if (--srv_->busy == 0 && srv_->stopping) {
      std::lock_guard lock(srv_->sessions_mu);
      srv_->sessions_cv.notify_all();
    }
  }
}

void Session::Finish() {
  EndRequest();
  ReleaseReserved();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  srv_->Remove(shared_from_this());
}

std::string_view Session::TargetPath() const {
  std::string_view target = parser_->get().target();
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  return target;
}

std::string Session::ClientAddress() {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

void HttpServer::Impl::DoAccept() {
  // No strand: a session never has two operations in flight, and answers
  // from other threads are posted only while it waits for them.
  net::io_context& target = *contexts[next_context++ % contexts.size()];
  acceptor.async_accept(target, [this](beast::error_code ec, Socket socket) {
    if (ec) {
      if (stopping || ec == net::error::operation_aborted) return;
      // Out of file descriptors and the like: back off briefly, keep serving.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return DoAccept();
    }
    if (stopping) return;
    {
      std::lock_guard lock(sessions_mu);
      if (static_cast<int>(sessions.size()) >= options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // over the connection limit
        return DoAccept();
      }
    }
    socket.set_option(tcp::no_delay(true));
    auto session = std::make_shared<Session>(std::move(socket), this);
    {
      std::lock_guard lock(sessions_mu);
      sessions.insert(session);
    }
    session->Start();
    DoAccept();
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Backend* backend) {
  int n = options.threads > 0 ? options.threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto impl = std::make_unique<Impl>(n);
  impl->options = std::move(options);
  impl->options.auth.listen_host = impl->options.host;
  impl->max_body = impl->options.max_body;
  impl->ingest_tokens = std::make_shared<const std::vector<std::string>>(impl->options.ingest_tokens);
  if (!impl->options.auth.check_token) {
    impl->options.auth.check_token = [backend](std::string_view token, std::string_view scope) {
      return backend->CheckToken(token, scope);
    };
  }
  impl->backend = backend;
  impl->auth = std::make_unique<AdminAuth>(impl->options.auth);
  impl->admin_api = std::make_unique<AdminApi>(impl->auth.get(), backend);
  beast::error_code ec;
  auto address = net::ip::make_address(impl->options.host, ec);
  if (ec) {
    return Status::InvalidArgument("http.listen: \"" + impl->options.host +
                                   "\" is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0");
  }
  tcp::endpoint endpoint(address, impl->options.port);
  std::string where = impl->options.host + ":" + std::to_string(impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + where + ": " + ec.message() +
                           (ec == net::error::address_in_use
                                ? " (another process uses the port; stop it or change http.listen "
                                  "/ --listen)"
                                : ""));
  }
  impl->query_pool =
      std::make_unique<net::thread_pool>(static_cast<size_t>(std::max(1, impl->options.query_threads)));
  impl->download_pool = std::make_unique<net::thread_pool>(2);
  impl->DoAccept();
  for (auto& ctx : impl->contexts) {
    net::io_context* c = ctx.get();
    impl->threads.emplace_back([c] {
      auto guard = net::make_work_guard(*c);  // idle contexts keep running
      c->run();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  net::post(*impl_->contexts[0], [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  // Let requests in flight finish (an ingest waits for its fsync; queries
  // are cancelled and answer 503); idle keep-alive connections are closed
  // when the io_context stops.
  impl_->CancelQueries();
  {
    std::unique_lock lock(impl_->sessions_mu);
    impl_->sessions_cv.wait_for(lock, std::chrono::seconds(10),
                                [&] { return impl_->busy.load() == 0; });
  }
  for (auto& ctx : impl_->contexts) ctx->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Queries still waiting run now, see their cancel flag and return at once.
  impl_->CancelQueries();
  impl_->query_pool->join();
  impl_->download_pool->join();
  std::lock_guard lock(impl_->sessions_mu);
  impl_->sessions.clear();
}

void HttpServer::SetLimits(uint64_t max_body, std::vector<std::string> ingest_tokens) {
  impl_->max_body = max_body;
  auto tokens = std::make_shared<const std::vector<std::string>>(std::move(ingest_tokens));
  std::lock_guard lock(impl_->ingest_tokens_mu);
  impl_->ingest_tokens = std::move(tokens);
}

bool HttpServer::Responsive(std::chrono::milliseconds timeout) const {
  if (impl_->stopped) return false;
  // Shared with the posted handlers: one may run after we gave up waiting.
  struct Pending {
    std::mutex mu;
    std::condition_variable cv;
    size_t left = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = impl_->contexts.size();
  for (auto& ctx : impl_->contexts) {
    net::post(*ctx, [pending] {
      std::lock_guard lock(pending->mu);
      if (--pending->left == 0) pending->cv.notify_all();
    });
  }
  std::unique_lock lock(pending->mu);
  return pending->cv.wait_for(lock, timeout, [&] { return pending->left == 0; });
}

HttpServer::Counters HttpServer::counters() const {
  Counters c;
  c.requests = impl_->requests;
  c.responses_2xx = impl_->r2xx;
  c.responses_4xx = impl_->r4xx;
  c.responses_5xx = impl_->r5xx;
  std::lock_guard lock(impl_->sessions_mu);
  c.open_connections = impl_->sessions.size();
  return c;
}

}  // namespace tp::web
