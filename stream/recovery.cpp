#include "stream/recovery.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "stream/checkpoint.h"
#include "stream/file_util.h"

namespace tp::stream {
namespace {

// Headers only: small read-ahead, so big batches are hopped over, not read.
constexpr size_t kHopChunk = 16 << 10;

// One segment as found on disk, plus the repairs planned for it.
struct SegmentPlan {
  SegmentInfo info;
  std::filesystem::path log_path;
  std::filesystem::path idx_path;
  uint64_t file_size = 0;
  bool index_missing = false;
  std::vector<IndexEntry> file_index;  // as read from disk
  bool truncate = false;               // cut at info.size
};

// Checks a few index entries against the batch headers they point at.
Status SpotCheckIndex(BufferedFile* file, const SegmentInfo& seg,
                      const std::vector<IndexEntry>& index, bool* ok) {
  *ok = true;
  if (index.empty()) return Status::OK();
  // Every entry of a small index; 32 spread over a large one (a 128 MiB
  // segment has ~32k entries, and readers cope with a wrong one anyway).
  const size_t n = index.size();
  std::vector<size_t> picks;
  if (n <= 64) {
    for (size_t i = 0; i < n; ++i) picks.push_back(i);
  } else {
    for (size_t k = 0; k < 32; ++k) picks.push_back(k * (n - 1) / 31);
  }
  for (size_t i : picks) {
    const char* p = nullptr;
    size_t avail = 0;
    Status s = file->Peek(index[i].position, kMaxHeaderSize, &p, &avail);
    if (!s.ok()) return s;
    BatchHeader h;
    std::string why;
    if (ParseBatchHeader(p, avail, &h, &why) != HeaderCheck::kOk ||
        h.base_offset != seg.base + index[i].offset_delta) {
      *ok = false;
      return Status::OK();
    }
  }
  return Status::OK();
}

std::string OffsetsFrom(uint64_t first, uint64_t end) {
  if (end > first) return "offsets " + std::to_string(first) + ".." + std::to_string(end - 1);
  return "offsets from " + std::to_string(first);
}

}  // namespace

Status CorruptionAt(const std::filesystem::path& dir, uint64_t segment_base, uint64_t position,
                    uint64_t first_offset, const std::string& offsets_note,
                    const std::string& why) {
  (void)first_offset;
  return Status::Corruption("segment " + SegmentFileName(segment_base) + " in " + dir.string() +
                            " is corrupt at byte " + std::to_string(position) + " (" +
                            offsets_note + "): " + why +
                            ". The log was not modified; run `tillpipe check --data-dir " +
                            dir.parent_path().string() + "` for details");
}

Status RecoverLog(const std::filesystem::path& dir, RecoveredLog* out) {
  *out = RecoveredLog();
  RecoveryReport& report = out->report;
  std::vector<uint64_t> bases;
  Status s = ListSegments(dir, &bases);
  if (!s.ok()) return s;

  Checkpoint cp;
  bool have_cp = false;
  s = ReadCheckpoint(dir, &cp);
  if (s.ok()) {
    have_cp = true;
  } else if (s.code() != Status::Code::kNotFound) {
    report.messages.push_back("recovery: ignoring checkpoint (" + s.message() +
                              "); verifying every segment");
  }

  if (bases.empty()) {
    const uint64_t base = have_cp ? cp.next_offset : 0;
    SegmentInfo seg;
    seg.base = seg.end_offset = base;
    FileHandle fh;
    s = OpenFile(dir / SegmentFileName(base), O_WRONLY | O_CREAT, &fh);
    if (!s.ok()) return s;
    s = WriteIndexFile(dir / IndexFileName(base), {});
    if (!s.ok()) return s;
    s = SyncDir(dir);
    if (!s.ok()) return s;
    out->segments.push_back(seg);
    out->next_offset = base;
    return Status::OK();
  }

  // Open every segment and note its size.
  std::vector<SegmentPlan> plans(bases.size());
  std::vector<FileHandle> fds(bases.size());
  for (size_t i = 0; i < bases.size(); ++i) {
    SegmentPlan& p = plans[i];
    p.info.base = bases[i];
    p.log_path = dir / SegmentFileName(bases[i]);
    p.idx_path = dir / IndexFileName(bases[i]);
    s = OpenFile(p.log_path, O_RDONLY, &fds[i]);
    if (!s.ok()) return s;
    s = FileSize(fds[i].get(), p.log_path, &p.file_size);
    if (!s.ok()) return s;
    Status is = ReadIndexFile(p.idx_path, &p.file_index);
    if (is.code() == Status::Code::kNotFound) {
      p.index_missing = true;
    } else if (!is.ok()) {
      return is;
    }
  }

  // A crash between creating a segment and writing to it leaves it empty.
  // (Kept when the checkpoint names it: the roll finished, nothing was appended.)
  bool drop_empty_last = false;
  if (plans.size() > 1 && plans.back().file_size == 0 &&
      !(have_cp && cp.segment_base == plans.back().info.base)) {
    drop_empty_last = true;
    plans.pop_back();
    fds.pop_back();
  }

  // Where verification starts: the checkpoint's segment and position.
  size_t cp_seg = 0;
  uint64_t cp_pos = 0;
  if (have_cp) {
    auto it = std::find_if(plans.begin(), plans.end(),
                           [&](const SegmentPlan& p) { return p.info.base == cp.segment_base; });
    if (it != plans.end()) {
      if (it->file_size < cp.position) {
        return CorruptionAt(dir, cp.segment_base, it->file_size, cp.next_offset,
                            "offsets below " + std::to_string(cp.next_offset),
                            "the segment is " + std::to_string(it->file_size) +
                                " bytes but the checkpoint says " + std::to_string(cp.position) +
                                " bytes were durable");
      }
      cp_seg = static_cast<size_t>(it - plans.begin());
      cp_pos = cp.position;
    } else if (cp.segment_base > plans.back().info.base) {
      return Status::Corruption("the checkpoint in " + dir.string() + " refers to segment " +
                                SegmentFileName(cp.segment_base) +
                                ", which is missing. The log was not modified; run `tillpipe "
                                "check --data-dir DIR` for details");
    }
    // Otherwise the checkpoint's segment was removed by retention: verify all.
  }

  uint64_t expected = plans.front().info.base;
  for (size_t i = 0; i < plans.size(); ++i) {
    SegmentPlan& p = plans[i];
    SegmentInfo& seg = p.info;
    const bool last = i + 1 == plans.size();
    if (seg.base != expected) {
      return CorruptionAt(dir, seg.base, 0, expected, OffsetsFrom(expected, seg.base),
                          "segment starts at offset " + std::to_string(seg.base) +
                              " but the previous segment ends at offset " +
                              std::to_string(expected));
    }
    // Trusted prefix [0, trusted): before the checkpoint. Rest: verified.
    const uint64_t trusted = i < cp_seg ? p.file_size : (i == cp_seg ? cp_pos : 0);

    // 1. Index for the trusted prefix: the file's, if it holds up.
    BufferedFile hop(fds[i].get(), p.log_path, trusted, kHopChunk);
    std::vector<IndexEntry> idx;
    if (trusted > 0) {
      for (const IndexEntry& e : p.file_index) {
        if (e.position < trusted) idx.push_back(e);
      }
      bool spot_ok = IndexLooksConsistent(idx, trusted);
      if (spot_ok) {
        s = SpotCheckIndex(&hop, seg, idx, &spot_ok);
        if (!s.ok()) return s;
      }
      if (!spot_ok) idx.clear();
    }
    // 2. Hop over headers from the last index entry to the end of the prefix.
    uint64_t pos = idx.empty() ? 0 : idx.back().position;
    uint64_t base_at = seg.base + (idx.empty() ? 0 : idx.back().offset_delta);
    if (!idx.empty()) idx.pop_back();  // re-added by the scan
    ScanResult r;
    if (trusted > 0) {
      s = ScanBatches(&hop, pos, base_at, /*verify_payload=*/false, &idx, seg.base, nullptr, &r);
      if (!s.ok()) return s;
      if (!r.clean) {
        return CorruptionAt(dir, seg.base, r.end_pos, r.next_offset,
                            OffsetsFrom(r.next_offset, i + 1 < plans.size() ? plans[i + 1].info.base
                                                                            : r.next_offset),
                            r.problem + " (in the part of the log the checkpoint vouches for)");
      }
      seg.last_append_us = r.last_append_us;
      pos = r.end_pos;
      base_at = r.next_offset;
      if (i == cp_seg && have_cp && trusted == cp_pos && base_at != cp.next_offset) {
        return CorruptionAt(dir, seg.base, cp_pos, base_at, OffsetsFrom(base_at, cp.next_offset),
                            "the checkpoint says offset " + std::to_string(cp.next_offset) +
                                " starts here but the batches before end at " +
                                std::to_string(base_at));
      }
    }
    // 3. Verify every batch after the prefix.
    BufferedFile full(fds[i].get(), p.log_path, p.file_size);
    s = ScanBatches(&full, pos, base_at, /*verify_payload=*/true, &idx, seg.base, nullptr, &r);
    if (!s.ok()) return s;
    report.verified_batches += r.batches;
    seg.last_append_us = std::max(seg.last_append_us, r.last_append_us);
    seg.size = r.end_pos;
    seg.end_offset = r.next_offset;
    if (!r.clean) {
      bool found = false;
      uint64_t found_pos = 0;
      BatchHeader fh;
      s = FindNextValidHeader(&full, r.end_pos, r.next_offset, &found, &found_pos, &fh);
      if (!s.ok()) return s;
      if (!last || found) {
        const uint64_t upto = found ? fh.base_offset : plans[i + 1].info.base;
        std::string why = r.problem;
        why += found ? "; a valid batch follows at byte " + std::to_string(found_pos) +
                           ", so this is not a torn write"
                     : "; the segment is sealed (later segments exist), so this is not a torn "
                       "write";
        return CorruptionAt(dir, seg.base, r.end_pos, r.next_offset,
                            OffsetsFrom(r.next_offset, upto), why);
      }
      p.truncate = true;
      const uint64_t cut = p.file_size - r.end_pos;
      report.truncated_bytes += cut;
      report.messages.push_back(
          "recovery: cut " + std::to_string(cut) + " bytes of torn tail from segment " +
          SegmentFileName(seg.base) + " at byte " + std::to_string(r.end_pos) + " (after offset " +
          (r.next_offset > 0 ? std::to_string(r.next_offset - 1) : std::string("none")) +
          "): " + r.problem);
    }
    seg.index = std::move(idx);
    expected = seg.end_offset;
  }

  // Everything checked out: apply the repairs.
  if (drop_empty_last) {
    const uint64_t base = bases.back();
    if (::unlink((dir / SegmentFileName(base)).c_str()) != 0) {
      return PosixError("remove", dir / SegmentFileName(base), errno);
    }
    ::unlink((dir / IndexFileName(base)).c_str());
    s = SyncDir(dir);
    if (!s.ok()) return s;
    report.messages.push_back("recovery: removed empty segment " + SegmentFileName(base) +
                              " left by an interrupted roll");
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    SegmentPlan& p = plans[i];
    if (p.truncate) {
      FileHandle w;
      s = OpenFile(p.log_path, O_WRONLY, &w);
      if (!s.ok()) return s;
      if (::ftruncate(w.get(), static_cast<off_t>(p.info.size)) != 0) {
        return PosixError("truncate", p.log_path, errno);
      }
      if (::fsync(w.get()) != 0) return PosixError("fsync", p.log_path, errno);
    }
    // What recovery read may be only in the page cache (after kill -9): make
    // it durable before a checkpoint vouches for it.
    if (i >= cp_seg && p.info.size > 0 && ::fdatasync(fds[i].get()) != 0) {
      return PosixError("fdatasync", p.log_path, errno);
    }
    if (p.index_missing || p.file_index != p.info.index) {
      s = WriteIndexFile(p.idx_path, p.info.index);
      if (!s.ok()) return s;
      if (!(p.index_missing && p.info.size == 0)) {
        ++report.rebuilt_indexes;
        report.messages.push_back(
            "recovery: rebuilt index " + IndexFileName(p.info.base) + " (" +
            (p.index_missing ? std::string("missing") : std::string("stale or damaged")) + ")");
      }
    }
    out->segments.push_back(std::move(p.info));
  }
  out->next_offset = out->segments.back().end_offset;
  return Status::OK();
}

}  // namespace tp::stream
