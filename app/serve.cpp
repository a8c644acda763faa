#include "app/serve.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <deque>
#include <iostream>
#include <thread>

#include "app/backup.h"
#include "app/compaction_service.h"
#include "app/config_reload.h"
#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/materializer.h"
#include "app/query_service.h"
#include "app/table_schema.h"
#include "app/stream_backend.h"
#include "app/journal.h"
#include "app/service_manager.h"
#include "storage/catalog.h"
#include "storage/file_snapshots.h"
#include "stream/log.h"
#include "web/http_server.h"

namespace tp::app {

namespace {

void Say(std::string_view line) { LogLine(Priority::kInfo, line); }
void SayError(std::string_view line) { LogLine(Priority::kErr, line); }

Result<stream::FsyncMode> ParseFsync(const std::string& s) {
  if (s == "group") return stream::FsyncMode::kGroup;
  if (s == "interval") return stream::FsyncMode::kInterval;
  if (s == "off") return stream::FsyncMode::kOff;
  return Status::InvalidArgument("stream.fsync must be group, interval or off");
}

// Events per minute for STATUS=: the log's end offset sampled at each tick,
// over the last minute.
class EventRate {
 public:
  void Sample(std::chrono::steady_clock::time_point now, uint64_t end_offset) {
    samples_.emplace_back(now, end_offset);
    while (samples_.size() > 2 && now - samples_[1].first >= std::chrono::minutes(1)) {
      samples_.pop_front();
    }
  }
  uint64_t PerMinute() const {
    if (samples_.size() < 2) return 0;
    double seconds = std::chrono::duration<double>(samples_.back().first - samples_.front().first).count();
    if (seconds < 1) return 0;
    return static_cast<uint64_t>((samples_.back().second - samples_.front().second) * 60.0 / seconds + 0.5);
  }

