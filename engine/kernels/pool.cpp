// MaxPool2d / AvgPool2d forward, PyTorch semantics.
//   in: N,C,H,W   out: N,C,OH,OW
// Max pads with -inf (padding never wins); Avg counts padded zeros when
// count_include_pad, and a window that overhangs the padded input (ceil_mode)
// is clipped to it before counting, as in PyTorch.
// *_ref: plain loops. *_simd: per output row, the window's rows are reduced
//   vertically with SIMD over the whole input width (contiguous), then each
//   output takes its horizontal window from that row (SIMD too when stride 1;
//   a plain loop over full windows for other strides).
// Backward: max pooling sends each output gradient to the first maximum of
//   its window in row-major order, as PyTorch does; average pooling adds
//   gradient / divisor to every input the window covers.
//   maxpool2d_backward_2x2_simd: 2x2 windows at stride 2, none clipped, four
//   at a time (SSE, i.e. SIMD128 in wasm), and no other shape: the reference
//   runs the others; average pooling has the reference only.
#include <algorithm>
#include <limits>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "activate.hpp"
#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

Pool2dParams pool2d_params(const Geometry& g, const Pool2dSpec& s) {
  Pool2dParams p;
  p.n = g.in.n();
  p.c = g.in.c();
  p.h = g.in.h();
  p.w = g.in.w();
  p.oh = g.out.h();
  p.ow = g.out.w();
  p.kh = g.kernel_h;
  p.kw = g.kernel_w;
  p.sh = g.stride_h;
  p.sw = g.stride_w;
  p.pad_t = g.pad_top;
  p.pad_l = g.pad_left;
  p.count_include_pad = s.count_include_pad;
  return p;
}

namespace {

using gemm::batch;
constexpr int64_t W = gemm::kWidth;

struct Window {
  int64_t y0, y1, x0, x1;  // clipped to the input
  int64_t divisor;         // for average pooling
};

inline Window window(const Pool2dParams& p, int64_t oy, int64_t ox) {
  int64_t y0 = oy * p.sh - p.pad_t, x0 = ox * p.sw - p.pad_l;
  int64_t y1 = std::min(y0 + p.kh, p.h + p.pad_t), x1 = std::min(x0 + p.kw, p.w + p.pad_l);
  const int64_t padded_size = (y1 - y0) * (x1 - x0);
  y0 = std::max<int64_t>(y0, 0);
  x0 = std::max<int64_t>(x0, 0);
  y1 = std::min(y1, p.h);
  x1 = std::min(x1, p.w);
  const int64_t real_size = (y1 - y0) * (x1 - x0);
  return {y0, y1, x0, x1, p.count_include_pad ? padded_size : real_size};
}

void maxpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out, float*) {
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    float* dst = out + plane * p.oh * p.ow;
    for (int64_t oy = 0; oy < p.oh; ++oy)
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        const Window win = window(p, oy, ox);
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t y = win.y0; y < win.y1; ++y)
          for (int64_t x = win.x0; x < win.x1; ++x) m = std::max(m, src[y * p.w + x]);
        dst[oy * p.ow + ox] = m;
      }
  }
}

void avgpool2d_forward_ref(const Pool2dParams& p, const float* in, float* out, float*) {
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    float* dst = out + plane * p.oh * p.ow;
    for (int64_t oy = 0; oy < p.oh; ++oy)
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        const Window win = window(p, oy, ox);
        float s = 0.0f;
        for (int64_t y = win.y0; y < win.y1; ++y)
          for (int64_t x = win.x0; x < win.x1; ++x) s += src[y * p.w + x];
        dst[oy * p.ow + ox] = win.divisor > 0 ? s / float(win.divisor) : 0.0f;
      }
  }
}

int64_t row_scratch(const Pool2dParams& p) { return gemm::round_up(p.w, W); }
int64_t no_scratch(const Pool2dParams&) { return 0; }

// Reduce rows [y0, y1) of a plane into `row` (width p.w), SIMD across x.
template <bool IsMax>
inline void reduce_rows(const Pool2dParams& p, const float* src, int64_t y0, int64_t y1, float* row) {
  int64_t x = 0;
  for (; x + W <= p.w; x += W) {
    batch acc = batch::load_unaligned(src + y0 * p.w + x);
    for (int64_t y = y0 + 1; y < y1; ++y) {
      const batch v = batch::load_unaligned(src + y * p.w + x);
      acc = IsMax ? max_gt(acc, v) : acc + v;
    }
    acc.store_unaligned(row + x);
  }
  for (; x < p.w; ++x) {
    float acc = src[y0 * p.w + x];
    for (int64_t y = y0 + 1; y < y1; ++y) acc = IsMax ? std::max(acc, src[y * p.w + x]) : acc + src[y * p.w + x];
    row[x] = acc;
  }
}

