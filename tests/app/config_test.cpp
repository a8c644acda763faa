#include "app/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace tp::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Joins lines with '\n' so a test can count lines exactly: line N is the
// N-th string.
std::string Lines(std::initializer_list<std::string_view> lines) {
  std::string out;
  for (std::string_view l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

std::string AllErrors(const ConfigLoad& load) {
  std::string out;
  for (const ConfigError& e : load.errors) out += e.ToString() + "\n";
  return out;
}

ConfigLoad Load(const std::string& text) { return LoadConfigText(text, "tillpipe.toml"); }

// Exactly one error, at line:column, with every substring in its message.
void ExpectOneError(const ConfigLoad& load, int line, int column,
                    std::initializer_list<std::string_view> substrings) {
  ASSERT_EQ(load.errors.size(), 1u) << AllErrors(load);
  const ConfigError& e = load.errors[0];
  EXPECT_FALSE(load.config.has_value());
  EXPECT_EQ(e.file, "tillpipe.toml");
  EXPECT_EQ(e.line, line) << e.ToString();
  EXPECT_EQ(e.column, column) << e.ToString();
  for (std::string_view s : substrings) EXPECT_THAT(e.message, HasSubstr(std::string(s)));
}

// A valid table to put around the key under test.
const char* const kOrders = "[tables.orders]";

// "name type[ null]" for each column: one string per table, easy to compare.
std::string Schema(const TableSpec& t) {
  std::string out;
  for (const ColumnSpec& c : t.columns) {
    if (!out.empty()) out += ", ";
    out += c.name + " " + c.TypeName() + (c.nullable ? " null" : "");
  }
  return out;
}

// ---------------------------------------------------------------------------
// The embedded default

TEST(ConfigDefault, LoadsWithNoErrorsAndTheDocumentedSettings) {
  ConfigLoad load = LoadDefaultConfig();
  ASSERT_TRUE(load.errors.empty()) << AllErrors(load);
  ASSERT_TRUE(load.config.has_value());
  const Config& c = *load.config;
  EXPECT_EQ(c.source, "<embedded default>");
  EXPECT_EQ(c.data_dir, std::filesystem::path("./tillpipe-data"));
  EXPECT_EQ(c.timezone, "UTC");
  EXPECT_EQ(c.http.listen_host, "127.0.0.1");
  EXPECT_EQ(c.http.listen_port, 8080);
  EXPECT_EQ(c.http.max_body, 16ull << 20);
  EXPECT_TRUE(c.auth.ingest_tokens.empty());
  EXPECT_EQ(c.stream.fsync, "group");
  EXPECT_EQ(c.stream.fsync_interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(c.stream.segment_size, 128ull << 20);
  EXPECT_EQ(c.stream.retention, std::chrono::seconds(7 * 24 * 3600));
  EXPECT_EQ(c.stream.min_free, 1ull << 30);
  EXPECT_EQ(c.stream.idempotency_window, std::chrono::seconds(24 * 3600));
}

TEST(ConfigDefault, DeclaresEveryStreamHttpAndAuthKey) {
  const std::string text(DefaultConfigText());
  for (const char* key : {"data_dir =", "timezone =", "[http]", "listen =", "max_body =", "[auth]",
                          "ingest_tokens =", "[stream]", "fsync =", "fsync_interval =",
                          "segment_size =", "retention =", "min_free =", "idempotency_window =",
                          "flush_rows =", "flush_interval =", "zstd_level =", "compact_interval =",
                          "compact_min_files =", "on_new_fields =", "default =", "[query]",
                          "memory_limit =", "timeout ="}) {
    EXPECT_THAT(text, HasSubstr(key));
  }
}

TEST(ConfigDefault, HasTheEightRetailTablesWithExactColumns) {
  ConfigLoad load = LoadDefaultConfig();
  ASSERT_TRUE(load.config.has_value()) << AllErrors(load);
  const Config& c = *load.config;
  struct Expected {
    const char* name;
    const char* time;
    const char* schema;
  };
  const std::vector<Expected> expected = {
      {"sellers", "onboarded_at",
       "seller_id string, brand string, city string, state string, onboarded_at timestamp"},
      {"products", "created_at",
       "product_id string, seller_id string, brand string, category string, name string, "
       "price decimal(12,2), created_at timestamp"},
      {"customers", "signup_at",
       "customer_id string, name string, city string, state string, signup_at timestamp"},
      {"orders", "purchased_at",
       "order_id string, customer_id string, status string, city string, state string, "
       "delivery string, payment_type string, items int32, total decimal(12,2), "
       "purchased_at timestamp, delivered_at timestamp null"},
      {"order_items", "purchased_at",
       "order_id string, item_seq int32, product_id string, seller_id string, brand string, "
       "category string, quantity int32, unit_price decimal(12,2), amount decimal(12,2), "
       "city string, purchased_at timestamp"},
      {"payments", "paid_at",
       "order_id string, payment_seq int32, payment_type string, installments int32, "
       "value decimal(12,2), paid_at timestamp"},
      {"reviews", "created_at",
       "review_id string, order_id string, score int32, comment string null, "
       "created_at timestamp"},
      {"page_views", "viewed_at",
       "session_id string, customer_id string null, path string, product_id string null, "
       "referrer string, device string, viewed_at timestamp"},
  };
  ASSERT_EQ(c.tables.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(c.tables[i].name, expected[i].name);
    EXPECT_EQ(c.tables[i].time_column, expected[i].time);
    EXPECT_EQ(Schema(c.tables[i]), expected[i].schema);
    EXPECT_EQ(c.FindTable(expected[i].name), &c.tables[i]);
  }
  EXPECT_EQ(c.FindTable("nope"), nullptr);
  const ColumnSpec& total = c.FindTable("orders")->columns[8];
  EXPECT_EQ(total.kind, TypeKind::kDecimal);
  EXPECT_EQ(total.precision, 12);
  EXPECT_EQ(total.scale, 2);
}

// ---------------------------------------------------------------------------
// Loading good files

TEST(ConfigLoad, EmptyFileGivesTheDefaultsAndNoTables) {
  ConfigLoad load = Load("");
  ASSERT_TRUE(load.config.has_value()) << AllErrors(load);
  EXPECT_EQ(load.config->source, "tillpipe.toml");
  EXPECT_EQ(load.config->http.listen_port, 8080);
  EXPECT_EQ(load.config->stream.fsync, "group");
  EXPECT_TRUE(load.config->tables.empty());
}

TEST(ConfigLoad, ReadsEveryKey) {
  ConfigLoad load = Load(Lines({
      "data_dir = \"/var/lib/tillpipe\"",
      "timezone = \"America/Sao_Paulo\"",
      "[http]",
      "listen = \"[::1]:0\"",
      "max_body = 2048",
      "[auth]",
      "ingest_tokens = [\"0123456789abcdef\", \"fedcba9876543210fedcba\"]",
      "[stream]",
      "fsync = \"interval\"",
      "fsync_interval = \"250ms\"",
      "segment_size = \"1GB\"",
      "retention = \"0\"",
      "min_free = 0",
      "idempotency_window = \"1h30m\"",
      "[tables.events]",
      "time = \"day\"",
      "[tables.events.columns]",
      "flag = \"bool\"",
      "n = \"int64\"",
      "x = { type = \"float64\" }",
      "day = { type = \"date\", nullable = false }",
      "_raw = { type = \"string\", nullable = true }",
      "amount = \"decimal(18, 0)\"",
  }));
  ASSERT_TRUE(load.config.has_value()) << AllErrors(load);
  const Config& c = *load.config;
  EXPECT_EQ(c.data_dir, std::filesystem::path("/var/lib/tillpipe"));
  EXPECT_EQ(c.timezone, "America/Sao_Paulo");
  EXPECT_EQ(c.http.listen_host, "::1");
  EXPECT_EQ(c.http.listen_port, 0);
  EXPECT_EQ(c.http.max_body, 2048u);
  EXPECT_EQ(c.auth.ingest_tokens,
            (std::vector<std::string>{"0123456789abcdef", "fedcba9876543210fedcba"}));
  EXPECT_EQ(c.stream.fsync, "interval");
  EXPECT_EQ(c.stream.fsync_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.stream.segment_size, 1000000000u);
  EXPECT_EQ(c.stream.retention, std::chrono::seconds(0));
  EXPECT_EQ(c.stream.min_free, 0u);
  EXPECT_EQ(c.stream.idempotency_window, std::chrono::seconds(5400));
  ASSERT_EQ(c.tables.size(), 1u);
  EXPECT_EQ(c.tables[0].time_column, "day");
  EXPECT_EQ(Schema(c.tables[0]),
            "flag bool, n int64, x float64, day date, _raw string null, amount decimal(18,0)");
}

TEST(ConfigLoad, TablesAndColumnsComeOutInFileOrderNotSorted) {
  ConfigLoad load = Load(Lines({
      "[tables.zebra]",
      "time = \"b_at\"",
      "columns = { zz = \"string\", b_at = \"timestamp\", aa = \"int32\" }",
      "[tables.apple.columns]",
      "y = \"string\"",
      "x_at = \"timestamp\"",
      "c = \"string\"",
      "[tables.apple]",
      "time = \"x_at\"",
  }));
  ASSERT_TRUE(load.config.has_value()) << AllErrors(load);
  ASSERT_EQ(load.config->tables.size(), 2u);
  EXPECT_EQ(load.config->tables[0].name, "zebra");
  EXPECT_EQ(Schema(load.config->tables[0]), "zz string, b_at timestamp, aa int32");
  EXPECT_EQ(load.config->tables[1].name, "apple");
  EXPECT_EQ(Schema(load.config->tables[1]), "y string, x_at timestamp, c string");
}

TEST(ConfigLoad, ListenAcceptsHostNamesIpv4AndBracketedIpv6) {
  struct Case {
    const char* listen;
    const char* host;
    uint16_t port;
  };
  for (const Case& c :
       {Case{"0.0.0.0:80", "0.0.0.0", 80}, Case{"localhost:65535", "localhost", 65535},
        Case{"[::]:9000", "::", 9000}, Case{"[fe80::1]:1", "fe80::1", 1}}) {
    ConfigLoad load = Load(Lines({"[http]", std::string("listen = \"") + c.listen + "\""}));
    ASSERT_TRUE(load.config.has_value()) << c.listen << ": " << AllErrors(load);
    EXPECT_EQ(load.config->http.listen_host, c.host);
    EXPECT_EQ(load.config->http.listen_port, c.port);
  }
}

TEST(ConfigLoad, FileIsReadFromDisk) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tp_config_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "tillpipe.toml";
  {
    std::ofstream out(file);
    out << "[http]\nlisten = \"127.0.0.1:9999\"\nmax_body = \"1 potato\"\n";
  }
  ConfigLoad load = LoadConfigFile(file);
  ASSERT_EQ(load.errors.size(), 1u) << AllErrors(load);
  EXPECT_EQ(load.errors[0].ToString(),
            file.string() +
                ":3:12: http.max_body: \"1 potato\" is not a size: unknown unit "
                "\"potato\"; use a number with a unit like \"16MiB\" (units: B, KB, "
                "MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024)");

  ConfigLoad missing = LoadConfigFile(dir / "missing.toml");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].line, 0);
  EXPECT_THAT(missing.errors[0].ToString(), HasSubstr("missing.toml: cannot read"));
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------
// Errors: each names FILE:LINE:COL, the key path, what is wrong and the fix

TEST(ConfigError, ToStringFormats) {
  EXPECT_EQ((ConfigError{"a.toml", 3, 7, "bad"}).ToString(), "a.toml:3:7: bad");
  EXPECT_EQ((ConfigError{"a.toml", 0, 0, "bad"}).ToString(), "a.toml: bad");
}

TEST(ConfigError, UnknownKeyWithDidYouMean) {
  ConfigLoad load = Load(Lines({
      "[stream]",                   // 1
      "fsync = \"group\"",          // 2
      "",                           // 3
      "# segments",                 // 4
      "retention = \"7d\"",         // 5
      "min_free = \"1GiB\"",        // 6
      "segment_sise = \"128MiB\"",  // 7
  }));
  ASSERT_EQ(load.errors.size(), 1u) << AllErrors(load);
  EXPECT_EQ(load.errors[0].ToString(),
            "tillpipe.toml:7:1: unknown key \"segment_sise\" in [stream]; did you mean "
            "\"segment_size\"?");
}

TEST(ConfigError, UnknownKeyByPrefixAndTopLevel) {
  ExpectOneError(Load(Lines({"[http]", "  max = 5"})), 2, 3,
                 {"unknown key \"max\" in [http]; did you mean \"max_body\"?"});
  ExpectOneError(Load(Lines({"timezon = \"UTC\""})), 1, 1,
                 {"unknown key \"timezon\" at the top level; did you mean \"timezone\"?"});
  // No near miss: the allowed keys are listed.
  ExpectOneError(Load(Lines({"[auth]", "users = []"})), 2, 1,
                 {"unknown key \"users\" in [auth]; allowed keys are: ingest_tokens"});
}

TEST(ConfigError, KeyInTheWrongSectionSaysWhereItBelongs) {
  ExpectOneError(Load(Lines({"data_dir = \"/d\"", "fsync = \"off\""})), 2, 1,
                 {"unknown key \"fsync\" at the top level", "fsync belongs in [stream]"});
  ExpectOneError(Load(Lines({"[stream]", "listen = \"127.0.0.1:1\""})), 2, 1,
                 {"listen belongs in [http]"});
}

TEST(ConfigError, SizeThatIsNotASize) {
  ExpectOneError(
      Load(Lines({"data_dir = \"/d\"", "", "[http]", "max_body = \"16 potatoes\""})), 4, 12,
      {"http.max_body: \"16 potatoes\" is not a size", "use a number with a unit like \"16MiB\""});
}

TEST(ConfigError, SizeOutOfRangeNamesTheRange) {
  ExpectOneError(Load(Lines({"[stream]", "segment_size = \"512KiB\""})), 2, 16,
                 {"stream.segment_size: \"512KiB\" is out of range", "1MiB..16GiB"});
  ExpectOneError(Load(Lines({"[http]", "max_body = \"2GiB\""})), 2, 12,
                 {"http.max_body: \"2GiB\" is out of range; allowed: 1KiB..1GiB"});
  // Plain integers are bytes.
  ExpectOneError(Load(Lines({"[http]", "max_body = 5"})), 2, 12,
                 {"http.max_body: 5 bytes is out of range; allowed: 1KiB..1GiB"});
  ExpectOneError(Load(Lines({"[stream]", "min_free = -1"})), 2, 12,
                 {"stream.min_free: -1 is negative"});
  ExpectOneError(Load(Lines({"[stream]", "min_free = 1.5"})), 2, 12,
                 {"stream.min_free: must be a size like \"16MiB\"", "not a float"});
}

TEST(ConfigError, DurationsMustBeStringsInRange) {
  ExpectOneError(Load(Lines({"[stream]", "fsync_interval = 5"})), 2, 18,
                 {"stream.fsync_interval: durations are strings with a unit; write \"5s\""});
  ExpectOneError(Load(Lines({"[stream]", "fsync_interval = \"2h\""})), 2, 18,
                 {"stream.fsync_interval: \"2h\" is out of range; allowed: 1ms..1h"});
  ExpectOneError(Load(Lines({"[stream]", "idempotency_window = \"31d\""})), 2, 22,
                 {"stream.idempotency_window: \"31d\" is out of range; allowed: 1m..30d"});
  ExpectOneError(Load(Lines({"[stream]", "idempotency_window = \"59s\""})), 2, 22, {"1m..30d"});
  ExpectOneError(Load(Lines({"[stream]", "retention = \"1500ms\""})), 2, 13,
                 {"stream.retention: \"1500ms\" is not a whole number of seconds"});
  ExpectOneError(Load(Lines({"[stream]", "retention = true"})), 2, 13,
                 {"stream.retention: must be a duration string like \"10s\", not a boolean"});
  ExpectOneError(Load(Lines({"[stream]", "retention = \"forever\""})), 2, 13,
                 {"stream.retention: \"forever\" is not a duration"});
}

TEST(ConfigError, FsyncModeWithDidYouMean) {
  ExpectOneError(Load(Lines({"[stream]", "fsync = \"intervall\""})), 2, 9,
                 {"stream.fsync: \"intervall\" is not an fsync mode; did you mean \"interval\"?",
                  "group, interval, off"});
}

TEST(ConfigError, WrongTomlTypes) {
  ExpectOneError(Load(Lines({"http = 5"})), 1, 8,
                 {"http: must be a table, like [http], not an integer"});
  ExpectOneError(Load(Lines({"timezone = 1"})), 1, 12, {"timezone: must be a string"});
  ExpectOneError(Load(Lines({"[auth]", "ingest_tokens = \"0123456789abcdef\""})), 2, 17,
                 {"auth.ingest_tokens: must be an array of strings"});
}

TEST(ConfigError, ListenProblems) {
  ExpectOneError(Load(Lines({"[http]", "listen = \"127.0.0.1\""})), 2, 10,
                 {"http.listen: \"127.0.0.1\"", "port is missing", "HOST:PORT"});
  ExpectOneError(Load(Lines({"[http]", "listen = \"::1:8080\""})), 2, 10,
                 {"IPv6 address goes in brackets, like \"[::1]:8080\""});
  ExpectOneError(Load(Lines({"[http]", "listen = \"127.0.0.1:70000\""})), 2, 10,
                 {"port \"70000\" must be a number 0..65535"});
  ExpectOneError(Load(Lines({"[http]", "listen = \"300.1.1.1:80\""})), 2, 10,
                 {"\"300.1.1.1\" is not an IPv4 address"});
  ExpectOneError(Load(Lines({"[http]", "listen = \"[zz::1]:80\""})), 2, 10,
                 {"\"zz::1\" is not an IPv6 address"});
}

TEST(ConfigError, ShortTokenPointsAtTheArrayElement) {
  ExpectOneError(Load(Lines({"[auth]", "ingest_tokens = [\"0123456789abcdef\", \"short\"]"})), 2,
                 38, {"auth.ingest_tokens[1]: the token is 5 characters; tokens need at least 16"});
  ExpectOneError(Load(Lines({"[auth]", "ingest_tokens = [42]"})), 2, 18,
                 {"auth.ingest_tokens[0]: must be a string, not an integer"});
}

TEST(ConfigError, UnknownColumnTypeAndDecimalRange) {
  ExpectOneError(Load(Lines({
                     kOrders,                      // 1
                     "time = \"at\"",              // 2
                     "[tables.orders.columns]",    // 3
                     "at = \"timestamp\"",         // 4
                     "total = \"decimal(30,2)\"",  // 5
                 })),
                 5, 9,
                 {"tables.orders.columns.total: unknown type \"decimal(30,2)\": decimal precision "
                  "must be 1..18"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "[tables.orders.columns]",
                             "at = \"timestamp\"", "x = \"decimal(4,5)\""})),
                 5, 5, {"decimal scale must be 0..precision (0..4)"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "[tables.orders.columns]",
                             "at = \"timestamp\"", "x = \"decimal\""})),
                 5, 5, {"decimal needs a precision and a scale, like \"decimal(12,2)\""});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "[tables.orders.columns]",
                             "at = \"timestamp\"", "name = \"strng\""})),
                 5, 8,
                 {"tables.orders.columns.name: unknown type \"strng\"; did you mean \"string\"?"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "[tables.orders.columns]",
                             "at = \"timestamp\"", "x = { type = \"double\" }"})),
                 5, 14,
                 {"unknown type \"double\"; did you mean \"float64\"?", "types: bool, int32"});
}

