// Backup benchmark: `tillpipe backup` / `restore` and the server's
// GET /api/v1/backup side by side with what an admin would otherwise do
// (tar + zstd of the data directory; DuckDB's EXPORT/IMPORT DATABASE; zstd of
// a DuckDB database file), in one run on the same data.
//
//   backup_bench [--dataset DIR] [--work DIR] [--keep] [--runs 3] [--out FILE|-]
//
// --dataset is a directory query_bench made (default
// build/query-bench/items1000000_days365_seed1_end20261115/): its
// server/data is a stopped tillpipe data directory, native.duckdb DuckDB's
// own database of the same records. Nothing in it is written: tillpipe
// backup of a stopped directory takes its lock shared and only reads, DuckDB
// opens the database read-only, and servers run only on restored copies. A
// data directory whose catalog is of an older format than this tillpipe's
// (a backup refuses those: a server migrates them on start) is first copied
// into the work directory (`cp -a`, timed as one more peer) and the copy's
// catalog migrated in this process (Catalog::Open; nothing else changes); the
// tillpipe and tar steps then run on the copy.
//
// Every step is one child process (fork/exec, no shell), run --runs times
// (default 3; the table shows the run with the median wall time, and the
// range), each timed from fork to exit: wall time, user+sys CPU and peak RSS
// from wait4's rusage (for tar, the largest of tar and the zstd it runs), and
// the bytes it read and wrote through system calls from /proc/PID/io (read
// while it is a zombie, before it is reaped). The server's download is
// measured on the server process: CPU from /proc/PID/stat before and after,
// VmHWM reset through /proc/PID/clear_refs before it, and its /proc/PID/io. Before each run its
// input is read once (a warm page cache: some machines reclaim page cache
// that sat idle for a minute, e.g. DAMON's pageout, so warming once at the
// start is not enough; /proc/PID/io read_bytes shows what still came from
// the disk) and `sync` runs, so no step pays for another's writeback.
//
// Checks (the run fails when one does not hold): every archive verifies,
// the restored directory passes (restore runs tillpipe check) and has the
// same row counts per table as the source (before and after a server ran on
// it), the DuckDB import has the load's row counts, the tar and zstd round
// trips give back the same bytes, and the data set is unchanged (every
// file's path, size, mtime and link count compared before and after).
//
// Prints a markdown table and appends it to bench/results/backup.md (--out).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/process_setup.h"
#include "app/simulator.h"
#include "bench/bench_util.h"
#include "storage/catalog.h"
#include "tests/integration/server_process.h"

namespace {

namespace fs = std::filesystem;
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

struct Options {
  fs::path dataset;
  fs::path work;
  bool keep = false;
  int runs = 3;
  std::string out = "bench/results/backup.md";
};

Options g_options;
tp::testing::ServerProcess* g_server = nullptr;  // killed by Die()

[[noreturn]] void Die(const std::string& msg) {
  std::cerr << "backup_bench: " << msg << "\n";
  if (g_server != nullptr) g_server->Kill();
  if (!g_options.work.empty()) {
    if (g_options.keep) {
      std::cerr << "backup_bench: scratch left in " << g_options.work.string() << "\n";
    } else {
      std::error_code ec;
      fs::remove_all(g_options.work, ec);
    }
  }
  std::exit(1);
}

void Say(const std::string& msg) { std::cerr << "backup_bench: " << msg << "\n"; }

std::string Secs(double s) { return Fixed(s, s < 10 ? 2 : s < 100 ? 1 : 0); }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

uint64_t FileCount(const fs::path& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) ++n;
  }
  return n;
}

// ---- /proc of another process ----------------------------------------------------

uint64_t ProcStatusBytes(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':') {
      return std::stoull(line.substr(n + 1)) * 1024;
    }
  }
  return 0;
}

void ResetPeakRss(pid_t pid) {
  std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
  f << "5";
}

// user + sys CPU seconds of a running process (all its threads).
double ProcCpuSeconds(pid_t pid) {
  std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  // After "pid (comm) ": state is field 3; utime and stime are 14 and 15.
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Io {
  uint64_t rchar = 0, wchar = 0, read_bytes = 0, write_bytes = 0;
};

Io ProcIo(pid_t pid) {
  Io io;
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "rchar:") io.rchar = value;
    else if (key == "wchar:") io.wchar = value;
    else if (key == "read_bytes:") io.read_bytes = value;
    else if (key == "write_bytes:") io.write_bytes = value;
  }
  return io;
}

// ---- measured child processes ----------------------------------------------------

struct Proc {
  int rc = -1;
  double wall_s = 0, cpu_s = 0, user_s = 0, sys_s = 0;
  uint64_t peak_rss = 0;
  Io io;
};

// Runs argv (PATH lookup, no shell) with stdout to `out` and stderr to `err`
// (truncated; /dev/null when empty) and measures it.
Proc Measure(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
  const auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    int fo = ::open(out.empty() ? "/dev/null" : out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = ::open(err.empty() ? "/dev/null" : err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fi = ::open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0) _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  // Wait for the exit without reaping, so /proc/PID/io is still there (it
  // includes what the children the process reaped did).
  siginfo_t info{};
  while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) != 0) {
    if (errno != EINTR) Die("waitid failed");
  }
  Proc p;
  p.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  p.io = ProcIo(pid);
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) Die("wait4 failed");
  p.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  p.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  p.sys_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  p.cpu_s = p.user_s + p.sys_s;
  p.peak_rss = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
  return p;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a.find_first_of(" '\"$") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

