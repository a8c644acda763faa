// The admin API's saved objects on the real server: dashboards from the
// config, edited on the page (kept in the catalog across restarts, reverted
// by DELETE), and API tokens (created, listed without secrets, checked by
// ingest and reads, revoked).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/common/poll.h"
#include "tests/integration/admin_client.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

const char kDashboards[] = R"toml(
[[dashboards]]
name = "sales"
title = "Sales"
[[dashboards.panels]]
title = "Orders"
chart = "number"
refresh = "30s"
sql = "SELECT count(*) FROM orders"
)toml";

json Dashboard(Admin& a, const std::string& name) {
  json list = json::parse(a.Call("GET", "/api/v1/dashboards").body)["dashboards"];
  for (const json& d : list) {
    if (d["name"] == name) return d;
  }
  return nullptr;
}

TEST(AdminApi, DashboardsFromConfigEditedSavedAndReverted) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig(kDashboards));
  ASSERT_TRUE(server.Start()) << server.log();
  Admin a(server);
  json d = Dashboard(a, "sales");
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d["source"], "config");
  EXPECT_EQ(d["panels"][0]["refresh_s"], 30);

  // Bad edits are refused whole, naming what is wrong.
  auto bad = a.Call("PUT", "/api/v1/dashboards/sales",
                    R"({"title":"Sales","panels":[{"title":"x","sql":"SELECT 1","chart":"pie","refresh_s":1}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("panels[0].chart"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("panels[0].refresh"), std::string::npos) << bad.body;
  EXPECT_EQ(a.Call("PUT", "/api/v1/dashboards/Bad%20Name", R"({"title":"x","panels":[]})").status, 400);
  // A write without the CSRF token is refused.
  EXPECT_EQ(a.client.Request("PUT", "/api/v1/dashboards/sales", "{}")->status, 403);

  const std::string edited =
      R"j({"title":"Sales (mine)","panels":[{"title":"Orders per day","sql":"SELECT 1 AS a, 2 AS b","chart":"line","refresh_s":60}]})j";
  auto put = a.Call("PUT", "/api/v1/dashboards/sales", edited);
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_EQ(a.Call("PUT", "/api/v1/dashboards/mine", edited).status, 200);

  // Saved in the catalog: a restart keeps both.
  ASSERT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start()) << server.log();
  Admin b(server);
  d = Dashboard(b, "sales");
  EXPECT_EQ(d["title"], "Sales (mine)");
  EXPECT_EQ(d["source"], "config, edited on the page");
  EXPECT_EQ(Dashboard(b, "mine")["source"], "page");

  auto revert = b.Call("DELETE", "/api/v1/dashboards/sales");
  EXPECT_EQ(revert.status, 200);
  EXPECT_EQ(json::parse(revert.body)["reverted_to_config"], true);
  EXPECT_EQ(Dashboard(b, "sales")["title"], "Sales");
  auto again = b.Call("DELETE", "/api/v1/dashboards/sales");
  EXPECT_EQ(again.status, 404);
  EXPECT_NE(again.body.find("defined in the config"), std::string::npos) << again.body;
  EXPECT_EQ(b.Call("DELETE", "/api/v1/dashboards/mine").status, 200);
  EXPECT_TRUE(Dashboard(b, "mine").is_null());
}