TEST(ConfigError, InlineColumnTableProblems) {
  ConfigLoad load = Load(Lines({
      kOrders,                                          // 1
      "time = \"at\"",                                  // 2
      "[tables.orders.columns]",                        // 3
      "at = \"timestamp\"",                             // 4
      "a = { type = \"string\", nulable = true }",      // 5
      "b = { nullable = \"yes\", type = \"string\" }",  // 6
      "c = { nullable = true }",                        // 7
      "d = 7",                                          // 8
  }));
  ASSERT_EQ(load.errors.size(), 4u) << AllErrors(load);
  EXPECT_EQ(load.errors[0].ToString(),
            "tillpipe.toml:5:24: unknown key \"nulable\" in tables.orders.columns.a; did you mean "
            "\"nullable\"?");
  EXPECT_EQ(load.errors[1].line, 6);
  EXPECT_EQ(load.errors[1].column, 18);
  EXPECT_THAT(load.errors[1].message,
              HasSubstr("tables.orders.columns.b.nullable: must be true or false, not a string"));
  EXPECT_EQ(load.errors[2].line, 7);
  EXPECT_EQ(load.errors[2].column, 5);
  EXPECT_THAT(load.errors[2].message, HasSubstr("tables.orders.columns.c: missing key \"type\""));
  EXPECT_EQ(load.errors[3].line, 8);
  EXPECT_EQ(load.errors[3].column, 5);
  EXPECT_THAT(load.errors[3].message,
              HasSubstr("tables.orders.columns.d: must be a type name like \"string\""));
}

