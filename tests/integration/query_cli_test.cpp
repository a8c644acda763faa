// `tillpipe query` and POST /api/v1/query end to end, on the real binary:
// the three output formats over --url and --data-dir (same answers), errors
// with a caret under the position, the tail's rows visible at once, and a
// data directory left byte for byte as it was by a --data-dir query.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Every file under `dir` with its bytes (and every directory).
std::map<std::string, std::string> Snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string rel = std::filesystem::relative(e.path(), dir).string();
    files[rel] = e.is_regular_file() ? ReadFile(e.path()) : "<dir>";
  }
  return files;
}

const char* kOrders =
    "{\"order_id\":\"o2\",\"total\":\"3.00\",\"purchased_at\":\"2026-11-20T11:00:00Z\"}\n"
    "{\"order_id\":\"o1\",\"total\":\"12.50\",\"purchased_at\":\"2026-11-20T10:00:00Z\"}\n"
    "{\"order_id\":\"x,\\\"y\",\"total\":\"1.00\",\"purchased_at\":\"2026-11-21T09:30:00Z\"}\n";

const char* kSql = "SELECT order_id, total, purchased_at FROM orders ORDER BY order_id";

const char* kCsv =
    "order_id,total,purchased_at\n"
    "o1,12.50,2026-11-20 10:00:00+00\n"
    "o2,3.00,2026-11-20 11:00:00+00\n"
    "\"x,\"\"y\",1.00,2026-11-21 09:30:00+00\n";

const char* kTable =
    " order_id | total |      purchased_at\n"
    "----------+-------+------------------------\n"
    " o1       | 12.50 | 2026-11-20 10:00:00+00\n"
    " o2       |  3.00 | 2026-11-20 11:00:00+00\n"
    " x,\"y     |  1.00 | 2026-11-21 09:30:00+00\n"
    "(3 rows)\n";

// Posts a query over HTTP.
Result<web::HttpResponse> PostQuery(ServerProcess& server, const std::string& sql,
                                    const std::vector<std::pair<std::string, std::string>>&
                                        headers = {}) {
  web::HttpClient client(server.Url());
  return client.Post("/api/v1/query", json{{"sql", sql}}.dump(), headers);
}

