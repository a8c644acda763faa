// Vectors and chunks: owned and referenced buffers, string lifetimes.
#include "storage/sql/vector.h"

#include <algorithm>
#include <cstring>

namespace tp::storage::sql {

namespace {

constexpr size_t kHeapBlock = 64 * 1024;

void AddOwner(std::vector<std::shared_ptr<const void>>* owners, std::shared_ptr<const void> owner) {
  if (owner == nullptr) return;
  for (const auto& o : *owners) {
    if (o == owner) return;
  }
  owners->push_back(std::move(owner));
}

// Copies one value of `width` bytes.
inline void CopyValue(uint8_t* dst, const uint8_t* src, size_t width) {
  switch (width) {
    case 1:
      *dst = *src;
      break;
    case 4:
      std::memcpy(dst, src, 4);
      break;
    case 8:
      std::memcpy(dst, src, 8);
      break;
    case 16:
      std::memcpy(dst, src, 16);
      break;
    default:
      std::memcpy(dst, src, width);
      break;
  }
}

}  // namespace

std::string_view StringHeap::Add(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > capacity_ - used_) {
    const size_t size = std::max(kHeapBlock, s.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    used_ = 0;
    capacity_ = size;
  }
  char* p = blocks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  bytes_ += s.size();
  return {p, s.size()};
}

namespace {

// Value buffers of a batch's size are recycled per thread: the evaluator
// makes and drops temporary vectors for every batch, and handing their
// memory back to malloc each time costs page faults.
constexpr size_t kPoolClasses[] = {kBatchSize * 8, kBatchSize * 16};
constexpr size_t kPoolDepth = 64;

thread_local bool pool_gone = false;  // the thread's pool was destroyed (thread exit)

struct BufferPool {
  std::vector<std::unique_ptr<uint64_t[]>> free[2];
  ~BufferPool() { pool_gone = true; }
};

BufferPool* Pool() {
  thread_local BufferPool pool;
  return pool_gone ? nullptr : &pool;
}

// Bytes to allocate for `bytes` (a pooled size when it fits one).
size_t AllocationSize(size_t bytes) {
  for (size_t c : kPoolClasses) {
    if (bytes <= c && bytes * 4 > c) return c;
  }
  return std::max<size_t>((bytes + 7) & ~size_t{7}, 64);
}

std::unique_ptr<uint64_t[]> Allocate(size_t bytes) {
  BufferPool* pool = Pool();
  for (size_t k = 0; k < 2 && pool != nullptr; ++k) {
    auto& list = pool->free[k];
    if (bytes == kPoolClasses[k] && !list.empty()) {
      auto p = std::move(list.back());
      list.pop_back();
      return p;
    }
  }
  return std::make_unique_for_overwrite<uint64_t[]>(bytes / 8);
}

void Release(std::unique_ptr<uint64_t[]> p, size_t bytes) {
  BufferPool* pool = Pool();
  for (size_t k = 0; k < 2 && pool != nullptr; ++k) {
    auto& list = pool->free[k];
    if (bytes == kPoolClasses[k] && list.size() < kPoolDepth) {
      list.push_back(std::move(p));
      return;
    }
  }
}

}  // namespace

struct Vector::Shared {
  std::unique_ptr<uint64_t[]> data;  // uint64_t for alignment
  size_t data_bytes = 0;
  std::unique_ptr<uint8_t[]> validity;
  size_t validity_rows = 0;

