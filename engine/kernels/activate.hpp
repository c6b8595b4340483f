// One activation, value by value: the formulas every kernel applies, written
// once. The scalar form is the reference (every *_ref kernel, every scalar
// tail); the vector forms are lane by lane the same function, bit for bit for
// None, ReLU and LeakyReLU (Sigmoid and Tanh use xsimd's exp and tanh).
//   activate(x, act, slope)           a float
//   activate<A>(x, slope)             a batch, the activation fixed at compile time
//   activate_epilogue(x, act, slope)  a batch, chosen per call, None / ReLU /
//                                     LeakyReLU only (conv and dense epilogues)
#pragma once

#include <cmath>
#include <limits>

#include <xsimd/xsimd.hpp>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "../spec.hpp"

namespace cnn {

// a > b ? a : b, lane by lane: x86's maxps, which xsimd::max and _mm_max_ps
// are natively. In wasm the SSE headers build _mm_max_ps (and so
// xsimd::max) from a compare and a select, four x86 instructions under V8;
// f32x4.pmax(b, a) is the same function (NaNs and signed zeros included)
// in one. max_gt(x, 0) is ReLU exactly as the scalar form computes it.
#if defined(__SSE__)
inline __m128 max_gt_ps(__m128 a, __m128 b) {
#if defined(__wasm_simd128__)
  return (__m128)wasm_f32x4_pmax((v128_t)b, (v128_t)a);
#else
  return _mm_max_ps(a, b);
#endif
}
#endif
inline xsimd::batch<float> max_gt(xsimd::batch<float> a, xsimd::batch<float> b) {
#if defined(__wasm_simd128__)
  return xsimd::batch<float>(max_gt_ps(a, b));
#else
  return xsimd::max(a, b);
#endif
}

inline float activate(float x, Activation act, float slope) {
  switch (act) {
    case Activation::None: return x;
    case Activation::ReLU: return x > 0.0f ? x : 0.0f;
    case Activation::LeakyReLU: return x > 0.0f ? x : x * slope;
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
  }
  return x;
}

template <Activation A>
inline xsimd::batch<float> activate(xsimd::batch<float> x, float slope) {
  using batch = xsimd::batch<float>;
  switch (A) {
    case Activation::None: return x;
    case Activation::ReLU: return max_gt(x, batch(0.0f));
    case Activation::LeakyReLU: return xsimd::select(x > batch(0.0f), x, x * batch(slope));
    case Activation::Sigmoid: return batch(1.0f) / (batch(1.0f) + xsimd::exp(-x));
    case Activation::Tanh: return xsimd::tanh(x);
  }
  return x;
}

// The activations a conv or dense kernel applies as it stores its output
// (simd_epilogue_has in kernels.hpp: the table runs no SIMD conv or dense
// kernel with another). Sigmoid and Tanh give NaN here, so a misuse shows.
// They are left out because they cost the epilogues speed even unused:
// inlined, the direct and im2col kernels ran about 10% slower in wasm; out
// of line, the direct kernel about 3% slower natively.
inline xsimd::batch<float> activate_epilogue(xsimd::batch<float> x, Activation act, float slope) {
  switch (act) {
    case Activation::None: return x;
    case Activation::ReLU: return activate<Activation::ReLU>(x, slope);
    case Activation::LeakyReLU: return activate<Activation::LeakyReLU>(x, slope);
    default: return xsimd::batch<float>(std::numeric_limits<float>::quiet_NaN());
  }
}

}  // namespace cnn
