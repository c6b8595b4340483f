// Kernels: every entry of the kernel table is held against its op's scalar
// reference on generated shapes around the SIMD width (1, W-1, W, W+1, primes,
// 1x1 kernels, kernel = input, stride > kernel, large padding, dilation,
// groups), with a fixed seed, wherever the entry applies. Tolerance:
// |simd - ref| <= 1e-4 * (1 + |ref|).
// The references themselves are checked on hand-computed examples.
// To add a case: append a shape to the generator's list; every kernel listed
// for the op is then run on it.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "helpers.hpp"
#include "kernels/gemm.hpp"
#include "kernels/kernels.hpp"

using namespace cnn;
using cnn_test::nchw;
using cnn_test::random_vector;

namespace {

constexpr double kTol = 1e-4;
const int W = gemm::kWidth;

struct ConvCase {
  int n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  Activation act;
};

std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> v = {
      {1, 1, 28, 28, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1, Activation::None},   // the default model's first layer
      {2, 8, 14, 14, 16, 5, 5, 1, 1, 0, 0, 1, 1, 1, Activation::ReLU},  // its second
      {1, 3, 7, 7, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, Activation::None},     // 1x1
      {1, 2, 5, 5, 3, 5, 5, 1, 1, 0, 0, 1, 1, 1, Activation::None},     // kernel = input
      {1, 2, 9, 11, 3, 2, 2, 3, 3, 0, 0, 1, 1, 1, Activation::None},    // stride > kernel
      {1, 1, 4, 4, 2, 3, 3, 1, 1, 4, 4, 1, 1, 1, Activation::None},     // large padding
      {1, 3, 13, 13, 5, 3, 3, 1, 2, 2, 1, 2, 3, 1, Activation::LeakyReLU},  // dilation, uneven
      {1, 6, 8, 8, 9, 3, 3, 1, 1, 1, 1, 1, 1, 3, Activation::None},     // groups
      {2, 8, 10, 10, 8, 3, 3, 2, 2, 1, 1, 1, 1, 8, Activation::ReLU},   // depthwise
      {1, 24, 12, 13, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::None}, // ncnn-style channel counts
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, Activation::None},     // everything 1
  };
  // Widths and channel counts around the vector width and the register tile.
  for (int size : {W - 1, W, W + 1, 2 * W + 1, 7, 13})
    for (int oc : {1, gemm::MR - 1, gemm::MR, gemm::MR + 1, 2 * gemm::MR + 3})
      if (size >= 1) v.push_back({1, 2, size + 2, size + 2, oc, 3, 3, 1, 1, 0, 0, 1, 1, 1, Activation::None});
  // Output channels per group on both sides of the choice of the
  // channels-in-lanes kernel (conv.cpp's lanes_preferred: at least 3/4 of the
  // lanes used): W - 1, W, 2W, 3W, 4W + 1 (1..4 vectors of channels per tile)
  // and W + 1, 2W + 1 (not), with strides, padding, dilation, groups, and pixel counts that
  // are not multiples of the tile's 2, 3, 4 or 8 pixels.
  for (int oc : {W - 1, W, W + 1, 2 * W, 2 * W + 1, 3 * W, 4 * W + 1})
    if (oc >= 1) {
      v.push_back({1, 3, 9, 11, oc, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::ReLU});
      v.push_back({2, 5, 8, 7, oc, 5, 5, 1, 1, 0, 0, 1, 1, 1, Activation::None});
      v.push_back({1, 4, 13, 10, oc, 3, 2, 2, 3, 2, 0, 2, 1, 1, Activation::LeakyReLU});
      v.push_back({1, 2, 5, 5, oc, 1, 1, 1, 1, 0, 0, 1, 1, 1, Activation::None});
      v.push_back({1, 2 * 3, 6, 7, 2 * oc, 3, 3, 1, 1, 1, 1, 1, 1, 2, Activation::ReLU});
    }
  // Rows as wide as 24 = a multiple of every tile's pixel count (2, 3, 4, 8),
  // stride 1: the lanes kernel's tiles then each lie in one output row
  // (rows_tiles), for 1..4 vectors of channels and 4 + 1 (two blocks),
  // with padding, dilation, several chunks of pixels (24x24) and slices of
  // taps (40 input channels); 16 wide: a multiple of 2, 4 and 8 only.
  for (int oc : {W, 2 * W, 3 * W, 4 * W, 5 * W}) {
    v.push_back({1, 3, 24, 24, oc, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::ReLU});
    v.push_back({1, 2, 16, 16, oc, 3, 3, 1, 1, 2, 2, 2, 2, 1, Activation::LeakyReLU});
    v.push_back({2, 40, 4, 24, oc, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::None});
  }
  // Deep enough (K * channels above 4096) that the lanes kernel sums the taps
  // in slices, resuming each output's sum from its partial value.
  v.push_back({1, 40, 6, 7, 4 * W, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::ReLU});
  v.push_back({2, 150, 3, 4, 2 * W + 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, Activation::None});
  // Random shapes with a fixed seed.
  cnn_test::Rng r(2024);
  for (int i = 0; i < 60; ++i) {
    ConvCase c;
    c.groups = r.range(1, 3);
    c.c = c.groups * r.range(1, 4);
    c.oc = c.groups * r.range(1, 6);
    c.n = r.range(1, 2);
    c.kh = r.range(1, 5);
    c.kw = r.range(1, 5);
    c.sh = r.range(1, 3);
    c.sw = r.range(1, 3);
    c.dh = r.range(1, 2);
    c.dw = r.range(1, 2);
    c.ph = r.range(0, 3);
    c.pw = r.range(0, 3);
    c.h = r.range(1, 17);
    c.w = r.range(1, 37);
    c.act = Activation(r.range(0, 2));
    v.push_back(c);
  }
  return v;
}

