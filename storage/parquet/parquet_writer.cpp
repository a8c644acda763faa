// The Parquet file writer: file framing, row groups and the footer.
// Spec: apache/parquet-format README.md "File Format" (4-byte magic "PAR1",
// column chunks, FileMetaData, 4-byte little-endian footer length, "PAR1")
// and "Metadata" (parquet.thrift FileMetaData / RowGroup / ColumnChunk).
#include "storage/parquet/parquet_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <set>

#include "storage/parquet/column_writer.h"
#include "storage/parquet/metadata.h"
#include "storage/schema_json.h"

namespace tp::storage::parquet {

namespace {

constexpr char kMagic[] = "PAR1";
constexpr std::string_view kSchemaKey = "tillpipe.schema";

Status ErrnoStatus(const std::string& op, const std::filesystem::path& path, int err) {
  std::string m = op + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(m);
  if (err == ENOENT) return Status::NotFound(m);
  return Status::IOError(m);
}

// Buffered appends to a new file, hashing every byte (XXH3-64).
class FileSink final : public PageSink {
 public:
  static constexpr size_t kBufferBytes = 1 << 20;

  // The buffer grows as needed rather than being reserved up front: most
  // part files are far smaller than kBufferBytes, and a fresh 1 MiB block per
  // file costs an mmap, page faults and an munmap.
  FileSink(std::filesystem::path path, int fd)
      : path_(std::move(path)), fd_(fd), state_(XXH3_createState()) {
    XXH3_64bits_reset(state_);
  }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
    XXH3_freeState(state_);
  }

  uint64_t offset() const override { return offset_; }

  Status Append(std::string_view bytes) override {
    XXH3_64bits_update(state_, bytes.data(), bytes.size());
    offset_ += bytes.size();
    if (buffer_.size() + bytes.size() > kBufferBytes) {
      PQ_RETURN_IF_ERROR(Flush());
      if (bytes.size() >= kBufferBytes) return WriteAll(bytes);
    }
    buffer_.append(bytes);
    return Status::OK();
  }

  Status Flush() {
    Status s = WriteAll(buffer_);
    buffer_.clear();
    return s;
  }

  // Flushes, fdatasyncs and closes.
  Status Close() {
    PQ_RETURN_IF_ERROR(Flush());
    if (::fdatasync(fd_) != 0) return ErrnoStatus("fdatasync", path_, errno);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoStatus("close", path_, errno);
    return Status::OK();
  }

  uint64_t digest() const { return XXH3_64bits_digest(state_); }

 private:
  Status WriteAll(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  std::filesystem::path path_;
  int fd_;
  XXH3_state_t* state_;
  std::string buffer_;
  uint64_t offset_ = 0;
};

Status CheckSchema(const Schema& schema) {
  if (schema.fields.empty()) return Status::InvalidArgument("parquet: a schema needs a column");
  std::set<std::string> names;
  for (const Field& f : schema.fields) {
    if (f.name.empty()) return Status::InvalidArgument("parquet: a column has an empty name");
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("parquet: column name '" + f.name + "' appears twice");
    }
    if (f.type.id == TypeId::kDecimal &&
        (f.type.precision < 1 || f.type.precision > 18 || f.type.scale > f.type.precision)) {
      return Status::InvalidArgument("parquet: column '" + f.name + "' has type " +
                                     f.type.ToString() +
                                     "; decimals need precision 1..18 and scale <= precision");
    }
  }
  return Status::OK();
}

}  // namespace

class ParquetWriter::Impl {
 public:
  Impl(std::filesystem::path path, int fd, Schema schema, WriterOptions options)
      : path_(path),
        sink_(std::move(path), fd),
        schema_(std::move(schema)),
        options_(std::move(options)),
        chunk_writer_(ChunkOptions{options_.zstd_level, std::max<size_t>(options_.page_bytes, 1),
                                   options_.max_dictionary_bytes}) {
    if (options_.row_group_rows == 0) options_.row_group_rows = 1;
  }

  Status Start() { return Fail(sink_.Append(kMagic)); }

  Status WriteColumns(const std::vector<const Column*>& columns) {
    if (!error_.ok()) return error_;
    if (finished_) return Status::InvalidArgument("parquet: " + path_.string() + " is finished");
    PQ_RETURN_IF_ERROR(Check(columns));
    size_t rows = columns[0]->size();
    for (size_t begin = 0; begin < rows; begin += options_.row_group_rows) {
      size_t end = std::min(rows, begin + options_.row_group_rows);
      PQ_RETURN_IF_ERROR(Fail(WriteRowGroup(columns, begin, end)));
    }
    return Status::OK();
  }

