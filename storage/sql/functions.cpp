// The scalar function library's front: name lookup, overload errors with
// did-you-mean, and the helpers the kernels of functions_*.cpp share.
#include "storage/sql/functions.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>

#include "storage/sql/aggregates.h"
#include "storage/sql/functions_internal.h"
#include "storage/sql/suggest.h"

namespace tp::storage::sql {

namespace internal {

bool ParseCompareOp(const std::string& name, CompareOp* op) {
  if (name == "=") {
    *op = CompareOp::kEq;
  } else if (name == "<>" || name == "!=") {
    *op = CompareOp::kNe;
  } else if (name == "<") {
    *op = CompareOp::kLt;
  } else if (name == "<=") {
    *op = CompareOp::kLe;
  } else if (name == ">") {
    *op = CompareOp::kGt;
  } else if (name == ">=") {
    *op = CompareOp::kGe;
  } else {
    return false;
  }
  return true;
}

CompareOp FlipCompareOp(CompareOp op) {
  switch (op) {
    case CompareOp::kLt:
      return CompareOp::kGt;
    case CompareOp::kLe:
      return CompareOp::kGe;
    case CompareOp::kGt:
      return CompareOp::kLt;
    case CompareOp::kGe:
      return CompareOp::kLe;
    default:
      return op;
  }
}

bool PropagateNulls(const Vector* const* args, size_t nargs, size_t count, Vector* out) {
  const uint8_t* first = nullptr;
  size_t with_nulls = 0;
  for (size_t a = 0; a < nargs; ++a) {
    if (!args[a]->AllValid()) {
      if (first == nullptr) first = args[a]->validity();
      ++with_nulls;
    }
  }
  if (with_nulls == 0) return false;
  uint8_t* v = out->MutableValidity();
  std::memcpy(v, first, count);
  if (with_nulls > 1) {
    for (size_t a = 0; a < nargs; ++a) {
      const uint8_t* av = args[a]->validity();
      if (av == nullptr || av == first) continue;
      for (size_t i = 0; i < count; ++i) v[i] &= av[i];
    }
  }
  return true;
}

void ZeroNullRows(Vector* out) {
  if (out->AllValid()) return;
  const size_t width = PhysicalWidth(out->type().id);
  const uint8_t* valid = out->validity();
  uint8_t* d = out->data<uint8_t>();
  for (size_t i = 0; i < out->size(); ++i) {
    if (valid[i] == 0) std::memset(d + i * width, 0, width);
  }
}

std::string PositionSuffix(size_t position) {
  return " (position " + std::to_string(position + 1) + ")";
}

Status WithPosition(const Status& s, size_t position) {
  if (s.ok() || s.message().find(" (position ") != std::string::npos) return s;
  if (s.code() != Status::Code::kInvalidArgument) return s;
  return Status::InvalidArgument(s.message() + PositionSuffix(position));
}

BoundExprPtr MakeCall(const std::string& name, SqlType type, std::vector<BoundExprPtr> args,
                      ScalarKernel kernel, size_t position) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kFunction;
  e->type = type;
  e->name = name;
  e->kernel = std::move(kernel);
  e->children = std::move(args);
  e->position = position;
  return e;
}

bool IsIntegral(SqlTypeId id) { return id == SqlTypeId::kInt32 || id == SqlTypeId::kInt64; }

SqlType AsDecimal(const SqlType& t) {
  switch (t.id) {
    case SqlTypeId::kBool:
      return SqlType::Decimal(1, 0);
    case SqlTypeId::kInt32:
      return SqlType::Decimal(10, 0);
    case SqlTypeId::kInt64:
      return SqlType::Decimal(19, 0);
    default:
      return t;
  }
}

std::string TypeList(const std::vector<BoundExprPtr>& args) {
  std::string s;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) s += ", ";
    s += args[i]->type.ToString();
  }
  return s;
}

bool ImplicitlyCastable(const BoundExpr& from, const SqlType& to) {
  const SqlTypeId f = from.type.id;
  if (from.type == to || f == SqlTypeId::kNull) return true;
  if (f == SqlTypeId::kString && from.kind == BoundKind::kConstant) return true;  // a literal
  switch (to.id) {
    case SqlTypeId::kInt32:
      return f == SqlTypeId::kBool;
    case SqlTypeId::kInt64:
      return f == SqlTypeId::kBool || f == SqlTypeId::kInt32;
    case SqlTypeId::kDecimal: {
      if (f == SqlTypeId::kDecimal || f == SqlTypeId::kBool || IsIntegral(f)) {
        const SqlType d = AsDecimal(from.type);
        // Wide enough for every value of the source (integer digits kept).
        return d.precision - d.scale <= to.precision - to.scale && d.scale <= to.scale;
      }
      return false;
    }
    case SqlTypeId::kFloat64:
      return f == SqlTypeId::kBool || IsIntegral(f) || f == SqlTypeId::kDecimal;
    case SqlTypeId::kTimestamp:
      return f == SqlTypeId::kDate;
    default:
      return false;
  }
}

Result<BoundExprPtr> CastTo(BoundExprPtr e, const SqlType& type) {
  if (e->type == type) return e;
  const size_t pos = e->position;
  return BindCast(std::move(e), type, pos);
}

bool CastAll(std::vector<BoundExprPtr>* args, size_t from, const SqlType& type, Status* error) {
  for (size_t i = from; i < args->size(); ++i) {
    auto r = CastTo(std::move((*args)[i]), type);
    if (!r.ok()) {
      *error = r.status();
      return false;
    }
    (*args)[i] = std::move(*r);
  }
  return true;
}

