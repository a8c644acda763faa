// The Parquet reader: round trips through our writer compared value by
// value, statistics against the true min/max/NULL counts, dictionary codes,
// files written by DuckDB compared with what DuckDB selects from them, and
// corrupt files (truncated at many points, random bytes flipped) that must
// give errors, never crashes.
#include "storage/parquet/parquet_reader.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "storage/parquet/encoding.h"
#include "storage/parquet/metadata.h"
#include "storage/parquet/parquet_writer.h"
#include "tests/common/duckdb.h"
#include "storage/schema_json.h"
#include "tests/common/temp_dir.h"
#include "tests/storage/parquet_test_util.h"

namespace tp::storage::parquet {
namespace {

using nlohmann::json;
using tp::testing::TempDir;


Field F(std::string name, LogicalType t, bool nullable = true) {
  return Field{std::move(name), t, nullable};
}
LogicalType T(TypeId id) { return LogicalType::Of(id); }

void Write(const std::filesystem::path& path, const Table& t, const WriterOptions& o = {}) {
  auto info = WriteParquetFile(path, t.schema, t.ptrs(), o);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
}

std::unique_ptr<ParquetReader> MustOpen(const std::filesystem::path& path) {
  auto r = ParquetReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteBytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Row `r` of a column as text: NULL, numbers, unscaled decimals, day
// numbers, epoch micros, exact doubles ("%a"), strings as they are.
std::string Text(const Column& c, size_t r) {
  if (c.IsNull(r)) return "NULL";
  char buf[64];
  switch (c.type().id) {
    case TypeId::kBool:
      return c.Get<uint8_t>(r) ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.Get<int32_t>(r));
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return std::to_string(c.Get<int64_t>(r));
    case TypeId::kFloat64:
      std::snprintf(buf, sizeof buf, "%a", c.Get<double>(r));
      return buf;
    case TypeId::kString:
      return std::string(c.GetString(r));
  }
  return "?";
}

// got's rows equal want's rows [begin, begin + got.size()), value by value.
::testing::AssertionResult SameRows(const Column& want, size_t begin, const Column& got) {
  if (!(want.type() == got.type())) {
    return ::testing::AssertionFailure()
           << "type " << got.type().ToString() << " != " << want.type().ToString();
  }
  if (begin + got.size() > want.size()) return ::testing::AssertionFailure() << "too many rows";
  for (size_t r = 0; r < got.size(); ++r) {
    std::string a = Text(want, begin + r), b = Text(got, r);
    if (a != b || want.IsNull(begin + r) != got.IsNull(r)) {
      return ::testing::AssertionFailure() << "row " << begin + r << ": wrote " << a.substr(0, 80)
                                           << ", read " << b.substr(0, 80);
    }
  }
  return ::testing::AssertionSuccess();
}

// Every row group of one field, concatenated.
Column ReadAll(const ParquetReader& r, size_t field) {
  Column all(r.schema().fields[field].type);
  for (size_t g = 0; g < r.row_groups().size(); ++g) {
    Column c(all.type());
    Status s = r.ReadColumn(g, field, &c);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(c.size(), r.row_groups()[g].rows);
    for (size_t i = 0; i < c.size(); ++i) all.AppendFrom(c, i);
  }
  return all;
}

// The statistics of every chunk bound its values (equal them when exact)
// and count its NULLs.
void ExpectStatsHold(const ParquetReader& r) {
  for (size_t g = 0; g < r.row_groups().size(); ++g) {
    for (size_t f = 0; f < r.schema().fields.size(); ++f) {
      SCOPED_TRACE("row group " + std::to_string(g) + " column " + r.schema().fields[f].name);
      const ColumnStats& s = r.row_groups()[g].columns[f];
      Column c(r.schema().fields[f].type);
      ASSERT_TRUE(r.ReadColumn(g, f, &c).ok());
      if (s.has_null_count) {
        EXPECT_EQ(s.null_count, c.null_count());
      }
      if (!s.has_min_max) continue;
      bool any = false;
      int64_t lo_i = INT64_MAX, hi_i = INT64_MIN;
      double lo_d = INFINITY, hi_d = -INFINITY;
      std::string lo_s, hi_s;
      for (size_t i = 0; i < c.size(); ++i) {
        if (c.IsNull(i)) continue;
        switch (c.type().id) {
          case TypeId::kBool:
            lo_i = std::min<int64_t>(lo_i, c.Get<uint8_t>(i));
            hi_i = std::max<int64_t>(hi_i, c.Get<uint8_t>(i));
            break;
          case TypeId::kInt32:
          case TypeId::kDate:
            lo_i = std::min<int64_t>(lo_i, c.Get<int32_t>(i));
            hi_i = std::max<int64_t>(hi_i, c.Get<int32_t>(i));
            break;
          case TypeId::kFloat64:
            if (std::isnan(c.Get<double>(i))) continue;
            lo_d = std::min(lo_d, c.Get<double>(i));
            hi_d = std::max(hi_d, c.Get<double>(i));
            break;
          case TypeId::kString: {
            std::string v(c.GetString(i));
            if (!any || v < lo_s) lo_s = v;
            if (!any || v > hi_s) hi_s = v;
            break;
          }
          default:
            lo_i = std::min(lo_i, c.Get<int64_t>(i));
            hi_i = std::max(hi_i, c.Get<int64_t>(i));
            break;
        }
        any = true;
      }
      ASSERT_TRUE(any) << "min/max for a chunk without values";
      switch (c.type().id) {
        case TypeId::kFloat64:
          EXPECT_LE(s.min_d, lo_d);
          EXPECT_GE(s.max_d, hi_d);
          if (s.exact) {
            EXPECT_TRUE(s.min_d == lo_d && s.max_d == hi_d);
          }
          break;
        case TypeId::kString:
          EXPECT_LE(s.min_s, lo_s);
          EXPECT_GE(s.max_s, hi_s);
          if (s.exact) {
            EXPECT_EQ(s.min_s, lo_s);
            EXPECT_EQ(s.max_s, hi_s);
          }
          break;
        default:
          EXPECT_LE(s.min_i, lo_i);
          EXPECT_GE(s.max_i, hi_i);
          if (s.exact) {
            EXPECT_EQ(s.min_i, lo_i);
            EXPECT_EQ(s.max_i, hi_i);
          }
      }
    }
  }
}

uint64_t g_rnd = 88172645463325252ull;
uint64_t Rnd() {
  g_rnd ^= g_rnd << 13;
  g_rnd ^= g_rnd >> 7;
  g_rnd ^= g_rnd << 17;
  return g_rnd;
}

// Every tillpipe type, edge values, NULLs in varied patterns.
Table EdgeTable(int rows, size_t long_string = 70 * 1024) {
  Table t({F("id", T(TypeId::kInt32), false), F("b", T(TypeId::kBool)), F("i", T(TypeId::kInt32)),
           F("l", T(TypeId::kInt64)), F("d", T(TypeId::kFloat64)),
           F("m", LogicalType::Decimal(12, 2)), F("m18", LogicalType::Decimal(18, 6)),
           F("s", T(TypeId::kString)), F("dt", T(TypeId::kDate)), F("ts", T(TypeId::kTimestamp)),
           F("s_req", T(TypeId::kString), false), F("ts_req", T(TypeId::kTimestamp), false),
           F("all_null", T(TypeId::kInt64))});
  const std::vector<std::string> strings = {"",
                                            "plain",
                                            "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac",
                                            "\xf0\x9f\x9b\x92 cart",
                                            std::string(long_string, 'L'),
                                            "a'quote\"\\",
                                            std::string(1, '\0') + "nul"};
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
  const std::vector<int64_t> micros = {
      0, -1, -2208988799999999, -62135596800000000, 253402300799999999, 1700000000123456};
  const std::vector<int32_t> days = {0, -1, -25567, -719162, 2932896, 19723};
  const std::vector<int64_t> cents = {0, 1, -1, 99999999999, -99999999999, 123456, -50};
  const std::vector<int64_t> m18 = {999999999999999999, -999999999999999999, 0, 1, -1};
  const std::vector<int32_t> ints = {0, -1, 1, INT32_MIN, INT32_MAX};
  const std::vector<int64_t> longs = {0, -1, INT64_MIN, INT64_MAX, 1LL << 40};
  for (int r = 0; r < rows; ++r) {
    auto null = [&](int col) {
      return (r * 7 + col * 3) % (col + 4) == 0 || (r / 500) % 4 == col % 4;
    };
    auto pick = [&](const auto& v) { return v[Rnd() % v.size()]; };
    t.cols[0].AppendInt32(r);
    null(1) ? t.cols[1].AppendNull() : t.cols[1].AppendBool(Rnd() % 3 == 0);
    null(2) ? t.cols[2].AppendNull() : t.cols[2].AppendInt32(r % 5 ? pick(ints) : r);
    null(3) ? t.cols[3].AppendNull() : t.cols[3].AppendInt64(pick(longs));
    null(4) ? t.cols[4].AppendNull() : t.cols[4].AppendDouble(pick(doubles));
    null(5) ? t.cols[5].AppendNull() : t.cols[5].AppendInt64(pick(cents));
    null(6) ? t.cols[6].AppendNull() : t.cols[6].AppendInt64(r % 3 ? pick(m18) : r);
    null(7) ? t.cols[7].AppendNull() : t.cols[7].AppendString(pick(strings));
    null(8) ? t.cols[8].AppendNull() : t.cols[8].AppendInt32(pick(days));
    null(9) ? t.cols[9].AppendNull() : t.cols[9].AppendInt64(pick(micros) + r);
    t.cols[10].AppendString(r % 11 == 0 ? pick(strings) : "k" + std::to_string(r % 37));
    t.cols[11].AppendInt64(-86400000000LL + r * 999983LL);
    t.cols[12].AppendNull();
  }
  return t;
}

// ---- round trips through our writer -------------------------------------------------

TEST(ParquetReader, EveryTypeRoundTripsValueByValue) {
  TempDir dir;
  Table t = EdgeTable(5000);
  WriterOptions o;
  o.row_group_rows = 1500;
  o.page_bytes = 8 * 1024;  // several pages per chunk
  o.created_by = "tillpipe version 1.2.3";
  o.key_value_metadata = {{"tillpipe.table", "edge"}};
  auto path = dir.path() / "edge.parquet";
  Write(path, t, o);

  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->schema(), t.schema);
  EXPECT_EQ(r->num_rows(), 5000u);
  ASSERT_EQ(r->row_groups().size(), 4u);
  EXPECT_EQ(r->row_groups()[3].rows, 500u);
  EXPECT_EQ(r->created_by(), "tillpipe version 1.2.3");
  ASSERT_EQ(r->key_value_metadata().size(), 2u);
  EXPECT_EQ(r->key_value_metadata()[0].first, "tillpipe.table");
  EXPECT_EQ(r->key_value_metadata()[1].first, "tillpipe.schema");
  EXPECT_EQ(r->key_value_metadata()[1].second, SchemaToJson(t.schema));
  uint64_t bytes = 0;
  for (size_t f = 0; f < t.cols.size(); ++f) {
    SCOPED_TRACE(t.schema.fields[f].name);
    size_t begin = 0;
    for (size_t g = 0; g < r->row_groups().size(); ++g) {
      Column c(T(TypeId::kBool));  // replaced by the field's type
      Status s = r->ReadColumn(g, f, &c);
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_EQ(c.size(), r->row_groups()[g].rows);
      EXPECT_TRUE(SameRows(t.cols[f], begin, c)) << "row group " << g;
      begin += c.size();
      bytes += r->ColumnChunkBytes(g, f);
    }
  }
  EXPECT_LT(bytes, r->file_size());
  ExpectStatsHold(*r);
  // A column passed again is cleared and refilled (its buffers reused).
  for (size_t f = 0; f < t.cols.size(); ++f) {
    Column reused(t.schema.fields[f].type);
    size_t begin = 0;
    for (size_t g = 0; g < r->row_groups().size(); ++g) {
      ASSERT_TRUE(r->ReadColumn(g, f, &reused).ok());
      EXPECT_TRUE(SameRows(t.cols[f], begin, reused)) << t.schema.fields[f].name << " group " << g;
      begin += reused.size();
    }
  }

