// ParseSize, ParseDuration and ParseListen: the small value syntaxes of
// config files (also used for command-line flags).
//
// Numbers are strict (ASCII digits, no sign, no fraction, no overflow);
// units are matched without regard to case ("mib" == "MiB").
#include <arpa/inet.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "app/config.h"

namespace tp::app {
namespace {

constexpr std::string_view kSizeHint =
    "use a number with a unit like \"16MiB\" (units: B, KB, MB, GB, TB in powers of 1000; "
    "KiB, MiB, GiB, TiB in powers of 1024)";
constexpr std::string_view kDurationHint =
    "use a number with a unit like \"10s\" (units: ms, s, m, h, d, w; combine as \"1h30m\")";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads the digits at the front of `s` into `value`. False on overflow.
bool TakeNumber(std::string_view& s, uint64_t& value) {
  value = 0;
  while (!s.empty() && IsDigit(s.front())) {
    uint64_t digit = static_cast<uint64_t>(s.front() - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
    s.remove_prefix(1);
  }
  return true;
}

// Multiplier for a size unit (lowercase), 0 when unknown.
uint64_t SizeUnit(std::string_view unit) {
  constexpr uint64_t kK = 1000, kKi = 1024;
  if (unit.empty() || unit == "b") return 1;
  if (unit == "kb") return kK;
  if (unit == "mb") return kK * kK;
  if (unit == "gb") return kK * kK * kK;
  if (unit == "tb") return kK * kK * kK * kK;
  if (unit == "kib") return kKi;
  if (unit == "mib") return kKi * kKi;
  if (unit == "gib") return kKi * kKi * kKi;
  if (unit == "tib") return kKi * kKi * kKi * kKi;
  return 0;
}

// Milliseconds per duration unit (lowercase), 0 when unknown.
int64_t DurationUnit(std::string_view u) {
  if (u == "ms" || u == "msec" || u == "millisecond" || u == "milliseconds") return 1;
  if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1000;
  if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") return 60'000;
  if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") return 3'600'000;
  if (u == "d" || u == "day" || u == "days") return 86'400'000;
  if (u == "w" || u == "week" || u == "weeks") return 7 * 86'400'000LL;
  return 0;
}

}  // namespace

Result<uint64_t> ParseSize(std::string_view text) {
  const std::string_view original = text;
  text = Trim(text);
  if (text.empty()) return Status::InvalidArgument("empty size; " + std::string(kSizeHint));
  if (text.front() == '-') {
    return Status::InvalidArgument(Quote(original) + " is negative; sizes must be 0 or more");
  }
  if (!IsDigit(text.front())) {
    return Status::InvalidArgument(Quote(original) + " is not a size; " + std::string(kSizeHint));
  }
  uint64_t number = 0;
  if (!TakeNumber(text, number)) {
    return Status::InvalidArgument(Quote(original) + " is too large for a size");
  }
  if (!text.empty() && (text.front() == '.' || text.front() == ',')) {
    return Status::InvalidArgument(Quote(original) +
                                   " is not a whole number; sizes take whole numbers, so use a "
                                   "smaller unit (\"1536MiB\" rather than \"1.5GiB\")");
  }
  std::string_view unit = Trim(text);
  const std::string lower = LowerAscii(unit);
  for (char c : unit) {
    if (!IsAlpha(c)) {
      return Status::InvalidArgument(Quote(original) + " is not a size; " + std::string(kSizeHint));
    }
  }
  if (lower == "k" || lower == "m" || lower == "g" || lower == "t") {
    std::string u(1, static_cast<char>(std::toupper(static_cast<unsigned char>(lower[0]))));
    return Status::InvalidArgument(Quote(original) + " is ambiguous; write \"" +
                                   std::to_string(number) + u + "iB\" (powers of 1024) or \"" +
                                   std::to_string(number) + u + "B\" (powers of 1000)");
  }
  const uint64_t multiplier = SizeUnit(lower);
  if (multiplier == 0) {
    return Status::InvalidArgument(Quote(original) + " is not a size: unknown unit " + Quote(unit) +
                                   "; " + std::string(kSizeHint));
  }
  if (number > std::numeric_limits<uint64_t>::max() / multiplier) {
    return Status::InvalidArgument(Quote(original) + " is too large for a size");
  }
  return number * multiplier;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string_view original = text;
  text = Trim(text);
  if (text.empty()) {
    return Status::InvalidArgument("empty duration; " + std::string(kDurationHint));
  }
  if (text.front() == '-') {
    return Status::InvalidArgument(Quote(original) + " is negative; durations must be 0 or more");
  }
  if (text == "0") return std::chrono::milliseconds(0);
  if (!IsDigit(text.front())) {
    return Status::InvalidArgument(Quote(original) + " is not a duration; " +
                                   std::string(kDurationHint));
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  while (!text.empty()) {
    if (!IsDigit(text.front())) {
      return Status::InvalidArgument(Quote(original) + " is not a duration; " +
                                     std::string(kDurationHint));
    }
    uint64_t number = 0;
    if (!TakeNumber(text, number) || number > static_cast<uint64_t>(kMax)) {
      return Status::InvalidArgument(Quote(original) + " is too long for a duration");
    }
    if (!text.empty() && (text.front() == '.' || text.front() == ',')) {
      return Status::InvalidArgument(Quote(original) +
                                     " is not a whole number; durations take whole numbers, so "
                                     "combine units (\"1h30m\" rather than \"1.5h\")");
    }
    text = Trim(text);
    size_t n = 0;
    while (n < text.size() && IsAlpha(text[n])) ++n;
    const std::string_view unit = text.substr(0, n);
    text = Trim(text.substr(n));
    if (unit.empty()) {
      if (text.empty() && total > 0) {
        return Status::InvalidArgument(
            Quote(original) + ": " + std::to_string(number) +
            " has no unit; add one of ms, s, m, h, d, w (like \"1h30m\")");
      }
      if (text.empty()) {
        return Status::InvalidArgument(Quote(original) + " has no unit; write \"" +
                                       std::to_string(number) + "s\", \"" + std::to_string(number) +
                                       "m\", \"" + std::to_string(number) + "h\" or similar");
      }
      return Status::InvalidArgument(Quote(original) + " is not a duration; " +
                                     std::string(kDurationHint));
    }
    const int64_t ms_per_unit = DurationUnit(LowerAscii(unit));
    if (ms_per_unit == 0) {
      return Status::InvalidArgument(Quote(original) + " is not a duration: unknown unit " +
                                     Quote(unit) + "; " + std::string(kDurationHint));
    }
    const int64_t n64 = static_cast<int64_t>(number);
    if (n64 > kMax / ms_per_unit || total > kMax - n64 * ms_per_unit) {
      return Status::InvalidArgument(Quote(original) + " is too long for a duration");
    }
    total += n64 * ms_per_unit;
  }
  return std::chrono::milliseconds(total);
}

Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view text) {
  const std::string v(text);
  std::string host, port_text, problem;
  if (!v.empty() && v.front() == '[') {
    size_t close = v.find(']');
    if (close == std::string::npos || close + 1 >= v.size() || v[close + 1] != ':') {
      problem = "an IPv6 address needs brackets and a port, like \"[::1]:8080\"";
    } else {
      host = v.substr(1, close - 1);
      port_text = v.substr(close + 2);
      in6_addr addr{};
      if (inet_pton(AF_INET6, host.c_str(), &addr) != 1) {
        problem = Quote(host) + " is not an IPv6 address";
      }
    }
  } else {
    size_t colon = v.rfind(':');
    if (colon == std::string::npos) {
      problem = "the port is missing; write HOST:PORT, like \"127.0.0.1:8080\"";
    } else {
      host = v.substr(0, colon);
      port_text = v.substr(colon + 1);
      if (host.find(':') != std::string::npos) {
        problem = "an IPv6 address goes in brackets, like \"[::1]:8080\"";
      } else if (host.empty()) {
        problem = "the host is missing; use \"0.0.0.0:" + port_text +
                  "\" for every interface or \"127.0.0.1:" + port_text + "\" for this machine";
      } else {
        bool numeric = true;
        for (char c : host) {
          bool name_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '-';
          if (!name_char) problem = Quote(host) + " is not a host name or IPv4 address";
          numeric = numeric && ((c >= '0' && c <= '9') || c == '.');
        }
        in_addr addr{};
        if (problem.empty() && numeric && inet_pton(AF_INET, host.c_str(), &addr) != 1) {
          problem = Quote(host) + " is not an IPv4 address";
        }
      }
    }
  }
  unsigned long port = 0;
  if (problem.empty()) {
    bool digits = !port_text.empty() && port_text.size() <= 5;
    for (char c : port_text) digits = digits && c >= '0' && c <= '9';
    if (digits) port = std::stoul(port_text);
    if (!digits || port > 65535) {
      problem = "port " + Quote(port_text) + " must be a number 0..65535 (0 = any free port)";
    }
  }
  if (!problem.empty()) return Status::InvalidArgument(Quote(v) + ": " + problem);
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace tp::app
