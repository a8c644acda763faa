// The simulator's visitor sessions (app/simulator_world.h): when they
// arrive (a Poisson process following store time, weekdays and Black
// Friday), how they browse, and the page views they emit on the way to an
// order, a sign-up or nothing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "app/simulator_world.h"

namespace tp::app {

using namespace sim;  // the simulator's internals (app/simulator_world.h)

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

}  // namespace tp::app
