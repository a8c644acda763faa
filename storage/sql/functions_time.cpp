// Dates, timestamps and intervals: date_trunc, date_part (extract) and its
// shorthands (year(), month(), ...), strftime, now() / current_date, and
// the arithmetic operators on them.
//
// TIMESTAMP is an instant; every calendar question is answered in the
// store's time zone (EvalContext::zone), as DuckDB does for TIMESTAMP WITH
// TIME ZONE with its TimeZone setting:
//   date_trunc(part, ts)    truncates the local time, returns the instant
//                           of that local time (TIMESTAMP); on a DATE it
//                           returns the local midnight (DuckDB: a naive
//                           TIMESTAMP, shown without an offset)
//   date_part(part, x)      BIGINT, except 'epoch' (DOUBLE, seconds since
//                           1970-01-01 UTC)
//   ts +/- INTERVAL         months in the local calendar (the day clamped to
//                           the month's end), then days, then microseconds
//                           added to the instant
//   DATE +/- INTERVAL       the same from the local midnight: TIMESTAMP
//   DATE +/- INTEGER        DATE; DATE - DATE is BIGINT days
//   ts - ts                 INTERVAL of days and time between the local
//                           wall-clock times (DuckDB's ICU subtraction)
// Local times that DST skips or repeats resolve as time_zone.h says.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"
#include "storage/sql/time_zone.h"
#include "storage/value_parse.h"

