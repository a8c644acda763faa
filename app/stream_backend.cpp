#include "app/stream_backend.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "app/compaction_service.h"
#include "app/materializer.h"
#include "app/query_service.h"
#include "web/admin_api.h"

namespace tp::app {

using json = nlohmann::json;

namespace {
// A Prometheus label value: backslash, double quote and newline escaped.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NowMinute() { return NowMicros() / 60000000; }  // minutes since the epoch
int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

StreamBackend::StreamBackend(std::shared_ptr<const Config> config) { SetConfig(std::move(config)); }

void StreamBackend::SetConfig(std::shared_ptr<const Config> config) {
  {
    std::unique_lock lock(counters_mu_);
    for (const auto& t : config->tables) {
      if (!counters_.count(t.name)) counters_.emplace(t.name, std::make_unique<TableCounters>());
    }
  }
  std::lock_guard lock(config_mu_);
  config_ = std::move(config);
}

std::shared_ptr<const Config> StreamBackend::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

StreamBackend::TableCounters* StreamBackend::FindCounters(std::string_view table) const {
  std::shared_lock lock(counters_mu_);
  auto it = counters_.find(table);
  return it == counters_.end() ? nullptr : it->second.get();
}

std::vector<std::pair<std::string, StreamBackend::TableCounters*>> StreamBackend::AllCounters() const {
  std::shared_lock lock(counters_mu_);
  std::vector<std::pair<std::string, TableCounters*>> out;
  for (const auto& [name, c] : counters_) out.emplace_back(name, c.get());
  return out;
}

void StreamBackend::Attach(stream::Log* log) { log_.store(log); }
Status StreamBackend::AttachTables(const Materializer* materializer, storage::Catalog* catalog) {
  materializer_.store(materializer);
  catalog_.store(catalog);
  return LoadTokens(catalog);
}
void StreamBackend::AttachCompaction(const CompactionService* compaction) {
  compaction_.store(compaction);
}
void StreamBackend::AttachQueries(QueryService* queries) { queries_.store(queries); }
void StreamBackend::Detach() {
  queries_.store(nullptr);
  log_.store(nullptr);
  materializer_.store(nullptr);
  catalog_.store(nullptr);
  compaction_.store(nullptr);
}
bool StreamBackend::Ready() const { return log_.load() != nullptr; }

bool StreamBackend::HasTable(std::string_view table) const {
  return FindCounters(table) != nullptr;
}

std::vector<std::string> StreamBackend::TableNames() const {
  std::vector<std::string> names;
  for (const auto& t : config()->tables) names.push_back(t.name);
  return names;
}

void StreamBackend::Ingest(const web::IngestCall& call,
                           std::function<void(web::IngestAnswer)> done) {
  stream::Log* log = log_.load();
  TableCounters* counters = FindCounters(call.table);
  if (log == nullptr || counters == nullptr) {
    web::IngestAnswer a;
    a.kind = log == nullptr ? web::IngestAnswer::Kind::kNotReady : web::IngestAnswer::Kind::kError;
    a.message = log == nullptr ? "not ready: the stream is not open; retry shortly"
                               : "unknown table " + std::string(call.table);
    a.retry_after_s = 1;
    return done(std::move(a));
  }
  stream::BatchBuilder builder;
  for (std::string_view r : *call.records) builder.Add(r);
  stream::AppendRequest req;
  req.table = std::string(call.table);
  req.idempotency_key = std::string(call.idempotency_key);
  req.body_hash = call.body_hash;
  req.record_count = builder.count();
  req.payload = builder.Finish(&req.payload_crc);
  log->Append(std::move(req), [this, counters, done = std::move(done)](stream::AppendResult r) {
    web::IngestAnswer a;
    using K = web::IngestAnswer::Kind;
    using C = Status::Code;
    switch (r.status.code()) {
      case C::kOk:
        a.kind = K::kOk;
        a.first_offset = r.first_offset;
        a.last_offset = r.last_offset;
        a.accepted = r.accepted;
        a.replayed = r.duplicate;
        if (r.duplicate) {
          counters->replayed++;
        } else {
          counters->records += r.accepted;
          counters->batches++;
          counters->per_minute.Add(NowMinute(), r.accepted);
          CountRate(r.accepted);
        }
        break;
      case C::kNoSpace:
        a.kind = K::kNoSpace;
        a.retry_after_s = 30;
        break;
      case C::kBusy:
        a.kind = K::kBusy;
        a.retry_after_s = 1;
        break;
      case C::kConflict:
        a.kind = K::kConflict;
        break;
      default:
        a.kind = K::kError;
        break;
    }
    if (a.kind != K::kOk) {
      counters->rejected_requests++;
      a.message = r.status.message();
    }
    done(std::move(a));
  });
}

web::QueryAnswer StreamBackend::Query(std::string_view sql, bool csv,
                                     const std::atomic<bool>* cancel) {
  QueryService* queries = queries_.load();
  if (queries == nullptr) return NotReadyAnswer();
  const auto start = std::chrono::steady_clock::now();
  web::QueryAnswer a = queries->Answer(sql, csv, cancel);
  query_seconds_.Observe(std::chrono::steady_clock::now() - start);
  return a;
}

void StreamBackend::CountRate(uint64_t records) {
  int64_t now = NowSeconds();
  std::lock_guard lock(rate_mu_);
  int slot = static_cast<int>(now % kRateWindow);
  if (rate_second_[slot] != now) {
    rate_second_[slot] = now;
    rate_records_[slot] = 0;
  }
  rate_records_[slot] += records;
}

double StreamBackend::RecordsPerSecond() const {
  int64_t now = NowSeconds();
  uint64_t total = 0;
  std::lock_guard lock(rate_mu_);
  // Whole seconds before the current one, so a half-filled second does not
  // drag the figure down.
  for (int i = 0; i < kRateWindow; ++i) {
    if (rate_second_[i] < now && rate_second_[i] >= now - kRateWindow) total += rate_records_[i];
  }
  int64_t span = std::min<int64_t>(kRateWindow - 1, std::chrono::duration_cast<std::chrono::seconds>(
                                                       std::chrono::steady_clock::now() - started_)
                                                       .count());
  return span > 0 ? static_cast<double>(total) / static_cast<double>(span) : 0.0;
}

web::ApiAnswer StreamBackend::StreamInfo() {
  stream::Log* log = log_.load();
  if (log == nullptr) return NotReadyAnswer();
  const stream::LogStats st = log->Stats();
  const auto consumers = log->Consumers();
  const auto cfg = config();
  const int64_t retention_us = cfg->stream.retention.count() * 1000000;
  json segments = json::array();
  for (const stream::SegmentSummary& seg : log->Segments()) {
    json held = json::array();  // consumers that still have to read some of it
    for (const auto& c : consumers) {
      if (c.offset < seg.end_offset) held.push_back(c.name);
    }
    json expires = nullptr;  // when retention may delete it
    if (!seg.active && retention_us > 0 && seg.last_append_us > 0) {
      expires = seg.last_append_us + retention_us;
    }
    segments.push_back({{"base_offset", seg.base_offset},
                        {"end_offset", seg.end_offset},
                        {"records", seg.end_offset - seg.base_offset},
                        {"bytes", seg.bytes},
                        {"last_append_us", seg.last_append_us},
                        {"active", seg.active},
                        {"expires_us", expires},
                        {"held_by", held}});
  }
  json cs = json::array();
  for (const auto& c : consumers) cs.push_back({{"name", c.name}, {"offset", c.offset}, {"lag", c.lag}});
  return web::JsonAnswer(
      200, json{{"start_offset", st.start_offset},
                {"end_offset", st.end_offset},
                {"bytes", st.bytes},
                {"fsync", cfg->stream.fsync},
                {"syncs", st.syncs},
                {"segment_size", cfg->stream.segment_size},
                {"retention_s", cfg->stream.retention.count()},
                {"idempotency_window_s", cfg->stream.idempotency_window.count()},
                {"idempotency_keys", st.idempotency_keys},
                {"free_bytes", st.free_bytes},
                {"disk_low", st.disk_low},
                {"segments", segments},
                {"consumers", cs}});
}

void MinuteSeries::Add(int64_t minute, uint64_t n) {
  const size_t slot = static_cast<size_t>(minute % kMinutes);
  std::lock_guard lock(mu_);
  if (minute_[slot] != minute) {
    minute_[slot] = minute;
    count_[slot] = 0;
  }
  count_[slot] += n;
}

std::vector<uint64_t> MinuteSeries::Last(int64_t minute) const {
  std::vector<uint64_t> out;
  std::lock_guard lock(mu_);
  for (int64_t m = minute - kMinutes + 1; m <= minute; ++m) {
    const size_t slot = static_cast<size_t>(((m % kMinutes) + kMinutes) % kMinutes);
    out.push_back(minute_[slot] == m ? count_[slot] : 0);
  }
  return out;
}

std::string StreamBackend::StatusJson() const {
  json j;
  j["version"] = TILLPIPE_VERSION;
  j["ready"] = Ready();
  j["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
  const auto cfg = config();
  j["data_dir"] = cfg->data_dir.string();
  j["fsync"] = cfg->stream.fsync;
  json ingest;
  uint64_t total = 0;
  json per_table = json::object();
  for (const auto& [name, c] : AllCounters()) {
    per_table[name] = {{"records", c->records.load()},
                       {"batches", c->batches.load()},
                       {"replayed_requests", c->replayed.load()},
                       {"refused_requests", c->rejected_requests.load()},
                       {"per_minute", c->per_minute.Last(NowMinute())}};
    total += c->records.load();
  }
  ingest["records_total"] = total;
  ingest["records_per_s"] = RecordsPerSecond();
  ingest["tables"] = per_table;
  j["ingest"] = ingest;
  stream::Log* log = log_.load();
  const stream::LogStats s = log ? log->Stats() : stream::LogStats{};
  if (log) {
    j["stream"] = {{"start_offset", s.start_offset},
                   {"end_offset", s.end_offset},
                   {"segments", s.segments},
                   {"bytes", s.bytes},
                   {"syncs", s.syncs},
                   {"pending_bytes", s.pending_bytes},
                   {"free_bytes", s.free_bytes},
                   {"disk_low", s.disk_low},
                   {"idempotency_keys", s.idempotency_keys}};
    json consumers = json::array();
    for (const auto& c : log->Consumers()) {
      consumers.push_back({{"name", c.name}, {"offset", c.offset}, {"lag", c.lag}});
    }
    j["consumers"] = consumers;
    const auto& rec = log->recovery_report();
    j["recovery"] = {{"verified_batches", rec.verified_batches},
                     {"truncated_bytes", rec.truncated_bytes},
                     {"rebuilt_indexes", rec.rebuilt_indexes},
                     {"messages", rec.messages}};
  } else {
    j["stream"] = nullptr;
    j["consumers"] = json::array();
  }
  if (const Materializer* m = materializer_.load()) {
    MaterializerStats ms = m->Stats();
    uint64_t end = log ? s.end_offset : ms.next_offset;
    // Freshness: how old the newest queryable row's record is when records
    // wait to be decoded; 0 when everything acknowledged is queryable.
    json freshness = 0;
    if (end > ms.decoded_offset) {
      freshness = ms.decoded_append_us > 0
                      ? json(std::max<int64_t>(0, (NowMicros() - ms.decoded_append_us) / 1000))
                      : json(nullptr);
    }
    j["materializer"] = {{"next_offset", ms.next_offset},
                         {"lag_records", end > ms.next_offset ? end - ms.next_offset : 0},
                         {"decoded_offset", ms.decoded_offset},
                         {"queryable_lag_records",
                          end > ms.decoded_offset ? end - ms.decoded_offset : 0},
                         {"freshness_ms", freshness},
                         {"buffered_rows", ms.buffered_rows},
                         {"rows_written", ms.rows_written},
                         {"rows_rejected", ms.rows_rejected},
                         {"rows_filtered", ms.rows_filtered},
                         {"filtered_by_table", ms.filtered_by_table},
                         {"files_written", ms.files_written},
                         {"flushes", ms.flushes},
                         {"last_flush_us", ms.last_flush_us}};
  } else {
    j["materializer"] = nullptr;
  }
  if (const CompactionService* c = compaction_.load()) {
    CompactionStats cs = c->Stats();
    j["compaction"] = {{"passes", cs.passes},
                       {"compactions", cs.compactions},
                       {"files_compacted", cs.files_compacted},
                       {"files_written", cs.files_written},
                       {"bytes_read", cs.bytes_read},
                       {"bytes_written", cs.bytes_written},
                       {"conflicts", cs.conflicts},
                       {"errors", cs.errors},
                       {"days_dropped", cs.days_dropped},
                       {"files_dropped", cs.files_dropped},
                       {"rows_dropped", cs.rows_dropped},
                       {"files_deleted", cs.files_deleted},
                       {"files_awaiting_deletion", cs.files_awaiting_deletion},
                       {"last_pass_us", cs.last_pass_us}};
  } else {
    j["compaction"] = nullptr;
  }
  return j.dump() + "\n";
}

namespace {

// raw / stored bytes, 2 decimals; null when the raw size is not known.
json Ratio(uint64_t raw_bytes, uint64_t bytes) {
  if (raw_bytes == 0 || bytes == 0) return nullptr;
  return std::round(100.0 * static_cast<double>(raw_bytes) / static_cast<double>(bytes)) / 100.0;
}

}  // namespace

std::string StreamBackend::TablesJson() const {
  // Per store-local day: what the committed part files hold (one query);
  // each table's latest schema, with the columns schema evolution added.
  std::map<std::string, std::vector<storage::DayStats>> days_of;
  std::map<std::string, storage::TableEntry> schema_of;
  if (storage::Catalog* catalog = catalog_.load()) {
    if (auto stats = catalog->Days(); stats.ok()) {
      for (auto& d : *stats) days_of[d.table].push_back(std::move(d));
    }
    if (auto entries = catalog->Tables(); entries.ok()) {
      for (auto& e : *entries) schema_of[e.name] = std::move(e);
    }
  }
  const Materializer* materializer = materializer_.load();
  const auto cfg = config();
  std::vector<std::string> names;
  for (const auto& t : cfg->tables) names.push_back(t.name);
  names.push_back(Materializer::kRejectedTable);
  json tables = json::array();
  for (const std::string& name : names) {
    const TableSpec* spec = cfg->FindTable(name);
    json cols = json::array();
    json entry = {{"name", name}};
    if (auto it = schema_of.find(name); it != schema_of.end()) {
      // The schema version each column first appeared in, and when that
      // version was made (versions are few).
      struct Since {
        int version = 0;
        int64_t created_us = 0;
      };
      std::map<std::string, Since> since;
      storage::Catalog* catalog = catalog_.load();
      for (int v = it->second.schema_version; v >= 1 && catalog != nullptr; --v) {
        int64_t created_us = 0;
        auto older = catalog->SchemaVersion(name, v, &created_us);
        if (!older.ok()) break;
        for (const auto& f : older->fields) since[f.name] = {v, created_us};
      }
      for (const auto& f : it->second.schema.fields) {
        bool declared = spec == nullptr;  // _rejected's columns are all tillpipe's
        if (spec) {
          for (const auto& c : spec->columns) declared = declared || c.name == f.name;
        }
        cols.push_back({{"name", f.name},
                        {"type", f.type.ToString()},
                        {"nullable", f.nullable},
                        {"declared", declared},
                        {"since_version", since[f.name].version},
                        {"since_us", since[f.name].created_us}});
      }
      entry["time_column"] = it->second.time_column;
      entry["schema_version"] = it->second.schema_version;
    } else if (spec) {
      for (const auto& c : spec->columns) {
        cols.push_back(
            {{"name", c.name}, {"type", c.TypeName()}, {"nullable", c.nullable}, {"declared", true}});
      }
      entry["time_column"] = spec->time_column;
      entry["schema_version"] = nullptr;
    }
    entry["columns"] = cols;
    if (TableCounters* c = FindCounters(name)) {
      entry["ingested_records"] = c->records.load();
    }
    // Rows decoded but not in files yet: queryable, and written at the next
    // flush. The table's file totals are re-read under the same lock, so a
    // flush committing meanwhile cannot make rows + tail_rows miss a row.
    uint64_t tail_rows = 0;
    storage::Catalog* catalog = catalog_.load();
    if (materializer && catalog) {
      (void)materializer->ReadTail(name, [&](const std::vector<TailChunk>& chunks) {
        for (const TailChunk& ch : chunks) tail_rows += ch.row_day->size();
        if (auto stats = catalog->Days(name); stats.ok()) days_of[name] = std::move(*stats);
      });
    }
    uint64_t rows = 0, files = 0, bytes = 0, raw = 0;
    bool raw_known = true;
    json days = json::array();
    for (const auto& d : days_of[name]) {
      days.push_back({{"day", d.day},
                      {"rows", d.rows},
                      {"files", d.files},
                      {"bytes", d.bytes},
                      {"raw_bytes", d.raw_bytes},
                      {"compression_ratio", Ratio(d.raw_bytes, d.bytes)}});
      rows += d.rows;
      files += d.files;
      bytes += d.bytes;
      raw += d.raw_bytes;
      raw_known = raw_known && d.raw_bytes > 0;
    }
    entry["rows"] = rows;
    entry["tail_rows"] = tail_rows;
    entry["files"] = files;
    entry["bytes"] = bytes;
    entry["raw_bytes"] = raw_known ? raw : 0;
    entry["compression_ratio"] = raw_known ? Ratio(raw, bytes) : json(nullptr);
    entry["days"] = days;
    tables.push_back(std::move(entry));
  }
  return json{{"tables", tables}}.dump() + "\n";
}

std::string StreamBackend::MetricsText() const {
  // Prometheus text exposition format 0.0.4.
  std::string m;
  auto family = [&](const char* name, const char* type, const char* help) {
    m += "# HELP ";
    m += name;
    m += ' ';
    m += help;
    m += "\n# TYPE ";
    m += name;
    m += ' ';
    m += type;
    m += '\n';
  };
  auto sample = [&](const std::string& name_labels, uint64_t v) {
    m += name_labels + ' ' + std::to_string(v) + '\n';
  };
  family("tillpipe_up", "gauge", "1 when the stream is recovered and ingest is accepted.");
  sample("tillpipe_up", Ready() ? 1 : 0);
  struct PerTable {
    const char* name;
    const char* help;
    std::atomic<uint64_t> TableCounters::*counter;
  };
  static constexpr PerTable kPerTable[] = {
      {"tillpipe_ingest_records_total", "Records appended to the stream, by table.",
       &TableCounters::records},
      {"tillpipe_ingest_batches_total", "Ingest requests appended, by table.",
       &TableCounters::batches},
      {"tillpipe_ingest_replayed_total",
       "Requests answered from the idempotency memory, by table.", &TableCounters::replayed},
      {"tillpipe_ingest_refused_total",
       "Ingest requests refused by the log (disk or backlog guard, conflicts, I/O), by table.",
       &TableCounters::rejected_requests},
  };
  for (const PerTable& metric : kPerTable) {
    family(metric.name, "counter", metric.help);
    for (const auto& [table, c] : AllCounters()) {
      sample(std::string(metric.name) + "{table=\"" + table + "\"}", ((*c).*metric.counter).load());
    }
  }
  if (stream::Log* log = log_.load()) {
    stream::LogStats s = log->Stats();
    family("tillpipe_stream_end_offset", "gauge", "Next offset the log will assign.");
    sample("tillpipe_stream_end_offset", s.end_offset);
    family("tillpipe_stream_start_offset", "gauge", "First offset still held after retention.");
    sample("tillpipe_stream_start_offset", s.start_offset);
    family("tillpipe_stream_segments", "gauge", "Segment files in the log.");
    sample("tillpipe_stream_segments", s.segments);
    family("tillpipe_stream_bytes", "gauge", "Bytes in the log's segment files.");
    sample("tillpipe_stream_bytes", s.bytes);
    family("tillpipe_stream_syncs_total", "counter", "fdatasync calls by the log writer.");
    sample("tillpipe_stream_syncs_total", s.syncs);
    family("tillpipe_disk_free_bytes", "gauge", "Free bytes on the data directory's disk.");
    sample("tillpipe_disk_free_bytes", s.free_bytes);
    family("tillpipe_disk_low", "gauge", "1 while free space is below stream.min_free.");
    sample("tillpipe_disk_low", s.disk_low ? 1 : 0);
    if (const Materializer* mat = materializer_.load()) {
      MaterializerStats ms = mat->Stats();
      family("tillpipe_materializer_lag_records", "gauge",
             "Log records not yet in committed Parquet files.");
      sample("tillpipe_materializer_lag_records",
             s.end_offset > ms.next_offset ? s.end_offset - ms.next_offset : 0);
      family("tillpipe_materializer_rows_written_total", "counter",
             "Rows written to table part files since start.");
      sample("tillpipe_materializer_rows_written_total", ms.rows_written);
      family("tillpipe_rejected_records_total", "counter",
             "Records sent to _rejected since start, by table and reason code.");
      for (const auto& [key, n] : ms.rejected_by) {
        sample("tillpipe_rejected_records_total{table=\"" + LabelValue(key.first) +
                   "\",reason=\"" + key.second + "\"}",
               n);
      }
      family("tillpipe_flushes_total", "counter",
             "Materializer flushes (Parquet part files committed to the catalog) since start.");
      sample("tillpipe_flushes_total", ms.flushes);
      family("tillpipe_materializer_rows_filtered_total", "counter",
             "Rows a table's where did not accept since start (also in rows_rejected with "
             "on_filter = reject).");
      for (const auto& [table, n] : ms.filtered_by_table) {
        sample("tillpipe_materializer_rows_filtered_total{table=\"" + table + "\"}", n);
      }
      family("tillpipe_materializer_files_written_total", "counter",
             "Parquet part files written since start.");
      sample("tillpipe_materializer_files_written_total", ms.files_written);
    }
    if (const CompactionService* c = compaction_.load()) {
      CompactionStats cs = c->Stats();
      family("tillpipe_compactions_total", "counter", "Days merged by compaction since start.");
      sample("tillpipe_compactions_total", cs.compactions);
      family("tillpipe_compaction_files_compacted_total", "counter",
             "Part files replaced by compaction since start.");
      sample("tillpipe_compaction_files_compacted_total", cs.files_compacted);
      family("tillpipe_compaction_errors_total", "counter",
             "Compactions, retention drops and deletions that failed since start (retried).");
      sample("tillpipe_compaction_errors_total", cs.errors);
      family("tillpipe_retention_files_dropped_total", "counter",
             "Part files dropped by table retention since start.");
      sample("tillpipe_retention_files_dropped_total", cs.files_dropped);
      family("tillpipe_retired_files_awaiting_deletion", "gauge",
             "Replaced or dropped files kept on disk for readers, after the last pass.");
      sample("tillpipe_retired_files_awaiting_deletion", cs.files_awaiting_deletion);
    }
    family("tillpipe_stream_lag_records", "gauge", "Records a consumer has yet to read.");
    for (const auto& c : log->Consumers()) {
      sample("tillpipe_stream_lag_records{consumer=\"" + c.name + "\"}", c.lag);
    }
  }
  if (stream::Log* log = log_.load()) {
    m += log->fsync_seconds().Render("tillpipe_stream_fsync_duration_seconds",
                                     "Time the log writer's fdatasync calls took.");
  }
  m += query_seconds_.Render("tillpipe_query_duration_seconds",
                             "Time to answer a SQL query (POST /api/v1/query), errors included.");
  return m;
}

}  // namespace tp::app
