#include "storage/sql/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tp::storage::sql {
namespace {

constexpr size_t kChunkBytes = 32 << 10;  // staged bytes per written chunk

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

Status Errno(const std::string& what, const std::filesystem::path& dir) {
  return Status::IOError(what + " a spill file in " + dir.string() + ": " + std::strerror(errno) +
                         " (the query needed more memory than [query] memory_limit and spills "
                         "to disk there; free space or raise the limit)");
}

}  // namespace

Result<std::shared_ptr<SpillDisk>> SpillDisk::Create(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // No O_TMPFILE on this file system: a named file, unlinked at once.
    std::string name = (dir / "spill-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) return Errno("cannot create", dir);
  return std::shared_ptr<SpillDisk>(new SpillDisk(fd, dir));
}

SpillDisk::~SpillDisk() { ::close(fd_); }

Status SpillDisk::Append(const std::string& bytes, uint64_t* offset) {
  *offset = end_.fetch_add(bytes.size());
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(*offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot write", dir_);
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status SpillDisk::ReadAt(uint64_t offset, char* out, size_t bytes) {
  size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd_, out + done, bytes - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot read", dir_);
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::filesystem::path& dir) {
  auto disk = SpillDisk::Create(dir);
  if (!disk.ok()) return disk.status();
  return std::make_unique<SpillFile>(std::move(*disk));
}

SpillFile::~SpillFile() = default;

Status SpillFile::Append(const Chunk& c) {
  std::vector<const Vector*> cols;
  for (const Vector& v : c.columns) cols.push_back(&v);
  return Append(cols, nullptr, c.size);
}

Status SpillFile::Append(const std::vector<const Vector*>& cols, const uint32_t* rows,
                         size_t count) {
  if (count == 0) return Status::OK();
  auto row = [rows](size_t i) { return rows != nullptr ? rows[i] : i; };
  staged_.resize(cols.size());
  for (size_t k = 0; k < cols.size(); ++k) {
    const Vector& v = *cols[k];
    Staged& st = staged_[k];
    const size_t before = st.validity.size() + st.values.size() + st.lengths.size();
    const uint8_t* valid = v.validity();
    if (valid == nullptr) {
      st.validity.append(count, '\1');
    } else if (rows == nullptr) {
      st.validity.append(reinterpret_cast<const char*>(valid), count);
      st.any_null = true;
    } else {
      for (size_t i = 0; i < count; ++i) st.validity.push_back(static_cast<char>(valid[rows[i]]));
      st.any_null = true;
    }
    if (v.type().id == SqlTypeId::kString) {
      const auto* d = v.data<std::string_view>();
      for (size_t i = 0; i < count; ++i) {
        const std::string_view sv = d[row(i)];
        Put<uint32_t>(&st.lengths, static_cast<uint32_t>(sv.size()));
        st.values.append(sv);
      }
    } else {
      const size_t w = PhysicalWidth(v.type().id);
      const char* data = reinterpret_cast<const char*>(v.data<uint8_t>());
      if (rows == nullptr) {
        st.values.append(data, count * w);
      } else {
        for (size_t i = 0; i < count; ++i) st.values.append(data + rows[i] * w, w);
      }
    }
    staged_bytes_ += st.validity.size() + st.values.size() + st.lengths.size() - before;
  }
  staged_rows_ += count;
  if (staged_bytes_ < kChunkBytes) return Status::OK();
  return Flush();
}

Status SpillFile::Flush() {
  if (staged_rows_ == 0) return Status::OK();
  buffer_.clear();
  Put<uint32_t>(&buffer_, static_cast<uint32_t>(staged_rows_));
  Put<uint32_t>(&buffer_, 0);  // payload bytes, set below
  for (Staged& st : staged_) {
    buffer_.push_back(st.any_null ? 1 : 0);
    if (st.any_null) buffer_.append(st.validity);
    buffer_.append(st.lengths);  // empty unless strings: lengths, then bytes
    buffer_.append(st.values);
    st.validity.clear();
    st.values.clear();
    st.lengths.clear();
    st.any_null = false;
  }
  const uint32_t payload = static_cast<uint32_t>(buffer_.size() - 8);
  std::memcpy(buffer_.data() + 4, &payload, 4);
  staged_rows_ = 0;
  staged_bytes_ = 0;
  uint64_t offset;
  Status s = disk_->Append(buffer_, &offset);
  if (!s.ok()) return s;
  chunks_.emplace_back(offset, static_cast<uint32_t>(buffer_.size()));
  written_ += buffer_.size();
  std::string().swap(buffer_);  // 128 parts per thread: keep only the staged rows
  return Status::OK();
}

Status SpillFile::Finish() {
  Status s = Flush();
  std::vector<Staged>().swap(staged_);
  next_chunk_ = 0;
  return s;
}

Status SpillFile::Read(const std::vector<SqlType>& types, Chunk* out) {
  out->columns.resize(types.size());
  out->size = 0;
  if (next_chunk_ >= chunks_.size()) return Status::OK();
  const auto [offset, bytes] = chunks_[next_chunk_++];
  // Strings are views into the chunk, kept alive by its vectors: no copy
  // per string, and a chunk holds exactly its own bytes.
  auto buffer = std::make_shared<std::string>(bytes, '\0');
  Status s = disk_->ReadAt(offset, buffer->data(), bytes);
  if (!s.ok()) return s;
  uint32_t rows;
  std::memcpy(&rows, buffer->data(), 4);
  const char* p = buffer->data() + 8;
  for (size_t k = 0; k < types.size(); ++k) {
    Vector& v = out->columns[k];
    v.Reset(types[k], rows);
    if (*p++ != 0) {
      std::memcpy(v.MutableValidity(), p, rows);
      p += rows;
    }
    if (types[k].id == SqlTypeId::kString) {
      const char* lengths = p;
      p += size_t{rows} * 4;
      auto* d = v.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) {
        uint32_t len;
        std::memcpy(&len, lengths + i * 4, 4);
        d[i] = std::string_view(p, len);
        p += len;
      }
      v.KeepAlive(buffer);
    } else {
      const size_t bytes = rows * PhysicalWidth(types[k].id);
      std::memcpy(v.data<uint8_t>(), p, bytes);
      p += bytes;
    }
  }
  out->size = rows;
  return Status::OK();
}

Status SpillPartitions::Write(const std::vector<const Vector*>& cols, size_t n,
                              const uint64_t* hashes, const uint32_t* rows, size_t count) {
  if (rows == nullptr) count = n;
  if (count == 0) return Status::OK();
  if (files_.empty()) {
    auto disk = SpillDisk::Create(dir_);
    if (!disk.ok()) return disk.status();
    for (size_t p = 0; p < kParts; ++p) files_.push_back(std::make_unique<SpillFile>(*disk));
    rows_of_.resize(kParts);
  }
  for (auto& r : rows_of_) r.clear();
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = rows != nullptr ? rows[i] : static_cast<uint32_t>(i);
    rows_of_[PartOf(hashes[row])].push_back(row);
  }
  for (size_t p = 0; p < kParts; ++p) {
    const auto& sel = rows_of_[p];
    if (sel.empty()) continue;
    const uint64_t before = files_[p]->bytes_written();
    Status s = files_[p]->Append(cols, sel.data(), sel.size());
    if (!s.ok()) return s;
    if (spilled_ != nullptr) *spilled_ += files_[p]->bytes_written() - before;
  }
  return Status::OK();
}

Status SpillPartitions::Finish() {
  for (auto& f : files_) {
    Status s = f->Finish();
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace tp::storage::sql
