#include "storage/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/schema_json.h"
#include "tests/common/temp_dir.h"

namespace tp::storage {
namespace {

using ::testing::HasSubstr;
using tp::testing::TempDir;

Schema OrdersSchema() {
  Schema s;
  s.fields = {
      {"order_id", LogicalType::Of(TypeId::kString), false},
      {"items", LogicalType::Of(TypeId::kInt32), false},
      {"total", LogicalType::Decimal(12, 2), false},
      {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false},
      {"delivered_at", LogicalType::Of(TypeId::kTimestamp), true},
  };
  return s;
}

// Every type, odd names included.
Schema EveryTypeSchema() {
  Schema s;
  s.fields = {
      {"b", LogicalType::Of(TypeId::kBool), true},
      {"i32", LogicalType::Of(TypeId::kInt32), false},
      {"i64", LogicalType::Of(TypeId::kInt64), true},
      {"f64", LogicalType::Of(TypeId::kFloat64), true},
      {"money", LogicalType::Decimal(18, 4), false},
      {"tiny", LogicalType::Decimal(1, 0), true},
      {"all_frac", LogicalType::Decimal(18, 18), true},
      {"s", LogicalType::Of(TypeId::kString), true},
      {"d", LogicalType::Of(TypeId::kDate), true},
      {"ts", LogicalType::Of(TypeId::kTimestamp), false},
      {"qu\"ote\\back\tslash\n", LogicalType::Of(TypeId::kString), true},
      {"straße_日本_🙂", LogicalType::Of(TypeId::kInt64), true},
  };
  return s;
}

// The value of a Result that must be OK; a failure is reported at the caller
// (rather than reading an empty Result) and yields T{}.
template <typename T>
T Get(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return T{};
  return std::move(r).value();
}

std::unique_ptr<Catalog> OpenOrDie(const std::filesystem::path& file,
                                   const CatalogOptions& options = {}) {
  auto r = Catalog::Open(file, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

FileEntry MakeFile(const std::string& table, const std::string& day, const std::string& name,
                   uint64_t rows, int schema_version = 1) {
  FileEntry f;
  f.table = table;
  f.day = day;
  f.path = "tables/" + table + "/date=" + day + "/" + name + ".parquet";
  f.rows = rows;
  f.bytes = rows * 10 + 100;
  f.min_time_us = 1000;
  f.max_time_us = 1000 + static_cast<int64_t>(rows);
  f.checksum = 0xFEDCBA9876543210ull;  // above INT64_MAX: stored as its 64 bits
  f.schema_version = schema_version;
  f.created_us = 1'700'000'000'000'000;
  return f;
}

std::vector<std::string> Paths(const std::vector<FileEntry>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

// Raw SQLite access, for states the Catalog API never produces.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    EXPECT_EQ(sqlite3_open(file.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* p = sqlite3_column_text(st, 0);
      if (p != nullptr) out = reinterpret_cast<const char*>(p);
    } else {
      out = std::string("error: ") + sqlite3_errmsg(db_);
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class CatalogTest : public ::testing::Test {
 protected:
  std::filesystem::path file() const { return dir_.path() / "catalog.sqlite"; }
  std::unique_ptr<Catalog> Open() { return OpenOrDie(file()); }
  // A catalog with table "orders" (schema v1) and "payments" (v1).
  std::unique_ptr<Catalog> OpenWithTables() {
    auto c = Open();
    if (!c) return nullptr;
    EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", OrdersSchema())), 1);
    Schema p;
    p.fields = {{"order_id", LogicalType::Of(TypeId::kString), false},
                {"value", LogicalType::Decimal(12, 2), false},
                {"paid_at", LogicalType::Of(TypeId::kTimestamp), false}};
    EXPECT_EQ(Get(c->EnsureSchema("payments", "paid_at", p)), 1);
    return c;
  }
  TempDir dir_;
};

// --- open, reopen, refusals ----------------------------------------------------------

TEST_F(CatalogTest, CatalogCreatesAndReopens) {
  {
    auto c = Open();
    ASSERT_TRUE(c);
    EXPECT_TRUE(std::filesystem::exists(file()));
    EXPECT_TRUE(Get(c->Tables()).empty());
    EXPECT_TRUE(Get(c->Files()).empty());
    EXPECT_FALSE(Get(c->ConsumerOffset("materializer")).has_value());
    ASSERT_EQ(Get(c->EnsureSchema("orders", "purchased_at", OrdersSchema())), 1);
  }
  {
    RawDb raw(file());
    EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(Catalog::kFormatVersion));
    EXPECT_EQ(raw.Text("PRAGMA application_id"), std::to_string(Catalog::kApplicationId));
  }
  auto c = Open();
  ASSERT_TRUE(c);
  auto tables = Get(c->Tables());
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "orders");
  EXPECT_EQ(tables[0].schema_version, 1);
  EXPECT_EQ(tables[0].time_column, "purchased_at");
  EXPECT_EQ(tables[0].schema, OrdersSchema());
  EXPECT_TRUE(Get(c->IntegrityCheck()).empty());
}

TEST_F(CatalogTest, CatalogRefusesNonSqliteFileNamingIt) {
  {
    std::ofstream out(file(), std::ios::binary);
    std::mt19937 rng(7);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(rng()));
  }
  auto r = Catalog::Open(file());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr(file().string()));
  EXPECT_THAT(r.status().message(), HasSubstr("not a database"));
}

TEST_F(CatalogTest, CatalogRefusesSqliteDatabaseThatIsNotACatalog) {
  {
    RawDb raw(file());
    ASSERT_EQ(raw.Exec("CREATE TABLE users (name TEXT)"), SQLITE_OK);
  }
  auto r = Catalog::Open(file());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("not a tillpipe catalog"));
  EXPECT_THAT(r.status().message(), HasSubstr(file().string()));
}

