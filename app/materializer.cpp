#include "app/materializer.h"

#include <cctype>

#include "app/materializer_internal.h"
#include "app/record_decoder.h"
#include "app/table_schema.h"
#include "storage/schema_change.h"
#include "storage/value_parse.h"

namespace tp::app {

using storage::Column;
using storage::LogicalType;
using storage::TypeId;

namespace {

// Most columns a table grows to by schema evolution: a sender that puts
// ever-new keys (ids as keys, say) in its records must not grow the schema
// without bound. Records beyond it are rejected with the reason.
constexpr size_t kMaxColumns = 256;

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<RecordDecoder>> MakeDecoder(const TableState& t,
                                                   const std::string& timezone) {
  DecoderSpec spec;
  spec.columns = t.columns;
  spec.timezone = timezone;
  spec.report_new_fields = t.on_new_fields != OnNewFields::kIgnore;
  return RecordDecoder::Create(spec);
}

}  // namespace

storage::Schema Materializer::RejectedSchema() {
  return storage::Schema{{
      {"table_name", LogicalType::Of(TypeId::kString), false},
      {"log_offset", LogicalType::Of(TypeId::kInt64), false},
      {"field", LogicalType::Of(TypeId::kString), false},
      {"reason", LogicalType::Of(TypeId::kString), false},
      {"record", LogicalType::Of(TypeId::kString), false},
      {"ingested_at", LogicalType::Of(TypeId::kTimestamp), false},
      // Added in 0.5 (schema version 2 of _rejected): NULL in older rows.
      {"reason_code", LogicalType::Of(TypeId::kString), true},
  }};
}

void Materializer::Impl::Reject(std::string_view table, uint64_t offset, const char* code,
                                const std::string& field, const std::string& reason,
                                std::string_view record, int64_t ingested_us) {
  auto& c = rejected.rows;
  c[0].AppendString(table);
  c[1].AppendInt64(static_cast<int64_t>(offset));
  c[2].AppendString(field);
  c[3].AppendString(reason);
  c[4].AppendString(record);
  c[5].AppendInt64(ingested_us);
  c[6].AppendString(code);
  rejected.row_day.push_back(LocalDay(ingested_us));
  rejected.row_raw.push_back(static_cast<uint32_t>(record.size()));
  ++buffered;
  std::lock_guard lock(stats_mu);
  ++stats.rows_rejected;
  ++stats.rejected_by[{std::string(table), code}];
}

Status Materializer::Impl::Process(std::string_view table, uint64_t offset, std::string_view record,
                                   int64_t ingested_us) {
  auto it = tables.find(table);
  if (it == tables.end()) {
    Reject(table, offset, reject_code::kUnknownTable, "table",
           "table \"" + std::string(table) +
               "\" is not in the config; the record stays in the log; declare [tables." +
               std::string(table) + "] to keep such records",
           record, ingested_us);
    return Status::OK();
  }
  TableState& t = it->second;
  // Each schema change makes the record decode further; a record can need
  // at most one per field, so this ends.
  for (size_t attempt = 0; attempt <= kMaxColumns; ++attempt) {
    DecodeError error;
    if (t.decoder->Decode(record, &t.rows, &error)) {
      if (t.transform) {  // its derived columns and day come in TransformPending
        if (pending_table != &t) TransformPending();
        pending_table = &t;
        pending.push_back({offset, record, ingested_us});
        t.row_day.push_back(0);
        t.row_raw.push_back(static_cast<uint32_t>(record.size()));
        ++buffered;
        return Status::OK();
      }
      const Column& time = t.rows[t.time_index];
      const size_t row = time.size() - 1;
      t.row_day.push_back(time.type().id == TypeId::kDate ? time.Get<int32_t>(row)
                                                          : LocalDay(time.Get<int64_t>(row)));
      t.row_raw.push_back(static_cast<uint32_t>(record.size()));
      ++buffered;
      return Status::OK();
    }
    Status s;
    if (error.kind == DecodeError::Kind::kWiden) {
      s = Widen(t, error.widen_column, offset);
    } else if (error.kind == DecodeError::Kind::kNewFields) {
      if (t.on_new_fields == OnNewFields::kReject) {
        const std::string& field = error.new_fields.front().name;
        Reject(table, offset, reject_code::kNewField, field,
               "is not a column of " + t.name + " and on_new_fields = \"reject\"; declare it in " +
                   "[tables." + t.name + ".columns], or set on_new_fields = \"add_columns\" " +
                   "(or \"ignore\") and re-send",
               record, ingested_us);
        return Status::OK();
      }
      std::string field, problem;
      s = AddColumns(t, error.new_fields, offset, &field, &problem);
      if (s.ok() && !problem.empty()) {
        Reject(table, offset, reject_code::kSchemaChange, field, problem, record, ingested_us);
        return Status::OK();
      }
    } else {
      Reject(table, offset, error.code, error.field, error.reason, record, ingested_us);
      return Status::OK();
    }
    if (s.code() == Status::Code::kInvalidArgument) {
      // The change itself cannot be made (not a passing failure): retrying
      // would stall the pipeline on this record, so it is rejected.
      Reject(table, offset, reject_code::kSchemaChange, error.field,
             "schema evolution failed: " + s.message(), record, ingested_us);
      return Status::OK();
    }
    if (!s.ok()) return s;  // the catalog failed: retried from this record
  }
  Reject(table, offset, reject_code::kSchemaChange, "record", "schema evolution did not converge",
         record, ingested_us);
  return Status::OK();
}

void Materializer::Impl::TransformPending() {
  if (pending.empty()) return;
  TableState& t = *pending_table;
  const size_t first = t.row_day.size() - pending.size();
  std::vector<Transform::Outcome> outcome;
  std::vector<Transform::Failure> failures;
  t.transform->Apply(&t.rows, first, t.row_day.size(), &outcome, &failures);
  size_t next_failure = 0;
  uint64_t filtered = 0;
  std::vector<uint32_t> keep;  // rows of the batch that stay
  for (size_t i = 0; i < outcome.size(); ++i) {
    const PendingRow& p = pending[i];
    if (outcome[i] == Transform::Outcome::kKeep) {
      keep.push_back(static_cast<uint32_t>(i));
    } else if (outcome[i] == Transform::Outcome::kFailed) {
      while (failures[next_failure].row != i) ++next_failure;
      const Transform::Failure& f = failures[next_failure];
      Reject(t.name, p.offset, reject_code::kDerived, f.field, f.reason, p.record, p.ingested_us);
    } else {
      ++filtered;
      if (t.on_filter == OnFilter::kReject) {
        Reject(t.name, p.offset, reject_code::kFiltered, "where",
               "does not match where = \"" + t.where + "\" of [tables." + t.name +
                   "] (on_filter = \"reject\")",
               p.record, p.ingested_us);
      }
    }
  }
  if (keep.size() != outcome.size()) {  // drop the others from the tail
    for (Column& col : t.rows) {
      Column kept(col.type());
      for (uint32_t i : keep) kept.AppendFrom(col, first + i);
      col.Truncate(first);
      for (size_t r = 0; r < kept.size(); ++r) col.AppendFrom(kept, r);
    }
    for (size_t k = 0; k < keep.size(); ++k) t.row_raw[first + k] = t.row_raw[first + keep[k]];
    t.row_raw.resize(first + keep.size());
    t.row_day.resize(first + keep.size());
    buffered -= outcome.size() - keep.size();
  }
  const Column& time = t.rows[t.time_index];
  for (size_t r = first; r < t.row_day.size(); ++r) {
    t.row_day[r] =
        time.type().id == TypeId::kDate ? time.Get<int32_t>(r) : LocalDay(time.Get<int64_t>(r));
  }
  pending.clear();
  pending_table = nullptr;
  if (filtered > 0) {
    std::lock_guard lock(stats_mu);
    stats.rows_filtered += filtered;
    stats.filtered_by_table[t.name] += filtered;
  }
}

Status Materializer::Impl::NewVersion(TableState& t) {
  storage::Schema schema;
  for (const DecoderColumn& c : t.columns) schema.fields.push_back(c.field);
  auto decoder = MakeDecoder(t, opt.timezone);
  if (!decoder.ok()) return decoder.status();
  auto version = catalog->EnsureSchema(t.name, t.time_column, schema);
  if (!version.ok()) return version.status();
  t.schema = std::move(schema);
  t.schema_version = *version;
  t.decoder = std::move(*decoder);
  return Status::OK();
}

Status Materializer::Impl::AddColumns(TableState& t, const std::vector<NewField>& fields,
                                      uint64_t offset, std::string* problem_field,
                                      std::string* problem) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const NewField& f = fields[i];
    *problem_field = f.name;
    if (!IsIdentifier(f.name)) {
      *problem =
          "is a new field but cannot be a column name (letters, digits and _, at most 64 "
          "bytes); declare a column for it with from = \"" +
          f.name.substr(0, 64) + "\", or set on_new_fields = \"ignore\" for " + t.name;
      return Status::OK();
    }
    for (size_t j = 0; j < i; ++j) {
      if (SameIgnoringCase(fields[j].name, f.name)) {
        *problem = "is a new field that differs from the new field \"" + fields[j].name +
                   "\" of the same record only in case, which SQL cannot tell apart; declare "
                   "columns for them with from = ...";
        return Status::OK();
      }
    }
    for (const DecoderColumn& c : t.columns) {
      if (c.field.name == f.name) {
        *problem = "is a field of the record, but column \"" + c.field.name + "\" of " + t.name +
                   " reads \"" + (c.path.empty() ? c.field.name : c.path) +
                   "\" instead; declare a column with another name and from = \"" + f.name +
                   "\" to keep it, or set on_new_fields = \"ignore\"";
        return Status::OK();
      }
      if (SameIgnoringCase(c.field.name, f.name)) {
        *problem = "is a new field that differs from column \"" + c.field.name +
                   "\" only in case, which SQL cannot tell apart; send \"" + c.field.name +
                   "\", or declare a column for it with another name and from = \"" + f.name + "\"";
        return Status::OK();
      }
    }
  }
  *problem_field = fields.front().name;
  if (t.columns.size() + fields.size() > kMaxColumns) {
    *problem = "is a new field, but " + t.name + " would have more than " +
               std::to_string(kMaxColumns) +
               " columns; are keys in the records data (like ids)? Declare the columns you want "
               "and set on_new_fields = \"ignore\"";
    return Status::OK();
  }
  const size_t before = t.columns.size();
  const size_t rows = t.row_day.size();
  for (const NewField& f : fields) {
    DecoderColumn c;
    c.field = storage::Field{f.name, f.type, true};
    c.inferred = true;
    t.columns.push_back(c);
    Column col(f.type);
    for (size_t r = 0; r < rows; ++r) col.AppendNull();  // rows decoded before it appeared
    t.rows.push_back(std::move(col));
  }
  if (Status s = NewVersion(t); !s.ok()) {
    t.columns.resize(before);
    t.rows.erase(t.rows.begin() + static_cast<std::ptrdiff_t>(before), t.rows.end());
    return s;
  }
  for (const NewField& f : fields) {
    Info("materializer: table " + t.name + " has a new column \"" + f.name + "\" (" +
         f.type.ToString() + ", nullable) from log offset " + std::to_string(offset) +
         "; schema version " + std::to_string(t.schema_version));
  }
  std::lock_guard lock(stats_mu);
  stats.columns_added += fields.size();
  return Status::OK();
}

