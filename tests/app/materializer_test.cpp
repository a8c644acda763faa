// The materializer end to end in one process: records appended to a real
// log become Parquet part files that DuckDB reads with the same totals;
// bad records land in _rejected; nothing is duplicated across restarts or
// after a flush that never committed.
#include "app/materializer.h"

#include <gtest/gtest.h>

#include "storage/value_parse.h"
#include "tests/app/materializer_world.h"
#include "tests/common/duckdb.h"
#include "tests/common/temp_dir.h"

namespace tp::app {
namespace {

using storage::LogicalType;
using storage::TypeId;
using json = nlohmann::json;

TEST(Materializer, WritesPartitionedParquetThatDuckDbReads) {
  World w;
  auto m = w.Open();
  std::vector<std::string> recs;
  for (int i = 0; i < 1000; ++i) {
    recs.push_back(Order(i, i % 2 ? "2026-11-20T23:59:59Z" : "2026-11-21T00:00:00Z", "0.10"));
  }
  w.Append("orders", recs);
  w.Append("orders", {R"({"order_id":"bad","total":"lots","purchased_at":"2026-11-21T00:00:00Z"})"});
  w.Append("returns", {R"({"x":1})"});  // a table the config does not have
  ASSERT_TRUE(m->Poll(true).ok());
  auto stats = m->Stats();
  EXPECT_EQ(stats.next_offset, 1002u);
  EXPECT_EQ(stats.rows_written, 1000u);
  EXPECT_EQ(stats.rows_rejected, 2u);

  // Two day partitions, and DuckDB sums the decimals exactly.
  json j = w.Duck("SELECT date::VARCHAR, count(*), sum(total)::VARCHAR FROM orders GROUP BY date ORDER BY date");
  EXPECT_EQ(j["rows"], (json{{"2026-11-20", "500", "50.00"}, {"2026-11-21", "500", "50.00"}}));
  j = w.Duck("SELECT typeof(total), typeof(purchased_at) FROM orders LIMIT 1");
  EXPECT_EQ(j["rows"][0][0], "DECIMAL(12,2)");

  // The catalog registered both files with their rows.
  auto files = w.catalog->Files("orders");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].day, "2026-11-20");
  EXPECT_EQ((*files)[0].rows, 500u);

  // Rejected records, with the field and reason, readable too.
  std::string rglob = (w.dir.path() / "tables" / "_rejected" / "*" / "*.parquet").string();
  j = testing::DuckDb("SELECT table_name, log_offset, field FROM read_parquet('" + rglob +
                      "') ORDER BY log_offset");
  EXPECT_EQ(j["rows"], (json{{"orders", "1000", "total"}, {"returns", "1001", "table"}}));
}

