// The scalar function library: binding a call (choosing the overload and the
// implicit casts, the result type) and the kernels that compute it.
//
// Operators are functions too: "+", "-", "*", "/", "//", "%", "||", "=",
// "<>", "<", "<=", ">", ">=", "~~" (LIKE), "~~*" (ILIKE), and the unary "-"
// (one argument). CAST is BindCast. Names are lower-case.
//
// Typing follows DuckDB: integer literals and columns widen INTEGER ->
// BIGINT -> DECIMAL -> DOUBLE as needed; `/` on integers gives DOUBLE;
// DECIMAL + - keep max scale, * adds scales; a comparison between a string
// constant and a date or timestamp casts the string. `//` and `%` by zero
// give NULL; `/` is DOUBLE division with IEEE results (inf, nan) as in
// DuckDB 1.5 (ieee_floating_point_ops); integer and decimal overflow is an
// error.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "storage/sql/expression.h"
#include "storage/sql/value.h"
#include "stream/status.h"

namespace tp::storage::sql {

// Binds the scalar function or operator `name` over bound `args`. Errors
// (InvalidArgument) name the function and the argument types, e.g.
//   No function matches lower(INTEGER); lower takes (VARCHAR)
// or for an unknown name suggest the closest one:
//   function "lowr" does not exist; did you mean "lower"?
// and end with " (position N)" for `position` (0-based byte offset, shown
// 1-based). Constant folding is the caller's business.
Result<BoundExprPtr> BindFunction(const std::string& name, std::vector<BoundExprPtr> args,
                                  size_t position);

// Binds CAST(arg AS target). Casts the function library cannot do (e.g.
// DATE to INTEGER) fail at bind time; a value that cannot be cast (e.g.
// 'abc' to INTEGER) fails when evaluated, naming the value.
Result<BoundExprPtr> BindCast(BoundExprPtr arg, const SqlType& target, size_t position);

// The type two expressions are brought to when they meet in a comparison,
// CASE branches, COALESCE, IN lists or UNION ALL (DuckDB's max logical
// type); InvalidArgument if there is none (e.g. DATE and BOOLEAN).
Result<SqlType> CommonType(const SqlType& a, const SqlType& b);

// True when `name` is a scalar function or operator this library knows.
bool IsScalarFunction(const std::string& name);
// Every scalar function name, for did-you-mean suggestions and docs.
std::vector<std::string> ScalarFunctionNames();

}  // namespace tp::storage::sql