  // Out-of-range arguments are errors, not crashes.
  Column c(T(TypeId::kInt32));
  EXPECT_EQ(r->ReadColumn(4, 0, &c).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r->ReadColumn(0, 13, &c).code(), Status::Code::kInvalidArgument);
}

TEST(ParquetReader, StatisticsAreTheTrueMinMaxAndNullCount) {
  TempDir dir;
  Table t({F("b", T(TypeId::kBool)), F("i", T(TypeId::kInt32), false), F("l", T(TypeId::kInt64)),
           F("d", T(TypeId::kFloat64)), F("m", LogicalType::Decimal(12, 2)),
           F("s", T(TypeId::kString)), F("dt", T(TypeId::kDate)), F("ts", T(TypeId::kTimestamp)),
           F("long_s", T(TypeId::kString)), F("none", T(TypeId::kString)),
           F("zeros", T(TypeId::kFloat64))});
  const int rows = 4000, group = 1000;
  for (int r = 0; r < rows; ++r) {
    t.cols[0].AppendBool(r % 1000 < 999 ? false : true);
    t.cols[1].AppendInt32(static_cast<int32_t>(Rnd() % 100000) - 50000);
    r % 10 == 0 ? t.cols[2].AppendNull() : t.cols[2].AppendInt64(static_cast<int64_t>(Rnd()));
    t.cols[3].AppendDouble(r % 7 == 0 ? std::nan("")
                                      : (static_cast<double>(Rnd() % 1000) - 500) / 4);
    t.cols[4].AppendInt64(static_cast<int64_t>(Rnd() % 2000000) - 1000000);
    r % 3 == 0 ? t.cols[5].AppendNull() : t.cols[5].AppendString("k" + std::to_string(Rnd() % 500));
    t.cols[6].AppendInt32(static_cast<int32_t>(Rnd() % 40000) - 20000);
    t.cols[7].AppendInt64(static_cast<int64_t>(Rnd() % 4000000000000000) - 2000000000000000);
    t.cols[8].AppendString(std::string(100, 'a' + static_cast<char>(Rnd() % 26)) +
                           std::to_string(r));
    t.cols[9].AppendNull();
    t.cols[10].AppendDouble(r % 2 ? 0.0 : -0.0);
  }
  WriterOptions o;
  o.row_group_rows = group;
  auto path = dir.path() / "stats.parquet";
  Write(path, t, o);
  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->row_groups().size(), 4u);
  ExpectStatsHold(*r);
  for (size_t g = 0; g < 4; ++g) {
    const auto& cs = r->row_groups()[g].columns;
    // Exact bounds are the true extremes (checked by ExpectStatsHold) for
    // every fixed-width column; NULL counts are always there.
    for (size_t f = 0; f < cs.size(); ++f) {
      EXPECT_TRUE(cs[f].has_null_count);
      if (f != 9) {
        EXPECT_TRUE(cs[f].has_min_max) << f;
      }
      if (f != 8 && f != 9) {
        EXPECT_TRUE(cs[f].exact) << f;
      }
    }
    EXPECT_EQ(cs[0].min_i, 0);
    EXPECT_EQ(cs[0].max_i, 1);
    EXPECT_EQ(cs[2].null_count, 100u);
    // Long strings: inexact prefixes of at most 64 bytes that still bound.
    EXPECT_FALSE(cs[8].exact);
    EXPECT_LE(cs[8].min_s.size(), 64u);
    EXPECT_LE(cs[8].max_s.size(), 64u);
    // All NULL: no bounds.
    EXPECT_FALSE(cs[9].has_min_max);
    EXPECT_EQ(cs[9].null_count, static_cast<uint64_t>(group));
    // Zeros: min is -0.0 and max +0.0 (parquet.thrift ColumnOrder).
    EXPECT_TRUE(std::signbit(cs[10].min_d));
    EXPECT_FALSE(std::signbit(cs[10].max_d));
  }
}

