#include "storage/value_parse.h"

#include <charconv>
#include <cstdio>
#include <string>

namespace tp::storage {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

Status BadTimestamp(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                                 "\" is not an ISO-8601 timestamp (" + why +
                                 "); write e.g. 2026-11-21T18:03:12Z or "
                                 "2026-11-21T15:03:12-03:00");
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil algorithm (public domain description of
  // the proleptic Gregorian calendar arithmetic).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  // The inverse of DaysFromCivil (the same public calendar algorithm).
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

int64_t CivilToUtcMicros(const CivilTime& t) {
  int64_t days = DaysFromCivil(t.year, t.month, t.day);
  int64_t secs = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
  if (t.has_offset) secs -= t.offset_seconds;
  return secs * 1000000 + t.micros;
}

Result<CivilTime> ParseIsoDateTime(std::string_view s) {
  CivilTime t;
  size_t pos = 0;
  bool negative_year = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative_year = s[0] == '-';
    pos = 1;
  }
  if (!Digits(s, pos, 4, &t.year) || pos + 4 >= s.size() || s[pos + 4] != '-') {
    return BadTimestamp(s, "expected YYYY-MM-DD at the start");
  }
  if (negative_year) t.year = -t.year;
  pos += 5;
  if (!Digits(s, pos, 2, &t.month) || pos + 2 >= s.size() || s[pos + 2] != '-' ||
      !Digits(s, pos + 3, 2, &t.day)) {
    return BadTimestamp(s, "expected YYYY-MM-DD at the start");
  }
  pos += 5;
  if (t.month < 1 || t.month > 12) return BadTimestamp(s, "month must be 01..12");
  if (t.day < 1 || t.day > DaysInMonth(t.year, t.month)) {
    return BadTimestamp(s, "day " + std::to_string(t.day) + " does not exist in that month");
  }
  if (pos == s.size()) return t;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
    return BadTimestamp(s, "expected 'T' or a space after the date");
  }
  ++pos;
  if (!Digits(s, pos, 2, &t.hour) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !Digits(s, pos + 3, 2, &t.minute)) {
    return BadTimestamp(s, "expected HH:MM after the date");
  }
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &t.second)) return BadTimestamp(s, "expected seconds after HH:MM:");
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 6) t.micros = t.micros * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return BadTimestamp(s, "expected digits after the decimal point");
      for (; digits < 6; ++digits) t.micros *= 10;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return BadTimestamp(s, "time out of range");
  if (t.second == 60) t.second = 59;  // leap second: clamp, as most systems do
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    t.has_offset = true;
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!Digits(s, pos + 1, 2, &oh)) return BadTimestamp(s, "expected an offset like +03:00");
    pos += 3;
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (pos < s.size()) {
      if (!Digits(s, pos, 2, &om)) return BadTimestamp(s, "expected an offset like +03:00");
      pos += 2;
    }
    if (oh > 18 || om > 59) return BadTimestamp(s, "offset out of range");
    t.has_offset = true;
    t.offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (pos != s.size()) return BadTimestamp(s, "unexpected text after the time");
  return t;
}

Result<int32_t> ParseDate(std::string_view text) {
  auto t = ParseIsoDateTime(text);
  if (!t.ok()) return t.status();
  if (text.size() > 11) {
    return Status::InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                                   "\" is a timestamp, not a date; write the date alone, e.g. "
                                   "2026-11-21");
  }
  return static_cast<int32_t>(DaysFromCivil(t->year, t->month, t->day));
}

Result<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument(std::string(text.substr(0, 64)) + " is out of range for int64");
  }
  if (ec != std::errc() || p != e || b == e) {
    return Status::InvalidArgument("\"" + std::string(text.substr(0, 64)) +
                                   "\" is not a whole number");
  }
  return v;
}

Result<int64_t> ParseDecimal(std::string_view text, int precision, int scale) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("\"" + std::string(text.substr(0, 64)) + "\" " + why +
                                   " for decimal(" + std::to_string(precision) + "," +
                                   std::to_string(scale) + ")");
  };
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  // Collect the digits and where the point is, then apply the exponent.
  std::string digits;
  int point = -1;  // digits before the decimal point
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return bad("is not a number");
  if (point < 0) point = static_cast<int>(digits.size());
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    auto exp = ParseInt64(text.substr(pos + 1));
    if (!exp.ok() || *exp > 100 || *exp < -100) return bad("has a bad exponent");
    point += static_cast<int>(*exp);
    pos = text.size();
  }
  if (pos != text.size()) return bad("is not a number");
  // Value = 0.digits * 10^point; we want round-free unscaled = value * 10^scale.
  int64_t unscaled = 0;
  const int int_digits_limit = precision - scale;
  int significant_int_digits = 0;
  const int wanted = point + scale;  // how many leading digits form the unscaled value
  for (int i = 0; i < static_cast<int>(digits.size()); ++i) {
    int d = digits[i] - '0';
    if (i < wanted) {
      if (i < point && (significant_int_digits > 0 || d != 0)) ++significant_int_digits;
      unscaled = unscaled * 10 + d;
      if (unscaled > 999999999999999999LL) return bad("has too many digits");
    } else if (d != 0) {
      return bad("has more than " + std::to_string(scale) + " digits after the point");
    }
  }
  for (int i = static_cast<int>(digits.size()); i < wanted; ++i) {
    if (i < point && (significant_int_digits > 0 || unscaled != 0)) ++significant_int_digits;
    unscaled *= 10;
    if (unscaled > 999999999999999999LL) return bad("has too many digits");
  }
  // Digits before the point that are left of the first kept digit (wanted < 0).
  if (wanted < 0) unscaled = 0;
  int64_t limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  if (unscaled >= limit || significant_int_digits > int_digits_limit) {
    return bad("does not fit (at most " + std::to_string(int_digits_limit) +
               " digits before the point)");
  }
  return negative ? -unscaled : unscaled;
}

}  // namespace tp::storage
