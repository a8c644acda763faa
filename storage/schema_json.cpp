#include "storage/schema_json.h"

#include <cctype>
#include <cstdint>
#include <set>

namespace tp::storage {
namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));  // UTF-8 passes through
        }
    }
  }
  out->push_back('"');
}

// A recursive-descent reader for the subset of JSON the schema needs; any
// other value (numbers, nested objects) is skipped when it sits under an
// unknown key.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  Status Fail(const std::string& what) const {
    return Status::InvalidArgument("schema JSON at byte " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Status Expect(char c) {
    if (Consume(c)) return Status::OK();
    return Fail(std::string("expected '") + c + "'");
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == s_.size();
  }
  char Peek() {
    SkipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }

  Status String(std::string* out) {
    out->clear();
    if (!Consume('"')) return Fail("expected a string");
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return Status::OK();
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (Status s = Hex4(&cp); !s.ok()) return s;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (pos_ + 1 >= s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u')
              return Fail("unpaired surrogate in \\u escape");
            pos_ += 2;
            if (Status s = Hex4(&lo); !s.ok()) return s;
            if (lo < 0xDC00 || lo > 0xDFFF) return Fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("unpaired surrogate in \\u escape");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Fail(std::string("bad escape '\\") + e + "'");
      }
    }
    return Fail("unterminated string");
  }

  Status Bool(bool* out) {
    SkipSpace();
    if (s_.substr(pos_, 4) == "true") {
      pos_ += 4;
      *out = true;
      return Status::OK();
    }
    if (s_.substr(pos_, 5) == "false") {
      pos_ += 5;
      *out = false;
      return Status::OK();
    }
    return Fail("expected true or false");
  }

  // Skips any JSON value.
  Status SkipValue(int depth = 0) {
    if (depth > 64) return Fail("nesting too deep");
    char c = Peek();
    std::string ignored;
    if (c == '"') return String(&ignored);
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      if (Consume(close)) return Status::OK();
      do {
        if (c == '{') {
          if (Status s = String(&ignored); !s.ok()) return s;
          if (Status s = Expect(':'); !s.ok()) return s;
        }
        if (Status s = SkipValue(depth + 1); !s.ok()) return s;
      } while (Consume(','));
      return Expect(close);
    }
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.'))
      ++pos_;
    if (pos_ == start) return Fail("expected a value");
    return Status::OK();
  }

 private:
  Status Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return Fail("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        return Fail("bad hex digit in \\u escape");
    }
    *out = v;
    return Status::OK();
  }
  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

Status ParseField(Reader* r, Field* f) {
  if (Status s = r->Expect('{'); !s.ok()) return s;
  bool has_name = false, has_type = false;
  if (!r->Consume('}')) {
    do {
      std::string key;
      if (Status s = r->String(&key); !s.ok()) return s;
      if (Status s = r->Expect(':'); !s.ok()) return s;
      if (key == "name") {
        if (Status s = r->String(&f->name); !s.ok()) return s;
        has_name = true;
      } else if (key == "type") {
        std::string type;
        if (Status s = r->String(&type); !s.ok()) return s;
        auto t = LogicalTypeFromString(type);
        if (!t.ok()) return r->Fail(t.status().message());
        f->type = *t;
        has_type = true;
      } else if (key == "nullable") {
        if (Status s = r->Bool(&f->nullable); !s.ok()) return s;
      } else {
        if (Status s = r->SkipValue(); !s.ok()) return s;
      }
    } while (r->Consume(','));
    if (Status s = r->Expect('}'); !s.ok()) return s;
  }
  if (!has_name || f->name.empty()) return r->Fail("field without a name");
  if (!has_type) return r->Fail("field \"" + f->name + "\" without a type");
  return Status::OK();
}

bool ParseSmallInt(std::string_view s, int* out) {
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string SchemaToJson(const Schema& schema) {
  std::string out = "{\"fields\":[";
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    if (i > 0) out.push_back(',');
    out.append("{\"name\":");
    AppendJsonString(&out, f.name);
    out.append(",\"type\":");
    AppendJsonString(&out, f.type.ToString());
    out.append(f.nullable ? ",\"nullable\":true}" : ",\"nullable\":false}");
  }
  out.append("]}");
  return out;
}

Result<Schema> SchemaFromJson(std::string_view json) {
  Reader r(json);
  Schema schema;
  bool has_fields = false;
  if (Status s = r.Expect('{'); !s.ok()) return s;
  if (!r.Consume('}')) {
    do {
      std::string key;
      if (Status s = r.String(&key); !s.ok()) return s;
      if (Status s = r.Expect(':'); !s.ok()) return s;
      if (key != "fields") {
        if (Status s = r.SkipValue(); !s.ok()) return s;
        continue;
      }
      has_fields = true;
      schema.fields.clear();
      if (Status s = r.Expect('['); !s.ok()) return s;
      if (r.Consume(']')) continue;
      do {
        Field f;
        if (Status s = ParseField(&r, &f); !s.ok()) return s;
        schema.fields.push_back(std::move(f));
      } while (r.Consume(','));
      if (Status s = r.Expect(']'); !s.ok()) return s;
    } while (r.Consume(','));
    if (Status s = r.Expect('}'); !s.ok()) return s;
  }
  if (!r.AtEnd()) return r.Fail("unexpected text after the schema object");
  if (!has_fields) return Status::InvalidArgument("schema JSON has no \"fields\" array");
  std::set<std::string_view> names;
  for (const Field& f : schema.fields) {
    if (!names.insert(f.name).second)
      return Status::InvalidArgument("schema JSON names field \"" + f.name + "\" twice");
  }
  return schema;
}

Result<LogicalType> LogicalTypeFromString(std::string_view name) {
  static const std::pair<std::string_view, TypeId> kSimple[] = {
      {"bool", TypeId::kBool},          {"int32", TypeId::kInt32},   {"int64", TypeId::kInt64},
      {"float64", TypeId::kFloat64},    {"string", TypeId::kString}, {"date", TypeId::kDate},
      {"timestamp", TypeId::kTimestamp}};
  for (const auto& [n, id] : kSimple) {
    if (name == n) return LogicalType::Of(id);
  }
  constexpr std::string_view kDec = "decimal(";
  if (name.substr(0, kDec.size()) == kDec && name.size() > kDec.size() && name.back() == ')') {
    std::string_view args = name.substr(kDec.size(), name.size() - kDec.size() - 1);
    size_t comma = args.find(',');
    int p = 0, s = 0;
    if (comma != std::string_view::npos && ParseSmallInt(args.substr(0, comma), &p) &&
        ParseSmallInt(args.substr(comma + 1), &s)) {
      if (p < 1 || p > 18 || s > p) {
        return Status::InvalidArgument(
            "type \"" + std::string(name) +
            "\": decimal precision must be 1..18 and scale 0..precision");
      }
      return LogicalType::Decimal(p, s);
    }
  }
  return Status::InvalidArgument(
      "unknown type \"" + std::string(name) +
      "\" (expected bool, int32, int64, float64, decimal(p,s), string, date or timestamp)");
}

}  // namespace tp::storage
