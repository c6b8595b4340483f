// Shared helpers for the engine tests: seeded random data and comparisons.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "network.hpp"

namespace cnn_test {

// A small, portable generator so every platform sees the same numbers.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  float uniform(float lo = -1.0f, float hi = 1.0f) {
    return lo + (hi - lo) * float(next() >> 40) * (1.0f / 16777216.0f);
  }
  int range(int lo, int hi) { return lo + int(next() % uint64_t(hi - lo + 1)); }
};

inline std::vector<float> random_vector(int64_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  Rng r(seed);
  std::vector<float> v(size_t(n > 0 ? n : 0));
  for (auto& x : v) x = r.uniform(lo, hi);
  return v;
}

// Largest |a-b| / (1 + |b|) over the two vectors.
inline double max_rel_diff(const float* a, const float* b, int64_t n) {
  double m = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = std::fabs(double(a[i]) - double(b[i])) / (1.0 + std::fabs(double(b[i])));
    if (!(d <= m)) m = d;  // NaN propagates as a failure
  }
  return m;
}

inline cnn::Shape nchw(int64_t n, int64_t c, int64_t h, int64_t w) {
  cnn::Shape s;
  REQUIRE(cnn::Shape::nchw(n, c, h, w, &s).is_ok());
  return s;
}

inline cnn::Shape nf(int64_t n, int64_t f) {
  cnn::Shape s;
  REQUIRE(cnn::Shape::nf(n, f, &s).is_ok());
  return s;
}

}  // namespace cnn_test
