// Convolution with the output channels in the vector lanes.
//   in: N,C,H,W   packed: per group, OCp = OCg rounded up to the vector
//   width W (zeros past OCg) in blocks of up to 4 vectors of channels, each
//   block [K][its channels], K = (ci, ky, kx)   bias: OC   out: N,OC,OH,OW
// The register tile is NP output pixels x NV vectors of output channels:
// per step of depth k, NV weight vectors (contiguous in the packed row k)
// are multiplied by NP input values, each broadcast to all lanes, so no
// lane is ever wasted on a row that is too short for a pixel tile (the
// 10-wide rows of the default model's second conv); the pixels of a tile
// are consecutive in the flattened output plane, wherever the rows break.
// Input values are read through a table of tap offsets (ci, ky, kx) from
// each pixel's window corner, in one loop over k: V8 keeps a short loop's
// accumulators in registers, where a fully unrolled one spills them. The
// input is read in place when there is no padding, else from a zero-padded
// copy of the rows and columns the windows cover.
// The output pixels go in chunks: each tile's sums go to a pixel-major stage
// [chunk][OCp] small enough to stay in the L1 cache; then every 4x4 block of
// it is transposed into the NCHW output, with the bias and the activation.
// Per output, the sum runs over k in order from 0, one multiply-add per
// step, then adds the bias: the same arithmetic as the direct kernel.
#include "conv_lanes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "gemm.hpp"

