#include "stream/checkpoint.h"

#include "stream/coding.h"
#include "stream/crc32c.h"
#include "stream/file_util.h"

namespace tp::stream {
namespace {
constexpr uint32_t kMagic = 0x4B435054;  // "TPCK"
constexpr uint32_t kVersion = 1;
constexpr size_t kSize = 36;
}  // namespace

Status ReadCheckpoint(const std::filesystem::path& dir, Checkpoint* out) {
  const auto path = dir / kCheckpointFile;
  std::string data;
  Status s = ReadSmallFile(path, &data);
  if (!s.ok()) return s;
  if (data.size() != kSize || DecodeFixed32(data.data()) != kMagic ||
      DecodeFixed32(data.data() + 4) != kVersion ||
      DecodeFixed32(data.data() + 32) != Crc32c(data.data(), 32)) {
    return Status::Corruption(path.string() + " is damaged (bad size, magic or checksum)");
  }
  out->segment_base = DecodeFixed64(data.data() + 8);
  out->position = DecodeFixed64(data.data() + 16);
  out->next_offset = DecodeFixed64(data.data() + 24);
  return Status::OK();
}

Status WriteCheckpoint(const std::filesystem::path& dir, const Checkpoint& cp) {
  std::string data;
  PutFixed32(&data, kMagic);
  PutFixed32(&data, kVersion);
  PutFixed64(&data, cp.segment_base);
  PutFixed64(&data, cp.position);
  PutFixed64(&data, cp.next_offset);
  PutFixed32(&data, Crc32c(data.data(), data.size()));
  return WriteFileAtomic(dir / kCheckpointFile, data);
}

}  // namespace tp::stream
