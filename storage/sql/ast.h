// The syntax tree the SQL parser produces: expressions and SELECT statements.
//
// Nodes own their children through std::unique_ptr. Every node carries
// `position`, the byte offset in the SQL text of the token that introduces it:
// the operator for unary, binary and postfix operators (`+`, `IS`, `IN`,
// `BETWEEN`, `LIKE`, `::`), the first token otherwise. Later stages (binder,
// planner) use it to point error messages at the text.
//
// Identifiers are stored as written when "double quoted" and lower-cased
// otherwise. ToSql prints a tree back as canonical, fully parenthesized SQL;
// parsing that text again gives the same tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tp::storage::sql {

enum class ExprKind {
  kLiteral,
  kColumnRef,
  kStar,
  kUnary,
  kBinary,
  kIsNull,
  kInList,
  kBetween,
  kLike,
  kCase,
  kCast,
  kFunction,
  kInterval,
  kExtract,
};

struct Expr {
  explicit Expr(ExprKind k, size_t pos) : kind(k), position(pos) {}
  virtual ~Expr() = default;
  ExprKind kind;
  size_t position;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind { kInteger, kDecimal, kFloat, kString, kBool, kNull };

// 42 (integer, fits int64), 1.50 or 99999999999999999999 (decimal: kept as
// text so no digit is lost), 1e3 (float), 'text', TRUE/FALSE, NULL.
struct Literal : Expr {
  Literal(size_t pos, LiteralKind k) : Expr(ExprKind::kLiteral, pos), literal_kind(k) {}
  LiteralKind literal_kind;
  std::string text;         // the number as written, or the string's value
  int64_t int_value = 0;    // kInteger
  double float_value = 0;   // kFloat
  bool bool_value = false;  // kBool
};

// `a` or `t.a`: one to three dot-separated names.
struct ColumnRef : Expr {
  explicit ColumnRef(size_t pos) : Expr(ExprKind::kColumnRef, pos) {}
  std::vector<std::string> names;
};

// `*` or `t.*` (in a select list).
struct Star : Expr {
  explicit Star(size_t pos) : Expr(ExprKind::kStar, pos) {}
  std::string table;  // empty for a bare *
};

enum class UnaryOp { kNegate, kNot };

struct Unary : Expr {
  Unary(size_t pos, UnaryOp o, ExprPtr e)
      : Expr(ExprKind::kUnary, pos), op(o), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kConcat,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,
  kOr,
  kIntegerDivide,  // DuckDB's //
};

struct Binary : Expr {
  Binary(size_t pos, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::kBinary, pos), op(o), left(std::move(l)), right(std::move(r)) {}
  BinaryOp op;
  ExprPtr left;
  ExprPtr right;
};

// x IS [NOT] NULL
struct IsNull : Expr {
  explicit IsNull(size_t pos) : Expr(ExprKind::kIsNull, pos) {}
  ExprPtr operand;
  bool negated = false;
};

// x [NOT] IN (a, b, ...)
struct InList : Expr {
  explicit InList(size_t pos) : Expr(ExprKind::kInList, pos) {}
  ExprPtr operand;
  std::vector<ExprPtr> list;
  bool negated = false;
};

// x [NOT] BETWEEN low AND high
struct Between : Expr {
  explicit Between(size_t pos) : Expr(ExprKind::kBetween, pos) {}
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
};

// x [NOT] LIKE|ILIKE pattern
struct Like : Expr {
  explicit Like(size_t pos) : Expr(ExprKind::kLike, pos) {}
  ExprPtr operand;
  ExprPtr pattern;
  bool negated = false;
  bool case_insensitive = false;  // ILIKE
};

struct WhenClause {
  ExprPtr condition;
  ExprPtr result;
};

// CASE [operand] WHEN .. THEN .. [ELSE ..] END
struct Case : Expr {
  explicit Case(size_t pos) : Expr(ExprKind::kCase, pos) {}
  ExprPtr operand;  // null for a searched CASE
  std::vector<WhenClause> whens;
  ExprPtr else_result;  // null when there is no ELSE
};

// A type as written: `integer`, `varchar`, `decimal(10, 2)`, `double precision`.
struct TypeName {
  std::string name;  // lower-cased
  std::vector<int64_t> modifiers;
  size_t position = 0;
};

// CAST(x AS type), x::type, and typed literals such as DATE '2024-01-31'.
struct Cast : Expr {
  explicit Cast(size_t pos) : Expr(ExprKind::kCast, pos) {}
  ExprPtr operand;
  TypeName type;
};

enum class SortDirection { kDefault, kAscending, kDescending };
enum class NullsOrder { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
};

// OVER (PARTITION BY .. ORDER BY ..); frames are not supported yet.
struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  size_t position = 0;
};

