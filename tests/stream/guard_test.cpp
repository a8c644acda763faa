#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <future>
#include <thread>

#include "stream/log.h"
#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

using testing::MakeRequest;
using testing::OpenOrDie;
using testing::Records;
using testing::TempDir;
using testing::TestOptions;

TEST(Guard, DiskGuardRefusesThenResumesByItself) {
  TempDir dir;
  auto free_bytes = std::make_shared<std::atomic<uint64_t>>(412ull << 20);
  auto opt = TestOptions(dir.path());
  opt.min_free = 1ull << 30;
  opt.free_space_probe = [free_bytes](const std::filesystem::path&) { return free_bytes->load(); };
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto r = log->AppendSync(MakeRequest("t", {"a"}));
  EXPECT_EQ(r.status.code(), Status::Code::kNoSpace);
  const std::string& m = r.status.message();
  EXPECT_NE(m.find(dir.path().string()), std::string::npos) << m;
  EXPECT_NE(m.find("only 412 MiB free"), std::string::npos) << m;
  EXPECT_NE(m.find("min_free = 1 GiB"), std::string::npos) << m;
  EXPECT_TRUE(log->Stats().disk_low);
  EXPECT_EQ(log->Stats().free_bytes, 412ull << 20);
  EXPECT_EQ(log->Stats().end_offset, 0u);

  free_bytes->store(10ull << 30);
  AppendResult ok;
  for (int i = 0; i < 200; ++i) {
    ok = log->AppendSync(MakeRequest("t", {"a"}));
    if (ok.status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(ok.first_offset, 0u);
  EXPECT_FALSE(log->Stats().disk_low);

  // And it trips again when space runs low.
  free_bytes->store(1);
  AppendResult refused;
  for (int i = 0; i < 200; ++i) {
    refused = log->AppendSync(MakeRequest("t", {"b"}));
    if (!refused.status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(refused.status.code(), Status::Code::kNoSpace);
}

TEST(Guard, BacklogGuardAnswersBusy) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.max_pending_bytes = 64;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto r = log->AppendSync(MakeRequest("t", Records("x", 10, 100)));
  EXPECT_EQ(r.status.code(), Status::Code::kBusy);
  EXPECT_NE(r.status.message().find("max_pending_bytes"), std::string::npos) << r.status.message();
  EXPECT_EQ(log->Stats().end_offset, 0u);
  // Small requests still fit.
  auto small = log->AppendSync(MakeRequest("t", {"a"}));
  EXPECT_TRUE(small.status.ok()) << small.status.ToString();
}

TEST(Guard, BacklogGuardUnderLoad) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.max_pending_bytes = 256 << 10;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  // Hold the writer thread inside the first append's callback, so nothing
  // drains while the test queues far more than the limit: some appends must
  // be refused, whatever the speed of the machine (or a sanitizer).
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> writer_held;
  ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("warm", 1))).status.ok());
  log->Append(MakeRequest("t", Records("hold", 1)), [&](AppendResult r) {
    EXPECT_TRUE(r.status.ok());
    writer_held.set_value();
    released.wait();
  });
  writer_held.get_future().wait();
  // Every accepted append must be durable and dense.
  std::atomic<int> ok{0}, busy{0}, other{0};
  for (int i = 0; i < 2000; ++i) {
    log->Append(MakeRequest("t", Records("x", 10, 100)), [&](AppendResult r) {
      if (r.status.ok()) {
        ++ok;
      } else if (r.status.code() == Status::Code::kBusy) {
        ++busy;
      } else {
        ++other;
      }
    });
  }
  release.set_value();
  log->Close();
  EXPECT_EQ(ok + busy, 2000);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(busy.load(), 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(log->Stats().end_offset, uint64_t(ok.load()) * 10 + 2);
}

// A write that fails part-way (here: the file size limit, EFBIG) fails the
// whole group, is cut back out of the segment, and the log carries on.
TEST(Guard, FailedWriteIsRolledBack) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("a", 10, 100))).status.ok());
  const auto seg = dir.path() / "00000000000000000000.log";
  const uint64_t before = std::filesystem::file_size(seg);

  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = before + 3000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto big = log->AppendSync(MakeRequest("t", Records("big", 100, 100)));  // ~10 KB
  auto fits = log->AppendSync(MakeRequest("t", Records("small", 5, 100)));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  ::signal(SIGXFSZ, old_handler);

  EXPECT_EQ(big.status.code(), Status::Code::kIOError) << big.status.ToString();
  EXPECT_NE(big.status.message().find(seg.string()), std::string::npos) << big.status.message();
  ASSERT_TRUE(fits.status.ok()) << fits.status.ToString();
  EXPECT_EQ(fits.first_offset, 10u);  // the failed batch took no offsets
  EXPECT_EQ(log->Stats().end_offset, 15u);
  auto got = testing::ReadAll(*log);
  ASSERT_EQ(got.size(), 15u);
  EXPECT_EQ(got.back().data.substr(0, 7), "small-4");
  log.reset();
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty()) << check->problems[0];
  log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->recovery_report().truncated_bytes, 0u);
  EXPECT_EQ(log->Stats().end_offset, 15u);
}

}  // namespace
}  // namespace tp::stream
