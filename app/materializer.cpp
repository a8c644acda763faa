#include "app/materializer.h"

#include <date/tz.h>
#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "app/record_decoder.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/value_parse.h"

namespace tp::app {

using storage::Column;
using storage::LogicalType;
using storage::TypeId;

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status SyncDir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync " + dir.string() + ": " + std::strerror(errno));
  return Status::OK();
}

// Rows decoded for one table since the last flush, in log order, with the
// store-local day of each.
struct TableState {
  std::string name;
  storage::Schema schema;
  int time_index = -1;
  int schema_version = 0;
  std::unique_ptr<RecordDecoder> decoder;  // null for _rejected
  std::vector<Column> rows;
  std::vector<int32_t> row_day;
};

}  // namespace

struct Materializer::Impl {
  MaterializerOptions opt;
  stream::Log* log = nullptr;
  storage::Catalog* catalog = nullptr;
  const date::time_zone* zone = nullptr;  // nullptr = UTC

  std::map<std::string, TableState, std::less<>> tables;
  TableState rejected;

  // Poll/flush state: touched only by the thread that calls Poll.
  std::unique_ptr<stream::LogReader> reader;
  uint64_t next_offset = 0;  // after the last record in the tails
  uint64_t buffered = 0;
  std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();
  uint64_t flush_seq = 0;

  mutable std::mutex stats_mu;
  MaterializerStats stats;  // GUARDED_BY(stats_mu)

  std::mutex run_mu;
  std::condition_variable run_cv;
  bool stopping = false;  // GUARDED_BY(run_mu)
  std::thread thread;

  void Info(const std::string& s) const {
    if (opt.info_log) opt.info_log(s);
  }
  int32_t LocalDay(int64_t micros) const {
    if (zone == nullptr) return static_cast<int32_t>(storage::FloorDiv(micros, 86400LL * 1000000));
    auto local = zone->to_local(
        date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(micros)));
    return static_cast<int32_t>(date::floor<date::days>(local).time_since_epoch().count());
  }
  void Reject(std::string_view table, uint64_t offset, const std::string& field,
              const std::string& reason, std::string_view record, int64_t ingested_us);
  void Process(std::string_view table, uint64_t offset, std::string_view record, int64_t ingested_us);
  Status Flush();
  Status WriteTable(TableState& t, std::vector<storage::FileEntry>* files,
                    std::vector<std::filesystem::path>* written);
};

storage::Schema Materializer::RejectedSchema() {
  return storage::Schema{{
      {"table_name", LogicalType::Of(TypeId::kString), false},
      {"log_offset", LogicalType::Of(TypeId::kInt64), false},
      {"field", LogicalType::Of(TypeId::kString), false},
      {"reason", LogicalType::Of(TypeId::kString), false},
      {"record", LogicalType::Of(TypeId::kString), false},
      {"ingested_at", LogicalType::Of(TypeId::kTimestamp), false},
  }};
}

void Materializer::Impl::Reject(std::string_view table, uint64_t offset, const std::string& field,
                                const std::string& reason, std::string_view record,
                                int64_t ingested_us) {
  auto& c = rejected.rows;
  c[0].AppendString(table);
  c[1].AppendInt64(static_cast<int64_t>(offset));
  c[2].AppendString(field);
  c[3].AppendString(reason);
  c[4].AppendString(record);
  c[5].AppendInt64(ingested_us);
  rejected.row_day.push_back(LocalDay(ingested_us));
  ++buffered;
  std::lock_guard lock(stats_mu);
  ++stats.rows_rejected;
}

void Materializer::Impl::Process(std::string_view table, uint64_t offset, std::string_view record,
                                 int64_t ingested_us) {
  auto it = tables.find(table);
  if (it == tables.end()) {
    return Reject(table, offset, "table",
                  "table \"" + std::string(table) +
                      "\" is not in the config; the record stays in the log; declare [tables." +
                      std::string(table) + "] to keep such records",
                  record, ingested_us);
  }
  TableState& t = it->second;
  DecodeError error;
  if (!t.decoder->Decode(record, &t.rows, &error)) {
    return Reject(table, offset, error.field, error.reason, record, ingested_us);
  }
  const Column& time = t.rows[t.time_index];
  const size_t row = time.size() - 1;
  t.row_day.push_back(time.type().id == TypeId::kDate ? time.Get<int32_t>(row)
                                                      : LocalDay(time.Get<int64_t>(row)));
  ++buffered;
}

