// The flusher side of the materializer: buffered rows become part files,
// one catalog commit per flush (see materializer.h for the exactly-once
// argument and materializer_internal.h for the state).
#include <cstdio>
#include <set>

#include "app/materializer_internal.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/sync_dir.h"
#include "storage/value_parse.h"

namespace tp::app {

using storage::Column;
using storage::TypeId;

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Moves a table's buffered rows into a FlushTable, leaving it empty.
FlushTable TakeRows(TableState& t) {
  FlushTable f{t.name,
               t.schema,
               t.schema_version,
               t.time_index,
               std::move(t.rows),
               std::move(t.row_day),
               std::move(t.row_raw)};
  t.rows.clear();
  for (const auto& field : t.schema.fields) t.rows.emplace_back(field.type);
  t.row_day.clear();
  t.row_raw.clear();
  return f;
}

}  // namespace

Status Materializer::Impl::WriteTable(const FlushTable& t, uint64_t next_offset,
                                      std::vector<storage::FileEntry>* files,
                                      std::vector<std::filesystem::path>* written,
                                      std::set<std::filesystem::path>* dirs_to_sync) {
  if (t.row_day.empty()) return Status::OK();
  std::map<int32_t, std::vector<uint32_t>> by_day;
  for (uint32_t r = 0; r < t.row_day.size(); ++r) by_day[t.row_day[r]].push_back(r);
  for (const auto& [day, rows] : by_day) {
    std::vector<Column> cols;
    for (const auto& f : t.schema.fields) cols.emplace_back(f.type);
    for (size_t c = 0; c < cols.size(); ++c) {
      cols[c].Reserve(rows.size());
      for (uint32_t r : rows) cols[c].AppendFrom(t.rows[c], r);
    }
    const std::string day_text = storage::FormatDate(day);
    char name[64];
    std::snprintf(name, sizeof name, "part-%020llu-%llu.parquet",
                  static_cast<unsigned long long>(next_offset),
                  static_cast<unsigned long long>(flush_seq++));
    std::filesystem::path rel =
        std::filesystem::path("tables") / t.name / ("date=" + day_text) / name;
    std::filesystem::path dir = opt.data_dir / rel.parent_path();
    std::error_code ec;
    const bool created = std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create " + dir.string() + ": " + ec.message());
    storage::parquet::WriterOptions w;
    w.zstd_level = opt.zstd_level;
    w.created_by = "tillpipe version " TILLPIPE_VERSION;
    w.key_value_metadata = {{"tillpipe.table", t.name},
                            {"tillpipe.schema_version", std::to_string(t.schema_version)}};
    std::vector<const Column*> ptrs;
    for (const auto& c : cols) ptrs.push_back(&c);
    written->push_back(opt.data_dir / rel);
    auto info = storage::parquet::WriteParquetFile(opt.data_dir / rel, t.schema, ptrs, w);
    if (!info.ok()) return info.status();
    // The file's name must be durable before the catalog points at it: its
    // directory is synced (once per flush) before the commit.
    // So must the directory's own entry, up to data_dir: synced unless a
    // committed flush of this process already did (a failed attempt that
    // created it, or a restart, does not count).
    dirs_to_sync->insert(dir);
    if (created || durable_dirs.count(dir) == 0) {
      for (const auto& p : {dir.parent_path(), dir.parent_path().parent_path(), opt.data_dir}) {
        dirs_to_sync->insert(p);
      }
    }
    storage::FileEntry e;
    e.table = t.name;
    e.day = day_text;
    e.path = rel.string();
    e.rows = info->rows;
    e.bytes = info->bytes;
    e.checksum = info->checksum;
    e.schema_version = t.schema_version;
    for (uint32_t r : rows) e.raw_bytes += t.row_raw[r];
    const Column& time = cols[t.time_index];
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t r = 0; r < time.size(); ++r) {
      int64_t v = time.type().id == TypeId::kDate ? int64_t{time.Get<int32_t>(r)} * 86400 * 1000000
                                                  : time.Get<int64_t>(r);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    e.min_time_us = lo;
    e.max_time_us = hi;
    files->push_back(std::move(e));
  }
  return Status::OK();
}

