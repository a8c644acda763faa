// The differential SQL suite: every query of tests/sql/*.test runs in our
// engine and in DuckDB over the very same Parquet files, and the answers
// must agree. The file format is described in tests/sql/README.md.
//
// The simulator's data (a few days spanning the 2026-10-25 DST change of the
// store's time zone, Europe/Berlin) is ingested into a real `tillpipe
// serve`, which is then stopped (once per build: see PrepareData); the
// engine reads the data directory in-process, DuckDB reads the same files
// (tests/interop/duckdb_batch.mjs, one node process per test process, for
// every file it tests). One gtest per .test file.
//
// Environment knobs:
//   SLT_DUCKDB_ONLY=1   only ask DuckDB: checks the files are valid DuckDB SQL
//                       (and that error cases are errors there too)
//   SLT_DATA_DIR=DIR    use this data directory instead of simulating one
//                       (it must have been written with timezone Europe/Berlin)
//   SLT_FRESH_DATA=1    simulate a private data directory instead of the one
//                       shared by this build's test processes
//   SLT_ONLY=TEXT       run only cases whose "file:line" or SQL contains TEXT
//   SLT_VERBOSE=1       print every case with both answers' sizes
//   SLT_IGNORE_TYPES=1  do not compare column types
//   SLT_MAX_DIFF=N      rows of a diff to show (default 8)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.h"
#include "storage/catalog.h"
#include "storage/sql/engine.h"
#include "tests/common/sql_canonical.h"
#include "storage/sql/value.h"
#include "storage/sql/vector.h"
#include "tests/common/duckdb.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

namespace fs = std::filesystem;
namespace sql = tp::storage::sql;
using json = nlohmann::json;

constexpr const char* kTimeZone = "Europe/Berlin";
const char* const kTables[] = {"sellers", "products", "customers", "orders",
                               "order_items", "payments", "reviews", "page_views"};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}
bool EnvFlag(const char* name) {
  std::string v = Env(name);
  return !v.empty() && v != "0";
}

// ---- test files ---------------------------------------------------------

enum class CaseKind { kQuery, kError, kUnsupported };

struct Case {
  CaseKind kind = CaseKind::kQuery;
  std::string where;  // "tests/sql/x.test:12"
  std::string sql;
  // query flags
  bool rowsort = false;   // compare as a multiset even with an ORDER BY
  bool ordered = false;   // compare in order even without a top-level ORDER BY
  bool check_types = true;
  bool check_names = true;
  double tolerance = 1e-9;  // relative, for DOUBLE values
  bool tolerance_set = false;  // tolerance=X: numbers of every type compare within X
  std::optional<uint64_t> max_files;  // max_files=N: our engine reads at most N files
  std::optional<uint64_t> spill;      // spill=N: memory limit N bytes; our engine must spill
  // error expectations
  std::string error_text;
  std::optional<size_t> error_position;  // 1-based character
};

struct TestFile {
  fs::path path;
  std::vector<Case> cases;
  std::vector<std::string> problems;  // format errors
};

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

