#include "storage/schema_change.h"

#include <cassert>

namespace tp::storage {

namespace {

int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Integer digits a type can hold without overflow (for decimal targets).
int IntegerDigits(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kBool: return 1;
    case TypeId::kInt32: return 10;
    case TypeId::kInt64: return 19;
    case TypeId::kDecimal: return t.precision - t.scale;
    default: return 0;
  }
}

}  // namespace

bool CanWiden(const LogicalType& from, const LogicalType& to) {
  if (from == to) return true;
  switch (to.id) {
    case TypeId::kInt64:
      return from.id == TypeId::kInt32;
    case TypeId::kFloat64:
      return from.id == TypeId::kInt32 || from.id == TypeId::kInt64 ||
             from.id == TypeId::kDecimal;
    case TypeId::kDecimal:
      if (from.id == TypeId::kDecimal) {
        return to.scale >= from.scale && IntegerDigits(to) >= IntegerDigits(from);
      }
      return from.id == TypeId::kInt32 && IntegerDigits(to) >= IntegerDigits(from);
    case TypeId::kTimestamp:
      return from.id == TypeId::kDate;
    default:
      return false;
  }
}

std::string FieldChangeProblem(const Field& old_field, const Field& new_field) {
  std::string problem;
  if (!CanWiden(old_field.type, new_field.type)) {
    problem = "column \"" + old_field.name + "\" cannot change from " + old_field.type.ToString() +
              " to " + new_field.type.ToString() +
              ": files already written hold " + old_field.type.ToString() +
              " values that do not all convert exactly; only widening changes are possible "
              "(int32 -> int64 -> float64, decimal to more digits, date -> timestamp). Keep " +
              old_field.type.ToString() + ", or add a new column with the new type";
  } else if (old_field.nullable && !new_field.nullable) {
    problem = "column \"" + old_field.name +
              "\" cannot become NOT NULL (nullable = false): files already written may hold "
              "NULLs in it; keep nullable = true";
  }
  return problem;
}

std::string SchemaChangeProblem(const Schema& prev, const Schema& next) {
  for (const Field& old_field : prev.fields) {
    int i = next.Find(old_field.name);
    if (i < 0) {
      return "column \"" + old_field.name +
             "\" cannot be dropped: files already written hold it; keep it (a column the "
             "records no longer send reads as NULL when it is nullable)";
    }
    if (std::string p = FieldChangeProblem(old_field, next.fields[i]); !p.empty()) return p;
  }
  for (const Field& f : next.fields) {
    if (prev.Find(f.name) < 0 && !f.nullable) {
      return "new column \"" + f.name +
             "\" must be nullable (nullable = true): files already written do not have it, "
             "so it reads as NULL there";
    }
  }
  return "";
}

void AppendCast(const Column& src, Column* out) {
  const LogicalType& from = src.type();
  const LogicalType& to = out->type();
  assert(CanWiden(from, to));
  out->Reserve(out->size() + src.size());
  if (from == to) {
    for (size_t r = 0; r < src.size(); ++r) out->AppendFrom(src, r);
    return;
  }
  // A widened value: read the source as int64/double, write the target.
  for (size_t r = 0; r < src.size(); ++r) {
    if (src.IsNull(r)) {
      out->AppendNull();
      continue;
    }
    int64_t i = 0;  // the source value as an integer (unscaled for decimals)
    switch (from.id) {
      case TypeId::kInt32:
      case TypeId::kDate: i = src.Get<int32_t>(r); break;
      default: i = src.Get<int64_t>(r); break;
    }
    const int from_scale = from.id == TypeId::kDecimal ? from.scale : 0;
    switch (to.id) {
      case TypeId::kInt64: out->AppendInt64(i); break;
      case TypeId::kFloat64:
        out->AppendDouble(static_cast<double>(i) / static_cast<double>(Pow10(from_scale)));
        break;
      case TypeId::kDecimal: out->AppendInt64(i * Pow10(to.scale - from_scale)); break;
      case TypeId::kTimestamp: out->AppendInt64(i * 86400LL * 1000000LL); break;
      default: assert(false); break;
    }
  }
}

}  // namespace tp::storage
