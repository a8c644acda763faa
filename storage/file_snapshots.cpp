#include "storage/file_snapshots.h"

#include <limits>
#include <map>
#include <set>

#include "storage/sync_dir.h"

namespace tp::storage {

namespace {

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// --- TableSnapshot ------------------------------------------------------------

TableSnapshot::TableSnapshot(TableSnapshot&& other) noexcept
    : owner_(other.owner_), pin_(other.pin_), files_(std::move(other.files_)), mark_(other.mark_) {
  other.owner_ = nullptr;
}

TableSnapshot& TableSnapshot::operator=(TableSnapshot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    pin_ = other.pin_;
    files_ = std::move(other.files_);
    mark_ = other.mark_;
    other.owner_ = nullptr;
  }
  return *this;
}

void TableSnapshot::Release() {
  if (owner_ == nullptr) return;
  owner_->Unpin(pin_);
  owner_ = nullptr;
}

// --- FileSnapshots --------------------------------------------------------------

FileSnapshots::FileSnapshots(Catalog* catalog, std::filesystem::path data_dir,
                             FileSnapshotsOptions options)
    : catalog_(catalog), data_dir_(std::move(data_dir)), options_(options) {}

FileSnapshots::~FileSnapshots() = default;

Result<TableSnapshot> FileSnapshots::Acquire(const std::string& table, const std::string& from_day,
                                             const std::string& to_day) {
  // Listing under mu_: Reap cannot decide between the listing and the pin
  // (it would not see this snapshot's mark yet and might delete a listed
  // file retired right after the listing).
  std::lock_guard lock(mu_);
  auto listing = catalog_->ListFiles(table, from_day, to_day);
  if (!listing.ok()) return listing.status();
  TableSnapshot snap;
  snap.owner_ = this;
  snap.mark_ = listing->retire_mark;
  snap.files_ = std::move(listing->files);
  snap.pin_ = marks_.insert(snap.mark_);
  return snap;
}

void FileSnapshots::Unpin(std::multiset<int64_t>::iterator pin) {
  std::lock_guard lock(mu_);
  marks_.erase(pin);
}

size_t FileSnapshots::live_snapshots() const {
  std::lock_guard lock(mu_);
  return marks_.size();
}

Result<ReapResult> FileSnapshots::Reap(std::optional<int64_t> now_us) {
  // Retired files first, live marks second: a snapshot acquired in between
  // lists a later state, in which every file read here is already retired.
  auto retired = catalog_->RetiredFiles();
  if (!retired.ok()) return retired.status();
  int64_t min_mark = std::numeric_limits<int64_t>::max();
  {
    std::lock_guard lock(mu_);
    if (!marks_.empty()) min_mark = *marks_.begin();
  }
  const int64_t now = now_us.value_or(WallMicros());
  const int64_t grace_us =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.grace).count();

  ReapResult result;
  // Deleted files per directory: the directory is synced before the catalog
  // forgets them, else a crash could bring back a file nothing lists.
  std::map<std::filesystem::path, std::vector<const RetiredFile*>> by_dir;
  std::set<std::filesystem::path> dropped_dirs;
  for (const RetiredFile& r : *retired) {
    if (r.seq > min_mark) {
      ++result.pinned;
      continue;
    }
    if (now - r.retired_us < grace_us) {
      ++result.in_grace;
      continue;
    }
    const auto path = data_dir_ / r.path;
    std::error_code ec;
    std::filesystem::remove(path, ec);  // false without error when already gone
    if (ec) {
      result.errors.push_back(r.path + " (" + r.table + " " + r.day +
                              ", retired): cannot delete: " + ec.message());
      continue;
    }
    by_dir[path.parent_path()].push_back(&r);
    if (r.reason == "dropped") dropped_dirs.insert(path.parent_path());
  }

  std::vector<int64_t> forget;
  for (const auto& [dir, files] : by_dir) {
    std::error_code ec;
    const bool dir_exists = std::filesystem::exists(dir, ec);
    if (dir_exists) {
      if (Status s = SyncDir(dir); !s.ok()) {
        result.errors.push_back(s.message() + " (after deleting retired files; retried next time)");
        continue;
      }
    }
    for (const RetiredFile* r : files) {
      forget.push_back(r->seq);
      ++result.deleted;
      result.bytes_deleted += r->bytes;
    }
    // Retention empties whole days: remove the date=... directory too (rmdir
    // fails harmlessly when late data put a new part there). A materializer
    // flush racing with this fails on the vanished directory and is retried.
    if (dir_exists && dropped_dirs.count(dir) && std::filesystem::is_empty(dir, ec) && !ec) {
      if (std::filesystem::remove(dir, ec) && !ec) (void)SyncDir(dir.parent_path());
    }
  }
  if (Status s = catalog_->ForgetRetired(forget); !s.ok()) return s;
  return result;
}

}  // namespace tp::storage