TEST_F(CatalogTest, CatalogRefusesNewerFormatVersion) {
  ASSERT_TRUE(OpenWithTables());
  {
    RawDb raw(file());
    ASSERT_EQ(raw.Exec("PRAGMA user_version=" + std::to_string(Catalog::kFormatVersion + 1)),
              SQLITE_OK);
  }
  auto r = Catalog::Open(file());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(file().string()));
  EXPECT_THAT(r.status().message(), HasSubstr("newer tillpipe"));
  EXPECT_THAT(r.status().message(),
              HasSubstr("version " + std::to_string(Catalog::kFormatVersion + 1)));
  // Refusing changed nothing: the version is still the newer one.
  RawDb raw(file());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(Catalog::kFormatVersion + 1));
}

// Read-only: nothing is created or written, not even SQLite's -wal/-shm.
TEST_F(CatalogTest, CatalogReadOnlyChangesNothingOnDisk) {
  CatalogOptions ro;
  ro.read_only = true;
  auto missing = Catalog::Open(file(), ro);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("does not exist"));
  EXPECT_FALSE(std::filesystem::exists(file()));
  {
    auto c = OpenWithTables();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->Commit({MakeFile("orders", "2026-11-20", "p1", 5)}, {}, "m", 7).ok());
  }
  auto listing = [&] {
    std::map<std::string, std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      std::ifstream in(e.path(), std::ios::binary);
      files[e.path().filename().string()] =
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return files;
  };
  const auto before = listing();
  ASSERT_EQ(before.size(), 1u);  // the clean close removed -wal and -shm
  {
    auto c = OpenOrDie(file(), ro);
    ASSERT_TRUE(c);
    EXPECT_EQ(Get(c->Tables()).size(), 2u);
    EXPECT_EQ(Paths(Get(c->Files())), std::vector<std::string>{"tables/orders/date=2026-11-20/p1.parquet"});
    EXPECT_EQ(Get(c->ConsumerOffset("m")), std::optional<uint64_t>(7));
    EXPECT_FALSE(c->Commit({MakeFile("orders", "2026-11-21", "p2", 5)}, {}, "m", 8).ok());
    EXPECT_FALSE(c->EnsureSchema("new_table", "purchased_at", OrdersSchema()).ok());
  }
  EXPECT_EQ(listing(), before);

  // An older format cannot be migrated read-only: start the server once.
  {
    RawDb raw(file());
    ASSERT_EQ(raw.Exec("PRAGMA user_version=2"), SQLITE_OK);
  }
  auto old = Catalog::Open(file(), ro);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(old.status().message(), HasSubstr("start the server"));
  RawDb raw(file());
  EXPECT_EQ(raw.Text("PRAGMA user_version"), "2");
}

// A catalog as tillpipe 0.1 (format version 1) wrote it, byte for byte the
// shipped first migration step, with one table, a live file and an offset.
TEST_F(CatalogTest, CatalogMigratesVersion1ToTheCurrentVersion) {
  {
    RawDb raw(file());
    ASSERT_EQ(raw.Exec(R"sql(
CREATE TABLE tables (
  name        TEXT PRIMARY KEY,
  created_us  INTEGER NOT NULL
) STRICT;
CREATE TABLE schema_versions (
  table_name   TEXT NOT NULL REFERENCES tables(name),
  version      INTEGER NOT NULL CHECK (version >= 1),
  time_column  TEXT NOT NULL,
  schema_json  TEXT NOT NULL,
  created_us   INTEGER NOT NULL,
  PRIMARY KEY (table_name, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE files (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  table_name      TEXT NOT NULL,
  day             TEXT NOT NULL
                  CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  path            TEXT NOT NULL UNIQUE,
  rows            INTEGER NOT NULL CHECK (rows >= 0),
  bytes           INTEGER NOT NULL CHECK (bytes >= 0),
  min_time_us     INTEGER NOT NULL,
  max_time_us     INTEGER NOT NULL,
  checksum        INTEGER NOT NULL,
  schema_version  INTEGER NOT NULL,
  created_us      INTEGER NOT NULL,
  FOREIGN KEY (table_name, schema_version) REFERENCES schema_versions(table_name, version)
) STRICT;
CREATE INDEX files_by_table_day ON files(table_name, day);
CREATE TABLE consumers (
  name         TEXT PRIMARY KEY,
  next_offset  INTEGER NOT NULL CHECK (next_offset >= 0),
  updated_us   INTEGER NOT NULL
) STRICT;
PRAGMA journal_mode=WAL;
PRAGMA user_version=1;
PRAGMA application_id=1414546241;
)sql"),
              SQLITE_OK);
    ASSERT_EQ(raw.Exec("INSERT INTO tables VALUES ('orders', 1)"), SQLITE_OK);
    ASSERT_EQ(raw.Exec("INSERT INTO schema_versions VALUES ('orders', 1, 'purchased_at', '" +
                       SchemaToJson(OrdersSchema()) + "', 1)"),
              SQLITE_OK);
    for (int i = 1; i <= 2; ++i) {
      ASSERT_EQ(raw.Exec("INSERT INTO files (table_name, day, path, rows, bytes, min_time_us, "
                         "max_time_us, checksum, schema_version, created_us) VALUES ('orders', "
                         "'2026-11-20', 'tables/orders/date=2026-11-20/part-" +
                         std::to_string(i) + ".parquet', 10, 500, 1, 2, -5, 1, 7)"),
                SQLITE_OK);
    }
    ASSERT_EQ(raw.Exec("INSERT INTO consumers VALUES ('materializer', 20, 7)"), SQLITE_OK);
  }
  auto c = Open();
  ASSERT_TRUE(c);
  {
    RawDb raw(file());
    EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(Catalog::kFormatVersion));
    EXPECT_EQ(raw.Text("SELECT count(*) FROM retired_files"), "0");
    // Version 3: the raw size of files written before is not known.
    EXPECT_EQ(raw.Text("SELECT sum(raw_bytes) FROM files"), "0");
  }
  // Everything of version 1 is there as it was.
  auto files = Get(c->Files());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].checksum, static_cast<uint64_t>(-5));
  EXPECT_EQ(files[1].path, "tables/orders/date=2026-11-20/part-2.parquet");
  EXPECT_EQ(Get(c->ConsumerOffset("materializer")), 20u);
  EXPECT_EQ(Get(c->Table("orders")).schema, OrdersSchema());
  EXPECT_TRUE(Get(c->RetiredFiles()).empty());
  EXPECT_EQ(Get(c->ListFiles()).retire_mark, 0);
  EXPECT_TRUE(Get(c->IntegrityCheck()).empty());
  // And version 2 works: a compaction retires what it replaces.
  auto merged = MakeFile("orders", "2026-11-20", "compact-1-2", 20);
  ASSERT_TRUE(c->Commit({merged}, {files[0].id, files[1].id}, "", std::nullopt).ok());
  auto retired = Get(c->RetiredFiles());
  ASSERT_EQ(retired.size(), 2u);
  EXPECT_EQ(retired[0].file_id, files[0].id);
  EXPECT_EQ(retired[1].path, files[1].path);
  EXPECT_EQ(retired[1].rows, 10u);
  EXPECT_EQ(retired[1].bytes, 500u);
  EXPECT_EQ(retired[1].reason, "replaced");
  EXPECT_LT(retired[0].seq, retired[1].seq);
  EXPECT_EQ(Get(c->ListFiles()).retire_mark, retired[1].seq);
  ASSERT_TRUE(c->ForgetRetired({retired[0].seq, retired[1].seq, 12345}).ok());
  EXPECT_TRUE(Get(c->RetiredFiles()).empty());
  // The mark never goes back below what a later retirement gets.
  c.reset();
  c = Open();
  ASSERT_TRUE(c);
  auto files2 = Get(c->Files());
  ASSERT_TRUE(c->Commit({}, {files2[0].id}, "", std::nullopt).ok());
  EXPECT_GT(Get(c->RetiredFiles()).at(0).seq, retired[1].seq);
}

