// Binder: names, types, errors with positions and suggestions, and the
// rewrites it does on the way (column pruning, pushdown, time ranges).
#include "storage/sql/binder.h"

#include <gtest/gtest.h>

#include "storage/sql/parser.h"
#include "storage/sql/time_zone.h"

namespace tp::storage::sql {
namespace {

Schema OrdersSchema() {
  Schema s;
  s.fields = {{"order_id", LogicalType::Of(TypeId::kString), false},
              {"customer_id", LogicalType::Of(TypeId::kString), false},
              {"city", LogicalType::Of(TypeId::kString), false},
              {"items", LogicalType::Of(TypeId::kInt32), false},
              {"total", LogicalType::Decimal(12, 2), false},
              {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false}};
  return s;
}

Schema CustomersSchema() {
  Schema s;
  s.fields = {{"customer_id", LogicalType::Of(TypeId::kString), false},
              {"name", LogicalType::Of(TypeId::kString), false},
              {"city", LogicalType::Of(TypeId::kString), false},
              {"signup_at", LogicalType::Of(TypeId::kTimestamp), false}};
  return s;
}

class BinderTest : public ::testing::Test {
 protected:
  BinderTest() {
    lookup_.find = [](const std::vector<std::string>& names) -> std::optional<TableInfo> {
      if (names.size() != 1) return std::nullopt;
      if (names[0] == "orders") return TableInfo{"orders", OrdersSchema(), "purchased_at", false, {}};
      if (names[0] == "customers") {
        return TableInfo{"customers", CustomersSchema(), "signup_at", false, {}};
      }
      return std::nullopt;
    };
    lookup_.names = [] { return std::vector<std::string>{"orders", "customers"}; };
    ctx_.zone = &TimeZone::Utc();
    ctx_.now_us = int64_t{1763856000} * 1000000;  // 2025-11-23 00:00:00 UTC
  }

