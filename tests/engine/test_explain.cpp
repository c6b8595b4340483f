// Explaining one output cell (engine/explain.hpp): for every cell of
// generated conv and pooling layers (stride, padding, 'same', dilation,
// groups, ceil_mode, count_include_pad), the listed products, added in the
// listed order (padding skipped) plus the bias, must give exactly the
// reference kernel's output at that cell, and every listed value, weight and
// coordinate must be the one the kernel reads. The SIMD kernels agree within
// the kernel tests' tolerance. Bad requests get a message and change nothing.
// To add a case: append a shape to conv_cases() or pool_cases(); every cell
// of it is then explained and checked.
#include <cmath>
#include <limits>
#include <string>

#include "explain.hpp"
#include "helpers.hpp"
#include "kernels/kernels.hpp"

using namespace cnn;
using cnn_test::nchw;
using cnn_test::random_vector;

namespace {

struct ConvCase {
  int c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  Padding mode;
  bool bias;
};

std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> v = {
      {1, 5, 5, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, Padding::Explicit, true},    // the lecture's stride 2, pad 1
      {1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1, Padding::Explicit, true},  // a digit model's first layer
      {3, 8, 8, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1, Padding::Explicit, true},    // RGB
      {3, 6, 6, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, Padding::Explicit, false},   // 1x1, no bias
      {1, 7, 9, 2, 3, 3, 1, 1, 0, 0, 2, 3, 1, Padding::Explicit, true},    // dilation
      {1, 6, 6, 1, 4, 4, 1, 1, 0, 0, 1, 1, 1, Padding::Same, true},        // 'same', even kernel: uneven padding
      {2, 7, 7, 3, 3, 3, 1, 1, 0, 0, 2, 2, 1, Padding::Same, true},        // 'same' with dilation
      {1, 5, 5, 2, 2, 2, 1, 1, 5, 5, 1, 1, 1, Padding::Valid, true},       // 'valid' ignores pad_h/pad_w
      {6, 8, 8, 9, 3, 3, 2, 1, 1, 2, 1, 1, 3, Padding::Explicit, true},    // groups
      {4, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, Padding::Explicit, true},    // depthwise
      {1, 4, 4, 1, 3, 3, 1, 1, 3, 3, 1, 1, 1, Padding::Explicit, true},    // padding wider than the kernel
      {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, Padding::Explicit, true},    // everything 1
  };
  cnn_test::Rng r(77);
  for (int i = 0; i < 30; ++i) {
    ConvCase c;
    c.groups = r.range(1, 3);
    c.c = c.groups * r.range(1, 3);
    c.oc = c.groups * r.range(1, 3);
    c.kh = r.range(1, 5);
    c.kw = r.range(1, 5);
    c.sh = r.range(1, 3);
    c.sw = r.range(1, 3);
    c.dh = r.range(1, 2);
    c.dw = r.range(1, 2);
    c.ph = r.range(0, 3);
    c.pw = r.range(0, 3);
    c.h = r.range(1, 12);
    c.w = r.range(1, 12);
    c.mode = Padding::Explicit;
    c.bias = r.range(0, 3) != 0;
    v.push_back(c);
  }
  return v;
}

LayerSpec conv_spec(const ConvCase& cc) {
  LayerSpec s = LayerSpec::conv2d(cc.c, cc.oc, 1, 1, 0, 1, cc.groups, cc.bias);
  s.conv.kernel_h = cc.kh;
  s.conv.kernel_w = cc.kw;
  s.conv.stride_h = cc.sh;
  s.conv.stride_w = cc.sw;
  s.conv.pad_h = cc.ph;
  s.conv.pad_w = cc.pw;
  s.conv.dilation_h = cc.dh;
  s.conv.dilation_w = cc.dw;
  s.conv.padding = cc.mode;
  return s;
}

struct PoolCase {
  int c, h, w, kh, kw, sh, sw, ph, pw;
  bool ceil_mode, count_include_pad;
};

