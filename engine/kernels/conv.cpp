// Conv2d forward and backward: cross-correlation with zero padding, dilation
// and groups, PyTorch semantics.
//   in: N,C,H,W   weight: OC, C/groups, KH, KW   bias: OC   out: N,OC,OH,OW
// conv2d_forward_ref: the direct seven-deep loop, the algorithmic reference.
// conv2d_forward_im2col_simd: per image and group, im2col straight into the
//   GEMM's packed B panels, then the register-tiled SIMD GEMM with bias and
//   activation fused into its epilogue. Weights are packed once (pack()).
// conv2d_forward_direct_simd: stride 1 and dilation 1 only: the same GEMM
//   tile reading the (zero-padded) input directly, no im2col (conv_direct.cpp).
// conv2d_forward_lanes_simd: output channels in the vector lanes, input values
//   broadcast, any geometry (conv_lanes.cpp).
// Which of the three a network runs is said by each entry's preferred() in
// the tables below (lanes_preferred, direct_preferred). Lanes and direct sum
// each output over k in the same order, one multiply-add per step, then add
// the bias: they give the same bits.
// conv2d_backward_ref: the same loop, scattering each output gradient into
//   the input, weight and bias gradients (+=).
// conv2d_backward_lanes_simd: the weight gradient with the output channels in
//   the lanes (conv_lanes.cpp), the input and bias gradients as im2col's.
// conv2d_backward_im2col_simd: per image and group, with P = OH*OW output
//   positions and K = C/groups*KH*KW, on the shared GEMM (transposes are
//   strides given to pack_a / pack_b, never copies):
//     weight_grad[OCg,K] += out_grad[OCg,P] * col[K,P]^T  (im2col written
//                           straight into the packed panels of col^T)
//     col_grad[K,P]       = weight[OCg,K]^T * out_grad[OCg,P], then col2im (+=)
//     bias_grad[o]       += sum over P of out_grad[o,P]
#include <algorithm>
#include <cstring>

#include "conv_direct.hpp"
#include "conv_lanes.hpp"
#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

Conv2dParams conv2d_params(const Geometry& g, const Conv2dSpec& s) {
  Conv2dParams p;
  p.n = g.in.n();
  p.c = g.in.c();
  p.h = g.in.h();
  p.w = g.in.w();
  p.oc = g.out.c();
  p.oh = g.out.h();
  p.ow = g.out.w();
  p.kh = g.kernel_h;
  p.kw = g.kernel_w;
  p.sh = g.stride_h;
  p.sw = g.stride_w;
  p.dh = g.dilation_h;
  p.dw = g.dilation_w;
  p.pad_t = g.pad_top;
  p.pad_l = g.pad_left;
  p.groups = s.groups;
  return p;
}

Conv2dParams conv2d_spec_params(const Conv2dSpec& s) {
  Conv2dParams p;
  p.c = s.in_channels;
  p.oc = s.out_channels;
  p.kh = s.kernel_h;
  p.kw = s.kernel_w;
  p.sh = s.stride_h;
  p.sw = s.stride_w;
  p.dh = s.dilation_h;
  p.dw = s.dilation_w;
  p.groups = s.groups;
  return p;
}

void conv2d_forward_ref(const Conv2dParams& p, const float* in, const float* weight, const float* bias,
                        float* out) {
  const int64_t cg = p.cg(), ocg = p.ocg();
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.oc; ++o) {
      const int64_t g = o / ocg;
      for (int64_t oy = 0; oy < p.oh; ++oy)
        for (int64_t ox = 0; ox < p.ow; ++ox) {
          float s = 0.0f;
          for (int64_t ci = 0; ci < cg; ++ci) {
            const float* plane = in + ((n * p.c) + g * cg + ci) * p.h * p.w;
            const float* wk = weight + ((o * cg) + ci) * p.kh * p.kw;
            for (int64_t ky = 0; ky < p.kh; ++ky) {
              const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
              if (iy < 0 || iy >= p.h) continue;
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t ix = ox * p.sw - p.pad_l + kx * p.dw;
                if (ix < 0 || ix >= p.w) continue;
                s += plane[iy * p.w + ix] * wk[ky * p.kw + kx];
              }
            }
          }
          if (bias) s += bias[o];
          out[((n * p.oc + o) * p.oh + oy) * p.ow + ox] = activate(s, p.act, p.slope);
        }
    }
}