namespace cnn {

namespace {

using gemm::batch;
constexpr int kW = gemm::kWidth;
constexpr int kMaxNV = 4;           // vectors of channels per tile
constexpr int64_t kStageRows = 24;  // every tile's pixel count divides it
constexpr int64_t kSliceFloats = 2048;  // weights of one block of channels per slice of taps: 8 KB

// Pixels per tile for NV channel vectors: 8 accumulators (9 for NV = 3).
// V8 on x64 gives wasm 15 vector registers; 12 accumulators plus the NV
// weight vectors and a broadcast would not fit, and the spills cost more
// than the smaller tile (measured: NV 4 x 2 pixels runs the 8x14x14 -> 16
// layer at 1.2x the speed of 4 x 3).
constexpr int tile_pixels(int64_t nv) { return nv == 1 ? 8 : nv == 2 ? 4 : nv == 3 ? 3 : 2; }

inline int64_t up16(int64_t n) { return gemm::round_up(n, 16); }
inline int64_t padded_oc(const Conv2dParams& p) { return gemm::round_up(p.ocg(), kW); }

struct Layout {
  int64_t hp, wp;  // rows and columns of the (padded) input the windows cover
  bool copy;       // padding is read: use a zero-padded copy
  int64_t pitch, plane;
  int64_t chunk;   // output pixels per pass through the stage
  int64_t copy_floats, stage_floats, table_floats;
};

// Output pixels per pass: the stage [chunk][OCp] stays within 16 KB, so it is
// still in the L1 cache when it is transposed into the output.
int64_t chunk_pixels(const Conv2dParams& p) {
  const int64_t fit = 4096 / padded_oc(p) / kStageRows * kStageRows;
  return std::max(kStageRows, fit);
}

Layout layout(const Conv2dParams& p) {
  Layout l;
  l.hp = (p.oh - 1) * p.sh + int64_t(p.kh - 1) * p.dh + 1;
  l.wp = (p.ow - 1) * p.sw + int64_t(p.kw - 1) * p.dw + 1;
  l.copy = p.pad_t > 0 || p.pad_l > 0 || l.hp - p.pad_t > p.h || l.wp - p.pad_l > p.w;
  l.pitch = l.copy ? l.wp : p.w;
  l.plane = l.copy ? l.hp * l.wp : p.h * p.w;
  l.copy_floats = l.copy ? up16(p.cg() * l.hp * l.wp) : 0;
  l.chunk = std::min(chunk_pixels(p), gemm::round_up(p.oh * p.ow, kStageRows));
  l.stage_floats = up16(l.chunk * padded_oc(p));
  l.table_floats = up16(p.k() * int64_t(sizeof(std::ptrdiff_t) / sizeof(float)));
  return l;
}

// One block of NV channel vectors over output pixels [q_begin, q_end) (in
// the flattened output plane of width ow) and taps [k_begin, k_end): w = the
// block's packed weights ([K][NV * W]: the row stride a constant, so in wasm
// the step's weight loads share one address that one add advances; with the
// row stride ocp it measured 3-6% slower on the LeNet layers), stage = the
// stage row of pixel q_begin at the block's first channel (row stride ocp).
// The sums start from zero at k_begin = 0, else from the stage (the previous
// taps' partial sums: the same chain of multiply-adds, resumed). Pixels past
// q_end (the last tile) read pixel q_begin's window and land in stage rows
// that are never read.
template <int NV, bool Rows>
__attribute__((noinline)) void lanes_block(int64_t q_begin, int64_t q_end, int64_t ow, int64_t step_y,
                                           int64_t step_x, const float* src, int64_t k_begin, int64_t k_end,
                                           const std::ptrdiff_t* koff, const float* w, int64_t ocp, float* stage) {
  constexpr int NP = tile_pixels(NV);
  int64_t y = q_begin / ow, x = q_begin % ow;
  const float* first = src + y * step_y + x * step_x;
  for (int64_t q0 = q_begin; q0 < q_end; q0 += NP) {
    const float* base[NP];
    if (Rows) {
      // Every tile is NP consecutive pixels of one output row (see
      // rows_tiles): one address, no test per pixel.
      base[0] = src + y * step_y + x;
      if ((x += NP) == ow) {
        x = 0;
        ++y;
      }
    } else {
      for (int j = 0; j < NP; ++j) {
        base[j] = first;
        if (q0 + j < q_end) {
          base[j] = src + y * step_y + x * step_x;
          if (++x == ow) {
            x = 0;
            ++y;
          }
        }
      }
    }
    float* s = stage + (q0 - q_begin) * ocp;
    batch c[NP][NV];
    for (int j = 0; j < NP; ++j)
      for (int v = 0; v < NV; ++v) c[j][v] = k_begin == 0 ? batch(0.0f) : batch::load_unaligned(s + j * ocp + v * kW);
    constexpr int WR = NV * kW;
    const float* wk = w + k_begin * WR;
    const std::ptrdiff_t* kp = koff + k_begin;
    const std::ptrdiff_t* const kend = koff + k_end;
    if (Rows || base[NP - 1] == base[0] + (NP - 1)) {
      // Consecutive input columns (stride 1, one row): one address per step.
      const float* b0 = base[0];
      for (; kp != kend; ++kp, wk += WR) {
        const float* in = b0 + *kp;
        gemm::fma_tile_step<NP, NV>(wk, [in](int j) { return in[j]; }, c);
      }
    } else {
      for (; kp != kend; ++kp, wk += WR) {
        const std::ptrdiff_t o = *kp;
        gemm::fma_tile_step<NP, NV>(wk, [&base, o](int j) { return base[j][o]; }, c);
      }
    }
    for (int j = 0; j < NP; ++j)
      for (int v = 0; v < NV; ++v) c[j][v].store_unaligned(s + j * ocp + v * kW);
  }
}

// Called through this table, never inlined: V8 allocates registers per
// function, and a tile loop inlined into the long function around it loses
// its accumulators and pointers to the stack (measured: 1.4x slower).
using BlockFn = void (*)(int64_t, int64_t, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                         const std::ptrdiff_t*, const float*, int64_t, float*);
// kBlocks[rows][nv - 1]: rows = rows_tiles().
constexpr BlockFn kBlocks[2][4] = {
    {lanes_block<1, false>, lanes_block<2, false>, lanes_block<3, false>, lanes_block<4, false>},
    {lanes_block<1, true>, lanes_block<2, true>, lanes_block<3, true>, lanes_block<4, true>},
};
static_assert(kMaxNV <= 4, "kBlocks holds 1..4 vectors");

// Whether every tile lies in one output row, its pixels consecutive: stride
// 1 and the row width a multiple of the pixel count of every block's tiles
// (then so are the plane and the chunks, multiples of kStageRows). On the
// default model's convs (28 and 10 wide) this skips a wrap test per pixel
// and a comparison per tile, not negligible at 25 taps per tile (the first
// conv).
bool rows_tiles(const Conv2dParams& p) {
  if (p.sw != 1) return false;
  const int64_t ocp = padded_oc(p);
  for (int64_t o0 = 0; o0 < ocp; o0 += kMaxNV * kW)
    if (p.ow % tile_pixels(std::min<int64_t>(kMaxNV, (ocp - o0) / kW)) != 0) return false;
  return true;
}

// The epilogue: out[o * ld + q] = stage[q][o] + bias[o], then the
// activation (into out, or into out_act with out keeping the values before
// it), for o < ocg, q < P. One instance per activation and output mode, the
// mode chosen once per call, not per value.
struct Epilogue {
  int64_t P, ld, ocg, ocp;
  const float* stage;
  const float* bias;
  float slope;
  float* out;
  float* out_act;
};

template <Activation A, bool Dual, bool Acc>
inline void put_scalar(const Epilogue& e, int64_t o, int64_t q, float x) {
  if (Acc) {
    e.out[o * e.ld + q] += x;
  } else if (Dual) {
    e.out[o * e.ld + q] = x;
    e.out_act[o * e.ld + q] = activate(x, A, e.slope);
  } else {
    e.out[o * e.ld + q] = activate(x, A, e.slope);
  }
}

#if defined(__SSE__)
template <Activation A>
inline __m128 act_sse(__m128 v, __m128 slope) {
  if (A == Activation::ReLU) return max_gt_ps(v, _mm_setzero_ps());
  if (A == Activation::LeakyReLU) {
    const __m128 pos = _mm_cmpgt_ps(v, _mm_setzero_ps());
    return _mm_or_ps(_mm_and_ps(pos, v), _mm_andnot_ps(pos, _mm_mul_ps(v, slope)));
  }
  return v;
}
#endif

// Acc (no activation): out += x instead.
template <Activation A, bool Dual, bool Acc = false>
__attribute__((noinline)) void store_transposed(const Epilogue& e) {
  int64_t o0 = 0;
#if defined(__SSE__)
  // 4x4 blocks (ocp is a multiple of the vector width, so of 4); the rows
  // past ocg of the last block are computed and never stored. SSE because
  // xsimd 8 has no transpose; the scalar loop below alone measured (this
  // kernel in tools/bench_conv.cpp) 23.6 against 33.0 GFLOP/s on the
  // 1x28x28 -> 8 layer in wasm, 37.8 against 40.1 on 8x14x14 -> 16, 30.7
  // against 35.9 on the 1x1; natively 2-7% slower.
  const __m128 slope = _mm_set1_ps(e.slope);
  for (; o0 < e.ocg; o0 += 4) {
    const int rows = int(std::min<int64_t>(4, e.ocg - o0));
    float bias[4];
    for (int i = 0; i < 4; ++i) bias[i] = e.bias && i < rows ? e.bias[o0 + i] : 0.0f;
    const __m128 b0 = _mm_set1_ps(bias[0]), b1 = _mm_set1_ps(bias[1]), b2 = _mm_set1_ps(bias[2]),
                 b3 = _mm_set1_ps(bias[3]);
    // The sizes and row pointers in locals: read through `e` they are
    // reloaded after every store (a store through a float* may alias
    // them), several instructions per vector in wasm.
    const int64_t ld = e.ld, ocp = e.ocp, P = e.P;
    float* const d0 = e.out + o0 * ld;
    float* const a0 = Dual ? e.out_act + o0 * ld : nullptr;
    const float* s = e.stage + o0;
    int64_t q = 0;
    for (; q + 4 <= P; q += 4, s += 4 * ocp) {
      __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + ocp), r2 = _mm_loadu_ps(s + 2 * ocp),
             r3 = _mm_loadu_ps(s + 3 * ocp);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      r0 = _mm_add_ps(r0, b0);
      r1 = _mm_add_ps(r1, b1);
      r2 = _mm_add_ps(r2, b2);
      r3 = _mm_add_ps(r3, b3);
      float* const d = d0 + q;
      float* const da = Dual ? a0 + q : nullptr;
      // Named registers, no array indexed by a run-time count: the wasm
      // build would keep such an array in memory.
      auto store = [&](int64_t i, __m128 x) {
        if (Acc) {
          _mm_storeu_ps(d + i * ld, _mm_add_ps(_mm_loadu_ps(d + i * ld), x));
        } else if (Dual) {
          _mm_storeu_ps(d + i * ld, x);
          _mm_storeu_ps(da + i * ld, act_sse<A>(x, slope));
        } else {
          _mm_storeu_ps(d + i * ld, act_sse<A>(x, slope));
        }
      };
      store(0, r0);
      if (rows > 1) store(1, r1);
      if (rows > 2) store(2, r2);
      if (rows > 3) store(3, r3);
    }
    for (; q < e.P; ++q)
      for (int i = 0; i < rows; ++i) put_scalar<A, Dual, Acc>(e, o0 + i, q, e.stage[q * e.ocp + o0 + i] + bias[i]);
  }
#endif
  for (; o0 < e.ocg; ++o0)
    for (int64_t q = 0; q < e.P; ++q)
      put_scalar<A, Dual, Acc>(e, o0, q, e.stage[q * e.ocp + o0] + (e.bias ? e.bias[o0] : 0.0f));
}

using EpilogueFn = void (*)(const Epilogue&);
EpilogueFn epilogue_for(Activation act, bool dual) {
  switch (act) {
    case Activation::ReLU: return dual ? store_transposed<Activation::ReLU, true> : store_transposed<Activation::ReLU, false>;
    case Activation::LeakyReLU:
      return dual ? store_transposed<Activation::LeakyReLU, true> : store_transposed<Activation::LeakyReLU, false>;
    case Activation::None: break;
    default: break;  // the SIMD conv entries apply to no other (conv.cpp)
  }
  return dual ? store_transposed<Activation::None, true> : store_transposed<Activation::None, false>;
}

// The tap offsets (ci, ky, kx) from a window's corner in the (padded) input.
void fill_tap_offsets(const Conv2dParams& p, const Layout& l, std::ptrdiff_t* koff) {
  int64_t k = 0;
  for (int64_t ci = 0; ci < p.cg(); ++ci)
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx) koff[k++] = std::ptrdiff_t(ci * l.plane + ky * p.dh * l.pitch + kx * p.dw);
}

