// The Parquet writer, proven by DuckDB reading what it writes (values,
// types, statistics, metadata, aggregates), by walking the file with our own
// footer and page-header decoders, and by its errors. One node process per
// file/check group keeps the suite fast.
#include "storage/parquet/parquet_writer.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "storage/parquet/column_writer.h"
#include "storage/parquet/encoding.h"
#include "storage/parquet/metadata.h"
#include "tests/common/duckdb.h"
#include "tests/common/temp_dir.h"
#include "tests/storage/parquet_test_util.h"

namespace tp::storage::parquet {
namespace {

using nlohmann::json;
using tp::testing::TempDir;

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

// A schema and one Column per field.

Field F(std::string name, LogicalType t, bool nullable = true) {
  return Field{std::move(name), t, nullable};
}
LogicalType T(TypeId id) { return LogicalType::Of(id); }

// DuckDB's answer, failing the test when it refused.
json Duck(const std::vector<std::string>& statements) {
  std::vector<std::string> all = {"SET TimeZone = 'UTC'"};
  all.insert(all.end(), statements.begin(), statements.end());
  json j = tp::testing::DuckDb(all);
  EXPECT_FALSE(j.contains("error")) << j.dump();
  if (j.contains("error")) return json{{"columns", json::array()}, {"rows", json::array()}};
  return j;
}
json Duck(const std::string& sql) { return Duck(std::vector<std::string>{sql}); }

std::string Scan(const std::filesystem::path& p) { return "read_parquet('" + p.string() + "')"; }

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// JSON value as text (DuckDB renders big ints and decimals as strings).
std::string Str(const json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

FileInfo Write(const std::filesystem::path& path, const Table& t, const WriterOptions& o = {}) {
  auto info = WriteParquetFile(path, t.schema, t.ptrs(), o);
  EXPECT_TRUE(info.ok()) << info.status().ToString();
  return info.ok() ? *info : FileInfo{};
}

// ---- every type, edge values ------------------------------------------------------

TEST(ParquetWriter, EveryTypeRoundTripsThroughDuckDb) {
  TempDir dir;
  Table t({F("id", T(TypeId::kInt32), false), F("b", T(TypeId::kBool)), F("i", T(TypeId::kInt32)),
           F("l", T(TypeId::kInt64)), F("d", T(TypeId::kFloat64)),
           F("m", LogicalType::Decimal(12, 2)), F("s", T(TypeId::kString)),
           F("dt", T(TypeId::kDate)), F("ts", T(TypeId::kTimestamp)),
           F("s_req", T(TypeId::kString), false)});
  const std::string long_string(100 * 1024, 'L');
  const std::vector<std::string> strings = {
      "",          "plain",      "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac", "\xf0\x9f\x9b\x92 cart",
      long_string, "a'quote\"\\"};
  const std::vector<double> doubles = {0.0,
                                       -0.0,
                                       1.5,
                                       -2.25e-300,
                                       1e308,
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::denorm_min(),
                                       0.1};
  const std::vector<int64_t> micros = {0,
                                       -1,
                                       -2208988799999999 /* 1900-01-01 00:00:00.000001 */,
                                       -62135596800000000 /* 0001-01-01 */,
                                       253402300799999999 /* 9999-12-31 23:59:59.999999 */,
                                       1700000000123456};
  const std::vector<int32_t> days = {
      0, -1, -25567 /* 1900-01-01 */, -719162 /* 0001-01-01 */, 2932896 /* 9999-12-31 */, 19723};
  const std::vector<int64_t> cents = {0,      1,  -1, 99999999999 /* 999999999.99 */, -99999999999,
                                      123456, -50};
  const std::vector<int32_t> ints = {0, -1, 1, std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max()};
  const std::vector<int64_t> longs = {0, -1, std::numeric_limits<int64_t>::min(),
                                      std::numeric_limits<int64_t>::max(), 1LL << 40};
  const int rows = 60;
  auto is_null = [](int r, int col) { return (r + col) % 6 == 0; };
  for (int r = 0; r < rows; ++r) {
    t.cols[0].AppendInt32(r);
    is_null(r, 1) ? t.cols[1].AppendNull() : t.cols[1].AppendBool(r % 3 == 1);
    is_null(r, 2) ? t.cols[2].AppendNull() : t.cols[2].AppendInt32(ints[r % ints.size()]);
    is_null(r, 3) ? t.cols[3].AppendNull() : t.cols[3].AppendInt64(longs[r % longs.size()]);
    is_null(r, 4) ? t.cols[4].AppendNull() : t.cols[4].AppendDouble(doubles[r % doubles.size()]);
    is_null(r, 5) ? t.cols[5].AppendNull() : t.cols[5].AppendInt64(cents[r % cents.size()]);
    is_null(r, 6) ? t.cols[6].AppendNull() : t.cols[6].AppendString(strings[r % strings.size()]);
    is_null(r, 7) ? t.cols[7].AppendNull() : t.cols[7].AppendInt32(days[r % days.size()]);
    is_null(r, 8) ? t.cols[8].AppendNull() : t.cols[8].AppendInt64(micros[r % micros.size()]);
    t.cols[9].AppendString(strings[(r + 1) % strings.size()]);
  }
  auto path = dir.path() / "types.parquet";
  FileInfo info = Write(path, t);
  EXPECT_EQ(info.rows, static_cast<uint64_t>(rows));
  EXPECT_EQ(info.row_groups, 1u);

  // Values as exact text: decimals as their unscaled digits, dates as day
  // numbers, timestamps as epoch micros, doubles as DuckDB's shortest text.
  json j = Duck(
      "SELECT id, b, i, l::VARCHAR, d::VARCHAR, replace(m::VARCHAR, '.', '')::BIGINT::VARCHAR, s, "
      "(dt - DATE '1970-01-01')::VARCHAR, epoch_us(ts)::VARCHAR, s_req, m::VARCHAR "
      "FROM " +
      Scan(path) + " ORDER BY id");
  ASSERT_EQ(j["rows"].size(), static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    const json& row = j["rows"][r];
    SCOPED_TRACE("row " + std::to_string(r));
    EXPECT_EQ(row[0].get<int>(), r);
    if (is_null(r, 1)) {
      EXPECT_TRUE(row[1].is_null());
    } else {
      EXPECT_EQ(row[1].get<bool>(), r % 3 == 1);
    }
    EXPECT_EQ(Str(row[2]), is_null(r, 2) ? "NULL" : std::to_string(ints[r % ints.size()]));
    EXPECT_EQ(Str(row[3]), is_null(r, 3) ? "NULL" : std::to_string(longs[r % longs.size()]));
    if (is_null(r, 4)) {
      EXPECT_TRUE(row[4].is_null());
    } else {
      double want = doubles[r % doubles.size()];
      double got = std::strtod(row[4].get<std::string>().c_str(), nullptr);
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got)) << row[4];
      } else {
        EXPECT_EQ(got, want) << row[4];
        EXPECT_EQ(std::signbit(got), std::signbit(want)) << row[4];
      }
    }
    EXPECT_EQ(Str(row[5]), is_null(r, 5) ? "NULL" : std::to_string(cents[r % cents.size()]));
    EXPECT_EQ(Str(row[6]), is_null(r, 6) ? "NULL" : strings[r % strings.size()]);
    EXPECT_EQ(Str(row[7]), is_null(r, 7) ? "NULL" : std::to_string(days[r % days.size()]));
    EXPECT_EQ(Str(row[8]), is_null(r, 8) ? "NULL" : std::to_string(micros[r % micros.size()]));
    EXPECT_EQ(Str(row[9]), strings[(r + 1) % strings.size()]);
  }
  // Decimal text as DuckDB prints it.
  EXPECT_EQ(Str(j["rows"][3][10]), "999999999.99");
  EXPECT_EQ(Str(j["rows"][4][10]), "-999999999.99");
  EXPECT_EQ(Str(j["rows"][6][10]), "-0.50");

