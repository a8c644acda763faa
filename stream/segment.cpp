#include "stream/segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "stream/coding.h"
#include "stream/file_util.h"

namespace tp::stream {

size_t FindIndexEntry(const std::vector<IndexEntry>& index, uint64_t base, uint64_t offset) {
  // First entry whose offset is above `offset`, then step back one.
  auto it = std::upper_bound(
      index.begin(), index.end(), offset,
      [base](uint64_t off, const IndexEntry& e) { return off < base + e.offset_delta; });
  return it == index.begin() ? 0 : static_cast<size_t>(it - index.begin() - 1);
}

Status ReadIndexFile(const std::filesystem::path& path, std::vector<IndexEntry>* out) {
  std::string data;
  Status s = ReadSmallFile(path, &data);
  if (!s.ok()) return s;
  out->clear();
  out->reserve(data.size() / 8);
  for (size_t i = 0; i + 8 <= data.size(); i += 8) {
    out->push_back({DecodeFixed32(data.data() + i), DecodeFixed32(data.data() + i + 4)});
  }
  return Status::OK();
}

void EncodeIndexEntries(const IndexEntry* e, size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    PutFixed32(out, e[i].offset_delta);
    PutFixed32(out, e[i].position);
  }
}

Status WriteIndexFile(const std::filesystem::path& path, const std::vector<IndexEntry>& index) {
  std::string data;
  EncodeIndexEntries(index.data(), index.size(), &data);
  FileHandle fh;
  Status s = OpenFile(path, O_WRONLY | O_CREAT | O_TRUNC, &fh);
  if (!s.ok()) return s;
  return WriteAll(fh.get(), path, data.data(), data.size());
}

bool IndexLooksConsistent(const std::vector<IndexEntry>& index, uint64_t segment_size) {
  if (index.empty()) return true;
  if (index[0].offset_delta != 0 || index[0].position != 0) return false;
  for (size_t i = 0; i < index.size(); ++i) {
    if (index[i].position >= segment_size) return false;
    if (i > 0) {
      if (index[i].offset_delta <= index[i - 1].offset_delta) return false;
      if (uint64_t{index[i].position} < uint64_t{index[i - 1].position} + kIndexInterval) {
        return false;
      }
    }
  }
  return true;
}

// ---- BufferedFile ----------------------------------------------------------

void BufferedFile::set_limit(uint64_t limit) {
  if (limit < limit_) buf_len_ = 0;  // never serve bytes past a lowered limit
  limit_ = limit;
}

Status BufferedFile::Peek(uint64_t pos, size_t n, const char** data, size_t* avail) {
  if (pos >= limit_) {
    *avail = 0;
    *data = buf_.data();
    return Status::OK();
  }
  const uint64_t want = std::min<uint64_t>(n, limit_ - pos);
  if (pos >= buf_pos_ && pos + want <= buf_pos_ + buf_len_) {
    *data = buf_.data() + (pos - buf_pos_);
    *avail = static_cast<size_t>(want);
    return Status::OK();
  }
  const uint64_t read_len = std::min<uint64_t>(std::max<uint64_t>(want, chunk_), limit_ - pos);
  if (buf_.size() < read_len) buf_.resize(read_len);
  size_t got = 0;
  Status s = PReadFull(fd_, path_, pos, buf_.data(), static_cast<size_t>(read_len), &got);
  if (!s.ok()) {
    buf_len_ = 0;
    return s;
  }
  buf_pos_ = pos;
  buf_len_ = got;
  *data = buf_.data();
  *avail = static_cast<size_t>(std::min<uint64_t>(want, got));
  return Status::OK();
}

// ---- scans -----------------------------------------------------------------

Status ScanBatches(BufferedFile* file, uint64_t start, uint64_t expected_base, bool verify_payload,
                   std::vector<IndexEntry>* index, uint64_t segment_base, const BatchVisitor& visit,
                   ScanResult* r) {
  *r = ScanResult();
  r->next_offset = expected_base;
  uint64_t pos = start;
  const uint64_t limit = file->limit();
  while (pos < limit) {
    const char* p = nullptr;
    size_t avail = 0;
    Status s = file->Peek(pos, kMaxHeaderSize, &p, &avail);
    if (!s.ok()) return s;
    BatchHeader h;
    std::string why;
    HeaderCheck hc = ParseBatchHeader(p, avail, &h, &why);
    if (hc == HeaderCheck::kOk && h.batch_length > limit - pos) {
      hc = HeaderCheck::kNeedMore;
      why = "batch of " + std::to_string(h.batch_length) +
            " bytes runs past the end of the file (" + std::to_string(limit - pos) + " bytes left)";
    }
    if (hc != HeaderCheck::kOk) {
      r->clean = false;
      r->incomplete = hc == HeaderCheck::kNeedMore;
      r->problem = why;
      break;
    }
    if (h.base_offset != r->next_offset) {
      r->clean = false;
      r->problem = "batch has base offset " + std::to_string(h.base_offset) + ", expected " +
                   std::to_string(r->next_offset);
      break;
    }
    if (verify_payload) {
      s = file->Peek(pos, h.batch_length, &p, &avail);
      if (!s.ok()) return s;
      if (avail < h.batch_length) {
        r->clean = false;
        r->incomplete = true;
        r->problem = "batch runs past the end of the file";
        break;
      }
      // Re-parse: the peek may have moved the buffer.
      HeaderCheck again = ParseBatchHeader(p, avail, &h, &why);
      if (again != HeaderCheck::kOk) return Status::IOError("file changed while being read");
      Status ps = CheckBatchPayload(h, p);
      if (!ps.ok()) {
        r->clean = false;
        r->problem = ps.message();
        break;
      }
    }
    if (index != nullptr && NeedsIndexEntry(*index, pos)) {
      index->push_back(
          {static_cast<uint32_t>(h.base_offset - segment_base), static_cast<uint32_t>(pos)});
    }
    if (visit) visit(h, pos);
    r->last_append_us = std::max(r->last_append_us, h.append_time_us);
    r->next_offset = h.end_offset();
    ++r->batches;
    r->records += h.record_count;
    pos += h.batch_length;
  }
  r->end_pos = pos;
  return Status::OK();
}

Status FindNextValidHeader(BufferedFile* file, uint64_t from, uint64_t min_base, bool* found,
                           uint64_t* found_pos, BatchHeader* found_header) {
  *found = false;
  const uint64_t limit = file->limit();
  for (uint64_t pos = from + 1; pos + kMinHeaderSize <= limit; ++pos) {
    const char* p = nullptr;
    size_t avail = 0;
    Status s = file->Peek(pos, kMaxHeaderSize, &p, &avail);
    if (!s.ok()) return s;
    // Cheap filter before the CRC: version 1, flags 0.
    if (avail < 12 || p[8] != static_cast<char>(kBatchVersion) || p[9] != 0) continue;
    BatchHeader h;
    std::string why;
    if (ParseBatchHeader(p, avail, &h, &why) != HeaderCheck::kOk) continue;
    if (h.base_offset < min_base || h.base_offset > min_base + (limit - from)) continue;
    *found = true;
    *found_pos = pos;
    *found_header = h;
    return Status::OK();
  }
  return Status::OK();
}

}  // namespace tp::stream
