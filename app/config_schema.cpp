#include "app/config_schema.h"

#include <cctype>
#include <utility>
#include <vector>

#include "app/config_suggest.h"
#include "app/record_decoder.h"

namespace tp::app::config_internal {
namespace {

constexpr std::string_view kTypeList =
    "types: bool, int32, int64, float64, decimal(p,s), string, date, timestamp";

const std::vector<std::pair<std::string_view, TypeKind>> kSimpleTypes = {
    {"bool", TypeKind::kBool},           {"int32", TypeKind::kInt32},   {"int64", TypeKind::kInt64},
    {"float64", TypeKind::kFloat64},     {"string", TypeKind::kString}, {"date", TypeKind::kDate},
    {"timestamp", TypeKind::kTimestamp},
};

// Names other systems use, mapped to ours (for the hint only).
const std::vector<std::pair<std::string_view, std::string_view>> kAliases = {
    {"boolean", "bool"},
    {"int", "int32\" or \"int64"},
    {"integer", "int32\" or \"int64"},
    {"smallint", "int32"},
    {"tinyint", "int32"},
    {"bigint", "int64"},
    {"long", "int64"},
    {"float", "float64"},
    {"double", "float64"},
    {"real", "float64"},
    {"float32", "float64"},
    {"number", "float64"},
    {"numeric", "decimal(p,s)"},
    {"money", "decimal(12,2)"},
    {"text", "string"},
    {"varchar", "string"},
    {"str", "string"},
    {"uuid", "string"},
    {"json", "string"},
    {"datetime", "timestamp"},
    {"timestamptz", "timestamp"},
    {"time", "timestamp"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Reads 1..3 digits from the front of s.
bool TakeSmallInt(std::string_view& s, int& out) {
  s = Trim(s);
  size_t n = 0;
  out = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    if (n == 3) return false;
    out = out * 10 + (s[n] - '0');
    ++n;
  }
  s.remove_prefix(n);
  s = Trim(s);
  return n > 0;
}

}  // namespace

bool ParseType(std::string_view text, ColumnSpec& col, std::string& problem) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  for (const auto& [name, kind] : kSimpleTypes) {
    if (text == name) {
      col.kind = kind;
      col.precision = col.scale = 0;
      return true;
    }
  }
  if (text.substr(0, 7) == "decimal") {
    std::string_view rest = Trim(text.substr(7));
    if (rest.empty()) {
      problem = "unknown type " + quoted +
                ": decimal needs a precision and a scale, like \"decimal(12,2)\"";
      return false;
    }
    int p = 0, s = 0;
    bool shape = !rest.empty() && rest.front() == '(' && rest.back() == ')';
    if (shape) {
      rest = rest.substr(1, rest.size() - 2);
      shape = TakeSmallInt(rest, p) && !rest.empty() && rest.front() == ',';
      if (shape) {
        rest.remove_prefix(1);
        shape = TakeSmallInt(rest, s) && rest.empty();
      }
    }
    if (!shape) {
      problem =
          "unknown type " + quoted + ": write decimal(PRECISION,SCALE), like \"decimal(12,2)\"";
      return false;
    }
    if (p < 1 || p > 18) {
      problem = "unknown type " + quoted + ": decimal precision must be 1..18";
      return false;
    }
    if (s > p) {
      problem = "unknown type " + quoted + ": decimal scale must be 0..precision (0.." +
                std::to_string(p) + ")";
      return false;
    }
    col.kind = TypeKind::kDecimal;
    col.precision = p;
    col.scale = s;
    return true;
  }
  problem = "unknown type " + quoted;
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string hint;
  for (const auto& [alias, ours] : kAliases) {
    if (lower == alias) hint = ours;
  }
  if (hint.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, kind] : kSimpleTypes) names.emplace_back(name);
    names.emplace_back("decimal");
    hint = Suggest(text, names);
    if (hint == "decimal") hint = "decimal(12,2)";
  }
  if (!hint.empty()) problem += "; did you mean \"" + hint + "\"?";
  problem += " (" + std::string(kTypeList) + ")";
  return false;
}

std::string TypeName(const ColumnSpec& col) {
  switch (col.kind) {
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInt32:
      return "int32";
    case TypeKind::kInt64:
      return "int64";
    case TypeKind::kFloat64:
      return "float64";
    case TypeKind::kDecimal:
      return "decimal(" + std::to_string(col.precision) + "," + std::to_string(col.scale) + ")";
    case TypeKind::kString:
      return "string";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimestamp:
      return "timestamp";
  }
  return "string";
}

bool ValidName(std::string_view name, bool allow_leading_underscore) {
  if (name.empty() || name.size() > 64) return false;
  const char first = name.front();
  if (!((first >= 'a' && first <= 'z') || (allow_leading_underscore && first == '_'))) {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// A name close to `name` that ValidName accepts (for "try ..." hints).
std::string SanitizedName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  while (!out.empty() && (out.front() == '_' || (out.front() >= '0' && out.front() <= '9'))) {
    out.erase(out.begin());
  }
  if (out.size() > 64) out.resize(64);
  return out;
}

std::string DefaultProblem(const ColumnSpec& col) {
  DecoderSpec spec;
  spec.columns.push_back({{col.name, col.Type(), col.nullable}, "", col.default_json, false});
  auto decoder = RecordDecoder::Create(spec);
  if (decoder.ok()) return "";
  // "column x: default 5 does not fit type bool: ..." -> "5 does not fit ..."
  const std::string& m = decoder.status().message();
  const std::string_view prefix = ": default ";
  size_t at = m.find(prefix);
  return at == std::string::npos ? m : m.substr(at + prefix.size());
}

}  // namespace tp::app::config_internal
