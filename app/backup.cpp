// `tillpipe backup`: see app/backup.h and app/BACKUP.md.
#include "app/backup.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

#include "app/data_dir_lock.h"
#include "storage/catalog.h"
#include "stream/recovery.h"

namespace tp::app {

namespace fs = std::filesystem;
using json = nlohmann::json;

// --- manifest --------------------------------------------------------------

std::string Manifest::ToJson() const {
  json files_json = json::array();
  for (const ManifestFile& f : files) {
    files_json.push_back({{"path", f.path}, {"size", f.digest.size}, {"xxh3_128", f.digest.xxh3_128}});
  }
  json j = {{"kind", "tillpipe-backup"},
            {"backup_format", backup_format},
            {"catalog_format", catalog_format},
            {"tillpipe_version", tillpipe_version},
            {"created_at", created_at},
            {"source_data_dir", source_data_dir},
            {"mode", mode},
            {"server_was_running", server_was_running},
            {"offsets",
             {{"materialized", materialized_offset}, {"stream_start", stream_start}, {"stream_end", stream_end}}},
            {"config", config},
            {"files", files_json}};
  return j.dump(1) + "\n";
}

Result<Manifest> Manifest::FromJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("kind", "") != "tillpipe-backup") {
    return Status::Corruption(std::string(kManifestName) + " is not a tillpipe backup manifest");
  }
  try {
    Manifest m;
    m.backup_format = j.at("backup_format").get<int>();
    m.catalog_format = j.at("catalog_format").get<int>();
    m.tillpipe_version = j.at("tillpipe_version").get<std::string>();
    m.created_at = j.at("created_at").get<std::string>();
    m.source_data_dir = j.value("source_data_dir", "");
    m.mode = j.at("mode").get<std::string>();
    m.server_was_running = j.value("server_was_running", false);
    const json& o = j.at("offsets");
    m.materialized_offset = o.at("materialized").get<uint64_t>();
    m.stream_start = o.at("stream_start").get<uint64_t>();
    m.stream_end = o.at("stream_end").get<uint64_t>();
    m.config = j.value("config", "");
    for (const json& f : j.at("files")) {
      m.files.push_back({f.at("path").get<std::string>(),
                         FileDigest{f.at("size").get<uint64_t>(), f.at("xxh3_128").get<std::string>()}});
    }
    return m;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string(kManifestName) + " is incomplete: " + e.what());
  }
}

namespace {

std::string Size(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1ull << 30));
  } else if (bytes >= (1ull << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1ull << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  }
  return buf;
}

// Progress on stderr: at most one line a second, and one at the end.
class BackupProgress {
 public:
  BackupProgress(bool quiet, size_t files, uint64_t bytes) : quiet_(quiet), files_(files), bytes_(bytes) {}
  void Bytes(uint64_t n) {
    done_bytes_ += n;
    Maybe();
  }
  void File() {
    ++done_files_;
    Maybe();
  }