TEST_F(CatalogTest, CatalogMissingDirectoryIsAnErrorNamingTheFile) {
  auto path = dir_.path() / "no" / "such" / "catalog.sqlite";
  auto r = Catalog::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
  EXPECT_THAT(r.status().message(), HasSubstr(path.string()));
}

// A damaged page in an otherwise valid catalog is found: by an error that
// names the file, or by IntegrityCheck.
TEST_F(CatalogTest, CatalogDamagedPageIsDetected) {
  {
    auto c = OpenWithTables();
    ASSERT_TRUE(c);
    std::vector<FileEntry> files;
    for (int i = 0; i < 400; ++i)
      files.push_back(MakeFile("orders", "2026-11-21", "part-" + std::to_string(i), 10));
    ASSERT_TRUE(c->Commit(files, {}, "materializer", 4000).ok());
  }  // closing checkpoints the WAL into the main file
  ASSERT_FALSE(std::filesystem::exists(file().string() + "-wal"));
  const auto size = std::filesystem::file_size(file());
  ASSERT_GT(size, 4u * 4096);
  {
    std::fstream io(file(), std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 rng(11);
    // Scribble over the middle of every page but the first (the header).
    for (uint64_t page = 4096; page + 4096 <= size; page += 4096) {
      io.seekp(static_cast<std::streamoff>(page + 1000));
      for (int i = 0; i < 2000; ++i) io.put(static_cast<char>(rng()));
    }
  }
  auto r = Catalog::Open(file());
  bool detected = false;
  if (!r.ok()) {
    detected = true;
    EXPECT_THAT(r.status().message(), HasSubstr(file().string()));
  } else {
    auto files = (*r)->Files();
    if (!files.ok()) {
      detected = true;
      EXPECT_EQ(files.status().code(), Status::Code::kCorruption) << files.status().ToString();
      EXPECT_THAT(files.status().message(), HasSubstr(file().string()));
    }
    auto check = (*r)->IntegrityCheck();
    if (!check.ok() || !check->empty()) detected = true;
  }
  EXPECT_TRUE(detected);
}

// --- schema versions -----------------------------------------------------------------

TEST_F(CatalogTest, CatalogSchemaVersions) {
  auto c = Open();
  ASSERT_TRUE(c);
  Schema v1 = OrdersSchema();
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v1)), 1);
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v1)), 1);  // same: same version
  Schema v2 = v1;
  v2.fields.push_back({"coupon", LogicalType::Of(TypeId::kString), true});
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v2)), 2);
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v2)), 2);
  // Nullability and time column changes are changes too.
  Schema v3 = v2;
  v3.fields[1].nullable = true;
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v3)), 3);
  EXPECT_EQ(Get(c->EnsureSchema("orders", "delivered_at", v3)), 4);
  // Going back to an old schema is a new version, not a reuse.
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v1)), 5);
  c.reset();

  c = Open();
  ASSERT_TRUE(c);
  EXPECT_EQ(Get(c->SchemaVersion("orders", 1)), v1);
  EXPECT_EQ(Get(c->SchemaVersion("orders", 2)), v2);
  EXPECT_EQ(Get(c->SchemaVersion("orders", 3)), v3);
  EXPECT_EQ(Get(c->SchemaVersion("orders", 5)), v1);
  auto missing = c->SchemaVersion("orders", 6);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(c->SchemaVersion("nope", 1).status().code(), Status::Code::kNotFound);
  auto t = Get(c->Table("orders"));
  EXPECT_EQ(t.schema_version, 5);
  EXPECT_EQ(t.time_column, "purchased_at");
  EXPECT_EQ(t.schema, v1);
  EXPECT_EQ(c->Table("nope").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Get(c->EnsureSchema("orders", "purchased_at", v1)), 5);
}

TEST_F(CatalogTest, CatalogSchemaRoundTripsEveryType) {
  Schema s = EveryTypeSchema();
  auto parsed = SchemaFromJson(SchemaToJson(s));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, s);
  {
    auto c = Open();
    ASSERT_TRUE(c);
    EXPECT_EQ(Get(c->EnsureSchema("_rejected", "ts", s)), 1);
  }
  auto c = Open();
  ASSERT_TRUE(c);
  EXPECT_EQ(Get(c->SchemaVersion("_rejected", 1)), s);
  EXPECT_EQ(Get(c->Tables()).at(0).schema, s);
  auto money = s.fields[s.Find("money")].type;
  EXPECT_EQ(money.precision, 18);
  EXPECT_EQ(money.scale, 4);
  EXPECT_EQ(Get(c->Tables()).at(0).schema.fields[4].type, money);
}

