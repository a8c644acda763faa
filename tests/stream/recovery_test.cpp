// Torn tails are cut; anything else that is damaged stops Open with a
// Corruption status that names the place, and leaves the files alone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "stream/log.h"
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

// Appends `n` batches of 10 records; returns the byte position where each
// batch starts (single segment) plus the end position.
std::vector<uint64_t> Fill(const LogOptions& opt, int n) {
  auto log = OpenOrDie(opt);
  std::vector<uint64_t> pos;
  if (!log) return pos;
  pos.push_back(log->Stats().bytes);
  for (int b = 0; b < n; ++b) {
    auto r = log->AppendSync(MakeRequest("t", Records("b" + std::to_string(b), 10, 50)));
    EXPECT_TRUE(r.status.ok());
    pos.push_back(log->Stats().bytes);
  }
  return pos;
}

std::map<std::string, std::string> Snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().string()] = ReadFileBytes(e.path());
  }
  return out;
}

const std::string kSeg0 = "00000000000000000000.log";

void ExpectTornTailCut(const std::string& tail, const std::string& what) {
  SCOPED_TRACE(what);
  TempDir dir;
  auto opt = TestOptions(dir.path());
  auto pos = Fill(opt, 20);
  const uint64_t good = pos.back();
  AppendFileBytes(dir.path() / kSeg0, tail);
  ASSERT_EQ(std::filesystem::file_size(dir.path() / kSeg0), good + tail.size());
  std::vector<std::string> info;
  opt.info_log = [&](std::string_view m) { info.emplace_back(m); };
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  const auto& rep = log->recovery_report();
  EXPECT_EQ(rep.truncated_bytes, tail.size());
  const std::string want = "recovery: cut " + std::to_string(tail.size()) +
                           " bytes of torn tail from segment " + kSeg0 + " at byte " +
                           std::to_string(good) + " (after offset 199)";
  bool found = false;
  for (const auto& m : rep.messages) found |= m.rfind(want, 0) == 0;
  EXPECT_TRUE(found) << "expected a message starting with: " << want
                     << "\nfirst message: " << (rep.messages.empty() ? "" : rep.messages[0]);
  bool logged = false;
  for (const auto& m : info) logged |= m.rfind(want, 0) == 0;
  EXPECT_TRUE(logged);
  EXPECT_EQ(std::filesystem::file_size(dir.path() / kSeg0), good);
  EXPECT_EQ(log->Stats().end_offset, 200u);
  auto r = log->AppendSync(MakeRequest("t", {"next"}));
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.first_offset, 200u);
  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), 201u);
  EXPECT_EQ(got.back().data, "next");
  log->Close();
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty()) << check->problems[0];
}

TEST(Recovery, TornTailOfGarbageIsCut) { ExpectTornTailCut(std::string(100, 'G'), "garbage"); }

TEST(Recovery, TornTailOfZerosIsCut) { ExpectTornTailCut(std::string(4096, '\0'), "zeros"); }

TEST(Recovery, TornTailOfPartialBatchIsCut) {
  // A real batch, cut short: take one from another log.
  TempDir other;
  auto pos = Fill(TestOptions(other.path()), 21);
  const std::string seg = ReadFileBytes(other.path() / kSeg0);
  const std::string last = seg.substr(pos[20], pos[21] - pos[20]);
  ExpectTornTailCut(last.substr(0, last.size() / 2), "half batch");
  ExpectTornTailCut(last.substr(0, 20), "half header");
  std::string bad_crc = last;
  bad_crc[bad_crc.size() - 3] ^= 0x40;  // whole batch, payload CRC fails
  ExpectTornTailCut(bad_crc, "whole batch, bad payload");
}

TEST(Recovery, FlippedByteWithValidBatchesAfterIsCorruption) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  auto pos = Fill(opt, 20);
  // Without a checkpoint every batch is verified (as after a crash).
  std::filesystem::remove(dir.path() / "checkpoint");
  std::string seg = ReadFileBytes(dir.path() / kSeg0);
  seg[pos[7] + 200] ^= 0x01;  // inside batch 7 (offsets 70..79)
  WriteFileBytes(dir.path() / kSeg0, seg);
  const auto before = Snapshot(dir.path());

  auto r = Log::Open(opt);
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find(kSeg0), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("byte " + std::to_string(pos[7])), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("offsets 70..79"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("tillpipe check --data-dir"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("not modified"), std::string::npos) << s.message();
  EXPECT_EQ(Snapshot(dir.path()), before);

  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find(kSeg0), std::string::npos);
  EXPECT_NE(check->problems[0].find("byte " + std::to_string(pos[7])), std::string::npos)
      << check->problems[0];
  EXPECT_NE(check->problems[0].find("offset 70"), std::string::npos);
  EXPECT_NE(check->problems[0].find("checksum"), std::string::npos);
  EXPECT_EQ(check->batches, 19u);  // the others are all read
}

