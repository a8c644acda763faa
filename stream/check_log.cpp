// CheckLog: the read-only full verification behind `tillpipe check`.
#include <fcntl.h>

#include "stream/file_util.h"
#include "stream/log.h"
#include "stream/segment.h"

namespace tp::stream {

Result<CheckReport> CheckLog(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("no log directory at " + dir.string());
  }
  std::vector<uint64_t> bases;
  Status s = ListSegments(dir, &bases);
  if (!s.ok()) return s;
  CheckReport rep;
  rep.segments = bases.size();
  uint64_t expected = bases.empty() ? 0 : bases.front();
  bool expected_known = true;  // false after a segment whose end could not be read
  for (size_t i = 0; i < bases.size(); ++i) {
    const uint64_t base = bases[i];
    const bool last = i + 1 == bases.size();
    const std::string name = SegmentFileName(base);
    const auto path = dir / name;
    if (expected_known && base != expected) {
      rep.problems.push_back(name + ": starts at offset " + std::to_string(base) +
                             " but the previous segment ends at offset " +
                             std::to_string(expected) +
                             (base > expected ? " (offsets " + std::to_string(expected) + ".." +
                                                    std::to_string(base - 1) + " are missing)"
                                              : std::string(" (offsets overlap)")));
    }
    FileHandle fh;
    s = OpenFile(path, O_RDONLY, &fh);
    if (!s.ok()) return s;
    uint64_t size = 0;
    s = FileSize(fh.get(), path, &size);
    if (!s.ok()) return s;
    BufferedFile file(fh.get(), path, size);
    std::vector<IndexEntry> index;
    uint64_t pos = 0;
    uint64_t next = base;
    bool damaged = false;
    expected_known = true;
    for (;;) {
      ScanResult r;
      s = ScanBatches(&file, pos, next, /*verify_payload=*/true, &index, base, nullptr, &r);
      if (!s.ok()) return s;
      rep.batches += r.batches;
      rep.records += r.records;
      next = r.next_offset;
      if (r.clean) break;
      damaged = true;
      bool found = false;
      uint64_t found_pos = 0;
      BatchHeader h;
      s = FindNextValidHeader(&file, r.end_pos, r.next_offset, &found, &found_pos, &h);
      if (!s.ok()) return s;
      std::string msg = name + ": byte " + std::to_string(r.end_pos) + " (offset " +
                        std::to_string(r.next_offset) + "): " + r.problem;
      if (found) {
        msg += "; next valid batch at byte " + std::to_string(found_pos) + " (offset " +
               std::to_string(h.base_offset) + ")";
      } else if (last) {
        msg += "; torn tail of " + std::to_string(size - r.end_pos) +
               " bytes, which the next open will cut";
      } else {
        msg += "; nothing valid follows in this sealed segment";
      }
      rep.problems.push_back(msg);
      if (!found) {
        expected_known = false;
        break;
      }
      pos = found_pos;
      next = h.base_offset;
    }
    if (!damaged) {
      std::vector<IndexEntry> on_disk;
      Status is = ReadIndexFile(dir / IndexFileName(base), &on_disk);
      if (is.code() == Status::Code::kNotFound) {
        if (size > 0) {
          rep.problems.push_back(IndexFileName(base) + ": missing (rebuilt on next open)");
        }
      } else if (!is.ok()) {
        return is;
      } else if (on_disk != index) {
        rep.problems.push_back(IndexFileName(base) + ": has " + std::to_string(on_disk.size()) +
                               " entries, the segment needs " + std::to_string(index.size()) +
                               " as computed (rebuilt on next open)");
      }
    }
    expected = next;
  }
  return rep;
}

}  // namespace tp::stream