TEST(Materializer, StoreTimeZonePicksTheDay) {
  World w;
  auto m = w.Open("America/Sao_Paulo");  // UTC-3
  // 01:30Z on the 21st is 22:30 on the 20th in São Paulo.
  w.Append("orders", {Order(1, "2026-11-21T01:30:00Z"), Order(2, "2026-11-21T03:30:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  auto files = w.catalog->Files("orders");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].day, "2026-11-20");
  EXPECT_EQ((*files)[1].day, "2026-11-21");
}

// Days around DST changes and before 1970 in a store zone with DST: the
// partition is the local day, and the instants read back exactly.
TEST(Materializer, DstTransitionsAndTimesBefore1970KeepTheirLocalDay) {
  World w;
  auto m = w.Open("Europe/Berlin");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2026-03-28T22:59:59Z", "2026-03-28"},  // 23:59:59 CET
      {"2026-03-28T23:00:00Z", "2026-03-29"},  // 00:00 CET, the day clocks go forward
      {"2026-03-29T01:30:00", "2026-03-29"},   // local 01:30, before the gap
      {"2026-03-29T02:30:00", "2026-03-29"},   // local 02:30 does not exist: 03:30 CEST
      {"2026-03-29T21:59:59Z", "2026-03-29"},  // 23:59:59 CEST
      {"2026-10-24T22:00:00Z", "2026-10-25"},  // 00:00 CEST, the day clocks go back
      {"2026-10-25T02:30:00", "2026-10-25"},   // twice that day: the second (CET)
      {"2026-10-25T22:59:59Z", "2026-10-25"},  // 23:59:59 CET
      {"1969-12-31T22:59:59Z", "1969-12-31"},  // before the epoch
      {"1969-12-31T23:00:00Z", "1970-01-01"},
      {"1901-06-01T12:00:00Z", "1901-06-01"},
  };
  std::vector<std::string> recs;
  for (size_t i = 0; i < cases.size(); ++i) recs.push_back(Order(static_cast<int>(i), cases[i].first));
  w.Append("orders", recs);
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT order_id, date::VARCHAR, epoch_us(purchased_at)::VARCHAR FROM orders "
                  "ORDER BY epoch_us(purchased_at)");
  ASSERT_EQ(j["rows"].size(), cases.size()) << j.dump();
  // The expected instants of the local times: DuckDB's own reading of them
  // in the same zone (it resolves DST gaps and repeats as PostgreSQL does).
  json want = testing::DuckDb(std::vector<std::string>{
      "SET TimeZone = 'Europe/Berlin'",
       "SELECT epoch_us('2026-03-29 02:30:00'::TIMESTAMPTZ)::VARCHAR, "
       "epoch_us('2026-10-25 02:30:00'::TIMESTAMPTZ)::VARCHAR, "
       "epoch_us('1969-12-31 22:59:59+00'::TIMESTAMPTZ)::VARCHAR"});
  for (const auto& row : j["rows"]) {
    int i = std::stoi(row[0].get<std::string>().substr(1));
    EXPECT_EQ(row[1], cases[i].second) << cases[i].first;
    if (i == 3) {
      EXPECT_EQ(row[2], want["rows"][0][0]) << "a time in the skipped hour";
    } else if (i == 6) {
      EXPECT_EQ(row[2], want["rows"][0][1]) << "a time in the repeated hour";
    } else if (i == 8) {
      EXPECT_EQ(row[2], want["rows"][0][2]);
    }
  }
}

TEST(Materializer, ResumesWhereItCommittedWithoutDuplicates) {
  World w;
  {
    auto m = w.Open();
    w.Append("orders", {Order(1, "2026-11-21T10:00:00Z"), Order(2, "2026-11-21T11:00:00Z")});
    ASSERT_TRUE(m->Poll(true).ok());
    w.Append("orders", {Order(3, "2026-11-21T12:00:00Z")});
    ASSERT_TRUE(m->Stop().ok());  // the final flush at shutdown
  }
  w.Reopen();
  auto m = w.Open();
  w.Append("orders", {Order(4, "2026-11-22T12:00:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT count(*), count(DISTINCT order_id) FROM orders");
  EXPECT_EQ(j["rows"], json::array({json::array({"4", "4"})}));  // BIGINT renders as strings
}

// A flush that wrote files but never committed (a crash between the two)
// leaves unregistered files: Open removes them and the rows come back from
// the log exactly once.
TEST(Materializer, UncommittedFilesAreRemovedAndReplayed) {
  World w;
  {
    auto m = w.Open();
    w.Append("orders", {Order(1, "2026-11-21T10:00:00Z")});
    ASSERT_TRUE(m->Poll(true).ok());
  }
  // Fake the crash: a part file on disk that the catalog does not know.
  auto stray = w.dir.path() / "tables" / "orders" / "date=2026-11-21" / "part-99999999999999999999-0.parquet";
  std::filesystem::copy_file(w.dir.path() / w.catalog->Files("orders")->at(0).path, stray);
  w.Append("orders", {Order(2, "2026-11-21T11:00:00Z")});
  auto m = w.Open();
  EXPECT_FALSE(std::filesystem::exists(stray));
  ASSERT_FALSE(w.messages.empty());
  EXPECT_NE(w.messages.back().find("removed 1 unregistered part file"), std::string::npos);
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT count(*), count(DISTINCT order_id) FROM orders");
  EXPECT_EQ(j["rows"], json::array({json::array({"2", "2"})}));
}

TEST(Materializer, RegistersAsLogConsumerForRetention) {
  World w;
  auto m = w.Open();
  w.Append("orders", {Order(1, "2026-11-21T10:00:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());
  auto consumers = w.log->Consumers();
  ASSERT_EQ(consumers.size(), 1u);
  EXPECT_EQ(consumers[0].name, "materializer");
  EXPECT_EQ(consumers[0].offset, 1u);
  EXPECT_EQ(consumers[0].lag, 0u);
}



// --- schema evolution ---

json Rejected(World& w) {
  std::string glob = (w.dir.path() / "tables" / "_rejected" / "*" / "*.parquet").string();
  return testing::DuckDb("SELECT log_offset, field, reason FROM read_parquet('" + glob +
                         "') ORDER BY log_offset")["rows"];
}

TEST(Materializer, NewFieldsBecomeNullableColumnsInANewSchemaVersion) {
  World w;
  auto m = w.Open();
  w.Append("orders", {Order(1, "2026-11-20T10:00:00Z")});
  ASSERT_TRUE(m->Poll(true).ok());  // a file without the new columns
  w.Append("orders",
           {Order(2, "2026-11-21T10:00:00Z"),
            R"({"order_id":"o3","total":1,"purchased_at":"2026-11-21T11:00:00Z","coupon":"BF26",)"
            R"("gift":true,"points":7,"shipped_at":"2026-11-22T08:00:00+01:00","extra":{"a":[1]},)"
            R"("note":null})",
            R"({"order_id":"o4","total":1,"purchased_at":"2026-11-21T12:00:00Z","points":8})"});
  ASSERT_TRUE(m->Poll(true).ok());
  EXPECT_EQ(m->Stats().rows_rejected, 0u);
  EXPECT_EQ(m->Stats().columns_added, 5u);  // not "note": a null says nothing about the type

  auto t = w.catalog->Table("orders");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->schema_version, 2);
  std::vector<std::string> names;
  for (const auto& f : t->schema.fields) names.push_back(f.name + " " + f.type.ToString());
  EXPECT_EQ(names, (std::vector<std::string>{"order_id string", "city string", "total decimal(12,2)",
                                             "purchased_at timestamp", "coupon string", "gift bool",
                                             "points int64", "shipped_at timestamp",
                                             "extra string"}));
  // Old and new days read together: the old file lacks the columns (NULL).
  json j = w.Duck(
      "SELECT order_id, coupon, gift, points, strftime(shipped_at, '%Y-%m-%d %H:%M'), extra "
      "FROM orders ORDER BY order_id");
  EXPECT_EQ(j["rows"], (json{{"o1", nullptr, nullptr, nullptr, nullptr, nullptr},
                             {"o2", nullptr, nullptr, nullptr, nullptr, nullptr},
                             {"o3", "BF26", true, "7", "2026-11-22 07:00", R"({"a":[1]})"},
                             {"o4", nullptr, nullptr, "8", nullptr, nullptr}}));
  // The new column survives a restart even when the config never names it.
  m.reset();
  w.Reopen();
  m = w.Open();
  w.Append("orders", {R"({"order_id":"o5","total":1,"purchased_at":"2026-11-21T13:00:00Z","coupon":"X"})"});
  ASSERT_TRUE(m->Poll(true).ok());
  EXPECT_EQ(m->Stats().columns_added, 0u);
  EXPECT_EQ(w.catalog->Table("orders")->schema_version, 2);
  j = w.Duck("SELECT coupon FROM orders WHERE order_id = 'o5'");
  EXPECT_EQ(j["rows"], (json{{"X"}}));
}

TEST(Materializer, InferredIntegerWidensToFloatAndConflictsAreRejected) {
  World w;
  auto m = w.Open();
  auto rec = [](int i, const std::string& extra) {
    return R"({"order_id":"o)" + std::to_string(i) +
           R"(","total":1,"purchased_at":"2026-11-21T10:00:00Z",)" + extra + "}";
  };
  w.Append("orders", {rec(1, R"("weight":2)")});
  ASSERT_TRUE(m->Poll(true).ok());  // a file where weight is int64
  w.Append("orders", {rec(2, R"("weight":3)"), rec(3, R"("weight":2.5)"),
                      rec(4, R"("weight":"heavy")"), rec(5, R"("flag":true)"),
                      rec(6, R"("flag":"maybe")")});
  ASSERT_TRUE(m->Poll(true).ok());
  auto t = w.catalog->Table("orders");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->schema.fields[t->schema.Find("weight")].type.ToString(), "float64");
  EXPECT_EQ(t->schema_version, 4);  // +weight, weight -> float64, +flag
  json j = w.Duck("SELECT order_id, weight, typeof(weight) FROM orders WHERE weight IS NOT NULL "
                  "ORDER BY order_id");
  EXPECT_EQ(j["rows"], (json{{"o1", 2.0, "DOUBLE"}, {"o2", 3.0, "DOUBLE"}, {"o3", 2.5, "DOUBLE"}}));
  json r = Rejected(w);
  ASSERT_EQ(r.size(), 2u) << r.dump();
  EXPECT_EQ(r[0][0], "3");  // rec(4), the fourth record in the log
  EXPECT_EQ(r[0][1], "weight");
  EXPECT_NE(r[0][2].get<std::string>().find("heavy"), std::string::npos) << r.dump();
  EXPECT_EQ(r[1][1], "flag");
  EXPECT_NE(r[1][2].get<std::string>().find("true or false"), std::string::npos) << r.dump();
}

TEST(Materializer, OnNewFieldsIgnoreAndReject) {
  {
    World w;
    MaterializedTable t = Orders();
    t.on_new_fields = OnNewFields::kIgnore;
    auto m = w.Open("UTC", t);
    w.Append("orders", {R"({"order_id":"o1","total":1,"purchased_at":"2026-11-21T10:00:00Z","x":1})"});
    ASSERT_TRUE(m->Poll(true).ok());
    EXPECT_EQ(m->Stats().rows_written, 1u);
    EXPECT_EQ(w.catalog->Table("orders")->schema.fields.size(), 4u);
  }
  {
    World w;
    MaterializedTable t = Orders();
    t.on_new_fields = OnNewFields::kReject;
    auto m = w.Open("UTC", t);
    w.Append("orders", {R"({"order_id":"o1","total":1,"purchased_at":"2026-11-21T10:00:00Z","x":1})",
                        R"({"order_id":"o2","total":1,"purchased_at":"2026-11-21T10:00:00Z"})"});
    ASSERT_TRUE(m->Poll(true).ok());
    EXPECT_EQ(m->Stats().rows_written, 1u);
    json r = Rejected(w);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0][1], "x");
    EXPECT_NE(r[0][2].get<std::string>().find("on_new_fields"), std::string::npos) << r.dump();
  }
}

