// Binder: expressions. See binder.h and binder_internal.h.
#include <algorithm>
#include <utility>

#include "storage/sql/aggregates.h"
#include "storage/sql/binder_internal.h"
#include "storage/sql/functions.h"
#include "storage/sql/suggest.h"

namespace tp::storage::sql::binder_internal {
namespace {

const char* ClauseName(Clause c) {
  switch (c) {
    case Clause::kWhere: return "WHERE";
    case Clause::kJoin: return "JOIN conditions";
    case Clause::kGroupBy: return "GROUP BY";
    case Clause::kSelect: return "the select list";
    case Clause::kHaving: return "HAVING";
    case Clause::kOrderBy: return "ORDER BY";
    case Clause::kLimit: return "LIMIT";
    case Clause::kAggregateArg: return "aggregate function arguments";
    case Clause::kTransform: return "a transformation (where or expr in the config)";
  }
  return "this clause";
}

bool IsRankingWindow(const std::string& name) {
  return name == "row_number" || name == "rank" || name == "dense_rank";
}

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ".") + n;
  return "\"" + out + "\"";
}

}  // namespace

BoundExprPtr Binder::Call(const std::string& name, std::vector<BoundExprPtr> args,
                          size_t position) {
  if (deterministic_ && (name == "now" || name == "current_date")) {
    Throw(name + "() is not allowed in a transformation: a record must give the same row "
          "when the log is replayed; use the record's own time column instead",
          position);
  }
  auto r = BindFunction(name, std::move(args), position);
  if (!r.ok()) ThrowStatus(r.status(), position);
  return Fold(std::move(*r));
}

BoundExprPtr Binder::CastTo(BoundExprPtr e, const SqlType& type, size_t position) {
  if (e->type == type) return e;
  auto r = BindCast(std::move(e), type, position);
  if (!r.ok()) ThrowStatus(r.status(), position);
  return Fold(std::move(*r));
}

BoundExprPtr Binder::Boolean(BoundExprPtr e, size_t position, const char* what) {
  if (e->type.id == SqlTypeId::kBool) return e;
  if (e->type.id == SqlTypeId::kNull) return CastTo(std::move(e), SqlType::Of(SqlTypeId::kBool), position);
  Throw(std::string(what) + " needs a BOOLEAN expression, not " + e->type.ToString(), position);
}

// Evaluates an expression without columns once, at bind time.
BoundExprPtr Binder::Fold(BoundExprPtr e) {
  if (e->kind == BoundKind::kConstant || e->kind == BoundKind::kColumn) return e;
  // Bottom-up: BindFunction may have put casts around constant arguments
  // (`ts >= DATE '2026-10-01'` compares with CAST(DATE ... AS TIMESTAMP)).
  bool all_constant = true;
  for (auto& c : e->children) {
    if (c->kind != BoundKind::kConstant && c->kind != BoundKind::kColumn) c = Fold(std::move(c));
    all_constant = all_constant && c->kind == BoundKind::kConstant;
  }
  if (!all_constant) return e;
  Chunk one;
  one.size = 1;
  Vector out;
  Status s = Evaluate(ctx_, *e, one, &out);
  // A constant that cannot be computed (CAST('a' AS INT)) stays an
  // expression, as in DuckDB: it is an error only if a row reaches it.
  if (!s.ok()) return e;
  return MakeConstant(out.GetValue(0), e->position);
}