TestFile ReadTestFile(const fs::path& path) {
  TestFile file;
  file.path = path;
  const std::string rel = "tests/sql/" + path.filename().string();
  std::ifstream in(path);
  std::string line;
  int line_no = 0;
  Case* current = nullptr;
  std::vector<std::string> sql_lines;
  auto finish = [&] {
    if (current == nullptr) return;
    std::string text;
    for (size_t i = 0; i < sql_lines.size(); ++i) text += (i ? "\n" : "") + sql_lines[i];
    current->sql = text;
    if (text.empty()) file.problems.push_back(current->where + ": no SQL after the directive");
    current = nullptr;
    sql_lines.clear();
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = Trim(line);
    if (t.empty()) {
      finish();
      continue;
    }
    if (t[0] == '#') continue;
    if (current != nullptr) {
      sql_lines.push_back(line);
      continue;
    }
    // A directive.
    std::istringstream words(t);
    std::string word;
    words >> word;
    Case c;
    c.where = rel + ":" + std::to_string(line_no);
    if (word == "query") {
      std::string flag;
      while (words >> flag) {
        if (flag == "rowsort") {
          c.rowsort = true;
        } else if (flag == "ordered") {
          c.ordered = true;
        } else if (flag == "notypes") {
          c.check_types = false;
        } else if (flag == "nonames") {
          c.check_names = false;
        } else if (flag.rfind("tolerance=", 0) == 0) {
          c.tolerance = std::strtod(flag.c_str() + 10, nullptr);
          c.tolerance_set = true;
        } else if (flag.rfind("max_files=", 0) == 0) {
          c.max_files = std::strtoull(flag.c_str() + 10, nullptr, 10);
        } else if (flag.rfind("spill=", 0) == 0) {
          c.spill = std::strtoull(flag.c_str() + 6, nullptr, 10);
        } else {
          file.problems.push_back(c.where + ": unknown query flag \"" + flag + "\"");
        }
      }
    } else if (word == "error" || word == "unsupported") {
      c.kind = word == "error" ? CaseKind::kError : CaseKind::kUnsupported;
      std::string rest = Trim(t.substr(word.size()));
      size_t at = rest.rfind(" @ ");
      if (at != std::string::npos) {
        std::string pos = Trim(rest.substr(at + 3));
        if (!pos.empty() && pos.find_first_not_of("0123456789") == std::string::npos) {
          c.error_position = std::stoul(pos);
          rest = Trim(rest.substr(0, at));
        }
      }
      c.error_text = rest;
    } else {
      file.problems.push_back(c.where + ": expected query, error or unsupported, found \"" + t +
                              "\"");
      continue;
    }
    file.cases.push_back(std::move(c));
    current = &file.cases.back();
  }
  finish();
  return file;
}

std::vector<std::string> TestFilePaths() {
  std::vector<std::string> out;
  fs::path dir = fs::path(TILLPIPE_SOURCE_DIR) / "tests" / "sql";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".test") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- the data and the engine (once per process) ---------------------------

struct Fixture {
  TempDir tmp;
  fs::path data_dir;
  std::unique_ptr<storage::Catalog> catalog;
  std::unique_ptr<sql::QueryEngine> engine;
  std::string error;  // why setup failed
};

std::string ConfigText() {
  std::string text(app::DefaultConfigText());
  auto replace = [&](const std::string& from, const std::string& to) {
    size_t p = text.find(from);
    if (p != std::string::npos) text.replace(p, from.size(), to);
    return p != std::string::npos;
  };
  replace("timezone = \"UTC\"", std::string("timezone = \"") + kTimeZone + "\"");
  // Several part files per day for the big table.
  replace("flush_rows = 250000", "flush_rows = 20000");
  // A test's data need not survive a power loss; a busy disk should not slow it.
  replace("fsync = \"group\"", "fsync = \"off\"");
  replace("min_free = \"1GiB\"", "min_free = 0");
  return text;
}

const std::vector<std::string>& SimulateArgs() {
  // 8 days across the DST change (2026-10-25 03:00 CEST -> 02:00 CET) and a
  // month boundary (Oct -> Nov); ~140k records, ~5800 orders.
  static const std::vector<std::string> args = {
      "--seed", "7", "--backlog", "8d", "--rate", "12/min", "--end", "2026-11-01T12:00:00Z"};
  return args;
}

