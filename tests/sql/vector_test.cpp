// Tests for Vector and Chunk: ownership, views that outlive their source,
// strings shared between vectors, validity through Gather/Append/Slice.
#include "storage/sql/vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace tp::storage::sql {
namespace {

const SqlType kInt = SqlType::Of(SqlTypeId::kInt64);
const SqlType kStr = SqlType::Of(SqlTypeId::kString);

Vector Ints(const std::vector<int64_t>& v, const std::vector<size_t>& nulls = {}) {
  Vector out(kInt, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.data<int64_t>()[i] = v[i];
  for (size_t n : nulls) {
    out.SetNull(n);
    out.data<int64_t>()[n] = 0;
  }
  return out;
}

Vector Strings(const std::vector<std::string>& v) {
  Vector out(kStr, 0);
  for (const auto& s : v) out.AppendValue(Value::String(s));
  return out;
}

std::vector<std::string> Texts(const Vector& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(v.GetValue(i).ToString());
  return out;
}

TEST(SqlVectorTest, NewVectorIsZeroAndValid) {
  Vector v(SqlType::Of(SqlTypeId::kInt32), 5);
  EXPECT_EQ(v.size(), 5u);
  EXPECT_TRUE(v.AllValid());
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(v.data<int32_t>()[i], 0);
  v.SetNull(2);
  EXPECT_FALSE(v.AllValid());
  EXPECT_TRUE(v.IsNull(2));
  EXPECT_FALSE(v.IsNull(1));
  EXPECT_TRUE(v.GetValue(2).is_null());
  EXPECT_EQ(v.GetValue(2).type(), SqlType::Of(SqlTypeId::kInt32));
}

TEST(SqlVectorTest, ResetDropsValidityAndChangesType) {
  Vector v = Ints({1, 2, 3}, {1});
  v.Reset(SqlType::Of(SqlTypeId::kFloat64), 4);
  EXPECT_EQ(v.size(), 4u);
  EXPECT_TRUE(v.AllValid());
  EXPECT_EQ(v.type(), SqlType::Of(SqlTypeId::kFloat64));
  v.Reset(3000);  // grows past the old buffer
  EXPECT_EQ(v.size(), 3000u);
  v.data<double>()[2999] = 1.5;
  EXPECT_EQ(v.GetValue(2999), Value::Float64(1.5));
}

TEST(SqlVectorTest, SetAllNull) {
  Vector v = Ints({1, 2, 3});
  v.SetAllNull();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(v.IsNull(i));
    EXPECT_EQ(v.data<int64_t>()[i], 0);
  }
}

TEST(SqlVectorTest, ReferenceSurvivesSourceReuse) {
  Vector src = Ints({10, 20, 30}, {1});
  Vector view;
  view.Reference(src);
  EXPECT_EQ(view.data<int64_t>(), src.data<int64_t>());  // zero-copy
  // The source is reused for the next batch: the view keeps the old values.
  src.Reset(kInt, 3);
  src.data<int64_t>()[0] = 99;
  EXPECT_EQ(view.GetValue(0), Value::Int64(10));
  EXPECT_TRUE(view.IsNull(1));
  EXPECT_EQ(view.GetValue(2), Value::Int64(30));
  EXPECT_EQ(src.GetValue(0), Value::Int64(99));
  // And after the source is gone.
  src = Vector();
  EXPECT_EQ(view.GetValue(2), Value::Int64(30));
}

TEST(SqlVectorTest, StringsSurviveSourceReuse) {
  Vector src = Strings({"alpha", "beta", "a somewhat longer string value"});
  Vector view, gathered, appended;
  view.Reference(src);
  const uint32_t sel[] = {2, 0};
  gathered.Gather(src, sel, 2);
  appended.Reset(kStr, 0);
  appended.Append(src, 1, 2);
  src.Reset(kStr, 3);
  for (size_t i = 0; i < 3; ++i) src.data<std::string_view>()[i] = src.AddString("zzzzzzzzzz");
  src = Vector();
  EXPECT_EQ(Texts(view),
            (std::vector<std::string>{"alpha", "beta", "a somewhat longer string value"}));
  EXPECT_EQ(Texts(gathered), (std::vector<std::string>{"a somewhat longer string value", "alpha"}));
  EXPECT_EQ(Texts(appended), (std::vector<std::string>{"beta", "a somewhat longer string value"}));
}

TEST(SqlVectorTest, ExternalBufferKeptAlive) {
  auto buf = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{7, 8, 9});
  Vector v;
  v.ReferenceExternal(kInt, buf->data(), nullptr, 3, buf);
  std::weak_ptr<std::vector<int64_t>> weak = buf;
  buf.reset();
  EXPECT_FALSE(weak.expired());
  Vector slice;
  slice.Slice(v, 1, 2);
  v = Vector();
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(Texts(slice), (std::vector<std::string>{"8", "9"}));
  slice = Vector();
  EXPECT_TRUE(weak.expired());
}

