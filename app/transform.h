// The transformation stage's second step, after RecordDecoder: derived
// columns computed by SQL expressions and a per-table `where` filter, from
// the config:
//
//   [tables.orders]
//   where = "total >= 0 AND status <> 'test'"
//   on_filter = "reject"          # or "drop" (the default): counted, not kept
//   [tables.orders.columns]
//   purchase_hour = { type = "int32", expr = "extract(hour from purchased_at)" }
//
// Expressions are the query engine's (storage/sql): parsed and bound once per
// schema, evaluated vectorized over the rows a log batch decoded. A derived
// column may name the table's other declared columns and the derived columns
// declared above it; `where` may name every declared column. now() and
// current_date are refused so replaying the log gives the same rows.
//
// A row whose expression cannot be computed (a failed cast, say), or whose
// derived value is NULL in a column that is not nullable, fails: the caller
// sends it to _rejected with the column and the reason. A row `where` does
// not accept (FALSE or NULL) is filtered.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "storage/column.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::app {

struct TransformSpec {
  std::string table;
  storage::Schema schema;          // the declared columns, in config order
  std::vector<std::string> exprs;  // per column: its SQL expression; empty = read from the record
  std::string where;               // SQL predicate; empty = every row is kept
  std::string timezone = "UTC";    // the store's, for extract/date_trunc/casts
};

// The transformation of a config table (its declared columns; the time
// column is never NULL).
TransformSpec TransformOf(const TableSpec& table, const std::string& timezone);

struct TransformProblem {
  int column = -1;  // schema index of the derived column at fault; -1 = `where`
  std::string message;
};

class Transform {
 public:
  // Every problem with the expressions (syntax, unknown columns with a
  // did-you-mean, types that do not convert, now()): `tillpipe validate`
  // prints them all. Messages end with "(position N)" inside the expression.
  static std::vector<TransformProblem> Check(const TransformSpec& spec);
  // Null (and OK) when the spec has no expressions; InvalidArgument with the
  // first problem otherwise.
  static Result<std::unique_ptr<Transform>> Create(const TransformSpec& spec);
  ~Transform();

  // True when schema column `column` is computed (the decoder leaves it out).
  bool Derives(size_t column) const;

  enum class Outcome : uint8_t { kKeep, kFiltered, kFailed };
  struct Failure {
    size_t row;          // index into the rows handed to Apply (0 = `first`)
    std::string field;   // the derived column, or "where"
    std::string reason;
  };

  // `columns` are a table's rows: the decoded columns hold rows [0, end),
  // the derived ones [0, first). Computes rows [first, end) of the derived
  // columns and appends them (NULL for a failed row), and sets outcome[i] of
  // row first + i. Failures get one entry per failed row, in row order.
  void Apply(std::vector<storage::Column>* columns, size_t first, size_t end,
             std::vector<Outcome>* outcome, std::vector<Failure>* failures) const;

 private:
  struct Impl;
  explicit Transform(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::app