Status Materializer::Impl::Widen(TableState& t, int column, uint64_t offset) {
  const LogicalType to = LogicalType::Of(TypeId::kFloat64);
  DecoderColumn& c = t.columns[column];
  const LogicalType from = c.field.type;
  c.field.type = to;
  if (Status s = NewVersion(t); !s.ok()) {
    c.field.type = from;
    return s;
  }
  Column widened(to);
  storage::AppendCast(t.rows[column], &widened);
  t.rows[column] = std::move(widened);
  Info("materializer: table " + t.name + " column \"" + c.field.name + "\" widens from " +
       from.ToString() + " to float64 at log offset " + std::to_string(offset) +
       " (a value with a fraction); schema version " + std::to_string(t.schema_version));
  return Status::OK();
}

Result<TableState> Materializer::Impl::MakeTable(const MaterializedTable& spec) {
  TableState t;
  t.name = spec.name;
  t.time_column = spec.time_column;
  t.on_new_fields = spec.on_new_fields;
  if (spec.schema.Find(spec.time_column) < 0) {
    return Status::InvalidArgument("table " + spec.name + ": time column \"" + spec.time_column +
                                   "\" is not one of its columns");
  }
  // The declared columns plus those schema evolution added before.
  auto latest = catalog->Table(spec.name);
  if (!latest.ok() && latest.status().code() != Status::Code::kNotFound) {
    return latest.status();
  }
  auto columns = PlanColumns(spec, latest.ok() ? &*latest : nullptr);
  if (!columns.ok()) {
    return Status::InvalidArgument(columns.status().message() +
                                   " (tillpipe validate -c FILE lists every such problem)");
  }
  t.columns = std::move(*columns);
  if (Status s = NewVersion(t); !s.ok()) return s;
  t.time_index = t.schema.Find(t.time_column);
  t.rows = t.decoder->MakeColumns();
  if (!spec.transform.schema.fields.empty()) {
    auto transform = Transform::Create(spec.transform);
    if (!transform.ok()) return transform.status();
    t.transform = std::move(*transform);
    t.where = spec.transform.where;
    t.on_filter = spec.on_filter;
  }
  return t;
}