TEST(Materializer, NewFieldsThatCannotBeColumnsAreRejectedWithTheReason) {
  World w;
  auto m = w.Open();
  w.Append("orders", {R"({"order_id":"o1","total":1,"purchased_at":"2026-11-21T10:00:00Z","my field":1})",
                      R"({"order_id":"o2","total":1,"purchased_at":"2026-11-21T10:00:00Z","City":"x"})"});
  std::string many = R"({"order_id":"o3","total":1,"purchased_at":"2026-11-21T10:00:00Z")";
  for (int i = 0; i < 300; ++i) many += ",\"k" + std::to_string(i) + "\":1";
  w.Append("orders", {many + "}"});
  ASSERT_TRUE(m->Poll(true).ok());
  json r = Rejected(w);
  ASSERT_EQ(r.size(), 3u) << r.dump();
  EXPECT_EQ(r[0][1], "my field");
  EXPECT_NE(r[0][2].get<std::string>().find("from = \"my field\""), std::string::npos);
  EXPECT_EQ(r[1][1], "City");
  EXPECT_NE(r[1][2].get<std::string>().find("only in case"), std::string::npos);
  EXPECT_NE(r[2][2].get<std::string>().find("256 columns"), std::string::npos);
  EXPECT_EQ(w.catalog->Table("orders")->schema.fields.size(), 4u);
}

