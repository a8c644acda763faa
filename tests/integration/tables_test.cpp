// Issue 3's first promise, end to end: the simulator's records, ingested
// into a real server with the embedded default config, land in Parquet
// files that DuckDB reads with the same totals as the NDJSON the simulator
// wrote (DuckDB reads both, so it is the oracle for each side).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <thread>

#include "app/config.h"
#include "tests/common/duckdb.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

// Per table: aggregates that exercise every kind of column. Decimal sums
// are exact in both (the NDJSON side casts its numbers to DECIMAL).
const std::vector<std::pair<std::string, std::string>> kChecks = {
    {"sellers", "count(*), count(DISTINCT seller_id), count(DISTINCT brand), "
                "min(epoch_us(onboarded_at::TIMESTAMPTZ)), max(epoch_us(onboarded_at::TIMESTAMPTZ))"},
    {"products", "count(*), sum(price::DECIMAL(18,2))::VARCHAR, count(DISTINCT category), "
                 "count(DISTINCT name), min(epoch_us(created_at::TIMESTAMPTZ))"},
    {"customers", "count(*), count(DISTINCT customer_id), count(DISTINCT city), "
                  "max(epoch_us(signup_at::TIMESTAMPTZ))"},
    {"orders", "count(*), sum(total::DECIMAL(18,2))::VARCHAR, sum(items), count(delivered_at), "
               "count(DISTINCT status), sum(epoch_us(purchased_at::TIMESTAMPTZ))"},
    {"order_items", "count(*), sum(amount::DECIMAL(18,2))::VARCHAR, "
                    "sum(unit_price::DECIMAL(18,2))::VARCHAR, sum(quantity), count(DISTINCT brand)"},
    {"payments", "count(*), sum(value::DECIMAL(18,2))::VARCHAR, sum(installments), "
                 "count(DISTINCT payment_type)"},
    {"reviews", "count(*), sum(score), count(comment), count(DISTINCT order_id)"},
    {"page_views", "count(*), count(customer_id), count(product_id), count(DISTINCT device), "
                   "max(epoch_us(viewed_at::TIMESTAMPTZ))"},
};

json Aggregate(const std::string& source, const std::string& aggs) {
  auto j = DuckDb({"SET TimeZone = 'UTC'", "SELECT " + aggs + " FROM " + source});
  EXPECT_FALSE(j.contains("error")) << source << ": " << j.dump();
  return j.contains("rows") ? j["rows"] : json();
}

std::string ParquetOf(const ServerProcess& s, const std::string& table) {
  return "read_parquet('" + (s.data_dir() / "tables" / table / "*" / "*.parquet").string() +
         "', hive_partitioning = true)";
}

TEST(Tables, SimulatorDataReadsBackWithTheSameTotals) {
  TempDir tmp;
  auto sim_dir = tmp.path() / "sim";
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "simulate", "--seed", "21", "--backlog", "3d", "--end",
                        "2026-11-28T06:00:00Z", "--out", sim_dir.string(), "-q"},
                       &out),
            0)
      << out;
  ServerProcess server(tmp.path() / "srv", std::string(app::DefaultConfigText()));
  ASSERT_TRUE(server.Start()) << server.log();
  for (const auto& [table, aggs] : kChecks) {
    ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", table, (sim_dir / (table + ".ndjson")).string(),
                          "--url", server.url(), "-q"},
                         &out),
              0)
        << out;
  }
  ASSERT_EQ(server.Stop(), 0) << server.log();  // the final flush

  for (const auto& [table, aggs] : kChecks) {
    std::string ndjson = "read_json('" + (sim_dir / (table + ".ndjson")).string() +
                         "', format = 'newline_delimited')";
    json expected = Aggregate(ndjson, aggs);
    json actual = Aggregate(ParquetOf(server, table), aggs);
    EXPECT_EQ(actual, expected) << table;
    ASSERT_FALSE(expected.empty());
    EXPECT_NE(expected[0][0], "0") << table << " has no rows in the simulator output";
  }
  // Every row is in the partition of its store-local (UTC here) day.
  json misplaced = Aggregate(ParquetOf(server, "orders"),
                             "count(*) FILTER (WHERE date::VARCHAR <> strftime(purchased_at, '%Y-%m-%d'))");
  EXPECT_EQ(misplaced, json::array({json::array({"0"})}));
  // The simulator's data is clean: nothing was rejected.
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "tables" / "_rejected"));

  // A restart changes nothing, and more data lands without duplicates.
  ASSERT_TRUE(server.Start()) << server.log();
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "orders", (sim_dir / "orders.ndjson").string(),
                        "--url", server.url(), "-q"},
                       &out),
            0);
  web::HttpClient client(server.Url());
  json tables = json::parse(client.Get("/api/v1/tables")->body)["tables"];
  ASSERT_EQ(server.Stop(), 0);
  json twice = Aggregate(ParquetOf(server, "orders"), "count(*), count(DISTINCT order_id)");
  json once = Aggregate("read_json('" + (sim_dir / "orders.ndjson").string() + "')",
                        "count(*) * 2, count(DISTINCT order_id)");
  EXPECT_EQ(twice, once) << "the second ingest of the same file is new data, stored once";
  for (const auto& t : tables) {
    if (t["name"] == "sellers") {
      EXPECT_GT(t["rows"].get<uint64_t>(), 0u);
      EXPECT_FALSE(t["days"].empty());
    }
  }
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 0)
      << out;
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

