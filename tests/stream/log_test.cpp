#include "stream/log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

using testing::AppendFileBytes;
using testing::MakeRequest;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::Records;
using testing::SegmentFiles;
using testing::TempDir;
using testing::TestOptions;
using testing::WriteFileBytes;

TEST(Log, EmptyLogHasNothingToRead) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().end_offset, 0u);
  EXPECT_EQ(log->Stats().start_offset, 0u);
  EXPECT_TRUE(ReadAll(*log).empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "00000000000000000000.log"));
}

TEST(Log, AppendReadRoundTrip) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  const std::vector<std::string> tables = {"orders", "page_views", "t"};
  std::vector<testing::ReadRecord> expected;
  uint64_t next = 0;
  for (int b = 0; b < 60; ++b) {
    const std::string& table = tables[b % tables.size()];
    const int n = 1 + (b * 7) % 23;
    auto recs = Records(table + std::to_string(b), n, static_cast<size_t>(b * 13 % 300));
    if (b == 5) recs.push_back("");  // empty record
    auto r = log->AppendSync(MakeRequest(table, recs));
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.first_offset, next);
    EXPECT_EQ(r.accepted, recs.size());
    EXPECT_EQ(r.last_offset, next + recs.size() - 1);
    EXPECT_FALSE(r.duplicate);
    for (const auto& rec : recs) expected.push_back({next++, table, rec});
  }
  LogStats st = log->Stats();
  EXPECT_EQ(st.end_offset, next);
  EXPECT_EQ(st.appended_records, next);
  EXPECT_EQ(st.appended_batches, 60u);
  EXPECT_GE(st.syncs, 1u);
  EXPECT_EQ(st.pending_bytes, 0u);

  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, expected[i].offset);
    EXPECT_EQ(got[i].table, expected[i].table);
    EXPECT_EQ(got[i].data, expected[i].data);
  }
  // Batch metadata comes back too.
  auto reader = std::move(log->NewReader(0)).value();
  Batch b;
  ASSERT_TRUE(reader->Next(&b).value());
  EXPECT_EQ(b.base_offset, 0u);
  EXPECT_EQ(b.table, "orders");
  const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  EXPECT_LE(b.append_time_us, now_us);
  EXPECT_GT(b.append_time_us, now_us - 60'000'000);
}

TEST(Log, ReaderFromMiddleOffsetAndNewData) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  for (int b = 0; b < 10; ++b)
    ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("r", 10))).status.ok());
  // Offset 35 lies inside the batch 30..39: it comes back whole.
  auto reader = std::move(log->NewReader(35)).value();
  Batch batch;
  ASSERT_TRUE(reader->Next(&batch).value());
  EXPECT_EQ(batch.base_offset, 30u);
  EXPECT_EQ(batch.records.size(), 10u);
  auto rest = ReadAll(*log, 35);
  ASSERT_EQ(rest.size(), 65u);
  EXPECT_EQ(rest.front().offset, 35u);
  EXPECT_EQ(rest.front().data, "r-5");
  EXPECT_EQ(rest.back().offset, 99u);

  // Drain, then new data shows up on a later Next().
  int batches = 1;
  while (reader->Next(&batch).value()) ++batches;
  EXPECT_EQ(batches, 7);
  EXPECT_FALSE(reader->Next(&batch).value());
  ASSERT_TRUE(log->AppendSync(MakeRequest("t", {"late"})).status.ok());
  ASSERT_TRUE(reader->Next(&batch).value());
  EXPECT_EQ(batch.base_offset, 100u);
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0], "late");
  // Past the end: nothing.
  auto beyond = std::move(log->NewReader(1000)).value();
  EXPECT_FALSE(beyond->Next(&batch).value());
}

TEST(Log, GroupCommitSharesSyncs) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  constexpr int kThreads = 16, kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = log->AppendSync(MakeRequest("t" + std::to_string(t), Records("x", 5, 100)));
        if (!r.status.ok() || r.accepted != 5) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  LogStats st = log->Stats();
  EXPECT_EQ(st.appended_batches, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(st.end_offset, uint64_t{kThreads * kPerThread * 5});
  EXPECT_LT(st.syncs * 2, st.appended_batches) << "syncs " << st.syncs;
  // Offsets are dense and every record is there once.
  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), st.end_offset);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].offset, i);
}

TEST(Log, AsyncAppendsAnswerInOrder) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  std::mutex mu;
  std::vector<uint64_t> firsts;
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) {
    log->Append(MakeRequest("t", {"a", "b"}), [&](AppendResult r) {
      std::lock_guard<std::mutex> l(mu);
      EXPECT_TRUE(r.status.ok());
      firsts.push_back(r.first_offset);
      ++done;
    });
  }
  log->Close();  // drains the queue
  ASSERT_EQ(done.load(), 500);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(firsts[i], uint64_t(2 * i));
  EXPECT_LT(log->Stats().syncs, 500u);
}

