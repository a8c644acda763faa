// A column of values of one logical type, stored contiguously (see
// storage/types.h for the representation of each type), with an optional
// validity vector for NULLs.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/types.h"

namespace tp::storage {

class Column {
 public:
  explicit Column(LogicalType type) : type_(type) {
    if (type_.id == TypeId::kString) offsets_.push_back(0);
  }

  const LogicalType& type() const { return type_; }
  size_t size() const { return size_; }

  // Appending: the value must match the type's representation.
  void AppendNull();
  void AppendBool(bool v) { AppendFixed<uint8_t>(v ? 1 : 0); }
  void AppendInt32(int32_t v) { AppendFixed<int32_t>(v); }  // int32, date
  void AppendInt64(int64_t v) { AppendFixed<int64_t>(v); }  // int64, decimal, timestamp
  void AppendDouble(double v) { AppendFixed<double>(v); }
  void AppendString(std::string_view v);
  // Appends row `row` of `src`, which has the same type.
  void AppendFrom(const Column& src, size_t row);
  void Reserve(size_t rows);

  // NULLs: validity_ is empty while every value is valid.
  bool IsNull(size_t row) const { return !validity_.empty() && validity_[row] == 0; }
  size_t null_count() const { return null_count_; }

  // Fixed-width values: T is uint8_t (bool), int32_t, int64_t or double. A
  // NULL row holds a zero.
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(fixed_.data());
  }
  template <typename T>
  T Get(size_t row) const {
    return data<T>()[row];
  }
  std::string_view GetString(size_t row) const {
    assert(type_.id == TypeId::kString);
    return std::string_view(chars_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  size_t string_bytes() const { return chars_.size(); }

  // Bytes of one fixed-width value of this type (0 for strings).
  static size_t FixedWidth(TypeId id);

  void Clear();

 private:
  template <typename T>
  void AppendFixed(T v) {
    assert(sizeof(T) == FixedWidth(type_.id));
    const char* p = reinterpret_cast<const char*>(&v);
    fixed_.append(p, sizeof(T));
    if (!validity_.empty()) validity_.push_back(1);
    ++size_;
  }

  LogicalType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::string fixed_;               // fixed-width values, little-endian
  std::vector<uint32_t> offsets_;   // strings: size_+1 offsets into chars_
  std::string chars_;               // strings: all bytes
  std::vector<uint8_t> validity_;   // empty = all valid; else 1 = valid, 0 = NULL
};

}  // namespace tp::storage
