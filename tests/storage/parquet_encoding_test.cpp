// PLAIN and the RLE/bit-packing hybrid: spec examples, round trips over many
// bit widths and run patterns, and malformed input.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "storage/parquet/encoding.h"
#include "tests/storage/parquet_test_util.h"

namespace tp::storage::parquet {
namespace {

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

// ---- DELTA_BINARY_PACKED ---------------------------------------------------------------

// Encodes with our encoder, decodes with DeltaBinaryPackedDecode, and checks
// every prefix length the decoder may be asked for plus the bytes consumed.
void DeltaRoundTrip64(const std::vector<int64_t>& v, const std::string& what) {
  std::string enc;
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  std::vector<int64_t> out(v.size() + 1, 12345);
  size_t consumed = 0;
  Status st = DeltaBinaryPackedDecode(enc, v.size(), out.data(), &consumed);
  ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
  out.resize(v.size());
  EXPECT_EQ(out, v) << what;
  if (v.size() > 1) {
    EXPECT_EQ(consumed, enc.size()) << what;
  }
  // One value more than the header holds is refused.
  std::vector<int64_t> big(v.size() + 1);
  EXPECT_EQ(DeltaBinaryPackedDecode(enc, v.size() + 1, big.data()).code(),
            Status::Code::kCorruption)
      << what;
}

void DeltaRoundTrip32(const std::vector<int32_t>& v, const std::string& what) {
  std::string enc;
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  std::vector<int64_t> out(v.size());
  size_t consumed = 0;
  Status st = DeltaBinaryPackedDecode(enc, v.size(), out.data(), &consumed);
  ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
  for (size_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(static_cast<int32_t>(out[i]), v[i]) << what << " at " << i;  // low 32 bits
  }
  if (v.size() > 1) {
    EXPECT_EQ(consumed, enc.size()) << what;
  }
  // INT32 streams never need more than 32 bits per delta: every miniblock
  // width byte sits in the block headers; find them by re-walking the blocks.
  size_t pos = 0;
  auto uleb = [&] {
    uint64_t x = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = static_cast<uint8_t>(enc[pos++]);
      x |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return x;
    }
  };
  EXPECT_EQ(uleb(), 128u);
  EXPECT_EQ(uleb(), 4u);
  EXPECT_EQ(uleb(), v.size());
  uleb();
  for (size_t done = 1; done < v.size(); done += 128) {
    uleb();
    size_t left = std::min<size_t>(128, v.size() - done);
    int widths[4];
    for (int m = 0; m < 4; ++m) {
      widths[m] = static_cast<uint8_t>(enc[pos++]);
      EXPECT_LE(widths[m], 32) << what;
    }
    for (int m = 0; m < 4 && static_cast<size_t>(m) * 32 < left; ++m) pos += 4 * widths[m];
  }
  EXPECT_EQ(pos, enc.size()) << what;
}

TEST(ParquetEncoding, DeltaBinaryPackedHeaderMatchesTheSpec) {
  // Encodings.md example 1: 1 2 3 4 5 -> deltas 1 1 1 1, min delta 1,
  // every miniblock bit width 0.
  std::vector<int64_t> v = {1, 2, 3, 4, 5};
  std::string enc;
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  // <128> <4> <5> <zigzag 1 = 2> | <zigzag min delta 1 = 2> <0 0 0 0>
  EXPECT_EQ(enc, Bytes({0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0}));
  // Example 2: 7 5 3 1 2 3 4 5 -> deltas -2 -2 -2 1 1 1 1, min -2, packed
  // 0 0 0 3 3 3 3 at width 2 in one (padded) miniblock of 32 values = 8 bytes.
  v = {7, 5, 3, 1, 2, 3, 4, 5};
  enc.clear();
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  EXPECT_EQ(enc,
            Bytes({0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0}));
  // No values: the header alone, first value 0.
  enc.clear();
  DeltaBinaryPackedEncode(static_cast<const int64_t*>(nullptr), 0, &enc);
  EXPECT_EQ(enc, Bytes({0x80, 0x01, 0x04, 0x00, 0x00}));
  // One value: the header alone.
  v = {-3};
  enc.clear();
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  EXPECT_EQ(enc, Bytes({0x80, 0x01, 0x04, 0x01, 0x05}));
}

TEST(ParquetEncoding, DeltaBinaryPackedRoundTripsManySequences) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::string, std::vector<int64_t>>> cases;
  cases.push_back({"empty", {}});
  cases.push_back({"one", {42}});
  cases.push_back({"one min", {kMin}});
  cases.push_back({"two", {5, -5}});
  for (size_t n : {31u, 32u, 33u, 127u, 128u, 129u, 130u, 255u, 256u, 257u, 1000u, 4097u}) {
    std::vector<int64_t> seq(n), rnd(n), ts(n), same(n, -7);
    for (size_t i = 0; i < n; ++i) {
      seq[i] = static_cast<int64_t>(i);
      rnd[i] = static_cast<int64_t>(rng());
      ts[i] = 1700000000000000 + static_cast<int64_t>(i) * 997 + static_cast<int64_t>(rng() % 1000);
    }
    cases.push_back({"sequence " + std::to_string(n), seq});
    cases.push_back({"random " + std::to_string(n), rnd});
    cases.push_back({"timestamps " + std::to_string(n), ts});
    cases.push_back({"constant " + std::to_string(n), same});
  }
  // Extremes: deltas of +-(2^64 - 1) overflow int64 and wrap, as the spec
  // intends; widths reach 64 bits.
  cases.push_back({"min max", {kMin, kMax, kMin, kMax, 0, kMin, -1, kMax, 1}});
  std::vector<int64_t> alt(300);
  for (size_t i = 0; i < alt.size(); ++i) alt[i] = (i % 2) ? kMax : kMin;
  cases.push_back({"alternating extremes", alt});
  std::vector<int64_t> mixed(520);
  for (size_t i = 0; i < mixed.size(); ++i) {
    uint64_t r = rng();
    mixed[i] = r % 5 == 0 ? kMin : r % 5 == 1 ? kMax : r % 5 == 2 ? 0 : static_cast<int64_t>(rng());
  }
  cases.push_back({"mixed extremes", mixed});
  std::vector<int64_t> down(200);
  for (size_t i = 0; i < down.size(); ++i) down[i] = kMax - static_cast<int64_t>(i) * 1000003;
  cases.push_back({"descending from max", down});
  // Widths 0..64: deltas drawn below 2^w per block.
  for (int w = 0; w <= 64; ++w) {
    std::vector<int64_t> v(129 + static_cast<size_t>(w));
    uint64_t cur = rng();
    for (auto& x : v) {
      uint64_t d = w == 64 ? rng() : w == 0 ? 0 : rng() & ((uint64_t{1} << w) - 1);
      cur += d;
      x = static_cast<int64_t>(cur);
    }
    cases.push_back({"width " + std::to_string(w), v});
  }
  for (const auto& [what, v] : cases) DeltaRoundTrip64(v, what);
}

