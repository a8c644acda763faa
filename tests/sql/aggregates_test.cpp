// Tests for the aggregate function library: binding (result types, casts,
// errors) and the kernels run the way the hash aggregate runs them: states
// for several groups, vectorized updates, partial states combined, then
// finalized. Results are checked by hand and against DuckDB.
#include "storage/sql/aggregates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/vector.h"
#include "tests/common/duckdb.h"

namespace tp::storage::sql {
namespace {

const SqlType kBool = SqlType::Of(SqlTypeId::kBool);
const SqlType kInt = SqlType::Of(SqlTypeId::kInt32);
const SqlType kBig = SqlType::Of(SqlTypeId::kInt64);
const SqlType kDbl = SqlType::Of(SqlTypeId::kFloat64);
const SqlType kStr = SqlType::Of(SqlTypeId::kString);
const SqlType kDate = SqlType::Of(SqlTypeId::kDate);
const SqlType kTs = SqlType::Of(SqlTypeId::kTimestamp);
const SqlType kIv = SqlType::Of(SqlTypeId::kInterval);
const SqlType kNullType = SqlType::Of(SqlTypeId::kNull);

AggregatePtr Bind(const std::string& name, const std::vector<SqlType>& types,
                  bool distinct = false) {
  std::vector<SqlType> casts;
  auto r = BindAggregate(name, types, distinct, /*star=*/false, 0, &casts);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().message();
  return r.ok() ? *r : nullptr;
}

std::string BindError(const std::string& name, const std::vector<SqlType>& types,
                      bool distinct = false, bool star = false, size_t position = 6) {
  std::vector<SqlType> casts;
  auto r = BindAggregate(name, types, distinct, star, position, &casts);
  EXPECT_FALSE(r.ok()) << name;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

// The states of `groups` groups of one aggregate, as the hash aggregate keeps
// them: fixed-size slots in one buffer.
class States {
 public:
  States(AggregatePtr fn, size_t groups) : fn_(std::move(fn)), groups_(groups) {
    align_ = std::max<size_t>(fn_->state_align, alignof(std::max_align_t));
    stride_ = (fn_->state_size + fn_->state_align - 1) / fn_->state_align * fn_->state_align;
    EXPECT_GT(stride_, 0u);
    buffer_ = static_cast<uint8_t*>(::operator new(stride_* groups_, std::align_val_t(align_)));
    for (size_t g = 0; g < groups_; ++g) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(state(g)) % fn_->state_align, 0u);
      fn_->init(state(g));
    }
  }
  States(const States&) = delete;
  ~States() {
    if (fn_->destroy != nullptr) {
      for (size_t g = 0; g < groups_; ++g) fn_->destroy(state(g));
    }
    ::operator delete(buffer_, std::align_val_t(align_));
  }

  uint8_t* state(size_t g) { return buffer_ + g * stride_; }

  // Row i of `args` goes to group group_of[i].
  Status Update(const std::vector<const Vector*>& args, const std::vector<size_t>& group_of) {
    std::vector<uint8_t*> ptrs;
    for (size_t g : group_of) ptrs.push_back(state(g));
    return fn_->update(ptrs.data(), args.data(), group_of.size());
  }
  Status Update(const Vector& arg, const std::vector<size_t>& group_of) {
    return Update(std::vector<const Vector*>{&arg}, group_of);
  }
  // All rows into group 0.
  Status Update(const std::vector<const Vector*>& args) {
    return Update(args, std::vector<size_t>(args.empty() ? 0 : args[0]->size(), 0));
  }
  Status Update(const Vector& arg) { return Update(std::vector<const Vector*>{&arg}); }

  // Merges every group of `this` into the same group of `dst`.
  void CombineInto(States& dst) {
    for (size_t g = 0; g < groups_; ++g) {
      ASSERT_TRUE(fn_->combine(state(g), dst.state(g)).ok());
    }
  }

  Result<std::vector<Value>> Finalize() {
    std::vector<uint8_t*> ptrs;
    for (size_t g = 0; g < groups_; ++g) ptrs.push_back(state(g));
    Vector out(fn_->result_type, groups_);
    Status s = fn_->finalize(ptrs.data(), groups_, &out);
    if (!s.ok()) return s;
    EXPECT_EQ(out.size(), groups_);
    std::vector<Value> values;
    for (size_t g = 0; g < groups_; ++g) values.push_back(out.GetValue(g));
    return values;
  }
  // Finalize that must succeed.
  std::vector<Value> Results() {
    auto r = Finalize();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : std::vector<Value>(groups_);
  }
  Value Result0() { return Results()[0]; }

 private:
  AggregatePtr fn_;
  size_t groups_;
  size_t stride_ = 0, align_ = 0;
  uint8_t* buffer_ = nullptr;
};

// Vectors built by hand: typed values, std::nullopt for NULL.
template <typename T>
Vector Make(SqlType type, const std::vector<std::optional<T>>& values) {
  Vector v(type, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].has_value()) {
      v.data<T>()[i] = *values[i];
    } else {
      v.data<T>()[i] = T{};
      v.SetNull(i);
    }
  }
  return v;
}
Vector Ints(const std::vector<std::optional<int32_t>>& v) { return Make<int32_t>(kInt, v); }
Vector Bigs(const std::vector<std::optional<int64_t>>& v) { return Make<int64_t>(kBig, v); }
Vector Dbls(const std::vector<std::optional<double>>& v) { return Make<double>(kDbl, v); }
Vector Strs(const std::vector<std::optional<std::string>>& values) {
  Vector v(kStr, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].has_value()) {
      v.data<std::string_view>()[i] = v.AddString(*values[i]);
    } else {
      v.data<std::string_view>()[i] = {};
      v.SetNull(i);
    }
  }
  return v;
}
Vector NullVector(size_t n) {
  Vector v(kNullType, n);
  v.SetAllNull();
  return v;
}

