// Binder: statements, SELECT cores and FROM clauses. See binder.h.
#include "storage/sql/binder.h"

#include <algorithm>
#include <utility>

#include "storage/sql/binder_internal.h"
#include "storage/sql/functions.h"
#include "storage/sql/suggest.h"

namespace tp::storage::sql {
namespace binder_internal {
namespace {

bool ContainsAggregate(const Expr& e);

bool ChildrenContainAggregate(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kUnary:
      return ContainsAggregate(*static_cast<const Unary&>(e).operand);
    case ExprKind::kBinary: {
      const auto& b = static_cast<const Binary&>(e);
      return ContainsAggregate(*b.left) || ContainsAggregate(*b.right);
    }
    case ExprKind::kIsNull:
      return ContainsAggregate(*static_cast<const IsNull&>(e).operand);
    case ExprKind::kInList: {
      const auto& in = static_cast<const InList&>(e);
      if (ContainsAggregate(*in.operand)) return true;
      for (const auto& x : in.list) {
        if (ContainsAggregate(*x)) return true;
      }
      return false;
    }
    case ExprKind::kBetween: {
      const auto& b = static_cast<const Between&>(e);
      return ContainsAggregate(*b.operand) || ContainsAggregate(*b.low) ||
             ContainsAggregate(*b.high);
    }
    case ExprKind::kLike: {
      const auto& l = static_cast<const Like&>(e);
      return ContainsAggregate(*l.operand) || ContainsAggregate(*l.pattern);
    }
    case ExprKind::kCase: {
      const auto& c = static_cast<const Case&>(e);
      if (c.operand && ContainsAggregate(*c.operand)) return true;
      for (const auto& w : c.whens) {
        if (ContainsAggregate(*w.condition) || ContainsAggregate(*w.result)) return true;
      }
      return c.else_result && ContainsAggregate(*c.else_result);
    }
    case ExprKind::kCast:
      return ContainsAggregate(*static_cast<const Cast&>(e).operand);
    case ExprKind::kExtract:
      return ContainsAggregate(*static_cast<const Extract&>(e).operand);
    case ExprKind::kFunction: {
      const auto& f = static_cast<const FunctionCall&>(e);
      for (const auto& a : f.args) {
        if (ContainsAggregate(*a)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

// An aggregate call outside any OVER (...) anywhere in `e`.
bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunction) {
    const auto& f = static_cast<const FunctionCall&>(e);
    if (!f.over && (f.star || IsAggregateFunction(f.name))) return true;
  }
  return ChildrenContainAggregate(e);
}

std::string DefaultName(const Expr& e) {
  if (e.kind == ExprKind::kColumnRef) return static_cast<const ColumnRef&>(e).names.back();
  return ToSql(e);
}

const Literal* IntegerLiteral(const Expr& e) {
  if (e.kind != ExprKind::kLiteral) return nullptr;
  const auto& lit = static_cast<const Literal&>(e);
  return lit.literal_kind == LiteralKind::kInteger ? &lit : nullptr;
}

bool InScope(const Scope& scope, const std::string& name) {
  for (const auto& c : scope.columns) {
    if (EqualsIgnoreCase(c.name, name)) return true;
  }
  return false;
}

PlanPtr MakeProject(PlanPtr child, std::vector<BoundExprPtr> exprs, std::vector<std::string> names) {
  auto p = std::make_unique<PlanNode>(PlanKind::kProject);
  for (const auto& e : exprs) p->types.push_back(e->type);
  p->names = std::move(names);
  p->exprs = std::move(exprs);
  p->children.push_back(std::move(child));
  return p;
}

}  // namespace

[[noreturn]] void Throw(std::string message, size_t position) {
  throw BindError{std::move(message), position};
}

[[noreturn]] void ThrowStatus(const Status& status, size_t position) {
  std::string m = status.message();
  const size_t p = m.rfind(" (position ");
  if (p != std::string::npos && m.back() == ')') m.erase(p);
  throw BindError{std::move(m), position};
}

uint64_t Binder::BindCount(const Expr& e, const char* what) {
  Scope empty;
  ExprEnv env{&empty, Clause::kLimit};
  BoundExprPtr b = BindExpr(e, env);
  if (b->kind != BoundKind::kConstant ||
      (b->type.id != SqlTypeId::kInt32 && b->type.id != SqlTypeId::kInt64)) {
    Throw(std::string(what) + " must be a whole number constant", e.position);
  }
  if (b->value.is_null()) Throw(std::string(what) + " must not be NULL", e.position);
  if (b->value.int_value() < 0) Throw(std::string(what) + " must not be negative", e.position);
  return static_cast<uint64_t>(b->value.int_value());
}

PlanPtr Binder::BindStatement(const SelectStatement& statement, const CteMap& outer) {
  CteMap ctes = outer;
  for (const auto& cte : statement.ctes) ctes[cte.name] = cte.query.get();
  // A CTE may use the CTEs before it (not itself: no recursion), which the
  // map above allows only because binding a CTE reference removes it from
  // the map it binds its body with (BindBaseTable).

  std::vector<SortKey> sort_keys;
  PlanPtr plan;
  size_t visible = 0;
  if (statement.cores.size() == 1) {
    BoundCore core = BindCore(statement.cores[0], &statement.order_by, ctes, &sort_keys);
    plan = std::move(core.plan);
    visible = core.visible;
  } else {
    std::vector<PlanPtr> parts;
    for (const auto& c : statement.cores) parts.push_back(BindCore(c, nullptr, ctes, nullptr).plan);
    const size_t width = parts[0]->types.size();
    std::vector<SqlType> types = parts[0]->types;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i]->types.size() != width) {
        Throw("each UNION ALL query must have the same number of columns (" +
                  std::to_string(width) + " vs " + std::to_string(parts[i]->types.size()) + ")",
              statement.cores[i].position);
      }
      for (size_t c = 0; c < width; ++c) {
        auto common = CommonType(types[c], parts[i]->types[c]);
        if (!common.ok()) {
          Throw("UNION ALL column " + std::to_string(c + 1) + " has types " +
                    types[c].ToString() + " and " + parts[i]->types[c].ToString() +
                    " that have no common type; add a CAST",
                statement.cores[i].position);
        }
        types[c] = *common;
      }
    }
    auto u = std::make_unique<PlanNode>(PlanKind::kUnion);
    u->types = types;
    u->names = parts[0]->names;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i]->types != types) {
        std::vector<BoundExprPtr> exprs;
        for (size_t c = 0; c < width; ++c) {
          exprs.push_back(CastTo(MakeColumn(c, parts[i]->types[c], parts[i]->names[c]), types[c],
                                 statement.cores[i].position));
        }
        std::vector<std::string> names = parts[i]->names;
        parts[i] = MakeProject(std::move(parts[i]), std::move(exprs), std::move(names));
      }
      u->children.push_back(std::move(parts[i]));
    }
    plan = std::move(u);
    visible = width;
    // ORDER BY over a UNION ALL: output column names and ordinals only.
    for (const auto& item : statement.order_by) {
      size_t index = SIZE_MAX;
      if (const Literal* lit = IntegerLiteral(*item.expr)) {
        if (lit->int_value < 1 || static_cast<size_t>(lit->int_value) > width) {
          Throw("ORDER BY position " + lit->text + " is not in the select list (1.." +
                    std::to_string(width) + ")",
                item.expr->position);
        }
        index = static_cast<size_t>(lit->int_value - 1);
      } else if (item.expr->kind == ExprKind::kColumnRef &&
                 static_cast<const ColumnRef&>(*item.expr).names.size() == 1) {
        const std::string& name = static_cast<const ColumnRef&>(*item.expr).names[0];
        for (size_t c = 0; c < width; ++c) {
          if (EqualsIgnoreCase(plan->names[c], name)) {
            index = c;
            break;
          }
        }
      }
      if (index == SIZE_MAX) {
        Throw("ORDER BY after UNION ALL must name an output column or give its position",
              item.expr->position);
      }
      SortKey key;
      key.expr = MakeColumn(index, plan->types[index], plan->names[index]);
      key.descending = item.direction == SortDirection::kDescending;
      key.nulls_first = item.nulls == NullsOrder::kFirst;
      sort_keys.push_back(std::move(key));
    }
  }

  std::optional<uint64_t> limit;
  uint64_t offset = 0;
  if (statement.limit) limit = BindCount(*statement.limit, "LIMIT");
  if (statement.offset) offset = BindCount(*statement.offset, "OFFSET");

  if (!sort_keys.empty()) {
    auto s = std::make_unique<PlanNode>(PlanKind::kSort);
    s->types = plan->types;
    s->names = plan->names;
    s->order = std::move(sort_keys);
    s->limit = limit;
    s->offset = offset;
    s->children.push_back(std::move(plan));
    plan = std::move(s);
  } else if (limit || offset > 0) {
    auto l = std::make_unique<PlanNode>(PlanKind::kLimit);
    l->types = plan->types;
    l->names = plan->names;
    l->limit = limit;
    l->offset = offset;
    l->children.push_back(std::move(plan));
    plan = std::move(l);
  }
  if (visible < plan->types.size()) {  // drop hidden ORDER BY columns
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    for (size_t c = 0; c < visible; ++c) {
      exprs.push_back(MakeColumn(c, plan->types[c], plan->names[c]));
      names.push_back(plan->names[c]);
    }
    plan = MakeProject(std::move(plan), std::move(exprs), std::move(names));
  }
  return plan;
}

