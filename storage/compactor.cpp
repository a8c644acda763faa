#include "storage/compactor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <set>

#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/schema_change.h"
#include "storage/sync_dir.h"

namespace tp::storage {

// --- policy ---------------------------------------------------------------------

std::vector<CompactionJob> PickCompactions(const std::vector<FileEntry>& files,
                                           const std::string& today,
                                           const CompactionPolicy& policy) {
  std::vector<CompactionJob> jobs;
  const uint64_t big = policy.target_file_bytes / 2;
  const uint64_t min_files = std::max<uint64_t>(policy.min_files, 2);
  size_t begin = 0;
  while (begin < files.size()) {
    size_t end = begin;
    while (end < files.size() && files[end].table == files[begin].table &&
           files[end].day == files[begin].day) {
      ++end;
    }
    // files[begin, end) is one day; the input is ordered by id within it.
    const std::string& day = files[begin].day;
    const bool past = day < today;
    size_t start = begin;
    while (start < end && files[start].bytes >= big) ++start;
    if (!past) {
      uint64_t rest = 0;
      for (size_t i = start + 1; i < end; ++i) rest += files[i].bytes;
      while (end - start >= 2 && files[start].bytes > rest) {
        ++start;
        rest -= files[start].bytes;
      }
    }
    const uint64_t count = end - start;
    if (count >= (past ? 2 : min_files)) {
      CompactionJob job;
      job.table = files[begin].table;
      job.day = day;
      job.files.assign(files.begin() + static_cast<ptrdiff_t>(start),
                       files.begin() + static_cast<ptrdiff_t>(end));
      jobs.push_back(std::move(job));
    }
    begin = end;
  }
  return jobs;
}

// --- merging ------------------------------------------------------------------------

namespace {

// The time column's value as µs since the epoch (a date: its 00:00 UTC).
int64_t TimeMicros(const Column& c, size_t row) {
  return c.type().id == TypeId::kDate ? int64_t{c.Get<int32_t>(row)} * 86400 * 1000000
                                      : c.Get<int64_t>(row);
}

// One compaction's state: the output being written, the batch being filled.
class Merger {
 public:
  Merger(Catalog& catalog, const std::filesystem::path& data_dir, const CompactionJob& job,
         const CompactionOptions& options, TableEntry table)
      : catalog_(catalog),
        data_dir_(data_dir),
        job_(job),
        options_(options),
        table_(std::move(table)),
        rel_dir_(std::filesystem::path("tables") / job.table / ("date=" + job.day)) {
    time_index_ = table_.schema.Find(table_.time_column);
    for (const Field& f : table_.schema.fields) {
      batch_.emplace_back(f.type);
      scratch_.emplace_back(f.type);
    }
  }

  ~Merger() {
    if (!committed_) DeleteOutputs();
  }

  Result<CompactionResult> Run();

 private:
  bool Cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
  }
  Status ReadFile(const FileEntry& f);
  Status AppendRowGroup(const parquet::ParquetReader& reader, size_t group,
                        const std::vector<int>& source);
  Status FlushBatch();
  Status FinishOutput();
  void DeleteOutputs() {
    writer_.reset();
    for (const auto& p : written_) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
    written_.clear();
  }

  Catalog& catalog_;
  const std::filesystem::path& data_dir_;
  const CompactionJob& job_;
  const CompactionOptions& options_;
  const TableEntry table_;
  const std::filesystem::path rel_dir_;
  int time_index_ = -1;

  std::vector<Column> batch_;    // target schema, rows not yet written
  std::vector<Column> scratch_;  // one row group of one input column, before the cast
  size_t batch_size_ = 0;

