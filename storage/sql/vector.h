// Vectors and chunks: the unit of work of the executor.
//
// A Vector holds up to a chunk's worth of values of one SqlType, stored
// contiguously in their physical form (see value.h), with a validity byte
// per row (1 = valid, 0 = NULL) that is absent while every value is valid.
// A NULL row holds a zero value (an empty string), so kernels may compute
// over every row and fix up validity after.
//
// Memory: a Vector owns its value buffer, or references another one (a
// Parquet column chunk, a slice of a bigger vector) and keeps that alive
// through shared ownership. String values are std::string_view into bytes
// the vector keeps alive: its own string heap (AddString) or buffers it
// shares with the vectors it was gathered or referenced from. So moving
// strings between vectors never copies bytes, and a vector stays valid after
// the vector it came from is reused.
//
// A Chunk is a row batch: one Vector per column, all of the same size
// (at most kBatchSize rows when it comes from a scan).
//
// Not thread-safe: a Vector is used by one thread at a time; the shared
// buffers it references are immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/sql/value.h"

namespace tp::storage::sql {

inline constexpr size_t kBatchSize = 2048;

// Bytes for strings, owned by the vectors that reference them.
class StringHeap {
 public:
  std::string_view Add(std::string_view s);
  size_t bytes() const { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0, capacity_ = 0, bytes_ = 0;
};

class Vector {
 public:
  Vector() = default;
  // An owning vector of `size` rows (values zero, all valid).
  explicit Vector(SqlType type, size_t size = 0);
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  Vector(Vector&&) noexcept = default;
  Vector& operator=(Vector&&) noexcept = default;

  const SqlType& type() const { return type_; }
  size_t size() const { return size_; }

  // Makes this an owning vector of `type` with `size` rows, all valid, values
  // unspecified; drops references and strings it held (their bytes stay
  // alive for other vectors that share them). Reuses the buffer.
  void Reset(SqlType type, size_t size);
  void Reset(size_t size) { Reset(type_, size); }

  // Values. data() of a vector that references another's buffer must not be
  // written: call Reset first (results are always written to Reset vectors).
  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_);
  }

  // Validity: nullptr while all rows are valid.
  const uint8_t* validity() const { return validity_; }
  bool IsNull(size_t row) const { return validity_ != nullptr && validity_[row] == 0; }
  bool AllValid() const { return validity_ == nullptr; }
  // A writable validity array (created all valid when absent).
  uint8_t* MutableValidity();
  void SetNull(size_t row) {
    MutableValidity()[row] = 0;
  }
  // Marks every row NULL.
  void SetAllNull();

  // Strings: copies `s` into this vector's heap; the view stays valid as
  // long as this vector or any vector sharing its strings lives.
  std::string_view AddString(std::string_view s);
  // Keeps `owner` alive for as long as this vector (or a vector sharing its
  // strings) lives: for views into external buffers.
  void KeepAlive(std::shared_ptr<const void> owner);
  // This vector's strings may point into `other`'s bytes from now on.
  void ShareStringsOf(const Vector& other);

  // Becomes a view of `other` (same type, rows, validity, strings) without
  // copying; `other` may be reused or destroyed afterwards.
  void Reference(const Vector& other);
  // Becomes a view of rows [offset, offset + count) of `other`.
  void Slice(const Vector& other, size_t offset, size_t count);
  // Becomes a view of an external buffer of `size` values (and validity,
  // nullptr = all valid) kept alive by `owner`.
  void ReferenceExternal(SqlType type, const void* data, const uint8_t* validity, size_t size,
                         std::shared_ptr<const void> owner);

  // Owning copy of rows sel[0..count) of `src` (same type); strings shared.
  void Gather(const Vector& src, const uint32_t* sel, size_t count);
  // Appends rows [offset, offset + count) of `src` (same type) to this
  // owning vector, growing it; strings shared.
  void Append(const Vector& src, size_t offset, size_t count);
  // Appends one row.
  void AppendValue(const Value& v);
  // Sets an existing row of an owning vector.
  void SetValue(size_t row, const Value& v);

  Value GetValue(size_t row) const;

  // Bytes this vector holds or pins (values, validity and its own string
  // heap; shared buffers are counted once by whoever created them).
  size_t MemoryUsage() const;

 private:
  // An owning vector's value and validity buffers. Held through a
  // shared_ptr so views (Reference, Slice) keep them alive; a vector writes
  // its buffer only while no view shares it, and otherwise takes a new one.
  struct Shared;
  void Reserve(size_t rows);
  void MakeOwning();
  bool OwnsUnshared() const;

  SqlType type_;
  size_t size_ = 0;
  uint8_t* data_ = nullptr;      // into own_ or a referenced buffer
  uint8_t* validity_ = nullptr;  // into own_ or a referenced buffer
  std::shared_ptr<Shared> own_;  // the owned buffers; null for a view
  std::shared_ptr<StringHeap> heap_;                  // AddString's bytes
  std::vector<std::shared_ptr<const void>> owners_;   // referenced buffers and shared heaps
};

// A batch of rows: columns of equal size.
struct Chunk {
  std::vector<Vector> columns;
  size_t size = 0;

  void Reset(const std::vector<SqlType>& types, size_t rows);
  std::vector<SqlType> Types() const;
  size_t MemoryUsage() const;
};

// Makes `out` a view of rows [offset, offset + n) of a storage column, read
// as `type` (same physical form), without copying fixed-width values;
// `owner` (may be null) keeps the column alive for as long as the view.
void ReferenceColumn(const Column& col, const SqlType& type, size_t offset, size_t n,
                     std::shared_ptr<const void> owner, Vector* out);

}  // namespace tp::storage::sql