namespace tp::storage::sql::internal {

int DaysInMonth(int64_t y, unsigned m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

Civil FromLocal(int64_t local_us) {
  // Rows of a batch are mostly from few days: remember the last day's date.
  thread_local int64_t last_days = INT64_MIN, last_year = 0;
  thread_local unsigned last_month = 0, last_day = 0;
  Civil c;
  c.days = FloorDiv(local_us, kDayUs);
  c.tod_us = local_us - c.days * kDayUs;
  if (c.days != last_days) {
    CivilFromDays(c.days, &last_year, &last_month, &last_day);
    last_days = c.days;
  }
  c.year = last_year;
  c.month = last_month;
  c.day = last_day;
  return c;
}

int IsoDow(int64_t days) {  // Monday 1 .. Sunday 7; 1970-01-01 was a Thursday
  return static_cast<int>(((days + 3) % 7 + 7) % 7) + 1;
}

// ISO-8601 week-numbering year and week of a day.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week) {
  const int64_t thursday = days - (IsoDow(days) - 1) + 3;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  *iso_year = y;
  *week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
}

void NullAsTimestamp(BindInput& in, size_t i) {
  if (i < in.args.size() && in.args[i]->type.id == SqlTypeId::kNull &&
      in.args[i]->kind == BoundKind::kConstant) {
    in.args[i] =
        MakeConstant(Value::Null(SqlType::Of(SqlTypeId::kTimestamp)), in.args[i]->position);
  }
}

bool ConstantText(const BoundExpr& e, std::string* out) {
  if (e.kind != BoundKind::kConstant || e.type.id != SqlTypeId::kString || e.value.is_null()) {
    return false;
  }
  *out = e.value.string_value();
  return true;
}

namespace {

const SqlType kTs = SqlType::Of(SqlTypeId::kTimestamp);
const SqlType kDate = SqlType::Of(SqlTypeId::kDate);
const SqlType kIv = SqlType::Of(SqlTypeId::kInterval);
const SqlType kBig = SqlType::Of(SqlTypeId::kInt64);
const SqlType kDbl = SqlType::Of(SqlTypeId::kFloat64);

std::vector<BoundExprPtr> Take(std::vector<BoundExprPtr>& args) { return std::move(args); }

// Shifts a local day by whole months, the day clamped to the month's end.
int64_t AddMonths(int64_t days, int64_t months) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  const int64_t ny = FloorDiv(total, 12);
  const auto nm = static_cast<unsigned>(total - ny * 12 + 1);
  const unsigned nd = std::min<unsigned>(d, static_cast<unsigned>(DaysInMonth(ny, nm)));
  return DaysFromCivil(ny, nm, nd);
}

// DuckDB's order (its ICU calendar arithmetic): months, then days, then
// microseconds; but when any field is negative, microseconds first.
int64_t AddInterval(const EvalContext& ctx, int64_t t, const Interval& iv) {
  if (iv.months == 0 && iv.days == 0) return t + iv.micros;
  const bool negative = iv.months < 0 || iv.days < 0 || iv.micros < 0;
  if (negative) t += iv.micros;
  const int64_t local = ctx.zone->ToLocal(t);
  int64_t days = FloorDiv(local, kDayUs);
  const int64_t tod = local - days * kDayUs;
  if (iv.months != 0) days = AddMonths(days, iv.months);
  days += iv.days;
  const int64_t shifted = ctx.zone->ToUtc(days * kDayUs + tod);
  return negative ? shifted : shifted + iv.micros;
}

// a - b as DuckDB computes it: the whole local days that fit between b and
// a (b's wall-clock time moved by days, never passing a), then the
// remaining microseconds.
Interval Subtract(const EvalContext& ctx, int64_t a, int64_t b) {
  const TimeZone& z = *ctx.zone;
  if (z.is_utc()) {
    const int64_t diff = a - b;
    return Interval{0, static_cast<int32_t>(diff / kDayUs), diff % kDayUs};
  }
  const int64_t lb = z.ToLocal(b);
  auto moved = [&](int64_t d) { return z.ToUtc(lb + d * kDayUs); };
  int64_t d = FloorDiv(z.ToLocal(a), kDayUs) - FloorDiv(lb, kDayUs);
  if (a >= b) {
    d = std::max<int64_t>(d, 0);
    while (d > 0 && moved(d) > a) --d;
    while (moved(d + 1) <= a) ++d;
  } else {
    d = std::min<int64_t>(d, 0);
    while (d < 0 && moved(d) < a) ++d;
    while (moved(d - 1) >= a) --d;
  }
  return Interval{0, static_cast<int32_t>(d), a - moved(d)};
}

Interval Negate(const Interval& iv) { return Interval{-iv.months, -iv.days, -iv.micros}; }

// --- parts ---------------------------------------------------------------------------

enum class Part {
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kDow,
  kIsoDow,
  kDoy,
  kEpoch,
  kIsoYear,
  kYearWeek,
};

bool ParsePart(std::string name, Part* part) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const struct {
    const char* name;
    Part part;
  } kNames[] = {
      {"microseconds", Part::kMicrosecond},
      {"microsecond", Part::kMicrosecond},
      {"us", Part::kMicrosecond},
      {"usec", Part::kMicrosecond},
      {"milliseconds", Part::kMillisecond},
      {"millisecond", Part::kMillisecond},
      {"ms", Part::kMillisecond},
      {"msec", Part::kMillisecond},
      {"seconds", Part::kSecond},
      {"second", Part::kSecond},
      {"s", Part::kSecond},
      {"sec", Part::kSecond},
      {"minutes", Part::kMinute},
      {"minute", Part::kMinute},
      {"m", Part::kMinute},
      {"min", Part::kMinute},
      {"hours", Part::kHour},
      {"hour", Part::kHour},
      {"h", Part::kHour},
      {"hr", Part::kHour},
      {"days", Part::kDay},
      {"day", Part::kDay},
      {"d", Part::kDay},
      {"dayofmonth", Part::kDay},
      {"weeks", Part::kWeek},
      {"week", Part::kWeek},
      {"w", Part::kWeek},
      {"weekofyear", Part::kWeek},
      {"months", Part::kMonth},
      {"month", Part::kMonth},
      {"mon", Part::kMonth},
      {"quarters", Part::kQuarter},
      {"quarter", Part::kQuarter},
      {"years", Part::kYear},
      {"year", Part::kYear},
      {"y", Part::kYear},
      {"decades", Part::kDecade},
      {"decade", Part::kDecade},
      {"centuries", Part::kCentury},
      {"century", Part::kCentury},
      {"millennia", Part::kMillennium},
      {"millennium", Part::kMillennium},
      {"dow", Part::kDow},
      {"dayofweek", Part::kDow},
      {"weekday", Part::kDow},
      {"isodow", Part::kIsoDow},
      {"doy", Part::kDoy},
      {"dayofyear", Part::kDoy},
      {"epoch", Part::kEpoch},
      {"isoyear", Part::kIsoYear},
      {"yearweek", Part::kYearWeek},
  };
  for (const auto& n : kNames) {
    if (name == n.name) {
      *part = n.part;
      return true;
    }
  }
  return false;
}