#if defined(__SSE__)
// 2x2 windows at stride 2 with no padding and none clipped at the edges.
inline bool plain_2x2(const Pool2dParams& p) {
  return p.kh == 2 && p.kw == 2 && p.sh == 2 && p.sw == 2 && p.pad_t == 0 && p.pad_l == 0 && 2 * p.oh <= p.h &&
         2 * p.ow <= p.w;
}

// 2x2 windows at stride 2, none clipped (the default model's pooling): two
// input rows are reduced vertically four pairs at a time, then the even and
// odd columns are split with a shuffle and reduced against each other. SSE's
// 4-wide registers, which are wasm's SIMD128 in the wasm build: xsimd 8 has
// no such even / odd split. Measured against the xsimd row path below (max
// pooling, the kernel timed alone): 1x8x28x28 0.9 us against 3.8 natively
// (AVX-512), 1.1-1.8 us against 5.3 in wasm (Node 20); 1x16x10x10 0.6-0.8
// against 1.7-2.4 natively, 0.8-1.4 against 2.6 in wasm.
template <bool IsMax>
bool pool2x2_forward_sse(const Pool2dParams& p, const float* in, float* out) {
  if (!plain_2x2(p)) return false;
  const __m128 quarter = _mm_set1_ps(0.25f);
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    float* dst = out + plane * p.oh * p.ow;
    for (int64_t oy = 0; oy < p.oh; ++oy) {
      const float* r0 = src + 2 * oy * p.w;
      const float* r1 = r0 + p.w;
      float* d = dst + oy * p.ow;
      int64_t ox = 0;
      // Four outputs at a time; a row whose width is not a multiple of 4
      // ends with four that overlap the previous ones (the same values are
      // written again) instead of a scalar tail.
      for (bool last = p.ow < 4; !last; ox += 4) {
        if (ox + 4 >= p.ow) {
          ox = p.ow - 4;
          last = true;
        }
        const __m128 a0 = _mm_loadu_ps(r0 + 2 * ox), a1 = _mm_loadu_ps(r1 + 2 * ox);
        const __m128 b0 = _mm_loadu_ps(r0 + 2 * ox + 4), b1 = _mm_loadu_ps(r1 + 2 * ox + 4);
        const __m128 a = IsMax ? max_gt_ps(a0, a1) : _mm_add_ps(a0, a1);
        const __m128 b = IsMax ? max_gt_ps(b0, b1) : _mm_add_ps(b0, b1);
        const __m128 even = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        const __m128 odd = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        _mm_storeu_ps(d + ox, IsMax ? max_gt_ps(even, odd) : _mm_mul_ps(_mm_add_ps(even, odd), quarter));
      }
      if (p.ow >= 4) ox = p.ow;
      for (; ox < p.ow; ++ox) {
        const float* t = r0 + 2 * ox;
        const float* u = r1 + 2 * ox;
        d[ox] = IsMax ? std::max(std::max(t[0], t[1]), std::max(u[0], u[1])) : ((t[0] + t[1]) + (u[0] + u[1])) * 0.25f;
      }
    }
  }
  return true;
}
#endif

