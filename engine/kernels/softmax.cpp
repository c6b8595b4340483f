// Softmax over the channel axis, numerically stable (subtract the max).
//   in/out: outer x channels x inner, softmax over `channels` for each
//   (outer, inner) pair: N,F has inner = 1; N,C,H,W has inner = H*W.
// Backward: in_grad += out * (out_grad - sum_c(out_grad * out)), the
//   Jacobian-vector product of softmax (reference only; a network trained
//   with cross-entropy skips it: the loss takes the logits directly).
// softmax_forward_ref: scalar, double accumulation of the sum.
// softmax_forward_simd: for inner == 1 the channel row is contiguous and is
//   reduced with SIMD max / exp / sum; for inner > 1, SIMD runs across the
//   inner positions (contiguous), channel by channel.
#include <cmath>

#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

namespace {

using gemm::batch;
constexpr int64_t W = gemm::kWidth;

// One softmax over `channels` values spaced `stride` apart.
void softmax_strided_ref(int64_t channels, int64_t stride, const float* src, float* dst) {
  float m = src[0];
  for (int64_t c = 1; c < channels; ++c) m = std::fmax(m, src[c * stride]);
  double sum = 0.0;
  for (int64_t c = 0; c < channels; ++c) {
    dst[c * stride] = std::exp(src[c * stride] - m);
    sum += dst[c * stride];
  }
  const float inv = float(1.0 / sum);
  for (int64_t c = 0; c < channels; ++c) dst[c * stride] *= inv;
}

void softmax_forward_ref(int64_t outer, int64_t channels, int64_t inner, const float* in, float* out) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      softmax_strided_ref(channels, inner, in + o * channels * inner + i, out + o * channels * inner + i);
}

void softmax_row_simd(int64_t channels, const float* src, float* dst) {
  int64_t c = 0;
  float m = src[0];
  if (channels >= W) {
    batch mv = batch::load_unaligned(src);
    for (c = W; c + W <= channels; c += W) mv = max_gt(mv, batch::load_unaligned(src + c));
    alignas(64) float lanes[W];
    mv.store_aligned(lanes);
    for (int64_t l = 0; l < W; ++l) m = std::fmax(m, lanes[l]);
  }
  for (; c < channels; ++c) m = std::fmax(m, src[c]);
  const batch mb(m);
  batch sv(0.0f);
  for (c = 0; c + W <= channels; c += W) {
    const batch e = xsimd::exp(batch::load_unaligned(src + c) - mb);
    e.store_unaligned(dst + c);
    sv += e;
  }
  float sum = xsimd::hadd(sv);
  for (; c < channels; ++c) {
    dst[c] = std::exp(src[c] - m);
    sum += dst[c];
  }
  const batch inv(1.0f / sum);
  for (c = 0; c + W <= channels; c += W) (batch::load_unaligned(dst + c) * inv).store_unaligned(dst + c);
  for (; c < channels; ++c) dst[c] *= 1.0f / sum;
}

void softmax_forward_simd(int64_t outer, int64_t channels, int64_t inner, const float* in, float* out) {
  if (inner == 1) {
    for (int64_t o = 0; o < outer; ++o) softmax_row_simd(channels, in + o * channels, out + o * channels);
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    const float* src = in + o * channels * inner;
    float* dst = out + o * channels * inner;
    int64_t i = 0;
    for (; i + W <= inner; i += W) {
      batch m = batch::load_unaligned(src + i);
      for (int64_t c = 1; c < channels; ++c) m = max_gt(m, batch::load_unaligned(src + c * inner + i));
      batch sum(0.0f);
      for (int64_t c = 0; c < channels; ++c) {
        const batch e = xsimd::exp(batch::load_unaligned(src + c * inner + i) - m);
        e.store_unaligned(dst + c * inner + i);
        sum += e;
      }
      const batch inv = batch(1.0f) / sum;
      for (int64_t c = 0; c < channels; ++c)
        (batch::load_unaligned(dst + c * inner + i) * inv).store_unaligned(dst + c * inner + i);
    }
    for (; i < inner; ++i) softmax_strided_ref(channels, inner, src + i, dst + i);
  }
}

}  // namespace

const std::vector<SoftmaxKernel>& softmax_forward_kernels() {
  static const std::vector<SoftmaxKernel> list = {
      {"softmax_forward_ref", Variant::Ref, softmax_forward_ref},
      {"softmax_forward_simd", Variant::Simd, softmax_forward_simd},
  };
  return list;
}

// ---- backward ------------------------------------------------------------------

namespace {

void softmax_backward_ref(int64_t outer, int64_t channels, int64_t inner, const float* out, const float* out_grad,
                          float* in_grad) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * channels * inner + i;
      double dot = 0.0;
      for (int64_t c = 0; c < channels; ++c) dot += double(out_grad[base + c * inner]) * out[base + c * inner];
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t k = base + c * inner;
        in_grad[k] += out[k] * float(double(out_grad[k]) - dot);
      }
    }
}

}  // namespace

const std::vector<SoftmaxBackwardKernel>& softmax_backward_kernels() {
  static const std::vector<SoftmaxBackwardKernel> list = {
      {"softmax_backward_ref", Variant::Ref, softmax_backward_ref},
  };
  return list;
}

}  // namespace cnn
