#include "storage/column.h"

namespace tp::storage {

size_t Column::FixedWidth(TypeId id) {
  switch (id) {
    case TypeId::kBool: return 1;
    case TypeId::kInt32:
    case TypeId::kDate: return 4;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
    case TypeId::kFloat64: return 8;
    case TypeId::kString: return 0;
  }
  return 0;
}

void Column::AppendNull() {
  if (validity_.empty()) validity_.assign(size_, 1);
  validity_.push_back(0);
  ++null_count_;
  if (type_.id == TypeId::kString) {
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  } else {
    fixed_.append(FixedWidth(type_.id), '\0');
  }
  ++size_;
}

void Column::AppendString(std::string_view v) {
  assert(type_.id == TypeId::kString);
  chars_.append(v);
  offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  if (!validity_.empty()) validity_.push_back(1);
  ++size_;
}

void Column::AppendFrom(const Column& src, size_t row) {
  assert(src.type_ == type_);
  if (src.IsNull(row)) return AppendNull();
  if (type_.id == TypeId::kString) return AppendString(src.GetString(row));
  const size_t w = FixedWidth(type_.id);
  fixed_.append(src.fixed_.data() + row * w, w);
  if (!validity_.empty()) validity_.push_back(1);
  ++size_;
}

void Column::Reserve(size_t rows) {
  if (type_.id == TypeId::kString) {
    offsets_.reserve(rows + 1);
  } else {
    fixed_.reserve(rows * FixedWidth(type_.id));
  }
}

void Column::Clear() {
  size_ = 0;
  null_count_ = 0;
  fixed_.clear();
  chars_.clear();
  validity_.clear();
  offsets_.clear();
  if (type_.id == TypeId::kString) offsets_.push_back(0);
}

}  // namespace tp::storage
