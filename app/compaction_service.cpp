#include "app/compaction_service.h"

#include <date/tz.h>

#include <cstdio>

#include "storage/compactor.h"
#include "storage/value_parse.h"

namespace tp::app {

namespace {

// "3.1 MB": one decimal, powers of 1000, as a person reads a log line.
std::string HumanBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1000 && unit < 4) {
    v /= 1000;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

constexpr const char* kRejectedTable = "_rejected";

}  // namespace

Result<std::unique_ptr<CompactionService>> CompactionService::Create(
    CompactionServiceOptions options, storage::Catalog* catalog,
    storage::FileSnapshots* snapshots) {
  const date::time_zone* zone = nullptr;
  const std::string& tz = options.timezone;
  if (tz != "UTC" && tz != "Etc/UTC") {
    try {
      zone = date::locate_zone(tz);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("compaction: unknown time zone \"" + tz + "\": " + e.what());
    }
  }
  return std::unique_ptr<CompactionService>(
      new CompactionService(std::move(options), catalog, snapshots, zone));
}

CompactionService::CompactionService(CompactionServiceOptions options, storage::Catalog* catalog,
                                     storage::FileSnapshots* snapshots, const date::time_zone* zone)
    : options_(std::move(options)),
      catalog_(catalog),
      snapshots_(snapshots),
      zone_(zone),
      retention_(options_.retention) {}

void CompactionService::AddRetention(const std::string& table, std::chrono::seconds retention) {
  std::lock_guard lock(retention_mu_);
  retention_[table] = retention;
}

CompactionService::~CompactionService() { Stop(); }

void CompactionService::Info(const std::string& line) const {
  if (options_.info_log) options_.info_log(line);
}

void CompactionService::Report(const std::string& key, const std::string& error) {
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.errors;
  }
  std::string& last = last_errors_[key];
  if (last == error) return;
  last = error;
  Info(error + " (retried at the next pass)");
}

int64_t CompactionService::NowMicros() const {
  if (options_.now_us) return options_.now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string CompactionService::Today() const {
  const int64_t micros = NowMicros();
  int64_t day = 0;
  if (zone_ == nullptr) {
    day = storage::FloorDiv(micros, 86400LL * 1000000);
  } else {
    auto local = zone_->to_local(
        date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(micros)));
    day = date::floor<date::days>(local).time_since_epoch().count();
  }
  return storage::FormatDate(day);
}

Status CompactionService::RunOnce() {
  std::lock_guard pass(pass_mu_);
  const std::string today = Today();
  // Retention first: no point merging a day that is about to go.
  Status first = ApplyRetention(today);
  Status s = CompactTables(today);
  if (first.ok()) first = s;
  s = Reap();
  if (first.ok()) first = s;
  std::lock_guard lock(stats_mu_);
  ++stats_.passes;
  stats_.last_pass_us = NowMicros();
  return first;
}

Status CompactionService::ApplyRetention(const std::string& today) {
  auto today_days = storage::ParseDate(today);
  if (!today_days.ok()) return today_days.status();
  Status first;
  std::map<std::string, std::chrono::seconds, std::less<>> tables;
  {
    std::lock_guard lock(retention_mu_);
    tables = retention_;
  }
  for (const auto& [table, retention] : tables) {
    if (stopping_) break;
    if (retention.count() <= 0 || table == kRejectedTable) continue;
    // Whole days, rounded up: a day goes only when all of it is older than
    // the retention (e.g. 36h keeps yesterday and today).
    const int64_t keep_days = (retention.count() + 86399) / 86400;
    const std::string cutoff = storage::FormatDate(*today_days - keep_days);
    auto dropped = catalog_->DropDaysBefore(table, cutoff);
    if (!dropped.ok()) {
      Status s =
          dropped.status().Prefixed("retention of " + table + " (days before " + cutoff + "): ");
      Report("retention " + table, s.message());
      if (first.ok()) first = s;
      continue;
    }
    last_errors_.erase("retention " + table);
    if (dropped->empty()) continue;
    uint64_t rows = 0, days = 0;
    std::string last_day;
    for (const auto& f : *dropped) {
      rows += f.rows;
      if (f.day != last_day) ++days;
      last_day = f.day;
    }
    Info("retention: dropped " + table + " " + dropped->front().day + ".." + last_day + " (" +
         std::to_string(days) + " day(s), " + std::to_string(dropped->size()) + " file(s), " +
         std::to_string(rows) + " rows; older than " + cutoff + ")");
    std::lock_guard lock(stats_mu_);
    stats_.days_dropped += days;
    stats_.files_dropped += dropped->size();
    stats_.rows_dropped += rows;
  }
  return first;
}

