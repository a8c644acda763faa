// The retail simulator: see app/simulator.h for what the world looks like.
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
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

namespace tp::app {
namespace {

namespace sd = simulator_data;

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kStoreUtcOffset = -3 * kHour;  // store time: UTC-3 (Brazil)

// Measured steady-state records per visitor session (all tables); used to
// turn rate_per_min into a session arrival rate. Re-measure when the session
// or order model changes (SimulatorVolume test).
constexpr double kRecordsPerSession = 7.45;

enum TableIndex : uint8_t {
  kSellers, kProducts, kCustomers, kOrders, kOrderItems, kPayments, kReviews, kPageViews
};

// --- random numbers ----------------------------------------------------------

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = SplitMix64(x);
  }
  uint64_t Next() {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }         // [0,1)
  double UniformPos() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }  // (0,1]
  uint64_t Below(uint64_t n) {  // [0,n), n > 0
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int64_t Between(int64_t lo, int64_t hi) {  // [lo,hi)
    return hi <= lo ? lo : lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo)));
  }
  bool Chance(double p) { return Uniform() < p; }
  double Exp(double mean) { return -std::log(UniformPos()) * mean; }
  double Normal() {  // Marsaglia's polar method
    for (;;) {
      const double u = 2 * Uniform() - 1, v = 2 * Uniform() - 1;
      const double s = u * u + v * v;
      if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
    }
  }
  int Geometric(double mean) {  // failures before a success; E = mean
    if (mean <= 0) return 0;
    const double k = std::floor(std::log(UniformPos()) / std::log1p(-1 / (1 + mean)));
    return k > 1e6 ? 1000000 : static_cast<int>(k);
  }
  // Discrete Pareto tail: floor(u^(-1/alpha)), capped.
  uint32_t Pareto(double alpha, uint32_t cap) {
    const double v = std::floor(std::pow(UniformPos(), -1 / alpha));
    return v >= cap ? cap : static_cast<uint32_t>(v);
  }
  int64_t Duration(double mean_us) { return static_cast<int64_t>(Exp(mean_us)); }

 private:
  uint64_t s_[4];
};

// A fixed discrete distribution over indices, from weights.
class Discrete {
 public:
  Discrete() = default;
  explicit Discrete(std::span<const double> weights) {
    double sum = 0;
    for (double w : weights) sum += w;
    uint64_t acc = 0;
    for (double w : weights) {
      uint64_t v = w > 0 ? static_cast<uint64_t>(std::llround(w / sum * 1e9)) : 0;
      if (w > 0 && v == 0) v = 1;
      acc += v;
      cum_.push_back(acc);
    }
  }
  Discrete(std::initializer_list<double> weights)
      : Discrete(std::span<const double>(weights.begin(), weights.size())) {}
  size_t Pick(Rng& rng) const {
    const uint64_t x = rng.Below(cum_.back());
    size_t i = 0;
    while (cum_[i] <= x) ++i;
    return i;
  }

 private:
  std::vector<uint64_t> cum_;
};

// Weighted sampling over a growing list (Fenwick tree, append-only).
class Fenwick {
 public:
  void Append(uint64_t w) {
    const size_t i = tree_.size();
    uint64_t v = w;
    const size_t low = i & (~i + 1);
    for (size_t j = i - 1; j > i - low; j -= j & (~j + 1)) v += tree_[j];
    tree_.push_back(v);
    total_ += w;
  }
  size_t size() const { return tree_.size() - 1; }
  size_t Pick(Rng& rng) const {  // size() > 0
    uint64_t x = rng.Below(total_);
    const size_t n = size();
    size_t pos = 0;
    for (size_t step = std::bit_floor(n); step != 0; step >>= 1) {
      if (pos + step <= n && tree_[pos + step] <= x) {
        pos += step;
        x -= tree_[pos];
      }
    }
    return pos;
  }

 private:
  std::vector<uint64_t> tree_{0};
  uint64_t total_ = 0;
};

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

// --- time ---------------------------------------------------------------------

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Civil {
  int64_t y;
  unsigned m, d;
};

// Proleptic Gregorian calendar <-> days since 1970-01-01.
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// --- JSON output ----------------------------------------------------------------

class JsonOut {
 public:
  std::string s;

