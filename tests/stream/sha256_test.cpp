#include "stream/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace tp {
namespace {

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf" example values).
TEST(Sha256, NistVectors) {
  EXPECT_EQ(Sha256::HexHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::HexHash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::HexHash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 h;
  std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(a);
  auto d = h.Finish();
  EXPECT_EQ(ToHex(d.data(), d.size()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every length around the padding boundaries, fed in uneven pieces, agrees
// with coreutils' sha256sum.
TEST(Sha256, AgreesWithSha256sum) {
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  const auto dir = std::filesystem::temp_directory_path() / ("sha256_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (size_t len : {1u, 55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 127u, 128u, 129u, 300u}) {
    const std::string msg = data.substr(0, len);
    std::ofstream(dir / "m", std::ios::binary) << msg;
    std::string cmd = "sha256sum " + (dir / "m").string();
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char out[65] = {};
    ASSERT_EQ(fread(out, 1, 64, p), 64u);
    pclose(p);
    Sha256 h;
    for (size_t i = 0; i < len;) {
      size_t step = std::min<size_t>(len - i, 1 + rng() % 70);
      h.Update(msg.data() + i, step);
      i += step;
    }
    auto d = h.Finish();
    EXPECT_EQ(ToHex(d.data(), d.size()), std::string(out)) << "length " << len;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tp