TEST(CatalogSchemaJson, ParsesTypesAndToleratesUnknownKeys) {
  for (const char* name : {"bool", "int32", "int64", "float64", "string", "date", "timestamp",
                           "decimal(12,2)", "decimal(18,4)", "decimal(1,0)", "decimal(18,18)"}) {
    auto t = LogicalTypeFromString(name);
    ASSERT_TRUE(t.ok()) << name;
    EXPECT_EQ(t->ToString(), name);
  }
  for (const char* bad : {"", "int", "decimal", "decimal()", "decimal(19,2)", "decimal(0,0)",
                          "decimal(4,5)", "decimal(12, 2)", "decimal(12,2", "Timestamp"}) {
    auto t = LogicalTypeFromString(bad);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  }
  auto s = SchemaFromJson(
      " { \"comment\" : {\"nested\": [1, 2.5e3, null, true]},\n"
      "   \"fields\" : [ {\"nullable\": false, \"type\": \"decimal(12,2)\", \"name\": "
      "\"t\\u00f6tal\","
      " \"doc\": \"x\"}, {\"name\":\"\\ud83d\\ude42\",\"type\":\"date\"} ] } ");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->fields.size(), 2u);
  EXPECT_EQ(s->fields[0].name, "t\xc3\xb6tal");
  EXPECT_EQ(s->fields[0].type, LogicalType::Decimal(12, 2));
  EXPECT_FALSE(s->fields[0].nullable);
  EXPECT_EQ(s->fields[1].name, "\xf0\x9f\x99\x82");
  EXPECT_TRUE(s->fields[1].nullable);  // the default
  EXPECT_TRUE(SchemaFromJson("{\"fields\":[]}").ok());
  for (const char* bad :
       {"", "[]", "{}", "{\"fields\":[{\"name\":\"a\"}]}", "{\"fields\":[{\"type\":\"date\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
        "{\"fields\":[{\"name\":\"a\",\"type\":\"date\"},{\"name\":\"a\",\"type\":\"date\"}]}",
        "{\"fields\":[]} x", "{\"fields\":[{\"name\":\"a\",\"type\":\"date\",}]}",
        "{\"fields\":[{\"name\":\"\\ud83d\",\"type\":\"date\"}]}"}) {
    auto r = SchemaFromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto r = SchemaFromJson("{\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
  EXPECT_THAT(r.status().message(), HasSubstr("unknown type \"int\""));
  EXPECT_THAT(r.status().message(), HasSubstr("byte "));
}

TEST_F(CatalogTest, CatalogRejectsBadSchemas) {
  auto c = Open();
  ASSERT_TRUE(c);
  Schema s = OrdersSchema();
  EXPECT_EQ(c->EnsureSchema("orders", "nope", s).status().code(), Status::Code::kInvalidArgument);
  auto str_time = c->EnsureSchema("orders", "order_id", s);
  EXPECT_THAT(str_time.status().message(), HasSubstr("must be a timestamp or date"));
  for (const char* bad : {"", "1orders", "or-ders", "a/b", "../x"}) {
    EXPECT_EQ(c->EnsureSchema(bad, "purchased_at", s).status().code(),
              Status::Code::kInvalidArgument)
        << bad;
  }
  Schema dup = s;
  dup.fields.push_back(s.fields[0]);
  EXPECT_THAT(c->EnsureSchema("orders", "purchased_at", dup).status().message(),
              HasSubstr("appears twice"));
  Schema bad_dec = s;
  bad_dec.fields[2].type = LogicalType::Decimal(19, 2);
  EXPECT_FALSE(c->EnsureSchema("orders", "purchased_at", bad_dec).ok());
  EXPECT_TRUE(Get(c->Tables()).empty());
}

// --- commits -------------------------------------------------------------------------

TEST_F(CatalogTest, CatalogCommitAddsRemovesAndAdvancesOffset) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  auto a = MakeFile("orders", "2026-11-21", "part-1", 100);
  auto b = MakeFile("orders", "2026-11-21", "part-2", 50);
  auto p = MakeFile("payments", "2026-11-21", "part-1", 70);
  auto ids = c->Commit({a, b, p}, {}, "materializer", 220);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_EQ(Get(c->ConsumerOffset("materializer")), 220u);
  auto files = Get(c->Files());
  ASSERT_EQ(files.size(), 3u);
  a.id = (*ids)[0];
  b.id = (*ids)[1];
  p.id = (*ids)[2];
  EXPECT_EQ(files[0], a);  // every field round-trips, the checksum's top bit too
  EXPECT_EQ(files[1], b);
  EXPECT_EQ(files[2], p);

  // Compaction: swap the two order parts for one, offset untouched.
  auto merged = MakeFile("orders", "2026-11-21", "compacted-1", 150);
  merged.created_us = 0;  // "now"
  auto swap = c->Commit({merged}, {a.id, b.id}, "", std::nullopt);
  ASSERT_TRUE(swap.ok()) << swap.status().ToString();
  EXPECT_GT(swap->at(0), p.id);  // ids are never reused
  files = Get(c->Files("orders"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, merged.path);
  EXPECT_GT(files[0].created_us, 1'700'000'000'000'000);
  EXPECT_EQ(Get(c->ConsumerOffset("materializer")), 220u);

  // The same offset again is fine (a commit that only adds rejected rows, say).
  EXPECT_TRUE(c->Commit({}, {}, "materializer", 220).ok());
  // Other consumers are independent.
  EXPECT_TRUE(c->Commit({}, {}, "export", 5).ok());
  EXPECT_EQ(Get(c->ConsumerOffset("export")), 5u);
  EXPECT_EQ(Get(c->ConsumerOffset("materializer")), 220u);
}

// Each failure happens after earlier parts of the same commit were applied
// inside the transaction; none of it may be visible, also after reopening.
TEST_F(CatalogTest, CatalogFailedCommitLeavesNothingBehind) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  auto base = c->Commit({MakeFile("orders", "2026-11-20", "base-1", 10),
                         MakeFile("orders", "2026-11-20", "base-2", 10)},
                        {}, "materializer", 20);
  ASSERT_TRUE(base.ok());
  const auto before = Get(c->Files());
  auto fresh = [](const std::string& name) { return MakeFile("orders", "2026-11-21", name, 5); };

  // A removed id that is not live, after a valid removal and before adds.
  auto r1 = c->Commit({fresh("x1")}, {base->at(0), 999999}, "materializer", 25);
  EXPECT_EQ(r1.status().code(), Status::Code::kConflict) << r1.status().ToString();
  EXPECT_THAT(r1.status().message(), HasSubstr("999999"));
  EXPECT_THAT(r1.status().message(), HasSubstr(file().string()));
  // The same id twice.
  auto r2 = c->Commit({}, {base->at(0), base->at(0)}, "", std::nullopt);
  EXPECT_EQ(r2.status().code(), Status::Code::kConflict);
  // An offset going backwards, after removals and adds.
  auto r3 = c->Commit({fresh("x3")}, {base->at(1)}, "materializer", 19);
  EXPECT_EQ(r3.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r3.status().message(), HasSubstr("at offset 20"));
  // An unknown schema version, after a valid add.
  auto r4 = c->Commit({fresh("x4"), MakeFile("orders", "2026-11-21", "x5", 5, 7)}, {},
                      "materializer", 30);
  EXPECT_EQ(r4.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r4.status().message(), HasSubstr("no schema version 7"));
  // An unknown table.
  auto r5 = c->Commit({MakeFile("nope", "2026-11-21", "x6", 5)}, {}, "materializer", 30);
  EXPECT_EQ(r5.status().code(), Status::Code::kInvalidArgument);
  // A path that is already live, after a valid add.
  auto dup = fresh("x7");
  auto r6 = c->Commit({dup, dup}, {}, "materializer", 30);
  EXPECT_EQ(r6.status().code(), Status::Code::kInvalidArgument) << r6.status().ToString();
  EXPECT_THAT(r6.status().message(), HasSubstr("UNIQUE"));

  auto check = [&](Catalog& cat) {
    EXPECT_EQ(Get(cat.Files()), before);
    EXPECT_EQ(Get(cat.ConsumerOffset("materializer")), 20u);
    EXPECT_EQ(Get(cat.Days()).size(), 1u);
  };
  check(*c);
  c.reset();
  c = Open();
  ASSERT_TRUE(c);
  check(*c);
  // And the catalog still takes good commits.
  EXPECT_TRUE(c->Commit({fresh("ok")}, {base->at(0)}, "materializer", 25).ok());
  EXPECT_EQ(Get(c->Files()).size(), 2u);
}

TEST_F(CatalogTest, CatalogCommitRejectsMalformedEntries) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  auto good = MakeFile("orders", "2026-11-21", "p", 1);
  auto expect_bad = [&](FileEntry f, const std::string& why) {
    auto r = c->Commit({f}, {}, "materializer", 1);
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << why;
    EXPECT_THAT(r.status().message(), HasSubstr(why));
  };
  for (const char* day : {"2026-1-21", "2026-13-01", "2026-02-30", "20261121", "", "2026-11-21x"}) {
    auto f = good;
    f.day = day;
    expect_bad(f, "YYYY-MM-DD");
  }
  for (const char* path :
       {"/abs/p.parquet", "", "tables/../../etc/passwd", "tables//x", "./x", "tables/x/"}) {
    auto f = good;
    f.path = path;
    expect_bad(f, "relative to data_dir");
  }
  auto f = good;
  f.min_time_us = 10;
  f.max_time_us = 9;
  expect_bad(f, "min_time_us");
  f = good;
  f.rows = uint64_t{1} << 63;
  expect_bad(f, "2^63");
  EXPECT_EQ(c->Commit({}, {}, "", 5).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c->Commit({}, {}, "a/b", 5).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c->Commit({}, {}, "m", uint64_t{1} << 63).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(Get(c->Files()).empty());
  EXPECT_FALSE(Get(c->ConsumerOffset("materializer")).has_value());
  // Leap days are days.
  auto leap = good;
  leap.day = "2028-02-29";
  EXPECT_TRUE(c->Commit({leap}, {}, "materializer", 1).ok());
}

TEST_F(CatalogTest, CatalogOffsetsSurviveReopen) {
  {
    auto c = OpenWithTables();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->Commit({MakeFile("orders", "2026-11-21", "p1", 3)}, {}, "materializer", 3).ok());
    ASSERT_TRUE(c->Commit({}, {}, "materializer", 1'000'000'000'000ull).ok());
    ASSERT_TRUE(c->Commit({}, {}, "export.v2", 0).ok());
  }
  auto c = Open();
  ASSERT_TRUE(c);
  EXPECT_EQ(Get(c->ConsumerOffset("materializer")), 1'000'000'000'000ull);
  EXPECT_EQ(Get(c->ConsumerOffset("export.v2")), 0u);
  EXPECT_FALSE(Get(c->ConsumerOffset("other")).has_value());
  EXPECT_EQ(c->Commit({}, {}, "materializer", 3).status().code(), Status::Code::kInvalidArgument);
}