TEST(AdminApi, IngestTokensCreatedCheckedAndRevoked) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  Admin a(server);
  web::HttpClient ingest(server.Url());
  const std::string record = "{\"order_id\":\"o1\",\"total\":1.5,\"purchased_at\":\"2026-11-01T10:00:00Z\"}\n";
  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record)->status, 200) << "no tokens yet: open";

  EXPECT_EQ(a.Call("POST", "/api/v1/tokens", R"({"name":"x","scope":"admin"})").status, 400);
  auto made = a.Call("POST", "/api/v1/tokens", R"({"name":"shop backend","scope":"ingest"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const json token = json::parse(made.body);
  const std::string secret = token["token"];
  EXPECT_EQ(secret.size(), 3u + 64u) << "tp_ and 256 random bits";
  auto reader = json::parse(a.Call("POST", "/api/v1/tokens", R"({"name":"grafana","scope":"read"})").body);

  auto list = a.Call("GET", "/api/v1/tokens");
  EXPECT_EQ(json::parse(list.body)["tokens"].size(), 2u);
  EXPECT_EQ(list.body.find(secret), std::string::npos) << "secrets are shown once, never listed";
  EXPECT_EQ(list.body.find(secret.substr(3, 16)), std::string::npos);

  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record)->status, 401) << "a token exists now";
  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record, {{"Authorization", "Bearer " + secret}})->status, 200);
  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record,
                        {{"Authorization", "Bearer " + reader["token"].get<std::string>()}})
                ->status,
            401)
      << "a read token cannot ingest";

  EXPECT_EQ(a.Call("DELETE", "/api/v1/tokens/" + std::to_string(token["id"].get<int64_t>())).status, 200);
  EXPECT_EQ(a.Call("DELETE", "/api/v1/tokens/" + std::to_string(token["id"].get<int64_t>())).status, 404);
  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record, {{"Authorization", "Bearer " + secret}})->status, 401)
      << "revoked";
  EXPECT_EQ(ingest.Post("/api/v1/ingest/orders", record)->status, 401)
      << "revoking the last ingest token must not open ingest to anyone";

  // Tokens survive a restart (the catalog keeps their hashes).
  auto again = json::parse(a.Call("POST", "/api/v1/tokens", R"({"name":"new","scope":"ingest"})").body);
  ASSERT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient after(server.Url());
  EXPECT_EQ(after.Post("/api/v1/ingest/orders", record,
                       {{"Authorization", "Bearer " + again["token"].get<std::string>()}})
                ->status,
            200);
}

// With a password set, reads need a session or a read token; the CLI
// passes one with --token.
TEST(AdminApi, ReadTokensOpenTheApiToScriptsOnceAPasswordIsSet) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  Admin a(server);
  const std::string read = json::parse(a.Call("POST", "/api/v1/tokens", R"({"name":"r","scope":"read"})").body)["token"];
  const std::string ing = json::parse(a.Call("POST", "/api/v1/tokens", R"({"name":"i","scope":"ingest"})").body)["token"];
  ASSERT_EQ(RunSplit({TILLPIPE_BINARY, "passwd", "--data-dir", server.data_dir().string()}, "password one\n").code, 0);
  web::HttpClient c(server.Url());
  EXPECT_EQ(StatusOnceNot200([&] { return c.Get("/api/v1/status")->status; }), 401);
  EXPECT_EQ(c.Request("GET", "/api/v1/status", "", {{"Authorization", "Bearer " + read}})->status, 200);
  EXPECT_EQ(c.Request("GET", "/api/v1/status", "", {{"Authorization", "Bearer " + ing}})->status, 401);
  EXPECT_EQ(c.Request("GET", "/api/v1/tokens", "", {{"Authorization", "Bearer " + read}})->status, 401)
      << "a read token does not open the admin objects";

  CmdRun no = RunSplit({TILLPIPE_BINARY, "query", "--url", server.url(), "SELECT 1 AS x"});
  EXPECT_EQ(no.code, 1);
  EXPECT_NE(no.err.find("--token"), std::string::npos) << no.err;
  CmdRun yes = RunSplit({TILLPIPE_BINARY, "query", "--url", server.url(), "--token", read, "--format", "csv",
                         "SELECT 1 AS x"});
  EXPECT_EQ(yes.code, 0) << yes.err;
  EXPECT_EQ(yes.out, "x\n1\n");
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

TEST(AdminApi, MetricsHaveQueryLatencyAndStreamLag) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient c(server.Url());
  EXPECT_EQ(c.Post("/api/v1/query", R"({"sql":"SELECT 1"})")->status, 200);
  EXPECT_EQ(c.Post("/api/v1/query", R"({"sql":"SELECT count(*) FROM orders"})")->status, 200);
  EXPECT_EQ(c.Post("/api/v1/query", R"({"sql":"SELECT nope FROM orders"})")->status, 400);
  const std::string m = c.Get("/metrics")->body;
  EXPECT_NE(m.find("# TYPE tillpipe_query_duration_seconds histogram\n"), std::string::npos) << m;
  EXPECT_NE(m.find("tillpipe_query_duration_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("tillpipe_query_duration_seconds_count 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("tillpipe_stream_lag_records{consumer=\"materializer\"} 0\n"), std::string::npos) << m;
}

}  // namespace
}  // namespace tp::testing
