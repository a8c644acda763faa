// Footer, schema and statistics decoding, and column chunk reads. See
// parquet_reader.h and FORMAT.md "Reader".
#include "storage/parquet/parquet_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "storage/schema_json.h"
#include "storage/parquet/metadata.h"

namespace tp::storage::parquet {

namespace {

constexpr char kMagic[] = "PAR1";
constexpr char kEncryptedMagic[] = "PARE";
constexpr std::string_view kSchemaKey = "tillpipe.schema";

// Reads exactly n bytes at `offset`.
Status PRead(int fd, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("read failed: ") + std::strerror(errno));
    }
    if (r == 0) {
      return Status::Corruption("file ends at offset " + std::to_string(offset + got) +
                                " (was it truncated while open?)");
    }
    got += static_cast<size_t>(r);
  }
  return Status::OK();
}

// The annotation of a leaf, from its LogicalType or else its ConvertedType
// (LogicalTypes.md; parquet.thrift ConvertedType for the legacy values).
struct Annotation {
  enum Kind { kNone, kString, kDecimal, kDate, kTimestamp, kInt, kOther } kind = kNone;
  std::string name;  // kOther: what it is, for the error
  int32_t scale = 0, precision = 0;
  TimeUnit unit = TimeUnit::kMicros;
  int bits = 0;
  bool is_signed = true;
};

Status AnnotationOf(const SchemaElement& e, Annotation* a) {
  using K = LogicalTypeAnnotation::Kind;
  if (e.logical_type) {
    const LogicalTypeAnnotation& l = *e.logical_type;
    switch (l.kind) {
      case K::kString:
        a->kind = Annotation::kString;
        return Status::OK();
      case K::kDate:
        a->kind = Annotation::kDate;
        return Status::OK();
      case K::kDecimal:
        a->kind = Annotation::kDecimal;
        a->scale = l.scale;
        a->precision = l.precision;
        return Status::OK();
      case K::kTimestamp:
        a->kind = Annotation::kTimestamp;
        a->unit = l.unit;
        return Status::OK();
      case K::kInteger:
        a->kind = Annotation::kInt;
        a->bits = l.bit_width;
        a->is_signed = l.is_signed;
        return Status::OK();
      case K::kOther:
        break;
    }
    // parquet.thrift `union LogicalType` field ids.
    switch (l.other_id) {
      case 4:   // ENUM
      case 12:  // JSON
        a->kind = Annotation::kString;
        return Status::OK();
      case 2:
        a->name = "MAP";
        break;
      case 3:
        a->name = "LIST";
        break;
      case 7:
        a->name = "TIME";
        break;
      case 11:
        a->name = "UNKNOWN (always NULL)";
        break;
      case 13:
        a->name = "BSON";
        break;
      case 14:
        a->name = "UUID";
        break;
      case 15:
        a->name = "FLOAT16";
        break;
      case 16:
        a->name = "VARIANT";
        break;
      case 17:
        a->name = "GEOMETRY";
        break;
      case 18:
        a->name = "GEOGRAPHY";
        break;
      default:
        a->name = "logical type #" + std::to_string(l.other_id);
        break;
    }
    a->kind = Annotation::kOther;
    return Status::OK();
  }
  if (!e.converted_type) return Status::OK();
  switch (static_cast<int32_t>(*e.converted_type)) {
    case 0:   // UTF8
    case 4:   // ENUM
    case 19:  // JSON
      a->kind = Annotation::kString;
      return Status::OK();
    case 5:  // DECIMAL: precision and scale are SchemaElement fields 7/8
      if (!e.precision) {
        return Status::Corruption("DECIMAL column '" + e.name + "' without a precision");
      }
      a->kind = Annotation::kDecimal;
      a->scale = e.scale.value_or(0);
      a->precision = *e.precision;
      return Status::OK();
    case 6:
      a->kind = Annotation::kDate;
      return Status::OK();
    case 9:
    case 10:
      a->kind = Annotation::kTimestamp;
      a->unit =
          static_cast<int32_t>(*e.converted_type) == 9 ? TimeUnit::kMillis : TimeUnit::kMicros;
      return Status::OK();
    case 11:
    case 12:
    case 13:
    case 14:  // UINT_8/16/32/64
    case 15:
    case 16:
    case 17:
    case 18: {  // INT_8/16/32/64
      int c = static_cast<int32_t>(*e.converted_type);
      a->kind = Annotation::kInt;
      a->is_signed = c >= 15;
      a->bits = 8 << ((c - 11) % 4);
      return Status::OK();
    }
    case 1:
    case 2:
      a->name = "MAP";
      break;
    case 3:
      a->name = "LIST";
      break;
    case 7:
    case 8:
      a->name = "TIME";
      break;
    case 20:
      a->name = "BSON";
      break;
    case 21:
      a->name = "INTERVAL";
      break;
    default:
      a->name = "converted type #" + std::to_string(static_cast<int32_t>(*e.converted_type));
      break;
  }
  a->kind = Annotation::kOther;
  return Status::OK();
}