TEST(ConfigError, TimeColumnThatIsNotAColumnSuggestsTheNearMiss) {
  ConfigLoad load = Load(Lines({
      "timezone = \"UTC\"",            // 1
      "",                              // 2
      "[tables.orders]",               // 3
      "time = \"purchased\"",          // 4
      "",                              // 5
      "[tables.orders.columns]",       // 6
      "order_id = \"string\"",         // 7
      "purchased_at = \"timestamp\"",  // 8
  }));
  ExpectOneError(load, 4, 8,
                 {"tables.orders.time: \"purchased\" is not a column of orders; did you mean "
                  "\"purchased_at\"? (columns are: order_id, purchased_at)"});
}

TEST(ConfigError, TimeColumnMustBeTimestampOrDate) {
  ExpectOneError(Load(Lines({kOrders, "time = \"order_id\"", "[tables.orders.columns]",
                             "order_id = \"string\"", "at = \"timestamp\""})),
                 2, 8,
                 {"tables.orders.time: column \"order_id\" is string; the time column must be a "
                  "timestamp or date (timestamp/date columns: at)"});
}

TEST(ConfigError, TableNeedsTimeAndColumns) {
  ExpectOneError(Load(Lines({"[tables.orders.columns]", "at = \"timestamp\""})), 1, 1,
                 {"tables.orders: missing key \"time\"", "time = \"at\""});
  ConfigLoad no_columns = Load(Lines({"[tables.orders]", "time = \"at\""}));
  ExpectOneError(no_columns, 1, 1,
                 {"tables.orders: has no columns; add a [tables.orders.columns] section"});
  ExpectOneError(Load(Lines({"[tables.orders]", "time = \"at\"", "columns = {}"})), 3, 11,
                 {"tables.orders.columns: a table needs at least one column"});
  ExpectOneError(Load(Lines({"[tables.orders]", "time = \"at\"", "colums = {}"})), 3, 1,
                 {"unknown key \"colums\" in [tables.orders]; did you mean \"columns\"?"});
}