TEST(ParquetReader, DictionaryCodesReproduceTheValuesAndFallbackChunksSayNotFound) {
  TempDir dir;
  Table t({F("id", T(TypeId::kInt32), false), F("brand", T(TypeId::kString)),
           F("s", T(TypeId::kString)), F("code", T(TypeId::kInt64), false),
           F("score", T(TypeId::kFloat64))});
  const int rows = 20000;
  for (int r = 0; r < rows; ++r) {
    t.cols[0].AppendInt32(r);
    r % 13 == 0 ? t.cols[1].AppendNull()
                : t.cols[1].AppendString("br\xc3\xa4nd-" + std::to_string(Rnd() % 300));
    if (r % 97 == 0) {
      t.cols[2].AppendNull();
    } else if (r < rows / 2) {
      t.cols[2].AppendString("k" + std::to_string(r % 10));
    } else {
      t.cols[2].AppendString(std::string(100, 'x') + std::to_string(r));  // dictionary overflows
    }
    t.cols[3].AppendInt64(r % 7 - 3);
    t.cols[4].AppendDouble(r * 0.5);
  }
  WriterOptions o;
  o.max_dictionary_bytes = 64 * 1024;
  o.page_bytes = 16 * 1024;
  auto path = dir.path() / "dict.parquet";
  Write(path, t, o);
  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->row_groups().size(), 1u);

  // Whatever the encoding, ReadColumn gives the values.
  for (size_t f = 0; f < t.cols.size(); ++f) {
    EXPECT_TRUE(SameRows(t.cols[f], 0, ReadAll(*r, f))) << t.schema.fields[f].name;
  }
  // Dictionary-encoded chunks: codes index the dictionary.
  for (size_t f : {1u, 3u}) {
    Column dict(T(TypeId::kBool));
    std::vector<uint32_t> codes;
    Status s = r->ReadDictionaryCodes(0, f, &dict, &codes);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(codes.size(), static_cast<size_t>(rows));
    EXPECT_EQ(dict.type(), t.schema.fields[f].type);
    EXPECT_LE(dict.size(), f == 1 ? 300u : 7u);
    Column rebuilt(dict.type());
    for (uint32_t c : codes) {
      if (c == UINT32_MAX) {
        rebuilt.AppendNull();
      } else {
        ASSERT_LT(c, dict.size());
        rebuilt.AppendFrom(dict, c);
      }
    }
    EXPECT_TRUE(SameRows(t.cols[f], 0, rebuilt)) << t.schema.fields[f].name;
  }
  // The chunk that fell back to PLAIN half way, and a PLAIN chunk.
  for (size_t f : {2u, 4u}) {
    Column dict(T(TypeId::kString));
    std::vector<uint32_t> codes;
    Status s = r->ReadDictionaryCodes(0, f, &dict, &codes);
    EXPECT_EQ(s.code(), Status::Code::kNotFound) << s.ToString();
    EXPECT_TRUE(codes.empty());
    EXPECT_EQ(dict.size(), 0u);
  }
}