  void Raw(std::string_view v) { s.append(v); }
  void Char(char c) { s.push_back(c); }
  void Escaped(std::string_view v) {
    size_t start = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(v[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      s.append(v.data() + start, i - start);
      start = i + 1;
      switch (c) {
        case '"': s.append("\\\""); break;
        case '\\': s.append("\\\\"); break;
        case '\n': s.append("\\n"); break;
        case '\r': s.append("\\r"); break;
        case '\t': s.append("\\t"); break;
        case '\b': s.append("\\b"); break;
        case '\f': s.append("\\f"); break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          s.append(u, 6);
        }
      }
    }
    s.append(v.data() + start, v.size() - start);
  }
  void Str(std::string_view v) {
    s.push_back('"');
    Escaped(v);
    s.push_back('"');
  }
  void Int(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    s.append(buf, r.ptr);
  }
  // A decimal(…,2) from integer cents: 12990 -> 129.90.
  void Cents(int64_t c) {
    uint64_t u = static_cast<uint64_t>(c);
    if (c < 0) {
      s.push_back('-');
      u = ~u + 1;
    }
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, u / 100);
    s.append(buf, r.ptr);
    const char frac[3] = {'.', static_cast<char>('0' + u % 100 / 10), static_cast<char>('0' + u % 10)};
    s.append(frac, 3);
  }
  // "<prefix><n zero-padded to width>" as a JSON string; prefix needs no escaping.
  void Id(std::string_view prefix, uint64_t n, int width) {
    s.push_back('"');
    BareId(prefix, n, width);
    s.push_back('"');
  }
  void BareId(std::string_view prefix, uint64_t n, int width) {
    s.append(prefix);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    const int len = static_cast<int>(r.ptr - buf);
    if (len < width) s.append(static_cast<size_t>(width - len), '0');
    s.append(buf, r.ptr);
  }
  void Hex16(uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[18];
    buf[0] = buf[17] = '"';
    for (int i = 16; i >= 1; --i, v >>= 4) buf[i] = kHex[v & 15];
    s.append(buf, 18);
  }
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC).
  void Time(int64_t us) {
    const int64_t day = FloorDiv(us, kDay);
    if (day != cached_day_) {
      cached_day_ = day;
      const Civil c = CivilFromDays(day);
      const int64_t y = c.y < 0 ? 0 : (c.y > 9999 ? 9999 : c.y);
      char* p = date_;
      *p++ = '"';
      *p++ = static_cast<char>('0' + y / 1000);
      *p++ = static_cast<char>('0' + y / 100 % 10);
      *p++ = static_cast<char>('0' + y / 10 % 10);
      *p++ = static_cast<char>('0' + y % 10);
      *p++ = '-';
      *p++ = static_cast<char>('0' + c.m / 10);
      *p++ = static_cast<char>('0' + c.m % 10);
      *p++ = '-';
      *p++ = static_cast<char>('0' + c.d / 10);
      *p++ = static_cast<char>('0' + c.d % 10);
      *p++ = 'T';
    }
    int64_t rem = us - day * kDay;
    const uint32_t micros = static_cast<uint32_t>(rem % kSec);
    const uint32_t secs = static_cast<uint32_t>(rem / kSec);
    char buf[28];
    std::memcpy(buf, date_, 12);
    const uint32_t hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;
    buf[12] = static_cast<char>('0' + hh / 10);
    buf[13] = static_cast<char>('0' + hh % 10);
    buf[14] = ':';
    buf[15] = static_cast<char>('0' + mm / 10);
    buf[16] = static_cast<char>('0' + mm % 10);
    buf[17] = ':';
    buf[18] = static_cast<char>('0' + ss / 10);
    buf[19] = static_cast<char>('0' + ss % 10);
    buf[20] = '.';
    uint32_t f = micros;
    for (int i = 26; i >= 21; --i, f /= 10) buf[i] = static_cast<char>('0' + f % 10);
    buf[27] = 'Z';
    s.append(buf, 28);
    s.push_back('"');
  }

 private:
  int64_t cached_day_ = INT64_MIN;
  char date_[12] = {};
};

