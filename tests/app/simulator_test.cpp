// Tests of the retail simulator (app/simulator.h): record shapes, the
// consistency of orders/items/payments/reviews, referential integrity,
// volume and seasonality, determinism, and the backlog files.
#include "app/simulator.h"
#include "storage/value_parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tp::app {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kSecUs = 1000000;
constexpr int64_t kMinUs = 60 * kSecUs;
constexpr int64_t kHourUs = 60 * kMinUs;
constexpr int64_t kDayUs = 24 * kHourUs;

using storage::DaysFromCivil;

int64_t Utc(int y, unsigned m, unsigned d, int hh = 0) {
  return DaysFromCivil(y, m, d) * kDayUs + hh * kHourUs;
}

// Parses "YYYY-MM-DDTHH:MM:SS.ffffffZ" strictly; -1 (and a failure) if not.
int64_t ParseTime(const std::string& s) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) {
    ADD_FAILURE() << "bad timestamp: " << s;
    return -1;
  }
  auto n = [&](int i) { return std::stoll(m[i].str()); };
  const unsigned mon = static_cast<unsigned>(n(2)), day = static_cast<unsigned>(n(3));
  EXPECT_TRUE(mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && n(4) < 24 && n(5) < 60 && n(6) < 60) << s;
  return DaysFromCivil(n(1), mon, day) * kDayUs + n(4) * kHourUs + n(5) * kMinUs + n(6) * kSecUs + n(7);
}

// Fast path for big runs: the time at a known key, without a JSON parser.
int64_t TimeAt(std::string_view json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const size_t at = json.find(needle);
  if (at == std::string_view::npos) return -1;
  const std::string_view v = json.substr(at + needle.size(), 27);
  auto d = [&](size_t i, size_t len) {
    int64_t x = 0;
    for (size_t k = 0; k < len; ++k) x = x * 10 + (v[i + k] - '0');
    return x;
  };
  return DaysFromCivil(d(0, 4), static_cast<unsigned>(d(5, 2)), static_cast<unsigned>(d(8, 2))) * kDayUs +
         d(11, 2) * kHourUs + d(14, 2) * kMinUs + d(17, 2) * kSecUs + d(20, 6);
}

// The raw text of a number field (the parser would turn 129.90 into a double).
std::string RawNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  const size_t end = json.find_first_of(",}", start);
  return json.substr(start, end - start);
}

// "129.90" -> 12990; fails unless there are exactly two decimals.
int64_t Cents(const std::string& raw) {
  static const std::regex re(R"(-?(0|[1-9]\d*)\.\d\d)");
  EXPECT_TRUE(std::regex_match(raw, re)) << "not a 2-decimal number: " << raw;
  std::string digits;
  for (char c : raw) {
    if (c != '.' && c != '-') digits += c;
  }
  const int64_t v = digits.empty() ? 0 : std::stoll(digits);
  return !raw.empty() && raw[0] == '-' ? -v : v;
}

enum class T { kStr, kNullableStr, kInt, kDecimal, kTime, kNullableTime };
struct Field {
  const char* name;
  T type;
};
struct TableShape {
  const char* time_column;
  std::vector<Field> fields;
};

