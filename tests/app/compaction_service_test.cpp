// The compaction service's passes with a pinned clock: which days retention
// drops in the store's time zone, that every table (also _rejected) is
// compacted and logged, that replaced files are reaped, and that Stop()
// returns while a pass would otherwise wait.
#include "app/compaction_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/storage/table_files_test_util.h"

namespace tp::app {
namespace {

using storage::LogicalType;
using storage::TypeId;
using storage::testutil::DayStartMicros;
using storage::testutil::Get;
using storage::testutil::ReadColumnText;
using storage::testutil::Rows;
using storage::testutil::TableDir;
using ::testing::HasSubstr;

storage::Schema Events() {
  return storage::Schema{{{"id", LogicalType::Of(TypeId::kInt64), false},
                          {"at", LogicalType::Of(TypeId::kTimestamp), false}}};
}

class CompactionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* t : {"orders", "page_views", "_rejected"}) {
      ASSERT_EQ(Get(t_.catalog().EnsureSchema(t, "at", Events())), 1);
    }
  }
  // `parts` files of 10 rows each on `day`; ids go on across calls.
  void Add(const std::string& table, const std::string& day, int parts) {
    for (int p = 0; p < parts; ++p) {
      Rows rows(Events());
      for (int i = 0; i < 10; ++i) {
        rows["id"].AppendInt64(next_++);
        rows["at"].AppendInt64(DayStartMicros(day) + 3600000000LL * 12 + i);
      }
      t_.AddPart(table, day, 1, "at", rows, "part-" + std::to_string(next_));
    }
  }
  std::set<std::string> Days(const std::string& table) {
    std::set<std::string> out;
    for (const auto& d : Get(t_.catalog().Days(table))) out.insert(d.day);
    return out;
  }
  std::unique_ptr<CompactionService> Service(CompactionServiceOptions o) {
    o.data_dir = t_.data_dir();
    o.info_log = [this](std::string_view s) { log_.emplace_back(s); };
    auto s = CompactionService::Create(o, &t_.catalog(), &snapshots_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::string Log() const {
    std::string all;
    for (const auto& l : log_) all += l + "\n";
    return all;
  }

  TableDir t_;
  storage::FileSnapshots snapshots_{&t_.catalog(), t_.data_dir(),
                                    storage::FileSnapshotsOptions{std::chrono::milliseconds(0)}};
  std::vector<std::string> log_;
  int64_t next_ = 0;
};

// 2026-11-22 12:00 UTC.
constexpr int64_t kNoon22 = 1795348800LL * 1000000;

TEST_F(CompactionServiceTest, TodayIsTheStoreLocalDay) {
  CompactionServiceOptions o;
  o.now_us = [] { return kNoon22 - 11 * 3600000000LL; };  // 01:00 UTC on the 22nd
  EXPECT_EQ(Service(o)->Today(), "2026-11-22");
  o.timezone = "America/Sao_Paulo";  // UTC-3: still the 21st there
  EXPECT_EQ(Service(o)->Today(), "2026-11-21");
  o.timezone = "Mars/Olympus_Mons";
  auto bad = CompactionService::Create(o, &t_.catalog(), &snapshots_);
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("Mars/Olympus_Mons"));
}

TEST_F(CompactionServiceTest, RetentionDropsExactlyTheDaysOlderThanItKeeps) {
  for (int d = 14; d <= 22; ++d) {
    const std::string day = "2026-11-" + std::to_string(d);
    Add("orders", day, 1);
    Add("page_views", day, 1);
    Add("_rejected", day, 1);
  }
  CompactionServiceOptions o;
  o.now_us = [] { return kNoon22; };
  o.min_files = 100;  // retention only
  o.retention = {{"orders", std::chrono::hours(24 * 3)},
                 {"page_views", std::chrono::hours(36)},  // part of a day: rounds up to 2
                 {"_rejected", std::chrono::hours(24)}};  // kept forever regardless
  auto service = Service(o);
  ASSERT_TRUE(service->RunOnce().ok()) << Log();
  EXPECT_EQ(Days("orders"),
            (std::set<std::string>{"2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"}));
  EXPECT_EQ(Days("page_views"), (std::set<std::string>{"2026-11-20", "2026-11-21", "2026-11-22"}));
  EXPECT_EQ(Days("_rejected").size(), 9u);
  EXPECT_THAT(Log(), HasSubstr("retention: dropped orders 2026-11-14..2026-11-18 (5 day(s), 5 "
                               "file(s), 50 rows; older than 2026-11-19)"));
  auto stats = service->Stats();
  EXPECT_EQ(stats.days_dropped, 5u + 6u);
  EXPECT_EQ(stats.files_dropped, 11u);
  EXPECT_EQ(stats.rows_dropped, 110u);
  EXPECT_EQ(stats.files_deleted, 11u) << "grace 0: reaped in the same pass";
  EXPECT_FALSE(std::filesystem::exists(t_.data_dir() / "tables/orders/date=2026-11-18"));
  EXPECT_TRUE(std::filesystem::exists(t_.data_dir() / "tables/orders/date=2026-11-19"));

  // In São Paulo it is still the 22nd at 02:00 UTC on the 23rd: same cut.
  CompactionServiceOptions sp = o;
  sp.timezone = "America/Sao_Paulo";
  sp.now_us = [] { return kNoon22 + 14 * 3600000000LL; };
  ASSERT_TRUE(Service(sp)->RunOnce().ok());
  EXPECT_EQ(Days("orders").size(), 4u);
}

