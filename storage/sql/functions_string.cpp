// String functions: || and concat, LIKE / ILIKE ("~~", "~~*", "!~~",
// "!~~*"), lower, upper, length, substr, and a few more (trim, replace,
// starts_with, ends_with, contains, strpos, left, right, reverse).
//
// Strings are UTF-8; lengths and positions count characters (code points),
// comparisons are byte-wise. LIKE has % (any run) and _ (one character) and
// no escape character (DuckDB's default: a backslash is an ordinary
// character). lower/upper/ILIKE map ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic letters; other characters are left as they are
// (DuckDB maps all of Unicode).
//
// Results that are a piece of an input (substr, trim, left, right) point
// into the input's bytes, which the result vector shares.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "storage/sql/functions.h"
#include "storage/sql/functions_internal.h"

namespace tp::storage::sql::internal {

namespace {

const SqlType kVarchar = SqlType::Of(SqlTypeId::kString);
const SqlType kBigint = SqlType::Of(SqlTypeId::kInt64);
const SqlType kBoolean = SqlType::Of(SqlTypeId::kBool);

// --- UTF-8 -----------------------------------------------------------------------

// Decodes the code point at s[i], advancing i; an invalid byte decodes as
// itself (one byte).
uint32_t Decode(std::string_view s, size_t* i) {
  const auto b = static_cast<unsigned char>(s[*i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return b;
  }
  uint32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto cb = static_cast<unsigned char>(s[*i + k]);
    if ((cb & 0xC0) != 0x80) {
      ++*i;
      return b;
    }
    c = (c << 6) | (cb & 0x3F);
  }
  *i += len;
  return c;
}

void Encode(uint32_t c, std::string* out) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += IsContinuation(c) ? 0 : 1;
  return n;
}

// Byte offset of character `k` (0-based; s.size() when past the end).
size_t ByteOfChar(std::string_view s, int64_t k) {
  size_t i = 0;
  for (int64_t seen = 0; i < s.size(); ++i) {
    if (!IsContinuation(s[i])) {
      if (seen == k) return i;
      ++seen;
    }
  }
  return s.size();
}

uint32_t LowerCp(uint32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (c == 0x1E9E) return 0xDF;  // capital sharp s
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
    return c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

uint32_t UpperCp(uint32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
  if (c == 0xDF) return 0x1E9E;  // sharp s, as DuckDB (one character, not "SS")
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x131) return 'I';
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 0 ? c - 1 : c;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 1 ? c - 1 : c;
    return c;
  }
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x3B1 && c <= 0x3CB) return c - 32;
  if (c == 0x3AC) return 0x386;
  if (c >= 0x3AD && c <= 0x3AF) return c - 37;
  if (c == 0x3CC) return 0x38C;
  if (c == 0x3CD || c == 0x3CE) return c - 63;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

// s case-mapped into *buf; returns the view of *buf.
std::string_view MapCase(std::string_view s, bool upper, std::string* buf) {
  buf->clear();
  bool ascii = true;
  for (char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    buf->resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      (*buf)[i] = c;
    }
    return *buf;
  }
  buf->reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const uint32_t c = Decode(s, &i);
    const uint32_t m = upper ? UpperCp(c) : LowerCp(c);
    if (m == c) {
      buf->append(s.substr(start, i - start));
    } else {
      Encode(m, buf);
    }
  }
  return *buf;
}

// --- kernel shapes ------------------------------------------------------------------

// out[i] = f(row i, scratch) for valid rows; a result inside `scratch` is
// copied into out's heap, any other view must point into an input's bytes.
template <typename F>
Status StringRows(const Vector* const* a, size_t nargs, size_t n, Vector* out, F f) {
  auto* r = out->data<std::string_view>();
  std::string scratch;
  PropagateNulls(a, nargs, n, out);
  for (size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) {
      r[i] = {};
      continue;
    }
    std::string_view v = f(i, &scratch);
    const bool in_scratch = !scratch.empty() && v.data() >= scratch.data() &&
                            v.data() <= scratch.data() + scratch.size();
    r[i] = in_scratch ? out->AddString(v) : v;
  }
  for (size_t k = 0; k < nargs; ++k) {
    if (a[k]->type().id == SqlTypeId::kString) out->ShareStringsOf(*a[k]);
  }
  return Status::OK();
}