TEST(Materializer, DefaultsFillMissingAndNullFields) {
  World w;
  MaterializedTable t = Orders();
  t.defaults = {"", "\"Unknown\"", "0", ""};
  auto m = w.Open("UTC", t);
  w.Append("orders", {R"({"order_id":"o1","purchased_at":"2026-11-21T10:00:00Z"})",
                      R"({"order_id":"o2","city":null,"total":"2.50","purchased_at":"2026-11-21T10:00:00Z"})"});
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT order_id, city, total::VARCHAR FROM orders ORDER BY order_id");
  EXPECT_EQ(j["rows"], (json{{"o1", "Unknown", "0.00"}, {"o2", "Unknown", "2.50"}}));
}

TEST(Materializer, RefusesAConfigChangeOldFilesCannotFollow) {
  World w;
  { auto m = w.Open(); }
  MaterializedTable narrowed = Orders();
  narrowed.schema.fields[2].type = LogicalType::Decimal(12, 1);  // total loses a digit
  MaterializerOptions o;
  o.data_dir = w.dir.path();
  o.tables = {narrowed};
  auto m = Materializer::Open(o, w.log.get(), w.catalog.get());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("cannot change from decimal(12,2) to decimal(12,1)"),
            std::string::npos)
      << m.status().message();
  // A widening change is a new schema version.
  MaterializedTable widened = Orders();
  widened.schema.fields[2].type = LogicalType::Decimal(18, 4);
  o.tables = {widened};
  auto m2 = Materializer::Open(o, w.log.get(), w.catalog.get());
  ASSERT_TRUE(m2.ok()) << m2.status().ToString();
  EXPECT_EQ(w.catalog->Table("orders")->schema_version, 2);
}

}  // namespace
}  // namespace tp::app

