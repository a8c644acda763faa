// Internal to the simulator (app/simulator*.cpp): the model's fixed tables
// and the World behind Simulator (app/simulator.h). The World's parts are
// defined in
//   app/simulator.cpp           building the world, the event loop, the API
//   app/simulator_catalog.cpp   brands, sellers, products and customers
//   app/simulator_sessions.cpp  session arrivals, sessions and page views
//   app/simulator_orders.cpp    orders, order items, payments and reviews
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "app/simulator.h"
#include "app/simulator_json.h"
#include "app/simulator_random.h"
#include "app/simulator_time.h"

namespace tp::app {
namespace sim {

namespace sd = simulator_data;

// Index into kSimulatorTables.
enum TableIndex : uint8_t {
  kSellers, kProducts, kCustomers, kOrders, kOrderItems, kPayments, kReviews, kPageViews
};

// A free list of T: slots are reused after Free.
template <typename T>
class Slab {
 public:
  uint32_t Add(const T& v) {
    if (!free_.empty()) {
      const uint32_t i = free_.back();
      free_.pop_back();
      items_[i] = v;
      return i;
    }
    items_.push_back(v);
    return static_cast<uint32_t>(items_.size() - 1);
  }
  T& operator[](uint32_t i) { return items_[i]; }
  void Free(uint32_t i) { free_.push_back(i); }

 private:
  std::vector<T> items_;
  std::vector<uint32_t> free_;
};

// --- the model's fixed tables ---------------------------------------------------

constexpr int64_t kStoreUtcOffset = -3 * kHour;  // store time: UTC-3 (Brazil)
// Store-time (UTC-3) intensity by hour, 0h..23h; normalized to mean 1.
constexpr double kHourCurve[24] = {0.55, 0.34, 0.21, 0.14, 0.12, 0.14, 0.28, 0.50,
                                   0.75, 0.95, 1.08, 1.14, 1.18, 1.15, 1.12, 1.12,
                                   1.14, 1.20, 1.35, 1.55, 1.70, 1.66, 1.38, 0.96};
// Sunday..Saturday; mean 1.
constexpr double kWeekday[7] = {1.10, 0.97, 0.96, 0.96, 0.97, 0.98, 1.06};
// Days -7..+3 around Black Friday (+3 is Cyber Monday).
constexpr double kBlackFriday[11] = {1.15, 1.15, 1.2, 1.2, 1.3, 1.4, 1.7, 4.0, 2.4, 1.7, 2.2};

enum PayType : uint8_t { kCard, kBoleto, kVoucher, kDebit, kTransfer };
constexpr std::string_view kPayTypeJson[] = {"\"card\"", "\"boleto\"", "\"voucher\"", "\"debit\"",
                                             "\"transfer\""};
constexpr std::string_view kDeliveryJson[] = {"\"standard\"", "\"express\"", "\"pickup\""};
constexpr std::string_view kDeviceJson[] = {"\"mobile\"", "\"desktop\"", "\"tablet\""};
constexpr std::string_view kReferrerJson[] = {"\"google\"",   "\"direct\"", "\"instagram\"",
                                              "\"facebook\"", "\"email\"",  "\"whatsapp\"",
                                              "\"tiktok\"",   "\"bing\"",   "\"youtube\""};
// Landing page kind per referrer: home, category, product, search.
constexpr double kLanding[9][4] = {
    {0.10, 0.25, 0.50, 0.15}, {0.70, 0.10, 0.20, 0.00}, {0.20, 0.00, 0.80, 0.00},
    {0.20, 0.05, 0.75, 0.00}, {0.10, 0.40, 0.50, 0.00}, {0.10, 0.00, 0.90, 0.00},
    {0.15, 0.00, 0.85, 0.00}, {0.10, 0.25, 0.45, 0.20}, {0.30, 0.00, 0.70, 0.00}};
enum ViewKind : uint8_t { kHome, kCategory, kProductView, kSearch, kCart, kCheckout };
// Next browsing view kind after home, category, product, search, cart.
constexpr double kNextView[5][5] = {{0.00, 0.55, 0.15, 0.30, 0.00},
                                    {0.03, 0.15, 0.74, 0.08, 0.00},
                                    {0.04, 0.18, 0.58, 0.10, 0.10},
                                    {0.02, 0.08, 0.82, 0.08, 0.00},
                                    {0.15, 0.25, 0.55, 0.05, 0.00}};

enum OrderStatus : uint8_t { kPlaced, kPaid, kShipped, kDelivered, kCancelled, kReturned };
constexpr std::string_view kStatusJson[] = {"\"placed\"",    "\"paid\"",      "\"shipped\"",
                                            "\"delivered\"", "\"cancelled\"", "\"returned\""};

}  // namespace sim

// --- the world --------------------------------------------------------------------

struct Simulator::World {
  explicit World(SimulatorOptions o);

  void Advance(int64_t until, const RecordSink& sink);

  // Catalog.
  void EmitInitialCatalog();
  uint32_t NewBrand();
  uint32_t AddSeller(int64_t t, bool emit);
  uint32_t AddProduct(uint32_t seller, int64_t t, bool emit);
  uint32_t AddCustomer(int64_t t, bool emit);
  void EmitSeller(uint32_t i, int64_t t);
  void EmitProduct(uint32_t i, int64_t t);
  void EmitCustomer(uint32_t i, int64_t t);
  uint32_t PickProduct(uint32_t category);