TEST(SqlVectorTest, ExternalStringsKeptAliveThroughGather) {
  auto text = std::make_shared<std::string>("helloworld");
  auto views = std::make_shared<std::vector<std::string_view>>();
  views->push_back(std::string_view(*text).substr(0, 5));
  views->push_back(std::string_view(*text).substr(5));
  Vector v;
  v.ReferenceExternal(kStr, views->data(), nullptr, 2, views);
  v.KeepAlive(text);
  Vector g;
  const uint32_t sel[] = {1};
  g.Gather(v, sel, 1);
  std::weak_ptr<std::string> weak = text;
  text.reset();
  views.reset();
  v = Vector();
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(Texts(g), (std::vector<std::string>{"world"}));
}

TEST(SqlVectorTest, GatherCarriesValidity) {
  Vector src = Ints({1, 2, 3, 4}, {2});
  Vector g;
  const uint32_t sel[] = {3, 2, 0};
  g.Gather(src, sel, 3);
  EXPECT_EQ(Texts(g), (std::vector<std::string>{"4", "NULL", "1"}));
  const uint32_t sel2[] = {0, 1};
  g.Gather(src, sel2, 2);  // no NULL among these rows
  EXPECT_TRUE(g.AllValid());
}

TEST(SqlVectorTest, AppendGrowsAndMergesValidity) {
  Vector dst = Ints({1, 2});
  Vector a = Ints({3, 4, 5}, {1});
  dst.Append(a, 0, 3);
  Vector b = Ints({6});
  dst.Append(b, 0, 1);
  EXPECT_EQ(Texts(dst), (std::vector<std::string>{"1", "2", "3", "NULL", "5", "6"}));
  for (int i = 0; i < 5000; ++i) dst.Append(b, 0, 1);
  EXPECT_EQ(dst.size(), 5006u);
  EXPECT_TRUE(dst.IsNull(3));
  EXPECT_EQ(dst.GetValue(5005), Value::Int64(6));
  // Appending to an empty default vector takes the source's type.
  Vector fresh;
  fresh.Append(a, 1, 2);
  EXPECT_EQ(Texts(fresh), (std::vector<std::string>{"NULL", "5"}));
}