TEST(ParquetReader, FilesWithoutRowsAndSchemaRecordsThatDisagree) {
  TempDir dir;
  Table none({F("n", T(TypeId::kInt64)), F("s", T(TypeId::kString), false)});
  Write(dir.path() / "empty.parquet", none);
  auto r = MustOpen(dir.path() / "empty.parquet");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->num_rows(), 0u);
  EXPECT_TRUE(r->row_groups().empty());
  EXPECT_EQ(r->schema(), none.schema);

  Table t({F("n", T(TypeId::kInt64)), F("m", LogicalType::Decimal(12, 2))});
  t.cols[0].AppendInt64(1);
  t.cols[1].AppendInt64(2);
  struct Case {
    std::string json;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"{\"fields\":[", "malformed"},
      {R"J({"fields":[{"name":"n","type":"int64","nullable":true}]})J", "1 fields"},
      {R"J({"fields":[{"name":"n","type":"int64","nullable":true},)J"
       R"J({"name":"m","type":"decimal(12,3)","nullable":true}]})J",
       "decimal(12,3)"},
      {R"J({"fields":[{"name":"n","type":"int64","nullable":false},)J"
       R"J({"name":"m","type":"decimal(12,2)","nullable":true}]})J",
       "NOT NULL"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    WriterOptions o;
    o.key_value_metadata = {{"tillpipe.schema", cases[i].json}};
    auto p = dir.path() / ("kv" + std::to_string(i) + ".parquet");
    Write(p, t, o);
    auto bad = ParquetReader::Open(p);
    ASSERT_FALSE(bad.ok()) << i;
    EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
    EXPECT_NE(bad.status().message().find(cases[i].expect), std::string::npos)
        << bad.status().ToString();
    EXPECT_NE(bad.status().message().find(p.string()), std::string::npos);
  }
}

TEST(ParquetReader, ProjectionReadsOnlyTheRequestedChunk) {
  TempDir dir;
  Table t(
      {F("a", T(TypeId::kInt64), false), F("b", T(TypeId::kString)), F("c", T(TypeId::kInt32))});
  for (int r = 0; r < 3000; ++r) {
    t.cols[0].AppendInt64(static_cast<int64_t>(Rnd()));
    t.cols[1].AppendString(std::to_string(Rnd()));
    t.cols[2].AppendInt32(r);
  }
  auto path = dir.path() / "p.parquet";
  Write(path, t);
  // Wreck the middle of column b's chunk; a and c still read.
  std::string file = ReadFile(path);
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  FileMetaData md;
  ASSERT_TRUE(Deserialize(std::string_view(file).substr(file.size() - 8 - len, len), &md).ok());
  const ColumnMetaData& b = *md.row_groups[0].columns[1].meta_data;
  int64_t start = b.dictionary_page_offset.value_or(b.data_page_offset);
  for (int64_t i = start + b.total_compressed_size / 2;
       i < start + b.total_compressed_size / 2 + 64; ++i) {
    file[static_cast<size_t>(i)] = '\xA5';
  }
  WriteBytes(path, file);
  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  Column c(T(TypeId::kInt64));
  EXPECT_TRUE(r->ReadColumn(0, 0, &c).ok());
  EXPECT_TRUE(SameRows(t.cols[0], 0, c));
  EXPECT_TRUE(r->ReadColumn(0, 2, &c).ok());
  EXPECT_TRUE(SameRows(t.cols[2], 0, c));
  Status s = r->ReadColumn(0, 1, &c);
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("column 'b'"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(path.string()), std::string::npos) << s.ToString();
  EXPECT_EQ(c.size(), 0u);
}

