// The transformation stage's first step: one JSON record (as stored in the
// log) becomes one typed row of a table's columns.
//
// Each column reads the JSON field of its name, or the nested path given by
// `from = "a.b"`. Values are cast to the column type: numbers and numeric
// strings to ints/floats, decimals from their exact text (no float
// rounding), ISO-8601 strings to timestamps (with their offset, or in the
// store's time zone when they have none, DST-correct) and dates. A missing
// field or JSON null is NULL where the column is nullable; otherwise the
// record is rejected with the field and the reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::app {

struct DecodeError {
  std::string field;   // the column (or JSON path) at fault
  std::string reason;  // what was wrong and what was expected
};

class RecordDecoder {
 public:
  // `paths[i]` is the JSON path of schema field i (empty = the field's name).
  // `timezone` is an IANA name used for timestamps without an offset.
  static Result<std::unique_ptr<RecordDecoder>> Create(const storage::Schema& schema,
                                                       const std::vector<std::string>& paths,
                                                       const std::string& timezone);
  ~RecordDecoder();

  // Empty columns matching the schema, to decode into.
  std::vector<storage::Column> MakeColumns() const;

  // Appends one row decoded from `json` to `columns` and returns true; or
  // appends nothing, fills *error and returns false.
  bool Decode(std::string_view json, std::vector<storage::Column>* columns, DecodeError* error);

 private:
  struct Impl;
  explicit RecordDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::app
