// Compaction on real files and a real catalog: merged days hold every row
// exactly once and in order, old schema versions merge into the latest one,
// a lost race changes nothing, and retired files stay on disk exactly as long
// as a reader snapshot or the grace period needs them. DuckDB reads the
// merged files with the same totals.
#include "storage/compactor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "storage/check_tables.h"
#include "storage/file_snapshots.h"
#include "tests/common/duckdb.h"
#include "tests/storage/table_files_test_util.h"

namespace tp::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;
using testutil::DayStartMicros;
using testutil::Get;
using testutil::ReadColumnText;
using testutil::Rows;
using testutil::TableDir;
using tp::testing::DuckDb;

Schema OrdersSchema() {
  return Schema{{
      {"order_id", LogicalType::Of(TypeId::kString), false},
      {"n", LogicalType::Of(TypeId::kInt64), false},
      {"city", LogicalType::Of(TypeId::kString), true},
      {"total", LogicalType::Decimal(12, 2), false},
      {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false},
  }};
}

// Orders first..first+count-1 on `day`: order_id "o<k>", n = k, every
// seventh city NULL, total k*1.07, one second apart from 08:00 UTC.
Rows Orders(const std::string& day, int first, int count) {
  Rows rows(OrdersSchema());
  const int64_t start = DayStartMicros(day) + int64_t{8} * 3600 * 1000000;
  for (int k = first; k < first + count; ++k) {
    rows["order_id"].AppendString("o" + std::to_string(k));
    rows["n"].AppendInt64(k);
    if (k % 7 == 0) {
      rows["city"].AppendNull();
    } else {
      rows["city"].AppendString(k % 2 ? "Lisbon" : "Porto");
    }
    rows["total"].AppendInt64(int64_t{k} * 107);
    rows["purchased_at"].AppendInt64(start + int64_t{k} * 1000000);
  }
  return rows;
}

std::vector<std::string> Range(int first, int count) {
  std::vector<std::string> out;
  for (int k = first; k < first + count; ++k) out.push_back(std::to_string(k));
  return out;
}

std::vector<int64_t> Ids(const std::vector<FileEntry>& files) {
  std::vector<int64_t> out;
  for (const auto& f : files) out.push_back(f.id);
  return out;
}

class CompactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Get(t_.catalog().EnsureSchema("orders", "purchased_at", OrdersSchema())), 1);
  }
  // `parts` files of `per_part` orders each on `day`, numbered on from `first`.
  std::vector<FileEntry> AddOrders(const std::string& day, int first, int parts, int per_part) {
    std::vector<FileEntry> out;
    for (int p = 0; p < parts; ++p) {
      int from = first + p * per_part;
      out.push_back(t_.AddPart("orders", day, 1, "purchased_at", Orders(day, from, per_part),
                               "part-" + std::to_string(from)));
    }
    return out;
  }
  CompactionJob Job(const std::string& day) {
    return CompactionJob{"orders", day, Get(t_.catalog().Files("orders", day, day))};
  }
  std::filesystem::path Abs(const std::string& rel) const { return t_.data_dir() / rel; }

  TableDir t_;
};

