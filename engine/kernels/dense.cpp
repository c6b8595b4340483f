// Dense (fully connected) forward, PyTorch's Linear: out = in * weight^T + bias.
//   in: N,IN   weight: OUT,IN   bias: OUT   out: N,OUT
// dense_forward_ref: the dot-product loop.
// dense_forward_simd: the shared GEMM with M = N (batch), K = IN, N = OUT:
//   weight^T is packed once into B panels (pack()), the batch rows are packed
//   per call into A panels, bias and activation are fused in the epilogue.
#include "gemm.hpp"
#include "kernels.hpp"

namespace cnn {

namespace {

void dense_forward_ref(const DenseParams& p, const float* in, const float* weight, const float*, const float* bias,
                       float* out, float*) {
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t o = 0; o < p.out; ++o) {
      float s = 0.0f;
      for (int64_t i = 0; i < p.in; ++i) s += in[n * p.in + i] * weight[o * p.in + i];
      if (bias) s += bias[o];
      out[n * p.out + o] = gemm::activate(s, p.act, p.slope);
    }
}
int64_t no_floats(const DenseParams&) { return 0; }
void no_pack(const DenseParams&, const float*, float*) {}

int64_t gemm_scratch_floats(const DenseParams& p) { return gemm::packed_a_floats(p.n, p.in); }
int64_t gemm_packed_floats(const DenseParams& p) { return gemm::packed_b_floats(p.in, p.out); }

void gemm_pack(const DenseParams& p, const float* weight, float* packed) {
  // B[k][j] = weight[j][k]: row stride 1, column stride IN.
  gemm::pack_b(p.in, p.out, weight, 1, p.in, packed);
}

void dense_forward_simd(const DenseParams& p, const float* in, const float*, const float* packed,
                        const float* bias, float* out, float* scratch) {
  gemm::pack_a(p.n, p.in, in, p.in, 1, scratch);
  gemm::Epilogue ep;
  ep.col_bias = bias;
  ep.act = p.act;
  ep.slope = p.slope;
  gemm::gemm_packed(p.n, p.out, p.in, scratch, packed, out, p.out, ep);
}

}  // namespace

const std::vector<DenseKernel>& dense_forward_kernels() {
  static const std::vector<DenseKernel> list = {
      {"dense_forward_ref", Variant::Ref, no_floats, no_floats, no_pack, dense_forward_ref},
      {"dense_forward_gemm_simd", Variant::Simd, gemm_scratch_floats, gemm_packed_floats, gemm_pack,
       dense_forward_simd},
  };
  return list;
}

const char* variant_name(Variant v) { return v == Variant::Ref ? "ref" : "simd"; }

}  // namespace cnn