std::vector<PoolCase> pool_cases() {
  std::vector<PoolCase> v = {
      {1, 4, 4, 2, 2, 2, 2, 0, 0, false, true},  // the lecture's 2x2 max pool, stride 2
      {2, 5, 5, 2, 2, 2, 2, 0, 0, false, true},  // odd size: the floor drops a row and a column
      {2, 5, 5, 2, 2, 2, 2, 0, 0, true, true},   // ceil_mode: a clipped window at the edge
      {1, 6, 7, 3, 3, 2, 2, 1, 1, false, true},  // padding counted in the average
      {1, 6, 7, 3, 3, 2, 2, 1, 1, false, false}, // ... or not
      {1, 7, 7, 3, 3, 2, 2, 1, 1, true, false},  // ceil_mode with padding
      {3, 5, 8, 1, 1, 1, 1, 0, 0, false, true},  // 1x1 window
      {1, 3, 9, 3, 2, 1, 3, 0, 1, false, true},  // stride above the window
  };
  cnn_test::Rng r(88);
  for (int i = 0; i < 30; ++i) {
    PoolCase p;
    p.c = r.range(1, 3);
    p.kh = r.range(1, 4);
    p.kw = r.range(1, 4);
    p.sh = r.range(1, 4);
    p.sw = r.range(1, 4);
    p.ph = r.range(0, p.kh / 2);
    p.pw = r.range(0, p.kw / 2);
    p.h = r.range(1, 11);
    p.w = r.range(1, 11);
    p.ceil_mode = r.range(0, 1) == 1;
    p.count_include_pad = r.range(0, 1) == 1;
    v.push_back(p);
  }
  return v;
}

LayerSpec pool_spec(const PoolCase& pc, bool is_max) {
  LayerSpec s = is_max ? LayerSpec::maxpool2d(1, 1, 0, pc.ceil_mode)
                       : LayerSpec::avgpool2d(1, 1, 0, pc.ceil_mode, pc.count_include_pad);
  s.pool.kernel_h = pc.kh;
  s.pool.kernel_w = pc.kw;
  s.pool.stride_h = pc.sh;
  s.pool.stride_w = pc.sw;
  s.pool.pad_h = pc.ph;
  s.pool.pad_w = pc.pw;
  return s;
}

float at(const std::vector<float>& in, const Shape& s, int64_t n, int64_t c, int64_t y, int64_t x) {
  return in[size_t(((n * s.c() + c) * s.h() + y) * s.w() + x)];
}

bool inside(const Shape& s, int64_t y, int64_t x) { return y >= 0 && y < s.h() && x >= 0 && x < s.w(); }

}  // namespace

TEST_CASE("a conv cell's listed products sum to exactly the forward output", "[explain][conv]") {
  uint64_t seed = 900;
  int cells = 0;
  for (const ConvCase& cc : conv_cases()) {
    const Shape in = nchw(2, cc.c, cc.h, cc.w);
    const LayerSpec spec = conv_spec(cc);
    Geometry g;
    if (!layer_geometry(in, spec, &g).is_ok()) continue;
    const auto input = random_vector(in.elements(), seed++);
    const auto weight = random_vector(g.weights, seed++);
    const auto bias = random_vector(cc.oc, seed++);
    const float* b = cc.bias ? bias.data() : nullptr;
    const Conv2dParams p = conv2d_params(g, spec.conv);
    const int64_t out_n = g.out.elements();
    std::vector<float> ref(static_cast<size_t>(out_n));
    conv2d_forward_ref(p, input.data(), weight.data(), b, ref.data());
    // The SIMD kernels, for the tolerance check.
    std::vector<std::vector<float>> fast;
    for (const Conv2dKernel& k : conv2d_forward_kernels()) {
      if (k.variant == Variant::Ref || !k.applies(p)) continue;
      std::vector<float> packed(size_t(k.packed_floats(p)) + 1), scratch(size_t(k.scratch_floats(p)) + 1);
      std::vector<float> out(static_cast<size_t>(out_n));
      k.pack(p, weight.data(), packed.data());
      k.forward(p, input.data(), weight.data(), packed.data(), b, out.data(), nullptr, scratch.data());
      fast.push_back(std::move(out));
    }
    const int64_t cg = cc.c / cc.groups;
    for (int64_t n = 0; n < g.out.n(); ++n)
      for (int64_t o = 0; o < g.out.c(); ++o)
        for (int64_t y = 0; y < g.out.h(); ++y)
          for (int64_t x = 0; x < g.out.w(); ++x) {
            CellExplanation e;
            const Status st = explain_cell(in, spec, input.data(), in.elements(), weight.data(), g.weights, b,
                                           cc.bias ? cc.oc : 0, n, o, y, x, &e);
            INFO(st.message() << " c=" << cc.c << " " << cc.h << "x" << cc.w << " oc=" << cc.oc << " k=" << cc.kh
                              << "x" << cc.kw << " s=" << cc.sh << "," << cc.sw << " pad=" << cc.ph << ","
                              << cc.pw << " d=" << cc.dh << "," << cc.dw << " g=" << cc.groups
                              << " cell=" << n << "," << o << "," << y << "," << x);
            REQUIRE(st.is_ok());
            REQUIRE(e.terms.size() == size_t(cg * cc.kh * cc.kw));
            float sum = 0.0f;
            int64_t real = 0;
            for (const ExplainTerm& t : e.terms) {
              const int64_t group = o / (cc.oc / cc.groups);
              REQUIRE(t.channel / cg == group);
              REQUIRE(t.y == y * g.stride_h - g.pad_top + t.ky * g.dilation_h);
              REQUIRE(t.x == x * g.stride_w - g.pad_left + t.kx * g.dilation_w);
              REQUIRE(t.weight == weight[size_t(((o * cg) + t.channel % cg) * cc.kh * cc.kw + t.ky * cc.kw + t.kx)]);
              REQUIRE(t.padding == !inside(in, t.y, t.x));
              if (t.padding) {
                REQUIRE(t.value == 0.0f);
                REQUIRE(t.product == 0.0f);
                continue;
              }
              REQUIRE(t.value == at(input, in, n, t.channel, t.y, t.x));
              REQUIRE(t.product == t.value * t.weight);
              sum += t.product;
              ++real;
            }
            REQUIRE(e.sum == sum);
            REQUIRE(e.divisor == real);
            REQUIRE(e.has_bias == cc.bias);
            const float total = cc.bias ? sum + bias[size_t(o)] : sum;
            const size_t idx = size_t(((n * g.out.c() + o) * g.out.h() + y) * g.out.w() + x);
            REQUIRE(total == ref[idx]);  // exactly: same order, same roundings
            REQUIRE(e.output == ref[idx]);
            for (const auto& out : fast) REQUIRE(std::fabs(out[idx] - ref[idx]) <= 1e-4 * (1 + std::fabs(ref[idx])));
            REQUIRE(e.window_y == y * g.stride_h - g.pad_top);
            REQUIRE(e.window_h == int64_t(g.dilation_h) * (cc.kh - 1) + 1);
            ++cells;
          }
  }
  REQUIRE(cells > 1000);
}

