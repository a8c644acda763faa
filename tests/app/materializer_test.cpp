// The materializer end to end in one process: records appended to a real
// log become Parquet part files that DuckDB reads with the same totals;
// bad records land in _rejected; nothing is duplicated across restarts or
// after a flush that never committed.
#include "app/materializer.h"

#include <gtest/gtest.h>

#include "tests/common/duckdb.h"
#include "tests/common/temp_dir.h"

namespace tp::app {
namespace {

using storage::LogicalType;
using storage::TypeId;
using json = nlohmann::json;

MaterializedTable Orders() {
  MaterializedTable t;
  t.name = "orders";
  t.time_column = "purchased_at";
  t.schema = storage::Schema{{
      {"order_id", LogicalType::Of(TypeId::kString), false},
      {"city", LogicalType::Of(TypeId::kString), true},
      {"total", LogicalType::Decimal(12, 2), false},
      {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false},
  }};
  return t;
}

struct World {
  testing::TempDir dir;
  std::unique_ptr<stream::Log> log;
  std::unique_ptr<storage::Catalog> catalog;
  std::vector<std::string> messages;

  World() { Reopen(); }
  void Reopen() {
    log.reset();
    catalog.reset();
    stream::LogOptions lo;
    lo.dir = dir.path() / "stream";
    lo.min_free = 0;
    auto l = stream::Log::Open(lo);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log = std::move(*l);
    auto c = storage::Catalog::Open(dir.path() / "catalog.sqlite");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog = std::move(*c);
  }
  std::unique_ptr<Materializer> Open(const std::string& tz = "UTC") {
    MaterializerOptions o;
    o.data_dir = dir.path();
    o.timezone = tz;
    o.tables = {Orders()};
    o.info_log = [this](std::string_view s) { messages.emplace_back(s); };
    auto m = Materializer::Open(o, log.get(), catalog.get());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }
  void Append(const std::string& table, const std::vector<std::string>& records) {
    stream::BatchBuilder b;
    for (const auto& r : records) b.Add(r);
    stream::AppendRequest req;
    req.table = table;
    req.record_count = b.count();
    req.payload = b.Finish(&req.payload_crc);
    ASSERT_TRUE(log->AppendSync(std::move(req)).status.ok());
  }
  json Duck(const std::string& sql_over_orders) {
    std::string glob = (dir.path() / "tables" / "orders" / "*" / "*.parquet").string();
    auto j = testing::DuckDb({"CREATE VIEW orders AS SELECT * FROM read_parquet('" + glob +
                                  "', hive_partitioning = true)",
                              sql_over_orders});
    EXPECT_FALSE(j.contains("error")) << j.dump();
    return j;
  }
};

std::string Order(int i, const std::string& when, const std::string& total = "12.34") {
  return R"({"order_id":"o)" + std::to_string(i) + R"(","city":"Recife","total":)" + total +
         R"(,"purchased_at":")" + when + "\"}";
}

TEST(Materializer, WritesPartitionedParquetThatDuckDbReads) {
  World w;
  auto m = w.Open();
  std::vector<std::string> recs;
  for (int i = 0; i < 1000; ++i) {
    recs.push_back(Order(i, i % 2 ? "2026-11-20T23:59:59Z" : "2026-11-21T00:00:00Z", "0.10"));
  }
  w.Append("orders", recs);
  w.Append("orders", {R"({"order_id":"bad","total":"lots","purchased_at":"2026-11-21T00:00:00Z"})"});
  w.Append("returns", {R"({"x":1})"});  // a table the config does not have
  ASSERT_TRUE(m->Poll(true).ok());
  auto stats = m->Stats();
  EXPECT_EQ(stats.next_offset, 1002u);
  EXPECT_EQ(stats.rows_written, 1000u);
  EXPECT_EQ(stats.rows_rejected, 2u);

  // Two day partitions, and DuckDB sums the decimals exactly.
  json j = w.Duck("SELECT date::VARCHAR, count(*), sum(total)::VARCHAR FROM orders GROUP BY date ORDER BY date");
  EXPECT_EQ(j["rows"], (json{{"2026-11-20", "500", "50.00"}, {"2026-11-21", "500", "50.00"}}));
  j = w.Duck("SELECT typeof(total), typeof(purchased_at) FROM orders LIMIT 1");
  EXPECT_EQ(j["rows"][0][0], "DECIMAL(12,2)");

  // The catalog registered both files with their rows.
  auto files = w.catalog->Files("orders");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].day, "2026-11-20");
  EXPECT_EQ((*files)[0].rows, 500u);

  // Rejected records, with the field and reason, readable too.
  std::string rglob = (w.dir.path() / "tables" / "_rejected" / "*" / "*.parquet").string();
  j = testing::DuckDb("SELECT table_name, log_offset, field FROM read_parquet('" + rglob +
                      "') ORDER BY log_offset");
  EXPECT_EQ(j["rows"], (json{{"orders", "1000", "total"}, {"returns", "1001", "table"}}));
}

