// SQL queries in the server: the QueryEngine over the catalog, the pinned
// file snapshots compaction respects, and the materializer's in-memory tail;
// and the HTTP answers of POST /api/v1/query.
//
// Status codes: 200 with the result (JSON, or CSV when asked); 400
// {"error", "position"} for SQL that does not parse or bind, a value that
// cannot be computed, or a limit hit (memory, timeout); 503 + Retry-After
// when the query was cancelled (the server is stopping); 500 when files
// cannot be read.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>

#include "app/config.h"
#include "storage/catalog.h"
#include "storage/file_snapshots.h"
#include "storage/sql/engine.h"
#include "web/backend.h"

namespace tp::app {

class Materializer;

// The materializer's tail as the engine's TailSource.
class MaterializerTail : public storage::sql::TailSource {
 public:
  explicit MaterializerTail(const Materializer* materializer) : materializer_(materializer) {}
  Status ReadTail(const std::string& table,
                  const std::function<void(const std::vector<storage::sql::TailPart>&)>& fn) override;

 private:
  const Materializer* materializer_;
};

// The engine's limits from the config's [query] section.
storage::sql::QueryLimits QueryLimitsOf(const Config& config);

class QueryService {
 public:
  // `catalog`, `snapshots` and `materializer` must outlive the service.
  static Result<std::unique_ptr<QueryService>> Open(const Config& config, storage::Catalog* catalog,
                                                    storage::FileSnapshots* snapshots,
                                                    const Materializer* materializer);

  // Runs `sql` and answers it for HTTP (see the top of this file).
  web::QueryAnswer Answer(std::string_view sql, bool csv, const std::atomic<bool>* cancel);

  storage::sql::QueryEngine& engine() { return *engine_; }

  // A config reload: queries that start after this get these limits.
  void SetLimits(const storage::sql::QueryLimits& limits);

 private:
  QueryService() = default;
  std::mutex limits_mu_;
  storage::sql::QueryLimits limits_;  // GUARDED_BY(limits_mu_)
  std::unique_ptr<MaterializerTail> tail_;
  std::unique_ptr<storage::sql::QueryEngine> engine_;
};

// The HTTP answer for a finished query: 200 with the rows, or the error's
// status and {"error", "position"} (see the top of this file).
web::QueryAnswer AnswerOf(const Result<storage::sql::QueryResult>& result,
                          const storage::sql::QueryError& error, std::string_view sql, bool csv,
                          bool cancelled, const storage::sql::TimeZone& zone);

}  // namespace tp::app
