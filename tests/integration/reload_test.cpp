// SIGHUP on a real server: a valid new config applies its new tables,
// dashboards and limits without a restart (and says what needs one); an
// invalid one is logged error by error and the server goes on unchanged.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "tests/integration/admin_client.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

const char* kReturns = R"toml(
[http]
listen = "127.0.0.1:1"
max_body = "1KiB"
[query]
timeout = "30s"
[tables.returns]
time = "returned_at"
[tables.returns.columns]
order_id = "string"
returned_at = "timestamp"
[[dashboards]]
name = "returns"
title = "Returns"
[[dashboards.panels]]
title = "Returns"
chart = "number"
sql = "SELECT count(*) FROM returns"
)toml";

// A table added by a reload gets its retention from the next compaction
// pass, not only after a restart: its old days go, today's stay.
TEST(Reload, ANewTablesRetentionAppliesWithoutARestart) {
  TempDir tmp;
  const std::string storage = "[storage]\nflush_interval = \"100ms\"\ncompact_interval = \"200ms\"\n";
  ServerProcess server(tmp.path(), TestConfig(storage));
  ASSERT_TRUE(server.Start()) << server.log();
  WriteFile(server.config_path(), TestConfig(storage + "[tables.returns]\ntime = \"returned_at\"\nretention = \"1d\"\n"
                                             "[tables.returns.columns]\norder_id = \"string\"\n"
                                             "returned_at = \"timestamp\"\n"));
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitForLog("reload done")) << server.log();
  EXPECT_EQ(server.log().find("retention applies after a restart"), std::string::npos) << server.log();

  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char today[32];
  std::strftime(today, sizeof today, "%Y-%m-%dT%H:%M:%SZ", &tm);
  web::HttpClient client(server.Url());
  auto r = client.Post("/api/v1/ingest/returns", "{\"order_id\":\"old\",\"returned_at\":\"2020-01-01T10:00:00Z\"}\n"
                                                 "{\"order_id\":\"new\",\"returned_at\":\"" + std::string(today) + "\"}\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_TRUE(server.WaitForLog("retention: dropped returns 2020-01-01")) << server.log();
  auto q = client.Post("/api/v1/query", R"({"sql":"SELECT order_id FROM returns ORDER BY order_id"})");
  ASSERT_TRUE(q.ok() && q->status == 200);
  EXPECT_EQ(json::parse(q->body)["rows"], json::parse(R"([["new"]])")) << q->body;
  ASSERT_EQ(server.Stop(), 0) << server.log();
}

TEST(Reload, AValidConfigAddsTablesDashboardsAndLimitsWithoutARestart) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  auto before = client.Post("/api/v1/ingest/returns", "{\"order_id\":\"a\",\"returned_at\":\"2026-11-20T10:00:00Z\"}\n");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->status, 404);

  WriteFile(server.config_path(), TestConfig(kReturns));
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitForLog("reload done")) << server.log();
  std::string log = server.log();
  EXPECT_NE(log.find("reload: applied new table returns"), std::string::npos) << log;
  EXPECT_NE(log.find("reload: applied dashboards: 1 in the config"), std::string::npos) << log;
  EXPECT_NE(log.find("reload: applied http.max_body: 1024 bytes"), std::string::npos) << log;
  // --listen on the command line wins over the file, and the listen address
  // would need a restart anyway: the server stays where it is.
  EXPECT_EQ(log.find("http.listen changed"), std::string::npos) << log;

  // The new table takes records at once, and they are queryable.
  auto r = client.Post("/api/v1/ingest/returns", "{\"order_id\":\"a\",\"returned_at\":\"2026-11-20T10:00:00Z\"}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    auto q = client.Post("/api/v1/query", R"({"sql":"SELECT count(*) AS n FROM returns"})");
    seen = q.ok() && q->status == 200 && json::parse(q->body)["rows"] == json::parse("[[1]]");
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(seen);
  // The new body limit.
  std::string big;
  for (int i = 0; i < 40; ++i) big += "{\"order_id\":\"o" + std::to_string(i) + "\",\"total\":\"1.00\"}\n";
  auto too_big = client.Post("/api/v1/ingest/orders", big);
  ASSERT_TRUE(too_big.ok());
  EXPECT_EQ(too_big->status, 413);
  // The new dashboard.
  Admin admin(server);
  json list = json::parse(admin.Call("GET", "/api/v1/dashboards").body)["dashboards"];
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0]["name"], "returns");
  // The tables API lists it.
  auto tables = client.Get("/api/v1/tables");
  ASSERT_TRUE(tables.ok());
  EXPECT_NE(tables->body.find("\"returns\""), std::string::npos);

  // What needs a restart is said, and kept.
  WriteFile(server.config_path(), TestConfig(std::string(kReturns) + "[stream]\nretention = \"2d\"\n"));
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitForLog("reload done", 2)) << server.log();
  EXPECT_NE(server.log().find("reload: [stream] changed: restart to apply"), std::string::npos) << server.log();
  auto stream = client.Get("/api/v1/stream");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(server.Stop(), 0) << server.log();
  // The rows of the new table are in its Parquet files after the stop.
  EXPECT_TRUE(std::filesystem::exists(server.data_dir() / "tables" / "returns"));
}

TEST(Reload, AnInvalidConfigIsLoggedAndTheServerGoesOnUnchanged) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  WriteFile(server.config_path(), TestConfig("[tables.bad]\ntime = \"missing\"\n[storage]\nflush_rows = -5\n"));
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.WaitForLog("still running on the previous config")) << server.log();
  std::string log = server.log();
  // Every error, with its place in the file.
  EXPECT_NE(log.find("reload: " + server.config_path().string() + ":"), std::string::npos) << log;
  EXPECT_NE(log.find("error(s)); still running"), std::string::npos) << log;
  EXPECT_EQ(log.find("reload done"), std::string::npos) << log;
  // Still up, still on the old config.
  web::HttpClient client(server.Url());
  auto ready = client.Get("/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
  auto r = client.Post("/api/v1/ingest/orders", "{\"order_id\":\"x\",\"total\":\"2.50\",\"purchased_at\":\"2026-11-20T10:00:00Z\"}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  auto bad = client.Post("/api/v1/ingest/bad", "{}\n");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 404);
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace tp::testing
