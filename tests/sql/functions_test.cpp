// Tests for the scalar function library: calls bound with BindFunction and
// BindCast, evaluated over a small table, most results (values and types)
// compared with what DuckDB answers for the same SQL over the same rows.
#include "storage/sql/functions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sql/expression.h"
#include "storage/sql/time_zone.h"
#include "storage/sql/vector.h"
#include "tests/common/duckdb.h"

namespace tp::storage::sql {
namespace {

const SqlType kBool = SqlType::Of(SqlTypeId::kBool);
const SqlType kInt = SqlType::Of(SqlTypeId::kInt32);
const SqlType kBig = SqlType::Of(SqlTypeId::kInt64);
const SqlType kDbl = SqlType::Of(SqlTypeId::kFloat64);
const SqlType kStr = SqlType::Of(SqlTypeId::kString);
const SqlType kDate = SqlType::Of(SqlTypeId::kDate);
const SqlType kTs = SqlType::Of(SqlTypeId::kTimestamp);
const SqlType kIv = SqlType::Of(SqlTypeId::kInterval);

const TimeZone& Berlin() {
  static const TimeZone* const zone = TimeZone::Make("Europe/Berlin")->release();
  return *zone;
}

EvalContext BerlinCtx() {
  EvalContext ctx;
  ctx.zone = &Berlin();
  ctx.now_us = 1774747845250000;  // 2026-03-29 01:30:45.25Z
  return ctx;
}

// The test table, the same rows here and in DuckDB.
struct Column {
  const char* name;
  SqlType type;
  const char* duck_type;
  std::vector<Value> values;
};

int64_t Ts(const char* iso) {
  EvalContext ctx = BerlinCtx();
  Chunk one;
  one.size = 1;
  auto e = BindCast(MakeConstant(Value::String(iso)), kTs, 0);
  Vector out;
  EXPECT_TRUE(e.ok() && Evaluate(ctx, **e, one, &out).ok()) << iso;
  return out.GetValue(0).int_value();
}

const std::vector<Column>& Table() {
  static const std::vector<Column> table = {
      {"i",
       kInt,
       "INTEGER",
       {Value::Int32(7), Value::Int32(-3), Value::Null(kInt), Value::Int32(0), Value::Int32(12)}},
      {"b",
       kBig,
       "BIGINT",
       {Value::Int64(100), Value::Int64(-5), Value::Int64(3), Value::Null(kBig),
        Value::Int64(-100)}},
      {"d",
       kDbl,
       "DOUBLE",
       {Value::Float64(2.5), Value::Float64(-0.5), Value::Null(kDbl), Value::Float64(1e15),
        Value::Float64(-2.5)}},
      {"m",
       SqlType::Decimal(10, 2),
       "DECIMAL(10,2)",
       {Value::Decimal(1250, 10, 2), Value::Decimal(-325, 10, 2), Value::Decimal(5, 10, 2),
        Value::Null(SqlType::Decimal(10, 2)), Value::Decimal(-15, 10, 2)}},
      {"s",
       kStr,
       "VARCHAR",
       {Value::String("Hello"), Value::String("wörld ÀÉ"), Value::Null(kStr), Value::String(""),
        Value::String("  a%b_c  ")}},
      {"dt",
       kDate,
       "DATE",
       {Value::Date(20541), Value::Date(19782), Value::Null(kDate), Value::Date(-1),
        Value::Date(20751)}},
      {"ts",
       kTs,
       "TIMESTAMPTZ",
       {Value::Timestamp(Ts("2026-03-29T01:30:45.25Z")),
        Value::Timestamp(Ts("2026-10-25T00:30:00Z")),
        Value::Timestamp(Ts("2024-02-29T23:59:59.000001Z")), Value::Null(kTs),
        Value::Timestamp(Ts("1969-12-31T23:00:00Z"))}},
      {"bo",
       kBool,
       "BOOLEAN",
       {Value::Bool(true), Value::Bool(false), Value::Null(kBool), Value::Bool(true),
        Value::Bool(false)}},
      {"iv",
       kIv,
       "INTERVAL",
       {Value::FromInterval({1, 2, 3600000000LL}), Value::FromInterval({0, 0, -90000000LL}),
        Value::FromInterval({14, -1, 0}), Value::Null(kIv), Value::FromInterval({0, 1, 1})}},
  };
  return table;
}

Chunk TableChunk() {
  Chunk c;
  for (const auto& col : Table()) {
    Vector v(col.type, 0);
    for (const auto& val : col.values) v.AppendValue(val);
    c.columns.push_back(std::move(v));
  }
  c.size = Table()[0].values.size();
  return c;
}

std::string DuckValues() {
  std::string sql = "(VALUES ";
  const size_t rows = Table()[0].values.size();
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    sql += std::to_string(r);
    for (const auto& col : Table()) {
      const Value& v = col.values[r];
      std::string text;
      if (v.type().id == SqlTypeId::kTimestamp && !v.is_null()) {
        text = FormatTimestamp(v.int_value(), 0);
      } else {
        text = v.ToString();
      }
      sql += ", ";
      sql +=
          v.is_null() ? "NULL::" + std::string(col.duck_type) : "'" + text + "'::" + col.duck_type;
    }
    sql += ")";
  }
  sql += ") t(id";
  for (const auto& col : Table()) sql += std::string(", ") + col.name;
  return sql + ")";
}

BoundExprPtr C(const std::string& name) {
  for (size_t i = 0; i < Table().size(); ++i) {
    if (name == Table()[i].name) return MakeColumn(i, Table()[i].type, name);
  }
  ADD_FAILURE() << "no column " << name;
  return MakeConstant(Value());
}

BoundExprPtr L(Value v) { return MakeConstant(std::move(v)); }
BoundExprPtr S(const char* s) { return MakeConstant(Value::String(s)); }
BoundExprPtr I(int32_t v) { return MakeConstant(Value::Int32(v)); }

template <typename... A>
BoundExprPtr F(const std::string& name, A... args) {
  std::vector<BoundExprPtr> v;
  (v.push_back(std::move(args)), ...);
  auto r = BindFunction(name, std::move(v), 0);
  if (!r.ok()) {
    ADD_FAILURE() << name << ": " << r.status().message();
    return MakeConstant(Value());
  }
  return std::move(*r);
}

BoundExprPtr Cast(BoundExprPtr e, SqlType t) {
  auto r = BindCast(std::move(e), t, 0);
  if (!r.ok()) {
    ADD_FAILURE() << r.status().message();
    return MakeConstant(Value());
  }
  return std::move(*r);
}

struct Case {
  std::string sql;
  BoundExprPtr expr;
  bool check_type = true;
  // DuckDB answers a naive TIMESTAMP (the local time) where we answer the
  // instant: compare our text without its offset.
  bool naive = false;
};

std::string WithoutOffset(std::string s) {
  const size_t p = s.find_last_of("+-");
  if (p != std::string::npos && p + 3 <= s.size() && s.size() - p <= 6 && p > 10) s.resize(p);
  return s;
}

// Our rows of `e` as text (cast to VARCHAR in the Berlin zone).
std::vector<std::string> OurText(const BoundExpr& e, const Chunk& chunk, Status* status) {
  auto text = BindCast(e.Copy(), kStr, 0);
  std::vector<std::string> out;
  if (!text.ok()) {
    *status = text.status();
    return out;
  }
  Vector v;
  *status = Evaluate(BerlinCtx(), **text, chunk, &v);
  if (!status->ok()) return out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(v.GetValue(i).ToString());
  return out;
}

// Evaluates every case over the table here and in DuckDB (one query) and
// compares types and the text of every row.
void CompareWithDuckDb(std::vector<Case>& cases) {
  const Chunk chunk = TableChunk();
  std::string sql = "SELECT id";
  for (const auto& c : cases) sql += ", typeof(" + c.sql + "), (" + c.sql + ")::VARCHAR";
  sql += " FROM " + DuckValues() + " ORDER BY id";
  auto duck = testing::DuckDb({"SET TimeZone='Europe/Berlin'", sql});
  ASSERT_FALSE(duck.contains("error")) << duck["error"].get<std::string>().substr(0, 300);
  const auto& rows = duck["rows"];
  ASSERT_EQ(rows.size(), chunk.size);
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    Status st;
    std::vector<std::string> ours = OurText(*c.expr, chunk, &st);
    ASSERT_TRUE(st.ok()) << c.sql << ": " << st.message();
    if (c.check_type && !c.naive) {
      EXPECT_EQ(c.expr->type.ToString(), rows[0][1 + 2 * k].get<std::string>()) << c.sql;
    }
    for (size_t r = 0; r < chunk.size; ++r) {
      const auto& cell = rows[r][2 + 2 * k];
      const std::string want = cell.is_null() ? "NULL" : cell.get<std::string>();
      EXPECT_EQ(c.naive ? WithoutOffset(ours[r]) : ours[r], want)
          << c.sql << " row " << r << " (" << c.expr->ToString() << ")";
    }
  }
}