template <bool IsMax>
void pool2d_forward_simd(const Pool2dParams& p, const float* in, float* out, float* row) {
#if defined(__SSE__)
  if (pool2x2_forward_sse<IsMax>(p, in, out)) return;
#endif
  // Output columns whose whole window lies inside the input (no clipping):
  // with stride 1 they are computed W at a time from shifted loads of `row`.
  int64_t full_lo = (p.pad_l + p.sw - 1) / p.sw;
  int64_t full_hi = p.w - p.kw + p.pad_l >= 0 ? (p.w - p.kw + p.pad_l) / p.sw + 1 : 0;
  full_hi = std::min(full_hi, p.ow);
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    float* dst = out + plane * p.oh * p.ow;
    for (int64_t oy = 0; oy < p.oh; ++oy) {
      const Window rows = window(p, oy, 0);
      reduce_rows<IsMax>(p, src, rows.y0, rows.y1, row);
      float* drow = dst + oy * p.ow;
      int64_t ox = 0;
      auto scalar = [&](int64_t o) {
        const Window win = window(p, oy, o);
        float acc = row[win.x0];
        for (int64_t x = win.x0 + 1; x < win.x1; ++x) acc = IsMax ? std::max(acc, row[x]) : acc + row[x];
        drow[o] = IsMax ? acc : (win.divisor > 0 ? acc / float(win.divisor) : 0.0f);
      };
      if (p.sw == 1 && full_hi > full_lo) {
        for (; ox < full_lo; ++ox) scalar(ox);
        // Every full window in this row has the same divisor.
        const float inv = 1.0f / float(window(p, oy, full_lo).divisor);
        for (; ox + W <= full_hi; ox += W) {
          const float* base = row + ox - p.pad_l;
          batch acc = batch::load_unaligned(base);
          for (int64_t kx = 1; kx < p.kw; ++kx) {
            const batch v = batch::load_unaligned(base + kx);
            acc = IsMax ? max_gt(acc, v) : acc + v;
          }
          if (!IsMax) acc *= batch(inv);
          acc.store_unaligned(drow + ox);
        }
      } else if (full_hi > full_lo) {
        // Other strides: full windows read the reduced row directly, no clipping to work out.
        for (; ox < full_lo; ++ox) scalar(ox);
        const float inv = 1.0f / float(window(p, oy, full_lo).divisor);
        for (; ox < full_hi; ++ox) {
          const float* base = row + ox * p.sw - p.pad_l;
          float acc = base[0];
          for (int64_t kx = 1; kx < p.kw; ++kx) acc = IsMax ? std::max(acc, base[kx]) : acc + base[kx];
          drow[ox] = IsMax ? acc : acc * inv;
        }
      }
      for (; ox < p.ow; ++ox) scalar(ox);
    }
  }
}

}  // namespace

const std::vector<Pool2dKernel>& maxpool2d_forward_kernels() {
  static const std::vector<Pool2dKernel> list = {
      {"maxpool2d_forward_ref", Variant::Ref, any_shape, any_shape, maxpool2d_forward_ref, no_scratch},
      {"maxpool2d_forward_simd", Variant::Simd, any_shape, any_shape, pool2d_forward_simd<true>, row_scratch},
  };
  return list;
}

const std::vector<Pool2dKernel>& avgpool2d_forward_kernels() {
  static const std::vector<Pool2dKernel> list = {
      {"avgpool2d_forward_ref", Variant::Ref, any_shape, any_shape, avgpool2d_forward_ref, no_scratch},
      {"avgpool2d_forward_simd", Variant::Simd, any_shape, any_shape, pool2d_forward_simd<false>, row_scratch},
  };
  return list;
}

// ---- backward ------------------------------------------------------------------

namespace {

void maxpool2d_backward_ref(const Pool2dParams& p, const float* in, const float*, const float* out_grad,
                            float* in_grad) {
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    const float* dy = out_grad + plane * p.oh * p.ow;
    float* dx = in_grad + plane * p.h * p.w;
    for (int64_t oy = 0; oy < p.oh; ++oy) {
      const Window rows = window(p, oy, 0);  // the rows are the same for every column
      if (rows.y0 >= rows.y1) continue;
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        int64_t x0 = ox * p.sw - p.pad_l;
        const int64_t x1 = std::min(std::min(x0 + p.kw, p.w + p.pad_l), p.w);
        x0 = std::max<int64_t>(x0, 0);
        if (x0 >= x1) continue;
        int64_t best = rows.y0 * p.w + x0;
        float best_v = src[best];
        for (int64_t y = rows.y0; y < rows.y1; ++y)
          for (int64_t x = x0; x < x1; ++x) {
            const float v = src[y * p.w + x];
            const bool larger = v > best_v;  // selects, not branches: the data decides
            best = larger ? y * p.w + x : best;
            best_v = larger ? v : best_v;
          }
        dx[best] += dy[oy * p.ow + ox];
      }
    }
  }
}

void avgpool2d_backward_ref(const Pool2dParams& p, const float*, const float*, const float* out_grad,
                            float* in_grad) {
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* dy = out_grad + plane * p.oh * p.ow;
    float* dx = in_grad + plane * p.h * p.w;
    for (int64_t oy = 0; oy < p.oh; ++oy)
      for (int64_t ox = 0; ox < p.ow; ++ox) {
        const Window win = window(p, oy, ox);
        if (win.divisor <= 0) continue;
        const float d = dy[oy * p.ow + ox] / float(win.divisor);
        for (int64_t y = win.y0; y < win.y1; ++y)
          for (int64_t x = win.x0; x < win.x1; ++x) dx[y * p.w + x] += d;
      }
  }
}

#if defined(__SSE__)
inline __m128 select_ps(__m128 mask, __m128 a, __m128 b) {  // mask ? a : b
  return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
}