const char* PhysicalName(PhysicalType t) {
  static const char* const kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                       "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  int i = static_cast<int>(t);
  return i >= 0 && i < 8 ? kNames[i] : "unknown physical type";
}

// The tillpipe field and decoding of one leaf (FORMAT.md "Reader" has the
// table). InvalidArgument for types tillpipe has no column for.
Status MapLeaf(const SchemaElement& e, Field* field, LeafSpec* leaf) {
  field->name = e.name;
  if (!e.type) return Status::Corruption("column '" + e.name + "' has no physical type");
  if (e.repetition_type == Repetition::kRepeated) {
    return Unsupported("repeated column '" + e.name + "'");
  }
  // parquet.thrift: repetition is required for non-root elements; a missing
  // one is read as OPTIONAL, which is always safe.
  field->nullable = e.repetition_type != Repetition::kRequired;
  leaf->physical = *e.type;
  leaf->optional = field->nullable;
  leaf->conversion = Conversion::kNone;
  Annotation a;
  PQ_RETURN_IF_ERROR(AnnotationOf(e, &a));
  auto refuse = [&]() {
    std::string what = a.kind == Annotation::kOther ? a.name + " on " : std::string();
    return Unsupported("column '" + e.name + "' (" + what + PhysicalName(*e.type) + ")");
  };
  if (a.kind == Annotation::kOther) return refuse();
  if (a.kind == Annotation::kDecimal) {
    const bool int_physical = *e.type == PhysicalType::kInt32 || *e.type == PhysicalType::kInt64;
    if (!int_physical || a.precision < 1 || a.precision > 18) {
      return Unsupported("column '" + e.name + "' (decimal(" + std::to_string(a.precision) + "," +
                         std::to_string(a.scale) + ") stored as " + PhysicalName(*e.type) +
                         "; tillpipe decimals have precision <= 18 in INT32/INT64)");
    }
    if (a.scale < 0 || a.scale > a.precision) {
      return Status::Corruption("column '" + e.name + "' has decimal scale " +
                                std::to_string(a.scale) + " outside 0.." +
                                std::to_string(a.precision));
    }
    field->type = LogicalType::Decimal(a.precision, a.scale);
    if (*e.type == PhysicalType::kInt32) leaf->conversion = Conversion::kInt32ToInt64;
    return Status::OK();
  }
  switch (*e.type) {
    case PhysicalType::kBoolean:
      if (a.kind != Annotation::kNone) return refuse();
      field->type = LogicalType::Of(TypeId::kBool);
      return Status::OK();
    case PhysicalType::kInt32:
      if (a.kind == Annotation::kDate) {
        field->type = LogicalType::Of(TypeId::kDate);
      } else if (a.kind == Annotation::kNone ||
                 (a.kind == Annotation::kInt && a.bits <= 32 && (a.is_signed || a.bits < 32))) {
        field->type = LogicalType::Of(TypeId::kInt32);
      } else if (a.kind == Annotation::kInt && a.bits == 32) {  // unsigned 32
        field->type = LogicalType::Of(TypeId::kInt64);
        leaf->conversion = Conversion::kUInt32ToInt64;
      } else {
        return refuse();
      }
      return Status::OK();
    case PhysicalType::kInt64:
      if (a.kind == Annotation::kNone ||
          (a.kind == Annotation::kInt && a.bits == 64 && a.is_signed)) {
        field->type = LogicalType::Of(TypeId::kInt64);
      } else if (a.kind == Annotation::kTimestamp) {
        field->type = LogicalType::Of(TypeId::kTimestamp);
        if (a.unit == TimeUnit::kMillis) leaf->conversion = Conversion::kMillisToMicros;
        if (a.unit == TimeUnit::kNanos) leaf->conversion = Conversion::kNanosToMicros;
      } else {
        return refuse();
      }
      return Status::OK();
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      if (a.kind != Annotation::kNone) return refuse();
      field->type = LogicalType::Of(TypeId::kFloat64);
      if (*e.type == PhysicalType::kFloat) leaf->conversion = Conversion::kFloatToDouble;
      return Status::OK();
    case PhysicalType::kByteArray:
      if (a.kind != Annotation::kNone && a.kind != Annotation::kString) return refuse();
      field->type = LogicalType::Of(TypeId::kString);
      return Status::OK();
    default:
      return refuse();
  }
}

