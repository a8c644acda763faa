#include "web/ndjson.h"

#include <simdjson.h>

#include <cstring>

namespace tp::web {

static_assert(NdjsonValidator::kPadding >= simdjson::SIMDJSON_PADDING);

struct NdjsonValidator::Impl {
  simdjson::dom::parser parser;
};

NdjsonValidator::NdjsonValidator() : impl_(std::make_unique<Impl>()) {}
NdjsonValidator::~NdjsonValidator() = default;

namespace {

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::string Describe(simdjson::error_code code) {
  switch (code) {
    case simdjson::TAPE_ERROR: return "invalid JSON: unexpected character or structure";
    case simdjson::STRING_ERROR: return "invalid JSON string";
    case simdjson::UNCLOSED_STRING: return "invalid JSON: unclosed string";
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::NUMBER_ERROR: return "invalid JSON number";
    case simdjson::T_ATOM_ERROR: return "invalid JSON literal (expected true)";
    case simdjson::F_ATOM_ERROR: return "invalid JSON literal (expected false)";
    case simdjson::N_ATOM_ERROR: return "invalid JSON literal (expected null)";
    case simdjson::DEPTH_ERROR: return "JSON nested too deeply";
    case simdjson::CAPACITY: return "line too long";
    case simdjson::EMPTY: return "empty line";
    default: return std::string("invalid JSON: ") + simdjson::error_message(code);
  }
}

}  // namespace

NdjsonResult NdjsonValidator::Validate(std::string_view body, size_t max_errors) {
  NdjsonResult out;
  const char* p = body.data();
  const char* end = p + body.size();
  size_t line_no = 0;
  while (p < end) {
    ++line_no;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl ? nl : end;
    std::string_view line(p, line_end - p);
    p = nl ? nl + 1 : end;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) continue;

    auto fail = [&](std::string reason) {
      ++out.bad_lines;
      if (out.errors.size() < max_errors) out.errors.push_back({line_no, std::move(reason)});
    };
    simdjson::dom::element root;
    auto err = impl_->parser.parse(line.data(), line.size(), false).get(root);
    if (err) {
      fail(Describe(err));
      continue;
    }
    if (!root.is_object()) {
      fail("expected a JSON object, got a JSON " +
           std::string(root.is_array()    ? "array"
                        : root.is_string() ? "string"
                        : root.is_null()   ? "null"
                        : root.is_bool()   ? "boolean"
                                           : "number"));
      continue;
    }
    out.records.push_back(line);
  }
  return out;
}

}  // namespace tp::web
