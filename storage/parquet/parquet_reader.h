// Reads Parquet files into tillpipe columns: the footer, schema and
// per-row-group statistics at Open, then single column chunks on demand, so a
// query reads and decompresses only the columns (projection) and row groups
// (skipping by statistics) it needs.
//
//   auto r = ParquetReader::Open(path);               // footer only
//   for (size_t g = 0; g < (*r)->row_groups().size(); ++g) {
//     if (/* stats rule the group out */) continue;
//     Column c(type);
//     Status s = (*r)->ReadColumn(g, field, &c);       // one chunk: pread + decode
//   }
//
// What is accepted (flat schemas; the types, encodings and codecs tillpipe
// and DuckDB write) and what is refused is in FORMAT.md, "Reader". Spec:
// apache/parquet-format README.md "File Format", "Metadata", parquet.thrift,
// LogicalTypes.md, Encodings.md, Compression.md.
//
// Errors never crash: a corrupt, truncated or non-Parquet file gives
// Status::Corruption, a well-formed file using something unsupported gives
// InvalidArgument; both name the file and the place. After Open the reader
// is immutable: every method is const and safe to call from several threads
// at once (reads use pread; each thread decodes with its own scratch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/column.h"
#include "storage/parquet/page_decoder.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage::parquet {

// Statistics of one column chunk, decoded into the field's tillpipe type:
//   bool               min_i/max_i 0 or 1
//   int32, int64, date min_i/max_i (days for date)
//   decimal            min_i/max_i unscaled
//   timestamp          min_i/max_i microseconds
//   float64            min_d/max_d (NaN never; a zero min is -0.0, a zero max +0.0)
//   string             min_s/max_s, byte-wise unsigned order
struct ColumnStats {
  bool has_min_max = false;  // false: no bounds known (none written, all NULL, or unusable)
  int64_t min_i = 0, max_i = 0;
  double min_d = 0, max_d = 0;
  std::string min_s, max_s;
  // True when min and max are values of the chunk; false when they are only
  // bounds (e.g. truncated long strings): fine for skipping, not for answers.
  bool exact = true;
  bool has_null_count = false;
  uint64_t null_count = 0;
};

struct RowGroupInfo {
  uint64_t rows = 0;
  uint64_t bytes = 0;                // compressed bytes of its column chunks
  std::vector<ColumnStats> columns;  // one per schema field
};

class ParquetReader {
 public:
  // Opens the file and reads and validates the footer: magic, length,
  // Thrift, a flat schema of supported types, row groups whose chunks lie
  // inside the file and whose rows add up. The tillpipe schema comes from
  // the "tillpipe.schema" key-value entry when present (it must agree with
  // the Parquet schema), else from the physical + logical/converted types.
  // NotFound when the file does not exist.
  static Result<std::unique_ptr<ParquetReader>> Open(const std::filesystem::path& path);
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  const std::filesystem::path& path() const { return path_; }
  uint64_t file_size() const { return file_size_; }
  const Schema& schema() const { return schema_; }
  uint64_t num_rows() const { return num_rows_; }
  const std::vector<RowGroupInfo>& row_groups() const { return row_groups_; }
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const {
    return key_value_;
  }
  const std::string& created_by() const { return created_by_; }
  // Compressed bytes of one column chunk (what ReadColumn reads).
  uint64_t ColumnChunkBytes(size_t row_group, size_t field) const;

  // Reads one column of one row group into *out, which becomes a column of
  // the field's type holding row_groups()[row_group].rows values (cleared
  // first; passing the same Column again reuses its buffers). Only that
  // chunk's bytes are read and decompressed. On error *out is left empty.
  Status ReadColumn(size_t row_group, size_t field, Column* out) const;

  // For a dictionary-encoded chunk (typically strings): *dictionary gets the
  // distinct values (field's type, file order) and *codes one index per row
  // (UINT32_MAX for NULL), without materializing the values. NotFound when
  // the chunk is not entirely dictionary-encoded (e.g. the writer fell back
  // to PLAIN): the caller then uses ReadColumn.
  Status ReadDictionaryCodes(size_t row_group, size_t field, Column* dictionary,
                             std::vector<uint32_t>* codes) const;

 private:
  struct Chunk {
    uint64_t offset = 0;  // first page (dictionary page if any)
    uint64_t size = 0;    // total_compressed_size
    Codec codec = Codec::kUncompressed;
  };

  ParquetReader() = default;
  Status Init();
  Status CheckArgs(size_t row_group, size_t field) const;
  Status ReadChunk(size_t row_group, size_t field, std::string* bytes) const;
  std::string Where(size_t row_group, size_t field) const;

  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  Schema schema_;
  std::vector<LeafSpec> leaves_;  // per field
  uint64_t num_rows_ = 0;
  std::vector<RowGroupInfo> row_groups_;
  std::vector<Chunk> chunks_;  // row_group * fields + field
  std::vector<std::pair<std::string, std::string>> key_value_;
  std::string created_by_;
};

}  // namespace tp::storage::parquet