 private:
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> samples_;
};

std::string RunningStatus(const EventRate& rate, const stream::LogStats& log, const MaterializerStats& mat) {
  uint64_t lag = log.end_offset > mat.decoded_offset ? log.end_offset - mat.decoded_offset : 0;
  return "running: " + std::to_string(rate.PerMinute()) + " events/min, lag " + std::to_string(lag) +
         " records, " + std::to_string(mat.rows_written) + " rows written and " +
         std::to_string(mat.rows_rejected) + " rejected since start";
}

// A catalog of an older format is migrated by Catalog::Open; before that,
// the whole stopped directory goes into backups/ (we hold its lock), so a
// migration that goes wrong, or a downgrade, has a way back.
Status BackupBeforeMigrating(const std::filesystem::path& data_dir, const ServiceManager& systemd) {
  const auto catalog_file = data_dir / "catalog.sqlite";
  std::error_code ec;
  if (!std::filesystem::exists(catalog_file, ec)) return Status::OK();
  auto version = storage::Catalog::FormatVersionOf(catalog_file);
  if (!version.ok() || *version >= storage::Catalog::kFormatVersion) return Status::OK();  // Open() says why
  BackupOptions backup;
  backup.data_dir = data_dir;
  backup.mode = "directory";
  backup.quiet = true;
  backup.to = data_dir / "backups" /
              ("pre-migrate-v" + std::to_string(*version) + "-to-v" +
               std::to_string(storage::Catalog::kFormatVersion) + "-" + UtcTimestamp(true) + ".tar.zst");
  std::filesystem::create_directories(backup.to.parent_path(), ec);
  std::string what = "catalog format " + std::to_string(*version) + " -> " +
                     std::to_string(storage::Catalog::kFormatVersion);
  systemd.Status("backing up the data directory before migrating the " + what);
  Say("the " + what + " needs a migration; backing up the data directory to " + backup.to.string() + " first");
  auto manifest = CreateBackup(backup);
  if (!manifest.ok()) {
    return Status::IOError("cannot take the backup before migrating the " + what + ": " +
                           manifest.status().message() +
                           " (nothing was changed; make room, or take a backup yourself with the older tillpipe)");
  }
  Say("backup before migration written: " + backup.to.string() + " (" + std::to_string(manifest->files.size()) +
      " files; tillpipe restore --from FILE --data-dir DIR brings it back)");
  return Status::OK();
}

Status ApplyCommandLine(const ServeOptions& options, Config* config);

// SIGHUP: re-reads the config file; when it is valid, applies what can be
// applied (app/config_reload.h) and logs each change; when not, logs every
// error and keeps running on the old config.
void Reload(const ServeOptions& options, StreamBackend& backend, web::HttpServer& server,
            Materializer& materializer, QueryService& queries, CompactionService& compaction) {
  if (!options.config_file) {
    Say("SIGHUP: running on the embedded default config (no -c FILE); nothing to reload");
    return;
  }
  Say("SIGHUP: reloading " + options.config_file->string());
  ConfigLoad load = LoadConfigFile(*options.config_file);
  Status overrides = load.config ? ApplyCommandLine(options, &*load.config) : Status::OK();
  if (!load.config || !overrides.ok()) {
    for (const auto& e : load.errors) SayError("reload: " + e.ToString());
    if (!overrides.ok()) SayError("reload: " + overrides.message());
    SayError("reload failed (" + std::to_string(load.errors.size() + (overrides.ok() ? 0 : 1)) +
             " error(s)); still running on the previous config");
    return;
  }
  std::shared_ptr<const Config> running = backend.config();
  ReloadPlan plan = PlanReload(*running, *load.config);
  auto effective = std::make_shared<const Config>(std::move(plan.effective));
  if (!plan.new_tables.empty()) {
    std::vector<MaterializedTable> added;
    for (MaterializedTable& t : TablesOf(*effective)) {
      if (std::find(plan.new_tables.begin(), plan.new_tables.end(), t.name) != plan.new_tables.end()) {
        added.push_back(std::move(t));
      }
    }
    // The materializer first, so no record of a new table is appended
    // before it can be decoded.
    if (Status s = materializer.AddTables(std::move(added)); !s.ok()) {
      SayError("reload: adding the new tables: " + s.message() + "; still running on the previous config");
      return;
    }
    for (const std::string& name : plan.new_tables) {
      compaction.AddRetention(name, effective->FindTable(name)->retention);
    }
  }
  queries.SetLimits(QueryLimitsOf(*effective));
  server.SetLimits(effective->http.max_body, effective->auth.ingest_tokens);
  backend.SetConfig(effective);
  for (const std::string& line : plan.applied) Say("reload: applied " + line);
  for (const std::string& line : plan.kept) Say("reload: " + line);
  Say("reload done: " + std::to_string(plan.applied.size()) + " change(s) applied, " +
      std::to_string(plan.kept.size()) + " need a restart");
}

// --data-dir and --listen win over the config file (also on reload).
Status ApplyCommandLine(const ServeOptions& options, Config* config) {
  if (options.data_dir) config->data_dir = *options.data_dir;
  if (options.listen) {
    auto addr = ParseListen(*options.listen);
    if (!addr.ok()) return Status::InvalidArgument("--listen: " + addr.status().message());
    config->http.listen_host = addr->first;
    config->http.listen_port = addr->second;
  }
  return Status::OK();
}

}  // namespace

int RunServe(const ServeOptions& options) {
  ConfigLoad load = options.config_file ? LoadConfigFile(*options.config_file) : LoadDefaultConfig();
  if (!load.config) {
    for (const auto& e : load.errors) std::cerr << e.ToString() << "\n";
    std::cerr << "tillpipe: the config has " << load.errors.size()
              << " error(s); fix them (tillpipe validate -c FILE checks a file)\n";
    return 78;
  }
  Config config = std::move(*load.config);
  if (Status s = ApplyCommandLine(options, &config); !s.ok()) {
    std::cerr << "tillpipe: " << s.message() << "\n";
    return 78;
  }
  auto fsync = ParseFsync(config.stream.fsync);
  if (!fsync.ok()) {
    std::cerr << "tillpipe: " << fsync.status().message() << "\n";
    return 78;
  }

  // Signals are taken by sigwait below; block them before any thread starts
  // so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto lock = DataDirLock::Acquire(config.data_dir);
  if (!lock.ok()) {
    SayError(lock.status().message());
    return 1;
  }

  ServiceManager systemd;
  systemd.Status("starting: binding " + config.http.listen_host + ":" + std::to_string(config.http.listen_port));
  // Serve /health at once; /ready and ingest wait for the log's recovery.
  StreamBackend backend(std::make_shared<const Config>(config));
  backend.SetConfigFile(options.config_file);
  web::ServerOptions server_options;
  server_options.host = config.http.listen_host;
  server_options.port = config.http.listen_port;
  server_options.max_body = config.http.max_body;
  server_options.ingest_tokens = config.auth.ingest_tokens;
  server_options.auth.password_file = config.AdminPasswordFile();
  auto server = web::HttpServer::Start(server_options, &backend);
  if (!server.ok()) {
    SayError(server.status().message());
    return 1;
  }
  const std::string& host = config.http.listen_host;
  std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                    ":" + std::to_string((*server)->port());
  Say("tillpipe " TILLPIPE_VERSION " listening on " + url + " (config: " + config.source +
      ", data: " + config.data_dir.string() + ")");

  stream::LogOptions log_options;
  log_options.dir = config.data_dir / "stream";
  log_options.fsync = *fsync;
  log_options.fsync_interval = config.stream.fsync_interval;
  log_options.segment_size = config.stream.segment_size;
  log_options.retention = config.stream.retention;
  log_options.min_free = config.stream.min_free;
  log_options.idempotency_window = config.stream.idempotency_window;
  log_options.info_log = [](std::string_view line) { Say(line); };
  systemd.Status("recovering the stream in " + log_options.dir.string());
  auto log = stream::Log::Open(log_options);
  if (!log.ok()) {
    SayError("cannot open the stream: " + log.status().message());
    (*server)->Stop();
    return 1;
  }
  stream::LogStats stats = (*log)->Stats();
  Say("stream ready: offsets " + std::to_string(stats.start_offset) + ".." +
      std::to_string(stats.end_offset) + ", " + std::to_string(stats.segments) + " segment(s), fsync " +
      config.stream.fsync);
  // The tables: catalog, then the materializer catching up with the log.
  systemd.Status("opening the catalog and the tables");
  RemoveStaleBackupStages(config.data_dir);  // left by a backup download cut by a crash
  if (Status s = BackupBeforeMigrating(config.data_dir, systemd); !s.ok()) {
    SayError(s.message());
    (*server)->Stop();
    return 1;
  }
  auto catalog = storage::Catalog::Open(config.data_dir / "catalog.sqlite");
  if (!catalog.ok()) {
    SayError("cannot open the catalog: " + catalog.status().message());
    (*server)->Stop();
    return 1;
  }
  MaterializerOptions mat_options;
  mat_options.data_dir = config.data_dir;
  mat_options.timezone = config.timezone;
  mat_options.tables = TablesOf(config);
  mat_options.flush_rows = config.storage.flush_rows;
  mat_options.flush_interval = config.storage.flush_interval;
  mat_options.zstd_level = config.storage.zstd_level;
  mat_options.info_log = [](std::string_view line) { Say(line); };
  auto materializer = Materializer::Open(mat_options, log->get(), catalog->get());
  if (!materializer.ok()) {
    SayError("cannot start the materializer: " + materializer.status().message());
    (*server)->Stop();
    return 1;
  }
  (*materializer)->Start();
  // Compaction, retention and deletion of retired files, in the background.
  // Readers in this process pin files through `snapshots`.
  storage::FileSnapshots snapshots(catalog->get(), config.data_dir);
  CompactionServiceOptions compact_options;
  compact_options.data_dir = config.data_dir;
  compact_options.timezone = config.timezone;
  compact_options.interval = config.storage.compact_interval;
  compact_options.min_files = config.storage.compact_min_files;
  compact_options.zstd_level = config.storage.zstd_level;
  for (const TableSpec& t : config.tables) compact_options.retention[t.name] = t.retention;
  compact_options.info_log = [](std::string_view line) { Say(line); };
  auto compaction = CompactionService::Create(compact_options, catalog->get(), &snapshots);
  if (!compaction.ok()) {
    SayError("cannot start compaction: " + compaction.status().message());
    (void)(*materializer)->Stop();
    (*server)->Stop();
    return 1;
  }
  (*compaction)->Start();
  // SQL over the pinned files and the materializer's tail.
  auto queries = QueryService::Open(config, catalog->get(), &snapshots, materializer->get());
  if (!queries.ok()) {
    SayError("cannot start the SQL engine: " + queries.status().message());
    (*compaction)->Stop();
    (void)(*materializer)->Stop();
    (*server)->Stop();
    return 1;
  }
  backend.Attach(log->get());
  if (Status st = backend.AttachTables(materializer->get(), catalog->get()); !st.ok()) {
    SayError("cannot read the API tokens (ingest and reads with a token are refused): " + st.message());
  }
  backend.AttachCompaction(compaction->get());
  backend.AttachQueries(queries->get());

  // The main thread from here: signals, STATUS= every few seconds, and the
  // watchdog. WATCHDOG=1 goes out only when every HTTP io thread ran a
  // posted no-op, so a stuck event loop stops the keep-alives and systemd
  // restarts the service.
  using Clock = std::chrono::steady_clock;
  const auto status_every = std::chrono::seconds(5);
  auto tick = std::chrono::duration_cast<std::chrono::microseconds>(status_every);
  if (systemd.watchdog_interval() && *systemd.watchdog_interval() < tick) tick = *systemd.watchdog_interval();
  EventRate rate;
  rate.Sample(Clock::now(), (*log)->Stats().end_offset);
  systemd.Ready(RunningStatus(rate, (*log)->Stats(), (*materializer)->Stats()));
  if (systemd.watchdog_interval()) systemd.Watchdog();
  auto next_status = Clock::now() + status_every;
  auto next_watchdog = Clock::now() + tick;
  bool watchdog_missed = false;
  for (;;) {
    auto now = Clock::now();
    auto wait = std::min(next_status, next_watchdog) - now;
    if (wait < std::chrono::milliseconds(1)) wait = std::chrono::milliseconds(1);
    auto wait_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    timespec timeout{static_cast<time_t>(wait_ns / 1000000000), static_cast<long>(wait_ns % 1000000000)};
    int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGHUP) {
      systemd.Reloading("reloading the config");
      Reload(options, backend, **server, **materializer, **queries, **compaction);
      systemd.Ready(RunningStatus(rate, (*log)->Stats(), (*materializer)->Stats()));
      continue;
    }
    if (sig == SIGINT || sig == SIGTERM) {
      Say(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
      break;
    }
    now = Clock::now();
    if (systemd.watchdog_interval() && now >= next_watchdog) {
      // Half the time left before the next keep-alive is due.
      auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(tick / 2);
      if ((*server)->Responsive(std::max(budget, std::chrono::milliseconds(1)))) {
        systemd.Watchdog();
        if (watchdog_missed) Say("the HTTP event loop answers again; watchdog keep-alives resumed");
        watchdog_missed = false;
      } else if (!watchdog_missed) {
        SayError("an HTTP io thread did not answer within " + std::to_string(budget.count()) +
                 " ms; holding back the watchdog keep-alive");
        watchdog_missed = true;
      }
      next_watchdog = Clock::now() + tick;
    }
    if (now >= next_status) {
      stream::LogStats log_stats = (*log)->Stats();
      rate.Sample(now, log_stats.end_offset);
      systemd.Status(RunningStatus(rate, log_stats, (*materializer)->Stats()));
      next_status = now + status_every;
    }
  }
  systemd.Stopping("stopping: finishing requests, flushing the tables");
  // Order matters: requests in flight get their (durable) answers before the
  // log closes; the server's io threads are gone before the log is.
  (*server)->Stop();
  backend.Detach();
  // Stops between row groups; an interrupted merge leaves nothing behind.
  (*compaction)->Stop();
  // The final flush writes what is buffered, so a clean stop leaves every
  // acknowledged record in the tables.
  if (Status s = (*materializer)->Stop(); !s.ok()) {
    SayError("final flush failed (the records stay in the log and are written on the next start): " +
        s.message());
  }
  (*log)->Close();
  systemd.Status("stopped cleanly at offset " + std::to_string((*log)->Stats().end_offset));
  Say("stopped cleanly at offset " + std::to_string((*log)->Stats().end_offset));
  return 0;
}

}  // namespace tp::app
