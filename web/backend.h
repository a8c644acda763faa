// The narrow interface the HTTP layer serves. `app` implements it over the
// stream (and later the tables and the SQL engine); `web` knows nothing else.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tp::web {

struct IngestCall {
  std::string_view table;
  std::string_view idempotency_key;  // empty = none
  uint64_t body_hash = 0;            // XXH3 of the raw body
  const std::vector<std::string_view>* records = nullptr;  // valid only during Ingest()
};

struct IngestAnswer {
  enum class Kind { kOk, kNoSpace, kBusy, kConflict, kNotReady, kError };
  Kind kind = Kind::kOk;
  std::string message;  // for errors: what happened and the fix
  uint64_t first_offset = 0;
  uint64_t last_offset = 0;
  uint32_t accepted = 0;
  bool replayed = false;  // answered from the idempotency memory
  int retry_after_s = 0;  // for NoSpace / Busy / NotReady
};

// An answer computed off the io threads (a query, an admin call), ready to send.
struct ApiAnswer {
  int status = 200;  // HTTP status
  std::string body;
  std::string content_type = "application/json";
  int retry_after_s = 0;  // > 0: sent as Retry-After
  std::vector<std::pair<std::string, std::string>> headers;  // more headers (Set-Cookie, ...)
};
using QueryAnswer = ApiAnswer;  // the answer to POST /api/v1/query

// A download sent as it is made (chunked), so a large one never sits in
// memory or on disk whole. The backend calls it from a pool thread.
class Download {
 public:
  virtual ~Download() = default;
  // The status line is 200; `headers` go with it (content type first). Must
  // come before the first Write().
  virtual void Begin(std::vector<std::pair<std::string, std::string>> headers) = 0;
  // Sends `bytes`, blocking while the client is slower than the backend;
  // false once the client went away or the server stops: give up then.
  virtual bool Write(std::string_view bytes) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  static ApiAnswer NotHere() {
    return {501, "{\"error\":\"this server does not keep admin objects\"}\n", "application/json", 0, {}};
  }

  // True once recovery finished and ingest is accepted.
  virtual bool Ready() const = 0;
  virtual bool HasTable(std::string_view table) const = 0;
  virtual std::vector<std::string> TableNames() const = 0;

  // Appends `call.records` to `call.table`. Must copy what it needs before
  // returning. `done` runs exactly once, on any thread, and must not block.
  virtual void Ingest(const IngestCall& call, std::function<void(IngestAnswer)> done) = 0;

  // Runs one SQL query and answers it as JSON, or as CSV when `csv`. Called
  // on a thread of the server's query pool (it may take long); returns early
  // once *cancel becomes true (the client went away, or the server stops).
  virtual QueryAnswer Query(std::string_view sql, bool csv, const std::atomic<bool>* cancel) {
    (void)sql, (void)csv, (void)cancel;
    return {501, "{\"error\":\"this server does not answer queries\"}\n", "application/json", 0, {}};
  }

  // The admin page's saved objects. Each answers ready to send: 200 with
  // JSON, or an error status with {"error": ...}. Called on the query pool.
  // GET /api/v1/dashboards: {"dashboards":[{"name","title","source","panels":[..]}]}
  virtual ApiAnswer Dashboards() { return NotHere(); }
  // PUT /api/v1/dashboards/{name} with the dashboard's JSON.
  virtual ApiAnswer SaveDashboard(std::string_view name, std::string_view body) {
    (void)name, (void)body;
    return NotHere();
  }
  // DELETE /api/v1/dashboards/{name}: drops the page's copy.
  virtual ApiAnswer DeleteDashboard(std::string_view name) {
    (void)name;
    return NotHere();
  }
  // GET /api/v1/tokens, POST /api/v1/tokens {"name","scope"}, DELETE /api/v1/tokens/{id}.
  virtual ApiAnswer Tokens() { return NotHere(); }
  virtual ApiAnswer CreateToken(std::string_view body) {
    (void)body;
    return NotHere();
  }
  virtual ApiAnswer RevokeToken(std::string_view id) {
    (void)id;
    return NotHere();
  }
  // True when `token` is a live API token of `scope` ("ingest" | "read").
  // Called on io threads: must not block for long.
  virtual bool CheckToken(std::string_view token, std::string_view scope) const {
    (void)token, (void)scope;
    return false;
  }
  // True once an ingest token was made on the page (even if all were
  // revoked since: revoking the last one must not open ingest to anyone).
  virtual bool IngestNeedsToken() const { return false; }

  // GET /api/v1/rejected?table=&reason=&before=&offset=&limit=: counts of
  // _rejected by table and reason code, and a page of records, newest first.
  virtual ApiAnswer Rejected(std::string_view query) {
    (void)query;
    return NotHere();
  }
  // POST /api/v1/rejected/reprocess {"offsets": [...]}: appends those
  // records to the log again, each at most once.
  virtual ApiAnswer Reprocess(std::string_view body) {
    (void)body;
    return NotHere();
  }
  // GET /api/v1/stream: segments, offsets, consumers, retention.
  virtual ApiAnswer StreamInfo() { return NotHere(); }
  // GET /api/v1/backup: a backup archive of the data directory, written to
  // `out` as it is made. Called on a download thread (not the query pool). Before out->Begin() the
  // returned answer is sent as is (an error); after it, a 200 ends the
  // download and anything else cuts it off, so the client sees it failed.
  virtual ApiAnswer Backup(Download* out) {
    (void)out;
    return NotHere();
  }

  virtual std::string StatusJson() const = 0;   // GET /api/v1/status
  virtual std::string TablesJson() const = 0;   // GET /api/v1/tables
  virtual std::string MetricsText() const = 0;  // GET /metrics (Prometheus text format)
};

}  // namespace tp::web
