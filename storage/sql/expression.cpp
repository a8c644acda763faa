// The vectorized evaluator: bound expressions over chunks.
#include "storage/sql/expression.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "storage/sql/functions_internal.h"

namespace tp::storage::sql {

namespace {

using internal::CompareOp;

// Marks the input columns `e` reads.
void CollectColumns(const BoundExpr& e, std::vector<uint8_t>* used) {
  if (e.kind == BoundKind::kColumn && e.column < used->size()) (*used)[e.column] = 1;
  for (const auto& c : e.children) CollectColumns(*c, used);
}

// `value` in every one of `n` rows of `out` (typed `type`).
void Broadcast(const Value& value, const SqlType& type, size_t n, Vector* out) {
  out->Reset(type, n);
  if (value.is_null() || type.id == SqlTypeId::kNull) {
    out->SetAllNull();
    return;
  }
  internal::DispatchPhysical(type.id, [&]<typename T>() {
    T* d = out->data<T>();
    T v{};
    if constexpr (std::is_same_v<T, std::string_view>) {
      v = out->AddString(value.string_value());
    } else if constexpr (std::is_same_v<T, Interval>) {
      v = value.interval_value();
    } else if constexpr (std::is_same_v<T, double>) {
      v = value.type().id == SqlTypeId::kFloat64 ? value.float_value()
                                                 : static_cast<double>(value.int_value());
    } else {
      v = static_cast<T>(value.int_value());
    }
    std::fill(d, d + n, v);
  });
}

Status EvaluateOn(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input,
                  const uint32_t* sel, size_t count, Vector* out);

// Evaluates `expr` on rows sel[0..count) of `input` (all rows when sel is
// null): a sub-chunk of the columns it reads, gathered.
Status EvaluateOn(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input,
                  const uint32_t* sel, size_t count, Vector* out) {
  if (sel == nullptr) return Evaluate(ctx, expr, input, out);
  Chunk sub;
  sub.size = count;
  sub.columns.resize(input.columns.size());
  std::vector<uint8_t> used(input.columns.size(), 0);
  CollectColumns(expr, &used);
  for (size_t c = 0; c < used.size(); ++c) {
    if (used[c]) sub.columns[c].Gather(input.columns[c], sel, count);
  }
  return Evaluate(ctx, expr, sub, out);
}

// out[sel[i]] = src[i] for i in [0, count); out has src's type.
void Scatter(const Vector& src, const uint32_t* sel, size_t count, Vector* out) {
  if (src.type().id == SqlTypeId::kNull) {
    for (size_t i = 0; i < count; ++i) out->SetNull(sel[i]);
    return;
  }
  internal::DispatchPhysical(out->type().id, [&]<typename T>() {
    const T* s = src.data<T>();
    T* d = out->data<T>();
    for (size_t i = 0; i < count; ++i) d[sel[i]] = s[i];
  });
  if (!src.AllValid()) {
    for (size_t i = 0; i < count; ++i) {
      if (src.IsNull(i)) out->SetNull(sel[i]);
    }
  }
  if (out->type().id == SqlTypeId::kString) out->ShareStringsOf(src);
}

Status EvaluateFunction(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input,
                        Vector* out) {
  const size_t n = input.size;
  const size_t k = expr.children.size();
  std::vector<Vector> temps(k);
  std::vector<const Vector*> args(k);
  for (size_t i = 0; i < k; ++i) {
    const BoundExpr& c = *expr.children[i];
    if (c.kind == BoundKind::kColumn) {
      args[i] = &input.columns[c.column];
    } else {
      Status s = Evaluate(ctx, c, input, &temps[i]);
      if (!s.ok()) return s;
      args[i] = &temps[i];
    }
  }
  out->Reset(expr.type, n);
  Status s = expr.kernel(ctx, args.data(), n, out);
  if (!s.ok()) return internal::WithPosition(s, expr.position);
  return Status::OK();
}

// AND / OR with SQL's three-valued logic over fully evaluated children.
Status EvaluateConnective(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input,
                          Vector* out) {
  const size_t n = input.size;
  const bool is_and = expr.kind == BoundKind::kAnd;
  // decided: a FALSE child (AND) or a TRUE child (OR) was seen.
  std::vector<uint8_t> decided(n, 0), saw_null(n, 0);
  Vector v;
  for (const auto& child : expr.children) {
    Status s = Evaluate(ctx, *child, input, &v);
    if (!s.ok()) return s;
    const uint8_t* d = v.data<uint8_t>();
    const uint8_t* valid = v.validity();
    if (valid == nullptr) {
      for (size_t i = 0; i < n; ++i) decided[i] |= is_and ? d[i] == 0 : d[i] != 0;
    } else {
      for (size_t i = 0; i < n; ++i) {
        decided[i] |= valid[i] & (is_and ? d[i] == 0 : d[i] != 0);
        saw_null[i] |= valid[i] ^ 1;
      }
    }
  }
  out->Reset(SqlType::Of(SqlTypeId::kBool), n);
  uint8_t* r = out->data<uint8_t>();
  bool any_null = false;
  for (size_t i = 0; i < n; ++i) {
    r[i] = is_and ? !decided[i] : decided[i];
    any_null |= !decided[i] && saw_null[i];
  }
  if (any_null) {
    uint8_t* valid = out->MutableValidity();
    for (size_t i = 0; i < n; ++i) {
      const bool null = !decided[i] && saw_null[i];
      valid[i] = !null;
      if (null) r[i] = 0;
    }
  }
  return Status::OK();
}

Status EvaluateCase(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input,
                    Vector* out) {
  const size_t n = input.size;
  const size_t pairs = expr.children.size() / 2;
  const bool has_else = expr.children.size() % 2 == 1;
  std::vector<uint32_t> remaining(n), matched, rest;
  std::iota(remaining.begin(), remaining.end(), 0u);
  bool all_remaining = true;  // remaining == every row, in order
  bool out_ready = false;
  auto prepare_out = [&] {
    if (!out_ready) {
      out->Reset(expr.type, n);
      out_ready = true;
    }
  };
  auto check_type = [&](const Vector& v) {
    if (v.type().id == SqlTypeId::kNull || v.type() == expr.type) return Status::OK();
    return Status::InvalidArgument("internal error: CASE branch of type " + v.type().ToString() +
                                   " in a CASE of type " + expr.type.ToString());
  };
  Vector when, branch;
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    const uint32_t* sel = all_remaining ? nullptr : remaining.data();
    Status s = EvaluateOn(ctx, *expr.children[2 * p], input, sel, remaining.size(), &when);
    if (!s.ok()) return s;
    matched.clear();
    rest.clear();
    const uint8_t* d = when.data<uint8_t>();
    for (size_t j = 0; j < remaining.size(); ++j) {
      if (d[j] != 0 && !when.IsNull(j)) {
        matched.push_back(remaining[j]);
      } else {
        rest.push_back(remaining[j]);
      }
    }
    if (matched.empty()) continue;
    if (matched.size() == n) {  // every row takes this branch
      s = Evaluate(ctx, *expr.children[2 * p + 1], input, &branch);
      if (!s.ok()) return s;
      if (Status t = check_type(branch); !t.ok()) return t;
      if (branch.type().id == SqlTypeId::kNull) {
        out->Reset(expr.type, n);
        out->SetAllNull();
      } else {
        out->Reference(branch);
      }
      return Status::OK();
    }
    s = EvaluateOn(ctx, *expr.children[2 * p + 1], input, matched.data(), matched.size(), &branch);
    if (!s.ok()) return s;
    if (Status t = check_type(branch); !t.ok()) return t;
    prepare_out();
    Scatter(branch, matched.data(), matched.size(), out);
    remaining.swap(rest);
    all_remaining = false;
  }
  if (!remaining.empty()) {
    if (has_else) {
      const BoundExpr& e = *expr.children.back();
      if (all_remaining) {
        Status s = Evaluate(ctx, e, input, &branch);
        if (!s.ok()) return s;
        if (Status t = check_type(branch); !t.ok()) return t;
        if (branch.type().id != SqlTypeId::kNull) {
          out->Reference(branch);
          return Status::OK();
        }
        out->Reset(expr.type, n);
        out->SetAllNull();
        return Status::OK();
      }
      Status s = EvaluateOn(ctx, e, input, remaining.data(), remaining.size(), &branch);
      if (!s.ok()) return s;
      if (Status t = check_type(branch); !t.ok()) return t;
      prepare_out();
      Scatter(branch, remaining.data(), remaining.size(), out);
    } else {
      prepare_out();
      const size_t width = PhysicalWidth(expr.type.id);
      uint8_t* d = out->data<uint8_t>();
      for (uint32_t r : remaining) {
        out->SetNull(r);
        std::memset(d + size_t{r} * width, 0, width);
      }
    }
  }
  prepare_out();
  return Status::OK();
}

// --- Select -------------------------------------------------------------------

// Rows of in (sel == nullptr: 0..count) where `ok(i)` holds, to out.
template <typename F>
size_t Filter(const uint32_t* in, size_t count, uint32_t* out, F ok) {
  size_t k = 0;
  if (in == nullptr) {
    for (size_t i = 0; i < count; ++i) {
      out[k] = static_cast<uint32_t>(i);
      k += ok(i) ? 1 : 0;
    }
  } else {
    for (size_t j = 0; j < count; ++j) {
      const uint32_t i = in[j];
      out[k] = i;
      k += ok(i) ? 1 : 0;
    }
  }
  return k;
}

// column OP constant, or column OP column, without materializing anything.
// Returns false when `e` is not such a comparison.
bool TrySelectComparison(const BoundExpr& e, const Chunk& input, const uint32_t* in, size_t count,
                         uint32_t* out, size_t* out_count) {
  CompareOp op;
  if (e.kind != BoundKind::kFunction || e.children.size() != 2 ||
      !internal::ParseCompareOp(e.name, &op)) {
    return false;
  }
  const BoundExpr* l = e.children[0].get();
  const BoundExpr* r = e.children[1].get();
  if (!(l->type == r->type) || l->type.id == SqlTypeId::kNull) return false;
  if (l->kind == BoundKind::kConstant && r->kind == BoundKind::kColumn) {
    std::swap(l, r);
    op = internal::FlipCompareOp(op);
  }
  if (l->kind != BoundKind::kColumn) return false;
  if (r->kind != BoundKind::kColumn && r->kind != BoundKind::kConstant) return false;
  const Vector& a = input.columns[l->column];
  if (r->kind == BoundKind::kConstant) {
    const Value& c = r->value;
    if (c.is_null()) {
      *out_count = 0;
      return true;
    }
    return internal::DispatchPhysical(l->type.id, [&]<typename T>() {
      T cv{};
      if constexpr (std::is_same_v<T, std::string_view>) {
        cv = c.string_value();
      } else if constexpr (std::is_same_v<T, Interval>) {
        cv = c.interval_value();
      } else if constexpr (std::is_same_v<T, double>) {
        cv = c.type().id == SqlTypeId::kFloat64 ? c.float_value()
                                                : static_cast<double>(c.int_value());
      } else {
        cv = static_cast<T>(c.int_value());
      }
      const T* d = a.data<T>();
      const uint8_t* valid = a.validity();
      *out_count = internal::DispatchCompare(op, [&]<typename Op>() {
        if (valid == nullptr) {
          return Filter(in, count, out, [&](size_t i) { return Op::Apply(d[i], cv); });
        }
        return Filter(in, count, out,
                      [&](size_t i) { return valid[i] != 0 && Op::Apply(d[i], cv); });
      });
      return true;
    });
  }
  const Vector& b = input.columns[r->column];
  return internal::DispatchPhysical(l->type.id, [&]<typename T>() {
    const T* x = a.data<T>();
    const T* y = b.data<T>();
    const uint8_t* va = a.validity();
    const uint8_t* vb = b.validity();
    *out_count = internal::DispatchCompare(op, [&]<typename Op>() {
      if (va == nullptr && vb == nullptr) {
        return Filter(in, count, out, [&](size_t i) { return Op::Apply(x[i], y[i]); });
      }
      return Filter(in, count, out, [&](size_t i) {
        return (va == nullptr || va[i] != 0) && (vb == nullptr || vb[i] != 0) &&
               Op::Apply(x[i], y[i]);
      });
    });
    return true;
  });
}

// Rows of `in` (null: all `count` rows of input) where `pred` is TRUE, to
// out (which may be `in`), in order.
Status SelectOn(const EvalContext& ctx, const BoundExpr& pred, const Chunk& input,
                const uint32_t* in, size_t count, uint32_t* out, size_t* out_count) {
  switch (pred.kind) {
    case BoundKind::kAnd: {
      const uint32_t* cur = in;
      size_t n = count;
      for (const auto& child : pred.children) {
        if (n == 0) break;
        Status s = SelectOn(ctx, *child, input, cur, n, out, &n);
        if (!s.ok()) return s;
        cur = out;
      }
      if (cur == in && in != out) n = Filter(in, n, out, [](size_t) { return true; });
      *out_count = n;
      return Status::OK();
    }
    case BoundKind::kOr: {
      std::vector<uint8_t> hit(input.size, 0);
      std::vector<uint32_t> remaining(in == nullptr ? 0 : count), found(count);
      if (in == nullptr) {
        remaining.resize(count);
        std::iota(remaining.begin(), remaining.end(), 0u);
      } else {
        std::copy(in, in + count, remaining.begin());
      }
      for (const auto& child : pred.children) {
        if (remaining.empty()) break;
        size_t k = 0;
        Status s =
            SelectOn(ctx, *child, input, remaining.data(), remaining.size(), found.data(), &k);
        if (!s.ok()) return s;
        for (size_t j = 0; j < k; ++j) hit[found[j]] = 1;
        size_t m = 0;
        for (uint32_t r : remaining) {
          if (!hit[r]) remaining[m++] = r;
        }
        remaining.resize(m);
      }
      *out_count = Filter(in, count, out, [&](size_t i) { return hit[i] != 0; });
      return Status::OK();
    }
    case BoundKind::kConstant: {
      const bool t = !pred.value.is_null() && pred.value.int_value() != 0;
      *out_count = Filter(in, count, out, [&](size_t) { return t; });
      return Status::OK();
    }
    default:
      break;
  }
  if (TrySelectComparison(pred, input, in, count, out, out_count)) return Status::OK();
  Vector v;
  Status s = EvaluateOn(ctx, pred, input, in, count, &v);
  if (!s.ok()) return s;
  const uint8_t* d = v.data<uint8_t>();
  const uint8_t* valid = v.validity();
  size_t k = 0;
  for (size_t j = 0; j < count; ++j) {
    const uint32_t i = in == nullptr ? static_cast<uint32_t>(j) : in[j];
    out[k] = i;
    k += (d[j] != 0 && (valid == nullptr || valid[j] != 0)) ? 1 : 0;
  }
  *out_count = k;
  return Status::OK();
}

void PrintList(const std::vector<BoundExprPtr>& v, size_t from, std::string* out) {
  for (size_t i = from; i < v.size(); ++i) {
    if (i > from) *out += ", ";
    *out += v[i]->ToString();
  }
}

bool IsOperatorName(const std::string& n) {
  static const char* const kOps[] = {"+",   "-",    "*", "/",  "//", "%",  "||", "=",
                                     "<>",  "!=",   "<", "<=", ">",  ">=", "~~", "~~*",
                                     "!~~", "!~~*", "^", "&",  "|",  "<<", ">>"};
  for (const char* op : kOps) {
    if (n == op) return true;
  }
  return false;
}

}  // namespace