// ---- files written by DuckDB ---------------------------------------------------------

json Duck(const std::vector<std::string>& statements) {
  std::vector<std::string> all = {"SET TimeZone = 'UTC'"};
  all.insert(all.end(), statements.begin(), statements.end());
  json j = tp::testing::DuckDb(all);
  EXPECT_FALSE(j.contains("error")) << j.dump();
  if (j.contains("error")) return json{{"columns", json::array()}, {"rows", json::array()}};
  return j;
}

std::string Str(const json& v) {
  if (v.is_null()) return "NULL";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

TEST(ParquetReader, ReadsWhatDuckDbWritesAsDuckDbSelectsIt) {
  TempDir dir;
  const std::string source =
      "SELECT i AS id, CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 7919 % 200001 - 100000)::INTEGER "
      "END AS n, (i * 1000003 - 5000000000)::BIGINT AS l, "
      "CASE WHEN i % 5 = 0 THEN NULL ELSE ((i * 7 % 20000) - 10000.0) / 3 END::DECIMAL(12,2) AS m, "
      "CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 'caf\xc3\xa9-' || (i % 50) "
      "ELSE 'v' || (i % 7) END AS s, "
      "TIMESTAMPTZ '1969-12-25 10:00:00+00' + (i * 3600 + i % 1000) * INTERVAL 1 second AS ts, "
      "CASE WHEN i % 6 = 0 THEN NULL ELSE DATE '1960-01-01' + (i % 30000)::INTEGER END AS d, "
      "CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 = 0 END AS b, "
      "(i * 0.25 - 100)::DOUBLE AS f "
      "FROM range(6000) t(i)";
  const std::string select =
      "SELECT id::VARCHAR, n::VARCHAR, l::VARCHAR, "
      "replace(m::VARCHAR, '.', '')::BIGINT::VARCHAR, s, epoch_us(ts)::VARCHAR, "
      "(d - DATE '1970-01-01')::VARCHAR, b::VARCHAR, f::VARCHAR FROM ";
  struct Variant {
    std::string name, options;
  };
  const std::vector<Variant> variants = {
      {"zstd", "COMPRESSION zstd, ROW_GROUP_SIZE 2048"},
      {"uncompressed", "COMPRESSION uncompressed"},
      {"v2", "COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE 4096"},
      {"snappy", "COMPRESSION snappy"},
  };
  std::vector<std::string> statements;
  for (const auto& v : variants) {
    statements.push_back("COPY (" + source + ") TO '" +
                         (dir.path() / (v.name + ".parquet")).string() + "' (FORMAT parquet, " +
                         v.options + ")");
  }
  statements.push_back(select + "(" + source + ") ORDER BY id");
  json want = Duck(statements)["rows"];
  ASSERT_EQ(want.size(), 6000u);

  Schema expect;
  expect.fields = {F("id", T(TypeId::kInt64)), F("n", T(TypeId::kInt32)),
                   F("l", T(TypeId::kInt64)),  F("m", LogicalType::Decimal(12, 2)),
                   F("s", T(TypeId::kString)), F("ts", T(TypeId::kTimestamp)),
                   F("d", T(TypeId::kDate)),   F("b", T(TypeId::kBool)),
                   F("f", T(TypeId::kFloat64))};
  for (const auto& v : variants) {
    SCOPED_TRACE(v.name);
    auto r = MustOpen(dir.path() / (v.name + ".parquet"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->schema(), expect);
    EXPECT_EQ(r->num_rows(), 6000u);
    EXPECT_NE(r->created_by().find("DuckDB"), std::string::npos) << r->created_by();
    if (v.name == "snappy") {
      Column c(T(TypeId::kInt64));
      Status s = r->ReadColumn(0, 0, &c);
      EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
      EXPECT_NE(s.message().find("codec SNAPPY is not supported"), std::string::npos)
          << s.ToString();
      continue;
    }
    if (v.name == "zstd") {
      EXPECT_EQ(r->row_groups().size(), 3u);
    }
    if (v.name == "v2") {
      // The V2 file exercises DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT
      // (checked so a DuckDB upgrade that stops writing them is noticed).
      // DuckDB 1.5 still writes data page v1 here; DataPageV2ReadsLevels...
      // covers v2 pages.
      std::string file = ReadFile(dir.path() / "v2.parquet");
      uint32_t len;
      std::memcpy(&len, file.data() + file.size() - 8, 4);
      FileMetaData md;
      ASSERT_TRUE(Deserialize(std::string_view(file).substr(file.size() - 8 - len, len), &md).ok());
      std::set<Encoding> encodings;
      for (const RowGroup& g : md.row_groups) {
        for (const ColumnChunk& c : g.columns) {
          encodings.insert(c.meta_data->encodings.begin(), c.meta_data->encodings.end());
        }
      }
      EXPECT_TRUE(encodings.count(Encoding::kDeltaBinaryPacked));
      EXPECT_TRUE(encodings.count(Encoding::kByteStreamSplit));
    }
    for (size_t f = 0; f < expect.fields.size(); ++f) {
      SCOPED_TRACE(expect.fields[f].name);
      Column c = ReadAll(*r, f);
      ASSERT_EQ(c.size(), 6000u);
      for (size_t row = 0; row < c.size(); ++row) {
        std::string duck = Str(want[row][f]);
        std::string ours = Text(c, row);
        if (c.type().id == TypeId::kFloat64 && !c.IsNull(row)) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%a", std::strtod(duck.c_str(), nullptr));
          duck = buf;
        }
        ASSERT_EQ(ours, duck) << "row " << row;
      }
    }
    ExpectStatsHold(*r);
    // Strings are dictionary-encoded by DuckDB: codes work on its files too.
    Column dict(T(TypeId::kString));
    std::vector<uint32_t> codes;
    Status s = r->ReadDictionaryCodes(0, 4, &dict, &codes);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(codes.size(), r->row_groups()[0].rows);
    for (size_t row = 0; row < codes.size(); ++row) {
      std::string got = codes[row] == UINT32_MAX ? "NULL" : std::string(dict.GetString(codes[row]));
      ASSERT_EQ(got, Str(want[row][4])) << "row " << row;
    }
  }
}

TEST(ParquetReader, MapsOtherDuckDbTypesOrRefusesThemClearly) {
  TempDir dir;
  auto ok = dir.path() / "other.parquet";
  auto list = dir.path() / "list.parquet";
  auto wide = dir.path() / "wide.parquet";
  json j =
      Duck({"COPY (SELECT (i % 100)::TINYINT AS t8, (i * 3)::SMALLINT AS t16, "
            "(i * 1000000)::UINTEGER AS u32, (i * 0.5)::REAL AS r, "
            "(i * 12.3)::DECIMAL(4,1) AS d4, "
            "TIMESTAMP '1969-12-31 23:59:59' + i * INTERVAL 1 millisecond AS ts, "
            "(TIMESTAMP '2000-01-01' + i * INTERVAL 1 millisecond)::TIMESTAMP_MS AS ms, "
            "('1960-01-01'::TIMESTAMP_NS + i * INTERVAL 1 microsecond) AS ns "
            "FROM range(50) t(i)) TO '" +
                ok.string() + "' (FORMAT parquet, COMPRESSION zstd)",
            "COPY (SELECT [1, 2] AS l) TO '" + list.string() + "' (FORMAT parquet)",
            "COPY (SELECT 1::DECIMAL(30,2) AS w) TO '" + wide.string() + "' (FORMAT parquet)",
            "SELECT t8::VARCHAR, t16::VARCHAR, u32::VARCHAR, r::DOUBLE::VARCHAR, "
            "replace(d4::VARCHAR, '.', '')::BIGINT::VARCHAR, epoch_us(ts)::VARCHAR, "
            "epoch_us(ms)::VARCHAR, epoch_us(ns::TIMESTAMP)::VARCHAR FROM '" +
                ok.string() + "'"});
  auto r = MustOpen(ok);
  ASSERT_TRUE(r);
  Schema expect;
  expect.fields = {F("t8", T(TypeId::kInt32)),          F("t16", T(TypeId::kInt32)),
                   F("u32", T(TypeId::kInt64)),         F("r", T(TypeId::kFloat64)),
                   F("d4", LogicalType::Decimal(4, 1)), F("ts", T(TypeId::kTimestamp)),
                   F("ms", T(TypeId::kTimestamp)),      F("ns", T(TypeId::kTimestamp))};
  EXPECT_EQ(r->schema(), expect);
  ASSERT_EQ(j["rows"].size(), 50u);
  for (size_t f = 0; f < expect.fields.size(); ++f) {
    Column c = ReadAll(*r, f);
    ASSERT_EQ(c.size(), 50u);
    for (size_t row = 0; row < 50; ++row) {
      std::string duck = Str(j["rows"][row][f]);
      if (f == 3) {
        EXPECT_EQ(c.Get<double>(row), std::strtod(duck.c_str(), nullptr)) << row;
      } else {
        EXPECT_EQ(Text(c, row), duck) << expect.fields[f].name << " row " << row;
      }
    }
  }
  ExpectStatsHold(*r);

  for (const auto& [p, what] :
       {std::pair{list, "nested column 'l'"}, std::pair{wide, "decimal(30,2)"}}) {
    auto bad = ParquetReader::Open(p);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(what), std::string::npos) << bad.status().ToString();
  }
}

