// The kernel table. Every op lists its kernels once (name, variant, entry
// points); the network's dispatch and the tests both iterate over these lists,
// so a new kernel is tested the day it is listed. Every op has a plain scalar
// reference ("_ref") beside its SIMD version ("_simd"); a SIMD entry is listed
// only if it really is vectorised.
//
// All kernels work on flat NCHW float32 buffers described by a params struct
// whose fields are already resolved by geometry.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "../geometry.hpp"
#include "../spec.hpp"

namespace cnn {

enum class Variant : int32_t { Ref = 0, Simd = 1 };
const char* variant_name(Variant v);

// ---- Conv2d ---------------------------------------------------------------
// in: N,C,H,W   weight: OC, C/groups, KH, KW   bias: OC (or null)   out: N,OC,OH,OW
struct Conv2dParams {
  int64_t n = 1, c = 1, h = 1, w = 1, oc = 1, oh = 1, ow = 1;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, pad_t = 0, pad_l = 0, dh = 1, dw = 1, groups = 1;
  Activation act = Activation::None;
  float slope = 0.0f;
  int64_t cg() const { return c / groups; }    // input channels per group
  int64_t ocg() const { return oc / groups; }  // output channels per group
  int64_t k() const { return cg() * kh * kw; } // GEMM depth
};
Conv2dParams conv2d_params(const Geometry& g, const Conv2dSpec& s);

struct Conv2dKernel {
  const char* name;
  Variant variant;
  int64_t (*scratch_floats)(const Conv2dParams&);
  int64_t (*packed_floats)(const Conv2dParams&);
  void (*pack)(const Conv2dParams&, const float* weight, float* packed);
  void (*forward)(const Conv2dParams&, const float* in, const float* weight, const float* packed,
                  const float* bias, float* out, float* scratch);
};
const std::vector<Conv2dKernel>& conv2d_forward_kernels();

void conv2d_forward_ref(const Conv2dParams& p, const float* in, const float* weight, const float* bias,
                        float* out);

// ---- Pooling --------------------------------------------------------------
// in: N,C,H,W   out: N,C,OH,OW
struct Pool2dParams {
  int64_t n = 1, c = 1, h = 1, w = 1, oh = 1, ow = 1;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, pad_t = 0, pad_l = 0;
  bool count_include_pad = true;
};
Pool2dParams pool2d_params(const Geometry& g, const Pool2dSpec& s);

struct Pool2dKernel {
  const char* name;
  Variant variant;
  void (*forward)(const Pool2dParams&, const float* in, float* out, float* scratch);
  int64_t (*scratch_floats)(const Pool2dParams&);
};
const std::vector<Pool2dKernel>& maxpool2d_forward_kernels();
const std::vector<Pool2dKernel>& avgpool2d_forward_kernels();

// ---- Element-wise activations -------------------------------------------
enum class ActKind : int32_t { ReLU = 0, LeakyReLU = 1, Sigmoid = 2, Tanh = 3 };
struct ActivationKernel {
  const char* name;
  Variant variant;
  void (*forward)(ActKind kind, float slope, int64_t count, const float* in, float* out);
};
const std::vector<ActivationKernel>& activation_forward_kernels();

// ---- Softmax over the channel axis -----------------------------------------
// in/out: outer x channels x inner (N,C,H*W; inner = 1 for N,F)
struct SoftmaxKernel {
  const char* name;
  Variant variant;
  void (*forward)(int64_t outer, int64_t channels, int64_t inner, const float* in, float* out);
};
const std::vector<SoftmaxKernel>& softmax_forward_kernels();

// ---- Dense (fully connected) ---------------------------------------------
// in: N,IN   weight: OUT,IN   bias: OUT (or null)   out: N,OUT
struct DenseParams {
  int64_t n = 1, in = 1, out = 1;
  Activation act = Activation::None;
  float slope = 0.0f;
};
struct DenseKernel {
  const char* name;
  Variant variant;
  int64_t (*scratch_floats)(const DenseParams&);
  int64_t (*packed_floats)(const DenseParams&);
  void (*pack)(const DenseParams&, const float* weight, float* packed);
  void (*forward)(const DenseParams&, const float* in, const float* weight, const float* packed,
                  const float* bias, float* out, float* scratch);
};
const std::vector<DenseKernel>& dense_forward_kernels();

// The first listed kernel of the wanted variant, else the reference.
template <class K>
const K& select_kernel(const std::vector<K>& list, Variant want) {
  for (const K& k : list)
    if (k.variant == want) return k;
  for (const K& k : list)
    if (k.variant == Variant::Ref) return k;
  return list.front();
}

}  // namespace cnn
