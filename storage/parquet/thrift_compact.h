// The Thrift compact protocol, as far as Parquet metadata needs it: structs,
// fields, integers, doubles, binary/strings, bools, lists and sets. Maps are
// only skipped. Messages (RPC framing) are not used by Parquet and absent.
//
// Spec: apache/thrift doc/specs/thrift-compact-protocol.md, sections
// "Integer encoding" (zigzag + ULEB128 varints), "Binary encoding",
// "Double encoding" (8 bytes little-endian), "Boolean encoding", "Struct
// encoding" (field header: 4-bit id delta + 4-bit type, or type byte + zigzag
// i16 id; 0 = stop), "List and Set" (4-bit size + element type, or 0xF? +
// varint size) and "Map".
//
// CompactWriter appends to a string and cannot fail. CompactReader reads from
// a byte range it does not own; every read is bounds-checked and malformed
// input yields Status::Corruption, never a crash or an out-of-range read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/status.h"

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define PQ_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::tp::Status pq_status_ = (expr);        \
    if (!pq_status_.ok()) return pq_status_; \
  } while (0)

namespace tp::storage::parquet {

// Wire type codes (spec "Struct encoding" and "List and Set"). In a field
// header a bool's value is its type (kBoolTrue/kBoolFalse); as a list element
// type bool is written as kBoolFalse (2) and each element as one byte 1/0.
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

class CompactWriter {
 public:
  // Appends to *out, which must outlive the writer.
  explicit CompactWriter(std::string* out) : out_(out) {}

  // A top-level struct or a struct element of a list: Begin, fields, End.
  void StructBegin();
  void StructEnd();  // writes the stop byte

  // Fields of the current struct. Ids must ascend within a struct for the
  // short header form; any order is still encoded correctly (long form).
  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldDouble(int16_t id, double v);
  void FieldBinary(int16_t id, std::string_view v);
  // A struct-valued field: follow with its fields and StructEnd().
  void FieldStructBegin(int16_t id);
  // Only the header of a struct-valued field: follow with StructBegin(),
  // fields, StructEnd() (e.g. from a function that encodes a whole struct).
  void FieldStructHeader(int16_t id) { FieldHeader(id, CType::kStruct); }
  // A list-valued field: follow with exactly `size` elements.
  void FieldListBegin(int16_t id, CType element, uint32_t size);

  // List elements (and the header of a list nested in a list).
  void ListBegin(CType element, uint32_t size);
  void Bool(bool v) { out_->push_back(v ? 1 : 0); }
  void I8(int8_t v) { out_->push_back(static_cast<char>(v)); }
  void I32(int32_t v);
  void I64(int64_t v);
  void Double(double v);
  void Binary(std::string_view v);

  // Raw varint, exposed for tests.
  void Varint(uint64_t v);

 private:
  void FieldHeader(int16_t id, CType type);

  std::string* out_;
  std::vector<int16_t> last_id_;  // one entry per open struct
  int16_t current_last_ = 0;
};

class CompactReader {
 public:
  // Structs may nest at most this deep (including lists of structs).
  static constexpr int kMaxDepth = 64;

  // Reads `data`, which must outlive the reader.
  explicit CompactReader(std::string_view data) : data_(data) {}

  Status StructBegin();
  Status StructEnd();  // after ReadFieldBegin returned kStop
  // Next field header of the current struct; *type is kStop at its end.
  Status ReadFieldBegin(CType* type, int16_t* id);
  // For a field whose header type was kBoolTrue/kBoolFalse.
  static bool FieldBoolValue(CType type) { return type == CType::kBoolTrue; }

  // Values (field values or list elements); the caller has checked the
  // field's wire type (WrongType builds the error when it differs).
  Status ReadI8(int8_t* v);
  Status ReadI16(int16_t* v);
  Status ReadI32(int32_t* v);
  Status ReadI64(int64_t* v);
  Status ReadDouble(double* v);
  Status ReadBinary(std::string* v);
  Status ReadBinaryView(std::string_view* v);  // points into the input
  Status ReadBool(bool* v);                    // a list element (one byte)
  // A list or set header. *size is checked against the bytes left (every
  // element takes at least one byte), so a lying size cannot exhaust memory.
  Status ReadListBegin(CType* element, uint32_t* size);

  // Skips a field value of wire type `type` (of any kind, nested). Bools as
  // list elements take a byte; pass in_list = true for them.
  Status Skip(CType type, bool in_list = false);

  // Corruption "... expected <what>" when a field has a different wire type.
  static Status WrongType(int16_t id, CType got, const char* what);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  Status ReadVarint(uint64_t* v, int max_bytes = 10);

 private:
  Status Truncated(const char* what) const;

  std::string_view data_;
  size_t pos_ = 0;
  std::vector<int16_t> last_id_;
  int16_t current_last_ = 0;
  int depth_ = 0;
};

}  // namespace tp::storage::parquet