SqlType Binder::ResolveType(const TypeName& t) {
  const std::string& n = t.name;
  auto plain = [&](SqlTypeId id) {
    if (!t.modifiers.empty()) Throw("type " + n + " takes no modifiers", t.position);
    return SqlType::Of(id);
  };
  if (n == "integer" || n == "int" || n == "int4" || n == "signed" || n == "smallint" ||
      n == "int2" || n == "tinyint" || n == "int1") {
    return plain(SqlTypeId::kInt32);
  }
  if (n == "bigint" || n == "int8" || n == "long") return plain(SqlTypeId::kInt64);
  if (n == "double" || n == "double precision" || n == "float8" || n == "float" ||
      n == "real" || n == "float4") {
    return plain(SqlTypeId::kFloat64);
  }
  if (n == "varchar" || n == "text" || n == "string" || n == "char" || n == "bpchar") {
    return SqlType::Of(SqlTypeId::kString);  // a length modifier is accepted and ignored
  }
  if (n == "boolean" || n == "bool" || n == "logical") return plain(SqlTypeId::kBool);
  if (n == "date") return plain(SqlTypeId::kDate);
  if (n == "timestamp" || n == "timestamptz" || n == "datetime") return plain(SqlTypeId::kTimestamp);
  if (n == "interval") return plain(SqlTypeId::kInterval);
  if (n == "decimal" || n == "numeric" || n == "dec") {
    int p = 18, s = 3;  // DuckDB's default
    if (t.modifiers.size() >= 1) p = static_cast<int>(t.modifiers[0]);
    s = t.modifiers.size() >= 2 ? static_cast<int>(t.modifiers[1]) : (t.modifiers.empty() ? 3 : 0);
    if (t.modifiers.size() > 2 || p < 1 || p > 38 || s < 0 || s > p) {
      Throw("DECIMAL needs a precision of 1 to 38 and a scale of 0 to the precision", t.position);
    }
    return SqlType::Decimal(p, s);
  }
  std::string near = ClosestMatch(n, {"integer", "bigint", "double", "varchar", "boolean", "date",
                                      "timestamp", "interval", "decimal"});
  Throw("type \"" + n + "\" does not exist" + (near.empty() ? "" : "; did you mean \"" + near + "\"?"),
        t.position);
}

namespace {

// The index of the group whose key `e` has, or -1.
int GroupOf(const Grouping& g, const BoundExpr& e) {
  size_t longest = 0;
  for (const auto& k : g.group_keys) longest = std::max(longest, k.size());
  const std::string key = ExprKey(e, longest);
  auto it = std::find(g.group_keys.begin(), g.group_keys.end(), key);
  return it == g.group_keys.end() ? -1 : static_cast<int>(it - g.group_keys.begin());
}

}  // namespace

BoundExprPtr Binder::BindExpr(const Expr& e, ExprEnv& env) {
  // Over an aggregate, a sub-expression that equals a GROUP BY expression is
  // that group's column.
  if (env.grouping != nullptr && e.kind != ExprKind::kLiteral && !env.grouping->groups.empty()) {
    Grouping& g = *env.grouping;
    auto m = g.group_of.find(&e);
    if (m == g.group_of.end()) {
      // Binds `e` as GROUP BY would, noting the group of every node in it.
      ExprEnv plain{env.scope, Clause::kGroupBy};
      plain.record_groups = &g;
      try {
        BindExpr(e, plain);
      } catch (const BindError&) {
        // Not a plain expression (it has aggregates or windows): bind below.
      }
      m = g.group_of.find(&e);
    }
    if (m != g.group_of.end() && m->second >= 0) {
      const auto i = static_cast<size_t>(m->second);
      return MakeColumn(i, g.groups[i]->type, g.group_names[i], e.position);
    }
  }
  if (env.record_groups != nullptr) {
    try {
      BoundExprPtr b = BindExprInner(e, env);
      env.record_groups->group_of.emplace(&e, GroupOf(*env.record_groups, *b));
      return b;
    } catch (const BindError&) {
      env.record_groups->group_of.emplace(&e, -1);
      throw;
    }
  }
  return BindExprInner(e, env);
}

BoundExprPtr Binder::Repeat(const BoundExpr& e, size_t position) {
  constexpr size_t kMaxRepeatedNodes = 100000;
  size_t nodes = 0;
  std::vector<const BoundExpr*> stack{&e};
  while (!stack.empty()) {
    const BoundExpr* n = stack.back();
    stack.pop_back();
    ++nodes;
    for (const auto& c : n->children) stack.push_back(c.get());
  }
  repeated_nodes_ += nodes;
  if (repeated_nodes_ > kMaxRepeatedNodes) {
    Throw("the query is too large once BETWEEN and CASE x WHEN repeat their operand (over " +
              std::to_string(kMaxRepeatedNodes) + " expression nodes); simplify it",
          position);
  }
  return e.Copy();
}