// Waits until `sql` (a count) answers `want` over HTTP; false after `timeout`.
bool WaitForCount(ServerProcess& server, const std::string& sql, int64_t want,
                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = PostQuery(server, sql);
    if (r.ok() && r->status == 200) {
      json j = json::parse(r->body, nullptr, false);
      if (!j.is_discarded() && j["rows"].size() == 1 && j["rows"][0][0] == want) return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

void Ingest(ServerProcess& server, const std::string& table, const std::string& ndjson) {
  web::HttpClient client(server.Url());
  auto r = client.Post("/api/v1/ingest/" + table, ndjson);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 200) << r->body;
}

void ExpectSameResult(const std::string& a, const std::string& b) {
  json ja = json::parse(a, nullptr, false), jb = json::parse(b, nullptr, false);
  ASSERT_FALSE(ja.is_discarded()) << a;
  ASSERT_FALSE(jb.is_discarded()) << b;
  EXPECT_EQ(ja["columns"], jb["columns"]);
  EXPECT_EQ(ja["rows"], jb["rows"]);
}

TEST(QueryCli, FormatsOverUrlThenTheSameFromTheStoppedDataDir) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  Ingest(server, "orders", kOrders);
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders", 3, 10s)) << server.log();

  const std::string url = server.url();
  CmdRun csv = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "--format", "csv", kSql});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out, kCsv);
  CmdRun table = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "--format", "table", kSql});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_EQ(table.out, kTable);
  CmdRun js = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "--format", "json", kSql});
  ASSERT_EQ(js.code, 0) << js.err;
  json j = json::parse(js.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << js.out;
  EXPECT_EQ(j["columns"], json::parse(R"J([{"name":"order_id","type":"VARCHAR"},
      {"name":"total","type":"DECIMAL(12,2)"},
      {"name":"purchased_at","type":"TIMESTAMP WITH TIME ZONE"}])J"));
  EXPECT_EQ(j["rows"][0], json::parse(R"(["o1", 12.50, "2026-11-20 10:00:00+00"])"));
  EXPECT_NE(js.out.find("[\"o1\",12.50,"), std::string::npos) << js.out;  // exact decimals
  EXPECT_EQ(j["stats"]["rows_returned"], 3);
  // Not piped to a terminal, without --format: CSV. SQL from stdin with "-" or nothing.
  CmdRun piped = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "-"}, kSql);
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(piped.out, kCsv);
  piped = RunSplit({TILLPIPE_BINARY, "query", "--url", url}, std::string(kSql) + ";\n");
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(piped.out, kCsv);

  // While the server runs, --data-dir refuses and points at --url.
  CmdRun busy = RunSplit({TILLPIPE_BINARY, "query", "--data-dir", server.data_dir().string(), kSql});
  EXPECT_EQ(busy.code, 1);
  EXPECT_NE(busy.err.find("in use by a running tillpipe"), std::string::npos) << busy.err;
  EXPECT_NE(busy.err.find("--url"), std::string::npos) << busy.err;

  ASSERT_EQ(server.Stop(), 0) << server.log();
  const auto before = Snapshot(server.data_dir());
  const std::string dir = server.data_dir().string();
  const std::string config = server.config_path().string();
  CmdRun local_csv = RunSplit({TILLPIPE_BINARY, "query", "-c", config, "--data-dir", dir, "--format",
                            "csv", kSql});
  ASSERT_EQ(local_csv.code, 0) << local_csv.err;
  EXPECT_EQ(local_csv.out, kCsv);
  CmdRun local_table =
      RunSplit({TILLPIPE_BINARY, "query", "--data-dir", dir, "--format", "table", kSql});
  ASSERT_EQ(local_table.code, 0) << local_table.err;
  EXPECT_EQ(local_table.out, kTable);
  CmdRun local_json = RunSplit({TILLPIPE_BINARY, "query", "--data-dir", dir, "--format", "json", kSql});
  ASSERT_EQ(local_json.code, 0) << local_json.err;
  ExpectSameResult(local_json.out, js.out);
  CmdRun bad = RunSplit({TILLPIPE_BINARY, "query", "--data-dir", dir, "SELECT totl FROM orders"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("LINE 1: SELECT totl FROM orders\n" + std::string(15, ' ') + "^\n"),
            std::string::npos)
      << bad.err;
  // Nothing in the data directory changed: no -wal/-shm, no LOCK rewrite.
  EXPECT_EQ(Snapshot(server.data_dir()), before);

  // The server starts again on it afterwards and answers the same.
  ASSERT_TRUE(server.Start()) << server.log();
  CmdRun again = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "--format", "csv", kSql});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, kCsv);
}

