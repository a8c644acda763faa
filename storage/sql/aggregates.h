// Aggregate functions: count, sum, avg, min, max, arg_min, arg_max,
// approx_count_distinct (and count(DISTINCT x), sum(DISTINCT x), ...), with
// DuckDB's result types and NULL rules: every aggregate but count ignores
// NULL inputs; over no (non-NULL) rows count is 0 and the others NULL.
//
// State layout: each group's state is `state_size` bytes at a fixed place
// (the hash aggregate keeps them in arena rows); Init makes an empty state,
// Update folds rows in, Combine merges a thread's partial state into
// another, Finalize writes the result, Destroy frees what a state owns on
// the heap (strings of min/max, distinct sets) and is a no-op otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/sql/expression.h"
#include "storage/sql/value.h"
#include "stream/status.h"

namespace tp::storage::sql {

struct AggregateFunction {
  std::string name;  // "sum", "count_star", ...
  SqlType result_type;
  std::vector<SqlType> arg_types;  // after implicit casts; empty for count(*)
  bool distinct = false;           // DISTINCT inputs only (the function does the dedup)
  size_t state_size = 0;
  size_t state_align = 8;

  void (*init)(uint8_t* state) = nullptr;
  // Folds row i of the arguments into states[i], for i in [0, count). Many
  // rows may share one state. `args` has arg_types.size() vectors of
  // `count` rows. Errors: overflow of sum.
  Status (*update)(uint8_t* const* states, const Vector* const* args, size_t count) = nullptr;
  // Merges `src` into `dst` (src is left valid but unspecified; it is
  // still Destroyed after).
  Status (*combine)(uint8_t* src, uint8_t* dst) = nullptr;
  // out (Reset to result_type and count rows) row i = result of states[i].
  Status (*finalize)(uint8_t* const* states, size_t count, Vector* out) = nullptr;
  void (*destroy)(uint8_t* state) = nullptr;  // may be null: nothing to free
};

using AggregatePtr = std::shared_ptr<const AggregateFunction>;

// True for a name that is an aggregate function.
bool IsAggregateFunction(const std::string& name);
std::vector<std::string> AggregateFunctionNames();

// Binds aggregate `name` over arguments of `arg_types` (`star` for
// count(*)); *casts gets the type each argument must be cast to first
// (equal to the argument's type when none is needed). Errors as in
// BindFunction ("No function matches sum(VARCHAR)... (position N)").
Result<AggregatePtr> BindAggregate(const std::string& name, const std::vector<SqlType>& arg_types,
                                   bool distinct, bool star, size_t position,
                                   std::vector<SqlType>* casts);

}  // namespace tp::storage::sql
