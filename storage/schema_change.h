// Which schema changes keep every existing file readable, and the casts that
// carry old values into a newer schema.
//
// A table's schema only ever changes in ways that old part files can follow
// without being rewritten: a newer version may add nullable columns, make a
// column nullable, and widen a column's type. Files keep the schema they were
// written with; a reader (a query, compaction) reads a file by column NAME,
// casts what it finds with CastColumn and fills columns the file lacks with
// NULL. Anything else (narrowing, string <-> number, dropping a column,
// turning a nullable column NOT NULL) would make old files disagree with the
// table and is refused with an explanation.
#pragma once

#include <string>

#include "storage/column.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::storage {

// True when every value of type `from` converts into type `to` without
// overflow (exactly, except into float64, which rounds as DuckDB's casts do):
//   the same type; int32 -> int64; int32, int64, decimal -> float64;
//   int32 -> decimal(p,s) with p-s >= 10; decimal(p,s) -> decimal(p',s')
//   with s' >= s and p'-s' >= p-s; date -> timestamp (00:00 UTC).
bool CanWiden(const LogicalType& from, const LogicalType& to);

// Why `old_field` cannot become `new_field` in a new schema version, or ""
// when the change is safe (CanWiden, and NOT NULL only if it was NOT NULL).
std::string FieldChangeProblem(const Field& old_field, const Field& new_field);

// Why `next` cannot follow `prev` as the table's next schema version, or ""
// when it can: every column of `prev` must still be there (by name) with a
// safe change; new columns must be nullable (old files lack them).
std::string SchemaChangeProblem(const Schema& prev, const Schema& next);

// Appends every value of `src` to `out` converted to out->type(), which must
// satisfy CanWiden(src.type(), out->type()); NULLs stay NULL.
void AppendCast(const Column& src, Column* out);

}  // namespace tp::storage