namespace {

void ref_entry(const Conv2dParams& p, const float* in, const float* weight, const float*, const float* bias,
               float* out, float* out_act, float*) {
  if (!out_act) {
    conv2d_forward_ref(p, in, weight, bias, out);
    return;
  }
  Conv2dParams q = p;
  q.act = Activation::None;
  conv2d_forward_ref(q, in, weight, bias, out);
  for (int64_t i = 0; i < p.n * p.oc * p.oh * p.ow; ++i) out_act[i] = activate(out[i], p.act, p.slope);
}
int64_t no_floats(const Conv2dParams&) { return 0; }
void no_pack(const Conv2dParams&, const float*, float*) {}

// Packed B of one group: K = cg*kh*kw rows, N = oh*ow columns, in NR panels.
int64_t im2col_scratch_floats(const Conv2dParams& p) {
  return gemm::packed_b_floats(p.k(), p.oh * p.ow);
}

int64_t im2col_packed_floats(const Conv2dParams& p) {
  return p.groups * gemm::packed_a_floats(p.ocg(), p.k());
}

void im2col_pack(const Conv2dParams& p, const float* weight, float* packed) {
  const int64_t K = p.k(), ocg = p.ocg();
  for (int64_t g = 0; g < p.groups; ++g)
    gemm::pack_a(ocg, K, weight + g * ocg * K, K, 1, packed + g * gemm::packed_a_floats(ocg, K));
}

// Output columns ox whose input column ox*sw + x0 lies inside 0..w-1.
inline void valid_cols(const Conv2dParams& p, int64_t x0, int64_t* lo, int64_t* hi) {
  int64_t a = x0 < 0 ? (-x0 + p.sw - 1) / p.sw : 0;
  int64_t b = p.w - 1 - x0 >= 0 ? (p.w - 1 - x0) / p.sw + 1 : 0;
  b = std::min<int64_t>(b, p.ow);
  *lo = std::min(a, b);
  *hi = b;
}

// Writes the im2col matrix of one image/group directly as packed B panels:
// Bp[(col / NR) * K * NR + row * NR + col % NR], row = (ci, ky, kx), col = (oy, ox).
// Per (row, output row) the columns go out in runs that stay inside one panel;
// within a run, the columns whose input lies inside the image are copied and
// the rest zeroed, with the valid range found once per kernel tap.
void im2col_packed(const Conv2dParams& p, const float* img, float* Bp) {
  constexpr int64_t NR = gemm::NR;
  const int64_t K = p.k();
  const int64_t panel_stride = K * NR;
  int64_t row = 0;
  for (int64_t ci = 0; ci < p.cg(); ++ci) {
    const float* plane = img + ci * p.h * p.w;
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx, ++row) {
        float* dst_row = Bp + row * NR;
        const int64_t x0 = kx * p.dw - p.pad_l;
        int64_t lo = 0, hi = 0;
        valid_cols(p, x0, &lo, &hi);
        for (int64_t oy = 0; oy < p.oh; ++oy) {
          const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
          const bool row_in = iy >= 0 && iy < p.h;
          const float* src = plane + (row_in ? iy : 0) * p.w + x0;
          int64_t ox = 0;
          while (ox < p.ow) {
            const int64_t col = oy * p.ow + ox;
            const int64_t lane = col % NR;
            const int64_t end = std::min(p.ow, ox + (NR - lane));
            float* d = dst_row + (col / NR) * panel_stride + lane - ox;  // d[ox'] for ox' in [ox, end)
            if (!row_in) {
              for (int64_t t = ox; t < end; ++t) d[t] = 0.0f;
            } else {
              const int64_t a = std::max(ox, lo), b = std::min(end, hi);
              int64_t t = ox;
              for (; t < a; ++t) d[t] = 0.0f;
              if (p.sw == 1)
                for (; t < b; ++t) d[t] = src[t];
              else
                for (; t < b; ++t) d[t] = src[t * p.sw];
              for (; t < end; ++t) d[t] = 0.0f;
            }
            ox = end;
          }
        }
        // Zero the tail of the last panel so stale scratch never reaches C.
        for (int64_t col = p.oh * p.ow; col % NR != 0; ++col) dst_row[(col / NR) * panel_stride + (col % NR)] = 0.0f;
      }
  }
}