// --- reading ---------------------------------------------------------------------------

TEST_F(CatalogTest, CatalogFilesFilterByTableAndDayRange) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  // Added out of order; read back by table, day, id.
  ASSERT_TRUE(
      c->Commit(
           {MakeFile("orders", "2026-11-22", "b", 1), MakeFile("payments", "2026-11-20", "a", 1),
            MakeFile("orders", "2026-11-20", "a", 1), MakeFile("orders", "2026-11-22", "a", 1),
            MakeFile("orders", "2026-12-01", "a", 1)},
           {}, "materializer", 5)
          .ok());
  using V = std::vector<std::string>;
  auto p = [](const std::string& t, const std::string& d, const std::string& n) {
    return "tables/" + t + "/date=" + d + "/" + n + ".parquet";
  };
  EXPECT_EQ(Paths(Get(c->Files())),
            (V{p("orders", "2026-11-20", "a"), p("orders", "2026-11-22", "b"),
               p("orders", "2026-11-22", "a"), p("orders", "2026-12-01", "a"),
               p("payments", "2026-11-20", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("payments"))), (V{p("payments", "2026-11-20", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("orders", "2026-11-21", "2026-11-30"))),
            (V{p("orders", "2026-11-22", "b"), p("orders", "2026-11-22", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("orders", "2026-11-22", "2026-11-22"))),
            (V{p("orders", "2026-11-22", "b"), p("orders", "2026-11-22", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("orders", "2026-11-21"))),
            (V{p("orders", "2026-11-22", "b"), p("orders", "2026-11-22", "a"),
               p("orders", "2026-12-01", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("orders", "", "2026-11-20"))), (V{p("orders", "2026-11-20", "a")}));
  EXPECT_EQ(Paths(Get(c->Files("", "2026-11-20", "2026-11-20"))),
            (V{p("orders", "2026-11-20", "a"), p("payments", "2026-11-20", "a")}));
  EXPECT_TRUE(Get(c->Files("orders", "2026-11-23", "2026-11-30")).empty());
  EXPECT_TRUE(Get(c->Files("nope")).empty());
  EXPECT_EQ(c->Files("orders", "2026-11").status().code(), Status::Code::kInvalidArgument);
}

TEST_F(CatalogTest, CatalogDaysAggregate) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  auto f1 = MakeFile("orders", "2026-11-21", "a", 100);
  auto f2 = MakeFile("orders", "2026-11-21", "b", 20);
  f2.min_time_us = 500;
  f2.max_time_us = 5000;
  auto f3 = MakeFile("orders", "2026-11-22", "a", 7);
  auto f4 = MakeFile("payments", "2026-11-21", "a", 3);
  ASSERT_TRUE(c->Commit({f1, f2, f3, f4}, {}, "materializer", 130).ok());
  auto days = Get(c->Days());
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].table, "orders");
  EXPECT_EQ(days[0].day, "2026-11-21");
  EXPECT_EQ(days[0].rows, 120u);
  EXPECT_EQ(days[0].files, 2u);
  EXPECT_EQ(days[0].bytes, f1.bytes + f2.bytes);
  EXPECT_EQ(days[0].min_time_us, 500);
  EXPECT_EQ(days[0].max_time_us, 5000);
  EXPECT_EQ(days[1].day, "2026-11-22");
  EXPECT_EQ(days[1].rows, 7u);
  EXPECT_EQ(days[1].files, 1u);
  EXPECT_EQ(days[2].table, "payments");
  EXPECT_EQ(days[2].rows, 3u);
  auto orders = Get(c->Days("orders"));
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[1].bytes, f3.bytes);
  EXPECT_TRUE(Get(c->Days("nope")).empty());
}

