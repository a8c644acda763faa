// The web::Backend that serves ingest from the stream log: encodes records
// into batches, appends them, and reports status and metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "app/config.h"
#include "storage/catalog.h"
#include "stream/histogram.h"
#include "stream/log.h"
#include "web/backend.h"

namespace tp::app {

class CompactionService;
class Materializer;
class QueryService;

// Counts per minute over the last hour (the overview's sparklines).
class MinuteSeries {
 public:
  static constexpr int kMinutes = 60;
  // Adds n to `minute` (minutes since the epoch).
  void Add(int64_t minute, uint64_t n);
  // The counts of the kMinutes minutes ending with `minute`, oldest first.
  std::vector<uint64_t> Last(int64_t minute) const;

 private:
  mutable std::mutex mu_;
  std::array<int64_t, kMinutes> minute_{};   // GUARDED_BY(mu_) which minute a slot holds
  std::array<uint64_t, kMinutes> count_{};   // GUARDED_BY(mu_)
};

class StreamBackend : public web::Backend {
 public:
  explicit StreamBackend(std::shared_ptr<const Config> config);

  // A config reload: new tables are accepted for ingest (after the
  // materializer took them), dashboards and everything shown come from
  // `config` from now on.
  void SetConfig(std::shared_ptr<const Config> config);
  std::shared_ptr<const Config> config() const;
  // The config file the server runs on (none: the embedded default); a
  // backup from the admin page holds a copy. Call before serving.
  void SetConfigFile(std::optional<std::filesystem::path> file) { config_file_ = std::move(file); }

  // Attaches the recovered log; from then on Ready() is true. `log` must
  // outlive the backend's use (Detach() before closing it).
  void Attach(stream::Log* log);
  // Adds the materializer's progress and the catalog's files to status and
  // tables, and loads the API tokens from the catalog (the error when that
  // fails). Both must outlive the backend's use (Detach() first).
  Status AttachTables(const Materializer* materializer, storage::Catalog* catalog);
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
  // Dashboards and API tokens (app/admin_backend.cpp).
  web::ApiAnswer Dashboards() override;
  web::ApiAnswer SaveDashboard(std::string_view name, std::string_view body) override;
  web::ApiAnswer DeleteDashboard(std::string_view name) override;
  web::ApiAnswer Tokens() override;
  web::ApiAnswer CreateToken(std::string_view body) override;
  web::ApiAnswer RevokeToken(std::string_view id) override;
  bool CheckToken(std::string_view token, std::string_view scope) const override;
  bool IngestNeedsToken() const override;
  // _rejected: browse and re-process (app/rejected_backend.cpp).
  web::ApiAnswer Rejected(std::string_view query) override;
  web::ApiAnswer Reprocess(std::string_view body) override;
  web::ApiAnswer StreamInfo() override;
  // The admin page's "Backup now" (app/backup_download.cpp).
  web::ApiAnswer Backup(web::Download* out) override;
  std::string StatusJson() const override;
  std::string TablesJson() const override;
  std::string MetricsText() const override;

 private:
  struct TableCounters {
    std::atomic<uint64_t> records{0};
    std::atomic<uint64_t> batches{0};
    std::atomic<uint64_t> replayed{0};
    std::atomic<uint64_t> rejected_requests{0};
    MinuteSeries per_minute;  // records appended
  };
  // 503 + Retry-After: the tables are not attached yet.
  static web::ApiAnswer NotReadyAnswer();
  void CountRate(uint64_t records);
  // Reloads the live tokens' hashes from the catalog.
  Status LoadTokens(storage::Catalog* catalog);
  double RecordsPerSecond() const;

  // The counters of `table`, nullptr when it is not configured.
  TableCounters* FindCounters(std::string_view table) const;
  // Every table's counters, by name.
  std::vector<std::pair<std::string, TableCounters*>> AllCounters() const;

  mutable std::mutex config_mu_;
  std::shared_ptr<const Config> config_;  // GUARDED_BY(config_mu_)
  // Entries are added by SetConfig and never removed (a table dropped from
  // the config keeps its counters until a restart).
  mutable std::shared_mutex counters_mu_;
  std::map<std::string, std::unique_ptr<TableCounters>, std::less<>> counters_;  // GUARDED_BY(counters_mu_)
  std::atomic<stream::Log*> log_{nullptr};
  std::atomic<const Materializer*> materializer_{nullptr};
  std::atomic<storage::Catalog*> catalog_{nullptr};
  std::atomic<const CompactionService*> compaction_{nullptr};
  std::atomic<QueryService*> queries_{nullptr};
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  LatencyHistogram query_seconds_;  // every answered query

  // Live API tokens: SHA-256 hex of the secret -> scope.
  mutable std::mutex tokens_mu_;
  std::map<std::string, std::string, std::less<>> live_tokens_;  // GUARDED_BY(tokens_mu_)
  bool ingest_tokens_made_ = false;  // GUARDED_BY(tokens_mu_) see IngestNeedsToken()

  std::mutex reprocess_mu_;  // one re-process at a time
  std::optional<std::filesystem::path> config_file_;
  std::atomic<bool> backup_running_{false};  // one backup download at a time

  // Ingest rate over the last kRateWindow whole seconds.
  static constexpr int kRateWindow = 10;
  mutable std::mutex rate_mu_;
  int64_t rate_second_[kRateWindow] = {};     // GUARDED_BY(rate_mu_)
  uint64_t rate_records_[kRateWindow] = {};   // GUARDED_BY(rate_mu_)
};

}  // namespace tp::app
