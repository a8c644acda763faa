// Test helper: waits for a running server to notice a change it polls for
// (a password file is re-read once a second, say).
#pragma once

#include <chrono>
#include <thread>

namespace tp::testing {

// Calls `status()` (an HTTP status) every 100 ms while it answers 200, for at
// most 4 s; returns the last answer.
template <typename F>
int StatusOnceNot200(F status) {
  int s = 200;
  for (int i = 0; i < 40 && s == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s = status();
  }
  return s;
}

}  // namespace tp::testing