BoundExprPtr BoundExpr::Copy() const {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = type;
  e->position = position;
  e->value = value;
  e->column = column;
  e->name = name;
  e->kernel = kernel;
  e->negated = negated;
  e->children.reserve(children.size());
  for (const auto& c : children) e->children.push_back(c->Copy());
  return e;
}

std::string BoundExpr::ToString() const {
  switch (kind) {
    case BoundKind::kConstant:
      if (value.is_null()) return "NULL";
      if (value.type().id == SqlTypeId::kString) {
        std::string s = "'";
        for (char c : value.string_value()) {
          s += c;
          if (c == '\'') s += '\'';
        }
        return s + "'";
      }
      if (value.type().id == SqlTypeId::kDate) return "DATE '" + value.ToString() + "'";
      if (value.type().id == SqlTypeId::kTimestamp) {
        return "TIMESTAMPTZ '" + value.ToString() + "'";
      }
      if (value.type().id == SqlTypeId::kInterval) return "INTERVAL '" + value.ToString() + "'";
      return value.ToString();
    case BoundKind::kColumn:
      return name;
    case BoundKind::kFunction: {
      std::string s;
      if (name == "cast" && children.size() == 1) {
        return "CAST(" + children[0]->ToString() + " AS " + type.ToString() + ")";
      }
      if (name == "in" && !children.empty()) {
        s = "(" + children[0]->ToString() + " IN (";
        PrintList(children, 1, &s);
        return s + "))";
      }
      if (IsOperatorName(name) && children.size() == 2) {
        return "(" + children[0]->ToString() + " " + name + " " + children[1]->ToString() + ")";
      }
      if (IsOperatorName(name) && children.size() == 1) {
        return "(" + name + children[0]->ToString() + ")";
      }
      s = name + "(";
      PrintList(children, 0, &s);
      return s + ")";
    }
    case BoundKind::kAnd:
    case BoundKind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) s += kind == BoundKind::kAnd ? " AND " : " OR ";
        s += children[i]->ToString();
      }
      return s + ")";
    }
    case BoundKind::kNot:
      return "(NOT " + children[0]->ToString() + ")";
    case BoundKind::kIsNull:
      return "(" + children[0]->ToString() + (negated ? " IS NOT NULL)" : " IS NULL)");
    case BoundKind::kCase: {
      std::string s = "CASE";
      size_t i = 0;
      for (; i + 1 < children.size(); i += 2) {
        s += " WHEN " + children[i]->ToString() + " THEN " + children[i + 1]->ToString();
      }
      if (i < children.size()) s += " ELSE " + children[i]->ToString();
      return s + " END";
    }
  }
  return "?";
}