void im2col_forward(const Conv2dParams& p, const float* in, const float*, const float* packed, const float* bias,
                    float* out, float* out_act, float* scratch) {
  const int64_t K = p.k(), ocg = p.ocg(), N = p.oh * p.ow;
  const int64_t a_stride = gemm::packed_a_floats(ocg, K);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      im2col_packed(p, in + (n * p.c + g * p.cg()) * p.h * p.w, scratch);
      gemm::Epilogue ep;
      ep.row_bias = bias ? bias + g * ocg : nullptr;
      ep.act = p.act;
      ep.slope = p.slope;
      const int64_t o = (n * p.oc + g * ocg) * N;
      ep.act_out = out_act ? out_act + o : nullptr;
      gemm::gemm_packed(ocg, N, K, packed + g * a_stride, scratch, out + o, N, ep);
    }
}

void direct_forward(const Conv2dParams& p, const float* in, const float*, const float* packed, const float* bias,
                    float* out, float* out_act, float* scratch) {
  conv2d_forward_direct(p, in, packed, bias, out, out_act, scratch);
}

void lanes_forward(const Conv2dParams& p, const float* in, const float*, const float* packed, const float* bias,
                   float* out, float* out_act, float* scratch) {
  conv2d_forward_lanes(p, in, packed, bias, out, out_act, scratch);
}

// ---- kernel choice ---------------------------------------------------------
// Every predicate reads only what conv2d_spec_params fills, and act.

bool simd_applies(const Conv2dParams& p) { return simd_epilogue_has(p.act); }

// Channels in lanes where at least 3/4 of the lanes hold real channels
// (measured in wasm with tools/bench_conv.cpp on layers from 1x28x28 -> 8 to
// 64x56x56 -> 64: 1.3-2.7x the direct and im2col kernels on the small layers,
// 1.0-1.3x on the largest). It depends only on the channels per group, so
// the backward pass (the weight gradient) takes the same side.
bool lanes_preferred(const Conv2dParams& p) {
  const int64_t ocp = gemm::round_up(p.ocg(), gemm::kWidth);
  return simd_applies(p) && 4 * p.ocg() >= 3 * ocp;
}

bool direct_applies(const Conv2dParams& p) {
  return simd_applies(p) && p.sh == 1 && p.sw == 1 && p.dh == 1 && p.dw == 1;
}

// Measured (tools/bench_conv.cpp, wasm and native): direct wins clearly where
// im2col would copy each input value many times into a shallow matrix (the
// 5x5 layers of the default model, K = 25 and 200) and for 1x1; from K of
// about 300 up (3x3 over 32+ channels) im2col's compact B panel is as fast or
// faster, so it keeps those.
bool direct_preferred(const Conv2dParams& p) {
  return direct_applies(p) && (p.k() <= 256 || (p.kh == 1 && p.kw == 1));
}

}  // namespace

const std::vector<Conv2dKernel>& conv2d_forward_kernels() {
  // In the order of choice: the first SIMD entry preferred for a shape runs it.
  static const std::vector<Conv2dKernel> list = {
      {"conv2d_forward_ref", Variant::Ref, any_shape, any_shape, no_floats, no_floats, no_pack, ref_entry},
      {"conv2d_forward_lanes_simd", Variant::Simd, simd_applies, lanes_preferred, conv2d_lanes_scratch_floats,
       conv2d_lanes_packed_floats, conv2d_lanes_pack, lanes_forward},
      {"conv2d_forward_direct_simd", Variant::Simd, direct_applies, direct_preferred, conv2d_direct_scratch_floats,
       im2col_packed_floats, im2col_pack, direct_forward},
      {"conv2d_forward_im2col_simd", Variant::Simd, simd_applies, simd_applies, im2col_scratch_floats,
       im2col_packed_floats, im2col_pack, im2col_forward},
  };
  return list;
}

// ---- backward ------------------------------------------------------------------

