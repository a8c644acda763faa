// Expression and plan utilities of the binder: column bookkeeping,
// predicate pushdown and time ranges for partition pruning. Also
// PlanNode::ToString.
#include <algorithm>
#include <utility>

#include "storage/sql/binder_internal.h"
#include "storage/sql/time_zone.h"

namespace tp::storage::sql {
namespace binder_internal {

namespace {

// Appends into one string: building each node's key from its children's
// made a deep expression's key quadratic (and every sub-key of it cubic).
void AppendExprKey(const BoundExpr& e, size_t limit, std::string* out) {
  if (out->size() > limit) return;
  *out += std::to_string(static_cast<int>(e.kind)) + ":" + e.type.ToString() + ":";
  switch (e.kind) {
    case BoundKind::kConstant:
      *out += e.value.is_null() ? "NULL" : "'" + e.value.ToString() + "'";
      break;
    case BoundKind::kColumn:
      *out += "#" + std::to_string(e.column);
      break;
    case BoundKind::kFunction:
      *out += e.name;
      break;
    case BoundKind::kIsNull:
      *out += e.negated ? "not" : "";
      break;
    default:
      break;
  }
  *out += "(";
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i) *out += ",";
    AppendExprKey(*e.children[i], limit, out);
  }
  *out += ")";
}

}  // namespace

std::string ExprKey(const BoundExpr& e, size_t limit) {
  std::string out;
  AppendExprKey(e, limit, &out);
  return out;
}

void ReferencedColumns(const BoundExpr& e, std::set<size_t>* out) {
  if (e.kind == BoundKind::kColumn) out->insert(e.column);
  for (const auto& c : e.children) ReferencedColumns(*c, out);
}

void ShiftColumns(BoundExpr* e, int64_t delta) {
  if (e->kind == BoundKind::kColumn) e->column = static_cast<size_t>(static_cast<int64_t>(e->column) + delta);
  for (auto& c : e->children) ShiftColumns(c.get(), delta);
}

void RemapColumns(BoundExpr* e, const std::vector<size_t>& map) {
  if (e->kind == BoundKind::kColumn) e->column = map[e->column];
  for (auto& c : e->children) RemapColumns(c.get(), map);
}

void PatchWindowRefs(BoundExpr* e, size_t base) {
  if (e->kind == BoundKind::kColumn && e->column >= kWindowRef) {
    e->column = base + (e->column - kWindowRef);
  }
  for (auto& c : e->children) PatchWindowRefs(c.get(), base);
}

void SplitConjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (auto& c : e->children) SplitConjuncts(std::move(c), out);
    return;
  }
  out->push_back(std::move(e));
}

BoundExprPtr MakeAnd(std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.size() == 1) return std::move(conjuncts[0]);
  auto a = std::make_unique<BoundExpr>();
  a->kind = BoundKind::kAnd;
  a->type = SqlType::Of(SqlTypeId::kBool);
  a->position = conjuncts[0]->position;
  a->children = std::move(conjuncts);
  return a;
}

