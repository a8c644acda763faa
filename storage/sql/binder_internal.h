// Internals of the binder (binder.cpp: statements and FROM; binder_expr.cpp:
// expressions; plan_rewrite.cpp: expression and plan utilities). Errors
// inside the binder are thrown as BindError and turned into a Status by
// Bind(); no exception leaves the binder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sql/ast.h"
#include "storage/sql/binder.h"
#include "storage/sql/plan.h"

namespace tp::storage::sql::binder_internal {

struct BindError {
  std::string message;  // without the position
  size_t position = 0;
};
[[noreturn]] void Throw(std::string message, size_t position);
// Throws the Status's message (minus a trailing "(position N)") at `position`.
[[noreturn]] void ThrowStatus(const Status& status, size_t position);

struct ScopeColumn {
  std::string table;  // alias (or table name) it is reachable under; may be empty
  std::string name;
  SqlType type;
  int scan_id = -1;  // the scan it comes straight from, or -1
  size_t field = 0;  // that scan's table field
  std::string unusable;  // set: naming the column is an error with this message
};

struct Scope {
  std::vector<ScopeColumn> columns;  // in plan output order
  std::vector<std::string> tables;   // names in scope, for messages
};

// Aggregation of one SELECT core while its select list, HAVING and ORDER BY
// are bound: the groups (bound over the FROM scope) and the aggregates found.
struct Grouping {
  std::vector<BoundExprPtr> groups;
  std::vector<std::string> group_keys;   // ExprKey of groups
  std::vector<std::string> group_names;  // ToString of groups
  std::vector<BoundAggregate> aggregates;
  std::vector<std::string> aggregate_keys;
  // The group each sub-expression of the select list, HAVING and ORDER BY
  // equals when bound as in GROUP BY (-1: none, or it cannot be bound so),
  // so matching binds each node once, not once per enclosing expression
  // (quadratic in the depth).
  std::unordered_map<const Expr*, int> group_of;
};

// Window functions found in a core; their result columns are referred to as
// kWindowRef + index until the window node's input width is known.
inline constexpr size_t kWindowRef = size_t{1} << 30;
struct Windows {
  std::vector<BoundWindow> list;
  std::vector<std::string> keys;
};

enum class Clause {
  kWhere,
  kJoin,
  kGroupBy,
  kSelect,
  kHaving,
  kOrderBy,
  kLimit,
  kAggregateArg,
  kTransform,  // the transformation stage's `where` and derived columns (BindScalar)
};

struct ExprEnv {
  const Scope* scope = nullptr;
  Clause clause = Clause::kSelect;
  Grouping* grouping = nullptr;  // set: columns must be grouped, aggregates allowed
  Windows* windows = nullptr;    // set: window functions allowed
  bool in_window = false;
  // Set (BindExpr's GROUP BY matching): record in its group_of the group
  // each expression bound here equals.
  Grouping* record_groups = nullptr;
};

// CTEs visible at a point: name -> its query.
using CteMap = std::map<std::string, const SelectStatement*>;

class Binder {
 public:
  // `used` null: first pass, every column of every table is scanned and the
  // columns the query uses are recorded in used_columns(). Given: the second
  // pass scans only those.
  Binder(std::string_view sql, const TableLookup& tables, const EvalContext& ctx,
         const std::map<int, std::set<size_t>>* used)
      : sql_(sql), tables_(tables), ctx_(ctx), used_(used) {}

  PlanPtr BindStatement(const SelectStatement& statement, const CteMap& ctes);
  // A scalar expression over one row of `scope` for the transformation
  // stage: no aggregates, windows or now()/current_date.
  BoundExprPtr BindTransform(const Expr& e, const Scope& scope);
  const std::map<int, std::set<size_t>>& used_columns() const { return used_columns_; }

  // binder_expr.cpp
  BoundExprPtr BindExpr(const Expr& e, ExprEnv& env);

 private:
  struct BoundCore {
    PlanPtr plan;
    size_t visible = 0;  // output columns before hidden ORDER BY keys
  };