TEST_F(CompactorTest, MergesADayKeepingEveryRowOnceAndInOrder) {
  t_.row_group_rows = 700;  // several row groups per input file
  auto day20 = AddOrders("2026-11-20", 0, 6, 1500);
  auto day21 = AddOrders("2026-11-21", 100000, 2, 10);
  const auto before_other_day = Get(t_.catalog().Files("orders", "2026-11-21", "2026-11-21"));

  CompactionOptions options;
  options.batch_rows = 1000;  // batches cut across input files and row groups
  auto r = CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_in, 6u);
  EXPECT_EQ(r->files_out, 1u);
  EXPECT_EQ(r->rows, 9000u);
  ASSERT_EQ(r->added.size(), 1u);
  const FileEntry& merged = r->added[0];
  EXPECT_EQ(merged.path, "tables/orders/date=2026-11-20/compact-" + std::to_string(day20[0].id) +
                             "-" + std::to_string(day20[5].id) + ".parquet");

  // The catalog: one live file for the day with the right entry, the other
  // day untouched, the six old files retired and still on disk.
  auto live = Get(t_.catalog().Files("orders", "2026-11-20", "2026-11-20"));
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0], merged);
  EXPECT_GT(merged.id, day21.back().id);
  EXPECT_EQ(merged.rows, 9000u);
  EXPECT_EQ(merged.raw_bytes, 9000u * 100) << "the records' raw size carries over";
  EXPECT_EQ(merged.schema_version, 1);
  EXPECT_EQ(merged.bytes, std::filesystem::file_size(Abs(merged.path)));
  EXPECT_EQ(merged.checksum, Get(FileChecksum(Abs(merged.path))));
  EXPECT_EQ(merged.min_time_us, day20.front().min_time_us);
  EXPECT_EQ(merged.max_time_us, day20.back().max_time_us);
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-21", "2026-11-21")), before_other_day);
  auto retired = Get(t_.catalog().RetiredFiles());
  ASSERT_EQ(retired.size(), 6u);
  for (size_t i = 0; i < retired.size(); ++i) {
    EXPECT_EQ(retired[i].file_id, day20[i].id);
    EXPECT_EQ(retired[i].path, day20[i].path);
    EXPECT_EQ(retired[i].reason, "replaced");
    EXPECT_TRUE(std::filesystem::exists(Abs(day20[i].path))) << "deleted before the reaper ran";
  }

  // Every row once, in the order of the old files (by id) and their rows.
  EXPECT_EQ(ReadColumnText(Abs(merged.path), "n"), Range(0, 9000));
  auto cities = ReadColumnText(Abs(merged.path), "city");
  EXPECT_EQ(cities[7], "NULL");
  EXPECT_EQ(cities[8], "Porto");
  auto reader = Get(parquet::ParquetReader::Open(Abs(merged.path)));
  EXPECT_GE(reader->row_groups().size(), 9u);
  for (const auto& g : reader->row_groups()) EXPECT_LE(g.rows, 1000u) << "batches of batch_rows";
  for (const auto& [k, v] : reader->key_value_metadata()) {
    if (k == "tillpipe.schema_version") {
      EXPECT_EQ(v, "1");
    }
    if (k == "tillpipe.table") {
      EXPECT_EQ(v, "orders");
    }
  }

  // DuckDB reads the merged file with the same totals as the old files.
  auto sums = [](const std::string& files) {
    return DuckDb(
        "SELECT count(*), count(DISTINCT order_id), sum(n)::VARCHAR, "
        "sum(total)::VARCHAR, count(city), min(purchased_at)::VARCHAR FROM "
        "read_parquet(" +
        files + ")");
  };
  std::string old_list = "[";
  for (const auto& f : day20)
    old_list += (old_list.size() > 1 ? ",'" : "'") + Abs(f.path).string() + "'";
  old_list += "]";
  json expected = sums(old_list);
  json actual = sums("'" + Abs(merged.path).string() + "'");
  ASSERT_FALSE(actual.contains("error")) << actual.dump();
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(actual["rows"][0][0], "9000");
}

TEST_F(CompactorTest, StartsANewFileWhenTheTargetSizeIsPassed) {
  t_.row_group_rows = 500;
  auto parts = AddOrders("2026-11-20", 0, 8, 1000);
  CompactionOptions options;
  options.batch_rows = 500;
  // About two old files per new one (the estimate counts column chunks,
  // which are smaller than the files).
  options.target_file_bytes = parts[0].bytes;
  auto r = CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GE(r->files_out, 3u);
  ASSERT_LE(r->files_out, 6u);
  const std::string base = "tables/orders/date=2026-11-20/compact-" +
                           std::to_string(parts.front().id) + "-" + std::to_string(parts.back().id);
  EXPECT_EQ(r->added[0].path, base + ".parquet");
  EXPECT_EQ(r->added[1].path, base + "-2.parquet");
  // In id order, the new files hold the rows in their old order.
  std::vector<std::string> all;
  uint64_t rows = 0;
  for (const auto& f : Get(t_.catalog().Files("orders"))) {
    auto n = ReadColumnText(Abs(f.path), "n");
    all.insert(all.end(), n.begin(), n.end());
    rows += f.rows;
    EXPECT_EQ(f.rows, n.size());
    EXPECT_EQ(f.min_time_us,
              DayStartMicros("2026-11-20") + (8 * 3600 + std::stoll(n.front())) * 1000000);
  }
  EXPECT_EQ(all, Range(0, 8000));
  EXPECT_EQ(rows, 8000u);
  // Split files share the raw size by rows (rounded down).
  uint64_t raw = 0;
  for (const auto& f : r->added) {
    EXPECT_NEAR(static_cast<double>(f.raw_bytes), f.rows * 100.0, 1.0);
    raw += f.raw_bytes;
  }
  EXPECT_NEAR(static_cast<double>(raw), 800000.0, static_cast<double>(r->added.size()));
}