BoundExprPtr Binder::BindColumnRef(const ColumnRef& ref, ExprEnv& env) {
  const auto& n = ref.names;
  const Scope& scope = *env.scope;
  int found = -1;
  std::vector<int> matches;
  for (size_t i = 0; i < scope.columns.size(); ++i) {
    const ScopeColumn& c = scope.columns[i];
    if (!EqualsIgnoreCase(c.name, n.back())) continue;
    if (n.size() >= 2 && !EqualsIgnoreCase(c.table, n[n.size() - 2])) continue;
    matches.push_back(static_cast<int>(i));
  }
  if (matches.size() > 1) {
    std::string options;
    for (int m : matches) {
      options += (options.empty() ? "" : " or ") + scope.columns[m].table + "." + scope.columns[m].name;
    }
    Throw("column reference " + Quoted(n) + " is ambiguous; qualify it: " + options, ref.position);
  }
  if (!matches.empty()) found = matches[0];
  if (found < 0) {
    if (n.size() == 1 && (n[0] == "current_date" || n[0] == "current_timestamp" ||
                          n[0] == "now")) {
      return Call(n[0] == "current_date" ? "current_date" : "now", {}, ref.position);
    }
    std::vector<std::string> names;
    for (const auto& c : scope.columns) names.push_back(c.name);
    std::string message = "column " + Quoted(n) + " not found";
    if (!scope.tables.empty()) {
      std::string tables;
      for (const auto& t : scope.tables) tables += (tables.empty() ? "" : ", ") + t;
      message += " in " + tables;
    } else {
      message += " (there is no FROM clause)";
    }
    const std::string near = ClosestMatch(n.back(), names);
    if (!near.empty()) message += "; did you mean \"" + near + "\"?";
    Throw(message, ref.position);
  }
  const ScopeColumn& c = scope.columns[found];
  if (!c.unusable.empty()) Throw(c.unusable, ref.position);
  if (env.grouping != nullptr) {
    Throw("column " + Quoted(n) +
              " must appear in the GROUP BY clause or be used in an aggregate function",
          ref.position);
  }
  if (c.scan_id >= 0) used_columns_[c.scan_id].insert(c.field);
  return MakeColumn(static_cast<size_t>(found), c.type, c.name, ref.position);
}

// The aggregate `call` names, its arguments bound in `env` and cast to
// the types the function takes.
BoundAggregate Binder::BindAggregateOf(const FunctionCall& call, ExprEnv& env) {
  BoundAggregate out;
  std::vector<SqlType> types;
  for (const auto& a : call.args) {
    out.args.push_back(BindExpr(*a, env));
    types.push_back(out.args.back()->type);
  }
  std::vector<SqlType> casts;
  auto fn = BindAggregate(call.name, types, call.distinct, call.star, call.position, &casts);
  if (!fn.ok()) ThrowStatus(fn.status(), call.position);
  for (size_t i = 0; i < out.args.size() && i < casts.size(); ++i) {
    out.args[i] = CastTo(std::move(out.args[i]), casts[i], call.args[i]->position);
  }
  out.function = std::move(*fn);
  return out;
}

BoundExprPtr Binder::BindAggregateCall(const FunctionCall& call, ExprEnv& env) {
  if (env.clause == Clause::kAggregateArg) {
    Throw("aggregate function calls cannot be nested", call.position);
  }
  if (env.grouping == nullptr) {
    Throw("aggregate functions are not allowed in " + std::string(ClauseName(env.clause)),
          call.position);
  }
  ExprEnv arg_env{env.scope, Clause::kAggregateArg};
  BoundAggregate bound = BindAggregateOf(call, arg_env);
  std::string key = call.name + (call.distinct ? "(DISTINCT " : "(");
  for (size_t i = 0; i < bound.args.size(); ++i) {
    key += (i ? ", " : "") + ExprKey(*bound.args[i]);
  }
  key += call.star ? "*)" : ")";
  Grouping& g = *env.grouping;
  auto it = std::find(g.aggregate_keys.begin(), g.aggregate_keys.end(), key);
  size_t index;
  if (it != g.aggregate_keys.end()) {
    index = static_cast<size_t>(it - g.aggregate_keys.begin());
  } else {
    index = g.aggregates.size();
    g.aggregate_keys.push_back(key);
    bound.name = ToSql(call);
    g.aggregates.push_back(std::move(bound));
  }
  const BoundAggregate& agg = g.aggregates[index];
  return MakeColumn(g.groups.size() + index, agg.function->result_type, agg.name, call.position);
}