TEST(ConfigError, TableAndColumnNames) {
  ExpectOneError(
      Load(Lines({"[tables._rejected]", "time = \"at\"", "columns = { at = \"timestamp\" }"})), 1,
      9, {"tables._rejected: table names starting with \"_\" are reserved", "like _rejected"});
  ExpectOneError(
      Load(Lines({"[tables.Orders]", "time = \"at\"", "columns = { at = \"timestamp\" }"})), 1, 9,
      {"\"Orders\" is not a valid table name", "(e.g. \"orders\")"});
  ExpectOneError(Load(Lines({std::string("[tables.") + std::string(65, 'a') + "]", "time = \"at\"",
                             "columns = { at = \"timestamp\" }"})),
                 1, 9, {"is not a valid table name", "at most 64 bytes"});
  ExpectOneError(Load(Lines({"[tables.t]", "time = \"at\"", "[tables.t.columns]",
                             "at = \"timestamp\"", "\"Total Price\" = \"float64\""})),
                 5, 1, {"\"Total Price\" is not a valid column name", "(e.g. \"total_price\")"});
}

TEST(ConfigError, AllErrorsAreReportedTogetherInFileOrder) {
  ConfigLoad load = Load(Lines({
      "data_dir = 7",                  // 1
      "[http]",                        // 2
      "max_body = \"16 potatoes\"",    // 3
      "[stream]",                      // 4
      "segment_sise = \"128MiB\"",     // 5
      "fsync = \"sometimes\"",         // 6
      "[tables.orders]",               // 7
      "time = \"purchased\"",          // 8
      "[tables.orders.columns]",       // 9
      "purchased_at = \"timestamp\"",  // 10
      "total = \"decimal(30,2)\"",     // 11
  }));
  EXPECT_FALSE(load.config.has_value());
  std::vector<std::string> places;
  for (const ConfigError& e : load.errors) {
    places.push_back(std::to_string(e.line) + ":" + std::to_string(e.column));
  }
  EXPECT_EQ(places, (std::vector<std::string>{"1:12", "3:12", "5:1", "6:9", "8:8", "11:9"}))
      << AllErrors(load);
}