// Percent-encodes a search term for a URL query (spaces become '+').
std::string UrlQuery(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Quoted(std::string_view v) {
  JsonOut j;
  j.Str(v);
  return std::move(j.s);
}

// --- the model's fixed tables ---------------------------------------------------

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

}  // namespace

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
  void EmitView(uint32_t slot, ViewKind kind, int64_t t);
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
  void Emit(TableIndex table) {
    ++counts[table];
    ++total;
    (*sink_)(kSimulatorTables[table], out.s);
  }

  SimulatorOptions opt;
  Rng rng;
  JsonOut out;
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
  Discrete customer_city_pick, seller_city_pick;
  std::vector<std::string> category_json, category_path_json;
  std::vector<std::vector<std::string>> search_path_json;  // per category
  Discrete category_pick;
  Discrete payment_pick{0.70, 0.18, 0.05, 0.03, 0.04};
  Discrete delivery_pick{0.72, 0.20, 0.08};
  Discrete device_pick{0.62, 0.32, 0.06};
  Discrete referrer_pick{0.32, 0.22, 0.16, 0.08, 0.07, 0.06, 0.04, 0.03, 0.02};
  std::vector<Discrete> landing_pick, next_view_pick;
  Discrete items_pick{0.86, 0.09, 0.03, 0.012, 0.008};
  Discrete quantity_pick{0.90, 0.07, 0.02, 0.006, 0.004};
  Discrete installments_big{0.45, 0.12, 0.10, 0.08, 0.06, 0.05, 0, 0.05, 0, 0.09};
  Discrete score_ok{0.05, 0.03, 0.08, 0.22, 0.62};
  Discrete score_late{0.35, 0.15, 0.15, 0.15, 0.20};
  Discrete score_cancelled{0.60, 0.15, 0.12, 0.06, 0.07};
  Discrete score_returned{0.45, 0.25, 0.15, 0.10, 0.05};

  // Catalog.
  std::vector<std::string> brands, brand_json;
  std::unordered_set<std::string> brand_names;
  struct Seller {
    uint32_t brand;
    uint16_t city;
    uint8_t category;
  };
  std::vector<Seller> sellers;
  Fenwick seller_weights;
  struct Product {
    uint32_t seller;
    uint8_t category;
    int64_t price;
  };
  std::vector<Product> products;
  std::vector<std::vector<uint32_t>> category_products;
  std::vector<Fenwick> category_weights;
  std::vector<uint16_t> customer_city;
  Fenwick customer_weights;
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
  Slab<Session> sessions;
  struct Payment {
    uint64_t order;
    int64_t total, first;  // first: value of a split first payment, 0 if one payment
    uint8_t type, installments;
  };
  Slab<Payment> payments;
  struct Review {
    uint64_t order;
    int16_t comment;  // -1: none
    uint8_t score;
  };
  Slab<Review> reviews;
};

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

// --- catalog ----------------------------------------------------------------------

uint32_t Simulator::World::NewBrand() {
  const auto syl = sd::BrandSyllables();
  const auto endings = sd::BrandEndings();
  const auto suffixes = sd::BrandSuffixes();
  for (int attempt = 0;; ++attempt) {
    std::string name;
    const int n = rng.Chance(0.7) ? 2 : 3;
    for (int i = 0; i < n; ++i) name += syl[rng.Below(syl.size())];
    name += endings[rng.Below(endings.size())];
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    if (rng.Chance(0.35)) {
      name += ' ';
      name += suffixes[rng.Below(suffixes.size())];
    }
    if (attempt > 50) name += " " + std::to_string(brands.size());
    if (!brand_names.insert(name).second) continue;
    brand_json.push_back(Quoted(name));
    brands.push_back(std::move(name));
    return static_cast<uint32_t>(brands.size() - 1);
  }
}

uint32_t Simulator::World::AddSeller(int64_t t, bool emit) {
  Seller s;
  const size_t i = sellers.size();
  if (i < brands.size() && !emit) {
    s.brand = static_cast<uint32_t>(i);  // the first sellers each own a brand
  } else if (emit && rng.Chance(0.35)) {
    s.brand = NewBrand();
  } else {  // resellers: popular brands are resold more
    const double u = rng.Uniform();
    s.brand = static_cast<uint32_t>(std::floor(u * u * static_cast<double>(brands.size())));
  }
  s.city = static_cast<uint16_t>(seller_city_pick.Pick(rng));
  s.category = static_cast<uint8_t>(category_pick.Pick(rng));
  sellers.push_back(s);
  seller_weights.Append(rng.Pareto(1.0, 200));
  if (emit) EmitSeller(static_cast<uint32_t>(i), t);
  return static_cast<uint32_t>(i);
}

uint32_t Simulator::World::AddProduct(uint32_t seller, int64_t t, bool emit) {
  const auto cats = sd::Categories();
  Product p;
  p.seller = seller;
  p.category = rng.Chance(0.75) ? sellers[seller].category : static_cast<uint8_t>(category_pick.Pick(rng));
  const auto& c = cats[p.category];
  double reais = std::exp(std::log(c.median_price) + c.price_sigma * rng.Normal());
  reais = std::clamp(reais, 5.0, 12000.0);
  int64_t cents;
  if (reais < 100) {
    cents = static_cast<int64_t>(reais) * 100 + (rng.Chance(0.3) ? 99 : 90);
  } else if (reais < 1000) {
    cents = static_cast<int64_t>(reais) * 100 + (rng.Chance(0.2) ? 0 : -10);
  } else {
    cents = static_cast<int64_t>(reais / 10) * 1000 - (rng.Chance(0.3) ? 1 : 10);
  }
  p.price = cents;
  const uint32_t i = static_cast<uint32_t>(products.size());
  products.push_back(p);
  category_products[p.category].push_back(i);
  category_weights[p.category].Append(rng.Pareto(1.2, 2000));
  if (emit) EmitProduct(i, t);
  return i;
}

