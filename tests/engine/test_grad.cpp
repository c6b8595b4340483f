// Gradients: every backward kernel of the kernel table is checked against
// centred finite differences of a double-precision forward written here from
// PyTorch's definitions, on small random shapes (stride > 1, padding,
// dilation, groups, ceil_mode, count_include_pad), with inputs kept away from
// ReLU kinks and max-pool ties. The loss is L = sum(out * R) for a fixed
// random R, so dL/dout = R. Judged by relative error
//   |analytic - numeric| / max(|analytic|, |numeric|, 1e-2) <= 1e-4
// on up to 40 sampled indices of every gradient. Every SIMD backward is also
// held against its op's reference on more shapes, and a whole network's
// parameter gradients (the trainer's, with softmax cross-entropy) against
// finite differences of the network in double precision.
// Largest relative errors seen (x86-64 AVX2): conv 1.6e-5, dense 1.4e-5,
// pooling 2.7e-7, activations 3.0e-7, the whole network 5e-7.
// To add a case: append a shape to a generator below; every backward kernel
// listed for the op is then checked on it.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "helpers.hpp"
#include "kernels/gemm.hpp"
#include "kernels/kernels.hpp"
#include "loss.hpp"
#include "train.hpp"

using namespace cnn;
using cnn_test::nchw;
using cnn_test::random_vector;
using Vec = std::vector<double>;

namespace {

constexpr double kStep = 1e-6;   // finite-difference step (double precision)
constexpr double kGradTol = 1e-4;
constexpr int kSamples = 40;

double rel_err(double a, double n) { return std::fabs(a - n) / std::max({std::fabs(a), std::fabs(n), 1e-2}); }

Vec to_d(const std::vector<float>& v) { return Vec(v.begin(), v.end()); }

// ---- double-precision forwards (PyTorch semantics) ---------------------------

void conv_fwd(const Conv2dParams& p, const Vec& x, const Vec& w, const Vec& b, Vec* y) {
  y->assign(size_t(p.n * p.oc * p.oh * p.ow), 0.0);
  const int64_t cg = p.c / p.groups, ocg = p.oc / p.groups;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.oc; ++o)
      for (int64_t oy = 0; oy < p.oh; ++oy)
        for (int64_t ox = 0; ox < p.ow; ++ox) {
          double s = b.empty() ? 0.0 : b[size_t(o)];
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh, ix = ox * p.sw - p.pad_l + kx * p.dw;
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                s += x[size_t(((n * p.c + (o / ocg) * cg + ci) * p.h + iy) * p.w + ix)] *
                     w[size_t(((o * cg + ci) * p.kh + ky) * p.kw + kx)];
              }
          (*y)[size_t(((n * p.oc + o) * p.oh + oy) * p.ow + ox)] = s;
        }
}

void pool_fwd(const Pool2dParams& p, bool is_max, const Vec& x, Vec* y) {
  y->assign(size_t(p.n * p.c * p.oh * p.ow), 0.0);
  for (int64_t pl = 0; pl < p.n * p.c; ++pl)
    for (int64_t oy = 0; oy < p.oh; ++oy)
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        int64_t y0 = oy * p.sh - p.pad_t, x0 = ox * p.sw - p.pad_l;
        int64_t y1 = std::min(y0 + p.kh, p.h + p.pad_t), x1 = std::min(x0 + p.kw, p.w + p.pad_l);
        const int64_t padded = (y1 - y0) * (x1 - x0);
        y0 = std::max<int64_t>(y0, 0);
        x0 = std::max<int64_t>(x0, 0);
        y1 = std::min(y1, p.h);
        x1 = std::min(x1, p.w);
        double m = -std::numeric_limits<double>::infinity(), s = 0.0;
        for (int64_t yy = y0; yy < y1; ++yy)
          for (int64_t xx = x0; xx < x1; ++xx) {
            const double v = x[size_t((pl * p.h + yy) * p.w + xx)];
            m = std::max(m, v);
            s += v;
          }
        const int64_t div = p.count_include_pad ? padded : (y1 - y0) * (x1 - x0);
        (*y)[size_t((pl * p.oh + oy) * p.ow + ox)] = is_max ? m : s / double(div);
      }
}

void dense_fwd(const DenseParams& p, const Vec& x, const Vec& w, const Vec& b, Vec* y) {
  y->assign(size_t(p.n * p.out), 0.0);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.out; ++o) {
      double s = b.empty() ? 0.0 : b[size_t(o)];
      for (int64_t i = 0; i < p.in; ++i) s += x[size_t(n * p.in + i)] * w[size_t(o * p.in + i)];
      (*y)[size_t(n * p.out + o)] = s;
    }
}

double act_d(Activation k, double slope, double x) {
  switch (k) {
    case Activation::None: return x;
    case Activation::ReLU: return x > 0 ? x : 0;
    case Activation::LeakyReLU: return x > 0 ? x : slope * x;
    case Activation::Sigmoid: return 1 / (1 + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
  }
  return x;
}

void softmax_fwd(int64_t outer, int64_t ch, int64_t inner, const Vec& x, Vec* y) {
  y->assign(x.size(), 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double m = -1e300, s = 0;
      for (int64_t c = 0; c < ch; ++c) m = std::max(m, x[size_t((o * ch + c) * inner + i)]);
      for (int64_t c = 0; c < ch; ++c) s += std::exp(x[size_t((o * ch + c) * inner + i)] - m);
      for (int64_t c = 0; c < ch; ++c)
        (*y)[size_t((o * ch + c) * inner + i)] = std::exp(x[size_t((o * ch + c) * inner + i)] - m) / s;
    }
}

double dot(const Vec& a, const Vec& r) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * r[i];
  return s;
}