template <typename T>
bool Load(const std::string& bytes, T* v) {
  if (bytes.size() != sizeof(T)) return false;
  std::memcpy(v, bytes.data(), sizeof(T));
  return true;
}

// One statistics bound in the field's representation (see ColumnStats).
bool DecodeBound(const std::string& bytes, const LeafSpec& leaf, ColumnStats* s, bool is_min) {
  int64_t* i = is_min ? &s->min_i : &s->max_i;
  double* d = is_min ? &s->min_d : &s->max_d;
  switch (leaf.physical) {
    case PhysicalType::kBoolean: {
      uint8_t b;
      if (!Load(bytes, &b)) return false;
      *i = b & 1;
      return true;
    }
    case PhysicalType::kInt32: {
      int32_t v;
      if (!Load(bytes, &v)) return false;
      *i = leaf.conversion == Conversion::kUInt32ToInt64
               ? static_cast<int64_t>(static_cast<uint32_t>(v))
               : v;
      return true;
    }
    case PhysicalType::kInt64: {
      int64_t v;
      if (!Load(bytes, &v)) return false;
      if (leaf.conversion == Conversion::kMillisToMicros) {
        if (__builtin_mul_overflow(v, int64_t{1000}, &v)) return false;
      } else if (leaf.conversion == Conversion::kNanosToMicros) {
        v = v / 1000 - (v % 1000 < 0 ? 1 : 0);
      }
      *i = v;
      return true;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      double v;
      if (leaf.physical == PhysicalType::kFloat) {
        float f;
        if (!Load(bytes, &f)) return false;
        v = f;
      } else if (!Load(bytes, &v)) {
        return false;
      }
      if (std::isnan(v)) return false;
      // parquet.thrift ColumnOrder: a zero min may hide -0.0, a zero max +0.0.
      if (v == 0) v = is_min ? -0.0 : 0.0;
      *d = v;
      return true;
    }
    case PhysicalType::kByteArray:
      (is_min ? s->min_s : s->max_s) = bytes;
      return true;
    default:
      return false;
  }
}

ColumnStats StatsOf(const std::optional<Statistics>& st, const LeafSpec& leaf) {
  ColumnStats s;
  if (!st) return s;
  if (st->null_count && *st->null_count >= 0) {
    s.has_null_count = true;
    s.null_count = static_cast<uint64_t>(*st->null_count);
  }
  const bool is_string = leaf.type.id == TypeId::kString;
  if (st->min_value && st->max_value) {
    // Fields 5/6, in the column's order. Without the exactness flags only
    // fixed-width values are known to be exact (strings may be truncated).
    s.exact =
        st->is_min_value_exact.value_or(!is_string) && st->is_max_value_exact.value_or(!is_string);
    s.has_min_max =
        DecodeBound(*st->min_value, leaf, &s, true) && DecodeBound(*st->max_value, leaf, &s, false);
  } else if (st->min && st->max && !is_string && leaf.conversion != Conversion::kUInt32ToInt64) {
    // Deprecated fields 1/2 are in signed order: right for signed numbers
    // only (parquet.thrift Statistics).
    s.exact = true;
    s.has_min_max = DecodeBound(*st->min, leaf, &s, true) && DecodeBound(*st->max, leaf, &s, false);
  }
  if (!s.has_min_max) {
    s.min_i = s.max_i = 0;
    s.min_d = s.max_d = 0;
    s.min_s.clear();
    s.max_s.clear();
  }
  return s;
}

