// Conv2d forward: cross-correlation with zero padding, dilation and groups,
// PyTorch semantics.
//   in: N,C,H,W   weight: OC, C/groups, KH, KW   bias: OC   out: N,OC,OH,OW
// conv2d_forward_ref: the direct seven-deep loop, the algorithmic reference.
// conv2d_forward_im2col_simd: per image and group, im2col straight into the
//   GEMM's packed B panels, then the register-tiled SIMD GEMM with bias and
//   activation fused into its epilogue. Weights are packed once (pack()).
// conv2d_forward_direct_simd: stride 1, dilation 1: the same GEMM tile reading
//   the (zero-padded) input directly, no im2col (conv_direct.cpp); other
//   strides and dilations go to im2col.
#include <cstring>

#include "conv_direct.hpp"
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
          out[((n * p.oc + o) * p.oh + oy) * p.ow + ox] = gemm::activate(s, p.act, p.slope);
        }
    }
}

namespace {

void ref_entry(const Conv2dParams& p, const float* in, const float* weight, const float*, const float* bias,
               float* out, float*) {
  conv2d_forward_ref(p, in, weight, bias, out);
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

// Writes the im2col matrix of one image/group directly as packed B panels:
// Bp[(col / NR) * K * NR + row * NR + col % NR], row = (ci, ky, kx), col = (oy, ox).
void im2col_packed(const Conv2dParams& p, const float* img, float* Bp) {
  constexpr int64_t NR = gemm::NR;
  const int64_t K = p.k();
  const int64_t N = p.oh * p.ow;
  const int64_t panel_stride = K * NR;
  int64_t row = 0;
  for (int64_t ci = 0; ci < p.cg(); ++ci) {
    const float* plane = img + ci * p.h * p.w;
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx, ++row) {
        float* dst_row = Bp + row * NR;
        int64_t col = 0;
        const int64_t x0 = kx * p.dw - p.pad_l;
        for (int64_t oy = 0; oy < p.oh; ++oy) {
          const int64_t iy = oy * p.sh - p.pad_t + ky * p.dh;
          const bool row_in = iy >= 0 && iy < p.h;
          const float* src = plane + iy * p.w;
          for (int64_t ox = 0; ox < p.ow; ++ox, ++col) {
            const int64_t ix = x0 + ox * p.sw;
            const float v = (row_in && ix >= 0 && ix < p.w) ? src[ix] : 0.0f;
            dst_row[(col / NR) * panel_stride + (col % NR)] = v;
          }
        }
        // Zero the tail of the last panel so stale scratch never reaches C.
        for (; col % NR != 0; ++col) dst_row[(col / NR) * panel_stride + (col % NR)] = 0.0f;
        (void)N;
      }
  }
}

void im2col_forward(const Conv2dParams& p, const float* in, const float*, const float* packed, const float* bias,
                    float* out, float* scratch) {
  const int64_t K = p.k(), ocg = p.ocg(), N = p.oh * p.ow;
  const int64_t a_stride = gemm::packed_a_floats(ocg, K);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g) {
      im2col_packed(p, in + (n * p.c + g * p.cg()) * p.h * p.w, scratch);
      gemm::Epilogue ep;
      ep.row_bias = bias ? bias + g * ocg : nullptr;
      ep.act = p.act;
      ep.slope = p.slope;
      gemm::gemm_packed(ocg, N, K, packed + g * a_stride, scratch, out + (n * p.oc + g * ocg) * N, N, ep);
    }
}

// conv2d_forward_direct_simd (conv_direct.cpp) for stride 1 and dilation 1,
// im2col + GEMM otherwise; both read the same packed weights.
int64_t direct_scratch_floats(const Conv2dParams& p) {
  return conv2d_direct_applies(p) ? conv2d_direct_scratch_floats(p) : im2col_scratch_floats(p);
}

void direct_forward(const Conv2dParams& p, const float* in, const float* weight, const float* packed,
                    const float* bias, float* out, float* scratch) {
  if (conv2d_direct_applies(p))
    conv2d_forward_direct(p, in, packed, bias, out, scratch);
  else
    im2col_forward(p, in, weight, packed, bias, out, scratch);
}

}  // namespace

const std::vector<Conv2dKernel>& conv2d_forward_kernels() {
  static const std::vector<Conv2dKernel> list = {
      {"conv2d_forward_ref", Variant::Ref, no_floats, no_floats, no_pack, ref_entry},
      // The network runs the first SIMD entry: direct where it applies.
      {"conv2d_forward_direct_simd", Variant::Simd, direct_scratch_floats, im2col_packed_floats, im2col_pack,
       direct_forward},
      {"conv2d_forward_im2col_simd", Variant::Simd, im2col_scratch_floats, im2col_packed_floats, im2col_pack,
       im2col_forward},
  };
  return list;
}

}  // namespace cnn