// Centred differences of f at sampled indices of v, against the analytic grad.
// Returns the largest relative error seen.
double check_grad(const char* what, Vec& v, const float* analytic, const std::function<double()>& f, uint64_t seed) {
  cnn_test::Rng r(seed);
  const int64_t n = int64_t(v.size());
  double worst = 0;
  for (int s = 0; s < std::min<int64_t>(kSamples, n); ++s) {
    const int64_t i = n <= kSamples ? s : int64_t(r.next() % uint64_t(n));
    const double keep = v[size_t(i)];
    v[size_t(i)] = keep + kStep;
    const double up = f();
    v[size_t(i)] = keep - kStep;
    const double down = f();
    v[size_t(i)] = keep;
    const double numeric = (up - down) / (2 * kStep);
    const double e = rel_err(analytic[i], numeric);
    INFO(what << "[" << i << "]: analytic " << analytic[i] << ", numeric " << numeric);
    REQUIRE(e <= kGradTol);
    worst = std::max(worst, e);
  }
  return worst;
}

// Values in +-[0.05, 1]: no ReLU kink within the finite-difference step.
std::vector<float> away_from_zero(int64_t n, uint64_t seed) {
  auto v = random_vector(n, seed, 0.05f, 1.0f);
  cnn_test::Rng r(seed + 7);
  for (auto& x : v)
    if (r.next() & 1) x = -x;
  return v;
}

// Distinct values at least 1/n apart (a shuffled ramp): no max-pool ties.
std::vector<float> distinct(int64_t n, uint64_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = -1.0f + 2.0f * float(i) / float(n);
  cnn_test::Rng r(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(v[size_t(i)], v[size_t(r.next() % uint64_t(i + 1))]);
  return v;
}

struct ConvShape {
  int n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  Padding mode;
};

std::vector<ConvShape> conv_shapes(int random_count, uint64_t seed) {
  std::vector<ConvShape> v = {
      {2, 1, 8, 8, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1, Padding::Explicit},  // LeNet's first layer, small
      {1, 3, 9, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, Padding::Explicit},  // stride 2, padding
      {1, 2, 9, 10, 2, 3, 2, 1, 2, 2, 0, 2, 3, 1, Padding::Explicit}, // dilation, uneven
      {2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, Padding::Explicit},  // groups
      {1, 3, 5, 5, 3, 3, 3, 2, 1, 1, 1, 1, 1, 3, Padding::Explicit},  // depthwise, stride 2
      {1, 2, 6, 7, 2, 4, 4, 1, 1, 0, 0, 1, 1, 1, Padding::Same},      // 'same' with an even kernel
      {1, 2, 5, 5, 2, 1, 1, 3, 3, 0, 0, 1, 1, 1, Padding::Explicit},  // 1x1, stride > kernel
  };
  cnn_test::Rng r(seed);
  for (int i = 0; i < random_count; ++i) {
    ConvShape s;
    s.groups = r.range(1, 3);
    s.c = s.groups * r.range(1, 3);
    s.oc = s.groups * r.range(1, 4);
    s.n = r.range(1, 2);
    s.kh = r.range(1, 4);
    s.kw = r.range(1, 4);
    s.sh = r.range(1, 3);
    s.sw = r.range(1, 3);
    s.dh = r.range(1, 2);
    s.dw = r.range(1, 2);
    s.ph = r.range(0, 2);
    s.pw = r.range(0, 2);
    s.h = r.range(1, 11);
    s.w = r.range(1, 23);
    s.mode = Padding::Explicit;
    v.push_back(s);
  }
  return v;
}

bool conv_params(const ConvShape& cs, Conv2dParams* p) {
  Conv2dSpec s;
  s.in_channels = cs.c;
  s.out_channels = cs.oc;
  s.kernel_h = cs.kh;
  s.kernel_w = cs.kw;
  s.stride_h = cs.sh;
  s.stride_w = cs.sw;
  s.padding = cs.mode;
  s.pad_h = cs.ph;
  s.pad_w = cs.pw;
  s.dilation_h = cs.dh;
  s.dilation_w = cs.dw;
  s.groups = cs.groups;
  Geometry g;
  if (!conv2d_geometry(nchw(cs.n, cs.c, cs.h, cs.w), s, &g).is_ok()) return false;
  *p = conv2d_params(g, s);
  return true;
}

std::string describe(const Conv2dParams& p) {
  return "n=" + std::to_string(p.n) + " c=" + std::to_string(p.c) + " " + std::to_string(p.h) + "x" +
         std::to_string(p.w) + " oc=" + std::to_string(p.oc) + " k=" + std::to_string(p.kh) + "x" +
         std::to_string(p.kw) + " s=" + std::to_string(p.sh) + "," + std::to_string(p.sw) +
         " pad=" + std::to_string(p.pad_t) + "," + std::to_string(p.pad_l) + " d=" + std::to_string(p.dh) + "," +
         std::to_string(p.dw) + " g=" + std::to_string(p.groups);
}

struct ConvGrads {
  std::vector<float> dx, dw, db;
};

ConvGrads run_conv_backward(const Conv2dBackwardKernel& k, const Conv2dParams& p, const std::vector<float>& x,
                            const std::vector<float>& w, const std::vector<float>& dy, float prefill) {
  ConvGrads g;
  g.dx.assign(size_t(p.n * p.c * p.h * p.w), prefill);
  g.dw.assign(size_t(p.oc * p.k()), prefill);
  g.db.assign(size_t(p.oc), prefill);
  std::vector<float> scratch(size_t(k.scratch_floats(p)) + 1, std::numeric_limits<float>::quiet_NaN());
  k.backward(p, x.data(), w.data(), dy.data(), g.dx.data(), g.dw.data(), g.db.data(), scratch.data());
  return g;
}

}  // namespace