// Simulates, ingests into a server in `dir`/srv and stops it; the data
// directory is `dir`/srv/data.
bool SimulateInto(const fs::path& dir, std::string* error) {
  const fs::path sim = dir / "sim";
  std::string out;
  std::vector<std::string> cmd = {TILLPIPE_BINARY, "simulate"};
  for (const auto& a : SimulateArgs()) cmd.push_back(a);
  cmd.insert(cmd.end(), {"--out", sim.string(), "-q"});
  int rc = RunCommand(cmd, &out);
  if (rc != 0) {
    *error = "tillpipe simulate failed: " + out;
    return false;
  }
  ServerProcess server(dir / "srv", ConfigText());
  if (!server.Start()) {
    *error = "tillpipe serve did not start: " + server.log();
    return false;
  }
  for (const char* table : kTables) {
    rc = RunCommand({TILLPIPE_BINARY, "ingest", table, (sim / (std::string(table) + ".ndjson")).string(),
                     "--url", server.url(), "-q"},
                    &out);
    if (rc != 0) {
      *error = std::string("tillpipe ingest ") + table + " failed: " + out;
      return false;
    }
  }
  if (server.Stop() != 0) {
    *error = "tillpipe serve did not stop cleanly: " + server.log();
    return false;
  }
  std::error_code ec;
  fs::remove_all(sim, ec);
  return true;
}

// The data directory, shared by the test processes of one build (ctest runs
// each .test file in its own process, and the final flush of ~1,000 day
// partitions costs seconds on a busy disk): made once under a lock in
// BUILD_DIR/sql-logic-test-data/KEY, where KEY changes with the tillpipe
// binary, the config and the simulator's arguments. SLT_FRESH_DATA=1 makes
// a private one instead.
bool PrepareData(Fixture* f) {
  if (EnvFlag("SLT_FRESH_DATA")) {
    std::string error;
    if (!SimulateInto(f->tmp.path(), &error)) {
      f->error = error;
      return false;
    }
    f->data_dir = f->tmp.path() / "srv" / "data";
    return true;
  }
  std::error_code ec;
  const fs::path binary(TILLPIPE_BINARY);
  const fs::path root = binary.parent_path() / "sql-logic-test-data";
  fs::create_directories(root, ec);
  std::string identity = std::to_string(fs::file_size(binary, ec)) + "/" +
                         std::to_string(fs::last_write_time(binary, ec).time_since_epoch().count()) +
                         "/" + ConfigText();
  for (const auto& a : SimulateArgs()) identity += "/" + a;
  char key[32];
  std::snprintf(key, sizeof key, "%016zx", std::hash<std::string>{}(identity));
  const fs::path dir = root / key;

  const int lock = ::open((root / "lock").c_str(), O_CREAT | O_RDWR, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    f->error = "cannot lock " + (root / "lock").string();
    if (lock >= 0) ::close(lock);
    return false;
  }
  bool ok = true;
  if (!fs::exists(dir / "complete")) {
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (e.is_directory()) fs::remove_all(e.path(), ec);  // other binaries' data
    }
    std::string error;
    ok = SimulateInto(dir, &error);
    if (ok) {
      WriteFile(dir / "complete", "");
    } else {
      f->error = error;
    }
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  f->data_dir = dir / "srv" / "data";
  return ok;
}

Fixture* GetFixture() {
  // Destroyed at exit, which removes the temporary directory.
  static std::unique_ptr<Fixture> fixture = [] {
    auto f = std::make_unique<Fixture>();
    std::string dir = Env("SLT_DATA_DIR");
    if (!dir.empty()) {
      f->data_dir = dir;
    } else {
      const auto start = std::chrono::steady_clock::now();
      if (!PrepareData(f.get())) return f;
      std::cout << "[ sql ] data in " << f->data_dir.string() << " ready in "
                << static_cast<int>(std::chrono::duration<double, std::milli>(
                                        std::chrono::steady_clock::now() - start)
                                        .count())
                << " ms\n";
    }
    if (EnvFlag("SLT_DUCKDB_ONLY")) return f;
    auto catalog = storage::Catalog::Open(f->data_dir / "catalog.sqlite");
    if (!catalog.ok()) {
      f->error = "cannot open the catalog: " + catalog.status().ToString();
      return f;
    }
    f->catalog = std::move(*catalog);
    sql::EngineOptions options;
    options.data_dir = f->data_dir;
    options.timezone = kTimeZone;
    options.catalog = f->catalog.get();
    options.threads = 2;
    options.spill_dir = f->tmp.path() / "spill";
    auto engine = sql::QueryEngine::Open(std::move(options));
    if (!engine.ok()) {
      f->error = "cannot open the engine: " + engine.status().ToString();
      return f;
    }
    f->engine = std::move(*engine);
    return f;
  }();
  return fixture.get();
}