uint32_t Simulator::World::AddCustomer(int64_t t, bool emit) {
  const uint32_t i = static_cast<uint32_t>(customer_city.size());
  customer_city.push_back(static_cast<uint16_t>(customer_city_pick.Pick(rng)));
  customer_weights.Append(rng.Pareto(1.5, 30));
  if (emit) EmitCustomer(i, t);
  return i;
}

void Simulator::World::EmitSeller(uint32_t i, int64_t t) {
  const Seller& s = sellers[i];
  out.s.clear();
  out.Raw("{\"seller_id\":");
  out.Id("s-", i + 1, 5);
  out.Raw(",\"brand\":");
  out.Raw(brand_json[s.brand]);
  out.Raw(",\"city\":");
  out.Raw(city_json[s.city]);
  out.Raw(",\"state\":");
  out.Raw(state_json[s.city]);
  out.Raw(",\"onboarded_at\":");
  out.Time(t);
  out.Char('}');
  Emit(kSellers);
}

void Simulator::World::EmitProduct(uint32_t i, int64_t t) {
  const Product& p = products[i];
  const Seller& s = sellers[p.seller];
  const auto& c = sd::Categories()[p.category];
  out.s.clear();
  out.Raw("{\"product_id\":");
  out.Id("p-", i + 1, 6);
  out.Raw(",\"seller_id\":");
  out.Id("s-", p.seller + 1, 5);
  out.Raw(",\"brand\":");
  out.Raw(brand_json[s.brand]);
  out.Raw(",\"category\":");
  out.Raw(category_json[p.category]);
  out.Raw(",\"name\":\"");
  out.Escaped(brands[s.brand]);
  out.Char(' ');
  out.Escaped(c.nouns[rng.Below(c.nouns.size())]);
  out.Char(' ');
  out.Escaped(c.adjectives[rng.Below(c.adjectives.size())]);
  out.Raw("\",\"price\":");
  out.Cents(p.price);
  out.Raw(",\"created_at\":");
  out.Time(t);
  out.Char('}');
  Emit(kProducts);
}

void Simulator::World::EmitCustomer(uint32_t i, int64_t t) {
  const auto first = sd::FirstNames();
  const auto last = sd::LastNames();
  const uint16_t city = customer_city[i];
  out.s.clear();
  out.Raw("{\"customer_id\":");
  out.Id("c-", i + 1, 7);
  out.Raw(",\"name\":\"");
  out.Escaped(first[rng.Below(first.size())]);
  out.Char(' ');
  out.Escaped(last[rng.Below(last.size())]);
  if (rng.Chance(0.35)) {
    out.Char(' ');
    out.Escaped(last[rng.Below(last.size())]);
  }
  out.Raw("\",\"city\":");
  out.Raw(city_json[city]);
  out.Raw(",\"state\":");
  out.Raw(state_json[city]);
  out.Raw(",\"signup_at\":");
  out.Time(t);
  out.Char('}');
  Emit(kCustomers);
}

uint32_t Simulator::World::PickProduct(uint32_t category) {
  const auto& list = category_products[category];
  if (list.empty()) return static_cast<uint32_t>(rng.Below(products.size()));
  return list[category_weights[category].Pick(rng)];
}