TEST_F(CatalogTest, CatalogDropDaysBefore) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      c->Commit({MakeFile("orders", "2026-10-31", "a", 1), MakeFile("orders", "2026-11-01", "a", 1),
                 MakeFile("orders", "2026-11-01", "b", 1), MakeFile("orders", "2026-11-02", "a", 1),
                 MakeFile("payments", "2026-10-01", "a", 1)},
                {}, "materializer", 5)
          .ok());
  auto dropped = c->DropDaysBefore("orders", "2026-11-02");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(Paths(*dropped), (std::vector<std::string>{"tables/orders/date=2026-10-31/a.parquet",
                                                       "tables/orders/date=2026-11-01/a.parquet",
                                                       "tables/orders/date=2026-11-01/b.parquet"}));
  EXPECT_NE(dropped->at(0).id, 0);
  EXPECT_EQ(dropped->at(0).rows, 1u);
  // The dropped files are retired: listed for deletion, not forgotten.
  auto retired = Get(c->RetiredFiles());
  ASSERT_EQ(retired.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(retired[i].path, dropped->at(i).path);
    EXPECT_EQ(retired[i].file_id, dropped->at(i).id);
    EXPECT_EQ(retired[i].reason, "dropped");
    EXPECT_EQ(retired[i].day, dropped->at(i).day);
  }
  EXPECT_TRUE(Get(c->DropDaysBefore("orders", "2026-11-02")).empty());
  EXPECT_EQ(Get(c->RetiredFiles()).size(), 3u);
  EXPECT_EQ(c->DropDaysBefore("orders", "yesterday").status().code(),
            Status::Code::kInvalidArgument);
  c.reset();
  c = Open();
  ASSERT_TRUE(c);
  EXPECT_EQ(Paths(Get(c->Files())),
            (std::vector<std::string>{"tables/orders/date=2026-11-02/a.parquet",
                                      "tables/payments/date=2026-10-01/a.parquet"}));
  // A compaction that still held a dropped file loses the race cleanly.
  auto late = c->Commit({MakeFile("orders", "2026-11-01", "merged", 2)},
                        {dropped->at(1).id, dropped->at(2).id}, "", std::nullopt);
  EXPECT_EQ(late.status().code(), Status::Code::kConflict);
  EXPECT_EQ(Get(c->Files("orders")).size(), 1u);
}

// --- concurrency -------------------------------------------------------------------

TEST_F(CatalogTest, CatalogSecondObjectSeesCommittedData) {
  auto writer = OpenWithTables();
  auto reader = Open();
  ASSERT_TRUE(writer && reader);
  EXPECT_EQ(Get(reader->Tables()).size(), 2u);
  ASSERT_TRUE(
      writer->Commit({MakeFile("orders", "2026-11-21", "a", 4)}, {}, "materializer", 4).ok());
  EXPECT_EQ(Get(reader->Files()).size(), 1u);
  EXPECT_EQ(Get(reader->ConsumerOffset("materializer")), 4u);
  // The reader may write too (one writer at a time).
  ASSERT_TRUE(
      reader->Commit({MakeFile("orders", "2026-11-21", "b", 4)}, {}, "materializer", 8).ok());
  EXPECT_EQ(Get(writer->Files()).size(), 2u);
  EXPECT_EQ(Get(writer->ConsumerOffset("materializer")), 8u);
}