Result<SqlType> CommonTypeOf(const std::vector<BoundExprPtr>& args, size_t from) {
  SqlType t;
  // String literals take the type of the others (DuckDB's STRING_LITERAL).
  bool all_literals = true;
  for (size_t i = from; i < args.size(); ++i) {
    const BoundExpr& a = *args[i];
    if (a.kind == BoundKind::kConstant && a.type.id == SqlTypeId::kString) continue;
    all_literals = false;
    auto c = CommonType(t, a.type);
    if (!c.ok()) return c.status();
    t = *c;
  }
  if (all_literals) {
    for (size_t i = from; i < args.size(); ++i) {
      if (args[i]->type.id == SqlTypeId::kString) return args[i]->type;
    }
    return SqlType{};
  }
  if (t.id == SqlTypeId::kNull) {
    for (size_t i = from; i < args.size(); ++i) {
      if (args[i]->type.id == SqlTypeId::kString) return args[i]->type;
    }
  }
  return t;
}

}  // namespace internal

using internal::AsDecimal;
using internal::IsIntegral;

Result<SqlType> CommonType(const SqlType& a, const SqlType& b) {
  if (a == b) return a;
  if (a.id == SqlTypeId::kNull) return b;
  if (b.id == SqlTypeId::kNull) return a;
  auto numeric = [](SqlTypeId id) {
    return id == SqlTypeId::kBool || id == SqlTypeId::kInt32 || id == SqlTypeId::kInt64 ||
           id == SqlTypeId::kDecimal || id == SqlTypeId::kFloat64;
  };
  if (numeric(a.id) && numeric(b.id)) {
    if (a.id == SqlTypeId::kFloat64 || b.id == SqlTypeId::kFloat64) {
      return SqlType::Of(SqlTypeId::kFloat64);
    }
    if (a.id == SqlTypeId::kDecimal || b.id == SqlTypeId::kDecimal) {
      const SqlType da = AsDecimal(a), db = AsDecimal(b);
      const int scale = std::max(da.scale, db.scale);
      const int digits = std::max(da.precision - da.scale, db.precision - db.scale);
      return SqlType::Decimal(std::min(38, digits + scale), scale);
    }
    auto rank = [](SqlTypeId id) {
      return id == SqlTypeId::kBool ? 0 : id == SqlTypeId::kInt32 ? 1 : 2;
    };
    return rank(a.id) > rank(b.id) ? a : b;
  }
  if ((a.id == SqlTypeId::kDate && b.id == SqlTypeId::kTimestamp) ||
      (a.id == SqlTypeId::kTimestamp && b.id == SqlTypeId::kDate)) {
    return SqlType::Of(SqlTypeId::kTimestamp);
  }
  return Status::InvalidArgument("Cannot mix values of type " + a.ToString() + " and " +
                                 b.ToString() + " - an explicit cast is required");
}

namespace {

struct Registry {
  std::unordered_map<std::string, std::vector<const internal::FunctionEntry*>> by_name;
  std::vector<std::string> names;  // sorted, unique
};

const Registry& GetRegistry() {
  static const Registry* const registry = [] {
    auto* r = new Registry();
    for (const auto* table : {&internal::TimeFunctions(), &internal::ArithmeticFunctions(),
                              &internal::CompareFunctions(), &internal::StringFunctions()}) {
      for (const auto& e : *table) {
        auto& list = r->by_name[e.name];
        if (list.empty()) r->names.push_back(e.name);
        list.push_back(&e);
      }
    }
    std::sort(r->names.begin(), r->names.end());
    return r;
  }();
  return *registry;
}

}  // namespace

Result<BoundExprPtr> BindFunction(const std::string& name, std::vector<BoundExprPtr> args,
                                  size_t position) {
  const Registry& registry = GetRegistry();
  auto it = registry.by_name.find(name);
  if (it == registry.by_name.end()) {
    std::vector<std::string> words = AggregateFunctionNames();
    for (const auto& n : registry.names) {
      if (std::isalpha(static_cast<unsigned char>(n[0]))) words.push_back(n);
    }
    const std::string near = ClosestMatch(name, words);
    return Status::InvalidArgument("function \"" + name + "\" does not exist" +
                                   (near.empty() ? "" : "; did you mean \"" + near + "\"?") +
                                   internal::PositionSuffix(position));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == nullptr) {
      return Status::InvalidArgument("internal error: argument " + std::to_string(i + 1) + " of " +
                                     name + " is missing" + internal::PositionSuffix(position));
    }
  }
  std::string takes;
  for (const internal::FunctionEntry* e : it->second) {
    BoundExprPtr out;
    internal::BindInput in{name, args, position};
    Status s = e->bind(in, &out);
    if (!s.ok()) return internal::WithPosition(s, position);
    if (out != nullptr) return out;
    if (!takes.empty()) takes += " or ";
    takes += e->signature;
  }
  return Status::InvalidArgument("No function matches " + name + "(" + internal::TypeList(args) +
                                 "); " + name + " takes " + takes +
                                 internal::PositionSuffix(position));
}

bool IsScalarFunction(const std::string& name) { return GetRegistry().by_name.count(name) > 0; }

std::vector<std::string> ScalarFunctionNames() { return GetRegistry().names; }

}  // namespace tp::storage::sql
