// Query benchmark: tillpipe's SQL engine side by side with DuckDB on the
// simulator's retail data, with the queries of bench/queries/*.sql.
//
//   query_bench [--items 10000000] [--days 365] [--end 2026-11-15T00:00:00Z]
//               [--seed 1] [--runs 5] [--only 01,07] [--work DIR] [--out FILE]
//               [--memory-limit 256MiB] [--threads 0] [--no-parquet] [--prepare-only]
//
// 1. Data (generated once per --items/--days/--seed/--end, then reused from
//    --work, default build/query-bench/): `tillpipe simulate --out` writes the
//    backlog as NDJSON (through named pipes into zstd, so the text never sits
//    on disk uncompressed); `tillpipe serve` (stream.retention "1m", so the
//    log does not keep a second copy) ingests it with `tillpipe ingest`, one
//    client per table, materializes and compacts it; then SIGTERM. The rate
//    is chosen so the backlog holds about --items order items.
// 2. DuckDB native: a database file loaded from the same NDJSON
//    (bench/duckdb_bench.mjs load; cached next to the data).
// 3. Each query runs once to warm up and then --runs times: in this process
//    on tillpipe's engine (QueryEngine over the stopped server's data dir),
//    then in one node process per DuckDB variant (native database; views
//    over our Parquet files) with threads = 2 and the same time zone.
//    Medians are compared; answers are checked to agree (row count and every
//    value: numbers within rounding, text exactly).
// 4. Prints a markdown table (per query: ms per engine, ratios; geometric
//    means; peak RSS; machine; data scale) and appends it to
//    bench/results/queries.md (or --out; --out - prints only).
//
// Peak RSS per query is VmHWM after a reset through /proc/self/clear_refs, in
// this process for tillpipe and in node for DuckDB.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "app/process_setup.h"
#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/simulator.h"
#include "storage/catalog.h"
#include "storage/sql/engine.h"
#include "tests/common/sql_canonical.h"
#include "storage/sql/value.h"
#include "tests/integration/server_process.h"
#include "web/http_client.h"

namespace {

namespace fs = std::filesystem;
namespace sql = tp::storage::sql;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using tp::bench::CpuModel;
using tp::bench::DirBytes;
using tp::bench::Fixed;
using tp::bench::MiB;
using tp::bench::WithCommas;
using tp::bench::NowUtc;
using tp::bench::Slurp;
using tp::bench::FileBytes;
using tp::bench::MemTotalBytes;
using tp::bench::Median;

// Order items per simulated day per record/min of --rate (measured: 106,998
// items in 365 days at 4/min, 261,670 in 30 days at 120/min).
constexpr double kItemsPerDayPerRate = 73.3;

struct Options {
  uint64_t items = 10'000'000;
  int days = 365;
  std::string end = "2026-11-15T00:00:00Z";
  uint64_t seed = 1;
  int runs = 5;
  std::string only;
  fs::path work;
  std::string out = "bench/results/queries.md";
  uint64_t memory_limit = 256ull << 20;
  int threads = 0;
  bool parquet = true;
  bool prepare_only = false;
};

[[noreturn]] void Die(const std::string& msg) {
  std::cerr << "query_bench: " << msg << "\n";
  std::exit(1);
}

std::string Ms(double ms) { return Fixed(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0); }


uint64_t StatusBytes(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':') {
      return std::stoull(line.substr(n + 1)) * 1024;
    }
  }
  return 0;
}

void ResetPeakRss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
}


// A shell word: 'text', with ' written as '\''.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---- child processes ---------------------------------------------------------

// Runs `command` with /bin/sh -c; stdout and stderr to `log` (appended) unless
// empty (then inherited). Returns the pid.
pid_t Spawn(const std::string& command, const fs::path& log = {}) {
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    if (!log.empty()) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
    }
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int Run(const std::string& command, const fs::path& log = {}) { return Wait(Spawn(command, log)); }

// ---- data ------------------------------------------------------------------------

struct TableScale {
  std::string name;
  uint64_t rows = 0;
  uint64_t files = 0;
  uint64_t parquet_bytes = 0;
  uint64_t ndjson_bytes = 0;  // the records' NDJSON text, as the server counted it
  uint64_t ndjson_zst_bytes = 0;
};