TEST_CASE("lecture: stride 2, padding 1 on the hand-computed 5x5 input", "[explain][conv]") {
  // The worked example of tests/web/handlers.test.js: output [2 4 6; 3 7 4; 1 3 3].
  const std::vector<float> X = {1, 2, 0, 1, 3, 0, 1, 2, 3, 1, 1, 0, 1, 2, 0, 2, 1, 0, 1, 1, 0, 2, 1, 0, 2};
  const std::vector<float> F = {1, 0, 1, 0, 1, 0, 1, 0, 1};
  const LayerSpec spec = LayerSpec::conv2d(1, 1, 3, 2, 1, 1, 1, false);
  CellExplanation e;
  // The centre cell: the window covers rows 1..3, columns 1..3, no padding.
  REQUIRE(explain_cell(nchw(1, 1, 5, 5), spec, X.data(), 25, F.data(), 9, nullptr, 0, 0, 0, 1, 1, &e).is_ok());
  REQUIRE(e.output == 7.0f);
  REQUIRE(e.window_y == 1);
  REQUIRE(e.window_x == 1);
  REQUIRE(e.terms.size() == 9);
  REQUIRE_FALSE(e.terms[0].padding);
  REQUIRE(e.terms[0].value == 1.0f);  // X[1][1]
  REQUIRE(e.terms[8].value == 1.0f);  // X[3][3]
  // The top-left cell: its window starts in the padding.
  REQUIRE(explain_cell(nchw(1, 1, 5, 5), spec, X.data(), 25, F.data(), 9, nullptr, 0, 0, 0, 0, 0, &e).is_ok());
  REQUIRE(e.output == 2.0f);
  REQUIRE(e.window_y == -1);
  REQUIRE(e.window_x == -1);
  int padding = 0;
  for (const ExplainTerm& t : e.terms) padding += t.padding;
  REQUIRE(padding == 5);  // the top row and the left column of the 3x3 window
  REQUIRE(e.divisor == 4);
  REQUIRE_FALSE(e.has_bias);
}

