#include "app/query_format.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace tp::app {

namespace sql = storage::sql;
using sql::SqlTypeId;

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Code points in `s` (an invalid byte counts as one).
size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    i += len == 0 ? 1 : len;
    ++n;
  }
  return n;
}

// True when `s` is a JSON number as written by FormatDouble/FormatDecimal.
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool IsNumeric(const sql::SqlType& t) { return t.IsNumeric(); }

void AppendJsonValue(std::string* out, const sql::Vector& v, size_t row, const sql::TimeZone& zone) {
  if (v.IsNull(row) || v.type().id == SqlTypeId::kNull) {
    *out += "null";
    return;
  }
  switch (v.type().id) {
    case SqlTypeId::kBool:
      *out += v.data<uint8_t>()[row] != 0 ? "true" : "false";
      return;
    case SqlTypeId::kInt32:
      *out += std::to_string(v.data<int32_t>()[row]);
      return;
    case SqlTypeId::kInt64:
      *out += std::to_string(v.data<int64_t>()[row]);
      return;
    case SqlTypeId::kFloat64: {
      std::string text = sql::FormatDouble(v.data<double>()[row]);
      if (IsJsonNumber(text)) {
        *out += text;
      } else {
        AppendJsonString(out, text);  // nan, inf, -inf
      }
      return;
    }
    case SqlTypeId::kDecimal:
      *out += sql::FormatDecimal(v.data<int64_t>()[row], v.type().scale);
      return;
    case SqlTypeId::kString:
      AppendJsonString(out, v.data<std::string_view>()[row]);
      return;
    default:
      AppendJsonString(out, sql::FormatValue(v, row, zone));
      return;
  }
}

void AppendCsvField(std::string* out, std::string_view s) {
  if (s.empty()) {
    *out += "\"\"";
    return;
  }
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    *out += s;
    return;
  }
  *out += '"';
  for (char c : s) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

void AppendUint(std::string* out, const char* name, uint64_t v, bool first = false) {
  if (!first) *out += ',';
  *out += '"';
  *out += name;
  *out += "\":";
  *out += std::to_string(v);
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + s.size() + 2);
  *out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        *out += "\xef\xbf\xbd";  // U+FFFD
        ++i;
      } else {
        out->append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          *out += kHex[c >> 4];
          *out += kHex[c & 15];
        } else {
          *out += static_cast<char>(c);
        }
    }
  }
  *out += '"';
}

std::string QueryResultJson(const sql::QueryResult& result, const sql::TimeZone& zone) {
  std::string out = "{\"columns\":[";
  for (size_t j = 0; j < result.columns.size(); ++j) {
    if (j > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(&out, result.columns[j].name);
    out += ",\"type\":";
    AppendJsonString(&out, result.columns[j].type.ToString());
    out += '}';
  }
  out += "],\"rows\":[";
  bool first_row = true;
  for (const sql::Chunk& chunk : result.chunks) {
    for (size_t r = 0; r < chunk.size; ++r) {
      out += first_row ? "[" : ",[";
      first_row = false;
      for (size_t j = 0; j < chunk.columns.size(); ++j) {
        if (j > 0) out += ',';
        AppendJsonValue(&out, chunk.columns[j], r, zone);
      }
      out += ']';
    }
  }
  const sql::QueryStats& s = result.stats;
  out += "],\"stats\":{";
  AppendUint(&out, "rows_scanned", s.rows_scanned, true);
  AppendUint(&out, "bytes_scanned", s.bytes_scanned);
  AppendUint(&out, "files_scanned", s.files_scanned);
  AppendUint(&out, "files_skipped", s.files_skipped);
  AppendUint(&out, "row_groups_scanned", s.row_groups_scanned);
  AppendUint(&out, "row_groups_skipped", s.row_groups_skipped);
  AppendUint(&out, "tail_rows", s.tail_rows);
  AppendUint(&out, "rows_returned", s.rows_returned);
  AppendUint(&out, "peak_memory_bytes", s.peak_memory_bytes);
  AppendUint(&out, "spilled_bytes", s.spilled_bytes);
  char elapsed[64];
  std::snprintf(elapsed, sizeof elapsed, ",\"elapsed_ms\":%.3f",
                std::isfinite(s.elapsed_ms) ? s.elapsed_ms : 0.0);
  out += elapsed;
  out += "}}\n";
  return out;
}

std::string QueryResultCsv(const sql::QueryResult& result, const sql::TimeZone& zone) {
  std::string out;
  for (size_t j = 0; j < result.columns.size(); ++j) {
    if (j > 0) out += ',';
    AppendCsvField(&out, result.columns[j].name);
  }
  out += '\n';
  for (const sql::Chunk& chunk : result.chunks) {
    for (size_t r = 0; r < chunk.size; ++r) {
      for (size_t j = 0; j < chunk.columns.size(); ++j) {
        if (j > 0) out += ',';
        const sql::Vector& v = chunk.columns[j];
        if (v.IsNull(r) || v.type().id == SqlTypeId::kNull) continue;  // NULL: empty field
        AppendCsvField(&out, sql::FormatValue(v, r, zone, ""));
      }
      out += '\n';
    }
  }
  return out;
}

std::string QueryErrorJson(std::string_view message, std::optional<size_t> position) {
  std::string out = "{\"error\":";
  AppendJsonString(&out, message);
  if (position) out += ",\"position\":" + std::to_string(*position);
  out += "}\n";
  return out;
}

TextTable TableOf(const sql::QueryResult& result, const sql::TimeZone& zone) {
  TextTable t;
  for (const auto& c : result.columns) {
    t.names.push_back(c.name);
    t.right_align.push_back(IsNumeric(c.type));
  }
  t.rows.reserve(result.rows);
  for (const sql::Chunk& chunk : result.chunks) {
    for (size_t r = 0; r < chunk.size; ++r) {
      auto& row = t.rows.emplace_back();
      for (const sql::Vector& v : chunk.columns) {
        if (v.IsNull(r) || v.type().id == SqlTypeId::kNull) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(sql::FormatValue(v, r, zone));
        }
      }
    }
  }
  return t;
}