TEST_CASE("conv2d backward: every kernel against finite differences", "[grad][conv]") {
  const auto& kernels = conv2d_backward_kernels();
  REQUIRE(kernels.size() >= 2);
  REQUIRE(kernels[0].variant == Variant::Ref);
  int checked = 0;
  double worst = 0;
  uint64_t seed = 10;
  for (const ConvShape& cs : conv_shapes(12, 31)) {
    Conv2dParams p;
    if (!conv_params(cs, &p)) continue;
    const auto x = random_vector(p.n * p.c * p.h * p.w, seed++);
    const auto w = random_vector(p.oc * p.k(), seed++);
    const auto b = random_vector(p.oc, seed++);
    const auto R = random_vector(p.n * p.oc * p.oh * p.ow, seed++);
    Vec xd = to_d(x), wd = to_d(w), bd = to_d(b);
    const Vec Rd = to_d(R);
    Vec y;
    // The double forward is the engine's function: check that first.
    conv_fwd(p, xd, wd, bd, &y);
    std::vector<float> yf(y.size());
    conv2d_forward_ref(p, x.data(), w.data(), b.data(), yf.data());
    for (size_t i = 0; i < y.size(); ++i) REQUIRE(std::fabs(yf[i] - y[i]) <= 1e-4 * (1 + std::fabs(y[i])));
    const auto loss = [&] {
      conv_fwd(p, xd, wd, bd, &y);
      return dot(y, Rd);
    };
    for (const Conv2dBackwardKernel& k : kernels) {
      if (!k.applies(p)) continue;
      INFO(k.name << " " << describe(p));
      const ConvGrads g = run_conv_backward(k, p, x, w, R, 0.0f);
      worst = std::max(worst, check_grad("in_grad", xd, g.dx.data(), loss, seed));
      worst = std::max(worst, check_grad("weight_grad", wd, g.dw.data(), loss, seed + 1));
      worst = std::max(worst, check_grad("bias_grad", bd, g.db.data(), loss, seed + 2));
      // Backward accumulates: a second call adds the same again.
      const ConvGrads twice = run_conv_backward(k, p, x, w, R, 0.0f);
      std::vector<float> dx2 = twice.dx;
      std::vector<float> scratch(size_t(k.scratch_floats(p)) + 1);
      std::vector<float> dw2 = twice.dw, db2 = twice.db;
      k.backward(p, x.data(), w.data(), R.data(), dx2.data(), dw2.data(), db2.data(), scratch.data());
      for (size_t i = 0; i < dx2.size(); ++i) REQUIRE(dx2[i] == Approx(2 * g.dx[i]).margin(1e-5));
      for (size_t i = 0; i < dw2.size(); ++i) REQUIRE(dw2[i] == Approx(2 * g.dw[i]).margin(1e-5));
      ++checked;
    }
  }
  REQUIRE(checked >= 30);
}