TEST(Log, SegmentRollAndReadAcrossSegments) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 8192;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  uint64_t next = 0;
  for (int b = 0; b < 100; ++b) {
    auto r = log->AppendSync(MakeRequest("t", Records("b" + std::to_string(b), 10, 40)));
    ASSERT_TRUE(r.status.ok());
    ASSERT_EQ(r.first_offset, next);
    next += 10;
  }
  // One batch that is bigger than a whole segment goes into a fresh one.
  auto big = log->AppendSync(MakeRequest("big", Records("big", 100, 200)));
  ASSERT_TRUE(big.status.ok());
  next += 100;
  ASSERT_TRUE(log->AppendSync(MakeRequest("t", {"after-big"})).status.ok());
  ++next;

  LogStats st = log->Stats();
  EXPECT_GE(st.segments, 8u);
  auto files = SegmentFiles(dir.path());
  ASSERT_EQ(files.size(), st.segments);
  uint64_t total = 0;
  for (const auto& f : files) {
    const uint64_t size = std::filesystem::file_size(f);
    total += size;
    // Every segment but the one holding only the big batch stays near the limit.
    if (f.filename() != testing::SegmentFiles(dir.path()).back().filename()) {
      EXPECT_TRUE(size <= 8192 || size > 20000) << f << " " << size;
    }
  }
  EXPECT_EQ(total, st.bytes);
  // The big batch starts a segment named after its base offset.
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.log",
                static_cast<unsigned long long>(big.first_offset));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / name)) << name;
  EXPECT_GT(std::filesystem::file_size(dir.path() / name), 8192u);

  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), next);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].offset, i);
  EXPECT_EQ(got[0].data, std::string("b0-0") + std::string(36, 'x'));
  EXPECT_EQ(got.back().data, "after-big");
  // Readers starting in every segment.
  for (uint64_t from : {0ull, 95ull, 333ull, 777ull, 999ull, 1000ull, 1050ull, 1100ull}) {
    auto part = ReadAll(*log, from);
    ASSERT_EQ(part.size(), next - from) << "from " << from;
    if (!part.empty()) {
      EXPECT_EQ(part.front().offset, from);
    }
  }
}

TEST(Log, ReopenContinuesOffsets) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 4096;
  for (int round = 0; round < 3; ++round) {
    auto log = OpenOrDie(opt);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->Stats().end_offset, uint64_t(round * 300));
    for (int b = 0; b < 30; ++b) {
      auto r = log->AppendSync(MakeRequest("t", Records("r" + std::to_string(round), 10, 30)));
      ASSERT_TRUE(r.status.ok());
      EXPECT_EQ(r.first_offset, uint64_t(round * 300 + b * 10));
    }
    EXPECT_EQ(log->recovery_report().truncated_bytes, 0u);
  }
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), 900u);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].offset, i);
  EXPECT_EQ(got[300].data.substr(0, 5), "r1-0x");
  EXPECT_EQ(log->recovery_report().rebuilt_indexes, 0u);
}

TEST(Log, FsyncModesIntervalAndOff) {
  for (FsyncMode mode : {FsyncMode::kInterval, FsyncMode::kOff}) {
    TempDir dir;
    auto opt = TestOptions(dir.path());
    opt.fsync = mode;
    opt.fsync_interval = std::chrono::milliseconds(50);
    {
      auto log = OpenOrDie(opt);
      ASSERT_TRUE(log);
      for (int i = 0; i < 50; ++i) {
        auto r = log->AppendSync(MakeRequest("t", {"a", "b", "c"}));
        ASSERT_TRUE(r.status.ok());
        EXPECT_EQ(r.first_offset, uint64_t(3 * i));
      }
      EXPECT_EQ(log->Stats().end_offset, 150u);
      EXPECT_EQ(ReadAll(*log).size(), 150u);
      if (mode == FsyncMode::kInterval) {
        // The writer syncs within the interval even with no more appends.
        const uint64_t before = log->Stats().syncs;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_GT(log->Stats().syncs, before);
        EXPECT_LT(log->Stats().syncs, 30u);
      } else {
        EXPECT_EQ(log->Stats().syncs, 0u);
      }
    }
    auto log = OpenOrDie(opt);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->Stats().end_offset, 150u);
  }
}

