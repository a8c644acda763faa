// The aggregate function library (see aggregates.h): names, binding with
// DuckDB's result types and errors. The kernels are in aggregates_kernels.cpp,
// the DISTINCT sets and the approx_count_distinct sketch in
// aggregates_sets.cpp.
//
// Functions (DuckDB's names and aliases):
//   count(*), count(), count_star()  -> BIGINT
//   count(x), count(DISTINCT x)      -> BIGINT, any x
//   sum(x)       BOOLEAN, INTEGER, BIGINT -> BIGINT; DECIMAL(p,s) -> DECIMAL(38,s);
//                DOUBLE -> DOUBLE
//   fsum, sumkahan, kahan_sum(x)  numbers as DOUBLE -> DOUBLE
//   avg, mean(x) INTEGER, BIGINT, DECIMAL, DOUBLE -> DOUBLE; TIMESTAMP (and DATE,
//                cast) -> TIMESTAMP
//   favg(x)      numbers as DOUBLE -> DOUBLE
//   min, max(x)  any x -> x's type
//   arg_min, argmin, min_by / arg_max, argmax, max_by(arg, val) -> arg's type
//   approx_count_distinct(x) any x -> BIGINT
// DISTINCT changes count, sum, avg, fsum and favg; for the others it makes no
// difference and is accepted. An argument of type NULL makes every row NULL:
// the result is 0 for the counts and NULL otherwise.
//
// Where we differ from DuckDB:
// - sum of BOOLEAN, INTEGER and BIGINT is BIGINT, not HUGEINT: the running
//   total is 128 bits (so intermediate overflow does no harm), and a final
//   total outside 64 bits is an "Overflow in sum()" error when finalized.
//   Likewise sum of a DECIMAL is DECIMAL(38,s) held in 64 bits.
// - sum and avg of DOUBLE use compensated (Neumaier) summation, like
//   DuckDB's fsum/favg; DuckDB's sum/avg add plainly, so results may differ
//   in the last bits (ours are closer to the exact sum).
// - avg(INTERVAL) is not supported; avg(DATE) is avg of the DATE cast to
//   TIMESTAMP (an instant here, a naive timestamp in DuckDB).
// - approx_count_distinct is exact up to 512 distinct values, then a
//   4096-register HyperLogLog (1.6% standard error); DuckDB's sketch is
//   coarser (it says 11 for 10 values), so the two rarely agree exactly.
#include "storage/sql/aggregates.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tp::storage::sql {

// Defined in aggregates_kernels.cpp: each fills in the state layout and the
// function pointers of `f` for arguments of the given types (not NULL).
namespace aggregate_kernels {
void CountStar(AggregateFunction* f);
void Count(AggregateFunction* f, SqlTypeId id, bool distinct);
void Sum(AggregateFunction* f, SqlTypeId id, bool distinct);         // integers, DECIMAL, DOUBLE
void Avg(AggregateFunction* f, const SqlType& type, bool distinct);  // numbers, TIMESTAMP
void MinMax(AggregateFunction* f, SqlTypeId id, bool max);
void ArgMinMax(AggregateFunction* f, SqlTypeId arg, SqlTypeId val, bool max);
void ApproxCountDistinct(AggregateFunction* f, SqlTypeId id);
// Ignores every row; finalizes to 0 (`zero`) or NULL of f's result type.
void NullInput(AggregateFunction* f, bool zero);
}  // namespace aggregate_kernels

namespace {

namespace kernels = aggregate_kernels;

struct NameEntry {
  const char* name;
  const char* canonical;
};

constexpr NameEntry kNames[] = {
    {"count", "count"},     {"count_star", "count_star"},
    {"sum", "sum"},         {"fsum", "fsum"},
    {"sumkahan", "fsum"},   {"kahan_sum", "fsum"},
    {"avg", "avg"},         {"mean", "avg"},
    {"favg", "favg"},       {"min", "min"},
    {"max", "max"},         {"arg_min", "arg_min"},
    {"argmin", "arg_min"},  {"min_by", "arg_min"},
    {"arg_max", "arg_max"}, {"argmax", "arg_max"},
    {"max_by", "arg_max"},  {"approx_count_distinct", "approx_count_distinct"},
};

const char* Canonical(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (const auto& e : kNames) {
    if (lower == e.name) return e.canonical;
  }
  return nullptr;
}

std::string Suffix(size_t position) { return " (position " + std::to_string(position + 1) + ")"; }

std::string Signature(const std::string& name, const std::vector<SqlType>& types) {
  std::string s = name + "(";
  for (size_t i = 0; i < types.size(); ++i) s += (i ? ", " : "") + types[i].ToString();
  return s + ")";
}

const SqlType kBigint = SqlType::Of(SqlTypeId::kInt64);
const SqlType kDouble = SqlType::Of(SqlTypeId::kFloat64);
const SqlType kTimestamp = SqlType::Of(SqlTypeId::kTimestamp);

}  // namespace

bool IsAggregateFunction(const std::string& name) { return Canonical(name) != nullptr; }

std::vector<std::string> AggregateFunctionNames() {
  std::vector<std::string> names;
  for (const auto& e : kNames) names.emplace_back(e.name);
  return names;
}

