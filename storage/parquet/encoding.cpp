// PLAIN and the RLE/bit-packing hybrid; see encoding.h for the spec sections.
#include "storage/parquet/encoding.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "storage/parquet/thrift_compact.h"

namespace tp::storage::parquet {

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutU32(uint32_t v, std::string* out) {
  char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
               static_cast<char>(v >> 24)};
  out->append(b, 4);
}

uint32_t GetU32(const char* p) {
  return static_cast<uint32_t>(static_cast<uint8_t>(p[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(p[3])) << 24;
}

// Bit-packs n values (n a multiple of 8) of bit_width bits, LSB first:
// exactly n * bit_width / 8 bytes, sized once and then filled.
template <typename V>
void BitPack(const V* values, size_t n, int bit_width, std::string* out) {
  const size_t at = out->size();
  out->resize(at + n / 8 * static_cast<size_t>(bit_width));
  char* p = out->data() + at;
  uint64_t acc = 0;  // < 8 pending bits + one value of <= 32 bits
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width;
    while (bits >= 8) {
      *p++ = static_cast<char>(acc & 0xFF);
      acc >>= 8;
      bits -= 8;
    }
  }
}

// One bit-packed run of the values [begin, end), zero-padded to groups of 8.
template <typename V>
void PutLiteralRun(const V* values, size_t begin, size_t end, int bit_width, std::string* out) {
  if (begin == end) return;
  size_t n = end - begin;
  size_t groups = (n + 7) / 8;
  PutVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  size_t full = n - n % 8;
  BitPack(values + begin, full, bit_width, out);
  if (full < n) {
    V tmp[8] = {};
    std::memcpy(tmp, values + begin + full, (n - full) * sizeof(V));
    BitPack(tmp, 8, bit_width, out);
  }
}

void PutRepeatedRun(uint32_t value, size_t count, int bit_width, std::string* out) {
  PutVarint(static_cast<uint64_t>(count) << 1, out);
  int bytes = (bit_width + 7) / 8;
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}

// RleBitPackedEncode for values held as V (uint8_t definition levels need
// no widening copy).
template <typename V>
void RleBitPackedEncodeImpl(const V* values, size_t n, int bit_width, std::string* out) {
  size_t literal_start = 0;  // first value not yet written
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && values[j] == values[i]) ++j;
    size_t run = j - i;
    if (run >= 8) {
      // Literal runs hold whole groups of 8 values, so the pending literals
      // borrow the first few values of this run to fill their last group.
      size_t pad = (8 - (i - literal_start) % 8) % 8;
      if (run - pad >= 8) {
        PutLiteralRun(values, literal_start, i + pad, bit_width, out);
        PutRepeatedRun(values[i], run - pad, bit_width, out);
        literal_start = j;
      }
    }
    i = j;
  }
  PutLiteralRun(values, literal_start, n, bit_width, out);
}

}  // namespace

// ---- PLAIN ------------------------------------------------------------------------

void PlainEncodeBooleans(const uint8_t* values, size_t n, std::string* out) {
  size_t start = out->size();
  out->resize(start + (n + 7) / 8, '\0');
  char* p = out->data() + start;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] != 0) p[i / 8] = static_cast<char>(p[i / 8] | (1 << (i % 8)));
  }
}

void PlainEncodeByteArray(std::string_view value, std::string* out) {
  PutU32(static_cast<uint32_t>(value.size()), out);
  out->append(value);
}

Status PlainDecodeBooleans(std::string_view data, size_t n, std::vector<uint8_t>* out) {
  if (data.size() < (n + 7) / 8) return Status::Corruption("PLAIN booleans: page too short");
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    (*out)[i] = (static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1;
  }
  return Status::OK();
}

Status PlainDecodeByteArrays(std::string_view data, size_t n, std::vector<std::string_view>* out,
                             size_t* consumed) {
  out->clear();
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    if (data.size() - pos < 4) return Status::Corruption("PLAIN byte array: length cut off");
    uint32_t len = GetU32(data.data() + pos);
    pos += 4;
    if (len > data.size() - pos) {
      return Status::Corruption("PLAIN byte array: value of " + std::to_string(len) +
                                " bytes runs past the page");
    }
    out->push_back(data.substr(pos, len));
    pos += len;
  }
  if (consumed != nullptr) *consumed = pos;
  return Status::OK();
}