bool PushDown(PlanNode* node, BoundExprPtr* conjunct, size_t base) {
  std::set<size_t> cols;
  ReferencedColumns(**conjunct, &cols);
  const size_t width = node->types.size();
  if (cols.empty()) return false;
  if (*cols.begin() < base || *cols.rbegin() >= base + width) return false;
  switch (node->kind) {
    case PlanKind::kScan:
      ShiftColumns(conjunct->get(), -static_cast<int64_t>(base));
      node->filters.push_back(std::move(*conjunct));
      return true;
    case PlanKind::kJoin: {
      const size_t lw = node->children[0]->types.size();
      const bool inner = node->join != JoinKind::kLeft;
      const bool left_only = *cols.rbegin() < base + lw;
      const bool right_only = *cols.begin() >= base + lw;
      if (left_only) return PushDown(node->children[0].get(), conjunct, base);
      if (right_only) return inner && PushDown(node->children[1].get(), conjunct, base + lw);
      if (!inner) return false;
      BoundExpr& c = **conjunct;
      if (c.kind == BoundKind::kFunction && c.name == "=" && c.children.size() == 2 &&
          c.children[0]->type == c.children[1]->type) {
        std::set<size_t> a, b;
        ReferencedColumns(*c.children[0], &a);
        ReferencedColumns(*c.children[1], &b);
        auto side = [&](const std::set<size_t>& s) {
          if (s.empty()) return 0;
          if (*s.rbegin() < base + lw) return 1;
          if (*s.begin() >= base + lw) return 2;
          return 0;
        };
        const int sa = side(a), sb = side(b);
        if ((sa == 1 && sb == 2) || (sa == 2 && sb == 1)) {
          BoundExprPtr l = std::move(c.children[sa == 1 ? 0 : 1]);
          BoundExprPtr r = std::move(c.children[sa == 1 ? 1 : 0]);
          ShiftColumns(l.get(), -static_cast<int64_t>(base));
          ShiftColumns(r.get(), -static_cast<int64_t>(base + lw));
          node->left_keys.push_back(std::move(l));
          node->right_keys.push_back(std::move(r));
          node->join = JoinKind::kInner;
          return true;
        }
      }
      if (node->join == JoinKind::kCross) return false;  // a filter above does as well
      ShiftColumns(conjunct->get(), -static_cast<int64_t>(base));
      if (node->predicate) {
        std::vector<BoundExprPtr> list;
        list.push_back(std::move(node->predicate));
        list.push_back(std::move(*conjunct));
        node->predicate = MakeAnd(std::move(list));
      } else {
        node->predicate = std::move(*conjunct);
      }
      return true;
    }
    default:
      return false;
  }
}

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

bool IsColumn(const BoundExpr& e, size_t column) {
  return e.kind == BoundKind::kColumn && e.column == column;
}

// The bound a comparison `column op constant` (op as if the column is on
// the left) puts on the column's µs value.
void Apply(const std::string& op, int64_t lo_value, int64_t hi_value, TimeRange* r) {
  // lo_value: the first µs of the constant, hi_value: its last µs.
  if (op == "=") {
    r->min_us = std::max(r->min_us, lo_value);
    r->max_us = std::min(r->max_us, hi_value);
  } else if (op == ">=") {
    r->min_us = std::max(r->min_us, lo_value);
  } else if (op == ">") {
    r->min_us = std::max(r->min_us, hi_value == INT64_MAX ? hi_value : hi_value + 1);
  } else if (op == "<=") {
    r->max_us = std::min(r->max_us, hi_value);
  } else if (op == "<") {
    r->max_us = std::min(r->max_us, lo_value == INT64_MIN ? lo_value : lo_value - 1);
  }
}

std::string Mirror(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

void TimeBound(const BoundExpr& f, size_t column, const SqlType& column_type,
               const TimeZone& zone, TimeRange* r) {
  if (f.kind != BoundKind::kFunction || f.children.size() != 2) return;
  std::string op = f.name;
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") return;
  const BoundExpr* lhs = f.children[0].get();
  const BoundExpr* rhs = f.children[1].get();
  if (lhs->kind == BoundKind::kConstant) {
    std::swap(lhs, rhs);
    op = Mirror(op);
  }
  if (rhs->kind != BoundKind::kConstant || rhs->value.is_null()) return;
  const Value& v = rhs->value;
  const bool date_column = column_type.id == SqlTypeId::kDate;
  if (IsColumn(*lhs, column)) {
    if (v.type().id == SqlTypeId::kTimestamp && !date_column) {
      Apply(op, v.int_value(), v.int_value(), r);
    } else if (v.type().id == SqlTypeId::kDate && date_column) {
      Apply(op, v.int_value() * kMicrosPerDay, v.int_value() * kMicrosPerDay, r);
    }
    return;
  }
  // CAST(time AS DATE) op DATE: the local day's instants.
  if (lhs->kind == BoundKind::kFunction && lhs->name == "cast" && lhs->children.size() == 1 &&
      IsColumn(*lhs->children[0], column) && !date_column &&
      lhs->type.id == SqlTypeId::kDate && v.type().id == SqlTypeId::kDate) {
    const int64_t first = zone.ToUtc(v.int_value() * kMicrosPerDay);
    const int64_t last = zone.ToUtc((v.int_value() + 1) * kMicrosPerDay) - 1;
    Apply(op, first, last, r);
    return;
  }
  // date_trunc('unit', time) >= c implies time >= c (the truncation is <= time).
  if (lhs->kind == BoundKind::kFunction && lhs->name == "date_trunc" &&
      lhs->children.size() == 2 && IsColumn(*lhs->children[1], column) && !date_column &&
      v.type().id == SqlTypeId::kTimestamp && (op == ">=" || op == ">" || op == "=")) {
    Apply(">=", v.int_value(), v.int_value(), r);
  }
}

}  // namespace

