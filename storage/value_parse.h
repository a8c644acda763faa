// Parsing text into the representations of storage/types.h, exactly (no
// floating point on the way for decimals) and with messages that say what
// was expected. Shared by ingest decoding and SQL casts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stream/status.h"

namespace tp::storage {

// A date and time as written, before any time zone is applied.
struct CivilTime {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  int micros = 0;
  bool has_offset = false;  // "Z" or "+hh:mm" was given
  int offset_seconds = 0;   // east of UTC
};

// ISO-8601 / RFC 3339: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]" with
// 'T' or ' ', then optionally "Z", "+HH:MM", "+HHMM" or "+HH". Fractions
// beyond microseconds are truncated.
Result<CivilTime> ParseIsoDateTime(std::string_view text);

// Division rounding toward negative infinity (for times before 1970).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days since 1970-01-01 of a proleptic Gregorian date (any year).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
// The proleptic Gregorian date of a day number (inverse of DaysFromCivil).
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);
// "YYYY-MM-DD" of a day number.
std::string FormatDate(int64_t days);
// Microseconds since the epoch of the civil time read as UTC, then minus its
// offset when it has one.
int64_t CivilToUtcMicros(const CivilTime& t);

// "2026-11-21" (a timestamp's date part is refused: say which you mean).
Result<int32_t> ParseDate(std::string_view text);

// A decimal number as text ("-12.5", "1e3", "0.125") to an unscaled integer
// with `scale` digits after the point, for a column of `precision` digits.
// Refuses more fractional digits than `scale` unless they are zeros (no
// silent rounding), and values that do not fit the precision.
Result<int64_t> ParseDecimal(std::string_view text, int precision, int scale);

// Whole numbers in range of the type, as text ("42", "-7", "1e3" is refused).
Result<int64_t> ParseInt64(std::string_view text);

}  // namespace tp::storage