// Version 1 has qty int32 and price int32 and no note; version 2 widens qty
// to int64 and price to float64 and adds a nullable note. A day holding
// files of both merges into version 2.
TEST_F(CompactorTest, OlderSchemaVersionsMergeIntoTheLatestByName) {
  const auto S = LogicalType::Of(TypeId::kString);
  const auto TS = LogicalType::Of(TypeId::kTimestamp);
  Schema v1{{{"id", S, false},
             {"qty", LogicalType::Of(TypeId::kInt32), false},
             {"price", LogicalType::Of(TypeId::kInt32), true},
             {"at", TS, false}}};
  // Version 2 also reorders: columns are matched by name, not position.
  Schema v2{{{"id", S, false},
             {"note", S, true},
             {"at", TS, false},
             {"price", LogicalType::Of(TypeId::kFloat64), true},
             {"qty", LogicalType::Of(TypeId::kInt64), false}}};
  ASSERT_EQ(Get(t_.catalog().EnsureSchema("items", "at", v1)), 1);
  const int64_t t0 = DayStartMicros("2026-11-20");
  Rows old_rows(v1);
  for (int i = 0; i < 3; ++i) {
    old_rows["id"].AppendString("a" + std::to_string(i));
    old_rows["qty"].AppendInt32(2147483600 + i);
    if (i == 1) {
      old_rows["price"].AppendNull();
    } else {
      old_rows["price"].AppendInt32(-7 - i);
    }
    old_rows["at"].AppendInt64(t0 + i);
  }
  auto a = t_.AddPart("items", "2026-11-20", 1, "at", old_rows, "part-a");
  ASSERT_EQ(Get(t_.catalog().EnsureSchema("items", "at", v2)), 2);
  Rows new_rows(v2);
  for (int i = 0; i < 2; ++i) {
    new_rows["id"].AppendString("b" + std::to_string(i));
    new_rows["note"].AppendString("gift");
    new_rows["at"].AppendInt64(t0 + 10 + i);
    new_rows["price"].AppendDouble(2.5 + i);
    new_rows["qty"].AppendInt64(int64_t{1} << 40);
  }
  auto b = t_.AddPart("items", "2026-11-20", 2, "at", new_rows, "part-b");

  CompactionJob job{"items", "2026-11-20", {a, b}};
  auto r = CompactDay(t_.catalog(), t_.data_dir(), job, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->added.size(), 1u);
  const FileEntry& merged = r->added[0];
  EXPECT_EQ(merged.schema_version, 2);
  EXPECT_EQ(merged.min_time_us, t0);
  EXPECT_EQ(merged.max_time_us, t0 + 11);
  const auto path = Abs(merged.path);
  auto reader = Get(parquet::ParquetReader::Open(path));
  EXPECT_EQ(reader->schema(), v2) << "written in the latest schema, its column order";
  EXPECT_THAT(ReadColumnText(path, "id"), ElementsAre("a0", "a1", "a2", "b0", "b1"));
  EXPECT_THAT(ReadColumnText(path, "note"), ElementsAre("NULL", "NULL", "NULL", "gift", "gift"));
  EXPECT_THAT(ReadColumnText(path, "qty"), ElementsAre("2147483600", "2147483601", "2147483602",
                                                       "1099511627776", "1099511627776"));
  EXPECT_THAT(ReadColumnText(path, "price"), ElementsAre("-7", "NULL", "-9", "2.5", "3.5"));

  json j = DuckDb(
      "SELECT any_value(typeof(qty)), any_value(typeof(price)), sum(qty)::VARCHAR, "
      "sum(price), "
      "count(note), count(*) FROM read_parquet('" +
      path.string() + "')");
  ASSERT_FALSE(j.contains("error")) << j.dump();
  EXPECT_EQ(j["rows"][0][0], "BIGINT");
  EXPECT_EQ(j["rows"][0][1], "DOUBLE");
  EXPECT_EQ(j["rows"][0][2], std::to_string(3 * int64_t{2147483600} + 3 + 2 * (int64_t{1} << 40)));
  EXPECT_EQ(j["rows"][0][3], -10.0);
  EXPECT_EQ(j["rows"][0][4], "2");
}