TEST(SqlVectorTest, AppendToAViewCopiesFirst) {
  Vector src = Ints({1, 2, 3});
  Vector view;
  view.Reference(src);
  Vector more = Ints({4});
  view.Append(more, 0, 1);
  EXPECT_EQ(Texts(view), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(Texts(src), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(SqlVectorTest, ResetOfASharedBufferLeavesViewsAlone) {
  Vector owner = Ints({1, 2, 3});
  Vector view;
  view.Slice(owner, 1, 2);
  owner.Reset(kInt, 2);
  owner.data<int64_t>()[0] = 50;
  owner.data<int64_t>()[1] = 60;
  owner.SetNull(1);
  EXPECT_EQ(Texts(view), (std::vector<std::string>{"2", "3"}));
  EXPECT_TRUE(view.AllValid());
}

TEST(SqlVectorTest, MutableValidityOfAViewDoesNotTouchTheSource) {
  Vector src = Ints({1, 2});
  Vector view;
  view.Reference(src);
  view.SetNull(0);
  EXPECT_TRUE(view.IsNull(0));
  EXPECT_TRUE(src.AllValid());
}

TEST(SqlVectorTest, ValuesRoundTrip) {
  std::vector<Value> values = {
      Value::Bool(true),
      Value::Int32(-5),
      Value::Int64(1LL << 40),
      Value::Float64(2.5),
      Value::Decimal(1250, 10, 2),
      Value::String("héllo"),
      Value::Date(20000),
      Value::Timestamp(1700000000123456),
      Value::FromInterval(Interval{14, 3, 4 * 3600 * 1000000LL}),
  };
  for (const Value& v : values) {
    Vector vec(v.type(), 0);
    vec.AppendValue(v);
    vec.AppendValue(Value::Null(v.type()));
    EXPECT_EQ(vec.GetValue(0), v) << v.ToString();
    EXPECT_TRUE(vec.GetValue(1).is_null());
    vec.SetValue(1, v);
    EXPECT_EQ(vec.GetValue(1), v);
    EXPECT_FALSE(vec.IsNull(1));
  }
}

TEST(SqlVectorTest, ChunkResetAndMemory) {
  Chunk c;
  c.Reset({kInt, kStr}, 100);
  EXPECT_EQ(c.size, 100u);
  EXPECT_EQ(c.Types(), (std::vector<SqlType>{kInt, kStr}));
  EXPECT_GE(c.MemoryUsage(), 100 * 8 + 100 * sizeof(std::string_view));
}

TEST(SqlValueTest, TextForms) {
  EXPECT_EQ(Value::Float64(1e20).ToString(), "1e+20");
  EXPECT_EQ(Value::Float64(100).ToString(), "100.0");
  EXPECT_EQ(Value::Float64(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Float64(1e15).ToString(), "1000000000000000.0");
  EXPECT_EQ(Value::Float64(1e16).ToString(), "1e+16");
  EXPECT_EQ(Value::Float64(1e-5).ToString(), "1e-05");
  EXPECT_EQ(Value::Float64(0.0001).ToString(), "0.0001");
  EXPECT_EQ(Value::Float64(-0.0).ToString(), "-0.0");
  EXPECT_EQ(Value::Float64(123456789012345678.0).ToString(), "1.2345678901234568e+17");
  EXPECT_EQ(Value::Float64(12345678.9).ToString(), "12345678.9");
  EXPECT_EQ(Value::Decimal(1250, 10, 2).ToString(), "12.50");
  EXPECT_EQ(Value::Decimal(-5, 10, 2).ToString(), "-0.05");
  EXPECT_EQ(Value::Decimal(7, 3, 0).ToString(), "7");
  EXPECT_EQ(Value::Date(0).ToString(), "1970-01-01");
  EXPECT_EQ(Value::Timestamp(1500000).ToString(), "1970-01-01 00:00:01.5+00");
  EXPECT_EQ(FormatTimestamp(0, 19800), "1970-01-01 05:30:00+05:30");
  EXPECT_EQ(FormatTimestamp(0, -3 * 3600), "1969-12-31 21:00:00-03");
  EXPECT_EQ(FormatInterval({0, 3, 4 * 3600 * 1000000LL}), "3 days 04:00:00");
  EXPECT_EQ(FormatInterval({0, 1, 0}), "1 day");
  EXPECT_EQ(FormatInterval({}), "00:00:00");
  EXPECT_EQ(FormatInterval({14, 0, 0}), "1 year 2 months");
  EXPECT_EQ(FormatInterval({0, -1, 2 * 3600 * 1000000LL}), "-1 day 02:00:00");
  EXPECT_EQ(FormatInterval({1, 0, -3 * 3600 * 1000000LL}), "1 month -03:00:00");
  EXPECT_EQ(FormatInterval({0, 0, 1500000}), "00:00:01.5");
  EXPECT_EQ(FormatInterval({0, 0, 100 * 3600 * 1000000LL}), "100:00:00");
  EXPECT_EQ(FormatInterval({-12, 0, 0}), "-1 year");
  EXPECT_EQ(Value::Null().ToString(), "NULL");
  EXPECT_EQ(SqlType::Decimal(12, 2).ToString(), "DECIMAL(12,2)");
  EXPECT_EQ(SqlType::Of(SqlTypeId::kTimestamp).ToString(), "TIMESTAMP WITH TIME ZONE");
}

}  // namespace
}  // namespace tp::storage::sql
