// The Thrift compact protocol code and the parquet.thrift structs built on
// it: round trips, exact bytes from the spec, skipping unknown fields, and
// malformed input (truncation, garbage, depth, lying sizes) giving
// Corruption rather than a crash.
#include "storage/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "storage/parquet/metadata.h"
#include "tests/storage/parquet_test_util.h"

namespace tp::storage::parquet {
namespace {

TEST(ThriftCompact, VarintAndFieldHeaderBytesMatchTheSpec) {
  std::string out;
  CompactWriter w(&out);
  w.Varint(50399);  // spec "Integer encoding" example
  EXPECT_EQ(out, Bytes({0xDF, 0x89, 0x03}));

  out.clear();
  w.StructBegin();
  w.FieldI32(1, -1);  // short form: delta 1, type 5; zigzag(-1) = 1
  w.FieldI32(20, 2);  // long form: type byte, zigzag(20) = 40
  w.FieldBool(21, true);
  w.StructEnd();
  EXPECT_EQ(out, Bytes({0x15, 0x01, 0x05, 40, 0x04, 0x11, 0x00}));

  out.clear();
  w.ListBegin(CType::kI32, 3);
  EXPECT_EQ(out, Bytes({0x35}));
  out.clear();
  w.ListBegin(CType::kBinary, 20);
  EXPECT_EQ(out, Bytes({0xF8, 20}));
}

TEST(ThriftCompact, EveryFieldKindRoundTrips) {
  const std::string long_binary(100000, 'x');
  const std::string odd_binary("\0\xff\x80 utf8 \xc3\xa9", 12);
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldBool(1, true);
  w.FieldBool(2, false);
  w.FieldI8(3, -128);
  w.FieldI16(4, -32768);
  w.FieldI32(5, std::numeric_limits<int32_t>::min());
  w.FieldI32(6, std::numeric_limits<int32_t>::max());
  w.FieldI64(7, std::numeric_limits<int64_t>::min());
  w.FieldI64(8, std::numeric_limits<int64_t>::max());
  w.FieldI64(9, -1);
  w.FieldDouble(10, -0.0);
  w.FieldDouble(11, std::numeric_limits<double>::infinity());
  w.FieldBinary(12, "");
  w.FieldBinary(13, long_binary);
  w.FieldBinary(300, odd_binary);  // long-form id after a jump
  w.FieldStructBegin(301);         // nested struct, two levels
  w.FieldI32(1, 7);
  w.FieldStructBegin(2);
  w.FieldBinary(1, "inner");
  w.StructEnd();
  w.FieldI64(3, 1234567890123);  // ids continue after the inner struct
  w.StructEnd();
  w.FieldListBegin(302, CType::kI64, 20);  // long list header
  for (int i = 0; i < 20; ++i) w.I64(int64_t{-1} << (i * 3));
  w.FieldListBegin(303, CType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.StructBegin();
    w.FieldI32(1, i);
    w.StructEnd();
  }
  w.FieldListBegin(304, CType::kBoolTrue, 3);
  w.Bool(true);
  w.Bool(false);
  w.Bool(true);
  w.FieldI32(-5, 42);  // negative ids are legal thrift
  w.StructEnd();

  CompactReader r(out);
  ASSERT_TRUE(r.StructBegin().ok());
  CType t;
  int16_t id;
  auto next = [&](int16_t want_id) {
    ASSERT_TRUE(r.ReadFieldBegin(&t, &id).ok());
    ASSERT_EQ(id, want_id);
  };
  next(1);
  EXPECT_EQ(t, CType::kBoolTrue);
  next(2);
  EXPECT_EQ(t, CType::kBoolFalse);
  int8_t i8;
  next(3);
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, -128);
  int16_t i16;
  next(4);
  ASSERT_TRUE(r.ReadI16(&i16).ok());
  EXPECT_EQ(i16, -32768);
  int32_t i32;
  next(5);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, std::numeric_limits<int32_t>::min());
  next(6);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, std::numeric_limits<int32_t>::max());
  int64_t i64;
  next(7);
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::min());
  next(8);
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::max());
  next(9);
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, -1);
  double d;
  next(10);
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_TRUE(d == 0 && std::signbit(d));
  next(11);
  ASSERT_TRUE(r.ReadDouble(&d).ok());
  EXPECT_TRUE(std::isinf(d));
  std::string s;
  next(12);
  ASSERT_TRUE(r.ReadBinary(&s).ok());
  EXPECT_EQ(s, "");
  next(13);
  ASSERT_TRUE(r.ReadBinary(&s).ok());
  EXPECT_EQ(s, long_binary);
  next(300);
  ASSERT_TRUE(r.ReadBinary(&s).ok());
  EXPECT_EQ(s, odd_binary);
  next(301);
  ASSERT_EQ(t, CType::kStruct);
  ASSERT_TRUE(r.StructBegin().ok());
  next(1);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 7);
  next(2);
  ASSERT_TRUE(r.StructBegin().ok());
  next(1);
  ASSERT_TRUE(r.ReadBinary(&s).ok());
  EXPECT_EQ(s, "inner");
  ASSERT_TRUE(r.ReadFieldBegin(&t, &id).ok());
  EXPECT_EQ(t, CType::kStop);
  ASSERT_TRUE(r.StructEnd().ok());
  next(3);
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, 1234567890123);
  ASSERT_TRUE(r.ReadFieldBegin(&t, &id).ok());
  EXPECT_EQ(t, CType::kStop);
  ASSERT_TRUE(r.StructEnd().ok());
  CType element;
  uint32_t n;
  next(302);
  ASSERT_TRUE(r.ReadListBegin(&element, &n).ok());
  ASSERT_EQ(element, CType::kI64);
  ASSERT_EQ(n, 20u);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(r.ReadI64(&i64).ok());
    EXPECT_EQ(i64, int64_t{-1} << (i * 3));
  }
  next(303);
  ASSERT_TRUE(r.ReadListBegin(&element, &n).ok());
  ASSERT_EQ(element, CType::kStruct);
  ASSERT_EQ(n, 2u);
  ASSERT_TRUE(r.Skip(CType::kStruct).ok());
  ASSERT_TRUE(r.Skip(CType::kStruct).ok());
  next(304);
  ASSERT_TRUE(r.ReadListBegin(&element, &n).ok());
  ASSERT_EQ(element, CType::kBoolFalse);  // bool elements announce type 2
  bool b;
  for (bool want : {true, false, true}) {
    ASSERT_TRUE(r.ReadBool(&b).ok());
    EXPECT_EQ(b, want);
  }
  next(-5);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 42);
  ASSERT_TRUE(r.ReadFieldBegin(&t, &id).ok());
  EXPECT_EQ(t, CType::kStop);
  ASSERT_TRUE(r.StructEnd().ok());
  EXPECT_EQ(r.remaining(), 0u);
}

