// CAST: which casts exist, their kernels, and parsing text into SQL values
// (numbers, booleans, dates, timestamps in the store's zone, intervals).
//
// Rounding follows DuckDB: DOUBLE to an integer rounds half to even,
// DECIMAL to an integer or a smaller scale and DOUBLE to DECIMAL round half
// away from zero, text to a number rounds half away from zero.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"
#include "storage/sql/time_zone.h"
#include "storage/value_parse.h"

namespace tp::storage::sql {

namespace internal {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  }
  return true;
}

// A decimal number in text ("-12.5", "1e3", "1_000", "0x1F" when scale is 0)
// as an integer of `scale` digits after the point, rounded half away from
// zero. False when it is not a number or does not fit in int64.
bool ParseScaled(std::string_view text, int scale, int64_t* out) {
  std::string_view s = Trim(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (scale == 0 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
    if (ec != std::errc() || p != s.data() + s.size() || v > uint64_t{INT64_MAX}) return false;
    *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }
  std::string digits;  // every digit, integer part then fraction
  int point = -1;      // digits before the point
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '_' && !digits.empty() && i + 1 < s.size() && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      continue;
    } else if (c == '.' && point < 0) {
      point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (digits.empty()) return false;
  if (point < 0) point = static_cast<int>(digits.size());
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    int e = 0;
    std::string_view rest = s.substr(i + 1);
    if (!rest.empty() && rest[0] == '+') rest.remove_prefix(1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), e);
    if (ec != std::errc() || p != rest.data() + rest.size() || e > 400 || e < -400) return false;
    point += e;
    i = s.size();
  }
  if (i != s.size()) return false;
  // unscaled = the first `keep` digits (zeros past the end), rounded by the next.
  const int keep = point + scale;
  __int128 v = 0;
  for (int k = 0; k < keep; ++k) {
    const int d = k < static_cast<int>(digits.size()) ? digits[k] - '0' : 0;
    v = v * 10 + d;
    if (v > INT64_MAX) return false;
  }
  if (keep >= 0 && keep < static_cast<int>(digits.size()) && digits[keep] >= '5') v += 1;
  if (v > INT64_MAX) return false;
  *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool ParseDouble(std::string_view text, double* out) {
  std::string_view s = Trim(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseBool(std::string_view text, uint8_t* out) {
  std::string_view s = Trim(text);
  for (const char* t : {"true", "t", "yes", "y", "1"}) {
    if (EqualsLower(s, t)) {
      *out = 1;
      return true;
    }
  }
  for (const char* f : {"false", "f", "no", "n", "0"}) {
    if (EqualsLower(s, f)) {
      *out = 0;
      return true;
    }
  }
  return false;
}

bool ParseDateText(std::string_view text, int32_t* out) {
  auto t = storage::ParseIsoDateTime(Trim(text));
  if (!t.ok()) return false;
  *out = static_cast<int32_t>(storage::DaysFromCivil(t->year, t->month, t->day));
  return true;
}

int64_t Round(int64_t v, int64_t divisor) {  // v / divisor, half away from zero
  int64_t q = v / divisor, r = v % divisor;
  if (r >= 0 ? r * 2 >= divisor : -r * 2 >= divisor) q += v < 0 ? -1 : 1;
  return q;
}

// Is |v| below 10^precision (always true beyond 18 digits: int64 limits it).
bool FitsPrecision(int64_t v, int precision) {
  if (precision > 18) return true;
  const int64_t limit = PowerOf10(precision);
  return v < limit && v > -limit;
}

std::string OutOfRange(const Value& v, const SqlType& to) {
  return "Type " + v.type().ToString() + " with value " + v.ToString() +
         " can't be cast because the value is out of range for the destination type " +
         to.ToString();
}

// A kernel applying fallible f(x, &r) per row; on failure `message(value)`.
template <typename A, typename R, typename F, typename M>
ScalarKernel TryKernel(F f, M message) {
  return [f, message](const EvalContext&, const Vector* const* args, size_t n, Vector* out) {
    const size_t bad = UnaryTry<A, R>(*args[0], n, out, f);
    if (bad < n) return Status::InvalidArgument(message(args[0]->GetValue(bad)));
    return Status::OK();
  };
}

template <typename A, typename R, typename F>
ScalarKernel MapKernel(F f) {
  return [f](const EvalContext&, const Vector* const* args, size_t n, Vector* out) {
    UnaryMap<A, R>(*args[0], n, out, f);
    return Status::OK();
  };
}

// Text to R with parse(ctx, text, &r); consecutive rows with the same bytes
// (a broadcast constant) are parsed once.
template <typename R, typename P>
ScalarKernel ParseKernel(SqlType to, P parse) {
  return [to, parse](const EvalContext& ctx, const Vector* const* args, size_t n, Vector* out) {
    const auto* s = args[0]->data<std::string_view>();
    R* r = out->data<R>();
    const char* last_data = nullptr;
    size_t last_size = 0;
    R last{};
    for (size_t i = 0; i < n; ++i) {
      if (args[0]->IsNull(i)) {
        r[i] = R{};
        continue;
      }
      if (last_data != nullptr && s[i].data() == last_data && s[i].size() == last_size) {
        r[i] = last;
        continue;
      }
      if (!parse(ctx, s[i], &r[i])) {
        return Status::InvalidArgument("Could not convert string '" + std::string(s[i]) + "' to " +
                                       to.ToString());
      }
      last_data = s[i].data();
      last_size = s[i].size();
      last = r[i];
    }
    PropagateNulls(args, 1, n, out);
    return Status::OK();
  };
}

// Rows to text with format(ctx, x) -> std::string (or string_view).
template <typename A, typename F>
ScalarKernel FormatKernel(F format) {
  return [format](const EvalContext& ctx, const Vector* const* args, size_t n, Vector* out) {
    const A* x = args[0]->data<A>();
    auto* r = out->data<std::string_view>();
    for (size_t i = 0; i < n; ++i) {
      r[i] = args[0]->IsNull(i) ? std::string_view() : out->AddString(format(ctx, x[i]));
    }
    PropagateNulls(args, 1, n, out);
    return Status::OK();
  };
}

std::string IntText(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string DateText(int32_t days) { return Value::Date(days).ToString(); }

Result<ScalarKernel> ToVarchar(const SqlType& from) {
  switch (from.id) {
    case SqlTypeId::kBool:
      return FormatKernel<uint8_t>(
          [](const EvalContext&, uint8_t b) { return std::string(b ? "true" : "false"); });
    case SqlTypeId::kInt32:
      return FormatKernel<int32_t>([](const EvalContext&, int32_t v) { return IntText(v); });
    case SqlTypeId::kInt64:
      return FormatKernel<int64_t>([](const EvalContext&, int64_t v) { return IntText(v); });
    case SqlTypeId::kFloat64:
      return FormatKernel<double>([](const EvalContext&, double v) { return FormatDouble(v); });
    case SqlTypeId::kDecimal: {
      const int scale = from.scale;
      return FormatKernel<int64_t>(
          [scale](const EvalContext&, int64_t v) { return FormatDecimal(v, scale); });
    }
    case SqlTypeId::kDate:
      return FormatKernel<int32_t>([](const EvalContext&, int32_t d) { return DateText(d); });
    case SqlTypeId::kTimestamp:
      return FormatKernel<int64_t>([](const EvalContext& ctx, int64_t t) {
        return FormatTimestamp(t, ctx.zone->OffsetAt(t));
      });
    case SqlTypeId::kInterval:
      return FormatKernel<Interval>(
          [](const EvalContext&, const Interval& iv) { return FormatInterval(iv); });
    default:
      break;
  }
  return Status::InvalidArgument("");
}

Result<ScalarKernel> FromVarchar(const SqlType& to) {
  switch (to.id) {
    case SqlTypeId::kBool:
      return ParseKernel<uint8_t>(
          to, [](const EvalContext&, std::string_view s, uint8_t* r) { return ParseBool(s, r); });
    case SqlTypeId::kInt32:
      return ParseKernel<int32_t>(to, [](const EvalContext&, std::string_view s, int32_t* r) {
        int64_t v;
        if (!ParseScaled(s, 0, &v) || v < INT32_MIN || v > INT32_MAX) return false;
        *r = static_cast<int32_t>(v);
        return true;
      });
    case SqlTypeId::kInt64:
      return ParseKernel<int64_t>(to, [](const EvalContext&, std::string_view s, int64_t* r) {
        return ParseScaled(s, 0, r);
      });
    case SqlTypeId::kFloat64:
      return ParseKernel<double>(
          to, [](const EvalContext&, std::string_view s, double* r) { return ParseDouble(s, r); });
    case SqlTypeId::kDecimal: {
      const int p = to.precision, sc = to.scale;
      return ParseKernel<int64_t>(to, [p, sc](const EvalContext&, std::string_view s, int64_t* r) {
        return ParseScaled(s, sc, r) && FitsPrecision(*r, p);
      });
    }
    case SqlTypeId::kDate:
      return ParseKernel<int32_t>(to, [](const EvalContext&, std::string_view s, int32_t* r) {
        return ParseDateText(s, r);
      });
    case SqlTypeId::kTimestamp:
      return ParseKernel<int64_t>(to, [](const EvalContext& ctx, std::string_view s, int64_t* r) {
        auto v = ParseTimestamp(ctx, s);
        if (!v.ok()) return false;
        *r = *v;
        return true;
      });
    case SqlTypeId::kInterval:
      return ParseKernel<Interval>(to, [](const EvalContext&, std::string_view s, Interval* r) {
        auto v = ParseInterval(s);
        if (!v.ok()) return false;
        *r = *v;
        return true;
      });
    default:
      break;
  }
  return Status::InvalidArgument("");
}

// Numeric (and BOOLEAN) to numeric.
template <typename A>
Result<ScalarKernel> NumericFrom(const SqlType& from, const SqlType& to) {
  const int fs = from.id == SqlTypeId::kDecimal ? from.scale : 0;
  const int64_t fdiv = PowerOf10(fs);
  switch (to.id) {
    case SqlTypeId::kBool:
      return MapKernel<A, uint8_t>([](A v) { return static_cast<uint8_t>(v != 0); });
    case SqlTypeId::kInt32:
    case SqlTypeId::kInt64: {
      const int64_t lo = to.id == SqlTypeId::kInt32 ? INT32_MIN : INT64_MIN;
      const int64_t hi = to.id == SqlTypeId::kInt32 ? INT32_MAX : INT64_MAX;
      auto message = [to](const Value& v) { return OutOfRange(v, to); };
      auto run = [&]<typename R>() -> ScalarKernel {
        if constexpr (std::is_same_v<A, double>) {
          return TryKernel<A, R>(
              [lo, hi](double v, R* r) {
                const double x = std::nearbyint(v);
                // hi + 1 is exact as a double; v below it fits.
                if (!(x >= static_cast<double>(lo) && x < static_cast<double>(hi) + 1.0)) {
                  return false;
                }
                *r = static_cast<R>(x);
                return true;
              },
              message);
        } else {
          return TryKernel<A, R>(
              [lo, hi, fdiv](A a, R* r) {
                const int64_t v =
                    fdiv > 1 ? Round(static_cast<int64_t>(a), fdiv) : static_cast<int64_t>(a);
                if (v < lo || v > hi) return false;
                *r = static_cast<R>(v);
                return true;
              },
              message);
        }
      };
      if (to.id == SqlTypeId::kInt32) return run.template operator()<int32_t>();
      return run.template operator()<int64_t>();
    }
    case SqlTypeId::kFloat64:
      if constexpr (std::is_same_v<A, double>) {
        return MapKernel<A, double>([](double v) { return v; });
      } else {
        const double d = static_cast<double>(fdiv);
        return MapKernel<A, double>([d](A v) { return static_cast<double>(v) / d; });
      }
    case SqlTypeId::kDecimal: {
      const int p = to.precision, ts = to.scale;
      if (ts > 18) break;
      auto message = [to](const Value& v) {
        return "Could not cast value " + v.ToString() + " to " + to.ToString();
      };
      if constexpr (std::is_same_v<A, double>) {
        const double mul = static_cast<double>(PowerOf10(ts));
        return TryKernel<A, int64_t>(
            [mul, p](double v, int64_t* r) {
              const double x = std::round(v * mul);
              if (!(x > -9.2e18 && x < 9.2e18)) return false;
              *r = static_cast<int64_t>(x);
              return FitsPrecision(*r, p);
            },
            message);
      } else {
        if (ts >= fs) {
          const int64_t mul = PowerOf10(ts - fs);
          return TryKernel<A, int64_t>(
              [mul, p](A v, int64_t* r) {
                return !MulOverflow(static_cast<int64_t>(v), mul, r) && FitsPrecision(*r, p);
              },
              message);
        }
        const int64_t div = PowerOf10(fs - ts);
        return TryKernel<A, int64_t>(
            [div, p](A v, int64_t* r) {
              *r = Round(static_cast<int64_t>(v), div);
              return FitsPrecision(*r, p);
            },
            message);
      }
    }
    default:
      break;
  }
  return Status::InvalidArgument("");
}

Result<ScalarKernel> MakeCastKernel(const SqlType& from, const SqlType& to) {
  if (from.id == SqlTypeId::kNull) {
    return ScalarKernel([](const EvalContext&, const Vector* const*, size_t, Vector* out) {
      out->SetAllNull();
      return Status::OK();
    });
  }
  if (to.id == SqlTypeId::kString) return ToVarchar(from);
  if (from.id == SqlTypeId::kString) return FromVarchar(to);
  const bool from_num = from.IsNumeric() || from.id == SqlTypeId::kBool;
  const bool to_num = to.IsNumeric() || to.id == SqlTypeId::kBool;
  if (from_num && to_num) {
    switch (from.id) {
      case SqlTypeId::kBool:
        return NumericFrom<uint8_t>(from, to);
      case SqlTypeId::kInt32:
        return NumericFrom<int32_t>(from, to);
      case SqlTypeId::kInt64:
      case SqlTypeId::kDecimal:
        return NumericFrom<int64_t>(from, to);
      default:
        return NumericFrom<double>(from, to);
    }
  }
  if (from.id == SqlTypeId::kDate && to.id == SqlTypeId::kTimestamp) {
    return ScalarKernel(
        [](const EvalContext& ctx, const Vector* const* args, size_t n, Vector* out) {
          UnaryMap<int32_t, int64_t>(*args[0], n, out,
                                     [&](int32_t d) { return DateToTimestamp(ctx, d); });
          return Status::OK();
        });
  }
  if (from.id == SqlTypeId::kTimestamp && to.id == SqlTypeId::kDate) {
    return ScalarKernel(
        [](const EvalContext& ctx, const Vector* const* args, size_t n, Vector* out) {
          UnaryMap<int64_t, int32_t>(*args[0], n, out,
                                     [&](int64_t t) { return TimestampToDate(ctx, t); });
          return Status::OK();
        });
  }
  return Status::InvalidArgument("");
}

bool DependsOnZone(const SqlType& from, const SqlType& to) {
  auto temporal_or_text = [](SqlTypeId id) {
    return id == SqlTypeId::kString || id == SqlTypeId::kDate;
  };
  return (from.id == SqlTypeId::kTimestamp && temporal_or_text(to.id)) ||
         (to.id == SqlTypeId::kTimestamp && temporal_or_text(from.id));
}

}  // namespace

int32_t TimestampToDate(const EvalContext& ctx, int64_t utc_us) {
  return static_cast<int32_t>(FloorDiv(ctx.zone->ToLocal(utc_us), kDayUs));
}

int64_t DateToTimestamp(const EvalContext& ctx, int32_t days) {
  return ctx.zone->ToUtc(int64_t{days} * kDayUs);
}

Result<int64_t> ParseTimestamp(const EvalContext& ctx, std::string_view text) {
  std::string_view s = Trim(text);
  // DuckDB also accepts a trailing " UTC".
  if (s.size() > 4 && EqualsLower(s.substr(s.size() - 4), " utc")) {
    auto t = storage::ParseIsoDateTime(Trim(s.substr(0, s.size() - 4)));
    if (!t.ok()) return t.status();
    CivilTime c = *t;
    if (c.has_offset) return Status::InvalidArgument("two offsets");
    return storage::CivilToUtcMicros(c);
  }
  auto t = storage::ParseIsoDateTime(s);
  if (!t.ok()) return t.status();
  const int64_t micros = storage::CivilToUtcMicros(*t);
  return t->has_offset ? micros : ctx.zone->ToUtc(micros);
}

Result<Interval> ParseInterval(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("Could not convert string '" + std::string(text) +
                                   "' to INTERVAL");
  };
  std::string_view s = Trim(text);
  if (s.empty()) return bad();
  Interval iv;
  bool any = false;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  while (true) {
    skip_space();
    if (i >= s.size()) break;
    // A number, possibly signed and fractional.
    const size_t start = i;
    bool negative = false;
    if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
    const size_t digits_start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == digits_start) return bad();
    // "HH:MM[:SS[.f]]"
    if (i < s.size() && s[i] == ':') {
      i = digits_start;
      int64_t parts[3] = {0, 0, 0};
      int np = 0;
      int64_t frac = 0;
      while (np < 3) {
        const size_t b = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        if (i == b) return bad();
        if (std::from_chars(s.data() + b, s.data() + i, parts[np]).ec != std::errc()) {
          return bad();  // out of range
        }
        ++np;
        if (np == 3 && i < s.size() && s[i] == '.') {
          ++i;
          int nd = 0;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            if (nd < 6) frac = frac * 10 + (s[i] - '0');
            ++nd;
            ++i;
          }
          for (; nd < 6; ++nd) frac *= 10;
        }
        if (i < s.size() && s[i] == ':' && np < 3) {
          ++i;
        } else {
          break;
        }
      }
      if (np < 2) return bad();
      int64_t us = 0;
      if (MulOverflow(parts[0], 60, &us) || AddOverflow(us, parts[1], &us) ||
          MulOverflow(us, 60, &us) || AddOverflow(us, parts[2], &us) ||
          MulOverflow(us, 1000000, &us) || AddOverflow(us, frac, &us) ||
          AddOverflow(iv.micros, negative ? -us : us, &iv.micros)) {
        return bad();  // out of range
      }
      any = true;
      continue;
    }
    double number = 0;
    {
      auto [p, ec] = std::from_chars(s.data() + digits_start, s.data() + i, number);
      if (ec != std::errc() || p != s.data() + i) return bad();
    }
    if (negative) number = -number;
    skip_space();
    const size_t ub = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string unit(s.substr(ub, i - ub));
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.size() > 1 && unit.back() == 's' && unit != "ms" && unit != "us" && unit != "s") {
      unit.pop_back();
    }
    (void)start;
    auto is = [&](std::initializer_list<const char*> names) {
      for (const char* n : names) {
        if (unit == n) return true;
      }
      return false;
    };
    // Each returns false when the interval leaves its fields' ranges.
    auto add_micros = [&](double per) {
      const double us = std::round(number * per);  // halves away from zero, as llround
      if (!(us >= -0x1p63 && us < 0x1p63)) return false;  // int64's range; NaN too
      return !AddOverflow(iv.micros, static_cast<int64_t>(us), &iv.micros);
    };
    // Whole months and days stay calendar units; fractions spill into the
    // next smaller unit (30 days a month, 24 hours a day) as DuckDB does.
    auto add_days = [&](double days) {
      const double whole = std::trunc(days);
      if (!(whole >= INT32_MIN && whole <= INT32_MAX)) return false;
      if (__builtin_add_overflow(iv.days, static_cast<int32_t>(whole), &iv.days)) return false;
      return !AddOverflow(iv.micros, std::llround((days - whole) * 86400e6), &iv.micros);
    };
    auto add_months = [&](double months) {
      const double whole = std::trunc(months);
      if (!(whole >= INT32_MIN && whole <= INT32_MAX)) return false;
      if (__builtin_add_overflow(iv.months, static_cast<int32_t>(whole), &iv.months)) {
        return false;
      }
      return add_days((months - whole) * 30);
    };
    bool ok = true;
    if (is({"microsecond", "us", "usec", "microsecon"})) {
      ok = add_micros(1);
    } else if (is({"millisecond", "ms", "msec"})) {
      ok = add_micros(1e3);
    } else if (is({"second", "s", "sec"})) {
      ok = add_micros(1e6);
    } else if (is({"minute", "m", "min"})) {
      ok = add_micros(60e6);
    } else if (is({"hour", "h", "hr"})) {
      ok = add_micros(3600e6);
    } else if (is({"day", "d"})) {
      ok = add_days(number);
    } else if (is({"week", "w"})) {
      ok = add_days(number * 7);
    } else if (is({"month", "mon"})) {
      ok = add_months(number);
    } else if (is({"year", "y", "yr"})) {
      ok = add_months(number * 12);
    } else if (is({"decade"})) {
      ok = add_months(number * 120);
    } else if (is({"century", "centurie"})) {
      ok = add_months(number * 1200);
    } else if (is({"millennium", "millennia", "millenium"})) {
      ok = add_months(number * 12000);
    } else {
      return bad();
    }
    if (!ok) return bad();  // out of range
    any = true;
  }
  if (!any) return bad();
  return iv;
}

}  // namespace internal

