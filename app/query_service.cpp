#include "app/query_service.h"

#include "app/materializer.h"
#include "app/query_format.h"

namespace tp::app {

namespace sql = storage::sql;

Status MaterializerTail::ReadTail(
    const std::string& table, const std::function<void(const std::vector<sql::TailPart>&)>& fn) {
  return materializer_->ReadTail(table, [&](const std::vector<TailChunk>& chunks) {
    std::vector<sql::TailPart> parts;
    parts.reserve(chunks.size());
    for (const TailChunk& c : chunks) parts.push_back({c.schema, c.columns, c.row_day});
    fn(parts);
  });
}

sql::QueryLimits QueryLimitsOf(const Config& config) {
  sql::QueryLimits limits;
  limits.memory_bytes = static_cast<size_t>(config.query.memory_limit);
  limits.timeout = config.query.timeout;
  return limits;
}

Result<std::unique_ptr<QueryService>> QueryService::Open(const Config& config,
                                                         storage::Catalog* catalog,
                                                         storage::FileSnapshots* snapshots,
                                                         const Materializer* materializer) {
  std::unique_ptr<QueryService> service(new QueryService());
  if (materializer != nullptr) service->tail_ = std::make_unique<MaterializerTail>(materializer);
  sql::EngineOptions options;
  options.data_dir = config.data_dir;
  options.timezone = config.timezone;
  options.catalog = catalog;
  options.snapshots = snapshots;
  options.tail = service->tail_.get();
  options.limits = QueryLimitsOf(config);
  service->limits_ = options.limits;
  // A GROUP BY or join too big for [query] memory_limit spills here (anonymous
  // files: nothing stays behind).
  options.spill_dir = std::filesystem::path(config.data_dir) / "tmp";
  auto engine = sql::QueryEngine::Open(std::move(options));
  if (!engine.ok()) return engine.status();
  service->engine_ = std::move(engine).value();
  return service;
}

void QueryService::SetLimits(const storage::sql::QueryLimits& limits) {
  std::lock_guard lock(limits_mu_);
  limits_ = limits;
}

web::QueryAnswer QueryService::Answer(std::string_view sql_text, bool csv,
                                      const std::atomic<bool>* cancel) {
  sql::QueryOptions options;
  options.cancel = cancel;
  {
    std::lock_guard lock(limits_mu_);
    options.limits = limits_;
  }
  sql::QueryError error;
  auto result = engine_->Query(sql_text, options, &error);
  bool cancelled = cancel != nullptr && cancel->load();
  return AnswerOf(result, error, sql_text, csv, cancelled, engine_->zone());
}

web::QueryAnswer AnswerOf(const Result<sql::QueryResult>& result, const sql::QueryError& error,
                          std::string_view sql_text, bool csv, bool cancelled,
                          const sql::TimeZone& zone) {
  web::QueryAnswer a;
  if (result.ok()) {
    if (csv) {
      a.content_type = "text/csv; charset=utf-8; header=present";
      a.body = QueryResultCsv(*result, zone);
    } else {
      a.body = QueryResultJson(*result, zone);
    }
    return a;
  }
  const Status& s = result.status();
  std::string message = error.message.empty() ? s.message() : error.message;
  std::optional<size_t> position;
  if (error.position) position = sql::CharacterPosition(sql_text, *error.position);
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
      a.status = 400;
      break;
    case Status::Code::kBusy:
      // Cancelled: the client is gone (nobody reads this) or the server is
      // stopping; anything else busy is worth a retry too.
      a.status = 503;
      a.retry_after_s = 1;
      if (cancelled) message = "query cancelled: the server is shutting down; retry shortly";
      break;
    default:
      a.status = 500;
      break;
  }
  a.body = QueryErrorJson(message, position);
  return a;
}

}  // namespace tp::app
