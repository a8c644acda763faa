// Internal to the SQL function library and the evaluator: value comparison
// with DuckDB's rules, loop helpers for typed kernels, and the binding
// tables each functions_*.cpp file contributes. Not for use outside
// storage/sql.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/expression.h"
#include "storage/sql/value.h"
#include "storage/sql/vector.h"
#include "stream/status.h"

namespace tp::storage::sql::internal {

// --- comparison -------------------------------------------------------------
// DuckDB orders NaN after every other double and equal to itself; strings
// compare byte-wise (as unsigned bytes); intervals compare normalized, a
// month being 30 days and a day 24 hours.

inline __int128 IntervalKey(const Interval& iv) {
  return (static_cast<__int128>(iv.months) * 30 + iv.days) * (__int128{86400} * 1000000) +
         iv.micros;
}

template <typename T>
inline bool SqlEq(const T& a, const T& b) {
  return a == b;
}
inline bool SqlEq(double a, double b) { return a == b || (a != a && b != b); }
inline bool SqlEq(const Interval& a, const Interval& b) { return IntervalKey(a) == IntervalKey(b); }

template <typename T>
inline bool SqlLt(const T& a, const T& b) {
  return a < b;
}
inline bool SqlLt(double a, double b) { return a < b || (a == a && b != b); }
inline bool SqlLt(const Interval& a, const Interval& b) { return IntervalKey(a) < IntervalKey(b); }

struct OpEq {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return SqlEq(a, b);
  }
};
struct OpNe {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return !SqlEq(a, b);
  }
};
struct OpLt {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return SqlLt(a, b);
  }
};
struct OpLe {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return !SqlLt(b, a);
  }
};
struct OpGt {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return SqlLt(b, a);
  }
};
struct OpGe {
  template <typename T>
  static bool Apply(const T& a, const T& b) {
    return !SqlLt(a, b);
  }
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
// "=", "<>" (or "!="), "<", "<=", ">", ">=" to an op; false for other names.
bool ParseCompareOp(const std::string& name, CompareOp* op);
// a OP b == b FLIPPED(OP) a.
CompareOp FlipCompareOp(CompareOp op);

// Calls f.template operator()<Op>() for the comparison `op`.
template <typename F>
auto DispatchCompare(CompareOp op, F&& f) {
  switch (op) {
    case CompareOp::kEq:
      return f.template operator()<OpEq>();
    case CompareOp::kNe:
      return f.template operator()<OpNe>();
    case CompareOp::kLt:
      return f.template operator()<OpLt>();
    case CompareOp::kLe:
      return f.template operator()<OpLe>();
    case CompareOp::kGt:
      return f.template operator()<OpGt>();
    case CompareOp::kGe:
      break;
  }
  return f.template operator()<OpGe>();
}

// Calls f.template operator()<T>() with T the physical type of `id`
// (uint8_t for NULL and BOOLEAN).
template <typename F>
auto DispatchPhysical(SqlTypeId id, F&& f) {
  switch (id) {
    case SqlTypeId::kNull:
    case SqlTypeId::kBool:
      return f.template operator()<uint8_t>();
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate:
      return f.template operator()<int32_t>();
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
      return f.template operator()<int64_t>();
    case SqlTypeId::kFloat64:
      return f.template operator()<double>();
    case SqlTypeId::kString:
      return f.template operator()<std::string_view>();
    case SqlTypeId::kInterval:
      break;
  }
  return f.template operator()<Interval>();
}

// --- kernel helpers -----------------------------------------------------------

// out row i is NULL when any argument's row i is NULL (out all valid
// otherwise). Returns whether any row is NULL.
bool PropagateNulls(const Vector* const* args, size_t nargs, size_t count, Vector* out);
// Writes the zero value into every NULL row of `out` (the Vector invariant).
void ZeroNullRows(Vector* out);
// True when row i of v is valid.
inline bool Valid(const Vector& v, size_t i) { return !v.IsNull(i); }

// Applies r[i] = f(a[i]) over every row and makes NULL inputs NULL outputs.
template <typename A, typename R, typename F>
void UnaryMap(const Vector& a, size_t n, Vector* out, F f) {
  const A* x = a.data<A>();
  R* r = out->data<R>();
  for (size_t i = 0; i < n; ++i) r[i] = f(x[i]);
  const Vector* args[] = {&a};
  if (PropagateNulls(args, 1, n, out)) ZeroNullRows(out);
}

template <typename A, typename B, typename R, typename F>
void BinaryMap(const Vector& a, const Vector& b, size_t n, Vector* out, F f) {
  const A* x = a.data<A>();
  const B* y = b.data<B>();
  R* r = out->data<R>();
  for (size_t i = 0; i < n; ++i) r[i] = f(x[i], y[i]);
  const Vector* args[] = {&a, &b};
  if (PropagateNulls(args, 2, n, out)) ZeroNullRows(out);
}

// As UnaryMap/BinaryMap for a fallible f(x..., R* r) -> bool (false: the
// value cannot be computed). Rows that are NULL do not fail. Returns the
// index of the first valid row that failed, or n.
template <typename A, typename R, typename F>
size_t UnaryTry(const Vector& a, size_t n, Vector* out, F f) {
  const A* x = a.data<A>();
  R* r = out->data<R>();
  bool ok = true;
  for (size_t i = 0; i < n; ++i) ok &= f(x[i], &r[i]);
  const Vector* args[] = {&a};
  const bool nulls = PropagateNulls(args, 1, n, out);
  if (!ok) {
    for (size_t i = 0; i < n; ++i) {
      R tmp{};
      if (!out->IsNull(i) && !f(x[i], &tmp)) return i;
    }
  }
  if (nulls) ZeroNullRows(out);
  return n;
}

template <typename A, typename B, typename R, typename F>
size_t BinaryTry(const Vector& a, const Vector& b, size_t n, Vector* out, F f) {
  const A* x = a.data<A>();
  const B* y = b.data<B>();
  R* r = out->data<R>();
  bool ok = true;
  for (size_t i = 0; i < n; ++i) ok &= f(x[i], y[i], &r[i]);
  const Vector* args[] = {&a, &b};
  const bool nulls = PropagateNulls(args, 2, n, out);
  if (!ok) {
    for (size_t i = 0; i < n; ++i) {
      R tmp{};
      if (!out->IsNull(i) && !f(x[i], y[i], &tmp)) return i;
    }
  }
  if (nulls) ZeroNullRows(out);
  return n;
}

// --- binding tables -------------------------------------------------------------

// What a function's binder gets: the bound arguments (it may wrap them in
// casts) and where the call is, for messages.
struct BindInput {
  const std::string& name;
  std::vector<BoundExprPtr>& args;
  size_t position;
};

// A binder returns the bound call, or an error; nullptr with OK status
// means "no overload matches these argument types" and the caller reports
// it with `signature`.
using FunctionBinder = Status (*)(BindInput& in, BoundExprPtr* out);

struct FunctionEntry {
  const char* name;
  FunctionBinder bind;
  const char* signature;  // what it takes, e.g. "(VARCHAR)" or "(VARCHAR, BIGINT[, BIGINT])"
};

// The entries of each file of the library.
const std::vector<FunctionEntry>& ArithmeticFunctions();  // functions_arith.cpp
const std::vector<FunctionEntry>& CompareFunctions();     // functions_compare.cpp
const std::vector<FunctionEntry>& StringFunctions();      // functions_string.cpp
const std::vector<FunctionEntry>& TimeFunctions();        // functions_time.cpp

bool IsIntegral(SqlTypeId id);
// The DECIMAL a BOOLEAN, INTEGER or BIGINT widens to (DECIMAL(1|10|19,0)).
SqlType AsDecimal(const SqlType& t);
// "INTEGER, VARCHAR" for messages.
std::string TypeList(const std::vector<BoundExprPtr>& args);
// Casts args[from..] to `type`; false with *error on failure.
bool CastAll(std::vector<BoundExprPtr>* args, size_t from, const SqlType& type, Status* error);
// The common type of args[from..] (CommonType over them; string literals
// take the others' type).
Result<SqlType> CommonTypeOf(const std::vector<BoundExprPtr>& args, size_t from);

// A kFunction node over `args`.
BoundExprPtr MakeCall(const std::string& name, SqlType type, std::vector<BoundExprPtr> args,
                      ScalarKernel kernel, size_t position);
// `e` cast to `type` (itself when it already has that type). Only for casts
// that exist; errors as BindCast.
Result<BoundExprPtr> CastTo(BoundExprPtr e, const SqlType& type);
// Whether a value of `from` may be cast implicitly to `to` (DuckDB's
// implicit cast rules: numeric widening, NULL to anything, a string literal
// to anything).
bool ImplicitlyCastable(const BoundExpr& from, const SqlType& to);
// " (position N)" with N = position + 1.
std::string PositionSuffix(size_t position);
// Appends PositionSuffix to an error that has none yet.
Status WithPosition(const Status& s, size_t position);

// Checked int64 arithmetic.
inline bool AddOverflow(int64_t a, int64_t b, int64_t* r) {
  return __builtin_add_overflow(a, b, r);
}
inline bool SubOverflow(int64_t a, int64_t b, int64_t* r) {
  return __builtin_sub_overflow(a, b, r);
}
inline bool MulOverflow(int64_t a, int64_t b, int64_t* r) {
  return __builtin_mul_overflow(a, b, r);
}

// --- calendar (functions_time.cpp) ---------------------------------------------

inline constexpr int64_t kSecUs = 1000000;
inline constexpr int64_t kMinUs = 60 * kSecUs;
inline constexpr int64_t kHourUs = 60 * kMinUs;
inline constexpr int64_t kDayUs = 24 * kHourUs;

// The broken-down local time of an instant (or of a local midnight).
struct Civil {
  int64_t year;
  unsigned month, day;
  int64_t days;    // days since the epoch (local)
  int64_t tod_us;  // microseconds into the local day
};
Civil FromLocal(int64_t local_us);
int DaysInMonth(int64_t year, unsigned month);
// Monday 1 .. Sunday 7.
int IsoDow(int64_t days);
// ISO-8601 week-numbering year and week of a day.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week);
// A bare NULL argument i becomes a NULL TIMESTAMP (so date_trunc(part,
// NULL) binds and is NULL, as in DuckDB).
void NullAsTimestamp(BindInput& in, size_t i);
// The text of a non-NULL VARCHAR constant, or false.
bool ConstantText(const BoundExpr& e, std::string* out);
// strftime(TIMESTAMP|DATE, VARCHAR) (functions_strftime.cpp).
Status BindStrftime(BindInput& in, BoundExprPtr* out);

// Casting between calendar and instant in the store zone (cast.cpp).
int32_t TimestampToDate(const EvalContext& ctx, int64_t utc_us);
int64_t DateToTimestamp(const EvalContext& ctx, int32_t days);
// Parses VARCHAR to TIMESTAMP: ISO form; without an offset the time is
// local to the store's zone.
Result<int64_t> ParseTimestamp(const EvalContext& ctx, std::string_view text);
// Parses '3 days', '1 hour 30 minutes', '2 months', '01:30:00', ... .
Result<Interval> ParseInterval(std::string_view text);

}  // namespace tp::storage::sql::internal
