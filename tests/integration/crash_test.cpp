// Crash test: a real `tillpipe serve` under steady concurrent ingest is
// killed with SIGKILL at random moments and restarted. Writers retry every
// unanswered batch with the same Idempotency-Key. Afterwards every
// acknowledged record must be in the log exactly once, at the offsets the
// server acknowledged, in order, and `tillpipe check` must pass.
//
// TILLPIPE_CRASH_CYCLES sets the number of kills (default 20).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "stream/log.h"
#include "tests/common/duckdb.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

struct Ack {
  uint64_t first = 0, last = 0;
  int records = 0;
};

TEST(CrashTest, KillNineLosesAndDuplicatesNothing) {
  int cycles = 20;
  if (const char* env = std::getenv("TILLPIPE_CRASH_CYCLES")) cycles = std::max(1, std::atoi(env));
  TempDir tmp;
  // Small segments and frequent flushes, so kills also land around segment
  // rolls and in the middle of writing part files.
  ServerProcess server(tmp.path(), TestConfig("[stream]\nsegment_size = \"1MiB\"\n"
                                              "[storage]\nflush_rows = 5000\nflush_interval = \"50ms\"\n"));
  ASSERT_TRUE(server.Start()) << server.log();

  constexpr int kWriters = 4;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::pair<int, int>, Ack> acks;  // (writer, batch) -> ack, GUARDED_BY(mu)
  std::atomic<uint64_t> retries{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(1000 + w);
      web::HttpClient client(server.Url(), std::chrono::seconds(10));
      for (int b = 0; !stop; ++b) {
        int n = 1 + static_cast<int>(rng() % 200);
        std::string body;
        for (int i = 0; i < n; ++i) {
          // A valid order (so the materializer writes it to the orders
          // table) that says which writer, batch and position it is.
          body += "{\"order_id\":\"w" + std::to_string(w) + "-b" + std::to_string(b) + "-i" +
                  std::to_string(i) + "\",\"total\":1.25,\"purchased_at\":\"2026-11-2" +
                  std::to_string(1 + (b % 3)) + "T10:00:00Z\",\"w\":" + std::to_string(w) +
                  ",\"b\":" + std::to_string(b) + ",\"i\":" + std::to_string(i) +
                  ",\"pad\":\"" + std::string(rng() % 150, 'x') + "\"}\n";
        }
        std::string key = "w" + std::to_string(w) + "-b" + std::to_string(b);
        // Retry until acknowledged, however many crashes that takes.
        for (;;) {
          auto r = client.Post("/api/v1/ingest/orders", body, {{"Idempotency-Key", key}});
          if (r.ok() && r->status == 200) {
            json j = json::parse(r->body);
            std::lock_guard lock(mu);
            acks[{w, b}] = Ack{j["first_offset"], j["last_offset"], j["accepted"]};
            break;
          }
          if (r.ok() && r->status != 503) {
            ADD_FAILURE() << "unexpected answer " << r->status << ": " << r->body;
            return;
          }
          ++retries;
          client.Disconnect();
          std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 20));
        }
      }
    });
  }

  std::mt19937 rng(42);
  for (int c = 0; c < cycles; ++c) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    server.Kill();
    ASSERT_TRUE(server.Start()) << "restart " << c << " failed:\n" << server.log();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(server.Stop(), 0) << server.log();

  // Read the whole log back.
  stream::LogOptions options;
  options.dir = server.data_dir() / "stream";
  options.min_free = 0;
  auto log = stream::Log::Open(options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto reader = (*log)->NewReader(0);
  ASSERT_TRUE(reader.ok());
  std::map<std::pair<int, int>, std::vector<std::pair<uint64_t, int>>> seen;  // batch -> (offset, i)
  uint64_t next_offset = 0, total = 0;
  stream::Batch batch;
  for (;;) {
    auto more = (*reader)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_EQ(batch.base_offset, next_offset) << "offsets must be dense";
    for (size_t k = 0; k < batch.records.size(); ++k) {
      json rec = json::parse(batch.records[k]);
      seen[{rec["w"], rec["b"]}].emplace_back(batch.base_offset + k, rec["i"].get<int>());
    }
    next_offset += batch.records.size();
    total += batch.records.size();
  }
  (*log)->Close();

  uint64_t acked_records = 0;
  for (const auto& [id, ack] : acks) {
    acked_records += ack.records;
    auto it = seen.find(id);
    ASSERT_NE(it, seen.end()) << "acknowledged batch w" << id.first << "-b" << id.second << " lost";
    const auto& recs = it->second;
    ASSERT_EQ(recs.size(), static_cast<size_t>(ack.records))
        << "batch w" << id.first << "-b" << id.second << " stored " << recs.size() << " times its size";
    for (size_t k = 0; k < recs.size(); ++k) {
      EXPECT_EQ(recs[k].first, ack.first + k) << "record not at its acknowledged offset";
      EXPECT_EQ(recs[k].second, static_cast<int>(k)) << "records out of order";
    }
  }
  // Everything in the log was acknowledged (writers retried every batch
  // until it was), so nothing unacknowledged or duplicated is there either.
  EXPECT_EQ(seen.size(), acks.size());
  EXPECT_EQ(total, acked_records);
  std::cerr << "crash test: " << cycles << " kills, " << acks.size() << " batches, " << acked_records
            << " records acknowledged, " << retries.load() << " retries\n";

  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 0)
      << out;

  // The tables: the materializer was killed mid-flush too. After a clean
  // start and stop (the final flush), every acknowledged record is in the
  // orders table exactly once, and nothing was rejected.
  ASSERT_TRUE(server.Start()) << server.log();
  ASSERT_EQ(server.Stop(), 0) << server.log();
  auto parquet = "read_parquet('" + (server.data_dir() / "tables" / "orders" / "*" / "*.parquet").string() +
                 "', hive_partitioning = true)";
  json j = DuckDb("SELECT count(*), count(DISTINCT order_id), sum(total)::VARCHAR FROM " + parquet);
  ASSERT_FALSE(j.contains("error")) << j.dump();
  char money[64];
  std::snprintf(money, sizeof money, "%llu.%02llu", static_cast<unsigned long long>(acked_records * 125 / 100),
                static_cast<unsigned long long>(acked_records * 125 % 100));
  EXPECT_EQ(j["rows"], json::array({json::array({std::to_string(acked_records),
                                                 std::to_string(acked_records), money})}));
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "tables" / "_rejected"));
  // How often a kill landed between writing part files and committing them.
  std::string server_log = server.log();
  size_t interrupted = 0;
  for (size_t p = 0; (p = server_log.find("unregistered part file", p)) != std::string::npos; ++p) ++interrupted;
  std::cerr << "crash test: " << interrupted << " restarts found part files of an interrupted flush\n";
}

}  // namespace
}  // namespace tp::testing
