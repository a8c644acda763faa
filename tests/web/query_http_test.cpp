// POST /api/v1/query in the HTTP server over a fake backend: what reaches
// the backend, request errors, keep-alive, and cancellation when the client
// goes away or the server stops.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/web/test_server.h"
#include "web/http_client.h"
#include "web/http_server.h"

namespace tp::web {
namespace {

using namespace std::chrono_literals;

// Answers "ok <sql>" at once, or, for SQL "wait", blocks until cancelled.
class QueryBackend : public Backend {
 public:
  bool Ready() const override { return true; }
  bool HasTable(std::string_view) const override { return false; }
  std::vector<std::string> TableNames() const override { return {}; }
  void Ingest(const IngestCall&, std::function<void(IngestAnswer)> done) override {
    done(IngestAnswer{});
  }
  std::string StatusJson() const override { return "{}"; }
  std::string TablesJson() const override { return "{}"; }
  std::string MetricsText() const override { return ""; }

  QueryAnswer Query(std::string_view sql, bool csv, const std::atomic<bool>* cancel) override {
    {
      std::lock_guard lock(mu_);
      last_sql_ = std::string(sql);
      last_csv_ = csv;
      ++running_;
      cv_.notify_all();
    }
    QueryAnswer a;
    if (sql == "throw") {
      {
        std::lock_guard lock(mu_);
        --running_;
      }
      throw std::runtime_error("a bug in the backend");
    }
    if (sql == "wait") {
      auto deadline = std::chrono::steady_clock::now() + 20s;
      while (!cancel->load() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
      std::lock_guard lock(mu_);
      cancelled_ += cancel->load() ? 1 : 0;
      a.status = 503;
      a.body = "{\"error\":\"cancelled\"}\n";
    } else {
      a.content_type = csv ? "text/csv" : "application/json";
      a.body = "ok " + std::string(sql);
    }
    std::lock_guard lock(mu_);
    --running_;
    cv_.notify_all();
    return a;
  }

  bool WaitRunning(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return running_ == n; });
  }
  bool WaitCancelled(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return cancelled_ == n && running_ == 0; });
  }
  std::string last_sql() {
    std::lock_guard lock(mu_);
    return last_sql_;
  }
  bool last_csv() {
    std::lock_guard lock(mu_);
    return last_csv_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string last_sql_;
  bool last_csv_ = false;
  int running_ = 0;
  int cancelled_ = 0;
};

using Server = testing::TestServer<QueryBackend>;

TEST(QueryHttp, PassesSqlAndAcceptAndKeepsTheConnection) {
  Server s;
  HttpClient c(s.url());
  for (int i = 0; i < 3; ++i) {  // the same kept-alive connection each time
    auto r = c.Post("/api/v1/query", "{\"sql\":\"SELECT 1\"}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok SELECT 1");
    EXPECT_EQ(r->Header("Content-Type"), "application/json");
    EXPECT_FALSE(s.backend.last_csv());
  }
  auto r = c.Post("/api/v1/query", "{\"sql\":\"SELECT 'é'\"}", {{"Accept", "text/CSV"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "text/csv");
  EXPECT_EQ(s.backend.last_sql(), "SELECT 'é'");
  EXPECT_TRUE(s.backend.last_csv());
  EXPECT_EQ(s.server->counters().open_connections, 1u);
}

// A backend that throws costs that one answer (500 naming it), not the
// server: the next query on the same connection is answered.
TEST(QueryHttp, AnExceptionInTheBackendIsA500) {
  Server s;
  HttpClient c(s.url());
  auto r = c.Post("/api/v1/query", "{\"sql\":\"throw\"}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("a bug in the backend"), std::string::npos) << r->body;
  r = c.Post("/api/v1/query", "{\"sql\":\"SELECT 1\"}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "ok SELECT 1");
}

TEST(QueryHttp, RequestErrors) {
  ServerOptions o;
  o.max_query_body = 1000;
  Server s(o);
  HttpClient c(s.url());
  for (const char* body : {"", "SELECT 1", "[\"SELECT 1\"]", "{\"query\":\"SELECT 1\"}",
                           "{\"sql\":42}"}) {
    auto r = c.Post("/api/v1/query", body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_NE(r->body.find("{\\\"sql\\\": \\\"SELECT ...\\\"}"), std::string::npos) << r->body;
  }
  auto r = c.Get("/api/v1/query");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("Allow"), "POST");
  HttpClient big(s.url());
  r = big.Post("/api/v1/query", "{\"sql\":\"" + std::string(2000, ' ') + "SELECT 1\"}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("1000 bytes"), std::string::npos) << r->body;
}

TEST(QueryHttp, ClientThatGoesAwayCancelsItsQuery) {
  Server s;
  {
    HttpClient c(s.url(), 300ms);  // gives up (and closes) long before the query ends
    auto r = c.Post("/api/v1/query", "{\"sql\":\"wait\"}");
    EXPECT_FALSE(r.ok());
  }
  EXPECT_TRUE(s.backend.WaitCancelled(1));
  // The server goes on answering.
  HttpClient c(s.url());
  auto r = c.Post("/api/v1/query", "{\"sql\":\"SELECT 2\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST(QueryHttp, TooManyQueriesGet503) {
  ServerOptions o;
  o.max_queries = 1;
  Server s(o);
  std::thread first([&] {
    HttpClient c(s.url(), 300ms);
    (void)c.Post("/api/v1/query", "{\"sql\":\"wait\"}");
  });
  ASSERT_TRUE(s.backend.WaitRunning(1));
  HttpClient c(s.url());
  auto r = c.Post("/api/v1/query", "{\"sql\":\"SELECT 1\"}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("Retry-After"), "1");
  first.join();
  EXPECT_TRUE(s.backend.WaitCancelled(1));
}

TEST(QueryHttp, StopCancelsRunningQueries) {
  Server s;
  std::atomic<int> status{0};
  std::thread client([&] {
    HttpClient c(s.url());
    auto r = c.Post("/api/v1/query", "{\"sql\":\"wait\"}");
    status = r.ok() ? r->status : -1;
  });
  ASSERT_TRUE(s.backend.WaitRunning(1));
  auto start = std::chrono::steady_clock::now();
  s.server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  client.join();
  EXPECT_EQ(status, 503);
  EXPECT_TRUE(s.backend.WaitCancelled(1));
}

}  // namespace
}  // namespace tp::web