// The input of one image's group as the windows read it: in place, or
// copied with its zero padding into `copy`.
const float* window_source(const Conv2dParams& p, const Layout& l, const float* img, float* copy) {
  if (!l.copy) return img;
  // Columns of a padded row that hold input: [x_lo, x_hi), from ix = x - pad_l.
  const int64_t x_lo = std::min<int64_t>(p.pad_l, l.wp);
  const int64_t x_hi = std::min<int64_t>(p.pad_l + p.w, l.wp);
  // Whole vectors, not memset / memcpy: the rows are short, and in wasm (no
  // bulk memory) each of those is a call to a byte-oriented routine. Nor
  // plain loops: the compiler turns those into run-time overlap checks,
  // remainder loops and memset calls, which on the 28-wide rows of the
  // default model's first conv cost more than the copying. A run of n >= W
  // floats goes as whole vectors, the last one ending at the run's end
  // (overlapping the one before it); each row is zeroed first, then its
  // input columns are copied over the zeros.
  const int64_t n_in = x_hi - x_lo;
  const batch zero(0.0f);
  for (int64_t ci = 0; ci < p.cg(); ++ci)
    for (int64_t y = 0; y < l.hp; ++y) {
      float* dst = copy + ci * l.plane + y * l.wp;
      if (l.wp >= kW) {
        for (int64_t x = 0; x < l.wp - kW; x += kW) zero.store_unaligned(dst + x);
        zero.store_unaligned(dst + l.wp - kW);
      } else {
        for (int64_t x = 0; x < l.wp; ++x) dst[x] = 0.0f;
      }
      const int64_t iy = y - p.pad_t;
      if (iy < 0 || iy >= p.h || n_in <= 0) continue;
      const float* src = img + (ci * p.h + iy) * p.w - p.pad_l;
      if (n_in >= kW) {
        for (int64_t x = x_lo; x < x_hi - kW; x += kW) batch::load_unaligned(src + x).store_unaligned(dst + x);
        batch::load_unaligned(src + x_hi - kW).store_unaligned(dst + x_hi - kW);
      } else {
        for (int64_t x = x_lo; x < x_hi; ++x) dst[x] = src[x];
      }
    }
  return copy;
}