bool make_conv(const ConvCase& cc, Conv2dParams* p, Conv2dSpec* spec = nullptr) {
  Conv2dSpec s;
  s.in_channels = cc.c;
  s.out_channels = cc.oc;
  s.kernel_h = cc.kh;
  s.kernel_w = cc.kw;
  s.stride_h = cc.sh;
  s.stride_w = cc.sw;
  s.pad_h = cc.ph;
  s.pad_w = cc.pw;
  s.dilation_h = cc.dh;
  s.dilation_w = cc.dw;
  s.groups = cc.groups;
  Geometry g;
  if (!conv2d_geometry(nchw(cc.n, cc.c, cc.h, cc.w), s, &g).is_ok()) return false;
  *p = conv2d_params(g, s);
  p->act = cc.act;
  p->slope = 0.1f;
  if (spec) *spec = s;
  return true;
}

}  // namespace

TEST_CASE("gemm_packed matches gemm_ref around the register tile", "[kernels][gemm]") {
  const int ms[] = {1, gemm::MR - 1, gemm::MR, gemm::MR + 1, 2 * gemm::MR + 1, 13};
  const int ns[] = {1, W - 1, W, W + 1, gemm::NR - 1, gemm::NR, gemm::NR + 1, 3 * gemm::NR + 5};
  const int ks[] = {1, 2, 7, 64, 127};
  int seed = 1;
  for (int M : ms)
    for (int N : ns)
      for (int K : ks)
        for (int mode = 0; mode < 4; ++mode) {
          const auto A = random_vector(int64_t(M) * K, seed++);
          const auto B = random_vector(int64_t(K) * N, seed++);
          const auto bias = random_vector(std::max(M, N), seed++);
          auto C_ref = random_vector(int64_t(M) * N, seed);
          auto C = C_ref;
          gemm::Epilogue ep;
          if (mode == 1) {
            ep.row_bias = bias.data();
            ep.act = Activation::ReLU;
          }
          if (mode == 2) {
            ep.col_bias = bias.data();
            ep.accumulate = true;
            ep.act = Activation::LeakyReLU;
            ep.slope = 0.25f;
          }
          std::vector<float> Ap(static_cast<size_t>(gemm::packed_a_floats(M, K))), Bp(size_t(gemm::packed_b_floats(K, N)));
          gemm::pack_a(M, K, A.data(), K, 1, Ap.data());
          gemm::pack_b(K, N, B.data(), N, 1, Bp.data());
          // mode 3: the activation into a second output, C keeps the values before it.
          std::vector<float> act_out(size_t(M) * size_t(N), -5.0f), act_ref(act_out.size());
          if (mode == 3) {
            ep.row_bias = bias.data();
            ep.act = Activation::ReLU;
            ep.act_out = act_out.data();
          }
          gemm::gemm_packed(M, N, K, Ap.data(), Bp.data(), C.data(), N, ep);
          gemm::Epilogue ep_ref = ep;
          ep_ref.act_out = nullptr;
          if (mode == 3) {
            act_ref = C_ref;
            gemm::gemm_ref(M, N, K, A.data(), K, 1, B.data(), N, 1, act_ref.data(), N, ep_ref);
            ep_ref.act = Activation::None;
          }
          gemm::gemm_ref(M, N, K, A.data(), K, 1, B.data(), N, 1, C_ref.data(), N, ep_ref);
          INFO("M=" << M << " N=" << N << " K=" << K << " mode=" << mode);
          REQUIRE(cnn_test::max_rel_diff(C.data(), C_ref.data(), int64_t(M) * N) <= kTol);
          if (mode == 3) REQUIRE(cnn_test::max_rel_diff(act_out.data(), act_ref.data(), int64_t(M) * N) <= kTol);
          if (M == 1 && mode != 2) {
            // gemm_row: the same row read in place gives the same bits.
            std::vector<float> C_row(size_t(N), -3.0f), act_row(size_t(N), -4.0f);
            gemm::Epilogue ep_row = ep;
            if (mode == 3) ep_row.act_out = act_row.data();
            gemm::gemm_row(N, K, A.data(), Bp.data(), C_row.data(), ep_row);
            REQUIRE(std::memcmp(C_row.data(), C.data(), sizeof(float) * size_t(N)) == 0);
            if (mode == 3) REQUIRE(std::memcmp(act_row.data(), act_out.data(), sizeof(float) * size_t(N)) == 0);
          }
        }
}

