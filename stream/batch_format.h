// Encoding and decoding of one batch (see stream/FORMAT.md): the header the
// writer thread builds, and the checks every reader of the format applies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/status.h"

namespace tp::stream {

inline constexpr uint8_t kBatchVersion = 1;
inline constexpr size_t kFixedHeaderSize = 36;                          // through payload_crc
inline constexpr size_t kMinHeaderSize = kFixedHeaderSize + 1 + 1 + 1;  // 1-byte table, no key
inline constexpr size_t kMaxHeaderSize = kFixedHeaderSize + 1 + 255 + 1 + 255 + 8;
inline constexpr size_t kRecordPrefixSize = 4;

struct BatchHeader {
  uint32_t header_crc = 0;
  uint32_t batch_length = 0;
  uint16_t header_length = 0;
  uint32_t record_count = 0;
  uint64_t base_offset = 0;
  int64_t append_time_us = 0;
  uint32_t payload_crc = 0;
  std::string_view table;  // points into the buffer given to ParseBatchHeader
  std::string_view key;
  uint64_t body_hash = 0;

  uint64_t end_offset() const { return base_offset + record_count; }
};

// Size of the header for these field lengths.
inline size_t BatchHeaderSize(size_t table_len, size_t key_len) {
  return kFixedHeaderSize + 1 + table_len + 1 + key_len + (key_len > 0 ? 8 : 0);
}

// Writes the header into dst, which must hold BatchHeaderSize(table, key)
// bytes, and returns that size. table is 1..255 bytes, key 0..255 bytes.
size_t EncodeBatchHeader(char* dst, uint64_t base_offset, uint32_t record_count,
                         int64_t append_time_us, uint32_t payload_crc, size_t payload_len,
                         std::string_view table, std::string_view key, uint64_t body_hash);

enum class HeaderCheck {
  kOk,
  kNeedMore,    // fewer bytes available than the header claims
  kBadFraming,  // fields out of range (version, lengths, count)
  kBadCrc,      // header_crc mismatch
};

// Parses and checks the header at p (avail bytes readable). On kOk *out is
// filled; its views point into p. kNeedMore is returned when avail is smaller
// than the fixed prefix or header_length. *why explains a non-kOk answer.
HeaderCheck ParseBatchHeader(const char* p, size_t avail, BatchHeader* out, std::string* why);

// Checks the payload CRC and the record framing of a whole batch at p
// (h.batch_length bytes). Returns OK or Corruption with the reason.
Status CheckBatchPayload(const BatchHeader& h, const char* p);

// Splits the payload of a checked batch into records; views point into p.
Status SplitRecords(const BatchHeader& h, const char* p, std::vector<std::string_view>* out);

}  // namespace tp::stream
