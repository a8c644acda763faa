#include "stream/batch_format.h"

#include <cstring>

#include "stream/coding.h"
#include "stream/crc32c.h"
#include "stream/log.h"

namespace tp::stream {

// ---- BatchBuilder (declared in log.h) ------------------------------------

void BatchBuilder::Add(std::string_view record) {
  char prefix[kRecordPrefixSize];
  EncodeFixed32(prefix, static_cast<uint32_t>(record.size()));
  buf_.append(prefix, kRecordPrefixSize);
  buf_.append(record.data(), record.size());
  ++count_;
}

std::string BatchBuilder::Finish(uint32_t* payload_crc) {
  *payload_crc = Crc32c(buf_.data(), buf_.size());
  std::string out;
  out.swap(buf_);
  count_ = 0;
  return out;
}

// ---- header ---------------------------------------------------------------

size_t EncodeBatchHeader(char* dst, uint64_t base_offset, uint32_t record_count,
                         int64_t append_time_us, uint32_t payload_crc, size_t payload_len,
                         std::string_view table, std::string_view key, uint64_t body_hash) {
  const size_t hlen = BatchHeaderSize(table.size(), key.size());
  EncodeFixed32(dst + 4, static_cast<uint32_t>(hlen + payload_len));
  dst[8] = static_cast<char>(kBatchVersion);
  dst[9] = 0;
  EncodeFixed16(dst + 10, static_cast<uint16_t>(hlen));
  EncodeFixed32(dst + 12, record_count);
  EncodeFixed64(dst + 16, base_offset);
  EncodeFixed64(dst + 24, static_cast<uint64_t>(append_time_us));
  EncodeFixed32(dst + 32, payload_crc);
  char* q = dst + kFixedHeaderSize;
  *q++ = static_cast<char>(table.size());
  std::memcpy(q, table.data(), table.size());
  q += table.size();
  *q++ = static_cast<char>(key.size());
  if (!key.empty()) {
    std::memcpy(q, key.data(), key.size());
    q += key.size();
    EncodeFixed64(q, body_hash);
  }
  EncodeFixed32(dst, Crc32c(dst + 4, hlen - 4));
  return hlen;
}

HeaderCheck ParseBatchHeader(const char* p, size_t avail, BatchHeader* out, std::string* why) {
  if (avail < 12) {
    *why = "only " + std::to_string(avail) + " bytes left, a batch header needs at least " +
           std::to_string(kMinHeaderSize);
    return HeaderCheck::kNeedMore;
  }
  const uint32_t batch_length = DecodeFixed32(p + 4);
  const uint8_t version = static_cast<uint8_t>(p[8]);
  const uint8_t flags = static_cast<uint8_t>(p[9]);
  const uint16_t hlen = DecodeFixed16(p + 10);
  if (version != kBatchVersion) {
    *why = "unknown batch version " + std::to_string(version);
    return HeaderCheck::kBadFraming;
  }
  if (flags != 0) {
    *why = "unknown batch flags " + std::to_string(flags);
    return HeaderCheck::kBadFraming;
  }
  if (hlen < kMinHeaderSize || hlen > kMaxHeaderSize) {
    *why = "header length " + std::to_string(hlen) + " out of range";
    return HeaderCheck::kBadFraming;
  }
  if (batch_length < hlen + kRecordPrefixSize) {
    *why = "batch length " + std::to_string(batch_length) + " shorter than its header";
    return HeaderCheck::kBadFraming;
  }
  if (avail < hlen) {
    *why =
        "only " + std::to_string(avail) + " bytes left, the header claims " + std::to_string(hlen);
    return HeaderCheck::kNeedMore;
  }
  const uint32_t crc = DecodeFixed32(p);
  if (Crc32c(p + 4, hlen - 4) != crc) {
    *why = "header checksum mismatch";
    return HeaderCheck::kBadCrc;
  }
  BatchHeader h;
  h.header_crc = crc;
  h.batch_length = batch_length;
  h.header_length = hlen;
  h.record_count = DecodeFixed32(p + 12);
  h.base_offset = DecodeFixed64(p + 16);
  h.append_time_us = static_cast<int64_t>(DecodeFixed64(p + 24));
  h.payload_crc = DecodeFixed32(p + 32);
  size_t pos = kFixedHeaderSize;
  const size_t tlen = static_cast<uint8_t>(p[pos++]);
  if (tlen == 0 || pos + tlen + 1 > hlen) {
    *why = "bad table name length " + std::to_string(tlen);
    return HeaderCheck::kBadFraming;
  }
  h.table = std::string_view(p + pos, tlen);
  pos += tlen;
  const size_t klen = static_cast<uint8_t>(p[pos++]);
  if (BatchHeaderSize(tlen, klen) != hlen) {
    *why = "header length " + std::to_string(hlen) + " does not match its fields";
    return HeaderCheck::kBadFraming;
  }
  if (klen > 0) {
    h.key = std::string_view(p + pos, klen);
    h.body_hash = DecodeFixed64(p + pos + klen);
  }
  if (h.record_count == 0 ||
      static_cast<uint64_t>(h.record_count) * kRecordPrefixSize > batch_length - hlen) {
    *why = "record count " + std::to_string(h.record_count) + " does not fit the batch";
    return HeaderCheck::kBadFraming;
  }
  *out = h;
  return HeaderCheck::kOk;
}

namespace {

// Walks the records of a batch's payload, calling visit(record) for each,
// and checks that the framing covers the payload exactly.
template <typename Visit>
Status WalkRecords(const BatchHeader& h, const char* p, Visit&& visit) {
  const char* payload = p + h.header_length;
  const size_t n = h.batch_length - h.header_length;
  size_t pos = 0;
  for (uint32_t i = 0; i < h.record_count; ++i) {
    if (n - pos < kRecordPrefixSize)
      return Status::Corruption("record framing runs past the batch");
    const uint32_t len = DecodeFixed32(payload + pos);
    pos += kRecordPrefixSize;
    if (len > n - pos) return Status::Corruption("record framing runs past the batch");
    visit(std::string_view(payload + pos, len));
    pos += len;
  }
  if (pos != n) return Status::Corruption("record framing leaves bytes at the end of the batch");
  return Status::OK();
}

}  // namespace

Status CheckBatchPayload(const BatchHeader& h, const char* p) {
  if (Crc32c(p + h.header_length, h.batch_length - h.header_length) != h.payload_crc) {
    return Status::Corruption("payload checksum mismatch");
  }
  return WalkRecords(h, p, [](std::string_view) {});
}

Status SplitRecords(const BatchHeader& h, const char* p, std::vector<std::string_view>* out) {
  out->clear();
  out->reserve(h.record_count);
  return WalkRecords(h, p, [out](std::string_view r) { out->push_back(r); });
}

}  // namespace tp::stream
