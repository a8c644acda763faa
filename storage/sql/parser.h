// SQL parser: recursive descent from tokens (lexer.h) to a tree (ast.h).
//
// Operator precedence, lowest first, as in PostgreSQL and DuckDB:
//   OR < AND < NOT < comparison, IS, IN, BETWEEN, LIKE < || < + - < * / %
//   < unary - < ::   (* / // % share a level)
// Binary operators of one level associate to the left.
//
// Errors are InvalidArgument with a message that says what was expected and
// what was found, and the byte position, e.g.
//   syntax error at or near "FORM" (position 9): expected FROM, WHERE, ...
#pragma once

#include <memory>
#include <string_view>

#include "storage/sql/ast.h"
#include "storage/sql/lexer.h"
#include "stream/status.h"

namespace tp::storage::sql {

// Parses one SELECT statement (an optional trailing ';' is allowed). On
// failure returns InvalidArgument and, when `error` is not null, fills it in.
Result<std::unique_ptr<SelectStatement>> Parse(std::string_view sql, ParseError* error = nullptr);

// Parses a lone expression, e.g. a column default or a test case.
Result<ExprPtr> ParseExpression(std::string_view sql, ParseError* error = nullptr);

}  // namespace tp::storage::sql
