// Decodes the pages of one column chunk of a flat Parquet schema into a
// tillpipe Column: dictionary page, data pages v1 and v2, definition levels,
// PLAIN / RLE_DICTIONARY / PLAIN_DICTIONARY / RLE (booleans) /
// DELTA_BINARY_PACKED / BYTE_STREAM_SPLIT values, UNCOMPRESSED and ZSTD page bodies.
//
// Spec: apache/parquet-format README.md "Column chunks", "Data Pages",
// "Nulls" (max definition level 1 for an OPTIONAL leaf of a flat schema, 0
// for REQUIRED; no repetition levels); parquet.thrift PageHeader,
// DataPageHeader, DataPageHeaderV2, DictionaryPageHeader; Encodings.md for
// the value encodings; Compression.md for the codecs. FORMAT.md ("Reader")
// lists what is accepted and what is refused.
//
// Every length, count and index read from the file is checked: malformed
// input yields Status::Corruption (InvalidArgument for well-formed features we
// do not support), never a crash or an out-of-range access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/parquet/metadata.h"
#include "storage/types.h"
#include "stream/status.h"

struct ZSTD_DCtx_s;

namespace tp::storage::parquet {

// OK for the codecs the decoder reads (UNCOMPRESSED, ZSTD); InvalidArgument
// naming the codec and the way out otherwise.
Status CheckCodec(Codec codec);

// How a stored (physical) value becomes the tillpipe representation.
enum class Conversion : uint8_t {
  kNone,            // same width and meaning
  kInt32ToInt64,    // sign-extend (DECIMAL stored as INT32)
  kUInt32ToInt64,   // zero-extend (INTEGER(32, unsigned) / UINT_32)
  kFloatToDouble,   // FLOAT read as float64
  kMillisToMicros,  // TIMESTAMP(MILLIS); out-of-range values are an error
  kNanosToMicros,   // TIMESTAMP(NANOS), floored to whole microseconds
};

// One leaf column of the file as the decoder needs it.
struct LeafSpec {
  PhysicalType physical = PhysicalType::kInt32;
  LogicalType type;       // the tillpipe type values are decoded to
  bool optional = false;  // max definition level 1 (else 0: no levels stored)
  Conversion conversion = Conversion::kNone;
};

// Decodes column chunks one at a time; holds scratch buffers reused between
// calls. Not thread-safe: use one per thread.
class ChunkDecoder {
 public:
  ChunkDecoder();
  ~ChunkDecoder();
  ChunkDecoder(const ChunkDecoder&) = delete;
  ChunkDecoder& operator=(const ChunkDecoder&) = delete;

  // `chunk` holds all the bytes of one column chunk (page headers and
  // bodies, compressed with `codec`), which starts at file offset
  // `file_offset` (used in messages) and holds `rows` rows.
  //
  // Appends the rows' values to *out (whose type must be leaf.type).
  Status ReadValues(const LeafSpec& leaf, Codec codec, std::string_view chunk, uint64_t file_offset,
                    uint64_t rows, Column* out);

  // Appends the chunk's dictionary to *dictionary (type leaf.type) and one
  // code per row to *codes (an index into the dictionary, UINT32_MAX for
  // NULL). NotFound when the chunk has no dictionary page or a data page that
  // is not dictionary-encoded (the caller then uses ReadValues).
  Status ReadCodes(const LeafSpec& leaf, Codec codec, std::string_view chunk, uint64_t file_offset,
                   uint64_t rows, Column* dictionary, std::vector<uint32_t>* codes);

  // Largest uncompressed page accepted (a guard against lying headers).
  static constexpr uint64_t kMaxPageBytes = 1ull << 30;

 private:
  // Non-NULL values of one page or of the dictionary, in the storage type of
  // the target (only the vector for that type is used).
  struct Values {
    std::vector<uint8_t> u8;
    std::vector<int32_t> i32;
    std::vector<int64_t> i64;
    std::vector<double> f64;
    std::vector<std::string_view> str;
    size_t size(TypeId id) const;
  };

  Status Run(const LeafSpec& leaf, Codec codec, std::string_view chunk, uint64_t file_offset,
             uint64_t rows, Column* out, Column* dictionary, std::vector<uint32_t>* codes);
  Status Decompress(Codec codec, std::string_view body, int64_t uncompressed_size,
                    std::string* buffer, std::string_view* out);
  Status DecodeValues(const LeafSpec& leaf, Encoding encoding, std::string_view data, size_t n,
                      Values* out);
  Status Emit(const LeafSpec& leaf, const uint8_t* levels, size_t rows, size_t present,
              const Values& values, const uint32_t* indices, Column* out);

  ZSTD_DCtx_s* dctx_ = nullptr;
  std::string dict_buffer_;   // decompressed dictionary page (dictionary_ views point here)
  std::string page_buffer_;   // decompressed data page
  std::string split_buffer_;  // BYTE_STREAM_SPLIT values, interleaved
  Values dictionary_;
  Values values_;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<uint32_t> scratch_;
};

// InvalidArgument naming what tillpipe's Parquet reader does not support.
Status Unsupported(const std::string& what);

}  // namespace tp::storage::parquet
