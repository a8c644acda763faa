// Writes tillpipe columns as one Parquet file: "PAR1", row groups of column
// chunks (see column_writer.h), the FileMetaData footer in the Thrift
// compact protocol, its u32 length and "PAR1". What exactly is written is
// described in storage/parquet/FORMAT.md.
//
//   auto w = ParquetWriter::Create(path, schema, options);   // O_EXCL
//   w->WriteColumns({&a, &b});  ...                           // any number of times
//   Result<FileInfo> info = w->Finish();                      // footer + fdatasync
//
// Not thread-safe. After any error the writer refuses further calls with the
// same error and the file is incomplete: the caller deletes it. Finish does
// not fsync the directory; a caller that publishes the file does that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/column.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage::parquet {

struct WriterOptions {
  int zstd_level = 3;                     // ZSTD per page (codec ZSTD = 6)
  size_t row_group_rows = 128 * 1024;     // WriteColumns splits bigger inputs into row groups
  size_t page_bytes = 1 << 20;            // target uncompressed bytes per data page
  size_t max_dictionary_bytes = 1 << 20;  // beyond this a column chunk falls back to PLAIN
  std::string created_by = "tillpipe";    // the caller passes "tillpipe version X.Y.Z"
  // Written as given. Unless a key "tillpipe.schema" is among them, the
  // writer adds it (the schema as JSON, see FORMAT.md).
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

struct FileInfo {
  uint64_t rows = 0;
  uint64_t bytes = 0;  // file size
  uint32_t row_groups = 0;
  uint64_t checksum = 0;  // XXH3-64 of the whole file's bytes
};

class ParquetWriter {
 public:
  // Creates `path` (O_EXCL: fails if it exists) for `schema`. InvalidArgument
  // for a schema Parquet cannot hold as specified (empty or duplicate names,
  // decimal precision outside 1..18 or scale > precision).
  static Result<std::unique_ptr<ParquetWriter>> Create(const std::filesystem::path& path,
                                                       const Schema& schema, WriterOptions options);
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // Appends rows: one Column per schema field, all the same size, types
  // matching. Each call writes its rows as row groups of at most
  // row_group_rows rows (so callers pass large batches). A NULL in a
  // non-nullable field is InvalidArgument naming the column and row.
  Status WriteColumns(const std::vector<const Column*>& columns);

  // Writes the footer, fdatasyncs and closes the file.
  Result<FileInfo> Finish();

 private:
  class Impl;
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Convenience: writes one file in one go.
Result<FileInfo> WriteParquetFile(const std::filesystem::path& path, const Schema& schema,
                                  const std::vector<const Column*>& columns,
                                  const WriterOptions& options);

}  // namespace tp::storage::parquet