// The sellers, products and customers that exist when the backlog starts,
// with times spread over the two years before it (more of them recent).
void Simulator::World::EmitInitialCatalog() {
  const double scale = std::max(opt.rate_per_min, 0.0) / 120.0;
  const size_t n_sellers = static_cast<size_t>(std::clamp(std::round(300 * scale), 20.0, 20000.0));
  const size_t n_products = static_cast<size_t>(std::clamp(std::round(5000 * scale), 300.0, 300000.0));
  const size_t n_customers =
      static_cast<size_t>(std::clamp(std::round(20000 * scale), 1000.0, 2000000.0));
  const size_t n_brands = std::clamp<size_t>(n_sellers / 2, 20, 3000);
  const double span = 730.0 * kDay;
  const int64_t end = backlog_start;
  auto draw_time = [&](double skew) {
    const int64_t age = kSec + static_cast<int64_t>(span * std::pow(rng.Uniform(), skew));
    return end - age;
  };

  for (size_t i = 0; i < n_brands; ++i) NewBrand();
  std::vector<int64_t> seller_t(n_sellers);
  for (auto& t : seller_t) t = draw_time(1.3);
  std::sort(seller_t.begin(), seller_t.end());
  for (size_t i = 0; i < n_sellers; ++i) AddSeller(seller_t[i], false);

  struct Draft {
    int64_t t;
    uint32_t seller;
  };
  std::vector<Draft> drafts(n_products);
  for (auto& d : drafts) {
    d.seller = static_cast<uint32_t>(seller_weights.Pick(rng));
    const int64_t since = seller_t[d.seller];
    d.t = since + 1 + static_cast<int64_t>(static_cast<double>(end - since - 2) * rng.Uniform());
  }
  std::sort(drafts.begin(), drafts.end(),
            [](const Draft& a, const Draft& b) { return a.t != b.t ? a.t < b.t : a.seller < b.seller; });
  for (const auto& d : drafts) AddProduct(d.seller, d.t, false);

  std::vector<int64_t> customer_t(n_customers);
  for (auto& t : customer_t) t = draw_time(1.4);
  std::sort(customer_t.begin(), customer_t.end());
  for (size_t i = 0; i < n_customers; ++i) AddCustomer(customer_t[i], false);

  // Merge the three lists by time; ties: sellers, products, customers.
  size_t s = 0, p = 0, c = 0;
  while (s < n_sellers || p < n_products || c < n_customers) {
    const int64_t ts = s < n_sellers ? seller_t[s] : INT64_MAX;
    const int64_t tp = p < n_products ? drafts[p].t : INT64_MAX;
    const int64_t tc = c < n_customers ? customer_t[c] : INT64_MAX;
    if (ts <= tp && ts <= tc) {
      EmitSeller(static_cast<uint32_t>(s), ts);
      now = ts;
      ++s;
    } else if (tp <= tc) {
      EmitProduct(static_cast<uint32_t>(p), tp);
      now = tp;
      ++p;
    } else {
      EmitCustomer(static_cast<uint32_t>(c), tc);
      now = tc;
      ++c;
    }
  }
}

// --- intensity and arrivals ----------------------------------------------------------

double Simulator::World::DayFactor(int64_t local_day) {
  if (local_day == cached_day) return cached_day_factor;
  cached_day = local_day;
  auto weekday = [](int64_t day) { return static_cast<int>(((day % 7) + 7 + 4) % 7); };  // 0: Sunday
  double f = kWeekday[weekday(local_day)];
  // Black Friday: the last Friday of November of this date's year.
  const Civil c = CivilFromDays(local_day);
  const int64_t nov30 = DaysFromCivil(c.y, 11, 30);
  const int64_t black_friday = nov30 - (weekday(nov30) - 5 + 7) % 7;
  const int64_t d = local_day - black_friday;
  if (d >= -7 && d <= 3) f *= kBlackFriday[d + 7];
  cached_day_factor = f;
  return f;
}

// Sessions per microsecond, constant within each minute.
double Simulator::World::SessionsPerUs(int64_t t) {
  const int64_t minute = FloorDiv(t, kMin);
  if (minute == cached_minute) return cached_rate;
  cached_minute = minute;
  const int64_t local = minute * kMin + kStoreUtcOffset;
  const int64_t local_day = FloorDiv(local, kDay);
  // Linear between hour centres.
  const double x = static_cast<double>(local - local_day * kDay) / kHour - 0.5;
  const double h = std::floor(x);
  const double frac = x - h;
  const int h0 = (static_cast<int>(h) + 24) % 24, h1 = (h0 + 1) % 24;
  const double hour = hour_curve[h0] * (1 - frac) + hour_curve[h1] * frac;
  cached_rate = base_sessions_per_us * hour * DayFactor(local_day);
  return cached_rate;
}

// The next session arrival after t: a Poisson process whose rate is constant
// within each minute (exponential gaps, redrawn at minute boundaries).
int64_t Simulator::World::NextArrival(int64_t t) {
  for (;;) {
    const int64_t minute_end = (FloorDiv(t, kMin) + 1) * kMin;
    const double rate = SessionsPerUs(t);
    if (rate > 0) {
      const double dt = rng.Exp(1 / rate);
      if (dt < static_cast<double>(minute_end - t)) return t + static_cast<int64_t>(dt);
    }
    t = minute_end;
  }
}

// --- sessions ----------------------------------------------------------------------------

void Simulator::World::StartSession(int64_t t) {
  Session s{};
  uint64_t x = opt.seed * 0x9e3779b97f4a7c15ULL + next_session++;
  s.id_hash = SplitMix64(x);
  s.device = static_cast<uint8_t>(device_pick.Pick(rng));
  s.referrer = static_cast<uint8_t>(referrer_pick.Pick(rng));
  const bool logged_in = rng.Chance(0.35);
  s.customer = logged_in ? static_cast<int64_t>(customer_weights.Pick(rng)) : -1;
  s.converting = rng.Chance(logged_in ? 0.40 : 0.26);
  s.signup_only = !logged_in && !s.converting && rng.Chance(0.02);
  s.browse_left = 1 + std::min(60, rng.Geometric(s.converting ? 5.0 : 4.0));
  s.cart_abandon = !s.converting && rng.Chance(0.15);
  s.checkout_abandon = s.cart_abandon && rng.Chance(0.2);
  s.category = static_cast<uint8_t>(category_pick.Pick(rng));
  s.phase = kBrowse;
  s.last_product = UINT32_MAX;
  SessionStep(sessions.Add(s), t);
}