// EXPECT_VALUE(a, b): equal Values (type included), printed readably when not.
::testing::AssertionResult SameValue(const char* a_expr, const char* b_expr, const Value& a,
                                     const Value& b) {
  if (a == b) return ::testing::AssertionSuccess();
  auto show = [](const Value& v) { return v.ToString() + " :: " + v.type().ToString(); };
  return ::testing::AssertionFailure()
         << a_expr << " is " << show(a) << ", " << b_expr << " is " << show(b);
}
#define EXPECT_VALUE(a, b) EXPECT_PRED_FORMAT2(SameValue, a, b)

double Dbl(const Value& v) {
  EXPECT_EQ(v.type().id, SqlTypeId::kFloat64);
  return v.float_value();
}

// One aggregate over one vector, all rows in one group.
Value Run1(const std::string& name, const Vector& arg, bool distinct = false) {
  States s(Bind(name, {arg.type()}, distinct), 1);
  EXPECT_TRUE(s.Update(arg).ok());
  return s.Result0();
}

// --- binding -------------------------------------------------------------------

TEST(AggregateBindTest, ResultTypesFollowDuckDb) {
  EXPECT_EQ(Bind("count", {kStr})->result_type, kBig);
  EXPECT_EQ(Bind("sum", {kInt})->result_type, kBig);   // DuckDB: HUGEINT
  EXPECT_EQ(Bind("sum", {kBig})->result_type, kBig);   // DuckDB: HUGEINT
  EXPECT_EQ(Bind("sum", {kBool})->result_type, kBig);  // DuckDB: HUGEINT
  EXPECT_EQ(Bind("sum", {SqlType::Decimal(12, 2)})->result_type, SqlType::Decimal(38, 2));
  EXPECT_EQ(Bind("sum", {kDbl})->result_type, kDbl);
  EXPECT_EQ(Bind("sum", {kNullType})->result_type, kBig);
  EXPECT_EQ(Bind("avg", {kInt})->result_type, kDbl);
  EXPECT_EQ(Bind("avg", {kBig})->result_type, kDbl);
  EXPECT_EQ(Bind("avg", {SqlType::Decimal(4, 2)})->result_type, kDbl);
  EXPECT_EQ(Bind("avg", {kDbl})->result_type, kDbl);
  EXPECT_EQ(Bind("avg", {kTs})->result_type, kTs);
  EXPECT_EQ(Bind("mean", {kInt})->result_type, kDbl);
  for (SqlType t :
       {kBool, kInt, kBig, kDbl, SqlType::Decimal(4, 2), kStr, kDate, kTs, kIv, kNullType}) {
    EXPECT_EQ(Bind("min", {t})->result_type, t) << t.ToString();
    EXPECT_EQ(Bind("max", {t})->result_type, t) << t.ToString();
    EXPECT_EQ(Bind("arg_max", {t, kDbl})->result_type, t) << t.ToString();
    EXPECT_EQ(Bind("arg_min", {kInt, t})->result_type, kInt) << t.ToString();
    EXPECT_EQ(Bind("approx_count_distinct", {t})->result_type, kBig) << t.ToString();
    EXPECT_EQ(Bind("count", {t}, true)->result_type, kBig) << t.ToString();
  }
  EXPECT_EQ(Bind("max_by", {kStr, kInt})->name, "arg_max");
  EXPECT_EQ(Bind("fsum", {kInt})->result_type, kDbl);
  EXPECT_EQ(Bind("favg", {kBig})->result_type, kDbl);
}

TEST(AggregateBindTest, CountStarAndCasts) {
  std::vector<SqlType> casts{kInt};
  auto star = BindAggregate("count", {}, false, /*star=*/true, 0, &casts);
  ASSERT_TRUE(star.ok());
  EXPECT_EQ((*star)->name, "count_star");
  EXPECT_TRUE((*star)->arg_types.empty());
  EXPECT_TRUE(casts.empty());
  EXPECT_EQ((*star)->result_type, kBig);
  auto empty = BindAggregate("count_star", {}, false, false, 0, &casts);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->name, "count_star");

  // No cast where the kernel takes the type as it is.
  auto sum = BindAggregate("sum", {kInt}, false, false, 0, &casts);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(casts, std::vector<SqlType>{kInt});
  EXPECT_EQ((*sum)->arg_types, std::vector<SqlType>{kInt});
  // avg(DATE) averages the dates as timestamps (DuckDB casts too).
  auto avg = BindAggregate("avg", {kDate}, false, false, 0, &casts);
  ASSERT_TRUE(avg.ok());
  EXPECT_EQ(casts, std::vector<SqlType>{kTs});
  EXPECT_EQ((*avg)->result_type, kTs);
  // fsum works on doubles.
  ASSERT_TRUE(BindAggregate("fsum", {SqlType::Decimal(9, 3)}, false, false, 0, &casts).ok());
  EXPECT_EQ(casts, std::vector<SqlType>{kDbl});
  auto arg = BindAggregate("arg_min", {kStr, kDate}, false, false, 0, &casts);
  ASSERT_TRUE(arg.ok());
  EXPECT_EQ(casts, (std::vector<SqlType>{kStr, kDate}));

  EXPECT_TRUE(Bind("sum", {kInt}, true)->distinct);
  EXPECT_FALSE(Bind("sum", {kInt})->distinct);
}

TEST(AggregateBindTest, Errors) {
  EXPECT_EQ(BindError("sum", {kStr}),
            "No function matches sum(VARCHAR); sum takes a number (INTEGER, BIGINT, DECIMAL, "
            "DOUBLE) or BOOLEAN (position 7)");
  EXPECT_EQ(BindError("avg", {kBool}, false, false, 0),
            "No function matches avg(BOOLEAN); avg takes a number (INTEGER, BIGINT, DECIMAL, "
            "DOUBLE), DATE or TIMESTAMP (position 1)");
  EXPECT_EQ(BindError("sum", {kDate}).rfind("No function matches sum(DATE); ", 0), 0u);
  EXPECT_EQ(BindError("avg", {kIv}).rfind("No function matches avg(INTERVAL); ", 0), 0u);
  EXPECT_EQ(BindError("sum", {kInt, kInt}),
            "No function matches sum(INTEGER, INTEGER); sum takes one argument (position 7)");
  EXPECT_EQ(BindError("arg_max", {kInt}),
            "No function matches arg_max(INTEGER); arg_max takes two arguments (arg, val) "
            "(position 7)");
  EXPECT_EQ(BindError("sum", {}, false, true),
            "No function matches sum(*); only count takes * "
            "(position 7)");
  EXPECT_EQ(BindError("count", {}, true, true),
            "count(DISTINCT *) is not supported; name a column: count(DISTINCT x) (position 7)");
  EXPECT_EQ(BindError("lower", {kStr}),
            "function \"lower\" is not an aggregate function (position 7)");
  EXPECT_EQ(BindError("count_star", {kInt}).rfind("No function matches count_star(INTEGER)", 0),
            0u);
  EXPECT_EQ(BindError("fsum", {kStr}).rfind("No function matches fsum(VARCHAR)", 0), 0u);
}