struct DataSet {
  fs::path dir;
  fs::path data_dir;    // tillpipe's
  fs::path ndjson_dir;  // <table>.ndjson.zst
  fs::path duckdb_file;
  double rate = 0;
  std::vector<TableScale> tables;
  double generate_s = 0, ingest_s = 0, duckdb_load_s = 0;
  uint64_t duckdb_bytes = 0;
};

std::string ServerConfig() {
  // The embedded default config with a short log retention (the log would
  // otherwise hold a second, uncompressed copy of every record), interval
  // fsync and quick compaction passes; everything else as shipped.
  std::string text(tp::app::DefaultConfigText());
  auto replace = [&](const std::string& from, const std::string& to) {
    size_t at = text.find("\n" + from + "\n");
    if (at == std::string::npos) Die("the default config has no line `" + from + "` any more; update ServerConfig()");
    text.replace(at + 1, from.size(), to);
  };
  replace("retention = \"7d\"", "retention = \"1m\"");
  replace("fsync = \"group\"", "fsync = \"interval\"");
  replace("compact_interval = \"1m\"", "compact_interval = \"2s\"");
  return text;
}

json GetJson(tp::web::HttpClient& client, const std::string& path) {
  auto r = client.Get(path);
  if (!r.ok() || r->status != 200) return json();
  return json::parse(r->body, nullptr, false);
}