// While another connection holds an open write transaction, readers see the
// last committed state (no error, no wait) and a second writer gets Busy
// after its timeout.
TEST_F(CatalogTest, CatalogReadersSeeSnapshotWhileWriterHoldsTransaction) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Commit({MakeFile("orders", "2026-11-21", "a", 4)}, {}, "materializer", 4).ok());
  CatalogOptions quick;
  quick.busy_timeout_ms = 100;
  auto other = OpenOrDie(file(), quick);
  ASSERT_TRUE(other);

  RawDb raw(file());
  ASSERT_EQ(raw.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
  ASSERT_EQ(raw.Exec("INSERT INTO files (table_name, day, path, rows, bytes, min_time_us, "
                     "max_time_us, checksum, schema_version, created_us) VALUES ('orders', "
                     "'2026-11-21', 'tables/orders/date=2026-11-21/raw.parquet', 9, 9, 0, 0, 0, "
                     "1, 0); UPDATE consumers SET next_offset = 13"),
            SQLITE_OK);

  auto start = std::chrono::steady_clock::now();
  auto files = c->Files();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 1u);
  EXPECT_EQ(Get(other->ConsumerOffset("materializer")), 4u);
  EXPECT_EQ(Get(other->Days()).at(0).rows, 4u);
  // `c` would wait up to 5 s for a lock it needed; readers need none.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));

  // Opening needs no write lock when the catalog is up to date.
  auto third = Catalog::Open(file(), quick);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(Get((*third)->Files()).size(), 1u);
  // A snapshot copy taken now has the committed state only.
  const auto copy = dir_.path() / "copy.sqlite";
  ASSERT_TRUE((*third)->SnapshotTo(copy).ok());

  auto blocked = other->Commit({}, {}, "materializer", 20);
  EXPECT_EQ(blocked.status().code(), Status::Code::kBusy) << blocked.status().ToString();
  EXPECT_THAT(blocked.status().message(), HasSubstr(file().string()));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));

  ASSERT_EQ(raw.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(Get(c->Files()).size(), 2u);
  EXPECT_EQ(Get(other->ConsumerOffset("materializer")), 13u);
  EXPECT_TRUE(other->Commit({}, {}, "materializer", 20).ok());

  auto snap = OpenOrDie(copy);
  ASSERT_TRUE(snap);
  EXPECT_EQ(Get(snap->Files()), Get(OpenOrDie(copy)->Files()));
  EXPECT_EQ(Get(snap->Files()).size(), 1u);
  EXPECT_EQ(Get(snap->ConsumerOffset("materializer")), 4u);
  EXPECT_EQ(Get(snap->Tables()).size(), 2u);
  EXPECT_TRUE(Get(snap->IntegrityCheck()).empty());
  auto again = snap->SnapshotTo(copy);
  EXPECT_EQ(again.code(), Status::Code::kInvalidArgument);
}

