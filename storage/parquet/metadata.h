// C++ mirrors of the parts of parquet.thrift (apache/parquet-format,
// src/main/thrift/parquet.thrift) that tillpipe writes and reads, with their
// compact-protocol encoders and decoders. Field ids are parquet.thrift's.
//
// Optional thrift fields are std::optional (or an empty vector for optional
// lists). Decoders skip fields they do not know, so files from other writers
// (with page indexes, bloom filters, size statistics, ...) decode too; they
// return Corruption when a required field is missing or malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/parquet/thrift_compact.h"
#include "stream/status.h"

namespace tp::storage::parquet {

// parquet.thrift `enum Type`.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// parquet.thrift `enum ConvertedType` (the values we use).
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kDecimal = 5,
  kDate = 6,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kInt32 = 17,
  kInt64 = 18,
};

// parquet.thrift `enum FieldRepetitionType`.
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// parquet.thrift `enum Encoding`.
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

// parquet.thrift `enum CompressionCodec`.
enum class Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

// parquet.thrift `enum PageType`.
enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class TimeUnit : int32_t { kMillis = 1, kMicros = 2, kNanos = 3 };  // union field ids

// parquet.thrift `union LogicalType`, the members we use. Others decode as
// kOther (their content skipped).
struct LogicalTypeAnnotation {
  enum class Kind : int16_t {  // = the union's field id
    kString = 1,
    kDecimal = 5,
    kDate = 6,
    kTimestamp = 8,
    kInteger = 10,
    kOther = -1,
  };
  Kind kind = Kind::kOther;
  int16_t other_id = 0;  // kOther: the union field id seen
  // kDecimal (DecimalType: 1 scale, 2 precision)
  int32_t scale = 0;
  int32_t precision = 0;
  // kTimestamp (TimestampType: 1 isAdjustedToUTC, 2 unit)
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMicros;
  // kInteger (IntType: 1 bitWidth (i8), 2 isSigned)
  int8_t bit_width = 0;
  bool is_signed = true;

  static LogicalTypeAnnotation String() { return {Kind::kString}; }
  static LogicalTypeAnnotation Date() { return {Kind::kDate}; }
  static LogicalTypeAnnotation Decimal(int32_t scale, int32_t precision);
  static LogicalTypeAnnotation Timestamp(bool adjusted_to_utc, TimeUnit unit);
  static LogicalTypeAnnotation Integer(int8_t bit_width, bool is_signed);
  bool operator==(const LogicalTypeAnnotation&) const = default;
};

struct SchemaElement {
  std::optional<PhysicalType> type;                   // 1
  std::optional<int32_t> type_length;                 // 2
  std::optional<Repetition> repetition_type;          // 3
  std::string name;                                   // 4 required
  std::optional<int32_t> num_children;                // 5
  std::optional<ConvertedType> converted_type;        // 6 (raw value kept)
  std::optional<int32_t> scale;                       // 7
  std::optional<int32_t> precision;                   // 8
  std::optional<int32_t> field_id;                    // 9
  std::optional<LogicalTypeAnnotation> logical_type;  // 10
  bool operator==(const SchemaElement&) const = default;
};

struct Statistics {
  std::optional<std::string> max;          // 1 (deprecated; decoded only)
  std::optional<std::string> min;          // 2 (deprecated; decoded only)
  std::optional<int64_t> null_count;       // 3
  std::optional<int64_t> distinct_count;   // 4
  std::optional<std::string> max_value;    // 5
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
  std::optional<int64_t> nan_count;        // 9
  bool operator==(const Statistics&) const = default;
};

struct KeyValue {
  std::string key;                   // 1 required
  std::optional<std::string> value;  // 2
  bool operator==(const KeyValue&) const = default;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;       // 1
  std::vector<Encoding> encodings;                // 2
  std::vector<std::string> path_in_schema;        // 3
  Codec codec = Codec::kUncompressed;             // 4
  int64_t num_values = 0;                         // 5
  int64_t total_uncompressed_size = 0;            // 6
  int64_t total_compressed_size = 0;              // 7
  std::vector<KeyValue> key_value_metadata;       // 8
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> index_page_offset;       // 10
  std::optional<int64_t> dictionary_page_offset;  // 11
  std::optional<Statistics> statistics;           // 12
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;     // 1
  int64_t file_offset = 0;                  // 2
  std::optional<ColumnMetaData> meta_data;  // 3
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2
  int64_t num_rows = 0;                          // 3
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7
  bool operator==(const RowGroup&) const = default;
};