// ---- the weight gradient ----------------------------------------------------
// weight_grad[o][k] += sum over positions p, in order, of out_grad[o][p] *
// x(k, p), x(k, p) the input under tap k of the window at p. The same tile
// with the roles turned: the output channels in the lanes (out_grad
// transposed once to [P][OCp]), NP taps broadcast, the positions the depth.
template <int NV>
__attribute__((noinline)) void wgrad_block(int64_t K, const float* src, const std::ptrdiff_t* koff, int64_t P,
                                           const std::ptrdiff_t* poff, const float* dyt, int64_t ocp, float* stage) {
  constexpr int NP = tile_pixels(NV);
  for (int64_t k0 = 0; k0 < K; k0 += NP) {
    // Taps past K (the last tile) read tap k0's values into stage rows never read.
    const float* base[NP];
    for (int j = 0; j < NP; ++j) base[j] = src + koff[k0 + j < K ? k0 + j : k0];
    batch c[NP][NV];
    for (int j = 0; j < NP; ++j)
      for (int v = 0; v < NV; ++v) c[j][v] = batch(0.0f);
    const float* d = dyt;
    if (base[NP - 1] == base[0] + (NP - 1)) {
      const float* b0 = base[0];
      for (int64_t q = 0; q < P; ++q, d += ocp) {
        const float* in = b0 + poff[q];
        gemm::fma_tile_step<NP, NV>(d, [in](int j) { return in[j]; }, c);
      }
    } else {
      for (int64_t q = 0; q < P; ++q, d += ocp) {
        const std::ptrdiff_t o = poff[q];
        gemm::fma_tile_step<NP, NV>(d, [&base, o](int j) { return base[j][o]; }, c);
      }
    }
    float* st = stage + k0 * ocp;
    for (int j = 0; j < NP; ++j)
      for (int v = 0; v < NV; ++v) c[j][v].store_unaligned(st + j * ocp + v * kW);
  }
}

