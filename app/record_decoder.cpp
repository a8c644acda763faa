#include "app/record_decoder.h"

#include <date/tz.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <vector>

#include "storage/value_parse.h"

namespace tp::app {

namespace od = simdjson::ondemand;
using storage::Column;
using storage::LogicalType;
using storage::TypeId;

namespace {

// Path components to columns: {"customer": {"city": col 3}}.
//
// Children are a short vector searched from where the previous lookup
// matched: senders write their keys in the same order record after record,
// so a lookup is usually one comparison (a std::map lookup per JSON key was
// ~7% of the materializer's instructions).
struct PathNode {
  int column = -1;
  std::vector<std::pair<std::string, std::unique_ptr<PathNode>>> children;
  mutable size_t hint = 0;  // the child to try first; a decoder is used by one thread

  PathNode* Child(const std::string& key) {
    for (auto& [name, node] : children) {
      if (name == key) return node.get();
    }
    children.emplace_back(key, std::make_unique<PathNode>());
    return children.back().second.get();
  }
  const PathNode* Find(std::string_view key) const {
    const size_t n = children.size();
    for (size_t k = 0, i = hint; k < n; ++k, i = i + 1 == n ? 0 : i + 1) {
      if (children[i].first == key) {
        hint = i + 1 == n ? 0 : i + 1;
        return children[i].second.get();
      }
    }
    return nullptr;
  }
};

// One decoded value waiting for the rest of its record.
struct Staged {
  bool present = false;
  bool is_null = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
};

const char* JsonTypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "a value";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The exact text of a number, given as a JSON number or a string: "" on
// success, "?" when the JSON type cannot hold a number, else the reason.
std::string NumberText(od::value& v, od::json_type type, std::string_view* text) {
  if (type == od::json_type::number) {
    *text = Trim(v.raw_json_token());
    return "";
  }
  if (type == od::json_type::string) return v.get_string().get(*text) ? "invalid JSON string" : "";
  return "?";
}

// A date and a time of day ("2026-11-21T18:03:12Z", "2026-11-21 18:03"):
// a bare date stays a string, as do numbers-as-strings.
bool LooksLikeTimestamp(std::string_view s) {
  return s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && storage::ParseIsoDateTime(s).ok();
}

}  // namespace

LogicalType InferType(std::string_view raw) {
  raw = Trim(raw);
  if (raw == "true" || raw == "false") return LogicalType::Of(TypeId::kBool);
  if (raw.empty() || raw.front() == '{' || raw.front() == '[')
    return LogicalType::Of(TypeId::kString);
  if (raw.front() == '"') {
    std::string_view text = raw.substr(1, raw.size() >= 2 ? raw.size() - 2 : 0);
    return LogicalType::Of(LooksLikeTimestamp(text) ? TypeId::kTimestamp : TypeId::kString);
  }
  if (raw.find_first_of(".eE") == std::string_view::npos && storage::ParseInt64(raw).ok()) {
    return LogicalType::Of(TypeId::kInt64);
  }
  return LogicalType::Of(TypeId::kFloat64);
}

struct RecordDecoder::Impl {
  storage::Schema schema;
  std::vector<std::string> names;  // the JSON path per column, for messages
  std::vector<bool> inferred;      // per column: DecoderColumn::inferred
  std::vector<bool> derived;       // per column: DecoderColumn::derived
  std::vector<Staged> defaults;    // per column; present = has a default
  bool report_new_fields = false;
  PathNode root;
  const date::time_zone* zone = nullptr;  // nullptr = UTC
  od::parser parser;
  std::string buffer;  // the record, copied with simdjson's padding
  std::vector<Staged> staged;
  std::vector<NewField> new_fields;  // found by the current Decode
  int widen_column = -1;             // set by Stage when an inferred int64 needs float64

