// Crash test for compaction: a real `tillpipe serve` that flushes and
// compacts every 50 ms under steady ingest is killed with SIGKILL at random
// moments (so also while it writes merged files, commits swaps and deletes
// retired files) and restarted. Afterwards every acknowledged record is in
// the orders table's live files exactly once, and `tillpipe check` passes.
//
// TILLPIPE_COMPACTION_CRASH_CYCLES sets the number of kills (default 15).
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "storage/catalog.h"
#include "storage/parquet/parquet_reader.h"
#include "tests/common/duckdb.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = 0; (p = haystack.find(needle, p)) != std::string::npos; p += needle.size()) ++n;
  return n;
}

// Today's UTC day (the config's time zone), so one of the days written is
// "today" for the compaction policy and the others are in the past.
std::string TodayUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

TEST(CompactionCrashTest, KillNineWhileCompactingLosesAndDuplicatesNothing) {
  int cycles = 15;
  if (const char* env = std::getenv("TILLPIPE_COMPACTION_CRASH_CYCLES")) {
    cycles = std::max(1, std::atoi(env));
  }
  TempDir tmp;
  ServerProcess server(tmp.path(),
                       TestConfig("[stream]\nsegment_size = \"1MiB\"\n"
                                  "[storage]\nflush_rows = 2000\nflush_interval = \"50ms\"\n"
                                  "compact_interval = \"50ms\"\ncompact_min_files = 2\n"));
  ASSERT_TRUE(server.Start()) << server.log();
  const std::vector<std::string> days = {"2026-01-05", "2026-01-06", TodayUtc()};

  constexpr int kWriters = 3;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::pair<int, int>, int> acked;  // (writer, batch) -> records, GUARDED_BY(mu)
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(2000 + w);
      web::HttpClient client(server.Url(), std::chrono::seconds(10));
      for (int b = 0; !stop; ++b) {
        int n = 1 + static_cast<int>(rng() % 150);
        const std::string& day = days[static_cast<size_t>(b) % days.size()];
        std::string body;
        for (int i = 0; i < n; ++i) {
          body += "{\"order_id\":\"w" + std::to_string(w) + "-b" + std::to_string(b) + "-i" +
                  std::to_string(i) + "\",\"total\":1.25,\"purchased_at\":\"" + day +
                  "T10:00:00Z\",\"pad\":\"" + std::string(rng() % 100, 'x') + "\"}\n";
        }
        std::string key = "w" + std::to_string(w) + "-b" + std::to_string(b);
        for (;;) {  // until acknowledged, however many crashes that takes
          auto r = client.Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", key}});
          if (r.ok() && r->status == 200) {
            std::lock_guard lock(mu);
            acked[{w, b}] = n;
            break;
          }
          if (r.ok() && r->status != 503) {
            ADD_FAILURE() << "unexpected answer " << r->status << ": " << r->body;
            return;
          }
          client.Disconnect();
          std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 20));
        }
        // A little pause, so the server flushes many small parts to compact.
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 10));
      }
    });
  }

  std::mt19937 rng(4242);
  for (int c = 0; c < cycles; ++c) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 450));
    server.Kill();
    ASSERT_TRUE(server.Start()) << "restart " << c << " failed:\n" << server.log();
  }
  stop = true;
  for (auto& t : writers) t.join();
  // Let the last run compact at least once (no assertion on time: a slow
  // machine just waits longer), then stop cleanly: the final flush.
  for (int i = 0; i < 600 && Count(server.log(), "compacted orders") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(server.Stop(), 0) << server.log();

  const std::string server_log = server.log();
  uint64_t acked_records = 0;
  for (const auto& [id, n] : acked) acked_records += n;
  std::cerr << "compaction crash test: " << cycles << " kills, " << acked.size() << " batches, "
            << acked_records << " records acknowledged, " << Count(server_log, "compacted orders")
            << " compactions of orders, " << Count(server_log, "unregistered part file")
            << " restarts removed leftovers\n";
  EXPECT_GT(Count(server_log, "compacted orders"), 0u) << server_log;
  EXPECT_EQ(Count(server_log, "compaction failed"), 0u) << server_log;

  // The live files of orders, from the catalog: retired files may still be
  // on disk (grace period) and must not be counted.
  auto catalog = storage::Catalog::Open(server.data_dir() / "catalog.sqlite");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto files = (*catalog)->Files("orders");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  auto retired = (*catalog)->RetiredFiles();
  ASSERT_TRUE(retired.ok());
  std::set<std::string> retired_paths;
  for (const auto& r : *retired) retired_paths.insert(r.path);
  std::unordered_map<std::string, int> seen;
  uint64_t catalog_rows = 0, compacted_files = 0;
  std::string duckdb_list;
  for (const auto& f : *files) {
    EXPECT_FALSE(retired_paths.count(f.path)) << f.path << " is both live and retired";
    catalog_rows += f.rows;
    compacted_files += f.path.find("/compact-") != std::string::npos;
    const auto path = server.data_dir() / f.path;
    duckdb_list += (duckdb_list.empty() ? "'" : ",'") + path.string() + "'";
    auto reader = storage::parquet::ParquetReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    const int field = (*reader)->schema().Find("order_id");
    ASSERT_GE(field, 0);
    storage::Column ids((*reader)->schema().fields[field].type);
    for (size_t g = 0; g < (*reader)->row_groups().size(); ++g) {
      ASSERT_TRUE((*reader)->ReadColumn(g, field, &ids).ok());
      for (size_t r = 0; r < ids.size(); ++r) ++seen[std::string(ids.GetString(r))];
    }
  }
  std::cerr << "compaction crash test: " << files->size() << " live files of orders ("
            << compacted_files << " compacted), " << retired->size()
            << " retired awaiting deletion\n";
  EXPECT_EQ(catalog_rows, acked_records);
  uint64_t missing = 0, duplicated = 0;
  for (const auto& [id, n] : acked) {
    for (int i = 0; i < n; ++i) {
      auto it = seen.find("w" + std::to_string(id.first) + "-b" + std::to_string(id.second) + "-i" +
                          std::to_string(i));
      if (it == seen.end()) {
        ++missing;
      } else if (it->second != 1) {
        ++duplicated;
      }
    }
  }
  EXPECT_EQ(missing, 0u) << "acknowledged records missing from the orders table";
  EXPECT_EQ(duplicated, 0u) << "acknowledged records stored more than once";
  EXPECT_EQ(seen.size(), acked_records) << "records in the table that were never acknowledged";

  // DuckDB reads the same live files with the same totals.
  json j = DuckDb(
      "SELECT count(*), count(DISTINCT order_id), sum(total)::VARCHAR FROM "
      "read_parquet([" +
      duckdb_list + "])");
  ASSERT_FALSE(j.contains("error")) << j.dump();
  char money[64];
  std::snprintf(money, sizeof money, "%llu.%02llu",
                static_cast<unsigned long long>(acked_records * 125 / 100),
                static_cast<unsigned long long>(acked_records * 125 % 100));
  EXPECT_EQ(j["rows"], json::array({json::array({std::to_string(acked_records),
                                                 std::to_string(acked_records), money})}));

  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out),
            0)
      << out;
  std::cerr << "compaction crash test: check says: " << out.substr(0, out.find("\nnote:")) << "\n";
}

}  // namespace
}  // namespace tp::testing
