// A deterministic retail world for demos, tests and benchmarks: sellers and
// their brands, products, customers in cities, orders with a lifecycle,
// order items, payments, reviews and page views, emitted as NDJSON records
// whose fields match the default retail tables of DESIGN.md exactly.
//
// Same seed and same end time give byte-identical output, whether the time
// is reached in one Advance call or in many small ones.
//
// The world, all drawn from the seed with tillpipe's own generator and
// distributions (xoshiro256**; never std::random_device or std::
// distributions, whose output differs between standard libraries):
// - sellers, each with one brand (brands are shared by a few resellers), in
//   Brazilian cities weighted by population (São Paulo heavy); products with
//   an Olist-like category, a name and a log-normal price; customers who sign
//   up over time. The catalog that exists when the backlog starts (sized
//   from the rate: about 300 sellers, 5,000 products and 20,000 customers at
//   120/min) is emitted first, with times spread over the two years before
//   the backlog; new sellers, products and customers keep appearing.
// - visitor sessions arrive as a non-homogeneous Poisson process whose
//   intensity follows store time in UTC-3 (quiet at 3-6 am, peak 19-22 h),
//   is a little higher at weekends and 2-4x higher around Black Friday (the
//   last Friday of November). `rate_per_min` is the average over all tables
//   of an ordinary week; the Black Friday week adds to it. Sessions emit
//   page views (about 60% anonymous); about a third end in an order (about
//   20 page views per order). Anonymous buyers sign up at checkout.
// - an order is emitted once, at purchased_at, with its order_items (same
//   time); its payments follow at paid_at (minutes for cards, up to 3 days
//   for boleto; an expired boleto of a cancelled order has none) and a
//   review, for most orders, some days after delivery or cancellation.
//   Each order's fate (about 95% delivered, 3% cancelled, 2% returned) and
//   its timeline are drawn when it is placed. Its `status` is the state
//   reached at start_us ("now"): for orders of the backlog this is
//   placed/paid/shipped/delivered/cancelled/returned, with delivered_at set
//   iff the status is delivered or returned; orders placed after start_us
//   (live) are "placed" (boleto, transfer) or "paid" (card, debit, voucher).
//   An order's total is the exact sum of its items' amounts, and its
//   payments add up exactly to the total.
//
// Memory: the catalog (a few bytes per seller, product and customer; the
// customers keep growing, about 20 MB a year at 120/min) plus the pending
// sessions, payments and reviews (about a month); orders are not kept.
//
// Records are JSON objects with the fields of DESIGN.md in order; times are
// ISO-8601 UTC with microseconds ("2026-11-21T18:03:12.123456Z"), decimals
// are numbers with exactly two decimals, absent values are null.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "stream/status.h"

namespace tp::app {

struct SimulatorOptions {
  uint64_t seed = 1;
  int64_t backlog_us = 30LL * 24 * 3600 * 1000000;  // history before start_us
  double rate_per_min = 120;  // average records per minute, all tables together
  int64_t start_us = 0;       // "now" of the simulation: backlog ends here (UTC micros)
};

// The tables the simulator writes, in DESIGN.md order.
inline constexpr std::array<std::string_view, 8> kSimulatorTables = {
    "sellers", "products", "customers", "orders",
    "order_items", "payments", "reviews", "page_views"};

// Receives one record: the table name and one JSON object (no newline).
using RecordSink = std::function<void(std::string_view table, std::string_view json)>;

class Simulator {
 public:
  explicit Simulator(SimulatorOptions options);
  ~Simulator();

  // Emits, in event-time order, every record whose event time is in
  // (previous until, until_us]. The first call also emits the sellers,
  // products and customers that exist before the backlog starts. Call with
  // start_us for the backlog, then with later times for live events.
  void Advance(int64_t until_us, const RecordSink& sink);

  uint64_t records_emitted() const;

  // Records emitted so far per table, in kSimulatorTables order.
  std::array<uint64_t, 8> records_per_table() const;

  // Event time of the last record emitted (the backlog start before any).
  int64_t now_us() const;

 private:
  struct World;
  std::unique_ptr<World> world_;
};

// Simulates the backlog (everything up to options.start_us) and writes one
// `<table>.ndjson` per table into dir (created if missing; all eight files,
// even empty ones), one record per line. `progress` (may be empty) is called
// about every 100,000 records with the records written so far and the
// simulated time reached, and once at the end.
tp::Status WriteBacklogFiles(const SimulatorOptions& options, const std::filesystem::path& dir,
                             std::function<void(uint64_t records, int64_t sim_time_us)> progress);

// Reference data of the simulated world (app/simulator_names.cpp); internal,
// declared here so the simulator's files share it.
namespace simulator_data {
struct City {
  std::string_view name;
  std::string_view state;  // two-letter code (UF)
  int population_k;        // thousands of inhabitants
};
struct Category {
  std::string_view name;  // e.g. "bed_bath_table"
  double popularity;      // share of sold items, percent
  double median_price;    // reais
  double price_sigma;     // log-normal spread
  std::span<const std::string_view> nouns;
  std::span<const std::string_view> adjectives;
};
std::span<const City> Cities();
std::span<const Category> Categories();
std::span<const std::string_view> FirstNames();
std::span<const std::string_view> LastNames();
std::span<const std::string_view> ReviewComments(int score);
std::span<const std::string_view> BrandSyllables();
std::span<const std::string_view> BrandEndings();
std::span<const std::string_view> BrandSuffixes();
}  // namespace simulator_data

}  // namespace tp::app
