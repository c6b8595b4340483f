// Direct convolution for stride 1 and dilation 1 (no other): a GEMM whose B
// operand is read straight from the input, so no im2col matrix is ever written.
//   in: N,C,H,W   packed: per group, gemm::pack_a of weight [OCg, K],
//   K = (ci, ky, kx)   bias: OC   out: N,OC,OH,OW
// Per image and group the input is copied once into a zero-padded scratch:
// per channel Hp = OH + KH - 1 rows of Wp = OW + KW - 1 columns, then NR
// zeros. Output pixel (y, x) reads pad[ci][(y + ky) * Wp + x + kx], so the
// pixels of a register tile (one output row, consecutive x) read consecutive
// floats for every (ci, ky, kx): one unaligned vector load per vector of
// outputs. The register tile is MR output channels x NV vectors (the same
// shape as the GEMM's); the weight rows of the last panel past OCg are zeros
// (pack_a pads them) and are never stored, and tile columns past OW read
// padding or the next row and are never stored either.
// Bias and activation are applied as the tile is stored.
#include "conv_direct.hpp"

#include <cstring>

#include "gemm.hpp"

namespace cnn {

namespace {

using gemm::batch;
constexpr int kW = gemm::kWidth;
constexpr int MR = gemm::MR;
constexpr int kMaxNV = 2;  // vectors per tile row; the tile is MR x kMaxNV * kW at most

// One step of depth: the tile's NV input vectors at s times MR weights at a.
template <int NV>
__attribute__((always_inline)) inline void direct_step(const float* s, const float* a, batch (&c)[MR][NV]) {
  gemm::fma_tile_step<MR, NV>(s, [a](int i) { return a[i]; }, c);
}

// The MR x NV register tile over the whole depth K = (ci, ky, kx). K_ > 0: a
// K_ x K_ kernel known at compile time, so the only loop left is the one over
// input channels (its body fully unrolled); 0: kh, kw read at run time.
// The accumulators are locals, copied out once at the end: accumulating
// through the caller's array lets the compiler keep them in memory (it cannot
// rule out that the weight and input loads alias them), a store per step.
template <int NV, int K_>
__attribute__((always_inline)) inline void direct_tile(int64_t cg, int kh_rt, int kw_rt, int64_t plane,
                                                       int64_t Wp, const float* src, const float* a,
                                                       batch (&out)[MR][NV]) {
  batch c[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) c[i][v] = batch(0.0f);
  if (K_ > 0) {
    for (int64_t ci = 0; ci < cg; ++ci, src += plane)
      for (int ky = 0; ky < K_; ++ky)
        for (int kx = 0; kx < K_; ++kx, a += MR) direct_step<NV>(src + ky * Wp + kx, a, c);
  } else {
    for (int64_t ci = 0; ci < cg; ++ci, src += plane)
      for (int ky = 0; ky < kh_rt; ++ky)
        for (int kx = 0; kx < kw_rt; ++kx, a += MR) direct_step<NV>(src + ky * Wp + kx, a, c);
  }
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) out[i][v] = c[i][v];
}

// Stores rows [0, rows) and columns [0, cols) of the tile at out (row stride
// ld); with out_act (same layout), out keeps the values before the activation.
template <int NV>
inline void store_tile(const batch (&c)[MR][NV], int rows, int cols, const float* bias, Activation act, float slope,
                       float* out, float* out_act, int64_t ld) {
  alignas(64) float tmp[kMaxNV * kW];
  for (int i = 0; i < rows; ++i) {
    const batch b(bias ? bias[i] : 0.0f);
    for (int pass = 0; pass < (out_act ? 2 : 1); ++pass) {
      // out_act: first the raw values into out, then the activated into out_act.
      const bool raw = out_act && pass == 0;
      float* o = (pass == 0 ? out : out_act) + i * ld;
      if (cols == NV * kW) {
        for (int v = 0; v < NV; ++v) {
          const batch x = c[i][v] + b;
          (raw ? x : activate_epilogue(x, act, slope)).store_unaligned(o + v * kW);
        }
      } else {
        for (int v = 0; v < NV; ++v) {
          const batch x = c[i][v] + b;
          (raw ? x : activate_epilogue(x, act, slope)).store_aligned(tmp + v * kW);
        }
        std::memcpy(o, tmp, sizeof(float) * size_t(cols));
      }
    }
  }
}

template <int NV, int K_>
void direct_row_tile(const Conv2dParams& p, const float* src, const float* packed, const float* bias, float* out,
                     float* out_act, int64_t plane, int64_t Wp, int cols) {
  const int64_t ocg = p.ocg(), K = p.k(), ohw = p.oh * p.ow;
  for (int64_t o0 = 0; o0 < ocg; o0 += MR) {
    batch c[MR][NV];
    direct_tile<NV, K_>(p.cg(), p.kh, p.kw, plane, Wp, src, packed + o0 * K, c);
    const int rows = int(ocg - o0 < MR ? ocg - o0 : MR);
    store_tile<NV>(c, rows, cols, bias ? bias + o0 : nullptr, p.act, p.slope, out + o0 * ohw,
                   out_act ? out_act + o0 * ohw : nullptr, ohw);
  }
}

template <int K_>
void direct_group(const Conv2dParams& p, const float* pad, const float* packed, const float* bias, float* out,
                  float* out_act, int64_t plane, int64_t Wp) {
  for (int64_t y = 0; y < p.oh; ++y) {
    const float* row = pad + y * Wp;
    float* orow = out + y * p.ow;
    float* arow = out_act ? out_act + y * p.ow : nullptr;
    int64_t x0 = 0;
    while (x0 < p.ow) {
      const int64_t rem = p.ow - x0;
      if (rem > kW) {
        const int cols = int(rem < 2 * kW ? rem : 2 * kW);
        direct_row_tile<2, K_>(p, row + x0, packed, bias, orow + x0, arow ? arow + x0 : nullptr, plane, Wp, cols);
        x0 += cols;
      } else {
        direct_row_tile<1, K_>(p, row + x0, packed, bias, orow + x0, arow ? arow + x0 : nullptr, plane, Wp, int(rem));
        x0 += rem;
      }
    }
  }
}

}  // namespace

