// LogReader over the durable part of the log. Each reader has its own file
// descriptors and read-ahead buffer and reads with pread, so it runs while the
// writer appends; it takes LogShared::mu only to learn where durable data ends.
#include <fcntl.h>

#include <algorithm>

#include "stream/log_impl.h"

namespace tp::stream {
namespace {

class LogReaderImpl : public LogReader {
 public:
  LogReaderImpl(std::shared_ptr<LogShared> shared, uint64_t from)
      : shared_(std::move(shared)), next_offset_(from) {}

  Result<bool> Next(Batch* out) override;

 private:
  // Where the current segment's durable bytes end, and whether it is sealed.
  struct SegView {
    bool found = false;
    uint64_t size = 0;
    bool sealed = false;
    uint64_t next_base = 0;  // base of the following segment when sealed
  };

  Status OpenSegmentFor(uint64_t offset, uint64_t* end);

  std::shared_ptr<LogShared> shared_;
  uint64_t next_offset_;  // first offset not yet returned
  bool have_seg_ = false;
  uint64_t seg_base_ = 0;
  FileHandle fd_;
  std::unique_ptr<BufferedFile> file_;
  uint64_t pos_ = 0;
  bool seeked_ = false;  // pos_ came from the index; not yet confirmed
};

Result<bool> LogReaderImpl::Next(Batch* out) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    uint64_t end = 0;
    SegView view;
    {
      std::lock_guard<std::mutex> l(shared_->mu);
      end = shared_->end_offset;
      const uint64_t start = shared_->segments.front().base;
      if (next_offset_ < start) {  // retention removed what we wanted: clamp
        next_offset_ = start;
        have_seg_ = false;
      }
      if (next_offset_ >= end) return false;
      if (have_seg_) {
        auto it = std::lower_bound(shared_->segments.begin(), shared_->segments.end(), seg_base_,
                                   [](const SegmentInfo& s, uint64_t b) { return s.base < b; });
        if (it != shared_->segments.end() && it->base == seg_base_) {
          view.found = true;
          view.size = it->size;
          view.sealed = it + 1 != shared_->segments.end();
          if (view.sealed) view.next_base = (it + 1)->base;
        }
      }
    }
    if (!have_seg_ || !view.found) {
      // No segment yet, or ours was deleted under us: find the right one.
      Status s = OpenSegmentFor(next_offset_, &end);
      if (s.code() == Status::Code::kNotFound) continue;  // deleted meanwhile: look again
      if (!s.ok()) return s;
      continue;
    }
    file_->set_limit(view.size);
    if (pos_ >= view.size) {
      if (!view.sealed) return false;  // durable end of the active segment
      have_seg_ = false;               // move on to the next segment
      if (next_offset_ < view.next_base) next_offset_ = view.next_base;
      continue;
    }
    const char* p = nullptr;
    size_t avail = 0;
    Status s = file_->Peek(pos_, kMaxHeaderSize, &p, &avail);
    if (!s.ok()) return s;
    BatchHeader h;
    std::string why;
    HeaderCheck hc = ParseBatchHeader(p, avail, &h, &why);
    if (hc == HeaderCheck::kOk && h.batch_length > view.size - pos_) {
      hc = HeaderCheck::kNeedMore;
      why = "batch runs past the durable end of the segment";
    }
    if (hc != HeaderCheck::kOk && seeked_) {
      pos_ = 0;  // the index pointed at no batch: scan the segment from its start
      seeked_ = false;
      continue;
    }
    if (hc != HeaderCheck::kOk) {
      return Status::Corruption("reading segment " + SegmentFileName(seg_base_) + " at byte " +
                                std::to_string(pos_) + ": " + why);
    }
    if (h.end_offset() <= next_offset_) {  // wholly before the start: skip it
      seeked_ = false;
      pos_ += h.batch_length;
      continue;
    }
    if (h.base_offset > next_offset_ && seeked_ && pos_ > 0) {
      pos_ = 0;  // the index pointed too far: scan the segment from its start
      seeked_ = false;
      continue;
    }
    seeked_ = false;
    if (h.base_offset > next_offset_) {
      return Status::Corruption("reading segment " + SegmentFileName(seg_base_) + " at byte " +
                                std::to_string(pos_) + ": expected offset " +
                                std::to_string(next_offset_) + ", found batch at " +
                                std::to_string(h.base_offset));
    }
    s = file_->Peek(pos_, h.batch_length, &p, &avail);
    if (!s.ok()) return s;
    if (avail < h.batch_length || ParseBatchHeader(p, avail, &h, &why) != HeaderCheck::kOk) {
      return Status::IOError("segment " + SegmentFileName(seg_base_) + " changed while read");
    }
    s = CheckBatchPayload(h, p);
    if (!s.ok()) {
      return Status::Corruption("reading segment " + SegmentFileName(seg_base_) + " at byte " +
                                std::to_string(pos_) + " (offsets " +
                                std::to_string(h.base_offset) + ".." +
                                std::to_string(h.end_offset() - 1) + "): " + s.message());
    }
    s = SplitRecords(h, p, &out->records);
    if (!s.ok()) return s;
    out->base_offset = h.base_offset;
    out->append_time_us = h.append_time_us;
    out->table.assign(h.table);
    out->idempotency_key.assign(h.key);
    pos_ += h.batch_length;
    next_offset_ = h.end_offset();
    return true;
  }
  return Status::IOError("log reader could not find offset " + std::to_string(next_offset_) +
                         " (segments keep changing)");
}

Status LogReaderImpl::OpenSegmentFor(uint64_t offset, uint64_t* end) {
  uint64_t base = 0;
  uint64_t pos = 0;
  uint64_t size = 0;
  {
    std::lock_guard<std::mutex> l(shared_->mu);
    *end = shared_->end_offset;
    auto& segs = shared_->segments;
    if (offset < segs.front().base) offset = segs.front().base;
    // Last segment whose base is <= offset.
    auto it = std::upper_bound(segs.begin(), segs.end(), offset,
                               [](uint64_t off, const SegmentInfo& s) { return off < s.base; });
    if (it != segs.begin()) --it;
    base = it->base;
    size = it->size;
    if (!it->index.empty()) pos = it->index[FindIndexEntry(it->index, base, offset)].position;
  }
  const auto path = shared_->dir / SegmentFileName(base);
  FileHandle fh;
  Status s = OpenFile(path, O_RDONLY, &fh);
  if (!s.ok()) return s;
  fd_ = std::move(fh);
  file_ = std::make_unique<BufferedFile>(fd_.get(), path, size, 256 << 10);
  seg_base_ = base;
  pos_ = pos;
  seeked_ = pos > 0;
  have_seg_ = true;
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<LogReader>> NewLogReader(std::shared_ptr<LogShared> shared,
                                                uint64_t from_offset) {
  return std::unique_ptr<LogReader>(new LogReaderImpl(std::move(shared), from_offset));
}

}  // namespace tp::stream
