#include "storage/column.h"

#include <gtest/gtest.h>

#include "tests/common/duckdb.h"

namespace tp::storage {
namespace {

TEST(Column, FixedWidthValuesAndNulls) {
  Column c(LogicalType::Decimal(12, 2));
  c.AppendInt64(12990);
  c.AppendNull();
  c.AppendInt64(-5);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_FALSE(c.IsNull(0));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.Get<int64_t>(0), 12990);
  EXPECT_EQ(c.Get<int64_t>(1), 0);  // a NULL holds zero
  EXPECT_EQ(c.Get<int64_t>(2), -5);
  EXPECT_EQ(c.type().ToString(), "decimal(12,2)");
}

TEST(Column, StringsWithNullsAndEmpty) {
  Column c(LogicalType::Of(TypeId::kString));
  c.AppendString("São Paulo");
  c.AppendString("");
  c.AppendNull();
  c.AppendString(std::string(100000, 'x'));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.GetString(0), "São Paulo");
  EXPECT_EQ(c.GetString(1), "");
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_FALSE(c.IsNull(1));
  EXPECT_EQ(c.GetString(3).size(), 100000u);
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.null_count(), 0u);
  c.AppendString("a");
  EXPECT_EQ(c.GetString(0), "a");
}

TEST(Schema, FindAndTypeNames) {
  Schema s{{{"order_id", LogicalType::Of(TypeId::kString), false},
            {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false}}};
  EXPECT_EQ(s.Find("purchased_at"), 1);
  EXPECT_EQ(s.Find("nope"), -1);
  EXPECT_EQ(s.fields[1].type.ToString(), "timestamp");
}

// The interop harness itself: DuckDB must be installed and answer, so that
// Parquet tests relying on it cannot pass vacuously.
TEST(DuckDbHarness, AnswersAndReportsErrors) {
  auto j = testing::DuckDb("SELECT 40 + 2 AS answer, 'é' AS s");
  ASSERT_FALSE(j.contains("error")) << j.dump();
  EXPECT_EQ(j["columns"], (nlohmann::json{"answer", "s"}));
  EXPECT_EQ(j["rows"][0][0], 42);
  EXPECT_EQ(j["rows"][0][1], "é");
  auto bad = testing::DuckDb("SELECT * FROM no_such_table");
  ASSERT_TRUE(bad.contains("error"));
  EXPECT_NE(bad["error"].get<std::string>().find("no_such_table"), std::string::npos);
}

}  // namespace
}  // namespace tp::storage