namespace {

void conv2d_backward_ref(const Conv2dParams& p, const float* in, const float* weight, const float* out_grad,
                         float* in_grad, float* weight_grad, float* bias_grad, float*) {
  const int64_t cg = p.cg(), ocg = p.ocg();
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.oc; ++o) {
      const int64_t g = o / ocg;
      for (int64_t oy = 0; oy < p.oh; ++oy)
        for (int64_t ox = 0; ox < p.ow; ++ox) {
          const float d = out_grad[((n * p.oc + o) * p.oh + oy) * p.ow + ox];
          if (bias_grad) bias_grad[o] += d;
          for (int64_t ci = 0; ci < cg; ++ci) {
            const int64_t plane = ((n * p.c) + g * cg + ci) * p.h * p.w;
            const int64_t wk = ((o * cg) + ci) * p.kh * p.kw;
            for (int64_t ky = 0; ky < p.kh; ++ky) {
              const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
              if (iy < 0 || iy >= p.h) continue;
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t ix = ox * p.sw - p.pad_l + kx * p.dw;
                if (ix < 0 || ix >= p.w) continue;
                if (weight_grad) weight_grad[wk + ky * p.kw + kx] += d * in[plane + iy * p.w + ix];
                if (in_grad) in_grad[plane + iy * p.w + ix] += d * weight[wk + ky * p.kw + kx];
              }
            }
          }
        }
    }
}

// The im2col matrix of one image/group, transposed and packed as the GEMM's B
// operand col^T[P, K] (P = OH*OW positions, K = (ci, ky, kx) rows): element
// (pos, row) at Bp[(row / NR) * P * NR + pos * NR + row % NR]; zero where the
// window hits padding and in the lanes past K of the last panel. Two ways,
// the same result:
// by rows: one output row at a time, so the panel rows being written stay in
//   the L1 cache; per (row, kernel tap) the valid columns are found once, no
//   test per pixel. Good for wide outputs (the first layers).
void im2col_packed_t_rows(const Conv2dParams& p, const float* img, float* Bp) {
  constexpr int64_t NR = gemm::NR;
  const int64_t P = p.oh * p.ow, K = p.k();
  const int64_t panel_stride = P * NR;
  const int64_t tail = gemm::round_up(K, NR);
  for (int64_t oy = 0; oy < p.oh; ++oy) {
    float* row_base = Bp + oy * p.ow * NR;
    int64_t r = 0;
    for (int64_t ci = 0; ci < p.cg(); ++ci) {
      const float* plane = img + ci * p.h * p.w;
      for (int64_t ky = 0; ky < p.kh; ++ky) {
        const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
        const bool row_in = iy >= 0 && iy < p.h;
        for (int64_t kx = 0; kx < p.kw; ++kx, ++r) {
          float* d = row_base + (r / NR) * panel_stride + r % NR;
          if (!row_in) {
            for (int64_t ox = 0; ox < p.ow; ++ox) d[ox * NR] = 0.0f;
            continue;
          }
          const int64_t x0 = kx * p.dw - p.pad_l;
          int64_t lo, hi;
          valid_cols(p, x0, &lo, &hi);
          const float* src = plane + iy * p.w + x0;
          for (int64_t ox = 0; ox < lo; ++ox) d[ox * NR] = 0.0f;
          if (p.sw == 1) {
            for (int64_t ox = lo; ox < hi; ++ox) d[ox * NR] = src[ox];
          } else {
            for (int64_t ox = lo; ox < hi; ++ox) d[ox * NR] = src[ox * p.sw];
          }
          for (int64_t ox = hi; ox < p.ow; ++ox) d[ox * NR] = 0.0f;
        }
      }
    }
    for (; r < tail; ++r) {
      float* d = row_base + (r / NR) * panel_stride + r % NR;
      for (int64_t ox = 0; ox < p.ow; ++ox) d[ox * NR] = 0.0f;
    }
  }
}

// by positions: each position's NR-value panel rows written contiguously;
//   windows wholly inside the image read through a table of tap offsets.
//   Good for narrow outputs with many taps (deeper layers).
constexpr int64_t kMaxOffsetTable = 2048;