// Runs argv (unmeasured) and returns its standard output; dies when it fails.
std::string Capture(const std::vector<std::string>& argv, const std::string& what) {
  const fs::path out = g_options.work / "capture.out", err = g_options.work / "capture.err";
  Proc p = Measure(argv, out, err);
  std::string text = Slurp(out);
  if (p.rc != 0) Die(what + " failed (exit " + std::to_string(p.rc) + "): " + CommandLine(argv) + "\n" + Slurp(err));
  return text;
}

// Reads every file under `p` (or the file) once, so the runs start from a
// warm page cache.
void WarmCache(const fs::path& p) {
  std::vector<char> buf(1 << 20);
  auto read_file = [&](const fs::path& f) {
    int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    while (::read(fd, buf.data(), buf.size()) > 0) {
    }
    ::close(fd);
  };
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return read_file(p);
  for (auto& e : fs::recursive_directory_iterator(p, ec)) {
    if (e.is_regular_file(ec)) read_file(e.path());
  }
}

// path -> "size mtime_ns nlink" of every entry under `dir` (and `dir`).
std::map<std::string, std::string> Listing(const fs::path& root) {
  std::map<std::string, std::string> out;
  auto add = [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return;
    out[p.string()] = std::to_string(st.st_size) + " " +
                      std::to_string(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec) + " " +
                      std::to_string(st.st_nlink);
  };
  add(root);
  std::error_code ec;
  if (fs::is_directory(root, ec)) {
    for (auto& e : fs::recursive_directory_iterator(root, ec)) add(e.path());
  }
  return out;
}

// ---- the data set ------------------------------------------------------------------

// PRAGMA user_version of a SQLite file, from its header (bytes 60..63,
// big-endian), without opening it.
int SqliteUserVersion(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char h[64] = {};
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return -1;
  return static_cast<int>((uint32_t{h[60]} << 24) | (uint32_t{h[61]} << 16) | (uint32_t{h[62]} << 8) | h[63]);
}

// The config query_bench gives its server (query_bench.cpp ServerConfig()):
// the embedded default with a 1-minute log retention, interval fsync and
// compaction every 2 s.
std::string ServerConfig() {
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

using Counts = std::map<std::string, uint64_t>;

std::string CountSql() {
  std::string sql;
  for (auto table : tp::app::kSimulatorTables) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT '" + std::string(table) + "' AS t, count(*) AS n FROM " + std::string(table);
  }
  return sql;
}

// Row counts per table of a stopped data directory (`tillpipe query --data-dir`).
Counts TillpipeCounts(const fs::path& data_dir) {
  std::string csv = Capture({TILLPIPE_BINARY, "query", "--data-dir", data_dir.string(), "--format", "csv", CountSql()},
                            "counting rows in " + data_dir.string());
  Counts c;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    size_t comma = line.find(',');
    if (comma == std::string::npos) continue;
    c[line.substr(0, comma)] = std::stoull(line.substr(comma + 1));
  }
  return c;
}

std::string ShowCounts(const Counts& c) {
  std::string s;
  for (auto& [t, n] : c) s += (s.empty() ? "" : ", ") + t + " " + std::to_string(n);
  return s;
}

struct Archive {
  uint64_t files = 0, bytes = 0;  // as `restore --verify-only` counted them
};

// ---- the report ----------------------------------------------------------------------

struct Row {
  std::string step;     // what it is, for the table
  std::string command;  // as run
  double wall_s = 0, cpu_s = 0;  // of the run with the median wall time
  std::optional<double> user_s, sys_s;  // when known
  double min_wall_s = 0, max_wall_s = 0;
  int runs = 1;
  uint64_t peak_rss = 0;
  uint64_t in = 0, out = 0;  // bytes: what it took and what it made
  uint64_t data = 0;         // the uncompressed side, for MB/s
  Io io;
  bool peer = false;
};

// One step run n times; the run with the median wall time stands for it.
struct Runs {
  std::vector<Proc> procs;
  std::vector<std::string> outs, errs;  // each run's stdout and stderr
  size_t median = 0;
  const Proc& Median() const { return procs[median]; }
  const std::string& MedianOut() const { return outs[median]; }
};

size_t MedianIndex(const std::vector<double>& walls) {
  std::vector<size_t> idx(walls.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return walls[a] < walls[b]; });
  return idx[idx.size() / 2];
}

