// Thrift compact protocol; see thrift_compact.h for the spec sections.
#include "storage/parquet/thrift_compact.h"

#include <cstring>

namespace tp::storage::parquet {

namespace {

uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag64(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

bool ValidType(uint8_t t) { return t <= static_cast<uint8_t>(CType::kUuid); }

const char* TypeName(CType t) {
  switch (t) {
    case CType::kStop:
      return "stop";
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      return "bool";
    case CType::kI8:
      return "i8";
    case CType::kI16:
      return "i16";
    case CType::kI32:
      return "i32";
    case CType::kI64:
      return "i64";
    case CType::kDouble:
      return "double";
    case CType::kBinary:
      return "binary";
    case CType::kList:
      return "list";
    case CType::kSet:
      return "set";
    case CType::kMap:
      return "map";
    case CType::kStruct:
      return "struct";
    case CType::kUuid:
      return "uuid";
  }
  return "?";
}

}  // namespace

// ---- writer -----------------------------------------------------------------

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::StructBegin() {
  last_id_.push_back(current_last_);
  current_last_ = 0;
}

void CompactWriter::StructEnd() {
  out_->push_back(static_cast<char>(CType::kStop));
  current_last_ = last_id_.empty() ? 0 : last_id_.back();
  if (!last_id_.empty()) last_id_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, CType type) {
  int delta = static_cast<int>(id) - static_cast<int>(current_last_);
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag64(id));
  }
  current_last_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? CType::kBoolTrue : CType::kBoolFalse);
}
void CompactWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, CType::kI8);
  I8(v);
}
void CompactWriter::FieldI16(int16_t id, int16_t v) {
  FieldHeader(id, CType::kI16);
  Varint(ZigZag64(v));
}
void CompactWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, CType::kI32);
  I32(v);
}
void CompactWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, CType::kI64);
  I64(v);
}
void CompactWriter::FieldDouble(int16_t id, double v) {
  FieldHeader(id, CType::kDouble);
  Double(v);
}
void CompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, CType::kBinary);
  Binary(v);
}
void CompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, CType::kStruct);
  StructBegin();
}
void CompactWriter::FieldListBegin(int16_t id, CType element, uint32_t size) {
  FieldHeader(id, CType::kList);
  ListBegin(element, size);
}

void CompactWriter::ListBegin(CType element, uint32_t size) {
  // Bool elements are announced with type 2 (spec "List and Set").
  if (element == CType::kBoolTrue) element = CType::kBoolFalse;
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<uint32_t>(element)));
    Varint(size);
  }
}

void CompactWriter::I32(int32_t v) { Varint(ZigZag64(v)); }
void CompactWriter::I64(int64_t v) { Varint(ZigZag64(v)); }

void CompactWriter::Double(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>(bits >> (8 * i)));
}

void CompactWriter::Binary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

// ---- reader -----------------------------------------------------------------

Status CompactReader::Truncated(const char* what) const {
  return Status::Corruption("thrift: input ends inside " + std::string(what) + " at byte " +
                            std::to_string(pos_));
}

Status CompactReader::WrongType(int16_t id, CType got, const char* what) {
  return Status::Corruption("thrift: field " + std::to_string(id) + " has wire type " +
                            TypeName(got) + ", expected " + what);
}

Status CompactReader::ReadVarint(uint64_t* v, int max_bytes) {
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= data_.size()) return Truncated("a varint");
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    if (i == 9 && b > 1) return Status::Corruption("thrift: varint overflows 64 bits");
    result |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Status::Corruption("thrift: varint longer than " + std::to_string(max_bytes) +
                            " bytes at byte " + std::to_string(pos_));
}

Status CompactReader::StructBegin() {
  if (depth_ >= kMaxDepth) {
    return Status::Corruption("thrift: nesting deeper than " + std::to_string(kMaxDepth));
  }
  ++depth_;
  last_id_.push_back(current_last_);
  current_last_ = 0;
  return Status::OK();
}

Status CompactReader::StructEnd() {
  if (depth_ == 0 || last_id_.empty()) return Status::Corruption("thrift: unbalanced struct end");
  --depth_;
  current_last_ = last_id_.back();
  last_id_.pop_back();
  return Status::OK();
}

Status CompactReader::ReadFieldBegin(CType* type, int16_t* id) {
  if (pos_ >= data_.size()) return Truncated("a struct");
  uint8_t b = static_cast<uint8_t>(data_[pos_++]);
  uint8_t t = b & 0x0F;
  if (t == 0) {
    if (b != 0) return Status::Corruption("thrift: bad stop byte at " + std::to_string(pos_ - 1));
    *type = CType::kStop;
    *id = 0;
    return Status::OK();
  }
  if (!ValidType(t)) {
    return Status::Corruption("thrift: unknown wire type " + std::to_string(t) + " at byte " +
                              std::to_string(pos_ - 1));
  }
  int delta = b >> 4;
  int32_t field_id;
  if (delta != 0) {
    field_id = static_cast<int32_t>(current_last_) + delta;
  } else {
    uint64_t z;
    PQ_RETURN_IF_ERROR(ReadVarint(&z, 3));
    field_id = static_cast<int32_t>(UnZigZag64(z));
  }
  if (field_id < INT16_MIN || field_id > INT16_MAX) {
    return Status::Corruption("thrift: field id out of range at byte " + std::to_string(pos_));
  }
  *type = static_cast<CType>(t);
  *id = static_cast<int16_t>(field_id);
  current_last_ = *id;
  return Status::OK();
}

Status CompactReader::ReadI8(int8_t* v) {
  if (pos_ >= data_.size()) return Truncated("an i8");
  *v = static_cast<int8_t>(data_[pos_++]);
  return Status::OK();
}