  PlanPtr BindOk(const std::string& sql) {
    auto stmt = Parse(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return nullptr;
    QueryError err;
    auto plan = Bind(sql, **stmt, lookup_, ctx_, &err);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? std::move(*plan) : nullptr;
  }

  QueryError BindError(const std::string& sql) {
    auto stmt = Parse(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    QueryError err;
    auto plan = Bind(sql, **stmt, lookup_, ctx_, &err);
    EXPECT_FALSE(plan.ok()) << sql;
    if (!plan.ok()) {
      EXPECT_EQ(plan.status().message(), err.message);
    }
    return err;
  }

  static const PlanNode* FindScan(const PlanNode* n, const std::string& table) {
    if (n->kind == PlanKind::kScan && n->table == table) return n;
    for (const auto& c : n->children) {
      if (const PlanNode* s = FindScan(c.get(), table)) return s;
    }
    return nullptr;
  }

  TableLookup lookup_;
  EvalContext ctx_;
};

TEST_F(BinderTest, ScansOnlyTheColumnsTheQueryUses) {
  auto plan = BindOk("SELECT city, sum(total) FROM orders GROUP BY city");
  ASSERT_NE(plan, nullptr);
  const PlanNode* scan = FindScan(plan.get(), "orders");
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->names, (std::vector<std::string>{"city", "total"}));
  EXPECT_EQ(plan->types[1].ToString(), "DECIMAL(38,2)");
}

TEST_F(BinderTest, CountStarScansNoColumn) {
  auto plan = BindOk("SELECT count(*) FROM orders");
  ASSERT_NE(plan, nullptr);
  EXPECT_TRUE(FindScan(plan.get(), "orders")->names.empty());
}

TEST_F(BinderTest, WherePushesIntoScansAndBecomesTimeRange) {
  auto plan = BindOk(
      "SELECT o.order_id FROM orders o, customers c WHERE o.customer_id = c.customer_id "
      "AND o.purchased_at >= TIMESTAMP '2025-11-01 00:00:00' AND c.city = 'Lisbon'");
  ASSERT_NE(plan, nullptr);
  const PlanNode* orders = FindScan(plan.get(), "orders");
  const PlanNode* customers = FindScan(plan.get(), "customers");
  ASSERT_EQ(orders->filters.size(), 1u);
  ASSERT_EQ(customers->filters.size(), 1u);
  EXPECT_EQ(orders->time_range.min_us, int64_t{1761955200} * 1000000);
  EXPECT_EQ(orders->time_range.max_us, INT64_MAX);
  // The comma join became an equi-join on customer_id.
  std::string text = plan->ToString();
  EXPECT_NE(text.find("Join inner"), std::string::npos) << text;
  EXPECT_EQ(text.find("Filter"), std::string::npos) << text;
}

TEST_F(BinderTest, DateBoundsOnATimestampColumnBecomeTheTimeRange) {
  auto plan = BindOk(
      "SELECT count(*) FROM orders WHERE purchased_at >= DATE '2025-10-01' AND "
      "purchased_at < DATE '2025-11-01'");
  ASSERT_NE(plan, nullptr);
  const PlanNode* scan = FindScan(plan.get(), "orders");
  EXPECT_EQ(scan->time_range.min_us, int64_t{1759276800} * 1000000) << plan->ToString();
  EXPECT_EQ(scan->time_range.max_us, int64_t{1761955200} * 1000000 - 1) << plan->ToString();
}

TEST_F(BinderTest, NowMinusIntervalIsFoldedIntoTheTimeRange) {
  auto plan = BindOk("SELECT count(*) FROM orders WHERE purchased_at > now() - INTERVAL '1 day'");
  ASSERT_NE(plan, nullptr);
  const PlanNode* scan = FindScan(plan.get(), "orders");
  EXPECT_EQ(scan->time_range.min_us, ctx_.now_us - int64_t{86400} * 1000000 + 1);
}

TEST_F(BinderTest, LeftJoinKeepsWhereOnTheRightSideAboveTheJoin) {
  auto plan = BindOk(
      "SELECT c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.customer_id "
      "WHERE o.total IS NULL");
  ASSERT_NE(plan, nullptr);
  EXPECT_TRUE(FindScan(plan.get(), "orders")->filters.empty());
  EXPECT_NE(plan->ToString().find("Filter"), std::string::npos);
}

TEST_F(BinderTest, UnknownColumnSuggestsTheNearestAndGivesThePosition) {
  QueryError e = BindError("SELECT totl FROM orders");
  EXPECT_EQ(e.message,
            "column \"totl\" not found in orders; did you mean \"total\"? (position 8)");
  ASSERT_TRUE(e.position.has_value());
  EXPECT_EQ(*e.position, 7u);
}

TEST_F(BinderTest, UnknownTableSuggestsTheNearest) {
  QueryError e = BindError("SELECT 1 FROM ordrs");
  EXPECT_EQ(e.message, "table \"ordrs\" does not exist; did you mean \"orders\"? (position 15)");
}

TEST_F(BinderTest, AmbiguousColumnNamesBothChoices) {
  QueryError e = BindError(
      "SELECT city FROM orders o JOIN customers c ON o.customer_id = c.customer_id");
  EXPECT_NE(e.message.find("ambiguous; qualify it: o.city or c.city"), std::string::npos)
      << e.message;
}

TEST_F(BinderTest, GroupingErrors) {
  EXPECT_NE(BindError("SELECT city, total FROM orders GROUP BY city")
                .message.find("column \"total\" must appear in the GROUP BY clause"),
            std::string::npos);
  EXPECT_NE(BindError("SELECT count(*) FROM orders WHERE sum(total) > 1")
                .message.find("aggregate functions are not allowed in WHERE"),
            std::string::npos);
  EXPECT_NE(BindError("SELECT sum(count(*)) FROM orders").message.find("cannot be nested"),
            std::string::npos);
}

TEST_F(BinderTest, GroupByAliasOrdinalAndExpression) {
  for (const char* sql : {"SELECT upper(city) AS c, count(*) FROM orders GROUP BY c",
                          "SELECT upper(city) AS c, count(*) FROM orders GROUP BY 1",
                          "SELECT upper(city) AS c, count(*) FROM orders GROUP BY upper(city)"}) {
    auto plan = BindOk(sql);
    ASSERT_NE(plan, nullptr) << sql;
    std::string text = plan->ToString();
    EXPECT_NE(text.find("Aggregate groups: upper("), std::string::npos) << sql << "\n" << text;
  }
}

TEST_F(BinderTest, OrderByHiddenColumnIsDroppedAfterTheSort) {
  auto plan = BindOk("SELECT order_id FROM orders ORDER BY total DESC LIMIT 3");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->kind, PlanKind::kProject);
  EXPECT_EQ(plan->types.size(), 1u);
  EXPECT_EQ(plan->children[0]->kind, PlanKind::kSort);
  EXPECT_EQ(plan->children[0]->limit, std::optional<uint64_t>(3));
}

TEST_F(BinderTest, SameNamedColumnsOfTwoTablesStayApart) {
  auto plan = BindOk(
      "SELECT o.city, c.city, count(o.city), count(c.city) FROM orders o JOIN customers c "
      "ON o.customer_id = c.customer_id GROUP BY o.city, c.city");
  ASSERT_NE(plan, nullptr);
  const PlanNode* agg = plan->children[0].get();
  ASSERT_EQ(agg->kind, PlanKind::kAggregate);
  EXPECT_EQ(agg->groups.size(), 2u);
  EXPECT_EQ(agg->aggregates.size(), 2u);
}

TEST_F(BinderTest, AConstantThatCannotBeComputedIsAnErrorOnlyWhenReached) {
  auto plan = BindOk("SELECT CASE WHEN items > 100 THEN CAST('a' AS INTEGER) ELSE 1 END FROM orders");
  EXPECT_NE(plan, nullptr);
}

TEST_F(BinderTest, ExponentialWithQueriesAreRefused) {
  std::string sql = "WITH a0 AS (SELECT 1 AS x)";
  for (int i = 1; i <= 20; ++i) {
    sql += ", a" + std::to_string(i) + " AS (SELECT p.x FROM a" + std::to_string(i - 1) +
           " p, a" + std::to_string(i - 1) + " q)";
  }
  sql += " SELECT count(*) FROM a20";
  EXPECT_NE(BindError(sql).message.find("more than 1000 times"), std::string::npos);
}

TEST(SqlParserLimits, DeepNestingAndHugeExpressionsAreErrorsNotCrashes) {
  std::string deep = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')');
  auto a = Parse(deep);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("nested at most 200 levels"), std::string::npos);
  std::string minus = "SELECT " + std::string(100000, '-') + "1";
  EXPECT_FALSE(Parse(minus).ok());
  std::string subqueries;
  for (int i = 0; i < 5000; ++i) subqueries += "SELECT * FROM (";
  subqueries += "SELECT 1" + std::string(5000, ')');
  EXPECT_FALSE(Parse(subqueries).ok());
  std::string sum = "SELECT 1";
  for (int i = 0; i < 50000; ++i) sum += "+1";
  auto b = Parse(sum);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("at most 2000 operators"), std::string::npos);
}

}  // namespace
}  // namespace tp::storage::sql
