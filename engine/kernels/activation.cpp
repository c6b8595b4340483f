// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh, forward and backward.
//   in/out: any shape, `count` values (in == out is allowed)
//   backward: in_grad += out_grad * f'(x), with f' from `in` (ReLU, LeakyReLU;
//   0 at exactly 0, as PyTorch) or from `out` (Sigmoid: s(1-s), Tanh: 1-t^2).
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
      simd_map(count, in, out, [](batch x) { return gemm::max_gt(x, batch(0.0f)); }, kind, slope);
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

// ---- backward ------------------------------------------------------------------

namespace {

inline float act_grad_scalar(ActKind kind, float slope, float x, float y) {
  switch (kind) {
    case ActKind::ReLU: return x > 0.0f ? 1.0f : 0.0f;
    case ActKind::LeakyReLU: return x > 0.0f ? 1.0f : slope;
    case ActKind::Sigmoid: return y * (1.0f - y);
    case ActKind::Tanh: return 1.0f - y * y;
  }
  return 1.0f;
}

void activation_backward_ref(ActKind kind, float slope, int64_t count, const float* in, const float* out,
                             const float* out_grad, float* in_grad) {
  for (int64_t i = 0; i < count; ++i) in_grad[i] += out_grad[i] * act_grad_scalar(kind, slope, in[i], out[i]);
}

// F maps (x, y) batches to f'; the scalar tail uses the reference formula.
template <class F>
inline void simd_grad(int64_t count, const float* in, const float* out, const float* dy, float* dx, F f,
                      ActKind kind, float slope) {
  int64_t i = 0;
  for (; i + W <= count; i += W) {
    const batch g = f(batch::load_unaligned(in + i), batch::load_unaligned(out + i));
    xsimd::fma(batch::load_unaligned(dy + i), g, batch::load_unaligned(dx + i)).store_unaligned(dx + i);
  }
  for (; i < count; ++i) dx[i] += dy[i] * act_grad_scalar(kind, slope, in[i], out[i]);
}

void activation_backward_simd(ActKind kind, float slope, int64_t count, const float* in, const float* out,
                              const float* dy, float* dx) {
  const batch one(1.0f), zero(0.0f);
  switch (kind) {
    case ActKind::ReLU:
      simd_grad(count, in, out, dy, dx, [&](batch x, batch) { return xsimd::select(x > zero, one, zero); }, kind,
                slope);
      break;
    case ActKind::LeakyReLU: {
      const batch s(slope);
      simd_grad(count, in, out, dy, dx, [&](batch x, batch) { return xsimd::select(x > zero, one, s); }, kind, slope);
      break;
    }
    case ActKind::Sigmoid:
      simd_grad(count, in, out, dy, dx, [&](batch, batch y) { return y * (one - y); }, kind, slope);
      break;
    case ActKind::Tanh:
      simd_grad(count, in, out, dy, dx, [&](batch, batch y) { return one - y * y; }, kind, slope);
      break;
  }
}

}  // namespace

const std::vector<ActivationBackwardKernel>& activation_backward_kernels() {
  static const std::vector<ActivationBackwardKernel> list = {
      {"activation_backward_ref", Variant::Ref, activation_backward_ref},
      {"activation_backward_simd", Variant::Simd, activation_backward_simd},
  };
  return list;
}

}  // namespace cnn
