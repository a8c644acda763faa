// Progress lines on stderr for long jobs: at most one per interval (default
// a second) with the rate over that interval, and a closing summary with the
// average rate.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tp::app {

class Progress {
 public:
  Progress(std::string what, bool quiet);
  void Add(uint64_t records, uint64_t bytes);  // prints when a second has passed
  void Note(std::string_view message);         // prints now
  void SetDetail(std::string detail) { detail_ = std::move(detail); }
  void SetInterval(std::chrono::seconds interval) { interval_ = interval; }
  void Done();                                 // prints the summary once
  uint64_t records() const { return records_; }

 private:
  void Print(bool final);
  std::string what_;
  bool quiet_;
  bool done_ = false;
  std::string detail_;
  uint64_t records_ = 0, bytes_ = 0;
  uint64_t records_at_last_ = 0;
  std::chrono::seconds interval_{1};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace tp::app