Binder::BoundCore Binder::BindCore(const SelectCore& core, const std::vector<OrderItem>* order_by,
                                   const CteMap& ctes, std::vector<SortKey>* sort_keys) {
  Scope scope;
  PlanPtr plan;
  if (core.from) {
    plan = BindFrom(*core.from, ctes, &scope);
  } else {
    plan = std::make_unique<PlanNode>(PlanKind::kValues);
  }

  if (core.where) {
    ExprEnv env{&scope, Clause::kWhere};
    BoundExprPtr where = Boolean(BindExpr(*core.where, env), core.where->position, "WHERE");
    AddWhere(&plan, std::move(where));
  }

  // Expand * into column references.
  struct Item {
    const Expr* expr;
    std::string alias;
    size_t position;
  };
  std::vector<Item> items;
  for (const auto& item : core.items) {
    if (item.expr->kind != ExprKind::kStar) {
      items.push_back({item.expr.get(), item.alias, item.position});
      continue;
    }
    const auto& star = static_cast<const Star&>(*item.expr);
    bool any = false;
    for (const auto& col : scope.columns) {
      if (!star.table.empty() && !EqualsIgnoreCase(col.table, star.table)) continue;
      auto ref = std::make_unique<ColumnRef>(item.position);
      if (!col.table.empty()) ref->names.push_back(col.table);
      ref->names.push_back(col.name);
      items.push_back({ref.get(), col.name, item.position});
      synthesized_.push_back(std::move(ref));
      any = true;
    }
    if (!any) {
      Throw(star.table.empty() ? "SELECT * needs a FROM clause"
                               : "table \"" + star.table + "\" is not in the FROM clause",
            item.position);
    }
  }

  bool aggregating = !core.group_by.empty() || (core.having != nullptr);
  for (const auto& item : items) aggregating = aggregating || ContainsAggregate(*item.expr);
  if (order_by != nullptr) {
    for (const auto& o : *order_by) aggregating = aggregating || ContainsAggregate(*o.expr);
  }

  Grouping grouping;
  if (aggregating) {
    for (const auto& g : core.group_by) {
      const Expr* target = g.get();
      if (const Literal* lit = IntegerLiteral(*g)) {
        if (lit->int_value < 1 || static_cast<size_t>(lit->int_value) > items.size()) {
          Throw("GROUP BY position " + lit->text + " is not in the select list (1.." +
                    std::to_string(items.size()) + ")",
                g->position);
        }
        target = items[lit->int_value - 1].expr;
      } else if (g->kind == ExprKind::kColumnRef &&
                 static_cast<const ColumnRef&>(*g).names.size() == 1) {
        const std::string& name = static_cast<const ColumnRef&>(*g).names[0];
        if (!InScope(scope, name)) {
          for (size_t i = 0; i < items.size(); ++i) {
            if (!items[i].alias.empty() && EqualsIgnoreCase(items[i].alias, name)) {
              target = items[i].expr;
              break;
            }
          }
        }
      }
      if (ContainsAggregate(*target)) {
        Throw("aggregate functions are not allowed in GROUP BY", target->position);
      }
      ExprEnv env{&scope, Clause::kGroupBy};
      BoundExprPtr bound = BindExpr(*target, env);
      std::string key = ExprKey(*bound);
      if (std::find(grouping.group_keys.begin(), grouping.group_keys.end(), key) !=
          grouping.group_keys.end()) {
        continue;
      }
      grouping.group_keys.push_back(std::move(key));
      grouping.group_names.push_back(bound->ToString());
      grouping.groups.push_back(std::move(bound));
    }
  }

  Windows windows;
  ExprEnv select_env{&scope, Clause::kSelect, aggregating ? &grouping : nullptr, &windows};
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (const auto& item : items) {
    exprs.push_back(BindExpr(*item.expr, select_env));
    names.push_back(item.alias.empty() ? DefaultName(*item.expr) : item.alias);
  }
  const size_t visible = exprs.size();

  BoundExprPtr having;
  if (core.having) {
    ExprEnv env{&scope, Clause::kHaving, &grouping, nullptr};
    having = Boolean(BindExpr(*core.having, env), core.having->position, "HAVING");
  }

  if (order_by != nullptr) {
    std::vector<std::string> keys;
    for (const auto& e : exprs) keys.push_back(ExprKey(*e));
    for (const auto& item : *order_by) {
      size_t index = SIZE_MAX;
      if (const Literal* lit = IntegerLiteral(*item.expr)) {
        if (lit->int_value < 1 || static_cast<size_t>(lit->int_value) > visible) {
          Throw("ORDER BY position " + lit->text + " is not in the select list (1.." +
                    std::to_string(visible) + ")",
                item.expr->position);
        }
        index = static_cast<size_t>(lit->int_value - 1);
      } else if (item.expr->kind == ExprKind::kColumnRef &&
                 static_cast<const ColumnRef&>(*item.expr).names.size() == 1) {
        const std::string& name = static_cast<const ColumnRef&>(*item.expr).names[0];
        for (size_t i = 0; i < items.size(); ++i) {
          if (!items[i].alias.empty() && EqualsIgnoreCase(items[i].alias, name)) {
            index = i;
            break;
          }
        }
      }
      if (index == SIZE_MAX) {
        ExprEnv env{&scope, Clause::kOrderBy, aggregating ? &grouping : nullptr, &windows};
        BoundExprPtr e = BindExpr(*item.expr, env);
        const std::string key = ExprKey(*e);
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it != keys.end()) {
          index = static_cast<size_t>(it - keys.begin());
        } else {
          if (core.distinct) {
            Throw("for SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                  item.expr->position);
          }
          index = exprs.size();
          keys.push_back(key);
          names.push_back(DefaultName(*item.expr));
          exprs.push_back(std::move(e));
        }
      }
      SortKey key;
      key.descending = item.direction == SortDirection::kDescending;
      key.nulls_first = item.nulls == NullsOrder::kFirst;
      key.expr = MakeColumn(index, exprs[index]->type, names[index]);
      sort_keys->push_back(std::move(key));
    }
  }

  // Assemble: [aggregate] -> [having] -> [window] -> project -> [distinct].
  if (aggregating) {
    auto a = std::make_unique<PlanNode>(PlanKind::kAggregate);
    for (size_t i = 0; i < grouping.groups.size(); ++i) {
      a->types.push_back(grouping.groups[i]->type);
      a->names.push_back(grouping.group_names[i]);
    }
    for (const auto& agg : grouping.aggregates) {
      a->types.push_back(agg.function->result_type);
      a->names.push_back(agg.name);
    }
    a->groups = std::move(grouping.groups);
    a->aggregates = std::move(grouping.aggregates);
    a->children.push_back(std::move(plan));
    plan = std::move(a);
    if (having) {
      auto f = std::make_unique<PlanNode>(PlanKind::kFilter);
      f->types = plan->types;
      f->names = plan->names;
      f->predicate = std::move(having);
      f->children.push_back(std::move(plan));
      plan = std::move(f);
    }
  }
  if (!windows.list.empty()) {
    const size_t base = plan->types.size();
    auto w = std::make_unique<PlanNode>(PlanKind::kWindow);
    w->types = plan->types;
    w->names = plan->names;
    for (size_t i = 0; i < windows.list.size(); ++i) {
      w->types.push_back(windows.list[i].type);
      w->names.push_back(windows.keys[i]);
    }
    w->windows = std::move(windows.list);
    w->children.push_back(std::move(plan));
    plan = std::move(w);
    for (auto& e : exprs) PatchWindowRefs(e.get(), base);
  }
  plan = MakeProject(std::move(plan), std::move(exprs), std::move(names));
  if (core.distinct) {
    auto d = std::make_unique<PlanNode>(PlanKind::kAggregate);
    d->types = plan->types;
    d->names = plan->names;
    for (size_t c = 0; c < plan->types.size(); ++c) {
      d->groups.push_back(MakeColumn(c, plan->types[c], plan->names[c]));
    }
    d->children.push_back(std::move(plan));
    plan = std::move(d);
  }
  return BoundCore{std::move(plan), visible};
}

