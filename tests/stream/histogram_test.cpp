#include "stream/histogram.h"

#include <gtest/gtest.h>

namespace tp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// Cumulative buckets, +Inf equal to _count, _sum in seconds (Prometheus
// text format's histogram rules).
TEST(LatencyHistogram, RendersCumulativeBucketsSumAndCount) {
  LatencyHistogram h;
  h.Observe(microseconds(500));  // le 0.001
  h.Observe(milliseconds(20));   // le 0.025
  h.Observe(milliseconds(2000)); // le 2.5
  h.Observe(std::chrono::seconds(100));  // only +Inf
  const std::string m = h.Render("t_seconds", "help");
  EXPECT_NE(m.find("# TYPE t_seconds histogram\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"0.01\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"0.025\"} 2\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"2.5\"} 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"60\"} 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_sum 102.0205\n"), std::string::npos) << m;
  EXPECT_NE(m.find("t_seconds_count 4\n"), std::string::npos) << m;
}

}  // namespace
}  // namespace tp
