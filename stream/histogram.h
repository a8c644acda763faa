// A latency histogram for Prometheus (text format 0.0.4, "histogram" type):
// fixed bucket bounds in seconds, lock-free Observe() from any thread, and
// Render() of the cumulative _bucket{le}, _sum and _count samples.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>

namespace tp {

class LatencyHistogram {
 public:
  // Upper bounds in seconds (ascending); +Inf is implied.
  using Bounds = std::array<double, 14>;
  // Queries: 1 ms to a minute.
  static constexpr Bounds kQueryBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                          0.5,   1,     2.5,  5,     10,   30,  60};
  // Disk syncs: 50 us to 5 s.
  static constexpr Bounds kDiskBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                         0.01,    0.025,  0.05,    0.1,    0.25,  1,      5};

  explicit LatencyHistogram(const Bounds& bounds = kQueryBounds) : bounds_(bounds) {}

  void Observe(std::chrono::nanoseconds d) {
    const double s = std::chrono::duration<double>(d).count();
    size_t i = 0;
    while (i < bounds_.size() && s > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<uint64_t>(d.count() > 0 ? d.count() : 0), std::memory_order_relaxed);
  }

  // The HELP/TYPE lines and every sample of metric `name` ("..._seconds").
  std::string Render(const std::string& name, const std::string& help) const {
    std::string m = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
    uint64_t cumulative = 0;
    char le[32];
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      if (i < bounds_.size()) std::snprintf(le, sizeof le, "%g", bounds_[i]);
      m += name + "_bucket{le=\"" + (i < bounds_.size() ? std::string(le) : "+Inf") + "\"} " +
           std::to_string(cumulative) + "\n";
    }
    char sum[40];
    std::snprintf(sum, sizeof sum, "%.9g", static_cast<double>(sum_ns_.load()) / 1e9);
    m += name + "_sum " + sum + "\n" + name + "_count " + std::to_string(cumulative) + "\n";
    return m;
  }

 private:
  const Bounds& bounds_;  // one of the static sets above
  std::array<std::atomic<uint64_t>, std::tuple_size_v<Bounds> + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace tp
