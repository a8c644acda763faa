// Column chunk statistics (parquet.thrift `Statistics`, `ColumnOrder`):
// null_count, min_value/max_value in the column's type-defined order, and
// nan_count for doubles. What exactly is written: FORMAT.md "Statistics".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/parquet/metadata.h"

namespace tp::storage::parquet {

// Strings longer than kMaxStatBytes get truncated bounds marked inexact.
inline constexpr size_t kMaxStatBytes = 64;

// Statistics of rows [begin, end) of `column`.
Statistics ComputeStatistics(const Column& column, size_t begin, size_t end);

// The same statistics when the distinct non-NULL values of the rows are at
// hand (a chunk's dictionary, in any order), which is cheaper than visiting
// every row: bounds from `values`, `null_count` as given. For string and
// INT32/INT64 columns (ints, dates, decimals, timestamps).
Statistics StatisticsOfDistinct(const std::vector<std::string_view>& values, int64_t null_count);
Statistics StatisticsOfDistinct(const std::vector<int32_t>& values, int64_t null_count);
Statistics StatisticsOfDistinct(const std::vector<int64_t>& values, int64_t null_count);

// NULLs among rows [begin, end).
size_t CountNulls(const Column& column, size_t begin, size_t end);

}  // namespace tp::storage::parquet
