// Internal to the simulator (app/simulator*.cpp): its random numbers. One
// generator, xoshiro256** seeded by splitmix64, and the distributions drawn
// from it, all written for tillpipe so that the same seed gives the same
// world with every standard library (std::random_device and the std::
// distributions are never used).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace tp::app::sim {

inline uint64_t SplitMix64(uint64_t& x) {
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

}  // namespace tp::app::sim