TEST_F(CompactorTest, AFileThatDoesNotFitTheLatestSchemaIsRefusedNamingIt) {
  const auto TS = LogicalType::Of(TypeId::kTimestamp);
  Schema v1{{{"code", LogicalType::Of(TypeId::kInt64), false}, {"at", TS, false}}};
  Schema v2{{{"code", LogicalType::Of(TypeId::kInt32), false}, {"at", TS, false}}};
  ASSERT_EQ(Get(t_.catalog().EnsureSchema("codes", "at", v1)), 1);
  Rows rows(v1);
  rows["code"].AppendInt64(1);
  rows["at"].AppendInt64(DayStartMicros("2026-11-20"));
  auto a = t_.AddPart("codes", "2026-11-20", 1, "at", rows, "part-a");
  auto b = t_.AddPart("codes", "2026-11-20", 1, "at", rows, "part-b");
  // The catalog does not police schema changes; the compactor must not
  // narrow silently.
  ASSERT_EQ(Get(t_.catalog().EnsureSchema("codes", "at", v2)), 2);
  auto r =
      CompactDay(t_.catalog(), t_.data_dir(), CompactionJob{"codes", "2026-11-20", {a, b}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("compacting codes 2026-11-20"));
  EXPECT_THAT(r.status().message(), HasSubstr("part-a.parquet"));
  EXPECT_THAT(r.status().message(), HasSubstr("\"code\" is int64"));
  EXPECT_EQ(Get(t_.catalog().Files("codes")).size(), 2u);
  EXPECT_EQ(t_.FilesOnDisk().size(), 2u) << "no output left behind";
}

// Retention removed the day's files while the merged file was being
// written: the commit loses, nothing changes but the deleted output.
TEST_F(CompactorTest, ConflictLeavesCatalogAndDiskUnchanged) {
  AddOrders("2026-11-20", 0, 3, 100);
  AddOrders("2026-11-21", 1000, 3, 100);
  std::vector<FileEntry> live;
  std::vector<RetiredFile> retired;
  std::vector<std::string> disk;
  CompactionOptions options;
  options.before_commit = [&] {
    auto dropped = Get(t_.catalog().DropDaysBefore("orders", "2026-11-21"));
    EXPECT_EQ(dropped.size(), 3u);
    live = Get(t_.catalog().Files());
    retired = Get(t_.catalog().RetiredFiles());
    disk = t_.FilesOnDisk();
    EXPECT_EQ(disk.size(), 7u) << "the merged file is written";
  };
  auto r = CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), options);
  ASSERT_EQ(r.status().code(), Status::Code::kConflict) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr("compacting orders 2026-11-20"));
  EXPECT_THAT(r.status().message(), HasSubstr("not live"));
  EXPECT_EQ(Get(t_.catalog().Files()), live);
  const auto retired_after = Get(t_.catalog().RetiredFiles());
  ASSERT_EQ(retired_after.size(), retired.size());
  for (size_t i = 0; i < retired.size(); ++i) EXPECT_EQ(retired_after[i].seq, retired[i].seq);
  ASSERT_EQ(disk.size(), 7u);
  disk.erase(std::remove_if(disk.begin(), disk.end(),
                            [](const std::string& p) { return p.find("compact-") != p.npos; }),
             disk.end());
  EXPECT_EQ(t_.FilesOnDisk(), disk) << "the merged file is deleted, nothing else";

  // A job picked from a listing that is out of date fails the same way,
  // before it reads anything.
  const CompactionJob stale = Job("2026-11-21");
  ASSERT_TRUE(CompactDay(t_.catalog(), t_.data_dir(), stale, {}).ok());
  disk = t_.FilesOnDisk();
  auto stale_again = CompactDay(t_.catalog(), t_.data_dir(), stale, {});
  EXPECT_EQ(stale_again.status().code(), Status::Code::kConflict);
  EXPECT_EQ(t_.FilesOnDisk(), disk);
  EXPECT_EQ(Get(t_.catalog().Files("orders", "2026-11-21", "2026-11-21")).size(), 1u);
}