void Binder::AddWhere(PlanPtr* plan, BoundExprPtr predicate) {
  if (predicate->kind == BoundKind::kConstant && !predicate->value.is_null() &&
      predicate->value.int_value() != 0) {
    return;  // WHERE TRUE
  }
  std::vector<BoundExprPtr> conjuncts;
  SplitConjuncts(std::move(predicate), &conjuncts);
  std::vector<BoundExprPtr> rest;
  for (auto& c : conjuncts) {
    if (!PushDown(plan->get(), &c, 0)) rest.push_back(std::move(c));
  }
  if (rest.empty()) return;
  auto f = std::make_unique<PlanNode>(PlanKind::kFilter);
  f->types = (*plan)->types;
  f->names = (*plan)->names;
  f->predicate = MakeAnd(std::move(rest));
  f->children.push_back(std::move(*plan));
  *plan = std::move(f);
}

PlanPtr Binder::BindFrom(const TableRef& ref, const CteMap& ctes, Scope* scope) {
  switch (ref.kind) {
    case TableRefKind::kTable:
      return BindBaseTable(static_cast<const BaseTable&>(ref), ctes, scope);
    case TableRefKind::kJoin:
      return BindJoin(static_cast<const JoinRef&>(ref), ctes, scope);
    case TableRefKind::kSubquery: {
      const auto& sub = static_cast<const SubqueryRef&>(ref);
      PlanPtr plan = BindStatement(*sub.query, ctes);
      for (size_t c = 0; c < plan->types.size(); ++c) {
        scope->columns.push_back(ScopeColumn{sub.alias, plan->names[c], plan->types[c], -1, 0, {}});
      }
      if (!sub.alias.empty()) scope->tables.push_back(sub.alias);
      return plan;
    }
  }
  Throw("unsupported FROM item", ref.position);
}