namespace {

using json = nlohmann::json;

// Collects the values of "rows" as text, numbers as they were written.
class RowsCollector : public nlohmann::json_sax<json> {
 public:
  std::vector<std::vector<std::optional<std::string>>> rows;

  bool null() override { return Add(std::nullopt); }
  bool boolean(bool b) override { return Add(std::string(b ? "true" : "false")); }
  bool number_integer(number_integer_t v) override { return Add(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return Add(s); }
  bool string(string_t& s) override { return Add(s); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) in_rows_ = k == "rows";
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 3 && in_rows_) rows.emplace_back();
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Add(std::optional<std::string> v) {
    if (depth_ == 3 && in_rows_) rows.back().push_back(std::move(v));
    return true;
  }
  int depth_ = 0;
  bool in_rows_ = false;
};

bool IsNumericTypeName(std::string_view type) {
  return type == "INTEGER" || type == "BIGINT" || type == "DOUBLE" || type.starts_with("DECIMAL") ||
         type == "SMALLINT" || type == "TINYINT" || type == "HUGEINT" || type == "FLOAT";
}

}  // namespace

Result<TextTable> TableOfJson(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("columns") ||
      !doc["columns"].is_array()) {
    return Status::Corruption("the server's answer is not a query result");
  }
  TextTable t;
  for (const auto& c : doc["columns"]) {
    if (!c.is_object()) return Status::Corruption("the server's answer has a malformed column");
    t.names.push_back(c.value("name", ""));
    t.right_align.push_back(IsNumericTypeName(c.value("type", "")));
  }
  RowsCollector rows;
  if (!json::sax_parse(json_text, &rows)) {
    return Status::Corruption("the server's answer is not valid JSON");
  }
  for (auto& row : rows.rows) {
    if (row.size() != t.names.size()) {
      return Status::Corruption("the server's answer has a row of the wrong width");
    }
  }
  t.rows = std::move(rows.rows);
  return t;
}

std::string RenderTable(const TextTable& table) {
  const size_t n = table.names.size();
  auto shown = [](const std::optional<std::string>& v) -> std::string {
    if (!v) return "NULL";
    std::string s;
    for (char c : *v) {
      if (c == '\n') s += "\\n";
      else if (c == '\r') s += "\\r";
      else if (c == '\t') s += "\\t";
      else s += c;
    }
    return s;
  };
  std::vector<std::vector<std::string>> cells;
  cells.reserve(table.rows.size());
  std::vector<size_t> width(n);
  for (size_t j = 0; j < n; ++j) width[j] = DisplayWidth(table.names[j]);
  for (const auto& row : table.rows) {
    auto& out = cells.emplace_back();
    for (size_t j = 0; j < n && j < row.size(); ++j) {
      out.push_back(shown(row[j]));
      width[j] = std::max(width[j], DisplayWidth(out.back()));
    }
  }
  std::string text;
  auto finish_line = [&] {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += '\n';
  };
  // Header: names centered, as psql does.
  for (size_t j = 0; j < n; ++j) {
    if (j > 0) text += '|';
    size_t pad = width[j] - DisplayWidth(table.names[j]);
    text += std::string(1 + pad / 2, ' ') + table.names[j] + std::string(pad - pad / 2 + 1, ' ');
  }
  finish_line();
  for (size_t j = 0; j < n; ++j) {
    if (j > 0) text += '+';
    text += std::string(width[j] + 2, '-');
  }
  text += '\n';
  for (const auto& row : cells) {
    for (size_t j = 0; j < row.size(); ++j) {
      if (j > 0) text += '|';
      std::string pad(width[j] - DisplayWidth(row[j]), ' ');
      text += ' ';
      text += table.right_align[j] ? pad + row[j] : row[j] + pad;
      text += ' ';
    }
    finish_line();
  }
  size_t rows = table.rows.size();
  text += "(" + std::to_string(rows) + (rows == 1 ? " row)\n" : " rows)\n");
  return text;
}

std::string CaretLines(std::string_view sql, size_t position) {
  // Walk to the 1-based character `position`, remembering where its line starts.
  size_t line_no = 1, line_start = 0, chars_in_line = 0, i = 0;
  for (size_t ch = 1; ch < position && i < sql.size(); ++ch) {
    if (sql[i] == '\n') {
      ++line_no;
      line_start = i + 1;
      chars_in_line = 0;
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(sql, i);
    i += len == 0 ? 1 : len;
    ++chars_in_line;
  }
  size_t line_end = sql.find('\n', line_start);
  std::string_view line =
      sql.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                : line_end - line_start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string prefix = "LINE " + std::to_string(line_no) + ": ";
  std::string shown(line);
  for (char& c : shown) {
    if (c == '\t') c = ' ';
  }
  return prefix + shown + "\n" + std::string(prefix.size() + chars_in_line, ' ') + "^\n";
}

}  // namespace tp::app