TEST(Materializer, StoreTimeZonePicksTheDay) {
  World w;
  auto m = w.Open("America/Sao_Paulo");  // UTC-3
  // 01:30Z on the 21st is 22:30 on the 20th in São Paulo.
  w.Append("orders", {Order(1, "2026-11-21T01:30:00Z"), Order(2, "2026-11-21T03:30:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  auto files = w.catalog->Files("orders");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].day, "2026-11-20");
  EXPECT_EQ((*files)[1].day, "2026-11-21");
}

TEST(Materializer, ResumesWhereItCommittedWithoutDuplicates) {
  World w;
  {
    auto m = w.Open();
    w.Append("orders", {Order(1, "2026-11-21T10:00:00Z"), Order(2, "2026-11-21T11:00:00Z")});
    ASSERT_TRUE(m->Poll(true).ok());
    w.Append("orders", {Order(3, "2026-11-21T12:00:00Z")});
    ASSERT_TRUE(m->Stop().ok());  // the final flush at shutdown
  }
  w.Reopen();
  auto m = w.Open();
  w.Append("orders", {Order(4, "2026-11-22T12:00:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT count(*), count(DISTINCT order_id) FROM orders");
  EXPECT_EQ(j["rows"], json::array({json::array({"4", "4"})}));  // BIGINT renders as strings
}

// A flush that wrote files but never committed (a crash between the two)
// leaves unregistered files: Open removes them and the rows come back from
// the log exactly once.
TEST(Materializer, UncommittedFilesAreRemovedAndReplayed) {
  World w;
  {
    auto m = w.Open();
    w.Append("orders", {Order(1, "2026-11-21T10:00:00Z")});
    ASSERT_TRUE(m->Poll(true).ok());
  }
  // Fake the crash: a part file on disk that the catalog does not know.
  auto stray = w.dir.path() / "tables" / "orders" / "date=2026-11-21" / "part-99999999999999999999-0.parquet";
  std::filesystem::copy_file(w.dir.path() / w.catalog->Files("orders")->at(0).path, stray);
  w.Append("orders", {Order(2, "2026-11-21T11:00:00Z")});
  auto m = w.Open();
  EXPECT_FALSE(std::filesystem::exists(stray));
  ASSERT_FALSE(w.messages.empty());
  EXPECT_NE(w.messages.back().find("removed 1 unregistered part file"), std::string::npos);
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT count(*), count(DISTINCT order_id) FROM orders");
  EXPECT_EQ(j["rows"], json::array({json::array({"2", "2"})}));
}

TEST(Materializer, RegistersAsLogConsumerForRetention) {
  World w;
  auto m = w.Open();
  w.Append("orders", {Order(1, "2026-11-21T10:00:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  auto consumers = w.log->Consumers();
  ASSERT_EQ(consumers.size(), 1u);
  EXPECT_EQ(consumers[0].name, "materializer");
  EXPECT_EQ(consumers[0].offset, 1u);
  EXPECT_EQ(consumers[0].lag, 0u);
}

}  // namespace
}  // namespace tp::app