namespace tp::app {
namespace {

// Rows in the tail plus rows in the catalog's files, read as ReadTail
// promises: one consistent moment.
uint64_t VisibleRows(World& w, Materializer& m) {
  uint64_t rows = 0;
  Status s = m.ReadTail("orders", [&](const std::vector<TailChunk>& chunks) {
    for (const TailChunk& c : chunks) rows += c.row_day->size();
    auto files = w.catalog->Files("orders");
    EXPECT_TRUE(files.ok());
    for (const auto& f : *files) rows += f.rows;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return rows;
}

TEST(Materializer, DecodedRowsAreReadableInTheTailBeforeTheyAreFlushed) {
  World w;
  auto m = w.Open();
  w.Append("orders", {Order(1, "2026-11-20T10:00:00Z"), Order(2, "2026-11-21T10:00:00Z")});
  ASSERT_TRUE(m->Poll(false).ok());  // decoded; flush_interval (10 s) not yet due
  std::vector<std::string> seen;
  ASSERT_TRUE(m->ReadTail("orders", [&](const std::vector<TailChunk>& chunks) {
                 for (const TailChunk& c : chunks) {
                   int id = c.schema->Find("order_id");
                   for (size_t r = 0; r < c.row_day->size(); ++r) {
                     seen.push_back(std::string((*c.columns)[id].GetString(r)) + "@" +
                                    storage::FormatDate((*c.row_day)[r]));
                   }
                 }
               }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"o1@2026-11-20", "o2@2026-11-21"}));
  EXPECT_TRUE(w.catalog->Files("orders")->empty());
  EXPECT_EQ(m->ReadTail("nope", [](const std::vector<TailChunk>&) {}).code(),
            Status::Code::kNotFound);
  ASSERT_TRUE(m->Poll(true).ok());
  EXPECT_EQ(VisibleRows(w, *m), 2u);
  size_t tail = 0;
  ASSERT_TRUE(m->ReadTail("orders", [&](const std::vector<TailChunk>& chunks) {
                 tail = chunks.size();
               }).ok());
  EXPECT_EQ(tail, 0u);  // all in files now
}

// Flushes run on their own thread while decoding goes on; a reader never
// sees a row twice (in a committed file and in the tail) nor loses one.
TEST(Materializer, TailAndFilesStayConsistentWhileFlushesRun) {
  World w;
  MaterializerOptions o;
  o.data_dir = w.dir.path();
  o.tables = {Orders()};
  o.flush_rows = 300;
  o.flush_interval = std::chrono::milliseconds(5);
  auto opened = Materializer::Open(o, w.log.get(), w.catalog.get());
  ASSERT_TRUE(opened.ok());
  auto m = std::move(*opened);
  m->Start(std::chrono::milliseconds(1));
  std::atomic<uint64_t> appended{0};
  std::thread writer([&] {
    for (int b = 0; b < 60; ++b) {
      std::vector<std::string> recs;
      for (int i = 0; i < 100; ++i) recs.push_back(Order(b * 100 + i, "2026-11-21T10:00:00Z"));
      appended += 100;  // before: the materializer may decode them at once
      w.Append("orders", recs);
    }
  });
  // Read until every row is visible: a row seen twice (in a just committed
  // file and still in the tail) shows as a count that later goes down, or
  // one above what was appended.
  uint64_t last = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (last < 6000 && std::chrono::steady_clock::now() < deadline) {
    uint64_t now = VisibleRows(w, *m);
    uint64_t limit = appended.load();  // read after: every decoded row was appended before
    EXPECT_GE(now, last) << "a row was counted twice, or lost";
    EXPECT_LE(now, limit) << "a row was counted twice";
    if (now < last || now > limit) break;
    last = now;
  }
  writer.join();
  ASSERT_TRUE(m->Stop().ok());
  EXPECT_EQ(VisibleRows(w, *m), 6000u);
  EXPECT_GT(m->Stats().flushes, 3u);
  json j = w.Duck("SELECT count(*), count(DISTINCT order_id) FROM orders");
  EXPECT_EQ(j["rows"], json::array({json::array({"6000", "6000"})}));
}

}  // namespace
}  // namespace tp::app

namespace tp::app {
namespace {

// Found in review: each of these used to stall the pipeline on one record
// (retried forever) or add columns SQL cannot tell apart.
TEST(Materializer, OddRecordsAreRejectedOrAcceptedButNeverStallThePipeline) {
  World w;
  auto m = w.Open();
  const std::string head = R"({"order_id":"o1","total":1,"purchased_at":"2026-11-21T10:00:00Z",)";
  w.Append("orders", {head + R"("x":1,"x":2})",                         // a key written twice
                      head + R"("Foo":1,"foo":2})",                     // new keys differing in case
                      R"({"order_id":"o3","total":1,"purchased_at":"0000-01-01T00:30:00+01:00"})",
                      R"({"order_id":"o4","total":1,"purchased_at":"9999-12-31T23:30:00-01:00"})",
                      R"({"order_id":"o5","total":1,"purchased_at":"2026-11-21T11:00:00Z"})"});
  ASSERT_TRUE(m->Poll(true).ok());
  auto stats = m->Stats();
  EXPECT_EQ(stats.next_offset, 5u) << "nothing stalls";
  EXPECT_EQ(stats.rows_written, 2u);
  json r = Rejected(w);
  ASSERT_EQ(r.size(), 3u) << r.dump();
  EXPECT_EQ(r[0][1], "foo");
  EXPECT_NE(r[0][2].get<std::string>().find("only in case"), std::string::npos) << r.dump();
  EXPECT_NE(r[1][2].get<std::string>().find("out of range"), std::string::npos) << r.dump();
  EXPECT_NE(r[2][2].get<std::string>().find("out of range"), std::string::npos) << r.dump();
  auto t = w.catalog->Table("orders");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->schema.fields.size(), 5u);  // + x, once
}

// A field schema evolution added can later be declared under another name
// (from = "the field"): the old column stays for the old files, NULL after.
TEST(Materializer, ADeclaredColumnCanTakeOverAnEvolvedField) {
  World w;
  {
    auto m = w.Open();
    w.Append("orders", {R"({"order_id":"o1","total":1,"purchased_at":"2026-11-20T10:00:00Z","amount_cents":150})"});
    ASSERT_TRUE(m->Poll(true).ok());
  }
  MaterializedTable t = Orders();
  t.schema.fields.push_back({"amount", LogicalType::Decimal(12, 2), true});
  t.paths = {"", "", "", "", "amount_cents"};
  auto m = w.Open("UTC", t);
  ASSERT_TRUE(m);
  w.Append("orders", {R"({"order_id":"o2","total":1,"purchased_at":"2026-11-21T10:00:00Z","amount_cents":250})",
                      R"({"order_id":"o3","total":1,"purchased_at":"2026-11-21T10:00:00Z","amount":3})"});
  ASSERT_TRUE(m->Poll(true).ok());
  json j = w.Duck("SELECT order_id, amount_cents, amount::VARCHAR FROM orders ORDER BY order_id");
  EXPECT_EQ(j["rows"], (json{{"o1", "150", nullptr}, {"o2", nullptr, "250.00"}}));
  json r = Rejected(w);  // "amount" itself is not what column amount reads
  ASSERT_EQ(r.size(), 1u) << r.dump();
  EXPECT_EQ(r[0][1], "amount");
  EXPECT_NE(r[0][2].get<std::string>().find("reads \"amount_cents\" instead"), std::string::npos)
      << r.dump();
}

}  // namespace
}  // namespace tp::app