// A KeyValue with unknown fields of every wire type around its real ones.
TEST(ThriftCompact, DecodersSkipUnknownFieldsOfEveryType) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldBinary(1, "the key");
  w.FieldBool(3, true);
  w.FieldI8(4, 1);
  w.FieldI16(5, 2);
  w.FieldI32(6, 3);
  w.FieldI64(7, 4);
  w.FieldDouble(8, 5.5);
  w.FieldBinary(9, "skip me");
  w.FieldListBegin(10, CType::kList, 2);  // list of lists
  w.ListBegin(CType::kI32, 2);
  w.I32(1);
  w.I32(2);
  w.ListBegin(CType::kBoolTrue, 1);
  w.Bool(true);
  w.FieldStructBegin(11);
  w.FieldListBegin(1, CType::kStruct, 1);
  w.StructBegin();
  w.FieldBinary(1, "deep");
  w.StructEnd();
  w.StructEnd();
  // Field 12: a map<i32,string> {1:"a"}, then 13: an empty map, 14: a uuid.
  out += Bytes({0x1B, 0x01, 0x58, 0x02, 0x01, 'a'});
  out += Bytes({0x1B, 0x00});
  out += Bytes({0x1D});
  out += std::string(16, '\x42');
  // Back to known fields: id 2 needs the long form after 14.
  out += Bytes({0x08, 0x04, 0x05, 'v', 'a', 'l', 'u', 'e', 0x00});

  KeyValue kv;
  Status st = Deserialize(out, &kv);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(kv.key, "the key");
  EXPECT_EQ(kv.value, "value");
}