TEST(ConfigError, TomlSyntaxErrorHasItsPlace) {
  ConfigLoad load = Load(Lines({"[http]", "listen = \"127.0.0.1:8080\"", "max_body = "}));
  ASSERT_EQ(load.errors.size(), 1u) << AllErrors(load);
  EXPECT_EQ(load.errors[0].line, 3);
  EXPECT_EQ(load.errors[0].column, 12);
  EXPECT_THAT(load.errors[0].ToString(), HasSubstr("tillpipe.toml:3:12: TOML syntax error: "));

  ConfigLoad dup = Load(Lines({"[stream]", "fsync = \"off\"", "fsync = \"group\""}));
  ASSERT_EQ(dup.errors.size(), 1u) << AllErrors(dup);
  EXPECT_EQ(dup.errors[0].line, 3);
  EXPECT_THAT(dup.errors[0].message, HasSubstr("fsync"));
}

// ---------------------------------------------------------------------------
// Units

TEST(ConfigUnits, ParseSizeAcceptsTheDocumentedUnits) {
  struct Case {
    const char* text;
    uint64_t bytes;
  };
  for (const Case& c :
       {Case{"0", 0}, Case{"4096", 4096}, Case{"12B", 12}, Case{"1KB", 1000}, Case{"1MB", 1000000},
        Case{"1GB", 1000000000}, Case{"2TB", 2000000000000ull}, Case{"512KiB", 512 << 10},
        Case{"128MiB", 128ull << 20}, Case{"1GiB", 1ull << 30}, Case{"3TiB", 3ull << 40},
        Case{"16mib", 16ull << 20}, Case{"16 MiB", 16ull << 20}, Case{" 1kib ", 1024},
        Case{"17179869183GiB", 17179869183ull << 30}}) {
    Result<uint64_t> r = ParseSize(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.bytes) << c.text;
  }
}

TEST(ConfigUnits, ParseSizeRejectsWithAReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c :
       {Case{"", "empty size"}, Case{"  ", "empty size"}, Case{"-1MiB", "is negative"},
        Case{"MiB", "is not a size"}, Case{"16 potatoes", "unknown unit \"potatoes\""},
        Case{"1.5GiB", "is not a whole number"}, Case{"16M", "is ambiguous"},
        Case{"16MiB!", "is not a size"}, Case{"+5", "is not a size"}, Case{"0x10", "is not a size"},
        Case{"18446744073709551616", "too large"}, Case{"17179869184TiB", "too large"}}) {
    Result<uint64_t> r = ParseSize(c.text);
    ASSERT_FALSE(r.ok()) << "\"" << c.text << "\" parsed as " << *r;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.reason)) << c.text;
  }
  EXPECT_THAT(ParseSize("16M").status().message(), HasSubstr("\"16MiB\""));
}

