// Arithmetic: + - * / // % and unary -, abs, round, floor, ceil and a few
// DOUBLE functions, with DuckDB's result types:
//
//   INTEGER op INTEGER -> INTEGER, with BIGINT -> BIGINT (overflow is an
//   error); any DOUBLE -> DOUBLE; otherwise DECIMAL: + - keep the larger
//   scale and add one integer digit, * adds precisions and scales, capped at
//   18 digits when both inputs fit 18 (DuckDB keeps those in 64 bits) and
//   at 38 otherwise; results that leave the precision are an "Overflow".
//   `/` always gives DOUBLE with IEEE semantics (x / 0 is inf or nan, as
//   DuckDB's default ieee_floating_point_ops); `//` and `%` on integers
//   truncate toward zero and give NULL for a zero divisor; `//` on anything
//   else is DOUBLE division (NULL for zero); `%` on DOUBLE is fmod.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"

namespace tp::storage::sql::internal {

namespace {

const SqlType kDouble = SqlType::Of(SqlTypeId::kFloat64);

bool NumericOrNull(const BoundExpr& e) {
  return e.type.IsNumeric() || e.type.id == SqlTypeId::kNull;
}

// The numeric type a NULL or string literal argument takes next to `other`.
SqlType Resolve(const BoundExpr& e, const SqlType& other) {
  if (e.type.id == SqlTypeId::kNull ||
      (e.type.id == SqlTypeId::kString && e.kind == BoundKind::kConstant)) {
    return other.id == SqlTypeId::kNull ? SqlType::Of(SqlTypeId::kInt32) : other;
  }
  return e.type;
}

std::string Pair(const Vector& a, const Vector& b, size_t i, const char* sym) {
  return "(" + a.GetValue(i).ToString() + " " + sym + " " + b.GetValue(i).ToString() + ")";
}

struct AddOp {
  template <typename T>
  static bool Apply(T a, T b, T* r) {
    return !__builtin_add_overflow(a, b, r);
  }
};
struct SubOp {
  template <typename T>
  static bool Apply(T a, T b, T* r) {
    return !__builtin_sub_overflow(a, b, r);
  }
};
struct MulOp {
  template <typename T>
  static bool Apply(T a, T b, T* r) {
    return !__builtin_mul_overflow(a, b, r);
  }
};

template <typename T, typename Op>
ScalarKernel IntKernel(SqlType type, std::string what, const char* sym) {
  return [type, what, sym](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    const size_t bad =
        BinaryTry<T, T, T>(*a[0], *a[1], n, out, [](T x, T y, T* r) { return Op::Apply(x, y, r); });
    if (bad < n) {
      return Status::InvalidArgument("Overflow in " + what + " of " + type.ToString() + " " +
                                     Pair(*a[0], *a[1], bad, sym));
    }
    return Status::OK();
  };
}

// Integer // and %: NULL for a zero divisor.
template <typename T, bool kMod>
ScalarKernel IntDivKernel(SqlType type) {
  return [type](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    (void)type;  // only // can overflow and names it; clang's -Wunused-lambda-capture for %
    const T* x = a[0]->data<T>();
    const T* y = a[1]->data<T>();
    T* r = out->data<T>();
    bool zero = false;
    for (size_t i = 0; i < n; ++i) {
      if (y[i] == 0) {
        zero = true;
        r[i] = 0;
      } else if (y[i] == -1) {
        if constexpr (kMod) {
          r[i] = 0;
        } else {
          if (x[i] == std::numeric_limits<T>::min() && !a[0]->IsNull(i) && !a[1]->IsNull(i)) {
            return Status::InvalidArgument("Overflow in division of " + type.ToString() + " " +
                                           Pair(*a[0], *a[1], i, "//"));
          }
          r[i] = static_cast<T>(0 - x[i]);
        }
      } else {
        r[i] = kMod ? static_cast<T>(x[i] % y[i]) : static_cast<T>(x[i] / y[i]);
      }
    }
    const bool nulls = PropagateNulls(a, 2, n, out);
    if (zero) {
      uint8_t* v = out->MutableValidity();
      for (size_t i = 0; i < n; ++i) {
        if (y[i] == 0) v[i] = 0;
      }
    }
    if (nulls) ZeroNullRows(out);
    return Status::OK();
  };
}

// DECIMAL a*ma op b*mb at the result's scale (ma, mb rescale the inputs).
ScalarKernel DecimalKernel(char op, SqlType type, int64_t ma, int64_t mb) {
  const char* what = op == '+' ? "addition" : op == '-' ? "subtraction" : "multiplication";
  const char sym[2] = {op, 0};
  std::string s(sym);
  return [op, type, ma, mb, what, s](const EvalContext&, const Vector* const* a, size_t n,
                                     Vector* out) {
    const int p = type.precision;
    auto f = [op, ma, mb, p](int64_t x, int64_t y, int64_t* r) {
      int64_t xs, ys;
      if (MulOverflow(x, ma, &xs) || MulOverflow(y, mb, &ys)) return false;
      bool overflow = op == '+'   ? AddOverflow(xs, ys, r)
                      : op == '-' ? SubOverflow(xs, ys, r)
                                  : MulOverflow(xs, ys, r);
      if (overflow) return false;
      if (p <= 18) {
        const int64_t limit = PowerOf10(p);
        return *r<limit&& * r> - limit;
      }
      return true;
    };
    const size_t bad = BinaryTry<int64_t, int64_t, int64_t>(*a[0], *a[1], n, out, f);
    if (bad < n) {
      return Status::InvalidArgument(std::string("Overflow in ") + what + " of " + type.ToString() +
                                     " " + Pair(*a[0], *a[1], bad, s.c_str()));
    }
    return Status::OK();
  };
}

// DECIMAL %: both rescaled to the result's scale; NULL for a zero divisor.
ScalarKernel DecimalModKernel(SqlType type, int64_t ma, int64_t mb) {
  return [type, ma, mb](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    const int64_t* x = a[0]->data<int64_t>();
    const int64_t* y = a[1]->data<int64_t>();
    int64_t* r = out->data<int64_t>();
    std::vector<size_t> zero;
    for (size_t i = 0; i < n; ++i) {
      int64_t xs, ys;
      if (MulOverflow(x[i], ma, &xs) || MulOverflow(y[i], mb, &ys)) {
        if (a[0]->IsNull(i) || a[1]->IsNull(i)) {
          r[i] = 0;
          continue;
        }
        return Status::InvalidArgument("Overflow in modulo of " + type.ToString() + " " +
                                       Pair(*a[0], *a[1], i, "%"));
      }
      if (ys == 0) {
        zero.push_back(i);
        r[i] = 0;
      } else {
        r[i] = ys == -1 ? 0 : xs % ys;
      }
    }
    const bool nulls = PropagateNulls(a, 2, n, out);
    for (size_t i : zero) out->SetNull(i);
    if (nulls) ZeroNullRows(out);
    return Status::OK();
  };
}

template <typename F>
ScalarKernel DoubleKernel(F f) {
  return [f](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    BinaryMap<double, double, double>(*a[0], *a[1], n, out, f);
    return Status::OK();
  };
}

// DOUBLE // : division, NULL for a zero divisor.
ScalarKernel DoubleIntDivKernel() {
  return [](const EvalContext&, const Vector* const* a, size_t n, Vector* out) {
    BinaryMap<double, double, double>(*a[0], *a[1], n, out,
                                      [](double x, double y) { return y == 0 ? 0 : x / y; });
    const double* y = a[1]->data<double>();
    for (size_t i = 0; i < n; ++i) {
      if (y[i] == 0) out->SetNull(i);
    }
    return Status::OK();
  };
}

std::vector<BoundExprPtr> Take(std::vector<BoundExprPtr>& args) { return std::move(args); }

Status CastPair(BindInput& in, const SqlType& ta, const SqlType& tb) {
  auto a = CastTo(std::move(in.args[0]), ta);
  if (!a.ok()) return a.status();
  in.args[0] = std::move(*a);
  auto b = CastTo(std::move(in.args[1]), tb);
  if (!b.ok()) return b.status();
  in.args[1] = std::move(*b);
  return Status::OK();
}

Status BindNegate(BindInput& in, BoundExprPtr* out) {
  const BoundExpr& x = *in.args[0];
  SqlType t = x.type.id == SqlTypeId::kNull ? SqlType::Of(SqlTypeId::kInt32) : x.type;
  ScalarKernel k;
  switch (t.id) {
    case SqlTypeId::kInt32:
    case SqlTypeId::kInt64: {
      auto make = [&]<typename T>() -> ScalarKernel {
        return [t](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
          const size_t bad = UnaryTry<T, T>(
              *a[0], n, o, [](T v, T* r) { return !__builtin_sub_overflow(T{0}, v, r); });
          if (bad < n) {
            return Status::InvalidArgument("Overflow in negation of " + t.ToString() + " (" +
                                           a[0]->GetValue(bad).ToString() + ")");
          }
          return Status::OK();
        };
      };
      k = t.id == SqlTypeId::kInt32 ? make.template operator()<int32_t>()
                                    : make.template operator()<int64_t>();
      break;
    }
    case SqlTypeId::kDecimal:
      k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
        UnaryMap<int64_t, int64_t>(*a[0], n, o, [](int64_t v) { return -v; });
        return Status::OK();
      };
      break;
    case SqlTypeId::kFloat64:
      k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
        UnaryMap<double, double>(*a[0], n, o, [](double v) { return -v; });
        return Status::OK();
      };
      break;
    case SqlTypeId::kInterval:
      k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
        UnaryMap<Interval, Interval>(*a[0], n, o, [](const Interval& v) {
          return Interval{-v.months, -v.days, -v.micros};
        });
        return Status::OK();
      };
      break;
    default:
      return Status::OK();
  }
  auto c = CastTo(std::move(in.args[0]), t);
  if (!c.ok()) return c.status();
  in.args[0] = std::move(*c);
  *out = MakeCall("-", t, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindArithmetic(BindInput& in, BoundExprPtr* out) {
  const std::string& name = in.name;
  if (in.args.size() == 1 && name == "-") return BindNegate(in, out);
  if (in.args.size() != 2) return Status::OK();
  const SqlType ta = Resolve(*in.args[0], in.args[1]->type);
  const SqlType tb = Resolve(*in.args[1], in.args[0]->type);
  if (!ta.IsNumeric() || !tb.IsNumeric()) return Status::OK();
  const bool dbl = ta.id == SqlTypeId::kFloat64 || tb.id == SqlTypeId::kFloat64;
  const bool dec = ta.id == SqlTypeId::kDecimal || tb.id == SqlTypeId::kDecimal;
  const bool ints = !dbl && !dec;

  if (name == "/" || (name == "//" && !ints) || (name == "%" && dbl) || (dbl && name != "%")) {
    Status s = CastPair(in, kDouble, kDouble);
    if (!s.ok()) return s;
    ScalarKernel k;
    if (name == "+") {
      k = DoubleKernel([](double x, double y) { return x + y; });
    } else if (name == "-") {
      k = DoubleKernel([](double x, double y) { return x - y; });
    } else if (name == "*") {
      k = DoubleKernel([](double x, double y) { return x * y; });
    } else if (name == "/") {
      k = DoubleKernel([](double x, double y) { return x / y; });
    } else if (name == "//") {
      k = DoubleIntDivKernel();
    } else {
      k = DoubleKernel([](double x, double y) { return std::fmod(x, y); });
    }
    *out = MakeCall(name, kDouble, Take(in.args), std::move(k), in.position);
    return Status::OK();
  }

  if (ints) {
    const SqlType t = ta.id == SqlTypeId::kInt64 || tb.id == SqlTypeId::kInt64
                          ? SqlType::Of(SqlTypeId::kInt64)
                          : SqlType::Of(SqlTypeId::kInt32);
    Status s = CastPair(in, t, t);
    if (!s.ok()) return s;
    auto make = [&]<typename T>() -> ScalarKernel {
      if (name == "+") return IntKernel<T, AddOp>(t, "addition", "+");
      if (name == "-") return IntKernel<T, SubOp>(t, "subtraction", "-");
      if (name == "*") return IntKernel<T, MulOp>(t, "multiplication", "*");
      if (name == "//") return IntDivKernel<T, false>(t);
      return IntDivKernel<T, true>(t);
    };
    ScalarKernel k = t.id == SqlTypeId::kInt32 ? make.template operator()<int32_t>()
                                               : make.template operator()<int64_t>();
    *out = MakeCall(name, t, Take(in.args), std::move(k), in.position);
    return Status::OK();
  }

  // DECIMAL
  const SqlType da = AsDecimal(ta), db = AsDecimal(tb);
  const bool narrow = da.precision <= 18 && db.precision <= 18;
  int p, s;
  int64_t ma = 1, mb = 1;
  if (name == "*") {
    s = da.scale + db.scale;
    p = da.precision + db.precision;
  } else {
    s = std::max(da.scale, db.scale);
    p = std::max(da.precision - da.scale, db.precision - db.scale) + s + (name == "%" ? 0 : 1);
    ma = PowerOf10(s - da.scale);
    mb = PowerOf10(s - db.scale);
  }
  if (s > 18) {
    return Status::InvalidArgument("the result of " + name + " on " + ta.ToString() + " and " +
                                   tb.ToString() + " needs a scale of " + std::to_string(s) +
                                   ", more than 18 digits after the point; cast to DOUBLE first");
  }
  p = std::min(p, narrow ? 18 : 38);
  p = std::max(p, s);
  const SqlType t = SqlType::Decimal(p, s);
  Status st = CastPair(in, da, db);
  if (!st.ok()) return st;
  ScalarKernel k = name == "%" ? DecimalModKernel(t, ma, mb) : DecimalKernel(name[0], t, ma, mb);
  *out = MakeCall(name, t, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// --- abs, round, floor, ceil ---------------------------------------------------

Status BindAbs(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 1 || !NumericOrNull(*in.args[0])) return Status::OK();
  SqlType t = Resolve(*in.args[0], SqlType{});
  ScalarKernel k;
  switch (t.id) {
    case SqlTypeId::kInt32:
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal: {
      auto make = [&]<typename T>() -> ScalarKernel {
        return [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
          const size_t bad = UnaryTry<T, T>(*a[0], n, o, [](T v, T* r) {
            if (v == std::numeric_limits<T>::min()) return false;
            *r = v < 0 ? -v : v;
            return true;
          });
          if (bad < n) {
            return Status::InvalidArgument("Overflow on abs(" + a[0]->GetValue(bad).ToString() +
                                           ")");
          }
          return Status::OK();
        };
      };
      k = t.id == SqlTypeId::kInt32 ? make.template operator()<int32_t>()
                                    : make.template operator()<int64_t>();
      break;
    }
    default:
      k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
        UnaryMap<double, double>(*a[0], n, o, [](double v) { return std::fabs(v); });
        return Status::OK();
      };
      break;
  }
  auto c = CastTo(std::move(in.args[0]), t);
  if (!c.ok()) return c.status();
  in.args[0] = std::move(*c);
  *out = MakeCall("abs", t, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

int64_t RoundDiv(int64_t v, int64_t divisor) {  // half away from zero
  int64_t q = v / divisor, r = v % divisor;
  if (r >= 0 ? r * 2 >= divisor : -r * 2 >= divisor) q += v < 0 ? -1 : 1;
  return q;
}

// floor or ceil of v / divisor.
int64_t FloorCeilDiv(int64_t v, int64_t divisor, bool ceil) {
  int64_t q = v / divisor;
  const int64_t r = v % divisor;
  if (r != 0 && ceil && v > 0) ++q;
  if (r != 0 && !ceil && v < 0) --q;
  return q;
}

// Rounds integers (scale 0 holding T) or DECIMAL unscaled values to a
// multiple of `unit` (10^k): result = round(v / div) * mul.
template <typename T>
ScalarKernel RoundIntKernel(int64_t div, int64_t mul, SqlType type) {
  return [div, mul, type](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const size_t bad = UnaryTry<T, T>(*a[0], n, o, [div, mul](T v, T* r) {
      return !__builtin_mul_overflow(static_cast<T>(RoundDiv(v, div)), static_cast<T>(mul), r);
    });
    if (bad < n) {
      return Status::InvalidArgument("Overflow in round of " + type.ToString() + " (" +
                                     a[0]->GetValue(bad).ToString() + ")");
    }
    return Status::OK();
  };
}

bool ConstantInt(const BoundExpr& e, int64_t* v) {
  if (e.kind != BoundKind::kConstant || !IsIntegral(e.type.id) || e.value.is_null()) return false;
  *v = e.value.int_value();
  return true;
}

Status BindRound(BindInput& in, BoundExprPtr* out) {
  if (in.args.empty() || in.args.size() > 2 || !NumericOrNull(*in.args[0])) return Status::OK();
  if (in.args.size() == 2 && !IsIntegral(in.args[1]->type.id)) return Status::OK();
  const SqlType t = Resolve(*in.args[0], SqlType{});
  int64_t digits = 0;
  const bool has_digits = in.args.size() == 2;
  const bool constant_digits = !has_digits || ConstantInt(*in.args[1], &digits);
  if (has_digits && in.args[1]->kind == BoundKind::kConstant && in.args[1]->value.is_null()) {
    *out = MakeConstant(Value::Null(t), in.position);
    return Status::OK();
  }
  digits = std::clamp<int64_t>(digits, -18, 18);
  if (t.id == SqlTypeId::kFloat64) {
    auto x = CastTo(std::move(in.args[0]), kDouble);
    if (!x.ok()) return x.status();
    in.args[0] = std::move(*x);
    if (!has_digits) {
      ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
        UnaryMap<double, double>(*a[0], n, o, [](double v) { return std::round(v); });
        return Status::OK();
      };
      *out = MakeCall("round", t, Take(in.args), std::move(k), in.position);
      return Status::OK();
    }
    auto c = CastTo(std::move(in.args[1]), SqlType::Of(SqlTypeId::kInt64));
    if (!c.ok()) return c.status();
    in.args[1] = std::move(*c);
    ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      BinaryMap<double, int64_t, double>(*a[0], *a[1], n, o, [](double v, int64_t d) {
        if (d >= 0) {
          const double m = std::pow(10.0, static_cast<double>(std::min<int64_t>(d, 308)));
          const double r = std::round(v * m) / m;
          return std::isfinite(r) ? r : v;
        }
        const double m = std::pow(10.0, static_cast<double>(std::min<int64_t>(-d, 308)));
        return std::round(v / m) * m;
      });
      return Status::OK();
    };
    *out = MakeCall("round", t, Take(in.args), std::move(k), in.position);
    return Status::OK();
  }
  if (!constant_digits) {
    return Status::InvalidArgument("round(" + t.ToString() +
                                   ", digits) needs a constant number of digits");
  }
  int64_t div = 1, mul = 1;
  SqlType rt = t;
  if (t.id == SqlTypeId::kDecimal) {
    const int s = t.scale;
    if (digits >= s) {
      // Nothing to round.
    } else if (digits >= 0) {
      div = PowerOf10(s - static_cast<int>(digits));
      rt = SqlType::Decimal(t.precision, static_cast<int>(digits));
    } else {
      div = PowerOf10(std::min<int>(18, s - static_cast<int>(digits)));
      mul = PowerOf10(static_cast<int>(-digits));
      rt = SqlType::Decimal(t.precision, 0);
    }
  } else if (digits < 0) {
    div = mul = PowerOf10(static_cast<int>(-digits));
  }
  auto c = CastTo(std::move(in.args[0]), t);
  if (!c.ok()) return c.status();
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(*c));
  if (has_digits) args.push_back(std::move(in.args[1]));
  in.args.clear();
  ScalarKernel k = t.id == SqlTypeId::kInt32 ? RoundIntKernel<int32_t>(div, mul, rt)
                                             : RoundIntKernel<int64_t>(div, mul, rt);
  *out = MakeCall("round", rt, std::move(args), std::move(k), in.position);
  return Status::OK();
}