TEST_CASE("pack_a / pack_b read transposed (strided) operands", "[kernels][gemm]") {
  const int M = 5, N = W + 3, K = 6;
  const auto At = random_vector(K * M, 7);  // stored K x M
  const auto Bt = random_vector(N * K, 8);  // stored N x K
  std::vector<float> C(M * N), C_ref(M * N);
  std::vector<float> Ap(static_cast<size_t>(gemm::packed_a_floats(M, K))), Bp(size_t(gemm::packed_b_floats(K, N)));
  gemm::pack_a(M, K, At.data(), 1, M, Ap.data());
  gemm::pack_b(K, N, Bt.data(), 1, K, Bp.data());
  gemm::gemm_packed(M, N, K, Ap.data(), Bp.data(), C.data(), N, {});
  gemm::gemm_ref(M, N, K, At.data(), 1, M, Bt.data(), 1, K, C_ref.data(), N, {});
  REQUIRE(cnn_test::max_rel_diff(C.data(), C_ref.data(), M * N) <= kTol);
}

TEST_CASE("every conv2d kernel matches the reference on generated shapes", "[kernels][conv]") {
  const auto& kernels = conv2d_forward_kernels();
  REQUIRE(kernels.size() >= 2);
  REQUIRE(kernels[0].variant == Variant::Ref);
  int tested = 0;
  uint64_t seed = 100;
  for (const ConvCase& cc : conv_cases()) {
    Conv2dParams p;
    if (!make_conv(cc, &p)) continue;
    const auto in = random_vector(p.n * p.c * p.h * p.w, seed++);
    const auto wt = random_vector(p.oc * p.k(), seed++);
    const auto bias = random_vector(p.oc, seed++);
    const int64_t out_n = p.n * p.oc * p.oh * p.ow;
    std::vector<float> ref(static_cast<size_t>(out_n)), ref_raw(static_cast<size_t>(out_n));
    conv2d_forward_ref(p, in.data(), wt.data(), bias.data(), ref.data());
    Conv2dParams raw = p;
    raw.act = Activation::None;
    conv2d_forward_ref(raw, in.data(), wt.data(), bias.data(), ref_raw.data());
    for (const Conv2dKernel& k : kernels) {
      if (!k.applies(p)) continue;
      std::vector<float> packed(size_t(k.packed_floats(p)) + 1), scratch(size_t(k.scratch_floats(p)) + 1);
      k.pack(p, wt.data(), packed.data());
      INFO(k.name << " n=" << p.n << " c=" << p.c << " h=" << p.h << " w=" << p.w << " oc=" << p.oc << " k=" << p.kh
                  << "x" << p.kw << " s=" << p.sh << "," << p.sw << " pad=" << p.pad_t << "," << p.pad_l
                  << " d=" << p.dh << "," << p.dw << " g=" << p.groups);
      // With and without a second output for the activation (out_act).
      for (bool two : {false, true}) {
        // Stale values in the scratch must never reach the output.
        for (auto& x : scratch) x = std::numeric_limits<float>::quiet_NaN();
        std::vector<float> out(size_t(out_n), -7.0f), out_act(size_t(out_n), -9.0f);
        k.forward(p, in.data(), wt.data(), packed.data(), bias.data(), out.data(), two ? out_act.data() : nullptr,
                  scratch.data());
        INFO("out_act " << two);
        REQUIRE(cnn_test::max_rel_diff(out.data(), two ? ref_raw.data() : ref.data(), out_n) <= kTol);
        if (two) {
          REQUIRE(cnn_test::max_rel_diff(out_act.data(), ref.data(), out_n) <= kTol);
          // The activation is applied to exactly the values kept in out.
          for (int64_t i = 0; i < out_n; ++i) REQUIRE(out_act[size_t(i)] == activate(out[size_t(i)], p.act, p.slope));
        }
      }
      if (k.variant != Variant::Ref) ++tested;
    }
  }
  REQUIRE(tested >= 50);
}