FileMetaData SampleFileMetaData() {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  md.schema.push_back(root);
  SchemaElement a;
  a.name = "price";
  a.type = PhysicalType::kInt64;
  a.repetition_type = Repetition::kOptional;
  a.converted_type = ConvertedType::kDecimal;
  a.scale = 2;
  a.precision = 12;
  a.logical_type = LogicalTypeAnnotation::Decimal(2, 12);
  md.schema.push_back(a);
  SchemaElement b;
  b.name = "at";
  b.type = PhysicalType::kInt64;
  b.repetition_type = Repetition::kRequired;
  b.converted_type = ConvertedType::kTimestampMicros;
  b.logical_type = LogicalTypeAnnotation::Timestamp(true, TimeUnit::kMicros);
  md.schema.push_back(b);
  SchemaElement c;
  c.name = "n";
  c.type = PhysicalType::kInt32;
  c.repetition_type = Repetition::kOptional;
  c.logical_type = LogicalTypeAnnotation::Integer(32, true);
  md.schema.push_back(c);
  md.num_rows = 1LL << 40;
  for (int g = 0; g < 3; ++g) {
    RowGroup rg;
    rg.num_rows = 1000 + g;
    rg.total_byte_size = 123456789012LL;
    rg.file_offset = 4;
    rg.total_compressed_size = 99;
    rg.ordinal = static_cast<int16_t>(g);
    for (int col = 0; col < 3; ++col) {
      ColumnChunk cc;
      cc.file_offset = 0;
      ColumnMetaData m;
      m.type = PhysicalType::kByteArray;
      m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      m.path_in_schema = {"col" + std::to_string(col)};
      m.codec = Codec::kZstd;
      m.num_values = 1000;
      m.total_uncompressed_size = 5000;
      m.total_compressed_size = 3000;
      m.data_page_offset = 100 + col;
      m.dictionary_page_offset = 50 + col;
      Statistics st;
      st.null_count = 7;
      st.min_value = std::string("\0min", 4);
      st.max_value = "max";
      st.is_min_value_exact = true;
      st.is_max_value_exact = false;
      st.nan_count = 0;
      m.statistics = st;
      cc.meta_data = m;
      rg.columns.push_back(cc);
    }
    md.row_groups.push_back(rg);
  }
  md.key_value_metadata = {{"tillpipe.schema", std::string("{\"fields\":[]}")},
                           {"no value", std::nullopt}};
  md.created_by = "tillpipe version 0.1.0";
  md.column_orders.assign(3, ColumnOrder{1});
  return md;
}

TEST(ThriftMetadata, FileMetaDataRoundTrips) {
  FileMetaData md = SampleFileMetaData();
  std::string bytes = Serialize(md);
  FileMetaData back;
  Status st = Deserialize(bytes, &back);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back, md);
  EXPECT_EQ(Serialize(back), bytes);
}

TEST(ThriftMetadata, PageHeadersRoundTripAndReportTheirSize) {
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 8;
  dict.dictionary_page_header = DictionaryPageHeader{3, Encoding::kPlain, std::nullopt};
  PageHeader data;
  data.type = PageType::kDataPage;
  data.uncompressed_page_size = 1 << 20;
  data.compressed_page_size = 12345;
  data.crc = -7;
  DataPageHeader dp;
  dp.num_values = 131072;
  dp.encoding = Encoding::kRleDictionary;
  data.data_page_header = dp;
  std::string bytes = Serialize(dict);
  size_t first = bytes.size();
  bytes += Serialize(data);
  bytes += "page bytes follow";
  PageHeader a, b;
  size_t used = 0;
  ASSERT_TRUE(Deserialize(bytes, &a, &used).ok());
  EXPECT_EQ(used, first);
  EXPECT_EQ(a, dict);
  size_t used2 = 0;
  ASSERT_TRUE(Deserialize(std::string_view(bytes).substr(used), &b, &used2).ok());
  EXPECT_EQ(b, data);
  EXPECT_EQ(bytes.substr(used + used2), "page bytes follow");
  // Without `consumed`, trailing bytes are an error.
  EXPECT_EQ(Deserialize(bytes, &a).code(), Status::Code::kCorruption);
}

