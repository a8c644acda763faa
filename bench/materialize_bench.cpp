// Materialization benchmark: the simulator's retail data (default 30 days at
// 120 records/min, about 5 million records) appended to a real log, then
// materialized into Parquet part files. Prints rows/s and, per table, bytes
// per row for: the raw NDJSON, our Parquet files, a DuckDB database holding
// the same rows (same types, loaded from our files) and DuckDB's own zstd
// Parquet export of them. Appends the table to bench/results/materialize.md.
//
//   materialize_bench [--days 30] [--rate 120] [--out FILE]
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "bench/bench_util.h"
#include "app/compaction_service.h"
#include "app/materializer.h"
#include "app/simulator.h"
#include "tests/common/duckdb.h"
#include "tests/common/temp_dir.h"

namespace {

using namespace tp;
using tp::bench::DirBytes;


std::vector<app::MaterializedTable> RetailTables() {
  using storage::LogicalType;
  using storage::TypeId;
  auto S = [] { return LogicalType::Of(TypeId::kString); };
  auto T = [] { return LogicalType::Of(TypeId::kTimestamp); };
  auto I = [] { return LogicalType::Of(TypeId::kInt32); };
  auto D = [] { return LogicalType::Decimal(12, 2); };
  auto table = [](std::string name, std::string time, std::vector<storage::Field> fields) {
    app::MaterializedTable t;
    t.name = std::move(name);
    t.time_column = std::move(time);
    t.schema.fields = std::move(fields);
    return t;
  };
  return {
      table("sellers", "onboarded_at", {{"seller_id", S(), false}, {"brand", S(), false}, {"city", S(), false}, {"state", S(), false}, {"onboarded_at", T(), false}}),
      table("products", "created_at", {{"product_id", S(), false}, {"seller_id", S(), false}, {"brand", S(), false}, {"category", S(), false}, {"name", S(), false}, {"price", D(), false}, {"created_at", T(), false}}),
      table("customers", "signup_at", {{"customer_id", S(), false}, {"name", S(), false}, {"city", S(), false}, {"state", S(), false}, {"signup_at", T(), false}}),
      table("orders", "purchased_at", {{"order_id", S(), false}, {"customer_id", S(), false}, {"status", S(), false}, {"city", S(), false}, {"state", S(), false}, {"delivery", S(), false}, {"payment_type", S(), false}, {"items", I(), false}, {"total", D(), false}, {"purchased_at", T(), false}, {"delivered_at", T(), true}}),
      table("order_items", "purchased_at", {{"order_id", S(), false}, {"item_seq", I(), false}, {"product_id", S(), false}, {"seller_id", S(), false}, {"brand", S(), false}, {"category", S(), false}, {"quantity", I(), false}, {"unit_price", D(), false}, {"amount", D(), false}, {"city", S(), false}, {"purchased_at", T(), false}}),
      table("payments", "paid_at", {{"order_id", S(), false}, {"payment_seq", I(), false}, {"payment_type", S(), false}, {"installments", I(), false}, {"value", D(), false}, {"paid_at", T(), false}}),
      table("reviews", "created_at", {{"review_id", S(), false}, {"order_id", S(), false}, {"score", I(), false}, {"comment", S(), true}, {"created_at", T(), false}}),
      table("page_views", "viewed_at", {{"session_id", S(), false}, {"customer_id", S(), true}, {"path", S(), false}, {"product_id", S(), true}, {"referrer", S(), false}, {"device", S(), false}, {"viewed_at", T(), false}}),
  };
}

}  // namespace

