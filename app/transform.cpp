#include "app/transform.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/sql/binder.h"
#include "storage/sql/expression.h"
#include "storage/sql/functions.h"
#include "storage/sql/parser.h"
#include "storage/sql/time_zone.h"
#include "storage/sql/vector.h"

namespace tp::app {

namespace sql = storage::sql;
using storage::Column;
using storage::TypeId;

namespace {

struct Derived {
  size_t column;  // schema index
  sql::BoundExprPtr expr;  // cast to the column's type
};

// The columns an expression may name: the declared ones, minus (for derived
// column `self`) itself and the derived columns declared after it.
std::vector<sql::ScalarColumn> Columns(const TransformSpec& spec, int self) {
  std::vector<sql::ScalarColumn> out;
  const auto& fields = spec.schema.fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    sql::ScalarColumn c{fields[i].name, sql::SqlType::FromStorage(fields[i].type), ""};
    const bool derived = i < spec.exprs.size() && !spec.exprs[i].empty();
    if (self >= 0 && static_cast<int>(i) == self) {
      c.unusable = "column \"" + fields[i].name + "\" is the derived column being computed; an " +
                   "expression cannot name its own column";
    } else if (self >= 0 && derived && static_cast<int>(i) > self) {
      c.unusable = "column \"" + fields[i].name + "\" is derived and declared after \"" +
                   fields[static_cast<size_t>(self)].name + "\"; declare it above \"" +
                   fields[static_cast<size_t>(self)].name + "\" in [tables." + spec.table +
                   ".columns] to use it here";
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Parses and binds one expression; for a derived column (`self` >= 0) casts it
// to the column's type, for `where` checks it is a predicate.
Result<sql::BoundExprPtr> BindOne(const TransformSpec& spec, int self, const std::string& text,
                                  const sql::EvalContext& ctx) {
  auto parsed = sql::ParseExpression(text);
  if (!parsed.ok()) return parsed.status();
  auto bound = sql::BindScalar(text, **parsed, spec.table, Columns(spec, self), ctx, nullptr);
  if (!bound.ok()) return bound.status();
  sql::BoundExprPtr e = std::move(*bound);
  if (self < 0) {
    if (e->type.id == sql::SqlTypeId::kNull) {
      auto cast = sql::BindCast(std::move(e), sql::SqlType::Of(sql::SqlTypeId::kBool), 0);
      if (!cast.ok()) return cast.status();
      return std::move(*cast);
    }
    if (e->type.id != sql::SqlTypeId::kBool) {
      return Status::InvalidArgument("where needs a BOOLEAN expression (a condition like "
                                     "total >= 0), not " + e->type.ToString());
    }
    return e;
  }
  const storage::Field& f = spec.schema.fields[static_cast<size_t>(self)];
  const sql::SqlType target = sql::SqlType::FromStorage(f.type);
  if (e->type == target) return e;
  const sql::SqlType from = e->type;
  auto cast = sql::BindCast(std::move(e), target, 0);
  if (!cast.ok()) {
    return Status::InvalidArgument("the expression gives " + from.ToString() +
                                   ", which does not convert to the column's type " +
                                   f.type.ToString() + "; compute a value of that type");
  }
  return std::move(*cast);
}

// Appends rows of `v` (the column's type) to `col`; rows in `null_rows`
// (nonzero) become NULL.
void AppendVector(const sql::Vector& v, const std::vector<uint8_t>& null_rows, Column* col) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i) || null_rows[i]) {
      col->AppendNull();
      continue;
    }
    switch (col->type().id) {
      case TypeId::kBool:
        col->AppendBool(v.data<uint8_t>()[i] != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        col->AppendInt32(v.data<int32_t>()[i]);
        break;
      case TypeId::kInt64:
      case TypeId::kDecimal:
      case TypeId::kTimestamp:
        col->AppendInt64(v.data<int64_t>()[i]);
        break;
      case TypeId::kFloat64:
        col->AppendDouble(v.data<double>()[i]);
        break;
      case TypeId::kString:
        col->AppendString(v.data<std::string_view>()[i]);
        break;
    }
  }
}

}  // namespace