TEST(ThriftMetadata, EveryTruncationOfARealFooterIsCorruption) {
  std::string bytes = Serialize(SampleFileMetaData());
  for (size_t len = 0; len < bytes.size(); ++len) {
    FileMetaData md;
    Status st = Deserialize(std::string_view(bytes).substr(0, len), &md);
    ASSERT_EQ(st.code(), Status::Code::kCorruption) << "prefix of " << len << " bytes";
  }
}

TEST(ThriftMetadata, GarbageNeverCrashes) {
  std::string good = Serialize(SampleFileMetaData());
  std::mt19937 rng(1234);
  int ok = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string bytes = good;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    FileMetaData md;
    Status st = Deserialize(bytes, &md);
    if (st.ok()) {
      ++ok;
    } else {
      ASSERT_EQ(st.code(), Status::Code::kCorruption) << st.ToString();
    }
  }
  for (int iter = 0; iter < 2000; ++iter) {
    std::string bytes(rng() % 200, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    FileMetaData md;
    PageHeader ph;
    Status st = Deserialize(bytes, &md);
    if (!st.ok()) {
      ASSERT_EQ(st.code(), Status::Code::kCorruption);
    }
    st = Deserialize(bytes, &ph);
    if (!st.ok()) {
      ASSERT_EQ(st.code(), Status::Code::kCorruption);
    }
  }
  SUCCEED() << ok << " mutated footers still decoded";
}

TEST(ThriftMetadata, DeepNestingIsRefused) {
  // Field 9 (unknown to FileMetaData): a struct whose field 1 is a struct... 10000 deep.
  std::string bytes = Bytes({0x9C});
  for (int i = 0; i < 10000; ++i) bytes.push_back(static_cast<char>(0x1C));
  FileMetaData md;
  Status st = Deserialize(bytes, &md);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("nesting"), std::string::npos) << st.ToString();
  // Lists of lists, likewise.
  std::string lists = Bytes({0x99});
  for (int i = 0; i < 10000; ++i) lists.push_back(static_cast<char>(0x19));
  EXPECT_EQ(Deserialize(lists, &md).code(), Status::Code::kCorruption);
}

TEST(ThriftMetadata, LyingSizesAreRefusedBeforeAllocating) {
  // FileMetaData field 2 (schema): a list of structs claiming 2^31-1 elements.
  std::string bytes = Bytes({0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07});
  FileMetaData md;
  EXPECT_EQ(Deserialize(bytes, &md).code(), Status::Code::kCorruption);
  // A binary claiming 4 GB.
  std::string bin = Bytes({0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'});
  KeyValue kv;
  EXPECT_EQ(Deserialize(bin, &kv).code(), Status::Code::kCorruption);
  // Varints longer than 10 bytes, and i32 beyond 32 bits.
  std::string var = Bytes({0x96});
  var += std::string(11, '\xFF');
  EXPECT_EQ(Deserialize(var, &md).code(), Status::Code::kCorruption);
  std::string wide = Bytes({0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00});
  EXPECT_EQ(Deserialize(wide, &md).code(), Status::Code::kCorruption);
}

TEST(ThriftMetadata, MissingRequiredFieldsAndWrongTypesAreCorruption) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldI32(1, 1);  // version only
  w.StructEnd();
  FileMetaData md;
  Status st = Deserialize(out, &md);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("FileMetaData lacks required field 2"), std::string::npos)
      << st.ToString();

  out.clear();
  w.StructBegin();
  w.FieldBinary(1, "version as a string");
  w.StructEnd();
  EXPECT_EQ(Deserialize(out, &md).code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace tp::storage::parquet