// ---- canonical values ----------------------------------------------------

// A result as both sides are compared: column names, type names and each
// value's canonical string (nullopt = NULL); see duckdb_batch.mjs.
using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;
struct Answer {
  std::vector<std::string> names;
  std::vector<std::string> types;
  std::vector<Row> rows;
  std::optional<std::string> error;
  uint64_t files_scanned = 0;
  uint64_t spilled_bytes = 0;
};

Cell Canonical(const sql::Value& v) { return tp::testing::CanonicalValue(v); }

Answer OurAnswer(sql::QueryEngine& engine, const Case& c) {
  Answer a;
  sql::QueryError err;
  sql::QueryOptions options;
  if (c.spill) {
    sql::QueryLimits limits;
    // SLT_SPILL_SCALE moves every spill=N limit, to check a case's margin:
    // it should still answer well below N and still spill well above it.
    const std::string scale = Env("SLT_SPILL_SCALE");
    limits.memory_bytes = static_cast<uint64_t>(static_cast<double>(*c.spill) *
                                                (scale.empty() ? 1.0 : std::stod(scale)));
    options.limits = limits;
  }
  auto r = engine.Query(c.sql, options, &err);
  if (!r.ok()) {
    std::string msg = err.message.empty() ? r.status().ToString() : err.message;
    if (err.position) {
      msg += " [at character " + std::to_string(sql::CharacterPosition(c.sql, *err.position)) + "]";
    }
    a.error = msg;
    return a;
  }
  a.files_scanned = r->stats.files_scanned;
  a.spilled_bytes = r->stats.spilled_bytes;
  for (const auto& col : r->columns) {
    a.names.push_back(col.name);
    a.types.push_back(col.type.ToString());
  }
  for (const auto& chunk : r->chunks) {
    for (size_t i = 0; i < chunk.size; ++i) {
      Row row;
      for (const auto& vec : chunk.columns) row.push_back(Canonical(vec.GetValue(i)));
      a.rows.push_back(std::move(row));
    }
  }
  return a;
}

Answer DuckAnswer(const json& j) {
  Answer a;
  if (j.contains("error")) {
    a.error = j["error"].get<std::string>();
    return a;
  }
  for (const auto& n : j["columns"]) a.names.push_back(n.get<std::string>());
  for (const auto& t : j["types"]) a.types.push_back(t.get<std::string>());
  for (const auto& r : j["rows"]) {
    Row row;
    for (const auto& v : r) {
      if (v.is_null()) {
        row.push_back(std::nullopt);
      } else {
        row.push_back(v.get<std::string>());
      }
    }
    a.rows.push_back(std::move(row));
  }
  return a;
}

// Runs every case of `files` in one DuckDB process (its start and loading
// the tables cost more than most queries); one answer per case, in order.
std::vector<json> RunDuckDb(const Fixture& f, const std::vector<TestFile>& files,
                            std::string* error) {
  json batch;
  batch["setup"] = json::array({std::string("SET TimeZone = '") + kTimeZone + "'"});
  std::string all_sql;
  size_t cases = 0;
  for (const auto& file : files) {
    for (const auto& c : file.cases) all_sql += " " + c.sql + " ";
    cases += file.cases.size();
  }
  for (char& ch : all_sql) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* table : kTables) {
    const fs::path dir = f.data_dir / "tables" / table;
    // Tables the cases use are loaded once (DuckDB reads the Parquet files
    // once, not per query: a table with ~700 day files costs 0.2 s a scan);
    // the others stay lazy views.
    const bool used = std::regex_search(all_sql, std::regex(std::string("\\b") + table + "\\b"));
    std::string view = std::string(used ? "CREATE TABLE " : "CREATE VIEW ") + table + " AS SELECT * FROM ";
    if (fs::exists(dir)) {
      view += "read_parquet('" + (dir / "*" / "*.parquet").string() +
              "', union_by_name = true, hive_partitioning = false)";
    } else {
      view += "(SELECT 1 AS no_data) WHERE false";
    }
    batch["setup"].push_back(view);
  }
  batch["queries"] = json::array();
  for (const auto& file : files) {
    for (const auto& c : file.cases) batch["queries"].push_back(c.sql);
  }
  static int batches = 0;
  const fs::path batch_path = f.tmp.path() / ("duckdb-" + std::to_string(++batches) + ".json");
  WriteFile(batch_path, batch.dump());
  const std::string cmd = "node " +
                          ShellQuote(std::string(TILLPIPE_SOURCE_DIR) +
                                     "/tests/interop/duckdb_batch.mjs") +
                          " " + ShellQuote(batch_path.string()) + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *error = "cannot run node";
    return {};
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  std::vector<json> answers;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      *error = "DuckDB printed something that is not JSON: " + out.substr(0, 2000);
      return {};
    }
    answers.push_back(std::move(j));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answers.size() != cases) {
    *error = "duckdb_batch.mjs failed (is tests/interop/node_modules installed?): " +
             out.substr(0, 4000);
    return {};
  }
  return answers;
}

