#include "app/progress.h"

#include <cstdio>

namespace tp::app {

Progress::Progress(std::string what, bool quiet) : what_(std::move(what)), quiet_(quiet) {}

void Progress::Add(uint64_t records, uint64_t bytes) {
  records_ += records;
  bytes_ += bytes;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ >= interval_) Print(false);
}

void Progress::Note(std::string_view message) {
  if (quiet_) return;
  std::fprintf(stderr, "%s: %.*s\n", what_.c_str(), static_cast<int>(message.size()), message.data());
}

void Progress::Done() {
  if (done_) return;
  done_ = true;
  Print(true);
}

void Progress::Print(bool final) {
  auto now = std::chrono::steady_clock::now();
  // The summary gives the average; a progress line the rate since the last.
  auto since = final ? start_ : last_;
  uint64_t records = final ? records_ : records_ - records_at_last_;
  last_ = now;
  records_at_last_ = records_;
  if (quiet_) return;
  double secs = std::chrono::duration<double>(now - since).count();
  double rate = secs > 0 ? static_cast<double>(records) / secs : 0;
  std::fprintf(stderr, "%s: %s%llu records, %.1f MB, %.0f records/s%s%s%s\n", what_.c_str(),
               final ? "done: " : "", static_cast<unsigned long long>(records_),
               static_cast<double>(bytes_) / 1e6, rate, final ? " on average" : "",
               detail_.empty() ? "" : ", ", detail_.c_str());
}

}  // namespace tp::app