const std::map<std::string, TableShape>& Shapes() {
  static const std::map<std::string, TableShape> shapes = {
      {"sellers", {"onboarded_at", {{"seller_id", T::kStr}, {"brand", T::kStr}, {"city", T::kStr},
                                    {"state", T::kStr}, {"onboarded_at", T::kTime}}}},
      {"products", {"created_at", {{"product_id", T::kStr}, {"seller_id", T::kStr}, {"brand", T::kStr},
                                   {"category", T::kStr}, {"name", T::kStr}, {"price", T::kDecimal},
                                   {"created_at", T::kTime}}}},
      {"customers", {"signup_at", {{"customer_id", T::kStr}, {"name", T::kStr}, {"city", T::kStr},
                                   {"state", T::kStr}, {"signup_at", T::kTime}}}},
      {"orders", {"purchased_at", {{"order_id", T::kStr}, {"customer_id", T::kStr}, {"status", T::kStr},
                                   {"city", T::kStr}, {"state", T::kStr}, {"delivery", T::kStr},
                                   {"payment_type", T::kStr}, {"items", T::kInt}, {"total", T::kDecimal},
                                   {"purchased_at", T::kTime}, {"delivered_at", T::kNullableTime}}}},
      {"order_items", {"purchased_at", {{"order_id", T::kStr}, {"item_seq", T::kInt},
                                        {"product_id", T::kStr}, {"seller_id", T::kStr},
                                        {"brand", T::kStr}, {"category", T::kStr},
                                        {"quantity", T::kInt}, {"unit_price", T::kDecimal},
                                        {"amount", T::kDecimal}, {"city", T::kStr},
                                        {"purchased_at", T::kTime}}}},
      {"payments", {"paid_at", {{"order_id", T::kStr}, {"payment_seq", T::kInt},
                                {"payment_type", T::kStr}, {"installments", T::kInt},
                                {"value", T::kDecimal}, {"paid_at", T::kTime}}}},
      {"reviews", {"created_at", {{"review_id", T::kStr}, {"order_id", T::kStr}, {"score", T::kInt},
                                  {"comment", T::kNullableStr}, {"created_at", T::kTime}}}},
      {"page_views", {"viewed_at", {{"session_id", T::kStr}, {"customer_id", T::kNullableStr},
                                    {"path", T::kStr}, {"product_id", T::kNullableStr},
                                    {"referrer", T::kStr}, {"device", T::kStr},
                                    {"viewed_at", T::kTime}}}},
  };
  return shapes;
}

struct Record {
  std::string table;
  std::string json;
};

std::vector<Record> Simulate(const SimulatorOptions& o, int64_t until) {
  std::vector<Record> out;
  Simulator sim(o);
  sim.Advance(until, [&](std::string_view t, std::string_view j) {
    out.push_back({std::string(t), std::string(j)});
  });
  EXPECT_EQ(sim.records_emitted(), out.size());
  return out;
}

std::string Concat(const std::vector<Record>& records) {
  std::string s;
  for (const auto& r : records) {
    s += r.table;
    s += '\t';
    s += r.json;
    s += '\n';
  }
  return s;
}

// A week of backlog at 60/min, generated and parsed once for several tests.
class SimulatorWeek : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_.seed = 42;
    options_.rate_per_min = 60;
    options_.start_us = Utc(2026, 6, 1, 15);
    options_.backlog_us = 7 * kDayUs;
    records_ = new std::vector<Record>(Simulate(options_, options_.start_us));
    parsed_ = new std::vector<Json>();
    parsed_->reserve(records_->size());
    for (const auto& r : *records_) parsed_->push_back(Json::parse(r.json));
  }
  static void TearDownTestSuite() {
    delete records_;
    delete parsed_;
  }
  static inline SimulatorOptions options_;
  static inline std::vector<Record>* records_ = nullptr;
  static inline std::vector<Json>* parsed_ = nullptr;
};

TEST_F(SimulatorWeek, SimulatorRecordsHaveTheRetailFieldsInOrder) {
  ASSERT_GT(records_->size(), 500000u);
  std::map<std::string, size_t> per_table;
  for (size_t i = 0; i < records_->size(); ++i) {
    const Record& r = (*records_)[i];
    const Json& j = (*parsed_)[i];
    auto shape = Shapes().find(r.table);
    ASSERT_NE(shape, Shapes().end()) << r.table;
    ++per_table[r.table];
    ASSERT_TRUE(j.is_object());
    ASSERT_EQ(j.size(), shape->second.fields.size()) << r.json;
    size_t k = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++k) {
      const Field& f = shape->second.fields[k];
      ASSERT_EQ(it.key(), f.name) << r.json;
      const Json& v = it.value();
      switch (f.type) {
        case T::kStr: ASSERT_TRUE(v.is_string() && !v.get<std::string>().empty()) << f.name << " " << r.json; break;
        case T::kNullableStr: ASSERT_TRUE(v.is_string() || v.is_null()) << r.json; break;
        case T::kInt:
          ASSERT_TRUE(v.is_number_integer()) << r.json;
          ASSERT_TRUE(v.get<int64_t>() >= INT32_MIN && v.get<int64_t>() <= INT32_MAX);
          break;
        case T::kDecimal:
          ASSERT_TRUE(v.is_number_float()) << r.json;
          Cents(RawNumber(r.json, f.name));
          break;
        case T::kTime: ASSERT_TRUE(v.is_string()) << r.json; ParseTime(v.get<std::string>()); break;
        case T::kNullableTime:
          ASSERT_TRUE(v.is_string() || v.is_null()) << r.json;
          if (v.is_string()) ParseTime(v.get<std::string>());
          break;
      }
    }
  }
  for (auto table : kSimulatorTables) EXPECT_GT(per_table[std::string(table)], 0u) << table;
}