  // binder.cpp
  BoundCore BindCore(const SelectCore& core, const std::vector<OrderItem>* order_by,
                     const CteMap& ctes, std::vector<SortKey>* sort_keys);
  PlanPtr BindFrom(const TableRef& ref, const CteMap& ctes, Scope* scope);
  PlanPtr BindBaseTable(const BaseTable& ref, const CteMap& ctes, Scope* scope);
  PlanPtr BindJoin(const JoinRef& ref, const CteMap& ctes, Scope* scope);
  void AddWhere(PlanPtr* plan, BoundExprPtr predicate);
  uint64_t BindCount(const Expr& e, const char* what);

  // binder_expr.cpp
  BoundExprPtr BindExprInner(const Expr& e, ExprEnv& env);
  BoundExprPtr BindColumnRef(const ColumnRef& ref, ExprEnv& env);
  BoundExprPtr BindFunctionCall(const FunctionCall& call, ExprEnv& env);
  BoundExprPtr BindAggregateCall(const FunctionCall& call, ExprEnv& env);
  BoundAggregate BindAggregateOf(const FunctionCall& call, ExprEnv& env);
  BoundExprPtr BindWindowCall(const FunctionCall& call, ExprEnv& env);
  BoundExprPtr BindCase(const Case& c, ExprEnv& env);
  BoundExprPtr Boolean(BoundExprPtr e, size_t position, const char* what);
  BoundExprPtr Fold(BoundExprPtr e);
  BoundExprPtr Call(const std::string& name, std::vector<BoundExprPtr> args, size_t position);
  BoundExprPtr CastTo(BoundExprPtr e, const SqlType& type, size_t position);
  // A copy of `e` for an operand used twice (BETWEEN, CASE x WHEN); throws
  // once the copies of a query add up to too many nodes, as nesting these
  // doubles the expression at each level.
  BoundExprPtr Repeat(const BoundExpr& e, size_t position);
  SqlType ResolveType(const TypeName& t);

  std::string_view sql_;
  const TableLookup& tables_;
  const EvalContext& ctx_;
  const std::map<int, std::set<size_t>>* used_;
  std::map<int, std::set<size_t>> used_columns_;
  int next_scan_id_ = 0;
  int cte_depth_ = 0;
  int cte_expansions_ = 0;
  size_t repeated_nodes_ = 0;  // Repeat
  bool deterministic_ = false;  // now() and current_date are errors
  std::deque<ExprPtr> synthesized_;  // ASTs made up for SELECT * expansion
};

// ---- expression utilities (plan_rewrite.cpp) ----

// A text that is equal for two bound expressions exactly when they compute
// the same thing: columns by index (not name: two tables may both have a
// `city`), every node with its type. With a `limit`, the text stops once
// longer than that (so it equals no key of at most `limit` characters).
std::string ExprKey(const BoundExpr& e, size_t limit = SIZE_MAX);
// Appends the column indexes `e` reads.
void ReferencedColumns(const BoundExpr& e, std::set<size_t>* out);
// Adds `delta` to every column index (which must stay >= 0).
void ShiftColumns(BoundExpr* e, int64_t delta);
// Replaces column i by map[i].
void RemapColumns(BoundExpr* e, const std::vector<size_t>& map);
// AND-ed conjuncts of `e` (e itself when it is not an AND).
void SplitConjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out);
BoundExprPtr MakeAnd(std::vector<BoundExprPtr> conjuncts);
// Replaces kWindowRef + i by base + i.
void PatchWindowRefs(BoundExpr* e, size_t base);

// Pushes `conjunct` (over the output of `node`, whose columns start at
// `base` in the caller's numbering) as deep as it may go: into a scan's
// filters, or as an equi-key of an inner/cross join. False when no node
// below could take it.
bool PushDown(PlanNode* node, BoundExprPtr* conjunct, size_t base);
// Sets every scan's time_range from its filters.
void ComputeTimeRanges(PlanNode* node, const EvalContext& ctx);

}  // namespace tp::storage::sql::binder_internal