// ---- RLE / bit-packing hybrid ---------------------------------------------------------

int BitWidthFor(uint32_t max_value) {
  int w = 32 - std::countl_zero(max_value);
  return w == 0 ? 1 : w;
}

void RleBitPackedEncode(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  RleBitPackedEncodeImpl(values, n, bit_width, out);
}

void EncodeDefinitionLevels(const uint8_t* levels, size_t n, std::string* out) {
  size_t len_pos = out->size();
  PutU32(0, out);
  RleBitPackedEncodeImpl(levels, n, 1, out);
  uint32_t len = static_cast<uint32_t>(out->size() - len_pos - 4);
  for (int i = 0; i < 4; ++i) (*out)[len_pos + i] = static_cast<char>(len >> (8 * i));
}

void EncodeDictionaryIndices(const uint32_t* indices, size_t n, int bit_width, std::string* out) {
  out->push_back(static_cast<char>(bit_width));
  RleBitPackedEncode(indices, n, bit_width, out);
}

Status RleBitPackedDecode(std::string_view data, int bit_width, size_t n, uint32_t* out,
                          size_t* consumed) {
  if (bit_width < 0 || bit_width > 32) {
    return Status::Corruption("RLE: bit width " + std::to_string(bit_width) + " out of range");
  }
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : ((1ull << bit_width) - 1);
  size_t pos = 0;
  size_t got = 0;
  while (got < n) {
    // Run header (a ULEB128 varint, at most 5 bytes for a u32 header).
    uint64_t header = 0;
    int shift = 0;
    for (;;) {
      if (pos >= data.size()) return Status::Corruption("RLE: data ends inside a run header");
      uint8_t b = static_cast<uint8_t>(data[pos++]);
      header |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
      if (shift > 35) return Status::Corruption("RLE: run header too long");
    }
    if ((header & 1) == 0) {
      uint64_t count = header >> 1;
      if (count == 0) return Status::Corruption("RLE: empty repeated run");
      size_t bytes = static_cast<size_t>((bit_width + 7) / 8);
      if (data.size() - pos < bytes) return Status::Corruption("RLE: repeated value cut off");
      uint64_t value = 0;
      for (size_t k = 0; k < bytes; ++k) {
        value |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + k])) << (8 * k);
      }
      pos += bytes;
      if (value > mask) return Status::Corruption("RLE: repeated value wider than bit width");
      size_t take = static_cast<size_t>(std::min<uint64_t>(count, n - got));
      for (size_t k = 0; k < take; ++k) out[got + k] = static_cast<uint32_t>(value);
      got += take;
    } else {
      uint64_t groups = header >> 1;
      if (groups == 0) return Status::Corruption("RLE: empty bit-packed run");
      uint64_t values = groups * 8;
      size_t take = static_cast<size_t>(std::min<uint64_t>(values, n - got));
      // Bytes the run should have; tolerate a last run cut after its last
      // needed value, never read past the data.
      uint64_t full_bytes = groups * static_cast<uint64_t>(bit_width);
      uint64_t need_bytes = (static_cast<uint64_t>(take) * bit_width + 7) / 8;
      if (data.size() - pos < need_bytes) return Status::Corruption("RLE: bit-packed run cut off");
      const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data() + pos);
      uint64_t bit = 0;
      for (size_t k = 0; k < take; ++k, bit += bit_width) {
        // Gather up to 40 bits starting at `bit` (bit_width <= 32).
        uint64_t byte = bit / 8;
        int off = static_cast<int>(bit % 8);
        uint64_t acc = 0;
        int want = off + bit_width;
        for (int b = 0; b * 8 < want; ++b) acc |= static_cast<uint64_t>(p[byte + b]) << (8 * b);
        out[got + k] = static_cast<uint32_t>((acc >> off) & mask);
      }
      got += take;
      pos += static_cast<size_t>(std::min<uint64_t>(full_bytes, data.size() - pos));
    }
  }
  if (consumed != nullptr) *consumed = pos;
  return Status::OK();
}