  // Arrivals and sessions.
  double SessionsPerUs(int64_t t);
  double DayFactor(int64_t local_day);
  int64_t NextArrival(int64_t t);
  void StartSession(int64_t t);
  void SessionStep(uint32_t slot, int64_t t);
  void EmitView(uint32_t slot, sim::ViewKind kind, int64_t t);
  void PlaceOrder(uint32_t slot, int64_t t);
  void EmitPayments(uint32_t slot, int64_t t);
  void EmitReview(uint32_t slot, int64_t t);

  // Events.
  enum Kind : uint8_t { kArrival, kSessionStep, kPayment, kReview, kSellerArrival, kProductArrival,
                        kSellerListing };
  struct Event {
    int64_t t;
    uint64_t seq;
    uint32_t slot;
    uint8_t kind;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.t != b.t ? a.t > b.t : a.seq > b.seq;
    }
  };
  void Push(Kind kind, int64_t t, uint32_t slot) {
    auto& q = (kind == kArrival || kind == kSessionStep) ? near_ : far_;
    q.push_back(Event{t, seq_++, slot, kind});
    std::push_heap(q.begin(), q.end(), Later());
  }
  void Emit(sim::TableIndex table) {
    ++counts[table];
    ++total;
    (*sink_)(kSimulatorTables[table], out.s);
  }

  SimulatorOptions opt;
  sim::Rng rng;
  sim::JsonOut out;
  const RecordSink* sink_ = nullptr;
  int64_t backlog_start;
  int64_t now;
  bool started = false;
  std::array<uint64_t, 8> counts{};
  uint64_t total = 0;
  uint64_t seq_ = 0;
  std::vector<Event> near_, far_;

  // Intensity.
  double base_sessions_per_us = 0;
  double hour_curve[24];
  int64_t cached_minute = INT64_MIN;
  double cached_rate = 0;
  int64_t cached_day = INT64_MIN;
  double cached_day_factor = 1;
  double seller_mean_gap_us = 0, product_mean_gap_us = 0;

  // Reference data, pre-quoted for output.
  std::vector<std::string> city_json, state_json;
  sim::Discrete customer_city_pick, seller_city_pick;
  std::vector<std::string> category_json, category_path_json;
  std::vector<std::vector<std::string>> search_path_json;  // per category
  sim::Discrete category_pick;
  sim::Discrete payment_pick{0.70, 0.18, 0.05, 0.03, 0.04};
  sim::Discrete delivery_pick{0.72, 0.20, 0.08};
  sim::Discrete device_pick{0.62, 0.32, 0.06};
  sim::Discrete referrer_pick{0.32, 0.22, 0.16, 0.08, 0.07, 0.06, 0.04, 0.03, 0.02};
  std::vector<sim::Discrete> landing_pick, next_view_pick;
  sim::Discrete items_pick{0.86, 0.09, 0.03, 0.012, 0.008};
  sim::Discrete quantity_pick{0.90, 0.07, 0.02, 0.006, 0.004};
  sim::Discrete installments_big{0.45, 0.12, 0.10, 0.08, 0.06, 0.05, 0, 0.05, 0, 0.09};
  sim::Discrete score_ok{0.05, 0.03, 0.08, 0.22, 0.62};
  sim::Discrete score_late{0.35, 0.15, 0.15, 0.15, 0.20};
  sim::Discrete score_cancelled{0.60, 0.15, 0.12, 0.06, 0.07};
  sim::Discrete score_returned{0.45, 0.25, 0.15, 0.10, 0.05};

  // Catalog.
  std::vector<std::string> brands, brand_json;
  std::unordered_set<std::string> brand_names;
  struct Seller {
    uint32_t brand;
    uint16_t city;
    uint8_t category;
  };
  std::vector<Seller> sellers;
  sim::Fenwick seller_weights;
  struct Product {
    uint32_t seller;
    uint8_t category;
    int64_t price;
  };
  std::vector<Product> products;
  std::vector<std::vector<uint32_t>> category_products;
  std::vector<sim::Fenwick> category_weights;
  std::vector<uint16_t> customer_city;
  sim::Fenwick customer_weights;
  uint64_t next_order = 1, next_review = 1, next_session = 1;

  // Pending work.
  struct Session {
    uint64_t id_hash;
    int64_t customer;  // -1: anonymous
    int32_t browse_left;
    int32_t views;
    uint8_t device, referrer, phase, last_kind, category, nviewed;
    bool converting, signup_only, cart_abandon, checkout_abandon;
    uint32_t last_product;  // UINT32_MAX: none yet
    uint32_t viewed[8];     // distinct products viewed, oldest first
  };
  enum Phase : uint8_t { kBrowse, kCartPhase, kCheckoutPhase, kOrderPhase, kSignupPhase };
  sim::Slab<Session> sessions;
  struct Payment {
    uint64_t order;
    int64_t total, first;  // first: value of a split first payment, 0 if one payment
    uint8_t type, installments;
  };
  sim::Slab<Payment> payments;
  struct Review {
    uint64_t order;
    int16_t comment;  // -1: none
    uint8_t score;
  };
  sim::Slab<Review> reviews;
};

}  // namespace tp::app