// Runs argv n times: `before` (removing what the last run made), reading
// `inputs` into the page cache, sync, the measured run, then `after`. Dies
// when a run fails.
Runs MeasureRuns(int n, const std::vector<std::string>& argv, const std::string& what,
                 const std::vector<fs::path>& inputs, const std::function<void()>& before = {},
                 const std::function<void()>& after = {}) {
  Runs r;
  const fs::path out = g_options.work / "step.out", err = g_options.work / "step.err";
  std::vector<double> walls;
  for (int i = 0; i < n; ++i) {
    if (before) before();
    for (const auto& in : inputs) WarmCache(in);
    ::sync();
    Say(what + (n > 1 ? " (run " + std::to_string(i + 1) + " of " + std::to_string(n) + ")" : ""));
    Proc p = Measure(argv, out, err);
    if (p.rc != 0) {
      Die(what + " failed (exit " + std::to_string(p.rc) + "): " + CommandLine(argv) + "\n" + Slurp(err) + Slurp(out));
    }
    r.procs.push_back(p);
    r.outs.push_back(Slurp(out));
    r.errs.push_back(Slurp(err));
    walls.push_back(p.wall_s);
    if (after) after();
  }
  r.median = MedianIndex(walls);
  return r;
}

Row FromRuns(std::string step, const std::vector<std::string>& argv, const Runs& runs) {
  Row r;
  r.step = std::move(step);
  r.command = CommandLine(argv);
  const Proc& p = runs.Median();
  r.wall_s = p.wall_s;
  r.cpu_s = p.cpu_s;
  r.user_s = p.user_s;
  r.sys_s = p.sys_s;
  r.peak_rss = p.peak_rss;
  r.io = p.io;
  r.runs = static_cast<int>(runs.procs.size());
  r.min_wall_s = r.max_wall_s = p.wall_s;
  for (const Proc& q : runs.procs) {
    r.min_wall_s = std::min(r.min_wall_s, q.wall_s);
    r.max_wall_s = std::max(r.max_wall_s, q.wall_s);
  }
  return r;
}