Status DecodeDefinitionLevels(std::string_view data, size_t n, std::vector<uint8_t>* levels,
                              size_t* consumed) {
  if (data.size() < 4) return Status::Corruption("definition levels: length cut off");
  uint32_t len = GetU32(data.data());
  if (len > data.size() - 4) return Status::Corruption("definition levels run past the page");
  std::vector<uint32_t> tmp(n);
  Status s = RleBitPackedDecode(data.substr(4, len), 1, n, tmp.data());
  if (!s.ok()) return s;
  levels->resize(n);
  for (size_t i = 0; i < n; ++i) (*levels)[i] = static_cast<uint8_t>(tmp[i]);
  if (consumed != nullptr) *consumed = 4 + len;
  return Status::OK();
}

Status DecodeDictionaryIndices(std::string_view data, size_t n, std::vector<uint32_t>* indices) {
  if (data.empty()) {
    if (n == 0) {
      indices->clear();
      return Status::OK();
    }
    return Status::Corruption("dictionary indices: bit width missing");
  }
  int bit_width = static_cast<uint8_t>(data[0]);
  if (bit_width > 32) return Status::Corruption("dictionary indices: bit width > 32");
  indices->resize(n);
  return RleBitPackedDecode(data.substr(1), bit_width, n, indices->data());
}

// ---- DELTA_BINARY_PACKED ----------------------------------------------------------------

namespace {

Status ReadUleb(std::string_view data, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size())
      return Status::Corruption("DELTA_BINARY_PACKED: data ends in a varint");
    uint8_t b = static_cast<uint8_t>(data[(*pos)++]);
    if (shift == 63 && (b & 0x7E) != 0) break;  // more than 64 bits
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return Status::OK();
  }
  return Status::Corruption("DELTA_BINARY_PACKED: varint longer than 64 bits");
}

uint64_t UnZigZag(uint64_t v) { return (v >> 1) ^ (~(v & 1) + 1); }

void WriteUleb(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Zigzag of a signed value held in a uint64 (two's complement).
uint64_t ZigZag(uint64_t v) { return (v << 1) ^ (~((v >> 63) & 1) + 1); }

int BitsFor64(uint64_t v) { return static_cast<int>(std::bit_width(v)); }

// Packs 32 values of `w` bits (w in 1..64) LSB first into 4 * w bytes.
void PackMiniblock(const uint64_t* v, int w, std::string* out) {
  uint8_t buf[4 * 64] = {};
  uint64_t bit = 0;
  for (int k = 0; k < 32; ++k, bit += static_cast<uint64_t>(w)) {
    size_t byte = static_cast<size_t>(bit / 8);
    int off = static_cast<int>(bit % 8);
    uint64_t x = v[k];
    buf[byte++] |= static_cast<uint8_t>(x << off);
    int left = w - (8 - off);
    x >>= (8 - off);  // off < 8: a shift of 1..8
    for (; left > 0; left -= 8, x >>= 8) buf[byte++] |= static_cast<uint8_t>(x);
  }
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(4 * w));
}

// U is the unsigned type of the physical width: deltas wrap modulo 2^bits(U)
// and min delta is stored as the signed value of that width.
template <typename U>
void DeltaEncodeImpl(const U* values, size_t n, std::string* out) {
  using S = std::make_signed_t<U>;
  constexpr size_t kBlock = 128, kMiniblocks = 4, kPerMini = 32;
  WriteUleb(kBlock, out);
  WriteUleb(kMiniblocks, out);
  WriteUleb(n, out);
  WriteUleb(
      ZigZag(static_cast<uint64_t>(static_cast<int64_t>(static_cast<S>(n > 0 ? values[0] : U{0})))),
      out);
  U deltas[kBlock];
  uint64_t packed[kBlock];
  for (size_t i = 1; i < n; i += kBlock) {
    const size_t count = std::min(kBlock, n - i);
    S min_delta = 0;
    for (size_t k = 0; k < count; ++k) {
      deltas[k] = static_cast<U>(values[i + k] - values[i + k - 1]);  // wraps
      S d = static_cast<S>(deltas[k]);
      if (k == 0 || d < min_delta) min_delta = d;
    }
    for (size_t k = 0; k < kBlock; ++k) {
      // Padding beyond `count` is zero.
      packed[k] = k < count
                      ? static_cast<uint64_t>(static_cast<U>(deltas[k] - static_cast<U>(min_delta)))
                      : 0;
    }
    WriteUleb(ZigZag(static_cast<uint64_t>(static_cast<int64_t>(min_delta))), out);
    uint8_t widths[kMiniblocks] = {};
    const size_t used = (count + kPerMini - 1) / kPerMini;
    for (size_t m = 0; m < used; ++m) {
      uint64_t all = 0;
      for (size_t k = 0; k < kPerMini; ++k) all |= packed[m * kPerMini + k];
      widths[m] = static_cast<uint8_t>(BitsFor64(all));
    }
    out->append(reinterpret_cast<const char*>(widths), kMiniblocks);
    for (size_t m = 0; m < used; ++m) {
      if (widths[m] > 0) PackMiniblock(packed + m * kPerMini, widths[m], out);
    }
  }
}

}  // namespace

