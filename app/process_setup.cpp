#include "app/process_setup.h"

#include <malloc.h>
#include <sys/resource.h>

namespace tp::app {

void ConfigureProcess() {
  // glibc's own upper bounds for its dynamic thresholds (DEFAULT_MMAP_THRESHOLD_MAX
  // on 64-bit, and twice that for trimming); fixed values turn the dynamic
  // adjustment off.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  struct rlimit lim;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);  // best effort: the old limit still works
  }
}

}  // namespace tp::app