TEST_CASE("kernel choice: the first preferred entry, known from the spec alone, where it applies", "[kernels][conv]") {
  // select_kernel runs the first entry of a variant whose preferred() holds;
  // a network makes that choice from the spec before it knows the input
  // size, and packs the weights for it, so the full parameters must give the
  // same choice. Every SIMD entry must be the choice for some shape (else it
  // is never run), and an entry is preferred only where it applies.
  const auto& kernels = conv2d_forward_kernels();
  std::vector<int> chosen(kernels.size(), 0);
  for (const ConvCase& cc : conv_cases()) {
    Conv2dParams p;
    Conv2dSpec spec;
    if (!make_conv(cc, &p, &spec)) continue;
    Conv2dParams early = conv2d_spec_params(spec);
    early.act = p.act;
    for (Variant v : {Variant::Ref, Variant::Simd}) {
      const Conv2dKernel& k = select_kernel(kernels, v, p);
      INFO(k.name << " c=" << p.c << " oc=" << p.oc << " k=" << p.kh << "x" << p.kw << " s=" << p.sh << "," << p.sw
                  << " d=" << p.dh << "," << p.dw << " g=" << p.groups << " act=" << int(p.act));
      REQUIRE(k.variant == v);
      REQUIRE(k.applies(p));
      REQUIRE(&select_kernel(kernels, v, early) == &k);
      chosen[size_t(&k - kernels.data())]++;
    }
    for (const Conv2dKernel& k : kernels)
      if (k.preferred(p)) REQUIRE(k.applies(p));
  }
  for (size_t i = 0; i < kernels.size(); ++i) {
    INFO(kernels[i].name);
    REQUIRE(chosen[i] > 0);
  }
  // The backward entries: chosen the same way, each somewhere.
  const auto& backward = conv2d_backward_kernels();
  std::vector<int> chosen_backward(backward.size(), 0);
  for (const ConvCase& cc : conv_cases()) {
    Conv2dParams p;
    if (!make_conv(cc, &p)) continue;
    p.act = Activation::None;
    for (Variant v : {Variant::Ref, Variant::Simd}) {
      const Conv2dBackwardKernel& k = select_kernel(backward, v, p);
      REQUIRE(k.variant == v);
      REQUIRE(k.applies(p));
      chosen_backward[size_t(&k - backward.data())]++;
    }
  }
  for (size_t i = 0; i < backward.size(); ++i) {
    INFO(backward[i].name);
    REQUIRE(chosen_backward[i] > 0);
  }
  // An activation the SIMD epilogues do not apply leaves the reference.
  Conv2dParams sig;
  REQUIRE(make_conv(conv_cases()[1], &sig));
  sig.act = Activation::Sigmoid;
  REQUIRE(select_kernel(kernels, Variant::Simd, sig).variant == Variant::Ref);
}