void Materializer::Impl::AdoptTables() {
  if (!add_pending.load()) return;
  std::vector<MaterializedTable> specs;
  uint64_t generation;
  {
    std::lock_guard lock(add_mu);
    specs.swap(to_add);
    generation = add_requested;
    add_pending = false;
  }
  Status result;
  for (const MaterializedTable& spec : specs) {
    if (tables.count(spec.name)) continue;
    auto t = MakeTable(spec);
    if (!t.ok()) {
      result = t.status();
      continue;
    }
    std::lock_guard view(view_mu);  // readers list the tables under it
    tables.emplace(spec.name, std::move(*t));
  }
  std::lock_guard lock(add_mu);
  add_done = generation;
  add_status = result;
  add_cv.notify_all();
}

Status Materializer::AddTables(std::vector<MaterializedTable> tables, std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  std::unique_lock lock(m.add_mu);
  for (auto& t : tables) m.to_add.push_back(std::move(t));
  uint64_t generation = ++m.add_requested;
  m.add_pending = true;
  if (!m.add_cv.wait_for(lock, timeout, [&] { return m.add_done >= generation; })) {
    return Status::Busy("the materializer did not take the new tables within " +
                        std::to_string(timeout.count()) + " ms (it is busy catching up?); they apply when it does");
  }
  return m.add_status;
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
    auto t = impl->MakeTable(spec);
    if (!t.ok()) return t.status();
    impl->tables.emplace(spec.name, std::move(*t));
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
  impl->stats.decoded_offset = impl->next_offset;
  impl->submitted_offset = impl->next_offset;
  return std::unique_ptr<Materializer>(new Materializer(std::move(impl)));
}