TEST_CASE("conv2d backward: every SIMD kernel matches the reference; null gradients are skipped", "[grad][conv]") {
  const auto& kernels = conv2d_backward_kernels();
  const int W = gemm::kWidth;
  std::vector<ConvShape> shapes = conv_shapes(60, 77);
  shapes.push_back({4, 8, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1, Padding::Explicit});  // LeNet's second layer
  for (int size : {W - 1, W, W + 1, 2 * W + 1})
    for (int oc : {1, gemm::MR - 1, gemm::MR + 1, 2 * gemm::MR + 3})
      if (size >= 1) shapes.push_back({1, 2, size + 2, size + 3, oc, 3, 3, 1, 1, 0, 0, 1, 1, 1, Padding::Explicit});
  // Output channels per group on both sides of the choice of the
  // channels-in-lanes weight gradient (conv.cpp's lanes_preferred: at least
  // 3/4 of the lanes used), 1..4 vectors of them, tap counts that are not
  // multiples of a tile.
  for (int oc : {W - 1, W, W + 1, 2 * W, 3 * W, 4 * W + 1})
    if (oc >= 1) {
      shapes.push_back({2, 1, 28, 28, oc, 5, 5, 1, 1, 2, 2, 1, 1, 1, Padding::Explicit});
      shapes.push_back({1, 3, 9, 8, oc, 3, 2, 2, 1, 1, 0, 1, 2, 1, Padding::Explicit});
      shapes.push_back({2, 4, 6, 6, 2 * oc, 3, 3, 1, 1, 1, 1, 1, 1, 2, Padding::Explicit});
    }
  int tested = 0;
  uint64_t seed = 300;
  for (const ConvShape& cs : shapes) {
    Conv2dParams p;
    if (!conv_params(cs, &p)) continue;
    const auto x = random_vector(p.n * p.c * p.h * p.w, seed++);
    const auto w = random_vector(p.oc * p.k(), seed++);
    const auto dy = random_vector(p.n * p.oc * p.oh * p.ow, seed++);
    const ConvGrads ref = run_conv_backward(kernels[0], p, x, w, dy, 0.5f);
    for (const Conv2dBackwardKernel& k : kernels) {
      if (k.variant == Variant::Ref || !k.applies(p)) continue;
      INFO(k.name << " " << describe(p));
      const ConvGrads g = run_conv_backward(k, p, x, w, dy, 0.5f);
      REQUIRE(cnn_test::max_rel_diff(g.dx.data(), ref.dx.data(), int64_t(g.dx.size())) <= 1e-4);
      REQUIRE(cnn_test::max_rel_diff(g.dw.data(), ref.dw.data(), int64_t(g.dw.size())) <= 1e-4);
      REQUIRE(cnn_test::max_rel_diff(g.db.data(), ref.db.data(), int64_t(g.db.size())) <= 1e-4);
      // Only the weight gradient wanted: the others are not touched.
      std::vector<float> dw(ref.dw.size(), 0.5f), scratch(size_t(k.scratch_floats(p)) + 1);
      k.backward(p, x.data(), w.data(), dy.data(), nullptr, dw.data(), nullptr, scratch.data());
      REQUIRE(cnn_test::max_rel_diff(dw.data(), ref.dw.data(), int64_t(dw.size())) <= 1e-4);
      ++tested;
    }
  }
  REQUIRE(tested >= 60);
}

TEST_CASE("dense backward: every kernel against finite differences and the reference", "[grad][dense]") {
  const auto& kernels = dense_backward_kernels();
  REQUIRE(kernels[0].variant == Variant::Ref);
  REQUIRE(kernels.size() >= 2);
  const int W = gemm::kWidth;
  uint64_t seed = 700;
  double worst = 0;
  for (int n : {1, 3, gemm::MR + 1})
    for (int in_f : {1, W + 1, 37})
      for (int out_f : {1, 10, gemm::NR + 1}) {
        DenseParams p;
        p.n = n;
        p.in = in_f;
        p.out = out_f;
        const auto x = random_vector(int64_t(n) * in_f, seed++);
        const auto w = random_vector(int64_t(out_f) * in_f, seed++);
        const auto b = random_vector(out_f, seed++);
        const auto R = random_vector(int64_t(n) * out_f, seed++);
        Vec xd = to_d(x), wd = to_d(w), bd = to_d(b), y;
        const Vec Rd = to_d(R);
        const auto loss = [&] {
          dense_fwd(p, xd, wd, bd, &y);
          return dot(y, Rd);
        };
        std::vector<float> rdx, rdw, rdb;
        for (const DenseBackwardKernel& k : kernels) {
          if (!k.applies(p)) continue;
          INFO(k.name << " n=" << n << " in=" << in_f << " out=" << out_f);
          std::vector<float> dx(x.size(), 0.0f), dw(w.size(), 0.0f), db(b.size(), 0.0f);
          std::vector<float> scratch(size_t(k.scratch_floats(p)) + 1, std::numeric_limits<float>::quiet_NaN());
          k.backward(p, x.data(), w.data(), R.data(), dx.data(), dw.data(), db.data(), scratch.data());
          worst = std::max(worst, check_grad("in_grad", xd, dx.data(), loss, seed));
          worst = std::max(worst, check_grad("weight_grad", wd, dw.data(), loss, seed + 1));
          worst = std::max(worst, check_grad("bias_grad", bd, db.data(), loss, seed + 2));
          if (k.variant == Variant::Ref) {
            rdx = dx, rdw = dw, rdb = db;
          } else {
            REQUIRE(cnn_test::max_rel_diff(dx.data(), rdx.data(), int64_t(dx.size())) <= 1e-4);
            REQUIRE(cnn_test::max_rel_diff(dw.data(), rdw.data(), int64_t(dw.size())) <= 1e-4);
            REQUIRE(cnn_test::max_rel_diff(db.data(), rdb.data(), int64_t(db.size())) <= 1e-4);
          }
        }
      }
}

