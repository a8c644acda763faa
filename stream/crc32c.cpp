// CRC32C (Castagnoli), portable slicing-by-8 implementation and the run-time
// choice between it and the SSE4.2 instruction (crc32c_sse42.cpp).
//
// Reference: RFC 3720 (iSCSI), appendix B.4 "CRC Examples", which gives the
// polynomial 0x1EDC6F41 (bit-reflected: 0x82F63B78) and the test vectors
// used in tests/stream/crc32c_test.cpp. The value is computed with initial
// register ~0 and final complement, so Crc32cExtend(0, ...) of an empty
// buffer is 0 and results chain: Extend(Extend(0, a), b) == CRC(a || b).
//
// Slicing-by-8: table[0] is the classic byte-at-a-time table; table[k][b] is
// the CRC contribution of byte b followed by k zero bytes, so eight input
// bytes are folded with eight independent lookups per step.
#include "stream/crc32c.h"

#include <array>
#include <cstring>

namespace tp::stream {
namespace {

constexpr uint32_t kPolyReflected = 0x82F63B78u;

struct Tables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t c = b;
      for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ ((c & 1u) ? kPolyReflected : 0u);
      t[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; ++b) {
      for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
    }
  }
};

constexpr Tables kTables;

inline uint32_t LoadLE32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& t = kTables.t;
  uint32_t c = ~crc;
  // Byte at a time until 8-byte aligned, so the main loop's loads are aligned.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFFu];
    --n;
  }
  while (n >= 8) {
    uint32_t lo = LoadLE32(p) ^ c;
    uint32_t hi = LoadLE32(p + 4);
    c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ t[0][(c ^ *p++) & 0xFFu];
    --n;
  }
  return ~c;
}

bool Crc32cHardwareAvailable() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
#else
  return false;
#endif
}

namespace {
using CrcFn = uint32_t (*)(uint32_t, const void*, size_t);
CrcFn ChooseCrc() { return Crc32cHardwareAvailable() ? &Crc32cHardware : &Crc32cPortable; }
}  // namespace

uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n) {
  static const CrcFn fn = ChooseCrc();
  return fn(crc, data, n);
}

}  // namespace tp::stream