Status BindFloorCeil(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 1 || !NumericOrNull(*in.args[0])) return Status::OK();
  const bool ceil = in.name != "floor";
  const SqlType t = Resolve(*in.args[0], SqlType{});
  if (t.id == SqlTypeId::kDecimal) {
    const int64_t div = PowerOf10(t.scale);
    const SqlType rt = SqlType::Decimal(t.precision, 0);
    ScalarKernel k = [div, ceil](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      UnaryMap<int64_t, int64_t>(*a[0], n, o,
                                 [div, ceil](int64_t v) { return FloorCeilDiv(v, div, ceil); });
      return Status::OK();
    };
    *out = MakeCall(in.name, rt, Take(in.args), std::move(k), in.position);
    return Status::OK();
  }
  // Integers become DOUBLE, as in DuckDB.
  auto c = CastTo(std::move(in.args[0]), kDouble);
  if (!c.ok()) return c.status();
  in.args[0] = std::move(*c);
  ScalarKernel k = [ceil](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    UnaryMap<double, double>(*a[0], n, o,
                             [ceil](double v) { return ceil ? std::ceil(v) : std::floor(v); });
    return Status::OK();
  };
  *out = MakeCall(in.name, kDouble, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// DOUBLE -> DOUBLE functions. F returns false for a value outside its
// domain, with *error saying why (DuckDB's messages).
template <bool (*F)(double, double*, const char**)>
Status BindUnaryDouble(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 1 || !NumericOrNull(*in.args[0])) return Status::OK();
  auto c = CastTo(std::move(in.args[0]), kDouble);
  if (!c.ok()) return c.status();
  in.args[0] = std::move(*c);
  ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const size_t bad = UnaryTry<double, double>(*a[0], n, o, [](double v, double* r) {
      const char* why;
      return F(v, r, &why);
    });
    if (bad < n) {
      const char* why = "";
      double r;
      F(a[0]->data<double>()[bad], &r, &why);
      return Status::InvalidArgument(why);
    }
    return Status::OK();
  };
  *out = MakeCall(in.name, kDouble, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

bool Sqrt(double v, double* r, const char** why) {
  *why = "cannot take square root of a negative number";
  *r = std::sqrt(v);
  return !(v < 0);
}
template <double (*Log)(double)>
bool Logarithm(double v, double* r, const char** why) {
  *why = v == 0 ? "cannot take logarithm of zero" : "cannot take logarithm of a negative number";
  *r = Log(v);
  return !(v <= 0);
}
double Ln(double v) { return std::log(v); }
double Log10(double v) { return std::log10(v); }
double Log2(double v) { return std::log2(v); }
bool Exp(double v, double* r, const char**) {
  *r = std::exp(v);
  return true;
}

Status BindPower(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 2 || !NumericOrNull(*in.args[0]) || !NumericOrNull(*in.args[1])) {
    return Status::OK();
  }
  Status s = CastPair(in, kDouble, kDouble);
  if (!s.ok()) return s;
  *out = MakeCall(in.name, kDouble, Take(in.args),
                  DoubleKernel([](double x, double y) { return std::pow(x, y); }), in.position);
  return Status::OK();
}

}  // namespace

