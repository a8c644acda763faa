// The HTTP endpoints: routing (with the admin access rules), the admin
// page's files, ingest, queries and admin calls on the query pool, and
// downloads sent as they are made. web/http_session.h has the Session.
#include <xxhash.h>

#include <cctype>
#include <cstring>
#include <exception>

#include "web/http_session.h"
#include "web/static_assets.h"

namespace tp::web {

namespace {

bool ValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) return false;  // visible ASCII only
  }
  return true;
}

}  // namespace

void Session::Handle() {
  auto& req = parser_->get();
  std::string_view target = TargetPath();
  const bool is_get = req.method() == http::verb::get || req.method() == http::verb::head;

  if (const Need need = RouteNeed(target); need != Need::kNothing) {
    const std::string client = ClientAddress();
    RequestView view{req.method_string(), target, req[http::field::host], req[http::field::origin],
                     req[http::field::cookie], req["X-CSRF-Token"], req[http::field::authorization],
                     client};
    if (auto denial = srv_->auth->Authorize(view, need)) {
      return Send(MakeError(static_cast<http::status>(denial->status), denial->message), false);
    }
  }
  if (IsAdminApiPath(target)) return HandleAdminApi();

  if (target.starts_with(kIngestPrefix)) {
    if (req.method() != http::verb::post) return MethodNotAllowed("POST");
    return HandleIngest();
  }
  if (target == kQueryPath) {
    if (req.method() != http::verb::post) return MethodNotAllowed("POST");
    return HandleQuery();
  }
  if (target == kBackupPath) {
    if (req.method() != http::verb::get) return MethodNotAllowed("GET");
    return HandleBackup();
  }
  if (target == "/health") {
    if (!is_get) return MethodNotAllowed("GET");
    return Send(MakeJson(http::status::ok, json{{"status", "ok"}}), false);
  }
  if (target == "/ready") {
    if (!is_get) return MethodNotAllowed("GET");
    if (srv_->backend->Ready()) {
      return Send(MakeJson(http::status::ok, json{{"ready", true}}), false);
    }
    auto res = MakeJson(http::status::service_unavailable,
                        json{{"ready", false}, {"reason", "recovering the stream"}});
    res.set(http::field::retry_after, "1");
    return Send(std::move(res), false);
  }
  if (target == "/api/v1/status" || target == "/api/v1/tables" || target == "/metrics") {
    if (!is_get) return MethodNotAllowed("GET");
    Response res(http::status::ok, req.version());
    res.set(http::field::server, "tillpipe");
    if (target == "/metrics") {
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = srv_->backend->MetricsText() + ServerMetrics();
    } else {
      res.set(http::field::content_type, "application/json");
      res.body() = target == "/api/v1/status" ? srv_->backend->StatusJson()
                                              : srv_->backend->TablesJson();
    }
    return Send(std::move(res), false);
  }
  if (IsStaticPath(target)) {
    if (req.method() != http::verb::get) return MethodNotAllowed("GET");
    return HandleStatic(target);
  }
  Send(MakeError(http::status::not_found,
                 "no such endpoint: " + std::string(target) +
                     "; see the HTTP API in the README (e.g. POST /api/v1/ingest/{table})"),
       false);
}

void Session::HandleStatic(std::string_view path) {
  auto& req = parser_->get();
  const StaticAnswer a = ServeStatic(path, req[http::field::if_none_match],
                                     req[http::field::accept_encoding]);
  if (a.status == 404) {
    return Send(MakeError(http::status::not_found, "no such file: " + std::string(path)), false);
  }
  Response res(static_cast<http::status>(a.status), req.version());
  res.set(http::field::server, "tillpipe");
  for (const auto& [name, value] : a.headers) res.set(name, value);
  res.body() = std::string(a.body);
  Send(std::move(res), false);
}

void Session::MethodNotAllowed(const char* allow) {
  auto res = MakeError(http::status::method_not_allowed,
                       "method not allowed here; use " + std::string(allow));
  res.set(http::field::allow, allow);
  Send(std::move(res), false);
}

std::string Session::ServerMetrics() const {
  std::string m;
  m += "# HELP tillpipe_http_requests_total HTTP requests received.\n";
  m += "# TYPE tillpipe_http_requests_total counter\n";
  m += "tillpipe_http_requests_total " + std::to_string(srv_->requests.load()) + "\n";
  m += "# HELP tillpipe_http_responses_total HTTP responses sent, by status class.\n";
  m += "# TYPE tillpipe_http_responses_total counter\n";
  m += "tillpipe_http_responses_total{code=\"2xx\"} " + std::to_string(srv_->r2xx.load()) + "\n";
  m += "tillpipe_http_responses_total{code=\"4xx\"} " + std::to_string(srv_->r4xx.load()) + "\n";
  m += "tillpipe_http_responses_total{code=\"5xx\"} " + std::to_string(srv_->r5xx.load()) + "\n";
  return m;
}