void Simulator::World::SessionStep(uint32_t slot, int64_t t) {
  Session& s = sessions[slot];
  const int64_t gap = 3 * kSec + std::min<int64_t>(rng.Duration(40.0 * kSec), 15 * kMin);
  auto next = [&](Phase phase, int64_t delay) {
    s.phase = phase;
    Push(kSessionStep, t + delay, slot);
  };
  switch (s.phase) {
    case kBrowse: {
      ViewKind kind = s.views == 0 ? static_cast<ViewKind>(landing_pick[s.referrer].Pick(rng))
                                   : static_cast<ViewKind>(next_view_pick[s.last_kind].Pick(rng));
      if (s.converting && s.browse_left == 1) kind = kProductView;  // add to cart from a product
      EmitView(slot, kind, t);
      if (--s.browse_left > 0) {
        next(kBrowse, gap);
      } else if (s.converting || s.cart_abandon) {
        next(kCartPhase, gap);
      } else if (s.signup_only) {
        next(kSignupPhase, gap);
      } else {
        sessions.Free(slot);
      }
      break;
    }
    case kCartPhase:
      EmitView(slot, kCart, t);
      if (s.converting || s.checkout_abandon) {
        next(kCheckoutPhase, gap);
      } else {
        sessions.Free(slot);
      }
      break;
    case kCheckoutPhase:
      if (s.converting && s.customer < 0) s.customer = AddCustomer(t, true);  // signs up to buy
      EmitView(slot, kCheckout, t);
      if (s.converting) {
        next(kOrderPhase, 20 * kSec + rng.Duration(90.0 * kSec));
      } else {
        sessions.Free(slot);
      }
      break;
    case kOrderPhase:
      PlaceOrder(slot, t);
      sessions.Free(slot);
      break;
    case kSignupPhase:
      AddCustomer(t, true);
      sessions.Free(slot);
      break;
  }
}

void Simulator::World::EmitView(uint32_t slot, ViewKind kind, int64_t t) {
  Session& s = sessions[slot];
  ++s.views;
  if (kind != kCheckout) s.last_kind = kind;
  uint32_t product = UINT32_MAX;
  std::string_view path;
  switch (kind) {
    case kHome: path = "\"/\""; break;
    case kCategory:
      if (!rng.Chance(0.7)) s.category = static_cast<uint8_t>(category_pick.Pick(rng));
      path = category_path_json[s.category];
      break;
    case kProductView: {
      product = PickProduct(s.category);
      s.category = products[product].category;
      s.last_product = product;
      bool seen = false;
      for (int i = 0; i < s.nviewed; ++i) seen |= s.viewed[i] == product;
      if (!seen) {
        if (s.nviewed == 8) {
          std::memmove(s.viewed, s.viewed + 1, 7 * sizeof(uint32_t));
          --s.nviewed;
        }
        s.viewed[s.nviewed++] = product;
      }
      break;
    }
    case kSearch: {
      if (!rng.Chance(0.8)) s.category = static_cast<uint8_t>(category_pick.Pick(rng));
      const auto& terms = search_path_json[s.category];
      path = terms[rng.Below(terms.size())];
      break;
    }
    case kCart: path = "\"/cart\""; break;
    case kCheckout: path = "\"/checkout\""; break;
  }
  out.s.clear();
  out.Raw("{\"session_id\":");
  out.Hex16(s.id_hash);
  out.Raw(",\"customer_id\":");
  if (s.customer < 0) {
    out.Raw("null");
  } else {
    out.Id("c-", static_cast<uint64_t>(s.customer) + 1, 7);
  }
  out.Raw(",\"path\":");
  if (product != UINT32_MAX) {
    out.Raw("\"/p/");
    out.BareId("p-", product + 1, 6);
    out.Raw("\",\"product_id\":");
    out.Id("p-", product + 1, 6);
  } else {
    out.Raw(path);
    out.Raw(",\"product_id\":null");
  }
  out.Raw(",\"referrer\":");
  out.Raw(kReferrerJson[s.referrer]);
  out.Raw(",\"device\":");
  out.Raw(kDeviceJson[s.device]);
  out.Raw(",\"viewed_at\":");
  out.Time(t);
  out.Char('}');
  Emit(kPageViews);
}

// --- orders, payments, reviews -------------------------------------------------------------

