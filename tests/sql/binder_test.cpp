// Binder: names, types, errors with positions and suggestions, and the
// rewrites it does on the way (column pruning, pushdown, time ranges).
#include "storage/sql/binder.h"

#include <gtest/gtest.h>

#include "storage/sql/expression.h"
#include "storage/sql/parser.h"
#include "storage/sql/time_zone.h"
#include "storage/sql/vector.h"

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

// Found by tests/fuzz/sql_fuzz.cpp: INTERVAL literals whose fields leave
// int64/int32 were signed overflow (UB) while the binder folded them, and
// folded to a wrapped-around constant.
TEST_F(BinderTest, IntervalLiteralsOutOfRangeAreErrorsNotWrappedConstants) {
  for (const char* text :
       {"9223372036854775807 seconds", "2 day9223372036854775807s 3", "99999999999999:00:00",
        "2562047789:00:00", "99999999999999999999:00", "3000000000 days", "2147483647 months 1 month",
        "200000000 years", "-9223372036854775807 us -2 us", "9999999999999999999999 hours"}) {
    SCOPED_TRACE(text);
    const std::string sql = std::string("SELECT INTERVAL '") + text + "' AS a";
    auto plan = BindOk(sql);
    ASSERT_NE(plan, nullptr);
    ASSERT_EQ(plan->kind, PlanKind::kProject) << plan->ToString();
    ASSERT_EQ(plan->exprs.size(), 1u);
    // Not folded: evaluating it is the error, as for any bad constant.
    EXPECT_NE(plan->exprs[0]->kind, BoundKind::kConstant) << plan->ToString();
    Chunk one;
    one.size = 1;
    Vector out;
    Status s = Evaluate(ctx_, *plan->exprs[0], one, &out);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("Could not convert string '" + std::string(text) + "' to INTERVAL"),
              std::string::npos)
        << s.message();
  }
  // In range still works, up to the limits.
  for (const char* text : {"1 day 02:00:00", "2147483647 months", "-2562047788:00:00",
                           "1.5 days", "0.5 us"}) {
    SCOPED_TRACE(text);
    auto plan = BindOk(std::string("SELECT INTERVAL '") + text + "' AS a");
    ASSERT_NE(plan, nullptr);
    ASSERT_EQ(plan->kind, PlanKind::kProject) << plan->ToString();
    EXPECT_EQ(plan->exprs[0]->kind, BoundKind::kConstant) << plan->ToString();
  }
}

// Found by fuzzing too: chains of operators that the parser builds in a loop
// (IS NULL, IN, BETWEEN, LIKE, ::, NOT, joins) were not counted, so a long
// enough chain made a tree whose printing (ToSql, used for column names),
// binding and destruction overflowed the stack.
TEST(SqlParserLimits, ChainsOfPostfixOperatorsNotAndJoinsAreBounded) {
  auto chain = [](const std::string& head, const std::string& link, const std::string& tail,
                  int n) {
    std::string sql = head;
    for (int i = 0; i < n; ++i) sql += link;
    return sql + tail;
  };
  const struct {
    std::string sql;
    const char* message;
  } cases[] = {
      {chain("SELECT 1", " IS NULL", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1", " IS NOT NULL", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1", " IN (1)", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1", " NOT IN (1)", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1", " BETWEEN 1 AND 2", "", 50000), "at most 2000 operators"},
      {chain("SELECT 'a'", " LIKE 'a'", "", 50000), "at most 2000 operators"},
      {chain("SELECT 'a'", " NOT ILIKE 'a'", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1", "::int", "", 50000), "at most 2000 operators"},
      {chain("SELECT 1::int", " + 1::int", "", 1500), "at most 2000 operators"},
      {chain("SELECT ", "NOT ", "true", 50000), "nested at most 200 levels"},
      {chain("SELECT 1 FROM orders", ", orders", "", 50000), "at most 1000 joins"},
      {chain("SELECT 1 FROM orders", " JOIN orders ON true", "", 50000), "at most 1000 joins"},
      {chain("SELECT 1 FROM orders", " LEFT JOIN orders ON true", "", 50000),
       "at most 1000 joins"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql.substr(0, 40));
    auto s = Parse(c.sql);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find(c.message), std::string::npos) << s.status().message();
  }
  auto e = ParseExpression(chain("1", "::int", "", 50000));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("at most 2000 operators"), std::string::npos);
  // Up to the limits they parse.
  EXPECT_TRUE(Parse(chain("SELECT 1", " IS NULL", "", 2000)).ok());
  EXPECT_TRUE(Parse(chain("SELECT 1", "::int", "", 1000) + chain("", " IN (1)", "", 1000)).ok());
  EXPECT_TRUE(Parse(chain("SELECT ", "NOT ", "true", 150)).ok());
  EXPECT_TRUE(Parse(chain("SELECT 1 FROM orders", ", orders", "", 1000)).ok());
}