Status Materializer::Impl::WriteTable(TableState& t, std::vector<storage::FileEntry>* files,
                                      std::vector<std::filesystem::path>* written) {
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
    bool new_dir = !std::filesystem::exists(dir, ec);
    std::filesystem::create_directories(dir, ec);
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
    // The file's name must be durable before the catalog points at it.
    if (Status s = SyncDir(dir); !s.ok()) return s;
    if (new_dir) {  // create_directories may have made date=, the table dir and tables/
      for (const auto& p : {dir.parent_path(), dir.parent_path().parent_path(), opt.data_dir}) {
        if (Status s = SyncDir(p); !s.ok()) return s;
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

Status Materializer::Impl::Flush() {
  std::vector<storage::FileEntry> files;
  std::vector<std::filesystem::path> written;
  Status s;
  for (auto& [name, t] : tables) {
    s = WriteTable(t, &files, &written);
    if (!s.ok()) break;
  }
  if (s.ok()) s = WriteTable(rejected, &files, &written);
  std::optional<uint64_t> offset = next_offset;
  if (s.ok()) {
    auto ids = catalog->Commit(files, {}, opt.consumer, offset);
    if (!ids.ok()) s = ids.status();
  }
  if (!s.ok()) {
    // Nothing was committed: remove what this flush wrote and keep the rows
    // to try again (the log still has them either way).
    for (const auto& p : written) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
    return Status(s.code() == Status::Code::kNoSpace ? Status::NoSpace("flush: " + s.message())
                                                     : Status::IOError("flush: " + s.message()));
  }
  // Committed. The log may now drop what every consumer has passed.
  if (Status c = log->CommitConsumer(opt.consumer, next_offset); !c.ok()) {
    Info("materializer: could not record its log offset (retention waits): " + c.ToString());
  }
  uint64_t rows = 0;
  for (auto& [name, t] : tables) {
    rows += t.row_day.size();
    for (auto& c : t.rows) c.Clear();
    t.row_day.clear();
  }
  for (auto& c : rejected.rows) c.Clear();
  rejected.row_day.clear();
  buffered = 0;
  last_flush = std::chrono::steady_clock::now();
  std::lock_guard lock(stats_mu);
  stats.next_offset = next_offset;
  stats.rows_written += rows;
  stats.files_written += files.size();
  ++stats.flushes;
  stats.last_flush_us = NowMicros();
  return Status::OK();
}

Result<std::unique_ptr<Materializer>> Materializer::Open(MaterializerOptions options,
                                                         stream::Log* log,
                                                         storage::Catalog* catalog) {
  auto impl = std::make_unique<Impl>();
  impl->opt = std::move(options);
  impl->log = log;
  impl->catalog = catalog;
  const std::string& tz = impl->opt.timezone;
  if (tz != "UTC" && tz != "Etc/UTC") {
    try {
      impl->zone = date::locate_zone(tz);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("unknown time zone \"" + tz + "\": " + e.what());
    }
  }
  for (const auto& spec : impl->opt.tables) {
    TableState t;
    t.name = spec.name;
    t.schema = spec.schema;
    t.time_index = spec.schema.Find(spec.time_column);
    if (t.time_index < 0) {
      return Status::InvalidArgument("table " + spec.name + ": time column \"" + spec.time_column +
                                     "\" is not one of its columns");
    }
    // A row must have a day: the time column cannot be NULL.
    t.schema.fields[t.time_index].nullable = false;
    auto decoder = RecordDecoder::Create(t.schema, spec.paths, tz);
    if (!decoder.ok()) return decoder.status();
    t.decoder = std::move(*decoder);
    t.rows = t.decoder->MakeColumns();
    auto version = catalog->EnsureSchema(t.name, spec.time_column, t.schema);
    if (!version.ok()) return version.status();
    t.schema_version = *version;
    impl->tables.emplace(t.name, std::move(t));
  }
  impl->rejected.name = kRejectedTable;
  impl->rejected.schema = RejectedSchema();
  impl->rejected.time_index = 5;
  for (const auto& f : impl->rejected.schema.fields) impl->rejected.rows.emplace_back(f.type);
  auto version = catalog->EnsureSchema(kRejectedTable, "ingested_at", impl->rejected.schema);
  if (!version.ok()) return version.status();
  impl->rejected.schema_version = *version;

  // Part files the catalog does not name were written by a flush that did
  // not commit (a crash): their rows are replayed from the log.
  auto live = catalog->Files();
  if (!live.ok()) return live.status();
  std::set<std::string> known;
  for (const auto& f : *live) known.insert(f.path);
  std::error_code ec;
  const auto tables_dir = impl->opt.data_dir / "tables";
  uint64_t orphans = 0;
  if (std::filesystem::exists(tables_dir, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(tables_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() != ".parquet") continue;
      std::string rel = std::filesystem::relative(it->path(), impl->opt.data_dir).string();
      if (known.count(rel)) continue;
      std::filesystem::remove(it->path(), ec);
      ++orphans;
    }
  }
  if (orphans > 0) {
    impl->Info("materializer: removed " + std::to_string(orphans) +
               " unregistered part file(s) of an interrupted flush; their records are replayed "
               "from the log");
  }
  auto committed = catalog->ConsumerOffset(impl->opt.consumer);
  if (!committed.ok()) return committed.status();
  impl->next_offset = committed->value_or(0);
  // Register with the log at once so retention keeps what is not yet here.
  if (Status s = log->CommitConsumer(impl->opt.consumer, impl->next_offset); !s.ok()) {
    return Status::IOError("materializer: cannot register as a log consumer: " + s.message());
  }
  impl->stats.next_offset = impl->next_offset;
  return std::unique_ptr<Materializer>(new Materializer(std::move(impl)));
}

Materializer::Materializer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Materializer::~Materializer() { Stop(); }

Status Materializer::Poll(bool force) {
  Impl& m = *impl_;
  if (!m.reader) {
    auto r = m.log->NewReader(m.next_offset);
    if (!r.ok()) return r.status();
    m.reader = std::move(*r);
  }
  stream::Batch batch;
  for (;;) {
    auto more = m.reader->Next(&batch);
    if (!more.ok()) {
      m.reader.reset();  // start over from next_offset on the next poll
      return more.status();
    }
    if (!*more) break;
    for (size_t k = 0; k < batch.records.size(); ++k) {
      uint64_t offset = batch.base_offset + k;
      if (offset < m.next_offset) continue;  // already in committed files
      m.Process(batch.table, offset, batch.records[k], batch.append_time_us);
      m.next_offset = offset + 1;
    }
    if (m.buffered >= m.opt.flush_rows) {
      if (Status s = m.Flush(); !s.ok()) return s;
    }
  }
  {
    std::lock_guard lock(m.stats_mu);
    m.stats.buffered_rows = m.buffered;
  }
  const bool due = std::chrono::steady_clock::now() - m.last_flush >= m.opt.flush_interval;
  const bool advanced = m.next_offset != Stats().next_offset;
  if ((force || due) && advanced) return m.Flush();
  return Status::OK();
}

void Materializer::Start(std::chrono::milliseconds period) {
  impl_->thread = std::thread([this, period] {
    Impl& m = *impl_;
    std::string last_error;
    for (;;) {
      {
        std::unique_lock lock(m.run_mu);
        m.run_cv.wait_for(lock, period, [&] { return m.stopping; });
        if (m.stopping) return;
      }
      Status s = Poll(false);
      std::string error = s.ok() ? "" : s.ToString();
      if (error != last_error && !error.empty()) m.Info("materializer: " + error + " (retrying)");
      last_error = error;
    }
  });
}

Status Materializer::Stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.run_mu);
    if (m.stopping) return Status::OK();
    m.stopping = true;
  }
  m.run_cv.notify_all();
  if (m.thread.joinable()) m.thread.join();
  return Poll(true);
}

MaterializerStats Materializer::Stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

}  // namespace tp::app