void Simulator::World::PlaceOrder(uint32_t slot, int64_t t) {
  const Session& s = sessions[slot];
  const uint64_t order_no = next_order++;
  const uint32_t customer = static_cast<uint32_t>(s.customer);
  const uint16_t city = customer_city[customer];

  // Items: the product put in the cart, then others viewed in the session,
  // then popular products of the same category.
  const int want = static_cast<int>(items_pick.Pick(rng)) + 1;
  uint32_t items[5];
  int n = 0;
  auto add = [&](uint32_t p) {
    for (int i = 0; i < n; ++i) {
      if (items[i] == p) return;
    }
    items[n++] = p;
  };
  add(s.last_product);
  for (int k = s.nviewed - 1; k >= 0 && n < want; --k) add(s.viewed[k]);
  for (int tries = 0; n < want && tries < 10; ++tries) add(PickProduct(products[items[0]].category));
  int32_t quantity[5];
  int64_t total = 0;
  for (int i = 0; i < n; ++i) {
    quantity[i] = static_cast<int32_t>(quantity_pick.Pick(rng)) + 1;
    total += quantity[i] * products[items[i]].price;
  }

  // Fate and timeline, drawn now.
  const uint8_t pay = static_cast<uint8_t>(payment_pick.Pick(rng));
  const uint8_t delivery = static_cast<uint8_t>(delivery_pick.Pick(rng));
  const double fate_u = rng.Uniform();
  const OrderStatus fate = fate_u < 0.03 ? kCancelled : fate_u < 0.05 ? kReturned : kDelivered;
  int64_t paid_at = t;
  switch (pay) {
    case kCard: paid_at += rng.Between(45 * kSec, 10 * kMin); break;
    case kBoleto: paid_at += std::min<int64_t>(30 * kMin + rng.Duration(14.0 * kHour), 3 * kDay - kMin); break;
    case kVoucher: paid_at += rng.Between(5 * kSec, kMin); break;
    case kDebit: paid_at += rng.Between(30 * kSec, 5 * kMin); break;
    default: paid_at += rng.Between(kMin, kHour); break;
  }
  const bool paid = !(fate == kCancelled && pay == kBoleto && rng.Chance(0.7));  // boleto expired
  const int64_t shipped = paid_at + 8 * kHour + std::min<int64_t>(rng.Duration(30.0 * kHour), 6 * kDay);
  const double transit_days[3][2] = {{2, 5}, {1, 1.2}, {2, 2}};  // minimum, mean extra
  const int64_t delivered = shipped + static_cast<int64_t>(transit_days[delivery][0] * kDay) +
                            std::min<int64_t>(rng.Duration(transit_days[delivery][1] * kDay), 40 * kDay);
  const int64_t estimate_days[3] = {15, 6, 8};
  const bool late = delivered > t + estimate_days[delivery] * kDay;
  const int64_t cancelled_at =
      paid ? paid_at + static_cast<int64_t>(static_cast<double>(shipped - paid_at) * (0.05 + 0.85 * rng.Uniform()))
           : t + 3 * kDay;
  const int64_t returned_at = delivered + 2 * kDay + rng.Duration(4.0 * kDay);

  // Status as seen at start_us ("now"); live orders have only just been placed.
  OrderStatus status;
  const int64_t at = opt.start_us;
  if (t > at) {
    status = (pay == kBoleto || pay == kTransfer) ? kPlaced : kPaid;
  } else if (fate == kCancelled && at >= cancelled_at) {
    status = kCancelled;
  } else if (fate != kCancelled && at >= delivered) {
    status = fate == kReturned && at >= returned_at ? kReturned : kDelivered;
  } else if (fate != kCancelled && at >= shipped) {
    status = kShipped;
  } else {
    status = paid && at >= paid_at ? kPaid : kPlaced;
  }

  out.s.clear();
  out.Raw("{\"order_id\":");
  out.Id("o-", order_no, 8);
  out.Raw(",\"customer_id\":");
  out.Id("c-", customer + 1, 7);
  out.Raw(",\"status\":");
  out.Raw(kStatusJson[status]);
  out.Raw(",\"city\":");
  out.Raw(city_json[city]);
  out.Raw(",\"state\":");
  out.Raw(state_json[city]);
  out.Raw(",\"delivery\":");
  out.Raw(kDeliveryJson[delivery]);
  out.Raw(",\"payment_type\":");
  out.Raw(kPayTypeJson[pay]);
  out.Raw(",\"items\":");
  out.Int(n);
  out.Raw(",\"total\":");
  out.Cents(total);
  out.Raw(",\"purchased_at\":");
  out.Time(t);
  out.Raw(",\"delivered_at\":");
  if (status == kDelivered || status == kReturned) {
    out.Time(delivered);
  } else {
    out.Raw("null");
  }
  out.Char('}');
  Emit(kOrders);

  for (int i = 0; i < n; ++i) {
    const Product& p = products[items[i]];
    out.s.clear();
    out.Raw("{\"order_id\":");
    out.Id("o-", order_no, 8);
    out.Raw(",\"item_seq\":");
    out.Int(i + 1);
    out.Raw(",\"product_id\":");
    out.Id("p-", items[i] + 1, 6);
    out.Raw(",\"seller_id\":");
    out.Id("s-", p.seller + 1, 5);
    out.Raw(",\"brand\":");
    out.Raw(brand_json[sellers[p.seller].brand]);
    out.Raw(",\"category\":");
    out.Raw(category_json[p.category]);
    out.Raw(",\"quantity\":");
    out.Int(quantity[i]);
    out.Raw(",\"unit_price\":");
    out.Cents(p.price);
    out.Raw(",\"amount\":");
    out.Cents(quantity[i] * p.price);
    out.Raw(",\"city\":");
    out.Raw(city_json[city]);
    out.Raw(",\"purchased_at\":");
    out.Time(t);
    out.Char('}');
    Emit(kOrderItems);
  }

  if (paid) {
    uint8_t installments = 1;
    if (pay == kCard) {
      if (total >= 10000) {
        installments = static_cast<uint8_t>(installments_big.Pick(rng) + 1);
      } else if (total >= 4000 && rng.Chance(0.2)) {
        installments = static_cast<uint8_t>(2 + rng.Below(2));
      }
    }
    int64_t first = 0;
    if (pay == kVoucher && total > 2000 && rng.Chance(0.4)) {  // a voucher plus a second one
      static constexpr int64_t kVouchers[] = {1000, 2000, 2500, 3000, 5000, 10000};
      first = kVouchers[rng.Below(6)];
      if (first >= total) first = total / 2;
    }
    Push(kPayment, paid_at, payments.Add(Payment{order_no, total, first, pay, installments}));
  }

  double review_p;
  int64_t review_at;
  const Discrete* scores;
  if (fate == kCancelled) {
    review_p = 0.55;
    review_at = cancelled_at + kHour + rng.Duration(1.0 * kDay);
    scores = &score_cancelled;
  } else if (fate == kReturned) {
    review_p = 0.85;
    review_at = returned_at + kHour + rng.Duration(1.0 * kDay);
    scores = &score_returned;
  } else {
    review_p = 0.9;
    review_at = delivered + 2 * kHour + rng.Duration(2.0 * kDay);
    scores = late ? &score_late : &score_ok;
  }
  if (rng.Chance(review_p)) {
    const uint8_t score = static_cast<uint8_t>(scores->Pick(rng) + 1);
    const double comment_p = score >= 4 ? 0.33 : score == 3 ? 0.5 : 0.65;
    int16_t comment = -1;
    if (rng.Chance(comment_p)) comment = static_cast<int16_t>(rng.Below(sd::ReviewComments(score).size()));
    Push(kReview, review_at, reviews.Add(Review{order_no, comment, score}));
  }
}

