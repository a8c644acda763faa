// Test fixture shared by the materializer and transformation tests: a real
// log and catalog in a temporary directory, a materializer over them, and
// DuckDB to read the Parquet files it writes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/materializer.h"
#include "tests/common/duckdb.h"
#include "tests/common/temp_dir.h"

namespace tp::app {

inline MaterializedTable Orders() {
  using storage::LogicalType;
  using storage::TypeId;
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
  std::unique_ptr<Materializer> Open(const std::string& tz = "UTC",
                                     MaterializedTable table = Orders()) {
    MaterializerOptions o;
    o.data_dir = dir.path();
    o.timezone = tz;
    o.tables = {std::move(table)};
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
  nlohmann::json Duck(const std::string& sql_over_orders) {
    std::string glob = (dir.path() / "tables" / "orders" / "*" / "*.parquet").string();
    auto j = testing::DuckDb({"CREATE VIEW orders AS SELECT * FROM read_parquet('" + glob +
                                  "', hive_partitioning = true, union_by_name = true)",
                              sql_over_orders});
    EXPECT_FALSE(j.contains("error")) << j.dump();
    return j;
  }
};

inline std::string Order(int i, const std::string& when, const std::string& total = "12.34") {
  return R"({"order_id":"o)" + std::to_string(i) + R"(","city":"Recife","total":)" + total +
         R"(,"purchased_at":")" + when + "\"}";
}

}  // namespace tp::app