TEST_CASE("a pooling cell lists its window, the winner or the sum and divisor, exactly as the forward",
          "[explain][pool]") {
  uint64_t seed = 1300;
  int cells = 0;
  for (bool is_max : {true, false}) {
    const Pool2dKernel& ref_k = (is_max ? maxpool2d_forward_kernels() : avgpool2d_forward_kernels())[0];
    REQUIRE(ref_k.variant == Variant::Ref);
    for (const PoolCase& pc : pool_cases()) {
      const Shape in = nchw(2, pc.c, pc.h, pc.w);
      const LayerSpec spec = pool_spec(pc, is_max);
      Geometry g;
      if (!layer_geometry(in, spec, &g).is_ok()) continue;
      auto input = random_vector(in.elements(), seed++);
      // A few ties, so "the first of equals wins" is exercised.
      for (size_t i = 3; i < input.size(); i += 7) input[i] = input[i - 1];
      const Pool2dParams p = pool2d_params(g, spec.pool);
      std::vector<float> ref(size_t(g.out.elements()));
      ref_k.forward(p, input.data(), ref.data(), nullptr);
      for (int64_t n = 0; n < g.out.n(); ++n)
        for (int64_t c = 0; c < g.out.c(); ++c)
          for (int64_t y = 0; y < g.out.h(); ++y)
            for (int64_t x = 0; x < g.out.w(); ++x) {
              CellExplanation e;
              const Status st = explain_cell(in, spec, input.data(), in.elements(), nullptr, 0, nullptr, 0, n, c, y, x, &e);
              INFO(st.message() << (is_max ? " max " : " avg ") << pc.h << "x" << pc.w << " k=" << pc.kh << "x"
                                << pc.kw << " s=" << pc.sh << "," << pc.sw << " pad=" << pc.ph << "," << pc.pw
                                << " ceil=" << pc.ceil_mode << " cip=" << pc.count_include_pad);
              REQUIRE(st.is_ok());
              const size_t idx = size_t(((n * g.out.c() + c) * g.out.h() + y) * g.out.w() + x);
              REQUIRE(e.output == ref[idx]);
              REQUIRE(size_t(e.window_h * e.window_w) == e.terms.size());
              REQUIRE(e.window_h <= pc.kh);
              float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
              int64_t real = 0, first_max = -1;
              for (size_t i = 0; i < e.terms.size(); ++i) {
                const ExplainTerm& t = e.terms[i];
                REQUIRE(t.channel == c);
                REQUIRE(t.y == e.window_y + t.ky);
                REQUIRE(t.x == e.window_x + t.kx);
                REQUIRE(t.padding == !inside(in, t.y, t.x));
                if (t.padding) continue;
                REQUIRE(t.value == at(input, in, n, c, t.y, t.x));
                ++real;
                if (is_max) {
                  if (acc < t.value) first_max = int64_t(i);
                  acc = std::max(acc, t.value);
                } else {
                  acc += t.value;
                }
              }
              if (is_max) {
                REQUIRE(e.winner == first_max);
                REQUIRE(e.terms[size_t(e.winner)].value == ref[idx]);
                for (const ExplainTerm& t : e.terms) REQUIRE(t.value <= ref[idx]);
              } else {
                REQUIRE(e.winner == -1);
                REQUIRE(e.sum == acc);
                REQUIRE(e.divisor == (pc.count_include_pad ? int64_t(e.terms.size()) : real));
                REQUIRE(acc / float(e.divisor) == ref[idx]);
              }
              ++cells;
            }
    }
  }
  REQUIRE(cells > 500);
}

TEST_CASE("max pooling: padding is listed as -inf and never wins", "[explain][pool]") {
  const std::vector<float> X = {-5, -6, -7, -8};  // all negative: a zero pad would win
  CellExplanation e;
  REQUIRE(explain_cell(nchw(1, 1, 2, 2), LayerSpec::maxpool2d(2, 1, 1), X.data(), 4, nullptr, 0, nullptr, 0, 0, 0, 0,
                       0, &e)
              .is_ok());
  REQUIRE(e.terms.size() == 4);
  REQUIRE(e.terms[0].padding);
  REQUIRE(std::isinf(e.terms[0].value));
  REQUIRE(e.output == -5.0f);
  REQUIRE(e.winner == 3);
}

