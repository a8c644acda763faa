// The store's time zone over Howard Hinnant's tz database.
//
// Looking an instant up in date::time_zone costs tens of nanoseconds, and
// date_trunc or extract do it for every row; so Make lists the zone's
// offset changes between 1900 and 2200 once, and lookups in that range are
// a binary search. Outside it the tz database answers.
#include "storage/sql/time_zone.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <vector>

namespace tp::storage::sql {

namespace {

constexpr int64_t kUs = 1000000;

const date::time_zone* Zone(const void* z) { return static_cast<const date::time_zone*>(z); }

// 1900-01-01 and 2200-01-01 as seconds since the epoch.
constexpr int64_t kTableBegin = -2208988800LL;
constexpr int64_t kTableEnd = 7258118400LL;

}  // namespace

// Range k is [begin[k], begin[k + 1]) (UTC seconds) at offset[k] seconds
// east; begin[0] = kTableBegin and the last range ends at kTableEnd.
// bucket[b] is the range holding the first second of the b-th stretch of
// 2^20 seconds (12 days), so a lookup starts there and steps over the few
// changes (if any) before the second it looks for.
struct TimeZone::Transitions {
  static constexpr int kBucketShift = 20;
  std::vector<int64_t> begin;
  std::vector<int32_t> offset;
  std::vector<uint32_t> bucket;

  int64_t End(size_t k) const { return k + 1 < begin.size() ? begin[k + 1] : kTableEnd; }
  // The range holding UTC second s (kTableBegin <= s < kTableEnd).
  size_t Find(int64_t s) const {
    size_t k = bucket[static_cast<size_t>((s - kTableBegin) >> kBucketShift)];
    while (k + 1 < begin.size() && begin[k + 1] <= s) ++k;
    return k;
  }
  void BuildBuckets() {
    size_t k = 0;
    for (int64_t s = kTableBegin; s < kTableEnd; s += int64_t{1} << kBucketShift) {
      while (k + 1 < begin.size() && begin[k + 1] <= s) ++k;
      bucket.push_back(static_cast<uint32_t>(k));
    }
  }
};

Result<std::unique_ptr<TimeZone>> TimeZone::Make(const std::string& name) {
  std::unique_ptr<TimeZone> tz(new TimeZone());
  tz->name_ = name;
  if (name == "UTC" || name == "Etc/UTC") return tz;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("unknown time zone \"" + name + "\": " + e.what());
  }
  tz->zone_ = zone;
  auto table = std::make_shared<Transitions>();
  int64_t s = kTableBegin;
  while (s < kTableEnd) {
    const date::sys_info info = zone->get_info(date::sys_seconds(std::chrono::seconds(s)));
    const auto offset = static_cast<int32_t>(info.offset.count());
    if (table->offset.empty() || table->offset.back() != offset) {
      table->begin.push_back(s);
      table->offset.push_back(offset);
    }
    const int64_t end = info.end.time_since_epoch().count();
    if (end <= s) break;  // the last rule goes on forever
    s = end;
  }
  table->BuildBuckets();
  tz->table_ = std::move(table);
  return tz;
}

const TimeZone& TimeZone::Utc() {
  static const TimeZone* const utc = new TimeZone();
  return *utc;
}

int TimeZone::OffsetAt(int64_t utc_us) const {
  if (zone_ == nullptr) return 0;
  const int64_t s = utc_us >= 0 ? utc_us / kUs : -((-utc_us + kUs - 1) / kUs);
  if (table_ != nullptr && s >= kTableBegin && s < kTableEnd) {
    return table_->offset[table_->Find(s)];
  }
  const auto t = date::sys_seconds(std::chrono::seconds(s));
  return static_cast<int>(Zone(zone_)->get_info(t).offset.count());
}

int64_t TimeZone::ToUtc(int64_t local_us) const {
  if (zone_ == nullptr) return local_us;
  const int64_t ls = local_us >= 0 ? local_us / kUs : -((-local_us + kUs - 1) / kUs);
  // Within the table, and a day away from its ends so that every range the
  // local time can fall in is listed.
  if (table_ != nullptr && ls >= kTableBegin + 86400 && ls < kTableEnd - 86400) {
    const Transitions& t = *table_;
    // Usually the offset at the local time read as UTC, or the one it
    // points to, maps the time into its own range, and the next range's
    // offset does not (which would make the time a repeated one).
    {
      const size_t k0 = t.Find(ls);
      const size_t k = t.Find(ls - t.offset[k0]);
      const int64_t u = local_us - int64_t{t.offset[k]} * kUs;
      const bool in_k = u >= t.begin[k] * kUs && u < t.End(k) * kUs;
      const bool in_next = k + 1 < t.begin.size() &&
                           local_us - int64_t{t.offset[k + 1]} * kUs >= t.begin[k + 1] * kUs;
      if (in_k && !in_next) return u;
    }
    const size_t j = t.Find(ls);
    const size_t lo = j >= 2 ? j - 2 : 0, hi = std::min(j + 2, t.begin.size() - 1);
    // The range whose offset maps the local time into it; the later one
    // when two do (a repeated time).
    bool found = false;
    int64_t utc = 0;
    for (size_t k = lo; k <= hi; ++k) {
      const int64_t u = local_us - int64_t{t.offset[k]} * kUs;
      if (u >= t.begin[k] * kUs && u < t.End(k) * kUs) {
        utc = u;
        found = true;
      }
    }
    if (found) return utc;
    // A skipped time: the offset from before the jump.
    for (size_t k = lo; k < hi; ++k) {
      const int64_t before = local_us - int64_t{t.offset[k]} * kUs;
      const int64_t after = local_us - int64_t{t.offset[k + 1]} * kUs;
      if (before >= t.End(k) * kUs && after < t.begin[k + 1] * kUs) return before;
    }
  }
  const auto local =
      date::local_time<std::chrono::microseconds>(std::chrono::microseconds(local_us));
  const date::local_info info = Zone(zone_)->get_info(date::floor<std::chrono::seconds>(local));
  // Skipped (nonexistent): the offset from before the jump, info.first.
  // Repeated (ambiguous): the later offset, info.second.
  const auto offset =
      info.result == date::local_info::ambiguous ? info.second.offset : info.first.offset;
  return local_us - std::chrono::duration_cast<std::chrono::microseconds>(offset).count();
}

}  // namespace tp::storage::sql
