// The transformation stage's first step: one JSON record (as stored in the
// log) becomes one typed row of a table's columns.
//
// Each column reads the JSON field of its name, or the nested path given by
// `from = "a.b"`. Values are cast to the column type: numbers and numeric
// strings to ints/floats, decimals from their exact text (no float
// rounding), ISO-8601 strings to timestamps (with their offset, or in the
// store's time zone when they have none, DST-correct) and dates. A missing
// field or JSON null takes the column's default, else is NULL where the
// column is nullable; otherwise the record is rejected with the field and the
// reason. Top-level fields no column reads are skipped or, for schema
// evolution, reported with an inferred type (see DecoderSpec).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/types.h"
#include "stream/status.h"

namespace tp::app {

// A top-level JSON field no column reads, with the type inferred from its
// value (only reported when DecoderSpec::report_new_fields is set, and never
// for a null value, which says nothing about the type).
struct NewField {
  std::string name;
  storage::LogicalType type;
};

// Why a record went to _rejected, in one word: the `reason_code` column of
// _rejected and the `reason` label of tillpipe_rejected_records_total. The
// `reason` column says the same in a sentence, with the value and the fix.
namespace reject_code {
inline constexpr const char* kUnknownTable = "unknown_table";  // table not in the config
inline constexpr const char* kNotJson = "not_json";            // not a JSON object
inline constexpr const char* kBadValue = "bad_value";          // a value of the wrong type
inline constexpr const char* kMissingValue = "missing_value";  // missing or null, not nullable
inline constexpr const char* kNewField = "new_field";          // on_new_fields = "reject"
inline constexpr const char* kSchemaChange = "schema_change";  // schema evolution refused
inline constexpr const char* kDerived = "derived";             // a derived column failed
inline constexpr const char* kFiltered = "filtered";           // where, on_filter = "reject"
}  // namespace reject_code

struct DecodeError {
  enum class Kind {
    kBadRecord,  // the record cannot become a row: `field` and `reason` say why
    kNewFields,  // the record has fields no column reads: `new_fields`
    kWiden,      // an inferred int64 column got a fraction: `widen_column` needs float64
  };
  Kind kind = Kind::kBadRecord;
  std::string field;                          // the column (or JSON path) at fault
  std::string reason;                         // what was wrong and what was expected
  const char* code = reject_code::kBadValue;  // for kBadRecord
  std::vector<NewField> new_fields;
  int widen_column = -1;
};

struct DecoderColumn {
  storage::Field field;
  std::string path;          // JSON path ("customer.city"); empty = the field's name
  std::string default_json;  // JSON value used when the field is missing or null; empty = none
  // Added by schema evolution rather than declared: an int64 column may widen
  // to float64, and a string column also takes objects and arrays (as JSON).
  bool inferred = false;
  // Reads nothing (always NULL): a column schema evolution once added whose
  // field a declared column now reads under another name.
  bool unread = false;
  // Computed by the transformation stage (app/transform.h): Decode appends
  // nothing to it, and a record field of its name is ignored.
  bool derived = false;
};

struct DecoderSpec {
  std::vector<DecoderColumn> columns;
  std::string timezone = "UTC";  // IANA name, for timestamps without an offset
  // Report top-level fields that no column reads (else they are skipped).
  bool report_new_fields = false;
};

class RecordDecoder {
 public:
  // InvalidArgument for a bad path, two columns reading one path, an unknown
  // time zone, or a default that does not convert to its column's type.
  static Result<std::unique_ptr<RecordDecoder>> Create(const DecoderSpec& spec);
  // `paths[i]` is the JSON path of schema field i (empty = the field's name).
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

// The type schema evolution gives a new field from its first non-null JSON
// value: true/false -> bool, a whole number that fits -> int64, any other
// number -> float64, an ISO-8601 date-time string -> timestamp, any other
// string, object or array -> string. Exposed for tests and docs.
storage::LogicalType InferType(std::string_view raw_json_value);

}  // namespace tp::app
