// Logical query plans: what the binder builds from a SELECT and the executor
// runs. Each node produces rows with `types` (and `names`, for the result
// header and messages); expressions in a node refer to the columns of its
// input by index (BoundExpr kColumn), and for a join to the left input's
// columns followed by the right input's.
//
//   kScan       a table's rows (Parquet files + the in-memory tail), only
//               the columns in `scan_columns`, with pushed-down `filters`
//               (over the scan's output) used to prune days, files and row
//               groups and evaluated on each batch
//   kValues     one row of no columns (SELECT without FROM)
//   kFilter     rows of the input where `predicate` is TRUE
//   kProject    `exprs` over each input row
//   kAggregate  one row per distinct `groups` value (or exactly one row when
//               there are no groups): the groups, then `aggregates`
//   kJoin       inner / left / cross: left columns then right columns; rows
//               pair where left_keys[i] = right_keys[i] (equality, NULL
//               never matches) and `predicate` (if any) is TRUE; a left
//               join keeps unmatched left rows with NULL right columns. The
//               right side is the build side, held in memory.
//   kWindow     the input columns, then one column per window function
//   kSort       the input rows ordered by `order`; with `limit` set, only
//               the first offset + limit rows are kept (top-N)
//   kLimit      rows [offset, offset + limit) of the input
//   kUnion      UNION ALL of the children (equal types)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/aggregates.h"
#include "storage/sql/expression.h"
#include "storage/sql/value.h"
#include "storage/types.h"

namespace tp::storage::sql {

enum class PlanKind {
  kScan,
  kValues,
  kFilter,
  kProject,
  kAggregate,
  kJoin,
  kWindow,
  kSort,
  kLimit,
  kUnion,
};

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;  // DuckDB's default: NULLS LAST for ASC and DESC
};

struct BoundAggregate {
  AggregatePtr function;
  std::vector<BoundExprPtr> args;  // already cast to function->arg_types
  std::string name;                // e.g. "sum(total)", for messages
};

enum class WindowKind { kRowNumber, kRank, kDenseRank, kAggregate };

struct BoundWindow {
  WindowKind kind = WindowKind::kRowNumber;
  BoundAggregate aggregate;  // kAggregate
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  SqlType type;
};

// Time bounds a scan's filters put on the table's time column, in µs since
// the epoch (inclusive); used to skip days, files and row groups.
struct TimeRange {
  int64_t min_us = INT64_MIN;
  int64_t max_us = INT64_MAX;
  bool empty() const { return min_us > max_us; }
};

enum class JoinKind { kInner, kLeft, kCross };

struct PlanNode;
using PlanPtr = std::unique_ptr<PlanNode>;

struct PlanNode {
  PlanKind kind;
  std::vector<SqlType> types;
  std::vector<std::string> names;  // empty on a join that is the left input of a join
  std::vector<PlanPtr> children;

  // kScan
  std::string table;                   // catalog name ("_rejected" too)
  std::string time_column;             // empty when the table has none
  Schema table_schema;                 // the table's latest schema
  std::vector<size_t> scan_columns;    // fields of table_schema, in output order
  std::vector<BoundExprPtr> filters;   // conjuncts over the scan's output
  TimeRange time_range;                // from `filters`
  bool system_table = false;           // tillpipe.tables etc: rows in `values`
  std::vector<std::vector<Value>> values;  // kScan of a system table: its rows

  // kFilter
  BoundExprPtr predicate;  // also kJoin's residual condition
  // kProject
  std::vector<BoundExprPtr> exprs;
  // kAggregate
  std::vector<BoundExprPtr> groups;
  std::vector<BoundAggregate> aggregates;
  // kJoin
  JoinKind join = JoinKind::kInner;
  std::vector<BoundExprPtr> left_keys, right_keys;
  // Inner joins: build the hash table on the left input, which the engine
  // estimated to have fewer rows (the output columns stay left, right).
  bool build_left = false;
  // kWindow
  std::vector<BoundWindow> windows;
  // kSort
  std::vector<SortKey> order;
  // kSort (top-N) and kLimit
  std::optional<uint64_t> limit;
  uint64_t offset = 0;

  explicit PlanNode(PlanKind k) : kind(k) {}
  // An indented tree, one node per line, for tests and EXPLAIN.
  std::string ToString(int indent = 0) const;
};

}  // namespace tp::storage::sql