// f(args), f(DISTINCT x), count(*), each optionally with OVER (...).
struct FunctionCall : Expr {
  explicit FunctionCall(size_t pos) : Expr(ExprKind::kFunction, pos) {}
  std::string name;  // lower-cased unless quoted
  std::vector<ExprPtr> args;
  bool distinct = false;
  bool star = false;  // count(*)
  std::unique_ptr<WindowSpec> over;
};

// INTERVAL '3 days'
struct IntervalLiteral : Expr {
  explicit IntervalLiteral(size_t pos) : Expr(ExprKind::kInterval, pos) {}
  std::string text;
};

// EXTRACT(field FROM x)
struct Extract : Expr {
  explicit Extract(size_t pos) : Expr(ExprKind::kExtract, pos) {}
  std::string field;  // lower-cased: year, month, day, hour, epoch, ...
  ExprPtr operand;
};

// ---- statements --------------------------------------------------------

struct SelectStatement;

struct SelectItem {
  ExprPtr expr;
  std::string alias;  // empty when none
  size_t position = 0;
};

enum class TableRefKind { kTable, kSubquery, kJoin };
enum class JoinType { kInner, kLeft, kCross };

struct TableRef {
  explicit TableRef(TableRefKind k, size_t pos) : kind(k), position(pos) {}
  virtual ~TableRef() = default;
  TableRefKind kind;
  size_t position;
};
using TableRefPtr = std::unique_ptr<TableRef>;

// name [[AS] alias]; name may be qualified (`schema.table`).
struct BaseTable : TableRef {
  explicit BaseTable(size_t pos) : TableRef(TableRefKind::kTable, pos) {}
  std::vector<std::string> names;
  std::string alias;
};

// (SELECT ...) [AS] alias
struct SubqueryRef : TableRef {
  explicit SubqueryRef(size_t pos) : TableRef(TableRefKind::kSubquery, pos) {}
  std::unique_ptr<SelectStatement> query;
  std::string alias;
};

// left [INNER|LEFT] JOIN right ON condition; `a, b` and CROSS JOIN are kCross.
struct JoinRef : TableRef {
  explicit JoinRef(size_t pos) : TableRef(TableRefKind::kJoin, pos) {}
  JoinType type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr condition;  // null for kCross
};

// One SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... block.
struct SelectCore {
  size_t position = 0;
  bool distinct = false;
  std::vector<SelectItem> items;
  TableRefPtr from;  // null when there is no FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
};

struct CommonTableExpr {
  std::string name;
  std::unique_ptr<SelectStatement> query;
  size_t position = 0;
};

// [WITH ..] core [UNION ALL core]* [ORDER BY ..] [LIMIT n [OFFSET m]].
// ORDER BY and LIMIT apply to the whole UNION ALL, as in PostgreSQL.
struct SelectStatement {
  size_t position = 0;
  std::vector<CommonTableExpr> ctes;
  std::vector<SelectCore> cores;  // at least one; more are joined by UNION ALL
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

// Canonical SQL text for a tree; operators are fully parenthesized.
std::string ToSql(const Expr& expr);
std::string ToSql(const SelectStatement& statement);
// An identifier as SQL: bare when it is lower-case and not a keyword, else quoted.
std::string QuoteIdentifier(const std::string& name);

}  // namespace tp::storage::sql