TEST_F(SimulatorWeek, SimulatorRecordsAreInTimeOrderWithinTheWindow) {
  const int64_t backlog_start = options_.start_us - options_.backlog_us;
  int64_t last = INT64_MIN;
  bool catalog = true;  // the pre-existing catalog comes first
  size_t catalog_records = 0;
  for (size_t i = 0; i < records_->size(); ++i) {
    const Record& r = (*records_)[i];
    const int64_t t = ParseTime((*parsed_)[i][Shapes().at(r.table).time_column].get<std::string>());
    if (catalog && t >= backlog_start) catalog = false;
    if (catalog) {
      ASSERT_TRUE(r.table == "sellers" || r.table == "products" || r.table == "customers") << r.json;
      ASSERT_GT(t, backlog_start - 2 * 366 * kDayUs) << r.json;
      ++catalog_records;
    } else {
      ASSERT_GT(t, backlog_start) << r.json;
      ASSERT_LE(t, options_.start_us) << r.json;
    }
    ASSERT_GE(t, last) << "out of order at record " << i << ": " << r.json;
    last = t;
  }
  // About 150 sellers, 2,500 products and 10,000 customers at 60/min.
  EXPECT_GT(catalog_records, 8000u);
  EXPECT_LT(catalog_records, 20000u);
}