TransformSpec TransformOf(const TableSpec& table, const std::string& timezone) {
  TransformSpec spec;
  spec.table = table.name;
  spec.where = table.where;
  spec.timezone = timezone;
  for (const ColumnSpec& c : table.columns) {
    spec.schema.fields.push_back(
        storage::Field{c.name, c.Type(), c.nullable && c.name != table.time_column});
    spec.exprs.push_back(c.expr);
  }
  return spec;
}

struct Transform::Impl {
  TransformSpec spec;
  std::unique_ptr<sql::TimeZone> zone;
  sql::EvalContext ctx;
  std::vector<Derived> derived;  // in schema order
  sql::BoundExprPtr where;       // null: keep every row
  std::vector<bool> is_derived;  // per schema column

  // Evaluates `expr` over `chunk`; when that fails, row by row, so one bad
  // row fails alone. Rows already failed are not evaluated again.
  void EvaluateRows(const sql::BoundExpr& expr, const sql::Chunk& chunk, sql::Vector* out,
                    std::vector<uint8_t>* failed, std::vector<std::string>* why) const;
};

namespace {

std::string Described(const std::string& what, const std::string& text) {
  return what + " = \"" + text + "\"";
}

}  // namespace

void Transform::Impl::EvaluateRows(const sql::BoundExpr& expr, const sql::Chunk& chunk,
                                   sql::Vector* out, std::vector<uint8_t>* failed,
                                   std::vector<std::string>* why) const {
  if (sql::Evaluate(ctx, expr, chunk, out).ok()) return;
  out->Reset(expr.type, chunk.size);
  sql::Chunk one;
  one.size = 1;
  one.columns.resize(chunk.columns.size());
  sql::Vector value;
  for (size_t r = 0; r < chunk.size; ++r) {
    if ((*failed)[r]) {
      out->SetNull(r);
      continue;
    }
    for (size_t c = 0; c < chunk.columns.size(); ++c) {
      if (chunk.columns[c].size() == chunk.size) one.columns[c].Slice(chunk.columns[c], r, 1);
    }
    Status s = sql::Evaluate(ctx, expr, one, &value);
    if (!s.ok()) {
      (*failed)[r] = 1;
      (*why)[r] = s.message();
      out->SetNull(r);
      continue;
    }
    if (value.IsNull(0)) {
      out->SetNull(r);
    } else if (expr.type.id == sql::SqlTypeId::kString) {
      out->data<std::string_view>()[r] = out->AddString(value.data<std::string_view>()[0]);
    } else {
      const size_t w = sql::PhysicalWidth(expr.type.id);
      std::memcpy(out->data<uint8_t>() + r * w, value.data<uint8_t>(), w);
    }
  }
}

std::vector<TransformProblem> Transform::Check(const TransformSpec& spec) {
  std::vector<TransformProblem> problems;
  std::unique_ptr<sql::TimeZone> zone;
  if (auto z = sql::TimeZone::Make(spec.timezone); z.ok()) zone = std::move(*z);
  sql::EvalContext ctx;
  ctx.zone = zone ? zone.get() : &sql::TimeZone::Utc();
  for (size_t i = 0; i < spec.exprs.size() && i < spec.schema.fields.size(); ++i) {
    if (spec.exprs[i].empty()) continue;
    auto e = BindOne(spec, static_cast<int>(i), spec.exprs[i], ctx);
    if (!e.ok()) problems.push_back({static_cast<int>(i), e.status().message()});
  }
  if (!spec.where.empty()) {
    auto e = BindOne(spec, -1, spec.where, ctx);
    if (!e.ok()) problems.push_back({-1, e.status().message()});
  }
  return problems;
}

