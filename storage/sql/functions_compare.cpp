// Comparisons (= <> < <= > >=), IN, coalesce, nullif, greatest, least.
//
// Both sides are brought to their common type first (CommonType); a
// VARCHAR compared with another type is cast to that type (DuckDB does the
// same: `d > '2026-01-01'` compares dates). A comparison with NULL is NULL.
// `x IN (list)` is TRUE on a match, else NULL when x or an element is NULL,
// else FALSE; a constant list is looked up in a hash set.
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"

namespace tp::storage::sql::internal {

namespace {

const SqlType kBoolType = SqlType::Of(SqlTypeId::kBool);

template <typename T, typename Op>
ScalarKernel CompareKernel() {
  return [](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    BinaryMap<T, T, uint8_t>(*a[0], *a[1], n, out, [](const T& x, const T& y) {
      return static_cast<uint8_t>(Op::Apply(x, y));
    });
    return Status::OK();
  };
}

// Whether the numeric constant `c` converts exactly to the integer or
// DECIMAL type `to`: then a column of type `to` compared with it needs no
// cast (DuckDB does the same with literals), and the WHERE filter compares
// the bare column.
bool ConstantFits(const BoundExpr& c, const SqlType& to) {
  if (c.kind != BoundKind::kConstant || c.value.is_null()) return false;
  const SqlTypeId f = c.type.id;
  if (!(IsIntegral(f) || f == SqlTypeId::kDecimal)) return false;
  if (!(IsIntegral(to.id) || to.id == SqlTypeId::kDecimal)) return false;
  int64_t v = c.value.int_value();
  const int fs = f == SqlTypeId::kDecimal ? c.type.scale : 0;
  const int ts = to.id == SqlTypeId::kDecimal ? to.scale : 0;
  if (fs > ts) {
    const int64_t d = PowerOf10(fs - ts);
    if (v % d != 0) return false;
    v /= d;
  } else if (MulOverflow(v, PowerOf10(ts - fs), &v)) {
    return false;
  }
  if (to.id == SqlTypeId::kInt32) return v >= INT32_MIN && v <= INT32_MAX;
  if (to.id == SqlTypeId::kDecimal && to.precision <= 18) {
    return v < PowerOf10(to.precision) && v > -PowerOf10(to.precision);
  }
  return true;
}

// The type two compared expressions meet at.
Result<SqlType> CompareType(const BoundExpr& a, const BoundExpr& b) {
  const SqlTypeId ia = a.type.id, ib = b.type.id;
  if (b.kind == BoundKind::kConstant && a.kind != BoundKind::kConstant && ConstantFits(b, a.type)) {
    return a.type;
  }
  if (a.kind == BoundKind::kConstant && b.kind != BoundKind::kConstant && ConstantFits(a, b.type)) {
    return b.type;
  }
  if (ia == SqlTypeId::kNull && ib == SqlTypeId::kNull) return SqlType::Of(SqlTypeId::kBool);
  if (ia == SqlTypeId::kString && ib != SqlTypeId::kString && ib != SqlTypeId::kNull) {
    return b.type;
  }
  if (ib == SqlTypeId::kString && ia != SqlTypeId::kString && ia != SqlTypeId::kNull) {
    return a.type;
  }
  auto t = CommonType(a.type, b.type);
  if (!t.ok()) {
    return Status::InvalidArgument("Cannot compare values of type " + a.type.ToString() + " and " +
                                   b.type.ToString() + " - an explicit cast is required");
  }
  return t;
}

Status BindCompare(BindInput& in, BoundExprPtr* out) {
  CompareOp op;
  if (in.args.size() != 2 || !ParseCompareOp(in.name == "==" ? "=" : in.name, &op)) {
    return Status::OK();
  }
  auto t = CompareType(*in.args[0], *in.args[1]);
  if (!t.ok()) return t.status();
  Status error;
  if (!CastAll(&in.args, 0, *t, &error)) return error;
  ScalarKernel k = DispatchPhysical(t->id, [&]<typename T>() {
    return DispatchCompare(op, [&]<typename Op>() { return CompareKernel<T, Op>(); });
  });
  *out =
      MakeCall(in.name == "==" || in.name == "!=" ? (op == CompareOp::kEq ? "=" : "<>") : in.name,
               kBoolType, std::move(in.args), std::move(k), in.position);
  return Status::OK();
}

// The value of a constant as the physical T of a vector of its type.
template <typename T>
T PhysicalOf(const Value& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return v.string_value();
  } else if constexpr (std::is_same_v<T, Interval>) {
    return v.interval_value();
  } else if constexpr (std::is_same_v<T, double>) {
    return v.float_value();
  } else {
    return static_cast<T>(v.int_value());
  }
}

// Hash and equality with SQL's rules (SqlEq) for the IN set.
template <typename T>
struct SqlHash {
  size_t operator()(const T& v) const noexcept {
    if constexpr (std::is_same_v<T, Interval>) {
      const __int128 k = IntervalKey(v);
      return std::hash<uint64_t>{}(static_cast<uint64_t>(k) ^
                                   (static_cast<uint64_t>(k >> 64) * 0x9E3779B97F4A7C15ULL));
    } else {
      return std::hash<T>{}(v);
    }
  }
};
template <typename T>
struct SqlEqual {
  bool operator()(const T& a, const T& b) const noexcept { return SqlEq(a, b); }
};

// IN over a constant list: a hash set (a short list is scanned).
template <typename T>
ScalarKernel InConstantKernel(const std::vector<BoundExprPtr>& list) {
  struct Set {
    std::vector<std::string> strings;  // owns the bytes of string elements
    std::vector<T> values;
    std::unordered_set<T, SqlHash<T>, SqlEqual<T>> hashed;
    bool has_null = false;
  };
  auto set = std::make_shared<Set>();
  set->strings.reserve(list.size());
  for (const auto& e : list) {
    if (e->value.is_null()) {
      set->has_null = true;
      continue;
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      set->strings.push_back(e->value.string_value());
      set->values.push_back(set->strings.back());
    } else {
      set->values.push_back(PhysicalOf<T>(e->value));
    }
  }
  if (set->values.size() > 8) set->hashed.insert(set->values.begin(), set->values.end());
  return [set](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    const T* x = a[0]->data<T>();
    uint8_t* r = out->data<uint8_t>();
    if (!set->hashed.empty()) {
      for (size_t i = 0; i < n; ++i) r[i] = set->hashed.count(x[i]) != 0;
    } else {
      for (size_t i = 0; i < n; ++i) {
        bool hit = false;
        for (const T& v : set->values) hit |= SqlEq(x[i], v);
        r[i] = hit;
      }
    }
    PropagateNulls(a, 1, n, out);
    if (set->has_null) {
      uint8_t* valid = out->MutableValidity();
      for (size_t i = 0; i < n; ++i) valid[i] &= r[i];
    }
    ZeroNullRows(out);
    return Status::OK();
  };
}

template <typename T>
ScalarKernel InKernel(size_t list_size) {
  return [list_size](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    const T* x = a[0]->data<T>();
    uint8_t* r = out->data<uint8_t>();
    uint8_t* valid = out->MutableValidity();
    for (size_t i = 0; i < n; ++i) {
      const bool operand_null = a[0]->IsNull(i);
      bool hit = false, list_null = false;
      for (size_t k = 1; k <= list_size && !operand_null; ++k) {
        if (a[k]->IsNull(i)) {
          list_null = true;
        } else {
          hit |= SqlEq(x[i], a[k]->data<T>()[i]);
        }
      }
      // TRUE on a match; NULL for a NULL operand, or no match and a NULL
      // in the list; else FALSE.
      r[i] = hit;
      valid[i] = !operand_null && (hit || !list_null);
    }
    ZeroNullRows(out);
    return Status::OK();
  };
}

Status BindIn(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() < 2) return Status::OK();
  // The list meets the operand's type; string literals take it, and so do
  // numeric constants that fit it exactly.
  Result<SqlType> t = SqlType{};
  bool fit = in.args[0]->kind != BoundKind::kConstant;
  for (size_t i = 1; i < in.args.size() && fit; ++i) {
    const BoundExpr& e = *in.args[i];
    fit = e.type == in.args[0]->type || e.type.id == SqlTypeId::kNull ||
          (e.kind == BoundKind::kConstant && e.type.id == SqlTypeId::kString) ||
          ConstantFits(e, in.args[0]->type);
  }
  t = fit ? Result<SqlType>(in.args[0]->type) : CommonTypeOf(in.args, 0);
  if (!t.ok()) return t.status();
  SqlType type = t->id == SqlTypeId::kNull ? SqlType::Of(SqlTypeId::kInt32) : *t;
  Status error;
  if (!CastAll(&in.args, 0, type, &error)) return error;
  bool constant = true;
  for (size_t i = 1; i < in.args.size(); ++i) {
    constant &= in.args[i]->kind == BoundKind::kConstant;
  }
  ScalarKernel k = DispatchPhysical(type.id, [&]<typename T>() {
    if (constant) {
      std::vector<BoundExprPtr> list;
      for (size_t i = 1; i < in.args.size(); ++i) list.push_back(in.args[i]->Copy());
      return InConstantKernel<T>(list);
    }
    return InKernel<T>(in.args.size() - 1);
  });
  *out = MakeCall("in", kBoolType, std::move(in.args), std::move(k), in.position);
  return Status::OK();
}