// One Catalog shared by threads: calls are serialized, none is lost.
TEST_F(CatalogTest, CatalogIsSafeToShareBetweenThreads) {
  auto c = OpenWithTables();
  ASSERT_TRUE(c);
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string consumer = "c" + std::to_string(t);
      for (int i = 0; i < 10; ++i) {
        auto f =
            MakeFile("orders", "2026-11-21", "t" + std::to_string(t) + "-" + std::to_string(i), 1);
        if (!c->Commit({f}, {}, consumer, static_cast<uint64_t>(i + 1)).ok()) failed = true;
        if (!c->Files("orders").ok() || !c->Days().ok()) failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(Get(c->Files()).size(), 40u);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(Get(c->ConsumerOffset("c" + std::to_string(t))), 10u);
}

// --- crash safety ----------------------------------------------------------------------

// A child process commits in a loop (new parts advancing the offset, and
// compaction swaps) and is SIGKILLed at an arbitrary moment, five times,
// each round resuming from what the catalog says. Every part's path names the
// offset range of its records, so after each kill the live files must tile
// [0, committed offset) exactly: nothing lost, nothing twice.
TEST_F(CatalogTest, CatalogKillNineLeavesConsistentState) {
  ASSERT_TRUE(OpenWithTables());
  const std::filesystem::path path = file();
  auto range_path = [](uint64_t first, uint64_t end) {
    return "tables/orders/date=2026-11-21/r-" + std::to_string(first) + "-" + std::to_string(end) +
           ".parquet";
  };
  auto parse_range = [](const std::string& p, uint64_t* first, uint64_t* end) {
    auto r = p.rfind("/r-");
    if (r == std::string::npos) return false;
    return std::sscanf(p.c_str() + r, "/r-%" SCNu64 "-%" SCNu64 ".parquet", first, end) == 2;
  };
  uint64_t total_commits = 0;
  for (int round = 0; round < 5; ++round) {
    int acks[2];
    ASSERT_EQ(::pipe(acks), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(acks[0]);
      auto r = Catalog::Open(path);
      if (!r.ok()) ::_exit(2);
      auto& c = **r;
      auto off = c.ConsumerOffset("materializer");
      auto live = c.Files("orders");
      if (!off.ok() || !live.ok()) ::_exit(3);
      uint64_t offset = off->value_or(0);
      // Live parts as (first, end, id), in offset order.
      std::map<uint64_t, std::pair<uint64_t, int64_t>> parts;
      for (const auto& f : *live) {
        uint64_t first, end;
        if (!parse_range(f.path, &first, &end)) ::_exit(4);
        parts[first] = {end, f.id};
      }
      std::mt19937 rng(static_cast<unsigned>(round));
      for (uint64_t i = 0;; ++i) {
        if (i % 4 == 3 && parts.size() >= 2) {
          // Compaction: merge the two oldest adjacent parts.
          auto a = parts.begin();
          auto b = std::next(a);
          auto merged = MakeFile("orders", "2026-11-21", "", b->second.first - a->first);
          merged.path = range_path(a->first, b->second.first);
          auto ids = c.Commit({merged}, {a->second.second, b->second.second}, "", std::nullopt);
          if (!ids.ok()) ::_exit(5);
          uint64_t first = a->first, end = b->second.first;
          parts.erase(b);
          parts.erase(a);
          parts[first] = {end, ids->at(0)};
        } else {
          std::vector<FileEntry> added;
          uint64_t next = offset;
          for (unsigned k = 0; k < 1 + rng() % 3; ++k) {
            uint64_t n = 1 + rng() % 50;
            auto f = MakeFile("orders", "2026-11-21", "", n);
            f.path = range_path(next, next + n);
            added.push_back(f);
            next += n;
          }
          auto ids = c.Commit(added, {}, "materializer", next);
          if (!ids.ok()) ::_exit(6);
          uint64_t first = offset;
          for (size_t k = 0; k < added.size(); ++k) {
            parts[first] = {first + added[k].rows, ids->at(k)};
            first += added[k].rows;
          }
          offset = next;
          if (::write(acks[1], &offset, sizeof offset) != sizeof offset) ::_exit(7);
        }
      }
    }
    ::close(acks[1]);
    // Let it run a while (the first acknowledgement shows it is going).
    uint64_t last_acked = 0, v = 0;
    ASSERT_EQ(::read(acks[0], &v, sizeof v), static_cast<ssize_t>(sizeof v));
    last_acked = v;
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + 40 * round));
    ::kill(pid, SIGKILL);
    uint64_t n_acks = 1;
    while (::read(acks[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) {
      last_acked = v;
      ++n_acks;
    }
    ::close(acks[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    total_commits += n_acks;

    auto c = Open();
    ASSERT_TRUE(c);
    auto problems = c->IntegrityCheck();
    ASSERT_TRUE(problems.ok()) << problems.status().ToString();
    EXPECT_TRUE(problems->empty()) << problems->at(0);
    const uint64_t offset = Get(c->ConsumerOffset("materializer")).value();
    // Acknowledged commits are durable; at most the one in flight went further.
    EXPECT_GE(offset, last_acked);
    // Live parts by their first offset (the catalog orders them by id:
    // a compacted part is newer than the parts after it).
    std::map<uint64_t, FileEntry> by_first;
    const auto files = Get(c->Files("orders"));
    for (const auto& f : files) {
      uint64_t first, end;
      ASSERT_TRUE(parse_range(f.path, &first, &end)) << f.path;
      ASSERT_EQ(f.rows, end - first) << f.path;
      ASSERT_TRUE(by_first.emplace(first, f).second) << "two parts start at " << first;
    }
    uint64_t expect_first = 0, rows = 0;
    for (const auto& [first, f] : by_first) {
      ASSERT_EQ(first, expect_first) << "gap or overlap at " << f.path;
      expect_first = first + f.rows;
      rows += f.rows;
    }
    EXPECT_EQ(expect_first, offset);
    EXPECT_EQ(rows, offset);
    EXPECT_EQ(Get(c->Days("orders")).at(0).rows, offset);
  }
  EXPECT_GT(total_commits, 3u);
  RecordProperty("acknowledged_commits", std::to_string(total_commits));
}

}  // namespace
}  // namespace tp::storage

namespace tp::storage {
namespace {

// Format version 4: the admin page's dashboards and API tokens, kept across
// reopening; the same token hash cannot be added twice.
TEST_F(CatalogTest, DashboardsAndTokensPersist) {
  {
    auto c = OpenOrDie(file());
    ASSERT_TRUE(c->PutDashboard("sales", "{\"title\":\"A\"}").ok());
    ASSERT_TRUE(c->PutDashboard("sales", "{\"title\":\"B\"}").ok());  // replaces
    ASSERT_TRUE(c->PutDashboard("ops", "{}").ok());
    EXPECT_EQ(Get(c->DeleteDashboard("ops")), true);
    EXPECT_EQ(Get(c->DeleteDashboard("ops")), false);
    EXPECT_EQ(Get(c->AddToken("shop", "ingest", std::string(64, 'a'))), 1);
    EXPECT_EQ(Get(c->AddToken("bi", "read", std::string(64, 'b'))), 2);
    EXPECT_FALSE(c->AddToken("again", "read", std::string(64, 'b')).ok());
    EXPECT_FALSE(c->AddToken("x", "admin", std::string(64, 'c')).ok()) << "scope is checked";
    EXPECT_EQ(Get(c->RevokeToken(1)), true);
    EXPECT_EQ(Get(c->RevokeToken(1)), false);
  }
  auto c = OpenOrDie(file());
  auto dashboards = Get(c->Dashboards());
  ASSERT_EQ(dashboards.size(), 1u);
  EXPECT_EQ(dashboards[0].first, "sales");
  EXPECT_EQ(dashboards[0].second, "{\"title\":\"B\"}");
  auto tokens = Get(c->Tokens());
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].name, "bi");  // newest first
  EXPECT_FALSE(tokens[0].revoked_us.has_value());
  EXPECT_EQ(tokens[1].scope, "ingest");
  EXPECT_TRUE(tokens[1].revoked_us.has_value());
}

// Format version 5: re-processed records of _rejected are recorded once; a
// batch that repeats one records nothing.
TEST_F(CatalogTest, ReprocessedRecordsAreRecordedOnce) {
  {
    auto c = OpenOrDie(file());
    ASSERT_TRUE(c->AddReprocessed({{7, "orders", "bad_value", 100, 0},
                                   {9, "orders", "missing_value", 101, 0}})
                    .ok());
    Status again = c->AddReprocessed({{11, "orders", "bad_value", 102, 0}, {7, "orders", "", 103, 0}});
    EXPECT_EQ(again.code(), Status::Code::kInvalidArgument) << again.ToString();
  }
  auto c = OpenOrDie(file());
  auto found = Get(c->Reprocessed({7, 8, 9, 11}));
  ASSERT_EQ(found.size(), 2u) << "11 was in the refused batch";
  EXPECT_EQ(found[0].log_offset, 7u);
  EXPECT_EQ(found[0].new_offset, 100u);
  EXPECT_EQ(found[0].reason_code, "bad_value");
  EXPECT_GT(found[0].at_us, 0);
  EXPECT_EQ(found[1].table, "orders");
  auto counts = Get(c->ReprocessedCounts());
  EXPECT_EQ((counts[{"orders", "bad_value"}]), 1u);
  EXPECT_EQ((counts[{"orders", "missing_value"}]), 1u);
}

}  // namespace
}  // namespace tp::storage
