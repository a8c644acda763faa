// HTTP/1.1 server on Boost.Beast (RFC 9110 semantics, RFC 9112 framing).
//
// One single-threaded io_context per io thread; accepted connections are
// dealt out to them in turn. A Session's handlers (and its stream's timeout
// timer) therefore always run on one thread, so no strand is needed. Ingest
// answers come back from the log's writer thread and are posted onto the
// session's executor. Queries run on a small pool of their own; while one
// runs, its session watches the socket so a client that goes away cancels it.
#include "web/http_server.h"

#include <xxhash.h>

#include <atomic>
#include <cctype>
#include <exception>
#include <cstring>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "web/admin_api.h"
#include "web/download_pipe.h"
#include "web/ndjson.h"
#include "web/static_assets.h"

namespace tp::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Executor = net::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;

namespace {

constexpr std::string_view kIngestPrefix = "/api/v1/ingest/";
constexpr std::string_view kQueryPath = "/api/v1/query";
constexpr std::string_view kBackupPath = "/api/v1/backup";

bool ValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) return false;  // visible ASCII only
  }
  return true;
}

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

}  // namespace

class Session;

struct HttpServer::Impl {
  ServerOptions options;
  Backend* backend = nullptr;
  std::unique_ptr<AdminAuth> auth;
  std::unique_ptr<AdminApi> admin_api;
  // contexts[0] also runs the acceptor. Each context is run by one thread.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  size_t next_context = 0;  // only touched by the accept handler
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  bool stopped = false;

  std::mutex sessions_mu;
  std::condition_variable sessions_cv;
  std::set<std::shared_ptr<Session>> sessions;  // GUARDED_BY(sessions_mu)

  std::atomic<uint64_t> requests{0}, r2xx{0}, r4xx{0}, r5xx{0};
  std::atomic<uint64_t> inflight_body_bytes{0};
  // Limits a config reload may change (HttpServer::SetLimits).
  std::atomic<uint64_t> max_body{0};
  mutable std::mutex ingest_tokens_mu;
  std::shared_ptr<const std::vector<std::string>> ingest_tokens;  // GUARDED_BY(ingest_tokens_mu)
  std::shared_ptr<const std::vector<std::string>> IngestTokens() const {
    std::lock_guard lock(ingest_tokens_mu);
    return ingest_tokens;
  }
  std::atomic<int> busy{0};  // requests being handled; see Session::BeginRequest

  // Queries: the pool they run on, and the cancel flags of those running or
  // waiting (Stop() sets them all).
  std::unique_ptr<net::thread_pool> query_pool;
  std::mutex queries_mu;
  std::set<std::shared_ptr<std::atomic<bool>>> queries;  // GUARDED_BY(queries_mu)

  // Registers a query; false when max_queries are already running or waiting.
  bool AddQuery(const std::shared_ptr<std::atomic<bool>>& cancel) {
    std::lock_guard lock(queries_mu);
    if (static_cast<int>(queries.size()) >= options.max_queries) return false;
    queries.insert(cancel);
    return true;
  }
  void RemoveQuery(const std::shared_ptr<std::atomic<bool>>& cancel) {
    std::lock_guard lock(queries_mu);
    queries.erase(cancel);
  }
  void CancelQueries() {
    std::lock_guard lock(queries_mu);
    for (const auto& c : queries) c->store(true);
  }

  // Takes `bytes` from the body budget; false when it would overflow.
  bool ReserveBody(uint64_t bytes) {
    uint64_t cur = inflight_body_bytes.load();
    do {
      if (cur + bytes > options.max_inflight_body_bytes && cur > 0) return false;
    } while (!inflight_body_bytes.compare_exchange_weak(cur, cur + bytes));
    return true;
  }
  void ReleaseBody(uint64_t bytes) { inflight_body_bytes -= bytes; }

  explicit Impl(int threads) : acceptor(*MakeContexts(this, threads)) {}
  static net::io_context* MakeContexts(Impl* self, int threads) {
    for (int i = 0; i < threads; ++i) {
      self->contexts.push_back(std::make_unique<net::io_context>(1));
    }
    return self->contexts[0].get();
  }
  void DoAccept();
  void Remove(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(sessions_mu);
    sessions.erase(s);
    sessions_cv.notify_all();
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, HttpServer::Impl* srv) : stream_(std::move(socket)), srv_(srv) {}