  // Casts `v` for column `c` into `out`; on failure returns the reason.
  std::string Stage(int c, od::value v, Staged* out);
  std::string Walk(od::object obj, const PathNode& node, bool top);
  int64_t LocalToUtc(const storage::CivilTime& t) const;
};

int64_t RecordDecoder::Impl::LocalToUtc(const storage::CivilTime& t) const {
  if (t.has_offset || zone == nullptr) return storage::CivilToUtcMicros(t);
  // The wall clock read as if it were UTC, then placed in the store's zone,
  // resolving DST as PostgreSQL and DuckDB do: a time in the skipped hour
  // takes the offset from before the jump (02:30 on a spring-forward night
  // in Berlin is 02:30 CET = 03:30 CEST); a time in the repeated hour takes
  // the offset from after the change (the second, standard-time one).
  auto local = date::local_time<std::chrono::microseconds>(
      std::chrono::microseconds(storage::CivilToUtcMicros(t)));
  const date::local_info info = zone->get_info(date::floor<std::chrono::seconds>(local));
  const auto offset =
      info.result == date::local_info::ambiguous ? info.second.offset : info.first.offset;
  return (local.time_since_epoch() - offset).count();
}

std::string RecordDecoder::Impl::Stage(int c, od::value v, Staged* out) {
  const storage::Field& f = schema.fields[c];
  od::json_type type;
  if (v.type().get(type)) return "invalid JSON";
  out->present = true;
  if (type == od::json_type::null) {
    out->is_null = true;
    return "";
  }
  out->is_null = false;
  auto expected = [&](const char* what) {
    return std::string("expected ") + what + ", got " + JsonTypeName(type);
  };
  switch (f.type.id) {
    case TypeId::kBool: {
      if (type == od::json_type::boolean) {
        bool b;
        if (v.get_bool().get(b)) return "invalid JSON boolean";
        out->i = b;
        return "";
      }
      if (type == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s)) return "invalid JSON string";
        if (s == "true")
          out->i = 1;
        else if (s == "false")
          out->i = 0;
        else
          return "expected true or false, got \"" + std::string(s.substr(0, 40)) + "\"";
        return "";
      }
      return expected("true or false");
    }
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::string_view text;
      if (std::string why = NumberText(v, type, &text); !why.empty()) {
        return why == "?" ? expected("a whole number") : why;
      }
      auto n = storage::ParseInt64(text);
      if (!n.ok()) {
        if (inferred[c] && f.type.id == TypeId::kInt64 && type == od::json_type::number) {
          widen_column = c;  // e.g. 2.5 after whole numbers: the column becomes float64
          return "needs float64";
        }
        return n.status().message();
      }
      if (f.type.id == TypeId::kInt32 && (*n < INT32_MIN || *n > INT32_MAX)) {
        return std::string(text) + " is out of range for int32";
      }
      out->i = *n;
      return "";
    }
    case TypeId::kFloat64: {
      std::string text;
      if (type == od::json_type::number) {
        double d;
        if (v.get_double().get(d)) return "invalid JSON number";
        out->d = d;
        return "";
      }
      if (type != od::json_type::string) return expected("a number");
      std::string_view s;
      if (v.get_string().get(s)) return "invalid JSON string";
      text = std::string(s);
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) {
        return "\"" + text.substr(0, 40) + "\" is not a number";
      }
      out->d = d;
      return "";
    }
    case TypeId::kDecimal: {
      std::string_view text;
      if (std::string why = NumberText(v, type, &text); !why.empty()) {
        return why == "?" ? expected("a decimal number") : why;
      }
      auto n = storage::ParseDecimal(text, f.type.precision, f.type.scale);
      if (!n.ok()) return n.status().message();
      out->i = *n;
      return "";
    }
    case TypeId::kString: {
      if (type == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s)) return "invalid JSON string";
        out->s.assign(s);
        return "";
      }
      if (type == od::json_type::number || type == od::json_type::boolean) {
        out->s.assign(Trim(v.raw_json_token()));  // e.g. a zip code sent as a number
        return "";
      }
      if (inferred[c]) {  // a new field holding an object or array keeps its JSON text
        std::string_view raw;
        if (type == od::json_type::object) {
          od::object o;
          if (v.get_object().get(o) || o.raw_json().get(raw)) return "invalid JSON object";
        } else {
          od::array a;
          if (v.get_array().get(a) || a.raw_json().get(raw)) return "invalid JSON array";
        }
        out->s.assign(Trim(raw));
        return "";
      }
      return expected("a string");
    }
    case TypeId::kDate:
    case TypeId::kTimestamp: {
      if (type != od::json_type::string) {
        return expected(f.type.id == TypeId::kDate ? "a date string like \"2026-11-21\""
                                                   : "an ISO-8601 timestamp string like "
                                                     "\"2026-11-21T18:03:12Z\"");
      }
      std::string_view s;
      if (v.get_string().get(s)) return "invalid JSON string";
      if (f.type.id == TypeId::kDate) {
        auto d = storage::ParseDate(s);
        if (!d.ok()) return d.status().message();
        out->i = *d;
        return "";
      }
      auto t = storage::ParseIsoDateTime(s);
      if (!t.ok()) return t.status().message();
      out->i = LocalToUtc(*t);
      // Every row's store-local day must be a YYYY-MM-DD partition: keep a
      // day of margin for any time zone.
      static const int64_t kMin = (storage::DaysFromCivil(0, 1, 2)) * 86400LL * 1000000;
      static const int64_t kMax = (storage::DaysFromCivil(9999, 12, 30)) * 86400LL * 1000000;
      if (out->i < kMin || out->i >= kMax) {
        return "\"" + std::string(s.substr(0, 40)) +
               "\" is out of range; timestamps must fall between 0000-01-02 and 9999-12-30";
      }
      return "";
    }
  }
  return "unsupported column type";
}