  // The types DuckDB sees, and how it prints the special doubles.
  json d = Duck(
      "SELECT column_name, column_type, "
      "(SELECT list(d::VARCHAR ORDER BY id) FROM " +
      Scan(path) + " WHERE id BETWEEN 5 AND 7) FROM (DESCRIBE SELECT * FROM " + Scan(path) + ")");
  std::map<std::string, std::string> types;
  for (const auto& row : d["rows"]) types[row[0]] = row[1];
  EXPECT_EQ(types["b"], "BOOLEAN");
  EXPECT_EQ(types["i"], "INTEGER");
  EXPECT_EQ(types["l"], "BIGINT");
  EXPECT_EQ(types["d"], "DOUBLE");
  EXPECT_EQ(types["m"], "DECIMAL(12,2)");
  EXPECT_EQ(types["s"], "VARCHAR");
  EXPECT_EQ(types["dt"], "DATE");
  // isAdjustedToUTC = true: DuckDB reads an instant, TIMESTAMPTZ.
  EXPECT_EQ(types["ts"], "TIMESTAMP WITH TIME ZONE");
  ASSERT_FALSE(d["rows"].empty());
  EXPECT_EQ(d["rows"][0][2].dump(), R"(["inf","-inf","nan"])");
}

TEST(ParquetWriter, ExtremeDecimalsAtEveryScale) {
  TempDir dir;
  std::vector<Field> fields = {F("id", T(TypeId::kInt32), false)};
  const std::vector<int> scales = {0, 1, 2, 9, 17, 18};
  for (int s : scales) fields.push_back(F("m" + std::to_string(s), LogicalType::Decimal(18, s)));
  Table t(fields);
  const std::vector<int64_t> values = {
      999999999999999999, -999999999999999999, 0, 1, -1, 123456789012345678, -5};
  for (size_t r = 0; r <= values.size(); ++r) {
    t.cols[0].AppendInt32(static_cast<int32_t>(r));
    for (size_t c = 1; c < t.cols.size(); ++c) {
      if (r == values.size()) {
        t.cols[c].AppendNull();
      } else {
        t.cols[c].AppendInt64(values[r]);
      }
    }
  }
  auto path = dir.path() / "dec.parquet";
  Write(path, t);
  std::string sel = "SELECT id";
  for (int s : scales) {
    std::string c = "m" + std::to_string(s);
    sel += ", replace(" + c + "::VARCHAR, '.', '')::BIGINT::VARCHAR, typeof(" + c + ")";
  }
  json j = Duck(sel + " FROM " + Scan(path) + " ORDER BY id");
  ASSERT_EQ(j["rows"].size(), values.size() + 1);
  for (size_t r = 0; r <= values.size(); ++r) {
    for (size_t k = 0; k < scales.size(); ++k) {
      const json& row = j["rows"][r];
      EXPECT_EQ(Str(row[1 + 2 * k]), r == values.size() ? "NULL" : std::to_string(values[r]))
          << "scale " << scales[k] << " row " << r;
      EXPECT_EQ(Str(row[2 + 2 * k]), "DECIMAL(18," + std::to_string(scales[k]) + ")");
    }
  }
}