  void Start() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  void ReadHeader() {
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

  void OnHeader(beast::error_code ec) {
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

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec == http::error::body_limit) return self->TooLarge();
                       if (ec) return self->Finish();
                       self->Handle();
                     });
  }

  // --- responses -----------------------------------------------------------

  using Response = http::response<http::string_body>;

  Response MakeJson(http::status status, const json& body) {
    Response res(status, parser_ ? parser_->get().version() : 11);
    res.set(http::field::server, "tillpipe");
    res.set(http::field::content_type, "application/json");
    res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.body() += '\n';
    return res;
  }

  Response MakeError(http::status status, const std::string& message) {
    return MakeJson(status, json{{"error", message}});
  }

  void ReleaseReserved() {
    if (reserved_ > 0) srv_->ReleaseBody(reserved_);
    reserved_ = 0;
  }

  void Send(Response res, bool close) {
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

  // 413: the body is over max_body.
  void TooLarge() {
    ++srv_->requests;
    RejectUnread(MakeError(http::status::payload_too_large,
                           "request body is larger than http.max_body = " +
                               FormatSize(srv_->max_body.load()) +
                               "; send fewer records per request (tillpipe ingest batches "
                               "automatically) or raise http.max_body"));
  }

  // Answers a request whose body was not read, stops sending, and drains
  // what the client still sends for a moment, so that closing does not reset
  // the connection before the client has read the answer.
  void RejectUnread(Response res) {
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

  void Drain() {
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(net::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Finish();
                              self->Drain();
                            });
  }

  // Requests between their header arriving and their answer being written
  // are counted, so Stop() can let them finish.
  void BeginRequest() {
    if (!in_request_) {
      in_request_ = true;
      ++srv_->busy;
    }
  }
  void EndRequest() {
    if (in_request_) {
      in_request_ = false;
      if (--srv_->busy == 0 && srv_->stopping) {
        std::lock_guard lock(srv_->sessions_mu);
        srv_->sessions_cv.notify_all();
      }
    }
  }

  void Finish() {
    EndRequest();
    ReleaseReserved();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    srv_->Remove(shared_from_this());
  }

  // --- routing -------------------------------------------------------------

  // The request's path, without the query string.
  std::string_view TargetPath() const {
    std::string_view target = parser_->get().target();
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    return target;
  }

  void Handle() {
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

  // The admin page's files (web/static_assets.h), revalidated by ETag and
  // sent gzipped when the client accepts it.
  void HandleStatic(std::string_view path) {
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

  void MethodNotAllowed(const char* allow) {
    auto res = MakeError(http::status::method_not_allowed,
                         "method not allowed here; use " + std::string(allow));
    res.set(http::field::allow, allow);
    Send(std::move(res), false);
  }

  std::string ServerMetrics() const {
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

  // --- ingest --------------------------------------------------------------

  std::string_view IngestTable() const {
    std::string_view target = parser_->get().target();
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    return target.substr(kIngestPrefix.size());
  }

  // Checks what can be checked from the header alone: auth, table, key.
  std::optional<Response> CheckIngestHeader() {
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

  void HandleIngest() {
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

  void OnIngested(const IngestAnswer& a) {
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

  // --- query -----------------------------------------------------------------

  Response QueryTooLarge() {
    return MakeError(http::status::payload_too_large,
                     "query request body is larger than " +
                         FormatSize(srv_->options.max_query_body) +
                         "; send {\"sql\": \"SELECT ...\"} with a shorter query");
  }

  void HandleQuery() {
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

  // The peer's IP address ("" when the socket is gone).
  std::string ClientAddress() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? std::string() : ep.address().to_string();
  }

  void HandleAdminApi() {
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

  // Runs `work` on the query pool (it may block), watching the client
  // meanwhile, and sends its answer.
  template <typename Work>
  void RunOnPool(Work work) {
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

  // A place on the query pool: its cancel flag, or nullptr after answering
  // 503 when max_queries are running or waiting.
  std::shared_ptr<std::atomic<bool>> AdmitToPool() {
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

  // Runs `work` on a pool thread unless cancelled; an exception (a bug)
  // costs one answer, not the server.
  template <typename Work>
  static ApiAnswer RunGuarded(Work& work, const std::atomic<bool>* cancel) {
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

  // While a query runs, a read on the socket notices a client that closes
  // the connection (and cancels the query); bytes of a pipelined next
  // request are kept for ReadHeader.
  void WatchClient() {
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

  void OnQueried(QueryAnswer a) {
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

  void SendQueryAnswer() {
    QueryAnswer a = std::move(*query_answer_);
    query_answer_.reset();
    query_cancel_.reset();
    if (client_gone_) return Finish();
    Send(FromAnswer(std::move(a)), false);
  }

  Response FromAnswer(ApiAnswer a) {
    Response res(static_cast<http::status>(a.status), parser_->get().version());
    res.set(http::field::server, "tillpipe");
    res.set(http::field::content_type, a.content_type);
    if (a.retry_after_s > 0) res.set(http::field::retry_after, std::to_string(a.retry_after_s));
    for (const auto& [name, value] : a.headers) res.insert(name, value);
    res.body() = std::move(a.body);
    return res;
  }

  // --- downloads: GET /api/v1/backup -------------------------------------------

  // The backend writes the archive on a pool thread into a DownloadPipe;
  // this thread sends it as it comes, in HTTP chunks (RFC 9112 7.1), one
  // write at a time. A client that stops reading for kDownloadStall, or
  // goes away, makes the backend's next write fail and the backup stop.
  void HandleBackup() {
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
    net::post(*srv_->query_pool, [srv = srv_, pipe, cancel] {
      auto work = [srv, &pipe](const std::atomic<bool>*) { return srv->backend->Backup(pipe.get()); };
      ApiAnswer a = RunGuarded(work, cancel.get());
      srv->RemoveQuery(cancel);
      pipe->Close(std::move(a));
    });
  }

  static constexpr std::chrono::seconds kDownloadStall{60};

  void Pump() {
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

  void Pumped(beast::error_code ec, size_t sent) {
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

  beast::basic_stream<tcp, Executor> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response res_;
  NdjsonValidator validator_;
  HttpServer::Impl* srv_;
  bool in_request_ = false;
  uint64_t reserved_ = 0;  // bytes of the body budget this request holds
  std::array<char, 16 * 1024> drain_buf_;  // also the query's WatchClient buffer
  std::shared_ptr<std::atomic<bool>> query_cancel_;
  std::optional<QueryAnswer> query_answer_;  // the query's answer, until sent
  bool watching_ = false;     // WatchClient's read is in flight
  bool client_gone_ = false;  // the client closed while its query ran
  // A download being sent (HandleBackup).
  std::shared_ptr<DownloadPipe> download_;
  bool download_chunked_ = true;
  bool pumping_ = false;  // a write of the download is in flight
  std::optional<http::response<http::empty_body>> download_head_;
  std::optional<http::response_serializer<http::empty_body>> download_serializer_;
  std::string download_chunk_;  // the chunk being written
};

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
