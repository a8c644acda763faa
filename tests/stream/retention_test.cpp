#include <gtest/gtest.h>

#include "stream/log.h"
#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

using testing::MakeRequest;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::Records;
using testing::SegmentFiles;
using testing::TempDir;
using testing::TestOptions;

constexpr auto kHour = std::chrono::hours(1);

LogOptions RetentionOptions(const std::filesystem::path& dir, std::vector<std::string>* info) {
  auto opt = TestOptions(dir);
  opt.segment_size = 2048;
  opt.retention = std::chrono::seconds(3600);
  opt.info_log = [info](std::string_view m) { info->emplace_back(m); };
  return opt;
}

void Fill(Log* log, int batches) {
  for (int b = 0; b < batches; ++b) {
    ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("r", 10, 40))).status.ok());
  }
}

uint64_t BaseOf(const std::filesystem::path& p) { return std::stoull(p.stem().string()); }

TEST(Retention, YoungSegmentsAreKept) {
  TempDir dir;
  std::vector<std::string> info;
  auto log = OpenOrDie(RetentionOptions(dir.path(), &info));
  Fill(log.get(), 30);
  const auto segs = log->Stats().segments;
  ASSERT_GT(segs, 4u);
  auto r = log->EnforceRetention(std::chrono::system_clock::now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 0);
  EXPECT_EQ(log->Stats().segments, segs);
}

TEST(Retention, OldSegmentsDeletedOnlyWhenConsumersPassed) {
  TempDir dir;
  std::vector<std::string> info;
  auto log = OpenOrDie(RetentionOptions(dir.path(), &info));
  Fill(log.get(), 30);
  auto files = SegmentFiles(dir.path());
  ASSERT_GT(files.size(), 4u);
  const auto later = std::chrono::system_clock::now() + 2 * kHour;

  ASSERT_TRUE(log->CommitConsumer("materializer", 0).ok());
  auto r = log->EnforceRetention(later);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 0);  // the consumer has read nothing yet

  // Consumer is inside the third segment: only the first two may go.
  const uint64_t third = BaseOf(files[2]);
  ASSERT_TRUE(log->CommitConsumer("materializer", third + 1).ok());
  ASSERT_TRUE(log->CommitConsumer("audit", third).ok());
  r = log->EnforceRetention(later);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 2);
  EXPECT_FALSE(std::filesystem::exists(files[0]));
  EXPECT_FALSE(std::filesystem::exists(files[1]));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(files[1]).replace_extension(".idx")));
  EXPECT_TRUE(std::filesystem::exists(files[2]));
  EXPECT_EQ(log->Stats().start_offset, third);
  bool said = false;
  for (const auto& m : info)
    said |=
        m.find("retention deleted segment " + files[0].filename().string()) != std::string::npos;
  EXPECT_TRUE(said);

  // Reading from below the start clamps to it.
  auto got = ReadAll(*log, 0);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front().offset, third);
  EXPECT_EQ(got.back().offset, 299u);
  EXPECT_EQ(got.size(), 300 - third);

  // The start survives a reopen.
  log.reset();
  log = OpenOrDie(RetentionOptions(dir.path(), &info));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().start_offset, third);
  EXPECT_EQ(log->Stats().end_offset, 300u);
  auto next = log->AppendSync(MakeRequest("t", {"x"}));
  EXPECT_EQ(next.first_offset, 300u);
}

TEST(Retention, ActiveSegmentIsNeverDeleted) {
  TempDir dir;
  std::vector<std::string> info;
  auto log = OpenOrDie(RetentionOptions(dir.path(), &info));
  Fill(log.get(), 30);
  const auto files = SegmentFiles(dir.path());
  auto r = log->EnforceRetention(std::chrono::system_clock::now() + 100 * kHour);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<size_t>(r.value()), files.size() - 1);
  EXPECT_EQ(log->Stats().segments, 1u);
  EXPECT_TRUE(std::filesystem::exists(files.back()));
  EXPECT_EQ(log->Stats().start_offset, BaseOf(files.back()));
  auto next = log->AppendSync(MakeRequest("t", {"x"}));
  ASSERT_TRUE(next.status.ok());
  EXPECT_EQ(next.first_offset, 300u);
  EXPECT_EQ(ReadAll(*log).back().data, "x");
  log.reset();
  log = OpenOrDie(RetentionOptions(dir.path(), &info));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().end_offset, 301u);
}

TEST(Retention, ZeroRetentionKeepsForever) {
  TempDir dir;
  std::vector<std::string> info;
  auto opt = RetentionOptions(dir.path(), &info);
  opt.retention = std::chrono::seconds(0);
  auto log = OpenOrDie(opt);
  Fill(log.get(), 30);
  const auto segs = log->Stats().segments;
  auto r = log->EnforceRetention(std::chrono::system_clock::now() + 10000 * kHour);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 0);
  EXPECT_EQ(log->Stats().segments, segs);
}

TEST(Retention, ReaderInDeletedSegmentMovesOn) {
  TempDir dir;
  std::vector<std::string> info;
  auto log = OpenOrDie(RetentionOptions(dir.path(), &info));
  Fill(log.get(), 30);
  auto reader = std::move(log->NewReader(0)).value();
  Batch b;
  ASSERT_TRUE(reader->Next(&b).value());
  EXPECT_EQ(b.base_offset, 0u);
  auto r = log->EnforceRetention(std::chrono::system_clock::now() + 100 * kHour);
  ASSERT_TRUE(r.ok());
  ASSERT_GT(r.value(), 0);
  const uint64_t start = log->Stats().start_offset;
  ASSERT_TRUE(reader->Next(&b).value());
  EXPECT_EQ(b.base_offset, start);
  uint64_t last_end = b.base_offset + b.records.size();
  while (reader->Next(&b).value()) {
    EXPECT_EQ(b.base_offset, last_end);
    last_end = b.base_offset + b.records.size();
  }
  EXPECT_EQ(last_end, 300u);
}

}  // namespace
}  // namespace tp::stream