// ChunkDecoder keeps scratch buffers; one per thread.
ChunkDecoder& ThreadDecoder() {
  thread_local ChunkDecoder decoder;
  return decoder;
}

}  // namespace

ParquetReader::~ParquetReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::filesystem::path& path) {
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->path_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) {
    int err = errno;
    std::string m = "parquet: cannot open " + path.string() + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(m);
    return Status::IOError(m);
  }
  Status s = r->Init();
  if (!s.ok()) return s.Prefixed("parquet: " + path.string() + ": ");
  return r;
}

Status ParquetReader::Init() {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Status::IOError(std::string("stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("not a regular file");
  file_size_ = static_cast<uint64_t>(st.st_size);

  // README.md "File Format": "PAR1", data, footer, u32 LE footer length, "PAR1".
  if (file_size_ < 12) {
    return Status::Corruption("not a Parquet file: " + std::to_string(file_size_) +
                              " bytes is shorter than the smallest one (12: \"PAR1\", footer "
                              "length, \"PAR1\")");
  }
  std::string head, tail;
  PQ_RETURN_IF_ERROR(PRead(fd_, 0, 4, &head));
  PQ_RETURN_IF_ERROR(PRead(fd_, file_size_ - 8, 8, &tail));
  if (tail.compare(4, 4, kEncryptedMagic) == 0) {
    return Unsupported("an encrypted Parquet file (\"PARE\" footer)");
  }
  if (tail.compare(4, 4, kMagic) != 0) {
    return Status::Corruption(head == kMagic
                                  ? "no \"PAR1\" at the end of the file: it is truncated or "
                                    "was not finished"
                                  : "not a Parquet file (no \"PAR1\" magic)");
  }
  if (head != kMagic) return Status::Corruption("not a Parquet file (no \"PAR1\" at the start)");
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data(), 4);
  if (footer_len > file_size_ - 12) {
    return Status::Corruption("footer length " + std::to_string(footer_len) +
                              " does not fit in a file of " + std::to_string(file_size_) +
                              " bytes");
  }
  const uint64_t footer_start = file_size_ - 8 - footer_len;
  std::string footer;
  PQ_RETURN_IF_ERROR(PRead(fd_, footer_start, footer_len, &footer));
  FileMetaData md;
  Status s = Deserialize(footer, &md);
  if (!s.ok()) {
    return Status::Corruption("footer (" + std::to_string(footer_len) + " bytes at offset " +
                              std::to_string(footer_start) + ") does not decode: " + s.message());
  }

  // Schema: a root group whose children are all leaves (README.md "Nested
  // Encoding": a flat schema has no repetition levels and definition level
  // <= 1).
  if (md.schema.empty()) return Status::Corruption("footer has an empty schema");
  const SchemaElement& root = md.schema[0];
  const size_t leaves = md.schema.size() - 1;
  for (size_t i = 1; i < md.schema.size(); ++i) {
    if (md.schema[i].num_children.value_or(0) > 0) {
      return Unsupported("nested column '" + md.schema[i].name + "' (a group)");
    }
  }
  if (root.num_children.value_or(-1) != static_cast<int64_t>(leaves)) {
    return Status::Corruption("schema root claims " +
                              std::to_string(root.num_children.value_or(-1)) +
                              " children, the schema has " + std::to_string(leaves) + " leaves");
  }
  schema_.fields.resize(leaves);
  leaves_.resize(leaves);
  for (size_t i = 0; i < leaves; ++i) {
    PQ_RETURN_IF_ERROR(MapLeaf(md.schema[i + 1], &schema_.fields[i], &leaves_[i]));
    leaves_[i].type = schema_.fields[i].type;
  }

  for (const KeyValue& kv : md.key_value_metadata) {
    key_value_.emplace_back(kv.key, kv.value.value_or(""));
  }
  created_by_ = md.created_by.value_or("");
  // Our writer's schema record must say what the Parquet schema says.
  for (const auto& [key, value] : key_value_) {
    if (key != kSchemaKey) continue;
    Result<Schema> ours = SchemaFromJson(value);
    if (!ours.ok()) {
      return Status::Corruption("key-value entry tillpipe.schema is malformed: " +
                                ours.status().message());
    }
    if (ours->fields.size() != leaves) {
      return Status::Corruption("tillpipe.schema has " + std::to_string(ours->fields.size()) +
                                " fields, the Parquet schema " + std::to_string(leaves));
    }
    for (size_t i = 0; i < leaves; ++i) {
      const Field& a = ours->fields[i];
      const Field& b = schema_.fields[i];
      if (!(a == b)) {
        return Status::Corruption("tillpipe.schema field " + std::to_string(i) + " is '" + a.name +
                                  "' " + a.type.ToString() + (a.nullable ? " NULL" : " NOT NULL") +
                                  ", the Parquet schema has '" + b.name + "' " + b.type.ToString() +
                                  (b.nullable ? " NULL" : " NOT NULL"));
      }
    }
    schema_ = std::move(*ours);
    break;
  }

  // Row groups: one chunk per leaf, in schema order, inside the data area.
  if (md.num_rows < 0) return Status::Corruption("negative row count");
  num_rows_ = static_cast<uint64_t>(md.num_rows);
  uint64_t total_rows = 0;
  row_groups_.reserve(md.row_groups.size());
  chunks_.reserve(md.row_groups.size() * leaves);
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const RowGroup& rg = md.row_groups[g];
    const std::string where = "row group " + std::to_string(g) + ": ";
    if (rg.num_rows < 0) return Status::Corruption(where + "negative row count");
    if (rg.num_rows > std::numeric_limits<int32_t>::max()) {
      return Unsupported(where + "more than 2^31 rows in one row group");
    }
    if (rg.columns.size() != leaves) {
      return Status::Corruption(where + std::to_string(rg.columns.size()) + " column chunks for " +
                                std::to_string(leaves) + " columns");
    }
    RowGroupInfo info;
    info.rows = static_cast<uint64_t>(rg.num_rows);
    total_rows += info.rows;
    for (size_t c = 0; c < leaves; ++c) {
      const ColumnChunk& cc = rg.columns[c];
      const std::string at = where + "column '" + schema_.fields[c].name + "': ";
      if (cc.file_path) return Unsupported(at + "a column chunk in another file");
      if (!cc.meta_data) return Status::Corruption(at + "no ColumnMetaData");
      const ColumnMetaData& m = *cc.meta_data;
      if (m.type != leaves_[c].physical) {
        return Status::Corruption(at + "chunk of type " + PhysicalName(m.type) +
                                  " in a column of type " + PhysicalName(leaves_[c].physical));
      }
      if (m.path_in_schema.size() != 1 || m.path_in_schema[0] != md.schema[c + 1].name) {
        return Status::Corruption(at + "path_in_schema does not name the column");
      }
      if (m.num_values != rg.num_rows) {
        return Status::Corruption(at + std::to_string(m.num_values) + " values in a row group of " +
                                  std::to_string(rg.num_rows) + " rows");
      }
      // The chunk starts at its dictionary page when it has one.
      int64_t start = m.data_page_offset;
      if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
          *m.dictionary_page_offset < start) {
        start = *m.dictionary_page_offset;
      }
      if (start < 4 || m.total_compressed_size < 0 || static_cast<uint64_t>(start) > footer_start ||
          static_cast<uint64_t>(m.total_compressed_size) >
              footer_start - static_cast<uint64_t>(start)) {
        return Status::Corruption(at + "chunk of " + std::to_string(m.total_compressed_size) +
                                  " bytes at offset " + std::to_string(start) +
                                  " lies outside the data area (4.." +
                                  std::to_string(footer_start) + ")");
      }
      Chunk chunk;
      chunk.offset = static_cast<uint64_t>(start);
      chunk.size = static_cast<uint64_t>(m.total_compressed_size);
      chunk.codec = m.codec;
      chunks_.push_back(chunk);
      info.bytes += chunk.size;
      info.columns.push_back(StatsOf(m.statistics, leaves_[c]));
    }
    row_groups_.push_back(std::move(info));
  }
  if (total_rows != num_rows_) {
    return Status::Corruption("row groups hold " + std::to_string(total_rows) +
                              " rows, the footer claims " + std::to_string(num_rows_));
  }
  return Status::OK();
}