TEST(AggregateBindTest, Names) {
  for (const char* n : {"count", "count_star", "sum", "avg", "mean", "min", "max", "arg_min",
                        "arg_max", "min_by", "max_by", "argmin", "argmax", "approx_count_distinct",
                        "fsum", "favg", "kahan_sum", "sumkahan"}) {
    EXPECT_TRUE(IsAggregateFunction(n)) << n;
  }
  EXPECT_TRUE(IsAggregateFunction("SUM"));
  EXPECT_FALSE(IsAggregateFunction("lower"));
  EXPECT_FALSE(IsAggregateFunction("string_agg"));
  EXPECT_FALSE(IsAggregateFunction("row_number"));
  auto names = AggregateFunctionNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "approx_count_distinct"), names.end());
}

// --- count, sum, avg -----------------------------------------------------------

TEST(AggregateTest, CountAcrossGroupsWithNullsAndEmptyGroups) {
  Vector x = Ints({1, std::nullopt, 3, 4, std::nullopt, 6});
  std::vector<size_t> groups{0, 0, 1, 0, 1, 1};  // group 2 gets no rows

  States star(Bind("count_star", {}), 3);
  ASSERT_TRUE(star.Update(std::vector<const Vector*>{}, groups).ok());
  States count(Bind("count", {kInt}), 3);
  ASSERT_TRUE(count.Update(x, groups).ok());

  auto s = star.Results();
  auto c = count.Results();
  EXPECT_VALUE(s[0], Value::Int64(3));
  EXPECT_VALUE(s[1], Value::Int64(3));
  EXPECT_VALUE(s[2], Value::Int64(0));
  EXPECT_VALUE(c[0], Value::Int64(2));
  EXPECT_VALUE(c[1], Value::Int64(2));
  EXPECT_VALUE(c[2], Value::Int64(0));  // count is 0, never NULL

  // count of an all-NULL (type NULL) argument is 0.
  EXPECT_EQ(Run1("count", NullVector(4)), Value::Int64(0));
  EXPECT_VALUE(Run1("count", NullVector(4), true), Value::Int64(0));
}

TEST(AggregateTest, SumAndAvgOfIntegersWithPartialStates) {
  Vector a = Ints({1, 2, std::nullopt, 4});
  Vector b = Ints({10, std::nullopt, 30, 40});
  std::vector<size_t> groups{0, 1, 1, 0};

  auto sum = Bind("sum", {kInt});
  auto avg = Bind("avg", {kInt});
  States sum1(sum, 3), sum2(sum, 3), avg1(avg, 3), avg2(avg, 3);
  ASSERT_TRUE(sum1.Update(a, groups).ok());
  ASSERT_TRUE(sum2.Update(b, groups).ok());
  ASSERT_TRUE(avg1.Update(a, groups).ok());
  ASSERT_TRUE(avg2.Update(b, groups).ok());
  sum2.CombineInto(sum1);
  avg2.CombineInto(avg1);

  auto s = sum1.Results();
  EXPECT_VALUE(s[0], Value::Int64(1 + 4 + 10 + 40));
  EXPECT_VALUE(s[1], Value::Int64(2 + 30));
  EXPECT_TRUE(s[2].is_null());  // no rows: NULL
  EXPECT_EQ(s[2].type(), kBig);
  auto v = avg1.Results();
  EXPECT_DOUBLE_EQ(Dbl(v[0]), 55.0 / 4);
  EXPECT_DOUBLE_EQ(Dbl(v[1]), 16.0);
  EXPECT_TRUE(v[2].is_null());

  // Group 1 got only NULLs in a: still NULL after a's update alone.
  States only_nulls(sum, 1);
  ASSERT_TRUE(only_nulls.Update(Ints({std::nullopt, std::nullopt})).ok());
  EXPECT_TRUE(only_nulls.Result0().is_null());

  // sum(BOOLEAN) counts the trues (DuckDB).
  Vector flags = Make<uint8_t>(kBool, {1, 0, 1, std::nullopt});
  EXPECT_VALUE(Run1("sum", flags), Value::Int64(2));
  // sum and avg of an all-NULL argument are NULL.
  EXPECT_TRUE(Run1("sum", NullVector(3)).is_null());
  EXPECT_TRUE(Run1("avg", NullVector(3)).is_null());
}

TEST(AggregateTest, SumOfBigintUsesAWideTotalThenChecksOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // The running total leaves 64 bits and comes back: fine, as in DuckDB.
  EXPECT_VALUE(Run1("sum", Bigs({kMax, kMax, -kMax})), Value::Int64(kMax));
  EXPECT_VALUE(Run1("sum", Bigs({kMax, 1, -2})), Value::Int64(kMax - 1));
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_VALUE(Run1("sum", Bigs({kMin, -1, 1})), Value::Int64(kMin));

  States s(Bind("sum", {kBig}), 1);
  ASSERT_TRUE(s.Update(Bigs({kMax, 1})).ok());
  auto r = s.Finalize();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Overflow in sum(): the total 9223372036854775808 does not fit in BIGINT; cast the "
            "argument to DOUBLE to sum it approximately");

  // Below the minimum, through combined partial states.
  auto fn = Bind("sum", {kBig});
  States p1(fn, 1), p2(fn, 1);
  ASSERT_TRUE(p1.Update(Bigs({kMin})).ok());
  ASSERT_TRUE(p2.Update(Bigs({kMin})).ok());
  p2.CombineInto(p1);
  auto r2 = p1.Finalize();
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("-18446744073709551616"), std::string::npos)
      << r2.status().message();

  // avg keeps the exact total too.
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", Bigs({kMax, kMax}))), 9223372036854775807.0);
}

