// The retail simulator: see app/simulator.h for what the world looks like.
// This file builds the World (app/simulator_world.h, which lists the files
// of its other parts), runs its event loop and holds the public interface.
//
// Mechanics. One random generator (xoshiro256**, seeded by splitmix64) is
// drawn from in the order events are processed, and events are processed
// in (time, sequence number) order from two binary heaps: a small one for
// visitor sessions (short-lived, most records) and one for payments,
// reviews and catalog growth (long-lived, few records). Every event only
// schedules events at or after its own time, so pausing at any `until` and
// resuming processes exactly the same events in the same order: the output
// does not depend on how Advance is called.
//
// Memory holds the catalog (a few bytes per seller, product and customer)
// and the pending sessions, payments and reviews (about a month of them);
// orders themselves are not kept.
#include "app/simulator.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "app/simulator_world.h"

namespace tp::app {

using namespace sim;  // the simulator's internals (app/simulator_world.h)

namespace {

// Measured steady-state records per visitor session (all tables); used to
// turn rate_per_min into a session arrival rate. Re-measure when the session
// or order model changes (SimulatorVolume test).
constexpr double kRecordsPerSession = 7.45;

}  // namespace

// --- building the world ----------------------------------------------------------

Simulator::World::World(SimulatorOptions o)
    : opt(o), rng(o.seed ^ 0x7469'6c6c'7069'7065ULL /* "tillpipe" */) {
  backlog_start = opt.start_us - std::max<int64_t>(opt.backlog_us, 0);
  now = backlog_start;

  double hsum = 0;
  for (double h : kHourCurve) hsum += h;
  for (int i = 0; i < 24; ++i) hour_curve[i] = kHourCurve[i] * 24 / hsum;

  const auto cities = sd::Cities();
  std::vector<double> cw, sw;
  for (const auto& c : cities) {
    city_json.push_back(Quoted(c.name));
    state_json.push_back(Quoted(c.state));
    // Buyers and (more so) sellers concentrate in the south-east, as in Olist.
    const std::string_view st = c.state;
    const bool sp = st == "SP", se = st == "RJ" || st == "MG" || st == "ES";
    const bool south = st == "PR" || st == "SC" || st == "RS";
    cw.push_back(c.population_k * (sp ? 2.2 : se ? 1.2 : south ? 1.1 : 0.6));
    sw.push_back(c.population_k * (sp ? 4.0 : se || south ? 1.0 : 0.2));
  }
  customer_city_pick = Discrete(cw);
  seller_city_pick = Discrete(sw);

  const auto cats = sd::Categories();
  std::vector<double> pop;
  for (const auto& c : cats) {
    pop.push_back(c.popularity);
    category_json.push_back(Quoted(c.name));
    category_path_json.push_back(Quoted("/c/" + std::string(c.name)));
    auto& terms = search_path_json.emplace_back();
    for (auto noun : c.nouns) terms.push_back(Quoted("/search?q=" + UrlQuery(noun)));
  }
  category_pick = Discrete(pop);
  category_products.resize(cats.size());
  category_weights.resize(cats.size());
  for (const auto& row : kLanding) landing_pick.emplace_back(std::span<const double>(row));
  for (const auto& row : kNextView) next_view_pick.emplace_back(std::span<const double>(row));

  // Catalog growth: a few percent of the initial catalog per month.
  const double scale = std::max(opt.rate_per_min, 0.0) / 120.0;
  const double initial_sellers = std::clamp(std::round(300 * scale), 20.0, 20000.0);
  const double initial_products = std::clamp(std::round(5000 * scale), 300.0, 300000.0);
  const double month = 30.0 * kDay;
  seller_mean_gap_us = month / (initial_sellers * 0.03);
  product_mean_gap_us = month / (initial_products * 0.08);
  const double growth_per_min = (kMin / seller_mean_gap_us) * 4 + kMin / product_mean_gap_us;
  const double sessions_per_min =
      std::max(opt.rate_per_min - growth_per_min, opt.rate_per_min * 0.5) / kRecordsPerSession;
  base_sessions_per_us = opt.rate_per_min > 0 ? sessions_per_min / kMin : 0;
}

// --- the event loop --------------------------------------------------------------------------

void Simulator::World::Advance(int64_t until, const RecordSink& sink) {
  sink_ = &sink;
  if (!started) {
    started = true;
    EmitInitialCatalog();
    if (base_sessions_per_us > 0) {
      Push(kArrival, NextArrival(backlog_start), 0);
      Push(kSellerArrival, backlog_start + 1 + rng.Duration(seller_mean_gap_us), 0);
      Push(kProductArrival, backlog_start + 1 + rng.Duration(product_mean_gap_us), 0);
    }
  }
  const Later later;
  for (;;) {
    std::vector<Event>* q;
    if (near_.empty()) {
      if (far_.empty()) break;
      q = &far_;
    } else {
      q = far_.empty() || !later(near_.front(), far_.front()) ? &near_ : &far_;
    }
    const Event e = q->front();
    if (e.t > until) break;
    std::pop_heap(q->begin(), q->end(), later);
    q->pop_back();
    now = e.t;
    switch (e.kind) {
      case kArrival:
        StartSession(e.t);
        Push(kArrival, NextArrival(e.t), 0);
        break;
      case kSessionStep: SessionStep(e.slot, e.t); break;
      case kPayment: EmitPayments(e.slot, e.t); break;
      case kReview: EmitReview(e.slot, e.t); break;
      case kSellerArrival: {
        const uint32_t seller = AddSeller(e.t, true);
        const int listings = 1 + static_cast<int>(rng.Below(5));
        for (int i = 0; i < listings; ++i) Push(kSellerListing, e.t + rng.Between(kHour, 3 * kDay), seller);
        Push(kSellerArrival, e.t + 1 + rng.Duration(seller_mean_gap_us), 0);
        break;
      }
      case kProductArrival:
        AddProduct(static_cast<uint32_t>(seller_weights.Pick(rng)), e.t, true);
        Push(kProductArrival, e.t + 1 + rng.Duration(product_mean_gap_us), 0);
        break;
      case kSellerListing: AddProduct(e.slot, e.t, true); break;
    }
  }
  sink_ = nullptr;
}

// --- public interface ------------------------------------------------------------------------

Simulator::Simulator(SimulatorOptions options) : world_(std::make_unique<World>(options)) {}
Simulator::~Simulator() = default;

void Simulator::Advance(int64_t until_us, const RecordSink& sink) { world_->Advance(until_us, sink); }
uint64_t Simulator::records_emitted() const { return world_->total; }
std::array<uint64_t, 8> Simulator::records_per_table() const { return world_->counts; }
int64_t Simulator::now_us() const { return world_->now; }

}  // namespace tp::app
