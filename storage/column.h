// A column of values of one logical type, stored contiguously (see
// storage/types.h for the representation of each type), with an optional
// validity vector for NULLs.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/types.h"

namespace tp::storage {

namespace column_internal {

// A growable array of trivially copyable T on malloc/realloc. std::string
// and std::vector grow by copying into a fresh block, which for the large
// columns of a batch means copying and page-faulting every byte again at
// each doubling; realloc grows large blocks without copying (glibc remaps
// their pages), so the bytes are written and faulted once.
template <typename T>
class PodArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodArray() = default;
  PodArray(const PodArray& other) { *this = other; }
  PodArray(PodArray&& other) noexcept { Swap(other); }
  PodArray& operator=(const PodArray& other) {
    if (this != &other) {
      clear();
      append(other.data_, other.size_);
    }
    return *this;
  }
  PodArray& operator=(PodArray&& other) noexcept {
    Swap(other);
    return *this;
  }
  ~PodArray() { std::free(data_); }

  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  const T& operator[](size_t i) const { return data_[i]; }
  void clear() { size_ = 0; }
  // Keeps the first n elements (n <= size()).
  void truncate(size_t n) {
    assert(n <= size_);
    size_ = n;
  }

  void reserve(size_t n) {
    if (n > capacity_) Reallocate(n);
  }
  void push_back(T v) {
    if (size_ == capacity_) Grow(1);
    data_[size_++] = v;
  }
  // `p` must not point into this array (growing may move it first).
  void append(const T* p, size_t n) {
    if (n == 0) return;
    assert(p + n <= data_ || p >= data_ + capacity_);
    if (size_ + n > capacity_) Grow(n);
    std::memcpy(data_ + size_, p, n * sizeof(T));
    size_ += n;
  }
  // Appends n copies of v.
  void fill(size_t n, T v) {
    if (size_ + n > capacity_) Grow(n);
    std::fill_n(data_ + size_, n, v);
    size_ += n;
  }

 private:
  void Grow(size_t more) { Reallocate(std::max({size_ + more, capacity_ * 2, size_t{16}})); }
  void Reallocate(size_t n) {
    void* p = std::realloc(data_, n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  void Swap(PodArray& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace column_internal

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
  void AppendString(std::string_view v) {  // inline: called per value by decoders
    assert(type_.id == TypeId::kString);
    chars_.append(v.data(), v.size());
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
    if (!validity_.empty()) validity_.push_back(1);
    ++size_;
  }
  // Appends row `row` of `src`, which has the same type.
  void AppendFrom(const Column& src, size_t row);
  // Makes room for `rows` rows in total. For strings the bytes are not known
  // yet: the first AppendFrom that needs more room reserves for the rest of
  // the planned rows at the source column's average string size.
  void Reserve(size_t rows);

  // NULLs: validity_ is empty while every value is valid.
  bool IsNull(size_t row) const { return !validity_.empty() && validity_[row] == 0; }
  size_t null_count() const { return null_count_; }
  // One byte per row, 1 = valid, 0 = NULL; nullptr when no row is NULL. For
  // loops over many rows that would otherwise call IsNull on each.
  const uint8_t* validity() const { return validity_.empty() ? nullptr : validity_.data(); }

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
    return std::string_view(chars_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  size_t string_bytes() const { return chars_.size(); }

  // Bytes of one fixed-width value of this type (0 for strings).
  static size_t FixedWidth(TypeId id);

  void Clear();
  // Keeps the first `rows` rows (rows <= size()).
  void Truncate(size_t rows);

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
  size_t planned_rows_ = 0;  // strings: rows announced by Reserve, 0 once used
  size_t null_count_ = 0;
  // Values in PodArrays: see there why not std::string / std::vector.
  column_internal::PodArray<char> fixed_;        // fixed-width values, little-endian
  column_internal::PodArray<uint32_t> offsets_;  // strings: size_+1 offsets into chars_
  column_internal::PodArray<char> chars_;        // strings: all bytes
  column_internal::PodArray<uint8_t> validity_;  // empty = all valid; else 1 = valid, 0 = NULL
};

}  // namespace tp::storage