TEST(ConfigUnits, ParseDurationAcceptsTheDocumentedUnits) {
  using std::chrono::milliseconds;
  struct Case {
    const char* text;
    int64_t ms;
  };
  for (const Case& c : {Case{"0", 0}, Case{"0s", 0}, Case{"250ms", 250}, Case{"10s", 10000},
                        Case{"5m", 300000}, Case{"2h", 7200000}, Case{"30d", 2592000000},
                        Case{"1w", 604800000}, Case{"1h30m", 5400000}, Case{"1m 30s", 90000},
                        Case{"10S", 10000}, Case{"3 days", 259200000}, Case{"2hours", 7200000}}) {
    Result<milliseconds> r = ParseDuration(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->count(), c.ms) << c.text;
  }
}

TEST(ConfigUnits, ParseDurationRejectsWithAReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c :
       {Case{"", "empty duration"}, Case{"-1s", "is negative"},
        Case{"10", "has no unit; write \"10s\""}, Case{"s", "is not a duration"},
        Case{"1.5h", "is not a whole number"}, Case{"5 fortnights", "unknown unit \"fortnights\""},
        Case{"1h30", "30 has no unit"}, Case{"1h-5m", "is not a duration"},
        Case{"99999999999999999999ms", "too long"}, Case{"9999999999999w", "too long"}}) {
    Result<std::chrono::milliseconds> r = ParseDuration(c.text);
    ASSERT_FALSE(r.ok()) << "\"" << c.text << "\" parsed as " << r->count() << "ms";
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.reason)) << c.text;
  }
}

TEST(ConfigUnits, ParseListenSplitsHostAndPort) {
  auto r = ParseListen("[::1]:8080");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first, "::1");
  EXPECT_EQ(r->second, 8080);
  r = ParseListen("127.0.0.1:0");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first, "127.0.0.1");
  EXPECT_EQ(r->second, 0);
  for (const char* bad : {"", ":8080", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:65536", "[::1]8080",
                          "[::1]", "host name:80", "1.2.3:80"}) {
    EXPECT_FALSE(ParseListen(bad).ok()) << bad;
  }
}

// ---------------------------------------------------------------------------
// Environment checks

class ConfigEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tp_config_env_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "file") << "not a directory\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Loads `text` (which must be valid) and runs the environment checks.
  std::vector<ConfigError> Check(const std::string& text) {
    ConfigLoad load = Load(text);
    EXPECT_TRUE(load.config.has_value()) << AllErrors(load);
    if (!load.config) return {};
    return CheckEnvironment(*load.config, text);
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigEnvironment, AcceptsAWritableDirAndRealTimeZones) {
  for (const char* tz : {"UTC", "America/Sao_Paulo", "Europe/Berlin"}) {
    std::string text = Lines({"data_dir = \"" + (dir_ / "new" / "deeper").string() + "\"",
                              std::string("timezone = \"") + tz + "\""});
    std::vector<ConfigError> errors = Check(text);
    EXPECT_TRUE(errors.empty()) << tz << ": " << (errors.empty() ? "" : errors[0].ToString());
  }
  // Nothing was created.
  EXPECT_FALSE(std::filesystem::exists(dir_ / "new"));
  // An existing directory is fine too.
  EXPECT_TRUE(Check(Lines({"data_dir = \"" + dir_.string() + "\""})).empty());
}

TEST_F(ConfigEnvironment, FlagsADataDirUnderARegularFile) {
  const std::string text = Lines({
      "timezone = \"UTC\"",                                       // 1
      "data_dir = \"" + (dir_ / "file" / "sub").string() + "\"",  // 2
  });
  std::vector<ConfigError> errors = Check(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "tillpipe.toml");
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].column, 12);
  EXPECT_THAT(errors[0].message, HasSubstr("data_dir: "));
  EXPECT_THAT(errors[0].message, HasSubstr("cannot be created because \"" +
                                           (dir_ / "file").string() + "\" is not a directory"));
}