int64_t conv2d_direct_scratch_floats(const Conv2dParams& p) {
  const int64_t Hp = p.oh + p.kh - 1, Wp = p.ow + p.kw - 1;
  return p.cg() * Hp * Wp + kMaxNV * kW;
}

void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* packed, const float* bias,
                           float* out, float* out_act, float* scratch) {
  const int64_t Hp = p.oh + p.kh - 1, Wp = p.ow + p.kw - 1, plane = Hp * Wp;
  const int64_t cg = p.cg(), ocg = p.ocg(), K = p.k();
  const int64_t a_stride = gemm::packed_a_floats(ocg, K);
  // Columns of a padded row that hold input: [x_lo, x_hi), reading from ix = x - pad_l.
  const int64_t x_lo = p.pad_l < Wp ? p.pad_l : Wp;
  const int64_t x_hi = p.pad_l + p.w < Wp ? p.pad_l + p.w : Wp;
  std::memset(scratch + cg * plane, 0, sizeof(float) * kMaxNV * kW);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      const float* img = in + (n * p.c + g * cg) * p.h * p.w;
      for (int64_t ci = 0; ci < cg; ++ci)
        for (int64_t y = 0; y < Hp; ++y) {
          float* dst = scratch + ci * plane + y * Wp;
          const int64_t iy = y - p.pad_t;
          if (iy < 0 || iy >= p.h || x_hi <= x_lo) {
            std::memset(dst, 0, sizeof(float) * size_t(Wp));
            continue;
          }
          std::memset(dst, 0, sizeof(float) * size_t(x_lo));
          std::memcpy(dst + x_lo, img + (ci * p.h + iy) * p.w + (x_lo - p.pad_l), sizeof(float) * size_t(x_hi - x_lo));
          std::memset(dst + x_hi, 0, sizeof(float) * size_t(Wp - x_hi));
        }
      const float* pk = packed + g * a_stride;
      const float* b = bias ? bias + g * ocg : nullptr;
      float* o = out + (n * p.oc + g * ocg) * p.oh * p.ow;
      float* oa = out_act ? out_act + (o - out) : nullptr;
      switch (p.kh == p.kw ? p.kw : 0) {
        case 1: direct_group<1>(p, scratch, pk, b, o, oa, plane, Wp); break;
        case 3: direct_group<3>(p, scratch, pk, b, o, oa, plane, Wp); break;
        case 5: direct_group<5>(p, scratch, pk, b, o, oa, plane, Wp); break;
        default: direct_group<0>(p, scratch, pk, b, o, oa, plane, Wp); break;
      }
    }
}

}  // namespace cnn