Status CompactionService::CompactTables(const std::string& today) {
  auto tables = catalog_->Tables();
  if (!tables.ok()) {
    Report("tables", "compaction: cannot list tables: " + tables.status().message());
    return tables.status();
  }
  storage::CompactionPolicy policy;
  policy.min_files = options_.min_files;
  policy.target_file_bytes = options_.target_file_bytes;
  storage::CompactionOptions copt;
  copt.target_file_bytes = options_.target_file_bytes;
  copt.zstd_level = options_.zstd_level;
  copt.created_by = "tillpipe version " TILLPIPE_VERSION;
  copt.cancel = &stopping_;
  Status first;
  for (const storage::TableEntry& table : *tables) {
    if (stopping_) break;
    // The snapshot keeps the files being merged on disk while they are read,
    // whatever retention or the reaper do meanwhile.
    auto snap = snapshots_->Acquire(table.name);
    if (!snap.ok()) {
      Report("list " + table.name,
             "compaction: cannot list the files of " + table.name + ": " + snap.status().message());
      if (first.ok()) first = snap.status();
      continue;
    }
    // One log line per table and pass, however many days it merged.
    struct {
      std::string first_day, last_day;
      uint64_t days = 0, files_in = 0, files_out = 0, bytes_in = 0, bytes_out = 0;
      double seconds = 0;
    } done;
    for (const storage::CompactionJob& job :
         storage::PickCompactions(snap->files(), today, policy)) {
      if (stopping_) break;
      const std::string key = "compact " + job.table + " " + job.day;
      auto r = storage::CompactDay(*catalog_, options_.data_dir, job, copt);
      if (!r.ok()) {
        const Status& s = r.status();
        if (s.code() == Status::Code::kBusy && stopping_) break;  // cancelled by Stop()
        if (s.code() == Status::Code::kConflict) {
          // Retention (or another compaction) removed a file meanwhile: the
          // merged file was deleted, nothing changed; the next pass sees
          // the new state.
          Info("compaction of " + job.table + " " + job.day +
               " skipped: its files changed meanwhile (" + s.message() + ")");
          std::lock_guard lock(stats_mu_);
          ++stats_.conflicts;
          continue;
        }
        Report(key, "compaction failed: " + s.message());
        if (first.ok()) first = s;
        continue;
      }
      last_errors_.erase(key);
      if (done.days++ == 0) done.first_day = job.day;
      done.last_day = job.day;
      done.files_in += r->files_in;
      done.files_out += r->files_out;
      done.bytes_in += r->bytes_in;
      done.bytes_out += r->bytes_out;
      done.seconds += r->seconds;
      std::lock_guard lock(stats_mu_);
      ++stats_.compactions;
      stats_.files_compacted += r->files_in;
      stats_.files_written += r->files_out;
      stats_.bytes_read += r->bytes_in;
      stats_.bytes_written += r->bytes_out;
    }
    if (done.days > 0) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", done.seconds);
      const std::string days =
          done.days == 1 ? done.first_day
                         : done.first_day + ".." + done.last_day + " (" +
                               std::to_string(done.days) + " days)";
      Info("compacted " + table.name + " " + days + ": " + std::to_string(done.files_in) +
           " files -> " + std::to_string(done.files_out) + ", " + HumanBytes(done.bytes_in) +
           " -> " + HumanBytes(done.bytes_out) + " in " + secs + " s");
    }
  }
  return first;
}

Status CompactionService::Reap() {
  auto r = snapshots_->Reap();
  if (!r.ok()) {
    Report("reap", "deleting retired files: " + r.status().message());
    return r.status();
  }
  for (const auto& e : r->errors) Report("reap " + e, "deleting retired files: " + e);
  if (r->errors.empty()) last_errors_.erase("reap");
  std::lock_guard lock(stats_mu_);
  stats_.files_deleted += r->deleted;
  stats_.files_awaiting_deletion = r->pinned + r->in_grace + r->errors.size();
  return Status::OK();
}

void CompactionService::Start() {
  if (options_.interval.count() <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lock(run_mu_);
        run_cv_.wait_for(lock, options_.interval, [&] { return stopping_.load(); });
        if (stopping_) return;
      }
      (void)RunOnce();  // problems are logged and counted by the pass
    }
  });
}

void CompactionService::Stop() {
  {
    std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

CompactionStats CompactionService::Stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

}  // namespace tp::app