void Generate(const Options& o, DataSet* ds) {
  const fs::path fifo_dir = ds->dir / "fifo";
  const fs::path server_dir = ds->dir / "server";
  fs::remove_all(fifo_dir);
  fs::remove_all(server_dir);
  fs::remove_all(ds->ndjson_dir);
  fs::create_directories(fifo_dir);
  fs::create_directories(ds->ndjson_dir);
  const fs::path log = ds->dir / "generate.log";
  std::string bin = TILLPIPE_BINARY;
  if (Run("command -v zstd >/dev/null") != 0) Die("needs the zstd command: apt-get install zstd");
  if (!fs::exists(bin)) Die(bin + " is missing: build the tillpipe target too");

  // 1. The simulator writes one NDJSON stream per table into named pipes;
  //    zstd compresses each into ndjson/<table>.ndjson.zst.
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.3f/min", ds->rate);
  std::cerr << "query_bench: simulating " << o.days << " days at " << rate << " (about "
            << WithCommas(o.items) << " order items), seed " << o.seed << ", ending " << o.end
            << "\n";
  auto t0 = Clock::now();
  std::vector<pid_t> zstds;
  for (auto table : tp::app::kSimulatorTables) {
    fs::path fifo = fifo_dir / (std::string(table) + ".ndjson");
    if (::mkfifo(fifo.c_str(), 0600) != 0) Die("mkfifo " + fifo.string() + " failed");
    fs::path zst = ds->ndjson_dir / (std::string(table) + ".ndjson.zst");
    zstds.push_back(Spawn("exec zstd -q -1 -c < " + Quote(fifo) + " > " + Quote(zst.string() + ".tmp"), log));
  }
  std::string sim = Quote(bin) + " simulate --seed " + std::to_string(o.seed) + " --backlog " +
                    std::to_string(o.days) + "d --rate " + rate + " --end " + Quote(o.end) +
                    " --out " + Quote(fifo_dir);
  int rc = Run(sim, log);
  if (rc != 0) {
    for (pid_t p : zstds) ::kill(p, SIGTERM);
    for (pid_t p : zstds) Wait(p);
    Die("`" + sim + "` failed (" + std::to_string(rc) + "); see " + log.string());
  }
  for (pid_t p : zstds) {
    if (Wait(p) != 0) Die("zstd failed; see " + log.string());
  }
  for (auto table : tp::app::kSimulatorTables) {
    fs::path zst = ds->ndjson_dir / (std::string(table) + ".ndjson.zst");
    fs::rename(zst.string() + ".tmp", zst);
  }
  fs::remove_all(fifo_dir);
  ds->generate_s = std::chrono::duration<double>(Clock::now() - t0).count();

  // 2. A server ingests the same records, one `tillpipe ingest` per table.
  std::cerr << "query_bench: ingesting into tillpipe (" << server_dir.string() << ")\n";
  t0 = Clock::now();
  tp::testing::ServerProcess server(server_dir, ServerConfig());
  if (!server.Start(std::chrono::seconds(120))) Die("the server did not start:\n" + server.log());
  std::vector<std::pair<std::string, pid_t>> clients;
  for (auto table : tp::app::kSimulatorTables) {
    fs::path zst = ds->ndjson_dir / (std::string(table) + ".ndjson.zst");
    std::string cmd = "set -o pipefail 2>/dev/null; zstd -dc " + Quote(zst) + " | " + Quote(bin) +
                      " ingest " + std::string(table) + " - --url " + server.url() +
                      " --batch 10000 -q";
    clients.emplace_back(std::string(table), Spawn("bash -c " + Quote(cmd), log));
  }
  for (auto& [table, pid] : clients) {
    if (Wait(pid) != 0) Die("ingesting " + table + " failed; see " + log.string());
  }
  // 3. Wait until every record is in Parquet files and compaction has
  //    merged each day into one file.
  std::cerr << "query_bench: waiting for the materializer and compaction\n";
  tp::web::HttpClient client(server.Url(), std::chrono::seconds(60));
  auto deadline = Clock::now() + std::chrono::minutes(30);
  json tables;
  std::string waiting;
  while (true) {
    tables = GetJson(client, "/api/v1/tables");
    waiting.clear();
    if (!tables.is_object()) {
      waiting = "no answer from /api/v1/tables";
    } else {
      for (const auto& t : tables["tables"]) {
        const std::string name = t["name"].get<std::string>();
        if (name == "_rejected") {
          if (t["rows"].get<uint64_t>() + t["tail_rows"].get<uint64_t>() > 0) {
            Die("the server rejected records; see " + (server_dir / "data/tables/_rejected").string());
          }
          continue;
        }
        const uint64_t ingested = t.value("ingested_records", uint64_t{0});
        if (t["rows"].get<uint64_t>() != ingested || t["tail_rows"].get<uint64_t>() != 0) {
          waiting = name + " has " + std::to_string(t["rows"].get<uint64_t>()) + " of " +
                    std::to_string(ingested) + " rows in files";
          break;
        }
        for (const auto& d : t["days"]) {
          if (d["files"].get<uint64_t>() > 1) {
            waiting = name + " " + d["day"].get<std::string>() + " has " +
                      std::to_string(d["files"].get<uint64_t>()) + " files";
            break;
          }
        }
        if (!waiting.empty()) break;
      }
    }
    if (waiting.empty()) break;
    if (Clock::now() > deadline) {
      std::cerr << "query_bench: giving up waiting (" << waiting << "); measuring as it is\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  int stop = server.Stop();
  if (stop != 0) Die("the server exited with " + std::to_string(stop) + "; see " + server.log_path().string());
  ds->ingest_s = std::chrono::duration<double>(Clock::now() - t0).count();

  json meta = {{"items", o.items},       {"days", o.days},
               {"end", o.end},           {"seed", o.seed},
               {"rate_per_min", ds->rate}, {"generate_s", ds->generate_s},
               {"ingest_s", ds->ingest_s}};
  json raw = json::object();
  for (const auto& t : tables["tables"]) raw[t["name"].get<std::string>()] = t.value("raw_bytes", uint64_t{0});
  meta["raw_bytes"] = raw;
  std::ofstream(ds->dir / "dataset.json") << meta.dump(2) << "\n";
}

void LoadDuckDb(DataSet* ds) {
  std::cerr << "query_bench: loading the NDJSON into DuckDB (" << ds->duckdb_file.string() << ")\n";
  const fs::path report = ds->dir / "duckdb-load.json";
  std::string cmd = "node " + Quote(std::string(TILLPIPE_SOURCE_DIR) + "/bench/duckdb_bench.mjs") +
                    " load --db " + Quote(ds->duckdb_file) + " --ndjson " + Quote(ds->ndjson_dir) +
                    " --threads 2 > " + Quote(report);
  int rc = Run(cmd, ds->dir / "duckdb-load.log");
  if (rc != 0) Die("loading DuckDB failed; see " + (ds->dir / "duckdb-load.log").string());
}

DataSet PrepareData(const Options& o) {
  DataSet ds;
  std::string end_tag = o.end.substr(0, 10);
  end_tag.erase(std::remove(end_tag.begin(), end_tag.end(), '-'), end_tag.end());
  ds.dir = o.work / ("items" + std::to_string(o.items) + "_days" + std::to_string(o.days) +
                     "_seed" + std::to_string(o.seed) + "_end" + end_tag);
  ds.data_dir = ds.dir / "server" / "data";
  ds.ndjson_dir = ds.dir / "ndjson";
  ds.duckdb_file = ds.dir / "native.duckdb";
  ds.rate = static_cast<double>(o.items) / (o.days * kItemsPerDayPerRate);
  fs::create_directories(ds.dir);
  if (!fs::exists(ds.dir / "dataset.json")) {
    Generate(o, &ds);
  } else {
    std::cerr << "query_bench: reusing the data in " << ds.dir.string() << "\n";
  }
  json meta = json::parse(Slurp(ds.dir / "dataset.json"), nullptr, false);
  if (!meta.is_object()) Die("cannot read " + (ds.dir / "dataset.json").string() + "; delete the directory");
  ds.rate = meta.value("rate_per_min", ds.rate);
  ds.generate_s = meta.value("generate_s", 0.0);
  ds.ingest_s = meta.value("ingest_s", 0.0);
  if (!fs::exists(ds.duckdb_file)) LoadDuckDb(&ds);
  json load = json::parse(Slurp(ds.dir / "duckdb-load.json"), nullptr, false);
  if (load.is_object()) ds.duckdb_load_s = load.value("seconds", 0.0);
  ds.duckdb_bytes = FileBytes(ds.duckdb_file);
  for (auto table : tp::app::kSimulatorTables) {
    TableScale t;
    t.name = table;
    const fs::path dir = ds.data_dir / "tables" / t.name;
    t.parquet_bytes = DirBytes(dir);
    std::error_code ec;
    if (fs::exists(dir, ec)) {
      for (auto& e : fs::recursive_directory_iterator(dir, ec)) {
        if (e.is_regular_file(ec) && e.path().extension() == ".parquet") ++t.files;
      }
    }
    t.ndjson_zst_bytes = FileBytes(ds.ndjson_dir / (t.name + ".ndjson.zst"));
    if (meta.contains("raw_bytes")) t.ndjson_bytes = meta["raw_bytes"].value(t.name, uint64_t{0});
    ds.tables.push_back(t);
  }
  return ds;
}

// ---- answers -------------------------------------------------------------------

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

Cell Canonical(const sql::Value& v) { return tp::testing::CanonicalValue(v); }

std::optional<double> AsNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

int Decimals(const std::string& s) {
  size_t dot = s.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
}

// Equal text, or numbers equal up to float rounding, or (for values rounded
// to d decimals, like round(avg(x), 2)) within one unit of the last decimal.
bool SameCell(const Cell& a, const Cell& b) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  auto x = AsNumber(*a), y = AsNumber(*b);
  if (!x || !y) return false;
  const double diff = std::fabs(*x - *y);
  if (diff <= 1e-9 * std::max({1.0, std::fabs(*x), std::fabs(*y)})) return true;
  const int d = std::max(Decimals(*a), Decimals(*b));
  return d > 0 && diff <= 1.000001 * std::pow(10.0, -d);
}

std::string ShowCell(const Cell& c) { return c ? "`" + *c + "`" : "NULL"; }

// "" when the answers agree, else what differs first.
std::string CompareAnswers(const std::vector<Row>& ours, const json& theirs) {
  const json& rows = theirs["rows"];
  if (ours.size() != rows.size()) {
    return std::to_string(ours.size()) + " rows vs " + std::to_string(rows.size());
  }
  for (size_t r = 0; r < ours.size(); ++r) {
    if (ours[r].size() != rows[r].size()) {
      return "row " + std::to_string(r + 1) + ": " + std::to_string(ours[r].size()) + " vs " +
             std::to_string(rows[r].size()) + " columns";
    }
    for (size_t c = 0; c < ours[r].size(); ++c) {
      Cell theirs_cell;
      if (!rows[r][c].is_null()) theirs_cell = rows[r][c].get<std::string>();
      if (!SameCell(ours[r][c], theirs_cell)) {
        std::string col = theirs.contains("columns") && c < theirs["columns"].size()
                              ? theirs["columns"][c].get<std::string>()
                              : std::to_string(c + 1);
        return "row " + std::to_string(r + 1) + " " + col + ": " + ShowCell(ours[r][c]) + " vs " +
               ShowCell(theirs_cell);
      }
    }
  }
  return "";
}

// ---- queries -------------------------------------------------------------------

struct Query {
  std::string name;   // file name without .sql
  std::string title;  // the first comment line
  std::string sql;
};

std::vector<Query> LoadQueries(const fs::path& dir, const std::string& only) {
  std::set<std::string> want;
  std::stringstream ss(only);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) want.insert(item);
  }
  std::vector<Query> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".sql") continue;
    Query q;
    q.name = e.path().stem().string();
    if (!want.empty() && !want.count(q.name) && !want.count(q.name.substr(0, q.name.find('_')))) {
      continue;
    }
    q.sql = Slurp(e.path());
    std::stringstream lines(q.sql);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind("-- ", 0) == 0) {
        q.title = line.substr(3);
        break;
      }
    }
    out.push_back(std::move(q));
  }
  std::sort(out.begin(), out.end(), [](const Query& a, const Query& b) { return a.name < b.name; });
  return out;
}