using WgradFn = void (*)(int64_t, const float*, const std::ptrdiff_t*, int64_t, const std::ptrdiff_t*, const float*,
                         int64_t, float*);
constexpr WgradFn kWgradBlocks[4] = {wgrad_block<1>, wgrad_block<2>, wgrad_block<3>, wgrad_block<4>};

struct WgradLayout {
  Layout in;
  int64_t dyt_floats, stage_floats, koff_floats, poff_floats, total;
};

WgradLayout wgrad_layout(const Conv2dParams& p) {
  WgradLayout w;
  w.in = layout(p);
  const int64_t P = p.oh * p.ow, ocp = padded_oc(p), per_ptr = int64_t(sizeof(std::ptrdiff_t) / sizeof(float));
  w.dyt_floats = up16(P * ocp);
  w.stage_floats = up16(gemm::round_up(p.k(), kStageRows) * ocp);
  w.koff_floats = up16(p.k() * per_ptr);
  w.poff_floats = up16(P * per_ptr);
  w.total = w.in.copy_floats + w.dyt_floats + w.stage_floats + w.koff_floats + w.poff_floats;
  return w;
}

}  // namespace

int64_t conv2d_lanes_packed_floats(const Conv2dParams& p) { return p.groups * p.k() * padded_oc(p); }

void conv2d_lanes_pack(const Conv2dParams& p, const float* weight, float* packed) {
  const int64_t K = p.k(), ocg = p.ocg(), ocp = padded_oc(p);
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t o0 = 0; o0 < ocp; o0 += kMaxNV * kW) {
      // One block of channels [o0, o0 + wr): [K][wr] at o0 * K.
      const int64_t wr = std::min<int64_t>(kMaxNV * kW, ocp - o0);
      float* blk = packed + g * K * ocp + o0 * K;
      for (int64_t k = 0; k < K; ++k)
        for (int64_t i = 0; i < wr; ++i) {
          const int64_t o = o0 + i;
          blk[k * wr + i] = o < ocg ? weight[(g * ocg + o) * K + k] : 0.0f;
        }
    }
}

int64_t conv2d_lanes_scratch_floats(const Conv2dParams& p) {
  const Layout l = layout(p);
  return l.copy_floats + l.stage_floats + l.table_floats;
}

