// A query's snapshot (storage/sql/engine.cpp): every scan of a table reads
// the same files and tail rows, even when the materializer commits a file
// between two scans being listed (a self-join, a UNION ALL of a table with
// itself): no row is seen by one side only. Tail rows decoded under an
// older schema are cast to the latest one, like an older file's.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/sql/engine.h"
#include "storage/value_parse.h"
#include "tests/storage/table_files_test_util.h"

namespace tp::storage::sql {
namespace {

using testutil::Get;
using testutil::Rows;
using testutil::TableDir;

constexpr const char* kDay = "2026-11-20";

Schema EventsSchema() {
  return Schema{{
      {"id", LogicalType::Of(TypeId::kInt64), false},
      {"at", LogicalType::Of(TypeId::kTimestamp), false},
  }};
}

// Events first..first+count-1, a second apart from the start of kDay (UTC).
Rows Events(int first, int count) {
  Rows rows(EventsSchema());
  for (int k = first; k < first + count; ++k) {
    rows["id"].AppendInt64(k);
    rows["at"].AppendInt64(testutil::DayStartMicros(kDay) + int64_t{k} * 1000000);
  }
  return rows;
}

// A busy materializer: each time its tail is read, it has just committed
// a file of the next 10 events, and holds the 5 after those in its tail.
class FlushingTail : public TailSource {
 public:
  FlushingTail(TableDir* dir, int next) : dir_(dir), next_(next) {}
  Status ReadTail(const std::string& table,
                  const std::function<void(const std::vector<TailPart>&)>& fn) override {
    if (table != "events") return Status::NotFound(table);
    dir_->AddPart("events", kDay, 1, "at", Events(next_, 10), "part-" + std::to_string(next_));
    next_ += 10;
    const Rows tail = Events(next_, 5);
    const std::vector<int32_t> days(tail.size(), Get(ParseDate(kDay)));
    fn({TailPart{&tail.schema, &tail.cols, &days}});
    return Status::OK();
  }

 private:
  TableDir* dir_;
  int next_;
};

int64_t Int(const QueryResult& r, size_t column) {
  return r.chunks.at(0).columns.at(column).GetValue(0).int_value();
}

std::unique_ptr<QueryEngine> EngineOver(TableDir& dir, TailSource* tail) {
  EngineOptions o;
  o.data_dir = dir.data_dir();
  o.catalog = &dir.catalog();
  o.tail = tail;
  return Get(QueryEngine::Open(o));
}

TEST(QuerySnapshot, EveryScanOfATableSeesTheSameRows) {
  TableDir dir;
  ASSERT_EQ(Get(dir.catalog().EnsureSchema("events", "at", EventsSchema())), 1);
  dir.AddPart("events", kDay, 1, "at", Events(0, 100), "part-0");
  FlushingTail tail(&dir, 100);
  auto engine = EngineOver(dir, &tail);
  ASSERT_NE(engine, nullptr);

  // 100 events in the first file, 10 in the file committed as the query
  // started, 5 in the tail: each side reads all 115, none twice.
  auto both = Get(engine->Query(
      "SELECT count(*) AS n, count(DISTINCT id) AS ids "
      "FROM (SELECT id FROM events UNION ALL SELECT id FROM events) t"));
  ASSERT_EQ(both.rows, 1u);
  EXPECT_EQ(Int(both, 1), 115);
  EXPECT_EQ(Int(both, 0), 2 * Int(both, 1)) << "a row seen by one side only";

  for (const char* sql :
       {"SELECT count(*) FROM events a LEFT JOIN events b ON b.id = a.id WHERE b.id IS NULL",
        "SELECT count(*) FROM events b LEFT JOIN events a ON a.id = b.id WHERE a.id IS NULL"}) {
    auto unmatched = Get(engine->Query(sql));
    ASSERT_EQ(unmatched.rows, 1u) << sql;
    EXPECT_EQ(Int(unmatched, 0), 0) << sql;
  }
}

// A tail whose rows were decoded under schema version 1 (id INTEGER) while
// the table is now at version 2 (id BIGINT).
class OlderSchemaTail : public TailSource {
 public:
  Status ReadTail(const std::string& table,
                  const std::function<void(const std::vector<TailPart>&)>& fn) override {
    if (table != "events") return Status::NotFound(table);
    Rows rows(Schema{{{"id", LogicalType::Of(TypeId::kInt32), true},
                      {"at", LogicalType::Of(TypeId::kTimestamp), false}}});
    for (int k = 0; k < 3; ++k) {
      if (k == 1) {
        rows["id"].AppendNull();
      } else {
        rows["id"].AppendInt32(2000000000 + k);  // sums past INTEGER
      }
      rows["at"].AppendInt64(testutil::DayStartMicros(kDay) + k);
    }
    const std::vector<int32_t> days(rows.size(), Get(ParseDate(kDay)));
    fn({TailPart{&rows.schema, &rows.cols, &days}});
    return Status::OK();
  }
};

TEST(QuerySnapshot, TailRowsOfAnOlderSchemaAreCastToTheLatest) {
  TableDir dir;
  Schema v1{{{"id", LogicalType::Of(TypeId::kInt32), true},
             {"at", LogicalType::Of(TypeId::kTimestamp), false}}};
  ASSERT_EQ(Get(dir.catalog().EnsureSchema("events", "at", v1)), 1);
  ASSERT_EQ(Get(dir.catalog().EnsureSchema("events", "at", EventsSchema())), 2);
  dir.AddPart("events", kDay, 2, "at", Events(0, 10), "part-0");
  OlderSchemaTail tail;
  auto engine = EngineOver(dir, &tail);
  ASSERT_NE(engine, nullptr);
  auto r = Get(engine->Query("SELECT count(*), count(id), sum(id), max(id) FROM events"));
  ASSERT_EQ(r.rows, 1u);
  EXPECT_EQ(r.columns.at(3).type.ToString(), "BIGINT");
  EXPECT_EQ(Int(r, 0), 13);
  EXPECT_EQ(Int(r, 1), 12);
  EXPECT_EQ(Int(r, 2), 45 + 4000000002);
  EXPECT_EQ(Int(r, 3), 2000000002);
}

}  // namespace
}  // namespace tp::storage::sql