template <typename... T>
std::vector<Case> Cases(T... c) {
  std::vector<Case> v;
  (v.push_back(std::move(c)), ...);
  return v;
}

TEST(SqlFunctionsTest, ArithmeticMatchesDuckDb) {
  auto cases = Cases(
      Case{"i + 2", F("+", C("i"), I(2))}, Case{"i + b", F("+", C("i"), C("b"))},
      Case{"b - i", F("-", C("b"), C("i"))}, Case{"i * b", F("*", C("i"), C("b"))},
      Case{"i / 2", F("/", C("i"), I(2))}, Case{"b / i", F("/", C("b"), C("i"))},
      Case{"i // 2", F("//", C("i"), I(2))}, Case{"b // i", F("//", C("b"), C("i"))},
      Case{"b % i", F("%", C("b"), C("i"))}, Case{"i % 5", F("%", C("i"), I(5))},
      Case{"-i", F("-", C("i"))}, Case{"-m", F("-", C("m"))}, Case{"d + i", F("+", C("d"), C("i"))},
      Case{"d * m", F("*", C("d"), C("m"))}, Case{"d / 0", F("/", C("d"), I(0))},
      Case{"d // 2", F("//", C("d"), I(2))}, Case{"d % 2", F("%", C("d"), I(2))},
      Case{"m + 1", F("+", C("m"), I(1))}, Case{"m + i", F("+", C("m"), C("i"))},
      Case{"m - b", F("-", C("m"), C("b"))}, Case{"m * 2", F("*", C("m"), I(2))},
      Case{"m * 1.5", F("*", C("m"), L(Value::Decimal(15, 2, 1)))},
      Case{"m * m", F("*", C("m"), C("m"))}, Case{"m / 2", F("/", C("m"), I(2))},
      Case{"m // 2", F("//", C("m"), I(2))}, Case{"m % 2", F("%", C("m"), I(2))},
      Case{"m % 0", F("%", C("m"), I(0))},
      Case{"i + 1.5", F("+", C("i"), L(Value::Decimal(15, 2, 1)))},
      Case{"abs(i)", F("abs", C("i"))}, Case{"abs(m)", F("abs", C("m"))},
      Case{"abs(d)", F("abs", C("d"))}, Case{"round(d)", F("round", C("d"))},
      Case{"round(m)", F("round", C("m"))}, Case{"round(m, 1)", F("round", C("m"), I(1))},
      Case{"round(m, -1)", F("round", C("m"), I(-1))},
      Case{"round(m, 5)", F("round", C("m"), I(5))},
      Case{"round(b, -1)", F("round", C("b"), I(-1))},
      Case{"round(d, 1)", F("round", C("d"), I(1))}, Case{"round(i)", F("round", C("i"))},
      Case{"floor(m)", F("floor", C("m"))}, Case{"ceil(m)", F("ceil", C("m"))},
      Case{"floor(d)", F("floor", C("d"))}, Case{"ceiling(i)", F("ceiling", C("i"))},
      Case{"sqrt(abs(b))", F("sqrt", F("abs", C("b")))},
      Case{"ln(d * d)", F("ln", F("*", C("d"), C("d")))},
      Case{"log10(abs(b))", F("log10", F("abs", C("b")))},
      Case{"power(i, 2)", F("power", C("i"), I(2))});
  CompareWithDuckDb(cases);
}