uint64_t ParquetReader::ColumnChunkBytes(size_t row_group, size_t field) const {
  if (row_group >= row_groups_.size() || field >= leaves_.size()) return 0;
  return chunks_[row_group * leaves_.size() + field].size;
}

std::string ParquetReader::Where(size_t row_group, size_t field) const {
  return "parquet: " + path_.string() + ": row group " + std::to_string(row_group) + ", column '" +
         schema_.fields[field].name + "': ";
}

Status ParquetReader::CheckArgs(size_t row_group, size_t field) const {
  if (row_group >= row_groups_.size() || field >= leaves_.size()) {
    return Status::InvalidArgument("parquet: " + path_.string() + ": no row group " +
                                   std::to_string(row_group) + " / column " +
                                   std::to_string(field) + " (the file has " +
                                   std::to_string(row_groups_.size()) + " row groups of " +
                                   std::to_string(leaves_.size()) + " columns)");
  }
  return Status::OK();
}

Status ParquetReader::ReadChunk(size_t row_group, size_t field, std::string* bytes) const {
  const Chunk& c = chunks_[row_group * leaves_.size() + field];
  PQ_RETURN_IF_ERROR(CheckCodec(c.codec).Prefixed(Where(row_group, field)));
  return PRead(fd_, c.offset, static_cast<size_t>(c.size), bytes).Prefixed(Where(row_group, field));
}