// 2x2 windows at stride 2, none clipped: four windows at a time, their
// elements split into (top-left, top-right, bottom-left, bottom-right)
// vectors as in the forward pass (SSE for the same reason; measured against
// the reference, the only other way: 1x8x28x28 1.9 us against 8.8 natively,
// 4.0-4.5 us against 24-27 in wasm); the first maximum in row-major order is
// found with the reference's strict comparisons, the gradient masked onto
// the winner and the two input rows written back interleaved. The windows
// do not overlap, so every input gets at most one gradient, in any order:
// the same bits as the reference (non-winners get + 0.0f).
void maxpool2d_backward_2x2_simd(const Pool2dParams& p, const float* in, const float*, const float* out_grad,
                                 float* in_grad) {
  for (int64_t plane = 0; plane < p.n * p.c; ++plane) {
    const float* src = in + plane * p.h * p.w;
    const float* dy = out_grad + plane * p.oh * p.ow;
    float* dx = in_grad + plane * p.h * p.w;
    for (int64_t oy = 0; oy < p.oh; ++oy) {
      const float* r0 = src + 2 * oy * p.w;
      const float* r1 = r0 + p.w;
      float* d0 = dx + 2 * oy * p.w;
      float* d1 = d0 + p.w;
      const float* g = dy + oy * p.ow;
      int64_t ox = 0;
      for (; ox + 4 <= p.ow; ox += 4) {
        const __m128 t0 = _mm_loadu_ps(r0 + 2 * ox), t1 = _mm_loadu_ps(r0 + 2 * ox + 4);
        const __m128 u0 = _mm_loadu_ps(r1 + 2 * ox), u1 = _mm_loadu_ps(r1 + 2 * ox + 4);
        const __m128 a = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0));
        const __m128 b = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
        const __m128 c = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(2, 0, 2, 0));
        const __m128 d = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(3, 1, 3, 1));
        const __m128 gb = _mm_cmpgt_ps(b, a);
        const __m128 m1 = select_ps(gb, b, a);
        const __m128 gc = _mm_cmpgt_ps(c, m1);
        const __m128 m2 = select_ps(gc, c, m1);
        const __m128 gd = _mm_cmpgt_ps(d, m2);
        const __m128 y = _mm_loadu_ps(g + ox);
        const __m128 yd = _mm_and_ps(gd, y);
        const __m128 yc = _mm_andnot_ps(gd, _mm_and_ps(gc, y));
        const __m128 yb = _mm_andnot_ps(_mm_or_ps(gc, gd), _mm_and_ps(gb, y));
        const __m128 ya = _mm_andnot_ps(_mm_or_ps(gb, _mm_or_ps(gc, gd)), y);
        float* e0 = d0 + 2 * ox;
        float* e1 = d1 + 2 * ox;
        _mm_storeu_ps(e0, _mm_add_ps(_mm_loadu_ps(e0), _mm_unpacklo_ps(ya, yb)));
        _mm_storeu_ps(e0 + 4, _mm_add_ps(_mm_loadu_ps(e0 + 4), _mm_unpackhi_ps(ya, yb)));
        _mm_storeu_ps(e1, _mm_add_ps(_mm_loadu_ps(e1), _mm_unpacklo_ps(yc, yd)));
        _mm_storeu_ps(e1 + 4, _mm_add_ps(_mm_loadu_ps(e1 + 4), _mm_unpackhi_ps(yc, yd)));
      }
      for (; ox < p.ow; ++ox) {
        const int64_t x = 2 * ox;
        float* const dst[4] = {d0 + x, d0 + x + 1, d1 + x, d1 + x + 1};
        const float v[4] = {r0[x], r0[x + 1], r1[x], r1[x + 1]};
        int win = 0;
        for (int i = 1; i < 4; ++i)
          if (v[i] > v[win]) win = i;
        *dst[win] += g[ox];
      }
    }
  }
}
#endif

}  // namespace

const std::vector<Pool2dBackwardKernel>& maxpool2d_backward_kernels() {
  static const std::vector<Pool2dBackwardKernel> list = {
      {"maxpool2d_backward_ref", Variant::Ref, any_shape, any_shape, maxpool2d_backward_ref},
#if defined(__SSE__)
      {"maxpool2d_backward_2x2_simd", Variant::Simd, plain_2x2, plain_2x2, maxpool2d_backward_2x2_simd},
#endif
  };
  return list;
}

const std::vector<Pool2dBackwardKernel>& avgpool2d_backward_kernels() {
  static const std::vector<Pool2dBackwardKernel> list = {
      {"avgpool2d_backward_ref", Variant::Ref, any_shape, any_shape, avgpool2d_backward_ref},
  };
  return list;
}

}  // namespace cnn