TEST(SqlFunctionsTest, ComparisonsMatchDuckDb) {
  auto cases = Cases(
      Case{"i = 7", F("=", C("i"), I(7))}, Case{"i < b", F("<", C("i"), C("b"))},
      Case{"b >= i", F(">=", C("b"), C("i"))}, Case{"m > 1", F(">", C("m"), I(1))},
      Case{"m <= 0.05", F("<=", C("m"), L(Value::Decimal(5, 3, 2)))},
      Case{"d <> m", F("<>", C("d"), C("m"))},
      Case{"i > 1.5", F(">", C("i"), L(Value::Decimal(15, 2, 1)))},
      Case{"s < 'b'", F("<", C("s"), S("b"))}, Case{"s = 'Hello'", F("=", C("s"), S("Hello"))},
      Case{"dt > '2025-01-01'", F(">", C("dt"), S("2025-01-01"))},
      Case{"ts > '2026-01-01 00:00:00'", F(">", C("ts"), S("2026-01-01 00:00:00"))},
      Case{"ts < dt", F("<", C("ts"), C("dt"))},
      Case{"ts = '2026-03-29 03:30:45.25+02'", F("=", C("ts"), S("2026-03-29 03:30:45.25+02"))},
      Case{"bo = true", F("=", C("bo"), L(Value::Bool(true)))},
      Case{"bo < bo", F("<", C("bo"), C("bo"))},
      Case{"iv > INTERVAL '1 day'", F(">", C("iv"), L(Value::FromInterval({0, 1, 0})))},
      Case{"i IN (7, 0, 99)", F("in", C("i"), I(7), I(0), I(99))},
      Case{"i IN (1, NULL)", F("in", C("i"), I(1), L(Value()))},
      Case{"i IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)",
           F("in", C("i"), I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11),
             I(12))},
      Case{"s IN ('Hello', '', 'x')", F("in", C("s"), S("Hello"), S(""), S("x"))},
      Case{"b IN (i, 3)", F("in", C("b"), C("i"), I(3))},
      Case{"dt IN ('2026-03-29', '1969-12-31')",
           F("in", C("dt"), S("2026-03-29"), S("1969-12-31"))},
      Case{"m IN (12.5, -0.15)",
           F("in", C("m"), L(Value::Decimal(125, 3, 1)), L(Value::Decimal(-15, 3, 2)))},
      Case{"coalesce(i, b, 42)", F("coalesce", C("i"), C("b"), I(42))},
      Case{"coalesce(m, 0)", F("coalesce", C("m"), I(0))},
      Case{"coalesce(s, 'none')", F("coalesce", C("s"), S("none"))},
      Case{"coalesce(ts, dt)", F("coalesce", C("ts"), C("dt"))},
      Case{"nullif(i, 0)", F("nullif", C("i"), I(0))},
      Case{"nullif(s, '')", F("nullif", C("s"), S(""))},
      Case{"greatest(i, b)", F("greatest", C("i"), C("b"))},
      Case{"least(m, 0, i)", F("least", C("m"), I(0), C("i"))});
  CompareWithDuckDb(cases);
}