TEST_CASE("pooling backward: every kernel against finite differences, inputs without ties", "[grad][pool]") {
  struct Case {
    int n, c, h, w, kh, kw, sh, sw, ph, pw;
    bool ceil_mode, count_include_pad;
  };
  std::vector<Case> cases = {
      {2, 2, 8, 8, 2, 2, 2, 2, 0, 0, false, true},   // LeNet's pooling
      {1, 2, 7, 7, 3, 3, 2, 2, 1, 1, false, true},   // overlapping, padded
      {1, 1, 7, 9, 3, 2, 1, 2, 1, 1, false, false},  // count_include_pad off
      {1, 2, 5, 5, 2, 2, 2, 2, 1, 1, true, true},    // ceil_mode: clipped last window
      {1, 1, 6, 5, 2, 3, 2, 2, 0, 1, true, false},
  };
  cnn_test::Rng r(55);
  for (int i = 0; i < 20; ++i) {
    Case c;
    c.n = r.range(1, 2);
    c.c = r.range(1, 3);
    c.kh = r.range(1, 4);
    c.kw = r.range(1, 4);
    c.sh = r.range(1, 3);
    c.sw = r.range(1, 3);
    c.ph = r.range(0, c.kh / 2);
    c.pw = r.range(0, c.kw / 2);
    c.h = r.range(1, 10);
    c.w = r.range(1, 12);
    c.ceil_mode = r.range(0, 1);
    c.count_include_pad = r.range(0, 1);
    cases.push_back(c);
  }
  int checked = 0;
  uint64_t seed = 900;
  double worst = 0;
  for (const Case& c : cases)
    for (bool is_max : {true, false}) {
      Pool2dSpec s = LayerSpec::avgpool2d(c.kh, c.sh, 0, c.ceil_mode, c.count_include_pad).pool;
      s.kernel_w = c.kw;
      s.stride_w = c.sw;
      s.pad_h = c.ph;
      s.pad_w = c.pw;
      Geometry g;
      if (!pool2d_geometry(nchw(c.n, c.c, c.h, c.w), s, is_max, &g).is_ok()) continue;
      const Pool2dParams p = pool2d_params(g, s);
      const auto x = distinct(g.in.elements(), seed++);
      const auto R = random_vector(g.out.elements(), seed++);
      Vec xd = to_d(x), y;
      const Vec Rd = to_d(R);
      std::vector<float> out(size_t(g.out.elements()));
      (is_max ? maxpool2d_forward_kernels() : avgpool2d_forward_kernels())[0].forward(p, x.data(), out.data(), nullptr);
      pool_fwd(p, is_max, xd, &y);
      for (size_t i = 0; i < y.size(); ++i) REQUIRE(std::fabs(out[i] - y[i]) <= 1e-5);
      const auto loss = [&] {
        pool_fwd(p, is_max, xd, &y);
        return dot(y, Rd);
      };
      for (const Pool2dBackwardKernel& k : is_max ? maxpool2d_backward_kernels() : avgpool2d_backward_kernels()) {
        if (!k.applies(p)) continue;
        INFO(k.name << " " << c.h << "x" << c.w << " k=" << c.kh << "x" << c.kw << " s=" << c.sh << "," << c.sw
                    << " pad=" << c.ph << "," << c.pw << " ceil=" << c.ceil_mode << " cip=" << c.count_include_pad);
        std::vector<float> dx(x.size(), 0.0f);
        k.backward(p, x.data(), out.data(), R.data(), dx.data());
        worst = std::max(worst, check_grad("in_grad", xd, dx.data(), loss, seed));
        ++checked;
      }
    }
  REQUIRE(checked >= 40);
}

TEST_CASE("max pooling backward: every SIMD kernel gives the reference's bits, ties included", "[grad][pool]") {
  // Inputs drawn from a few values, so most windows hold ties; 2x2 windows
  // at stride 2 (the SIMD path) at widths around 4 windows per vector, odd
  // sizes that leave a row or column out, and shapes the SIMD kernel hands
  // to the reference.
  struct Case {
    int n, c, h, w, k, s;
  };
  std::vector<Case> cases = {{2, 3, 28, 28, 2, 2}, {1, 16, 10, 10, 2, 2}, {1, 2, 9, 17, 2, 2}, {1, 1, 2, 2, 2, 2},
                             {1, 2, 7, 7, 3, 2},   {1, 1, 6, 6, 2, 1}};
  for (int ow : {1, 3, 4, 5, 7, 8, 9}) cases.push_back({1, 2, 2 * ow + 1, 2 * ow, 2, 2});
  uint64_t seed = 4000;
  for (const Case& c : cases) {
    Pool2dSpec s = LayerSpec::maxpool2d(c.k, c.s).pool;
    Geometry g;
    REQUIRE(pool2d_geometry(nchw(c.n, c.c, c.h, c.w), s, true, &g).is_ok());
    const Pool2dParams p = pool2d_params(g, s);
    auto x = random_vector(g.in.elements(), seed++);
    for (float& v : x) v = std::round(v * 2.0f);  // -2 .. 2: many ties
    const auto dy = random_vector(g.out.elements(), seed++);
    std::vector<float> out(size_t(g.out.elements()));
    maxpool2d_forward_kernels()[0].forward(p, x.data(), out.data(), nullptr);
    std::vector<float> ref(x.size(), 0.25f);
    maxpool2d_backward_kernels()[0].backward(p, x.data(), out.data(), dy.data(), ref.data());
    for (const auto& k : maxpool2d_backward_kernels()) {
      if (!k.applies(p)) continue;
      INFO(k.name << " " << c.h << "x" << c.w << " k=" << c.k << " s=" << c.s);
      std::vector<float> dx(x.size(), 0.25f);
      k.backward(p, x.data(), out.data(), dy.data(), dx.data());
      REQUIRE(std::memcmp(dx.data(), ref.data(), sizeof(float) * dx.size()) == 0);
    }
  }
}

