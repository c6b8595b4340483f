// Dense (fully connected) forward and backward, PyTorch's Linear:
// out = in * weight^T + bias.
//   in: N,IN   weight: OUT,IN   bias: OUT   out: N,OUT
// dense_forward_ref: the dot-product loop.
// dense_forward_gemm_simd: the shared GEMM with M = N (batch), K = IN, N = OUT:
//   weight^T is packed once into B panels (pack()), the batch rows are packed
//   per call into A panels, bias and activation are fused in the epilogue.
// dense_backward_ref: the loops of the three products below.
// dense_backward_gemm_simd: two GEMMs that accumulate in their epilogue,
//   transposes given as strides to pack_a / pack_b:
//     in_grad[N,IN]      += out_grad[N,OUT] * weight[OUT,IN]
//     weight_grad[OUT,IN] += out_grad[N,OUT]^T * in[N,IN]
//     bias_grad[OUT]      += column sums of out_grad
#include <algorithm>

#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

DenseParams dense_params(const Geometry& g, const DenseSpec& s) {
  DenseParams p;
  p.n = g.in.n();
  p.in = s.in_features;
  p.out = s.out_features;
  return p;
}

DenseParams dense_spec_params(const DenseSpec& s) {
  DenseParams p;
  p.in = s.in_features;
  p.out = s.out_features;
  return p;
}

namespace {

void dense_forward_ref(const DenseParams& p, const float* in, const float* weight, const float*, const float* bias,
                       float* out, float*) {
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.out; ++o) {
      float s = 0.0f;
      for (int64_t i = 0; i < p.in; ++i) s += in[n * p.in + i] * weight[o * p.in + i];
      if (bias) s += bias[o];
      out[n * p.out + o] = activate(s, p.act, p.slope);
    }
}
int64_t no_floats(const DenseParams&) { return 0; }
void no_pack(const DenseParams&, const float*, float*) {}

void ref_entry(const DenseParams& p, const float* in, const float* weight, const float* packed, const float* bias,
               float* out, float* out_act, float* scratch) {
  if (!out_act) {
    dense_forward_ref(p, in, weight, packed, bias, out, scratch);
    return;
  }
  DenseParams q = p;
  q.act = Activation::None;
  dense_forward_ref(q, in, weight, packed, bias, out, scratch);
  for (int64_t i = 0; i < p.n * p.out; ++i) out_act[i] = activate(out[i], p.act, p.slope);
}

bool simd_applies(const DenseParams& p) { return simd_epilogue_has(p.act); }

int64_t gemm_scratch_floats(const DenseParams& p) { return gemm::packed_a_floats(p.n, p.in); }
int64_t gemm_packed_floats(const DenseParams& p) { return gemm::packed_b_floats(p.in, p.out); }

void gemm_pack(const DenseParams& p, const float* weight, float* packed) {
  // B[k][j] = weight[j][k]: row stride 1, column stride IN.
  gemm::pack_b(p.in, p.out, weight, 1, p.in, packed);
}

void dense_forward_gemm_simd(const DenseParams& p, const float* in, const float*, const float* packed,
                        const float* bias, float* out, float* out_act, float* scratch) {
  gemm::Epilogue ep;
  ep.col_bias = bias;
  ep.act = p.act;
  ep.slope = p.slope;
  ep.act_out = out_act;
  if (p.n == 1) {  // one image: its row is read in place
    gemm::gemm_row(p.out, p.in, in, packed, out, ep);
    return;
  }
  gemm::pack_a(p.n, p.in, in, p.in, 1, scratch);
  gemm::gemm_packed(p.n, p.out, p.in, scratch, packed, out, p.out, ep);
}

}  // namespace

const std::vector<DenseKernel>& dense_forward_kernels() {
  static const std::vector<DenseKernel> list = {
      {"dense_forward_ref", Variant::Ref, any_shape, any_shape, no_floats, no_floats, no_pack, ref_entry},
      {"dense_forward_gemm_simd", Variant::Simd, simd_applies, simd_applies, gemm_scratch_floats, gemm_packed_floats,
       gemm_pack, dense_forward_gemm_simd},
  };
  return list;
}

namespace {

void dense_backward_ref(const DenseParams& p, const float* in, const float* weight, const float* out_grad,
                        float* in_grad, float* weight_grad, float* bias_grad, float*) {
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.out; ++o) {
      const float d = out_grad[n * p.out + o];
      if (bias_grad) bias_grad[o] += d;
      for (int64_t i = 0; i < p.in; ++i) {
        if (weight_grad) weight_grad[o * p.in + i] += d * in[n * p.in + i];
        if (in_grad) in_grad[n * p.in + i] += d * weight[o * p.in + i];
      }
    }
}

int64_t gemm_backward_scratch_floats(const DenseParams& p) {
  const int64_t in_grad = gemm::packed_a_floats(p.n, p.out) + gemm::packed_b_floats(p.out, p.in);
  const int64_t w_grad = gemm::round_up(gemm::packed_a_floats(p.out, p.n), 16) + gemm::packed_b_floats(p.n, p.in);
  return std::max(gemm::round_up(in_grad, 16), w_grad) + 16;
}

void dense_backward_gemm_simd(const DenseParams& p, const float* in, const float* weight, const float* out_grad,
                              float* in_grad, float* weight_grad, float* bias_grad, float* scratch) {
  gemm::Epilogue acc;
  acc.accumulate = true;
  if (in_grad) {
    float* ap = scratch;
    float* bp = scratch + gemm::round_up(gemm::packed_a_floats(p.n, p.out), 16);
    gemm::pack_a(p.n, p.out, out_grad, p.out, 1, ap);
    gemm::pack_b(p.out, p.in, weight, p.in, 1, bp);
    gemm::gemm_packed(p.n, p.in, p.out, ap, bp, in_grad, p.in, acc);
  }
  if (weight_grad) {
    float* ap = scratch;
    float* bp = scratch + gemm::round_up(gemm::packed_a_floats(p.out, p.n), 16);
    gemm::pack_a(p.out, p.n, out_grad, 1, p.out, ap);  // out_grad^T: (o, n) at out_grad[n*OUT + o]
    gemm::pack_b(p.n, p.in, in, p.in, 1, bp);
    gemm::gemm_packed(p.out, p.in, p.n, ap, bp, weight_grad, p.in, acc);
  }
  if (bias_grad) {
    constexpr int64_t W = gemm::kWidth;
    for (int64_t n = 0; n < p.n; ++n) {
      const float* row = out_grad + n * p.out;
      int64_t o = 0;
      for (; o + W <= p.out; o += W)
        (gemm::batch::load_unaligned(bias_grad + o) + gemm::batch::load_unaligned(row + o)).store_unaligned(bias_grad + o);
      for (; o < p.out; ++o) bias_grad[o] += row[o];
    }
  }
}

}  // namespace

const std::vector<DenseBackwardKernel>& dense_backward_kernels() {
  static const std::vector<DenseBackwardKernel> list = {
      {"dense_backward_ref", Variant::Ref, any_shape, any_shape, no_floats, dense_backward_ref},
      {"dense_backward_gemm_simd", Variant::Simd, any_shape, any_shape, gemm_backward_scratch_floats,
       dense_backward_gemm_simd},
  };
  return list;
}

const char* variant_name(Variant v) { return v == Variant::Ref ? "ref" : "simd"; }

}  // namespace cnn
