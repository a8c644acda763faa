// The admin page's _rejected and stream views on the real server: rejected
// records counted by table and reason code, listed newest first with their
// raw JSON, re-processed after the config was fixed (landing in the table, or
// in _rejected again if they still do not fit), each at most once, also
// across restarts; the stream's segments and consumers; the per-minute
// ingest series; tillpipe_rejected_records_total.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "tests/integration/admin_client.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

std::string OrdersConfig(const std::string& where) {
  return "timezone = \"UTC\"\n[tables.orders]\ntime = \"purchased_at\"\n" + where +
         "[tables.orders.columns]\norder_id = \"string\"\ntotal = \"decimal(12,2)\"\n"
         "purchased_at = \"timestamp\"\n";
}

const char kStrict[] = "where = \"total > 0\"\non_filter = \"reject\"\n";

// Waits (up to 10 s) until `get()` satisfies `done`; returns the last value.
template <typename Get, typename Done>
json WaitFor(Get get, Done done) {
  json j = get();
  for (int i = 0; i < 100 && !done(j); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    j = get();
  }
  return j;
}

json Rejected(Admin& a, const std::string& query = "") {
  auto r = a.Call("GET", "/api/v1/rejected" + query);
  EXPECT_EQ(r.status, 200) << query << ": " << r.body;
  return json::parse(r.body, nullptr, false);
}

int64_t OrdersCount(Admin& a) {
  auto r = a.Call("POST", "/api/v1/query", R"({"sql":"SELECT count(*) FROM orders"})");
  json j = json::parse(r.body, nullptr, false);
  return j.contains("rows") ? j["rows"][0][0].get<int64_t>() : -1;
}