TEST_CASE("lecture: a hand-computed 5x5 input with a 3x3 filter, stride 1 and 2, padding 0 and 1", "[kernels][conv]") {
  const float X[25] = {1, 2, 0, 1, 3, 0, 1, 2, 3, 1, 1, 0, 1, 2, 0, 2, 1, 0, 1, 1, 0, 2, 1, 0, 2};
  const float F[9] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
  struct Expect {
    int stride, pad;
    std::vector<float> out;
  };
  const Expect cases[] = {
      {1, 0, {4, 7, 7, 4, 7, 6, 4, 4, 5}},
      {1, 1, {2, 4, 4, 4, 6, 2, 4, 7, 7, 4, 3, 4, 7, 6, 4, 4, 4, 4, 5, 3, 1, 4, 3, 1, 3}},
      {2, 0, {4, 7, 4, 5}},
      {2, 1, {2, 4, 6, 3, 7, 4, 1, 3, 3}},
  };
  for (const Expect& e : cases) {
    ConvCase cc{1, 1, 5, 5, 1, 3, 3, e.stride, e.stride, e.pad, e.pad, 1, 1, 1, Activation::None};
    Conv2dParams p;
    REQUIRE(make_conv(cc, &p));
    REQUIRE(p.oh * p.ow == int64_t(e.out.size()));
    for (const Conv2dKernel& k : conv2d_forward_kernels()) {
      if (!k.applies(p)) continue;
      std::vector<float> packed(size_t(k.packed_floats(p)) + 1), scratch(size_t(k.scratch_floats(p)) + 1);
      std::vector<float> out(e.out.size());
      k.pack(p, F, packed.data());
      k.forward(p, X, F, packed.data(), nullptr, out.data(), nullptr, scratch.data());
      INFO(k.name << " stride " << e.stride << " pad " << e.pad);
      for (size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == e.out[i]);
    }
  }
}

