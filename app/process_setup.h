// Process-wide settings for a query engine in a long-running process:
// malloc thresholds and the open-file limit.
#pragma once

namespace tp::app {

// Keeps freed heap for reuse instead of handing it back to the kernel after
// every query. glibc returns a freed block above its mmap threshold (128 KB
// at start) to the kernel at once, and trims a heap whose free top exceeds
// its trim threshold; the next query then faults every page in again, which
// on a small VM costs microseconds per 4 KB page (measured: ~15% of the CPU
// time of a 10M-row GROUP BY, bench/results/queries.md). glibc raises both
// thresholds by itself as blocks are freed, up to 32 MB and 64 MB; this
// starts there. Also raises the soft limit on open files to the hard one:
// systemd starts services at 1024, and the cached Parquet readers and the
// queries' spill files (one per thread and side) share them.
// Call once, first thing in main().
void ConfigureProcess();

}  // namespace tp::app