TEST_F(SimulatorWeek, SimulatorOrdersItemsPaymentsAndReviewsAgree) {
  const int64_t start = options_.start_us;
  struct Order {
    int64_t total = 0, items_sum = 0, paid = 0, purchased = 0;
    int items = 0, item_rows = 0, payment_rows = 0, last_seq = 0, last_pay_seq = 0;
    std::string status, payment_type, city;
    bool has_payments = false;
  };
  struct Product {
    std::string seller, brand, category;
    int64_t price;
  };
  std::unordered_map<std::string, std::pair<std::string, std::string>> sellers;  // id -> brand, state
  std::unordered_map<std::string, Product> products;
  std::unordered_set<std::string> customers;
  std::unordered_map<std::string, Order> orders;
  std::map<std::string, int> orders_per_customer;
  std::set<std::string> review_ids;
  const std::set<std::string> statuses = {"placed", "paid", "shipped", "delivered", "cancelled", "returned"};
  const std::set<std::string> pay_types = {"card", "boleto", "voucher", "debit", "transfer"};
  size_t views = 0, anonymous_views = 0, reviews = 0, comments = 0, non_ascii = 0, escaped = 0;
  std::map<int64_t, int> scores;
  std::map<std::string, int> status_count;

  for (size_t i = 0; i < records_->size(); ++i) {
    const Record& r = (*records_)[i];
    const Json& j = (*parsed_)[i];
    if (r.json.find("\\\"") != std::string::npos || r.json.find("\\n") != std::string::npos ||
        r.json.find("\\\\") != std::string::npos) {
      ++escaped;
    }
    if (std::any_of(r.json.begin(), r.json.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      ++non_ascii;
    }
    if (r.table == "sellers") {
      ASSERT_TRUE(sellers.emplace(j["seller_id"], std::make_pair(j["brand"], j["state"])).second) << r.json;
      if (j["city"] == "São Paulo" || j["city"] == "Campinas") {
        EXPECT_EQ(j["state"], "SP");
      }
      if (j["city"] == "Rio de Janeiro") {
        EXPECT_EQ(j["state"], "RJ");
      }
    } else if (r.table == "products") {
      auto s = sellers.find(j["seller_id"]);
      ASSERT_NE(s, sellers.end()) << "product of an unknown seller: " << r.json;
      EXPECT_EQ(j["brand"], s->second.first) << r.json;
      const int64_t price = Cents(RawNumber(r.json, "price"));
      EXPECT_GE(price, 500);
      EXPECT_LE(price, 1200000);
      ASSERT_TRUE(products.emplace(j["product_id"], Product{j["seller_id"], j["brand"], j["category"], price}).second);
    } else if (r.table == "customers") {
      ASSERT_TRUE(customers.insert(j["customer_id"].get<std::string>()).second) << r.json;
      if (j["city"] == "Belo Horizonte") {
        EXPECT_EQ(j["state"], "MG");
      }
      if (j["city"] == "Porto Alegre") {
        EXPECT_EQ(j["state"], "RS");
      }
    } else if (r.table == "orders") {
      ASSERT_TRUE(customers.count(j["customer_id"].get<std::string>())) << "unknown customer: " << r.json;
      Order o;
      o.total = Cents(RawNumber(r.json, "total"));
      o.items = j["items"].get<int>();
      o.status = j["status"];
      o.payment_type = j["payment_type"];
      o.city = j["city"];
      o.purchased = ParseTime(j["purchased_at"]);
      ASSERT_TRUE(statuses.count(o.status)) << r.json;
      ASSERT_TRUE(pay_types.count(o.payment_type)) << r.json;
      const bool delivered = o.status == "delivered" || o.status == "returned";
      ASSERT_EQ(j["delivered_at"].is_string(), delivered) << r.json;
      if (delivered) {
        const int64_t d = ParseTime(j["delivered_at"]);
        EXPECT_GT(d, o.purchased + kDayUs) << r.json;
        EXPECT_LE(d, start) << r.json;
      }
      ++status_count[o.status];
      ++orders_per_customer[j["customer_id"]];
      ASSERT_TRUE(orders.emplace(j["order_id"], o).second) << r.json;
    } else if (r.table == "order_items") {
      auto o = orders.find(j["order_id"]);
      ASSERT_NE(o, orders.end()) << "item before its order: " << r.json;
      auto p = products.find(j["product_id"]);
      ASSERT_NE(p, products.end()) << "item of an unknown product: " << r.json;
      EXPECT_EQ(j["item_seq"].get<int>(), ++o->second.last_seq) << r.json;
      EXPECT_EQ(j["seller_id"], p->second.seller);
      EXPECT_EQ(j["brand"], p->second.brand);
      EXPECT_EQ(j["category"], p->second.category);
      EXPECT_EQ(j["city"], o->second.city);
      EXPECT_EQ(ParseTime(j["purchased_at"]), o->second.purchased);
      const int64_t unit = Cents(RawNumber(r.json, "unit_price"));
      const int64_t amount = Cents(RawNumber(r.json, "amount"));
      const int q = j["quantity"].get<int>();
      EXPECT_GE(q, 1);
      EXPECT_EQ(unit, p->second.price) << r.json;
      EXPECT_EQ(amount, q * unit) << r.json;
      o->second.items_sum += amount;
      ++o->second.item_rows;
    } else if (r.table == "payments") {
      auto o = orders.find(j["order_id"]);
      ASSERT_NE(o, orders.end()) << "payment of an unknown order: " << r.json;
      EXPECT_EQ(j["payment_seq"].get<int>(), ++o->second.last_pay_seq) << r.json;
      EXPECT_EQ(j["payment_type"], o->second.payment_type);
      const int inst = j["installments"].get<int>();
      EXPECT_GE(inst, 1);
      EXPECT_LE(inst, 10);
      if (o->second.payment_type != "card") {
        EXPECT_EQ(inst, 1);
      }
      const int64_t paid_at = ParseTime(j["paid_at"]);
      EXPECT_GT(paid_at, o->second.purchased);
      EXPECT_LE(paid_at, o->second.purchased + 3 * kDayUs);
      o->second.paid += Cents(RawNumber(r.json, "value"));
      o->second.has_payments = true;
    } else if (r.table == "reviews") {
      auto o = orders.find(j["order_id"]);
      ASSERT_NE(o, orders.end()) << "review of an unknown order: " << r.json;
      ASSERT_TRUE(review_ids.insert(j["review_id"]).second);
      const int64_t score = j["score"].get<int64_t>();
      ASSERT_TRUE(score >= 1 && score <= 5) << r.json;
      ++scores[score];
      ++reviews;
      if (j["comment"].is_string()) ++comments;
      EXPECT_GT(ParseTime(j["created_at"]), o->second.purchased);
    } else if (r.table == "page_views") {
      ++views;
      if (j["customer_id"].is_null()) {
        ++anonymous_views;
      } else {
        ASSERT_TRUE(customers.count(j["customer_id"].get<std::string>())) << r.json;
      }
      const std::string path = j["path"];
      if (j["product_id"].is_string()) {
        ASSERT_TRUE(products.count(j["product_id"].get<std::string>())) << r.json;
        EXPECT_EQ(path, "/p/" + j["product_id"].get<std::string>());
      } else {
        EXPECT_TRUE(path == "/" || path == "/cart" || path == "/checkout" || path.rfind("/c/", 0) == 0 ||
                    path.rfind("/search?q=", 0) == 0)
            << path;
      }
    }
  }

  size_t with_payments = 0, repeat_customers = 0;
  for (const auto& [id, o] : orders) {
    ASSERT_EQ(o.item_rows, o.items) << id;
    ASSERT_GE(o.items, 1) << id;
    ASSERT_EQ(o.items_sum, o.total) << id;
    if (o.has_payments) {
      ++with_payments;
      ASSERT_EQ(o.paid, o.total) << id;
    } else if (o.purchased + 3 * kDayUs < start) {
      // Only an expired boleto (cancelled, never paid) has no payment.
      EXPECT_EQ(o.payment_type, "boleto") << id;
      EXPECT_EQ(o.status, "cancelled") << id;
    }
  }
  for (const auto& [c, n] : orders_per_customer) repeat_customers += n >= 3;

  const size_t n_orders = orders.size();
  std::printf("[ simulator ] %zu orders (%zu paid), %zu page views (%.1f per order, %.0f%% anonymous), "
              "%zu reviews (%.0f%% with comment), repeat customers (>=3 orders): %zu\n",
              n_orders, with_payments, views, double(views) / n_orders, 100.0 * anonymous_views / views, reviews,
              100.0 * comments / reviews, repeat_customers);
  for (const auto& [s, n] : status_count) std::printf("[ simulator ]   status %s: %d\n", s.c_str(), n);
  EXPECT_GT(double(views) / n_orders, 12);
  EXPECT_LT(double(views) / n_orders, 25);
  EXPECT_GT(double(anonymous_views) / views, 0.5);
  EXPECT_LT(double(anonymous_views) / views, 0.7);
  EXPECT_GT(double(comments) / reviews, 0.3);
  EXPECT_LT(double(comments) / reviews, 0.5);
  EXPECT_GT(scores[5], scores[4]);
  EXPECT_GT(scores[4], scores[2]);
  EXPECT_GT(repeat_customers, 10u);
  EXPECT_GT(status_count["delivered"], 1000);  // a week: many are still on their way
  EXPECT_GT(status_count["shipped"], 1000);
  EXPECT_GT(status_count["cancelled"], 0);
  EXPECT_GT(status_count["returned"], 0);
  EXPECT_GT(non_ascii, 1000u);
  EXPECT_GT(escaped, 0u);  // quotes, backslashes or newlines in review comments
}

// 30 days at the default rate: the volume matches the rate, evenings are
// busier than the small hours. Also reports the generation speed.
TEST(SimulatorVolume, SimulatorVolumeMatchesTheRateAndFollowsTheClock) {
  SimulatorOptions o;
  o.seed = 7;
  o.start_us = Utc(2026, 7, 1);
  o.backlog_us = 30 * kDayUs;
  const int64_t backlog_start = o.start_us - o.backlog_us;
  Simulator sim(o);
  uint64_t in_window = 0, bytes = 0;
  std::vector<uint64_t> by_local_hour(24);
  std::unordered_map<std::string_view, std::string> time_key;
  for (const auto& [table, shape] : Shapes()) time_key[table] = shape.time_column;
  std::vector<std::string_view> keys;
  const auto t0 = std::chrono::steady_clock::now();
  sim.Advance(o.start_us, [&](std::string_view table, std::string_view json) {
    bytes += json.size();
    const int64_t t = TimeAt(json, time_key.at(table));
    if (t < backlog_start) return;
    ++in_window;
    const int64_t local = t - 3 * kHourUs;
    ++by_local_hour[static_cast<size_t>((local % kDayUs + kDayUs) % kDayUs / kHourUs)];
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double expected = o.rate_per_min * 30 * 24 * 60;
  const auto counts = sim.records_per_table();
  std::printf("[ simulator ] 30 days at 120/min: %llu records (%llu in the backlog window, %.3f of the rate), "
              "%.1f MB, %.2f s including this test's checks: %.2f M records/s\n",
              static_cast<unsigned long long>(sim.records_emitted()),
              static_cast<unsigned long long>(in_window), in_window / expected, bytes / 1e6, secs,
              sim.records_emitted() / secs / 1e6);
  for (size_t i = 0; i < counts.size(); ++i) {
    std::printf("[ simulator ]   %-12s %llu\n", std::string(kSimulatorTables[i]).c_str(),
                static_cast<unsigned long long>(counts[i]));
  }
  EXPECT_GT(in_window, expected * 0.9);
  EXPECT_LT(in_window, expected * 1.1);
  const double evening = (by_local_hour[19] + by_local_hour[20] + by_local_hour[21]) / 3.0;
  EXPECT_GT(evening, 4.0 * by_local_hour[4]) << "evening " << evening << " vs 4am " << by_local_hour[4];
  EXPECT_GT(by_local_hour[14], 3.0 * by_local_hour[4]);
}

TEST(SimulatorSeason, SimulatorBlackFridayIsBusierThanAnOrdinaryFriday) {
  SimulatorOptions o;
  o.seed = 3;
  o.rate_per_min = 20;
  o.start_us = Utc(2026, 11, 30, 3);  // midnight, store time (UTC-3)
  o.backlog_us = 18 * kDayUs;
  // 2026-11-27 is the last Friday of November; 2026-11-13 an ordinary one
  // (the week before Black Friday is already a little busier).
  const int64_t black_friday = Utc(2026, 11, 27, 3), ordinary = Utc(2026, 11, 13, 3);
  uint64_t bf_views = 0, ordinary_views = 0, bf_orders = 0, ordinary_orders = 0;
  Simulator sim(o);
  sim.Advance(o.start_us, [&](std::string_view table, std::string_view json) {
    if (table != "page_views" && table != "orders") return;
    const int64_t t = TimeAt(json, table == "orders" ? "purchased_at" : "viewed_at");
    const bool views = table == "page_views";
    if (t >= black_friday && t < black_friday + kDayUs) ++(views ? bf_views : bf_orders);
    if (t >= ordinary && t < ordinary + kDayUs) ++(views ? ordinary_views : ordinary_orders);
  });
  std::printf("[ simulator ] page views: Black Friday %llu, ordinary Friday %llu; orders %llu vs %llu\n",
              static_cast<unsigned long long>(bf_views), static_cast<unsigned long long>(ordinary_views),
              static_cast<unsigned long long>(bf_orders), static_cast<unsigned long long>(ordinary_orders));
  EXPECT_GT(bf_views, 3 * ordinary_views);
  EXPECT_LT(bf_views, 5 * ordinary_views);
  EXPECT_GT(bf_orders, 2 * ordinary_orders);
}

SimulatorOptions TwoDays(uint64_t seed) {
  SimulatorOptions o;
  o.seed = seed;
  o.start_us = Utc(2026, 3, 10, 12);
  o.backlog_us = 2 * kDayUs;
  return o;
}

TEST(SimulatorDeterminism, SimulatorSameSeedGivesTheSameBytes) {
  const auto a = Concat(Simulate(TwoDays(5), TwoDays(5).start_us));
  const auto b = Concat(Simulate(TwoDays(5), TwoDays(5).start_us));
  EXPECT_GT(a.size(), 10u << 20);
  EXPECT_TRUE(a == b);
  const auto c = Concat(Simulate(TwoDays(6), TwoDays(6).start_us));
  EXPECT_FALSE(a == c);
}

TEST(SimulatorDeterminism, SimulatorSteppingDoesNotChangeTheOutput) {
  const SimulatorOptions o = TwoDays(11);
  const int64_t until = o.start_us + 3 * kHourUs;  // backlog and some live time
  const auto once = Concat(Simulate(o, until));

  // Every simulated minute.
  std::vector<Record> stepped;
  Simulator sim(o);
  auto sink = [&](std::string_view t, std::string_view j) { stepped.push_back({std::string(t), std::string(j)}); };
  for (int64_t t = o.start_us - o.backlog_us; t < until; t += kMinUs) sim.Advance(t, sink);
  sim.Advance(until, sink);
  EXPECT_TRUE(once == Concat(stepped));
  EXPECT_EQ(sim.records_emitted(), stepped.size());

  // Irregular steps, including repeated and backwards ones (no-ops).
  std::vector<Record> irregular;
  Simulator sim2(o);
  auto sink2 = [&](std::string_view t, std::string_view j) { irregular.push_back({std::string(t), std::string(j)}); };
  int64_t t = o.start_us - o.backlog_us - kDayUs;
  for (int i = 0; t < until; ++i) {
    sim2.Advance(t, sink2);
    if (i % 5 == 0) sim2.Advance(t - kHourUs, sink2);
    t += 1 + (i * 7919 % 13) * 60 * kSecUs + i % 3;
  }
  sim2.Advance(until, sink2);
  EXPECT_TRUE(once == Concat(irregular));
}

TEST(SimulatorLive, SimulatorLiveRecordsFollowTheBacklog) {
  SimulatorOptions o = TwoDays(9);
  o.backlog_us = kDayUs;
  Simulator sim(o);
  uint64_t backlog = 0;
  sim.Advance(o.start_us, [&](std::string_view, std::string_view) { ++backlog; });
  EXPECT_EQ(sim.records_emitted(), backlog);
  EXPECT_LE(sim.now_us(), o.start_us);

  std::vector<Record> live;
  int64_t last = o.start_us;
  for (int64_t t = o.start_us + 10 * kMinUs; t <= o.start_us + 2 * kHourUs; t += 10 * kMinUs) {
    sim.Advance(t, [&](std::string_view table, std::string_view json) {
      live.push_back({std::string(table), std::string(json)});
      const Json j = Json::parse(json);
      const int64_t at = ParseTime(j[Shapes().at(std::string(table)).time_column].get<std::string>());
      EXPECT_GT(at, o.start_us);
      EXPECT_LE(at, t);
      EXPECT_GE(at, last);
      last = at;
      if (table == "orders") {
        EXPECT_TRUE(j["status"] == "placed" || j["status"] == "paid") << json;
        EXPECT_TRUE(j["delivered_at"].is_null());
        const bool slow = j["payment_type"] == "boleto" || j["payment_type"] == "transfer";
        EXPECT_EQ(j["status"], slow ? "placed" : "paid") << json;
      }
    });
  }
  EXPECT_EQ(sim.records_emitted(), backlog + live.size());
  EXPECT_GT(live.size(), 120u * 120 * 0.5);  // two hours at 120/min (mid-day: busy)
  std::set<std::string> tables;
  for (const auto& r : live) tables.insert(r.table);
  EXPECT_TRUE(tables.count("orders") && tables.count("payments") && tables.count("page_views"));
}

TEST(SimulatorFiles, SimulatorWriteBacklogFilesWritesEveryTable) {
  SimulatorOptions o;
  o.seed = 21;
  o.rate_per_min = 200;
  o.start_us = Utc(2026, 2, 1);
  o.backlog_us = kDayUs;
  const auto records = Simulate(o, o.start_us);
  std::map<std::string, std::string> expected;
  for (auto t : kSimulatorTables) expected[std::string(t)];
  for (const auto& r : records) expected[r.table] += r.json + "\n";

  const auto dir = std::filesystem::temp_directory_path() /
                   ("tillpipe-sim-test-" + std::to_string(::getpid())) / "out";
  std::filesystem::remove_all(dir.parent_path());
  std::vector<std::pair<uint64_t, int64_t>> reports;
  Status s = WriteBacklogFiles(o, dir, [&](uint64_t n, int64_t t) { reports.emplace_back(n, t); });
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const auto& [table, content] : expected) {
    std::ifstream in(dir / (table + ".ndjson"), std::ios::binary);
    ASSERT_TRUE(in.good()) << table;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(ss.str() == content) << table << ": " << ss.str().size() << " bytes vs " << content.size();
  }
  ASSERT_GE(reports.size(), records.size() / 100000);
  for (size_t i = 1; i < reports.size(); ++i) {
    EXPECT_GE(reports[i].first, reports[i - 1].first);
    EXPECT_GE(reports[i].second, reports[i - 1].second);
  }
  EXPECT_EQ(reports.back().first, records.size());

  // Empty tables still get their file; an unwritable place gives an error.
  SimulatorOptions none = o;
  none.backlog_us = 0;
  none.rate_per_min = 0;
  const auto dir2 = dir.parent_path() / "empty";
  ASSERT_TRUE(WriteBacklogFiles(none, dir2, nullptr).ok());
  for (auto t : kSimulatorTables) EXPECT_TRUE(std::filesystem::exists(dir2 / (std::string(t) + ".ndjson"))) << t;
  std::ofstream(dir.parent_path() / "a-file") << "x";
  const Status bad = WriteBacklogFiles(o, dir.parent_path() / "a-file" / "sub", nullptr);
  EXPECT_FALSE(bad.ok());
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace tp::app