 private:
  void Maybe() {
    auto now = std::chrono::steady_clock::now();
    if (quiet_ || now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::fprintf(stderr, "backup: %zu/%zu files, %s of %s (%.0f%%)\n", done_files_, files_,
                 Size(done_bytes_).c_str(), Size(bytes_).c_str(),
                 bytes_ ? 100.0 * static_cast<double>(done_bytes_) / static_cast<double>(bytes_) : 100.0);
  }
  bool quiet_;
  size_t files_;
  uint64_t bytes_;
  size_t done_files_ = 0;
  uint64_t done_bytes_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// One file to put into the archive: its name there and where to read it.
struct Source {
  std::string name;
  fs::path path;
};

constexpr std::string_view kStagePrefix = ".tillpipe-backup-";

// A directory removed with everything in it when the object dies.
class StageDir {
 public:
  explicit StageDir(const fs::path& beside) {
    std::string tmpl = (beside / (std::string(kStagePrefix) + "XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~StageDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Log segment files (NNNNNNNNNNNNNNNNNNNN.log) of `dir`, by base offset.
std::map<uint64_t, fs::path> Segments(const fs::path& dir) {
  std::map<uint64_t, fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() != 24 || name.substr(20) != ".log") continue;
    if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; })) continue;
    out[std::stoull(name.substr(0, 20))] = it->path();
  }
  return out;
}

// The files at the top of the data directory worth keeping besides the
// catalog, log and tables (the admin password, for one).
std::vector<Source> TopLevelFiles(const fs::path& data_dir) {
  std::vector<Source> out;
  std::error_code ec;
  for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_regular_file(ec) || name == "LOCK" || name.rfind("catalog.sqlite", 0) == 0 ||
        name.find(".partial") != std::string::npos || name[0] == '.' ||
        (name.size() > 8 && name.compare(name.size() - 8, 8, ".tar.zst") == 0)) {  // earlier backups
      continue;
    }
    out.push_back({name, it->path()});
  }
  std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.name < b.name; });
  return out;
}

// The snapshot's part: catalog copy, its live files, the log past its
// offset. Fills `sources` (in archive order) and the manifest's offsets.
// NotFound means something moved under a live server: try again.
Status CollectSnapshot(const BackupOptions& options, const fs::path& stage, bool server_running,
                       std::vector<Source>* sources, Manifest* manifest) {
  const fs::path catalog_file = options.data_dir / "catalog.sqlite";
  std::error_code ec;
  if (!fs::exists(catalog_file, ec)) {
    return Status::InvalidArgument("no catalog at " + catalog_file.string() +
                                   ": is --data-dir (or the config's data_dir) a tillpipe data directory?");
  }
  {
    // A running server's catalog is opened like the server does (WAL, shared
    // with it); a stopped one's read-only, changing nothing.
    storage::CatalogOptions catalog_options;
    catalog_options.read_only = !server_running;
    auto live = storage::Catalog::Open(catalog_file, catalog_options);
    if (!live.ok()) return live.status();
    if (Status s = (*live)->SnapshotTo(stage / "catalog.sqlite"); !s.ok()) return s;
  }
  storage::CatalogOptions read_only;
  read_only.read_only = true;
  auto snap = storage::Catalog::Open(stage / "catalog.sqlite", read_only);
  if (!snap.ok()) return snap.status();
  auto files = (*snap)->Files();
  if (!files.ok()) return files.status();
  auto offset = (*snap)->ConsumerOffset("materializer");
  if (!offset.ok()) return offset.status();
  snap->reset();
  const uint64_t x = offset->value_or(0);
  manifest->materialized_offset = x;
  manifest->catalog_format = storage::Catalog::kFormatVersion;

  // The segments from the one holding offset x on, copied, then cut at the
  // last complete batch by the log's own recovery (a live writer may be in
  // the middle of one).
  auto segments = Segments(options.data_dir / "stream");
  auto first = segments.upper_bound(x);
  if (first != segments.begin()) --first;
  if (first != segments.end() && first->first > x) {
    return Status::NotFound("the log segment holding offset " + std::to_string(x) + " was removed by retention");
  }
  fs::create_directories(stage / "stream", ec);
  for (auto it = first; it != segments.end(); ++it) {
    fs::copy_file(it->second, stage / "stream" / it->second.filename(), ec);
    if (ec == std::errc::no_such_file_or_directory) {
      return Status::NotFound(it->second.string() + " was removed by retention");
    }
    if (ec) return Status::IOError("cannot copy " + it->second.string() + ": " + ec.message());
  }
  stream::RecoveredLog recovered;
  if (Status s = stream::RecoverLog(stage / "stream", &recovered); !s.ok()) {
    return Status::Corruption("the log in " + (options.data_dir / "stream").string() +
                              " is damaged (run tillpipe check --data-dir " + options.data_dir.string() +
                              "): " + s.message());
  }
  manifest->stream_start = recovered.segments.empty() ? x : recovered.segments.front().base;
  manifest->stream_end = recovered.next_offset;
  if (!recovered.segments.empty() && (manifest->stream_start > x || manifest->stream_end < x)) {
    return Status::NotFound("the log moved past the catalog snapshot");
  }

  sources->push_back({"catalog.sqlite", stage / "catalog.sqlite"});
  // Part files are immutable, but compaction deletes those it replaced: a
  // hard link in the stage keeps each one readable until it is copied. On
  // another file system (a CLI backup to elsewhere) they are read in place,
  // and one deleted meanwhile makes the backup start over.
  bool link = true;
  fs::create_directories(stage / "pinned", ec);
  for (size_t i = 0; i < files->size(); ++i) {
    const storage::FileEntry& f = (*files)[i];
    fs::path source = options.data_dir / f.path;
    if (link) {
      fs::path pinned = stage / "pinned" / std::to_string(i);
      fs::create_hard_link(source, pinned, ec);
      if (!ec) {
        source = pinned;
      } else if (ec == std::errc::no_such_file_or_directory) {
        return Status::NotFound(source.string() + " was removed by compaction");
      } else {
        link = false;  // EXDEV, or links not allowed here
      }
    }
    sources->push_back({f.path, source});
  }
  // The segments and the indexes recovery wrote for them.
  std::vector<Source> log_files;
  for (fs::directory_iterator it(stage / "stream", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) log_files.push_back({"stream/" + it->path().filename().string(), it->path()});
  }
  std::sort(log_files.begin(), log_files.end(), [](const Source& a, const Source& b) { return a.name < b.name; });
  for (Source& s : log_files) sources->push_back(std::move(s));
  for (Source& s : TopLevelFiles(options.data_dir)) sources->push_back(std::move(s));
  return Status::OK();
}