// A file of DATA_PAGE_V2 pages built here from parquet.thrift (our writer
// and DuckDB 1.5 write v1 pages): levels outside the compressed part, one
// ZSTD page and one with is_compressed = false.
TEST(ParquetReader, DataPageV2ReadsLevelsAndValuesBothCompressedAndNot) {
  TempDir dir;
  std::string file = "PAR1";
  std::vector<std::optional<int64_t>> want;
  int64_t uncompressed_total = 0;
  for (int page = 0; page < 2; ++page) {
    const int n = 700;
    std::vector<uint32_t> levels;
    std::string values;
    int nulls = 0;
    for (int i = 0; i < n; ++i) {
      bool null = (i * 13 + page) % 5 == 0;
      levels.push_back(null ? 0 : 1);
      nulls += null;
      if (null) {
        want.push_back(std::nullopt);
      } else {
        int64_t v = (int64_t{i} - 350) * 1000003 * (page + 1);
        values.append(reinterpret_cast<const char*>(&v), 8);
        want.push_back(v);
      }
    }
    std::string def;
    RleBitPackedEncode(levels.data(), levels.size(), 1, &def);
    std::string stored = values;
    const bool compress = page == 0;
    if (compress) {
      stored.resize(ZSTD_compressBound(values.size()));
      stored.resize(ZSTD_compress(stored.data(), stored.size(), values.data(), values.size(), 3));
    }
    std::string header;
    CompactWriter w(&header);
    w.StructBegin();
    w.FieldI32(1, static_cast<int32_t>(PageType::kDataPageV2));
    w.FieldI32(2, static_cast<int32_t>(def.size() + values.size()));
    w.FieldI32(3, static_cast<int32_t>(def.size() + stored.size()));
    w.FieldStructBegin(8);
    w.FieldI32(1, n);
    w.FieldI32(2, nulls);
    w.FieldI32(3, n);
    w.FieldI32(4, static_cast<int32_t>(Encoding::kPlain));
    w.FieldI32(5, static_cast<int32_t>(def.size()));
    w.FieldI32(6, 0);
    if (!compress) w.FieldBool(7, false);
    w.StructEnd();
    w.StructEnd();
    file += header + def + stored;
    uncompressed_total += static_cast<int64_t>(header.size() + def.size() + values.size());
  }
  FileMetaData md;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement leaf;
  leaf.name = "x";
  leaf.type = PhysicalType::kInt64;
  leaf.repetition_type = Repetition::kOptional;
  md.schema = {root, leaf};
  md.num_rows = static_cast<int64_t>(want.size());
  ColumnMetaData m;
  m.type = PhysicalType::kInt64;
  m.encodings = {Encoding::kPlain, Encoding::kRle};
  m.path_in_schema = {"x"};
  m.codec = Codec::kZstd;
  m.num_values = md.num_rows;
  m.total_uncompressed_size = uncompressed_total;
  m.total_compressed_size = static_cast<int64_t>(file.size()) - 4;
  m.data_page_offset = 4;
  RowGroup g;
  g.columns = {ColumnChunk{std::nullopt, 4, m}};
  g.num_rows = md.num_rows;
  g.total_byte_size = uncompressed_total;
  md.row_groups = {g};
  md.created_by = "hand-made v2 pages";
  std::string footer = Serialize(md);
  uint32_t len = static_cast<uint32_t>(footer.size());
  file += footer + std::string(reinterpret_cast<const char*>(&len), 4) + "PAR1";
  auto path = dir.path() / "v2pages.parquet";
  WriteBytes(path, file);

  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->schema().fields[0], F("x", T(TypeId::kInt64)));
  Column c(T(TypeId::kInt64));
  Status s = r->ReadColumn(0, 0, &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(c.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(c.IsNull(i), !want[i].has_value()) << i;
    if (want[i]) {
      ASSERT_EQ(c.Get<int64_t>(i), *want[i]) << i;
    }
  }
  // A v2 page whose num_nulls disagrees with its levels is corrupt.
  std::string bad = file;
  // DataPageHeaderV2 field 1 (delta 1, i32) = 700 (zigzag 1400), then field 2.
  size_t at = bad.find(std::string("\x15\xf8\x0a", 3));
  ASSERT_NE(at, std::string::npos);
  size_t nulls_at = at + 3;  // field 2: 0x15 + zigzag varint
  ASSERT_EQ(bad[nulls_at], '\x15');
  bad[nulls_at + 1] = static_cast<char>(bad[nulls_at + 1] + 2);  // one more NULL
  WriteBytes(path, bad);
  r = MustOpen(path);
  ASSERT_TRUE(r);
  s = r->ReadColumn(0, 0, &c);
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("num_nulls"), std::string::npos) << s.ToString();
}

