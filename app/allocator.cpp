#include "app/allocator.h"

#include <malloc.h>

namespace tp::app {

void ConfigureAllocator() {
  // glibc's own upper bounds for its dynamic thresholds (DEFAULT_MMAP_THRESHOLD_MAX
  // on 64-bit, and twice that for trimming); fixed values turn the dynamic
  // adjustment off.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace tp::app