void Simulator::World::EmitPayments(uint32_t slot, int64_t t) {
  const Payment p = payments[slot];
  payments.Free(slot);
  const int n = p.first > 0 ? 2 : 1;
  for (int k = 1; k <= n; ++k) {
    out.s.clear();
    out.Raw("{\"order_id\":");
    out.Id("o-", p.order, 8);
    out.Raw(",\"payment_seq\":");
    out.Int(k);
    out.Raw(",\"payment_type\":");
    out.Raw(kPayTypeJson[p.type]);
    out.Raw(",\"installments\":");
    out.Int(p.installments);
    out.Raw(",\"value\":");
    out.Cents(n == 1 ? p.total : k == 1 ? p.first : p.total - p.first);
    out.Raw(",\"paid_at\":");
    out.Time(t);
    out.Char('}');
    Emit(kPayments);
  }
}

void Simulator::World::EmitReview(uint32_t slot, int64_t t) {
  const Review r = reviews[slot];
  reviews.Free(slot);
  out.s.clear();
  out.Raw("{\"review_id\":");
  out.Id("r-", next_review++, 8);
  out.Raw(",\"order_id\":");
  out.Id("o-", r.order, 8);
  out.Raw(",\"score\":");
  out.Int(r.score);
  out.Raw(",\"comment\":");
  if (r.comment < 0) {
    out.Raw("null");
  } else {
    out.Str(sd::ReviewComments(r.score)[static_cast<size_t>(r.comment)]);
  }
  out.Raw(",\"created_at\":");
  out.Time(t);
  out.Char('}');
  Emit(kReviews);
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