TEST(SqlFunctionsTest, StringsMatchDuckDb) {
  auto cases = Cases(
      Case{"s || '!'", F("||", C("s"), S("!"))}, Case{"s || i", F("||", C("s"), C("i"))},
      Case{"concat(s, '-', i, m, NULL)", F("concat", C("s"), S("-"), C("i"), C("m"), L(Value()))},
      Case{"s LIKE 'H%'", F("~~", C("s"), S("H%"))},
      Case{"s LIKE '%ld%'", F("~~", C("s"), S("%ld%"))},
      Case{"s LIKE '%o'", F("~~", C("s"), S("%o"))},
      Case{"s LIKE 'w_rld%'", F("~~", C("s"), S("w_rld%"))},
      Case{"s LIKE ''", F("~~", C("s"), S(""))},
      Case{"s LIKE '%a\\%b%'", F("~~", C("s"), S("%a\\%b%"))},
      Case{"s LIKE '%a%b%c%'", F("~~", C("s"), S("%a%b%c%"))},
      Case{"s ILIKE 'hEL%'", F("~~*", C("s"), S("hEL%"))},
      Case{"s ILIKE '%àé'", F("~~*", C("s"), S("%àé"))},
      Case{"s NOT LIKE 'H%'", F("!~~", C("s"), S("H%"))}, Case{"s LIKE s", F("~~", C("s"), C("s"))},
      Case{"lower(s)", F("lower", C("s"))}, Case{"upper(s)", F("upper", C("s"))},
      Case{"length(s)", F("length", C("s"))}, Case{"strlen(s)", F("strlen", C("s"))},
      Case{"substr(s, 2)", F("substr", C("s"), I(2))},
      Case{"substr(s, 2, 3)", F("substr", C("s"), I(2), I(3))},
      Case{"substring(s, 0, 2)", F("substring", C("s"), I(0), I(2))},
      Case{"substr(s, -3)", F("substr", C("s"), I(-3))},
      Case{"substr(s, -3, 2)", F("substr", C("s"), I(-3), I(2))},
      Case{"substr(s, 3, -2)", F("substr", C("s"), I(3), I(-2))},
      Case{"substr(s, -10)", F("substr", C("s"), I(-10))},
      Case{"substr(s, i, 2)", F("substr", C("s"), C("i"), I(2))},
      Case{"trim(s)", F("trim", C("s"))}, Case{"ltrim(s)", F("ltrim", C("s"))},
      Case{"rtrim(s, ' c')", F("rtrim", C("s"), S(" c"))},
      Case{"replace(s, 'l', 'L')", F("replace", C("s"), S("l"), S("L"))},
      Case{"reverse(s)", F("reverse", C("s"))}, Case{"left(s, 2)", F("left", C("s"), I(2))},
      Case{"right(s, 3)", F("right", C("s"), I(3))}, Case{"left(s, -2)", F("left", C("s"), I(-2))},
      Case{"starts_with(s, 'He')", F("starts_with", C("s"), S("He"))},
      Case{"ends_with(s, 'ÀÉ')", F("ends_with", C("s"), S("ÀÉ"))},
      Case{"contains(s, 'ö')", F("contains", C("s"), S("ö"))},
      Case{"strpos(s, 'r')", F("strpos", C("s"), S("r"))});
  CompareWithDuckDb(cases);
}

TEST(SqlFunctionsTest, CastsMatchDuckDb) {
  auto cases = Cases(
      Case{"CAST(d AS BIGINT)", Cast(C("d"), kBig)}, Case{"CAST(m AS INTEGER)", Cast(C("m"), kInt)},
      Case{"CAST(m AS DECIMAL(4,1))", Cast(C("m"), SqlType::Decimal(4, 1))},
      Case{"CAST(m AS DECIMAL(18,4))", Cast(C("m"), SqlType::Decimal(18, 4))},
      Case{"CAST(m AS DOUBLE)", Cast(C("m"), kDbl)},
      Case{"CAST(i AS DECIMAL(5,1))", Cast(C("i"), SqlType::Decimal(5, 1))},
      Case{"CAST(b AS DOUBLE)", Cast(C("b"), kDbl)},
      Case{"CAST(i AS BOOLEAN)", Cast(C("i"), kBool)},
      Case{"CAST(bo AS INTEGER)", Cast(C("bo"), kInt)},
      Case{"CAST(d AS DECIMAL(22,1))", Cast(C("d"), SqlType::Decimal(22, 1))},
      Case{"CAST(dt AS TIMESTAMPTZ)", Cast(C("dt"), kTs)},
      Case{"CAST(ts AS DATE)", Cast(C("ts"), kDate)},
      Case{"CAST(CAST(ts AS VARCHAR) AS TIMESTAMPTZ)", Cast(Cast(C("ts"), kStr), kTs)},
      Case{"CAST(CAST(dt AS VARCHAR) AS DATE)", Cast(Cast(C("dt"), kStr), kDate)},
      Case{"CAST(CAST(m AS VARCHAR) AS DECIMAL(10,2))",
           Cast(Cast(C("m"), kStr), SqlType::Decimal(10, 2))},
      Case{"CAST(CAST(d AS VARCHAR) AS DOUBLE)", Cast(Cast(C("d"), kStr), kDbl)},
      Case{"CAST(CAST(iv AS VARCHAR) AS INTERVAL)", Cast(Cast(C("iv"), kStr), kIv)},
      Case{"CAST(CAST(bo AS VARCHAR) AS BOOLEAN)", Cast(Cast(C("bo"), kStr), kBool)},
      Case{"CAST(' 42 ' AS INTEGER)", Cast(S(" 42 "), kInt)},
      Case{"CAST('2.5' AS INTEGER)", Cast(S("2.5"), kInt)},
      Case{"CAST('-2.5' AS BIGINT)", Cast(S("-2.5"), kBig)},
      Case{"CAST('1e3' AS INTEGER)", Cast(S("1e3"), kInt)},
      Case{"CAST('1_000' AS INTEGER)", Cast(S("1_000"), kInt)},
      Case{"CAST('0x1F' AS INTEGER)", Cast(S("0x1F"), kInt)},
      Case{"CAST('1.255' AS DECIMAL(4,2))", Cast(S("1.255"), SqlType::Decimal(4, 2))},
      Case{"CAST('-.5' AS DECIMAL(4,2))", Cast(S("-.5"), SqlType::Decimal(4, 2))},
      Case{"CAST('yes' AS BOOLEAN)", Cast(S("yes"), kBool)},
      Case{"CAST('F' AS BOOLEAN)", Cast(S("F"), kBool)},
      Case{"CAST('2026-03-29 02:30:00' AS TIMESTAMPTZ)", Cast(S("2026-03-29 02:30:00"), kTs)},
      Case{"CAST('2026-10-25 02:30:00' AS TIMESTAMPTZ)", Cast(S("2026-10-25 02:30:00"), kTs)},
      Case{"CAST('2026-10-25' AS TIMESTAMPTZ)", Cast(S("2026-10-25"), kTs)},
      Case{"CAST('2026-10-25 10:00:00 UTC' AS TIMESTAMPTZ)",
           Cast(S("2026-10-25 10:00:00 UTC"), kTs)},
      Case{"CAST('2024-01-01 10:00' AS DATE)", Cast(S("2024-01-01 10:00"), kDate)},
      Case{"CAST('1 day 2 hours' AS INTERVAL)", Cast(S("1 day 2 hours"), kIv)},
      Case{"CAST('3 days' AS INTERVAL)", Cast(S("3 days"), kIv)},
      Case{"CAST('2 months' AS INTERVAL)", Cast(S("2 months"), kIv)},
      Case{"CAST('1 year 3 mons -2 days' AS INTERVAL)", Cast(S("1 year 3 mons -2 days"), kIv)},
      Case{"CAST('1.5 hours' AS INTERVAL)", Cast(S("1.5 hours"), kIv)},
      Case{"CAST('01:30:00' AS INTERVAL)", Cast(S("01:30:00"), kIv)},
      Case{"CAST('2 weeks 30 minutes 10 seconds' AS INTERVAL)",
           Cast(S("2 weeks 30 minutes 10 seconds"), kIv)},
      Case{"CAST('1.5 days' AS INTERVAL)", Cast(S("1.5 days"), kIv)},
      Case{"CAST(1e300 AS VARCHAR)", Cast(L(Value::Float64(1e300)), kStr)},
      Case{"CAST(-0.000123::DOUBLE AS VARCHAR)", Cast(L(Value::Float64(-0.000123)), kStr)});
  CompareWithDuckDb(cases);
}