Result<BoundExprPtr> BindCast(BoundExprPtr arg, const SqlType& target, size_t position) {
  const SqlType from = arg->type;
  if (from == target) return arg;
  if (target.id == SqlTypeId::kNull) {
    return Status::InvalidArgument("Cannot cast to type \"NULL\"" +
                                   internal::PositionSuffix(position));
  }
  if (target.id == SqlTypeId::kDecimal &&
      (target.precision < 1 || target.precision > 38 || target.scale > target.precision)) {
    return Status::InvalidArgument("Invalid type " + target.ToString() +
                                   internal::PositionSuffix(position));
  }
  if (target.id == SqlTypeId::kDecimal && target.scale > 18) {
    return Status::InvalidArgument(target.ToString() +
                                   " is not supported: a DECIMAL scale is at most 18" +
                                   internal::PositionSuffix(position));
  }
  if (from.id == SqlTypeId::kNull && arg->kind == BoundKind::kConstant) {
    return MakeConstant(Value::Null(target), position);
  }
  auto kernel = internal::MakeCastKernel(from, target);
  if (!kernel.ok()) {
    return Status::InvalidArgument("Cannot cast " + from.ToString() + " to " + target.ToString() +
                                   internal::PositionSuffix(position));
  }
  const bool fold = arg->kind == BoundKind::kConstant && !internal::DependsOnZone(from, target);
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(arg));
  BoundExprPtr call =
      internal::MakeCall("cast", target, std::move(args), std::move(*kernel), position);
  if (fold) {
    // A constant cast once now (a bad value is left to fail when evaluated,
    // with its position).
    Chunk one;
    one.size = 1;
    EvalContext ctx;
    ctx.zone = &TimeZone::Utc();
    Vector out;
    if (Evaluate(ctx, *call, one, &out).ok()) return MakeConstant(out.GetValue(0), position);
  }
  return call;
}

}  // namespace tp::storage::sql