TEST_CASE("max pooling backward sends a tie's gradient to the first maximum, as PyTorch", "[grad][pool]") {
  const float X[4] = {3, 3, 1, 3};
  const float dy[1] = {2};
  Pool2dSpec s = LayerSpec::maxpool2d(2).pool;
  Geometry g;
  REQUIRE(pool2d_geometry(nchw(1, 1, 2, 2), s, true, &g).is_ok());
  for (const auto& k : maxpool2d_backward_kernels()) {
    if (!k.applies(pool2d_params(g, s))) continue;
    float out[1] = {3}, dx[4] = {0, 0, 0, 0};
    k.backward(pool2d_params(g, s), X, out, dy, dx);
    REQUIRE(dx[0] == 2);
    REQUIRE(dx[1] == 0);
    REQUIRE(dx[3] == 0);
  }
}

TEST_CASE("activation backward: every kernel against finite differences and the reference", "[grad][activation]") {
  const int W = gemm::kWidth;
  double worst = 0;
  for (int n : {1, W - 1, W, W + 1, 3 * W + 2, 101}) {
    if (n < 1) continue;
    for (Activation kind :
         {Activation::None, Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh}) {
      const auto x = away_from_zero(n, uint64_t(n) * 3 + uint64_t(kind));
      const auto R = random_vector(n, uint64_t(n) + 99);
      std::vector<float> y(static_cast<size_t>(n));
      activation_forward_kernels()[0].forward(kind, 0.1f, n, x.data(), y.data());
      Vec xd = to_d(x);
      const Vec Rd = to_d(R);
      const auto loss = [&] {
        double s = 0;
        for (int i = 0; i < n; ++i) s += act_d(kind, 0.1, xd[size_t(i)]) * Rd[size_t(i)];
        return s;
      };
      std::vector<float> ref(static_cast<size_t>(n), 0.25f);
      activation_backward_kernels()[0].backward(kind, 0.1f, n, x.data(), y.data(), R.data(), ref.data());
      for (const auto& k : activation_backward_kernels()) {
        INFO(k.name << " n=" << n << " kind=" << int(kind));
        std::vector<float> dx(static_cast<size_t>(n), 0.0f);
        k.backward(kind, 0.1f, n, x.data(), y.data(), R.data(), dx.data());
        worst = std::max(worst, check_grad("in_grad", xd, dx.data(), loss, 4));
        std::vector<float> acc(static_cast<size_t>(n), 0.25f);
        k.backward(kind, 0.1f, n, x.data(), y.data(), R.data(), acc.data());
        REQUIRE(cnn_test::max_rel_diff(acc.data(), ref.data(), n) <= 1e-5);
      }
    }
  }
}

TEST_CASE("softmax backward against finite differences, over channels of N,C and N,C,H,W", "[grad][softmax]") {
  struct Case { int outer, channels, inner; };
  for (Case c : {Case{3, 10, 1}, Case{2, 4, 5}, Case{1, 1, 3}}) {
    const int64_t n = int64_t(c.outer) * c.channels * c.inner;
    const auto x = random_vector(n, 17, -3.0f, 3.0f);
    const auto R = random_vector(n, 18);
    std::vector<float> y(static_cast<size_t>(n));
    softmax_forward_kernels()[0].forward(c.outer, c.channels, c.inner, x.data(), y.data());
    Vec xd = to_d(x), yd;
    const Vec Rd = to_d(R);
    const auto loss = [&] {
      softmax_fwd(c.outer, c.channels, c.inner, xd, &yd);
      return dot(yd, Rd);
    };
    for (const auto& k : softmax_backward_kernels()) {
      INFO(k.name << " " << c.outer << "x" << c.channels << "x" << c.inner);
      std::vector<float> dx(static_cast<size_t>(n), 0.0f);
      k.backward(c.outer, c.channels, c.inner, y.data(), R.data(), dx.data());
      check_grad("in_grad", xd, dx.data(), loss, 5);
    }
  }
}