TEST(AggregateTest, DecimalSumAndAvg) {
  const SqlType dec = SqlType::Decimal(12, 2);
  Vector v = Make<int64_t>(dec, {125, std::nullopt, -26, 1001});  // 1.25, NULL, -0.26, 10.01
  Value sum = Run1("sum", v);
  EXPECT_VALUE(sum, Value::Decimal(1100, 38, 2));
  EXPECT_EQ(sum.ToString(), "11.00");
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", v)), 11.0 / 3);
  EXPECT_VALUE(Run1("min", v), Value::Decimal(-26, 12, 2));
  EXPECT_VALUE(Run1("max", v), Value::Decimal(1001, 12, 2));

  const SqlType dec4 = SqlType::Decimal(4, 2);
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", Make<int64_t>(dec4, {125, 126}))), 1.255);
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", Make<int64_t>(SqlType::Decimal(4, 0), {-1, -2}))), -1.5);
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", Make<int64_t>(SqlType::Decimal(18, 18), {1, 2}))), 1.5e-18);

  // Overflow: the DECIMAL(38,2) total is held in 64 bits.
  const SqlType big = SqlType::Decimal(18, 2);
  States s(Bind("sum", {big}), 1);
  ASSERT_TRUE(s.Update(Make<int64_t>(big, std::vector<std::optional<int64_t>>(
                                              11, int64_t{900000000000000000})))
                  .ok());
  auto r = s.Finalize();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Overflow in sum(): the total 99000000000000000.00 does not fit in DECIMAL(38,2) "
            "(held in 64 bits); cast the argument to DOUBLE to sum it approximately");
  // Negative totals are formatted with their scale too.
  States n(Bind("sum", {SqlType::Decimal(18, 3)}), 1);
  ASSERT_TRUE(
      n.Update(Make<int64_t>(SqlType::Decimal(18, 3), {std::numeric_limits<int64_t>::min(), -5}))
          .ok());
  auto rn = n.Finalize();
  ASSERT_FALSE(rn.ok());
  EXPECT_NE(rn.status().message().find("total -9223372036854775.813 "), std::string::npos)
      << rn.status().message();
}

TEST(AggregateTest, DoubleSumIsCompensated) {
  // Plain addition (DuckDB's sum) loses the ones: 1e16 + 1 rounds to 1e16.
  EXPECT_EQ(Dbl(Run1("sum", Dbls({1e16, 1, 1, 1, 1}))), 1e16 + 4);
  EXPECT_EQ(Dbl(Run1("fsum", Dbls({1e16, 1, 1, 1, 1}))), 1e16 + 4);
  EXPECT_EQ(Dbl(Run1("sum", Dbls(std::vector<std::optional<double>>(10, 0.1)))), 1.0);
  EXPECT_EQ(Dbl(Run1("avg", Dbls({1e16, 1, 1, 1, 1}))), (1e16 + 4) / 5);
  EXPECT_EQ(Dbl(Run1("sum", Dbls({1e100, 1.0, -1e100}))), 1.0);

  // Many values, split in partial states: within a tight relative error of
  // the exact sum (sum_{k=1..n} 1/k, computed in long double).
  auto fn = Bind("sum", {kDbl});
  States a(fn, 1), b(fn, 1);
  long double exact = 0;
  for (int part = 0; part < 2; ++part) {
    std::vector<std::optional<double>> values;
    for (int k = 1 + part * 50000; k <= 50000 + part * 50000; ++k) {
      values.push_back(1.0 / k);
      exact += static_cast<long double>(1.0 / k);
    }
    ASSERT_TRUE((part == 0 ? a : b).Update(Dbls(values)).ok());
  }
  b.CombineInto(a);
  EXPECT_NEAR(Dbl(a.Result0()), static_cast<double>(exact), 1e-15 * static_cast<double>(exact));

  // Infinities and NaN as in plain IEEE addition (and DuckDB).
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Dbl(Run1("sum", Dbls({inf, 1}))), inf);
  EXPECT_TRUE(std::isnan(Dbl(Run1("sum", Dbls({inf, -inf})))));
  EXPECT_TRUE(std::isnan(Dbl(Run1("avg", Dbls({inf, -inf})))));
  EXPECT_EQ(Dbl(Run1("sum", Dbls({1.7e308, 1.7e308}))), inf);
  EXPECT_EQ(Dbl(Run1("avg", Dbls({-1.7e308, -1.7e308}))), -inf);
  EXPECT_TRUE(Run1("sum", Dbls({std::nullopt})).is_null());
  EXPECT_TRUE(Run1("avg", Dbls({})).is_null());
}

TEST(AggregateTest, AvgOfTimestampsTruncatesLikeDuckDb) {
  // DuckDB: avg of 0 and 3 µs is 1 µs; of -1 and -2 µs is -1 µs.
  EXPECT_VALUE(Run1("avg", Make<int64_t>(kTs, {0, 3})), Value::Timestamp(1));
  EXPECT_VALUE(Run1("avg", Make<int64_t>(kTs, {-1, -2})), Value::Timestamp(-1));
  EXPECT_VALUE(Run1("avg", Make<int64_t>(kTs, {1700000000000000, std::nullopt, 1700000000000010})),
               Value::Timestamp(1700000000000005));
  EXPECT_TRUE(Run1("avg", Make<int64_t>(kTs, {std::nullopt})).is_null());
}

// --- min, max, arg_min, arg_max ------------------------------------------------

