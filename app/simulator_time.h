// Internal to the simulator (app/simulator*.cpp): time in microseconds since
// the Unix epoch (UTC), its units, and the proleptic Gregorian calendar.
#pragma once

#include "storage/value_parse.h"

#include <cstdint>

namespace tp::app::sim {

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

// Proleptic Gregorian calendar <-> days since 1970-01-01.
inline Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

using storage::DaysFromCivil;

}  // namespace tp::app::sim