std::string RecordDecoder::Impl::Walk(od::object obj, const PathNode& node, bool top) {
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return "invalid JSON key";
    const PathNode* found = node.Find(key);
    if (found == nullptr) {  // a field no column reads
      if (!top || !report_new_fields) continue;
      od::value v;
      od::json_type t;
      if (field.value().get(v) || v.type().get(t)) return "invalid JSON value";
      if (t == od::json_type::null) continue;
      LogicalType type = LogicalType::Of(TypeId::kString);
      if (t == od::json_type::boolean) {
        type = LogicalType::Of(TypeId::kBool);
      } else if (t == od::json_type::number) {
        type = InferType(Trim(v.raw_json_token()));
      } else if (t == od::json_type::string) {
        std::string_view text;
        if (v.get_string().get(text)) return "invalid JSON string";
        if (LooksLikeTimestamp(text)) type = LogicalType::Of(TypeId::kTimestamp);
      }
      bool repeated = false;  // a key written twice in one record is one field
      for (const NewField& f : new_fields) repeated = repeated || f.name == key;
      if (!repeated) new_fields.push_back({std::string(key), type});
      continue;
    }
    const PathNode& child = *found;
    od::value v;
    if (field.value().get(v)) return "invalid JSON value";
    if (child.column >= 0) {
      std::string why = Stage(child.column, v, &staged[child.column]);
      if (!why.empty()) return names[child.column] + "\x1f" + why;
    } else if (!child.children.empty()) {
      od::json_type t;
      if (v.type().get(t)) return "invalid JSON";
      if (t != od::json_type::object) continue;  // nested columns stay NULL/missing
      od::object inner;
      if (v.get_object().get(inner)) return "invalid JSON object";
      std::string why = Walk(inner, child, false);
      if (!why.empty()) return why;
    }
  }
  return "";
}

Result<std::unique_ptr<RecordDecoder>> RecordDecoder::Create(const storage::Schema& schema,
                                                             const std::vector<std::string>& paths,
                                                             const std::string& timezone) {
  DecoderSpec spec;
  spec.timezone = timezone;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    spec.columns.push_back({schema.fields[i], i < paths.size() ? paths[i] : "", "", false});
  }
  return Create(spec);
}

Result<std::unique_ptr<RecordDecoder>> RecordDecoder::Create(const DecoderSpec& spec) {
  auto impl = std::make_unique<Impl>();
  impl->report_new_fields = spec.report_new_fields;
  impl->staged.resize(spec.columns.size());
  impl->defaults.resize(spec.columns.size());
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const DecoderColumn& col = spec.columns[i];
    impl->schema.fields.push_back(col.field);
    impl->inferred.push_back(col.inferred);
    impl->derived.push_back(col.derived);
    std::string path = col.path.empty() ? col.field.name : col.path;
    impl->names.push_back(path);
    if (col.derived) {
      impl->root.Child(col.field.name);  // a field of its name is not a new field
      continue;
    }
    if (col.unread) continue;
    PathNode* node = &impl->root;
    size_t start = 0;
    for (;;) {
      size_t dot = path.find('.', start);
      std::string part =
          path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (part.empty()) {
        return Status::InvalidArgument("column " + col.field.name + ": bad path \"" + path +
                                       "\" (write nested fields as a.b)");
      }
      node = node->Child(part);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (node->column >= 0) {
      return Status::InvalidArgument("columns " + spec.columns[node->column].field.name + " and " +
                                     col.field.name + " both read \"" + path + "\"");
    }
    node->column = static_cast<int>(i);
  }
  if (spec.timezone != "UTC" && spec.timezone != "Etc/UTC") {
    try {
      impl->zone = date::locate_zone(spec.timezone);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("unknown time zone \"" + spec.timezone + "\": " + e.what());
    }
  }
  // Defaults are cast once, by the same code as record values.
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const std::string& text = spec.columns[i].default_json;
    if (text.empty()) continue;
    od::parser parser;
    od::document doc;
    od::value v;
    std::string why;
    // A scalar document cannot be a value; wrap it in an array.
    std::string wrapped = "[" + text + "]";
    wrapped.reserve(wrapped.size() + simdjson::SIMDJSON_PADDING);
    od::array arr;
    if (parser.iterate(wrapped.data(), wrapped.size(), wrapped.capacity()).get(doc) ||
        doc.get_array().get(arr)) {
      why = "is not a JSON value";
    } else {
      for (auto element : arr) {
        if (element.get(v)) {
          why = "is not a JSON value";
        } else {
          why = impl->Stage(static_cast<int>(i), v, &impl->defaults[i]);
        }
        break;
      }
    }
    if (why.empty() && impl->defaults[i].is_null) why = "cannot be null";
    if (!why.empty()) {
      impl->defaults[i].present = false;
      return Status::InvalidArgument("column " + spec.columns[i].field.name + ": default " + text +
                                     " does not fit type " + spec.columns[i].field.type.ToString() +
                                     ": " + why);
    }
  }
  impl->widen_column = -1;
  return std::unique_ptr<RecordDecoder>(new RecordDecoder(std::move(impl)));
}