TEST(AggregateTest, MinMaxOfEveryType) {
  EXPECT_VALUE(Run1("min", Ints({3, std::nullopt, -7, 5})), Value::Int32(-7));
  EXPECT_VALUE(Run1("max", Ints({3, std::nullopt, -7, 5})), Value::Int32(5));
  EXPECT_VALUE(Run1("max", Bigs({std::numeric_limits<int64_t>::min()})),
               Value::Int64(std::numeric_limits<int64_t>::min()));
  EXPECT_VALUE(Run1("min", Make<uint8_t>(kBool, {1, 0, 1})), Value::Bool(false));
  EXPECT_VALUE(Run1("max", Make<uint8_t>(kBool, {0, std::nullopt, 0})), Value::Bool(false));
  EXPECT_VALUE(Run1("min", Make<int32_t>(kDate, {20000, 19000, std::nullopt})), Value::Date(19000));
  EXPECT_VALUE(Run1("max", Make<int64_t>(kTs, {-5, 7, 2})), Value::Timestamp(7));

  // NaN sorts after every double (DuckDB); -0 equals 0 and the first is kept.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(std::isnan(Dbl(Run1("max", Dbls({nan, inf, -inf})))));
  EXPECT_EQ(Dbl(Run1("min", Dbls({nan, inf, -inf}))), -inf);
  EXPECT_TRUE(std::isnan(Dbl(Run1("max", Dbls({1, nan, 2})))));
  EXPECT_TRUE(std::signbit(Dbl(Run1("min", Dbls({-0.0, 0.0})))));
  EXPECT_FALSE(std::signbit(Dbl(Run1("min", Dbls({0.0, -0.0})))));

  // Strings compare byte-wise: 'B' < 'ab' < 'b' < 'é'.
  Vector s = Strs({"b", "ab", std::nullopt, "é", "B"});
  EXPECT_VALUE(Run1("min", s), Value::String("B"));
  EXPECT_VALUE(Run1("max", s), Value::String("é"));

  // Intervals compare normalized (30 days = 1 month); of equals, the first.
  Vector iv = Make<Interval>(
      kIv, {Interval{0, 30, 0}, Interval{1, 0, 0}, Interval{0, 29, 0}, std::nullopt});
  EXPECT_VALUE(Run1("min", iv), Value::FromInterval(Interval{0, 29, 0}));
  EXPECT_VALUE(Run1("max", iv), Value::FromInterval(Interval{0, 30, 0}));

  // Empty and all-NULL.
  EXPECT_TRUE(Run1("min", Strs({std::nullopt})).is_null());
  Value n = Run1("max", Ints({}));
  EXPECT_TRUE(n.is_null());
  EXPECT_EQ(n.type(), kInt);
  EXPECT_TRUE(Run1("min", NullVector(2)).is_null());
}

TEST(AggregateTest, StringMinMaxOutliveTheirInput) {
  auto min = Bind("min", {kStr});
  auto max = Bind("max", {kStr});
  States mins(min, 2), maxs(max, 2), other_mins(min, 2);
  {
    // The strings live in a buffer we scribble over and a vector we destroy
    // before finalizing: the states must hold copies.
    std::string buffer = "pear apple zucchini fig longer-than-the-small-string-buffer";
    Vector v(kStr, 5);
    auto* d = v.data<std::string_view>();
    std::string_view all(buffer);
    d[0] = all.substr(0, 4);   // pear
    d[1] = all.substr(5, 5);   // apple
    d[2] = all.substr(11, 8);  // zucchini
    d[3] = all.substr(20, 3);  // fig
    d[4] = all.substr(24);     // longer-...
    std::vector<size_t> groups{0, 0, 1, 1, 1};
    ASSERT_TRUE(mins.Update(v, groups).ok());
    ASSERT_TRUE(maxs.Update(v, groups).ok());
    Vector w = Strs({"aardvark", "zebra-with-a-rather-long-name-too"});
    ASSERT_TRUE(other_mins.Update(w, {0, 1}).ok());
    for (char& c : buffer) c = 'X';
  }
  other_mins.CombineInto(mins);
  auto lo = mins.Results();
  auto hi = maxs.Results();
  EXPECT_VALUE(lo[0], Value::String("aardvark"));
  EXPECT_VALUE(lo[1], Value::String("fig"));
  EXPECT_VALUE(hi[0], Value::String("pear"));
  EXPECT_VALUE(hi[1], Value::String("zucchini"));

  // Finalizing twice (as a window does) gives the same answer; more rows after.
  EXPECT_VALUE(mins.Results()[1], Value::String("fig"));
  ASSERT_TRUE(mins.Update(Strs({"a"}), {1}).ok());
  EXPECT_VALUE(mins.Results()[1], Value::String("a"));
}

