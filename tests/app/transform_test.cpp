// The transformation stage's SQL: per-table `where` / `on_filter` and derived
// columns `{ type, expr }`, from the config file (errors at their line, with
// the position inside the expression) through the materializer to Parquet
// files DuckDB reads, and the tail queries see.
#include "app/transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/table_schema.h"
#include "tests/app/materializer_world.h"

namespace tp::app {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// An orders table with the given extra lines under [tables.orders] and
// [tables.orders.columns]; lines 1-3 are the header, the columns start at 4
// + extra_table.size().
std::string OrdersConfig(std::initializer_list<std::string_view> table_lines,
                         std::initializer_list<std::string_view> column_lines) {
  std::string out = "timezone = \"Europe/Berlin\"\n[tables.orders]\ntime = \"purchased_at\"\n";
  for (auto l : table_lines) out += std::string(l) + "\n";
  out +=
      "[tables.orders.columns]\n"
      "order_id = \"string\"\n"
      "city = { type = \"string\", nullable = true }\n"
      "total = \"decimal(12,2)\"\n"
      "coupon = { type = \"string\", nullable = true }\n"
      "purchased_at = \"timestamp\"\n";
  for (auto l : column_lines) out += std::string(l) + "\n";
  return out;
}

std::string AllErrors(const ConfigLoad& load) {
  std::string out;
  for (const auto& e : load.errors) out += e.ToString() + "\n";
  return out;
}

// Exactly one error, on `line`, containing every substring.
void ExpectError(const std::string& text, int line,
                 std::initializer_list<std::string_view> substrings) {
  ConfigLoad load = LoadConfigText(text, "t.toml");
  ASSERT_EQ(load.errors.size(), 1u) << AllErrors(load);
  EXPECT_EQ(load.errors[0].line, line) << load.errors[0].ToString();
  for (auto s : substrings) EXPECT_THAT(load.errors[0].message, HasSubstr(std::string(s)));
}

// ---------------------------------------------------------------------------
// The config

TEST(TransformConfig, ReadsWhereOnFilterAndDerivedColumns) {
  ConfigLoad load = LoadConfigText(
      OrdersConfig({"where = \"total >= 0\"", "on_filter = \"reject\""},
                   {"hour = { type = \"int32\", expr = \"extract(hour from purchased_at)\" }"}),
      "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  const TableSpec& t = load.config->tables.at(0);
  EXPECT_EQ(t.where, "total >= 0");
  EXPECT_EQ(t.on_filter, OnFilter::kReject);
  EXPECT_EQ(t.columns.back().name, "hour");
  EXPECT_EQ(t.columns.back().expr, "extract(hour from purchased_at)");
  // The default is drop.
  load = LoadConfigText(OrdersConfig({"where = \"total >= 0\""}, {}), "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  EXPECT_EQ(load.config->tables[0].on_filter, OnFilter::kDrop);
}

TEST(TransformConfig, ExpressionErrorsPointAtTheKeyAndInsideTheExpression) {
  // Line 10: the first extra column line.
  ExpectError(OrdersConfig({}, {"h = { type = \"int32\", expr = \"extract(hour from purchsed_at)\" }"}),
              10, {"tables.orders.columns.h.expr: column \"purchsed_at\" not found in orders",
                  "did you mean \"purchased_at\"?", "(position 19)"});
  ExpectError(OrdersConfig({"where = \"total >\""}, {}), 4,
              {"tables.orders.where: syntax error", "(position 8)"});
  ExpectError(OrdersConfig({"where = \"total + 1\""}, {}), 4,
              {"where needs a BOOLEAN expression", "not DECIMAL"});
  ExpectError(OrdersConfig({"where = \"purchased_at > now() - INTERVAL '1 day'\""}, {}), 4,
              {"now() is not allowed in a transformation", "replayed"});
  ExpectError(OrdersConfig({}, {"n = { type = \"int64\", expr = \"count(*)\" }"}), 10,
              {"aggregate functions are not allowed in a transformation"});
  ExpectError(OrdersConfig({}, {"a = { type = \"int32\", expr = \"b + 1\" }",
                                "b = { type = \"int32\", expr = \"1\" }"}),
              10, {"column \"b\" is derived and declared after \"a\"", "declare it above"});
  ExpectError(OrdersConfig({}, {"a = { type = \"int32\", expr = \"a + 1\" }"}), 10,
              {"cannot name its own column"});
  ExpectError(OrdersConfig({}, {"d = { type = \"date\", expr = \"total\" }"}), 10,
              {"gives DECIMAL(12,2), which does not convert to the column's type date"});
  ExpectError(OrdersConfig({}, {"c = { type = \"string\", expr = \"city\", from = \"x\" }"}), 10,
              {"a column with expr is computed, not read from the record; drop from"});
  ExpectError(OrdersConfig({"where = \"\""}, {}), 4,
              {"tables.orders.where: is empty; write SQL like \"total >= 0\""});
  ExpectError(OrdersConfig({}, {"e = { type = \"int32\", expr = 5 }"}), 10,
              {"tables.orders.columns.e.expr: must be a string"});
  ExpectError(OrdersConfig({"on_filter = \"rejct\""}, {}), 4,
              {"\"rejct\" is not a mode", "did you mean \"reject\"?"});
  ExpectError(OrdersConfig({"on_filter = \"reject\""}, {}), 4,
              {"has nothing to act on", "where"});
  // Every problem is reported, not just the first.
  ConfigLoad load = LoadConfigText(
      OrdersConfig({"where = \"nope\""}, {"a = { type = \"int32\", expr = \"zz\" }"}), "t.toml");
  EXPECT_EQ(load.errors.size(), 2u) << AllErrors(load);
}

// ---------------------------------------------------------------------------
// Apply on columns

TEST(Transform, ComputesInOrderFiltersAndFailsRowsAlone) {
  ConfigLoad load = LoadConfigText(
      OrdersConfig({"where = \"total >= 0 AND city <> 'test'\""},
                   {"n = { type = \"int32\", nullable = true, expr = \"CAST(coupon AS INTEGER)\" }",
                    "n2 = { type = \"int64\", expr = \"coalesce(n, 0) * 2\" }"}),
      "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  auto tr = Transform::Create(TransformOf(load.config->tables[0], "Europe/Berlin"));
  ASSERT_TRUE(tr.ok()) << tr.status().ToString();
  ASSERT_NE(*tr, nullptr);
  const Transform& t = **tr;
  EXPECT_FALSE(t.Derives(0));
  EXPECT_TRUE(t.Derives(5));
  EXPECT_TRUE(t.Derives(6));

  std::vector<storage::Column> cols;
  for (const auto& c : load.config->tables[0].columns) cols.emplace_back(c.Type());
  struct Row {
    const char* city;  // nullptr = NULL
    int64_t total_cents;
    const char* coupon;
  };
  const std::vector<Row> rows = {
      {"Recife", 100, "7"},      // kept, n = 7, n2 = 14
      {"test", 100, nullptr},    // filtered by city
      {nullptr, 100, nullptr},   // NULL city: where is NULL, filtered
      {"Natal", -5, "1"},        // filtered by total
      {"Natal", 5, "x1"},        // the cast fails: fails alone
      {"Olinda", 5, nullptr},    // kept, n NULL, n2 = 0
  };
  // One row decoded before (with its derived values already there).
  for (auto& c : cols) {
    if (c.type().id == storage::TypeId::kString) {
      c.AppendString("earlier");
    } else {
      c.AppendInt64(0);
    }
  }
  cols[5] = storage::Column(storage::LogicalType::Of(storage::TypeId::kInt32));
  cols[5].AppendInt32(99);
  for (const Row& r : rows) {
    cols[0].AppendString("o");
    r.city ? cols[1].AppendString(r.city) : cols[1].AppendNull();
    cols[2].AppendInt64(r.total_cents);
    r.coupon ? cols[3].AppendString(r.coupon) : cols[3].AppendNull();
    cols[4].AppendInt64(0);
  }
  std::vector<Transform::Outcome> out;
  std::vector<Transform::Failure> failures;
  t.Apply(&cols, 1, 1 + rows.size(), &out, &failures);
  using O = Transform::Outcome;
  EXPECT_EQ(out, (std::vector<O>{O::kKeep, O::kFiltered, O::kFiltered, O::kFiltered, O::kFailed,
                                 O::kKeep}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].row, 4u);
  EXPECT_EQ(failures[0].field, "n");
  EXPECT_THAT(failures[0].reason, HasSubstr("cannot be computed: "));
  EXPECT_THAT(failures[0].reason, HasSubstr("x1"));
  EXPECT_THAT(failures[0].reason, HasSubstr("expr = \"CAST(coupon AS INTEGER)\""));
  // The derived columns now have every row; the earlier row is untouched.
  ASSERT_EQ(cols[5].size(), 7u);
  ASSERT_EQ(cols[6].size(), 7u);
  EXPECT_EQ(cols[5].Get<int32_t>(0), 99);
  EXPECT_EQ(cols[5].Get<int32_t>(1), 7);
  EXPECT_EQ(cols[6].Get<int64_t>(1), 14);
  EXPECT_TRUE(cols[5].IsNull(6));
  EXPECT_EQ(cols[6].Get<int64_t>(6), 0);
}

TEST(Transform, NullInANonNullableDerivedColumnFailsTheRow) {
  ConfigLoad load = LoadConfigText(
      OrdersConfig({}, {"lc = { type = \"string\", expr = \"lower(city)\" }"}), "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  auto tr = Transform::Create(TransformOf(load.config->tables[0], "UTC"));
  ASSERT_TRUE(tr.ok()) << tr.status().ToString();
  std::vector<storage::Column> cols;
  for (const auto& c : load.config->tables[0].columns) cols.emplace_back(c.Type());
  for (const char* city : {"RECIFE", static_cast<const char*>(nullptr)}) {
    cols[0].AppendString("o");
    city ? cols[1].AppendString(city) : cols[1].AppendNull();
    cols[2].AppendInt64(1);
    cols[3].AppendNull();
    cols[4].AppendInt64(0);
  }
  std::vector<Transform::Outcome> out;
  std::vector<Transform::Failure> failures;
  (*tr)->Apply(&cols, 0, 2, &out, &failures);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].field, "lc");
  EXPECT_THAT(failures[0].reason, HasSubstr("is NULL but the column is not nullable"));
  EXPECT_EQ(cols[5].GetString(0), "recife");
}

TEST(Transform, NoExpressionsMeansNoTransform) {
  ConfigLoad load = LoadConfigText(OrdersConfig({}, {}), "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  auto tr = Transform::Create(TransformOf(load.config->tables[0], "UTC"));
  ASSERT_TRUE(tr.ok());
  EXPECT_EQ(*tr, nullptr);
}

// ---------------------------------------------------------------------------
// Through the materializer

MaterializedTable FromConfig(const std::string& text) {
  ConfigLoad load = LoadConfigText(text, "t.toml");
  EXPECT_TRUE(load.config) << AllErrors(load);
  return TablesOf(*load.config).at(0);
}

std::string Record(int i, const std::string& city, const std::string& total,
                   const std::string& when, const std::string& extra = "") {
  return R"({"order_id":"o)" + std::to_string(i) + R"(","city":")" + city +
         R"(","total":)" + total + R"(,"purchased_at":")" + when + "\"" + extra + "}";
}

TEST(TransformMaterializer, DerivedColumnsAndWhereLandInParquetAndRejected) {
  World w;
  auto m = w.Open("Europe/Berlin",
                  FromConfig(OrdersConfig(
                      {"where = \"total >= 0 AND city <> 'test'\"", "on_filter = \"reject\""},
                      {"hour = { type = \"int32\", expr = \"extract(hour from purchased_at)\" }",
                       "n = { type = \"int32\", nullable = true, "
                       "expr = \"CAST(coupon AS INTEGER)\" }"})));
  ASSERT_NE(m, nullptr);
  // Around the end of summer time in Berlin (2026-10-25 03:00 CEST -> 02:00 CET).
  w.Append("orders", {
      Record(1, "Recife", "1.00", "2026-10-25T00:30:00Z"),                    // 02:30 CEST
      Record(2, "Recife", "2.00", "2026-10-25T01:30:00Z", R"(,"hour":77)"),   // 02:30 CET
      Record(3, "test", "3.00", "2026-10-25T02:30:00Z"),                      // filtered
      Record(4, "Natal", "-4.00", "2026-10-25T02:30:00Z"),                    // filtered
      Record(5, "Natal", "5.00", "2026-10-25T22:59:59Z", R"(,"coupon":"x")"), // cast fails
      Record(6, "Natal", "6.00", "2026-10-25T23:00:00Z", R"(,"coupon":"12")"),// next day
  });
  ASSERT_TRUE(m->Poll(true).ok());
  MaterializerStats s = m->Stats();
  EXPECT_EQ(s.rows_written, 3u);
  EXPECT_EQ(s.rows_rejected, 3u);
  EXPECT_EQ(s.rows_filtered, 2u);
  EXPECT_EQ(s.filtered_by_table["orders"], 2u);

  json j = w.Duck(
      "SELECT order_id, date::VARCHAR, hour, n FROM orders ORDER BY order_id");
  EXPECT_EQ(j["rows"], (json{{"o1", "2026-10-25", 2, nullptr},
                             {"o2", "2026-10-25", 2, nullptr},
                             {"o6", "2026-10-26", 0, 12}}))
      << j.dump();
  // DuckDB computes the same hours in the store's time zone.
  std::string glob = (w.dir.path() / "tables" / "orders" / "*" / "*.parquet").string();
  j = testing::DuckDb({"SET TimeZone = 'Europe/Berlin'",
                       "SELECT count(*) FROM read_parquet('" + glob +
                           "') WHERE hour <> extract(hour FROM purchased_at)"});
  EXPECT_EQ(j["rows"], (json{{"0"}})) << j.dump();

  std::string rglob = (w.dir.path() / "tables" / "_rejected" / "*" / "*.parquet").string();
  j = testing::DuckDb({"SELECT log_offset, field, reason FROM read_parquet('" + rglob +
                       "') ORDER BY log_offset"});
  ASSERT_EQ(j["rows"].size(), 3u) << j.dump();
  EXPECT_EQ(j["rows"][0][0], "2");
  EXPECT_EQ(j["rows"][0][1], "where");
  EXPECT_THAT(j["rows"][0][2].get<std::string>(),
              HasSubstr("does not match where = \"total >= 0 AND city <> 'test'\""));
  EXPECT_EQ(j["rows"][1][0], "3");
  EXPECT_EQ(j["rows"][2][0], "4");
  EXPECT_EQ(j["rows"][2][1], "n");
  EXPECT_THAT(j["rows"][2][2].get<std::string>(), HasSubstr("cannot be computed"));
}

TEST(TransformMaterializer, BigBatchKeepsOrderAndTheTailIsWhole) {
  World w;
  auto m = w.Open("UTC", FromConfig(OrdersConfig(
                             {"where = \"CAST(substr(order_id, 2) AS INTEGER) % 3 <> 0\""},
                             {"id = { type = \"int64\", expr = \"CAST(substr(order_id, 2) AS "
                              "BIGINT)\" }"})));
  ASSERT_NE(m, nullptr);
  std::vector<std::string> recs;
  for (int i = 0; i < 5000; ++i) recs.push_back(Record(i, "Recife", "1.00", "2026-11-21T10:00:00Z"));
  w.Append("orders", recs);
  ASSERT_TRUE(m->Poll(false).ok());
  // Before any flush: the tail holds the kept rows, every column complete.
  size_t tail_rows = 0;
  ASSERT_TRUE(m->ReadTail("orders", [&](const std::vector<TailChunk>& chunks) {
                 for (const TailChunk& c : chunks) {
                   tail_rows += c.row_day->size();
                   for (const auto& col : *c.columns) EXPECT_EQ(col.size(), c.row_day->size());
                   const int id = c.schema->Find("id");
                   ASSERT_GE(id, 0);
                   const auto& ids = (*c.columns)[static_cast<size_t>(id)];
                   for (size_t r = 1; r < ids.size(); ++r) {
                     EXPECT_LT(ids.Get<int64_t>(r - 1), ids.Get<int64_t>(r));
                   }
                 }
               }).ok());
  EXPECT_EQ(tail_rows, 3333u);
  ASSERT_TRUE(m->Poll(true).ok());
  EXPECT_EQ(m->Stats().rows_filtered, 1667u);
  EXPECT_EQ(m->Stats().rows_rejected, 0u);  // on_filter = "drop"
  json j = w.Duck("SELECT count(*), sum(id), min(id), max(id), count(*) FILTER (id % 3 = 0) "
                  "FROM orders");
  EXPECT_EQ(j["rows"], (json{{"3333", "8331667", "1", "4999", "0"}})) << j.dump();
}

TEST(TransformMaterializer, ADerivedTimeColumnPicksTheDay) {
  World w;
  std::string text =
      "[tables.visits]\ntime = \"day\"\n[tables.visits.columns]\n"
      "at = \"string\"\n"
      "day = { type = \"date\", expr = \"CAST(substr(at, 1, 10) AS DATE)\" }\n";
  MaterializedTable t = FromConfig(text);
  auto m = w.Open("UTC", t);
  ASSERT_NE(m, nullptr);
  w.Append("visits", {R"({"at":"2026-11-20 x"})", R"({"at":"2026-11-21 y"})",
                      R"({"at":"bad"})"});
  ASSERT_TRUE(m->Poll(true).ok());
  auto files = w.catalog->Files("visits");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].day, "2026-11-20");
  EXPECT_EQ((*files)[1].day, "2026-11-21");
  EXPECT_EQ(m->Stats().rows_rejected, 1u);  // "bad" is no date
}

}  // namespace
}  // namespace tp::app
