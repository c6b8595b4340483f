// The kernel table. Every op lists its kernels once (name, variant, entry
// points); the network's dispatch and the tests both iterate over these lists,
// so a new kernel is tested the day it is listed. Every op has a plain scalar
// reference ("_ref") beside its SIMD versions ("_simd"); a SIMD entry is listed
// only if it really is vectorised, and computes everything it is run on itself.
//
// Kernel choice is made here and nowhere else. An entry that takes a params
// struct says for which shapes it computes at all (applies) and for which it
// is the one to run (preferred, never wider than applies); select_kernel
// picks the first entry of the wanted variant whose preferred() holds, else
// the reference. The network, the trainer and the benchmarks choose with
// select_kernel; the tests run every entry wherever it applies.
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

// The activation of an activation layer (LayerKind ReLU .. Tanh); None for
// every other kind.
Activation activation_of(LayerKind kind);
// The activations the SIMD conv and dense kernels apply as they store their
// output (a network fuses a following activation layer of these kinds).
inline bool simd_epilogue_has(Activation a) {
  return a == Activation::None || a == Activation::ReLU || a == Activation::LeakyReLU;
}

// For an entry that suits every shape of its op.
template <class Params>
bool any_shape(const Params&) {
  return true;
}

// ---- Conv2d ---------------------------------------------------------------
// in: N,C,H,W   weight: OC, C/groups, KH, KW   bias: OC (or null)   out: N,OC,OH,OW
struct Conv2dParams {
  int64_t n = 1, c = 1, h = 1, w = 1, oc = 1, oh = 1, ow = 1;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, pad_t = 0, pad_l = 0, dh = 1, dw = 1, groups = 1;
  // Applied to the output as it is stored (the SIMD kernels apply where
  // simd_epilogue_has(act)); slope: LeakyReLU's.
  Activation act = Activation::None;
  float slope = 0.0f;
  int64_t cg() const { return c / groups; }    // input channels per group
  int64_t ocg() const { return oc / groups; }  // output channels per group
  int64_t k() const { return cg() * kh * kw; } // GEMM depth
};
Conv2dParams conv2d_params(const Geometry& g, const Conv2dSpec& s);
// The fields a layer's spec fixes before the input size is known (channels,
// groups, kernel, stride, dilation): enough to pack the weights and to choose
// the kernel.
Conv2dParams conv2d_spec_params(const Conv2dSpec& s);

// forward: with out_act null, out = act(sum + bias); otherwise out = sum +
// bias and out_act = act(sum + bias), one more store in the same pass (a
// network fuses an activation layer that follows this way and still keeps
// both layers' outputs). The same for dense.
// applies and preferred read only the fields conv2d_spec_params fills (and
// act), so a network chooses once, when it is created, and packs the weights
// for that kernel.
struct Conv2dKernel {
  const char* name;
  Variant variant;
  bool (*applies)(const Conv2dParams&);
  bool (*preferred)(const Conv2dParams&);
  int64_t (*scratch_floats)(const Conv2dParams&);
  int64_t (*packed_floats)(const Conv2dParams&);
  void (*pack)(const Conv2dParams&, const float* weight, float* packed);
  void (*forward)(const Conv2dParams&, const float* in, const float* weight, const float* packed,
                  const float* bias, float* out, float* out_act, float* scratch);
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
  bool (*applies)(const Pool2dParams&);
  bool (*preferred)(const Pool2dParams&);
  void (*forward)(const Pool2dParams&, const float* in, float* out, float* scratch);
  int64_t (*scratch_floats)(const Pool2dParams&);
};
const std::vector<Pool2dKernel>& maxpool2d_forward_kernels();
const std::vector<Pool2dKernel>& avgpool2d_forward_kernels();

