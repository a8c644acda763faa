// The simulator's orders (app/simulator_world.h): an order's items, fate and
// timeline, drawn when a session checks out, and the payments and review
// that follow it.
#include <algorithm>
#include <cstdint>

#include "app/simulator_world.h"

namespace tp::app {

using namespace sim;  // the simulator's internals (app/simulator_world.h)

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

}  // namespace tp::app
