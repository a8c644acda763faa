// CRC32C (Castagnoli, polynomial 0x1EDC6F41 reflected 0x82F63B78), as used by
// iSCSI (RFC 3720 appendix B.4) and ext4. Uses the SSE4.2 crc32 instruction
// when the CPU has it, a portable table-driven version otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tp::stream {

// Extends `crc` (the value returned by an earlier call, or 0 to start) with
// `n` bytes at `data`.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n);
inline uint32_t Crc32c(const void* data, size_t n) { return Crc32cExtend(0, data, n); }

// Both implementations, exposed so tests can check they agree.
uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t n);
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t n);  // requires SSE4.2
bool Crc32cHardwareAvailable();

}  // namespace tp::stream