TEST_CASE("softmax cross-entropy: hand-computed values, stability and gradient", "[grad][loss]") {
  // Two equal logits: loss log 2, gradient (1/2 - 1, 1/2) / N.
  const float z[4] = {0, 0, 3, 1};
  const int32_t y[2] = {0, 1};
  float g[4] = {0, 0, 0, 0};
  LossResult r;
  REQUIRE(softmax_cross_entropy(2, 2, z, y, g, &r).is_ok());
  const double l2 = std::log(1 + std::exp(2.0));  // -log softmax([3,1])[1]
  REQUIRE(r.loss == Approx((std::log(2.0) + l2) / 2));
  REQUIRE(r.correct == 1);  // the tie picks class 0 (right); [3,1] picks 0 (wrong)
  REQUIRE(g[0] == Approx(-0.25));
  REQUIRE(g[1] == Approx(0.25));
  REQUIRE(g[3] == Approx((1 / (1 + std::exp(2.0)) - 1) / 2));
  // Huge logits stay finite.
  const float big[3] = {1000, -1000, 999};
  const int32_t lbl[1] = {2};
  REQUIRE(softmax_cross_entropy(1, 3, big, lbl, nullptr, &r).is_ok());
  REQUIRE(r.loss == Approx(1 + std::log(1 + std::exp(-1.0))));  // 999 - 1000 - log(1 + e^-1)
  // Finite differences on random logits.
  const auto logits = random_vector(4 * 7, 3, -4.0f, 4.0f);
  const int32_t labels[4] = {0, 6, 3, 3};
  std::vector<float> grad(logits.size(), 0.0f);
  REQUIRE(softmax_cross_entropy(4, 7, logits.data(), labels, grad.data(), &r).is_ok());
  Vec zd = to_d(logits);
  const auto loss = [&] {
    double t = 0;
    for (int i = 0; i < 4; ++i) {
      double m = -1e300, s = 0;
      for (int c = 0; c < 7; ++c) m = std::max(m, zd[size_t(i * 7 + c)]);
      for (int c = 0; c < 7; ++c) s += std::exp(zd[size_t(i * 7 + c)] - m);
      t += -(zd[size_t(i * 7 + labels[i])] - m - std::log(s));
    }
    return t / 4;
  };
  check_grad("logits_grad", zd, grad.data(), loss, 6);
  // Label smoothing e: the target is (1 - e) * onehot + e / C (PyTorch's label_smoothing).
  const float two[2] = {0, 0};
  const int32_t first[1] = {0};
  float g2[2] = {0, 0};
  REQUIRE(softmax_cross_entropy(1, 2, two, first, g2, &r, -1.0, 0.2).is_ok());
  REQUIRE(r.loss == Approx(std::log(2.0)));  // uniform output: the same loss for any target
  REQUIRE(g2[0] == Approx(0.5 - 0.9));
  REQUIRE(g2[1] == Approx(0.5 - 0.1));
  std::vector<float> sgrad(logits.size(), 0.0f);
  REQUIRE(softmax_cross_entropy(4, 7, logits.data(), labels, sgrad.data(), &r, -1.0, 0.1).is_ok());
  const auto smoothed = [&] {
    double t = 0;
    for (int i = 0; i < 4; ++i) {
      double m = -1e300, s = 0;
      for (int c = 0; c < 7; ++c) m = std::max(m, zd[size_t(i * 7 + c)]);
      for (int c = 0; c < 7; ++c) s += std::exp(zd[size_t(i * 7 + c)] - m);
      for (int c = 0; c < 7; ++c)
        t -= (c == labels[i] ? 0.9 + 0.1 / 7 : 0.1 / 7) * (zd[size_t(i * 7 + c)] - m - std::log(s));
    }
    return t / 4;
  };
  REQUIRE(r.loss == Approx(smoothed()));
  check_grad("smoothed logits_grad", zd, sgrad.data(), smoothed, 7);
  REQUIRE_FALSE(softmax_cross_entropy(1, 2, two, first, nullptr, &r, -1.0, 1.0).is_ok());
  // A label outside the classes is an error naming the sample.
  const int32_t bad[2] = {0, 7};
  const Status st = softmax_cross_entropy(2, 2, z, bad, g, &r);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("sample 1 has label 7") != std::string::npos);
}

namespace {

// A small network with every layer kind; its double-precision twin below.
std::vector<LayerSpec> every_kind() {
  // 2x9x9 -> 4x5x5 (stride 2) -> 6x3x3 (dilation 2, groups 2) -> 6x2x2 (max) -> 6x3x3 (avg, padded)
  LayerSpec c2 = LayerSpec::conv2d(4, 6, 3, 1, 1, 2, 2);
  return {LayerSpec::conv2d(2, 4, 3, 2, 1),  LayerSpec::leaky_relu(0.1f),
          c2,                                 LayerSpec::simple(LayerKind::ReLU),
          LayerSpec::maxpool2d(2, 1),         LayerSpec::simple(LayerKind::Tanh),
          LayerSpec::avgpool2d(2, 1, 1, false, false), LayerSpec::simple(LayerKind::Flatten),
          LayerSpec::dense_layer(6 * 3 * 3, 7), LayerSpec::simple(LayerKind::Sigmoid),
          LayerSpec::dense_layer(7, 5),       LayerSpec::simple(LayerKind::Softmax)};
}

double network_loss_d(Network& net, const Vec& params, const Vec& x, const int32_t* labels, int64_t n) {
  Vec cur = x, next;
  for (int i = 0; i < net.num_layers() - 1; ++i) {  // the last layer is the softmax: the loss takes logits
    const LayerSpec& s = net.spec(i);
    const Geometry& g = net.geometry(i);
    auto slice = [&](int64_t off, int64_t count) {
      return Vec(params.begin() + off, params.begin() + off + count);
    };
    switch (s.kind) {
      case LayerKind::Conv2d:
        conv_fwd(conv2d_params(g, s.conv), cur, slice(net.weight_offset(i), net.weight_count(i)),
                 slice(net.bias_offset(i), net.bias_count(i)), &next);
        break;
      case LayerKind::Dense: {
        DenseParams p;
        p.n = n;
        p.in = s.dense.in_features;
        p.out = s.dense.out_features;
        dense_fwd(p, cur, slice(net.weight_offset(i), net.weight_count(i)), slice(net.bias_offset(i), net.bias_count(i)),
                  &next);
        break;
      }
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d:
        pool_fwd(pool2d_params(g, s.pool), s.kind == LayerKind::MaxPool2d, cur, &next);
        break;
      case LayerKind::ReLU: next = cur; for (auto& v : next) v = act_d(Activation::ReLU, 0, v); break;
      case LayerKind::LeakyReLU: next = cur; for (auto& v : next) v = act_d(Activation::LeakyReLU, s.negative_slope, v); break;
      case LayerKind::Sigmoid: next = cur; for (auto& v : next) v = act_d(Activation::Sigmoid, 0, v); break;
      case LayerKind::Tanh: next = cur; for (auto& v : next) v = act_d(Activation::Tanh, 0, v); break;
      case LayerKind::Flatten: next = cur; break;
      case LayerKind::Softmax: softmax_fwd(g.out.n(), g.out.c(), g.out.h() * g.out.w(), cur, &next); break;
    }
    cur.swap(next);
  }
  const int64_t classes = int64_t(cur.size()) / n;
  double t = 0;
  for (int64_t i = 0; i < n; ++i) {
    double m = -1e300, s = 0;
    for (int64_t c = 0; c < classes; ++c) m = std::max(m, cur[size_t(i * classes + c)]);
    for (int64_t c = 0; c < classes; ++c) s += std::exp(cur[size_t(i * classes + c)] - m);
    t += -(cur[size_t(i * classes + labels[i])] - m - std::log(s));
  }
  return t / double(n);
}

}  // namespace

