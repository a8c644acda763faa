// The HTTP ingest API as pinned in DESIGN.md, exercised against the real
// `tillpipe serve` binary with a real HTTP client.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "stream/log.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

class IngestApiTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& extra_config = "") {
    server_ = std::make_unique<ServerProcess>(tmp_.path(), TestConfig(extra_config));
    ASSERT_TRUE(server_->Start()) << server_->log();
    client_ = std::make_unique<web::HttpClient>(server_->Url());
  }
  void TearDown() override {
    if (server_ && HasFailure()) std::cerr << "--- server log ---\n" << server_->log();
  }
  web::HttpResponse Post(const std::string& path, const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = client_->Post(path, body, headers);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : web::HttpResponse{};
  }
  static json Json(const web::HttpResponse& r) { return json::parse(r.body); }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<web::HttpClient> client_;
};

TEST_F(IngestApiTest, AcknowledgesWithDenseOffsets) {
  StartServer();
  auto r = Post("/api/v1/ingest/orders", "{\"order_id\":\"a\"}\n{\"order_id\":\"b\"}\n{\"order_id\":\"c\"}\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), (json{{"accepted", 3}, {"first_offset", 0}, {"last_offset", 2}}));
  r = Post("/api/v1/ingest/page_views", "{\"session_id\":\"s\"}");  // no trailing newline
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), (json{{"accepted", 1}, {"first_offset", 3}, {"last_offset", 3}}));
}

TEST_F(IngestApiTest, MalformedLinesGive400AndStoreNothing) {
  StartServer();
  auto r = Post("/api/v1/ingest/orders", "{\"a\":1}\n{\"a\":\n{\"a\":2}\n[1]\n");
  ASSERT_EQ(r.status, 400) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["bad_lines"], 2);
  ASSERT_EQ(j["errors"].size(), 2u);
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_EQ(j["errors"][1]["line"], 4);
  EXPECT_NE(j["error"].get<std::string>().find("nothing from this request was stored"),
            std::string::npos);
  // Nothing of the bad request was appended: the next good one starts at 0.
  r = Post("/api/v1/ingest/orders", "{\"a\":1}\n");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["first_offset"], 0);
  // An empty body is an error too.
  r = Post("/api/v1/ingest/orders", "\n");
  EXPECT_EQ(r.status, 400);
}

TEST_F(IngestApiTest, UnknownTableGives404NamingKnownTables) {
  StartServer();
  auto r = Post("/api/v1/ingest/ordres", "{\"a\":1}\n");
  ASSERT_EQ(r.status, 404);
  json j = Json(r);
  EXPECT_EQ(j["tables"], (json{"orders", "page_views"}));
  EXPECT_NE(j["error"].get<std::string>().find("orders, page_views"), std::string::npos);
  // Unknown endpoints are 404 too, wrong methods 405.
  EXPECT_EQ(client_->Get("/api/v1/nope")->status, 404);
  EXPECT_EQ(client_->Get("/api/v1/ingest/orders")->status, 405);
}

TEST_F(IngestApiTest, OversizedBodyGives413) {
  StartServer("[http]\nmax_body = \"4KiB\"\n");
  std::string body;
  while (body.size() < 8192) body += "{\"order_id\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n";
  auto r = Post("/api/v1/ingest/orders", body);
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_NE(Json(r)["error"].get<std::string>().find("max_body = 4 KiB"), std::string::npos);
  // The server is still fine, and a small request passes (new connection).
  client_->Disconnect();
  r = Post("/api/v1/ingest/orders", "{\"a\":1}\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["first_offset"], 0);
}

TEST_F(IngestApiTest, BadOrMissingTokenGives401) {
  const std::string token = "0123456789abcdef0123";
  StartServer("[auth]\ningest_tokens = [\"" + token + "\"]\n");
  auto r = Post("/api/v1/ingest/orders", "{\"a\":1}\n");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.Header("WWW-Authenticate").find("Bearer"), std::string::npos);
  r = Post("/api/v1/ingest/orders", "{\"a\":1}\n", {{"Authorization", "Bearer wrong-token-xxxxxxx"}});
  EXPECT_EQ(r.status, 401);
  r = Post("/api/v1/ingest/orders", "{\"a\":1}\n", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200) << r.body;
  // Health needs no token.
  EXPECT_EQ(client_->Get("/health")->status, 200);
}