TEST(SqlFunctionsTest, TimeMatchesDuckDb) {
  auto cases = Cases(
      Case{"date_trunc('day', ts)", F("date_trunc", S("day"), C("ts"))},
      Case{"date_trunc('hour', ts)", F("date_trunc", S("hour"), C("ts"))},
      Case{"date_trunc('minute', ts)", F("date_trunc", S("minute"), C("ts"))},
      Case{"date_trunc('second', ts)", F("date_trunc", S("second"), C("ts"))},
      Case{"date_trunc('milliseconds', ts)", F("date_trunc", S("milliseconds"), C("ts"))},
      Case{"date_trunc('week', ts)", F("date_trunc", S("week"), C("ts"))},
      Case{"date_trunc('month', ts)", F("date_trunc", S("month"), C("ts"))},
      Case{"date_trunc('quarter', ts)", F("date_trunc", S("quarter"), C("ts"))},
      Case{"date_trunc('year', ts)", F("date_trunc", S("year"), C("ts"))},
      Case{"date_trunc('decade', ts)", F("date_trunc", S("decade"), C("ts"))},
      Case{"date_part('year', ts)", F("date_part", S("year"), C("ts"))},
      Case{"date_part('quarter', ts)", F("date_part", S("quarter"), C("ts"))},
      Case{"date_part('month', ts)", F("date_part", S("month"), C("ts"))},
      Case{"date_part('day', ts)", F("date_part", S("day"), C("ts"))},
      Case{"date_part('hour', ts)", F("date_part", S("hour"), C("ts"))},
      Case{"date_part('minute', ts)", F("date_part", S("minute"), C("ts"))},
      Case{"date_part('second', ts)", F("date_part", S("second"), C("ts"))},
      Case{"date_part('millisecond', ts)", F("date_part", S("millisecond"), C("ts"))},
      Case{"date_part('microsecond', ts)", F("date_part", S("microsecond"), C("ts"))},
      Case{"date_part('dow', ts)", F("date_part", S("dow"), C("ts"))},
      Case{"date_part('isodow', ts)", F("date_part", S("isodow"), C("ts"))},
      Case{"date_part('week', ts)", F("date_part", S("week"), C("ts"))},
      Case{"date_part('doy', ts)", F("date_part", S("doy"), C("ts"))},
      Case{"date_part('epoch', ts)", F("date_part", S("epoch"), C("ts"))},
      Case{"date_part('isoyear', dt)", F("date_part", S("isoyear"), C("dt"))},
      Case{"date_part('yearweek', dt)", F("date_part", S("yearweek"), C("dt"))},
      Case{"date_part('century', dt)", F("date_part", S("century"), C("dt"))},
      Case{"date_part('epoch', dt)", F("date_part", S("epoch"), C("dt"))},
      Case{"date_part('dow', dt)", F("date_part", S("dow"), C("dt"))},
      Case{"date_part('hour', iv)", F("date_part", S("hour"), C("iv"))},
      Case{"date_part('month', iv)", F("date_part", S("month"), C("iv"))},
      Case{"date_part('epoch', iv)", F("date_part", S("epoch"), C("iv"))},
      Case{"year(dt)", F("year", C("dt"))}, Case{"month(ts)", F("month", C("ts"))},
      Case{"dayofweek(dt)", F("dayofweek", C("dt"))},
      Case{"strftime(ts, '%Y-%m-%d %H:%M:%S.%f %j %a %A %b %B %y %p %I %z %Z %%')",
           F("strftime", C("ts"), S("%Y-%m-%d %H:%M:%S.%f %j %a %A %b %B %y %p %I %z %Z %%"))},
      Case{"strftime(ts, '%-d/%-m %-H:%M %u %w %V %G %g %x %X %c')",
           F("strftime", C("ts"), S("%-d/%-m %-H:%M %u %w %V %G %g %x %X %c"))},
      Case{"strftime(dt, '%d.%m.%Y %U %W')", F("strftime", C("dt"), S("%d.%m.%Y %U %W"))},
      Case{"ts + iv", F("+", C("ts"), C("iv"))}, Case{"ts - iv", F("-", C("ts"), C("iv"))},
      Case{"iv + ts", F("+", C("iv"), C("ts"))},
      Case{"ts + INTERVAL '1 month'", F("+", C("ts"), L(Value::FromInterval({1, 0, 0})))},
      Case{"ts + INTERVAL '1 day'", F("+", C("ts"), L(Value::FromInterval({0, 1, 0})))},
      Case{"ts - INTERVAL '24 hours'",
           F("-", C("ts"), L(Value::FromInterval({0, 0, 86400000000LL})))},
      Case{"dt + 1", F("+", C("dt"), I(1))}, Case{"dt - i", F("-", C("dt"), C("i"))},
      Case{"dt - DATE '2024-01-01'", F("-", C("dt"), L(Value::Date(19723)))},
      Case{"ts - TIMESTAMPTZ '2026-03-28 01:00:00Z'",
           F("-", C("ts"), L(Value::Timestamp(1774659600000000LL)))},
      Case{"ts - dt", F("-", C("ts"), C("dt"))},
      Case{"ts + INTERVAL '-1 month -2 days -1 hour'",
           F("+", C("ts"), L(Value::FromInterval({-1, -2, -3600000000LL})))},
      Case{"ts + INTERVAL '1 day 1 hour'",
           F("+", C("ts"), L(Value::FromInterval({0, 1, 3600000000LL})))},
      Case{"ts + INTERVAL '1 month -1 day'", F("+", C("ts"), L(Value::FromInterval({1, -1, 0})))},
      Case{"ts - TIMESTAMPTZ '2026-01-30 12:00:00Z'",
           F("-", C("ts"), L(Value::Timestamp(1769774400000000LL)))},
      Case{"iv + iv", F("+", C("iv"), C("iv"))}, Case{"iv * 3", F("*", C("iv"), I(3))},
      Case{"-iv", F("-", C("iv"))});
  CompareWithDuckDb(cases);
}