RecordDecoder::RecordDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RecordDecoder::~RecordDecoder() = default;

std::vector<Column> RecordDecoder::MakeColumns() const {
  std::vector<Column> cols;
  for (const auto& f : impl_->schema.fields) cols.emplace_back(f.type);
  return cols;
}

bool RecordDecoder::Decode(std::string_view json, std::vector<Column>* columns,
                           DecodeError* error) {
  Impl& m = *impl_;
  for (auto& s : m.staged) s.present = false;
  m.new_fields.clear();
  m.widen_column = -1;
  m.buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  m.buffer.assign(json);
  od::document doc;
  od::object obj;
  std::string why;
  if (m.parser.iterate(m.buffer.data(), m.buffer.size(), m.buffer.capacity()).get(doc) ||
      doc.get_object().get(obj)) {
    why =
        "record\x1f"
        "not a JSON object";
  } else {
    why = m.Walk(obj, m.root, true);
  }
  if (m.widen_column >= 0) {
    error->kind = DecodeError::Kind::kWiden;
    error->widen_column = m.widen_column;
    error->field = m.names[m.widen_column];
    error->reason = "needs float64";
    return false;
  }
  error->kind = DecodeError::Kind::kBadRecord;
  if (!why.empty()) {
    size_t sep = why.find('\x1f');
    error->field = sep == std::string::npos ? "record" : why.substr(0, sep);
    error->reason = sep == std::string::npos ? why : why.substr(sep + 1);
    error->code = error->field == "record" && error->reason == "not a JSON object"
                      ? reject_code::kNotJson
                      : reject_code::kBadValue;
    return false;
  }
  if (!m.new_fields.empty()) {
    error->kind = DecodeError::Kind::kNewFields;
    error->new_fields = std::move(m.new_fields);
    m.new_fields.clear();
    error->field = error->new_fields.front().name;
    error->reason = "is not a column";
    return false;
  }
  // Every value is known; fill defaults, then check NULLs against
  // nullability before appending.
  for (size_t c = 0; c < m.staged.size(); ++c) {
    if (m.derived[c]) continue;
    if ((!m.staged[c].present || m.staged[c].is_null) && m.defaults[c].present) {
      m.staged[c] = m.defaults[c];
    }
    const Staged& s = m.staged[c];
    if ((!s.present || s.is_null) && !m.schema.fields[c].nullable) {
      error->field = m.names[c];
      error->code = reject_code::kMissingValue;
      error->reason = std::string(s.present ? "is null" : "is missing") +
                      " but the column is not nullable (send a value, or declare it "
                      "{ type = \"" +
                      m.schema.fields[c].type.ToString() + "\", nullable = true })";
      return false;
    }
  }
  for (size_t c = 0; c < m.staged.size(); ++c) {
    if (m.derived[c]) continue;
    const Staged& s = m.staged[c];
    Column& col = (*columns)[c];
    if (!s.present || s.is_null) {
      col.AppendNull();
      continue;
    }
    switch (col.type().id) {
      case TypeId::kBool:
        col.AppendBool(s.i != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        col.AppendInt32(static_cast<int32_t>(s.i));
        break;
      case TypeId::kInt64:
      case TypeId::kDecimal:
      case TypeId::kTimestamp:
        col.AppendInt64(s.i);
        break;
      case TypeId::kFloat64:
        col.AppendDouble(s.d);
        break;
      case TypeId::kString:
        col.AppendString(s.s);
        break;
    }
  }
  return true;
}

}  // namespace tp::app