const std::vector<FunctionEntry>& ArithmeticFunctions() {
  static const std::vector<FunctionEntry> entries = {
      {"+", BindArithmetic, "(numeric, numeric)"},
      {"-", BindArithmetic, "(numeric[, numeric])"},
      {"*", BindArithmetic, "(numeric, numeric)"},
      {"/", BindArithmetic, "(numeric, numeric)"},
      {"//", BindArithmetic, "(numeric, numeric)"},
      {"%", BindArithmetic, "(numeric, numeric)"},
      {"abs", BindAbs, "(numeric)"},
      {"round", BindRound, "(numeric[, INTEGER])"},
      {"floor", BindFloorCeil, "(numeric)"},
      {"ceil", BindFloorCeil, "(numeric)"},
      {"ceiling", BindFloorCeil, "(numeric)"},
      {"sqrt", BindUnaryDouble<Sqrt>, "(DOUBLE)"},
      {"ln", BindUnaryDouble<Logarithm<Ln>>, "(DOUBLE)"},
      {"log10", BindUnaryDouble<Logarithm<Log10>>, "(DOUBLE)"},
      {"log2", BindUnaryDouble<Logarithm<Log2>>, "(DOUBLE)"},
      {"exp", BindUnaryDouble<Exp>, "(DOUBLE)"},
      {"power", BindPower, "(DOUBLE, DOUBLE)"},
      {"pow", BindPower, "(DOUBLE, DOUBLE)"},
  };
  return entries;
}

}  // namespace tp::storage::sql::internal