PlanPtr Binder::BindBaseTable(const BaseTable& ref, const CteMap& ctes, Scope* scope) {
  const std::string alias = ref.alias.empty() ? ref.names.back() : ref.alias;
  if (ref.names.size() == 1) {
    auto it = ctes.find(ref.names[0]);
    if (it != ctes.end()) {
      if (++cte_depth_ > 64) Throw("WITH queries nest too deeply (recursive?)", ref.position);
      if (++cte_expansions_ > 1000) {
        Throw("the query reads WITH queries more than 1000 times (each use is expanded); "
              "simplify it",
              ref.position);
      }
      CteMap inner = ctes;
      inner.erase(ref.names[0]);  // no recursion
      PlanPtr plan = BindStatement(*it->second, inner);
      --cte_depth_;
      for (size_t c = 0; c < plan->types.size(); ++c) {
        scope->columns.push_back(ScopeColumn{alias, plan->names[c], plan->types[c], -1, 0, {}});
      }
      scope->tables.push_back(alias);
      return plan;
    }
  }
  std::optional<TableInfo> info = tables_.find(ref.names);
  if (!info) {
    std::string name;
    for (const auto& n : ref.names) name += (name.empty() ? "" : ".") + n;
    std::vector<std::string> candidates = tables_.names();
    for (const auto& [cte, unused] : ctes) candidates.push_back(cte);
    std::string message = "table \"" + name + "\" does not exist";
    const std::string near = ClosestMatch(name, candidates);
    message += near.empty() ? "; tables: " + JoinNames(candidates)
                            : "; did you mean \"" + near + "\"?";
    Throw(message, ref.position);
  }
  const int id = next_scan_id_++;
  if (id >= 1000) {
    Throw("the query reads tables more than 1000 times (WITH queries are expanded where "
          "they are used); simplify it",
          ref.position);
  }
  auto scan = std::make_unique<PlanNode>(PlanKind::kScan);
  scan->table = info->name;
  scan->time_column = info->time_column;
  scan->system_table = info->system;
  for (size_t f = 0; f < info->schema.fields.size(); ++f) {
    bool take = true;
    if (used_ != nullptr) {
      auto u = used_->find(id);
      take = u != used_->end() && u->second.count(f) > 0;
    }
    if (!take) continue;
    const Field& field = info->schema.fields[f];
    scan->scan_columns.push_back(f);
    scan->types.push_back(SqlType::FromStorage(field.type));
    scan->names.push_back(field.name);
    scope->columns.push_back(
        ScopeColumn{alias, field.name, SqlType::FromStorage(field.type), id, f, {}});
  }
  scan->table_schema = std::move(info->schema);
  scan->values = std::move(info->rows);
  scope->tables.push_back(alias);
  return scan;
}

