// strftime(TIMESTAMP | DATE, format): a local time (the store's zone) as
// text. Specifiers, as DuckDB's where it has them:
//   %Y year  %C century  %y 2-digit year  %m month  %d day  %e day padded
//   with a space (not in DuckDB)  %H hour  %I 12-hour hour  %p AM/PM
//   %M minute  %S second  %f microseconds (6 digits)  %g milliseconds
//   (3 digits)  %j day of the year  %a %A weekday name  %b %B month name
//   %u ISO weekday (Monday 1)  %w weekday (Sunday 0)  %V ISO week  %G ISO
//   year  %U %W week of the year (Sunday / Monday first)  %x date  %X time
//   %c date and time  %z offset (+01, +05:30)  %Z zone name  %% a percent
//   sign; %-d %-m %-H %-M %-S %-j %-y %-I without zero padding.
// An unknown specifier is an error (at bind time for a constant format).
#include <cstdio>
#include <string>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"
#include "storage/sql/time_zone.h"
#include "storage/value_parse.h"

namespace tp::storage::sql::internal {

namespace {

const char* const kDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
const char* const kMonthNames[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

// Checks a strftime format; returns the first unsupported specifier or "".
std::string CheckFormat(std::string_view f) {
  static const std::string_view kCodes = "YmdHMSjaAbByepIfgzZuwVGUWxXcC%";
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (++i >= f.size()) return "%";
    if (f[i] == '-') {
      if (++i >= f.size()) return "%-";
      if (std::string_view("dmHMSjyI").find(f[i]) == std::string_view::npos) {
        return std::string("%-") + f[i];
      }
      continue;
    }
    if (kCodes.find(f[i]) == std::string_view::npos) return std::string("%") + f[i];
  }
  return "";
}

void Append2(std::string* out, int64_t v, bool pad) {
  char buf[24];
  std::snprintf(buf, sizeof buf, pad ? "%02lld" : "%lld", static_cast<long long>(v));
  *out += buf;
}

std::string OffsetText(int offset) {
  const int mag = offset < 0 ? -offset : offset;
  char buf[16];
  if (mag % 3600 / 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', mag / 3600,
                  mag % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d", offset < 0 ? '-' : '+', mag / 3600);
  }
  return buf;
}

// Formats a local time; `offset` and `zone` for %z and %Z.
void Strftime(std::string_view f, int64_t local, int offset, const std::string& zone,
              std::string* out) {
  out->clear();
  const Civil c = FromLocal(local);
  const int64_t hour = c.tod_us / kHourUs, minute = c.tod_us % kHourUs / kMinUs;
  const int64_t second = c.tod_us % kMinUs / kSecUs, micros = c.tod_us % kSecUs;
  const int dow = IsoDow(c.days) % 7;  // Sunday 0
  const int64_t doy = c.days - DaysFromCivil(c.year, 1, 1) + 1;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%' || i + 1 >= f.size()) {
      *out += f[i];
      continue;
    }
    char code = f[++i];
    bool pad = true;
    if (code == '-' && i + 1 < f.size()) {
      pad = false;
      code = f[++i];
    }
    char buf[32];
    switch (code) {
      case 'Y':
        Append2(out, c.year, false);
        break;
      case 'C':
        Append2(out, FloorDiv(c.year, 100), true);
        break;
      case 'y':
        Append2(out, ((c.year % 100) + 100) % 100, pad);
        break;
      case 'm':
        Append2(out, c.month, pad);
        break;
      case 'd':
        Append2(out, c.day, pad);
        break;
      case 'e':
        std::snprintf(buf, sizeof buf, "%2u", c.day);
        *out += buf;
        break;
      case 'H':
        Append2(out, hour, pad);
        break;
      case 'I':
        Append2(out, hour % 12 == 0 ? 12 : hour % 12, pad);
        break;
      case 'p':
        *out += hour < 12 ? "AM" : "PM";
        break;
      case 'M':
        Append2(out, minute, pad);
        break;
      case 'S':
        Append2(out, second, pad);
        break;
      case 'f':
        std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(micros));
        *out += buf;
        break;
      case 'g':
        std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(micros / 1000));
        *out += buf;
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, pad ? "%03lld" : "%lld", static_cast<long long>(doy));
        *out += buf;
        break;
      case 'a':
        *out += std::string_view(kDayNames[dow]).substr(0, 3);
        break;
      case 'A':
        *out += kDayNames[dow];
        break;
      case 'b':
        *out += std::string_view(kMonthNames[c.month - 1]).substr(0, 3);
        break;
      case 'B':
        *out += kMonthNames[c.month - 1];
        break;
      case 'u':
        Append2(out, IsoDow(c.days), false);
        break;
      case 'w':
        Append2(out, dow, false);
        break;
      case 'V':
      case 'G': {
        int64_t iy, w;
        IsoWeek(c.days, &iy, &w);
        if (code == 'V') {
          Append2(out, w, true);
        } else {
          Append2(out, iy, false);
        }
        break;
      }
      case 'U':  // week of the year, Sunday first (days before the first Sunday: 0)
        Append2(out, (doy + 6 - dow) / 7, true);
        break;
      case 'W':  // Monday first
        Append2(out, (doy + 6 - (dow + 6) % 7) / 7, true);
        break;
      case 'x':
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                      c.day);
        *out += buf;
        break;
      case 'X':
        std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(hour),
                      static_cast<long long>(minute), static_cast<long long>(second));
        *out += buf;
        break;
      case 'c':
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld",
                      static_cast<long long>(c.year), c.month, c.day, static_cast<long long>(hour),
                      static_cast<long long>(minute), static_cast<long long>(second));
        *out += buf;
        break;
      case 'z':
        *out += OffsetText(offset);
        break;
      case 'Z':
        *out += zone;
        break;
      case '%':
        *out += '%';
        break;
      default:
        *out += '%';
        *out += code;
        break;
    }
  }
}

}  // namespace

