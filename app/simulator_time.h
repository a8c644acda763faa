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

using storage::FloorDiv;

struct Civil {
  int64_t y;
  unsigned m, d;
};

// Proleptic Gregorian calendar <-> days since 1970-01-01.
inline Civil CivilFromDays(int64_t z) {
  Civil c;
  storage::CivilFromDays(z, &c.y, &c.m, &c.d);
  return c;
}

using storage::DaysFromCivil;

}  // namespace tp::app::sim