TEST(Tables, CheckFindsDamagedMissingAndStrayPartFiles) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  std::string body;
  for (int d = 1; d <= 3; ++d) {
    for (int i = 0; i < 50; ++i) {
      body += "{\"order_id\":\"o" + std::to_string(d * 100 + i) +
              "\",\"total\":9.99,\"purchased_at\":\"2026-11-0" + std::to_string(d) + "T12:00:00Z\"}\n";
    }
  }
  ASSERT_EQ(client.Post("/api/v1/ingest/orders", body)->status, 200);
  ASSERT_EQ(client.Post("/api/v1/ingest/orders", "{\"order_id\":\"bad\"}\n")->status, 200);
  // Decoded rows are queryable (the in-memory tail) long before the flush.
  json orders;
  for (int i = 0; i < 100; ++i) {
    orders = json::parse(client.Get("/api/v1/tables")->body)["tables"][0];
    if (orders["tail_rows"] == 150) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(orders["name"], "orders");
  EXPECT_EQ(orders["tail_rows"], 150) << orders.dump();
  EXPECT_EQ(orders["rows"], 0) << "flush_interval is 10 s";
  // Status and metrics tell the same story once the materializer caught up.
  json status;
  for (int i = 0; i < 300; ++i) {  // flush_interval is 10 s by default
    status = json::parse(client.Get("/api/v1/status")->body);
    if (status["materializer"]["lag_records"] == 0 && status["materializer"]["buffered_rows"] == 0 &&
        status["materializer"]["flushes"].get<int>() > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status["materializer"]["rows_written"], 150);
  EXPECT_EQ(status["materializer"]["rows_rejected"], 1);
  EXPECT_EQ(status["materializer"]["queryable_lag_records"], 0);
  EXPECT_EQ(status["materializer"]["freshness_ms"], 0);
  // Per table and day: rows, files, bytes, and the compression against the
  // records' NDJSON.
  json tables = json::parse(client.Get("/api/v1/tables")->body)["tables"];
  ASSERT_GE(tables.size(), 2u) << tables.dump();
  orders = tables[0];
  json rejected = tables.back();
  EXPECT_EQ(orders["rows"], 150);
  EXPECT_EQ(orders["tail_rows"], 0);
  EXPECT_EQ(orders["days"].size(), 3u);
  EXPECT_EQ(orders["raw_bytes"], body.size() - 150) << "the records without their newlines";
  EXPECT_GT(orders["compression_ratio"].get<double>(), 0.0);
  EXPECT_NEAR(orders["days"][0]["compression_ratio"].get<double>(),
              orders["days"][0]["raw_bytes"].get<double>() / orders["days"][0]["bytes"].get<double>(),
              0.01);
  EXPECT_EQ(rejected["name"], "_rejected");
  EXPECT_EQ(rejected["rows"], 1);
  EXPECT_EQ(rejected["raw_bytes"], std::string("{\"order_id\":\"bad\"}").size());
  std::string metrics = client.Get("/metrics")->body;
  EXPECT_NE(metrics.find("tillpipe_materializer_rows_written_total 150\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tillpipe_rejected_records_total{table=\"orders\",reason=\"missing_value\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tillpipe_flushes_total "), std::string::npos);
  EXPECT_NE(metrics.find("tillpipe_stream_fsync_duration_seconds_count "), std::string::npos);
  EXPECT_NE(metrics.find("tillpipe_materializer_lag_records 0\n"), std::string::npos);
  ASSERT_EQ(server.Stop(), 0);
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 0)
      << out;
  EXPECT_NE(out.find("tables: 4 part file(s), 151 rows"), std::string::npos) << out;  // + _rejected

  auto day = [&](int d) {
    auto dir = server.data_dir() / "tables" / "orders" / ("date=2026-11-0" + std::to_string(d));
    return std::filesystem::directory_iterator(dir)->path();
  };
  std::string bytes = ReadFile(day(1));
  bytes[bytes.size() / 2] ^= 0x01;  // same size, other bytes
  WriteFile(day(1), bytes);
  std::filesystem::remove(day(2));
  std::filesystem::copy_file(day(3), day(3).parent_path() / "part-stray.parquet");
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 1);
  EXPECT_NE(out.find("checksum mismatch"), std::string::npos) << out;
  EXPECT_NE(out.find("missing (50 rows of orders on 2026-11-02)"), std::string::npos) << out;
  EXPECT_NE(out.find("part-stray.parquet: not in the catalog"), std::string::npos) << out;
  EXPECT_NE(out.find("3 problem(s)"), std::string::npos) << out;
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

