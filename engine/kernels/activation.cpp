// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh.
//   in/out: any shape, `count` values (in == out is allowed)
// *_ref: std:: math per value. *_simd: xsimd batches, scalar tail.
#include <cmath>

#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

namespace {

using gemm::batch;
constexpr int64_t W = gemm::kWidth;

inline float act_scalar(ActKind kind, float slope, float x) {
  switch (kind) {
    case ActKind::ReLU: return x > 0.0f ? x : 0.0f;
    case ActKind::LeakyReLU: return x > 0.0f ? x : x * slope;
    case ActKind::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case ActKind::Tanh: return std::tanh(x);
  }
  return x;
}

void activation_forward_ref(ActKind kind, float slope, int64_t count, const float* in, float* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = act_scalar(kind, slope, in[i]);
}

template <class F>
inline void simd_map(int64_t count, const float* in, float* out, F f, ActKind kind, float slope) {
  int64_t i = 0;
  for (; i + W <= count; i += W) f(batch::load_unaligned(in + i)).store_unaligned(out + i);
  for (; i < count; ++i) out[i] = act_scalar(kind, slope, in[i]);
}

void activation_forward_simd(ActKind kind, float slope, int64_t count, const float* in, float* out) {
  switch (kind) {
    case ActKind::ReLU:
      simd_map(count, in, out, [](batch x) { return xsimd::max(x, batch(0.0f)); }, kind, slope);
      break;
    case ActKind::LeakyReLU: {
      const batch s(slope);
      simd_map(count, in, out, [s](batch x) { return xsimd::select(x > batch(0.0f), x, x * s); }, kind, slope);
      break;
    }
    case ActKind::Sigmoid:
      simd_map(count, in, out, [](batch x) { return batch(1.0f) / (batch(1.0f) + xsimd::exp(-x)); }, kind, slope);
      break;
    case ActKind::Tanh:
      simd_map(count, in, out, [](batch x) { return xsimd::tanh(x); }, kind, slope);
      break;
  }
}

}  // namespace

const std::vector<ActivationKernel>& activation_forward_kernels() {
  static const std::vector<ActivationKernel> list = {
      {"activation_forward_ref", Variant::Ref, activation_forward_ref},
      {"activation_forward_simd", Variant::Simd, activation_forward_simd},
  };
  return list;
}

}  // namespace cnn
