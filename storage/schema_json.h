// Table schemas as JSON text, the form the catalog stores them in (and a
// form fit for Parquet key-value metadata):
//
//   {"fields":[{"name":"order_id","type":"string","nullable":false},
//              {"name":"total","type":"decimal(12,2)","nullable":false},
//              {"name":"delivered_at","type":"timestamp","nullable":true}]}
//
// Type names are those of LogicalType::ToString(). The parser accepts any
// JSON whitespace and ignores keys it does not know, so later versions may
// add keys without breaking older readers.
#pragma once

#include <string>
#include <string_view>

#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage {

// Compact JSON, fields in schema order.
std::string SchemaToJson(const Schema& schema);

// InvalidArgument naming the byte position and what was expected on malformed
// JSON, an unknown type name, a missing/empty or duplicate field name.
Result<Schema> SchemaFromJson(std::string_view json);

// "bool", "int32", "int64", "float64", "decimal(p,s)" (1 <= p <= 18,
// 0 <= s <= p), "string", "date", "timestamp": the inverse of
// LogicalType::ToString(). InvalidArgument otherwise.
Result<LogicalType> LogicalTypeFromString(std::string_view name);

}  // namespace tp::storage