// A test file with only the cases SLT_ONLY selects.
TestFile LoadTestFile(const std::string& path) {
  TestFile file = ReadTestFile(path);
  const std::string only = Env("SLT_ONLY");
  if (!only.empty()) {
    std::erase_if(file.cases, [&](const Case& c) {
      return c.where.find(only) == std::string::npos && c.sql.find(only) == std::string::npos;
    });
  }
  return file;
}

// DuckDB's answers for every file this process will test (one DuckDB run
// for all of them, at the first test), by file path.
struct DuckResults {
  std::map<std::string, std::vector<json>> answers;
  std::string error;
  double ms = 0;
};

const DuckResults& DuckDbAnswers(const Fixture& f) {
  static DuckResults* results = [&f] {
    auto* r = new DuckResults();
    std::map<std::string, std::string> by_stem;
    for (const auto& path : TestFilePaths()) by_stem[fs::path(path).stem().string()] = path;
    std::vector<TestFile> files;
    const auto* unit = ::testing::UnitTest::GetInstance();
    for (int i = 0; i < unit->total_test_suite_count(); ++i) {
      const auto* suite = unit->GetTestSuite(i);
      if (std::string(suite->name()).find("SqlLogicTest") == std::string::npos) continue;
      for (int j = 0; j < suite->total_test_count(); ++j) {
        const auto* info = suite->GetTestInfo(j);
        if (!info->should_run()) continue;
        for (const auto& [stem, path] : by_stem) {
          std::string name = stem;
          for (char& ch : name) {
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
          }
          if (std::string(info->name()) == "File/" + name) files.push_back(LoadTestFile(path));
        }
      }
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<json> all = RunDuckDb(f, files, &r->error);
    r->ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
    if (!r->error.empty()) return r;
    size_t next = 0;
    for (const auto& file : files) {
      auto& answers = r->answers[file.path.string()];
      for (size_t i = 0; i < file.cases.size(); ++i) answers.push_back(std::move(all[next++]));
    }
    std::cout << "[ sql ] DuckDB answered " << all.size() << " cases of " << files.size()
              << " files in " << static_cast<int>(r->ms) << " ms\n";
    return r;
  }();
  return *results;
}

// ---- comparison ------------------------------------------------------------

std::string NormalizeType(std::string t) {
  if (t == "HUGEINT") return "BIGINT";
  if (t == "FLOAT") return "DOUBLE";
  return t;
}

bool IsDoubleType(const std::string& t) { return t == "DOUBLE" || t == "FLOAT"; }

std::optional<double> ParseNumber(const std::string& s) {
  if (s == "nan") return std::nan("");
  if (s == "inf") return HUGE_VAL;
  if (s == "-inf") return -HUGE_VAL;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return d;
}

bool CellsEqual(const Cell& a, const Cell& b, bool numeric, double tolerance) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  if (!numeric) return false;
  auto x = ParseNumber(*a), y = ParseNumber(*b);
  if (!x || !y) return false;
  if (std::isnan(*x) || std::isnan(*y)) return std::isnan(*x) && std::isnan(*y);
  if (std::isinf(*x) || std::isinf(*y)) return *x == *y;
  double scale = std::max(std::fabs(*x), std::fabs(*y));
  return std::fabs(*x - *y) <= tolerance * scale || std::fabs(*x - *y) < 1e-300;
}