std::vector<BoundExprPtr> Take(std::vector<BoundExprPtr>& args) { return std::move(args); }

// True when every argument is (castable to) the given types; casts them.
bool Match(BindInput& in, const std::vector<SqlType>& types, Status* error) {
  if (in.args.size() != types.size()) return false;
  for (size_t i = 0; i < types.size(); ++i) {
    if (!ImplicitlyCastable(*in.args[i], types[i])) return false;
  }
  for (size_t i = 0; i < types.size(); ++i) {
    auto c = CastTo(std::move(in.args[i]), types[i]);
    if (!c.ok()) {
      *error = c.status();
      return true;
    }
    in.args[i] = std::move(*c);
  }
  return true;
}

// --- concatenation -------------------------------------------------------------------

Status CastAllToVarchar(BindInput& in) {
  for (auto& a : in.args) {
    if (a->type.id == SqlTypeId::kString) continue;
    auto c = a->type.id == SqlTypeId::kNull && a->kind == BoundKind::kConstant
                 ? Result<BoundExprPtr>(MakeConstant(Value::Null(kVarchar), a->position))
                 : CastTo(std::move(a), kVarchar);
    if (!c.ok()) return c.status();
    a = std::move(*c);
  }
  return Status::OK();
}

Status BindConcatOp(BindInput& in, BoundExprPtr* out) {
  if (in.args.size() != 2) return Status::OK();
  Status s = CastAllToVarchar(in);
  if (!s.ok()) return s;
  ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* x = a[0]->data<std::string_view>();
    const auto* y = a[1]->data<std::string_view>();
    return StringRows(a, 2, n, o, [&](size_t i, std::string* buf) {
      buf->assign(x[i]);
      buf->append(y[i]);
      return std::string_view(*buf);
    });
  };
  *out = MakeCall("||", kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindConcat(BindInput& in, BoundExprPtr* out) {
  if (in.args.empty()) return Status::OK();
  Status s = CastAllToVarchar(in);
  if (!s.ok()) return s;
  const size_t nargs = in.args.size();
  ScalarKernel k = [nargs](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    auto* r = o->data<std::string_view>();
    std::string buf;
    for (size_t i = 0; i < n; ++i) {
      buf.clear();
      for (size_t j = 0; j < nargs; ++j) {
        if (!a[j]->IsNull(i)) buf.append(a[j]->data<std::string_view>()[i]);
      }
      r[i] = o->AddString(buf);
    }
    return Status::OK();
  };
  *out = MakeCall("concat", kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// --- LIKE --------------------------------------------------------------------------

// Matches `s` against a LIKE pattern (% any run, _ one character).
bool LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
    } else if (pi < p.size() && p[pi] == '_') {
      ++pi;
      ++si;
      while (si < s.size() && IsContinuation(s[si])) ++si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star_p != std::string_view::npos) {
      pi = star_p;
      ++star_s;
      while (star_s < s.size() && IsContinuation(s[star_s])) ++star_s;
      si = star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

// A constant pattern, classified so common shapes avoid the general matcher.
struct LikePattern {
  enum Kind { kEqual, kPrefix, kSuffix, kContains, kGeneral } kind = kGeneral;
  std::string text;  // the literal part (kEqual..kContains) or the pattern
  bool case_insensitive = false;

  explicit LikePattern(std::string p, bool ci) : case_insensitive(ci) {
    std::string scratch;
    if (ci) p = std::string(MapCase(p, false, &scratch));
    const bool underscore = p.find('_') != std::string::npos;
    const size_t pct = std::count(p.begin(), p.end(), '%');
    const bool lead = !p.empty() && p.front() == '%';
    const bool trail = p.size() > 1 && p.back() == '%';
    if (underscore) {
      text = p;
    } else if (pct == 0) {
      kind = kEqual;
      text = p;
    } else if (pct == 1 && trail) {
      kind = kPrefix;
      text = p.substr(0, p.size() - 1);
    } else if (pct == 1 && lead) {
      kind = kSuffix;
      text = p.substr(1);
    } else if (pct == 2 && lead && trail) {
      kind = kContains;
      text = p.substr(1, p.size() - 2);
    } else {
      text = p;
    }
  }

  bool Matches(std::string_view s) const {
    switch (kind) {
      case kEqual:
        return s == text;
      case kPrefix:
        return s.substr(0, text.size()) == text;
      case kSuffix:
        return s.size() >= text.size() && s.substr(s.size() - text.size()) == text;
      case kContains:
        return s.find(text) != std::string_view::npos;
      case kGeneral:
        break;
    }
    return LikeMatch(s, text);
  }
};

Status BindLike(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar, kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  const bool ci = in.name.find('*') != std::string::npos;
  const bool negated = in.name[0] == '!';
  ScalarKernel k;
  const BoundExpr& pattern = *in.args[1];
  if (pattern.kind == BoundKind::kConstant && !pattern.value.is_null()) {
    auto p = std::make_shared<LikePattern>(pattern.value.string_value(), ci);
    k = [p, negated](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      const auto* x = a[0]->data<std::string_view>();
      uint8_t* r = o->data<uint8_t>();
      if (p->case_insensitive) {
        std::string buf;
        for (size_t i = 0; i < n; ++i) r[i] = p->Matches(MapCase(x[i], false, &buf)) != negated;
      } else {
        for (size_t i = 0; i < n; ++i) r[i] = p->Matches(x[i]) != negated;
      }
      if (PropagateNulls(a, 1, n, o)) ZeroNullRows(o);
      return Status::OK();
    };
  } else {
    k = [ci, negated](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      const auto* x = a[0]->data<std::string_view>();
      const auto* y = a[1]->data<std::string_view>();
      uint8_t* r = o->data<uint8_t>();
      std::string bx, by;
      for (size_t i = 0; i < n; ++i) {
        r[i] = (ci ? LikeMatch(MapCase(x[i], false, &bx), MapCase(y[i], false, &by))
                   : LikeMatch(x[i], y[i])) != negated;
      }
      if (PropagateNulls(a, 2, n, o)) ZeroNullRows(o);
      return Status::OK();
    };
  }
  *out = MakeCall(in.name, kBoolean, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// --- one-string functions ------------------------------------------------------------

Status BindCase(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  const bool upper = in.name == "upper" || in.name == "ucase";
  ScalarKernel k = [upper](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* x = a[0]->data<std::string_view>();
    return StringRows(a, 1, n, o,
                      [&](size_t i, std::string* buf) { return MapCase(x[i], upper, buf); });
  };
  *out = MakeCall(in.name, kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindLength(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  const bool bytes = in.name == "strlen" || in.name == "octet_length";
  ScalarKernel k = [bytes](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    UnaryMap<std::string_view, int64_t>(*a[0], n, o, [bytes](std::string_view s) {
      return static_cast<int64_t>(bytes ? s.size() : CharCount(s));
    });
    return Status::OK();
  };
  *out = MakeCall(in.name, kBigint, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// substr(s, start[, length]), 1-based characters, DuckDB's rules: a
// negative start counts from the end; the range [start, start + length)
// (or [start + length, start) for a negative length) is clipped to the
// string, so start 0 with length 2 is the first character.
std::string_view Substring(std::string_view s, int64_t start, int64_t length, bool has_length) {
  const auto chars = static_cast<int64_t>(CharCount(s));
  int64_t from = start > 0 ? start : start < 0 ? chars + start + 1 : 0;
  int64_t to;  // exclusive, 1-based
  if (!has_length) {
    to = chars + 1;
  } else if (length >= 0) {
    to = from > INT64_MAX - length ? INT64_MAX : from + length;
  } else {
    to = from;
    from = from < INT64_MIN - length ? INT64_MIN : from + length;
  }
  from = std::max<int64_t>(from, 1);
  to = std::min<int64_t>(to, chars + 1);
  if (from >= to) return {};
  const bool ascii = static_cast<int64_t>(s.size()) == chars;
  const size_t b = ascii ? static_cast<size_t>(from - 1) : ByteOfChar(s, from - 1);
  const size_t e = ascii ? static_cast<size_t>(to - 1) : ByteOfChar(s, to - 1);
  return s.substr(b, e - b);
}

Status BindSubstr(BindInput& in, BoundExprPtr* out) {
  Status error;
  const bool has_length = in.args.size() == 3;
  if (!(has_length ? Match(in, {kVarchar, kBigint, kBigint}, &error)
                   : Match(in, {kVarchar, kBigint}, &error))) {
    return Status::OK();
  }
  if (!error.ok()) return error;
  const size_t nargs = in.args.size();
  ScalarKernel k = [nargs](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* s = a[0]->data<std::string_view>();
    const auto* start = a[1]->data<int64_t>();
    const int64_t* len = nargs == 3 ? a[2]->data<int64_t>() : nullptr;
    return StringRows(a, nargs, n, o, [&](size_t i, std::string*) {
      return Substring(s[i], start[i], len ? len[i] : 0, len != nullptr);
    });
  };
  *out = MakeCall(in.name, kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// left(s, n) / right(s, n): n characters (all but -n for a negative n).
Status BindLeftRight(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar, kBigint}, &error)) return Status::OK();
  if (!error.ok()) return error;
  const bool left = in.name == "left";
  ScalarKernel k = [left](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* s = a[0]->data<std::string_view>();
    const auto* len = a[1]->data<int64_t>();
    return StringRows(a, 2, n, o, [&](size_t i, std::string*) {
      const auto chars = static_cast<int64_t>(CharCount(s[i]));
      int64_t keep = len[i] >= 0 ? std::min(len[i], chars) : std::max<int64_t>(0, chars + len[i]);
      return left ? Substring(s[i], 1, keep, true) : Substring(s[i], chars - keep + 1, keep, true);
    });
  };
  *out = MakeCall(in.name, kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// trim / ltrim / rtrim (s[, characters]): spaces, or the given characters.
Status BindTrim(BindInput& in, BoundExprPtr* out) {
  Status error;
  const bool has_chars = in.args.size() == 2;
  if (!(has_chars ? Match(in, {kVarchar, kVarchar}, &error) : Match(in, {kVarchar}, &error))) {
    return Status::OK();
  }
  if (!error.ok()) return error;
  const bool front = in.name != "rtrim", back = in.name != "ltrim";
  const size_t nargs = in.args.size();
  ScalarKernel k = [front, back, nargs](const EvalContext&, const Vector* const* a, size_t n,
                                        Vector* o) {
    const auto* s = a[0]->data<std::string_view>();
    const std::string_view* chars = nargs == 2 ? a[1]->data<std::string_view>() : nullptr;
    return StringRows(a, nargs, n, o, [&](size_t i, std::string*) {
      std::string_view set = chars ? chars[i] : std::string_view(" ");
      auto in_set = [&](uint32_t c) {
        for (size_t j = 0; j < set.size();) {
          if (Decode(set, &j) == c) return true;
        }
        return false;
      };
      std::string_view v = s[i];
      size_t b = 0, e = v.size();
      if (front) {
        while (b < e) {
          size_t j = b;
          if (!in_set(Decode(v, &j))) break;
          b = j;
        }
      }
      if (back) {
        while (e > b) {
          size_t start = e - 1;
          while (start > b && IsContinuation(v[start])) --start;
          size_t j = start;
          if (!in_set(Decode(v, &j))) break;
          e = start;
        }
      }
      return v.substr(b, e - b);
    });
  };
  *out = MakeCall(in.name, kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindReplace(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar, kVarchar, kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* s = a[0]->data<std::string_view>();
    const auto* from = a[1]->data<std::string_view>();
    const auto* to = a[2]->data<std::string_view>();
    return StringRows(a, 3, n, o, [&](size_t i, std::string* buf) {
      if (from[i].empty() || s[i].find(from[i]) == std::string_view::npos) return s[i];
      buf->clear();
      size_t pos = 0;
      while (true) {
        const size_t hit = s[i].find(from[i], pos);
        if (hit == std::string_view::npos) break;
        buf->append(s[i].substr(pos, hit - pos));
        buf->append(to[i]);
        pos = hit + from[i].size();
      }
      buf->append(s[i].substr(pos));
      return std::string_view(*buf);
    });
  };
  *out = MakeCall("replace", kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

Status BindReverse(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    const auto* s = a[0]->data<std::string_view>();
    return StringRows(a, 1, n, o, [&](size_t i, std::string* buf) {
      buf->assign(s[i].size(), '\0');
      size_t w = s[i].size();
      for (size_t j = 0; j < s[i].size();) {
        const size_t start = j;
        Decode(s[i], &j);
        w -= j - start;
        std::memcpy(buf->data() + w, s[i].data() + start, j - start);
      }
      return std::string_view(*buf);
    });
  };
  *out = MakeCall("reverse", kVarchar, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

// starts_with, ends_with (suffix), contains -> BOOLEAN; strpos -> BIGINT.
Status BindSearch(BindInput& in, BoundExprPtr* out) {
  Status error;
  if (!Match(in, {kVarchar, kVarchar}, &error)) return Status::OK();
  if (!error.ok()) return error;
  const std::string& f = in.name;
  if (f == "strpos" || f == "instr" || f == "position") {
    ScalarKernel k = [](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
      BinaryMap<std::string_view, std::string_view, int64_t>(
          *a[0], *a[1], n, o, [](std::string_view s, std::string_view needle) {
            const size_t hit = s.find(needle);
            if (hit == std::string_view::npos) return int64_t{0};
            return static_cast<int64_t>(CharCount(s.substr(0, hit))) + 1;
          });
      return Status::OK();
    };
    *out = MakeCall(f, kBigint, Take(in.args), std::move(k), in.position);
    return Status::OK();
  }
  const int which = f == "starts_with" ? 0 : (f == "ends_with" || f == "suffix") ? 1 : 2;
  ScalarKernel k = [which](const EvalContext&, const Vector* const* a, size_t n, Vector* o) {
    BinaryMap<std::string_view, std::string_view, uint8_t>(
        *a[0], *a[1], n, o, [which](std::string_view s, std::string_view x) {
          if (which == 0) return static_cast<uint8_t>(s.substr(0, x.size()) == x);
          if (which == 1) {
            return static_cast<uint8_t>(s.size() >= x.size() && s.substr(s.size() - x.size()) == x);
          }
          return static_cast<uint8_t>(s.find(x) != std::string_view::npos);
        });
    return Status::OK();
  };
  *out = MakeCall(f, kBoolean, Take(in.args), std::move(k), in.position);
  return Status::OK();
}

}  // namespace

const std::vector<FunctionEntry>& StringFunctions() {
  static const std::vector<FunctionEntry> entries = {
      {"||", BindConcatOp, "(any, any)"},
      {"concat", BindConcat, "(any, ...)"},
      {"~~", BindLike, "(VARCHAR, VARCHAR)"},
      {"~~*", BindLike, "(VARCHAR, VARCHAR)"},
      {"!~~", BindLike, "(VARCHAR, VARCHAR)"},
      {"!~~*", BindLike, "(VARCHAR, VARCHAR)"},
      {"lower", BindCase, "(VARCHAR)"},
      {"lcase", BindCase, "(VARCHAR)"},
      {"upper", BindCase, "(VARCHAR)"},
      {"ucase", BindCase, "(VARCHAR)"},
      {"length", BindLength, "(VARCHAR)"},
      {"char_length", BindLength, "(VARCHAR)"},
      {"character_length", BindLength, "(VARCHAR)"},
      {"strlen", BindLength, "(VARCHAR)"},
      {"octet_length", BindLength, "(VARCHAR)"},
      {"substr", BindSubstr, "(VARCHAR, BIGINT[, BIGINT])"},
      {"substring", BindSubstr, "(VARCHAR, BIGINT[, BIGINT])"},
      {"left", BindLeftRight, "(VARCHAR, BIGINT)"},
      {"right", BindLeftRight, "(VARCHAR, BIGINT)"},
      {"trim", BindTrim, "(VARCHAR[, VARCHAR])"},
      {"ltrim", BindTrim, "(VARCHAR[, VARCHAR])"},
      {"rtrim", BindTrim, "(VARCHAR[, VARCHAR])"},
      {"replace", BindReplace, "(VARCHAR, VARCHAR, VARCHAR)"},
      {"reverse", BindReverse, "(VARCHAR)"},
      {"starts_with", BindSearch, "(VARCHAR, VARCHAR)"},
      {"ends_with", BindSearch, "(VARCHAR, VARCHAR)"},
      {"suffix", BindSearch, "(VARCHAR, VARCHAR)"},
      {"contains", BindSearch, "(VARCHAR, VARCHAR)"},
      {"strpos", BindSearch, "(VARCHAR, VARCHAR)"},
      {"instr", BindSearch, "(VARCHAR, VARCHAR)"},
      {"position", BindSearch, "(VARCHAR, VARCHAR)"},
  };
  return entries;
}

}  // namespace tp::storage::sql::internal
