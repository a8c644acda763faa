// The HTTP server on its own, over a fake backend: memory bounds, Expect:
// 100-continue, keep-alive, and what reaches the backend.
#include "web/http_server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "tests/web/test_server.h"
#include "web/http_client.h"

namespace tp::web {
namespace {

// Records what it is asked to ingest; answers at once, or holds answers
// until Release() when `hold` is set.
class FakeBackend : public Backend {
 public:
  bool hold = false;

  bool Ready() const override { return true; }
  bool HasTable(std::string_view t) const override { return t == "orders"; }
  std::vector<std::string> TableNames() const override { return {"orders"}; }
  void Ingest(const IngestCall& call, std::function<void(IngestAnswer)> done) override {
    IngestAnswer a;
    std::lock_guard lock(mu_);
    a.accepted = static_cast<uint32_t>(call.records->size());
    a.first_offset = next_;
    a.last_offset = next_ + a.accepted - 1;
    next_ += a.accepted;
    keys_.emplace_back(call.idempotency_key);
    if (hold) {
      held_.emplace_back(std::move(done), a);
      cv_.notify_all();
    } else {
      done(a);
    }
  }
  void WaitHeld(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return held_.size() >= n; });
  }
  void Release() {
    std::vector<std::pair<std::function<void(IngestAnswer)>, IngestAnswer>> h;
    {
      std::lock_guard lock(mu_);
      h.swap(held_);
    }
    for (auto& [done, a] : h) done(a);
  }
  std::vector<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }
  std::string StatusJson() const override { return "{}"; }
  std::string TablesJson() const override { return "{}"; }
  std::string MetricsText() const override { return ""; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0;
  std::vector<std::string> keys_;
  std::vector<std::pair<std::function<void(IngestAnswer)>, IngestAnswer>> held_;
};

std::string Body(size_t bytes) {
  std::string b;
  while (b.size() < bytes) b += "{\"order_id\":\"0123456789012345678901234567890123456789\"}\n";
  return b;
}

using Server = testing::TestServer<FakeBackend>;

TEST(HttpServer, BodyBudgetRefusesWith503WhileFull) {
  ServerOptions o;
  o.max_inflight_body_bytes = 100'000;
  Server s(o);
  s.backend.hold = true;
  const std::string body = Body(80'000);
  std::thread first([&] {
    HttpClient c(s.url());
    auto r = c.Post("/api/v1/ingest/orders", body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
  });
  s.backend.WaitHeld(1);  // the first body is now held in memory
  HttpClient c(s.url());
  auto r = c.Post("/api/v1/ingest/orders", body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->Header("Retry-After"), "1");
  s.backend.Release();
  first.join();
  // Budget returned: the same request passes now.
  s.backend.hold = false;
  HttpClient again(s.url());
  r = again.Post("/api/v1/ingest/orders", body);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  Server s(ServerOptions{});
  HttpClient c(s.url());
  for (int i = 0; i < 200; ++i) {
    auto r = c.Post("/api/v1/ingest/orders", "{\"a\":1}\n{\"a\":2}\n",
                    {{"Idempotency-Key", "k" + std::to_string(i)}});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200);
  }
  EXPECT_EQ(s.server->counters().open_connections, 1u);
  auto keys = s.backend.keys();
  ASSERT_EQ(keys.size(), 200u);
  EXPECT_EQ(keys[199], "k199");
}

// curl sends "Expect: 100-continue" for big bodies; both the accepting and
// the refusing path must give the client a proper final answer.
TEST(HttpServer, ExpectContinueWithCurl) {
  ServerOptions o;
  o.ingest_tokens = {"0123456789abcdef"};
  Server s(o);
  char path[] = "/tmp/tillpipe-body-XXXXXX";
  int fd = mkstemp(path);
  std::string body = Body(2'000'000);
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  auto curl = [&](const std::string& token) {
    std::string cmd = "curl -s -o - -w ' %{http_code}' -H 'Expect: 100-continue' "
                      "-H 'Authorization: Bearer " + token + "' --data-binary @" + path +
                      " http://127.0.0.1:" + std::to_string(s.server->port()) +
                      "/api/v1/ingest/orders 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
  };
  std::string ok = curl("0123456789abcdef");
  EXPECT_NE(ok.find("\"accepted\":"), std::string::npos) << ok;
  EXPECT_TRUE(ok.ends_with(" 200")) << ok;
  std::string refused = curl("wrong-token-wrong-token");
  EXPECT_TRUE(refused.ends_with(" 401")) << refused;
  unlink(path);
}

TEST(HttpServer, GarbageRequestDoesNotHurtOthers) {
  Server s(ServerOptions{});
  {
    // Not HTTP at all: the connection is dropped.
    HttpClient raw(s.url());
    auto r = raw.Request("GET", "/\r\n\r\nnonsense\x01\x02");
    (void)r;
  }
  HttpClient c(s.url());
  auto r = c.Get("/health");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace tp::web