TEST_F(CompactorTest, CancelStopsWithoutCommittingOrLeavingFiles) {
  t_.row_group_rows = 100;
  AddOrders("2026-11-20", 0, 3, 1000);
  std::atomic<bool> cancel{true};
  CompactionOptions options;
  options.cancel = &cancel;
  const auto live = Get(t_.catalog().Files());
  auto r = CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), options);
  EXPECT_EQ(r.status().code(), Status::Code::kBusy) << r.status().ToString();
  EXPECT_EQ(Get(t_.catalog().Files()), live);
  EXPECT_EQ(t_.FilesOnDisk().size(), 3u);
}

TEST_F(CompactorTest, SnapshotKeepsRetiredFilesReadableUntilReleased) {
  auto parts = AddOrders("2026-11-20", 0, 4, 50);
  FileSnapshots snapshots(&t_.catalog(), t_.data_dir(),
                          FileSnapshotsOptions{std::chrono::milliseconds(0)});
  auto before = Get(snapshots.Acquire("orders"));
  EXPECT_EQ(Ids(before.files()), Ids(parts));
  ASSERT_TRUE(CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), {}).ok());
  auto after = Get(snapshots.Acquire("orders", "2026-11-20", "2026-11-20"));
  ASSERT_EQ(after.files().size(), 1u);
  EXPECT_GT(after.retire_mark(), before.retire_mark());
  EXPECT_EQ(snapshots.live_snapshots(), 2u);

  auto reap = Get(snapshots.Reap());
  EXPECT_EQ(reap.deleted, 0u);
  EXPECT_EQ(reap.pinned, 4u);
  // The old snapshot still reads its files, with the same content.
  std::vector<std::string> seen;
  for (const auto& f : before.files()) {
    auto n = ReadColumnText(Abs(f.path), "n");
    seen.insert(seen.end(), n.begin(), n.end());
  }
  EXPECT_EQ(seen, Range(0, 200));

  before.Release();
  EXPECT_EQ(snapshots.live_snapshots(), 1u);
  // The newer snapshot never listed the old files: it does not hold them.
  reap = Get(snapshots.Reap());
  EXPECT_EQ(reap.deleted, 4u);
  EXPECT_EQ(reap.pinned, 0u);
  for (const auto& f : parts) EXPECT_FALSE(std::filesystem::exists(Abs(f.path))) << f.path;
  EXPECT_TRUE(Get(t_.catalog().RetiredFiles()).empty());
  EXPECT_EQ(t_.FilesOnDisk(), std::vector<std::string>{after.files()[0].path});
  EXPECT_EQ(ReadColumnText(Abs(after.files()[0].path), "n"), Range(0, 200));
}

