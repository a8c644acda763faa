#include "app/backup_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "storage/sync_dir.h"

namespace tp::app {

namespace {

constexpr size_t kChunk = 1 << 20;

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

// --- Digester ------------------------------------------------------------

Digester::Digester() : state_(XXH3_createState()) { XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_)); }

Digester::~Digester() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void Digester::Update(const void* data, size_t n) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), data, n);
  size_ += n;
}

FileDigest Digester::Finish() const {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(static_cast<XXH3_state_t*>(state_)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : canonical.digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return FileDigest{size_, hex};
}

// --- ArchiveWriter ---------------------------------------------------------

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(const std::filesystem::path& file, int zstd_level) {
  std::unique_ptr<ArchiveWriter> w(new ArchiveWriter());
  w->file_ = file;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    return Status::InvalidArgument(file.string() + " exists already; pick a new name or remove it");
  }
  // A unique partial name beside the target, so rename() publishes it whole.
  std::string tmpl = file.string() + ".partial-XXXXXX";
  w->fd_ = ::mkstemp(tmpl.data());
  if (w->fd_ < 0) return Status::IOError("cannot create " + tmpl + ": " + ErrnoText());
  w->partial_ = tmpl;
  ::fchmod(w->fd_, 0640);  // a backup holds every record: not world-readable
  if (Status s = w->SetUp(zstd_level); !s.ok()) return s;
  return w;
}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::ToSink(Sink sink, std::string label, int zstd_level) {
  std::unique_ptr<ArchiveWriter> w(new ArchiveWriter());
  w->file_ = std::move(label);
  w->sink_ = std::move(sink);
  if (Status s = w->SetUp(zstd_level); !s.ok()) return s;
  return w;
}

ssize_t ArchiveWriter::SinkWrite(struct archive* a, void* self, const void* data, size_t n) {
  auto* w = static_cast<ArchiveWriter*>(self);
  Status s = w->sink_(std::string_view(static_cast<const char*>(data), n));
  if (s.ok()) return static_cast<ssize_t>(n);
  w->sink_status_ = s;
  archive_set_error(a, EIO, "%s", s.message().c_str());
  return -1;
}

Status ArchiveWriter::SetUp(int zstd_level) {
  a_ = archive_write_new();
  std::string level = std::to_string(zstd_level);
  bool ok = archive_write_add_filter_zstd(a_) == ARCHIVE_OK &&
            archive_write_set_filter_option(a_, "zstd", "compression-level", level.c_str()) == ARCHIVE_OK &&
            archive_write_set_format_pax_restricted(a_) == ARCHIVE_OK;
  if (ok && sink_) {
    // No padding of the last block: a download ends where the data does.
    ok = archive_write_set_bytes_in_last_block(a_, 1) == ARCHIVE_OK &&
         archive_write_open2(a_, this, nullptr, &ArchiveWriter::SinkWrite, nullptr, nullptr) == ARCHIVE_OK;
  } else if (ok) {
    ok = archive_write_open_fd(a_, fd_) == ARCHIVE_OK;
  }
  return ok ? Status::OK() : Error("setting up the archive");
}

ArchiveWriter::~ArchiveWriter() {
  if (a_) archive_write_free(a_);
  if (fd_ >= 0) ::close(fd_);
  if (!finished_ && !partial_.empty()) {
    std::error_code ec;
    std::filesystem::remove(partial_, ec);
  }
}

Status ArchiveWriter::Error(std::string_view what) const {
  if (!sink_status_.ok()) return sink_status_;  // the download's own reason
  const char* msg = a_ ? archive_error_string(a_) : nullptr;
  return Status::IOError("writing " + file_.string() + ": " + std::string(what) + ": " +
                         (msg ? msg : "unknown libarchive error"));
}

Status ArchiveWriter::Header(const std::string& name, uint64_t size) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0640);
  archive_entry_set_mtime(e, std::time(nullptr), 0);
  int rc = archive_write_header(a_, e);
  archive_entry_free(e);
  if (rc != ARCHIVE_OK) return Error("the header of " + name);
  return Status::OK();
}