// date_trunc on a local time (µs since the local epoch).
int64_t TruncLocal(int64_t local, Part part) {
  switch (part) {
    case Part::kMicrosecond:
      return local;
    case Part::kMillisecond:
      return FloorDiv(local, 1000) * 1000;
    case Part::kSecond:
      return FloorDiv(local, kSecUs) * kSecUs;
    case Part::kMinute:
      return FloorDiv(local, kMinUs) * kMinUs;
    case Part::kHour:
      return FloorDiv(local, kHourUs) * kHourUs;
    case Part::kDay:
      return FloorDiv(local, kDayUs) * kDayUs;
    case Part::kWeek: {
      const int64_t days = FloorDiv(local, kDayUs);
      return (days - (IsoDow(days) - 1)) * kDayUs;
    }
    default:
      break;
  }
  const Civil c = FromLocal(local);
  int64_t y = c.year;
  unsigned m = 1;
  switch (part) {
    case Part::kMonth:
      m = c.month;
      break;
    case Part::kQuarter:
      m = (c.month - 1) / 3 * 3 + 1;
      break;
    case Part::kYear:
      break;
    case Part::kDecade:
      y = FloorDiv(y, 10) * 10;
      break;
    case Part::kCentury:
      y = FloorDiv(y - 1, 100) * 100 + 1;
      break;
    case Part::kMillennium:
      y = FloorDiv(y - 1, 1000) * 1000 + 1;
      break;
    default:
      break;
  }
  return DaysFromCivil(y, m, 1) * kDayUs;
}

bool TruncatablePart(Part p) { return p <= Part::kMillennium; }

// A date part of a local time, BIGINT (epoch handled by the caller).
int64_t PartOfLocal(int64_t local, Part part) {
  const int64_t days = FloorDiv(local, kDayUs);
  const int64_t tod = local - days * kDayUs;
  switch (part) {
    case Part::kMicrosecond:
      return tod % kMinUs;
    case Part::kMillisecond:
      return tod % kMinUs / 1000;
    case Part::kSecond:
      return tod % kMinUs / kSecUs;
    case Part::kMinute:
      return tod % kHourUs / kMinUs;
    case Part::kHour:
      return tod / kHourUs;
    case Part::kDow:
      return IsoDow(days) % 7;
    case Part::kIsoDow:
      return IsoDow(days);
    default:
      break;
  }
  const Civil c = FromLocal(local);
  switch (part) {
    case Part::kDay:
      return c.day;
    case Part::kMonth:
      return c.month;
    case Part::kQuarter:
      return (c.month - 1) / 3 + 1;
    case Part::kYear:
      return c.year;
    case Part::kDecade:
      return FloorDiv(c.year, 10);
    case Part::kCentury:
      return c.year > 0 ? (c.year - 1) / 100 + 1 : -((-c.year) / 100 + 1);
    case Part::kMillennium:
      return c.year > 0 ? (c.year - 1) / 1000 + 1 : -((-c.year) / 1000 + 1);
    case Part::kDoy:
      return c.days - DaysFromCivil(c.year, 1, 1) + 1;
    case Part::kWeek:
    case Part::kIsoYear:
    case Part::kYearWeek: {
      int64_t iy, w;
      IsoWeek(c.days, &iy, &w);
      return part == Part::kWeek ? w : part == Part::kIsoYear ? iy : iy * 100 + w;
    }
    default:
      break;
  }
  return 0;
}

