#include <gtest/gtest.h>

#include "stream/log.h"
#include "tests/stream/test_util.h"

namespace tp::stream {
namespace {

using testing::MakeRequest;
using testing::OpenOrDie;
using testing::Records;
using testing::TempDir;
using testing::TestOptions;

TEST(Consumers, CommitReopenAndLag) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  {
    auto log = OpenOrDie(opt);
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->Consumers().empty());
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("r", 10))).status.ok());
    ASSERT_TRUE(log->CommitConsumer("materializer", 40).ok());
    ASSERT_TRUE(log->CommitConsumer("export.v2", 100).ok());
    auto cs = log->Consumers();
    ASSERT_EQ(cs.size(), 2u);
    EXPECT_EQ(cs[0].name, "export.v2");
    EXPECT_EQ(cs[0].offset, 100u);
    EXPECT_EQ(cs[0].lag, 0u);
    EXPECT_EQ(cs[1].name, "materializer");
    EXPECT_EQ(cs[1].offset, 40u);
    EXPECT_EQ(cs[1].lag, 60u);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "consumers" / "materializer.offset"));
  }
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto cs = log->Consumers();
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[1].offset, 40u);
  EXPECT_EQ(cs[1].lag, 60u);
  ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("r", 5))).status.ok());
  EXPECT_EQ(log->Consumers()[1].lag, 65u);
  ASSERT_TRUE(log->CommitConsumer("materializer", 105).ok());
  EXPECT_EQ(log->Consumers()[1].lag, 0u);
  // Moving backwards is allowed (replay).
  ASSERT_TRUE(log->CommitConsumer("materializer", 3).ok());
  EXPECT_EQ(log->Consumers()[1].lag, 102u);
}

TEST(Consumers, BadNamesAndOffsetsRejected) {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  ASSERT_TRUE(log);
  for (const std::string& bad :
       {std::string(), std::string("a/b"), std::string(".."), std::string("."),
        std::string(65, 'a'), std::string("x y"), std::string("naïve"), std::string("a\nb")}) {
    Status s = log->CommitConsumer(bad, 0);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << "name: " << bad;
  }
  EXPECT_TRUE(log->CommitConsumer(std::string(64, 'a'), 0).ok());
  EXPECT_TRUE(log->CommitConsumer("A-z_0.9", 0).ok());
  Status beyond = log->CommitConsumer("m", 5);  // the log is empty
  EXPECT_EQ(beyond.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(beyond.message().find("ends at 0"), std::string::npos) << beyond.message();
  EXPECT_EQ(log->Consumers().size(), 2u);
}

TEST(Consumers, DamagedFileHoldsRetentionBack) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  {
    auto log = OpenOrDie(opt);
    ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("r", 10))).status.ok());
    ASSERT_TRUE(log->CommitConsumer("m", 10).ok());
  }
  const auto file = dir.path() / "consumers" / "m.offset";
  std::string data = testing::ReadFileBytes(file);
  ASSERT_EQ(data.size(), 24u);
  data[9] ^= 0x01;
  testing::WriteFileBytes(file, data);
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  auto cs = log->Consumers();
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].offset, 0u);
  bool said = false;
  for (const auto& m : log->recovery_report().messages)
    said |= m.find("m.offset is damaged") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace tp::stream