void DeltaBinaryPackedEncode(const int32_t* values, size_t n, std::string* out) {
  DeltaEncodeImpl(reinterpret_cast<const uint32_t*>(values), n, out);
}

void DeltaBinaryPackedEncode(const int64_t* values, size_t n, std::string* out) {
  DeltaEncodeImpl(reinterpret_cast<const uint64_t*>(values), n, out);
}

Status DeltaBinaryPackedDecode(std::string_view data, size_t n, int64_t* out, size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total, first;
  PQ_RETURN_IF_ERROR(ReadUleb(data, &pos, &block_size));
  PQ_RETURN_IF_ERROR(ReadUleb(data, &pos, &miniblocks));
  PQ_RETURN_IF_ERROR(ReadUleb(data, &pos, &total));
  PQ_RETURN_IF_ERROR(ReadUleb(data, &pos, &first));
  // Block size a multiple of 128, miniblock size a multiple of 32 (the spec);
  // the upper bound only keeps the arithmetic below far from overflow.
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 24) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED: bad block layout (" +
                              std::to_string(block_size) + " values in " +
                              std::to_string(miniblocks) + " miniblocks)");
  }
  if (total < n) {
    return Status::Corruption("DELTA_BINARY_PACKED: holds " + std::to_string(total) +
                              " values, the page needs " + std::to_string(n));
  }
  const uint64_t per_mini = block_size / miniblocks;
  uint64_t current = UnZigZag(first);
  size_t got = 0;
  if (n > 0) out[got++] = static_cast<int64_t>(current);
  while (got < n) {
    uint64_t min_delta;
    PQ_RETURN_IF_ERROR(ReadUleb(data, &pos, &min_delta));
    min_delta = UnZigZag(min_delta);
    if (data.size() - pos < miniblocks) {
      return Status::Corruption("DELTA_BINARY_PACKED: miniblock bit widths cut off");
    }
    const uint8_t* widths = reinterpret_cast<const uint8_t*>(data.data() + pos);
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && got < n; ++m) {
      const int w = widths[m];
      if (w > 64) return Status::Corruption("DELTA_BINARY_PACKED: bit width > 64");
      const size_t take = static_cast<size_t>(std::min<uint64_t>(per_mini, n - got));
      const uint64_t need = (static_cast<uint64_t>(take) * w + 7) / 8;
      if (data.size() - pos < need)
        return Status::Corruption("DELTA_BINARY_PACKED: miniblock cut off");
      const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data() + pos);
      const uint64_t mask = w == 64 ? ~0ull : ((1ull << w) - 1);
      uint64_t bit = 0;
      for (size_t k = 0; k < take; ++k, bit += static_cast<uint64_t>(w)) {
        uint64_t v = 0;
        if (w > 0) {
          size_t byte = static_cast<size_t>(bit / 8);
          int off = static_cast<int>(bit % 8);
          v = static_cast<uint64_t>(p[byte++]) >> off;
          for (int have = 8 - off; have < w; have += 8)
            v |= static_cast<uint64_t>(p[byte++]) << have;
          v &= mask;
        }
        current += min_delta + v;  // wraps modulo 2^64, as the spec intends
        out[got++] = static_cast<int64_t>(current);
      }
      pos += static_cast<size_t>(std::min<uint64_t>(per_mini * w / 8, data.size() - pos));
    }
  }
  if (consumed != nullptr) *consumed = pos;
  return Status::OK();
}

}  // namespace tp::storage::parquet