TEST_CASE("a bad explain request gets a message naming the problem", "[explain][errors]") {
  const std::vector<float> X(25, 1.0f), F(9, 1.0f), B(1, 0.5f);
  const Shape in = nchw(1, 1, 5, 5);
  const LayerSpec conv = LayerSpec::conv2d(1, 1, 3, 2, 1);
  CellExplanation e;
  auto message = [&](const Status& st) {
    REQUIRE_FALSE(st.is_ok());
    return st.message();
  };
  using Catch::Matchers::Contains;
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 25, F.data(), 9, B.data(), 1, 0, 0, 3, 0, &e)),
               Contains("row 3") && Contains("outside the 1x1x3x3 output"));
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 25, F.data(), 9, B.data(), 1, 0, 1, 0, 0, &e)),
               Contains("channel 1"));
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 24, F.data(), 9, B.data(), 1, 0, 0, 0, 0, &e)),
               Contains("input has 24 values") && Contains("25"));
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 25, F.data(), 8, B.data(), 1, 0, 0, 0, 0, &e)),
               Contains("weight has 8 values") && Contains("9"));
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 25, F.data(), 9, nullptr, 0, 0, 0, 0, 0, &e)),
               Contains("bias has 0 values"));
  REQUIRE_THAT(message(explain_cell(in, conv, X.data(), 25, nullptr, 0, B.data(), 1, 0, 0, 0, 0, &e)),
               Contains("no weight"));
  REQUIRE_THAT(message(explain_cell(in, LayerSpec::conv2d(1, 1, 7), X.data(), 25, F.data(), 49, B.data(), 1, 0, 0, 0,
                                    0, &e)),
               Contains("7-tall kernel does not fit"));
  REQUIRE_THAT(message(explain_cell(in, LayerSpec::maxpool2d(2), X.data(), 25, F.data(), 9, nullptr, 0, 0, 0, 0, 0, &e)),
               Contains("no weights"));
  REQUIRE_THAT(message(explain_cell(in, LayerSpec::simple(LayerKind::ReLU), X.data(), 25, nullptr, 0, nullptr, 0, 0, 0,
                                    0, 0, &e)),
               Contains("not relu"));
  // A good request still works afterwards.
  REQUIRE(explain_cell(in, conv, X.data(), 25, F.data(), 9, B.data(), 1, 0, 0, 2, 2, &e).is_ok());
  REQUIRE(e.output == 4.5f);  // 4 ones (the bottom-right window is half padding) + 0.5
}

TEST_CASE("an activation's values and slopes are the reference kernels' forward and backward", "[explain]") {
  const std::vector<float> x = {-3.0f, -1.0f, -0.25f, 0.0f, 0.25f, 1.0f, 3.0f};
  const int64_t n = int64_t(x.size());
  for (LayerKind kind : {LayerKind::ReLU, LayerKind::LeakyReLU, LayerKind::Sigmoid, LayerKind::Tanh}) {
    LayerSpec s = kind == LayerKind::LeakyReLU ? LayerSpec::leaky_relu(0.2f) : LayerSpec::simple(kind);
    std::vector<float> out(x.size()), slope(x.size());
    REQUIRE(activation_slopes(s, x.data(), n, out.data(), slope.data()));
    for (size_t i = 0; i < x.size(); ++i) {
      const double v = x[i];
      double f = 0, df = 0;
      switch (kind) {
        case LayerKind::ReLU: f = v > 0 ? v : 0; df = v > 0 ? 1 : 0; break;  // 0 at the kink, as PyTorch
        case LayerKind::LeakyReLU: f = v > 0 ? v : 0.2 * v; df = v > 0 ? 1 : 0.2; break;
        case LayerKind::Sigmoid: f = 1 / (1 + std::exp(-v)); df = f * (1 - f); break;
        default: f = std::tanh(v); df = 1 - f * f; break;
      }
      CHECK(out[i] == Approx(f).margin(1e-6));
      CHECK(slope[i] == Approx(df).margin(1e-6));
    }
  }
  float out = 0, slope = 0, zero = 0;
  REQUIRE(activation_slopes(LayerSpec::simple(LayerKind::Sigmoid), &zero, 1, &out, &slope));
  CHECK(slope == 0.25f);
}

TEST_CASE("a slope is refused for a layer that is not an activation, and for a bad count", "[explain]") {
  float v = 1, out = 0, slope = 0;
  Status st = activation_slopes(LayerSpec::maxpool2d(2, 2), &v, 1, &out, &slope);
  REQUIRE(!st);
  CHECK(st.message().find("not maxpool2d") != std::string::npos);
  CHECK(!activation_slopes(LayerSpec::simple(LayerKind::ReLU), &v, -1, &out, &slope));
  CHECK(!activation_slopes(LayerSpec::simple(LayerKind::ReLU), nullptr, 1, &out, &slope));
  CHECK(activation_slopes(LayerSpec::simple(LayerKind::ReLU), nullptr, 0, nullptr, nullptr));
}