BoundExprPtr Binder::BindWindowCall(const FunctionCall& call, ExprEnv& env) {
  if (env.windows == nullptr || env.in_window) {
    Throw(env.in_window ? "window functions cannot be nested"
                        : "window functions are not allowed in " +
                              std::string(ClauseName(env.clause)),
          call.position);
  }
  ExprEnv inner = env;
  inner.in_window = true;
  BoundWindow w;
  if (call.over) {
    for (const auto& p : call.over->partition_by) w.partition_by.push_back(BindExpr(*p, inner));
    for (const auto& o : call.over->order_by) {
      SortKey k;
      k.expr = BindExpr(*o.expr, inner);
      k.descending = o.direction == SortDirection::kDescending;
      k.nulls_first = o.nulls == NullsOrder::kFirst;
      w.order_by.push_back(std::move(k));
    }
  }
  if (IsRankingWindow(call.name)) {
    if (!call.args.empty() || call.star) Throw(call.name + "() takes no arguments", call.position);
    w.kind = call.name == "row_number" ? WindowKind::kRowNumber
             : call.name == "rank"     ? WindowKind::kRank
                                       : WindowKind::kDenseRank;
    w.type = SqlType::Of(SqlTypeId::kInt64);
  } else {
    if (!IsAggregateFunction(call.name) && !call.star) {
      Throw("function " + call.name + " cannot be used with OVER; window functions are "
            "row_number, rank, dense_rank and the aggregates",
            call.position);
    }
    w.kind = WindowKind::kAggregate;
    w.aggregate = BindAggregateOf(call, inner);
    w.aggregate.name = call.name;
    w.type = w.aggregate.function->result_type;
  }
  const std::string key = ToSql(call);
  Windows& ws = *env.windows;
  auto it = std::find(ws.keys.begin(), ws.keys.end(), key);
  size_t index;
  if (it != ws.keys.end()) {
    index = static_cast<size_t>(it - ws.keys.begin());
  } else {
    index = ws.list.size();
    ws.keys.push_back(key);
    ws.list.push_back(std::move(w));
  }
  return MakeColumn(kWindowRef + index, ws.list[index].type, key, call.position);
}

BoundExprPtr Binder::BindFunctionCall(const FunctionCall& call, ExprEnv& env) {
  if (call.over || IsRankingWindow(call.name)) return BindWindowCall(call, env);
  if (call.star || IsAggregateFunction(call.name)) return BindAggregateCall(call, env);
  if (call.distinct) Throw("DISTINCT is only allowed in aggregate functions", call.position);
  std::vector<BoundExprPtr> args;
  for (const auto& a : call.args) args.push_back(BindExpr(*a, env));
  return Call(call.name, std::move(args), call.position);
}

BoundExprPtr Binder::BindCase(const Case& c, ExprEnv& env) {
  auto out = std::make_unique<BoundExpr>();
  out->kind = BoundKind::kCase;
  out->position = c.position;
  std::vector<BoundExprPtr> results;
  // CASE x WHEN: x is bound once and copied into each `x = value` (binding
  // it per WHEN made nested CASEs exponential).
  BoundExprPtr operand = c.operand ? BindExpr(*c.operand, env) : nullptr;
  for (const auto& w : c.whens) {
    BoundExprPtr cond;
    if (c.operand) {
      cond = Call("=", [&] {
        std::vector<BoundExprPtr> v;
        v.push_back(&w == &c.whens.back() ? std::move(operand) : Repeat(*operand, c.position));
        v.push_back(BindExpr(*w.condition, env));
        return v;
      }(), w.condition->position);
    } else {
      cond = Boolean(BindExpr(*w.condition, env), w.condition->position, "CASE WHEN");
    }
    out->children.push_back(std::move(cond));
    results.push_back(BindExpr(*w.result, env));
  }
  if (c.else_result) results.push_back(BindExpr(*c.else_result, env));
  SqlType type = results[0]->type;
  for (size_t i = 1; i < results.size(); ++i) {
    auto common = CommonType(type, results[i]->type);
    if (!common.ok()) {
      Throw("CASE branches have types " + type.ToString() + " and " +
                results[i]->type.ToString() + " that have no common type; add a CAST",
            c.position);
    }
    type = *common;
  }
  out->type = type;
  // Children: cond0, result0, cond1, result1, ... [else] (interleaved in one
  // pass: inserting into the middle made a long CASE quadratic).
  std::vector<BoundExprPtr> conditions = std::move(out->children);
  out->children.clear();
  out->children.reserve(results.size() + conditions.size());
  for (size_t i = 0; i < c.whens.size(); ++i) {
    out->children.push_back(std::move(conditions[i]));
    out->children.push_back(CastTo(std::move(results[i]), type, c.whens[i].result->position));
  }
  if (c.else_result) {
    out->children.push_back(CastTo(std::move(results.back()), type, c.else_result->position));
  }
  return Fold(std::move(out));
}

