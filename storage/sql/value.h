// SQL types and single values.
//
// SqlType extends the storage types (storage/types.h) with the types only a
// query produces: the type of a bare NULL and INTERVAL. Names, semantics and
// the text form of values follow DuckDB, the dialect's reference:
//
//   SqlType      in a Vector (physical)   text form (Value::ToString)
//   NULL         uint8_t (always NULL)    NULL
//   BOOLEAN      uint8_t 0/1              true / false
//   INTEGER      int32_t                  42
//   BIGINT       int64_t                  42
//   DOUBLE       double                   3.5, 1e+20, nan, inf (DuckDB's shortest form)
//   DECIMAL(p,s) int64_t unscaled         12.50 (always s digits after the point)
//   VARCHAR      std::string_view         text
//   DATE         int32_t days since epoch 2026-11-21
//   TIMESTAMP    int64_t µs since epoch   2026-11-21 10:30:00+00 (store time zone)
//   INTERVAL     Interval                 3 days 04:00:00
//
// TIMESTAMP is an instant (DuckDB's TIMESTAMP WITH TIME ZONE: the Parquet
// files are isAdjustedToUTC): extract, date_trunc, casts to DATE or VARCHAR
// and strftime read it in the store's time zone.
//
// DECIMAL: precision may be declared up to 38 (sum() of a DECIMAL(12,2) is
// DECIMAL(38,2) as in DuckDB) but values are held in 64 bits; arithmetic
// that leaves int64 fails with an "Overflow" error instead of wrapping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/types.h"

namespace tp::storage::sql {

enum class SqlTypeId : uint8_t {
  kNull,
  kBool,
  kInt32,
  kInt64,
  kFloat64,
  kDecimal,
  kString,
  kDate,
  kTimestamp,
  kInterval,
};

struct SqlType {
  SqlTypeId id = SqlTypeId::kNull;
  uint8_t precision = 0;  // DECIMAL only, 1..38
  uint8_t scale = 0;      // DECIMAL only, 0..precision

  static SqlType Of(SqlTypeId id) { return SqlType{id, 0, 0}; }
  static SqlType Decimal(int precision, int scale) {
    return SqlType{SqlTypeId::kDecimal, static_cast<uint8_t>(precision),
                   static_cast<uint8_t>(scale)};
  }
  static SqlType FromStorage(const LogicalType& t);
  // The storage type of a query type; false for NULL and INTERVAL, and for a
  // DECIMAL wider than 18 digits.
  bool ToStorage(LogicalType* out) const;

  // DuckDB's name: BOOLEAN, INTEGER, BIGINT, DOUBLE, DECIMAL(12,2), VARCHAR,
  // DATE, TIMESTAMP WITH TIME ZONE, INTERVAL, "NULL".
  std::string ToString() const;
  bool IsNumeric() const {
    return id == SqlTypeId::kInt32 || id == SqlTypeId::kInt64 || id == SqlTypeId::kFloat64 ||
           id == SqlTypeId::kDecimal;
  }
  bool operator==(const SqlType&) const = default;
};

// An interval as DuckDB keeps it: months, days and microseconds apart (a
// month is not a fixed number of days, a day not always 24 hours).
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
};

// Bytes of one value of `id` in a Vector (sizeof(std::string_view) for strings).
size_t PhysicalWidth(SqlTypeId id);

// 10^n for n in 0..18.
int64_t PowerOf10(int n);

// One value of a type, or NULL (a NULL still has a type).
class Value {
 public:
  Value() = default;  // NULL of type NULL
  static Value Null(SqlType type = {}) {
    Value v;
    v.type_ = type;
    return v;
  }
  static Value Bool(bool b) { return Fixed(SqlType::Of(SqlTypeId::kBool), b ? 1 : 0); }
  static Value Int32(int32_t i) { return Fixed(SqlType::Of(SqlTypeId::kInt32), i); }
  static Value Int64(int64_t i) { return Fixed(SqlType::Of(SqlTypeId::kInt64), i); }
  static Value Float64(double d);
  static Value Decimal(int64_t unscaled, int precision, int scale) {
    return Fixed(SqlType::Decimal(precision, scale), unscaled);
  }
  static Value String(std::string s);
  static Value Date(int32_t days) { return Fixed(SqlType::Of(SqlTypeId::kDate), days); }
  static Value Timestamp(int64_t micros) {
    return Fixed(SqlType::Of(SqlTypeId::kTimestamp), micros);
  }
  static Value FromInterval(Interval iv);

  const SqlType& type() const { return type_; }
  bool is_null() const { return null_; }
  // Bool, Int32, Int64, Decimal (unscaled), Date, Timestamp.
  int64_t int_value() const { return i_; }
  double float_value() const { return d_; }
  const std::string& string_value() const { return s_; }
  const Interval& interval_value() const { return iv_; }

  // DuckDB's text form (see the top of this file); timestamps in UTC.
  std::string ToString() const;

  bool operator==(const Value&) const = default;

 private:
  static Value Fixed(SqlType t, int64_t i) {
    Value v;
    v.type_ = t;
    v.null_ = false;
    v.i_ = i;
    return v;
  }
  SqlType type_;
  bool null_ = true;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  Interval iv_;
};

// Text forms shared by Value::ToString, casts to VARCHAR and result output.
std::string FormatDecimal(int64_t unscaled, int scale);
std::string FormatDouble(double d);  // DuckDB's: shortest round-trip digits
std::string FormatInterval(const Interval& iv);
// "2026-11-21 10:30:00[.123456]+01" (offset in hours, ":MM" when not whole)
// for µs since the epoch shown at `offset_seconds` east of UTC.
std::string FormatTimestamp(int64_t micros, int offset_seconds);

}  // namespace tp::storage::sql