TEST(SqlFunctionsTest, TextFormsAndEdgesMatchDuckDb) {
  auto cases = Cases(
      Case{"CAST(d AS VARCHAR)", Cast(C("d"), kStr)},
      Case{"CAST(m AS VARCHAR)", Cast(C("m"), kStr)},
      Case{"CAST(bo AS VARCHAR)", Cast(C("bo"), kStr)},
      Case{"CAST(ts AS VARCHAR)", Cast(C("ts"), kStr)},
      Case{"CAST(dt AS VARCHAR)", Cast(C("dt"), kStr)},
      Case{"CAST(iv AS VARCHAR)", Cast(C("iv"), kStr)},
      Case{"CAST(b AS VARCHAR)", Cast(C("b"), kStr)}, Case{"d / 3", F("/", C("d"), I(3))},
      Case{"b // 0", F("//", C("b"), I(0))}, Case{"i % 0", F("%", C("i"), I(0))},
      Case{"-b", F("-", C("b"))}, Case{"-d", F("-", C("d"))},
      Case{"m - 0.005", F("-", C("m"), L(Value::Decimal(5, 3, 3)))},
      Case{"m * b", F("*", C("m"), C("b"))},
      Case{"round(m * 1.5, 2)", F("round", F("*", C("m"), L(Value::Decimal(15, 2, 1))), I(2))},
      Case{"i = NULL", F("=", C("i"), L(Value()))},
      Case{"i IN (7, NULL)", F("in", C("i"), I(7), L(Value()))},
      Case{"s || NULL", F("||", C("s"), L(Value())), false},  // DuckDB types it "NULL"
      Case{"concat(NULL, s)", F("concat", L(Value()), C("s"))},
      Case{"length(lower(upper(s)))", F("length", F("lower", F("upper", C("s"))))},
      Case{"substr(s, 2, 0)", F("substr", C("s"), I(2), I(0))},
      Case{"substr(s, 100, 2)", F("substr", C("s"), I(100), I(2))},
      Case{"s LIKE '%'", F("~~", C("s"), S("%"))}, Case{"s LIKE '_'", F("~~", C("s"), S("_"))},
      Case{"s LIKE '%_%_%'", F("~~", C("s"), S("%_%_%"))},
      Case{"s ILIKE 'W%'", F("~~*", C("s"), S("W%"))},
      Case{"s NOT ILIKE '%É'", F("!~~*", C("s"), S("%É"))},
      Case{"date_part('epoch', ts - dt)", F("date_part", S("epoch"), F("-", C("ts"), C("dt")))},
      Case{"dt + iv", F("+", C("dt"), C("iv")), true, true},
      Case{"dt - INTERVAL '1 hour'", F("-", C("dt"), L(Value::FromInterval({0, 0, 3600000000LL}))),
           true, true},
      Case{"dt = ts", F("=", C("dt"), C("ts"))},
      Case{"coalesce(ts, '2026-01-01 00:00:00')", F("coalesce", C("ts"), S("2026-01-01 00:00:00"))},
      Case{"greatest(dt, '2025-01-01')", F("greatest", C("dt"), S("2025-01-01"))});
  CompareWithDuckDb(cases);
}