// ---- corrupt and foreign files --------------------------------------------------------

TEST(ParquetReader, NotParquetFilesAreClearErrors) {
  TempDir dir;
  auto missing = ParquetReader::Open(dir.path() / "missing.parquet");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.parquet"), std::string::npos);
  struct Case {
    std::string name, bytes, expect;
  };
  std::string footerless = "PAR1" + std::string(20, 'x') + std::string("\x14\0\0\0", 4) + "PAR1";
  const std::vector<Case> cases = {
      {"empty", "", "shorter than the smallest"},
      {"text", "order_id,amount\n1,2.50\n3,4.00\n", "not a Parquet file"},
      {"unfinished", "PAR1" + std::string(100, '\0'), "truncated or was not finished"},
      {"encrypted", "PAR1" + std::string(100, '\0') + "PARE", "encrypted"},
      {"long_footer",
       "PAR1" + std::string(10, '\0') +
           "\xff\xff\xff\x7f"
           "PAR1",
       "footer length"},
      {"bad_footer", footerless, "does not decode"},
  };
  for (const auto& c : cases) {
    auto p = dir.path() / (c.name + ".parquet");
    WriteBytes(p, c.bytes);
    auto r = ParquetReader::Open(p);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find(p.string()), std::string::npos) << r.status().ToString();
  }
  auto d = ParquetReader::Open(dir.path());
  EXPECT_FALSE(d.ok());
}