  std::unique_ptr<parquet::ParquetWriter> writer_;
  FileEntry current_;              // the output being written
  uint64_t current_estimate_ = 0;  // compressed input bytes routed into it
  std::vector<FileEntry> outputs_;
  std::vector<std::filesystem::path> written_;  // absolute, deleted unless committed
  bool committed_ = false;
};

Status Merger::ReadFile(const FileEntry& f) {
  const auto path = data_dir_ / f.path;
  auto reader = parquet::ParquetReader::Open(path);
  if (!reader.ok()) return reader.status();
  const parquet::ParquetReader& r = **reader;
  if (r.num_rows() != f.rows) {
    return Status::Corruption(path.string() + " holds " + std::to_string(r.num_rows()) +
                              " rows, the catalog says " + std::to_string(f.rows) +
                              "; run tillpipe check");
  }
  // Columns by name: the file may be of an older schema version.
  std::vector<int> source(table_.schema.fields.size(), -1);
  for (size_t i = 0; i < table_.schema.fields.size(); ++i) {
    const Field& want = table_.schema.fields[i];
    source[i] = r.schema().Find(want.name);
    if (source[i] < 0) {
      if (!want.nullable) {
        return Status::InvalidArgument(path.string() + " lacks column \"" + want.name +
                                       "\", which is NOT NULL in schema version " +
                                       std::to_string(table_.schema_version) + " of table " +
                                       job_.table);
      }
      continue;
    }
    const LogicalType& have = r.schema().fields[source[i]].type;
    if (!CanWiden(have, want.type)) {
      return Status::InvalidArgument(
          path.string() + ": column \"" + want.name + "\" is " + have.ToString() +
          ", which does not convert to " + want.type.ToString() + " of schema version " +
          std::to_string(table_.schema_version) + " of table " + job_.table);
    }
  }
  for (size_t g = 0; g < r.row_groups().size(); ++g) {
    if (Cancelled()) return Status::Busy("cancelled (the server is stopping)");
    if (Status s = AppendRowGroup(r, g, source); !s.ok()) return s;
  }
  return Status::OK();
}

Status Merger::AppendRowGroup(const parquet::ParquetReader& reader, size_t group,
                              const std::vector<int>& source) {
  const parquet::RowGroupInfo& info = reader.row_groups()[group];
  // Keep batches near batch_rows: write out what is there before a group
  // would push the batch past it.
  if (batch_size_ > 0 && batch_size_ + info.rows > options_.batch_rows) {
    if (Status s = FlushBatch(); !s.ok()) return s;
  }
  // The output is full: the estimate counts compressed input bytes, which
  // the merged file rarely exceeds (it compresses as well or better).
  if (current_estimate_ >= options_.target_file_bytes) {
    if (Status s = FlushBatch(); !s.ok()) return s;
    if (Status s = FinishOutput(); !s.ok()) return s;
  }
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (source[i] < 0) {
      for (uint64_t r = 0; r < info.rows; ++r) batch_[i].AppendNull();
      continue;
    }
    if (Status s = reader.ReadColumn(group, static_cast<size_t>(source[i]), &scratch_[i]);
        !s.ok()) {
      return s;
    }
    // ReadColumn decodes into the file's type; AppendCast widens it (or
    // copies it when the types agree).
    if (scratch_[i].type() == batch_[i].type()) {
      batch_[i].Reserve(batch_[i].size() + scratch_[i].size());
      for (size_t r = 0; r < scratch_[i].size(); ++r) batch_[i].AppendFrom(scratch_[i], r);
    } else {
      AppendCast(scratch_[i], &batch_[i]);
    }
  }
  batch_size_ += info.rows;
  current_estimate_ += info.bytes;
  return Status::OK();
}

Status Merger::FlushBatch() {
  if (batch_size_ == 0) return Status::OK();
  if (!writer_) {
    // compact-<first id>-<last id>.parquet, then -2, -3, ... for further
    // outputs: ids are never reused, so no other file ever has this name.
    char name[96];
    const int n = static_cast<int>(outputs_.size()) + 1;
    if (n == 1) {
      std::snprintf(name, sizeof name, "compact-%lld-%lld.parquet",
                    static_cast<long long>(job_.files.front().id),
                    static_cast<long long>(job_.files.back().id));
    } else {
      std::snprintf(name, sizeof name, "compact-%lld-%lld-%d.parquet",
                    static_cast<long long>(job_.files.front().id),
                    static_cast<long long>(job_.files.back().id), n);
    }
    const auto rel = rel_dir_ / name;
    parquet::WriterOptions w;
    w.zstd_level = options_.zstd_level;
    w.created_by = options_.created_by;
    w.row_group_rows = std::max<size_t>(options_.batch_rows, batch_size_);
    w.key_value_metadata = {{"tillpipe.table", job_.table},
                            {"tillpipe.schema_version", std::to_string(table_.schema_version)}};
    std::error_code ec;
    std::filesystem::create_directories(data_dir_ / rel_dir_, ec);
    if (ec) {
      return Status::IOError("cannot create " + (data_dir_ / rel_dir_).string() + ": " +
                             ec.message());
    }
    auto writer = parquet::ParquetWriter::Create(data_dir_ / rel, table_.schema, w);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(writer).value();
    written_.push_back(data_dir_ / rel);
    current_ = FileEntry{};
    current_.table = job_.table;
    current_.day = job_.day;
    current_.path = rel.string();
    current_.schema_version = table_.schema_version;
    current_.min_time_us = std::numeric_limits<int64_t>::max();
    current_.max_time_us = std::numeric_limits<int64_t>::min();
  }
  const Column& time = batch_[time_index_];
  for (size_t r = 0; r < time.size(); ++r) {
    if (time.IsNull(r)) continue;
    const int64_t t = TimeMicros(time, r);
    current_.min_time_us = std::min(current_.min_time_us, t);
    current_.max_time_us = std::max(current_.max_time_us, t);
  }
  std::vector<const Column*> columns;
  for (const Column& c : batch_) columns.push_back(&c);
  if (Status s = writer_->WriteColumns(columns); !s.ok()) return s;
  for (Column& c : batch_) c.Clear();
  batch_size_ = 0;
  return Status::OK();
}

