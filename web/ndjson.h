// Splits and validates an NDJSON request body: one JSON object per line.
//
// Blank lines (and a trailing newline) are skipped; a trailing "\r" is
// stripped (CRLF bodies). Every other line must be one complete JSON object.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tp::web {

struct LineError {
  size_t line = 0;  // 1-based line number in the body
  std::string reason;
};

struct NdjsonResult {
  std::vector<std::string_view> records;  // views into the body, one per object
  std::vector<LineError> errors;          // at most max_errors, in line order
  size_t bad_lines = 0;                   // all bad lines, even past max_errors
};

class NdjsonValidator {
 public:
  NdjsonValidator();
  ~NdjsonValidator();

  // `body` must have at least kPadding readable bytes past its end (see
  // PadForParsing); their contents do not matter.
  NdjsonResult Validate(std::string_view body, size_t max_errors = 10);

  static constexpr size_t kPadding = 64;  // >= SIMDJSON_PADDING
  // Makes sure `s` has the padding Validate needs (may reallocate).
  static void PadForParsing(std::string& s) { s.reserve(s.size() + kPadding); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::web