// Opens `path` and reads everything it can; returns whether it all worked.
bool TryReadAll(const std::filesystem::path& path) {
  auto r = ParquetReader::Open(path);
  if (!r.ok()) {
    EXPECT_TRUE(r.status().code() == Status::Code::kCorruption ||
                r.status().code() == Status::Code::kInvalidArgument)
        << r.status().ToString();
    return false;
  }
  bool all = true;
  for (size_t g = 0; g < (*r)->row_groups().size(); ++g) {
    for (size_t f = 0; f < (*r)->schema().fields.size(); ++f) {
      Column c(T(TypeId::kInt32));
      Status s = (*r)->ReadColumn(g, f, &c);
      if (s.ok()) {
        EXPECT_EQ(c.size(), (*r)->row_groups()[g].rows);
      } else {
        all = false;
        EXPECT_EQ(c.size(), 0u);
      }
      std::vector<uint32_t> codes;
      Column dict(T(TypeId::kInt32));
      s = (*r)->ReadDictionaryCodes(g, f, &dict, &codes);
      if (s.ok()) {
        EXPECT_EQ(codes.size(), (*r)->row_groups()[g].rows);
        for (uint32_t code : codes) {
          if (code != UINT32_MAX) {
            EXPECT_LT(code, dict.size());
          }
        }
      }
    }
  }
  return all;
}

TEST(ParquetReader, TruncatedAndBitFlippedFilesGiveErrorsNeverCrashes) {
  TempDir dir;
  Table t = EdgeTable(1200, 300);
  WriterOptions o;
  o.row_group_rows = 500;
  o.page_bytes = 4096;
  auto good = dir.path() / "good.parquet";
  Write(good, t, o);
  const std::string file = ReadFile(good);
  ASSERT_TRUE(TryReadAll(good));

  // Truncation anywhere loses the trailing magic: Open refuses.
  std::vector<size_t> cuts;
  for (size_t i = 0; i < 300 && i < file.size(); ++i) cuts.push_back(file.size() - 1 - i);
  for (size_t i = 0; i < 300; ++i) cuts.push_back(file.size() * i / 300);
  for (size_t cut : cuts) {
    auto p = dir.path() / ("cut" + std::to_string(cut) + ".parquet");
    WriteBytes(p, std::string_view(file).substr(0, cut));
    auto r = ParquetReader::Open(p);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
    std::filesystem::remove(p);
  }

  // Flipped bytes: anywhere, and in the footer (Thrift) and in the pages.
  uint32_t footer_len;
  std::memcpy(&footer_len, file.data() + file.size() - 8, 4);
  const size_t footer_start = file.size() - 8 - footer_len;
  std::mt19937_64 rng(20240611);
  int opened_and_read = 0, failed = 0;
  const int trials = 1500;
  for (int trial = 0; trial < trials; ++trial) {
    std::string bad = file;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      size_t pos;
      switch (trial % 3) {
        case 0:
          pos = rng() % bad.size();
          break;
        case 1:
          pos = footer_start + rng() % footer_len;
          break;
        default:
          pos = 4 + rng() % (footer_start - 4);
          break;
      }
      bad[pos] = static_cast<char>(bad[pos] ^ (1 + rng() % 255));
    }
    // A new name each time: rewriting one file makes ext4 flush it.
    auto p = dir.path() / ("flip" + std::to_string(trial) + ".parquet");
    WriteBytes(p, bad);
    bool read = TryReadAll(p);
    std::filesystem::remove(p);
    if (read) {
      ++opened_and_read;
    } else {
      ++failed;
    }
  }
  std::cout << "[ flips ] " << trials << " corrupted files: " << failed << " refused, "
            << opened_and_read << " read through (flips in values or unused bytes)\n";
  EXPECT_GT(failed, trials / 4);
}

// ---- speed (run by hand: --gtest_also_run_disabled_tests) ---------------------------

TEST(ParquetReader, DISABLED_OrderItemsReadSpeed) {
  TempDir dir;
  const int rows = 1000000;
  Table t = OrderItemsTable(rows);
  auto path = dir.path() / "order_items.parquet";
  Write(path, t);
  auto r = MustOpen(path);
  ASSERT_TRUE(r);
  for (int rep = 0; rep < 3; ++rep) {
    auto start = std::chrono::steady_clock::now();
    size_t n = 0;
    std::vector<Column> cols;  // one per field, reused across row groups
    for (const Field& f : t.schema.fields) cols.emplace_back(f.type);
    for (size_t g = 0; g < r->row_groups().size(); ++g) {
      for (size_t f = 0; f < t.cols.size(); ++f) {
        ASSERT_TRUE(r->ReadColumn(g, f, &cols[f]).ok());
      }
      n += cols[0].size();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "read all 11 columns: " << n << " rows in " << secs << " s = " << n / secs / 1e6
              << " M rows/s (" << r->file_size() / secs / 1e6 << " MB/s of file)\n";
  }
  auto start = std::chrono::steady_clock::now();
  size_t n = 0;
  Column dict(T(TypeId::kString));
  std::vector<uint32_t> codes;
  for (size_t g = 0; g < r->row_groups().size(); ++g) {
    for (size_t f : {4u, 5u, 9u}) {
      ASSERT_TRUE(r->ReadDictionaryCodes(g, f, &dict, &codes).ok());
      n += codes.size();
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "dictionary codes of brand, category, city: " << n / secs / 1e6 << " M values/s\n";
  // Whole file once more, compared with what was written.
  for (size_t f = 0; f < t.cols.size(); ++f) EXPECT_TRUE(SameRows(t.cols[f], 0, ReadAll(*r, f)));
}

}  // namespace
}  // namespace tp::storage::parquet
