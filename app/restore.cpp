// `tillpipe restore`: see app/backup.h and app/BACKUP.md.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "app/backup.h"
#include "app/commands.h"
#include "app/data_dir_lock.h"
#include "storage/catalog.h"
#include "storage/sync_dir.h"

namespace tp::app {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRestoredConfig = "config-from-backup.toml";

// An archive path we write under the data directory: relative, no "..", no
// empty or "." parts.
bool SafeName(const std::string& name) {
  if (name.empty() || name[0] == '/') return false;
  fs::path p(name);
  for (const auto& part : p) {
    if (part == ".." || part == "." || part.empty()) return false;
  }
  return true;
}

struct Verified {
  Manifest manifest;
  std::map<std::string, FileDigest> entries;
};

// Reads the whole archive once: every entry's checksum against the manifest
// (which must come last), nothing written.
Result<Verified> Verify(const fs::path& from) {
  auto reader = ArchiveReader::Open(from);
  if (!reader.ok()) return reader.status();
  Verified v;
  std::string manifest_text;
  bool have_manifest = false;
  ArchiveEntry e;
  for (;;) {
    auto more = (*reader)->Next(&e);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (have_manifest) {
      return Status::Corruption(from.string() + ": " + e.name + " comes after " + kManifestName +
                                ", which is the last entry of a tillpipe backup");
    }
    if (!e.regular || !SafeName(e.name)) {
      return Status::Corruption(from.string() + ": entry " + e.name +
                                " is not a plain file with a relative path; not a tillpipe backup");
    }
    if (e.name == kManifestName) {
      auto d = (*reader)->ReadData([&](const char* p, size_t n) {
        manifest_text.append(p, n);
        return Status::OK();
      });
      if (!d.ok()) return d.status();
      have_manifest = true;
      continue;
    }
    auto d = (*reader)->ReadData({});
    if (!d.ok()) return d.status();
    if (!v.entries.emplace(e.name, *d).second) {
      return Status::Corruption(from.string() + ": " + e.name + " is in the archive twice");
    }
  }
  if (!have_manifest) {
    return Status::Corruption(from.string() + " has no " + kManifestName +
                              ": it was cut short (an interrupted copy?) or is not a tillpipe backup");
  }
  auto m = Manifest::FromJson(manifest_text);
  if (!m.ok()) return Status::Corruption(from.string() + ": " + m.status().message());
  v.manifest = std::move(*m);
  if (v.manifest.backup_format > kBackupFormat || v.manifest.catalog_format > storage::Catalog::kFormatVersion) {
    return Status::InvalidArgument(
        from.string() + " was made by tillpipe " + v.manifest.tillpipe_version + " (backup format " +
        std::to_string(v.manifest.backup_format) + ", catalog format " + std::to_string(v.manifest.catalog_format) +
        "); this tillpipe " TILLPIPE_VERSION " reads backup format up to " + std::to_string(kBackupFormat) +
        " and catalog format up to " + std::to_string(storage::Catalog::kFormatVersion) +
        ": restore it with that version or newer");
  }
  for (const ManifestFile& f : v.manifest.files) {
    auto it = v.entries.find(f.path);
    if (it == v.entries.end()) {
      return Status::Corruption(from.string() + ": " + f.path + " is in the manifest but not in the archive");
    }
    if (!(it->second == f.digest)) {
      return Status::Corruption(from.string() + ": " + f.path + " does not match its checksum (" +
                                std::to_string(it->second.size) + " bytes, XXH3-128 " + it->second.xxh3_128 +
                                "; the manifest says " + std::to_string(f.digest.size) + " bytes, " +
                                f.digest.xxh3_128 + "): the archive is damaged");
    }
  }
  if (v.entries.size() != v.manifest.files.size()) {
    for (const auto& [name, digest] : v.entries) {
      bool listed = false;
      for (const ManifestFile& f : v.manifest.files) listed = listed || f.path == name;
      if (!listed) return Status::Corruption(from.string() + ": " + name + " is not in the manifest");
    }
  }
  return v;
}

Status WriteAll(int fd, const char* p, size_t n, const fs::path& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Status::IOError("cannot write " + path.string() + ": " + std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

// Second pass: writes every file under `stage`, checking each checksum again
// (the archive may have changed since the first pass), fsyncs files and
// directories.
Status Extract(const fs::path& from, const Verified& v, const fs::path& stage) {
  auto reader = ArchiveReader::Open(from);
  if (!reader.ok()) return reader.status();
  std::map<std::string, FileDigest> expected;
  for (const ManifestFile& f : v.manifest.files) expected[f.path] = f.digest;
  std::set<fs::path> dirs = {stage};
  ArchiveEntry e;
  for (;;) {
    auto more = (*reader)->Next(&e);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (e.name == kManifestName) {
      (void)(*reader)->ReadData({});
      continue;
    }
    fs::path out = stage / (e.name == v.manifest.config ? fs::path(kRestoredConfig) : fs::path(e.name));
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    if (ec) return Status::IOError("cannot create " + out.parent_path().string() + ": " + ec.message());
    for (fs::path d = out.parent_path(); d != stage && d.has_relative_path(); d = d.parent_path()) dirs.insert(d);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return Status::IOError("cannot create " + out.string() + ": " + std::strerror(errno));
    auto d = (*reader)->ReadData([&](const char* p, size_t n) { return WriteAll(fd, p, n, out); });
    Status synced = d.ok() && ::fsync(fd) != 0
                        ? Status::IOError("cannot fsync " + out.string() + ": " + std::strerror(errno))
                        : Status::OK();
    ::close(fd);
    if (!d.ok()) return d.status();
    if (!synced.ok()) return synced;
    if (!(*d == expected[e.name])) {
      return Status::Corruption(from.string() + ": " + e.name +
                                " changed since it was verified (is something writing the archive?)");
    }
  }
  for (const fs::path& d : dirs) {
    // 750 like the server's own (its unit's UMask=027), whatever the umask
    // of who restores: the data is customer data.
    if (d != stage) ::chmod(d.c_str(), 0750);
    if (Status s = storage::SyncDir(d); !s.ok()) return s;
  }
  return Status::OK();
}

// Gives everything under `dir` the owner and group of `like` (a restore run
// as root into a directory a service user owns).
void ChownTree(const fs::path& dir, const struct stat& like) {
  if (::lchown(dir.c_str(), like.st_uid, like.st_gid) != 0) return;
  ::chmod(dir.c_str(), like.st_mode & 07777);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    (void)::lchown(it->path().c_str(), like.st_uid, like.st_gid);
  }
}

bool EmptyDir(const fs::path& dir) {
  std::error_code ec;
  return fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

}  // namespace

Result<Manifest> RestoreBackup(const RestoreOptions& options) {
  if (!options.quiet) std::cerr << "restore: verifying " << options.from.string() << "\n";
  auto verified = Verify(options.from);
  if (!verified.ok()) return verified.status();
  if (options.verify_only) return verified->manifest;

  const fs::path target = fs::absolute(options.data_dir).lexically_normal();
  const fs::path dir = target.has_filename() ? target : target.parent_path();
  std::error_code ec;
  bool exists = fs::exists(dir, ec);
  std::unique_ptr<DataDirLock> lock;
  struct stat target_stat {};
  if (exists) {
    if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir.string() + " is not a directory");
    auto shared = DataDirLock::AcquireShared(dir);
    if (!shared.ok()) {
      return Status::Busy(shared.status().message() + "; stop the server before restoring into " + dir.string());
    }
    lock = std::move(*shared);
    if (!EmptyDir(dir) && !options.force) {
      return Status::InvalidArgument(dir.string() +
                                     " is not empty; restore into a new directory, or add --force to "
                                     "replace what it holds");
    }
    ::stat(dir.c_str(), &target_stat);
  }
  fs::create_directories(dir.parent_path(), ec);
  std::string tmpl = dir.string() + ".restoring-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError("cannot create " + tmpl + ": " + std::strerror(errno));
  }
  fs::path stage = tmpl;
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } cleanup{stage};

  if (!options.quiet) std::cerr << "restore: writing the files into " << stage.string() << "\n";
  if (Status s = Extract(options.from, *verified, stage); !s.ok()) return s;
  if (!options.quiet) std::cerr << "restore: checking the restored copy (tillpipe check)\n";
  if (RunCheck(stage.string()) != 0) {
    return Status::Corruption("the restored copy does not pass tillpipe check (above); " + dir.string() +
                              " was left as it was");
  }
  if (exists && ::geteuid() == 0) ChownTree(stage, target_stat);

  // Into place: the old contents move aside first and go only once the new
  // directory has its name.
  fs::path old;
  if (exists) {
    std::string old_tmpl = dir.string() + ".replaced-XXXXXX";
    if (::mkdtemp(old_tmpl.data()) == nullptr) {
      return Status::IOError("cannot create " + old_tmpl + ": " + std::strerror(errno));
    }
    old = old_tmpl;
    fs::rename(dir, old / "data", ec);
    if (ec) {
      fs::remove(old, ec);
      return Status::IOError("cannot move " + dir.string() + " aside: " + ec.message() +
                             " (a mount point? restore into a new directory and point data_dir at it)");
    }
  }
  lock.reset();
  fs::rename(stage, dir, ec);
  if (ec) return Status::IOError("cannot rename " + stage.string() + " to " + dir.string() + ": " + ec.message());
  cleanup.path.clear();
  if (Status s = storage::SyncDir(dir.parent_path()); !s.ok()) return s;
  if (!old.empty()) fs::remove_all(old, ec);
  return verified->manifest;
}

