// The simulator's JSON record writer (app/simulator_json.h).
#include "app/simulator_json.h"

#include <charconv>
#include <cstddef>
#include <cstring>
#include <utility>

#include "app/simulator_time.h"

namespace tp::app::sim {

void JsonOut::Escaped(std::string_view v) {
  size_t start = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    s.append(v.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"': s.append("\\\""); break;
      case '\\': s.append("\\\\"); break;
      case '\n': s.append("\\n"); break;
      case '\r': s.append("\\r"); break;
      case '\t': s.append("\\t"); break;
      case '\b': s.append("\\b"); break;
      case '\f': s.append("\\f"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        s.append(u, 6);
      }
    }
  }
  s.append(v.data() + start, v.size() - start);
}

void JsonOut::Int(int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

void JsonOut::Cents(int64_t c) {
  uint64_t u = static_cast<uint64_t>(c);
  if (c < 0) {
    s.push_back('-');
    u = ~u + 1;
  }
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, u / 100);
  s.append(buf, r.ptr);
  const char frac[3] = {'.', static_cast<char>('0' + u % 100 / 10), static_cast<char>('0' + u % 10)};
  s.append(frac, 3);
}

void JsonOut::BareId(std::string_view prefix, uint64_t n, int width) {
  s.append(prefix);
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  const int len = static_cast<int>(r.ptr - buf);
  if (len < width) s.append(static_cast<size_t>(width - len), '0');
  s.append(buf, r.ptr);
}

void JsonOut::Hex16(uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[18];
  buf[0] = buf[17] = '"';
  for (int i = 16; i >= 1; --i, v >>= 4) buf[i] = kHex[v & 15];
  s.append(buf, 18);
}

void JsonOut::Time(int64_t us) {
  const int64_t day = FloorDiv(us, kDay);
  if (day != cached_day_) {
    cached_day_ = day;
    const Civil c = CivilFromDays(day);
    const int64_t y = c.y < 0 ? 0 : (c.y > 9999 ? 9999 : c.y);
    char* p = date_;
    *p++ = '"';
    *p++ = static_cast<char>('0' + y / 1000);
    *p++ = static_cast<char>('0' + y / 100 % 10);
    *p++ = static_cast<char>('0' + y / 10 % 10);
    *p++ = static_cast<char>('0' + y % 10);
    *p++ = '-';
    *p++ = static_cast<char>('0' + c.m / 10);
    *p++ = static_cast<char>('0' + c.m % 10);
    *p++ = '-';
    *p++ = static_cast<char>('0' + c.d / 10);
    *p++ = static_cast<char>('0' + c.d % 10);
    *p++ = 'T';
  }
  int64_t rem = us - day * kDay;
  const uint32_t micros = static_cast<uint32_t>(rem % kSec);
  const uint32_t secs = static_cast<uint32_t>(rem / kSec);
  char buf[28];
  std::memcpy(buf, date_, 12);
  const uint32_t hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;
  buf[12] = static_cast<char>('0' + hh / 10);
  buf[13] = static_cast<char>('0' + hh % 10);
  buf[14] = ':';
  buf[15] = static_cast<char>('0' + mm / 10);
  buf[16] = static_cast<char>('0' + mm % 10);
  buf[17] = ':';
  buf[18] = static_cast<char>('0' + ss / 10);
  buf[19] = static_cast<char>('0' + ss % 10);
  buf[20] = '.';
  uint32_t f = micros;
  for (int i = 26; i >= 21; --i, f /= 10) buf[i] = static_cast<char>('0' + f % 10);
  buf[27] = 'Z';
  s.append(buf, 28);
  s.push_back('"');
}

std::string UrlQuery(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Quoted(std::string_view v) {
  JsonOut j;
  j.Str(v);
  return std::move(j.s);
}

}  // namespace tp::app::sim