// ---- Element-wise activations -------------------------------------------
// in/out: `count` values; act: any Activation (None copies).
struct ActivationKernel {
  const char* name;
  Variant variant;
  void (*forward)(Activation act, float slope, int64_t count, const float* in, float* out);
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
DenseParams dense_params(const Geometry& g, const DenseSpec& s);
// in and out only: enough to pack the weights and to choose the kernel.
DenseParams dense_spec_params(const DenseSpec& s);
struct DenseKernel {
  const char* name;
  Variant variant;
  bool (*applies)(const DenseParams&);
  bool (*preferred)(const DenseParams&);
  int64_t (*scratch_floats)(const DenseParams&);
  int64_t (*packed_floats)(const DenseParams&);
  void (*pack)(const DenseParams&, const float* weight, float* packed);
  void (*forward)(const DenseParams&, const float* in, const float* weight, const float* packed,
                  const float* bias, float* out, float* out_act, float* scratch);
};
const std::vector<DenseKernel>& dense_forward_kernels();

// ---- Backward ----------------------------------------------------------------
// Each op's backward lives beside its forward, in the same file. A backward
// kernel gets the forward's input (and output where it needs it) and the
// gradient of the loss with respect to the output, and ACCUMULATES (+=) the
// gradients with respect to the input and the parameters into the buffers it
// is given: the caller zeroes them. A null gradient pointer means "not
// wanted" (e.g. the input gradient of the first layer). The fused activation
// of Conv2dParams / DenseParams must be None here: a network keeps its
// activations as layers of their own.

// in: N,C,H,W  weight: OC,C/groups,KH,KW  out_grad: N,OC,OH,OW
// in_grad: like in   weight_grad: like weight   bias_grad: OC
struct Conv2dBackwardKernel {
  const char* name;
  Variant variant;
  bool (*applies)(const Conv2dParams&);
  bool (*preferred)(const Conv2dParams&);
  int64_t (*scratch_floats)(const Conv2dParams&);
  void (*backward)(const Conv2dParams&, const float* in, const float* weight, const float* out_grad,
                   float* in_grad, float* weight_grad, float* bias_grad, float* scratch);
};
const std::vector<Conv2dBackwardKernel>& conv2d_backward_kernels();

// in: N,C,H,W  out, out_grad: N,C,OH,OW  in_grad: N,C,H,W. Max pooling sends
// each output's gradient to the first maximum of its window (row-major), as
// PyTorch does; average pooling spreads it evenly over the window's divisor.
struct Pool2dBackwardKernel {
  const char* name;
  Variant variant;
  bool (*applies)(const Pool2dParams&);
  bool (*preferred)(const Pool2dParams&);
  void (*backward)(const Pool2dParams&, const float* in, const float* out, const float* out_grad, float* in_grad);
};
const std::vector<Pool2dBackwardKernel>& maxpool2d_backward_kernels();
const std::vector<Pool2dBackwardKernel>& avgpool2d_backward_kernels();

// in, out, out_grad, in_grad: `count` values. ReLU and LeakyReLU read `in`
// (the derivative at exactly 0 is taken as 0, PyTorch's choice); Sigmoid and
// Tanh read `out` (s' = s(1-s), tanh' = 1 - t^2).
struct ActivationBackwardKernel {
  const char* name;
  Variant variant;
  void (*backward)(Activation act, float slope, int64_t count, const float* in, const float* out,
                   const float* out_grad, float* in_grad);
};
const std::vector<ActivationBackwardKernel>& activation_backward_kernels();

// out, out_grad, in_grad: outer x channels x inner.
// in_grad += out * (out_grad - sum_c(out_grad * out))
struct SoftmaxBackwardKernel {
  const char* name;
  Variant variant;
  void (*backward)(int64_t outer, int64_t channels, int64_t inner, const float* out, const float* out_grad,
                   float* in_grad);
};
const std::vector<SoftmaxBackwardKernel>& softmax_backward_kernels();

// in: N,IN  weight: OUT,IN  out_grad: N,OUT  in_grad: N,IN  weight_grad: OUT,IN  bias_grad: OUT
struct DenseBackwardKernel {
  const char* name;
  Variant variant;
  bool (*applies)(const DenseParams&);
  bool (*preferred)(const DenseParams&);
  int64_t (*scratch_floats)(const DenseParams&);
  void (*backward)(const DenseParams&, const float* in, const float* weight, const float* out_grad,
                   float* in_grad, float* weight_grad, float* bias_grad, float* scratch);
};
const std::vector<DenseBackwardKernel>& dense_backward_kernels();

// The kernel to run: the first entry of the wanted variant whose
// preferred(params) holds (without params, for the element-wise ops whose
// entries suit every input: the first of the variant), else the reference.
template <class K, class... Params>
const K& select_kernel(const std::vector<K>& list, Variant want, const Params&... params) {
  static_assert(sizeof...(Params) <= 1, "one params struct at most");
  for (const K& k : list) {
    if (k.variant != want) continue;
    if constexpr (sizeof...(Params) == 0)
      return k;
    else if (k.preferred(params...))
      return k;
  }
  for (const K& k : list)
    if (k.variant == Variant::Ref) return k;
  return list.front();
}

}  // namespace cnn