PlanPtr Binder::BindJoin(const JoinRef& ref, const CteMap& ctes, Scope* scope) {
  // The left side (for a chain of joins, all but the last table) binds
  // straight into `scope` (empty here): moving its columns up one level per
  // join made long FROM lists quadratic.
  Scope right_scope;
  PlanPtr left = BindFrom(*ref.left, ctes, scope);
  PlanPtr right = BindFrom(*ref.right, ctes, &right_scope);
  const size_t lw = left->types.size();
  auto j = std::make_unique<PlanNode>(PlanKind::kJoin);
  j->join = ref.type == JoinType::kLeft    ? JoinKind::kLeft
            : ref.type == JoinType::kInner ? JoinKind::kInner
                                           : JoinKind::kCross;
  j->types = left->types;
  // Names are read only from a FROM list's top join (and from scans), so a
  // join below it hands its names up instead of copying them: copying made
  // a long FROM list quadratic in its width (1000 tables: 10 s).
  if (left->kind == PlanKind::kJoin) {
    j->names = std::move(left->names);
    left->names.clear();
  } else {
    j->names = left->names;
  }
  j->types.insert(j->types.end(), right->types.begin(), right->types.end());
  j->names.insert(j->names.end(), right->names.begin(), right->names.end());
  j->children.push_back(std::move(left));
  j->children.push_back(std::move(right));
  for (auto& c : right_scope.columns) scope->columns.push_back(std::move(c));
  for (auto& t : right_scope.tables) scope->tables.push_back(std::move(t));
  if (!ref.condition) return j;

  ExprEnv env{scope, Clause::kJoin};
  BoundExprPtr cond = Boolean(BindExpr(*ref.condition, env), ref.condition->position, "ON");
  std::vector<BoundExprPtr> conjuncts, residual;
  SplitConjuncts(std::move(cond), &conjuncts);
  const size_t width = j->types.size();
  for (auto& c : conjuncts) {
    std::set<size_t> cols;
    ReferencedColumns(*c, &cols);
    const bool left_only = !cols.empty() && *cols.rbegin() < lw;
    const bool right_only = !cols.empty() && *cols.begin() >= lw && *cols.rbegin() < width;
    // Equi-keys: `l = r` with each side from one input.
    if (c->kind == BoundKind::kFunction && c->name == "=" && c->children.size() == 2 &&
        c->children[0]->type == c->children[1]->type) {
      std::set<size_t> a, b;
      ReferencedColumns(*c->children[0], &a);
      ReferencedColumns(*c->children[1], &b);
      auto side = [&](const std::set<size_t>& s) {
        if (s.empty()) return 0;
        if (*s.rbegin() < lw) return 1;
        if (*s.begin() >= lw) return 2;
        return 0;
      };
      const int sa = side(a), sb = side(b);
      if ((sa == 1 && sb == 2) || (sa == 2 && sb == 1)) {
        BoundExprPtr l = std::move(c->children[sa == 1 ? 0 : 1]);
        BoundExprPtr r = std::move(c->children[sa == 1 ? 1 : 0]);
        ShiftColumns(r.get(), -static_cast<int64_t>(lw));
        j->left_keys.push_back(std::move(l));
        j->right_keys.push_back(std::move(r));
        continue;
      }
    }
    // Filters on one input: the right (build) side of any join, the left
    // side of an inner join, go into that input.
    if (right_only || (left_only && j->join != JoinKind::kLeft)) {
      if (PushDown(j->children[right_only ? 1 : 0].get(), &c, right_only ? lw : 0)) continue;
      if (right_only) {
        // Filter the build side in place.
        PlanPtr& child = j->children[1];
        ShiftColumns(c.get(), -static_cast<int64_t>(lw));
        auto f = std::make_unique<PlanNode>(PlanKind::kFilter);
        f->types = child->types;
        f->names = child->names;
        f->predicate = std::move(c);
        f->children.push_back(std::move(child));
        child = std::move(f);
        continue;
      }
    }
    residual.push_back(std::move(c));
  }
  if (j->join == JoinKind::kCross) j->join = JoinKind::kInner;
  if (!residual.empty()) j->predicate = MakeAnd(std::move(residual));
  return j;
}

