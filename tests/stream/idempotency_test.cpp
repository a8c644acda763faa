#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "stream/log.h"
#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

using testing::MakeRequest;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::Records;
using testing::TempDir;
using testing::TestOptions;

TEST(Idempotency, DuplicateKeyReturnsOriginalOffsets) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  auto first = log->AppendSync(MakeRequest("orders", {"a", "b", "c"}, "key-1", 11));
  ASSERT_TRUE(first.status.ok());
  EXPECT_FALSE(first.duplicate);
  ASSERT_TRUE(log->AppendSync(MakeRequest("orders", {"d"})).status.ok());
  auto again = log->AppendSync(MakeRequest("orders", {"a", "b", "c"}, "key-1", 11));
  ASSERT_TRUE(again.status.ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.first_offset, 0u);
  EXPECT_EQ(again.last_offset, 2u);
  EXPECT_EQ(again.accepted, 3u);
  EXPECT_EQ(log->Stats().end_offset, 4u);
  EXPECT_EQ(log->Stats().appended_batches, 2u);
  EXPECT_EQ(log->Stats().idempotency_keys, 1u);
  EXPECT_EQ(ReadAll(*log).size(), 4u);
}

TEST(Idempotency, SameKeyOtherBodyOrTableIsConflict) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->AppendSync(MakeRequest("orders", {"a"}, "key-1", 11)).status.ok());
  auto body = log->AppendSync(MakeRequest("orders", {"z"}, "key-1", 12));
  EXPECT_EQ(body.status.code(), Status::Code::kConflict);
  EXPECT_NE(body.status.message().find("key-1"), std::string::npos);
  EXPECT_NE(body.status.message().find("different body"), std::string::npos)
      << body.status.message();
  auto table = log->AppendSync(MakeRequest("payments", {"a"}, "key-1", 11));
  EXPECT_EQ(table.status.code(), Status::Code::kConflict);
  EXPECT_NE(table.status.message().find("different table"), std::string::npos);
  EXPECT_EQ(log->Stats().end_offset, 1u);
}

void AppendKeys(Log* log, int from, int to) {
  for (int i = from; i < to; ++i) {
    auto r = log->AppendSync(MakeRequest("t", Records("k", 2), "key-" + std::to_string(i), i));
    ASSERT_TRUE(r.status.ok());
    ASSERT_FALSE(r.duplicate);
  }
}

void ExpectKeysRemembered(Log* log, int from, int to) {
  for (int i = from; i < to; ++i) {
    auto r = log->AppendSync(MakeRequest("t", Records("k", 2), "key-" + std::to_string(i), i));
    ASSERT_TRUE(r.status.ok());
    EXPECT_TRUE(r.duplicate) << "key-" << i;
    EXPECT_EQ(r.first_offset, uint64_t(2 * i)) << "key-" << i;
  }
}

TEST(Idempotency, KeysSurviveReopenViaSnapshot) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 1024;
  {
    auto log = OpenOrDie(opt);
    AppendKeys(log.get(), 0, 50);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "idempotency.snap"));
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().idempotency_keys, 50u);
  bool from_snapshot = false;
  for (const auto& m : log->recovery_report().messages) {
    from_snapshot |=
        m.find("idempotency: 50 keys remembered (snapshot + 0 batches") != std::string::npos;
  }
  EXPECT_TRUE(from_snapshot);
  ExpectKeysRemembered(log.get(), 0, 50);
  EXPECT_EQ(log->Stats().end_offset, 100u);
}

TEST(Idempotency, KeysRebuiltFromLogWithoutSnapshot) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 1024;
  {
    auto log = OpenOrDie(opt);
    AppendKeys(log.get(), 0, 50);
  }
  std::filesystem::remove(dir.path() / "idempotency.snap");
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().idempotency_keys, 50u);
  ExpectKeysRemembered(log.get(), 0, 50);
  EXPECT_EQ(log->Stats().end_offset, 100u);
}

TEST(Idempotency, StaleSnapshotPlusLaterBatches) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 1024;
  {
    auto log = OpenOrDie(opt);
    AppendKeys(log.get(), 0, 20);
  }
  const std::string old_snap = testing::ReadFileBytes(dir.path() / "idempotency.snap");
  {
    auto log = OpenOrDie(opt);
    AppendKeys(log.get(), 20, 40);
  }
  // As if the process died before writing a newer snapshot.
  testing::WriteFileBytes(dir.path() / "idempotency.snap", old_snap);
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().idempotency_keys, 40u);
  ExpectKeysRemembered(log.get(), 0, 40);
  // A damaged snapshot is ignored and the keys come from the log.
  log.reset();
  std::string bad = testing::ReadFileBytes(dir.path() / "idempotency.snap");
  bad[bad.size() / 2] ^= 1;
  testing::WriteFileBytes(dir.path() / "idempotency.snap", bad);
  log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().idempotency_keys, 40u);
  ExpectKeysRemembered(log.get(), 0, 40);
}

TEST(Idempotency, KeysOlderThanWindowAreForgotten) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.idempotency_window = std::chrono::seconds(1);
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto first = log->AppendSync(MakeRequest("t", {"a"}, "old", 1));
  ASSERT_TRUE(first.status.ok());
  EXPECT_TRUE(log->AppendSync(MakeRequest("t", {"a"}, "old", 1)).duplicate);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // Housekeeping (every 20 ms here) drops it.
  for (int i = 0; i < 100 && log->Stats().idempotency_keys != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log->Stats().idempotency_keys, 0u);
  auto again = log->AppendSync(MakeRequest("t", {"a"}, "old", 1));
  ASSERT_TRUE(again.status.ok());
  EXPECT_FALSE(again.duplicate);
  EXPECT_EQ(again.first_offset, 1u);
  log.reset();
  // On reopen, keys outside the window are not loaded from the log either.
  std::filesystem::remove(dir.path() / "idempotency.snap");
  opt.idempotency_window = std::chrono::seconds(3600);
  log = OpenOrDie(opt);
  EXPECT_EQ(log->Stats().idempotency_keys, 1u);  // "old" was used twice; the log holds both
  std::filesystem::remove(dir.path() / "idempotency.snap");
}

TEST(Idempotency, ConcurrentDuplicatesInOneGroup) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  std::mutex mu;
  std::vector<AppendResult> results(40);
  std::atomic<int> done{0};
  // Queued back to back, so most land in the same group as their original.
  for (int i = 0; i < 40; ++i) {
    const std::string key = "dup-" + std::to_string(i % 4);
    log->Append(MakeRequest("t", {"x", "y"}, key, 7), [&, i](AppendResult r) {
      std::lock_guard<std::mutex> l(mu);
      results[i] = r;
      ++done;
    });
  }
  std::vector<std::thread> threads;
  std::atomic<int> dups{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i) {
        auto r = log->AppendSync(MakeRequest("t", {"x", "y"}, "dup-" + std::to_string(i), 7));
        if (r.status.ok() && r.duplicate) ++dups;
      }
    });
  }
  for (auto& th : threads) th.join();
  while (done.load() < 40) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(dups.load(), 32);
  EXPECT_EQ(log->Stats().end_offset, 8u);  // four keys, two records each
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(results[i].status.ok());
    EXPECT_EQ(results[i].duplicate, i >= 4) << i;
    EXPECT_EQ(results[i].first_offset, uint64_t(2 * (i % 4))) << i;
    EXPECT_EQ(results[i].accepted, 2u);
  }
  EXPECT_EQ(ReadAll(*log).size(), 8u);
}

}  // namespace
}  // namespace tp::stream
