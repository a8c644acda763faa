// CRC32C with the SSE4.2 crc32 instruction. This is the only file built with
// -msse4.2; callers must check Crc32cHardwareAvailable() first (Crc32cExtend
// does). The instruction implements the same reflected Castagnoli CRC as the
// portable code in crc32c.cpp (RFC 3720 appendix B.4), without the initial and
// final complement, which are applied here.
#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#endif

#include <cstring>

#include "stream/crc32c.h"

namespace tp::stream {

#if defined(__x86_64__) || defined(__i386__)
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t c = ~crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
#if defined(__x86_64__)
  uint64_t c64 = c;
  // Three independent streams would hide the instruction's 3-cycle latency;
  // one stream already runs at several GB/s, far above what the log needs.
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = _mm_crc32_u64(c64, v);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
#endif
  while (n > 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  return ~c;
}
#else
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t n) {
  return Crc32cPortable(crc, data, n);
}
#endif

}  // namespace tp::stream
