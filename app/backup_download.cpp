// The admin page's "Backup now": GET /api/v1/backup answers with the same
// archive `tillpipe backup` writes (app/backup.h), made while it is sent.
// The snapshot is staged in a hidden directory of the data directory (so
// part files are hard-linked there, safe from compaction), and the archive
// goes out in chunks as libarchive makes them: the server holds a few
// hundred KiB of it at a time, and nothing of it on disk.
#include <nlohmann/json.hpp>

#include "app/backup.h"
#include "app/journal.h"
#include "app/stream_backend.h"
#include "web/admin_api.h"

namespace tp::app {

web::ApiAnswer StreamBackend::Backup(web::Download* out) {
  if (catalog_.load() == nullptr) return NotReadyAnswer();
  if (backup_running_.exchange(true)) {
    return web::ErrorAnswer(409, "a backup download is being written already; wait for it to finish");
  }
  struct Done {
    std::atomic<bool>* flag;
    ~Done() { flag->store(false); }
  } done{&backup_running_};

  const std::string name = "tillpipe-backup-" + UtcTimestamp(/*for_file_name=*/true) + ".tar.zst";
  BackupOptions options;
  options.data_dir = config()->data_dir;
  options.config_file = config_file_;
  options.quiet = true;
  options.in_server = true;
  options.stage_in = options.data_dir;
  uint64_t sent = 0;
  bool began = false;
  options.sink = [&](std::string_view bytes) {
    if (!began) {
      began = true;
      out->Begin({{"Content-Type", "application/zstd"},
                  {"Content-Disposition", "attachment; filename=\"" + name + "\""},
                  {"Cache-Control", "no-store"},
                  {"X-Content-Type-Options", "nosniff"}});
    }
    if (!out->Write(bytes)) {
      return Status::IOError("the download stopped: the client went away or the server is stopping");
    }
    sent += bytes.size();
    return Status::OK();
  };
  LogLine(Priority::kInfo, "backup: sending " + name + " to the admin page");
  auto manifest = CreateBackup(options);
  if (!manifest.ok()) {
    LogLine(Priority::kWarning, "backup: " + name + " failed after " + std::to_string(sent) +
                                    " bytes: " + manifest.status().message());
    return web::ErrorAnswer(500, "the backup failed: " + manifest.status().message());
  }
  LogLine(Priority::kInfo, "backup: sent " + name + " (" + std::to_string(sent) + " bytes, " +
                               std::to_string(manifest->files.size()) + " files; tables through offset " +
                               std::to_string(manifest->materialized_offset) + ", log records " +
                               std::to_string(manifest->stream_start) + ".." +
                               std::to_string(manifest->stream_end) + ")");
  return web::JsonAnswer(200, nlohmann::json{{"ok", true}});
}

}  // namespace tp::app
