// ToSql: prints syntax trees (ast.h) as canonical, fully parenthesized SQL.
#include "storage/sql/ast.h"

#include "storage/sql/lexer.h"

namespace tp::storage::sql {
namespace {

std::string QuoteString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

const char* BinaryOpSql(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kEqual:
      return "=";
    case BinaryOp::kNotEqual:
      return "<>";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessEqual:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterEqual:
      return ">=";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kIntegerDivide:
      return "//";
  }
  return "?";
}

std::string Join(const std::vector<ExprPtr>& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + ToSql(*list[i]);
  return out;
}

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "." : "") + QuoteIdentifier(names[i]);
  return out;
}

std::string OrderSql(const std::vector<OrderItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const OrderItem& item = items[i];
    out += (i ? ", " : "") + ToSql(*item.expr);
    if (item.direction == SortDirection::kAscending) out += " ASC";
    if (item.direction == SortDirection::kDescending) out += " DESC";
    if (item.nulls == NullsOrder::kFirst) out += " NULLS FIRST";
    if (item.nulls == NullsOrder::kLast) out += " NULLS LAST";
  }
  return out;
}

std::string TypeSql(const TypeName& type) {
  std::string out = type.name;
  if (!type.modifiers.empty()) {
    out += "(";
    for (size_t i = 0; i < type.modifiers.size(); ++i) {
      out += (i ? ", " : "") + std::to_string(type.modifiers[i]);
    }
    out += ")";
  }
  return out;
}

std::string TableRefSql(const TableRef& ref) {
  switch (ref.kind) {
    case TableRefKind::kTable: {
      const auto& t = static_cast<const BaseTable&>(ref);
      return Names(t.names) + (t.alias.empty() ? "" : " AS " + QuoteIdentifier(t.alias));
    }
    case TableRefKind::kSubquery: {
      const auto& s = static_cast<const SubqueryRef&>(ref);
      return "(" + ToSql(*s.query) + ")" +
             (s.alias.empty() ? "" : " AS " + QuoteIdentifier(s.alias));
    }
    case TableRefKind::kJoin: {
      const auto& j = static_cast<const JoinRef&>(ref);
      const char* kw = j.type == JoinType::kInner  ? " INNER JOIN "
                       : j.type == JoinType::kLeft ? " LEFT JOIN "
                                                   : " CROSS JOIN ";
      std::string out = TableRefSql(*j.left) + kw + TableRefSql(*j.right);
      if (j.condition) out += " ON " + ToSql(*j.condition);
      return out;
    }
  }
  return "?";
}