Status ParquetReader::ReadColumn(size_t row_group, size_t field, Column* out) const {
  PQ_RETURN_IF_ERROR(CheckArgs(row_group, field));
  // Reusing a column of the right type keeps its buffers' capacity.
  if (out->type() == schema_.fields[field].type) {
    out->Clear();
  } else {
    *out = Column(schema_.fields[field].type);
  }
  thread_local std::string bytes;
  PQ_RETURN_IF_ERROR(ReadChunk(row_group, field, &bytes));
  const Chunk& c = chunks_[row_group * leaves_.size() + field];
  Status s = ThreadDecoder().ReadValues(leaves_[field], c.codec, bytes, c.offset,
                                        row_groups_[row_group].rows, out);
  if (!s.ok()) {
    out->Clear();
    return s.Prefixed(Where(row_group, field));
  }
  return Status::OK();
}

Status ParquetReader::ReadDictionaryCodes(size_t row_group, size_t field, Column* dictionary,
                                          std::vector<uint32_t>* codes) const {
  PQ_RETURN_IF_ERROR(CheckArgs(row_group, field));
  if (dictionary->type() == schema_.fields[field].type) {
    dictionary->Clear();
  } else {
    *dictionary = Column(schema_.fields[field].type);
  }
  codes->clear();
  thread_local std::string bytes;
  PQ_RETURN_IF_ERROR(ReadChunk(row_group, field, &bytes));
  const Chunk& c = chunks_[row_group * leaves_.size() + field];
  Status s = ThreadDecoder().ReadCodes(leaves_[field], c.codec, bytes, c.offset,
                                       row_groups_[row_group].rows, dictionary, codes);
  if (!s.ok()) {
    dictionary->Clear();
    codes->clear();
    return s.Prefixed(Where(row_group, field));
  }
  return Status::OK();
}

}  // namespace tp::storage::parquet