void conv2d_forward_lanes(const Conv2dParams& p, const float* in, const float* packed, const float* bias, float* out,
                          float* out_act, float* scratch) {
  const Layout l = layout(p);
  const int64_t K = p.k(), cg = p.cg(), ocg = p.ocg(), ocp = padded_oc(p), P = p.oh * p.ow;
  float* copy = scratch;
  float* stage = scratch + l.copy_floats;
  std::ptrdiff_t* koff = reinterpret_cast<std::ptrdiff_t*>(stage + l.stage_floats);
  fill_tap_offsets(p, l, koff);
  const int rows = rows_tiles(p) ? 1 : 0;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      const float* src = window_source(p, l, in + (n * p.c + g * cg) * p.h * p.w, copy);
      const float* wg = packed + g * K * ocp;
      // Through a pointer, like the tile loops: never inlined here.
      EpilogueFn volatile epilogue = epilogue_for(p.act, out_act != nullptr);
      const int64_t step_y = p.sh * l.pitch, step_x = p.sw;
      const int64_t out_off = (n * p.oc + g * ocg) * P;
      for (int64_t q0 = 0; q0 < P; q0 += l.chunk) {
        const int64_t q1 = std::min(P, q0 + l.chunk);
        // Taps in slices, each through every block of channels: a slice's
        // weights for one block and the input under the chunk's windows for
        // the slice's channels stay in the L1 cache while the tiles read them
        // (for wide, deep layers; on the five benchmark shapes it measured
        // neither faster nor slower than one slice).
        const int64_t slices = (K * std::min<int64_t>(ocp, kMaxNV * kW) + kSliceFloats - 1) / kSliceFloats;
        const int64_t per = (K + slices - 1) / slices;
        for (int64_t k0 = 0; k0 < K; k0 += per)
          for (int64_t o0 = 0; o0 < ocp; o0 += kMaxNV * kW) {
            const int64_t nv = std::min<int64_t>(kMaxNV, (ocp - o0) / kW);
            kBlocks[rows][nv - 1](q0, q1, p.ow, step_y, step_x, src, k0, std::min(K, k0 + per), koff, wg + o0 * K, ocp,
                            stage + o0);
          }
        Epilogue e;
        e.P = q1 - q0;
        e.ld = P;
        e.ocg = ocg;
        e.ocp = ocp;
        e.stage = stage;
        e.bias = bias ? bias + g * ocg : nullptr;
        e.slope = p.slope;
        e.out = out + out_off + q0;
        e.out_act = out_act ? out_act + out_off + q0 : nullptr;
        epilogue(e);
      }
    }
}

int64_t conv2d_lanes_weight_grad_scratch_floats(const Conv2dParams& p) { return wgrad_layout(p).total; }

void conv2d_weight_grad_lanes(const Conv2dParams& p, const float* in, const float* out_grad, float* weight_grad,
                              float* scratch) {
  const WgradLayout wl = wgrad_layout(p);
  const Layout& l = wl.in;
  const int64_t K = p.k(), cg = p.cg(), ocg = p.ocg(), ocp = padded_oc(p), P = p.oh * p.ow;
  float* copy = scratch;
  float* dyt = copy + l.copy_floats;
  float* stage = dyt + wl.dyt_floats;
  std::ptrdiff_t* koff = reinterpret_cast<std::ptrdiff_t*>(stage + wl.stage_floats);
  std::ptrdiff_t* poff = reinterpret_cast<std::ptrdiff_t*>(stage + wl.stage_floats + wl.koff_floats);
  fill_tap_offsets(p, l, koff);
  for (int64_t q = 0, y = 0, x = 0; q < P; ++q) {
    poff[q] = std::ptrdiff_t(y * p.sh * l.pitch + x * p.sw);
    if (++x == p.ow) {
      x = 0;
      ++y;
    }
  }
  EpilogueFn volatile epilogue = store_transposed<Activation::None, false, true>;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      const float* src = window_source(p, l, in + (n * p.c + g * cg) * p.h * p.w, copy);
      const float* dy = out_grad + (n * p.oc + g * ocg) * P;
      for (int64_t q = 0; q < P; ++q) {
        float* row = dyt + q * ocp;
        for (int64_t o = 0; o < ocg; ++o) row[o] = dy[o * P + q];
        for (int64_t o = ocg; o < ocp; ++o) row[o] = 0.0f;
      }
      for (int64_t o0 = 0; o0 < ocp; o0 += kMaxNV * kW) {
        const int64_t nv = std::min<int64_t>(kMaxNV, (ocp - o0) / kW);
        kWgradBlocks[nv - 1](K, src, koff, P, poff, dyt + o0, ocp, stage + o0);
      }
      // weight_grad[o][k] += stage[k][o] + 0.0f, the GEMM epilogue's order.
      Epilogue e;
      e.P = K;
      e.ld = K;
      e.ocg = ocg;
      e.ocp = ocp;
      e.stage = stage;
      e.bias = nullptr;
      e.slope = 0.0f;
      e.out = weight_grad + g * ocg * K;
      e.out_act = nullptr;
      epilogue(e);
    }
}

}  // namespace cnn