void im2col_packed_t_positions(const Conv2dParams& p, const float* img, float* Bp) {
  constexpr int64_t NR = gemm::NR;
  const int64_t P = p.oh * p.ow, K = p.k();
  const int64_t panel_stride = P * NR;
  const int64_t panels = (K + NR - 1) / NR;
  int32_t offsets[kMaxOffsetTable];
  const bool table = K <= kMaxOffsetTable && p.cg() * p.h * p.w < (int64_t(1) << 31);
  if (table) {
    int64_t r = 0;
    for (int64_t ci = 0; ci < p.cg(); ++ci)
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) offsets[r++] = int32_t((ci * p.h + ky * p.dh) * p.w + kx * p.dw);
  }
  for (int64_t oy = 0; oy < p.oh; ++oy)
    for (int64_t ox = 0; ox < p.ow; ++ox) {
      const int64_t y0 = oy * p.sh - p.pad_t, x0 = ox * p.sw - p.pad_l;
      const bool inside = y0 >= 0 && x0 >= 0 && y0 + (p.kh - 1) * p.dh < p.h && x0 + (p.kw - 1) * p.dw < p.w;
      float* dst = Bp + (oy * p.ow + ox) * NR;
      if (inside && table) {
        const float* base = img + y0 * p.w + x0;
        for (int64_t pi = 0; pi < panels; ++pi) {
          float* d = dst + pi * panel_stride;
          const int32_t* off = offsets + pi * NR;
          const int64_t n = std::min<int64_t>(NR, K - pi * NR);
          for (int64_t l = 0; l < n; ++l) d[l] = base[off[l]];
          for (int64_t l = n; l < NR; ++l) d[l] = 0.0f;
        }
        continue;
      }
      int64_t lane = 0;
      for (int64_t ci = 0; ci < p.cg(); ++ci) {
        const float* plane = img + ci * p.h * p.w;
        for (int64_t ky = 0; ky < p.kh; ++ky) {
          const int64_t iy = y0 + ky * p.dh;
          const bool row_in = iy >= 0 && iy < p.h;
          const float* src = row_in ? plane + iy * p.w : plane;
          for (int64_t kx = 0; kx < p.kw; ++kx) {
            const int64_t ix = x0 + kx * p.dw;
            dst[lane] = (row_in && ix >= 0 && ix < p.w) ? src[ix] : 0.0f;
            if (++lane == NR) {
              lane = 0;
              dst += panel_stride;
            }
          }
        }
      }
      if (lane)
        for (; lane < NR; ++lane) dst[lane] = 0.0f;
    }
}

void im2col_packed_t(const Conv2dParams& p, const float* img, float* Bp) {
  if (p.ow >= 2 * gemm::kWidth)
    im2col_packed_t_rows(p, img, Bp);
  else
    im2col_packed_t_positions(p, img, Bp);
}

// The adjoint of im2col: img[...] += col[row * P + pos] for col[K, P].
void col2im_add(const Conv2dParams& p, const float* col, float* img) {
  const int64_t P = p.oh * p.ow;
  int64_t row = 0;
  for (int64_t ci = 0; ci < p.cg(); ++ci) {
    float* plane = img + ci * p.h * p.w;
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx, ++row) {
        const float* src = col + row * P;
        const int64_t x0 = kx * p.dw - p.pad_l;
        int64_t lo, hi;
        valid_cols(p, x0, &lo, &hi);
        for (int64_t oy = 0; oy < p.oh; ++oy) {
          const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
          if (iy < 0 || iy >= p.h) continue;
          float* d = plane + iy * p.w + x0;
          const float* s = src + oy * p.ow;
          if (p.sw == 1) {
            for (int64_t ox = lo; ox < hi; ++ox) d[ox] += s[ox];
          } else {
            for (int64_t ox = lo; ox < hi; ++ox) d[ox * p.sw] += s[ox];
          }
        }
      }
  }
}

// Sum of n floats, SIMD across the vector width.
inline float simd_sum(const float* v, int64_t n) {
  constexpr int64_t W = gemm::kWidth;
  gemm::batch acc(0.0f);
  int64_t i = 0;
  for (; i + W <= n; i += W) acc += gemm::batch::load_unaligned(v + i);
  float t = xsimd::hadd(acc);
  for (; i < n; ++i) t += v[i];
  return t;
}