int main(int argc, char** argv) {
  int days = 30;
  double rate = 120;
  std::string out_path = "bench/results/materialize.md";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--days") days = std::stoi(v);
    else if (a == "--rate") rate = std::stod(v);
    else if (a == "--out") out_path = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  testing::TempDir tmp;
  const auto data = tmp.path() / "data";

  // 1. The simulator's records into the log (not timed), and their raw size.
  stream::LogOptions lo;
  lo.dir = data / "stream";
  lo.min_free = 0;
  lo.fsync = stream::FsyncMode::kOff;
  auto log = stream::Log::Open(lo);
  if (!log.ok()) {
    std::cerr << log.status().ToString() << "\n";
    return 1;
  }
  app::SimulatorOptions so;
  so.seed = 3;
  so.rate_per_min = rate;
  so.backlog_us = int64_t{days} * 86400 * 1000000;
  so.start_us = 1795000000LL * 1000000;
  std::map<std::string, stream::BatchBuilder> builders;
  std::map<std::string, uint64_t> raw_bytes, raw_rows;
  auto flush_builder = [&](const std::string& table) {
    auto& b = builders[table];
    if (b.count() == 0) return;
    stream::AppendRequest req;
    req.table = table;
    req.record_count = b.count();
    req.payload = b.Finish(&req.payload_crc);
    (*log)->AppendSync(std::move(req));
  };
  app::Simulator sim(so);
  sim.Advance(so.start_us, [&](std::string_view table, std::string_view json) {
    std::string t(table);
    builders[t].Add(json);
    raw_bytes[t] += json.size() + 1;
    ++raw_rows[t];
    if (builders[t].count() >= 2000) flush_builder(t);
  });
  for (auto& [t, b] : builders) flush_builder(t);
  uint64_t total_rows = 0;
  for (auto& [t, n] : raw_rows) total_rows += n;

  // 2. Materialize everything, timed.
  auto catalog = storage::Catalog::Open(data / "catalog.sqlite");
  app::MaterializerOptions mo;
  mo.data_dir = data;
  mo.tables = RetailTables();
  // flush_rows stays the default (250,000): flushes run on the
  // materializer's flusher thread while the next rows are decoded.
  auto m = app::Materializer::Open(mo, log->get(), catalog->get());
  if (!m.ok()) {
    std::cerr << m.status().ToString() << "\n";
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  Status s = (*m)->Poll(true);
  getrusage(RUSAGE_SELF, &after);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  auto stats = (*m)->Stats();

  // 2b. Part files as flushed, then after one compaction pass (what the
  //     server's background task does every minute).
  std::map<std::string, uint64_t> flushed_bytes;
  for (const auto& t : mo.tables) flushed_bytes[t.name] = DirBytes(data / "tables" / t.name);
  uint64_t files_before = (*catalog)->Files()->size();
  storage::FileSnapshots snapshots(catalog->get(), data);
  app::CompactionServiceOptions co;
  co.data_dir = data;
  auto compaction = app::CompactionService::Create(co, catalog->get(), &snapshots);
  auto c0 = std::chrono::steady_clock::now();
  if (!compaction.ok() || !(*compaction)->RunOnce().ok()) {
    std::cerr << "compaction failed\n";
    return 1;
  }
  double compact_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
  uint64_t files_after = (*catalog)->Files()->size();

  // 3. DuckDB holding the same rows: a native database file and its own
  //    zstd Parquet export, both loaded from our files (so the types match).
  std::ostringstream md;
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  md << "\n## Materialization, " << date << "\n\n"
     << "Simulator data: " << days << " days at " << rate << " records/min, " << total_rows
     << " records. Materialized (decode + Parquet zstd level 3 + catalog commit) in "
     << std::fixed;
  md.precision(2);
  auto cpu = [](const rusage& r) {
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  const double cores = (cpu(after) - cpu(before)) / secs;
  md << secs << " s: **" << static_cast<uint64_t>(static_cast<double>(stats.rows_written) / secs)
     << " rows/s**, decoding on one thread while the flusher thread writes Parquet (";
  md.precision(1);
  md << cores << " cores busy on average), " << stats.flushes << " flushes, peak RSS "
     << after.ru_maxrss / 1024 << " MiB. One compaction pass then took ";
  md.precision(2);
  md << compact_secs << " s: " << files_before << " part files -> " << files_after
     << ". Bytes per row:\n\n";
  md << "| table | rows | NDJSON | tillpipe Parquet, as flushed | tillpipe Parquet, compacted | "
        "DuckDB database | DuckDB Parquet (zstd) |\n"
     << "|---|---:|---:|---:|---:|---:|---:|\n";
  uint64_t sum_flushed = 0, sum_ours = 0, sum_raw = 0, sum_db = 0, sum_dpq = 0;
  for (const auto& t : mo.tables) {
    auto ours_dir = data / "tables" / t.name;
    uint64_t ours = DirBytes(ours_dir);
    auto db_file = tmp.path() / (t.name + ".duckdb");
    auto export_file = tmp.path() / (t.name + ".parquet");
    std::string src = "read_parquet('" + (ours_dir / "*" / "*.parquet").string() + "')";
    setenv("DUCKDB_DATABASE", db_file.c_str(), 1);
    auto j = testing::DuckDb({"CREATE TABLE t AS SELECT * FROM " + src, "CHECKPOINT",
                              "COPY t TO '" + export_file.string() +
                                  "' (FORMAT parquet, COMPRESSION zstd)",
                              "SELECT count(*) FROM t"});
    unsetenv("DUCKDB_DATABASE");
    if (j.contains("error")) {
      std::cerr << t.name << ": " << j.dump() << "\n";
      return 1;
    }
    uint64_t db = std::filesystem::file_size(db_file);
    uint64_t dpq = std::filesystem::file_size(export_file);
    double n = static_cast<double>(raw_rows[t.name]);
    char row[256];
    std::snprintf(row, sizeof row, "| %s | %llu | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
                  t.name.c_str(), static_cast<unsigned long long>(raw_rows[t.name]),
                  raw_bytes[t.name] / n, flushed_bytes[t.name] / n, ours / n, db / n, dpq / n);
    md << row;
    sum_flushed += flushed_bytes[t.name];
    sum_ours += ours;
    sum_raw += raw_bytes[t.name];
    sum_db += db;
    sum_dpq += dpq;
  }
  double n = static_cast<double>(total_rows);
  char row[256];
  std::snprintf(row, sizeof row, "| **all** | %llu | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
                static_cast<unsigned long long>(total_rows), sum_raw / n, sum_flushed / n,
                sum_ours / n, sum_db / n, sum_dpq / n);
  md << row;
  std::cout << md.str();
  std::ofstream out(out_path, std::ios::app);
  out << md.str();
  std::cerr << "appended to " << out_path << "\n";
  return 0;
}