BoundExprPtr Binder::BindTransform(const Expr& e, const Scope& scope) {
  deterministic_ = true;
  ExprEnv env{&scope, Clause::kTransform};
  return BindExpr(e, env);
}

// Turns a BindError into the InvalidArgument the public functions return.
Status BindFailure(std::string_view sql, const BindError& e, QueryError* error) {
  std::string message =
      e.message + " (position " + std::to_string(CharacterPosition(sql, e.position)) + ")";
  if (error != nullptr) *error = QueryError{message, e.position};
  return Status::InvalidArgument(message);
}

}  // namespace binder_internal

Result<BoundExprPtr> BindScalar(std::string_view sql, const Expr& expr, const std::string& table,
                                const std::vector<ScalarColumn>& columns, const EvalContext& ctx,
                                QueryError* error) {
  using namespace binder_internal;
  const TableLookup none;
  Scope scope;
  scope.tables.push_back(table);
  for (size_t i = 0; i < columns.size(); ++i) {
    ScopeColumn c;
    c.table = table;
    c.name = columns[i].name;
    c.type = columns[i].type;
    c.field = i;
    c.unusable = columns[i].unusable;
    scope.columns.push_back(std::move(c));
  }
  try {
    Binder binder(sql, none, ctx, nullptr);
    return binder.BindTransform(expr, scope);
  } catch (const BindError& e) {
    return BindFailure(sql, e, error);
  }
}

Result<PlanPtr> Bind(std::string_view sql, const SelectStatement& statement,
                     const TableLookup& tables, const EvalContext& ctx, QueryError* error) {
  using namespace binder_internal;
  try {
    Binder first(sql, tables, ctx, nullptr);
    first.BindStatement(statement, {});
    Binder second(sql, tables, ctx, &first.used_columns());
    PlanPtr plan = second.BindStatement(statement, {});
    ComputeTimeRanges(plan.get(), ctx);
    return plan;
  } catch (const BindError& e) {
    return BindFailure(sql, e, error);
  }
}

}  // namespace tp::storage::sql