Status CompactReader::ReadI16(int16_t* v) {
  uint64_t z;
  PQ_RETURN_IF_ERROR(ReadVarint(&z, 3));
  int64_t x = UnZigZag64(z);
  if (x < INT16_MIN || x > INT16_MAX) return Status::Corruption("thrift: i16 out of range");
  *v = static_cast<int16_t>(x);
  return Status::OK();
}

Status CompactReader::ReadI32(int32_t* v) {
  uint64_t z;
  PQ_RETURN_IF_ERROR(ReadVarint(&z, 5));
  if (z > UINT32_MAX) return Status::Corruption("thrift: i32 out of range");
  *v = static_cast<int32_t>(UnZigZag64(z));
  return Status::OK();
}

Status CompactReader::ReadI64(int64_t* v) {
  uint64_t z;
  PQ_RETURN_IF_ERROR(ReadVarint(&z, 10));
  *v = UnZigZag64(z);
  return Status::OK();
}

Status CompactReader::ReadDouble(double* v) {
  if (remaining() < 8) return Truncated("a double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += 8;
  std::memcpy(v, &bits, 8);
  return Status::OK();
}

Status CompactReader::ReadBinaryView(std::string_view* v) {
  uint64_t len;
  PQ_RETURN_IF_ERROR(ReadVarint(&len, 5));
  if (len > remaining()) {
    return Status::Corruption("thrift: binary of " + std::to_string(len) + " bytes runs past the " +
                              "end of the input at byte " + std::to_string(pos_));
  }
  *v = data_.substr(pos_, len);
  pos_ += len;
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string* v) {
  std::string_view view;
  PQ_RETURN_IF_ERROR(ReadBinaryView(&view));
  v->assign(view);
  return Status::OK();
}

Status CompactReader::ReadBool(bool* v) {
  if (pos_ >= data_.size()) return Truncated("a bool");
  uint8_t b = static_cast<uint8_t>(data_[pos_++]);
  // Spec: true = 1, false = 0; some old writers used 2 for false.
  if (b > 2) return Status::Corruption("thrift: bad bool element " + std::to_string(b));
  *v = b == 1;
  return Status::OK();
}

Status CompactReader::ReadListBegin(CType* element, uint32_t* size) {
  if (pos_ >= data_.size()) return Truncated("a list header");
  uint8_t b = static_cast<uint8_t>(data_[pos_++]);
  uint8_t t = b & 0x0F;
  if (t == 0 || !ValidType(t)) {
    return Status::Corruption("thrift: bad list element type " + std::to_string(t));
  }
  uint64_t n = b >> 4;
  if (n == 15) PQ_RETURN_IF_ERROR(ReadVarint(&n, 5));
  if (n > remaining()) {
    return Status::Corruption("thrift: list of " + std::to_string(n) +
                              " elements is longer than the input left at byte " +
                              std::to_string(pos_));
  }
  *element = static_cast<CType>(t);
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status CompactReader::Skip(CType type, bool in_list) {
  switch (type) {
    case CType::kStop:
      return Status::Corruption("thrift: cannot skip a stop");
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      if (in_list) {
        bool b;
        return ReadBool(&b);
      }
      return Status::OK();
    case CType::kI8: {
      int8_t v;
      return ReadI8(&v);
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: {
      uint64_t v;
      return ReadVarint(&v, 10);
    }
    case CType::kDouble: {
      double d;
      return ReadDouble(&d);
    }
    case CType::kBinary: {
      std::string_view v;
      return ReadBinaryView(&v);
    }
    case CType::kUuid:
      if (remaining() < 16) return Truncated("a uuid");
      pos_ += 16;
      return Status::OK();
    case CType::kList:
    case CType::kSet: {
      if (depth_ >= kMaxDepth) return Status::Corruption("thrift: nesting too deep");
      CType element;
      uint32_t n;
      PQ_RETURN_IF_ERROR(ReadListBegin(&element, &n));
      ++depth_;
      for (uint32_t i = 0; i < n; ++i) {
        Status s = Skip(element, true);
        if (!s.ok()) {
          --depth_;
          return s;
        }
      }
      --depth_;
      return Status::OK();
    }
    case CType::kMap: {
      if (depth_ >= kMaxDepth) return Status::Corruption("thrift: nesting too deep");
      uint64_t n;
      PQ_RETURN_IF_ERROR(ReadVarint(&n, 5));
      if (n == 0) return Status::OK();
      if (pos_ >= data_.size()) return Truncated("a map header");
      uint8_t kv = static_cast<uint8_t>(data_[pos_++]);
      uint8_t kt = kv >> 4, vt = kv & 0x0F;
      if (kt == 0 || vt == 0 || !ValidType(kt) || !ValidType(vt)) {
        return Status::Corruption("thrift: bad map element types");
      }
      if (n > remaining()) return Status::Corruption("thrift: map longer than the input left");
      ++depth_;
      for (uint64_t i = 0; i < n; ++i) {
        Status s = Skip(static_cast<CType>(kt), true);
        if (s.ok()) s = Skip(static_cast<CType>(vt), true);
        if (!s.ok()) {
          --depth_;
          return s;
        }
      }
      --depth_;
      return Status::OK();
    }
    case CType::kStruct: {
      PQ_RETURN_IF_ERROR(StructBegin());
      for (;;) {
        CType t;
        int16_t id;
        PQ_RETURN_IF_ERROR(ReadFieldBegin(&t, &id));
        if (t == CType::kStop) break;
        PQ_RETURN_IF_ERROR(Skip(t));
      }
      return StructEnd();
    }
  }
  return Status::Corruption("thrift: unknown wire type");
}

}  // namespace tp::storage::parquet