TEST(Recovery, DamagedSealedSegmentIsCorruption) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 4096;
  {
    auto log = OpenOrDie(opt);
    ASSERT_TRUE(log);
    for (int b = 0; b < 40; ++b) {
      ASSERT_TRUE(log->AppendSync(MakeRequest("t", Records("b", 10, 50))).status.ok());
    }
  }
  auto files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 3u);
  std::filesystem::remove(dir.path() / "checkpoint");
  // Damage the very end of the first (sealed) segment: nothing valid follows
  // inside it, but it is sealed, so this is not a torn tail.
  std::string seg = ReadFileBytes(files[0]);
  seg[seg.size() - 2] ^= 0x10;
  WriteFileBytes(files[0], seg);
  const auto before = Snapshot(dir.path());
  auto r = Log::Open(opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find(files[0].filename().string()), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("sealed"), std::string::npos) << r.status().message();
  EXPECT_EQ(Snapshot(dir.path()), before);
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find(files[0].filename().string()), std::string::npos);
}

TEST(Recovery, SegmentShorterThanCheckpointIsCorruption) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  auto pos = Fill(opt, 10);
  std::filesystem::resize_file(dir.path() / kSeg0, pos[9] + 5);
  auto r = Log::Open(opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("checkpoint"), std::string::npos) << r.status().message();
  EXPECT_EQ(std::filesystem::file_size(dir.path() / kSeg0), pos[9] + 5);
}

TEST(Recovery, TrailingEmptySegmentIsRemoved) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  Fill(opt, 5);
  const auto empty = dir.path() / "00000000000000000050.log";
  WriteFileBytes(empty, "");
  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_FALSE(std::filesystem::exists(empty));
  EXPECT_EQ(log->Stats().segments, 1u);
  auto r = log->AppendSync(MakeRequest("t", {"x"}));
  EXPECT_EQ(r.first_offset, 50u);
}

TEST(Recovery, GapBetweenSegmentsIsCorruption) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 2048;
  Fill(opt, 20);
  auto files = SegmentFiles(dir.path());
  ASSERT_GE(files.size(), 4u);
  std::filesystem::remove(files[1]);  // a middle segment vanished
  auto r = Log::Open(opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find(files[2].filename().string()), std::string::npos)
      << r.status().message();
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  ASSERT_FALSE(check->problems.empty());
  EXPECT_NE(check->problems[0].find("missing"), std::string::npos) << check->problems[0];
}

TEST(Recovery, CheckLogOnHealthyLog) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 4096;
  Fill(opt, 30);
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty());
  EXPECT_EQ(check->batches, 30u);
  EXPECT_EQ(check->records, 300u);
  EXPECT_EQ(check->segments, SegmentFiles(dir.path()).size());
  EXPECT_GT(check->segments, 3u);
  EXPECT_FALSE(CheckLog(dir.path() / "nope").ok());
}

TEST(Recovery, CheckLogReportsTornTail) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  auto pos = Fill(opt, 3);
  AppendFileBytes(dir.path() / kSeg0, std::string(10, '\0'));
  auto check = CheckLog(dir.path());
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find("torn tail of 10 bytes"), std::string::npos)
      << check->problems[0];
  EXPECT_NE(check->problems[0].find("byte " + std::to_string(pos[3])), std::string::npos);
}

// A process killed with SIGKILL after acknowledgements: nothing acknowledged
// is lost, offsets continue, idempotency keys come back from the log.
TEST(Recovery, KillNineLosesNothingAcknowledged) {
  TempDir dir;
  auto opt = TestOptions(dir.path());
  opt.segment_size = 16 << 10;
  int ack_pipe[2];
  ASSERT_EQ(::pipe(ack_pipe), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ack_pipe[0]);
    auto r = Log::Open(opt);
    if (!r.ok()) ::_exit(2);
    auto log = std::move(r).value();
    for (int b = 0; b < 100; ++b) {
      auto a = log->AppendSync(MakeRequest("t", Records("b" + std::to_string(b), 10, 50),
                                           "key-" + std::to_string(b), b));
      if (!a.status.ok()) ::_exit(3);
      uint64_t last = a.last_offset;
      if (::write(ack_pipe[1], &last, sizeof last) != sizeof last) ::_exit(4);
    }
    ::raise(SIGKILL);
    ::_exit(5);
  }
  ::close(ack_pipe[1]);
  uint64_t last_acked = 0, v;
  int acks = 0;
  while (::read(ack_pipe[0], &v, sizeof v) == sizeof v) {
    last_acked = v;
    ++acks;
  }
  ::close(ack_pipe[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  ASSERT_EQ(acks, 100);
  EXPECT_EQ(last_acked, 999u);

  auto log = OpenOrDie(opt);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Stats().end_offset, 1000u);
  EXPECT_EQ(log->Stats().idempotency_keys, 100u);
  auto dup = log->AppendSync(MakeRequest("t", Records("b42", 10, 50), "key-42", 42));
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.first_offset, 420u);
  auto got = ReadAll(*log);
  ASSERT_EQ(got.size(), 1000u);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].offset, i);
  EXPECT_EQ(log->AppendSync(MakeRequest("t", {"x"})).first_offset, 1000u);
}

}  // namespace
}  // namespace tp::stream