Status Materializer::Impl::WriteJob(const FlushJob& job) {
  // `job` is this->job, which the commit below releases.
  const uint64_t job_offset = job.next_offset;
  const uint64_t job_rows = job.rows;
  std::vector<storage::FileEntry> files;
  std::vector<std::filesystem::path> written;
  Status s;
  std::set<std::filesystem::path> dirs_to_sync;
  for (const FlushTable& t : job.tables) {
    s = WriteTable(t, job.next_offset, &files, &written, &dirs_to_sync);
    if (!s.ok()) break;
  }
  // Deepest first: a new date= directory before the table directory that
  // names it.
  for (auto it = dirs_to_sync.rbegin(); s.ok() && it != dirs_to_sync.rend(); ++it) {
    s = storage::SyncDir(*it);
  }
  if (s.ok()) {
    // The files become live, and the job's rows leave the tail readers see,
    // at one moment.
    std::lock_guard view(view_mu);
    auto ids = catalog->Commit(files, {}, opt.consumer, job.next_offset);
    if (!ids.ok()) s = ids.status();
    if (s.ok()) {
      durable_dirs.insert(dirs_to_sync.begin(), dirs_to_sync.end());
      std::lock_guard lock(job_mu);
      this->job.reset();  // `job` is gone from here on
    }
  }
  if (!s.ok()) {
    // Nothing was committed: remove what this attempt wrote; the job stays
    // to be tried again (the log still has its records either way).
    for (const auto& p : written) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
    return Status(s.code() == Status::Code::kNoSpace ? Status::NoSpace("flush: " + s.message())
                                                     : Status::IOError("flush: " + s.message()));
  }
  // Committed. The log may now drop what every consumer has passed.
  if (Status c = log->CommitConsumer(opt.consumer, job_offset); !c.ok()) {
    Info("materializer: could not record its log offset (retention waits): " + c.ToString());
  }
  std::lock_guard lock(stats_mu);
  stats.next_offset = job_offset;
  stats.rows_written += job_rows;
  stats.files_written += files.size();
  ++stats.flushes;
  stats.last_flush_us = NowMicros();
  return Status::OK();
}

void Materializer::Impl::FlusherLoop() {
  std::unique_lock lock(job_mu);
  for (;;) {
    job_cv.wait(lock, [&] { return job_pending || flusher_exit; });
    if (!job_pending) return;  // exit, with nothing left to do
    FlushJob* current = job.get();
    lock.unlock();
    Status s = WriteJob(*current);  // resets `job` on success
    lock.lock();
    job_status = s;
    job_pending = false;
    job_cv.notify_all();
  }
}

Status Materializer::Impl::Drain() {
  std::unique_lock lock(job_mu);
  job_cv.wait(lock, [&] { return !job_pending; });
  if (!job) return Status::OK();
  // The last attempt failed: try once more now, then report.
  job_pending = true;
  job_cv.notify_all();
  job_cv.wait(lock, [&] { return !job_pending; });
  return job ? job_status : Status::OK();
}

Status Materializer::Impl::Submit() {
  if (Status s = Drain(); !s.ok()) return s;
  auto next = std::make_unique<FlushJob>();
  {
    std::lock_guard view(view_mu);
    next->next_offset = next_offset;
    for (auto& [name, t] : tables) {
      next->rows += t.row_day.size();
      if (!t.row_day.empty()) next->tables.push_back(TakeRows(t));
    }
    if (!rejected.row_day.empty()) next->tables.push_back(TakeRows(rejected));
    buffered = 0;
    std::lock_guard lock(job_mu);
    job = std::move(next);
    job_pending = true;
  }
  job_cv.notify_all();
  submitted_offset = next_offset;
  last_flush = std::chrono::steady_clock::now();
  return Status::OK();
}

}  // namespace tp::app