TEST_CASE("a network's parameter gradients (trainer, cross-entropy) against finite differences", "[grad][train]") {
  for (Variant v : {Variant::Ref, Variant::Simd}) {
    std::unique_ptr<Network> net;
    REQUIRE(Network::create(every_kind(), &net).is_ok());
    REQUIRE(net->set_variant(v).is_ok());
    net->init_params(5);
    std::unique_ptr<Trainer> trainer;
    REQUIRE(Trainer::create(net.get(), OptimizerConfig::sgd(0.1f), &trainer).is_ok());
    trainer->set_input_grad(true);
    const int64_t n = 3;
    const Status planned = trainer->plan(nchw(n, 2, 9, 9));
    INFO(planned.message());
    REQUIRE(planned.is_ok());
    REQUIRE(trainer->logits_layer() == net->num_layers() - 2);
    const auto x = random_vector(n * 2 * 81, 12);
    const int32_t labels[3] = {4, 0, 2};
    StepStats st;
    REQUIRE(trainer->compute_gradients(x.data(), labels, n, &st).is_ok());
    Vec params(net->params(), net->params() + net->param_count());
    Vec xd = to_d(x);
    const auto loss = [&] { return network_loss_d(*net, params, xd, labels, n); };
    REQUIRE(st.loss == Approx(loss()).epsilon(1e-5));
    INFO("variant " << variant_name(v));
    double worst = 0;
    for (int i = 0; i < net->num_layers(); ++i) {
      if (!net->weight_count(i)) continue;
      INFO("layer " << i);
      // Sample indices of this layer's weight and bias.
      cnn_test::Rng r(uint64_t(i) + 1);
      for (int s = 0; s < 25; ++s) {
        const bool bias = s % 5 == 4;
        const int64_t count = bias ? net->bias_count(i) : net->weight_count(i);
        const int64_t idx = (bias ? net->bias_offset(i) : net->weight_offset(i)) + int64_t(r.next() % uint64_t(count));
        const double keep = params[size_t(idx)];
        params[size_t(idx)] = keep + kStep;
        const double up = loss();
        params[size_t(idx)] = keep - kStep;
        const double down = loss();
        params[size_t(idx)] = keep;
        const double numeric = (up - down) / (2 * kStep);
        const double analytic = trainer->param_grads()[idx];
        INFO("parameter " << idx << ": analytic " << analytic << ", numeric " << numeric);
        REQUIRE(rel_err(analytic, numeric) <= kGradTol);
        worst = std::max(worst, rel_err(analytic, numeric));
      }
    }
    // The input gradient too.
    worst = std::max(worst, [&] {
      const TensorView dx = trainer->activation_grad(-1);
      REQUIRE(dx.shape == nchw(n, 2, 9, 9));
      double w = 0;
      cnn_test::Rng r(99);
      for (int s = 0; s < 30; ++s) {
        const size_t idx = size_t(r.next() % xd.size());
        const double keep = xd[idx];
        xd[idx] = keep + kStep;
        const double up = loss();
        xd[idx] = keep - kStep;
        const double down = loss();
        xd[idx] = keep;
        const double numeric = (up - down) / (2 * kStep);
        INFO("input " << idx << ": analytic " << dx.data[idx] << ", numeric " << numeric);
        REQUIRE(rel_err(dx.data[idx], numeric) <= kGradTol);
        w = std::max(w, rel_err(dx.data[idx], numeric));
      }
      return w;
    }());
    REQUIRE(worst <= kGradTol);
  }
}