struct Measured {
  std::vector<double> ms;
  double median_ms = 0;
  std::optional<std::string> error;
  std::vector<Row> rows;
  uint64_t peak_rss = 0;
  sql::QueryStats stats;
};

std::vector<Measured> RunTillpipe(const Options& o, const DataSet& ds, const std::vector<Query>& queries,
                                  uint64_t* baseline_rss) {
  auto lock = tp::app::DataDirLock::AcquireShared(ds.data_dir);
  if (!lock.ok()) Die(lock.status().message());
  tp::storage::CatalogOptions catalog_options;
  catalog_options.read_only = true;
  auto catalog = tp::storage::Catalog::Open(ds.data_dir / "catalog.sqlite", catalog_options);
  if (!catalog.ok()) Die("cannot open the catalog: " + catalog.status().message());
  sql::EngineOptions options;
  options.data_dir = ds.data_dir;
  options.timezone = "UTC";
  options.catalog = catalog->get();
  options.limits.memory_bytes = o.memory_limit;
  options.limits.timeout = std::chrono::minutes(10);
  options.threads = o.threads;
  options.spill_dir = fs::temp_directory_path();  // as `tillpipe query --data-dir` does
  auto engine = sql::QueryEngine::Open(std::move(options));
  if (!engine.ok()) Die("cannot open the engine: " + engine.status().message());
  *baseline_rss = StatusBytes("VmRSS");

  std::vector<Measured> out;
  for (const auto& q : queries) {
    Measured m;
    ResetPeakRss();
    for (int i = 0; i <= o.runs && !m.error; ++i) {
      sql::QueryError err;
      auto t0 = Clock::now();
      auto r = (*engine)->Query(q.sql, {}, &err);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (!r.ok()) {
        std::string msg = err.message.empty() ? r.status().ToString() : err.message;
        if (err.position) {
          msg += " (at character " + std::to_string(sql::CharacterPosition(q.sql, *err.position)) + ")";
        }
        m.error = msg;
        break;
      }
      if (i == 0) continue;  // warm-up
      m.ms.push_back(ms);
      if (i == o.runs) {
        m.stats = r->stats;
        for (const auto& chunk : r->chunks) {
          for (size_t row = 0; row < chunk.size; ++row) {
            Row cells;
            for (const auto& vec : chunk.columns) cells.push_back(Canonical(vec.GetValue(row)));
            m.rows.push_back(std::move(cells));
          }
        }
      }
    }
    m.median_ms = Median(m.ms);
    m.peak_rss = StatusBytes("VmHWM");
    std::cerr << "query_bench: tillpipe " << q.name << ": "
              << (m.error ? "ERROR " + *m.error : Ms(m.median_ms) + " ms") << "\n";
    out.push_back(std::move(m));
  }
  return out;
}