int RunRestore(const RestoreOptions& options) {
  if (options.from.empty()) {
    std::cerr << "tillpipe restore: name the backup with --from FILE.tar.zst\n";
    return 2;
  }
  if (!options.verify_only && options.data_dir.empty()) {
    std::cerr << "tillpipe restore: name the directory to restore into with --data-dir DIR "
                 "(or check the archive only with --verify-only)\n";
    return 2;
  }
  auto manifest = RestoreBackup(options);
  if (!manifest.ok()) {
    std::cerr << "tillpipe restore: " << manifest.status().message() << "\n";
    return 1;
  }
  uint64_t bytes = 0;
  for (const ManifestFile& f : manifest->files) bytes += f.digest.size;
  std::cout << (options.verify_only ? "verified " : "restored ") << options.from.string() << ": "
            << manifest->files.size() << " files, " << bytes << " bytes, every checksum matches; taken "
            << manifest->created_at << " by tillpipe " << manifest->tillpipe_version << " from "
            << manifest->source_data_dir << "\n";
  if (!options.verify_only) {
    std::cout << "into " << options.data_dir.string() << ": the tables hold the records before offset "
              << manifest->materialized_offset << "; the server writes records "
              << manifest->materialized_offset << ".." << manifest->stream_end
              << " from the log into them when it starts\n";
    if (!manifest->config.empty()) {
      std::cout << "the config the backup was taken with is " << (options.data_dir / kRestoredConfig).string()
                << "; compare it with the one the server will use\n";
    }
  }
  return 0;
}

}  // namespace tp::app
