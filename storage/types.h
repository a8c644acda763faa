// Logical column types of tillpipe tables and their in-memory representation.
//
//   bool       uint8_t 0/1
//   int32      int32_t
//   int64      int64_t
//   float64    double
//   decimal    int64_t unscaled value (value = unscaled / 10^scale), precision <= 18
//   string     UTF-8 bytes
//   date       int32_t days since 1970-01-01
//   timestamp  int64_t microseconds since 1970-01-01 00:00:00 UTC
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tp::storage {

enum class TypeId : uint8_t { kBool, kInt32, kInt64, kFloat64, kDecimal, kString, kDate, kTimestamp };

struct LogicalType {
  TypeId id = TypeId::kString;
  uint8_t precision = 0;  // decimal only, 1..18
  uint8_t scale = 0;      // decimal only, 0..precision

  static LogicalType Of(TypeId id) { return LogicalType{id, 0, 0}; }
  static LogicalType Decimal(int precision, int scale) {
    return LogicalType{TypeId::kDecimal, static_cast<uint8_t>(precision),
                       static_cast<uint8_t>(scale)};
  }
  std::string ToString() const;  // "bool", "decimal(12,2)", "timestamp", ...
  bool operator==(const LogicalType&) const = default;
};

struct Field {
  std::string name;
  LogicalType type;
  bool nullable = true;
  bool operator==(const Field&) const = default;
};

struct Schema {
  std::vector<Field> fields;
  // Index of the field with this name, or -1.
  int Find(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

}  // namespace tp::storage
