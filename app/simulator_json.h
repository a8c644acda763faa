// Internal to the simulator (app/simulator*.cpp): writes its records as
// JSON, one object at a time, with the few value types the retail tables
// use (times, decimals from cents, zero-padded ids).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tp::app::sim {

// Builds one record in `s` (the caller clears it before each record).
class JsonOut {
 public:
  std::string s;

  void Raw(std::string_view v) { s.append(v); }
  void Char(char c) { s.push_back(c); }
  // v with JSON string escapes, without the quotes.
  void Escaped(std::string_view v);
  void Str(std::string_view v) {
    s.push_back('"');
    Escaped(v);
    s.push_back('"');
  }
  void Int(int64_t v);
  // A decimal(…,2) from integer cents: 12990 -> 129.90.
  void Cents(int64_t c);
  // "<prefix><n zero-padded to width>" as a JSON string; prefix needs no escaping.
  void Id(std::string_view prefix, uint64_t n, int width) {
    s.push_back('"');
    BareId(prefix, n, width);
    s.push_back('"');
  }
  // The same without the quotes.
  void BareId(std::string_view prefix, uint64_t n, int width);
  // v as a JSON string of 16 lowercase hex digits.
  void Hex16(uint64_t v);
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC).
  void Time(int64_t us);

 private:
  int64_t cached_day_ = INT64_MIN;
  char date_[12] = {};
};

// Percent-encodes a search term for a URL query (spaces become '+').
std::string UrlQuery(std::string_view text);

// v as a JSON string, quotes included.
std::string Quoted(std::string_view v);

}  // namespace tp::app::sim