TEST_F(IngestApiTest, IdempotencyKeyReplaysFirstAnswerAcrossRestart) {
  StartServer();
  const std::string body = "{\"order_id\":\"x\"}\n{\"order_id\":\"y\"}\n";
  auto first = Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", "batch-1"}});
  ASSERT_EQ(first.status, 200);
  auto again = Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", "batch-1"}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Json(again), Json(first));
  EXPECT_EQ(again.Header("Idempotent-Replayed"), "true");
  // Same key, other body: a conflict, not a silent replay.
  auto conflict = Post("/api/v1/ingest/orders", "{\"order_id\":\"z\"}\n", {{"Idempotency-Key", "batch-1"}});
  EXPECT_EQ(conflict.status, 422) << conflict.body;
  // Invalid key.
  EXPECT_EQ(Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", "has space"}}).status, 400);

  // kill -9: the key must survive without a clean shutdown.
  server_->Kill();
  ASSERT_TRUE(server_->Start()) << server_->log();
  client_->Disconnect();
  auto after = Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", "batch-1"}});
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(Json(after), Json(first));
  auto next = Post("/api/v1/ingest/orders", "{\"order_id\":\"n\"}\n");
  EXPECT_EQ(Json(next)["first_offset"], 2);  // nothing was appended twice
}

TEST_F(IngestApiTest, RestartKeepsOffsets) {
  StartServer();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Post("/api/v1/ingest/orders", "{\"i\":1}\n{\"i\":2}\n").status, 200);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->log().find("stopped cleanly at offset 10"), std::string::npos) << server_->log();
  ASSERT_TRUE(server_->Start()) << server_->log();
  client_->Disconnect();
  auto r = Post("/api/v1/ingest/orders", "{\"i\":3}\n");
  EXPECT_EQ(Json(r)["first_offset"], 10);
}

TEST_F(IngestApiTest, DiskGuardGives507WithRetryAfter) {
  StartServer("[stream]\nmin_free = \"1000000TiB\"\n");
  auto r = Post("/api/v1/ingest/orders", "{\"a\":1}\n");
  ASSERT_EQ(r.status, 507) << r.body;
  EXPECT_FALSE(r.Header("Retry-After").empty());
  EXPECT_NE(Json(r)["error"].get<std::string>().find(server_->data_dir().string()), std::string::npos)
      << r.body;
  json status = json::parse(client_->Get("/api/v1/status")->body);
  EXPECT_EQ(status["stream"]["disk_low"], true);
}

TEST_F(IngestApiTest, HealthReadyStatusMetrics) {
  StartServer();
  ASSERT_EQ(Post("/api/v1/ingest/orders", "{\"a\":1}\n{\"a\":2}\n").status, 200);
  EXPECT_EQ(client_->Get("/health")->status, 200);
  EXPECT_EQ(client_->Get("/ready")->status, 200);
  auto s = client_->Get("/api/v1/status");
  ASSERT_EQ(s->status, 200);
  json j = json::parse(s->body);
  EXPECT_EQ(j["stream"]["end_offset"], 2);
  EXPECT_EQ(j["ingest"]["tables"]["orders"]["records"], 2);
  EXPECT_GE(j["stream"]["segments"], 1);
  auto t = client_->Get("/api/v1/tables");
  json tables = json::parse(t->body)["tables"];
  ASSERT_EQ(tables.size(), 3u);  // the config's two, then _rejected
  EXPECT_EQ(tables[0]["name"], "orders");
  EXPECT_EQ(tables[2]["name"], "_rejected");
  EXPECT_EQ(tables[0]["columns"][1]["type"], "decimal(12,2)");
  auto m = client_->Get("/metrics");
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("tillpipe_ingest_records_total{table=\"orders\"} 2\n"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("tillpipe_stream_end_offset 2\n"), std::string::npos);
}

TEST_F(IngestApiTest, ManyConcurrentKeepAliveClients) {
  StartServer();
  constexpr int kClients = 16, kRequests = 40, kRecords = 25;
  std::mutex mu;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      web::HttpClient client(server_->Url());
      std::string body;
      for (int i = 0; i < kRecords; ++i) body += "{\"c\":" + std::to_string(c) + ",\"i\":" + std::to_string(i) + "}\n";
      for (int r = 0; r < kRequests; ++r) {
        auto res = client.Post("/api/v1/ingest/page_views", body);
        if (!res.ok() || res->status != 200) {
          ++failures;
          continue;
        }
        json j = json::parse(res->body);
        std::lock_guard lock(mu);
        ranges.emplace_back(j["first_offset"], j["last_offset"]);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures, 0);
  ASSERT_EQ(ranges.size(), size_t{kClients * kRequests});
  std::sort(ranges.begin(), ranges.end());
  uint64_t next = 0;
  for (auto [first, last] : ranges) {  // dense, no overlap, no gap
    EXPECT_EQ(first, next);
    EXPECT_EQ(last - first + 1, uint64_t{kRecords});
    next = last + 1;
  }
}

TEST_F(IngestApiTest, SecondServerOnSameDataDirIsRefused) {
  StartServer();
  ServerProcess second(tmp_.path(), TestConfig());
  EXPECT_FALSE(second.Start(std::chrono::seconds(10)));
  EXPECT_EQ(second.exit_code(), 1);
  EXPECT_NE(second.log().find("in use by another tillpipe"), std::string::npos) << second.log();
}

}  // namespace
}  // namespace tp::testing