TEST_F(CompactorTest, SnapshotsMoveAndReleaseOnce) {
  AddOrders("2026-11-20", 0, 2, 5);
  FileSnapshots snapshots(&t_.catalog(), t_.data_dir(),
                          FileSnapshotsOptions{std::chrono::milliseconds(0)});
  {
    auto a = Get(snapshots.Acquire());
    TableSnapshot b = std::move(a);
    EXPECT_FALSE(a.held());
    EXPECT_TRUE(b.held());
    TableSnapshot c;
    c = std::move(b);
    EXPECT_EQ(snapshots.live_snapshots(), 1u);
    EXPECT_EQ(c.files().size(), 2u);
  }
  EXPECT_EQ(snapshots.live_snapshots(), 0u);
  EXPECT_EQ(snapshots.Acquire("orders", "bad-day").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(snapshots.live_snapshots(), 0u);
}

TEST_F(CompactorTest, GracePeriodIsRespected) {
  auto parts = AddOrders("2026-11-20", 0, 2, 10);
  EXPECT_EQ(FileSnapshotsOptions().grace, std::chrono::seconds(0));  // see its comment
  FileSnapshotsOptions o;
  o.grace = std::chrono::seconds(30);
  FileSnapshots snapshots(&t_.catalog(), t_.data_dir(), o);
  ASSERT_TRUE(CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), {}).ok());
  auto retired = Get(t_.catalog().RetiredFiles());
  ASSERT_EQ(retired.size(), 2u);
  const int64_t at = retired[0].retired_us;
  EXPECT_GT(at, 0);

  auto r = Get(snapshots.Reap(at + 29'999'999));
  EXPECT_EQ(r.deleted, 0u);
  EXPECT_EQ(r.in_grace, 2u);
  for (const auto& f : parts) EXPECT_TRUE(std::filesystem::exists(Abs(f.path)));
  r = Get(snapshots.Reap(at + 30'000'000));
  EXPECT_EQ(r.deleted, 2u);
  EXPECT_EQ(r.bytes_deleted, parts[0].bytes + parts[1].bytes);
  for (const auto& f : parts) EXPECT_FALSE(std::filesystem::exists(Abs(f.path)));
  EXPECT_TRUE(Get(t_.catalog().RetiredFiles()).empty());
}

TEST_F(CompactorTest, RetentionRetiresWholeDaysAndTheReaperRemovesThem) {
  for (int d = 15; d <= 22; ++d) AddOrders("2026-11-" + std::to_string(d), d * 1000, 2, 3);
  auto dropped = Get(t_.catalog().DropDaysBefore("orders", "2026-11-19"));
  EXPECT_EQ(dropped.size(), 8u);
  std::set<std::string> days;
  for (const auto& d : Get(t_.catalog().Days("orders"))) days.insert(d.day);
  EXPECT_EQ(days, (std::set<std::string>{"2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"}));
  // Until reaped, check counts the dropped files as awaiting deletion.
  auto report = CheckTables(t_.data_dir(), t_.catalog());
  EXPECT_TRUE(report.problems.empty()) << report.problems[0];
  EXPECT_EQ(report.awaiting_deletion, 8u);
  ASSERT_FALSE(report.notes.empty());
  EXPECT_THAT(report.notes[0], HasSubstr("awaiting deletion (dropped by retention"));

  FileSnapshots snapshots(&t_.catalog(), t_.data_dir(),
                          FileSnapshotsOptions{std::chrono::milliseconds(0)});
  auto r = Get(snapshots.Reap());
  EXPECT_EQ(r.deleted, 8u);
  EXPECT_TRUE(r.errors.empty());
  for (int d = 15; d <= 18; ++d) {
    EXPECT_FALSE(std::filesystem::exists(t_.data_dir() / "tables" / "orders" /
                                         ("date=2026-11-" + std::to_string(d))))
        << "the emptied day directory is removed";
  }
  EXPECT_EQ(t_.FilesOnDisk().size(), 8u);
  report = CheckTables(t_.data_dir(), t_.catalog());
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(report.awaiting_deletion, 0u);
}

TEST_F(CompactorTest, CheckTellsRetiredFilesFromLeftovers) {
  AddOrders("2026-11-20", 0, 3, 10);
  ASSERT_TRUE(CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), {}).ok());
  // A leftover of a compaction that never committed, and of a flush.
  std::filesystem::copy_file(Abs(Get(t_.catalog().Files())[0].path),
                             Abs("tables/orders/date=2026-11-20/compact-1-2.parquet"));
  std::filesystem::copy_file(Abs(Get(t_.catalog().Files())[0].path),
                             Abs("tables/orders/date=2026-11-20/part-x.parquet"));
  auto report = CheckTables(t_.data_dir(), t_.catalog());
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(report.rows, 30u);
  EXPECT_EQ(report.awaiting_deletion, 3u);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_THAT(
      report.problems[0] + report.problems[1],
      HasSubstr("compact-1-2.parquet: not in the catalog (left by an interrupted compaction"));
  EXPECT_THAT(report.problems[0] + report.problems[1],
              HasSubstr("part-x.parquet: not in the catalog (left by an interrupted flush"));
}