TEST(QueryCli, ErrorsShowTheLineWithACaret) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string url = server.url();
  CmdRun r = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "SELECT totl FROM orders"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("totl"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("LINE 1: SELECT totl FROM orders\n" + std::string(15, ' ') + "^\n"),
            std::string::npos)
      << r.err;
  // On the second line, after a multi-byte character: positions count characters.
  r = RunSplit({TILLPIPE_BINARY, "query", "--url", url, "SELECT 'é' AS x\nFROM orderz"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("orderz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("LINE 2: FROM orderz\n" + std::string(13, ' ') + "^\n"), std::string::npos)
      << r.err;
  // No server there: a clear message.
  r = RunSplit({TILLPIPE_BINARY, "query", "--url", "http://127.0.0.1:" + std::to_string(FreePort()),
                "SELECT 1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is a tillpipe server running"), std::string::npos) << r.err;
  // Not a data directory.
  r = RunSplit({TILLPIPE_BINARY, "query", "--data-dir", (tmp.path() / "nope").string(), "SELECT 1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no catalog.sqlite"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "nope"));
  // --help
  r = RunSplit({TILLPIPE_BINARY, "query", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--data-dir"), std::string::npos) << r.out;
}

TEST(QueryCliHttp, JsonCsvAndErrorAnswers) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  Ingest(server, "orders", kOrders);
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders", 3, 10s)) << server.log();

  auto r = PostQuery(server, "SELECT count(*) AS n, sum(total) AS s FROM orders");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  json j = json::parse(r->body);
  EXPECT_EQ(j["columns"][0], json({{"name", "n"}, {"type", "BIGINT"}}));
  EXPECT_EQ(j["columns"][1], json({{"name", "s"}, {"type", "DECIMAL(38,2)"}}));
  EXPECT_EQ(j["rows"], json::parse("[[3, 16.50]]"));
  EXPECT_NE(r->body.find("16.50"), std::string::npos) << r->body;
  for (const char* key : {"rows_scanned", "bytes_scanned", "files_scanned", "files_skipped",
                          "row_groups_scanned", "row_groups_skipped", "tail_rows", "rows_returned",
                          "peak_memory_bytes", "spilled_bytes", "elapsed_ms"}) {
    EXPECT_TRUE(j["stats"].contains(key)) << key << ": " << r->body;
  }
  EXPECT_EQ(j["stats"]["rows_returned"], 1);
  EXPECT_EQ(j["stats"]["spilled_bytes"], 0);

  r = PostQuery(server, kSql, {{"Accept", "text/csv"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("Content-Type").rfind("text/csv", 0), 0u) << r->Header("Content-Type");
  EXPECT_EQ(r->body, kCsv);

  r = PostQuery(server, "SELECT totl FROM orders");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400) << r->body;
  j = json::parse(r->body);
  EXPECT_EQ(j["position"], 8) << r->body;
  EXPECT_NE(j["error"].get<std::string>().find("totl"), std::string::npos) << r->body;

  r = PostQuery(server, "SELECT * FROM nosuchtable");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400) << r->body;
  j = json::parse(r->body);
  EXPECT_NE(j["error"].get<std::string>().find("nosuchtable"), std::string::npos) << r->body;
  EXPECT_EQ(j["position"], 15) << r->body;

  r = PostQuery(server, "SELEC 1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["position"], 1) << r->body;
}

TEST(QueryCliHttp, AnIngestedRowIsVisibleWithinASecond) {
  TempDir tmp;
  // Rows stay in the materializer's tail: no flush for a minute.
  ServerProcess server(tmp.path(), TestConfig("[storage]\nflush_interval = \"1m\"\n"));
  ASSERT_TRUE(server.Start()) << server.log();
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders", 0, 10s)) << server.log();
  Ingest(server, "orders", kOrders);
  auto acked = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders WHERE total > 2", 2, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - acked, 1s);
  auto r = PostQuery(server, "SELECT count(*) FROM orders");
  ASSERT_TRUE(r.ok());
  json j = json::parse(r->body);
  EXPECT_EQ(j["stats"]["tail_rows"], 3) << r->body;
  EXPECT_EQ(j["stats"]["files_scanned"], 0) << r->body;
}

// The transformation stage in the running server: derived columns and
// `where` apply before the rows are queryable (in the tail and in files),
// filtered rows are counted and rejected, and `validate` points at a bad
// expression inside the config.
TEST(QueryCliHttp, TransformationsApplyBeforeRowsAreQueryable) {
  TempDir tmp;
  const std::string config = R"toml(timezone = "America/Sao_Paulo"
[storage]
flush_interval = "1m"
[tables.orders]
time = "purchased_at"
where = "total > 2"
on_filter = "reject"
[tables.orders.columns]
order_id = "string"
total = "decimal(12,2)"
purchased_at = "timestamp"
hour = { type = "int32", expr = "extract(hour from purchased_at)" }
big = { type = "bool", expr = "total >= 10" }
)toml";
  ServerProcess server(tmp.path(), config);
  ASSERT_TRUE(server.Start()) << server.log();
  Ingest(server, "orders", kOrders);
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders", 2, 5s)) << server.log();
  const std::string sql = "SELECT order_id, hour, big FROM orders ORDER BY order_id";
  auto r = PostQuery(server, sql);
  ASSERT_TRUE(r.ok());
  json tail = json::parse(r->body);
  // 10:00Z and 11:00Z are 07:00 and 08:00 in Sao Paulo (UTC-3).
  EXPECT_EQ(tail["rows"], (json{{"o1", 7, true}, {"o2", 8, false}})) << r->body;
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM _rejected WHERE field = 'where'", 1, 5s));
  web::HttpClient client(server.Url());
  json status = json::parse(client.Get("/api/v1/status")->body);
  EXPECT_EQ(status["materializer"]["rows_filtered"], 1) << status.dump();
  EXPECT_EQ(status["materializer"]["filtered_by_table"]["orders"], 1) << status.dump();
  EXPECT_NE(client.Get("/metrics")->body.find(
                "tillpipe_materializer_rows_filtered_total{table=\"orders\"} 1\n"),
            std::string::npos);
  ASSERT_EQ(server.Stop(), 0) << server.log();
  // The same answer from the files.
  CmdRun q = RunSplit({TILLPIPE_BINARY, "query", "--data-dir", server.data_dir().string(),
                       "--format", "json", sql});
  ASSERT_EQ(q.code, 0) << q.out << q.err;
  EXPECT_EQ(json::parse(q.out)["rows"], tail["rows"]) << q.out;

  // A bad expression: validate names the line and the position inside it.
  std::string bad = config;
  bad.replace(bad.find("extract(hour from purchased_at)"), 31, "extract(hour from purchasd_at)");
  WriteFile(tmp.path() / "bad.toml", bad);
  CmdRun v = RunSplit({TILLPIPE_BINARY, "validate", "-c", (tmp.path() / "bad.toml").string()});
  EXPECT_EQ(v.code, 78) << "EX_CONFIG";
  EXPECT_NE(v.out.find("bad.toml:12:33:"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("tables.orders.columns.hour.expr: column \"purchasd_at\" not found in "
                       "orders; did you mean \"purchased_at\"? (position 19)"),
            std::string::npos)
      << v.out;
}

// A GROUP BY bigger than [query] memory_limit answers over HTTP by
// spilling into DATA_DIR/tmp, and leaves no file there.
TEST(QueryCliHttp, GroupByOverTheMemoryLimitSpillsAndLeavesNothing) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig("[query]\nmemory_limit = \"2MiB\"\n"));
  ASSERT_TRUE(server.Start()) << server.log();
  const int kOrders = 60000;
  for (int batch = 0; batch < kOrders / 10000; ++batch) {
    std::string ndjson;
    for (int i = batch * 10000; i < (batch + 1) * 10000; ++i) {
      ndjson += "{\"order_id\":\"o" + std::to_string(i) + "\",\"total\":\"" +
                std::to_string(i % 100) + ".25\",\"purchased_at\":\"2026-11-20T10:00:00Z\"}\n";
    }
    Ingest(server, "orders", ndjson);
  }
  ASSERT_TRUE(WaitForCount(server, "SELECT count(*) FROM orders", kOrders, 20s));
  auto r = PostQuery(server,
                     "SELECT count(*) AS orders, sum(n) AS rows, sum(t) AS total FROM (SELECT "
                     "order_id, count(*) AS n, sum(total) AS t FROM orders GROUP BY order_id) g");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  // sum over i of (i % 100) + 0.25 = 600 * 4950 + 60000 * 0.25
  EXPECT_EQ(j["rows"], json::parse("[[60000, 60000, 2985000.00]]")) << r->body;
  EXPECT_GT(j["stats"]["spilled_bytes"].get<uint64_t>(), 0u) << r->body;
  const auto spill_dir = server.data_dir() / "tmp";
  ASSERT_TRUE(std::filesystem::is_directory(spill_dir)) << r->body;
  EXPECT_TRUE(std::filesystem::is_empty(spill_dir));
}

}  // namespace
}  // namespace tp::testing