Result<AggregatePtr> BindAggregate(const std::string& name, const std::vector<SqlType>& arg_types,
                                   bool distinct, bool star, size_t position,
                                   std::vector<SqlType>* casts) {
  auto no_match = [&](const std::string& takes) {
    return Status::InvalidArgument("No function matches " + Signature(name, arg_types) + "; " +
                                   name + " takes " + takes + Suffix(position));
  };
  const char* canonical_name = Canonical(name);
  if (canonical_name == nullptr) {
    return Status::InvalidArgument("function \"" + name + "\" is not an aggregate function" +
                                   (star ? "; only count takes *" : "") + Suffix(position));
  }
  const std::string canonical = canonical_name;
  const bool counting = canonical == "count" || canonical == "count_star";

  auto fn = std::make_shared<AggregateFunction>();
  fn->name = canonical;
  fn->distinct = distinct;
  fn->arg_types = arg_types;  // the kernels' argument types; casts change some below
  std::vector<SqlType>& args = fn->arg_types;

  if (star || (counting && args.empty())) {  // count(*), count(), count_star()
    if (!counting) {
      return Status::InvalidArgument("No function matches " + name + "(*); only count takes *" +
                                     Suffix(position));
    }
    if (!args.empty()) return no_match("no arguments with *");
    if (distinct) {
      return Status::InvalidArgument(
          "count(DISTINCT *) is not supported; name a column: count(DISTINCT x)" +
          Suffix(position));
    }
    fn->name = "count_star";
    fn->result_type = kBigint;
    fn->distinct = false;
    kernels::CountStar(fn.get());
  } else {
    if (canonical == "count_star") return no_match("no arguments");
    const bool two = canonical == "arg_min" || canonical == "arg_max";
    if (args.size() != (two ? 2u : 1u)) {
      return no_match(two ? "two arguments (arg, val)" : "one argument");
    }
    const SqlType type = args[0];
    const SqlTypeId id = type.id;
    const bool null_input = id == SqlTypeId::kNull || (two && args[1].id == SqlTypeId::kNull);

    if (canonical == "count") {
      fn->result_type = kBigint;
      if (null_input) {
        kernels::NullInput(fn.get(), true);
      } else {
        kernels::Count(fn.get(), id, distinct);
      }
    } else if (canonical == "sum") {
      if (null_input) {
        fn->result_type = kBigint;
        kernels::NullInput(fn.get(), false);
      } else if (id == SqlTypeId::kBool || id == SqlTypeId::kInt32 || id == SqlTypeId::kInt64) {
        fn->result_type = kBigint;
        kernels::Sum(fn.get(), id, distinct);
      } else if (id == SqlTypeId::kDecimal) {
        fn->result_type = SqlType::Decimal(38, type.scale);
        kernels::Sum(fn.get(), id, distinct);
      } else if (id == SqlTypeId::kFloat64) {
        fn->result_type = kDouble;
        kernels::Sum(fn.get(), id, distinct);
      } else {
        return no_match("a number (INTEGER, BIGINT, DECIMAL, DOUBLE) or BOOLEAN");
      }
    } else if (canonical == "fsum" || canonical == "favg") {
      fn->result_type = kDouble;
      if (null_input) {
        kernels::NullInput(fn.get(), false);
      } else if (type.IsNumeric()) {
        args[0] = kDouble;
        if (canonical == "fsum") {
          kernels::Sum(fn.get(), SqlTypeId::kFloat64, distinct);
        } else {
          kernels::Avg(fn.get(), kDouble, distinct);
        }
      } else {
        return no_match("a number (INTEGER, BIGINT, DECIMAL, DOUBLE)");
      }
    } else if (canonical == "avg") {
      if (null_input) {
        fn->result_type = kDouble;
        kernels::NullInput(fn.get(), false);
      } else if (type.IsNumeric()) {
        fn->result_type = kDouble;
        kernels::Avg(fn.get(), type, distinct);
      } else if (id == SqlTypeId::kTimestamp || id == SqlTypeId::kDate) {
        args[0] = kTimestamp;
        fn->result_type = kTimestamp;
        kernels::Avg(fn.get(), kTimestamp, distinct);
      } else {
        return no_match("a number (INTEGER, BIGINT, DECIMAL, DOUBLE), DATE or TIMESTAMP");
      }
    } else if (canonical == "min" || canonical == "max") {
      fn->result_type = type;
      if (null_input) {
        kernels::NullInput(fn.get(), false);
      } else {
        kernels::MinMax(fn.get(), id, canonical == "max");
      }
    } else if (two) {
      fn->result_type = type;
      if (null_input) {
        kernels::NullInput(fn.get(), false);
      } else {
        kernels::ArgMinMax(fn.get(), id, args[1].id, canonical == "arg_max");
      }
    } else {  // approx_count_distinct
      fn->result_type = kBigint;
      if (null_input) {
        kernels::NullInput(fn.get(), true);
      } else {
        kernels::ApproxCountDistinct(fn.get(), id);
      }
    }
  }
  if (casts != nullptr) *casts = fn->arg_types;
  return AggregatePtr(std::move(fn));
}

}  // namespace tp::storage::sql