json RunDuckDb(const Options& o, const DataSet& ds, bool native) {
  const std::string tag = native ? "native" : "parquet";
  const fs::path out = ds.dir / ("duckdb-" + tag + ".json");
  std::string cmd = "node " + Quote(std::string(TILLPIPE_SOURCE_DIR) + "/bench/duckdb_bench.mjs") +
                    " run " +
                    (native ? "--db " + Quote(ds.duckdb_file)
                            : "--parquet " + Quote(ds.data_dir / "tables")) +
                    " --queries " + Quote(std::string(TILLPIPE_SOURCE_DIR) + "/bench/queries") +
                    " --runs " + std::to_string(o.runs) + " --threads 2 --timezone UTC --out " +
                    Quote(out);
  if (!o.only.empty()) cmd += " --only " + Quote(o.only);
  fs::remove(out);
  int rc = Run(cmd);
  if (rc != 0) Die("DuckDB (" + tag + ") failed: " + cmd);
  json j = json::parse(Slurp(out), nullptr, false);
  if (!j.is_object()) Die("cannot read " + out.string());
  return j;
}

const json* FindQuery(const json& duck, const std::string& name) {
  for (const auto& q : duck["queries"]) {
    if (q["name"] == name) return &q;
  }
  return nullptr;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '|') c = '/';
  }
  return s;
}

