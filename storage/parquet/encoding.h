// Value encodings of Parquet data pages (apache/parquet-format Encodings.md):
//
// - PLAIN (Encodings.md "Plain: (PLAIN = 0)"): BOOLEAN bit-packed one bit
//   per value, LSB first; INT32/INT64/DOUBLE little-endian fixed width;
//   BYTE_ARRAY as a 4-byte little-endian length followed by the bytes.
// - The RLE / bit-packing hybrid (Encodings.md "Run Length Encoding /
//   Bit-Packing Hybrid (RLE = 3)"): runs of either
//     rle-run        varint(count << 1), value in ceil(bit_width / 8) bytes LE
//     bit-packed-run varint(groups << 1 | 1), groups * 8 values packed LSB first
//   Data page v1 definition levels prefix it with a 4-byte LE byte length;
//   dictionary indices (Encodings.md "Dictionary Encoding (PLAIN_DICTIONARY
//   = 2 and RLE_DICTIONARY = 8)") prefix it with one byte holding bit_width.
//
// Encoders append to a std::string; decoders bounds-check and return
// Corruption on malformed input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/status.h"

namespace tp::storage::parquet {

// ---- PLAIN ----------------------------------------------------------------------

// `values` are 0/1 bytes.
void PlainEncodeBooleans(const uint8_t* values, size_t n, std::string* out);
// n values of `width` bytes each, already little-endian in memory.
inline void PlainEncodeFixed(const void* values, size_t width, size_t n, std::string* out) {
  out->append(static_cast<const char*>(values), width * n);
}
void PlainEncodeByteArray(std::string_view value, std::string* out);

// Decoders for tests and the reader. *consumed gets the bytes used.
Status PlainDecodeBooleans(std::string_view data, size_t n, std::vector<uint8_t>* out);
Status PlainDecodeByteArrays(std::string_view data, size_t n, std::vector<std::string_view>* out,
                             size_t* consumed);

// ---- RLE / bit-packing hybrid ------------------------------------------------------

// Bits needed for values 0..max_value (at least 1, at most 32).
int BitWidthFor(uint32_t max_value);

// Appends the hybrid encoding of n values (each < 2^bit_width, bit_width in
// 1..32) without any length prefix. Runs of >= 8 equal values become RLE
// runs; everything else is bit-packed in groups of 8 (the last group padded
// with zeros, as the spec allows at the end).
void RleBitPackedEncode(const uint32_t* values, size_t n, int bit_width, std::string* out);

// Definition levels of a v1 data page: u32 LE length + hybrid (bit width 1).
void EncodeDefinitionLevels(const uint8_t* levels, size_t n, std::string* out);
// Dictionary indices of a data page: 1 byte bit_width + hybrid.
void EncodeDictionaryIndices(const uint32_t* indices, size_t n, int bit_width, std::string* out);

// Decodes exactly n values of the hybrid encoding from `data` (no prefix).
// *consumed (optional) gets the bytes of the runs read.
Status RleBitPackedDecode(std::string_view data, int bit_width, size_t n, uint32_t* out,
                          size_t* consumed = nullptr);
// Inverses of the two prefixed forms above.
Status DecodeDefinitionLevels(std::string_view data, size_t n, std::vector<uint8_t>* levels,
                              size_t* consumed);
Status DecodeDictionaryIndices(std::string_view data, size_t n, std::vector<uint32_t>* indices);

// ---- DELTA_BINARY_PACKED ---------------------------------------------------------------

// Appends the DELTA_BINARY_PACKED encoding of n values: header <block size
// 128> <4 miniblocks> <n> <first value (zigzag)>, then one block per 128
// deltas: <min delta (zigzag)> <4 bit-width bytes> <the miniblocks of
// (delta - min delta) bit-packed LSB first, 32 values each>. A partial last
// miniblock is zero-padded to 32 values; the unused miniblocks of the last
// block get bit width 0 and no bytes. Deltas wrap around: modulo 2^32 for
// the INT32 overload (bit widths <= 32, as INT32 readers expect), modulo 2^64
// for INT64 (bit widths <= 64).
void DeltaBinaryPackedEncode(const int32_t* values, size_t n, std::string* out);
void DeltaBinaryPackedEncode(const int64_t* values, size_t n, std::string* out);

// Encodings.md "Delta Encoding (DELTA_BINARY_PACKED = 5)": a header
// <block size> <miniblocks per block> <total count> <first value (zigzag)>,
// then blocks of <min delta (zigzag)> <one bit-width byte per miniblock>
// <miniblocks bit-packed LSB first>. Decodes the first n values (n <= the
// header's total count) with 64-bit wrap-around arithmetic; an INT32 column's
// values are the low 32 bits. *consumed (optional) gets the bytes read up to
// the end of the last miniblock used.
Status DeltaBinaryPackedDecode(std::string_view data, size_t n, int64_t* out,
                               size_t* consumed = nullptr);

}  // namespace tp::storage::parquet