Status ArchiveWriter::Write(const std::string& name, const char* data, size_t n) {
  while (n > 0) {
    la_ssize_t w = archive_write_data(a_, data, n);
    if (w <= 0) return Error(name);
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

Result<FileDigest> ArchiveWriter::AddFile(const std::string& name, const std::filesystem::path& source,
                                          const std::function<void(uint64_t)>& progress) {
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(source.string() + " is gone");
    return Status::IOError("cannot read " + source.string() + ": " + ErrnoText());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError(source.string() + " is not a regular file");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (Status s = Header(name, size); !s.ok()) {
    ::close(fd);
    return s;
  }
  Digester digest;
  std::vector<char> buf(kChunk);
  uint64_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done));
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Status::IOError("reading " + source.string() + ": " +
                             (n < 0 ? ErrnoText() : "it shrank while being read"));
    }
    digest.Update(buf.data(), static_cast<size_t>(n));
    if (Status s = Write(name, buf.data(), static_cast<size_t>(n)); !s.ok()) {
      ::close(fd);
      return s;
    }
    done += static_cast<uint64_t>(n);
    if (progress) progress(static_cast<uint64_t>(n));
  }
  ::close(fd);
  return digest.Finish();
}

Result<FileDigest> ArchiveWriter::AddBytes(const std::string& name, std::string_view bytes) {
  if (Status s = Header(name, bytes.size()); !s.ok()) return s;
  if (Status s = Write(name, bytes.data(), bytes.size()); !s.ok()) return s;
  Digester digest;
  digest.Update(bytes.data(), bytes.size());
  return digest.Finish();
}

uint64_t ArchiveWriter::bytes_written() const {
  return a_ ? static_cast<uint64_t>(archive_filter_bytes(a_, -1)) : 0;
}

Status ArchiveWriter::Finish() {
  if (archive_write_close(a_) != ARCHIVE_OK) return Error("closing the archive");
  if (sink_) {
    finished_ = true;
    return Status::OK();
  }
  if (::fsync(fd_) != 0) return Status::IOError("cannot fsync " + partial_.string() + ": " + ErrnoText());
  ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  std::filesystem::rename(partial_, file_, ec);
  if (ec) return Status::IOError("cannot rename " + partial_.string() + " to " + file_.string() + ": " + ec.message());
  finished_ = true;
  return storage::SyncDir(file_.has_parent_path() ? file_.parent_path() : std::filesystem::path("."));
}

// --- ArchiveReader ---------------------------------------------------------

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const std::filesystem::path& file) {
  std::unique_ptr<ArchiveReader> r(new ArchiveReader());
  r->file_ = file;
  r->a_ = archive_read_new();
  archive_read_support_filter_zstd(r->a_);
  archive_read_support_format_tar(r->a_);
  if (archive_read_open_filename(r->a_, file.c_str(), kChunk) != ARCHIVE_OK) {
    // Opening decompresses the first block: damage there is in the first
    // entry, whose name is in that block too.
    return r->Error("reading the first entry");
  }
  return r;
}

ArchiveReader::~ArchiveReader() {
  if (a_) archive_read_free(a_);
}

Status ArchiveReader::Error(std::string_view what) const {
  const char* msg = a_ ? archive_error_string(a_) : nullptr;
  return Status::Corruption(file_.string() + " is damaged or not a tillpipe backup: found while " +
                            std::string(what) + ": " + (msg ? msg : "unknown libarchive error"));
}

Result<bool> ArchiveReader::Next(ArchiveEntry* entry) {
  archive_entry* e = nullptr;
  int rc = archive_read_next_header(a_, &e);
  if (rc == ARCHIVE_EOF) return false;
  if (rc != ARCHIVE_OK) {
    return Error(current_.empty() ? std::string("reading the first entry")
                                  : "reading the entry after " + current_);
  }
  const char* name = archive_entry_pathname(e);
  current_ = name ? name : "";
  entry->name = current_;
  entry->size = archive_entry_size_is_set(e) ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
  entry->regular = archive_entry_filetype(e) == AE_IFREG;
  return true;
}

Result<FileDigest> ArchiveReader::ReadData(const std::function<Status(const char*, size_t)>& sink) {
  Digester digest;
  std::vector<char> buf(kChunk);
  for (;;) {
    la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) return Error("reading " + current_);
    digest.Update(buf.data(), static_cast<size_t>(n));
    if (sink) {
      if (Status s = sink(buf.data(), static_cast<size_t>(n)); !s.ok()) return s;
    }
  }
  return digest.Finish();
}

}  // namespace tp::app