namespace {

struct PoolCase {
  int n, c, h, w, kh, kw, sh, sw, ph, pw;
  bool ceil_mode, count_include_pad;
};

std::vector<PoolCase> pool_cases() {
  std::vector<PoolCase> v = {
      {1, 8, 28, 28, 2, 2, 2, 2, 0, 0, false, true},
      {2, 3, 7, 7, 3, 3, 1, 1, 1, 1, false, true},
      {1, 2, 7, 7, 3, 3, 1, 1, 1, 1, false, false},
      {1, 1, 5, 5, 2, 2, 2, 2, 1, 1, true, true},
      {1, 1, 5, 5, 2, 2, 2, 2, 1, 1, true, false},
      {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, false, true},
      {1, 2, 6, 6, 6, 6, 1, 1, 0, 0, false, true},
  };
  for (int size : {W - 1, W, W + 1, 2 * W + 3, 13})
    if (size >= 2) v.push_back({1, 2, size, size + 1, 2, 3, 1, 1, 1, 1, false, true});
  // 2x2 at stride 2 (the SIMD path, four outputs at a time): output rows of
  // 1 to 9, so rows that end with an overlapping group of four or a short row.
  for (int ow = 1; ow <= 9; ++ow) v.push_back({2, 3, 2 * ow + 1, 2 * ow + ow % 2, 2, 2, 2, 2, 0, 0, false, true});
  cnn_test::Rng r(77);
  for (int i = 0; i < 80; ++i) {
    PoolCase p;
    p.n = r.range(1, 2);
    p.c = r.range(1, 3);
    p.kh = r.range(1, 4);
    p.kw = r.range(1, 4);
    p.sh = r.range(1, 3);
    p.sw = r.range(1, 3);
    p.ph = r.range(0, p.kh / 2);
    p.pw = r.range(0, p.kw / 2);
    p.h = r.range(1, 15);
    p.w = r.range(1, 40);
    p.ceil_mode = r.range(0, 1);
    p.count_include_pad = r.range(0, 1);
    v.push_back(p);
  }
  return v;
}

}  // namespace

TEST_CASE("every pooling kernel matches the reference on generated shapes", "[kernels][pool]") {
  int tested = 0;
  uint64_t seed = 500;
  for (bool is_max : {true, false}) {
    const auto& kernels = is_max ? maxpool2d_forward_kernels() : avgpool2d_forward_kernels();
    REQUIRE(kernels[0].variant == Variant::Ref);
    for (const PoolCase& pc : pool_cases()) {
      Pool2dSpec s = LayerSpec::avgpool2d(1, 1, 0, pc.ceil_mode, pc.count_include_pad).pool;
      s.kernel_h = pc.kh;
      s.kernel_w = pc.kw;
      s.stride_h = pc.sh;
      s.stride_w = pc.sw;
      s.pad_h = pc.ph;
      s.pad_w = pc.pw;
      Geometry g;
      if (!pool2d_geometry(nchw(pc.n, pc.c, pc.h, pc.w), s, is_max, &g).is_ok()) continue;
      const Pool2dParams p = pool2d_params(g, s);
      const auto in = random_vector(g.in.elements(), seed++);
      std::vector<float> ref(static_cast<size_t>(g.out.elements()));
      kernels[0].forward(p, in.data(), ref.data(), nullptr);
      for (size_t i = 0; i < ref.size(); ++i) REQUIRE(std::isfinite(ref[i]));
      for (const Pool2dKernel& k : kernels) {
        if (k.variant == Variant::Ref || !k.applies(p)) continue;
        std::vector<float> out(ref.size(), -9.0f), scratch(size_t(k.scratch_floats(p)) + 1);
        k.forward(p, in.data(), out.data(), scratch.data());
        INFO(k.name << " h=" << p.h << " w=" << p.w << " k=" << p.kh << "x" << p.kw << " s=" << p.sh << "," << p.sw
                    << " pad=" << p.pad_t << "," << p.pad_l << " ceil=" << pc.ceil_mode
                    << " cip=" << pc.count_include_pad);
        REQUIRE(cnn_test::max_rel_diff(out.data(), ref.data(), int64_t(ref.size())) <= kTol);
        ++tested;
      }
    }
  }
  REQUIRE(tested >= 100);
}