std::string CellText(const Cell& c) { return c ? json(*c).dump() : "NULL"; }
std::string RowText(const Row& r) {
  std::string out = "[";
  for (size_t i = 0; i < r.size(); ++i) out += (i ? ", " : "") + CellText(r[i]);
  return out + "]";
}

bool IsPlainIdentifier(const std::string& s) {
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
           ch == '_';
  });
}

// True when the statement itself (not a subquery, CTE or window) has an
// ORDER BY: the words ORDER BY outside any parentheses, strings and comments.
bool HasTopLevelOrderBy(const std::string& text) {
  int depth = 0;
  std::string previous;
  for (size_t i = 0; i < text.size();) {
    const char ch = text[i];
    if (ch == '\'' || ch == '"') {
      size_t end = i + 1;
      while (end < text.size()) {
        if (text[end] == ch) {
          if (end + 1 < text.size() && text[end + 1] == ch) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      i = end + 1;
      previous.clear();
    } else if (ch == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (ch == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      i = end == std::string::npos ? text.size() : end + 2;
    } else if (ch == '(' || ch == ')') {
      depth += ch == '(' ? 1 : -1;
      previous.clear();
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') {
      size_t end = i;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
        ++end;
      }
      std::string word = text.substr(i, end - i);
      for (char& w : word) w = static_cast<char>(std::tolower(static_cast<unsigned char>(w)));
      if (depth == 0 && previous == "order" && word == "by") return true;
      previous = word;
      i = end;
    } else {
      if (!std::isspace(static_cast<unsigned char>(ch))) previous.clear();
      ++i;
    }
  }
  return false;
}

// Empty when the answers agree, else what differs.
std::string Compare(const Case& c, const Answer& ours, const Answer& duck, bool check_types) {
  std::ostringstream diff;
  const size_t max_diff = Env("SLT_MAX_DIFF").empty() ? 8 : std::stoul(Env("SLT_MAX_DIFF"));
  if (ours.names.size() != duck.names.size()) {
    diff << "columns: " << ours.names.size() << " here, " << duck.names.size() << " in DuckDB\n";
    diff << "  here:   " << json(ours.names).dump() << "\n";
    diff << "  DuckDB: " << json(duck.names).dump() << "\n";
    return diff.str();
  }
  const size_t ncol = ours.names.size();
  std::vector<bool> numeric(ncol);
  for (size_t i = 0; i < ncol; ++i) {
    const std::string ot = NormalizeType(ours.types[i]), dt = NormalizeType(duck.types[i]);
    numeric[i] = IsDoubleType(ot) || IsDoubleType(dt) || ot != dt || c.tolerance_set;
    if (check_types && c.check_types && ot != dt && ot != "\"NULL\"") {
      diff << "column " << i + 1 << " (" << duck.names[i] << "): type " << ours.types[i]
           << " here, " << duck.types[i] << " in DuckDB\n";
    }
    if (c.check_names && IsPlainIdentifier(duck.names[i]) && ours.names[i] != duck.names[i]) {
      diff << "column " << i + 1 << ": named \"" << ours.names[i] << "\" here, \"" << duck.names[i]
           << "\" in DuckDB\n";
    }
  }
  std::vector<Row> a = ours.rows, b = duck.rows;
  const bool ordered = c.ordered || (!c.rowsort && HasTopLevelOrderBy(c.sql));
  if (!ordered) {
    auto less = [&](const Row& x, const Row& y) {
      for (size_t i = 0; i < ncol; ++i) {
        const Cell& p = x[i];
        const Cell& q = y[i];
        if (!p || !q) {
          if (!p && !q) continue;
          return !p;
        }
        if (numeric[i]) {
          auto u = ParseNumber(*p), v = ParseNumber(*q);
          if (u && v && !std::isnan(*u) && !std::isnan(*v)) {
            if (*u != *v) return *u < *v;
            continue;
          }
        }
        if (*p != *q) return *p < *q;
      }
      return false;
    };
    std::sort(a.begin(), a.end(), less);
    std::sort(b.begin(), b.end(), less);
  }
  std::ostringstream rows;
  size_t shown = 0, differing = 0;
  for (size_t r = 0; r < std::max(a.size(), b.size()); ++r) {
    bool same = r < a.size() && r < b.size();
    if (same) {
      for (size_t i = 0; i < ncol && same; ++i) {
        same = CellsEqual(a[r][i], b[r][i], numeric[i], c.tolerance);
      }
    }
    if (same) continue;
    ++differing;
    if (shown++ < max_diff) {
      rows << "  row " << r + 1 << (ordered ? "" : " (sorted)") << ":\n";
      rows << "    here:   " << (r < a.size() ? RowText(a[r]) : "(none)") << "\n";
      rows << "    DuckDB: " << (r < b.size() ? RowText(b[r]) : "(none)") << "\n";
    }
  }
  if (differing > 0) {
    diff << differing << " differing rows of " << a.size() << " here and " << b.size()
         << " in DuckDB" << (ordered ? " (in order)" : " (as sorted multisets)") << "; columns "
         << json(duck.names).dump() << " " << json(duck.types).dump() << "\n"
         << rows.str();
  }
  return diff.str();
}

std::string Indent(const std::string& text) {
  std::string out = "    ";
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += "    ";
  }
  return out;
}

// ---- per-file results and the summary ---------------------------------------

struct FileResult {
  size_t passed = 0, failed = 0;
  std::vector<std::string> failures;  // "where: first line of the reason"
};

std::mutex results_mu;
std::map<std::string, FileResult>& Results() {
  static std::map<std::string, FileResult> results;
  return results;
}

class SummaryEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(results_mu);
    if (Results().empty()) return;
    size_t passed = 0, failed = 0;
    std::cout << "\n==== SQL logic tests ("
              << (EnvFlag("SLT_DUCKDB_ONLY") ? "DuckDB only" : "engine vs DuckDB") << ") ====\n";
    for (const auto& [name, r] : Results()) {
      std::cout << "  " << name << ": " << r.passed << " passed, " << r.failed << " failed\n";
      for (const auto& f : r.failures) std::cout << "      " << f << "\n";
      passed += r.passed;
      failed += r.failed;
    }
    std::cout << "  total: " << passed << " passed, " << failed << " failed\n";
  }
};
[[maybe_unused]] const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new SummaryEnvironment);