// A stopped directory as it lies (the caller holds its lock): every regular
// file but the lock and earlier backups.
Status CollectDirectory(const BackupOptions& options, std::vector<Source>* sources, Manifest* manifest) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(options.data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path rel = fs::relative(it->path(), options.data_dir, ec);
    if (rel.begin() != rel.end() && *rel.begin() == "backups") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || rel == "LOCK") continue;
    sources->push_back({rel.generic_string(), it->path()});
  }
  if (ec) return Status::IOError("cannot list " + options.data_dir.string() + ": " + ec.message());
  std::sort(sources->begin(), sources->end(), [](const Source& a, const Source& b) { return a.name < b.name; });
  auto version = storage::Catalog::FormatVersionOf(options.data_dir / "catalog.sqlite");
  if (!version.ok()) return version.status();
  manifest->catalog_format = *version;
  return Status::OK();
}

// One try. `*emitted` becomes true once the sink got bytes: then there is
// no trying again.
Result<Manifest> BackupOnce(const BackupOptions& options, bool server_running, bool* emitted) {
  Manifest manifest;
  manifest.tillpipe_version = TILLPIPE_VERSION;
  manifest.created_at = UtcTimestamp();
  manifest.source_data_dir = fs::absolute(options.data_dir).string();
  manifest.mode = options.mode;
  manifest.server_was_running = server_running;

  fs::path beside = !options.stage_in.empty()     ? options.stage_in
                    : options.to.has_parent_path() ? options.to.parent_path()
                                                   : fs::path(".");
  StageDir stage(beside);
  if (stage.path().empty()) {
    return Status::IOError("cannot create a staging directory in " + beside.string() + ": " +
                           std::strerror(errno));
  }
  std::vector<Source> sources;
  Status collected = options.mode == "directory" ? CollectDirectory(options, &sources, &manifest)
                                                 : CollectSnapshot(options, stage.path(), server_running,
                                                                   &sources, &manifest);
  if (!collected.ok()) return collected;

  uint64_t total = 0;
  for (const Source& s : sources) {
    std::error_code ec;
    total += fs::file_size(s.path, ec);
  }
  auto writer = options.sink ? ArchiveWriter::ToSink(
                                  [&](std::string_view bytes) {
                                    *emitted = true;
                                    return options.sink(bytes);
                                  },
                                  "the backup download", options.zstd_level)
                            : ArchiveWriter::Create(options.to, options.zstd_level);
  if (!writer.ok()) return writer.status();
  BackupProgress progress(options.quiet, sources.size() + (options.config_file ? 1 : 0), total);
  auto on_bytes = [&](uint64_t n) { progress.Bytes(n); };
  for (const Source& s : sources) {
    auto digest = (*writer)->AddFile(s.name, s.path, on_bytes);
    if (!digest.ok()) return digest.status();
    manifest.files.push_back({s.name, *digest});
    progress.File();
  }
  if (options.config_file) {
    manifest.config = "config/tillpipe.toml";
    auto digest = (*writer)->AddFile(manifest.config, *options.config_file, on_bytes);
    if (!digest.ok()) {
      return Status::IOError("cannot read the config " + options.config_file->string() + ": " +
                             digest.status().message());
    }
    manifest.files.push_back({manifest.config, *digest});
    progress.File();
  }
  auto m = (*writer)->AddBytes(kManifestName, manifest.ToJson());
  if (!m.ok()) return m.status();
  if (Status s = (*writer)->Finish(); !s.ok()) return s;
  return manifest;
}

}  // namespace

