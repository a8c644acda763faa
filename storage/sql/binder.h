// The binder: resolves the names in a parsed SELECT against the tables,
// types every expression and builds the logical plan (plan.h), with the
// simple rewrites that need no statistics done on the way:
//   - only the columns a query uses are scanned;
//   - WHERE and inner-join ON conjuncts that name one table are pushed into
//     its scan, and `a, b WHERE a.x = b.y` becomes an equi-join;
//   - expressions without columns are folded to constants (now() is the
//     query's start, so `now() - INTERVAL '30 days'` is a constant);
//   - bounds on a table's time column become the scan's TimeRange.
//
// Errors are InvalidArgument, their message ends with "(position N)" (1-based
// character) and *error gets the 0-based byte position, e.g.
//   column "totl" not found in orders; did you mean "total"? (position 8)
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/ast.h"
#include "storage/sql/engine.h"
#include "storage/sql/expression.h"
#include "storage/sql/plan.h"
#include "stream/status.h"

namespace tp::storage::sql {

// What the binder knows of a table.
struct TableInfo {
  std::string name;         // as the catalog spells it
  Schema schema;            // latest version
  std::string time_column;  // empty: none
  // System tables (tillpipe.tables, ...) come with their rows.
  bool system = false;
  std::vector<std::vector<Value>> rows;
};

// Looks a table up by its (lower-cased or quoted) name parts, e.g. {"orders"}
// or {"tillpipe", "tables"}; nullopt when there is no such table.
struct TableLookup {
  std::function<std::optional<TableInfo>(const std::vector<std::string>& names)> find;
  std::function<std::vector<std::string>()> names;  // for did-you-mean
};

Result<PlanPtr> Bind(std::string_view sql, const SelectStatement& statement,
                     const TableLookup& tables, const EvalContext& ctx, QueryError* error);

// A column a scalar expression may name (BindScalar).
struct ScalarColumn {
  std::string name;
  SqlType type;
  // Set: naming the column is an error with this message (say, a derived
  // column that is computed after the expression).
  std::string unusable;
};

// Binds one scalar expression, parsed from `sql` by ParseExpression, over a
// row of `columns` of table `table` (column i of the input chunk is
// columns[i]): the transformation stage's `where` and derived columns. No
// aggregates or window functions, and no now()/current_date, so a record
// gives the same row whenever the log is replayed. Errors as for Bind.
Result<BoundExprPtr> BindScalar(std::string_view sql, const Expr& expr, const std::string& table,
                                const std::vector<ScalarColumn>& columns, const EvalContext& ctx,
                                QueryError* error);

}  // namespace tp::storage::sql