TEST(AggregateTest, ArgMinArgMaxTiesAndNulls) {
  // DuckDB: SELECT arg_max(a, b), arg_min(a, b) FROM (VALUES (1, 5), (2, 5),
  // (3, 1), (4, 1)) t(a, b) gives 1 and 3: of tied values the first row wins.
  Vector a = Ints({1, 2, 3, 4});
  Vector b = Ints({5, 5, 1, 1});
  auto arg_max = Bind("arg_max", {kInt, kInt});
  auto arg_min = Bind("arg_min", {kInt, kInt});
  States mx(arg_max, 1), mn(arg_min, 1);
  ASSERT_TRUE(mx.Update({&a, &b}).ok());
  ASSERT_TRUE(mn.Update({&a, &b}).ok());
  EXPECT_VALUE(mx.Result0(), Value::Int32(1));
  EXPECT_VALUE(mn.Result0(), Value::Int32(3));

  // Rows where arg or val is NULL are ignored (DuckDB: arg_max(a, b) over
  // (NULL, 5), (2, 4), (3, NULL), (4, 1) is 2; arg_min is 4).
  Vector na = Ints({std::nullopt, 2, 3, 4});
  Vector nb = Ints({5, 4, std::nullopt, 1});
  States mx2(arg_max, 1), mn2(arg_min, 1);
  ASSERT_TRUE(mx2.Update({&na, &nb}).ok());
  ASSERT_TRUE(mn2.Update({&na, &nb}).ok());
  EXPECT_VALUE(mx2.Result0(), Value::Int32(2));
  EXPECT_VALUE(mn2.Result0(), Value::Int32(4));

  // A partial state combined into an earlier one: the earlier keeps its tie.
  States first(arg_max, 2), second(arg_max, 2);
  Vector a1 = Ints({10, 20}), b1 = Ints({7, 1});
  Vector a2 = Ints({30, 40}), b2 = Ints({7, 9});
  ASSERT_TRUE(first.Update({&a1, &b1}, {0, 1}).ok());
  ASSERT_TRUE(second.Update({&a2, &b2}, {0, 1}).ok());
  second.CombineInto(first);
  auto r = first.Results();
  EXPECT_VALUE(r[0], Value::Int32(10));
  EXPECT_VALUE(r[1], Value::Int32(40));

  // String args and string vals, copied out of their vector.
  States names(Bind("arg_min", {kStr, kStr}), 1);
  {
    Vector who = Strs({"carol-has-a-long-name-indeed", "alice", "bob"});
    Vector key = Strs({"a", "c", std::nullopt});
    ASSERT_TRUE(names.Update({&who, &key}).ok());
  }
  EXPECT_VALUE(names.Result0(), Value::String("carol-has-a-long-name-indeed"));

  // Other argument types: a DECIMAL arg by a TIMESTAMP, an INTERVAL val.
  Vector price = Make<int64_t>(SqlType::Decimal(9, 2), {100, 250, 175});
  Vector at = Make<int64_t>(kTs, {3, 9, 5});
  States latest(Bind("arg_max", {SqlType::Decimal(9, 2), kTs}), 1);
  ASSERT_TRUE(latest.Update({&price, &at}).ok());
  EXPECT_VALUE(latest.Result0(), Value::Decimal(250, 9, 2));
  Vector iv = Make<Interval>(kIv, {Interval{0, 40, 0}, Interval{1, 0, 1}});
  Vector ids = Bigs({1, 2});
  States longest(Bind("max_by", {kBig, kIv}), 1);
  ASSERT_TRUE(longest.Update({&ids, &iv}).ok());
  EXPECT_VALUE(longest.Result0(), Value::Int64(1));

  // Empty group and NULL-typed arguments.
  States none(arg_max, 1);
  EXPECT_TRUE(none.Result0().is_null());
  States null_val(Bind("arg_max", {kStr, kNullType}), 1);
  Vector s = Strs({"x"});
  Vector nv = NullVector(1);
  ASSERT_TRUE(null_val.Update({&s, &nv}).ok());
  Value nr = null_val.Result0();
  EXPECT_TRUE(nr.is_null());
  EXPECT_EQ(nr.type(), kStr);
}

// --- DISTINCT ---------------------------------------------------------------------

TEST(AggregateTest, DistinctCountSumAvg) {
  Vector x = Ints({1, 1, 2, std::nullopt, 2, 5});
  EXPECT_VALUE(Run1("count", x, true), Value::Int64(3));
  EXPECT_VALUE(Run1("sum", x, true), Value::Int64(8));
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", x, true)), 8.0 / 3);
  EXPECT_VALUE(Run1("min", x, true), Value::Int32(1));

  // DuckDB: count(DISTINCT x) over NaN, 1, NaN, -0.0, 0.0 is 3, sum NaN.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Vector d = Dbls({nan, 1, -nan, -0.0, 0.0});
  EXPECT_VALUE(Run1("count", d, true), Value::Int64(3));
  EXPECT_TRUE(std::isnan(Dbl(Run1("sum", d, true))));
  EXPECT_EQ(Dbl(Run1("sum", Dbls({0.5, 0.5, -0.0, 0.0, 2}), true)), 2.5);
  EXPECT_EQ(Dbl(Run1("favg", Dbls({0.5, 0.5, 2}), true)), 1.25);

  // Intervals: 30 days equals 1 month (DuckDB counts 1).
  EXPECT_VALUE(Run1("count", Make<Interval>(kIv, {Interval{0, 30, 0}, Interval{1, 0, 0}}), true),
               Value::Int64(1));
  EXPECT_VALUE(Run1("count", Make<uint8_t>(kBool, {1, 0, 1, std::nullopt}), true), Value::Int64(2));
  const SqlType dec = SqlType::Decimal(10, 3);
  Value ds = Run1("sum", Make<int64_t>(dec, {1500, 1500, -250}), true);
  EXPECT_VALUE(ds, Value::Decimal(1250, 38, 3));
  EXPECT_DOUBLE_EQ(Dbl(Run1("avg", Make<int64_t>(dec, {1500, 1500, -250}), true)), 0.625);
  EXPECT_VALUE(Run1("avg", Make<int64_t>(kTs, {10, 10, 13}), true), Value::Timestamp(11));
}

TEST(AggregateTest, DistinctSetsMergeAcrossPartialStates) {
  auto count = Bind("count", {kStr}, true);
  auto sum = Bind("sum", {kBig}, true);
  States c1(count, 3), c2(count, 3), s1(sum, 3), s2(sum, 3);
  {
    Vector a = Strs({"x", "y", "x", "long-string-value-number-one", std::nullopt});
    Vector b = Strs({"y", "z", "long-string-value-number-one", "w", "x"});
    ASSERT_TRUE(c1.Update(a, {0, 0, 1, 0, 1}).ok());
    ASSERT_TRUE(c2.Update(b, {0, 0, 0, 1, 1}).ok());
  }
  Vector ia = Bigs({7, 7, 8, std::nullopt});
  Vector ib = Bigs({8, 9, 7, -1});
  ASSERT_TRUE(s1.Update(ia, {0, 0, 0, 1}).ok());
  ASSERT_TRUE(s2.Update(ib, {0, 0, 0, 1}).ok());
  c2.CombineInto(c1);
  s2.CombineInto(s1);
  auto c = c1.Results();
  EXPECT_VALUE(c[0], Value::Int64(4));  // x y z long
  EXPECT_EQ(c[1], Value::Int64(2));     // x w
  EXPECT_EQ(c[2], Value::Int64(0));
  auto s = s1.Results();
  EXPECT_VALUE(s[0], Value::Int64(7 + 8 + 9));
  EXPECT_VALUE(s[1], Value::Int64(-1));
  EXPECT_TRUE(s[2].is_null());

  // A big set, combined from two halves that overlap, then finalized twice.
  auto fn = Bind("count", {kBig}, true);
  States big1(fn, 1), big2(fn, 1);
  std::vector<std::optional<int64_t>> lo, hi;
  for (int64_t i = 0; i < 60000; ++i) lo.push_back(i * 1000003);
  for (int64_t i = 40000; i < 100000; ++i) hi.push_back(i * 1000003);
  ASSERT_TRUE(big1.Update(Bigs(lo)).ok());
  ASSERT_TRUE(big2.Update(Bigs(hi)).ok());
  big1.CombineInto(big2);  // the smaller-or-equal set into the other
  EXPECT_VALUE(big2.Result0(), Value::Int64(100000));
  EXPECT_VALUE(big2.Result0(), Value::Int64(100000));

  // The key that marks free slots in the set is a value like any other.
  Vector odd = Bigs({0x7ff4dead0badf00dLL, 0x7ff4dead0badf00dLL, 0, -1});
  EXPECT_VALUE(Run1("count", odd, true), Value::Int64(3));
  EXPECT_VALUE(Run1("approx_count_distinct", odd), Value::Int64(3));
}