  Result<FileInfo> Finish() {
    if (!error_.ok()) return error_;
    if (finished_) return Status::InvalidArgument("parquet: " + path_.string() + " is finished");
    finished_ = true;
    FileMetaData md;
    md.version = 1;
    SchemaElement root;
    root.name = "schema";
    root.num_children = static_cast<int32_t>(schema_.fields.size());
    md.schema.push_back(root);
    for (const Field& f : schema_.fields) md.schema.push_back(SchemaElementFor(f));
    md.num_rows = static_cast<int64_t>(rows_);
    md.row_groups = std::move(row_groups_);
    bool has_schema_key = false;
    for (const auto& [k, v] : options_.key_value_metadata) {
      md.key_value_metadata.push_back(KeyValue{k, v});
      has_schema_key |= k == kSchemaKey;
    }
    if (!has_schema_key) {
      md.key_value_metadata.push_back(KeyValue{std::string(kSchemaKey), SchemaToJson(schema_)});
    }
    md.created_by = options_.created_by;
    md.column_orders.assign(schema_.fields.size(), ColumnOrder{1});
    std::string footer = Serialize(md);
    uint32_t len = static_cast<uint32_t>(footer.size());
    char len_bytes[4] = {static_cast<char>(len), static_cast<char>(len >> 8),
                         static_cast<char>(len >> 16), static_cast<char>(len >> 24)};
    footer.append(len_bytes, 4);
    footer.append(kMagic, 4);
    PQ_RETURN_IF_ERROR(Fail(sink_.Append(footer)));
    PQ_RETURN_IF_ERROR(Fail(sink_.Close()));
    FileInfo info;
    info.rows = rows_;
    info.bytes = sink_.offset();
    info.row_groups = static_cast<uint32_t>(md.row_groups.size());
    info.checksum = sink_.digest();
    return info;
  }

 private:
  Status Fail(Status s) {
    if (!s.ok() && error_.ok()) error_ = s;
    return s;
  }

  Status Check(const std::vector<const Column*>& columns) const {
    const auto& fields = schema_.fields;
    if (columns.size() != fields.size()) {
      return Status::InvalidArgument("parquet: " + std::to_string(columns.size()) +
                                     " columns given for a schema of " +
                                     std::to_string(fields.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const Column* c = columns[i];
      if (c == nullptr) {
        return Status::InvalidArgument("parquet: column '" + fields[i].name + "' is missing");
      }
      if (!(c->type() == fields[i].type)) {
        return Status::InvalidArgument("parquet: column '" + fields[i].name + "' is " +
                                       c->type().ToString() + " but the schema says " +
                                       fields[i].type.ToString());
      }
      if (c->size() != columns[0]->size()) {
        return Status::InvalidArgument("parquet: column '" + fields[i].name + "' has " +
                                       std::to_string(c->size()) + " rows, column '" +
                                       fields[0].name + "' " + std::to_string(columns[0]->size()));
      }
      if (!fields[i].nullable && c->null_count() > 0) {
        size_t row = 0;
        while (row < c->size() && !c->IsNull(row)) ++row;
        return Status::InvalidArgument("parquet: column '" + fields[i].name +
                                       "' is NOT NULL but row " + std::to_string(rows_ + row) +
                                       " of the file (row " + std::to_string(row) +
                                       " of this batch) is NULL");
      }
    }
    return Status::OK();
  }

  Status WriteRowGroup(const std::vector<const Column*>& columns, size_t begin, size_t end) {
    RowGroup g;
    g.num_rows = static_cast<int64_t>(end - begin);
    g.file_offset = static_cast<int64_t>(sink_.offset());
    int64_t compressed = 0;
    for (size_t i = 0; i < columns.size(); ++i) {
      ColumnChunk chunk;
      PQ_RETURN_IF_ERROR(
          chunk_writer_.Write(schema_.fields[i], *columns[i], begin, end, &sink_, &chunk));
      g.total_byte_size += chunk.meta_data->total_uncompressed_size;
      compressed += chunk.meta_data->total_compressed_size;
      g.columns.push_back(std::move(chunk));
    }
    g.total_compressed_size = compressed;
    if (row_groups_.size() <= static_cast<size_t>(INT16_MAX)) {
      g.ordinal = static_cast<int16_t>(row_groups_.size());
    }
    row_groups_.push_back(std::move(g));
    rows_ += end - begin;
    return Status::OK();
  }

  std::filesystem::path path_;
  FileSink sink_;
  Schema schema_;
  WriterOptions options_;
  ColumnChunkWriter chunk_writer_;
  std::vector<RowGroup> row_groups_;
  uint64_t rows_ = 0;
  Status error_;
  bool finished_ = false;
};

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetWriter::~ParquetWriter() = default;

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Create(const std::filesystem::path& path,
                                                             const Schema& schema,
                                                             WriterOptions options) {
  PQ_RETURN_IF_ERROR(CheckSchema(schema));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", path, errno);
  auto impl = std::make_unique<Impl>(path, fd, schema, std::move(options));
  PQ_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
}

Status ParquetWriter::WriteColumns(const std::vector<const Column*>& columns) {
  return impl_->WriteColumns(columns);
}

Result<FileInfo> ParquetWriter::Finish() { return impl_->Finish(); }

Result<FileInfo> WriteParquetFile(const std::filesystem::path& path, const Schema& schema,
                                  const std::vector<const Column*>& columns,
                                  const WriterOptions& options) {
  auto w = ParquetWriter::Create(path, schema, options);
  if (!w.ok()) return w.status();
  PQ_RETURN_IF_ERROR((*w)->WriteColumns(columns));
  return (*w)->Finish();
}

}  // namespace tp::storage::parquet