Materializer::Materializer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->flusher = std::thread([m = impl_.get()] { m->FlusherLoop(); });
}

Materializer::~Materializer() { Stop(); }

Status Materializer::Poll(bool force) {
  Impl& m = *impl_;
  {
    // A flush that failed is retried before decoding more, so a full disk
    // does not turn into unbounded memory.
    bool failed;
    {
      std::lock_guard lock(m.job_mu);
      failed = m.job && !m.job_pending;
    }
    if (failed) {
      if (Status s = m.Drain(); !s.ok()) return s;
    }
  }
  m.AdoptTables();
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
    m.AdoptTables();  // before this batch: it may be for a table just added
    {
      std::lock_guard view(m.view_mu);
      for (size_t k = 0; k < batch.records.size(); ++k) {
        uint64_t offset = batch.base_offset + k;
        if (offset < m.next_offset) continue;  // already in committed files
        if (Status s = m.Process(batch.table, offset, batch.records[k], batch.append_time_us);
            !s.ok()) {
          m.TransformPending();
          m.reader.reset();  // start over from this record on the next poll
          return s;
        }
        m.next_offset = offset + 1;
      }
      m.TransformPending();  // before readers see the batch's rows
    }
    {
      std::lock_guard lock(m.stats_mu);
      m.stats.decoded_offset = m.next_offset;
      m.stats.decoded_append_us = batch.append_time_us;
    }
    if (m.buffered >= m.opt.flush_rows) {
      if (Status s = m.Submit(); !s.ok()) return s;
    }
  }
  {
    std::lock_guard lock(m.stats_mu);
    m.stats.buffered_rows = m.buffered;
  }
  const bool due = std::chrono::steady_clock::now() - m.last_flush >= m.opt.flush_interval;
  if ((force || due) && m.next_offset != m.submitted_offset) {
    if (Status s = m.Submit(); !s.ok()) return s;
  }
  return force ? m.Drain() : Status::OK();
}

Status Materializer::ReadTail(std::string_view table,
                              const std::function<void(const std::vector<TailChunk>&)>& fn) const {
  const Impl& m = *impl_;
  std::lock_guard view(m.view_mu);
  const TableState* t = nullptr;
  if (table == kRejectedTable) {
    t = &m.rejected;
  } else if (auto it = m.tables.find(table); it != m.tables.end()) {
    t = &it->second;
  }
  if (t == nullptr) return Status::NotFound("no table \"" + std::string(table) + "\"");
  std::vector<TailChunk> chunks;
  {
    // The job is only reset under view_mu, which this holds.
    std::lock_guard lock(m.job_mu);
    if (m.job) {
      for (const FlushTable& f : m.job->tables) {
        if (f.name == table) chunks.push_back({&f.schema, &f.rows, &f.row_day});
      }
    }
  }
  if (!t->row_day.empty()) chunks.push_back({&t->schema, &t->rows, &t->row_day});
  fn(chunks);
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
  Status s = Poll(true);
  {
    std::lock_guard lock(m.job_mu);
    m.flusher_exit = true;
  }
  m.job_cv.notify_all();
  m.flusher.join();
  return s;
}

MaterializerStats Materializer::Stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

}  // namespace tp::app