// A date part of an interval (DuckDB: hours are not wrapped into days).
bool PartOfInterval(const Interval& iv, Part part, int64_t* out) {
  switch (part) {
    case Part::kYear:
      *out = iv.months / 12;
      return true;
    case Part::kMonth:
      *out = iv.months % 12;
      return true;
    case Part::kQuarter:
      *out = iv.months % 12 / 3 + 1;
      return true;
    case Part::kDay:
      *out = iv.days;
      return true;
    case Part::kHour:
      *out = iv.micros / kHourUs;
      return true;
    case Part::kMinute:
      *out = iv.micros % kHourUs / kMinUs;
      return true;
    case Part::kSecond:
      *out = iv.micros % kMinUs / kSecUs;
      return true;
    case Part::kMillisecond:
      *out = iv.micros % kMinUs / 1000;
      return true;
    case Part::kMicrosecond:
      *out = iv.micros % kMinUs;
      return true;
    case Part::kDecade:
      *out = iv.months / 120;
      return true;
    case Part::kCentury:
      *out = iv.months / 1200;
      return true;
    case Part::kMillennium:
      *out = iv.months / 12000;
      return true;
    default:
      return false;
  }
}

double IntervalEpoch(const Interval& iv) {
  const int64_t years = iv.months / 12, months = iv.months % 12;
  return static_cast<double>(years) * 365.25 * 86400 + static_cast<double>(months) * 30 * 86400 +
         static_cast<double>(iv.days) * 86400 + static_cast<double>(iv.micros) / 1e6;
}

Status BadPart(const std::string& fn, const std::string& part) {
  return Status::InvalidArgument(fn + ": unknown date part '" + part +
                                 "'; use e.g. 'second', 'minute', 'hour', 'day', 'week', "
                                 "'month', 'quarter', 'year'");
}