uint64_t ParseSizeOrDie(const std::string& text) {
  auto r = tp::app::ParseSize(text);
  if (!r.ok()) Die("--memory-limit: " + r.status().message());
  return *r;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  o.work = fs::path(TILLPIPE_SOURCE_DIR) / "build" / "query-bench";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--items") o.items = std::stoull(value());
    else if (a == "--days") o.days = std::stoi(value());
    else if (a == "--end") o.end = value();
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--runs") o.runs = std::stoi(value());
    else if (a == "--only") o.only = value();
    else if (a == "--work") o.work = value();
    else if (a == "--out") o.out = value();
    else if (a == "--memory-limit") o.memory_limit = ParseSizeOrDie(value());
    else if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--no-parquet") o.parquet = false;
    else if (a == "--prepare-only") o.prepare_only = true;
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: query_bench [--items 10000000] [--days 365] [--end 2026-11-15T00:00:00Z]\n"
                   "                   [--seed 1] [--runs 5] [--only 01,07] [--work DIR] [--out FILE|-]\n"
                   "                   [--memory-limit 256MiB] [--threads 0] [--no-parquet] [--prepare-only]\n";
      std::exit(0);
    } else {
      Die("unknown option " + a + " (see --help)");
    }
  }
  if (o.items == 0 || o.days <= 0 || o.runs <= 0) Die("--items, --days and --runs must be positive");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  tp::app::ConfigureProcess();  // as the tillpipe binary does
  Options o = ParseArgs(argc, argv);
  if (fs::path(o.out).is_relative() && o.out != "-") o.out = (fs::path(TILLPIPE_SOURCE_DIR) / o.out).string();
  std::vector<Query> queries = LoadQueries(fs::path(TILLPIPE_SOURCE_DIR) / "bench" / "queries", o.only);
  if (queries.empty()) Die("no queries (bench/queries/*.sql, --only " + o.only + ")");

  DataSet ds = PrepareData(o);
  if (o.prepare_only) {
    std::cerr << "query_bench: the data is ready in " << ds.dir.string() << "\n";
    return 0;
  }

  uint64_t tp_baseline_rss = 0;
  std::vector<Measured> ours = RunTillpipe(o, ds, queries, &tp_baseline_rss);
  json native = RunDuckDb(o, ds, /*native=*/true);
  json parquet = o.parquet ? RunDuckDb(o, ds, /*native=*/false) : json();

  // ---- the report ------------------------------------------------------------
  std::ostringstream md;
  uint64_t items = 0, total_rows = 0, parquet_bytes = 0, raw_bytes = 0, zst_bytes = 0;
  for (const auto& t : ds.tables) {
    parquet_bytes += t.parquet_bytes;
    raw_bytes += t.ndjson_bytes;
    zst_bytes += t.ndjson_zst_bytes;
  }
  // Rows per table: DuckDB's load counted them; tillpipe's agree when the
  // count(*) answers below match.
  json load = json::parse(Slurp(ds.dir / "duckdb-load.json"), nullptr, false);
  std::map<std::string, uint64_t> rows_of;
  if (load.is_object() && load.contains("tables")) {
    for (auto& [name, t] : load["tables"].items()) rows_of[name] = t.value("rows", uint64_t{0});
  }
  items = rows_of["order_items"];
  for (auto& [name, n] : rows_of) total_rows += n;

  utsname un{};
  uname(&un);
  std::string command = "query_bench";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  md << "## Queries, " << NowUtc() << " UTC (`" << command << "`)\n\n";
  md << "Data: `tillpipe simulate --seed " << o.seed << " --backlog " << o.days << "d --rate "
     << Fixed(ds.rate, 1) << "/min --end " << o.end << "`: " << WithCommas(items)
     << " order items, " << WithCommas(total_rows) << " rows in all. ";
  md << "Machine: " << std::thread::hardware_concurrency() << " cores (" << CpuModel() << "), "
     << MiB(MemTotalBytes()) << " MiB RAM, Linux " << un.release << ". ";
  md << "tillpipe " << TILLPIPE_VERSION << " in-process (QueryEngine over the stopped server's data dir, "
     << (o.threads == 0 ? "one thread per core" : std::to_string(o.threads) + " threads")
     << ", " << (o.memory_limit == 0 ? std::string("no query memory limit")
                                 : "query memory limit " + MiB(o.memory_limit) + " MiB")
     << ", malloc and file limits set up as in the tillpipe binary, app/process_setup.h); "
     << "DuckDB " << native.value("duckdb_version", std::string("?"))
     << " in node (@duckdb/node-api), threads = 2, TimeZone = UTC. Hot: median of " << o.runs
     << " runs after one warm-up run, wall time of the query including its materialized result.\n\n";

  md << "| query | tillpipe ms | DuckDB native ms | DuckDB on our Parquet ms | tillpipe/native | tillpipe/Parquet | rows | answers |\n";
  md << "|---|---:|---:|---:|---:|---:|---:|---|\n";
  double log_native = 0, log_parquet = 0;
  int n_native = 0, n_parquet = 0;
  std::vector<std::string> failures;
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    const Measured& m = ours[i];
    const json* dn = FindQuery(native, q.name);
    const json* dp = parquet.is_object() ? FindQuery(parquet, q.name) : nullptr;
    auto duck_ms = [](const json* d) -> std::optional<double> {
      if (d == nullptr || d->contains("error") || !d->contains("median_ms")) return std::nullopt;
      return (*d)["median_ms"].get<double>();
    };
    std::optional<double> nm = duck_ms(dn), pm = duck_ms(dp);
    std::string ours_cell = m.error ? "**fails**" : Ms(m.median_ms);
    std::string ratio_n = "–", ratio_p = "–";
    if (!m.error && nm && *nm > 0) {
      const double r = m.median_ms / *nm;
      ratio_n = Fixed(r, 2) + "x";
      log_native += std::log(r);
      ++n_native;
    }
    if (!m.error && pm && *pm > 0) {
      const double r = m.median_ms / *pm;
      ratio_p = Fixed(r, 2) + "x";
      log_parquet += std::log(r);
      ++n_parquet;
    }
    std::string agree;
    if (m.error) {
      failures.push_back("`" + q.name + "` on tillpipe: " + OneLine(*m.error));
      agree = "tillpipe error";
    } else if (dn && !dn->contains("error")) {
      std::string diff = CompareAnswers(m.rows, *dn);
      agree = diff.empty() ? "same" : "**differ**: " + OneLine(diff);
      if (dp && !dp->contains("error")) {
        std::string diff_p = CompareAnswers(m.rows, *dp);
        if (!diff_p.empty() && diff.empty()) agree += "; **differs from DuckDB on Parquet**: " + OneLine(diff_p);
      }
    }
    if (dn && dn->contains("error")) {
      failures.push_back("`" + q.name + "` on DuckDB native: " + OneLine((*dn)["error"].get<std::string>()));
    }
    if (dp && dp->contains("error")) {
      failures.push_back("`" + q.name + "` on DuckDB over Parquet: " + OneLine((*dp)["error"].get<std::string>()));
    }
    std::string rows = m.error ? (dn && dn->contains("rows") ? std::to_string((*dn)["rows"].size()) : "")
                               : std::to_string(m.rows.size());
    md << "| " << q.name << " | " << ours_cell << " | " << (nm ? Ms(*nm) : "–") << " | "
       << (pm ? Ms(*pm) : "–") << " | " << ratio_n << " | " << ratio_p << " | " << rows << " | "
       << agree << " |\n";
  }
  auto geo = [](double sum_log, int n) { return n == 0 ? std::string("–") : Fixed(std::exp(sum_log / n), 2) + "x"; };
  md << "| **geometric mean** (" << n_native << " of " << queries.size() << " queries) | | | | **"
     << geo(log_native, n_native) << "** | **" << geo(log_parquet, n_parquet) << "** | | |\n\n";

  uint64_t tp_peak = tp_baseline_rss;
  for (const auto& m : ours) tp_peak = std::max(tp_peak, m.peak_rss);
  md << "Peak RSS: tillpipe query process **" << MiB(tp_peak) << " MiB** (" << MiB(tp_baseline_rss)
     << " MiB after opening the engine); DuckDB native, node process "
     << MiB(native.value("peak_rss_bytes", uint64_t{0})) << " MiB ("
     << MiB(native.value("baseline_rss_bytes", uint64_t{0})) << " MiB after opening)";
  if (parquet.is_object()) {
    md << "; DuckDB on our Parquet, node process " << MiB(parquet.value("peak_rss_bytes", uint64_t{0}))
       << " MiB (" << MiB(parquet.value("baseline_rss_bytes", uint64_t{0})) << " MiB after opening)";
  }
  md << ".\n\n";

  md << "Per query: what tillpipe read and held (its last run's stats: files read counts the "
        "files left after partition pruning), and each process's peak RSS during the query "
        "(MiB; VmHWM reset before the query, so it includes heap the process kept from earlier "
        "queries):\n\n";
  md << "| query | rows scanned | files read / skipped | row groups read / skipped | MB read | engine peak memory MiB | tillpipe RSS | DuckDB native RSS | DuckDB Parquet RSS |\n";
  md << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < queries.size(); ++i) {
    const Measured& m = ours[i];
    const json* dn = FindQuery(native, queries[i].name);
    const json* dp = parquet.is_object() ? FindQuery(parquet, queries[i].name) : nullptr;
    md << "| " << queries[i].name << " | ";
    if (m.error) {
      md << "– | – | – | – | – | ";
    } else {
      md << WithCommas(m.stats.rows_scanned) << " | " << m.stats.files_scanned << " / "
         << m.stats.files_skipped << " | " << m.stats.row_groups_scanned << " / "
         << m.stats.row_groups_skipped << " | " << Fixed(static_cast<double>(m.stats.bytes_scanned) / 1e6, 1)
         << " | " << MiB(m.stats.peak_memory_bytes) << " | ";
    }
    md << MiB(m.peak_rss) << " | " << (dn ? MiB(dn->value("peak_rss_bytes", uint64_t{0})) : "–") << " | "
       << (dp ? MiB(dp->value("peak_rss_bytes", uint64_t{0})) : "–") << " |\n";
  }
  md << "\n";

  md << "Data scale (rows; bytes on disk: tillpipe's Parquet files after compaction, the NDJSON the "
        "server received, the same NDJSON as zstd -1; DuckDB's database file holds all tables: "
     << MiB(ds.duckdb_bytes) << " MiB):\n\n";
  md << "| table | rows | Parquet files | Parquet MiB | NDJSON MiB | NDJSON.zst MiB |\n";
  md << "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& t : ds.tables) {
    md << "| " << t.name << " | " << WithCommas(rows_of[t.name]) << " | " << t.files << " | "
       << MiB(t.parquet_bytes) << " | " << MiB(t.ndjson_bytes) << " | " << MiB(t.ndjson_zst_bytes) << " |\n";
  }
  md << "| **all** | " << WithCommas(total_rows) << " | | " << MiB(parquet_bytes) << " | "
     << MiB(raw_bytes) << " | " << MiB(zst_bytes) << " |\n\n";
  if (ds.generate_s > 0 || ds.duckdb_load_s > 0) {
    md << "Preparing the data took: simulate + zstd " << Fixed(ds.generate_s, 0)
       << " s; ingest, materialize and compact in tillpipe " << Fixed(ds.ingest_s, 0)
       << " s; DuckDB load from the NDJSON " << Fixed(ds.duckdb_load_s, 0) << " s.\n\n";
  }
  if (!failures.empty()) {
    md << "Failures:\n\n";
    for (const auto& f : failures) md << "- " << f << "\n";
    md << "\n";
  }

  std::cout << md.str();
  if (o.out != "-") {
    const bool fresh = !fs::exists(o.out);
    std::ofstream f(o.out, std::ios::app);
    if (fresh) {
      f << "# Query benchmark results\n\n"
           "`build/release/query_bench` (source: `bench/query_bench.cpp`, queries in\n"
           "`bench/queries/`, DuckDB side `bench/duckdb_bench.mjs`): the simulator's retail\n"
           "data loaded into tillpipe (through `tillpipe serve`: ingest, materialize,\n"
           "compact) and into DuckDB (a native database loaded from the same NDJSON), and\n"
           "DuckDB also reading tillpipe's Parquet files directly. Each query runs once to\n"
           "warm up and then 5 times; the table shows medians and tillpipe's time divided\n"
           "by DuckDB's. Answers are compared value by value.\n\n"
           "Targets from the issue: geometric mean at most 1.0x DuckDB native on 2 cores,\n"
           "and peak RSS under 256 MB.\n\n"
           "Each run appends a section below.\n\n";
    }
    f << md.str();
    std::cerr << "query_bench: appended to " << o.out << "\n";
  }
  return 0;
}