TEST(Tables, FromReadsNestedAndRenamedFields) {
  TempDir tmp;
  ServerProcess server(tmp.path(), R"toml(
[tables.orders]
time = "at"
[tables.orders.columns]
order_id = "string"
city = { type = "string", nullable = true, from = "customer.city" }
at = { type = "timestamp", from = "purchased_at" }
)toml");
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  ASSERT_EQ(client.Post("/api/v1/ingest/orders",
                        R"({"order_id":"a","customer":{"city":"Belém","id":7},"purchased_at":"2026-11-21T10:00:00Z"})"
                        "\n"
                        R"({"order_id":"b","purchased_at":"2026-11-21T11:00:00Z"})")
                ->status,
            200);
  ASSERT_EQ(server.Stop(), 0);
  auto j = DuckDb("SELECT order_id, city, epoch(\"at\")::BIGINT::VARCHAR FROM read_parquet('" +
                  (server.data_dir() / "tables" / "orders" / "*" / "*.parquet").string() +
                  "') ORDER BY order_id");
  ASSERT_FALSE(j.contains("error")) << j.dump();
  EXPECT_EQ(j["rows"], (json::array({json::array({"a", "Belém", "1795255200"}),
                                     json::array({"b", nullptr, "1795258800"})})));
}


// Schema evolution end to end: a field appears mid-stream, a whole number
// column later gets fractions; DuckDB reads old and new days together; a
// config change old files cannot follow is refused by validate and serve.
TEST(Tables, SchemaEvolvesMidStreamAndOldAndNewDaysReadTogether) {
  TempDir tmp;
  const std::string tables = R"toml(
[tables.orders]
time = "purchased_at"
[tables.orders.columns]
order_id = "string"
total = "decimal(12,2)"
purchased_at = "timestamp"
)toml";
  ServerProcess server(tmp.path(), tables);
  ASSERT_TRUE(server.Start()) << server.log();
  {
    web::HttpClient client(server.Url());
    ASSERT_EQ(client.Post("/api/v1/ingest/orders",
                          R"({"order_id":"a","total":"10.00","purchased_at":"2026-11-20T10:00:00Z"})"
                          "\n"
                          R"({"order_id":"b","total":"5.50","purchased_at":"2026-11-20T11:00:00Z"})")
                  ->status,
              200);
  }
  ASSERT_EQ(server.Stop(), 0);  // day one is on disk without the new fields
  const int64_t before_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  ASSERT_TRUE(server.Start()) << server.log();
  {
    web::HttpClient client(server.Url());
    ASSERT_EQ(client.Post("/api/v1/ingest/orders",
                          R"({"order_id":"c","total":1,"purchased_at":"2026-11-21T10:00:00Z","coupon":"BF","weight":2})"
                          "\n"
                          R"({"order_id":"d","total":1,"purchased_at":"2026-11-21T11:00:00Z","weight":1.25})"
                          "\n"
                          R"({"order_id":"e","total":1,"purchased_at":"2026-11-21T12:00:00Z","coupon":"X"})")
                  ->status,
              200);
    // The tables API says which columns the data added, and when.
    json columns;
    for (int i = 0; i < 100; ++i) {
      const json all = json::parse(client.Get("/api/v1/tables")->body);
      for (const json& t : all["tables"]) {
        if (t["name"] == "orders") columns = t["columns"];
      }
      if (columns.size() == 5) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(columns.size(), 5u) << columns.dump();
    std::map<std::string, json> by_name;
    for (const json& c : columns) by_name[c["name"]] = c;
    EXPECT_EQ(by_name["order_id"]["declared"], true);
    EXPECT_EQ(by_name["order_id"]["since_version"], 1);
    EXPECT_LT(by_name["order_id"]["since_us"].get<int64_t>(), before_us);
    EXPECT_EQ(by_name["coupon"]["declared"], false);
    EXPECT_GT(by_name["coupon"]["since_version"].get<int>(), 1);
    EXPECT_GE(by_name["coupon"]["since_us"].get<int64_t>(), before_us);
  }
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_NE(server.log().find("new column \"coupon\" (string, nullable)"), std::string::npos)
      << server.log();
  EXPECT_NE(server.log().find("\"weight\" widens from int64 to float64"), std::string::npos)
      << server.log();

  auto j = DuckDb("SELECT date::VARCHAR, count(*), count(coupon), sum(weight), typeof(sum(weight)) "
                  "FROM read_parquet('" +
                  (server.data_dir() / "tables" / "orders" / "*" / "*.parquet").string() +
                  "', hive_partitioning = true, union_by_name = true) GROUP BY date ORDER BY date");
  ASSERT_FALSE(j.contains("error")) << j.dump();
  EXPECT_EQ(j["rows"], (json::array({json::array({"2026-11-20", "2", "0", nullptr, "DOUBLE"}),
                                     json::array({"2026-11-21", "3", "2", 3.25, "DOUBLE"})})));

  // The catalog's schema now has the added columns; narrowing `total` or
  // making coupon NOT NULL cannot be applied to the files already written.
  auto config = tmp.path() / "changed.toml";
  const std::string data_dir = "data_dir = \"" + server.data_dir().string() + "\"\n";
  WriteFile(config, data_dir + R"toml(
[tables.orders]
time = "purchased_at"
[tables.orders.columns]
order_id = "string"
total = "int32"
purchased_at = "timestamp"
coupon = "string"
)toml");
  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "validate", "-c", config.string()}, &out), 78) << out;
  EXPECT_NE(out.find(config.string() + ":7:9: table orders: column \"total\" cannot change from "
                                       "decimal(12,2) to int32"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(config.string() + ":9:10: table orders: column \"coupon\" cannot become NOT "
                                       "NULL"),
            std::string::npos)
      << out;
  // serve refuses it as well, before touching anything.
  EXPECT_NE(RunCommand({TILLPIPE_BINARY, "serve", "-c", config.string()}, &out), 0);
  EXPECT_NE(out.find("cannot change from decimal(12,2) to int32"), std::string::npos) << out;
  // Widening is fine: a new schema version.
  WriteFile(config, data_dir + R"toml(
[tables.orders]
time = "purchased_at"
[tables.orders.columns]
order_id = "string"
total = "decimal(14,2)"
purchased_at = "timestamp"
coupon = { type = "string", nullable = true }
)toml");
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "validate", "-c", config.string()}, &out), 0) << out;
}

}  // namespace
}  // namespace tp::testing
