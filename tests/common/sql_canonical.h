// The canonical text of a SQL value that both the differential SQL suite
// (tests/integration/sql_logic_test.cpp) and the query benchmark
// (bench/query_bench.cpp) compare with DuckDB's answers; the DuckDB side
// renders the same forms (tests/interop/duckdb_batch.mjs,
// bench/duckdb_bench.mjs). NULL is nullopt; timestamps are UTC with a "Z".
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "storage/sql/value.h"
#include "storage/value_parse.h"

namespace tp::testing {

inline std::string CanonicalTimestamp(int64_t micros) {
  constexpr int64_t kDay = 86400000000LL;
  const int64_t days = storage::FloorDiv(micros, kDay);
  const int64_t rem = micros - days * kDay;
  const int64_t secs = rem / 1000000, frac = rem % 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, " %02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out = storage::FormatDate(days) + buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out + "Z";
}

inline std::optional<std::string> CanonicalValue(const storage::sql::Value& v) {
  namespace sql = storage::sql;
  if (v.is_null()) return std::nullopt;
  switch (v.type().id) {
    case sql::SqlTypeId::kNull: return std::nullopt;
    case sql::SqlTypeId::kBool: return v.int_value() ? "true" : "false";
    case sql::SqlTypeId::kInt32:
    case sql::SqlTypeId::kInt64: return std::to_string(v.int_value());
    case sql::SqlTypeId::kFloat64: return sql::FormatDouble(v.float_value());
    case sql::SqlTypeId::kDecimal: return sql::FormatDecimal(v.int_value(), v.type().scale);
    case sql::SqlTypeId::kString: return v.string_value();
    case sql::SqlTypeId::kDate: return storage::FormatDate(v.int_value());
    case sql::SqlTypeId::kTimestamp: return CanonicalTimestamp(v.int_value());
    case sql::SqlTypeId::kInterval: {
      const sql::Interval& iv = v.interval_value();
      return std::to_string(iv.months) + "mo " + std::to_string(iv.days) + "d " +
             std::to_string(iv.micros) + "us";
    }
  }
  return v.ToString();
}

}  // namespace tp::testing