TEST(ParquetEncoding, DeltaBinaryPackedInt32WrapsAt32Bits) {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  const int32_t kMax = std::numeric_limits<int32_t>::max();
  std::mt19937 rng(3);
  std::vector<std::pair<std::string, std::vector<int32_t>>> cases;
  cases.push_back({"empty", {}});
  cases.push_back({"one", {kMin}});
  cases.push_back({"min max", {kMin, kMax, kMin, kMax, 0, kMin, -1, kMax, 1}});
  for (size_t n : {1u, 128u, 129u, 1000u}) {
    std::vector<int32_t> rnd(n), days(n), alt(n);
    for (size_t i = 0; i < n; ++i) {
      rnd[i] = static_cast<int32_t>(rng());
      days[i] = 19000 + static_cast<int32_t>(i / 7);
      alt[i] = (i % 2) ? kMax : kMin;
    }
    cases.push_back({"random " + std::to_string(n), rnd});
    cases.push_back({"days " + std::to_string(n), days});
    cases.push_back({"alternating " + std::to_string(n), alt});
  }
  for (const auto& [what, v] : cases) DeltaRoundTrip32(v, what);
}

TEST(ParquetEncoding, DeltaBinaryPackedTruncatedIsCorruption) {
  // 1 + 2 * 128 values: every miniblock full, so no byte is optional padding.
  std::vector<int64_t> v(257);
  std::mt19937_64 rng(9);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 100000);
  std::string enc;
  DeltaBinaryPackedEncode(v.data(), v.size(), &enc);
  std::vector<int64_t> out(v.size());
  for (size_t len = 0; len < enc.size(); ++len) {
    EXPECT_EQ(DeltaBinaryPackedDecode(enc.substr(0, len), v.size(), out.data()).code(),
              Status::Code::kCorruption)
        << len;
  }
}

}  // namespace
}  // namespace tp::storage::parquet
