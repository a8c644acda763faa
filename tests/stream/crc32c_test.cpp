#include "stream/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace tp::stream {
namespace {

// RFC 3720 appendix B.4 test vectors.
TEST(Crc32c, Rfc3720Vectors) {
  std::vector<uint8_t> buf(32);
  std::fill(buf.begin(), buf.end(), 0x00);
  EXPECT_EQ(Crc32c(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(Crc32c(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Crc32c(buf.data(), buf.size()), 0x113FDB5Cu);
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(Crc32c("", 0), 0u);
}

TEST(Crc32c, PortableMatchesVectors) {
  EXPECT_EQ(Crc32cPortable(0, "123456789", 9), 0xE3069283u);
  std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(Crc32cPortable(0, zeros.data(), zeros.size()), 0x8A9136AAu);
}

TEST(Crc32c, PortableEqualsHardwareOnRandomBuffers) {
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "CPU has no SSE4.2";
  EXPECT_EQ(Crc32cHardware(0, "123456789", 9), 0xE3069283u);
  std::mt19937_64 rng(42);
  std::vector<uint8_t> buf(4096 + 16);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t align = 0; align < 8; ++align) {
    for (size_t len = 0; len < 300; ++len) {
      ASSERT_EQ(Crc32cPortable(0, buf.data() + align, len),
                Crc32cHardware(0, buf.data() + align, len))
          << "align " << align << " len " << len;
    }
    for (size_t len : {1000u, 1023u, 4096u}) {
      const uint32_t seed = static_cast<uint32_t>(rng());
      ASSERT_EQ(Crc32cPortable(seed, buf.data() + align, len),
                Crc32cHardware(seed, buf.data() + align, len));
    }
  }
}

TEST(Crc32c, ExtendInPiecesEqualsWhole) {
  std::mt19937 rng(7);
  std::string data(10000, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  const uint32_t whole = Crc32c(data.data(), data.size());
  for (size_t split : {0u, 1u, 7u, 8u, 9u, 63u, 4999u, 9999u, 10000u}) {
    uint32_t c = Crc32cExtend(0, data.data(), split);
    c = Crc32cExtend(c, data.data() + split, data.size() - split);
    EXPECT_EQ(c, whole) << "split at " << split;
    uint32_t p = Crc32cPortable(0, data.data(), split);
    p = Crc32cPortable(p, data.data() + split, data.size() - split);
    EXPECT_EQ(p, whole) << "portable, split at " << split;
  }
  // Many small pieces.
  uint32_t c = 0;
  for (size_t i = 0; i < data.size(); i += 13) {
    c = Crc32cExtend(c, data.data() + i, std::min<size_t>(13, data.size() - i));
  }
  EXPECT_EQ(c, whole);
  // A changed byte changes the CRC.
  data[5000] ^= 1;
  EXPECT_NE(Crc32c(data.data(), data.size()), whole);
}

}  // namespace
}  // namespace tp::stream