Status Merger::FinishOutput() {
  if (!writer_) return Status::OK();
  auto info = writer_->Finish();
  writer_.reset();
  if (!info.ok()) return info.status();
  current_.rows = info->rows;
  current_.bytes = info->bytes;
  current_.checksum = info->checksum;
  if (current_.min_time_us > current_.max_time_us) current_.min_time_us = current_.max_time_us = 0;
  outputs_.push_back(current_);
  current_estimate_ = 0;
  return Status::OK();
}

Result<CompactionResult> Merger::Run() {
  const auto started = std::chrono::steady_clock::now();
  CompactionResult result;
  result.table = job_.table;
  result.day = job_.day;
  result.files_in = job_.files.size();
  for (const FileEntry& f : job_.files) {
    if (Status s = ReadFile(f); !s.ok()) return s;
    result.bytes_in += f.bytes;
    result.rows += f.rows;
  }
  if (Status s = FlushBatch(); !s.ok()) return s;
  if (Status s = FinishOutput(); !s.ok()) return s;
  if (Cancelled()) return Status::Busy("cancelled (the server is stopping)");
  // The records' raw bytes carry over, shared by rows when split (unknown
  // stays unknown).
  uint64_t raw = 0;
  bool raw_known = true;
  for (const FileEntry& f : job_.files) {
    raw += f.raw_bytes;
    raw_known = raw_known && f.raw_bytes > 0;
  }
  for (FileEntry& out : outputs_) {
    out.raw_bytes = raw_known && result.rows > 0
                        ? static_cast<uint64_t>(static_cast<double>(raw) *
                                                static_cast<double>(out.rows) /
                                                static_cast<double>(result.rows))
                        : 0;
  }
  // The new names must be durable before the catalog points at them.
  if (!outputs_.empty()) {
    if (Status s = SyncDir(data_dir_ / rel_dir_); !s.ok()) return s;
  }
  std::vector<int64_t> removed;
  for (const FileEntry& f : job_.files) removed.push_back(f.id);
  // Stamped here so the entries returned are exactly what the catalog holds.
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (FileEntry& f : outputs_) f.created_us = now;
  if (options_.before_commit) options_.before_commit();
  auto ids = catalog_.Commit(outputs_, removed, "", std::nullopt);
  if (!ids.ok()) return ids.status();
  committed_ = true;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    outputs_[i].id = (*ids)[i];
    result.bytes_out += outputs_[i].bytes;
  }
  result.files_out = outputs_.size();
  result.added = std::move(outputs_);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

Result<CompactionResult> CompactDay(Catalog& catalog, const std::filesystem::path& data_dir,
                                    const CompactionJob& job, const CompactionOptions& options) {
  const std::string where = "compacting " + job.table + " " + job.day + ": ";
  if (job.files.empty()) return Status::InvalidArgument(where + "no files given");
  for (const FileEntry& f : job.files) {
    if (f.table != job.table || f.day != job.day) {
      return Status::InvalidArgument(where + "file " + f.path + " is of " + f.table + " " + f.day);
    }
  }
  auto table = catalog.Table(job.table);
  if (!table.ok()) return table.status().Prefixed(where);
  if (table->schema.Find(table->time_column) < 0) {
    return Status::Corruption(where + "time column \"" + table->time_column +
                              "\" is not in the table's schema");
  }
  // A job picked from an older listing: say so before reading anything (the
  // commit would refuse it anyway, and the output name may be taken by the
  // file that replaced these).
  auto live = catalog.Files(job.table, job.day, job.day);
  if (!live.ok()) return live.status().Prefixed(where);
  std::set<int64_t> live_ids;
  for (const FileEntry& f : *live) live_ids.insert(f.id);
  for (const FileEntry& f : job.files) {
    if (!live_ids.count(f.id)) {
      return Status::Conflict(where + "file id " + std::to_string(f.id) + " (" + f.path +
                              ") is not live any more (retention or another compaction removed "
                              "it); nothing was done");
    }
  }
  Merger merger(catalog, data_dir, job, options, std::move(table).value());
  auto result = merger.Run();
  if (!result.ok()) return result.status().Prefixed(where);
  return result;
}

}  // namespace tp::storage
