#include "app/record_decoder.h"

#include <gtest/gtest.h>

namespace tp::app {
namespace {

using storage::Field;
using storage::LogicalType;
using storage::Schema;
using storage::TypeId;

Schema OrdersSchema() {
  return Schema{{
      {"order_id", LogicalType::Of(TypeId::kString), false},
      {"items", LogicalType::Of(TypeId::kInt32), false},
      {"total", LogicalType::Decimal(12, 2), false},
      {"paid", LogicalType::Of(TypeId::kBool), true},
      {"score", LogicalType::Of(TypeId::kFloat64), true},
      {"city", LogicalType::Of(TypeId::kString), true},
      {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false},
      {"delivered_on", LogicalType::Of(TypeId::kDate), true},
      {"big", LogicalType::Of(TypeId::kInt64), true},
  }};
}

struct Fixture {
  std::unique_ptr<RecordDecoder> decoder;
  std::vector<storage::Column> cols;
  explicit Fixture(const std::string& tz = "UTC", std::vector<std::string> paths = {}) {
    if (paths.empty()) paths.resize(OrdersSchema().fields.size());
    paths[5] = paths[5].empty() ? "customer.city" : paths[5];
    auto d = RecordDecoder::Create(OrdersSchema(), paths, tz);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    decoder = std::move(*d);
    cols = decoder->MakeColumns();
  }
  DecodeError Reject(std::string_view json) {
    DecodeError e;
    size_t before = cols[0].size();
    EXPECT_FALSE(decoder->Decode(json, &cols, &e)) << json;
    for (const auto& c : cols) EXPECT_EQ(c.size(), before) << "a rejected record left a value";
    return e;
  }
  void Accept(std::string_view json) {
    DecodeError e;
    EXPECT_TRUE(decoder->Decode(json, &cols, &e)) << json << ": " << e.field << ": " << e.reason;
  }
};

TEST(RecordDecoder, DecodesEveryTypeExactly) {
  Fixture f;
  f.Accept(R"({"order_id":"o-1","items":3,"total":129.90,"paid":true,"score":4.5,
              "customer":{"city":"São Paulo","state":"SP"},"purchased_at":"2026-11-21T15:03:12-03:00",
              "delivered_on":"2026-11-25","big":9007199254740993,"unknown_field":[1,2]})");
  ASSERT_EQ(f.cols[0].size(), 1u);
  EXPECT_EQ(f.cols[0].GetString(0), "o-1");
  EXPECT_EQ(f.cols[1].Get<int32_t>(0), 3);
  EXPECT_EQ(f.cols[2].Get<int64_t>(0), 12990);  // not 12989.999...
  EXPECT_EQ(f.cols[3].Get<uint8_t>(0), 1);
  EXPECT_DOUBLE_EQ(f.cols[4].Get<double>(0), 4.5);
  EXPECT_EQ(f.cols[5].GetString(0), "São Paulo");
  EXPECT_EQ(f.cols[6].Get<int64_t>(0), 1795284192LL * 1000000);
  EXPECT_EQ(f.cols[7].Get<int32_t>(0), 20782);  // 2026-11-25
  EXPECT_EQ(f.cols[8].Get<int64_t>(0), 9007199254740993LL);  // beyond double precision
}

TEST(RecordDecoder, NumbersInStringsAndStringsFromNumbers) {
  Fixture f;
  f.Accept(R"({"order_id":12345,"items":"2","total":"0.1","purchased_at":"2026-01-01T00:00:00Z","score":"1e-3","paid":"false"})");
  EXPECT_EQ(f.cols[0].GetString(0), "12345");
  EXPECT_EQ(f.cols[1].Get<int32_t>(0), 2);
  EXPECT_EQ(f.cols[2].Get<int64_t>(0), 10);
  EXPECT_DOUBLE_EQ(f.cols[4].Get<double>(0), 0.001);
  EXPECT_EQ(f.cols[3].Get<uint8_t>(0), 0);
}

TEST(RecordDecoder, MissingAndNullFieldsAreNullWhereAllowed) {
  Fixture f;
  f.Accept(R"({"order_id":"a","items":1,"total":1,"purchased_at":"2026-01-01T00:00:00Z","paid":null,"customer":"not an object"})");
  EXPECT_TRUE(f.cols[3].IsNull(0));
  EXPECT_TRUE(f.cols[4].IsNull(0));
  EXPECT_TRUE(f.cols[5].IsNull(0));  // customer.city: customer is not an object
  EXPECT_TRUE(f.cols[7].IsNull(0));
}

TEST(RecordDecoder, RejectsWithFieldAndReasonAndAppendsNothing) {
  Fixture f;
  f.Accept(R"({"order_id":"ok","items":1,"total":1,"purchased_at":"2026-01-01T00:00:00Z"})");
  auto e = f.Reject(R"({"order_id":"a","items":1,"total":1})");
  EXPECT_EQ(e.field, "purchased_at");
  EXPECT_NE(e.reason.find("is missing but the column is not nullable"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":null,"items":1,"total":1,"purchased_at":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(e.field, "order_id");
  EXPECT_NE(e.reason.find("is null"), std::string::npos);
  e = f.Reject(R"({"order_id":"a","items":"many","total":1,"purchased_at":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(e.field, "items");
  EXPECT_NE(e.reason.find("not a whole number"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":"a","items":3000000000,"total":1,"purchased_at":"2026-01-01T00:00:00Z"})");
  EXPECT_NE(e.reason.find("out of range for int32"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":"a","items":1,"total":0.125,"purchased_at":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(e.field, "total");
  EXPECT_NE(e.reason.find("more than 2 digits"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":"a","items":1,"total":1,"purchased_at":1795284192})");
  EXPECT_EQ(e.field, "purchased_at");
  EXPECT_NE(e.reason.find("expected an ISO-8601 timestamp string"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":"a","items":1,"total":1,"purchased_at":"yesterday"})");
  EXPECT_NE(e.reason.find("not an ISO-8601 timestamp"), std::string::npos) << e.reason;
  e = f.Reject(R"({"order_id":{"x":1},"items":1,"total":1,"purchased_at":"2026-01-01T00:00:00Z"})");
  EXPECT_NE(e.reason.find("expected a string, got an object"), std::string::npos) << e.reason;
  e = f.Reject(R"([1,2])");
  EXPECT_EQ(e.field, "record");
  EXPECT_EQ(f.cols[0].size(), 1u);
}

// Timestamps without an offset are store-local time, DST-correct.
TEST(RecordDecoder, NaiveTimestampsUseTheStoreTimeZone) {
  auto ts = [](Fixture& f, const std::string& t) {
    f.Accept(R"({"order_id":"a","items":1,"total":1,"purchased_at":")" + t + "\"}");
    return f.cols[6].Get<int64_t>(f.cols[6].size() - 1) / 1000000;
  };
  Fixture sp("America/Sao_Paulo");  // UTC-3 all year since 2019
  EXPECT_EQ(ts(sp, "2026-11-21T15:03:12"), 1795284192);
  EXPECT_EQ(ts(sp, "2026-11-21T15:03:12Z"), 1795284192 - 3 * 3600);  // an offset wins
  Fixture berlin("Europe/Berlin");
  // 2026-03-29 02:30 does not exist (clocks jump 02:00 -> 03:00 CET->CEST):
  // it takes the offset from before the jump (CET), as PostgreSQL and DuckDB do.
  EXPECT_EQ(ts(berlin, "2026-03-29T02:30:00"), ts(berlin, "2026-03-29T01:30:00Z"));
  // 2026-10-25 02:30 happens twice (CEST then CET): the second, 01:30Z, as
  // PostgreSQL and DuckDB take it.
  EXPECT_EQ(ts(berlin, "2026-10-25T02:30:00"), ts(berlin, "2026-10-25T01:30:00Z"));
  EXPECT_EQ(ts(berlin, "2026-07-01T12:00:00"), ts(berlin, "2026-07-01T10:00:00Z"));
  EXPECT_EQ(ts(berlin, "2026-01-01T12:00:00"), ts(berlin, "2026-01-01T11:00:00Z"));
  EXPECT_EQ(ts(berlin, "1960-06-01T12:00:00"), ts(berlin, "1960-06-01T11:00:00Z"));  // before 1970
}

TEST(RecordDecoder, BadSetupIsRefused) {
  EXPECT_FALSE(RecordDecoder::Create(OrdersSchema(), {}, "Mars/Olympus").ok());
  std::vector<std::string> paths(OrdersSchema().fields.size());
  paths[0] = "a..b";
  EXPECT_FALSE(RecordDecoder::Create(OrdersSchema(), paths, "UTC").ok());
  paths[0] = "items";  // two columns reading one field
  EXPECT_FALSE(RecordDecoder::Create(OrdersSchema(), paths, "UTC").ok());
}


TEST(RecordDecoder, InfersTheTypeOfNewFields) {
  EXPECT_EQ(InferType("true"), LogicalType::Of(TypeId::kBool));
  EXPECT_EQ(InferType("12"), LogicalType::Of(TypeId::kInt64));
  EXPECT_EQ(InferType("-9223372036854775808"), LogicalType::Of(TypeId::kInt64));
  EXPECT_EQ(InferType("9223372036854775808"), LogicalType::Of(TypeId::kFloat64));  // too big
  EXPECT_EQ(InferType("1.0"), LogicalType::Of(TypeId::kFloat64));
  EXPECT_EQ(InferType("1e3"), LogicalType::Of(TypeId::kFloat64));
  EXPECT_EQ(InferType("\"2026-11-21T18:03:12Z\""), LogicalType::Of(TypeId::kTimestamp));
  EXPECT_EQ(InferType("\"2026-11-21 18:03\""), LogicalType::Of(TypeId::kTimestamp));
  EXPECT_EQ(InferType("\"2026-11-21\""), LogicalType::Of(TypeId::kString));  // a bare date
  EXPECT_EQ(InferType("\"12\""), LogicalType::Of(TypeId::kString));
  EXPECT_EQ(InferType("{\"a\":1}"), LogicalType::Of(TypeId::kString));
  EXPECT_EQ(InferType("[1]"), LogicalType::Of(TypeId::kString));
}

DecoderSpec SmallSpec(bool report_new_fields) {
  DecoderSpec spec;
  spec.report_new_fields = report_new_fields;
  spec.columns = {
      {{"id", LogicalType::Of(TypeId::kString), false}, "", "", false},
      {{"city", LogicalType::Of(TypeId::kString), true}, "customer.city", "", false},
  };
  return spec;
}

TEST(RecordDecoder, ReportsTopLevelFieldsNoColumnReads) {
  auto d = RecordDecoder::Create(SmallSpec(true));
  ASSERT_TRUE(d.ok());
  auto cols = (*d)->MakeColumns();
  DecodeError e;
  // Nested keys beside a mapped path and null values are not new fields.
  EXPECT_TRUE((*d)->Decode(R"({"id":"a","customer":{"city":"X","zip":"1"},"note":null})", &cols, &e));
  EXPECT_FALSE((*d)->Decode(R"({"id":"b","qty":2,"at":"2026-11-21T10:00:00Z","tags":["x"]})",
                            &cols, &e));
  EXPECT_EQ(e.kind, DecodeError::Kind::kNewFields);
  ASSERT_EQ(e.new_fields.size(), 3u);
  EXPECT_EQ(e.new_fields[0].name, "qty");
  EXPECT_EQ(e.new_fields[0].type, LogicalType::Of(TypeId::kInt64));
  EXPECT_EQ(e.new_fields[1].type, LogicalType::Of(TypeId::kTimestamp));
  EXPECT_EQ(e.new_fields[2].type, LogicalType::Of(TypeId::kString));
  EXPECT_EQ(cols[0].size(), 1u);  // nothing appended
  // A bad value wins over new fields: the record is rejected for it.
  EXPECT_FALSE((*d)->Decode(R"({"id":{"x":1},"qty":2})", &cols, &e));
  EXPECT_EQ(e.kind, DecodeError::Kind::kBadRecord);
  EXPECT_EQ(e.field, "id");
  // Without reporting, new fields are skipped.
  auto quiet = RecordDecoder::Create(SmallSpec(false));
  ASSERT_TRUE(quiet.ok());
  EXPECT_TRUE((*quiet)->Decode(R"({"id":"b","qty":2})", &cols, &e));
}

TEST(RecordDecoder, InferredColumnsWidenAndKeepJsonText) {
  DecoderSpec spec = SmallSpec(true);
  spec.columns.push_back({{"qty", LogicalType::Of(TypeId::kInt64), true}, "", "", true});
  spec.columns.push_back({{"tags", LogicalType::Of(TypeId::kString), true}, "", "", true});
  auto d = RecordDecoder::Create(spec);
  ASSERT_TRUE(d.ok());
  auto cols = (*d)->MakeColumns();
  DecodeError e;
  ASSERT_TRUE((*d)->Decode(R"({"id":"a","qty":"3","tags":["x", {"y":2}]})", &cols, &e)) << e.reason;
  EXPECT_EQ(cols[2].Get<int64_t>(0), 3);
  EXPECT_EQ(cols[3].GetString(0), R"(["x", {"y":2}])");
  EXPECT_FALSE((*d)->Decode(R"({"id":"a","qty":3.5})", &cols, &e));
  EXPECT_EQ(e.kind, DecodeError::Kind::kWiden);
  EXPECT_EQ(e.widen_column, 2);
  // A declared int64 does not widen: the record is bad.
  spec.columns[2].inferred = false;
  d = RecordDecoder::Create(spec);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*d)->Decode(R"({"id":"a","qty":3.5})", &cols, &e));
  EXPECT_EQ(e.kind, DecodeError::Kind::kBadRecord);
}

TEST(RecordDecoder, DefaultsFillMissingAndNullValues) {
  DecoderSpec spec = SmallSpec(false);
  spec.columns[1].default_json = "\"Nowhere\"";
  spec.columns.push_back({{"n", LogicalType::Decimal(12, 2), false}, "", "\"1.50\"", false});
  auto d = RecordDecoder::Create(spec);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto cols = (*d)->MakeColumns();
  DecodeError e;
  ASSERT_TRUE((*d)->Decode(R"({"id":"a"})", &cols, &e)) << e.reason;
  ASSERT_TRUE((*d)->Decode(R"({"id":"b","customer":{"city":null},"n":null})", &cols, &e));
  ASSERT_TRUE((*d)->Decode(R"({"id":"c","customer":{"city":"Recife"},"n":2})", &cols, &e));
  EXPECT_EQ(cols[1].GetString(0), "Nowhere");
  EXPECT_EQ(cols[1].GetString(1), "Nowhere");
  EXPECT_EQ(cols[1].GetString(2), "Recife");
  EXPECT_EQ(cols[2].Get<int64_t>(0), 150);
  EXPECT_EQ(cols[2].Get<int64_t>(1), 150);
  EXPECT_EQ(cols[2].Get<int64_t>(2), 200);
  // A default that does not fit its column is refused up front.
  spec.columns[2].default_json = "1.505";
  auto bad = RecordDecoder::Create(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("default 1.505 does not fit type decimal(12,2)"),
            std::string::npos)
      << bad.status().message();
  spec.columns[2].default_json = "null";
  EXPECT_FALSE(RecordDecoder::Create(spec).ok());
}

}  // namespace
}  // namespace tp::app
