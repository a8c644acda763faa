// Encoders and decoders for the parquet.thrift structs in metadata.h. Field
// ids and types follow apache/parquet-format src/main/thrift/parquet.thrift.
#include "storage/parquet/metadata.h"

#include <type_traits>

namespace tp::storage::parquet {

LogicalTypeAnnotation LogicalTypeAnnotation::Decimal(int32_t scale, int32_t precision) {
  LogicalTypeAnnotation a{Kind::kDecimal};
  a.scale = scale;
  a.precision = precision;
  return a;
}
LogicalTypeAnnotation LogicalTypeAnnotation::Timestamp(bool adjusted_to_utc, TimeUnit unit) {
  LogicalTypeAnnotation a{Kind::kTimestamp};
  a.is_adjusted_to_utc = adjusted_to_utc;
  a.unit = unit;
  return a;
}
LogicalTypeAnnotation LogicalTypeAnnotation::Integer(int8_t bit_width, bool is_signed) {
  LogicalTypeAnnotation a{Kind::kInteger};
  a.bit_width = bit_width;
  a.is_signed = is_signed;
  return a;
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

// ---- encoding -----------------------------------------------------------------

namespace {

template <typename E>
int32_t I(E e) {
  return static_cast<int32_t>(e);
}

void EncodeKeyValues(CompactWriter* w, int16_t id, const std::vector<KeyValue>& kvs) {
  if (kvs.empty()) return;
  w->FieldListBegin(id, CType::kStruct, static_cast<uint32_t>(kvs.size()));
  for (const auto& kv : kvs) Encode(w, kv);
}

// An empty struct as a field (StringType, DateType, MicroSeconds, ...).
void EmptyStructField(CompactWriter* w, int16_t id) {
  w->FieldStructBegin(id);
  w->StructEnd();
}

}  // namespace

void Encode(CompactWriter* w, const LogicalTypeAnnotation& v) {
  w->StructBegin();
  switch (v.kind) {
    case LogicalTypeAnnotation::Kind::kString:
    case LogicalTypeAnnotation::Kind::kDate:
      EmptyStructField(w, static_cast<int16_t>(v.kind));
      break;
    case LogicalTypeAnnotation::Kind::kDecimal:
      w->FieldStructBegin(5);
      w->FieldI32(1, v.scale);
      w->FieldI32(2, v.precision);
      w->StructEnd();
      break;
    case LogicalTypeAnnotation::Kind::kTimestamp:
      w->FieldStructBegin(8);
      w->FieldBool(1, v.is_adjusted_to_utc);
      w->FieldStructBegin(2);  // union TimeUnit
      EmptyStructField(w, static_cast<int16_t>(v.unit));
      w->StructEnd();
      w->StructEnd();
      break;
    case LogicalTypeAnnotation::Kind::kInteger:
      w->FieldStructBegin(10);
      w->FieldI8(1, v.bit_width);
      w->FieldBool(2, v.is_signed);
      w->StructEnd();
      break;
    case LogicalTypeAnnotation::Kind::kOther:
      if (v.other_id > 0) EmptyStructField(w, v.other_id);
      break;
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const SchemaElement& v) {
  w->StructBegin();
  if (v.type) w->FieldI32(1, I(*v.type));
  if (v.type_length) w->FieldI32(2, *v.type_length);
  if (v.repetition_type) w->FieldI32(3, I(*v.repetition_type));
  w->FieldBinary(4, v.name);
  if (v.num_children) w->FieldI32(5, *v.num_children);
  if (v.converted_type) w->FieldI32(6, I(*v.converted_type));
  if (v.scale) w->FieldI32(7, *v.scale);
  if (v.precision) w->FieldI32(8, *v.precision);
  if (v.field_id) w->FieldI32(9, *v.field_id);
  if (v.logical_type) {
    w->FieldStructHeader(10);
    Encode(w, *v.logical_type);
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const Statistics& v) {
  w->StructBegin();
  if (v.max) w->FieldBinary(1, *v.max);
  if (v.min) w->FieldBinary(2, *v.min);
  if (v.null_count) w->FieldI64(3, *v.null_count);
  if (v.distinct_count) w->FieldI64(4, *v.distinct_count);
  if (v.max_value) w->FieldBinary(5, *v.max_value);
  if (v.min_value) w->FieldBinary(6, *v.min_value);
  if (v.is_max_value_exact) w->FieldBool(7, *v.is_max_value_exact);
  if (v.is_min_value_exact) w->FieldBool(8, *v.is_min_value_exact);
  if (v.nan_count) w->FieldI64(9, *v.nan_count);
  w->StructEnd();
}

void Encode(CompactWriter* w, const KeyValue& v) {
  w->StructBegin();
  w->FieldBinary(1, v.key);
  if (v.value) w->FieldBinary(2, *v.value);
  w->StructEnd();
}

void Encode(CompactWriter* w, const ColumnMetaData& v) {
  w->StructBegin();
  w->FieldI32(1, I(v.type));
  w->FieldListBegin(2, CType::kI32, static_cast<uint32_t>(v.encodings.size()));
  for (Encoding e : v.encodings) w->I32(I(e));
  w->FieldListBegin(3, CType::kBinary, static_cast<uint32_t>(v.path_in_schema.size()));
  for (const auto& p : v.path_in_schema) w->Binary(p);
  w->FieldI32(4, I(v.codec));
  w->FieldI64(5, v.num_values);
  w->FieldI64(6, v.total_uncompressed_size);
  w->FieldI64(7, v.total_compressed_size);
  EncodeKeyValues(w, 8, v.key_value_metadata);
  w->FieldI64(9, v.data_page_offset);
  if (v.index_page_offset) w->FieldI64(10, *v.index_page_offset);
  if (v.dictionary_page_offset) w->FieldI64(11, *v.dictionary_page_offset);
  if (v.statistics) {
    w->FieldStructHeader(12);
    Encode(w, *v.statistics);
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const ColumnChunk& v) {
  w->StructBegin();
  if (v.file_path) w->FieldBinary(1, *v.file_path);
  w->FieldI64(2, v.file_offset);
  if (v.meta_data) {
    w->FieldStructHeader(3);
    Encode(w, *v.meta_data);
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const RowGroup& v) {
  w->StructBegin();
  w->FieldListBegin(1, CType::kStruct, static_cast<uint32_t>(v.columns.size()));
  for (const auto& c : v.columns) Encode(w, c);
  w->FieldI64(2, v.total_byte_size);
  w->FieldI64(3, v.num_rows);
  if (v.file_offset) w->FieldI64(5, *v.file_offset);
  if (v.total_compressed_size) w->FieldI64(6, *v.total_compressed_size);
  if (v.ordinal) w->FieldI16(7, *v.ordinal);
  w->StructEnd();
}

void Encode(CompactWriter* w, const ColumnOrder& v) {
  w->StructBegin();
  EmptyStructField(w, v.kind);
  w->StructEnd();
}

void Encode(CompactWriter* w, const FileMetaData& v) {
  w->StructBegin();
  w->FieldI32(1, v.version);
  w->FieldListBegin(2, CType::kStruct, static_cast<uint32_t>(v.schema.size()));
  for (const auto& e : v.schema) Encode(w, e);
  w->FieldI64(3, v.num_rows);
  w->FieldListBegin(4, CType::kStruct, static_cast<uint32_t>(v.row_groups.size()));
  for (const auto& g : v.row_groups) Encode(w, g);
  EncodeKeyValues(w, 5, v.key_value_metadata);
  if (v.created_by) w->FieldBinary(6, *v.created_by);
  if (!v.column_orders.empty()) {
    w->FieldListBegin(7, CType::kStruct, static_cast<uint32_t>(v.column_orders.size()));
    for (const auto& o : v.column_orders) Encode(w, o);
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const DataPageHeader& v) {
  w->StructBegin();
  w->FieldI32(1, v.num_values);
  w->FieldI32(2, I(v.encoding));
  w->FieldI32(3, I(v.definition_level_encoding));
  w->FieldI32(4, I(v.repetition_level_encoding));
  if (v.statistics) {
    w->FieldStructHeader(5);
    Encode(w, *v.statistics);
  }
  w->StructEnd();
}

void Encode(CompactWriter* w, const DictionaryPageHeader& v) {
  w->StructBegin();
  w->FieldI32(1, v.num_values);
  w->FieldI32(2, I(v.encoding));
  if (v.is_sorted) w->FieldBool(3, *v.is_sorted);
  w->StructEnd();
}

void Encode(CompactWriter* w, const PageHeader& v) {
  w->StructBegin();
  w->FieldI32(1, I(v.type));
  w->FieldI32(2, v.uncompressed_page_size);
  w->FieldI32(3, v.compressed_page_size);
  if (v.crc) w->FieldI32(4, *v.crc);
  if (v.data_page_header) {
    w->FieldStructHeader(5);
    Encode(w, *v.data_page_header);
  }
  if (v.dictionary_page_header) {
    w->FieldStructHeader(7);
    Encode(w, *v.dictionary_page_header);
  }
  w->StructEnd();
}

// ---- decoding -----------------------------------------------------------------

namespace {

template <typename T>
concept Decodable = requires(CompactReader* r, T* p) {
  Decode(r, p);
};

// The wire type a value of C++ type T has (enums are i32).
template <typename T>
constexpr CType WireType() {
  if constexpr (std::is_same_v<T, int8_t>)
    return CType::kI8;
  else if constexpr (std::is_same_v<T, int16_t>)
    return CType::kI16;
  else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>)
    return CType::kI32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return CType::kI64;
  else if constexpr (std::is_same_v<T, std::string>)
    return CType::kBinary;
  else
    return CType::kStruct;
}

template <typename T>
Status ReadValue(CompactReader* r, T* v) {
  if constexpr (std::is_same_v<T, int8_t>)
    return r->ReadI8(v);
  else if constexpr (std::is_same_v<T, int16_t>)
    return r->ReadI16(v);
  else if constexpr (std::is_same_v<T, int32_t>)
    return r->ReadI32(v);
  else if constexpr (std::is_enum_v<T>) {
    int32_t x;
    PQ_RETURN_IF_ERROR(r->ReadI32(&x));
    *v = static_cast<T>(x);
    return Status::OK();
  } else if constexpr (std::is_same_v<T, int64_t>)
    return r->ReadI64(v);
  else if constexpr (std::is_same_v<T, std::string>)
    return r->ReadBinary(v);
  else {
    static_assert(Decodable<T>);
    return Decode(r, v);
  }
}

// Reads field `id` of wire type `t` into *v, checking the wire type.
template <typename T>
Status Get(CompactReader* r, CType t, int16_t id, T* v) {
  if constexpr (std::is_same_v<T, bool>) {
    if (t != CType::kBoolTrue && t != CType::kBoolFalse) {
      return CompactReader::WrongType(id, t, "bool");
    }
    *v = CompactReader::FieldBoolValue(t);
    return Status::OK();
  } else {
    if (t != WireType<T>()) return CompactReader::WrongType(id, t, "another type");
    return ReadValue(r, v);
  }
}

template <typename T>
Status Get(CompactReader* r, CType t, int16_t id, std::optional<T>* v) {
  T x{};
  PQ_RETURN_IF_ERROR(Get(r, t, id, &x));
  *v = std::move(x);
  return Status::OK();
}

template <typename T>
Status Get(CompactReader* r, CType t, int16_t id, std::vector<T>* v) {
  if (t != CType::kList && t != CType::kSet) return CompactReader::WrongType(id, t, "list");
  CType element;
  uint32_t n;
  PQ_RETURN_IF_ERROR(r->ReadListBegin(&element, &n));
  if (element != WireType<T>()) {
    return Status::Corruption("thrift: list field " + std::to_string(id) +
                              " has unexpected element type " +
                              std::to_string(static_cast<int>(element)));
  }
  v->clear();
  v->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    v->emplace_back();
    PQ_RETURN_IF_ERROR(ReadValue(r, &v->back()));
  }
  return Status::OK();
}

// Reads a struct: calls on_field(type, id, &seen) for each field; on_field
// skips the ids it does not know. `seen` collects bits of required fields,
// which must cover `required` at the end.
template <typename F>
Status ReadStruct(CompactReader* r, const char* name, uint32_t required, F&& on_field) {
  PQ_RETURN_IF_ERROR(r->StructBegin());
  uint32_t seen = 0;
  for (;;) {
    CType t;
    int16_t id;
    PQ_RETURN_IF_ERROR(r->ReadFieldBegin(&t, &id));
    if (t == CType::kStop) break;
    PQ_RETURN_IF_ERROR(on_field(t, id));
    if (id > 0 && id < 32) seen |= 1u << id;
  }
  if ((seen & required) != required) {
    for (int id = 1; id < 32; ++id) {
      if ((required & (1u << id)) != 0 && (seen & (1u << id)) == 0) {
        return Status::Corruption(std::string("parquet metadata: ") + name +
                                  " lacks required field " + std::to_string(id));
      }
    }
  }
  return r->StructEnd();
}

constexpr uint32_t Bits(std::initializer_list<int> ids) {
  uint32_t m = 0;
  for (int id : ids) m |= 1u << id;
  return m;
}

// An empty struct (StringType, MicroSeconds, TypeDefinedOrder, ...): skipped.
Status SkipStruct(CompactReader* r, CType t, int16_t id) {
  if (t != CType::kStruct) return CompactReader::WrongType(id, t, "struct");
  return r->Skip(t);
}

}  // namespace

Status Decode(CompactReader* r, LogicalTypeAnnotation* out) {
  using Kind = LogicalTypeAnnotation::Kind;
  *out = LogicalTypeAnnotation{};
  return ReadStruct(r, "LogicalType", 0, [&](CType t, int16_t id) -> Status {
    if (t != CType::kStruct) return CompactReader::WrongType(id, t, "struct");
    switch (id) {
      case 1:
      case 6:
        out->kind = static_cast<Kind>(id);
        return r->Skip(t);
      case 5:
        out->kind = Kind::kDecimal;
        return ReadStruct(r, "DecimalType", Bits({1, 2}), [&](CType t2, int16_t id2) -> Status {
          if (id2 == 1) return Get(r, t2, id2, &out->scale);
          if (id2 == 2) return Get(r, t2, id2, &out->precision);
          return r->Skip(t2);
        });
      case 8:
        out->kind = Kind::kTimestamp;
        return ReadStruct(r, "TimestampType", Bits({1, 2}), [&](CType t2, int16_t id2) -> Status {
          if (id2 == 1) return Get(r, t2, id2, &out->is_adjusted_to_utc);
          if (id2 != 2) return r->Skip(t2);
          if (t2 != CType::kStruct) return CompactReader::WrongType(id2, t2, "struct");
          return ReadStruct(r, "TimeUnit", 0, [&](CType t3, int16_t id3) -> Status {
            if (id3 < 1 || id3 > 3) return Status::Corruption("parquet metadata: unknown TimeUnit");
            out->unit = static_cast<TimeUnit>(id3);
            return SkipStruct(r, t3, id3);
          });
        });
      case 10:
        out->kind = Kind::kInteger;
        return ReadStruct(r, "IntType", Bits({1, 2}), [&](CType t2, int16_t id2) -> Status {
          if (id2 == 1) return Get(r, t2, id2, &out->bit_width);
          if (id2 == 2) return Get(r, t2, id2, &out->is_signed);
          return r->Skip(t2);
        });
      default:
        out->kind = Kind::kOther;
        out->other_id = id;
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, SchemaElement* out) {
  *out = SchemaElement{};
  return ReadStruct(r, "SchemaElement", Bits({4}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->type);
      case 2:
        return Get(r, t, id, &out->type_length);
      case 3:
        return Get(r, t, id, &out->repetition_type);
      case 4:
        return Get(r, t, id, &out->name);
      case 5:
        return Get(r, t, id, &out->num_children);
      case 6:
        return Get(r, t, id, &out->converted_type);
      case 7:
        return Get(r, t, id, &out->scale);
      case 8:
        return Get(r, t, id, &out->precision);
      case 9:
        return Get(r, t, id, &out->field_id);
      case 10:
        return Get(r, t, id, &out->logical_type);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, Statistics* out) {
  *out = Statistics{};
  return ReadStruct(r, "Statistics", 0, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->max);
      case 2:
        return Get(r, t, id, &out->min);
      case 3:
        return Get(r, t, id, &out->null_count);
      case 4:
        return Get(r, t, id, &out->distinct_count);
      case 5:
        return Get(r, t, id, &out->max_value);
      case 6:
        return Get(r, t, id, &out->min_value);
      case 7:
        return Get(r, t, id, &out->is_max_value_exact);
      case 8:
        return Get(r, t, id, &out->is_min_value_exact);
      case 9:
        return Get(r, t, id, &out->nan_count);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, KeyValue* out) {
  *out = KeyValue{};
  return ReadStruct(r, "KeyValue", Bits({1}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->key);
      case 2:
        return Get(r, t, id, &out->value);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, ColumnMetaData* out) {
  *out = ColumnMetaData{};
  return ReadStruct(r, "ColumnMetaData", Bits({1, 2, 3, 4, 5, 6, 7, 9}),
                    [&](CType t, int16_t id) -> Status {
                      switch (id) {
                        case 1:
                          return Get(r, t, id, &out->type);
                        case 2:
                          return Get(r, t, id, &out->encodings);
                        case 3:
                          return Get(r, t, id, &out->path_in_schema);
                        case 4:
                          return Get(r, t, id, &out->codec);
                        case 5:
                          return Get(r, t, id, &out->num_values);
                        case 6:
                          return Get(r, t, id, &out->total_uncompressed_size);
                        case 7:
                          return Get(r, t, id, &out->total_compressed_size);
                        case 8:
                          return Get(r, t, id, &out->key_value_metadata);
                        case 9:
                          return Get(r, t, id, &out->data_page_offset);
                        case 10:
                          return Get(r, t, id, &out->index_page_offset);
                        case 11:
                          return Get(r, t, id, &out->dictionary_page_offset);
                        case 12:
                          return Get(r, t, id, &out->statistics);
                        default:
                          return r->Skip(t);
                      }
                    });
}

Status Decode(CompactReader* r, ColumnChunk* out) {
  *out = ColumnChunk{};
  return ReadStruct(r, "ColumnChunk", Bits({2}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->file_path);
      case 2:
        return Get(r, t, id, &out->file_offset);
      case 3:
        return Get(r, t, id, &out->meta_data);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, RowGroup* out) {
  *out = RowGroup{};
  return ReadStruct(r, "RowGroup", Bits({1, 2, 3}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->columns);
      case 2:
        return Get(r, t, id, &out->total_byte_size);
      case 3:
        return Get(r, t, id, &out->num_rows);
      case 5:
        return Get(r, t, id, &out->file_offset);
      case 6:
        return Get(r, t, id, &out->total_compressed_size);
      case 7:
        return Get(r, t, id, &out->ordinal);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, ColumnOrder* out) {
  *out = ColumnOrder{};
  out->kind = 0;
  return ReadStruct(r, "ColumnOrder", 0, [&](CType t, int16_t id) -> Status {
    out->kind = id;
    return r->Skip(t);
  });
}

Status Decode(CompactReader* r, FileMetaData* out) {
  *out = FileMetaData{};
  return ReadStruct(r, "FileMetaData", Bits({1, 2, 3, 4}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->version);
      case 2:
        return Get(r, t, id, &out->schema);
      case 3:
        return Get(r, t, id, &out->num_rows);
      case 4:
        return Get(r, t, id, &out->row_groups);
      case 5:
        return Get(r, t, id, &out->key_value_metadata);
      case 6:
        return Get(r, t, id, &out->created_by);
      case 7:
        return Get(r, t, id, &out->column_orders);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, DataPageHeader* out) {
  *out = DataPageHeader{};
  return ReadStruct(r, "DataPageHeader", Bits({1, 2, 3, 4}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->num_values);
      case 2:
        return Get(r, t, id, &out->encoding);
      case 3:
        return Get(r, t, id, &out->definition_level_encoding);
      case 4:
        return Get(r, t, id, &out->repetition_level_encoding);
      case 5:
        return Get(r, t, id, &out->statistics);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, DictionaryPageHeader* out) {
  *out = DictionaryPageHeader{};
  return ReadStruct(r, "DictionaryPageHeader", Bits({1, 2}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->num_values);
      case 2:
        return Get(r, t, id, &out->encoding);
      case 3:
        return Get(r, t, id, &out->is_sorted);
      default:
        return r->Skip(t);
    }
  });
}

Status Decode(CompactReader* r, PageHeader* out) {
  *out = PageHeader{};
  return ReadStruct(r, "PageHeader", Bits({1, 2, 3}), [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return Get(r, t, id, &out->type);
      case 2:
        return Get(r, t, id, &out->uncompressed_page_size);
      case 3:
        return Get(r, t, id, &out->compressed_page_size);
      case 4:
        return Get(r, t, id, &out->crc);
      case 5:
        return Get(r, t, id, &out->data_page_header);
      case 7:
        return Get(r, t, id, &out->dictionary_page_header);
      case 8:
        out->has_data_page_v2 = true;
        return r->Skip(t);
      default:
        return r->Skip(t);
    }
  });
}

}  // namespace tp::storage::parquet