void ComputeTimeRanges(PlanNode* node, const EvalContext& ctx) {
  for (auto& child : node->children) ComputeTimeRanges(child.get(), ctx);
  if (node->kind != PlanKind::kScan || node->time_column.empty() || node->system_table) return;
  const int field = node->table_schema.Find(node->time_column);
  if (field < 0) return;
  auto it = std::find(node->scan_columns.begin(), node->scan_columns.end(),
                      static_cast<size_t>(field));
  if (it == node->scan_columns.end()) return;
  const size_t column = static_cast<size_t>(it - node->scan_columns.begin());
  const TimeZone& zone = ctx.zone != nullptr ? *ctx.zone : TimeZone::Utc();
  for (const auto& f : node->filters) {
    TimeBound(*f, column, node->types[column], zone, &node->time_range);
  }
}

}  // namespace binder_internal

namespace {

const char* KindName(PlanKind k) {
  switch (k) {
    case PlanKind::kScan: return "Scan";
    case PlanKind::kValues: return "Values";
    case PlanKind::kFilter: return "Filter";
    case PlanKind::kProject: return "Project";
    case PlanKind::kAggregate: return "Aggregate";
    case PlanKind::kJoin: return "Join";
    case PlanKind::kWindow: return "Window";
    case PlanKind::kSort: return "Sort";
    case PlanKind::kLimit: return "Limit";
    case PlanKind::kUnion: return "UnionAll";
  }
  return "?";
}

std::string List(const std::vector<BoundExprPtr>& exprs) {
  std::string out;
  for (const auto& e : exprs) out += (out.empty() ? "" : ", ") + e->ToString();
  return out;
}

}  // namespace

std::string PlanNode::ToString(int indent) const {
  std::string out(static_cast<size_t>(indent) * 2, ' ');
  out += KindName(kind);
  switch (kind) {
    case PlanKind::kScan: {
      out += " " + table + " [";
      for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
      out += "]";
      if (!filters.empty()) out += " filters: " + List(filters);
      if (time_range.min_us != INT64_MIN || time_range.max_us != INT64_MAX) {
        out += " time: " + std::to_string(time_range.min_us) + ".." +
               std::to_string(time_range.max_us);
      }
      break;
    }
    case PlanKind::kFilter: out += " " + predicate->ToString(); break;
    case PlanKind::kProject: out += " " + List(exprs); break;
    case PlanKind::kAggregate: {
      out += " groups: " + List(groups) + " aggregates: ";
      for (size_t i = 0; i < aggregates.size(); ++i) out += (i ? ", " : "") + aggregates[i].name;
      break;
    }
    case PlanKind::kJoin: {
      out += join == JoinKind::kLeft ? " left" : join == JoinKind::kInner ? " inner" : " cross";
      if (build_left) out += " (build left)";
      for (size_t i = 0; i < left_keys.size(); ++i) {
        out += " " + left_keys[i]->ToString() + "=" + right_keys[i]->ToString();
      }
      if (predicate) out += " and " + predicate->ToString();
      break;
    }
    case PlanKind::kSort: {
      out += " by";
      for (const auto& k : order) out += " " + k.expr->ToString() + (k.descending ? " desc" : "");
      if (limit) out += " top " + std::to_string(*limit + offset);
      break;
    }
    case PlanKind::kLimit:
      out += " " + (limit ? std::to_string(*limit) : std::string("all")) + " offset " +
             std::to_string(offset);
      break;
    case PlanKind::kWindow: out += " " + std::to_string(windows.size()) + " functions"; break;
    default: break;
  }
  out += "\n";
  for (const auto& c : children) out += c->ToString(indent + 1);
  return out;
}

}  // namespace tp::storage::sql