// coalesce: the first non-NULL argument per row.
template <typename T>
ScalarKernel CoalesceKernelN(size_t k) {
  return [k](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    T* r = out->data<T>();
    bool any_null = false;
    for (size_t i = 0; i < n; ++i) {
      size_t j = 0;
      while (j < k && a[j]->IsNull(i)) ++j;
      if (j < k) {
        r[i] = a[j]->data<T>()[i];
      } else {
        r[i] = T{};
        any_null = true;
      }
    }
    if (any_null) {
      uint8_t* valid = out->MutableValidity();
      for (size_t i = 0; i < n; ++i) {
        bool v = false;
        for (size_t j = 0; j < k && !v; ++j) v = !a[j]->IsNull(i);
        valid[i] = v;
      }
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      for (size_t j = 0; j < k; ++j) out->ShareStringsOf(*a[j]);
    }
    return Status::OK();
  };
}

Status BindCoalesce(BindInput& in, BoundExprPtr* out) {
  if (in.args.empty()) return Status::OK();
  auto t = CommonTypeOf(in.args, 0);
  if (!t.ok()) return t.status();
  Status error;
  if (!CastAll(&in.args, 0, *t, &error)) return error;
  const size_t k = in.args.size();
  ScalarKernel kernel =
      DispatchPhysical(t->id, [&]<typename T>() { return CoalesceKernelN<T>(k); });
  *out = MakeCall("coalesce", *t, std::move(in.args), std::move(kernel), in.position);
  return Status::OK();
}

