// SHA-256 (FIPS 180-4, "Secure Hash Standard", section 6.2): for ingest and
// API tokens stored hashed, session ids kept hashed in memory, and backup
// checksums. Not for passwords: those use yescrypt (libcrypt).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tp {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  Digest Finish();  // the object must not be used afterwards

  static Digest Hash(std::string_view s);
  static std::string HexHash(std::string_view s);  // 64 lowercase hex digits

 private:
  void Block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_;
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes
};

std::string ToHex(const uint8_t* data, size_t n);

}  // namespace tp
