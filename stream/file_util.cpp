#include "stream/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>

namespace tp::stream {

void FileHandle::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status PosixError(const std::string& op, const std::filesystem::path& path, int err) {
  std::string msg = op + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    return Status::NoSpace(msg + "; the disk holding it is full: free space there (what failed "
                                 "was not stored; retry once there is room)");
  }
  if (err == ENOENT) return Status::NotFound(msg);
  return Status::IOError(msg);
}

Status OpenFile(const std::filesystem::path& path, int flags, FileHandle* out) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return PosixError("open", path, errno);
  *out = FileHandle(fd);
  return Status::OK();
}

Status PReadFull(int fd, const std::filesystem::path& path, uint64_t offset, char* dst, size_t n,
                 size_t* got) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, dst + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return PosixError("read", path, errno);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  *got = done;
  return Status::OK();
}

Status PWriteVFull(int fd, const std::filesystem::path& path, uint64_t offset, struct iovec* iov,
                   int iovcnt) {
  while (iovcnt > 0) {
    ssize_t w = ::pwritev(fd, iov, std::min(iovcnt, IOV_MAX), static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return PosixError("write", path, errno);
    }
    offset += static_cast<uint64_t>(w);
    size_t left = static_cast<size_t>(w);
    while (iovcnt > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --iovcnt;
    }
    if (left > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return Status::OK();
}

Status WriteAll(int fd, const std::filesystem::path& path, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return PosixError("write", path, errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

Status SyncDir(const std::filesystem::path& dir) {
  FileHandle fh;
  Status s = OpenFile(dir, O_RDONLY | O_DIRECTORY, &fh);
  if (!s.ok()) return s;
  if (::fsync(fh.get()) != 0) return PosixError("fsync", dir, errno);
  return Status::OK();
}

Status FileSize(int fd, const std::filesystem::path& path, uint64_t* size) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return PosixError("stat", path, errno);
  *size = static_cast<uint64_t>(st.st_size);
  return Status::OK();
}

Status ReadSmallFile(const std::filesystem::path& path, std::string* out) {
  FileHandle fh;
  Status s = OpenFile(path, O_RDONLY, &fh);
  if (!s.ok()) return s;
  uint64_t size = 0;
  s = FileSize(fh.get(), path, &size);
  if (!s.ok()) return s;
  out->resize(size);
  size_t got = 0;
  s = PReadFull(fh.get(), path, 0, out->data(), size, &got);
  out->resize(got);
  return s;
}

Status WriteFileAtomic(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    FileHandle fh;
    Status s = OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC, &fh);
    if (!s.ok()) return s;
    s = WriteAll(fh.get(), tmp, contents.data(), contents.size());
    if (s.ok() && ::fsync(fh.get()) != 0) s = PosixError("fsync", tmp, errno);
    if (!s.ok()) {
      ::unlink(tmp.c_str());
      return s;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return PosixError("rename", tmp, err);
  }
  return SyncDir(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

std::string SegmentFileName(uint64_t base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.log", static_cast<unsigned long long>(base_offset));
  return buf;
}

std::string IndexFileName(uint64_t base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.idx", static_cast<unsigned long long>(base_offset));
  return buf;
}

bool ParseSegmentFileName(const std::string& name, uint64_t* base_offset) {
  if (name.size() != 24 || name.compare(20, 4, ".log") != 0) return false;
  uint64_t v = 0;
  for (int i = 0; i < 20; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *base_offset = v;
  return true;
}

Status ListSegments(const std::filesystem::path& dir, std::vector<uint64_t>* bases) {
  bases->clear();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return PosixError("list", dir, errno);
  while (struct dirent* e = ::readdir(d)) {
    uint64_t base;
    if (ParseSegmentFileName(e->d_name, &base)) bases->push_back(base);
  }
  ::closedir(d);
  std::sort(bases->begin(), bases->end());
  return Status::OK();
}

std::string FormatBytes(uint64_t n) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  double v = static_cast<double>(n);
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  if (u == 0 || v >= 100.0 || v == static_cast<double>(static_cast<uint64_t>(v))) {
    std::snprintf(buf, sizeof buf, "%llu %s", static_cast<unsigned long long>(v), kUnits[u]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  }
  return buf;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tp::stream