TEST_F(ConfigEnvironment, FlagsADataDirThatIsAFile) {
  std::vector<ConfigError> errors =
      Check(Lines({"data_dir = \"" + (dir_ / "file").string() + "\""}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[0].column, 12);
  EXPECT_THAT(errors[0].message, HasSubstr("exists but is not a directory"));
}

TEST_F(ConfigEnvironment, FlagsAnUnwritableDataDir) {
  if (geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  std::filesystem::path ro = dir_ / "ro";
  std::filesystem::create_directories(ro);
  std::filesystem::permissions(
      ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  std::vector<ConfigError> errors = Check(Lines({"data_dir = \"" + (ro / "x").string() + "\""}));
  std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("is not writable by this user"));
}

TEST_F(ConfigEnvironment, FlagsAnUnknownTimeZoneAtItsPlace) {
  const std::string text = Lines({
      "data_dir = \"" + dir_.string() + "\"",  // 1
      "",                                      // 2
      "timezone = \"Mars/Olympus\"",           // 3
  });
  std::vector<ConfigError> errors = Check(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "tillpipe.toml:3:12: timezone: \"Mars/Olympus\" is not a time zone in the tz "
            "database; use an IANA name like \"UTC\", \"Europe/Berlin\" or "
            "\"America/Sao_Paulo\"");
}

TEST_F(ConfigEnvironment, SuggestsTheNearestTimeZone) {
  for (auto [typo, want] :
       {std::pair{"Europe/Berln", "Europe/Berlin"}, std::pair{"europe/berlin", "Europe/Berlin"},
        std::pair{"Sao Paulo", "America/Sao_Paulo"}}) {
    std::vector<ConfigError> errors = Check(Lines(
        {"data_dir = \"" + dir_.string() + "\"", std::string("timezone = \"") + typo + "\""}));
    ASSERT_EQ(errors.size(), 1u) << typo;
    EXPECT_THAT(errors[0].message, HasSubstr(std::string("did you mean \"") + want + "\"?"))
        << errors[0].ToString();
  }
}

TEST_F(ConfigEnvironment, OverriddenValuesHaveNoPlaceInTheFile) {
  const std::string text = Lines({"data_dir = \"" + dir_.string() + "\""});
  ConfigLoad load = Load(text);
  ASSERT_TRUE(load.config.has_value());
  load.config->data_dir = dir_ / "file";  // as if --data-dir said so
  load.config->timezone = "Nowhere/Atall";
  std::vector<ConfigError> errors = CheckEnvironment(*load.config, text);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_THAT(errors[0].ToString(), HasSubstr("tillpipe.toml: data_dir: "));
  EXPECT_EQ(errors[1].line, 0);
  EXPECT_THAT(errors[1].message, Not(HasSubstr("did you mean")));
}

}  // namespace
}  // namespace tp::app

namespace tp::app {
namespace {

TEST(ConfigFrom, ColumnsCanReadNestedOrRenamedFields) {
  auto load = LoadConfigText(R"(
[tables.orders]
time = "at"
[tables.orders.columns]
city = { type = "string", nullable = true, from = "customer.city" }
at = { type = "timestamp", from = "purchased_at" }
bad = { type = "string", from = "a..b" }
)",
                             "t.toml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].line, 7);
  EXPECT_EQ(load.errors[0].column, 33);  // the value's opening quote
  EXPECT_NE(load.errors[0].message.find("is not a JSON path"), std::string::npos)
      << load.errors[0].message;
  load = LoadConfigText(R"(
[tables.orders]
time = "at"
[tables.orders.columns]
city = { type = "string", nullable = true, from = "customer.city" }
at = { type = "timestamp", from = "purchased_at" }
)",
                        "t.toml");
  ASSERT_TRUE(load.config) << load.errors[0].ToString();
  EXPECT_EQ(load.config->tables[0].columns[0].from, "customer.city");
  EXPECT_EQ(load.config->tables[0].columns[1].from, "purchased_at");
}


TEST(ConfigTables, SchemaEvolutionRetentionAndDefaults) {
  auto load = LoadConfigText(R"toml(
[storage]
compact_interval = "30s"
compact_min_files = 4
[tables.orders]
time = "at"
on_new_fields = "reject"
retention = "400d"
[tables.orders.columns]
at = "timestamp"
channel = { type = "string", default = "web" }
items = { type = "int32", default = 1 }
score = { type = "float64", default = 2.5 }
gift = { type = "bool", default = false }
total = { type = "decimal(12,2)", default = "0.00" }
[tables.views]
time = "at"
[tables.views.columns]
at = "timestamp"
)toml",
                             "t.toml");
  ASSERT_TRUE(load.config) << AllErrors(load);
  const Config& c = *load.config;
  EXPECT_EQ(c.storage.compact_interval, std::chrono::seconds(30));
  EXPECT_EQ(c.storage.compact_min_files, 4u);
  EXPECT_EQ(c.tables[0].on_new_fields, OnNewFields::kReject);
  EXPECT_EQ(c.tables[0].retention, std::chrono::hours(400 * 24));
  EXPECT_EQ(c.tables[0].columns[1].default_json, "\"web\"");
  EXPECT_EQ(c.tables[0].columns[2].default_json, "1");
  EXPECT_EQ(c.tables[0].columns[3].default_json, "2.5");
  EXPECT_EQ(c.tables[0].columns[4].default_json, "false");
  EXPECT_EQ(c.tables[0].columns[5].default_json, "\"0.00\"");
  EXPECT_EQ(c.tables[0].columns[0].default_json, "");
  // The defaults: add columns, keep forever, compact every minute.
  EXPECT_EQ(c.tables[1].on_new_fields, OnNewFields::kAddColumns);
  EXPECT_EQ(c.tables[1].retention, std::chrono::seconds(0));
  EXPECT_EQ(Load("").config->storage.compact_interval, std::chrono::minutes(1));
}

TEST(ConfigError, SchemaEvolutionRetentionAndDefaultProblems) {
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "on_new_fields = \"add_column\"",
                             "columns = { at = \"timestamp\" }"})),
                 3, 17, {"tables.orders.on_new_fields", "did you mean \"add_columns\"", "ignore"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"", "retention = \"36h\"",
                             "columns = { at = \"timestamp\" }"})),
                 3, 13, {"tables.orders.retention", "whole days", "\"90d\""});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"",
                             "columns = { at = \"timestamp\", n = { type = \"int32\", default = "
                             "\"many\" } }"})),
                 3, 63, {"tables.orders.columns.n.default: \"many\" does not fit type int32",
                         "not a whole number"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"",
                             "columns = { at = \"timestamp\", n = { type = \"bool\", default = "
                             "[1] } }"})),
                 3, 62, {"default: must be a string, number or true/false"});
  ExpectOneError(Load(Lines({"[storage]", "compact_min_files = 1"})), 2, 21, {"2..100000"});
  ExpectOneError(Load(Lines({kOrders, "time = \"at\"",
                             "columns = { at = { type = \"timestamp\", nullable = true } }"})),
                 2, 8, {"tables.orders.time", "is nullable", "every row needs a time"});
}