BoundExprPtr MakeConstant(Value v, size_t position) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kConstant;
  e->type = v.type();
  e->position = position;
  e->value = std::move(v);
  return e;
}

BoundExprPtr MakeColumn(size_t column, SqlType type, std::string name, size_t position) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kColumn;
  e->type = type;
  e->column = column;
  e->name = std::move(name);
  e->position = position;
  return e;
}

Status Evaluate(const EvalContext& ctx, const BoundExpr& expr, const Chunk& input, Vector* out) {
  const size_t n = input.size;
  switch (expr.kind) {
    case BoundKind::kConstant:
      Broadcast(expr.value, expr.type, n, out);
      return Status::OK();
    case BoundKind::kColumn:
      out->Reference(input.columns[expr.column]);
      return Status::OK();
    case BoundKind::kFunction:
      return EvaluateFunction(ctx, expr, input, out);
    case BoundKind::kAnd:
    case BoundKind::kOr:
      return EvaluateConnective(ctx, expr, input, out);
    case BoundKind::kNot: {
      Vector v;
      Status s = Evaluate(ctx, *expr.children[0], input, &v);
      if (!s.ok()) return s;
      out->Reset(SqlType::Of(SqlTypeId::kBool), n);
      const uint8_t* d = v.data<uint8_t>();
      uint8_t* r = out->data<uint8_t>();
      for (size_t i = 0; i < n; ++i) r[i] = d[i] == 0;
      if (!v.AllValid()) {
        uint8_t* valid = out->MutableValidity();
        std::memcpy(valid, v.validity(), n);
        for (size_t i = 0; i < n; ++i) r[i] &= valid[i];
      }
      return Status::OK();
    }
    case BoundKind::kIsNull: {
      Vector v;
      Status s = Evaluate(ctx, *expr.children[0], input, &v);
      if (!s.ok()) return s;
      out->Reset(SqlType::Of(SqlTypeId::kBool), n);
      uint8_t* r = out->data<uint8_t>();
      const uint8_t neg = expr.negated ? 1 : 0;
      const uint8_t* valid = v.validity();
      if (valid == nullptr) {
        std::memset(r, neg, n);
      } else {
        for (size_t i = 0; i < n; ++i) r[i] = static_cast<uint8_t>((valid[i] == 0) ^ neg);
      }
      return Status::OK();
    }
    case BoundKind::kCase:
      return EvaluateCase(ctx, expr, input, out);
  }
  return Status::InvalidArgument("internal error: unknown expression kind");
}

Status Select(const EvalContext& ctx, const BoundExpr& predicate, const Chunk& input, uint32_t* sel,
              size_t* count) {
  return SelectOn(ctx, predicate, input, nullptr, input.size, sel, count);
}

}  // namespace tp::storage::sql
