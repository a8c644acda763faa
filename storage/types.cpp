#include "storage/types.h"

namespace tp::storage {

std::string LogicalType::ToString() const {
  switch (id) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kFloat64: return "float64";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kString: return "string";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
  }
  return "?";
}

int Schema::Find(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace tp::storage
