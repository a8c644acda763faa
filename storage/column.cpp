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
  if (validity_.empty()) validity_.fill(size_, 1);
  validity_.push_back(0);
  ++null_count_;
  if (type_.id == TypeId::kString) {
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  } else {
    fixed_.fill(FixedWidth(type_.id), '\0');
  }
  ++size_;
}

void Column::AppendFrom(const Column& src, size_t row) {
  assert(src.type_ == type_);
  if (src.IsNull(row)) return AppendNull();
  if (type_.id == TypeId::kString) {
    std::string_view v = src.GetString(row);
    if (chars_.size() + v.size() > chars_.capacity() && planned_rows_ > size_) {
      // Copying rows out of a bigger column (one day of a batch, a compaction
      // input): growing by doubling would copy and page-fault the bytes
      // several times over, so reserve once for the planned rows, assuming
      // they are about as long as the source's average (plus 1/8 slack).
      // Later growth, if the guess was short, doubles as usual.
      const size_t per_row = src.size_ == 0 ? 0 : src.chars_.size() / src.size_;
      const size_t rest = planned_rows_ - size_;
      chars_.reserve(chars_.size() + v.size() + rest * per_row + rest * per_row / 8);
      planned_rows_ = 0;
    }
    return AppendString(v);
  }
  const size_t w = FixedWidth(type_.id);
  fixed_.append(src.fixed_.data() + row * w, w);
  if (!validity_.empty()) validity_.push_back(1);
  ++size_;
}

void Column::Reserve(size_t rows) {
  if (type_.id == TypeId::kString) {
    offsets_.reserve(rows + 1);
    planned_rows_ = rows;
  } else {
    fixed_.reserve(rows * FixedWidth(type_.id));
  }
}

void Column::Clear() {
  size_ = 0;
  planned_rows_ = 0;
  null_count_ = 0;
  fixed_.clear();
  chars_.clear();
  validity_.clear();
  offsets_.clear();
  if (type_.id == TypeId::kString) offsets_.push_back(0);
}

void Column::Truncate(size_t rows) {
  assert(rows <= size_);
  if (!validity_.empty()) {
    for (size_t r = rows; r < size_; ++r) null_count_ -= validity_[r] == 0 ? 1 : 0;
    validity_.truncate(rows);
  }
  if (type_.id == TypeId::kString) {
    chars_.truncate(offsets_[rows]);
    offsets_.truncate(rows + 1);
  } else {
    fixed_.truncate(rows * FixedWidth(type_.id));
  }
  size_ = rows;
  planned_rows_ = 0;
}

}  // namespace tp::storage