BoundExprPtr Binder::BindExprInner(const Expr& e, ExprEnv& env) {
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const auto& lit = static_cast<const Literal&>(e);
      switch (lit.literal_kind) {
        case LiteralKind::kInteger:
          if (lit.int_value >= INT32_MIN && lit.int_value <= INT32_MAX) {
            return MakeConstant(Value::Int32(static_cast<int32_t>(lit.int_value)), e.position);
          }
          return MakeConstant(Value::Int64(lit.int_value), e.position);
        case LiteralKind::kDecimal: {
          // DECIMAL(p, s) with exactly the digits written, as DuckDB types it.
          std::string digits;
          size_t scale = 0;
          bool point = false;
          for (char ch : lit.text) {
            if (ch == '.') {
              point = true;
            } else {
              digits += ch;
              if (point) ++scale;
            }
          }
          // Every digit written counts, leading zeros too: 0.5 is
          // DECIMAL(2,1), .5 is DECIMAL(1,1) (DuckDB).
          size_t precision = std::max<size_t>({digits.size(), scale, 1});
          if (precision > 18) {
            return CastTo(MakeConstant(Value::String(lit.text), e.position),
                          SqlType::Of(SqlTypeId::kFloat64), e.position);
          }
          return CastTo(MakeConstant(Value::String(lit.text), e.position),
                        SqlType::Decimal(static_cast<int>(precision), static_cast<int>(scale)),
                        e.position);
        }
        case LiteralKind::kFloat:
          return MakeConstant(Value::Float64(lit.float_value), e.position);
        case LiteralKind::kString:
          return MakeConstant(Value::String(lit.text), e.position);
        case LiteralKind::kBool:
          return MakeConstant(Value::Bool(lit.bool_value), e.position);
        case LiteralKind::kNull:
          return MakeConstant(Value::Null(), e.position);
      }
      break;
    }
    case ExprKind::kColumnRef:
      return BindColumnRef(static_cast<const ColumnRef&>(e), env);
    case ExprKind::kStar:
      Throw("* is only allowed in the select list and in count(*)", e.position);
    case ExprKind::kUnary: {
      const auto& u = static_cast<const Unary&>(e);
      BoundExprPtr operand = BindExpr(*u.operand, env);
      if (u.op == UnaryOp::kNot) {
        auto n = std::make_unique<BoundExpr>();
        n->kind = BoundKind::kNot;
        n->type = SqlType::Of(SqlTypeId::kBool);
        n->position = e.position;
        n->children.push_back(Boolean(std::move(operand), u.operand->position, "NOT"));
        return Fold(std::move(n));
      }
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(operand));
      return Call("-", std::move(args), e.position);
    }
    case ExprKind::kBinary: {
      const auto& b = static_cast<const Binary&>(e);
      if (b.op == BinaryOp::kAnd || b.op == BinaryOp::kOr) {
        auto n = std::make_unique<BoundExpr>();
        n->kind = b.op == BinaryOp::kAnd ? BoundKind::kAnd : BoundKind::kOr;
        n->type = SqlType::Of(SqlTypeId::kBool);
        n->position = e.position;
        const char* what = b.op == BinaryOp::kAnd ? "AND" : "OR";
        for (const Expr* side : {b.left.get(), b.right.get()}) {
          BoundExprPtr c = Boolean(BindExpr(*side, env), side->position, what);
          if (c->kind == n->kind) {  // flatten a AND b AND c
            for (auto& cc : c->children) n->children.push_back(std::move(cc));
          } else {
            n->children.push_back(std::move(c));
          }
        }
        return Fold(std::move(n));
      }
      static const char* const kNames[] = {"+",  "-", "*",  "/", "%", "||", "=", "<>",
                                           "<", "<=", ">", ">=", "",  "",   "//"};
      std::vector<BoundExprPtr> args;
      args.push_back(BindExpr(*b.left, env));
      args.push_back(BindExpr(*b.right, env));
      return Call(kNames[static_cast<int>(b.op)], std::move(args), e.position);
    }
    case ExprKind::kIsNull: {
      const auto& n = static_cast<const IsNull&>(e);
      auto out = std::make_unique<BoundExpr>();
      out->kind = BoundKind::kIsNull;
      out->type = SqlType::Of(SqlTypeId::kBool);
      out->position = e.position;
      out->negated = n.negated;
      out->children.push_back(BindExpr(*n.operand, env));
      return Fold(std::move(out));
    }
    case ExprKind::kInList: {
      const auto& in = static_cast<const InList&>(e);
      std::vector<BoundExprPtr> args;
      args.push_back(BindExpr(*in.operand, env));
      for (const auto& x : in.list) args.push_back(BindExpr(*x, env));
      BoundExprPtr r = Call("in", std::move(args), e.position);
      if (!in.negated) return r;
      auto n = std::make_unique<BoundExpr>();
      n->kind = BoundKind::kNot;
      n->type = SqlType::Of(SqlTypeId::kBool);
      n->position = e.position;
      n->children.push_back(std::move(r));
      return Fold(std::move(n));
    }
    case ExprKind::kBetween: {
      const auto& b = static_cast<const Between&>(e);
      auto a = std::make_unique<BoundExpr>();
      a->kind = BoundKind::kAnd;
      a->type = SqlType::Of(SqlTypeId::kBool);
      a->position = e.position;
      // The operand is bound once and copied: binding it twice made nested
      // BETWEENs exponential.
      std::vector<BoundExprPtr> lo, hi;
      lo.push_back(BindExpr(*b.operand, env));
      lo.push_back(BindExpr(*b.low, env));
      hi.push_back(Repeat(*lo[0], e.position));
      hi.push_back(BindExpr(*b.high, env));
      a->children.push_back(Call(">=", std::move(lo), e.position));
      a->children.push_back(Call("<=", std::move(hi), e.position));
      BoundExprPtr r = Fold(std::move(a));
      if (!b.negated) return r;
      auto n = std::make_unique<BoundExpr>();
      n->kind = BoundKind::kNot;
      n->type = SqlType::Of(SqlTypeId::kBool);
      n->position = e.position;
      n->children.push_back(std::move(r));
      return Fold(std::move(n));
    }
    case ExprKind::kLike: {
      const auto& l = static_cast<const Like&>(e);
      std::vector<BoundExprPtr> args;
      args.push_back(BindExpr(*l.operand, env));
      args.push_back(BindExpr(*l.pattern, env));
      BoundExprPtr r = Call(l.case_insensitive ? "~~*" : "~~", std::move(args), e.position);
      if (!l.negated) return r;
      auto n = std::make_unique<BoundExpr>();
      n->kind = BoundKind::kNot;
      n->type = SqlType::Of(SqlTypeId::kBool);
      n->position = e.position;
      n->children.push_back(std::move(r));
      return Fold(std::move(n));
    }
    case ExprKind::kCase:
      return BindCase(static_cast<const Case&>(e), env);
    case ExprKind::kCast: {
      const auto& c = static_cast<const Cast&>(e);
      BoundExprPtr operand = BindExpr(*c.operand, env);
      return CastTo(std::move(operand), ResolveType(c.type), e.position);
    }
    case ExprKind::kFunction:
      return BindFunctionCall(static_cast<const FunctionCall&>(e), env);
    case ExprKind::kInterval: {
      const auto& iv = static_cast<const IntervalLiteral&>(e);
      return CastTo(MakeConstant(Value::String(iv.text), e.position),
                    SqlType::Of(SqlTypeId::kInterval), e.position);
    }
    case ExprKind::kExtract: {
      const auto& x = static_cast<const Extract&>(e);
      std::vector<BoundExprPtr> args;
      args.push_back(MakeConstant(Value::String(x.field), e.position));
      args.push_back(BindExpr(*x.operand, env));
      return Call("date_part", std::move(args), e.position);
    }
  }
  Throw("unsupported expression", e.position);
}

}  // namespace tp::storage::sql::binder_internal