Result<std::unique_ptr<Transform>> Transform::Create(const TransformSpec& spec) {
  const bool any = !spec.where.empty() ||
                   std::any_of(spec.exprs.begin(), spec.exprs.end(),
                               [](const std::string& e) { return !e.empty(); });
  if (!any) return std::unique_ptr<Transform>();
  auto impl = std::make_unique<Impl>();
  impl->spec = spec;
  auto zone = sql::TimeZone::Make(spec.timezone);
  if (!zone.ok()) return zone.status();
  impl->zone = std::move(*zone);
  impl->ctx.zone = impl->zone.get();
  impl->is_derived.assign(spec.schema.fields.size(), false);
  for (size_t i = 0; i < spec.exprs.size() && i < spec.schema.fields.size(); ++i) {
    if (spec.exprs[i].empty()) continue;
    auto e = BindOne(spec, static_cast<int>(i), spec.exprs[i], impl->ctx);
    if (!e.ok()) {
      return Status::InvalidArgument("table " + spec.table + ", column " +
                                     spec.schema.fields[i].name + ": " + e.status().message());
    }
    impl->derived.push_back({i, std::move(*e)});
    impl->is_derived[i] = true;
  }
  if (!spec.where.empty()) {
    auto e = BindOne(spec, -1, spec.where, impl->ctx);
    if (!e.ok()) {
      return Status::InvalidArgument("table " + spec.table + ", where: " + e.status().message());
    }
    impl->where = std::move(*e);
  }
  return std::unique_ptr<Transform>(new Transform(std::move(impl)));
}

Transform::Transform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transform::~Transform() = default;

bool Transform::Derives(size_t column) const {
  return column < impl_->is_derived.size() && impl_->is_derived[column];
}

void Transform::Apply(std::vector<Column>* columns, size_t first, size_t end,
                      std::vector<Outcome>* outcome, std::vector<Failure>* failures) const {
  const Impl& m = *impl_;
  const size_t declared = m.spec.schema.fields.size();
  outcome->assign(end - first, Outcome::kKeep);
  sql::Chunk chunk;
  chunk.columns.resize(declared);
  std::vector<uint8_t> failed;
  std::vector<std::string> why;
  std::vector<std::string> failed_field;
  for (size_t start = first; start < end; start += sql::kBatchSize) {
    const size_t n = std::min(sql::kBatchSize, end - start);
    chunk.size = n;
    for (size_t c = 0; c < declared; ++c) {
      if (m.is_derived[c]) {
        chunk.columns[c] = sql::Vector();  // filled below, in order
      } else {
        const Column& col = (*columns)[c];
        sql::ReferenceColumn(col, sql::SqlType::FromStorage(col.type()), start, n, nullptr,
                             &chunk.columns[c]);
      }
    }
    failed.assign(n, 0);
    why.assign(n, "");
    failed_field.assign(n, "");
    for (const Derived& d : m.derived) {
      sql::Vector& out = chunk.columns[d.column];
      std::vector<uint8_t> before = failed;
      m.EvaluateRows(*d.expr, chunk, &out, &failed, &why);
      const storage::Field& f = m.spec.schema.fields[d.column];
      for (size_t r = 0; r < n; ++r) {
        if (failed[r] && !before[r]) {
          failed_field[r] = f.name;
          why[r] = "cannot be computed: " + why[r] + " in " +
                   Described("expr", m.spec.exprs[d.column]);
        } else if (!failed[r] && out.IsNull(r) && !f.nullable) {
          failed[r] = 1;
          failed_field[r] = f.name;
          why[r] = "is NULL but the column is not nullable; " +
                   Described("expr", m.spec.exprs[d.column]) +
                   " gave NULL for this record (declare it nullable = true, or use "
                   "coalesce(..., default) in the expression)";
        }
      }
    }
    if (m.where) {
      sql::Vector verdict;
      std::vector<uint8_t> before = failed;
      m.EvaluateRows(*m.where, chunk, &verdict, &failed, &why);
      for (size_t r = 0; r < n; ++r) {
        if (failed[r] && !before[r]) {
          failed_field[r] = "where";
          why[r] = "cannot be computed: " + why[r] + " in " + Described("where", m.spec.where);
        }
        // Only TRUE keeps a row; FALSE and NULL filter it, as SQL's WHERE.
        if (!failed[r] && (verdict.IsNull(r) || verdict.data<uint8_t>()[r] == 0)) {
          (*outcome)[start - first + r] = Outcome::kFiltered;
        }
      }
    }
    for (size_t r = 0; r < n; ++r) {
      if (!failed[r]) continue;
      (*outcome)[start - first + r] = Outcome::kFailed;
      failures->push_back({start - first + r, failed_field[r], why[r]});
    }
    for (const Derived& d : m.derived) {
      AppendVector(chunk.columns[d.column], failed, &(*columns)[d.column]);
    }
  }
}

}  // namespace tp::app