std::string_view Session::IngestTable() const {
  std::string_view target = parser_->get().target();
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  return target.substr(kIngestPrefix.size());
}

std::optional<Session::Response> Session::CheckIngestHeader() {
  auto& req = parser_->get();
  // Tokens from the config (auth.ingest_tokens) or made on the admin page.
  auto config_tokens = srv_->IngestTokens();
  if (!config_tokens->empty() || srv_->backend->IngestNeedsToken()) {
    std::string_view auth = req[http::field::authorization];
    bool ok = false;
    if (auth.size() > 7 && beast::iequals(auth.substr(0, 7), "Bearer ")) {
      std::string_view token = auth.substr(7);
      for (const auto& t : *config_tokens) ok |= ConstantTimeEquals(token, t);
      ok = ok || srv_->backend->CheckToken(token, "ingest");
    }
    if (!ok) {
      auto res = MakeError(http::status::unauthorized,
                           auth.empty() ? "missing token: send 'Authorization: Bearer <token>' "
                                          "with an ingest token (auth.ingest_tokens, or one "
                                          "made on the admin page)"
                                        : "bad token: the bearer token is not a live ingest "
                                          "token (auth.ingest_tokens or the admin page's)");
      res.set(http::field::www_authenticate, "Bearer realm=\"tillpipe\"");
      return res;
    }
  }
  std::string_view table = IngestTable();
  if (!srv_->backend->HasTable(table)) {
    json known = srv_->backend->TableNames();
    std::string list;
    for (const auto& t : srv_->backend->TableNames()) list += (list.empty() ? "" : ", ") + t;
    return MakeJson(http::status::not_found,
                    json{{"error", "unknown table \"" + std::string(table) +
                                       "\"; declare it under [tables." + std::string(table) +
                                       "] in the config, or use one of: " + list},
                         {"tables", known}});
  }
  std::string_view key = req["Idempotency-Key"];
  if (req.count("Idempotency-Key") && !ValidIdempotencyKey(key)) {
    return MakeError(http::status::bad_request,
                     "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
  if (!srv_->backend->Ready()) {
    auto res = MakeError(http::status::service_unavailable,
                         "not ready: the stream is still being recovered; retry shortly");
    res.set(http::field::retry_after, "1");
    return res;
  }
  return std::nullopt;
}

void Session::HandleIngest() {
  if (auto early = CheckIngestHeader()) return Send(std::move(*early), false);
  auto& req = parser_->get();
  std::string& body = req.body();
  NdjsonValidator::PadForParsing(body);
  NdjsonResult parsed = validator_.Validate(body, 10);
  if (!parsed.errors.empty()) {
    json errors = json::array();
    for (const auto& e : parsed.errors) errors.push_back({{"line", e.line}, {"reason", e.reason}});
    std::string msg = std::to_string(parsed.bad_lines) + " malformed line" +
                      (parsed.bad_lines == 1 ? "" : "s") + " (first at line " +
                      std::to_string(parsed.errors[0].line) + ": " + parsed.errors[0].reason +
                      "); nothing from this request was stored; fix the lines and resend";
    return Send(MakeJson(http::status::bad_request,
                         json{{"error", msg}, {"bad_lines", parsed.bad_lines}, {"errors", errors}}),
                false);
  }
  if (parsed.records.empty()) {
    return Send(MakeError(http::status::bad_request,
                          "the body has no records; send one JSON object per line (NDJSON)"),
                false);
  }
  IngestCall call;
  call.table = IngestTable();
  call.idempotency_key = req["Idempotency-Key"];
  call.body_hash = XXH3_64bits(body.data(), body.size());
  call.records = &parsed.records;
  srv_->backend->Ingest(call, [self = shared_from_this()](IngestAnswer answer) {
    net::post(self->stream_.get_executor(),
              [self, answer = std::move(answer)]() mutable { self->OnIngested(answer); });
  });
}

void Session::OnIngested(const IngestAnswer& a) {
  using K = IngestAnswer::Kind;
  switch (a.kind) {
    case K::kOk: {
      auto res = MakeJson(http::status::ok, json{{"accepted", a.accepted},
                                                 {"first_offset", a.first_offset},
                                                 {"last_offset", a.last_offset}});
      if (a.replayed) res.set("Idempotent-Replayed", "true");
      return Send(std::move(res), false);
    }
    case K::kConflict:
      return Send(MakeError(http::status::unprocessable_entity, a.message), false);
    case K::kNoSpace:
    case K::kBusy:
    case K::kNotReady: {
      auto res = MakeError(a.kind == K::kNoSpace ? http::status::insufficient_storage
                                                 : http::status::service_unavailable,
                           a.message);
      res.set(http::field::retry_after, std::to_string(a.retry_after_s > 0 ? a.retry_after_s : 1));
      return Send(std::move(res), false);
    }
    case K::kError:
      return Send(MakeError(http::status::internal_server_error, a.message), false);
  }
}

Session::Response Session::QueryTooLarge() {
  return MakeError(http::status::payload_too_large,
                   "query request body is larger than " +
                       FormatSize(srv_->options.max_query_body) +
                       "; send {\"sql\": \"SELECT ...\"} with a shorter query");
}

void Session::HandleQuery() {
  auto& req = parser_->get();
  if (req.body().size() > srv_->options.max_query_body) return Send(QueryTooLarge(), false);
  json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || !body.contains("sql") ||
      !body["sql"].is_string()) {
    return Send(MakeError(http::status::bad_request,
                          "the body must be a JSON object {\"sql\": \"SELECT ...\"}"),
                false);
  }
  std::string accept(req[http::field::accept]);
  for (char& c : accept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool csv = accept.find("text/csv") != std::string::npos;
  Backend* backend = srv_->backend;
  RunOnPool([backend, sql = body["sql"].get<std::string>(), csv](const std::atomic<bool>* cancel) {
    return backend->Query(sql, csv, cancel);
  });
}

void Session::HandleAdminApi() {
  auto& req = parser_->get();
  ApiRequest r;
  r.method = std::string(req.method_string());
  r.path = std::string(TargetPath());
  std::string_view target = req.target();
  if (auto q = target.find('?'); q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.body = std::move(req.body());
  r.content_type = std::string(req[http::field::content_type]);
  r.cookie = std::string(req[http::field::cookie]);
  r.host = std::string(req[http::field::host]);
  r.origin = std::string(req[http::field::origin]);
  r.client = ClientAddress();
  r.secure = beast::iequals(req["X-Forwarded-Proto"], "https");
  AdminApi* api = srv_->admin_api.get();
  RunOnPool([api, r = std::move(r)](const std::atomic<bool>*) { return api->Handle(r); });
}

template <typename Work>
void Session::RunOnPool(Work work) {
  auto cancel = AdmitToPool();
  if (!cancel) return;
  query_cancel_ = cancel;
  query_answer_.reset();
  client_gone_ = false;
  stream_.expires_never();  // a query may take up to its timeout
  WatchClient();
  net::post(*srv_->query_pool, [self = shared_from_this(), work = std::move(work), cancel] {
    ApiAnswer a = RunGuarded(work, cancel.get());
    net::post(self->stream_.get_executor(),
              [self, a = std::move(a)]() mutable { self->OnQueried(std::move(a)); });
  });
}

std::shared_ptr<std::atomic<bool>> Session::AdmitToPool() {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  if (!srv_->AddQuery(cancel)) {
    auto res = MakeError(http::status::service_unavailable,
                         "server busy: " + std::to_string(srv_->options.max_queries) +
                             " queries are running or waiting; retry shortly");
    res.set(http::field::retry_after, "1");
    Send(std::move(res), false);
    return nullptr;
  }
  if (srv_->stopping) cancel->store(true);
  return cancel;
}

template <typename Work>
ApiAnswer Session::RunGuarded(Work& work, const std::atomic<bool>* cancel) {
  ApiAnswer a;
  if (cancel->load()) {
    a.status = 503;
    a.retry_after_s = 1;
    a.body = json{{"error", "cancelled: the server is shutting down; retry shortly"}}.dump() + "\n";
    return a;
  }
  try {
    return work(cancel);
  } catch (const std::exception& e) {
    a.status = 500;
    a.body = json{{"error", std::string("internal error: ") + e.what()}}.dump() + "\n";
  }
  return a;
}

void Session::WatchClient() {
  if (buffer_.size() >= 64 * 1024) return;  // enough pipelined: stop watching
  watching_ = true;
  stream_.socket().async_read_some(
      net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
        self->watching_ = false;
        if (n > 0) {
          auto dest = self->buffer_.prepare(n);
          std::memcpy(dest.data(), self->drain_buf_.data(), n);
          self->buffer_.commit(n);
        }
        if (self->query_answer_) return self->SendQueryAnswer();
        if (ec) {
          self->client_gone_ = true;
          self->query_cancel_->store(true);
          return;  // the answer arrives soon and is dropped
        }
        self->WatchClient();
      });
}

void Session::OnQueried(QueryAnswer a) {
  srv_->RemoveQuery(query_cancel_);
  query_answer_ = std::move(a);
  if (watching_) {
    // The read's handler sends the answer once it is cancelled.
    beast::error_code ec;
    stream_.socket().cancel(ec);
    return;
  }
  SendQueryAnswer();
}

void Session::SendQueryAnswer() {
  QueryAnswer a = std::move(*query_answer_);
  query_answer_.reset();
  query_cancel_.reset();
  if (client_gone_) return Finish();
  Send(FromAnswer(std::move(a)), false);
}

Session::Response Session::FromAnswer(ApiAnswer a) {
  Response res(static_cast<http::status>(a.status), parser_->get().version());
  res.set(http::field::server, "tillpipe");
  res.set(http::field::content_type, a.content_type);
  if (a.retry_after_s > 0) res.set(http::field::retry_after, std::to_string(a.retry_after_s));
  for (const auto& [name, value] : a.headers) res.insert(name, value);
  res.body() = std::move(a.body);
  return res;
}

void Session::HandleBackup() {
  auto cancel = AdmitToPool();
  if (!cancel) return;
  std::weak_ptr<Session> weak = shared_from_this();
  auto pipe = std::make_shared<DownloadPipe>(
      [weak, executor = stream_.get_executor()] {
        net::post(executor, [weak] {
          if (auto self = weak.lock()) self->Pump();
        });
      },
      cancel);
  download_ = pipe;
  download_chunked_ = parser_->get().version() >= 11;  // HTTP/1.0: the close ends the body
  stream_.expires_never();  // taking the snapshot may take a while before the first byte
  net::post(*srv_->download_pool, [srv = srv_, pipe, cancel] {
    auto work = [srv, &pipe](const std::atomic<bool>*) { return srv->backend->Backup(pipe.get()); };
    ApiAnswer a = RunGuarded(work, cancel.get());
    srv->RemoveQuery(cancel);
    pipe->Close(std::move(a));
  });
}

void Session::Pump() {
  if (!download_ || pumping_) return;
  DownloadPipe::Item item = download_->Take();
  using Kind = DownloadPipe::Item::Kind;
  auto self = shared_from_this();
  switch (item.kind) {
    case Kind::kNothing:
      return;
    case Kind::kHead: {
      download_head_.emplace(http::status::ok, parser_->get().version());
      download_head_->set(http::field::server, "tillpipe");
      for (const auto& [name, value] : item.headers) download_head_->set(name, value);
      download_head_->keep_alive(download_chunked_ && !srv_->stopping && parser_->get().keep_alive());
      download_head_->chunked(download_chunked_);
      download_serializer_.emplace(*download_head_);
      pumping_ = true;
      stream_.expires_after(kDownloadStall);
      http::async_write_header(stream_, *download_serializer_, [self](beast::error_code ec, size_t) {
        self->Pumped(ec, 0);
      });
      return;
    }
    case Kind::kChunk: {
      download_chunk_ = std::move(item.bytes);
      pumping_ = true;
      stream_.expires_after(kDownloadStall);
      auto done = [self](beast::error_code ec, size_t) { self->Pumped(ec, self->download_chunk_.size()); };
      if (download_chunked_) {
        net::async_write(stream_, http::make_chunk(net::buffer(download_chunk_)), done);
      } else {
        net::async_write(stream_, net::buffer(download_chunk_), done);
      }
      return;
    }
    case Kind::kEnd:
      download_.reset();
      if (!item.began) return Send(FromAnswer(std::move(item.answer)), false);
      if (item.answer.status != 200) {
        ++srv_->r5xx;
        return Finish();  // cut short: the client sees the download failed
      }
      ++srv_->r2xx;
      if (!download_chunked_) return Finish();  // HTTP/1.0: closing ends the body
      stream_.expires_after(kDownloadStall);
      net::async_write(stream_, http::make_chunk_last(), [self](beast::error_code ec, size_t) {
        self->EndRequest();
        if (ec || !self->download_head_->keep_alive()) return self->Finish();
        self->ReadHeader();
      });
      return;
  }
}

void Session::Pumped(beast::error_code ec, size_t sent) {
  pumping_ = false;
  if (!download_) return;
  if (ec) {
    download_->Abandon();  // the backend stops at its next write
    download_.reset();
    return Finish();
  }
  download_->Sent(sent);
  Pump();
}

}  // namespace tp::web
