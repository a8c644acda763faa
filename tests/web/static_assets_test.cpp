// The admin page's files over real HTTP (web/static_assets.h): the page and
// Chart.js byte for byte as on disk, gzip when accepted (checked by gzip
// -dc), 304 on a current ETag, 404 for other names. Who may see the page:
// tests/web/admin_auth_test.cpp.
#include "web/static_assets.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/common/temp_dir.h"
#include "tests/web/test_server.h"
#include "web/http_client.h"

namespace tp::web {
namespace {

class PageBackend : public Backend {
 public:
  bool Ready() const override { return true; }
  bool HasTable(std::string_view) const override { return false; }
  std::vector<std::string> TableNames() const override { return {}; }
  void Ingest(const IngestCall&, std::function<void(IngestAnswer)> done) override { done({}); }
  std::string StatusJson() const override { return "{\"version\":\"test\"}"; }
  std::string TablesJson() const override { return "{\"tables\":[]}"; }
  std::string MetricsText() const override { return ""; }
};

using Server = testing::TestServer<PageBackend>;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `gz` decompressed by the system's gzip.
std::string Gunzip(const std::string& gz) {
  tp::testing::TempDir tmp;
  const std::string path = (tmp.path() / "body.gz").string();
  std::ofstream(path, std::ios::binary) << gz;
  std::string out;
  FILE* p = ::popen(("gzip -dc '" + path + "'").c_str(), "r");
  if (p == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << "gzip -dc failed: not a gzip body";
  return out;
}

TEST(StaticAssets, PageAndChartJsComeAsOnDiskWithETags) {
  Server s;
  HttpClient client(s.url());
  auto page = client.Get("/");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, ReadFile(std::string(TILLPIPE_SOURCE_DIR) + "/web/assets/index.html"));
  EXPECT_EQ(page->Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->Header("Content-Encoding"), "");  // the client did not offer gzip
  EXPECT_EQ(page->Header("Cache-Control"), "no-cache");
  EXPECT_NE(page->Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  const std::string etag = page->Header("ETag");
  ASSERT_EQ(etag.size(), 18u) << etag;  // a quoted 16-digit hash
  EXPECT_EQ(etag.front(), '"');

  // Chart.js from Debian's libjs-chart.js, what the page loads.
  const std::string chart = ReadFile("/usr/share/javascript/chart.js/chart.min.js");
  ASSERT_GT(chart.size(), 100000u);
  EXPECT_NE(page->body.find("/assets/chart.min.js"), std::string::npos);
  auto js = client.Get("/assets/chart.min.js");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->body == chart) << js->body.size() << " bytes, not the " << chart.size() << " on disk";
  for (const char* name : {"app.js", "app.css"}) {
    auto f = client.Get(std::string("/assets/") + name);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->status, 200) << name;
    EXPECT_EQ(f->body, ReadFile(std::string(TILLPIPE_SOURCE_DIR) + "/web/assets/" + name)) << name;
    EXPECT_NE(f->Header("ETag"), etag) << name;
  }
}

TEST(StaticAssets, GzipWhenAcceptedAndNotWhenRefused) {
  Server s;
  HttpClient client(s.url());
  const std::string chart = ReadFile("/usr/share/javascript/chart.js/chart.min.js");
  auto gz = client.Request("GET", "/assets/chart.min.js", {}, {{"Accept-Encoding", "br, gzip;q=0.8"}});
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->Header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->Header("Vary"), "Accept-Encoding");
  EXPECT_LT(gz->body.size() * 2, chart.size()) << "gzip should at least halve minified JS";
  EXPECT_TRUE(Gunzip(gz->body) == chart);
  for (const char* refused : {"gzip;q=0", "identity", "*;q=1, gzip; q=0.0"}) {
    auto plain = client.Request("GET", "/assets/chart.min.js", {}, {{"Accept-Encoding", refused}});
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->Header("Content-Encoding"), "") << refused;
    EXPECT_EQ(plain->body.size(), chart.size()) << refused;
  }
  auto any = client.Request("GET", "/", {}, {{"Accept-Encoding", "*"}});
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->Header("Content-Encoding"), "gzip");
}

TEST(StaticAssets, CurrentETagGets304AndOthersTheFile) {
  Server s;
  HttpClient client(s.url());
  auto first = client.Get("/assets/app.js");
  ASSERT_TRUE(first.ok());
  const std::string etag = first->Header("ETag");
  for (const std::string& inm : {etag, "W/" + etag, "\"stale\", " + etag, std::string("*")}) {
    auto again = client.Request("GET", "/assets/app.js", {}, {{"If-None-Match", inm}});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, 304) << inm;
    EXPECT_EQ(again->body, "") << inm;
    EXPECT_EQ(again->Header("ETag"), etag) << inm;
  }
  auto stale = client.Request("GET", "/assets/app.js", {}, {{"If-None-Match", "\"0000000000000000\""}});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, first->body);
  // Keep-alive survives the bodiless 304s.
  auto after = client.Get("/");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 200);
}

TEST(StaticAssets, UnknownFilesAre404AndOtherMethods405) {
  Server s;
  HttpClient client(s.url());
  for (const char* path : {"/assets/nope.js", "/assets/", "/assets/../CMakeLists.txt", "/index.html"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r.ok()) << path;
    EXPECT_EQ(r->status, 404) << path;
  }
  auto post = client.Post("/", "x");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->Header("Allow"), "GET");
}

TEST(StaticAssets, LoopbackHosts) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", ""}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

}  // namespace
}  // namespace tp::web