TEST(Log, RejectsBadRequestsAndAppendsAfterClose) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  auto r = log->AppendSync(MakeRequest("", {"a"}));
  EXPECT_EQ(r.status.code(), Status::Code::kInvalidArgument);
  r = log->AppendSync(MakeRequest(std::string(256, 't'), {"a"}));
  EXPECT_EQ(r.status.code(), Status::Code::kInvalidArgument);
  r = log->AppendSync(MakeRequest("t", {"a"}, std::string(256, 'k'), 1));
  EXPECT_EQ(r.status.code(), Status::Code::kInvalidArgument);
  AppendRequest empty;
  empty.table = "t";
  r = log->AppendSync(empty);
  EXPECT_EQ(r.status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(log->Stats().end_offset, 0u);
  ASSERT_TRUE(log->AppendSync(MakeRequest(std::string(255, 't'), {"a"}, std::string(255, 'k'), 1))
                  .status.ok());
  log->Close();
  log->Close();  // idempotent
  r = log->AppendSync(MakeRequest("t", {"a"}));
  EXPECT_EQ(r.status.code(), Status::Code::kIOError);
  EXPECT_NE(r.status.message().find("log is closed"), std::string::npos);
  auto got = ReadAll(*log);  // readers still work after Close
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].table, std::string(255, 't'));
}

// Writes 200 batches into 64 KiB segments: several index entries per segment.
void FillForIndex(const std::filesystem::path& dir, std::vector<std::string>* idx_bytes) {
  auto opt = TestOptions(dir);
  opt.segment_size = 64 << 10;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  for (int b = 0; b < 200; ++b) {
    ASSERT_TRUE(
        log->AppendSync(MakeRequest("t", Records("b" + std::to_string(b), 5, 200))).status.ok());
  }
  log->Close();
  for (const auto& f : SegmentFiles(dir)) {
    auto idx = f;
    idx.replace_extension(".idx");
    idx_bytes->push_back(ReadFileBytes(idx));
    EXPECT_GE(idx_bytes->back().size(), 8u * 5) << idx;
  }
}

void CheckReads(const Log& log, uint64_t total) {
  for (uint64_t from : {0ull, 1ull, 123ull, 401ull, 555ull, 998ull, 999ull}) {
    auto got = ReadAll(log, from);
    ASSERT_EQ(got.size(), total - from) << "from " << from;
    EXPECT_EQ(got.front().offset, from);
    const std::string want = "b" + std::to_string(from / 5) + "-" + std::to_string(from % 5) + "x";
    EXPECT_EQ(got.front().data.substr(0, want.size()), want) << "from " << from;
  }
}

TEST(Log, DeletedIndexIsRebuiltOnOpen) {
  TempDir dir;
  std::vector<std::string> idx_bytes;
  FillForIndex(dir.path(), &idx_bytes);
  auto files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files)
    std::filesystem::remove(std::filesystem::path(f).replace_extension(".idx"));
  auto opt = TestOptions(dir.path());
  opt.segment_size = 64 << 10;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->recovery_report().rebuilt_indexes, files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(ReadFileBytes(std::filesystem::path(files[i]).replace_extension(".idx")),
              idx_bytes[i]);
  }
  CheckReads(*log, 1000);
}

TEST(Log, TruncatedOrGarbageIndexIsRebuilt) {
  TempDir dir;
  std::vector<std::string> idx_bytes;
  FillForIndex(dir.path(), &idx_bytes);
  auto files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 3u);
  auto idx0 = std::filesystem::path(files[0]).replace_extension(".idx");
  auto idx1 = std::filesystem::path(files[1]).replace_extension(".idx");
  WriteFileBytes(idx0, idx_bytes[0].substr(0, idx_bytes[0].size() / 2 + 3));  // short, torn entry
  std::string garbage = idx_bytes[1];
  for (size_t i = 8; i < garbage.size(); i += 5) garbage[i] = static_cast<char>(garbage[i] * 7 + 1);
  WriteFileBytes(idx1, garbage);
  auto opt = TestOptions(dir.path());
  opt.segment_size = 64 << 10;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->recovery_report().rebuilt_indexes, 2u);
  EXPECT_EQ(ReadFileBytes(idx0), idx_bytes[0]);
  EXPECT_EQ(ReadFileBytes(idx1), idx_bytes[1]);
  CheckReads(*log, 1000);
  log->Close();
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty());
}

TEST(Log, WrongIndexEntryIsDetectedAndRebuilt) {
  // A stale index that is well-formed but wrong (points at other batches).
  TempDir dir;
  std::vector<std::string> idx_bytes;
  FillForIndex(dir.path(), &idx_bytes);
  auto files = SegmentFiles(dir.path());
  auto idx0 = std::filesystem::path(files[0]).replace_extension(".idx");
  std::string wrong = idx_bytes[0];
  wrong[8] = static_cast<char>(wrong[8] + 1);  // second entry's offset delta off by one
  WriteFileBytes(idx0, wrong);
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find("00000000000000000000.idx"), std::string::npos);
  auto opt = TestOptions(dir.path());
  opt.segment_size = 64 << 10;
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->recovery_report().rebuilt_indexes, 1u);
  EXPECT_EQ(ReadFileBytes(idx0), idx_bytes[0]);
  CheckReads(*log, 1000);
}

}  // namespace
}  // namespace tp::stream