// DuckDB's date_trunc and DATE +/- INTERVAL give a naive TIMESTAMP; ours
// is the instant of that local time (shown with the offset).
TEST(SqlFunctionsTest, DateInputsGiveLocalMidnightInstants) {
  Chunk chunk = TableChunk();
  auto e = F("date_trunc", S("month"), C("dt"));
  EXPECT_EQ(e->type, kTs);
  Status st;
  auto text = OurText(*e, chunk, &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(text,
            (std::vector<std::string>{"2026-03-01 00:00:00+01", "2024-02-01 00:00:00+01", "NULL",
                                      "1969-12-01 00:00:00+01", "2026-10-01 00:00:00+02"}));
  auto plus = F("+", C("dt"), L(Value::FromInterval({0, 1, 3600000000LL})));
  text = OurText(*plus, chunk, &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(text[0], "2026-03-30 01:00:00+02");
}

TEST(SqlFunctionsTest, NullArgumentsBind) {
  Chunk chunk = TableChunk();
  Status st;
  std::vector<BoundExprPtr> exprs;
  exprs.push_back(F("date_trunc", S("day"), L(Value())));
  exprs.push_back(F("date_part", S("year"), L(Value())));
  exprs.push_back(F("year", L(Value())));
  exprs.push_back(F("strftime", L(Value()), S("%Y")));
  exprs.push_back(F("lower", L(Value())));
  exprs.push_back(F("abs", L(Value())));
  exprs.push_back(F("+", C("i"), L(Value())));
  exprs.push_back(F("||", L(Value()), L(Value())));
  exprs.push_back(F("coalesce", L(Value()), L(Value())));
  exprs.push_back(F("in", L(Value()), I(1)));
  for (const auto& e : exprs) {
    auto text = OurText(*e, chunk, &st);
    ASSERT_TRUE(st.ok()) << e->ToString() << ": " << st.message();
    EXPECT_EQ(text[0], "NULL") << e->ToString();
  }
}

TEST(SqlFunctionsTest, NowAndCurrentDate) {
  Chunk chunk = TableChunk();
  Status st;
  EXPECT_EQ(OurText(*F("now"), chunk, &st)[0], "2026-03-29 03:30:45.25+02");
  EXPECT_EQ(OurText(*F("current_date"), chunk, &st)[0], "2026-03-29");
  EXPECT_EQ(F("current_timestamp")->type, kTs);
}

Status EvalError(BoundExprPtr e) {
  Chunk chunk = TableChunk();
  Vector out;
  return Evaluate(BerlinCtx(), *e, chunk, &out);
}

TEST(SqlFunctionsTest, OverflowAndBadValuesAreErrorsWithPosition) {
  auto over = BindFunction(
      "+",
      [] {
        std::vector<BoundExprPtr> v;
        v.push_back(L(Value::Int32(2147483647)));
        v.push_back(C("i"));
        return v;
      }(),
      9);
  ASSERT_TRUE(over.ok());
  Status st = EvalError(std::move(*over));
  EXPECT_EQ(st.message(), "Overflow in addition of INTEGER (2147483647 + 7) (position 10)");
  st = EvalError(F("*", L(Value::Int64(INT64_MAX)), C("b")));
  EXPECT_EQ(st.message(),
            "Overflow in multiplication of BIGINT (9223372036854775807 * 100) (position 1)");
  st = EvalError(F("+", L(Value::Decimal(999999999999999999LL, 18, 2)), C("m")));
  EXPECT_NE(st.message().find("Overflow in addition of DECIMAL(18,2)"), std::string::npos)
      << st.message();
  st = EvalError(F("-", L(Value::Int32(INT32_MIN))));
  EXPECT_EQ(st.message(), "Overflow in negation of INTEGER (-2147483648) (position 1)");
  auto bad = BindCast(C("s"), kInt, 11);
  ASSERT_TRUE(bad.ok());
  st = EvalError(std::move(*bad));
  EXPECT_EQ(st.message(), "Could not convert string 'Hello' to INTEGER (position 12)");
  bad = BindCast(S("abc"), kInt, 11);
  ASSERT_TRUE(bad.ok());
  st = EvalError(std::move(*bad));
  EXPECT_EQ(st.message(), "Could not convert string 'abc' to INTEGER (position 12)");
  st = EvalError(Cast(C("b"), SqlType::Decimal(3, 1)));
  EXPECT_EQ(st.message(), "Could not cast value 100 to DECIMAL(3,1) (position 1)");
  st = EvalError(Cast(L(Value::Int64(3000000000LL)), kInt));
  EXPECT_EQ(st.message(),
            "Type BIGINT with value 3000000000 can't be cast because the value is out of range "
            "for the destination type INTEGER (position 1)");
  st = EvalError(Cast(S("2026-13-01"), kDate));
  EXPECT_EQ(st.message(), "Could not convert string '2026-13-01' to DATE (position 1)");
  st = EvalError(Cast(S("3 dayz"), kIv));
  EXPECT_EQ(st.message(), "Could not convert string '3 dayz' to INTERVAL (position 1)");
  // A CASE guards a bad value: only the rows its WHEN selects are cast.
  auto guarded = std::make_unique<BoundExpr>();
  guarded->kind = BoundKind::kCase;
  guarded->type = kInt;
  guarded->children.push_back(F("=", C("s"), S("")));
  guarded->children.push_back(Cast(C("s"), kInt));  // '' is not a number either
  guarded->children.push_back(I(-1));
  st = EvalError(guarded->Copy());
  EXPECT_FALSE(st.ok());
  guarded->children[0] = F("~~", C("s"), S("%1%"));  // no row: never cast
  st = EvalError(std::move(guarded));
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(SqlFunctionsTest, BindErrors) {
  auto lowr = BindFunction("lowr", {}, 4);
  EXPECT_EQ(lowr.status().message(),
            "function \"lowr\" does not exist; did you mean \"lower\"? (position 5)");
  auto summ = BindFunction("summ", {}, 0);
  EXPECT_EQ(summ.status().message(),
            "function \"summ\" does not exist; did you mean \"sum\"? (position 1)");
  auto nothing = BindFunction("zzzzzzzz", {}, 0);
  EXPECT_EQ(nothing.status().message(), "function \"zzzzzzzz\" does not exist (position 1)");
  std::vector<BoundExprPtr> args;
  args.push_back(C("i"));
  auto lower = BindFunction("lower", std::move(args), 0);
  EXPECT_EQ(lower.status().message(),
            "No function matches lower(INTEGER); lower takes (VARCHAR) (position 1)");
  args.clear();
  args.push_back(C("dt"));
  args.push_back(C("bo"));
  auto plus = BindFunction("+", std::move(args), 2);
  EXPECT_NE(plus.status().message().find("No function matches +(DATE, BOOLEAN); + takes"),
            std::string::npos)
      << plus.status().message();
  args.clear();
  args.push_back(C("dt"));
  args.push_back(C("bo"));
  auto eq = BindFunction("=", std::move(args), 2);
  EXPECT_EQ(eq.status().message(),
            "Cannot compare values of type DATE and BOOLEAN - an explicit cast is required "
            "(position 3)");
  auto cast = BindCast(C("dt"), kInt, 6);
  EXPECT_EQ(cast.status().message(), "Cannot cast DATE to INTEGER (position 7)");
  args.clear();
  args.push_back(S("fortnight"));
  args.push_back(C("ts"));
  auto trunc = BindFunction("date_trunc", std::move(args), 0);
  EXPECT_FALSE(trunc.ok());
  EXPECT_NE(trunc.status().message().find("unknown date part 'fortnight'"), std::string::npos);
  EXPECT_TRUE(IsScalarFunction("lower"));
  EXPECT_TRUE(IsScalarFunction("+"));
  EXPECT_FALSE(IsScalarFunction("sum"));
  auto names = ScalarFunctionNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(SqlFunctionsTest, CommonTypes) {
  EXPECT_EQ(*CommonType(kInt, kBig), kBig);
  EXPECT_EQ(*CommonType(kInt, SqlType::Decimal(4, 1)), SqlType::Decimal(11, 1));
  EXPECT_EQ(*CommonType(kBig, SqlType::Decimal(4, 1)), SqlType::Decimal(20, 1));
  EXPECT_EQ(*CommonType(SqlType::Decimal(10, 2), SqlType::Decimal(5, 3)), SqlType::Decimal(11, 3));
  EXPECT_EQ(*CommonType(SqlType::Decimal(10, 2), kDbl), kDbl);
  EXPECT_EQ(*CommonType(kDate, kTs), kTs);
  EXPECT_EQ(*CommonType(SqlType{}, kStr), kStr);
  EXPECT_EQ(*CommonType(kBool, kInt), kInt);
  EXPECT_FALSE(CommonType(kDate, kBool).ok());
  EXPECT_FALSE(CommonType(kStr, kInt).ok());
}

TEST(SqlFunctionsTest, ConstantCastsFold) {
  auto e = BindCast(S("42"), kInt, 0);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->kind, BoundKind::kConstant);
  EXPECT_EQ((*e)->value, Value::Int32(42));
  // A comparison of a column with a literal keeps the column bare, so the
  // WHERE filter takes its fast path.
  auto cmp = F(">", C("m"), I(1));
  EXPECT_EQ(cmp->ToString(), "(m > 1.00)");
  auto dcmp = F(">=", C("dt"), S("2025-01-01"));
  EXPECT_EQ(dcmp->ToString(), "(dt >= DATE '2025-01-01')");
}

TEST(SqlFunctionsTest, SelectFastPathAgreesWithEvaluate) {
  Chunk chunk = TableChunk();
  std::vector<BoundExprPtr> preds;
  preds.push_back(F(">", C("m"), I(1)));
  preds.push_back(F("<", I(0), C("i")));
  preds.push_back(F("<=", C("i"), C("b")));
  preds.push_back(F("=", C("s"), S("Hello")));
  preds.push_back(F(">=", C("dt"), S("2025-01-01")));
  preds.push_back(F("<>", C("d"), L(Value::Float64(2.5))));
  preds.push_back(F("~~", C("s"), S("%l%")));
  for (const auto& p : preds) {
    std::vector<uint32_t> sel(chunk.size);
    size_t n = 0;
    ASSERT_TRUE(Select(BerlinCtx(), *p, chunk, sel.data(), &n).ok());
    Vector v;
    ASSERT_TRUE(Evaluate(BerlinCtx(), *p, chunk, &v).ok());
    std::vector<uint32_t> want;
    for (uint32_t r = 0; r < chunk.size; ++r) {
      if (!v.IsNull(r) && v.data<uint8_t>()[r]) want.push_back(r);
    }
    EXPECT_EQ(std::vector<uint32_t>(sel.begin(), sel.begin() + n), want) << p->ToString();
  }
}

}  // namespace
}  // namespace tp::storage::sql