std::string FirstLine(const std::string& s) {
  size_t nl = s.find('\n');
  std::string line = nl == std::string::npos ? s : s.substr(0, nl);
  return line.size() > 160 ? line.substr(0, 157) + "..." : line;
}

// ---- the test ------------------------------------------------------------------

class SqlLogicTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlLogicTest, File) {
  TestFile file = LoadTestFile(GetParam());
  for (const auto& p : file.problems) ADD_FAILURE() << p;
  if (file.cases.empty()) {
    if (!Env("SLT_ONLY").empty()) GTEST_SKIP() << "no case matches SLT_ONLY=" << Env("SLT_ONLY");
    FAIL() << GetParam() << " has no cases";
  }
  Fixture* f = GetFixture();
  ASSERT_TRUE(f->error.empty()) << f->error;
  const bool duck_only = EnvFlag("SLT_DUCKDB_ONLY");
  const bool verbose = EnvFlag("SLT_VERBOSE");
  const bool check_types = !EnvFlag("SLT_IGNORE_TYPES");

  const DuckResults& duck_results = DuckDbAnswers(*f);
  ASSERT_TRUE(duck_results.error.empty()) << duck_results.error;
  auto found = duck_results.answers.find(file.path.string());
  ASSERT_TRUE(found != duck_results.answers.end()) << "DuckDB did not run " << GetParam();
  const std::vector<json>& duck = found->second;
  ASSERT_EQ(duck.size(), file.cases.size());
  double ours_ms = 0;

