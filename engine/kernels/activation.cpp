// Element-wise activations: ReLU, LeakyReLU, Sigmoid, Tanh (and None, a
// copy), forward and backward; the formulas are activate.hpp's.
//   in/out: any shape, `count` values (in == out is allowed)
//   backward: in_grad += out_grad * f'(x), with f' from `in` (ReLU, LeakyReLU;
//   0 at exactly 0, as PyTorch) or from `out` (Sigmoid: s(1-s), Tanh: 1-t^2).
// *_ref: the scalar activate() per value. *_simd: the batch activate<A>(),
// the activation chosen once per call, scalar tail.
#include <cmath>

#include "activate.hpp"
#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

Activation activation_of(LayerKind kind) {
  switch (kind) {
    case LayerKind::ReLU: return Activation::ReLU;
    case LayerKind::LeakyReLU: return Activation::LeakyReLU;
    case LayerKind::Sigmoid: return Activation::Sigmoid;
    case LayerKind::Tanh: return Activation::Tanh;
    default: return Activation::None;
  }
}

namespace {

using gemm::batch;
constexpr int64_t W = gemm::kWidth;

void activation_forward_ref(Activation act, float slope, int64_t count, const float* in, float* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = activate(in[i], act, slope);
}

template <Activation A>
void simd_map(float slope, int64_t count, const float* in, float* out) {
  int64_t i = 0;
  for (; i + W <= count; i += W) activate<A>(batch::load_unaligned(in + i), slope).store_unaligned(out + i);
  for (; i < count; ++i) out[i] = activate(in[i], A, slope);
}

void activation_forward_simd(Activation act, float slope, int64_t count, const float* in, float* out) {
  switch (act) {
    case Activation::None: simd_map<Activation::None>(slope, count, in, out); break;
    case Activation::ReLU: simd_map<Activation::ReLU>(slope, count, in, out); break;
    case Activation::LeakyReLU: simd_map<Activation::LeakyReLU>(slope, count, in, out); break;
    case Activation::Sigmoid: simd_map<Activation::Sigmoid>(slope, count, in, out); break;
    case Activation::Tanh: simd_map<Activation::Tanh>(slope, count, in, out); break;
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

inline float act_grad_scalar(Activation act, float slope, float x, float y) {
  switch (act) {
    case Activation::None: return 1.0f;
    case Activation::ReLU: return x > 0.0f ? 1.0f : 0.0f;
    case Activation::LeakyReLU: return x > 0.0f ? 1.0f : slope;
    case Activation::Sigmoid: return y * (1.0f - y);
    case Activation::Tanh: return 1.0f - y * y;
  }
  return 1.0f;
}

void activation_backward_ref(Activation kind, float slope, int64_t count, const float* in, const float* out,
                             const float* out_grad, float* in_grad) {
  for (int64_t i = 0; i < count; ++i) in_grad[i] += out_grad[i] * act_grad_scalar(kind, slope, in[i], out[i]);
}

// F maps (x, y) batches to f'; the scalar tail uses the reference formula.
template <class F>
inline void simd_grad(int64_t count, const float* in, const float* out, const float* dy, float* dx, F f,
                      Activation kind, float slope) {
  int64_t i = 0;
  for (; i + W <= count; i += W) {
    const batch g = f(batch::load_unaligned(in + i), batch::load_unaligned(out + i));
    xsimd::fma(batch::load_unaligned(dy + i), g, batch::load_unaligned(dx + i)).store_unaligned(dx + i);
  }
  for (; i < count; ++i) dx[i] += dy[i] * act_grad_scalar(kind, slope, in[i], out[i]);
}

void activation_backward_simd(Activation kind, float slope, int64_t count, const float* in, const float* out,
                              const float* dy, float* dx) {
  const batch one(1.0f), zero(0.0f);
  switch (kind) {
    case Activation::None:
      simd_grad(count, in, out, dy, dx, [&](batch, batch) { return one; }, kind, slope);
      break;
    case Activation::ReLU:
      simd_grad(count, in, out, dy, dx, [&](batch x, batch) { return xsimd::select(x > zero, one, zero); }, kind,
                slope);
      break;
    case Activation::LeakyReLU: {
      const batch s(slope);
      simd_grad(count, in, out, dy, dx, [&](batch x, batch) { return xsimd::select(x > zero, one, s); }, kind, slope);
      break;
    }
    case Activation::Sigmoid:
      simd_grad(count, in, out, dy, dx, [&](batch, batch y) { return y * (one - y); }, kind, slope);
      break;
    case Activation::Tanh:
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
