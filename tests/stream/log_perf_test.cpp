// Throughput check, not a pass/fail timing test: run with
//   stream_test --gtest_also_run_disabled_tests --gtest_filter='LogPerf.*'
// TP_PERF_DIR selects the disk (default: the system temp dir).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "stream/log.h"
#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

void RunPerf(FsyncMode mode, const char* name) {
  testing::TempDir tmp;
  std::filesystem::path dir = tmp.path();
  if (const char* d = std::getenv("TP_PERF_DIR")) dir = std::filesystem::path(d) / "tp_perf";
  std::filesystem::remove_all(dir);
  auto opt = testing::TestOptions(dir);
  opt.fsync = mode;
  auto log = testing::OpenOrDie(opt);
  ASSERT_TRUE(log);
  constexpr int kThreads = 8, kBatchesPerThread = 250, kRecords = 1000;
  const std::string record(200, 'r');
  std::atomic<int> failures{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int b = 0; b < kBatchesPerThread; ++b) {
        BatchBuilder builder;
        for (int i = 0; i < kRecords; ++i) builder.Add(record);
        AppendRequest req;
        req.table = "page_views";
        req.record_count = builder.count();
        req.payload = builder.Finish(&req.payload_crc);
        if (!log->AppendSync(std::move(req)).status.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto st = log->Stats();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(st.end_offset, uint64_t(kThreads) * kBatchesPerThread * kRecords);
  std::printf("[perf] %s: %.0f records/s (%.1f MB/s), %llu batches, %llu syncs, %.2f s\n", name,
              st.end_offset / secs, st.bytes / secs / 1e6,
              static_cast<unsigned long long>(st.appended_batches),
              static_cast<unsigned long long>(st.syncs), secs);
  log.reset();
  std::filesystem::remove_all(dir);
}

TEST(LogPerf, DISABLED_AppendSync8ThreadsGroup) { RunPerf(FsyncMode::kGroup, "group"); }
TEST(LogPerf, DISABLED_AppendSync8ThreadsInterval) { RunPerf(FsyncMode::kInterval, "interval"); }

}  // namespace
}  // namespace tp::stream
