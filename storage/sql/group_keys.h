// GROUP BY keys as fixed-width byte rows, so a hash aggregate hashes and
// compares a group's keys as one short memcmp-able row that lives next to
// the other groups' keys, instead of chasing each key vector (and each
// string's bytes) per probe.
//
// Layout, per key column in order: one byte (1 = NULL, then the value bytes
// are zero) and the value:
//   BOOLEAN 1, INTEGER/DATE 4, BIGINT/DECIMAL/TIMESTAMP 8, DOUBLE 8 (-0.0 as
//   0.0, every NaN as one NaN, so equal values have equal bytes), VARCHAR 16
//   (up to 15 bytes inline: the length, then the bytes zero padded; longer
//   strings: 0xFF, then an id from the encoder's string intern, so short
//   keys such as ids cost no second lookup), INTERVAL 16 (as stored: unlike
//   DuckDB, '1 month' and '30 days' are two groups), NULL type 0.
// Two rows are the same group exactly when their bytes are equal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/sql/vector.h"

namespace tp::storage::sql::exec {

// Distinct strings, each with a dense id; the bytes stay put (views into
// them stay valid) for as long as the intern or a vector keeping its
// storage() lives.
class StringIntern {
 public:
  StringIntern();
  uint32_t Intern(std::string_view s);
  // The id of `s`, or kNotFound.
  static constexpr uint32_t kNotFound = UINT32_MAX;
  uint32_t Find(std::string_view s) const;
  std::string_view Get(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }
  // Bytes held (strings and tables), for memory accounting.
  size_t bytes() const;
  std::shared_ptr<const void> storage() const { return heap_; }

 private:
  void Grow();
  std::shared_ptr<StringHeap> heap_;
  std::vector<std::string_view> views_;
  std::vector<uint64_t> hashes_;  // per id
  std::vector<uint32_t> slots_;   // id + 1; 0 = empty
  size_t mask_ = 0;
};

class KeyEncoder {
 public:
  explicit KeyEncoder(std::vector<SqlType> types);
  size_t width() const { return width_; }
  const std::vector<SqlType>& types() const { return types_; }

  // Writes the rows of `keys` (n rows each, types()) to rows[0 .. n*width).
  // With `unknown` (n bytes, zeroed by the caller), long strings not seen
  // before are not added: their rows get unknown[i] = 1 (no table built by
  // this encoder holds them) and unspecified bytes.
  void Encode(const std::vector<const Vector*>& keys, size_t n, uint8_t* rows,
              uint8_t* unknown = nullptr);
  // Rewrites a row encoded by `other` (same types) with this encoder's
  // string ids.
  void Translate(const KeyEncoder& other, const uint8_t* row, uint8_t* out);
  // Sets out[k] to column k of the n rows at `rows`, `stride` bytes apart
  // (0: width()) (owning vectors; strings are views into the intern, kept
  // alive).
  void Decode(const uint8_t* rows, size_t n, std::vector<Vector>* out, size_t stride = 0) const;
  size_t intern_bytes() const { return intern_.bytes(); }

 private:
  std::vector<SqlType> types_;
  std::vector<size_t> offsets_;  // of each column's null byte
  size_t width_ = 0;
  StringIntern intern_;
};

// Distinct key rows (of one width) with dense ids in insertion order: open
// addressing on their hashes, the rows side by side in blocks of
// kRowsPerBlock (a growing table never copies its rows: on small VMs fresh
// pages cost more than the copy). Each row may carry `payload` bytes after
// the key (a hash aggregate's states), so a probe that finds the key has
// the states in the same cache lines.
class KeyRowTable {
 public:
  static constexpr size_t kRowsPerBlock = kBatchSize;
  static_assert(kRowsPerBlock % kBatchSize == 0);
  explicit KeyRowTable(size_t width, size_t payload = 0, size_t payload_align = 8);
  size_t width() const { return width_; }
  // Bytes from one row to the next.
  size_t stride() const { return stride_; }
  size_t size() const { return size_; }
  // Rows id .. id + n are contiguous (at stride()) when they lie in one
  // block (id and n multiples of kBatchSize, say).
  const uint8_t* Row(uint32_t id) const {
    if (stride_ == 0) return nullptr;
    return blocks_[id / kRowsPerBlock].get() + (id % kRowsPerBlock) * stride_;
  }
  // The payload of row id (uninitialized when the row is inserted).
  uint8_t* Payload(uint32_t id) {
    return blocks_[id / kRowsPerBlock].get() + (id % kRowsPerBlock) * stride_ + payload_offset_;
  }
  // ids[i] = the id of row i of `rows` (n rows of width()); rows not seen
  // before get the next ids.
  void FindOrInsert(const uint8_t* rows, size_t n, uint32_t* ids);
  // ids[i] = the id of row i, or kMissing; adds nothing.
  static constexpr uint32_t kMissing = UINT32_MAX;
  void Find(const uint8_t* rows, size_t n, uint32_t* ids);
  // Sizes the hash table for `rows` rows (no rehash while it fills).
  void Reserve(size_t rows);
  size_t bytes() const;

 private:
  struct BlockDelete {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  template <bool kInsert>
  void Probe(const uint8_t* rows, size_t n, uint32_t* ids);
  void Rehash(size_t capacity);
  uint64_t Hash(const uint8_t* row) const;
  size_t width_;
  size_t payload_offset_ = 0;
  size_t stride_ = 0;
  size_t size_ = 0;
  std::vector<std::unique_ptr<uint8_t[], BlockDelete>> blocks_;  // id's row: see Row()
  std::vector<uint64_t> slots_;   // see FindOrInsert
  size_t mask_ = 0;
  int shift_ = 64;                // a hash's home slot is hash >> shift_
  std::vector<uint64_t> scratch_;
};

}  // namespace tp::storage::sql::exec