// Scratch: col_grad (K*P), the packed weight^T of every group, packed
// out_grad rows (A of the weight GEMM) and one packed B (col^T or out_grad).
struct BackwardScratch {
  int64_t col, wt, dy, b, total;
};
BackwardScratch backward_scratch(const Conv2dParams& p) {
  const int64_t K = p.k(), ocg = p.ocg(), P = p.oh * p.ow;
  BackwardScratch s;
  s.col = gemm::round_up(K * P, 16);
  s.wt = gemm::round_up(p.groups * gemm::packed_a_floats(K, ocg), 16);
  s.dy = gemm::round_up(gemm::packed_a_floats(ocg, P), 16);
  s.b = std::max(gemm::packed_b_floats(P, K), gemm::packed_b_floats(ocg, P));
  s.total = s.col + s.wt + s.dy + s.b;
  return s;
}
int64_t im2col_backward_scratch_floats(const Conv2dParams& p) { return backward_scratch(p).total; }

void conv2d_backward_im2col_simd(const Conv2dParams& p, const float* in, const float* weight,
                                 const float* out_grad, float* in_grad, float* weight_grad, float* bias_grad,
                                 float* scratch) {
  const int64_t K = p.k(), ocg = p.ocg(), P = p.oh * p.ow, cg = p.cg();
  const BackwardScratch s = backward_scratch(p);
  float* col = scratch;
  float* wt = col + s.col;
  float* dyp = wt + s.wt;
  float* bp = dyp + s.dy;
  const int64_t wt_stride = gemm::packed_a_floats(K, ocg);
  // weight^T of group g: element (row, o) at weight[(g*ocg + o)*K + row].
  if (in_grad)
    for (int64_t g = 0; g < p.groups; ++g) gemm::pack_a(K, ocg, weight + g * ocg * K, 1, K, wt + g * wt_stride);
  gemm::Epilogue acc;
  acc.accumulate = true;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      const float* dy = out_grad + (n * p.oc + g * ocg) * P;
      if (bias_grad)
        for (int64_t o = 0; o < ocg; ++o) bias_grad[g * ocg + o] += simd_sum(dy + o * P, P);
      if (weight_grad) {
        im2col_packed_t(p, in + (n * p.c + g * cg) * p.h * p.w, bp);
        gemm::pack_a(ocg, P, dy, P, 1, dyp);
        gemm::gemm_packed(ocg, K, P, dyp, bp, weight_grad + g * ocg * K, K, acc);
      }
      if (in_grad) {
        gemm::pack_b(ocg, P, dy, P, 1, bp);
        gemm::gemm_packed(K, P, ocg, wt + g * wt_stride, bp, col, P, gemm::Epilogue());
        col2im_add(p, col, in_grad + (n * p.c + g * cg) * p.h * p.w);
      }
    }
}

// conv2d_backward_lanes_simd: the weight gradient with the output channels in
// the lanes (conv_lanes.cpp: no im2col matrix, about a third of a LeNet
// training step before), the input and bias gradients as above.
int64_t lanes_backward_scratch_floats(const Conv2dParams& p) {
  return std::max(im2col_backward_scratch_floats(p), conv2d_lanes_weight_grad_scratch_floats(p));
}

void conv2d_backward_lanes_simd(const Conv2dParams& p, const float* in, const float* weight, const float* out_grad,
                                float* in_grad, float* weight_grad, float* bias_grad, float* scratch) {
  if (in_grad || bias_grad)
    conv2d_backward_im2col_simd(p, in, weight, out_grad, in_grad, nullptr, bias_grad, scratch);
  if (weight_grad) conv2d_weight_grad_lanes(p, in, out_grad, weight_grad, scratch);
}

}  // namespace

const std::vector<Conv2dBackwardKernel>& conv2d_backward_kernels() {
  // In the order of choice, as the forward's: lanes where the forward pass uses them.
  static const std::vector<Conv2dBackwardKernel> list = {
      {"conv2d_backward_ref", Variant::Ref, any_shape, any_shape, no_floats, conv2d_backward_ref},
      {"conv2d_backward_lanes_simd", Variant::Simd, any_shape, lanes_preferred, lanes_backward_scratch_floats,
       conv2d_backward_lanes_simd},
      {"conv2d_backward_im2col_simd", Variant::Simd, any_shape, any_shape, im2col_backward_scratch_floats,
       conv2d_backward_im2col_simd},
  };
  return list;
}

}  // namespace cnn