TEST_F(CompactionServiceTest, CompactsEveryTableIncludingRejectedAndReaps) {
  Add("orders", "2026-11-20", 5);
  Add("orders", "2026-11-22", 3);  // today, below min_files
  Add("_rejected", "2026-11-21", 2);
  Add("page_views", "2026-11-20", 1);
  CompactionServiceOptions o;
  o.now_us = [] { return kNoon22; };
  o.min_files = 4;
  auto service = Service(o);
  ASSERT_TRUE(service->RunOnce().ok()) << Log();
  EXPECT_THAT(Log(), HasSubstr("compacted orders 2026-11-20: 5 files -> 1, "));
  EXPECT_THAT(Log(), HasSubstr("compacted _rejected 2026-11-21: 2 files -> 1, "));
  EXPECT_THAT(Log(),
              ::testing::ContainsRegex("5 files -> 1, [0-9.]+ kB -> [0-9]+ B in [0-9]+\\.[0-9] s"));
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-20", "2026-11-20")).size(), 1u);
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-22", "2026-11-22")).size(), 3u);
  EXPECT_EQ(Get(t_.catalog().Files("_rejected")).size(), 1u);
  EXPECT_EQ(Get(t_.catalog().Files("page_views")).size(), 1u);
  auto stats = service->Stats();
  EXPECT_EQ(stats.compactions, 2u);
  EXPECT_EQ(stats.files_compacted, 7u);
  EXPECT_EQ(stats.files_written, 2u);
  EXPECT_EQ(stats.files_deleted, 7u);
  EXPECT_EQ(stats.files_awaiting_deletion, 0u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_TRUE(Get(t_.catalog().RetiredFiles()).empty());
  EXPECT_EQ(t_.FilesOnDisk().size(), 1u + 3u + 1u + 1u);
  auto merged = Get(t_.catalog().Files("orders", "2026-11-20", "2026-11-20"))[0];
  auto ids = ReadColumnText(t_.data_dir() / merged.path, "id");
  ASSERT_EQ(ids.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ids[i], std::to_string(i));

  // Nothing left to do: a second pass changes nothing.
  const auto files = Get(t_.catalog().Files());
  ASSERT_TRUE(service->RunOnce().ok());
  EXPECT_EQ(Get(t_.catalog().Files()), files);
  EXPECT_EQ(service->Stats().compactions, 2u);
  EXPECT_EQ(service->Stats().passes, 2u);
}

TEST_F(CompactionServiceTest, AFailingDayIsReportedOnceAndOthersGoOn) {
  Add("orders", "2026-11-19", 2);
  Add("orders", "2026-11-20", 2);
  // One part of the 19th is damaged on disk.
  auto broken = Get(t_.catalog().Files("orders", "2026-11-19", "2026-11-19"))[1];
  std::filesystem::resize_file(t_.data_dir() / broken.path, 10);
  CompactionServiceOptions o;
  o.now_us = [] { return kNoon22; };
  auto service = Service(o);
  Status s = service->RunOnce();
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("compacting orders 2026-11-19"));
  EXPECT_THAT(s.message(), HasSubstr(broken.path));
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-20", "2026-11-20")).size(), 1u);
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-19", "2026-11-19")).size(), 2u);
  (void)service->RunOnce();
  size_t reports = 0;
  for (const auto& l : log_) reports += l.find("compaction failed") != std::string::npos;
  EXPECT_EQ(reports, 1u) << Log();
  EXPECT_EQ(service->Stats().errors, 2u);
}

TEST_F(CompactionServiceTest, StopReturnsWithoutWaitingForTheInterval) {
  CompactionServiceOptions o;
  o.interval = std::chrono::hours(1);
  auto service = Service(o);
  service->Start();
  service->Stop();  // would hang for an hour if Stop did not wake the thread
  EXPECT_EQ(service->Stats().passes, 0u);
  // interval 0: Start() runs nothing.
  o.interval = std::chrono::milliseconds(0);
  auto off = Service(o);
  off->Start();
  off->Stop();
  EXPECT_EQ(off->Stats().passes, 0u);
}

}  // namespace
}  // namespace tp::app