Status BindStrftime(BindInput& in, BoundExprPtr* out) {
  NullAsTimestamp(in, 0);
  if (in.args.size() != 2) return Status::OK();
  const SqlTypeId t = in.args[0]->type.id;
  if ((t != SqlTypeId::kTimestamp && t != SqlTypeId::kDate) ||
      in.args[1]->type.id != SqlTypeId::kString) {
    return Status::OK();
  }
  std::string format;
  if (ConstantText(*in.args[1], &format)) {
    const std::string bad = CheckFormat(format);
    if (!bad.empty()) {
      return Status::InvalidArgument("strftime: unsupported format specifier \"" + bad + "\" in '" +
                                     format + "'");
    }
  }
  const bool is_date = t == SqlTypeId::kDate;
  ScalarKernel k = [is_date](const EvalContext& ctx, const Vector* const* a, size_t n, Vector* o) {
    const auto* fmt = a[1]->data<std::string_view>();
    auto* r = o->data<std::string_view>();
    const TimeZone& z = *ctx.zone;
    std::string buf;
    const char* checked = nullptr;
    for (size_t i = 0; i < n; ++i) {
      if (a[0]->IsNull(i) || a[1]->IsNull(i)) {
        r[i] = {};
        continue;
      }
      if (fmt[i].data() != checked) {
        const std::string bad = CheckFormat(fmt[i]);
        if (!bad.empty()) {
          return Status::InvalidArgument("strftime: unsupported format specifier \"" + bad +
                                         "\" in '" + std::string(fmt[i]) + "'");
        }
        checked = fmt[i].data();
      }
      int64_t local, utc;
      if (is_date) {
        local = int64_t{a[0]->data<int32_t>()[i]} * kDayUs;
        utc = z.ToUtc(local);
      } else {
        utc = a[0]->data<int64_t>()[i];
        local = z.ToLocal(utc);
      }
      Strftime(fmt[i], local, static_cast<int>((local - utc) / kSecUs), z.name(), &buf);
      r[i] = o->AddString(buf);
    }
    PropagateNulls(a, 2, n, o);
    return Status::OK();
  };
  *out = MakeCall("strftime", SqlType::Of(SqlTypeId::kString), std::move(in.args), std::move(k),
                  in.position);
  return Status::OK();
}

}  // namespace tp::storage::sql::internal
