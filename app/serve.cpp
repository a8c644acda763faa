#include "app/serve.h"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "app/compaction_service.h"
#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/materializer.h"
#include "app/query_service.h"
#include "app/table_schema.h"
#include "app/stream_backend.h"
#include "app/journal.h"
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
  if (options.data_dir) config.data_dir = *options.data_dir;
  if (options.listen) {
    auto addr = ParseListen(*options.listen);
    if (!addr.ok()) {
      std::cerr << "tillpipe: --listen: " << addr.status().message() << "\n";
      return 78;
    }
    config.http.listen_host = addr->first;
    config.http.listen_port = addr->second;
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

  // Serve /health at once; /ready and ingest wait for the log's recovery.
  StreamBackend backend(config);
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
  sd_notify(0, "READY=1");

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      Say("SIGHUP: config reload is not supported yet; restart to apply changes");
      continue;
    }
    Say(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
    break;
  }
  sd_notify(0, "STOPPING=1");
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
  Say("stopped cleanly at offset " + std::to_string((*log)->Stats().end_offset));
  return 0;
}

}  // namespace tp::app