TEST_CASE("pooling references on hand-computed examples", "[kernels][pool]") {
  const float X[16] = {1, 3, 2, 1, 4, 6, 5, 7, 8, 2, 0, 1, 3, 4, 9, 2};
  Geometry g;
  Pool2dSpec s = LayerSpec::maxpool2d(2, 2).pool;
  REQUIRE(pool2d_geometry(nchw(1, 1, 4, 4), s, true, &g).is_ok());
  float out[4];
  for (const auto& k : maxpool2d_forward_kernels()) {
    std::vector<float> scratch(64);
    k.forward(pool2d_params(g, s), X, out, scratch.data());
    REQUIRE(out[0] == 6);
    REQUIRE(out[1] == 7);
    REQUIRE(out[2] == 8);
    REQUIRE(out[3] == 9);
  }
  for (const auto& k : avgpool2d_forward_kernels()) {
    std::vector<float> scratch(64);
    k.forward(pool2d_params(g, s), X, out, scratch.data());
    REQUIRE(out[0] == Approx(3.5));
    REQUIRE(out[1] == Approx(3.75));
    REQUIRE(out[2] == Approx(4.25));
    REQUIRE(out[3] == Approx(3.0));
  }
  // 3x3 average with padding 1 at the corner: (1+3+4+6)/9 counting pads, /4 without.
  for (bool cip : {true, false}) {
    Pool2dSpec a = LayerSpec::avgpool2d(3, 1, 1, false, cip).pool;
    REQUIRE(pool2d_geometry(nchw(1, 1, 4, 4), a, false, &g).is_ok());
    std::vector<float> o(16), scratch(64);
    for (const auto& k : avgpool2d_forward_kernels()) {
      k.forward(pool2d_params(g, a), X, o.data(), scratch.data());
      REQUIRE(o[0] == Approx(14.0 / (cip ? 9 : 4)));
    }
  }
  // Max pooling pads with -inf: an all-negative input never yields 0.
  const float neg[4] = {-5, -3, -2, -4};
  Pool2dSpec m = LayerSpec::maxpool2d(2, 1, 1).pool;
  REQUIRE(pool2d_geometry(nchw(1, 1, 2, 2), m, true, &g).is_ok());
  std::vector<float> o(9), scratch(64);
  for (const auto& k : maxpool2d_forward_kernels()) {
    k.forward(pool2d_params(g, m), neg, o.data(), scratch.data());
    REQUIRE(o[0] == -5);
    REQUIRE(o[4] == -2);
  }
}

TEST_CASE("every activation kernel matches the reference and the formula", "[kernels][activation]") {
  for (int n : {1, W - 1, W, W + 1, 3 * W + 2, 1000}) {
    if (n < 1) continue;
    const auto in = random_vector(n, uint64_t(n), -6.0f, 6.0f);
    for (Activation kind :
         {Activation::None, Activation::ReLU, Activation::LeakyReLU, Activation::Sigmoid, Activation::Tanh}) {
      std::vector<float> ref(static_cast<size_t>(n));
      activation_forward_kernels()[0].forward(kind, 0.1f, n, in.data(), ref.data());
      for (int i = 0; i < n; ++i) {
        const double x = in[size_t(i)];
        double e = 0;
        switch (kind) {
          case Activation::None: e = x; break;
          case Activation::ReLU: e = x > 0 ? x : 0; break;
          case Activation::LeakyReLU: e = x > 0 ? x : 0.1 * x; break;
          case Activation::Sigmoid: e = 1 / (1 + std::exp(-x)); break;
          case Activation::Tanh: e = std::tanh(x); break;
        }
        REQUIRE(std::fabs(ref[size_t(i)] - e) <= 1e-6);
      }
      for (const auto& k : activation_forward_kernels()) {
        std::vector<float> out(static_cast<size_t>(n));
        k.forward(kind, 0.1f, n, in.data(), out.data());
        INFO(k.name << " n=" << n << " kind=" << int(kind));
        REQUIRE(cnn_test::max_rel_diff(out.data(), ref.data(), n) <= kTol);
      }
    }
  }
}