  explicit Shared(size_t bytes) : data(Allocate(bytes)), data_bytes(bytes) {}
  ~Shared() { Release(std::move(data), data_bytes); }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;
};

Vector::Vector(SqlType type, size_t size) {
  Reset(type, size);
  if (size > 0) std::memset(data_, 0, size * PhysicalWidth(type.id));
}

bool Vector::OwnsUnshared() const { return own_ != nullptr && own_.use_count() == 1; }

void Vector::Reset(SqlType type, size_t size) {
  type_ = type;
  owners_.clear();
  heap_.reset();
  const size_t bytes = size * PhysicalWidth(type.id);
  if (!OwnsUnshared() || own_->data_bytes < bytes)
    own_ = std::make_shared<Shared>(AllocationSize(bytes));
  data_ = reinterpret_cast<uint8_t*>(own_->data.get());
  validity_ = nullptr;
  size_ = size;
}

void Vector::Reserve(size_t rows) {
  const size_t width = PhysicalWidth(type_.id);
  if (OwnsUnshared() && own_->data_bytes >= rows * width &&
      (validity_ == nullptr || own_->validity_rows >= rows)) {
    return;
  }
  size_t cap = rows;
  if (own_ != nullptr) cap = std::max(cap, own_->data_bytes / width * 2);
  cap = std::max<size_t>(cap, 16);
  auto s = std::make_shared<Shared>(AllocationSize(cap * width));
  if (size_ > 0) std::memcpy(s->data.get(), data_, size_ * width);
  if (validity_ != nullptr) {
    s->validity_rows = s->data_bytes / width;
    s->validity = std::make_unique_for_overwrite<uint8_t[]>(s->validity_rows);
    if (size_ > 0) std::memcpy(s->validity.get(), validity_, size_);
  }
  // A former view of fixed-width values needs its sources no longer; strings
  // still point into theirs.
  if (own_ == nullptr && type_.id != SqlTypeId::kString) owners_.clear();
  own_ = std::move(s);
  data_ = reinterpret_cast<uint8_t*>(own_->data.get());
  validity_ = own_->validity.get();
}

void Vector::MakeOwning() { Reserve(size_); }

uint8_t* Vector::MutableValidity() {
  if (!OwnsUnshared()) MakeOwning();
  if (validity_ == nullptr) {
    const size_t cap = own_->data_bytes / PhysicalWidth(type_.id);
    if (own_->validity_rows < cap) {
      own_->validity = std::make_unique_for_overwrite<uint8_t[]>(cap);
      own_->validity_rows = cap;
    }
    validity_ = own_->validity.get();
    std::memset(validity_, 1, size_);
  }
  return validity_;
}

void Vector::SetAllNull() {
  uint8_t* v = MutableValidity();
  std::memset(v, 0, size_);
  std::memset(data_, 0, size_ * PhysicalWidth(type_.id));
}

std::string_view Vector::AddString(std::string_view s) {
  // Adding to a heap that views share is safe: existing bytes never move.
  if (heap_ == nullptr) heap_ = std::make_shared<StringHeap>();
  return heap_->Add(s);
}

void Vector::KeepAlive(std::shared_ptr<const void> owner) { AddOwner(&owners_, std::move(owner)); }

void Vector::ShareStringsOf(const Vector& other) {
  if (&other == this) return;
  AddOwner(&owners_, other.heap_);
  for (const auto& o : other.owners_) AddOwner(&owners_, o);
}

void Vector::Reference(const Vector& other) { Slice(other, 0, other.size_); }

void Vector::Slice(const Vector& other, size_t offset, size_t count) {
  if (&other == this) {
    if (offset == 0 && count == size_) return;
    Vector tmp;
    tmp.Slice(other, offset, count);
    *this = std::move(tmp);
    return;
  }
  std::vector<std::shared_ptr<const void>> owners = other.owners_;
  AddOwner(&owners, other.heap_);
  AddOwner(&owners, other.own_);
  const size_t width = PhysicalWidth(other.type_.id);
  type_ = other.type_;
  size_ = count;
  data_ = other.data_ == nullptr ? nullptr : other.data_ + offset * width;
  validity_ = other.validity_ == nullptr ? nullptr : other.validity_ + offset;
  owners_ = std::move(owners);
  own_.reset();
  heap_.reset();
}

void Vector::ReferenceExternal(SqlType type, const void* data, const uint8_t* validity, size_t size,
                               std::shared_ptr<const void> owner) {
  type_ = type;
  size_ = size;
  // Views are never written through (see data()), so dropping const is safe.
  data_ = static_cast<uint8_t*>(const_cast<void*>(data));
  validity_ = const_cast<uint8_t*>(validity);
  owners_.clear();
  AddOwner(&owners_, std::move(owner));
  own_.reset();
  heap_.reset();
}

void Vector::Gather(const Vector& src, const uint32_t* sel, size_t count) {
  if (&src == this) {
    Vector tmp;
    tmp.Gather(src, sel, count);
    *this = std::move(tmp);
    return;
  }
  Reset(src.type_, count);
  const size_t width = PhysicalWidth(type_.id);
  switch (width) {
    case 1:
      for (size_t i = 0; i < count; ++i) data_[i] = src.data_[sel[i]];
      break;
    case 4: {
      auto* d = reinterpret_cast<uint32_t*>(data_);
      auto* s = reinterpret_cast<const uint32_t*>(src.data_);
      for (size_t i = 0; i < count; ++i) d[i] = s[sel[i]];
      break;
    }
    case 8: {
      auto* d = reinterpret_cast<uint64_t*>(data_);
      auto* s = reinterpret_cast<const uint64_t*>(src.data_);
      for (size_t i = 0; i < count; ++i) d[i] = s[sel[i]];
      break;
    }
    default:
      for (size_t i = 0; i < count; ++i) {
        CopyValue(data_ + i * width, src.data_ + size_t{sel[i]} * width, width);
      }
      break;
  }
  if (src.validity_ != nullptr) {
    bool any_null = false;
    for (size_t i = 0; i < count; ++i) any_null |= src.validity_[sel[i]] == 0;
    if (any_null) {
      uint8_t* v = MutableValidity();
      for (size_t i = 0; i < count; ++i) v[i] = src.validity_[sel[i]];
    }
  }
  if (type_.id == SqlTypeId::kString) ShareStringsOf(src);
}

void Vector::Append(const Vector& src, size_t offset, size_t count) {
  if (&src == this) {
    Vector tmp;
    tmp.Slice(src, offset, count);
    Append(tmp, 0, count);
    return;
  }
  if (size_ == 0 && !(type_ == src.type_)) Reset(src.type_, 0);
  if (count == 0) return;
  const size_t width = PhysicalWidth(type_.id);
  Reserve(size_ + count);
  std::memcpy(data_ + size_ * width, src.data_ + offset * width, count * width);
  bool src_nulls = false;
  if (src.validity_ != nullptr) {
    for (size_t i = 0; i < count && !src_nulls; ++i) src_nulls = src.validity_[offset + i] == 0;
  }
  const size_t old = size_;
  if (src_nulls && validity_ == nullptr) MutableValidity();  // covers rows [0, old)
  size_ += count;
  if (validity_ != nullptr) {
    if (src_nulls) {
      std::memcpy(validity_ + old, src.validity_ + offset, count);
    } else {
      std::memset(validity_ + old, 1, count);
    }
  }
  if (type_.id == SqlTypeId::kString) ShareStringsOf(src);
}

void Vector::AppendValue(const Value& v) {
  Reserve(size_ + 1);
  ++size_;
  if (validity_ != nullptr) validity_[size_ - 1] = 1;
  SetValue(size_ - 1, v);
}

void Vector::SetValue(size_t row, const Value& v) {
  if (!OwnsUnshared()) MakeOwning();
  const size_t width = PhysicalWidth(type_.id);
  if (v.is_null() || type_.id == SqlTypeId::kNull) {
    SetNull(row);
    std::memset(data_ + row * width, 0, width);
    return;
  }
  if (validity_ != nullptr) validity_[row] = 1;
  switch (type_.id) {
    case SqlTypeId::kNull:
      break;
    case SqlTypeId::kBool:
      data_[row] = v.int_value() != 0 ? 1 : 0;
      break;
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate:
      data<int32_t>()[row] = static_cast<int32_t>(v.int_value());
      break;
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
      data<int64_t>()[row] = v.int_value();
      break;
    case SqlTypeId::kFloat64:
      data<double>()[row] =
          v.type().id == SqlTypeId::kFloat64 ? v.float_value() : static_cast<double>(v.int_value());
      break;
    case SqlTypeId::kString:
      data<std::string_view>()[row] = AddString(v.string_value());
      break;
    case SqlTypeId::kInterval:
      data<Interval>()[row] = v.interval_value();
      break;
  }
}

Value Vector::GetValue(size_t row) const {
  if (IsNull(row) || type_.id == SqlTypeId::kNull) return Value::Null(type_);
  switch (type_.id) {
    case SqlTypeId::kNull:
      break;
    case SqlTypeId::kBool:
      return Value::Bool(data_[row] != 0);
    case SqlTypeId::kInt32:
      return Value::Int32(data<int32_t>()[row]);
    case SqlTypeId::kDate:
      return Value::Date(data<int32_t>()[row]);
    case SqlTypeId::kInt64:
      return Value::Int64(data<int64_t>()[row]);
    case SqlTypeId::kDecimal:
      return Value::Decimal(data<int64_t>()[row], type_.precision, type_.scale);
    case SqlTypeId::kTimestamp:
      return Value::Timestamp(data<int64_t>()[row]);
    case SqlTypeId::kFloat64:
      return Value::Float64(data<double>()[row]);
    case SqlTypeId::kString:
      return Value::String(std::string(data<std::string_view>()[row]));
    case SqlTypeId::kInterval:
      return Value::FromInterval(data<Interval>()[row]);
  }
  return Value::Null(type_);
}

size_t Vector::MemoryUsage() const {
  size_t bytes = 0;
  if (own_ != nullptr) bytes += own_->data_bytes + own_->validity_rows;
  if (heap_ != nullptr) bytes += heap_->bytes();
  return bytes;
}

void Chunk::Reset(const std::vector<SqlType>& types, size_t rows) {
  columns.resize(types.size());
  for (size_t i = 0; i < types.size(); ++i) columns[i].Reset(types[i], rows);
  size = rows;
}

std::vector<SqlType> Chunk::Types() const {
  std::vector<SqlType> types;
  types.reserve(columns.size());
  for (const auto& c : columns) types.push_back(c.type());
  return types;
}

size_t Chunk::MemoryUsage() const {
  size_t bytes = 0;
  for (const auto& c : columns) bytes += c.MemoryUsage();
  return bytes;
}

void ReferenceColumn(const Column& col, const SqlType& type, size_t offset, size_t n,
                     std::shared_ptr<const void> owner, Vector* out) {
  const uint8_t* validity = col.validity() != nullptr ? col.validity() + offset : nullptr;
  if (type.id == SqlTypeId::kString) {
    out->Reset(type, n);
    auto* views = out->data<std::string_view>();
    for (size_t i = 0; i < n; ++i) views[i] = col.GetString(offset + i);
    if (validity != nullptr) std::copy(validity, validity + n, out->MutableValidity());
    if (owner) out->KeepAlive(std::move(owner));
    return;
  }
  const size_t width = Column::FixedWidth(col.type().id);
  out->ReferenceExternal(type, col.data<char>() + offset * width, validity, n, std::move(owner));
}

}  // namespace tp::storage::sql