TEST_F(CompactorTest, ALiveFileCannotTakeTheNameOfARetiredOne) {
  auto parts = AddOrders("2026-11-20", 0, 2, 10);
  ASSERT_TRUE(CompactDay(t_.catalog(), t_.data_dir(), Job("2026-11-20"), {}).ok());
  FileEntry again = parts[0];
  again.id = 0;
  auto r = t_.catalog().Commit({again}, {}, "", std::nullopt);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("awaits deletion"));
}

// --- the policy -------------------------------------------------------------------------

FileEntry F(int64_t id, const std::string& day, uint64_t bytes) {
  FileEntry f;
  f.id = id;
  f.table = "orders";
  f.day = day;
  f.bytes = bytes;
  return f;
}

std::map<std::string, std::vector<int64_t>> Picked(const std::vector<FileEntry>& files,
                                                   const std::string& today, uint64_t min_files,
                                                   uint64_t target = 1000) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& job : PickCompactions(files, today, CompactionPolicy{min_files, target})) {
    EXPECT_EQ(job.table, "orders");
    out[job.day] = Ids(job.files);
  }
  return out;
}

TEST(CompactionPolicy, PastDaysAtTwoFilesTodayAtMinFiles) {
  std::vector<FileEntry> files = {
      F(1, "2026-11-19", 10),                          // one file: nothing to merge
      F(2, "2026-11-20", 10), F(3, "2026-11-20", 10),  // past, two files
      F(4, "2026-11-22", 10), F(5, "2026-11-22", 10), F(6, "2026-11-22", 10),  // today, three
      F(7, "2026-11-23", 10), F(8, "2026-11-23", 10), F(9, "2026-11-23", 10),
      F(10, "2026-11-23", 10)};  // tomorrow (early data) counts like today
  using M = std::map<std::string, std::vector<int64_t>>;
  EXPECT_EQ(Picked(files, "2026-11-22", 4),
            (M{{"2026-11-20", {2, 3}}, {"2026-11-23", {7, 8, 9, 10}}}));
  EXPECT_EQ(Picked(files, "2026-11-22", 3),
            (M{{"2026-11-20", {2, 3}}, {"2026-11-22", {4, 5, 6}}, {"2026-11-23", {7, 8, 9, 10}}}));
  // min_files below 2 means 2: one file is never "merged".
  EXPECT_EQ(Picked(files, "2026-11-30", 0).size(), 3u);
}

TEST(CompactionPolicy, BigFilesAreLeftAlone) {
  // Target 1000: files of 500+ bytes are big.
  std::vector<FileEntry> files = {
      F(1, "2026-11-18", 900), F(2, "2026-11-18", 600),                           // already big
      F(3, "2026-11-19", 900), F(4, "2026-11-19", 100),                           // big + one small
      F(5, "2026-11-20", 900), F(6, "2026-11-20", 100), F(7, "2026-11-20", 50)};  // big + two
  using M = std::map<std::string, std::vector<int64_t>>;
  EXPECT_EQ(Picked(files, "2026-11-22", 8), (M{{"2026-11-20", {6, 7}}}));
}

TEST(CompactionPolicy, TodayMergesLikeABinaryCounter) {
  // A merged file is rewritten only when the files after it are as big.
  std::vector<FileEntry> files = {F(1, "2026-11-22", 80), F(2, "2026-11-22", 10),
                                  F(3, "2026-11-22", 10), F(4, "2026-11-22", 10)};
  using M = std::map<std::string, std::vector<int64_t>>;
  EXPECT_EQ(Picked(files, "2026-11-22", 3), (M{{"2026-11-22", {2, 3, 4}}}));
  files[0].bytes = 30;
  EXPECT_EQ(Picked(files, "2026-11-22", 3), (M{{"2026-11-22", {1, 2, 3, 4}}}));
  // The same day once it is over: everything into one file.
  files[0].bytes = 80;
  EXPECT_EQ(Picked(files, "2026-11-23", 3), (M{{"2026-11-22", {1, 2, 3, 4}}}));
}

}  // namespace
}  // namespace tp::storage