TEST(RejectedApi, BrowseByTableAndReasonThenReprocessOnceAfterTheConfigIsFixed) {
  TempDir tmp;
  ServerProcess server(tmp.path(), OrdersConfig(kStrict));
  ASSERT_TRUE(server.Start()) << server.log();
  {
    Admin a(server);
    const std::string body =
        "{\"order_id\":\"good\",\"total\":5,\"purchased_at\":\"2026-11-20T10:00:00Z\"}\n"
        "{\"order_id\":\"free\",\"total\":0,\"purchased_at\":\"2026-11-20T10:01:00Z\"}\n"
        "{\"order_id\":\"typo\",\"total\":\"five\",\"purchased_at\":\"2026-11-20T10:02:00Z\"}\n";
    ASSERT_EQ(a.client.Post("/api/v1/ingest/orders", body)->status, 200);
    json r = WaitFor([&] { return Rejected(a); }, [](const json& j) { return j["total"] == 2; });
    ASSERT_EQ(r["total"], 2) << r.dump();
    EXPECT_EQ(r["last_24h"], 2);
    ASSERT_EQ(r["summary"].size(), 2u);
    std::map<std::string, json> by_reason;
    for (const json& s : r["summary"]) by_reason[s["reason_code"]] = s;
    EXPECT_EQ(by_reason["filtered"]["table"], "orders");
    EXPECT_EQ(by_reason["filtered"]["records"], 1);
    EXPECT_EQ(by_reason["bad_value"]["records"], 1);
    EXPECT_EQ(by_reason["bad_value"]["reprocessed"], 0);

    // Newest first, with the raw record and why.
    ASSERT_EQ(r["rows"].size(), 2u);
    EXPECT_EQ(r["rows"][0]["log_offset"], 2);
    EXPECT_EQ(r["rows"][0]["field"], "total");
    EXPECT_EQ(r["rows"][0]["reason_code"], "bad_value");
    EXPECT_NE(r["rows"][0]["record"].get<std::string>().find("\"five\""), std::string::npos);
    EXPECT_EQ(r["rows"][1]["log_offset"], 1);
    EXPECT_EQ(r["rows"][1]["field"], "where");
    EXPECT_NE(r["rows"][1]["reason"].get<std::string>().find("total > 0"), std::string::npos);
    EXPECT_TRUE(r["rows"][1]["reprocessed"].is_null());
    EXPECT_TRUE(r["next_before"].is_null());

    // Filters and paging.
    EXPECT_EQ(Rejected(a, "?reason=filtered")["rows"].size(), 1u);
    EXPECT_EQ(Rejected(a, "?table=page_views")["rows"].size(), 0u);
    json page = Rejected(a, "?limit=1");
    ASSERT_EQ(page["rows"].size(), 1u);
    EXPECT_EQ(page["next_before"], 2);
    json next = Rejected(a, "?limit=1&before=2");
    ASSERT_EQ(next["rows"].size(), 1u);
    EXPECT_EQ(next["rows"][0]["log_offset"], 1);
    EXPECT_EQ(Rejected(a, "?offset=2")["rows"][0]["record_bytes"],
              std::string("{\"order_id\":\"typo\",\"total\":\"five\",\"purchased_at\":\"2026-11-20T10:02:00Z\"}").size());
    for (const char* bad : {"?limit=9999", "?color=red", "?reason=x%27y", "?before=-1"}) {
      auto res = a.Call("GET", std::string("/api/v1/rejected") + bad);
      EXPECT_EQ(res.status, 400) << bad;
      EXPECT_NE(res.body.find("error"), std::string::npos) << bad;
    }

    // Refused: without the CSRF token, unknown offsets, a bad body.
    EXPECT_EQ(a.client.Request("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[1]}")->status, 403);
    auto unknown = a.Call("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[1,999]}");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("999"), std::string::npos) << unknown.body;
    EXPECT_EQ(a.Call("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[]}").status, 400);
    EXPECT_EQ(a.Call("POST", "/api/v1/rejected/reprocess", "[1]").status, 400);

    std::string metrics = a.client.Get("/metrics")->body;
    EXPECT_NE(metrics.find("tillpipe_rejected_records_total{table=\"orders\",reason=\"filtered\"} 1\n"),
              std::string::npos)
        << metrics;
    json status = json::parse(a.client.Get("/api/v1/status")->body);
    json per_minute = status["ingest"]["tables"]["orders"]["per_minute"];
    ASSERT_EQ(per_minute.size(), 60u);
    EXPECT_EQ(std::accumulate(per_minute.begin(), per_minute.end(), uint64_t{0},
                              [](uint64_t s, const json& v) { return s + v.get<uint64_t>(); }),
              3u);
    EXPECT_EQ(OrdersCount(a), 1);
  }
  ASSERT_EQ(server.Stop(), 0);

  // The fix: no more `where`. Re-processing the two records appends them
  // again: the free order lands in orders, the typo is rejected again.
  WriteFile(server.config_path(), OrdersConfig(""));
  ASSERT_TRUE(server.Start()) << server.log();
  Admin a(server);
  auto done = a.Call("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[1,2]}");
  ASSERT_EQ(done.status, 200) << done.body;
  json d = json::parse(done.body);
  ASSERT_EQ(d["reprocessed"].size(), 2u);
  EXPECT_EQ(d["reprocessed"][0]["log_offset"], 1);
  EXPECT_EQ(d["reprocessed"][0]["new_offset"], 3);
  EXPECT_EQ(d["reprocessed"][1]["new_offset"], 4);
  EXPECT_EQ(d["skipped"].size(), 0u);
  json r = WaitFor([&] { return Rejected(a); }, [](const json& j) { return j["total"] == 3; });
  EXPECT_EQ(r["total"], 3);
  EXPECT_EQ(r["rows"][0]["log_offset"], 4) << "the typo, rejected again under its new offset";
  EXPECT_EQ(r["rows"][0]["reason_code"], "bad_value");
  EXPECT_EQ(r["rows"][1]["reprocessed"]["new_offset"], 4);
  EXPECT_EQ(r["rows"][2]["reprocessed"]["new_offset"], 3);
  int64_t orders = 0;
  for (int i = 0; i < 100 && (orders = OrdersCount(a)) != 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(orders, 2);

  // A second click, or one after a restart, appends nothing.
  auto again = a.Call("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[1,2]}");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body)["reprocessed"].size(), 0u);
  EXPECT_EQ(json::parse(again.body)["skipped"].size(), 2u);
  ASSERT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start()) << server.log();
  Admin b(server);
  EXPECT_EQ(json::parse(b.Call("POST", "/api/v1/rejected/reprocess", "{\"offsets\":[2]}").body)["skipped"].size(),
            1u);
  json summary = Rejected(b);
  for (const json& s : summary["summary"]) {
    if (s["reason_code"] == "filtered") {
      EXPECT_EQ(s["reprocessed"], 1);
    }
  }
  EXPECT_EQ(OrdersCount(b), 2);

  // The stream view: every record is in one active segment, read by the materializer.
  auto st = b.Call("GET", "/api/v1/stream");
  ASSERT_EQ(st.status, 200) << st.body;
  json stream = json::parse(st.body);
  EXPECT_EQ(stream["end_offset"], 5);
  EXPECT_EQ(stream["retention_s"], 7 * 24 * 3600);
  ASSERT_GE(stream["segments"].size(), 1u);
  EXPECT_EQ(stream["segments"].back()["active"], true);
  EXPECT_EQ(stream["segments"].back()["end_offset"], 5);
  json consumers = WaitFor([&] { return json::parse(b.Call("GET", "/api/v1/stream").body)["consumers"]; },
                           [](const json& c) { return c.size() == 1 && c[0]["lag"] == 0; });
  ASSERT_EQ(consumers.size(), 1u);
  EXPECT_EQ(consumers[0]["name"], "materializer");
  EXPECT_EQ(consumers[0]["offset"], 5);
  ASSERT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace tp::testing
