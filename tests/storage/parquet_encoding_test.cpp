// PLAIN and the RLE/bit-packing hybrid: spec examples, round trips over many
// bit widths and run patterns, and malformed input.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "storage/parquet/encoding.h"

namespace tp::storage::parquet {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(ParquetEncoding, BitPackedRunMatchesTheSpecExample) {
  // Encodings.md: 0..7 at bit width 3 pack into 10001000 11000110 11111010.
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  RleBitPackedEncode(v.data(), v.size(), 3, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x88, 0xC6, 0xFA}));  // header: 1 group << 1 | 1
}

TEST(ParquetEncoding, LongRunsBecomeRleRuns) {
  std::vector<uint32_t> v(1000, 5);
  std::string out;
  RleBitPackedEncode(v.data(), v.size(), 3, &out);
  EXPECT_EQ(out, Bytes({0xD0, 0x0F, 0x05}));  // varint(1000 << 1), value in 1 byte
  out.clear();
  std::vector<uint32_t> w(300, 0x12345);
  RleBitPackedEncode(w.data(), w.size(), 17, &out);
  EXPECT_EQ(out, Bytes({0xD8, 0x04, 0x45, 0x23, 0x01}));  // value in ceil(17/8) = 3 bytes
}

std::vector<std::vector<uint32_t>> Patterns(int width, std::mt19937* rng) {
  const uint32_t max = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
  auto rnd = [&] { return static_cast<uint32_t>((*rng)()) & max; };
  std::vector<std::vector<uint32_t>> out;
  out.push_back({});
  out.push_back({max});
  out.push_back(std::vector<uint32_t>(7, max));
  out.push_back(std::vector<uint32_t>(8, max));
  out.push_back(std::vector<uint32_t>(9, 0));
  std::vector<uint32_t> alt;
  for (int i = 0; i < 101; ++i) alt.push_back(i % 2 == 0 ? 0 : max);
  out.push_back(alt);
  // Literals of every length 0..17 followed by runs of 7..17, repeatedly.
  std::vector<uint32_t> mixed;
  for (int lit = 0; lit < 18; ++lit) {
    for (int i = 0; i < lit; ++i) mixed.push_back(rnd());
    uint32_t v = rnd();
    for (int i = 0; i < 7 + lit % 11; ++i) mixed.push_back(v);
  }
  out.push_back(mixed);
  std::vector<uint32_t> random(5000);
  for (auto& x : random) x = rnd();
  out.push_back(random);
  std::vector<uint32_t> runs;  // geometric run lengths
  while (runs.size() < 20000) {
    uint32_t v = rnd();
    size_t len = 1 + (*rng)() % ((*rng)() % 2 ? 4 : 300);
    runs.insert(runs.end(), len, v);
  }
  out.push_back(runs);
  return out;
}

TEST(ParquetEncoding, HybridRoundTripsEveryWidthAndPattern) {
  std::mt19937 rng(42);
  for (int width = 1; width <= 32; ++width) {
    for (const auto& values : Patterns(width, &rng)) {
      std::string enc;
      RleBitPackedEncode(values.data(), values.size(), width, &enc);
      std::vector<uint32_t> dec(values.size());
      size_t consumed = 0;
      Status st = RleBitPackedDecode(enc, width, values.size(), dec.data(), &consumed);
      ASSERT_TRUE(st.ok()) << "width " << width << ": " << st.ToString();
      ASSERT_EQ(dec, values) << "width " << width << " n " << values.size();
      EXPECT_EQ(consumed, enc.size());
      // Never bigger than bit-packing everything plus a few headers.
      EXPECT_LE(enc.size(), (values.size() + 7) / 8 * width + 8 + values.size() / 8 * 2);
    }
  }
}

TEST(ParquetEncoding, DefinitionLevelsAndDictionaryIndicesCarryTheirPrefixes) {
  std::vector<uint8_t> levels;
  for (int i = 0; i < 1000; ++i) levels.push_back(i % 10 == 0 ? 0 : 1);
  std::string enc;
  EncodeDefinitionLevels(levels.data(), levels.size(), &enc);
  uint32_t len = static_cast<uint8_t>(enc[0]) | static_cast<uint8_t>(enc[1]) << 8 |
                 static_cast<uint8_t>(enc[2]) << 16 | static_cast<uint8_t>(enc[3]) << 24;
  EXPECT_EQ(len, enc.size() - 4);
  enc += "values";
  std::vector<uint8_t> back;
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDefinitionLevels(enc, levels.size(), &back, &consumed).ok());
  EXPECT_EQ(back, levels);
  EXPECT_EQ(enc.substr(consumed), "values");

  std::vector<uint32_t> idx;
  for (uint32_t i = 0; i < 3000; ++i) idx.push_back((i * 7919) % 1000);
  std::string ienc;
  EncodeDictionaryIndices(idx.data(), idx.size(), BitWidthFor(999), &ienc);
  EXPECT_EQ(ienc[0], 10);  // 999 needs 10 bits
  std::vector<uint32_t> iback;
  ASSERT_TRUE(DecodeDictionaryIndices(ienc, idx.size(), &iback).ok());
  EXPECT_EQ(iback, idx);
  EXPECT_EQ(BitWidthFor(0), 1);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(0xFFFFFFFFu), 32);
}