// --- approx_count_distinct ------------------------------------------------------

int64_t Approx(int64_t from, int64_t to) {
  std::vector<std::optional<int64_t>> values;
  for (int64_t i = from; i < to; ++i) values.push_back(i);
  return Run1("approx_count_distinct", Bigs(values)).int_value();
}

TEST(AggregateTest, ApproxCountDistinctIsExactWhenSmall) {
  EXPECT_EQ(Approx(0, 0), 0);
  EXPECT_EQ(Approx(0, 1), 1);
  EXPECT_EQ(Approx(0, 10), 10);  // DuckDB says 11
  EXPECT_EQ(Approx(-300, 212), 512);
  EXPECT_VALUE(Run1("approx_count_distinct", Ints({1, 1, std::nullopt, 2})), Value::Int64(2));
  EXPECT_VALUE(Run1("approx_count_distinct", Strs({"a", "b", "a", std::nullopt})), Value::Int64(2));
  EXPECT_VALUE(Run1("approx_count_distinct", Dbls({0.0, -0.0, 1.5})), Value::Int64(2));
  EXPECT_VALUE(Run1("approx_count_distinct", NullVector(3)), Value::Int64(0));
  States empty(Bind("approx_count_distinct", {kStr}), 1);
  EXPECT_VALUE(empty.Result0(), Value::Int64(0));
}

TEST(AggregateTest, ApproxCountDistinctWithinItsErrorBound) {
  // 4096 registers: standard error 1.6%; 5% is over 3 standard errors. The
  // hash is fixed, so these results are deterministic.
  for (int64_t n : {600, 1000, 5000, 20000, 100000, 1000000}) {
    const int64_t got = Approx(0, n);
    EXPECT_NEAR(static_cast<double>(got), static_cast<double>(n), 0.05 * static_cast<double>(n))
        << n;
  }
  // 100k distinct strings, each twice, split across two partial states.
  auto fn = Bind("approx_count_distinct", {kStr});
  States a(fn, 1), b(fn, 1);
  std::vector<std::optional<std::string>> first, second;
  for (int i = 0; i < 100000; ++i) {
    (i % 2 == 0 ? first : second).push_back("key-" + std::to_string(i));
    (i % 3 == 0 ? first : second).push_back("key-" + std::to_string(i));
  }
  ASSERT_TRUE(a.Update(Strs(first)).ok());
  ASSERT_TRUE(b.Update(Strs(second)).ok());
  a.CombineInto(b);
  EXPECT_NEAR(static_cast<double>(b.Result0().int_value()), 100000.0, 5000.0);
}

TEST(AggregateTest, ApproxCountDistinctCombinesSparseAndDense) {
  auto fn = Bind("approx_count_distinct", {kBig});
  std::vector<std::optional<int64_t>> small, large;
  for (int64_t i = 0; i < 100; ++i) small.push_back(-i - 1);  // disjoint
  for (int64_t i = 0; i < 20000; ++i) large.push_back(i);
  // sparse into dense, dense into sparse, sparse into sparse (becoming dense)
  for (int order = 0; order < 2; ++order) {
    States a(fn, 1), b(fn, 1);
    ASSERT_TRUE(a.Update(Bigs(order == 0 ? small : large)).ok());
    ASSERT_TRUE(b.Update(Bigs(order == 0 ? large : small)).ok());
    a.CombineInto(b);
    EXPECT_NEAR(static_cast<double>(b.Result0().int_value()), 20100.0, 1005.0) << order;
  }
  States a(fn, 1), b(fn, 1);
  std::vector<std::optional<int64_t>> x, y;
  for (int64_t i = 0; i < 400; ++i) x.push_back(i);
  for (int64_t i = 300; i < 700; ++i) y.push_back(i);
  ASSERT_TRUE(a.Update(Bigs(x)).ok());
  ASSERT_TRUE(b.Update(Bigs(y)).ok());
  a.CombineInto(b);
  EXPECT_NEAR(static_cast<double>(b.Result0().int_value()), 700.0, 35.0);
  // Combining with an empty state changes nothing.
  States empty(fn, 1);
  empty.CombineInto(b);
  EXPECT_NEAR(static_cast<double>(b.Result0().int_value()), 700.0, 35.0);
}

// --- against DuckDB ----------------------------------------------------------------