Status BindDateTrunc(BindInput& in, BoundExprPtr* out) {
  NullAsTimestamp(in, 1);
  if (in.args.size() != 2 || in.args[0]->type.id != SqlTypeId::kString) return Status::OK();
  const SqlTypeId t = in.args[1]->type.id;
  if (t != SqlTypeId::kTimestamp && t != SqlTypeId::kDate) return Status::OK();
  std::string name;
  if (!ConstantText(*in.args[0], &name)) {
    return Status::InvalidArgument("date_trunc needs a constant part, e.g. 'day'");
  }
  Part part;
  if (!ParsePart(name, &part) || !TruncatablePart(part)) return BadPart("date_trunc", name);
  ScalarKernel k;
  if (t == SqlTypeId::kTimestamp) {
    k = [part](const EvalContext& ctx, const Vector* const* a, size_t n, Vector* o) {
      const TimeZone& z = *ctx.zone;
      if (z.is_utc()) {
        UnaryMap<int64_t, int64_t>(*a[1], n, o, [part](int64_t v) { return TruncLocal(v, part); });
      } else if (part <= Part::kMinute) {
        // Below an hour the offset stays (DuckDB): a time in a repeated hour
        // stays in its occurrence of that hour.
        UnaryMap<int64_t, int64_t>(*a[1], n, o, [part, &z](int64_t v) {
          const int64_t local = z.ToLocal(v);
          return v - (local - TruncLocal(local, part));
        });
      } else {
        UnaryMap<int64_t, int64_t>(
            *a[1], n, o, [part, &z](int64_t v) { return z.ToUtc(TruncLocal(z.ToLocal(v), part)); });
      }
      return Status::OK();
    };
  } else {
    k = [part](const EvalContext& ctx, const Vector* const* a, size_t n, Vector* o) {
      const TimeZone& z = *ctx.zone;
      UnaryMap<int32_t, int64_t>(*a[1], n, o, [part, &z](int32_t d) {
        return z.ToUtc(TruncLocal(int64_t{d} * kDayUs, part));
      });
      return Status::OK();
    };
  }
  *out = MakeCall("date_trunc", kTs, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// date_part(part, x) with a known part (also year(x), month(x), ...).
Status MakeDatePart(BindInput& in, Part part, size_t arg, const std::string& fn,
                    BoundExprPtr* out) {
  const SqlTypeId t = in.args[arg]->type.id;
  const bool epoch = part == Part::kEpoch;
  const SqlType rt = epoch ? kDbl : kBig;
  ScalarKernel k;
  if (t == SqlTypeId::kTimestamp) {
    k = [part, arg, epoch](const EvalContext& ctx, const Vector* const* a, size_t n, Vector* o) {
      const TimeZone& z = *ctx.zone;
      if (epoch) {
        UnaryMap<int64_t, double>(*a[arg], n, o,
                                  [](int64_t v) { return static_cast<double>(v) / 1e6; });
      } else {
        UnaryMap<int64_t, int64_t>(
            *a[arg], n, o, [part, &z](int64_t v) { return PartOfLocal(z.ToLocal(v), part); });
      }
      return Status::OK();
    };
  } else if (t == SqlTypeId::kDate) {
    k = [part, arg, epoch](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      if (epoch) {
        UnaryMap<int32_t, double>(*a[arg], n, o,
                                  [](int32_t d) { return static_cast<double>(d) * 86400; });
      } else {
        UnaryMap<int32_t, int64_t>(
            *a[arg], n, o, [part](int32_t d) { return PartOfLocal(int64_t{d} * kDayUs, part); });
      }
      return Status::OK();
    };
  } else if (t == SqlTypeId::kInterval) {
    int64_t probe;
    if (!epoch && !PartOfInterval(Interval{}, part, &probe)) {
      return Status::InvalidArgument(fn + ": an INTERVAL has no such part");
    }
    k = [part, arg, epoch](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      if (epoch) {
        UnaryMap<Interval, double>(*a[arg], n, o,
                                   [](const Interval& iv) { return IntervalEpoch(iv); });
      } else {
        UnaryMap<Interval, int64_t>(*a[arg], n, o, [part](const Interval& iv) {
          int64_t v = 0;
          PartOfInterval(iv, part, &v);
          return v;
        });
      }
      return Status::OK();
    };
  } else {
    return Status::OK();
  }
  *out = MakeCall(fn, rt, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindDatePart(BindInput& in, BoundExprPtr* out) {
  NullAsTimestamp(in, 1);
  if (in.args.size() != 2 || in.args[0]->type.id != SqlTypeId::kString) return Status::OK();
  const SqlTypeId t = in.args[1]->type.id;
  if (t != SqlTypeId::kTimestamp && t != SqlTypeId::kDate && t != SqlTypeId::kInterval) {
    return Status::OK();
  }
  std::string name;
  if (!ConstantText(*in.args[0], &name)) {
    return Status::InvalidArgument(in.name + " needs a constant part, e.g. 'year'");
  }
  Part part;
  if (!ParsePart(name, &part)) return BadPart(in.name, name);
  return MakeDatePart(in, part, 1, "date_part", out);
}

// year(x), month(x), ...: date_part with the part in the name.
Status BindPartFunction(BindInput& in, BoundExprPtr* out) {
  NullAsTimestamp(in, 0);
  if (in.args.size() != 1) return Status::OK();
  Part part;
  if (!ParsePart(in.name, &part)) return Status::OK();
  return MakeDatePart(in, part, 0, in.name, out);
}

// --- now, current_date -------------------------------------------------------------------

Status BindNow(BindInput& in, BoundExprPtr* out) {
  if (!in.args.empty()) return Status::OK();
  const bool date = in.name == "current_date" || in.name == "today";
  ScalarKernel k = [date](const EvalContext& ctx, const Vector* const*, size_t n, Vector* o) {
    if (date) {
      const int32_t d = TimestampToDate(ctx, ctx.now_us);
      std::fill(o->data<int32_t>(), o->data<int32_t>() + n, d);
    } else {
      std::fill(o->data<int64_t>(), o->data<int64_t>() + n, ctx.now_us);
    }
    return Status::OK();
  };
  *out = MakeCall(in.name, date ? kDate : kTs, {}, std::move(k), in.position);
  return Status::OK();
}

// --- arithmetic ---------------------------------------------------------------------------

bool IsTemporal(SqlTypeId id) {
  return id == SqlTypeId::kTimestamp || id == SqlTypeId::kDate || id == SqlTypeId::kInterval;
}

Status Cast(BindInput& in, size_t i, const SqlType& t) {
  auto c = CastTo(std::move(in.args[i]), t);
  if (!c.ok()) return c.status();
  in.args[i] = std::move(*c);
  return Status::OK();
}

template <typename A, typename B, typename R, typename F>
ScalarKernel Binary(F f) {
  return [f](const EvalContext& ctx, const Vector* const* a, size_t n, Vector* o) {
    BinaryMap<A, B, R>(*a[0], *a[1], n, o, [&](const A& x, const B& y) { return f(ctx, x, y); });
    return Status::OK();
  };
}

Status BindTemporalArithmetic(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 2) return Status::OK();
  SqlTypeId a = in.args[0]->type.id, b = in.args[1]->type.id;
  if (!IsTemporal(a) && !IsTemporal(b)) return Status::OK();
  const std::string& op = in.name;
  // A string literal beside a date or timestamp in + or - is an interval.
  for (size_t i = 0; i < 2; ++i) {
    const BoundExpr& e = *in.args[i];
    const SqlTypeId other = in.args[1 - i]->type.id;
    if (e.kind == BoundKind::kConstant && e.type.id == SqlTypeId::kString &&
        (other == SqlTypeId::kTimestamp || other == SqlTypeId::kDate) && op != "*") {
      Status s = Cast(in, i, kIv);
      if (!s.ok()) return s;
    }
  }
  a = in.args[0]->type.id;
  b = in.args[1]->type.id;
  auto integral = [](SqlTypeId id) { return IsIntegral(id); };
  ScalarKernel k;
  SqlType rt;
  const bool plus = op == "+", minus = op == "-";
  if ((plus || minus) && (a == SqlTypeId::kTimestamp || a == SqlTypeId::kDate) &&
      b == SqlTypeId::kInterval) {
    Status s = Cast(in, 0, kTs);
    if (!s.ok()) return s;
    rt = kTs;
    k = Binary<int64_t, Interval, int64_t>(
        [minus](const EvalContext& ctx, int64_t t, const Interval& iv) {
          return AddInterval(ctx, t, minus ? Negate(iv) : iv);
        });
  } else if (plus && a == SqlTypeId::kInterval &&
             (b == SqlTypeId::kTimestamp || b == SqlTypeId::kDate)) {
    Status s = Cast(in, 1, kTs);
    if (!s.ok()) return s;
    rt = kTs;
    k = Binary<Interval, int64_t, int64_t>([](const EvalContext& ctx, const Interval& iv,
                                              int64_t t) { return AddInterval(ctx, t, iv); });
  } else if ((plus || minus) && a == SqlTypeId::kDate && integral(b)) {
    Status s = Cast(in, 1, SqlType::Of(SqlTypeId::kInt32));
    if (!s.ok()) return s;
    rt = kDate;
    k = Binary<int32_t, int32_t, int32_t>([minus](const EvalContext&, int32_t d, int32_t n) {
      return static_cast<int32_t>(minus ? int64_t{d} - n : int64_t{d} + n);
    });
  } else if (plus && integral(a) && b == SqlTypeId::kDate) {
    Status s = Cast(in, 0, SqlType::Of(SqlTypeId::kInt32));
    if (!s.ok()) return s;
    rt = kDate;
    k = Binary<int32_t, int32_t, int32_t>([](const EvalContext&, int32_t n, int32_t d) {
      return static_cast<int32_t>(int64_t{d} + n);
    });
  } else if (minus && a == SqlTypeId::kDate && b == SqlTypeId::kDate) {
    rt = kBig;
    k = Binary<int32_t, int32_t, int64_t>(
        [](const EvalContext&, int32_t x, int32_t y) { return int64_t{x} - y; });
  } else if (minus && (a == SqlTypeId::kTimestamp || a == SqlTypeId::kDate) &&
             (b == SqlTypeId::kTimestamp || b == SqlTypeId::kDate)) {
    Status s = Cast(in, 0, kTs);
    if (s.ok()) s = Cast(in, 1, kTs);
    if (!s.ok()) return s;
    rt = kIv;
    k = Binary<int64_t, int64_t, Interval>(
        [](const EvalContext& ctx, int64_t x, int64_t y) { return Subtract(ctx, x, y); });
  } else if ((plus || minus) && a == SqlTypeId::kInterval && b == SqlTypeId::kInterval) {
    rt = kIv;
    k = Binary<Interval, Interval, Interval>(
        [minus](const EvalContext&, const Interval& x, const Interval& y) {
          const Interval z = minus ? Negate(y) : y;
          return Interval{x.months + z.months, x.days + z.days, x.micros + z.micros};
        });
  } else if (op == "*" && (a == SqlTypeId::kInterval) != (b == SqlTypeId::kInterval) &&
             (integral(a) || integral(b))) {
    const size_t num = a == SqlTypeId::kInterval ? 1 : 0;
    Status s = Cast(in, num, kBig);
    if (!s.ok()) return s;
    rt = kIv;
    auto mul = [](const Interval& x, int64_t f) {
      return Interval{static_cast<int32_t>(x.months * f), static_cast<int32_t>(x.days * f),
                      x.micros * f};
    };
    if (num == 1) {
      k = Binary<Interval, int64_t, Interval>(
          [mul](const EvalContext&, const Interval& x, int64_t f) { return mul(x, f); });
    } else {
      k = Binary<int64_t, Interval, Interval>(
          [mul](const EvalContext&, int64_t f, const Interval& x) { return mul(x, f); });
    }
  } else {
    return Status::OK();
  }
  *out = MakeCall(op, rt, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

}  // namespace

const std::vector<FunctionEntry>& TimeFunctions() {
  static const std::vector<FunctionEntry> entries = {
      {"+", BindTemporalArithmetic, "(TIMESTAMP|DATE, INTERVAL), (DATE, INTEGER)"},
      {"-", BindTemporalArithmetic,
       "(TIMESTAMP|DATE, INTERVAL), (DATE, INTEGER), (DATE, DATE), (TIMESTAMP, TIMESTAMP)"},
      {"*", BindTemporalArithmetic, "(INTERVAL, BIGINT)"},
      {"date_trunc", BindDateTrunc, "(VARCHAR, TIMESTAMP|DATE)"},
      {"datetrunc", BindDateTrunc, "(VARCHAR, TIMESTAMP|DATE)"},
      {"date_part", BindDatePart, "(VARCHAR, TIMESTAMP|DATE|INTERVAL)"},
      {"datepart", BindDatePart, "(VARCHAR, TIMESTAMP|DATE|INTERVAL)"},
      {"extract", BindDatePart, "(VARCHAR, TIMESTAMP|DATE|INTERVAL)"},
      {"year", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"quarter", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"month", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"week", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"weekofyear", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"day", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"dayofmonth", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"dayofweek", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"isodow", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"dayofyear", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"hour", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"minute", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"second", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"millisecond", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"microsecond", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"isoyear", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"yearweek", BindPartFunction, "(TIMESTAMP|DATE)"},
      {"epoch", BindPartFunction, "(TIMESTAMP|DATE|INTERVAL)"},
      {"now", BindNow, "()"},
      {"current_timestamp", BindNow, "()"},
      {"get_current_timestamp", BindNow, "()"},
      {"current_date", BindNow, "()"},
      {"today", BindNow, "()"},
      {"strftime", BindStrftime, "(TIMESTAMP|DATE, VARCHAR)"},
  };
  return entries;
}

}  // namespace tp::storage::sql::internal
