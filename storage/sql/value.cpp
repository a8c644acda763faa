// SQL types and values: names, physical widths and DuckDB's text forms.
#include "storage/sql/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/value_parse.h"

namespace tp::storage::sql {

SqlType SqlType::FromStorage(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kBool:
      return Of(SqlTypeId::kBool);
    case TypeId::kInt32:
      return Of(SqlTypeId::kInt32);
    case TypeId::kInt64:
      return Of(SqlTypeId::kInt64);
    case TypeId::kFloat64:
      return Of(SqlTypeId::kFloat64);
    case TypeId::kDecimal:
      return Decimal(t.precision, t.scale);
    case TypeId::kString:
      return Of(SqlTypeId::kString);
    case TypeId::kDate:
      return Of(SqlTypeId::kDate);
    case TypeId::kTimestamp:
      return Of(SqlTypeId::kTimestamp);
  }
  return {};
}

bool SqlType::ToStorage(LogicalType* out) const {
  switch (id) {
    case SqlTypeId::kNull:
    case SqlTypeId::kInterval:
      return false;
    case SqlTypeId::kBool:
      *out = LogicalType::Of(TypeId::kBool);
      return true;
    case SqlTypeId::kInt32:
      *out = LogicalType::Of(TypeId::kInt32);
      return true;
    case SqlTypeId::kInt64:
      *out = LogicalType::Of(TypeId::kInt64);
      return true;
    case SqlTypeId::kFloat64:
      *out = LogicalType::Of(TypeId::kFloat64);
      return true;
    case SqlTypeId::kDecimal:
      if (precision > 18) return false;
      *out = LogicalType::Decimal(precision, scale);
      return true;
    case SqlTypeId::kString:
      *out = LogicalType::Of(TypeId::kString);
      return true;
    case SqlTypeId::kDate:
      *out = LogicalType::Of(TypeId::kDate);
      return true;
    case SqlTypeId::kTimestamp:
      *out = LogicalType::Of(TypeId::kTimestamp);
      return true;
  }
  return false;
}

std::string SqlType::ToString() const {
  switch (id) {
    case SqlTypeId::kNull:
      return "\"NULL\"";
    case SqlTypeId::kBool:
      return "BOOLEAN";
    case SqlTypeId::kInt32:
      return "INTEGER";
    case SqlTypeId::kInt64:
      return "BIGINT";
    case SqlTypeId::kFloat64:
      return "DOUBLE";
    case SqlTypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case SqlTypeId::kString:
      return "VARCHAR";
    case SqlTypeId::kDate:
      return "DATE";
    case SqlTypeId::kTimestamp:
      return "TIMESTAMP WITH TIME ZONE";
    case SqlTypeId::kInterval:
      return "INTERVAL";
  }
  return "?";
}

size_t PhysicalWidth(SqlTypeId id) {
  switch (id) {
    case SqlTypeId::kNull:
    case SqlTypeId::kBool:
      return 1;
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate:
      return 4;
    case SqlTypeId::kInt64:
    case SqlTypeId::kFloat64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
      return 8;
    case SqlTypeId::kString:
      return sizeof(std::string_view);
    case SqlTypeId::kInterval:
      return sizeof(Interval);
  }
  return 8;
}

int64_t PowerOf10(int n) {
  static constexpr int64_t kPow[] = {1LL,
                                     10LL,
                                     100LL,
                                     1000LL,
                                     10000LL,
                                     100000LL,
                                     1000000LL,
                                     10000000LL,
                                     100000000LL,
                                     1000000000LL,
                                     10000000000LL,
                                     100000000000LL,
                                     1000000000000LL,
                                     10000000000000LL,
                                     100000000000000LL,
                                     1000000000000000LL,
                                     10000000000000000LL,
                                     100000000000000000LL,
                                     1000000000000000000LL};
  return n >= 0 && n <= 18 ? kPow[n] : 0;
}

Value Value::Float64(double d) {
  Value v;
  v.type_ = SqlType::Of(SqlTypeId::kFloat64);
  v.null_ = false;
  v.d_ = d;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = SqlType::Of(SqlTypeId::kString);
  v.null_ = false;
  v.s_ = std::move(s);
  return v;
}

Value Value::FromInterval(Interval iv) {
  Value v;
  v.type_ = SqlType::Of(SqlTypeId::kInterval);
  v.null_ = false;
  v.iv_ = iv;
  return v;
}

