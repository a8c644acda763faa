#include "storage/sql/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tp::storage::sql {
namespace {

constexpr size_t kWriteBuffer = 64 << 10;
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

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::filesystem::path& dir) {
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
  return std::unique_ptr<SpillFile>(new SpillFile(fd, dir));
}

SpillFile::~SpillFile() { ::close(fd_); }

Status SpillFile::Append(const Chunk& c) {
  if (c.size == 0) return Status::OK();
  staged_.resize(c.columns.size());
  for (size_t k = 0; k < c.columns.size(); ++k) {
    const Vector& v = c.columns[k];
    Staged& st = staged_[k];
    const size_t before = st.validity.size() + st.values.size() + st.lengths.size();
    const uint8_t* valid = v.validity();
    if (valid != nullptr) {
      st.validity.append(reinterpret_cast<const char*>(valid), c.size);
      st.any_null = true;
    } else {
      st.validity.append(c.size, '\1');
    }
    if (v.type().id == SqlTypeId::kString) {
      const auto* d = v.data<std::string_view>();
      for (size_t i = 0; i < c.size; ++i) {
        Put<uint32_t>(&st.lengths, static_cast<uint32_t>(d[i].size()));
        st.values.append(d[i]);
      }
    } else {
      st.values.append(reinterpret_cast<const char*>(v.data<uint8_t>()),
                       c.size * PhysicalWidth(v.type().id));
    }
    staged_bytes_ += st.validity.size() + st.values.size() + st.lengths.size() - before;
  }
  staged_rows_ += c.size;
  if (staged_bytes_ < kChunkBytes) return Status::OK();
  Frame();
  return buffer_.size() >= kWriteBuffer ? Flush() : Status::OK();
}

void SpillFile::Frame() {
  if (staged_rows_ == 0) return;
  const size_t header = buffer_.size();
  Put<uint32_t>(&buffer_, static_cast<uint32_t>(staged_rows_));
  Put<uint32_t>(&buffer_, 0);  // payload bytes, set below
  const size_t start = buffer_.size();
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
  const uint32_t payload = static_cast<uint32_t>(buffer_.size() - start);
  std::memcpy(buffer_.data() + header + 4, &payload, 4);
  staged_rows_ = 0;
  staged_bytes_ = 0;
}

Status SpillFile::Flush() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                               static_cast<off_t>(written_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("cannot write", dir_);
    done += static_cast<size_t>(n);
  }
  written_ += buffer_.size();
  buffer_.clear();
  return Status::OK();
}

Status SpillFile::Finish() {
  Frame();
  Status s = Flush();
  std::string().swap(buffer_);
  std::vector<Staged>().swap(staged_);
  read_pos_ = 0;
  return s;
}

Status SpillFile::Read(const std::vector<SqlType>& types, Chunk* out) {
  out->columns.resize(types.size());
  out->size = 0;
  if (read_pos_ >= written_) return Status::OK();
  auto read = [&](char* dst, size_t bytes) -> Status {
    size_t done = 0;
    while (done < bytes) {
      const ssize_t n =
          ::pread(fd_, dst + done, bytes - done, static_cast<off_t>(read_pos_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Errno("cannot read", dir_);
      done += static_cast<size_t>(n);
    }
    read_pos_ += bytes;
    return Status::OK();
  };
  char header[8];
  Status s = read(header, 8);
  if (!s.ok()) return s;
  uint32_t rows, payload;
  std::memcpy(&rows, header, 4);
  std::memcpy(&payload, header + 4, 4);
  // Strings are views into the chunk's payload, kept alive by its vectors:
  // no copy per string, and a chunk holds exactly its own bytes.
  auto buffer = std::make_shared<std::string>(payload, '\0');
  s = read(buffer->data(), payload);
  if (!s.ok()) return s;
  const char* p = buffer->data();
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
    for (size_t p = 0; p < kParts; ++p) {
      auto f = SpillFile::Create(dir_);
      if (!f.ok()) return f.status();
      files_.push_back(std::move(*f));
    }
    rows_of_.resize(kParts);
  }
  for (auto& r : rows_of_) r.clear();
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = rows != nullptr ? rows[i] : static_cast<uint32_t>(i);
    rows_of_[PartOf(hashes[row])].push_back(row);
  }
  out_.columns.resize(cols.size());
  for (size_t p = 0; p < kParts; ++p) {
    const auto& sel = rows_of_[p];
    if (sel.empty()) continue;
    for (size_t k = 0; k < cols.size(); ++k) out_.columns[k].Gather(*cols[k], sel.data(), sel.size());
    out_.size = sel.size();
    const uint64_t before = files_[p]->bytes_written();
    Status s = files_[p]->Append(out_);
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
