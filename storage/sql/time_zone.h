// The store's time zone as the SQL engine uses it: instants (µs since the
// epoch, UTC) to local wall-clock time and back. Local times that a DST
// change skips or repeats resolve as in PostgreSQL and DuckDB (and as the
// materializer does when it reads naive timestamps): a skipped time takes
// the offset from before the change, a repeated one the later offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "stream/status.h"

namespace tp::storage::sql {

class TimeZone {
 public:
  // "UTC" or an IANA name ("Europe/Berlin"); InvalidArgument when unknown.
  static Result<std::unique_ptr<TimeZone>> Make(const std::string& name);
  static const TimeZone& Utc();

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }
  // Seconds east of UTC at the instant.
  int OffsetAt(int64_t utc_us) const;
  int64_t ToLocal(int64_t utc_us) const { return utc_us + int64_t{OffsetAt(utc_us)} * 1000000; }
  // The instant of a local wall-clock time (µs since the local epoch).
  int64_t ToUtc(int64_t local_us) const;

 private:
  struct Transitions;  // the zone's offset changes over 1900..2200, for fast lookups
  TimeZone() = default;
  std::string name_ = "UTC";
  const void* zone_ = nullptr;  // const date::time_zone*; nullptr = UTC
  std::shared_ptr<const Transitions> table_;
};

}  // namespace tp::storage::sql