// nullif(a, b): NULL where a = b, else a.
template <typename T>
ScalarKernel NullIfKernel() {
  return [](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    const T* x = a[0]->data<T>();
    const T* y = a[1]->data<T>();
    T* r = out->data<T>();
    for (size_t i = 0; i < n; ++i) r[i] = x[i];
    const Vector* first[] = {a[0]};
    PropagateNulls(first, 1, n, out);
    for (size_t i = 0; i < n; ++i) {
      if (!a[0]->IsNull(i) && !a[1]->IsNull(i) && SqlEq(x[i], y[i])) out->SetNull(i);
    }
    ZeroNullRows(out);
    if constexpr (std::is_same_v<T, std::string_view>) out->ShareStringsOf(*a[0]);
    return Status::OK();
  };
}

Status BindNullIf(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 2) return Status::OK();
  auto t = CompareType(*in.args[0], *in.args[1]);
  if (!t.ok()) return t.status();
  Status error;
  if (!CastAll(&in.args, 0, *t, &error)) return error;
  ScalarKernel kernel = DispatchPhysical(t->id, [&]<typename T>() { return NullIfKernel<T>(); });
  *out = MakeCall("nullif", *t, std::move(in.args), std::move(kernel), in.position);
  return Status::OK();
}

// greatest / least: NULL arguments are skipped (DuckDB); NULL if all are.
template <typename T, bool kGreatest>
ScalarKernel ExtremeKernel(size_t k) {
  return [k](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    T* r = out->data<T>();
    bool any_null = false;
    for (size_t i = 0; i < n; ++i) {
      bool found = false;
      T best{};
      for (size_t j = 0; j < k; ++j) {
        if (a[j]->IsNull(i)) continue;
        const T& v = a[j]->data<T>()[i];
        if (!found || (kGreatest ? SqlLt(best, v) : SqlLt(v, best))) best = v;
        found = true;
      }
      r[i] = best;
      if (!found) any_null = true;
    }
    if (any_null) {
      uint8_t* valid = out->MutableValidity();
      for (size_t i = 0; i < n; ++i) {
        bool v = false;
        for (size_t j = 0; j < k && !v; ++j) v = !a[j]->IsNull(i);
        valid[i] = v;
      }
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      for (size_t j = 0; j < k; ++j) out->ShareStringsOf(*a[j]);
    }
    return Status::OK();
  };
}

Status BindExtreme(BindInput& in, BoundExprPtr* out) {
  if (in.args.empty()) return Status::OK();
  auto t = CommonTypeOf(in.args, 0);
  if (!t.ok()) return t.status();
  Status error;
  if (!CastAll(&in.args, 0, *t, &error)) return error;
  const size_t k = in.args.size();
  const bool greatest = in.name == "greatest";
  ScalarKernel kernel = DispatchPhysical(t->id, [&]<typename T>() {
    return greatest ? ExtremeKernel<T, true>(k) : ExtremeKernel<T, false>(k);
  });
  *out = MakeCall(in.name, *t, std::move(in.args), std::move(kernel), in.position);
  return Status::OK();
}

}  // namespace

const std::vector<FunctionEntry>& CompareFunctions() {
  static const std::vector<FunctionEntry> entries = {
      {"=", BindCompare, "(any, any) of comparable types"},
      {"==", BindCompare, "(any, any) of comparable types"},
      {"<>", BindCompare, "(any, any) of comparable types"},
      {"!=", BindCompare, "(any, any) of comparable types"},
      {"<", BindCompare, "(any, any) of comparable types"},
      {"<=", BindCompare, "(any, any) of comparable types"},
      {">", BindCompare, "(any, any) of comparable types"},
      {">=", BindCompare, "(any, any) of comparable types"},
      {"in", BindIn, "(any, list of the same type)"},
      {"coalesce", BindCoalesce, "(any, ...) of one type"},
      {"nullif", BindNullIf, "(any, any) of comparable types"},
      {"greatest", BindExtreme, "(any, ...) of one type"},
      {"least", BindExtreme, "(any, ...) of one type"},
  };
  return entries;
}

}  // namespace tp::storage::sql::internal