// The same rows in DuckDB and here, over 7 groups, fed in batches to two
// partial states (rows [0, 2500) and [2500, 5000)) combined in row order.
TEST(AggregateDuckDbTest, GroupedAggregatesMatch) {
  constexpr int kRows = 5000, kGroups = 7;
  std::vector<std::optional<int32_t>> is, xs;
  std::vector<std::optional<std::string>> ss;
  std::vector<std::optional<double>> ds;
  std::vector<size_t> groups;
  for (int i = 0; i < kRows; ++i) {
    groups.push_back(static_cast<size_t>(i % kGroups));
    is.push_back(i);
    xs.push_back(i % 11 == 0 ? std::nullopt : std::optional<int32_t>((i * 37) % 1001 - 500));
    ss.push_back(i % 17 == 0 ? std::nullopt
                             : std::optional<std::string>("v" + std::to_string((i * 13) % 97)));
    ds.push_back(i % 5 == 0 ? std::nullopt : std::optional<double>(((i * 29) % 211) * 0.125));
  }
  struct Agg {
    const char* sql;
    const char* name;
    std::vector<int> args;  // 0 = i, 1 = x, 2 = s, 3 = d
    bool distinct;
  };
  const std::vector<Agg> aggs = {
      {"count(*)", "count_star", {}, false},
      {"count(x)", "count", {1}, false},
      {"sum(x)", "sum", {1}, false},
      {"avg(x)", "avg", {1}, false},
      {"min(x)", "min", {1}, false},
      {"max(x)", "max", {1}, false},
      {"min(s)", "min", {2}, false},
      {"max(s)", "max", {2}, false},
      {"count(DISTINCT x)", "count", {1}, true},
      {"sum(DISTINCT x)", "sum", {1}, true},
      {"avg(DISTINCT x)", "avg", {1}, true},
      {"count(DISTINCT s)", "count", {2}, true},
      {"arg_max(i, x)", "arg_max", {0, 1}, false},
      {"arg_min(s, x)", "arg_min", {2, 1}, false},
      {"arg_max(x, s)", "arg_max", {1, 2}, false},
      {"sum(d)", "sum", {3}, false},
      {"avg(d)", "avg", {3}, false},
      {"min(d)", "min", {3}, false},
      {"max(d)", "max", {3}, false},
      {"sum(DISTINCT d)", "sum", {3}, true},
      {"count(DISTINCT d)", "count", {3}, true},
  };
  std::string select = "SELECT i % 7 AS g";
  for (const auto& a : aggs) select += std::string(", ") + a.sql;
  select +=
      " FROM (SELECT i::INT AS i,"
      " CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 37) % 1001 - 500)::INT END AS x,"
      " CASE WHEN i % 17 = 0 THEN NULL ELSE 'v' || ((i * 13) % 97) END AS s,"
      " (CASE WHEN i % 5 = 0 THEN NULL ELSE ((i * 29) % 211) * 0.125 END)::DOUBLE AS d"
      " FROM range(5000) t(i)) GROUP BY g ORDER BY g";
  nlohmann::json want = testing::DuckDb(select);
  ASSERT_FALSE(want.contains("error")) << want.dump();
  ASSERT_EQ(want["rows"].size(), static_cast<size_t>(kGroups));

  for (size_t k = 0; k < aggs.size(); ++k) {
    const Agg& a = aggs[k];
    const SqlType types[] = {kInt, kInt, kStr, kDbl};
    std::vector<SqlType> arg_types;
    for (int c : a.args) arg_types.push_back(types[c]);
    std::vector<SqlType> casts;
    auto fn = BindAggregate(a.name, arg_types, a.distinct, a.args.empty(), 0, &casts);
    ASSERT_TRUE(fn.ok()) << a.sql;
    States whole(*fn, kGroups), later(*fn, kGroups);
    for (int start = 0; start < kRows; start += static_cast<int>(kBatchSize)) {
      const int end = std::min(kRows, start + static_cast<int>(kBatchSize));
      // Batches straddle the split point: rows before 2500 go to `whole`.
      for (int part = 0; part < 2; ++part) {
        const int lo = part == 0 ? start : std::max(start, 2500);
        const int hi = part == 0 ? std::min(end, 2500) : end;
        if (lo >= hi) continue;
        auto slice_i = std::vector<std::optional<int32_t>>(is.begin() + lo, is.begin() + hi);
        auto slice_x = std::vector<std::optional<int32_t>>(xs.begin() + lo, xs.begin() + hi);
        auto slice_s = std::vector<std::optional<std::string>>(ss.begin() + lo, ss.begin() + hi);
        auto slice_d = std::vector<std::optional<double>>(ds.begin() + lo, ds.begin() + hi);
        Vector cols[] = {Ints(slice_i), Ints(slice_x), Strs(slice_s), Dbls(slice_d)};
        std::vector<const Vector*> args;
        for (int c : a.args) args.push_back(&cols[c]);
        std::vector<size_t> g(groups.begin() + lo, groups.begin() + hi);
        ASSERT_TRUE((part == 0 ? whole : later).Update(args, g).ok());
      }
    }
    later.CombineInto(whole);
    auto got = whole.Results();
    for (int g = 0; g < kGroups; ++g) {
      const nlohmann::json& w = want["rows"][g][k + 1];
      const Value& v = got[static_cast<size_t>(g)];
      SCOPED_TRACE(std::string(a.sql) + " group " + std::to_string(g) + ": DuckDB " + w.dump() +
                   ", ours " + v.ToString());
      if (w.is_null()) {
        EXPECT_TRUE(v.is_null());
      } else if (v.type().id == SqlTypeId::kFloat64) {
        const double d = w.get<double>();
        EXPECT_NEAR(v.float_value(), d, 1e-12 * std::max(1.0, std::fabs(d)));
      } else if (w.is_string()) {
        EXPECT_EQ(v.ToString(), w.get<std::string>());
      } else {
        EXPECT_EQ(v.ToString(), w.dump());
      }
    }
  }
}

TEST(AggregateDuckDbTest, ArgMaxTiesMatch) {
  nlohmann::json want = testing::DuckDb(
      "SELECT arg_max(a, b), arg_min(a, b), arg_max(b, a) FROM (VALUES (1, 5), (2, 5), "
      "(3, 1), (4, 1), (5, NULL), (NULL, 9)) t(a, b)");
  ASSERT_FALSE(want.contains("error")) << want.dump();
  Vector a = Ints({1, 2, 3, 4, 5, std::nullopt});
  Vector b = Ints({5, 5, 1, 1, std::nullopt, 9});
  std::vector<Value> got;
  for (const char* name : {"arg_max", "arg_min"}) {
    States s(Bind(name, {kInt, kInt}), 1);
    ASSERT_TRUE(s.Update({&a, &b}).ok());
    got.push_back(s.Result0());
  }
  States ba(Bind("arg_max", {kInt, kInt}), 1);
  ASSERT_TRUE(ba.Update({&b, &a}).ok());
  got.push_back(ba.Result0());
  ASSERT_EQ(want["rows"][0].size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ToString(), want["rows"][0][i].dump()) << i;
  }
}

}  // namespace
}  // namespace tp::storage::sql