Result<Manifest> CreateBackup(const BackupOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.data_dir, ec)) {
    return Status::InvalidArgument(options.data_dir.string() +
                                   " is not a directory; name the server's data directory with "
                                   "--data-dir or -c FILE");
  }
  // Holding the lock shared keeps a server from starting while we copy; a
  // running server (Busy) is fine: the snapshot is taken alongside it.
  std::unique_ptr<DataDirLock> lock;
  bool server_running = options.in_server;
  if (options.mode != "directory" && !options.in_server) {
    auto shared = DataDirLock::AcquireShared(options.data_dir);
    if (shared.ok()) {
      lock = std::move(*shared);
    } else if (shared.status().code() == Status::Code::kBusy) {
      server_running = true;
    } else {
      return shared.status();
    }
  }
  // Under a live server, compaction may delete a retired part file or
  // retention a segment between the snapshot and the copy; start over then.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    bool emitted = false;
    auto manifest = BackupOnce(options, server_running, &emitted);
    if (manifest.ok() || manifest.status().code() != Status::Code::kNotFound || attempt == kAttempts ||
        emitted) {
      return manifest;
    }
    if (!options.quiet) {
      std::fprintf(stderr, "backup: %s while copying; starting over (attempt %d of %d)\n",
                   manifest.status().message().c_str(), attempt + 1, kAttempts);
    }
  }
}

void RemoveStaleBackupStages(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(kStagePrefix) && it->is_directory()) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
}

std::string UtcTimestamp(bool for_file_name) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, for_file_name ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int RunBackup(const BackupOptions& options) {
  if (options.to.empty()) {
    std::cerr << "tillpipe backup: name the archive to write with --to FILE.tar.zst\n";
    return 2;
  }
  auto manifest = CreateBackup(options);
  if (!manifest.ok()) {
    std::cerr << "tillpipe backup: " << manifest.status().message() << "\n";
    return 1;
  }
  uint64_t bytes = 0;
  for (const ManifestFile& f : manifest->files) bytes += f.digest.size;
  std::error_code ec;
  uint64_t archive = fs::file_size(options.to, ec);
  std::cerr << "backup: wrote " << options.to.string() << " (" << Size(archive) << "): "
            << manifest->files.size() << " files, " << Size(bytes) << " before compression; "
            << "tables through offset " << manifest->materialized_offset << ", log records "
            << manifest->stream_start << ".." << manifest->stream_end
            << (manifest->server_was_running ? "; taken while the server ran" : "") << "\n";
  return 0;
}

}  // namespace tp::app
