// Schema evolution's rules at the boundary between the config and the
// catalog: which columns the materializer decodes for a table, and which
// config changes `tillpipe validate` (and `serve`) refuse.
//
// A table's columns are those the config declares, in config order, then the
// columns the catalog's latest schema version has that the config does not
// declare (added by on_new_fields = "add_columns", or declared by an older
// config): they stay, nullable, so old and new files keep one schema. A
// config change must be one old files can follow (storage/schema_change.h):
// widening types, making columns nullable, adding nullable columns; and the
// time column, which partitions the files, cannot change.
#pragma once

#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/materializer.h"
#include "app/record_decoder.h"
#include "storage/catalog.h"

namespace tp::app {

// The config's tables as the materializer takes them.
std::vector<MaterializedTable> TablesOf(const Config& config);

// The columns to decode `table` into, given the catalog's latest version of
// it (nullptr for a new table). InvalidArgument, naming the table and column
// and saying what to do, when the config cannot follow the catalog.
Result<std::vector<DecoderColumn>> PlanColumns(const MaterializedTable& table,
                                               const storage::TableEntry* latest);

// For `tillpipe validate`: every config table checked against the catalog in
// config.data_dir (when there is one), each error placed at the column's (or
// the table's) line in `text`.
std::vector<ConfigError> CheckAgainstCatalog(const Config& config, std::string_view text);

}  // namespace tp::app