// parquet.thrift `union ColumnOrder`: 1 = TYPE_ORDER (TypeDefinedOrder).
struct ColumnOrder {
  int16_t kind = 1;  // the union field id; 1 = TypeDefinedOrder
  bool operator==(const ColumnOrder&) const = default;
};

struct FileMetaData {
  int32_t version = 1;                       // 1
  std::vector<SchemaElement> schema;         // 2
  int64_t num_rows = 0;                      // 3
  std::vector<RowGroup> row_groups;          // 4
  std::vector<KeyValue> key_value_metadata;  // 5
  std::optional<std::string> created_by;     // 6
  std::vector<ColumnOrder> column_orders;    // 7
  bool operator==(const FileMetaData&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                               // 1
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
  std::optional<Statistics> statistics;                 // 5
  bool operator==(const DataPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2
  std::optional<bool> is_sorted;         // 3
  bool operator==(const DictionaryPageHeader&) const = default;
};

// DataPageHeaderV2 (field 8) is not written; a reader meeting one sees
// has_data_page_v2 and may refuse the page.
struct PageHeader {
  PageType type = PageType::kDataPage;                         // 1
  int32_t uncompressed_page_size = 0;                          // 2
  int32_t compressed_page_size = 0;                            // 3
  std::optional<int32_t> crc;                                  // 4
  std::optional<DataPageHeader> data_page_header;              // 5
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  bool has_data_page_v2 = false;                               // 8 (skipped)
  bool operator==(const PageHeader&) const = default;
};

// Encoders: append one struct to the writer's output.
void Encode(CompactWriter* w, const LogicalTypeAnnotation& v);
void Encode(CompactWriter* w, const SchemaElement& v);
void Encode(CompactWriter* w, const Statistics& v);
void Encode(CompactWriter* w, const KeyValue& v);
void Encode(CompactWriter* w, const ColumnMetaData& v);
void Encode(CompactWriter* w, const ColumnChunk& v);
void Encode(CompactWriter* w, const RowGroup& v);
void Encode(CompactWriter* w, const ColumnOrder& v);
void Encode(CompactWriter* w, const FileMetaData& v);
void Encode(CompactWriter* w, const DataPageHeader& v);
void Encode(CompactWriter* w, const DictionaryPageHeader& v);
void Encode(CompactWriter* w, const PageHeader& v);

// Decoders: read one struct at the reader's position (*out is reset first).
Status Decode(CompactReader* r, LogicalTypeAnnotation* out);
Status Decode(CompactReader* r, SchemaElement* out);
Status Decode(CompactReader* r, Statistics* out);
Status Decode(CompactReader* r, KeyValue* out);
Status Decode(CompactReader* r, ColumnMetaData* out);
Status Decode(CompactReader* r, ColumnChunk* out);
Status Decode(CompactReader* r, RowGroup* out);
Status Decode(CompactReader* r, ColumnOrder* out);
Status Decode(CompactReader* r, FileMetaData* out);
Status Decode(CompactReader* r, DataPageHeader* out);
Status Decode(CompactReader* r, DictionaryPageHeader* out);
Status Decode(CompactReader* r, PageHeader* out);

// Convenience: a whole struct to/from bytes.
template <typename T>
std::string Serialize(const T& v) {
  std::string out;
  CompactWriter w(&out);
  Encode(&w, v);
  return out;
}
// Decodes a T from the start of `data`; *consumed (if given) gets its size.
// Without `consumed`, bytes after the struct are an error.
template <typename T>
Status Deserialize(std::string_view data, T* out, size_t* consumed = nullptr) {
  CompactReader r(data);
  PQ_RETURN_IF_ERROR(Decode(&r, out));
  if (consumed != nullptr) {
    *consumed = r.position();
  } else if (r.remaining() != 0) {
    return Status::Corruption("thrift: " + std::to_string(r.remaining()) +
                              " stray bytes after the struct");
  }
  return Status::OK();
}

const char* EncodingName(Encoding e);

}  // namespace tp::storage::parquet
