// Internal to the HTTP server (web/http_server.cpp: the connection's I/O,
// accepting, start and stop; web/http_handlers.cpp: routing and the
// endpoints): the server's shared state and one connection's Session. The
// only header that includes Boost.Beast; nothing outside web/ includes it.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "web/admin_api.h"
#include "web/download_pipe.h"
#include "web/http_server.h"
#include "web/ndjson.h"

namespace tp::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Executor = net::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;

inline constexpr std::string_view kIngestPrefix = "/api/v1/ingest/";
inline constexpr std::string_view kQueryPath = "/api/v1/query";
inline constexpr std::string_view kBackupPath = "/api/v1/backup";

// "16 MiB", "1 KiB", "100 bytes": a limit as its config spells it.
std::string FormatSize(uint64_t bytes);

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
  // Downloads (a backup streamed to a slow browser may take minutes) get
  // threads of their own, so they never hold up queries. Their cancel flags
  // are in `queries` too.
  std::unique_ptr<net::thread_pool> download_pool;
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

// One connection. Its handlers run on one io thread, one at a time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, HttpServer::Impl* srv) : stream_(std::move(socket)), srv_(srv) {}

  void Start();

 private:
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody();

  // --- responses -----------------------------------------------------------
  using Response = http::response<http::string_body>;
  Response MakeJson(http::status status, const json& body);
  Response MakeError(http::status status, const std::string& message);
  void ReleaseReserved();
  void Send(Response res, bool close);
  // 413: the body is over max_body.
  void TooLarge();
  // Answers a request whose body was not read, stops sending, and drains
  // what the client still sends for a moment, so that closing does not reset
  // the connection before the client has read the answer.
  void RejectUnread(Response res);
  void Drain();
  // Requests between their header arriving and their answer being written
  // are counted, so Stop() can let them finish.
  void BeginRequest();
  void EndRequest();
  void Finish();
  // The peer's IP address ("" when the socket is gone).
  std::string ClientAddress();

  // --- routing -------------------------------------------------------------
  // The request's path, without the query string.
  std::string_view TargetPath() const;
  void Handle();
  // The admin page's files (web/static_assets.h), revalidated by ETag and
  // sent gzipped when the client accepts it.
  void HandleStatic(std::string_view path);
  void MethodNotAllowed(const char* allow);
  std::string ServerMetrics() const;

  // --- ingest --------------------------------------------------------------
  std::string_view IngestTable() const;
  // Checks what can be checked from the header alone: auth, table, key.
  std::optional<Response> CheckIngestHeader();
  void HandleIngest();
  void OnIngested(const IngestAnswer& a);

  // --- queries and admin calls on the pool -----------------------------------
  Response QueryTooLarge();
  void HandleQuery();
  void HandleAdminApi();
  // Runs `work` on the query pool (it may block), watching the client
  // meanwhile, and sends its answer.
  template <typename Work>
  void RunOnPool(Work work);
  // A place among the queries, admin calls and downloads running or waiting
  // (at most max_queries): its cancel flag, or nullptr after answering 503.
  std::shared_ptr<std::atomic<bool>> AdmitToPool();
  // Runs `work` on a pool thread unless cancelled; an exception (a bug)
  // costs one answer, not the server.
  template <typename Work>
  static ApiAnswer RunGuarded(Work& work, const std::atomic<bool>* cancel);
  // While a query runs, a read on the socket notices a client that closes
  // the connection (and cancels the query); bytes of a pipelined next
  // request are kept for ReadHeader.
  void WatchClient();
  void OnQueried(QueryAnswer a);
  void SendQueryAnswer();
  Response FromAnswer(ApiAnswer a);

  // --- downloads: GET /api/v1/backup ------------------------------------------
  // The backend writes the archive on a pool thread into a DownloadPipe;
  // this thread sends it as it comes, in HTTP chunks (RFC 9112 7.1), one
  // write at a time. A client that stops reading for kDownloadStall, or
  // goes away, makes the backend's next write fail and the backup stop.
  void HandleBackup();
  static constexpr std::chrono::seconds kDownloadStall{60};
  void Pump();
  void Pumped(beast::error_code ec, size_t sent);

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

}  // namespace tp::web
