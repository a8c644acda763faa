// Statistics of column chunks; see statistics.h and FORMAT.md.
#include "storage/parquet/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace tp::storage::parquet {

namespace {

template <typename T>
std::string LittleEndianBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

// `valid` is Column::validity() (nullptr = no NULL). The NULL-free loop is
// separate so that the compiler can vectorize it.
template <typename T>
void MinMaxFixed(const T* v, const uint8_t* valid, size_t begin, size_t end, Statistics* st) {
  size_t i = begin;
  if (valid != nullptr) {
    while (i < end && valid[i] == 0) ++i;
  }
  if (i == end) return;
  T lo = v[i], hi = v[i];
  if (valid == nullptr) {
    for (; i < end; ++i) {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  } else {
    for (; i < end; ++i) {
      if (valid[i] == 0) continue;
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  }
  st->min_value = LittleEndianBytes(lo);
  st->max_value = LittleEndianBytes(hi);
  st->is_min_value_exact = st->is_max_value_exact = true;
}

// parquet.thrift ColumnOrder, TYPE_ORDER for floating point: min/max from
// non-NaN values, nan_count set, a zero min is written as -0.0 and a zero
// max as +0.0, nothing when every value is NaN.
void MinMaxDouble(const Column& c, size_t begin, size_t end, Statistics* st) {
  const double* v = c.data<double>();
  const uint8_t* valid = c.validity();
  bool any = false;
  double lo = 0, hi = 0;
  int64_t nans = 0;
  for (size_t i = begin; i < end; ++i) {
    if (valid != nullptr && valid[i] == 0) continue;
    if (std::isnan(v[i])) {
      ++nans;
      continue;
    }
    if (!any) {
      lo = hi = v[i];
      any = true;
    } else {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  }
  st->nan_count = nans;
  if (!any) return;
  if (lo == 0) lo = -0.0;
  if (hi == 0) hi = 0.0;
  st->min_value = LittleEndianBytes(lo);
  st->max_value = LittleEndianBytes(hi);
  st->is_min_value_exact = st->is_max_value_exact = true;
}

void MinMaxBool(const Column& c, size_t begin, size_t end, Statistics* st) {
  const uint8_t* v = c.data<uint8_t>();
  const uint8_t* valid = c.validity();
  bool any_false = false, any_true = false;
  for (size_t i = begin; i < end; ++i) {
    if (valid != nullptr && valid[i] == 0) continue;
    (v[i] != 0 ? any_true : any_false) = true;
  }
  if (!any_false && !any_true) return;
  st->min_value = std::string(1, any_false ? '\0' : '\1');
  st->max_value = std::string(1, any_true ? '\1' : '\0');
  st->is_min_value_exact = st->is_max_value_exact = true;
}

// Strings compare as unsigned bytes (std::char_traits<char>::compare is
// memcmp-like). Long bounds are shortened: the min to a prefix (cut on a
// UTF-8 character boundary), the max to a prefix whose last ASCII byte is
// incremented, which still bounds every string sharing that prefix.
void SetStringBounds(std::string_view lo, std::string_view hi, Statistics* st) {
  if (lo.size() <= kMaxStatBytes) {
    st->min_value = std::string(lo);
    st->is_min_value_exact = true;
  } else {
    size_t k = kMaxStatBytes;
    while (k > 0 && (static_cast<uint8_t>(lo[k]) & 0xC0) == 0x80) --k;
    st->min_value = std::string(lo.substr(0, k));
    st->is_min_value_exact = false;
  }
  if (hi.size() <= kMaxStatBytes) {
    st->max_value = std::string(hi);
    st->is_max_value_exact = true;
  } else {
    for (size_t i = kMaxStatBytes; i-- > 0;) {
      if (static_cast<uint8_t>(hi[i]) < 0x7F) {
        std::string m(hi.substr(0, i + 1));
        m.back() = static_cast<char>(m.back() + 1);
        st->max_value = std::move(m);
        st->is_max_value_exact = false;
        break;
      }
    }
  }
}

void MinMaxString(const Column& c, size_t begin, size_t end, Statistics* st) {
  const uint8_t* valid = c.validity();
  bool any = false;
  std::string_view lo, hi;
  for (size_t i = begin; i < end; ++i) {
    if (valid != nullptr && valid[i] == 0) continue;
    std::string_view s = c.GetString(i);
    if (!any) {
      lo = hi = s;
      any = true;
    } else if (s < lo) {
      lo = s;
    } else if (s > hi) {
      hi = s;
    }
  }
  if (any) SetStringBounds(lo, hi, st);
}

}  // namespace

size_t CountNulls(const Column& column, size_t begin, size_t end) {
  const uint8_t* valid = column.validity();
  if (valid == nullptr) return 0;
  size_t valid_rows = 0;
  for (size_t i = begin; i < end; ++i) valid_rows += valid[i];
  return (end - begin) - valid_rows;
}

Statistics ComputeStatistics(const Column& c, size_t begin, size_t end) {
  Statistics st;
  st.null_count = static_cast<int64_t>(CountNulls(c, begin, end));
  switch (c.type().id) {
    case TypeId::kBool:
      MinMaxBool(c, begin, end, &st);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      MinMaxFixed(c.data<int32_t>(), c.validity(), begin, end, &st);
      break;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      MinMaxFixed(c.data<int64_t>(), c.validity(), begin, end, &st);
      break;
    case TypeId::kFloat64:
      MinMaxDouble(c, begin, end, &st);
      break;
    case TypeId::kString:
      MinMaxString(c, begin, end, &st);
      break;
  }
  return st;
}

Statistics StatisticsOfDistinct(const std::vector<std::string_view>& values, int64_t null_count) {
  Statistics st;
  st.null_count = null_count;
  if (values.empty()) return st;
  std::string_view lo = values[0], hi = values[0];
  for (std::string_view s : values) {
    if (s < lo) {
      lo = s;
    } else if (s > hi) {
      hi = s;
    }
  }
  SetStringBounds(lo, hi, &st);
  return st;
}

Statistics StatisticsOfDistinct(const std::vector<int32_t>& values, int64_t null_count) {
  Statistics st;
  st.null_count = null_count;
  MinMaxFixed(values.data(), nullptr, 0, values.size(), &st);
  return st;
}

Statistics StatisticsOfDistinct(const std::vector<int64_t>& values, int64_t null_count) {
  Statistics st;
  st.null_count = null_count;
  MinMaxFixed(values.data(), nullptr, 0, values.size(), &st);
  return st;
}

}  // namespace tp::storage::parquet