TEST(ParquetEncoding, PlainBooleansAndByteArrays) {
  std::vector<uint8_t> b = {1, 0, 1, 1, 0, 0, 0, 0, 1, 1};
  std::string enc;
  PlainEncodeBooleans(b.data(), b.size(), &enc);
  EXPECT_EQ(enc, Bytes({0x0D, 0x03}));  // LSB first
  std::vector<uint8_t> bback;
  ASSERT_TRUE(PlainDecodeBooleans(enc, b.size(), &bback).ok());
  EXPECT_EQ(bback, b);

  std::string s;
  PlainEncodeByteArray("", &s);
  PlainEncodeByteArray("h\xc3\xa9", &s);
  EXPECT_EQ(s, Bytes({0, 0, 0, 0, 3, 0, 0, 0, 'h', 0xC3, 0xA9}));
  std::vector<std::string_view> views;
  size_t consumed = 0;
  ASSERT_TRUE(PlainDecodeByteArrays(s, 2, &views, &consumed).ok());
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0], "");
  EXPECT_EQ(views[1], "h\xc3\xa9");
  EXPECT_EQ(consumed, s.size());
}

TEST(ParquetEncoding, MalformedInputIsCorruption) {
  std::vector<uint32_t> v(100);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint32_t>(i % 13);
  std::string enc;
  RleBitPackedEncode(v.data(), v.size(), 4, &enc);
  std::vector<uint32_t> out(v.size());
  // 100 values = 12 groups + 4: the last group's padding (2 bytes) may be
  // missing; any shorter input is Corruption.
  for (size_t len = 0; len < enc.size(); ++len) {
    Status st = RleBitPackedDecode(enc.substr(0, len), 4, v.size(), out.data());
    if (len >= enc.size() - 2) {
      ASSERT_TRUE(st.ok()) << len;
      EXPECT_EQ(out, v);
    } else {
      EXPECT_EQ(st.code(), Status::Code::kCorruption) << len;
    }
  }
  // A repeated value wider than the bit width; empty runs; huge headers.
  EXPECT_FALSE(RleBitPackedDecode(Bytes({0x10, 0x20}), 4, 8, out.data()).ok());
  EXPECT_FALSE(RleBitPackedDecode(Bytes({0x00}), 4, 8, out.data()).ok());
  EXPECT_FALSE(RleBitPackedDecode(Bytes({0x01}), 4, 8, out.data()).ok());
  EXPECT_FALSE(
      RleBitPackedDecode(Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), 4, 8, out.data()).ok());
  EXPECT_FALSE(RleBitPackedDecode(Bytes({0x03, 0x00}), 4, 8, out.data()).ok());
  std::vector<uint32_t> idx;
  EXPECT_FALSE(DecodeDictionaryIndices(Bytes({33, 0x02, 0x00}), 1, &idx).ok());
  EXPECT_FALSE(DecodeDictionaryIndices("", 1, &idx).ok());
  std::vector<uint8_t> levels;
  size_t consumed;
  EXPECT_FALSE(DecodeDefinitionLevels(Bytes({9, 0, 0, 0, 0x02}), 2, &levels, &consumed).ok());
  std::vector<std::string_view> views;
  EXPECT_FALSE(PlainDecodeByteArrays(Bytes({5, 0, 0, 0, 'a'}), 1, &views, &consumed).ok());
  EXPECT_FALSE(PlainDecodeByteArrays(Bytes({5, 0}), 1, &views, &consumed).ok());
  std::vector<uint8_t> bools;
  EXPECT_FALSE(PlainDecodeBooleans(Bytes({1}), 9, &bools).ok());

  // Random garbage: a status either way, never a crash (ASan checks reads).
  std::mt19937 rng(7);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string g(rng() % 40, '\0');
    for (char& c : g) c = static_cast<char>(rng());
    int width = static_cast<int>(rng() % 33);
    std::vector<uint32_t> o(64);
    (void)RleBitPackedDecode(g, width, o.size(), o.data());
  }
}

}  // namespace
}  // namespace tp::storage::parquet