std::string CoreSql(const SelectCore& core) {
  std::string out = core.distinct ? "SELECT DISTINCT " : "SELECT ";
  for (size_t i = 0; i < core.items.size(); ++i) {
    out += (i ? ", " : "") + ToSql(*core.items[i].expr);
    if (!core.items[i].alias.empty()) out += " AS " + QuoteIdentifier(core.items[i].alias);
  }
  if (core.from) out += " FROM " + TableRefSql(*core.from);
  if (core.where) out += " WHERE " + ToSql(*core.where);
  if (!core.group_by.empty()) out += " GROUP BY " + Join(core.group_by);
  if (core.having) out += " HAVING " + ToSql(*core.having);
  return out;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  bool bare = !name.empty() && !IsReservedKeyword(name) && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) bare = false;
  }
  if (bare) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string ToSql(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kLiteral: {
      const auto& e = static_cast<const Literal&>(expr);
      switch (e.literal_kind) {
        case LiteralKind::kInteger:
        case LiteralKind::kDecimal:
        case LiteralKind::kFloat:
          return e.text;
        case LiteralKind::kString:
          return QuoteString(e.text);
        case LiteralKind::kBool:
          return e.bool_value ? "TRUE" : "FALSE";
        case LiteralKind::kNull:
          return "NULL";
      }
      return "?";
    }
    case ExprKind::kColumnRef:
      return Names(static_cast<const ColumnRef&>(expr).names);
    case ExprKind::kStar: {
      const auto& e = static_cast<const Star&>(expr);
      return e.table.empty() ? "*" : QuoteIdentifier(e.table) + ".*";
    }
    case ExprKind::kUnary: {
      const auto& e = static_cast<const Unary&>(expr);
      return std::string(e.op == UnaryOp::kNot ? "(NOT " : "(-") + ToSql(*e.operand) + ")";
    }
    case ExprKind::kBinary: {
      const auto& e = static_cast<const Binary&>(expr);
      return "(" + ToSql(*e.left) + " " + BinaryOpSql(e.op) + " " + ToSql(*e.right) + ")";
    }
    case ExprKind::kIsNull: {
      const auto& e = static_cast<const IsNull&>(expr);
      return "(" + ToSql(*e.operand) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    }
    case ExprKind::kInList: {
      const auto& e = static_cast<const InList&>(expr);
      return "(" + ToSql(*e.operand) + (e.negated ? " NOT IN (" : " IN (") + Join(e.list) + "))";
    }
    case ExprKind::kBetween: {
      const auto& e = static_cast<const Between&>(expr);
      return "(" + ToSql(*e.operand) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + ToSql(*e.low) +
             " AND " + ToSql(*e.high) + ")";
    }
    case ExprKind::kLike: {
      const auto& e = static_cast<const Like&>(expr);
      return "(" + ToSql(*e.operand) + (e.negated ? " NOT" : "") +
             (e.case_insensitive ? " ILIKE " : " LIKE ") + ToSql(*e.pattern) + ")";
    }
    case ExprKind::kCase: {
      const auto& e = static_cast<const Case&>(expr);
      std::string out = "CASE";
      if (e.operand) out += " " + ToSql(*e.operand);
      for (const WhenClause& w : e.whens) {
        out += " WHEN " + ToSql(*w.condition) + " THEN " + ToSql(*w.result);
      }
      if (e.else_result) out += " ELSE " + ToSql(*e.else_result);
      return out + " END";
    }
    case ExprKind::kCast: {
      const auto& e = static_cast<const Cast&>(expr);
      return "CAST(" + ToSql(*e.operand) + " AS " + TypeSql(e.type) + ")";
    }
    case ExprKind::kFunction: {
      const auto& e = static_cast<const FunctionCall&>(expr);
      std::string out = QuoteIdentifier(e.name) + "(";
      if (e.star) out += "*";
      if (e.distinct) out += "DISTINCT ";
      out += Join(e.args) + ")";
      if (e.over) {
        out += " OVER (";
        if (!e.over->partition_by.empty()) out += "PARTITION BY " + Join(e.over->partition_by);
        if (!e.over->order_by.empty()) {
          out += (e.over->partition_by.empty() ? "ORDER BY " : " ORDER BY ") +
                 OrderSql(e.over->order_by);
        }
        out += ")";
      }
      return out;
    }
    case ExprKind::kInterval:
      return "INTERVAL " + QuoteString(static_cast<const IntervalLiteral&>(expr).text);
    case ExprKind::kExtract: {
      const auto& e = static_cast<const Extract&>(expr);
      return "EXTRACT(" + QuoteIdentifier(e.field) + " FROM " + ToSql(*e.operand) + ")";
    }
  }
  return "?";
}

std::string ToSql(const SelectStatement& s) {
  std::string out;
  for (size_t i = 0; i < s.ctes.size(); ++i) {
    out += (i ? ", " : "WITH ") + QuoteIdentifier(s.ctes[i].name) + " AS (" +
           ToSql(*s.ctes[i].query) + ")";
  }
  if (!s.ctes.empty()) out += " ";
  for (size_t i = 0; i < s.cores.size(); ++i) {
    out += (i ? " UNION ALL " : "") + CoreSql(s.cores[i]);
  }
  if (!s.order_by.empty()) out += " ORDER BY " + OrderSql(s.order_by);
  if (s.limit) out += " LIMIT " + ToSql(*s.limit);
  if (s.offset) out += " OFFSET " + ToSql(*s.offset);
  return out;
}

}  // namespace tp::storage::sql
