// The web::Backend that serves ingest from the stream log: encodes records
// into batches, appends them, and reports status and metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/config.h"
#include "storage/catalog.h"
#include "stream/log.h"
#include "web/backend.h"

namespace tp::app {

class CompactionService;
class Materializer;
class QueryService;

class StreamBackend : public web::Backend {
 public:
  explicit StreamBackend(const Config& config);

  // Attaches the recovered log; from then on Ready() is true. `log` must
  // outlive the backend's use (Detach() before closing it).
  void Attach(stream::Log* log);
  // Adds the materializer's progress and the catalog's files to status and
  // tables. Both must outlive the backend's use (Detach() first).
  void AttachTables(const Materializer* materializer, storage::Catalog* catalog);
  // Adds compaction and retention counters to status and metrics; must
  // outlive the backend's use (Detach() first).
  void AttachCompaction(const CompactionService* compaction);
  // Answers POST /api/v1/query with `queries`; must outlive the backend's use
  // (Detach() first).
  void AttachQueries(QueryService* queries);
  void Detach();

  bool Ready() const override;
  bool HasTable(std::string_view table) const override;
  std::vector<std::string> TableNames() const override;
  void Ingest(const web::IngestCall& call, std::function<void(web::IngestAnswer)> done) override;
  web::QueryAnswer Query(std::string_view sql, bool csv, const std::atomic<bool>* cancel) override;
  std::string StatusJson() const override;
  std::string TablesJson() const override;
  std::string MetricsText() const override;

 private:
  struct TableCounters {
    std::atomic<uint64_t> records{0};
    std::atomic<uint64_t> batches{0};
    std::atomic<uint64_t> replayed{0};
    std::atomic<uint64_t> rejected_requests{0};
  };
  void CountRate(uint64_t records);
  double RecordsPerSecond() const;

  const Config& config_;
  std::map<std::string, std::unique_ptr<TableCounters>, std::less<>> counters_;
  std::atomic<stream::Log*> log_{nullptr};
  std::atomic<const Materializer*> materializer_{nullptr};
  std::atomic<storage::Catalog*> catalog_{nullptr};
  std::atomic<const CompactionService*> compaction_{nullptr};
  std::atomic<QueryService*> queries_{nullptr};
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  // Ingest rate over the last kRateWindow whole seconds.
  static constexpr int kRateWindow = 10;
  mutable std::mutex rate_mu_;
  int64_t rate_second_[kRateWindow] = {};     // GUARDED_BY(rate_mu_)
  uint64_t rate_records_[kRateWindow] = {};   // GUARDED_BY(rate_mu_)
};

}  // namespace tp::app
