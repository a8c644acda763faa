// Writes one column chunk (rows [begin, end) of a Column) as Parquet pages:
// an optional dictionary page, then data pages (format v1), each compressed
// with ZSTD, and fills in the chunk's ColumnMetaData and statistics.
//
// Spec: apache/parquet-format README.md "Column chunks", "Data Pages",
// "Nulls" (definition levels of an OPTIONAL column, max level 1);
// Encodings.md for the value encodings (see encoding.h, dictionary.h);
// statistics.h for the statistics written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/column.h"
#include "storage/parquet/metadata.h"
#include "storage/parquet/statistics.h"  // the chunk statistics written (ComputeStatistics)
#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage::parquet {

// Buffers and the zstd context a ColumnChunkWriter works with (defined in
// column_writer.cpp).
struct ChunkScratch;

// How each tillpipe type is stored (see FORMAT.md).
PhysicalType PhysicalTypeFor(TypeId id);
// The schema leaf for a field: physical, logical and converted type,
// repetition (nullable = OPTIONAL).
SchemaElement SchemaElementFor(const Field& field);

// Where the pages of a chunk go, in order.
class PageSink {
 public:
  virtual ~PageSink() = default;
  virtual uint64_t offset() const = 0;  // file offset of the next byte appended
  virtual Status Append(std::string_view bytes) = 0;
};

// Encodes the non-NULL values of a run of rows in one data-page encoding.
// Implementations (column_writer.cpp): RLE_DICTIONARY when a dictionary is
// kept, else DELTA_BINARY_PACKED for INT32/INT64 columns and PLAIN for the
// rest; chosen in ColumnChunkWriter::Write.
class ValuesEncoder {
 public:
  virtual ~ValuesEncoder() = default;
  virtual Encoding encoding() const = 0;
  // The end of a page that starts at row `begin` (< end), holding about
  // `target_bytes` of encoded values and at least one row.
  virtual size_t PageEnd(size_t begin, size_t end, size_t target_bytes) const = 0;
  // Appends the encoding of the non-NULL values among rows [begin, end).
  virtual void Encode(size_t begin, size_t end, std::string* out) = 0;
};

struct ChunkOptions {
  int zstd_level = 3;
  size_t page_bytes = 1 << 20;
  size_t max_dictionary_bytes = 1 << 20;
};

class ColumnChunkWriter {
 public:
  explicit ColumnChunkWriter(ChunkOptions options);
  ~ColumnChunkWriter();
  ColumnChunkWriter(const ColumnChunkWriter&) = delete;
  ColumnChunkWriter& operator=(const ColumnChunkWriter&) = delete;

  // Writes rows [begin, end) (end > begin) of `column`, stored as `field`, to
  // `sink` and returns the chunk's metadata. The column's type must be the
  // field's, and a non-nullable field must have no NULL in the range.
  Status Write(const Field& field, const Column& column, size_t begin, size_t end, PageSink* sink,
               ColumnChunk* out);

 private:
  // Compresses `body` and appends header + compressed body to the sink.
  Status WritePage(PageHeader header, const std::string& body, PageSink* sink,
                   ColumnMetaData* meta);
  Status WriteDataPages(const Column& column, bool optional, size_t begin, size_t end,
                        ValuesEncoder* encoder, PageSink* sink, ColumnMetaData* meta);

  ChunkOptions options_;
  // Taken from a process-wide pool and given back by the destructor, so the
  // writer of the next file starts with warm buffers and zstd context.
  std::unique_ptr<ChunkScratch> scratch_;
};

}  // namespace tp::storage::parquet