// Shortens absolute paths of the work directory and data set in a command.
std::string ShortPaths(std::string s, const std::vector<std::pair<std::string, std::string>>& names) {
  for (const auto& [from, to] : names) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  o.dataset = fs::path(TILLPIPE_SOURCE_DIR) / "build" / "query-bench" / "items1000000_days365_seed1_end20261115";
  o.work = fs::path(TILLPIPE_SOURCE_DIR) / "build" / "backup-bench";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--dataset") o.dataset = value();
    else if (a == "--work") o.work = value();
    else if (a == "--keep") o.keep = true;
    else if (a == "--runs") o.runs = std::stoi(value());
    else if (a == "--out") o.out = value();
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: backup_bench [--dataset DIR] [--work DIR] [--keep] [--runs 3] [--out FILE|-]\n"
                   "  --dataset  a query_bench data set (server/data, native.duckdb; default\n"
                   "             build/query-bench/items1000000_days365_seed1_end20261115)\n"
                   "  --work     scratch space (default build/backup-bench; removed at the end unless --keep)\n"
                   "  --runs     runs of each step; the table shows the median run and the range\n"
                   "  --out      markdown appended here (default bench/results/backup.md; - prints only)\n";
      std::exit(0);
    } else {
      Die("unknown option " + a + " (see --help)");
    }
  }
  if (o.runs <= 0) Die("--runs must be positive");
  o.dataset = fs::absolute(o.dataset).lexically_normal();
  o.work = fs::absolute(o.work).lexically_normal();
  if (o.out != "-" && fs::path(o.out).is_relative()) o.out = (fs::path(TILLPIPE_SOURCE_DIR) / o.out).string();
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  tp::app::ConfigureProcess();
  const auto bench_start = Clock::now();
  Options o = ParseArgs(argc, argv);
  g_options.out = o.out;  // no work dir to clean up until it is ours

  const fs::path source_data = o.dataset / "server" / "data";
  const fs::path native = o.dataset / "native.duckdb";
  const std::string bin = TILLPIPE_BINARY;
  const int n = o.runs;
  if (!fs::exists(bin)) Die(bin + " is missing: build the tillpipe target too");
  if (!fs::exists(source_data / "catalog.sqlite")) {
    Die(source_data.string() + " is not a tillpipe data directory (make it with query_bench --prepare-only)");
  }
  if (!fs::exists(native)) Die(native.string() + " is missing");
  for (const char* tool : {"zstd", "tar", "curl", "node", "cmp"}) {
    if (std::system(("command -v " + std::string(tool) + " >/dev/null").c_str()) != 0) {
      Die(std::string("needs the ") + tool + " command");
    }
  }
  {
    // The work directory: ours alone (absent, empty, or made by this bench).
    std::error_code ec;
    if (fs::exists(o.work, ec)) {
      if (!fs::is_empty(o.work, ec) && !fs::exists(o.work / ".backup-bench")) {
        Die(o.work.string() + " exists and is not a backup_bench work directory; name another with --work");
      }
      fs::remove_all(o.work, ec);
    }
    fs::create_directories(o.work);
    std::ofstream(o.work / ".backup-bench") << "scratch of bench/backup_bench.cpp\n";
  }
  g_options = o;
  const fs::path W = o.work;
  std::error_code ec;

  const auto dataset_before = Listing(o.dataset / "server");
  const auto native_before = Listing(native);
  json load = json::parse(Slurp(o.dataset / "duckdb-load.json"), nullptr, false);
  Counts duck_load;
  if (load.is_object() && load.contains("tables")) {
    for (auto& [name, t] : load["tables"].items()) duck_load[name] = t.value("rows", uint64_t{0});
  }

  std::vector<Row> rows;
  std::vector<std::string> notes;

  // ---- 0. the source directory ------------------------------------------------------
  fs::path data = source_data;
  const int catalog_format = SqliteUserVersion(source_data / "catalog.sqlite");
  if (catalog_format < tp::storage::Catalog::kFormatVersion) {
    Say("the data set's catalog is format " + std::to_string(catalog_format) + ", this tillpipe's " +
        std::to_string(tp::storage::Catalog::kFormatVersion) + ": copying it and migrating the copy");
    data = W / "source";
    std::vector<std::string> cp = {"cp", "-a", source_data.string(), data.string()};
    Runs runs = MeasureRuns(n, cp, "cp -a", {source_data}, [&] { fs::remove_all(data, ec); });
    Row r = FromRuns("`cp -a` (uncompressed copy, no fsync)", cp, runs);
    r.in = DirBytes(source_data);
    r.out = r.data = DirBytes(data);
    r.peer = true;
    rows.push_back(r);
    auto t0 = Clock::now();
    {
      auto lock = tp::app::DataDirLock::Acquire(data);
      if (!lock.ok()) Die(lock.status().message());
      auto catalog = tp::storage::Catalog::Open(data / "catalog.sqlite");
      if (!catalog.ok()) Die("migrating the copy's catalog: " + catalog.status().message());
    }
    notes.push_back("The data set's catalog is format " + std::to_string(catalog_format) + " and this tillpipe's " +
                    std::to_string(tp::storage::Catalog::kFormatVersion) +
                    " (`tillpipe backup` and `query --data-dir` refuse it until a server migrated it), so the "
                    "data set was copied (`cp -a`, a row below) and the copy's catalog migrated in the bench "
                    "process (Catalog::Open, " + Secs(std::chrono::duration<double>(Clock::now() - t0).count()) +
                    " s); the tillpipe and tar rows ran on that copy (W/source).");
  }

  // Dataset scale.
  const uint64_t data_bytes = DirBytes(data);
  const uint64_t tables_bytes = DirBytes(data / "tables");
  const uint64_t stream_bytes = DirBytes(data / "stream");
  const uint64_t native_bytes = FileBytes(native);
  const uint64_t data_files = FileCount(data);
  Say("counting rows in the source");
  const Counts source_counts = TillpipeCounts(data);
  uint64_t total_rows = 0;
  for (auto& [t, c] : source_counts) total_rows += c;
  if (source_counts != duck_load) {
    notes.push_back("**The data set's tillpipe and DuckDB row counts differ**: tillpipe " + ShowCounts(source_counts) +
                    "; DuckDB's load " + ShowCounts(duck_load) + ".");
  }

  // `made` wrote `archive`: its row gets the archive's sizes, then goes into
  // the table with the row of verifying it.
  auto verify = [&](Row made, const fs::path& archive, const std::string& step) -> Archive {
    std::vector<std::string> argv = {bin, "restore", "--verify-only", "--from", archive.string(), "-q"};
    Runs runs = MeasureRuns(n, argv, "verifying " + archive.filename().string(), {archive});
    std::smatch m;
    const std::string text = runs.MedianOut();
    if (!std::regex_search(text, m, std::regex(R"(: (\d+) files, (\d+) bytes, every checksum matches)"))) {
      Die("unexpected output of " + CommandLine(argv) + ": " + text);
    }
    Archive a{std::stoull(m[1]), std::stoull(m[2])};
    Row r = FromRuns(step, argv, runs);
    r.in = FileBytes(archive);
    r.data = a.bytes;
    Say(Trim(text));
    made.out = r.in;
    made.in = made.data = a.bytes;
    rows.push_back(made);
    rows.push_back(r);
    return a;
  };

  // ---- 1. tillpipe backup of the stopped directory ---------------------------------------
  const fs::path a_zst = W / "a.tar.zst";
  std::vector<std::string> backup = {bin, "backup", "--data-dir", data.string(), "--to", a_zst.string(), "-q"};
  Runs backup_runs = MeasureRuns(n, backup, "tillpipe backup (stopped directory)", {data}, [&] { fs::remove(a_zst, ec); });
  Say(Trim(backup_runs.errs[backup_runs.median]));
  Row backup_row = FromRuns("`tillpipe backup` (stopped dir)", backup, backup_runs);

  // ---- 2. verify ----------------------------------------------------------------------------
  const Archive a_content = verify(backup_row, a_zst, "`tillpipe restore --verify-only`");

  // ---- 3. restore ----------------------------------------------------------------------------
  const fs::path server_dir = W / "server";
  const fs::path restored = server_dir / "data";
  std::vector<std::string> restore = {bin, "restore", "--from", a_zst.string(), "--data-dir", restored.string(), "-q"};
  Runs restore_runs = MeasureRuns(n, restore, "tillpipe restore", {a_zst}, [&] { fs::remove_all(restored, ec); });
  Row restore_row = FromRuns("`tillpipe restore` (verify, write + fsync, check)", restore, restore_runs);
  restore_row.in = FileBytes(a_zst);
  restore_row.out = restore_row.data = DirBytes(restored);
  rows.push_back(restore_row);
  const uint64_t restored_files = FileCount(restored);
  Say("counting rows in the restored directory");
  const Counts restored_counts = TillpipeCounts(restored);
  if (restored_counts != source_counts) {
    Die("the restored directory's row counts differ: " + ShowCounts(restored_counts) + " vs the source's " +
        ShowCounts(source_counts));
  }

  // ---- 4. a server on the restored copy: GET /api/v1/backup ---------------------------------
  Say("serving the restored copy");
  tp::testing::ServerProcess server(server_dir, ServerConfig());
  g_server = &server;
  auto start0 = Clock::now();
  if (!server.Start(std::chrono::seconds(300))) Die("the server did not start:\n" + server.log());
  const double server_start_s = std::chrono::duration<double>(Clock::now() - start0).count();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // let its first compaction pass run
  const pid_t spid = server.pid();
  const uint64_t server_rss_before = ProcStatusBytes(spid, "VmRSS");
  const uint64_t server_hwm_start = ProcStatusBytes(spid, "VmHWM");
  const fs::path download = W / "download.tar.zst";
  const std::string url = server.url() + "/api/v1/backup";
  std::vector<std::string> curl = {"curl", "-sS", "--fail", "-o", download.string(), url};
  struct Download {
    Proc curl;
    double server_cpu = 0;
    uint64_t server_hwm = 0;
    Io server_io;
  };
  std::vector<Download> downloads;
  std::vector<double> dl_walls;
  for (int i = 0; i < n; ++i) {
    fs::remove(download, ec);
    WarmCache(restored);
    ::sync();
    Say("GET /api/v1/backup (run " + std::to_string(i + 1) + " of " + std::to_string(n) + ")");
    ResetPeakRss(spid);
    const double cpu0 = ProcCpuSeconds(spid);
    const Io io0 = ProcIo(spid);
    Download d;
    d.curl = Measure(curl, {}, W / "curl.err");
    d.server_cpu = ProcCpuSeconds(spid) - cpu0;
    d.server_hwm = ProcStatusBytes(spid, "VmHWM");
    const Io io1 = ProcIo(spid);
    d.server_io = {io1.rchar - io0.rchar, io1.wchar - io0.wchar, io1.read_bytes - io0.read_bytes,
                   io1.write_bytes - io0.write_bytes};
    if (d.curl.rc != 0) {
      Die("the download failed (curl exit " + std::to_string(d.curl.rc) + "): " + Slurp(W / "curl.err"));
    }
    downloads.push_back(d);
    dl_walls.push_back(d.curl.wall_s);
  }
  const uint64_t server_rss_after = ProcStatusBytes(spid, "VmRSS");
  const Download& dm = downloads[MedianIndex(dl_walls)];
  Row dl_row;
  dl_row.step = "`GET /api/v1/backup` (CPU, RSS, read / written: the server's)";
  dl_row.command = CommandLine(curl);
  dl_row.wall_s = dm.curl.wall_s;
  dl_row.min_wall_s = *std::min_element(dl_walls.begin(), dl_walls.end());
  dl_row.max_wall_s = *std::max_element(dl_walls.begin(), dl_walls.end());
  dl_row.runs = n;
  dl_row.cpu_s = dm.server_cpu;
  dl_row.peak_rss = dm.server_hwm;
  dl_row.io = dm.server_io;
  uint64_t max_hwm = 0;
  for (const auto& d : downloads) max_hwm = std::max(max_hwm, d.server_hwm);
  const Archive dl_content = verify(dl_row, download, "`tillpipe restore --verify-only` of the (last) download");
  fs::remove(download, ec);

  // ---- 5. tillpipe backup while that server runs --------------------------------------------
  const fs::path live_zst = W / "live.tar.zst";
  std::vector<std::string> live = {bin, "backup", "--data-dir", restored.string(), "--to", live_zst.string(), "-q"};
  Runs live_runs = MeasureRuns(n, live, "tillpipe backup (server running)", {restored}, [&] { fs::remove(live_zst, ec); });
  for (const auto& e : live_runs.errs) {
    if (e.find("taken while the server ran") == std::string::npos) {
      Die("a backup of the running server's directory does not say it was taken while the server ran: " + e);
    }
  }
  Say(Trim(live_runs.errs[live_runs.median]));
  Row live_row = FromRuns("`tillpipe backup` (server running on the dir)", live, live_runs);
  const Archive live_content = verify(live_row, live_zst, "`tillpipe restore --verify-only` of the (last) one");
  fs::remove(live_zst, ec);

  const uint64_t server_rss_end = ProcStatusBytes(spid, "VmRSS");
  int stop = server.Stop();
  g_server = nullptr;
  if (stop != 0) Die("the server exited with " + std::to_string(stop) + "; see " + server.log_path().string());
  notes.push_back(
      "The server (`tillpipe serve -c CONFIG --data-dir W/server/data --listen 127.0.0.1:PORT`, CONFIG = "
      "query_bench's: the embedded default with `stream.retention = \"1m\"`, `fsync = \"interval\"`, "
      "`compact_interval = \"2s\"`) answered /ready " + Secs(server_start_s) + " s after it was started on the "
      "restored copy. Its RSS: " + MiB(server_rss_before) + " MiB before the downloads (VmHWM since start " +
      MiB(server_hwm_start) + " MiB), VmHWM during each download (reset before it) up to " + MiB(max_hwm) +
      " MiB, RSS " + MiB(server_rss_after) + " MiB after them and " + MiB(server_rss_end) +
      " MiB after the CLI backups. curl (median run): " + Secs(dm.curl.cpu_s) + " s CPU, " +
      MiB(dm.curl.peak_rss) + " MiB peak RSS. The download holds one file more than the CLI's backups: the "
      "server's config (`config/tillpipe.toml`). The server's read / written count file I/O (the log tail it "
      "copies into its stage, the files it archives), not what it sends through the socket.");
  const Counts after_server_counts = TillpipeCounts(restored);
  if (after_server_counts != source_counts) {
    Die("after the server ran, the restored directory's row counts differ: " + ShowCounts(after_server_counts) +
        " vs the source's " + ShowCounts(source_counts));
  }
  fs::remove_all(server_dir, ec);
  fs::remove(a_zst, ec);

  // ---- 6. tar + zstd ----------------------------------------------------------------------------
  const fs::path tar_zst = W / "tar.tar.zst";
  const fs::path tar_out = W / "tar-restored";
  std::vector<std::string> tar_c = {"tar", "-I", "zstd -3", "-cf", tar_zst.string(), "-C", data.string(), "."};
  Runs tar_c_runs = MeasureRuns(n, tar_c, "tar -c", {data}, [&] { fs::remove(tar_zst, ec); });
  Row tar_c_row = FromRuns("`tar -I 'zstd -3' -c` (stopped dir)", tar_c, tar_c_runs);
  tar_c_row.in = tar_c_row.data = data_bytes;
  tar_c_row.out = FileBytes(tar_zst);
  tar_c_row.peer = true;
  rows.push_back(tar_c_row);
  std::vector<std::string> tar_x = {"tar", "-I", "zstd", "-xf", tar_zst.string(), "-C", tar_out.string()};
  std::vector<double> sync_s;
  Runs tar_x_runs = MeasureRuns(
      n, tar_x, "tar -x", {tar_zst},
      [&] {
        fs::remove_all(tar_out, ec);
        fs::create_directories(tar_out);
      },
      [&] {
        auto s0 = Clock::now();
        ::sync();
        sync_s.push_back(std::chrono::duration<double>(Clock::now() - s0).count());
      });
  Row tar_x_row = FromRuns("`tar -I zstd -x` (no fsync)", tar_x, tar_x_runs);
  tar_x_row.in = FileBytes(tar_zst);
  tar_x_row.out = tar_x_row.data = DirBytes(tar_out);
  tar_x_row.peer = true;
  rows.push_back(tar_x_row);
  if (tar_x_row.out != data_bytes || FileCount(tar_out) != data_files) {
    Die("tar's round trip differs: " + std::to_string(tar_x_row.out) + " bytes in " +
        std::to_string(FileCount(tar_out)) + " files vs " + std::to_string(data_bytes) + " in " +
        std::to_string(data_files));
  }
  notes.push_back("`sync` right after `tar -x` took " + Secs(Median(sync_s)) +
                  " s (median; tar does not fsync, `tillpipe restore` fsyncs every file and directory).");
  fs::remove_all(tar_out, ec);
  fs::remove(tar_zst, ec);

  // ---- 7. DuckDB --------------------------------------------------------------------------------
  const fs::path script = fs::path(TILLPIPE_SOURCE_DIR) / "bench" / "duckdb_backup.mjs";
  const fs::path exported = W / "duckdb-export";
  const fs::path imported = W / "duckdb-imported.duckdb";
  std::vector<std::string> d_exp = {"node", script.string(), "export", native.string(), exported.string()};
  Runs exp_runs = MeasureRuns(n, d_exp, "DuckDB EXPORT DATABASE", {native}, [&] { fs::remove_all(exported, ec); });
  json dej = json::parse(exp_runs.MedianOut(), nullptr, false);
  Row d_exp_row = FromRuns("DuckDB `EXPORT DATABASE (FORMAT parquet, COMPRESSION zstd)` (node process)", d_exp, exp_runs);
  d_exp_row.in = d_exp_row.data = native_bytes;
  d_exp_row.out = DirBytes(exported);
  d_exp_row.peer = true;
  rows.push_back(d_exp_row);
  std::vector<std::string> d_imp = {"node", script.string(), "import", exported.string(), imported.string()};
  Runs imp_runs = MeasureRuns(n, d_imp, "DuckDB IMPORT DATABASE", {exported}, [&] {
    fs::remove(imported, ec);
    fs::remove(imported.string() + ".wal", ec);
  });
  json dij = json::parse(imp_runs.MedianOut(), nullptr, false);
  Row d_imp_row = FromRuns("DuckDB `IMPORT DATABASE` + `CHECKPOINT` (node process)", d_imp, imp_runs);
  d_imp_row.in = d_exp_row.out;
  d_imp_row.out = d_imp_row.data = FileBytes(imported) + FileBytes(imported.string() + ".wal");
  d_imp_row.peer = true;
  rows.push_back(d_imp_row);
  json dcj = json::parse(Capture({"node", script.string(), "count", imported.string()}, "counting the DuckDB import"),
                         nullptr, false);
  Counts imported_counts;
  if (dcj.is_object() && dcj.contains("counts")) {
    for (auto& [t, c] : dcj["counts"].items()) imported_counts[t] = c.get<uint64_t>();
  }
  if (imported_counts != duck_load) {
    Die("the DuckDB import's row counts differ: " + ShowCounts(imported_counts) + " vs the load's " +
        ShowCounts(duck_load));
  }
  const std::string duck_version = dej.value("version", std::string("?"));
  notes.push_back("DuckDB " + duck_version + " (@duckdb/node-api in node, threads = " +
                  std::to_string(dej.value("threads", 0)) + ", memory_limit " +
                  dej.value("memory_limit", std::string("?")) + "): the statements alone took " +
                  Secs(dej.value("seconds", 0.0)) + " s (EXPORT) and " + Secs(dij.value("seconds", 0.0)) +
                  " s (IMPORT + CHECKPOINT) in the median runs; the rows count the whole node process (start, "
                  "module load, open, statement, close).");
  fs::remove_all(exported, ec);
  fs::remove(imported, ec);
  fs::remove(imported.string() + ".wal", ec);

  // ---- 8. zstd of the DuckDB file ---------------------------------------------------------------
  const fs::path native_zst = W / "native.duckdb.zst";
  const fs::path native_back = W / "native-restored.duckdb";
  std::vector<std::string> z_c = {"zstd", "-3", "-q", "-o", native_zst.string(), native.string()};
  Runs z_c_runs = MeasureRuns(n, z_c, "zstd -3 of native.duckdb", {native}, [&] { fs::remove(native_zst, ec); });
  Row z_c_row = FromRuns("`zstd -3` of the DuckDB file", z_c, z_c_runs);
  z_c_row.in = z_c_row.data = native_bytes;
  z_c_row.out = FileBytes(native_zst);
  z_c_row.peer = true;
  rows.push_back(z_c_row);
  std::vector<std::string> z_d = {"zstd", "-d", "-q", "-o", native_back.string(), native_zst.string()};
  Runs z_d_runs = MeasureRuns(n, z_d, "zstd -d", {native_zst}, [&] { fs::remove(native_back, ec); });
  Row z_d_row = FromRuns("`zstd -d` of that (no fsync)", z_d, z_d_runs);
  z_d_row.in = FileBytes(native_zst);
  z_d_row.out = z_d_row.data = FileBytes(native_back);
  z_d_row.peer = true;
  rows.push_back(z_d_row);
  if (std::system(("cmp -s '" + native.string() + "' '" + native_back.string() + "'").c_str()) != 0) {
    Die("zstd's round trip of " + native.string() + " differs");
  }
  fs::remove(native_zst, ec);
  fs::remove(native_back, ec);

  // ---- the data set is as it was ----------------------------------------------------------------
  if (Listing(o.dataset / "server") != dataset_before || Listing(native) != native_before) {
    Die("the data set changed during the run (a file's size, mtime or link count)");
  }

  // ---- the report -------------------------------------------------------------------------------
  std::string zstd_version = Trim(Capture({"zstd", "--version"}, "zstd --version"));
  {
    std::smatch m;
    if (std::regex_search(zstd_version, m, std::regex(R"(v\d+\.\d+\.\d+)"))) zstd_version = "zstd " + m.str();
  }
  std::string tar_version = Trim(Capture({"tar", "--version"}, "tar --version"));
  tar_version = tar_version.substr(0, tar_version.find('\n'));
  std::string curl_version = Trim(Capture({"curl", "--version"}, "curl --version"));
  curl_version = curl_version.substr(0, curl_version.find(' ', 5));
  std::string node_version = Trim(Capture({"node", "--version"}, "node --version"));

  utsname un{};
  uname(&un);
  std::string command = "backup_bench";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  const std::vector<std::pair<std::string, std::string>> names = {
      {bin, "tillpipe"}, {W.string(), "W"}, {source_data.string(), "DATA"}, {o.dataset.string(), "SET"},
      {url, "http://127.0.0.1:PORT/api/v1/backup"}};
  auto count_of = [&](const char* t) { return source_counts.count(t) ? source_counts.at(t) : 0; };

  std::ostringstream md;
  md << "## Backup and restore, " << NowUtc() << " UTC (`" << command << "`)\n\n";
  md << "Data set `" << o.dataset.filename().string() << "` (query_bench): " << WithCommas(total_rows)
     << " rows in all (order_items " << WithCommas(count_of("order_items")) << ", page_views "
     << WithCommas(count_of("page_views")) << "). tillpipe data directory " << MiB(data_bytes) << " MiB in "
     << WithCommas(data_files) << " files: Parquet " << MiB(tables_bytes) << " MiB, log " << MiB(stream_bytes)
     << " MiB (its records are all in Parquet already; a backup keeps only the log from the segment holding the "
        "materialized offset, tar takes all of it), catalog "
     << MiB(FileBytes(data / "catalog.sqlite")) << " MiB. DuckDB's database of the same records: "
     << MiB(native_bytes) << " MiB. ";
  md << "Machine: " << std::thread::hardware_concurrency() << " cores (" << CpuModel() << "), "
     << MiB(MemTotalBytes()) << " MiB RAM, Linux " << un.release << "; tillpipe " << TILLPIPE_VERSION
     << " (zstd level 3), " << zstd_version << ", " << tar_version << ", " << curl_version << ", node "
     << node_version << ", DuckDB " << duck_version << ". Before each run its input is read once (page "
     << "cache warm) and `sync` runs; "
     << n << (n == 1 ? " run" : " runs") << " of each step.\n\n";
  md << "W = the work directory, DATA = " << (data == source_data ? "the data set's `server/data`"
                                                                   : "the data set's `server/data`, SET = the data set")
     << ". Wall from fork to exit" << (n > 1 ? ", median (min–max)" : "")
     << "; the other columns are of the median run. CPU = user + sys of the process and the children it "
        "waited for (cores = CPU / wall); peak RSS = ru_maxrss (for tar the largest of tar and its zstd, not "
        "their sum); in / out = what the step took and made (for tillpipe's archives, in = the bytes of the "
        "files in the archive as `restore --verify-only` counts them); MB/s = the uncompressed side (files "
        "backed up, checked or restored; the database file) in 10^6 bytes per wall second; read / written = "
        "bytes through read/write system calls (/proc/PID/io rchar / wchar, pipes included); from disk = "
        "what the kernel had to read from the device for it (read_bytes; ~0 when the page cache held it).\n\n";
  // tillpipe's rows first, then the peers, each in the order they ran.
  std::stable_partition(rows.begin(), rows.end(), [](const Row& r) { return !r.peer; });
  md << "| step | wall s | CPU s (user + sys) | cores | peak RSS MiB | in MiB | out MiB | MB/s | read / written MiB | from disk MiB |\n";
  md << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& r : rows) {
    const double mbs = r.wall_s > 0 ? static_cast<double>(r.data) / 1e6 / r.wall_s : 0;
    std::string wall = Secs(r.wall_s);
    if (r.runs > 1) wall += " (" + Secs(r.min_wall_s) + "–" + Secs(r.max_wall_s) + ")";
    std::string cpu = Secs(r.cpu_s);
    if (r.user_s && r.sys_s) cpu += " (" + Secs(*r.user_s) + " + " + Secs(*r.sys_s) + ")";
    md << "| " << (r.peer ? "peer: " : "") << r.step << " | " << wall << " | " << cpu << " | "
       << Fixed(r.wall_s > 0 ? r.cpu_s / r.wall_s : 0, 2) << " | " << MiB(r.peak_rss) << " | "
       << (r.in ? MiB(r.in) : "–") << " | " << (r.out ? MiB(r.out) : "–") << " | " << Fixed(mbs, 0) << " | "
       << MiB(r.io.rchar) << " / " << MiB(r.io.wchar) << " | " << MiB(r.io.read_bytes) << " |\n";
  }
  md << "\n";
  md << "Checks: every archive verified (" << WithCommas(a_content.files) << " files, " << MiB(a_content.bytes)
     << " MiB of content from the stopped dir; " << WithCommas(dl_content.files) << " / " << MiB(dl_content.bytes)
     << " MiB in the download; " << WithCommas(live_content.files) << " / " << MiB(live_content.bytes)
     << " MiB in the backup taken while the server ran, each saying so); the restore passed its `tillpipe check` ("
     << WithCommas(restored_files) << " files); row counts per table equal in the source, the restored dir "
     << "before and after the server ran on it (" << ShowCounts(source_counts)
     << "), and DuckDB's load and import; tar's and zstd's round trips gave back the same bytes; the data set "
        "unchanged (path, size, mtime, link count of every file).\n\n";
  for (const auto& note : notes) md << "- " << note << "\n";
  md << "\nCommands:\n\n```sh\n";
  for (const Row& r : rows) md << ShortPaths(r.command, names) << "\n";
  md << "```\n\n";
  const double total_s = std::chrono::duration<double>(Clock::now() - bench_start).count();
  md << "The whole bench took " << Secs(total_s) << " s.\n\n";

  std::cout << md.str();
  if (o.out != "-") {
    const bool fresh = !fs::exists(o.out);
    std::ofstream f(o.out, std::ios::app);
    if (fresh) {
      f << "# Backup benchmark results\n\n"
           "`build/release/backup_bench` (source: `bench/backup_bench.cpp`): `tillpipe backup`,\n"
           "`restore --verify-only`, `restore`, the server's `GET /api/v1/backup` and a backup\n"
           "taken while a server runs, side by side in the same run with tar + zstd of the same\n"
           "data directory, DuckDB's `EXPORT DATABASE` / `IMPORT DATABASE` of its own database of\n"
           "the same records, and zstd of that database file; on a data set query_bench made.\n\n"
           "Each run appends a section below.\n\n";
    }
    f << md.str();
    Say("appended to " + o.out);
  }
  if (!o.keep) fs::remove_all(W, ec);
  else Say("scratch kept in " + W.string());
  return 0;
}