// ---- statistics and file metadata -------------------------------------------------

TEST(ParquetWriter, StatisticsSchemaAndKeyValueMetadataAreWhatDuckDbSees) {
  TempDir dir;
  Table t({F("b", T(TypeId::kBool)), F("i", T(TypeId::kInt32), false), F("l", T(TypeId::kInt64)),
           F("d", T(TypeId::kFloat64)), F("m", LogicalType::Decimal(12, 2)),
           F("s", T(TypeId::kString)), F("dt", T(TypeId::kDate)), F("ts", T(TypeId::kTimestamp)),
           F("all_null", T(TypeId::kString))});
  for (int r = 0; r < 1000; ++r) {
    t.cols[0].AppendBool(r % 2 == 0);
    t.cols[1].AppendInt32(r - 500);
    r % 10 == 0 ? t.cols[2].AppendNull() : t.cols[2].AppendInt64(int64_t{r} * 1000000007);
    t.cols[3].AppendDouble(r == 7 ? std::nan("") : (r - 300) * 0.25);
    t.cols[4].AppendInt64(-1234567 + r);
    r % 3 == 0 ? t.cols[5].AppendNull() : t.cols[5].AppendString("k" + std::to_string(r % 50));
    t.cols[6].AppendInt32(-3650 + r);
    t.cols[7].AppendInt64(-kMicrosPerDay + r * 1000000LL);
    t.cols[8].AppendNull();
  }
  WriterOptions o;
  o.created_by = "tillpipe version 9.8.7";
  o.key_value_metadata = {{"tillpipe.table", "order_items"}, {"tillpipe.schema_version", "3"}};
  auto path = dir.path() / "stats.parquet";
  Write(path, t, o);

  json j = Duck(
      "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count, "
      "num_values, compression, encodings FROM parquet_metadata('" +
      path.string() + "') ORDER BY column_id");
  std::map<std::string, std::vector<std::string>> st;
  for (const auto& row : j["rows"]) {
    st[row[0]] = {Str(row[1]), Str(row[2]), Str(row[3]), Str(row[4]), Str(row[5]), Str(row[6])};
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(st["b"], (V{"false", "true", "0", "1000", "ZSTD", "PLAIN, RLE"}));
  EXPECT_EQ(st["i"], (V{"-500", "499", "0", "1000", "ZSTD", "DELTA_BINARY_PACKED"}));
  EXPECT_EQ(st["l"],
            (V{"1000000007", "999000006993", "100", "1000", "ZSTD", "RLE, DELTA_BINARY_PACKED"}));
  EXPECT_EQ(st["d"], (V{"-75.0", "174.75", "0", "1000", "ZSTD", "PLAIN, RLE"}));
  EXPECT_EQ(st["m"],
            (V{"-12345.67", "-12335.68", "0", "1000", "ZSTD", "RLE, DELTA_BINARY_PACKED"}));
  EXPECT_EQ(st["s"], (V{"k0", "k9", "334", "1000", "ZSTD", "PLAIN, RLE, RLE_DICTIONARY"}));
  EXPECT_EQ(st["dt"],
            (V{"1960-01-04", "1962-09-29", "0", "1000", "ZSTD", "RLE, DELTA_BINARY_PACKED"}));
  EXPECT_EQ(st["ts"], (V{"1969-12-31 00:00:00+00", "1969-12-31 00:16:39+00", "0", "1000", "ZSTD",
                         "RLE, DELTA_BINARY_PACKED"}));
  EXPECT_EQ(st["all_null"], (V{"NULL", "NULL", "1000", "1000", "ZSTD", "PLAIN, RLE"}));

  // Schema as DuckDB decodes it: logical and converted types, repetition.
  j = Duck(
      "SELECT name, type, repetition_type, converted_type, scale, precision, logical_type "
      "FROM parquet_schema('" +
      path.string() + "')");
  std::map<std::string, std::vector<std::string>> sc;
  for (const auto& row : j["rows"]) {
    sc[row[0]] = {Str(row[1]), Str(row[2]), Str(row[3]), Str(row[4]), Str(row[5]), Str(row[6])};
  }
  EXPECT_EQ(sc["schema"][0], "NULL");
  EXPECT_EQ(sc["b"][0], "BOOLEAN");
  EXPECT_EQ(sc["b"][1], "OPTIONAL");
  EXPECT_EQ(sc["i"][1], "REQUIRED");
  EXPECT_EQ(sc["i"][2], "INT_32");
  EXPECT_NE(sc["i"][5].find("IntType("), std::string::npos) << sc["i"][5];
  EXPECT_NE(sc["i"][5].find("isSigned=1"), std::string::npos) << sc["i"][5];
  EXPECT_EQ(sc["m"][0], "INT64");
  EXPECT_EQ(sc["m"][2], "DECIMAL");
  EXPECT_EQ(sc["m"][3], "2");
  EXPECT_EQ(sc["m"][4], "12");
  EXPECT_NE(sc["m"][5].find("DecimalType(scale=2, precision=12)"), std::string::npos);
  EXPECT_EQ(sc["s"][0], "BYTE_ARRAY");
  EXPECT_EQ(sc["s"][2], "UTF8");
  EXPECT_NE(sc["s"][5].find("StringType"), std::string::npos);
  EXPECT_EQ(sc["dt"][2], "DATE");
  EXPECT_EQ(sc["ts"][2], "TIMESTAMP_MICROS");
  EXPECT_NE(sc["ts"][5].find("isAdjustedToUTC=1"), std::string::npos) << sc["ts"][5];
  EXPECT_NE(sc["ts"][5].find("MICROS"), std::string::npos) << sc["ts"][5];

  // created_by, row/row-group counts, and key-value metadata (ours plus the
  // schema the writer adds).
  j = Duck(
      "SELECT (SELECT created_by || '|' || num_rows || '|' || num_row_groups || '|' || "
      "format_version FROM parquet_file_metadata('" +
      path.string() +
      "')), "
      "(SELECT list(decode(key) || '=' || decode(value) ORDER BY key) "
      "FROM parquet_kv_metadata('" +
      path.string() + "'))");
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(Str(j["rows"][0][0]), "tillpipe version 9.8.7|1000|1|1");
  const json& kv = j["rows"][0][1];
  ASSERT_EQ(kv.size(), 3u) << kv;
  EXPECT_EQ(kv[0],
            "tillpipe.schema={\"fields\":[{\"name\":\"b\",\"type\":\"bool\",\"nullable\""
            ":true},{\"name\":\"i\",\"type\":\"int32\",\"nullable\":false},{\"name\":\"l\""
            ",\"type\":\"int64\",\"nullable\":true},{\"name\":\"d\",\"type\":\"float64\","
            "\"nullable\":true},{\"name\":\"m\",\"type\":\"decimal(12,2)\",\"nullable\":"
            "true},{\"name\":\"s\",\"type\":\"string\",\"nullable\":true},{\"name\":\"dt\""
            ",\"type\":\"date\",\"nullable\":true},{\"name\":\"ts\",\"type\":\"timestamp\""
            ",\"nullable\":true},{\"name\":\"all_null\",\"type\":\"string\",\"nullable\":"
            "true}]}");
  EXPECT_EQ(kv[1], "tillpipe.schema_version=3");
  EXPECT_EQ(kv[2], "tillpipe.table=order_items");
}

TEST(ParquetWriter, LongStringStatisticsAreTruncatedBounds) {
  TempDir dir;
  Table t({F("s", T(TypeId::kString))});
  std::string lo_valid;
  for (int i = 0; i < 100; ++i) lo_valid += "\xc3\xa9";  // é x100
  std::string hi = std::string(100, 'z') + "\xc3\xbf";   // ...zzÿ
  t.cols[0].AppendString("m");
  t.cols[0].AppendString("a" + lo_valid);
  t.cols[0].AppendString(hi);
  auto path = dir.path() / "long.parquet";
  Write(path, t);
  // Our own footer: min is a prefix on a character boundary, max a bound.
  std::string file = ReadFile(path);
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  FileMetaData md;
  ASSERT_TRUE(Deserialize(std::string_view(file).substr(file.size() - 8 - len, len), &md).ok());
  const Statistics& st = *md.row_groups[0].columns[0].meta_data->statistics;
  ASSERT_TRUE(st.min_value && st.max_value);
  EXPECT_LE(st.min_value->size(), kMaxStatBytes);
  EXPECT_EQ(st.min_value->size() % 2, 1u);  // "a" + whole 2-byte characters
  EXPECT_EQ(("a" + lo_valid).compare(0, st.min_value->size(), *st.min_value), 0);
  EXPECT_EQ(st.is_min_value_exact, false);
  EXPECT_LE(st.max_value->size(), kMaxStatBytes);
  EXPECT_GT(*st.max_value, hi);
  EXPECT_EQ(st.is_max_value_exact, false);
  // DuckDB still filters correctly with them.
  json j = Duck(
      "SELECT count(*) FILTER (WHERE s >= 'a'), count(*) FILTER (WHERE s > 'zz'), "
      "max(strlen(s)) FROM " +
      Scan(path));
  EXPECT_EQ(j["rows"][0].dump(), "[\"3\",\"1\",\"201\"]");
}

// ---- big inputs: row groups, pages, dictionary fallback -----------------------------

TEST(ParquetWriter, ManyRowGroupsAndPagesAggregateLikeTheInput) {
  TempDir dir;
  Table t({F("id", T(TypeId::kInt64), false), F("qty", T(TypeId::kInt32)),
           F("price", LogicalType::Decimal(12, 2)), F("brand", T(TypeId::kString)),
           F("sold_at", T(TypeId::kTimestamp), false), F("sold_on", T(TypeId::kDate)),
           F("score", T(TypeId::kFloat64)), F("flag", T(TypeId::kBool))});
  const int rows = 200000;
  int64_t sum_qty = 0, sum_price = 0, qty_nulls = 0, brand_nulls = 0, day_nulls = 0;
  int64_t max_at = std::numeric_limits<int64_t>::min(), min_price = INT64_MAX, trues = 0;
  double sum_score = 0;
  std::set<std::string> brands;
  uint64_t x = 88172645463325252ull;
  auto rnd = [&] {  // xorshift
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int r = 0; r < rows; ++r) {
    t.cols[0].AppendInt64(r);
    if (rnd() % 17 == 0) {
      t.cols[1].AppendNull();
      ++qty_nulls;
    } else {
      int32_t q = static_cast<int32_t>(rnd() % 9) + 1;
      t.cols[1].AppendInt32(q);
      sum_qty += q;
    }
    int64_t p = static_cast<int64_t>(rnd() % 5000000) - 1000;
    t.cols[2].AppendInt64(p);
    sum_price += p;
    min_price = std::min(min_price, p);
    if (rnd() % 11 == 0) {
      t.cols[3].AppendNull();
      ++brand_nulls;
    } else {
      std::string b = "brand-" + std::to_string(rnd() % 300);
      brands.insert(b);
      t.cols[3].AppendString(b);
    }
    int64_t at = 1700000000000000 + int64_t{r} * 997 + static_cast<int64_t>(rnd() % 1000);
    t.cols[4].AppendInt64(at);
    max_at = std::max(max_at, at);
    if (r % 101 == 0) {
      t.cols[5].AppendNull();
      ++day_nulls;
    } else {
      t.cols[5].AppendInt32(19000 + r / 5000);
    }
    double sc = static_cast<double>(rnd() % 1000) / 8;  // exact in binary
    t.cols[6].AppendDouble(sc);
    sum_score += sc;
    bool f = rnd() % 3 == 0;
    t.cols[7].AppendBool(f);
    trues += f;
  }
  WriterOptions o;
  o.row_group_rows = 30000;
  o.page_bytes = 16 * 1024;
  auto path = dir.path() / "big.parquet";
  FileInfo info = Write(path, t, o);
  EXPECT_EQ(info.rows, static_cast<uint64_t>(rows));
  EXPECT_EQ(info.row_groups, 7u);

  json j = Duck(
      "SELECT count(*), sum(qty), count(*) - count(qty), sum(price)::VARCHAR, "
      "min(price)::VARCHAR, count(DISTINCT brand), count(*) - count(brand), "
      "epoch_us(max(sold_at)), count(*) - count(sold_on), sum(score), count(*) FILTER (WHERE "
      "flag), "
      "min(id), max(id), count(DISTINCT id), "
      "(SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" +
      path.string() +
      "')) "
      "FROM " +
      Scan(path));
  ASSERT_EQ(j["rows"].size(), 1u);
  const json& a = j["rows"][0];
  EXPECT_EQ(Str(a[0]), std::to_string(rows));
  EXPECT_EQ(Str(a[1]), std::to_string(sum_qty));
  EXPECT_EQ(Str(a[2]), std::to_string(qty_nulls));
  std::string sp = std::to_string(sum_price);
  EXPECT_EQ(Str(a[3]), sp.substr(0, sp.size() - 2) + "." + sp.substr(sp.size() - 2));
  EXPECT_EQ(Str(a[4]), min_price < 0 ? "-" + std::to_string(-min_price / 100) + "." +
                                           std::to_string(-min_price % 100 + 100).substr(1)
                                     : Str(a[4]));
  EXPECT_EQ(Str(a[5]), std::to_string(brands.size()));
  EXPECT_EQ(Str(a[6]), std::to_string(brand_nulls));
  EXPECT_EQ(Str(a[7]), std::to_string(max_at));
  EXPECT_EQ(Str(a[8]), std::to_string(day_nulls));
  EXPECT_EQ(a[9].get<double>(), sum_score);
  EXPECT_EQ(Str(a[10]), std::to_string(trues));
  EXPECT_EQ(Str(a[11]), "0");
  EXPECT_EQ(Str(a[12]), std::to_string(rows - 1));
  EXPECT_EQ(Str(a[13]), std::to_string(rows));
  EXPECT_EQ(Str(a[14]), "7");

  // Walk every chunk with our own decoders: page headers chain exactly to
  // the chunk sizes, chunks hold several data pages, counts add up.
  std::string file = ReadFile(path);
  ASSERT_EQ(file.substr(0, 4), "PAR1");
  ASSERT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  FileMetaData md;
  Status s = Deserialize(std::string_view(file).substr(file.size() - 8 - len, len), &md);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(md.num_rows, rows);
  ASSERT_EQ(md.row_groups.size(), 7u);
  EXPECT_EQ(md.column_orders.size(), t.cols.size());
  int64_t next_offset = 4;
  for (const RowGroup& g : md.row_groups) {
    EXPECT_EQ(g.file_offset, next_offset);
    for (size_t c = 0; c < g.columns.size(); ++c) {
      const ColumnMetaData& m = *g.columns[c].meta_data;
      int64_t start = m.dictionary_page_offset.value_or(m.data_page_offset);
      EXPECT_EQ(start, next_offset);
      int64_t pos = start, values = 0, data_pages = 0, uncompressed = 0;
      while (pos < start + m.total_compressed_size) {
        PageHeader ph;
        size_t used = 0;
        ASSERT_TRUE(Deserialize(std::string_view(file).substr(pos), &ph, &used).ok());
        if (ph.type == PageType::kDataPage) {
          if (data_pages == 0) {
            EXPECT_EQ(pos, m.data_page_offset);
          }
          values += ph.data_page_header->num_values;
          ++data_pages;
        } else {
          EXPECT_EQ(ph.type, PageType::kDictionaryPage);
          EXPECT_EQ(pos, *m.dictionary_page_offset);
        }
        uncompressed += static_cast<int64_t>(used) + ph.uncompressed_page_size;
        pos += static_cast<int64_t>(used) + ph.compressed_page_size;
      }
      EXPECT_EQ(pos, start + m.total_compressed_size);
      EXPECT_EQ(uncompressed, m.total_uncompressed_size);
      EXPECT_EQ(values, g.num_rows);
      EXPECT_EQ(m.num_values, g.num_rows);
      if (c == 0 || c == 2 || c == 4 || c == 6) {
        EXPECT_GT(data_pages, 1) << "column " << c;
      }
      next_offset = pos;
    }
  }
  EXPECT_EQ(next_offset, static_cast<int64_t>(file.size()) - 8 - len);
  EXPECT_EQ(info.bytes, file.size());
  EXPECT_EQ(info.checksum, XXH3_64bits(file.data(), file.size()));
}

TEST(ParquetWriter, DictionaryFallsBackToPlainWhenItGrowsTooBig) {
  TempDir dir;
  Table t({F("id", T(TypeId::kInt32), false), F("s", T(TypeId::kString)),
           F("code", T(TypeId::kInt64), false)});
  const int rows = 20000;
  for (int r = 0; r < rows; ++r) {
    t.cols[0].AppendInt32(r);
    if (r % 97 == 0) {
      t.cols[1].AppendNull();
    } else if (r < rows / 2) {
      t.cols[1].AppendString("k" + std::to_string(r % 10));
    } else {
      t.cols[1].AppendString(std::string(100, 'x') + std::to_string(r));
    }
    t.cols[2].AppendInt64(r % 7 - 3);  // low cardinality: dictionary
  }
  WriterOptions o;
  o.max_dictionary_bytes = 64 * 1024;
  o.page_bytes = 32 * 1024;
  auto path = dir.path() / "fallback.parquet";
  Write(path, t, o);
  json j = Duck(
      "SELECT count(*), count(DISTINCT s), "
      "count(*) FILTER (WHERE s IS DISTINCT FROM CASE WHEN id % 97 = 0 THEN NULL "
      "WHEN id < " +
      std::to_string(rows / 2) +
      " THEN 'k' || (id % 10) "
      "ELSE repeat('x', 100) || id END), "
      "count(*) FILTER (WHERE code <> id % 7 - 3), "
      "(SELECT list(encodings ORDER BY column_id) FROM parquet_metadata('" +
      path.string() + "')) FROM " + Scan(path));
  ASSERT_EQ(j["rows"].size(), 1u);
  const json& a = j["rows"][0];
  int distinct_long = 0;
  for (int r = rows / 2; r < rows; ++r) distinct_long += r % 97 != 0;
  EXPECT_EQ(Str(a[0]), std::to_string(rows));
  EXPECT_EQ(Str(a[1]), std::to_string(10 + distinct_long));
  EXPECT_EQ(Str(a[2]), "0");
  EXPECT_EQ(Str(a[3]), "0");
  EXPECT_EQ(a[4].dump(),
            R"(["DELTA_BINARY_PACKED","PLAIN, RLE, RLE_DICTIONARY","PLAIN, RLE_DICTIONARY"])");
}

// High-cardinality INT32/INT64 columns (no dictionary) are DELTA_BINARY_PACKED;
// DuckDB reads every value back exactly, extremes whose deltas overflow
// int64 included.
TEST(ParquetWriter, HighCardinalityIntsAreDeltaBinaryPackedAndReadBackExactly) {
  TempDir dir;
  Table t({F("id", T(TypeId::kInt64), false), F("i", T(TypeId::kInt32)), F("x", T(TypeId::kInt64)),
           F("ts", T(TypeId::kTimestamp), false), F("m", LogicalType::Decimal(18, 2)),
           F("dt", T(TypeId::kDate)), F("low", T(TypeId::kInt64), false)});
  const int rows = 6000;
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  uint64_t s = 0x9E3779B97F4A7C15ull;
  auto rnd = [&] {  // xorshift
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  std::vector<std::string> expect;
  auto text = [](bool null, const std::string& v) { return null ? std::string("NULL") : v; };
  auto dec = [](int64_t u) {  // unscaled, scale 2, as DuckDB prints it
    std::string sign = u < 0 ? "-" : "";
    uint64_t a = u < 0 ? 0 - static_cast<uint64_t>(u) : static_cast<uint64_t>(u);
    std::string frac = std::to_string(a % 100);
    if (frac.size() < 2) frac = "0" + frac;
    return sign + std::to_string(a / 100) + "." + frac;
  };
  for (int r = 0; r < rows; ++r) {
    std::string line = std::to_string(r);
    t.cols[0].AppendInt64(r);
    bool n1 = rnd() % 13 == 0;
    int32_t i = r % 250 == 1   ? std::numeric_limits<int32_t>::min()
                : r % 250 == 2 ? std::numeric_limits<int32_t>::max()
                               : static_cast<int32_t>(rnd());
    n1 ? t.cols[1].AppendNull() : t.cols[1].AppendInt32(i);
    line += "|" + text(n1, std::to_string(i));
    bool n2 = r % 19 == 0;
    uint64_t k = rnd();
    int64_t x = k % 8 == 0 ? kMin : k % 8 == 1 ? kMax : static_cast<int64_t>(rnd());
    n2 ? t.cols[2].AppendNull() : t.cols[2].AppendInt64(x);
    line += "|" + text(n2, std::to_string(x));
    int64_t ts = 1700000000000000 + int64_t{r} * 1000003 + static_cast<int64_t>(rnd() % 5000);
    t.cols[3].AppendInt64(ts);
    line += "|" + std::to_string(ts);
    bool n3 = r % 7 == 3;
    int64_t m = r % 500 == 5   ? 999999999999999999
                : r % 500 == 6 ? -999999999999999999
                               : static_cast<int64_t>(rnd() % 2000000001) - 1000000000;
    n3 ? t.cols[4].AppendNull() : t.cols[4].AppendInt64(m);
    line += "|" + text(n3, dec(m));
    bool n4 = r % 11 == 4;
    int32_t d = -700000 + static_cast<int32_t>(rnd() % 1400000);
    n4 ? t.cols[5].AppendNull() : t.cols[5].AppendInt32(d);
    line += "|" + text(n4, std::to_string(d));
    t.cols[6].AppendInt64(r % 5);
    line += "|" + std::to_string(r % 5);
    expect.push_back(line);
  }
  WriterOptions o;
  o.row_group_rows = 2000;  // 3 row groups
  o.page_bytes = 4096;      // several pages per chunk
  auto path = dir.path() / "delta.parquet";
  Write(path, t, o);

  json j = Duck(
      "SELECT id::VARCHAR || '|' || coalesce(i::VARCHAR, 'NULL') || '|' || "
      "coalesce(x::VARCHAR, 'NULL') || '|' || epoch_us(ts)::VARCHAR || '|' || "
      "coalesce(m::VARCHAR, 'NULL') || '|' || coalesce((dt - DATE '1970-01-01')::VARCHAR, "
      "'NULL') || '|' || low::VARCHAR FROM " +
      Scan(path) + " ORDER BY id");
  ASSERT_EQ(j["rows"].size(), static_cast<size_t>(rows));
  int mismatches = 0;
  for (int r = 0; r < rows; ++r) {
    std::string got = Str(j["rows"][r][0]);
    if (got != expect[r] && ++mismatches <= 5) {
      ADD_FAILURE() << "row " << r << ": DuckDB " << got << ", expected " << expect[r];
    }
  }
  EXPECT_EQ(mismatches, 0);

  j = Duck(
      "SELECT path_in_schema, string_agg(DISTINCT encodings ORDER BY encodings), count(*) "
      "FROM parquet_metadata('" +
      path.string() + "') GROUP BY ALL ORDER BY 1");
  std::map<std::string, std::string> enc;
  for (const auto& row : j["rows"]) {
    enc[row[0]] = Str(row[1]);
    EXPECT_EQ(Str(row[2]), "3");
  }
  EXPECT_EQ(enc["id"], "DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["ts"], "DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["i"], "RLE, DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["x"], "RLE, DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["m"], "RLE, DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["dt"], "RLE, DELTA_BINARY_PACKED");
  EXPECT_EQ(enc["low"], "PLAIN, RLE_DICTIONARY");  // the dictionary stays

  // Our footer says the same, and every data page of a delta chunk names it.
  std::string file = ReadFile(path);
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  FileMetaData md;
  ASSERT_TRUE(Deserialize(std::string_view(file).substr(file.size() - 8 - len, len), &md).ok());
  for (const RowGroup& g : md.row_groups) {
    for (size_t c = 0; c + 1 < g.columns.size(); ++c) {
      const ColumnMetaData& meta = *g.columns[c].meta_data;
      EXPECT_FALSE(meta.dictionary_page_offset.has_value()) << c;
      EXPECT_NE(
          std::find(meta.encodings.begin(), meta.encodings.end(), Encoding::kDeltaBinaryPacked),
          meta.encodings.end());
      int64_t pos = meta.data_page_offset, pages = 0;
      while (pos < meta.data_page_offset + meta.total_compressed_size) {
        PageHeader ph;
        size_t used = 0;
        ASSERT_TRUE(Deserialize(std::string_view(file).substr(pos), &ph, &used).ok());
        ASSERT_EQ(ph.type, PageType::kDataPage);
        EXPECT_EQ(ph.data_page_header->encoding, Encoding::kDeltaBinaryPacked);
        ++pages;
        pos += static_cast<int64_t>(used) + ph.compressed_page_size;
      }
      EXPECT_GT(pages, 1) << c;
    }
  }
}

TEST(ParquetWriter, SeveralWriteCallsAndAnEmptyFile) {
  TempDir dir;
  Schema schema;
  schema.fields = {F("n", T(TypeId::kInt64)), F("s", T(TypeId::kString))};
  auto path = dir.path() / "calls.parquet";
  WriterOptions o;
  o.row_group_rows = 1000;
  auto w = ParquetWriter::Create(path, schema, o);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  int64_t total = 0;
  for (int call = 0; call < 3; ++call) {
    Column n(T(TypeId::kInt64)), s(T(TypeId::kString));
    for (int i = 0; i < 1500; ++i) {
      n.AppendInt64(call * 10000 + i);
      total += call * 10000 + i;
      s.AppendString(call == 1 ? "one" : "other");
    }
    ASSERT_TRUE((*w)->WriteColumns({&n, &s}).ok());
  }
  Column n0(T(TypeId::kInt64)), s0(T(TypeId::kString));
  ASSERT_TRUE((*w)->WriteColumns({&n0, &s0}).ok());  // nothing: no row group
  auto info = (*w)->Finish();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->rows, 4500u);
  EXPECT_EQ(info->row_groups, 6u);
  EXPECT_FALSE((*w)->Finish().ok());

  auto empty = dir.path() / "empty.parquet";
  Table none({F("n", T(TypeId::kInt64)), F("s", T(TypeId::kString), false)});
  FileInfo ei = Write(empty, none);
  EXPECT_EQ(ei.rows, 0u);
  EXPECT_EQ(ei.row_groups, 0u);

  json j = Duck("SELECT (SELECT sum(n)::VARCHAR || '|' || count(*) FILTER (WHERE s = 'one') FROM " +
                Scan(path) + "), (SELECT count(*) FROM " + Scan(empty) + ")");
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(Str(j["rows"][0][0]), std::to_string(total) + "|1500");
  EXPECT_EQ(Str(j["rows"][0][1]), "0");
}

// ---- errors -------------------------------------------------------------------------

TEST(ParquetWriter, NullInRequiredColumnIsAnErrorNamingColumnAndRow) {
  TempDir dir;
  Table t({F("a", T(TypeId::kInt32)), F("order_id", T(TypeId::kString), false)});
  for (int r = 0; r < 10; ++r) {
    t.cols[0].AppendInt32(r);
    r == 6 ? t.cols[1].AppendNull() : t.cols[1].AppendString("o");
  }
  auto w = ParquetWriter::Create(dir.path() / "req.parquet", t.schema, {});
  ASSERT_TRUE(w.ok());
  Status st = (*w)->WriteColumns(t.ptrs());
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("'order_id'"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("row 6"), std::string::npos) << st.ToString();
}

TEST(ParquetWriter, CreateRefusesAnExistingPathAndBadSchemas) {
  TempDir dir;
  auto path = dir.path() / "exists.parquet";
  { std::ofstream(path) << "keep me"; }
  Schema schema;
  schema.fields = {F("a", T(TypeId::kInt32))};
  auto w = ParquetWriter::Create(path, schema, {});
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("exists.parquet"), std::string::npos);
  EXPECT_EQ(ReadFile(path), "keep me");

  EXPECT_EQ(ParquetWriter::Create(dir.path() / "x1", Schema{}, {}).status().code(),
            Status::Code::kInvalidArgument);
  Schema dup;
  dup.fields = {F("a", T(TypeId::kInt32)), F("a", T(TypeId::kInt64))};
  EXPECT_EQ(ParquetWriter::Create(dir.path() / "x2", dup, {}).status().code(),
            Status::Code::kInvalidArgument);
  Schema dec;
  dec.fields = {F("m", LogicalType::Decimal(19, 2))};
  EXPECT_EQ(ParquetWriter::Create(dir.path() / "x3", dec, {}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x3"));
}

TEST(ParquetWriter, MismatchedColumnsAreInvalidArgument) {
  TempDir dir;
  Schema schema;
  schema.fields = {F("a", T(TypeId::kInt32)), F("m", LogicalType::Decimal(12, 2))};
  auto w = ParquetWriter::Create(dir.path() / "mm.parquet", schema, {});
  ASSERT_TRUE(w.ok());
  Column a(T(TypeId::kInt32)), m(LogicalType::Decimal(12, 3)), m2(LogicalType::Decimal(12, 2));
  a.AppendInt32(1);
  m.AppendInt64(1);
  EXPECT_EQ((*w)->WriteColumns({&a}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*w)->WriteColumns({&a, &m}).code(), Status::Code::kInvalidArgument);   // scale
  EXPECT_EQ((*w)->WriteColumns({&a, &m2}).code(), Status::Code::kInvalidArgument);  // sizes
  m2.AppendInt64(5);
  EXPECT_TRUE((*w)->WriteColumns({&a, &m2}).ok());
  EXPECT_TRUE((*w)->Finish().ok());
}

// ---- size and speed (run by hand: --gtest_also_run_disabled_tests) -----------------

TEST(ParquetWriter, DISABLED_OrderItemsSizeAndSpeed) {
  TempDir dir;
  const int rows = 1000000;
  Table t = OrderItemsTable(rows);
  auto path = dir.path() / "order_items.parquet";
  auto start = std::chrono::steady_clock::now();
  FileInfo info = Write(path, t);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "order_items: " << rows << " rows, " << info.bytes << " bytes ("
            << static_cast<double>(info.bytes) / rows << " B/row), " << info.row_groups
            << " row groups, " << secs << " s (" << rows / secs / 1e6 << " M rows/s)\n";
  auto theirs = dir.path() / "duckdb.parquet";
  json j = Duck({"COPY (SELECT * FROM " + Scan(path) + ") TO '" + theirs.string() +
                     "' (FORMAT parquet, COMPRESSION zstd)",
                 "SELECT count(*), sum(amount)::VARCHAR FROM " + Scan(path)});
  std::cout << j.dump() << "\nDuckDB's own zstd Parquet of the same rows: "
            << std::filesystem::file_size(theirs) << " bytes\n";
  j = Duck(
      "SELECT path_in_schema, sum(total_compressed_size), string_agg(DISTINCT encodings) "
      "FROM parquet_metadata('" +
      path.string() + "') GROUP BY ALL ORDER BY 2 DESC");
  for (const auto& row : j["rows"]) std::cout << "  " << row.dump() << "\n";
}

}  // namespace
}  // namespace tp::storage::parquet