  FileResult result;
  for (size_t i = 0; i < file.cases.size(); ++i) {
    const Case& c = file.cases[i];
    const Answer d = DuckAnswer(duck[i]);
    std::string problem;
    if (c.kind == CaseKind::kQuery) {
      if (d.error) {
        problem = "DuckDB cannot run this query (fix the test): " + *d.error;
      } else if (!duck_only) {
        const auto start = std::chrono::steady_clock::now();
        const Answer ours = OurAnswer(*f->engine, c);
        const double ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - start)
                              .count();
        ours_ms += ms;
        if (ours.error) {
          problem = "our engine failed: " + *ours.error;
        } else {
          problem = Compare(c, ours, d, check_types);
          if (problem.empty() && c.max_files && ours.files_scanned > *c.max_files) {
            problem = "read " + std::to_string(ours.files_scanned) + " files; max_files=" +
                      std::to_string(*c.max_files) + " (partition pruning did not happen)";
          }
          if (problem.empty() && c.spill && ours.spilled_bytes == 0) {
            problem = "did not spill with spill=" + std::to_string(*c.spill);
          }
        }
        if (verbose) {
          std::cout << c.where << ": " << ours.rows.size() << " rows here (" << ms << " ms), "
                    << d.rows.size() << " in DuckDB" << (problem.empty() ? "" : " MISMATCH")
                    << "\n";
        }
      } else if (verbose) {
        std::cout << c.where << ": " << d.rows.size() << " rows in DuckDB\n";
      }
    } else {
      if (c.kind == CaseKind::kError && !d.error) {
        problem = "DuckDB runs this query without an error (fix the test: error cases must be "
                  "errors in DuckDB too; use `unsupported` for what only we reject)";
      } else if (!duck_only) {
        sql::QueryError err;
        auto r = f->engine->Query(c.sql, {}, &err);
        if (r.ok()) {
          problem = "expected an error containing \"" + c.error_text + "\", but the query ran (" +
                    std::to_string(r->rows) + " rows)";
        } else {
          const std::string msg = err.message.empty() ? r.status().message() : err.message;
          if (msg.find(c.error_text) == std::string::npos) {
            problem = "expected an error containing \"" + c.error_text + "\"\n  got: " + msg;
          }
          if (c.error_position) {
            if (!err.position) {
              problem += (problem.empty() ? "" : "\n") + std::string("expected position ") +
                         std::to_string(*c.error_position) + ", got none (message: " + msg + ")";
            } else if (size_t got = sql::CharacterPosition(c.sql, *err.position);
                       got != *c.error_position) {
              problem += (problem.empty() ? "" : "\n") + std::string("expected position ") +
                         std::to_string(*c.error_position) + ", got " + std::to_string(got) +
                         " (message: " + msg + ")";
            }
          }
          if (verbose) std::cout << c.where << ": error " << msg << "\n";
        }
      }
      if (duck_only && verbose && d.error) std::cout << c.where << ": DuckDB: " << *d.error << "\n";
    }
    if (problem.empty()) {
      ++result.passed;
    } else {
      ++result.failed;
      result.failures.push_back(c.where + ": " + FirstLine(problem));
      ADD_FAILURE() << c.where << "\n" << Indent(c.sql) << "\n" << problem;
    }
  }
  std::cout << "[ sql ] " << file.path.filename().string() << ": " << result.passed << " passed, "
            << result.failed << " failed (engine " << static_cast<int>(ours_ms) << " ms)\n";
  std::lock_guard<std::mutex> lock(results_mu);
  Results()[file.path.filename().string()] = std::move(result);
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlLogicTest, ::testing::ValuesIn(TestFilePaths()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SqlLogicTest);

}  // namespace
}  // namespace tp::testing
