// Column type names in config files: parsing "decimal(12,2)" and friends and
// printing them back. Internal to the config files in app/.
#pragma once

#include <string>
#include <string_view>

#include "app/config.h"

namespace tp::app::config_internal {

// Parses a type name ("int32", "decimal(12,2)", ...) into col.kind,
// col.precision and col.scale. On failure returns false and sets `problem`
// to a message like: unknown type "decimal(30,2)": decimal precision must be
// 1..18.
bool ParseType(std::string_view text, ColumnSpec& col, std::string& problem);

// The canonical name of col's type: "decimal(12,2)", "timestamp", ...
std::string TypeName(const ColumnSpec& col);

// Why col.default_json cannot be col's value ("" when it can): decoded by
// the same code as record values, so a default means what a sent value means.
std::string DefaultProblem(const ColumnSpec& col);

// Table and column names: [a-z][a-z0-9_]* (columns may also start with _),
// 1..64 bytes.
bool ValidName(std::string_view name, bool allow_leading_underscore);

// A name close to `name` that ValidName accepts, for "e.g. ..." hints; may
// be empty.
std::string SanitizedName(std::string_view name);

}  // namespace tp::app::config_internal