TEST(ConfigQuery, LimitsAndTheirErrors) {
  EXPECT_EQ(Load("").config->query.memory_limit, 256ull << 20);
  EXPECT_EQ(Load("").config->query.timeout, std::chrono::seconds(60));
  auto load = Load(Lines({"[query]", "memory_limit = \"1GB\"", "timeout = \"5m\""}));
  ASSERT_TRUE(load.config) << AllErrors(load);
  EXPECT_EQ(load.config->query.memory_limit, 1000000000u);
  EXPECT_EQ(load.config->query.timeout, std::chrono::minutes(5));
  load = Load(Lines({"[query]", "memory_limit = 0", "timeout = \"0\""}));
  ASSERT_TRUE(load.config) << AllErrors(load);
  EXPECT_EQ(load.config->query.memory_limit, 0u);
  EXPECT_EQ(load.config->query.timeout, std::chrono::milliseconds(0));
  ExpectOneError(Load(Lines({"[query]", "memory_limit = \"lots\""})), 2, 16,
                 {"query.memory_limit"});
  ExpectOneError(Load(Lines({"[query]", "memory_limit = \"100KiB\""})), 2, 16,
                 {"query.memory_limit", "at least \"1MiB\""});
  ExpectOneError(Load(Lines({"[query]", "timeout = 30"})), 2, 11, {"query.timeout", "\"30s\""});
  ExpectOneError(Load(Lines({"[query]", "timeout = \"2d\""})), 2, 11,
                 {"query.timeout", "up to 24h"});
  ExpectOneError(Load(Lines({"[query]", "memory = \"1GB\""})), 2, 1,
                 {"memory", "did you mean \"memory_limit\""});
}

}  // namespace
}  // namespace tp::app

namespace tp::app {
namespace {

TEST(ConfigDashboards, DefaultConfigShipsTheRetailStarter) {
  ConfigLoad load = LoadDefaultConfig();
  ASSERT_TRUE(load.config) << AllErrors(load);
  ASSERT_EQ(load.config->dashboards.size(), 1u);
  const DashboardSpec& d = load.config->dashboards[0];
  EXPECT_EQ(d.name, "retail");
  ASSERT_EQ(d.panels.size(), 9u);
  std::string titles;
  for (const PanelSpec& p : d.panels) titles += p.title + "|";
  for (const char* q : {"Busiest hour", "Previous month: units sold by category",
                        "Previous month: revenue by city", "per day", "Top products",
                        "Payment-type mix", "review score by category"}) {
    EXPECT_THAT(titles, HasSubstr(q));
  }
}

TEST(ConfigDashboards, ReadsPanelsInOrder) {
  ConfigLoad load = Load(Lines({
      "[[dashboards]]",
      "name = \"ops\"",
      "title = \"Ops\"",
      "[[dashboards.panels]]",
      "title = \"A\"",
      "sql = \"SELECT 1\"",
      "chart = \"number\"",
      "refresh = \"2m\"",
      "[[dashboards.panels]]",
      "title = \"B\"",
      "sql = \"SELECT 2\"",
  }));
  ASSERT_TRUE(load.config) << AllErrors(load);
  const auto& panels = load.config->dashboards.at(0).panels;
  ASSERT_EQ(panels.size(), 2u);
  EXPECT_EQ(panels[0].chart, "number");
  EXPECT_EQ(panels[0].refresh.count(), 120);
  EXPECT_EQ(panels[1].title, "B");
  EXPECT_EQ(panels[1].chart, "table");  // the default
}

TEST(ConfigDashboards, ProblemsPointAtTheirKey) {
  ExpectOneError(Load(Lines({"[[dashboards]]", "name = \"ops\"", "title = \"Ops\"", "[[dashboards.panels]]",
                             "title = \"A\"", "sql = \"SELECT 1\"", "chart = \"pie\""})),
                 7, 9, {"dashboards[0].panels[0].chart", "\"pie\"", "line, bar, table, number"});
  ExpectOneError(Load(Lines({"[[dashboards]]", "name = \"ops\"", "title = \"Ops\"", "[[dashboards.panels]]",
                             "title = \"A\"", "sql = \"SELECT 1\"", "refresh = \"1s\""})),
                 7, 11, {"refresh", "5s..1d"});
  ExpectOneError(Load(Lines({"[[dashboards]]", "name = \"Ops!\"", "title = \"Ops\"", "[[dashboards.panels]]",
                             "title = \"A\"", "sql = \"SELECT 1\""})),
                 2, 8, {"dashboards[0].name"});
  ExpectOneError(Load(Lines({"[[dashboards]]", "name = \"ops\"", "title = \"Ops\"", "[[dashboards.panels]]",
                             "title = \"A\"", "sqll = \"SELECT 1\""})),
                 6, 1, {"sqll", "did you mean \"sql\""});
  ConfigLoad dup = Load(Lines({"[[dashboards]]", "name = \"ops\"", "title = \"Ops\"", "[[dashboards.panels]]",
                               "title = \"A\"", "sql = \"SELECT 1\"", "[[dashboards]]", "name = \"ops\"",
                               "title = \"Again\"", "[[dashboards.panels]]", "title = \"A\"",
                               "sql = \"SELECT 1\""}));
  ExpectOneError(dup, 8, 8, {"already called \"ops\""});
}

}  // namespace
}  // namespace tp::app