TEST_CASE("every softmax kernel matches the reference, sums to 1 and survives large logits", "[kernels][softmax]") {
  struct Case { int outer, channels, inner; };
  for (Case c : {Case{1, 10, 1}, Case{3, W + 1, 1}, Case{2, 1, 1}, Case{2, 5, W + 3}, Case{1, 3, 1}}) {
    const int64_t n = int64_t(c.outer) * c.channels * c.inner;
    auto in = random_vector(n, 9, -20.0f, 20.0f);
    in[0] = 1000.0f;  // would overflow exp() without the max subtraction
    std::vector<float> ref(static_cast<size_t>(n));
    softmax_forward_kernels()[0].forward(c.outer, c.channels, c.inner, in.data(), ref.data());
    for (int o = 0; o < c.outer; ++o)
      for (int i = 0; i < c.inner; ++i) {
        double s = 0;
        for (int ch = 0; ch < c.channels; ++ch) s += ref[size_t((o * c.channels + ch) * c.inner + i)];
        REQUIRE(s == Approx(1.0).epsilon(1e-5));
      }
    for (const auto& k : softmax_forward_kernels()) {
      std::vector<float> out(static_cast<size_t>(n));
      k.forward(c.outer, c.channels, c.inner, in.data(), out.data());
      INFO(k.name);
      REQUIRE(cnn_test::max_rel_diff(out.data(), ref.data(), n) <= kTol);
    }
  }
}

TEST_CASE("every dense kernel matches the reference", "[kernels][dense]") {
  const auto& kernels = dense_forward_kernels();
  REQUIRE(kernels[0].variant == Variant::Ref);
  uint64_t seed = 900;
  for (int n : {1, 2, gemm::MR, gemm::MR + 1, 64})
    for (int in_f : {1, W - 1, W + 1, 400})
      for (int out_f : {1, 10, gemm::NR + 1, 64}) {
        if (in_f < 1) continue;
        DenseParams p;
        p.n = n;
        p.in = in_f;
        p.out = out_f;
        p.act = Activation(seed % 3);
        p.slope = 0.1f;
        const auto x = random_vector(int64_t(n) * in_f, seed++);
        const auto wt = random_vector(int64_t(out_f) * in_f, seed++);
        const auto b = random_vector(out_f, seed++);
        std::vector<float> ref(static_cast<size_t>(n * out_f)), ref_raw(ref.size());
        kernels[0].forward(p, x.data(), wt.data(), nullptr, b.data(), ref.data(), nullptr, nullptr);
        DenseParams raw = p;
        raw.act = Activation::None;
        kernels[0].forward(raw, x.data(), wt.data(), nullptr, b.data(), ref_raw.data(), nullptr, nullptr);
        for (const auto& k : kernels) {
          if (!k.applies(p)) continue;
          std::vector<float> packed(size_t(k.packed_floats(p)) + 1), scratch(size_t(k.scratch_floats(p)) + 1);
          k.pack(p, wt.data(), packed.data());
          for (bool two : {false, true}) {
            std::vector<float> out(ref.size(), -7.0f), out_act(ref.size(), -9.0f);
            k.forward(p, x.data(), wt.data(), packed.data(), b.data(), out.data(), two ? out_act.data() : nullptr,
                      scratch.data());
            INFO(k.name << " n=" << n << " in=" << in_f << " out=" << out_f << " out_act " << two);
            REQUIRE(cnn_test::max_rel_diff(out.data(), two ? ref_raw.data() : ref.data(), int64_t(ref.size())) <= kTol);
            if (two) {
              REQUIRE(cnn_test::max_rel_diff(out_act.data(), ref.data(), int64_t(ref.size())) <= kTol);
              for (size_t i = 0; i < ref.size(); ++i) REQUIRE(out_act[i] == activate(out[i], p.act, p.slope));
            }
          }
        }
      }
}