namespace {

// "YYYY-MM-DD", or DuckDB's "YYYY-MM-DD (BC)" for years before 1 (astronomical
// year 0 is 1 BC). `bc` is set instead of appending, so timestamps can put
// the suffix at the end.
std::string DatePart(int64_t days, bool* bc) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  *bc = y <= 0;
  if (*bc) y = 1 - y;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// "HH:MM:SS[.f]" with trailing zeros of the fraction dropped; hours may
// exceed 23 (intervals).
std::string TimeOfDay(uint64_t micros) {
  const uint64_t secs = micros / 1000000, frac = micros % 1000000;
  char buf[64];
  int n = std::snprintf(
      buf, sizeof buf, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(secs / 3600),
      static_cast<unsigned long long>(secs / 60 % 60), static_cast<unsigned long long>(secs % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06llu", static_cast<unsigned long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

}  // namespace

std::string FormatDecimal(int64_t unscaled, int scale) {
  const bool negative = unscaled < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  std::string digits = std::to_string(mag);
  std::string out = negative ? "-" : "";
  if (scale <= 0) return out + digits;
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  out += digits.substr(0, digits.size() - scale);
  out += '.';
  out += digits.substr(digits.size() - scale);
  return out;
}

std::string FormatDouble(double d) {
  // DuckDB prints the sign of a NaN too (0.0 / 0 is -nan on x86).
  if (std::isnan(d)) return std::signbit(d) ? "-nan" : "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  // sci: [-]D[.DDD]e(+|-)XX
  const size_t e = sci.find('e');
  const int exponent = std::atoi(sci.c_str() + e + 1);
  if (exponent < -4 || exponent >= 16) return sci;
  std::string out;
  size_t pos = 0;
  if (sci[0] == '-') {
    out = "-";
    pos = 1;
  }
  std::string digits;
  for (size_t i = pos; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  if (exponent >= 0) {
    const size_t int_len = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_len) {
      out += digits + std::string(int_len - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  } else {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  }
  return out;
}

std::string FormatInterval(const Interval& iv) {
  std::string out;
  auto part = [&](int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + " " + unit + (n == 1 || n == -1 ? "" : "s");
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "month");
  part(iv.days, "day");
  if (iv.micros != 0 || out.empty()) {
    if (!out.empty()) out += ' ';
    if (iv.micros < 0) out += '-';
    const uint64_t mag =
        iv.micros < 0 ? 0 - static_cast<uint64_t>(iv.micros) : static_cast<uint64_t>(iv.micros);
    out += TimeOfDay(mag);
  }
  return out;
}

std::string FormatTimestamp(int64_t micros, int offset_seconds) {
  const int64_t local = micros + int64_t{offset_seconds} * 1000000;
  const int64_t day_us = int64_t{86400} * 1000000;
  const int64_t days = FloorDiv(local, day_us);
  bool bc = false;
  std::string out = DatePart(days, &bc);
  out += ' ';
  out += TimeOfDay(static_cast<uint64_t>(local - days * day_us));
  const int mag = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d", offset_seconds < 0 ? '-' : '+', mag / 3600);
  out += buf;
  if (mag % 3600 / 60 != 0) {
    std::snprintf(buf, sizeof buf, ":%02d", mag % 3600 / 60);
    out += buf;
  }
  if (bc) out += " (BC)";
  return out;
}

std::string Value::ToString() const {
  if (null_) return "NULL";
  switch (type_.id) {
    case SqlTypeId::kNull:
      return "NULL";
    case SqlTypeId::kBool:
      return i_ != 0 ? "true" : "false";
    case SqlTypeId::kInt32:
    case SqlTypeId::kInt64:
      return std::to_string(i_);
    case SqlTypeId::kFloat64:
      return FormatDouble(d_);
    case SqlTypeId::kDecimal:
      return FormatDecimal(i_, type_.scale);
    case SqlTypeId::kString:
      return s_;
    case SqlTypeId::kDate: {
      bool bc = false;
      std::string s = DatePart(i_, &bc);
      return bc ? s + " (BC)" : s;
    }
    case SqlTypeId::kTimestamp:
      return FormatTimestamp(i_, 0);
    case SqlTypeId::kInterval:
      return FormatInterval(iv_);
  }
  return "?";
}

}  // namespace tp::storage::sql
