// The simulator's catalog (app/simulator_world.h): brands, the sellers that
// own or resell them, their products, and the customers; the catalog that
// exists when the backlog starts and its growth afterwards.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/simulator_world.h"

namespace tp::app {

using namespace sim;  // the simulator's internals (app/simulator_world.h)

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

}  // namespace tp::app
