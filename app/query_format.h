// Query results as text: the JSON of POST /api/v1/query (also
// `tillpipe query --format json`), CSV, and the CLI's aligned table; and
// the caret line under an error's position.
//
// JSON: {"columns":[{"name":..,"type":..}],"rows":[[..]],"stats":{..}}
// with types as DuckDB names them (SqlType::ToString) and values as
//   BOOLEAN              true / false
//   INTEGER, BIGINT      numbers
//   DOUBLE               numbers in DuckDB's shortest form; nan, inf, -inf as strings
//   DECIMAL(p,s)         numbers written exactly with s decimals (12.50)
//   VARCHAR              strings (invalid UTF-8 replaced by U+FFFD)
//   DATE, TIMESTAMP, INTERVAL   strings in their text form (FormatValue)
//   NULL                 null
// CSV: a header line, then one line per row ending in "\n"; fields with a
// comma, quote, CR or LF are quoted with quotes doubled (RFC 4180); NULL is
// an empty field and an empty string is "" (as DuckDB writes them).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/engine.h"
#include "storage/sql/time_zone.h"
#include "stream/status.h"

namespace tp::app {

std::string QueryResultJson(const storage::sql::QueryResult& result,
                            const storage::sql::TimeZone& zone);
std::string QueryResultCsv(const storage::sql::QueryResult& result,
                           const storage::sql::TimeZone& zone);
// {"error": message, "position": N}; position (1-based characters) only
// when known.
std::string QueryErrorJson(std::string_view message, std::optional<size_t> position);

// Appends `s` as a JSON string (quoted, escaped; invalid UTF-8 replaced).
void AppendJsonString(std::string* out, std::string_view s);

// A result as the CLI's table shows it.
struct TextTable {
  std::vector<std::string> names;
  std::vector<bool> right_align;  // numeric columns
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL
};
TextTable TableOf(const storage::sql::QueryResult& result, const storage::sql::TimeZone& zone);
// The table of a POST /api/v1/query JSON answer, with numbers in the text
// they were sent as (so DECIMAL 12.50 stays 12.50).
Result<TextTable> TableOfJson(std::string_view json_text);
// Aligned columns, a header and a separator line, numbers right-aligned,
// and a "(N rows)" footer, like psql:
//    order_id | total
//   ----------+-------
//    o1       | 12.50
//   (1 row)
std::string RenderTable(const TextTable& table);

// The line of `sql` holding 1-based character `position` and a caret under
// it, as PostgreSQL shows them:
//   LINE 1: SELECT totl FROM orders
//                  ^
std::string CaretLines(std::string_view sql, size_t position);

}  // namespace tp::app
