// Bound expressions: what the binder makes of an AST expression once names
// are resolved and types known, and how the executor evaluates them over a
// chunk, a vector at a time.
//
// Kinds:
//   kConstant  `value`
//   kColumn    column `column` of the input chunk
//   kFunction  a scalar function, operator or cast: `kernel` over the
//              evaluated `children` (NULL handling is the kernel's)
//   kAnd/kOr   two or more children, SQL three-valued logic
//   kNot       one child
//   kIsNull    one child; `negated` for IS NOT NULL
//   kCase      children = when1, then1, when2, then2, ... [, else]; a THEN
//              is evaluated only on the rows its WHEN selects, so
//              `CASE WHEN x <> 0 THEN 1 / x END` never divides by zero
//
// Evaluation errors (overflow, a bad cast of a value) carry the position of
// the expression in the SQL text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/sql/value.h"
#include "storage/sql/vector.h"
#include "stream/status.h"

namespace tp::storage::sql {

class TimeZone;

// What every kernel may need to know about the query it runs in.
struct EvalContext {
  const TimeZone* zone = nullptr;  // the store's time zone; never null when evaluating
  int64_t now_us = 0;              // now() and current_date: the query's start, fixed
};

// A scalar kernel: computes `count` rows of `out` (already Reset to the
// result type and `count` rows) from the argument vectors (each `count`
// rows). Returns InvalidArgument for a value it cannot compute (overflow,
// bad cast), with a message that names the value.
using ScalarKernel = std::function<Status(const EvalContext& ctx, const Vector* const* args,
                                          size_t count, Vector* out)>;

enum class BoundKind { kConstant, kColumn, kFunction, kAnd, kOr, kNot, kIsNull, kCase };

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  SqlType type;
  size_t position = 0;  // byte offset in the SQL text, for errors
  Value value;          // kConstant
  size_t column = 0;    // kColumn
  // kFunction: the function's name ("+", "lower", "cast", ...) for messages
  // and EXPLAIN-style printing; kColumn: the column's name.
  std::string name;
  ScalarKernel kernel;  // kFunction
  bool negated = false; // kIsNull
  std::vector<BoundExprPtr> children;

  BoundExprPtr Copy() const;
  // Readable form, e.g. "(total > 100.00)"; for messages and tests.
  std::string ToString() const;
};

BoundExprPtr MakeConstant(Value v, size_t position = 0);
BoundExprPtr MakeColumn(size_t column, SqlType type, std::string name, size_t position = 0);

// Evaluates `expr` over the rows of `input` into `out` (Reset to expr.type
// and input.size rows).
Status Evaluate(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input, Vector* out);

// Evaluates the boolean `predicate` over `input` and writes the indexes of
// the rows where it is TRUE (not FALSE, not NULL) to sel[0..*count), in
// increasing order. `sel` has room for input.size entries.
Status Select(const EvalContext& ctx, const BoundExpr& predicate, const Chunk& input,
              uint32_t* sel, size_t* count);

}  // namespace tp::storage::sql