// Found by fuzzing: BETWEEN and CASE x WHEN bound their operand once per
// use, so nesting them took time exponential in the depth (a 600-byte query
// bound for minutes). The operand is now bound once and copied, with a cap on
// the copies.
TEST_F(BinderTest, NestedBetweenAndSimpleCaseBindTheirOperandOnce) {
  std::string between = "SELECT true";
  for (int i = 0; i < 60; ++i) between += " BETWEEN false AND true";
  auto plan = BindOk(between);  // folds level by level: linear
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->exprs[0]->kind, BoundKind::kConstant) << plan->ToString();

  std::string cases = "SELECT ";
  for (int i = 0; i < 60; ++i) cases += "CASE ";
  cases += "2";
  for (int i = 0; i < 60; ++i) cases += " WHEN 1 THEN 1 WHEN 2 THEN 2 END";
  plan = BindOk(cases);
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->exprs[0]->kind, BoundKind::kConstant) << plan->ToString();

  // Over a column the bound expression itself doubles per level: an error.
  std::string column_between = "SELECT items > 1";
  for (int i = 0; i < 60; ++i) column_between += " BETWEEN false AND true";
  column_between += " FROM orders";
  EXPECT_NE(BindError(column_between).message.find("too large once BETWEEN"), std::string::npos);
  std::string column_cases = "SELECT ";
  for (int i = 0; i < 60; ++i) column_cases += "CASE ";
  column_cases += "items";
  for (int i = 0; i < 60; ++i) column_cases += " WHEN 1 THEN 1 WHEN 2 THEN 2 END";
  column_cases += " FROM orders";
  EXPECT_NE(BindError(column_cases).message.find("too large once BETWEEN and CASE x WHEN"),
            std::string::npos);

  // A few levels are fine and keep their meaning.
  plan = BindOk(
      "SELECT CASE CASE items WHEN 1 THEN 10 WHEN 2 THEN 20 END WHEN 10 THEN 'a' ELSE 'b' END, "
      "items BETWEEN 1 AND 3 BETWEEN false AND true FROM orders");
  ASSERT_NE(plan, nullptr);
  const std::string text = plan->ToString();
  EXPECT_NE(text.find("CASE"), std::string::npos) << text;
}

// Found by fuzzing: matching sub-expressions against GROUP BY bound each
// node again for every expression around it (quadratic in the depth).
TEST_F(BinderTest, GroupByMatchingOfDeepExpressions) {
  std::string sql = "SELECT (items + 1)";
  for (int i = 0; i < 1500; ++i) sql += " + 1";
  sql += ", sum(total) FROM orders GROUP BY items + 1 HAVING (items + 1) * 2 > 0 "
         "ORDER BY (items + 1) DESC";
  auto plan = BindOk(sql);
  ASSERT_NE(plan, nullptr);
  // Still an error when a column is neither grouped nor aggregated.
  EXPECT_NE(BindError("SELECT items + 1 + city FROM orders GROUP BY items + 1")
                .message.find("must appear in the GROUP BY clause"),
            std::string::npos);
  EXPECT_NE(BindError("SELECT items FROM orders GROUP BY items + 1")
                .message.find("must appear in the GROUP BY clause"),
            std::string::npos);
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
