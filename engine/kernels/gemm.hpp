// GEMM shared by conv (im2col) and dense, forward and backward.
//
//   C[M,N] (+)= A[M,K] * B[K,N], then an epilogue: + bias per row or per
//   column, then an optional activation.
//
// A is packed into panels of MR rows ([panel][k][MR]), B into panels of NR
// columns ([panel][k][NR]), both zero-padded, so the micro-kernel reads both
// contiguously and keeps an MR x NR tile of C in registers. NR is a multiple
// of the SIMD width (xsimd batch<float>::size), never a hard-coded number.
#pragma once

#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "../spec.hpp"
#include "activate.hpp"

namespace cnn {
namespace gemm {

using batch = xsimd::batch<float>;
constexpr int kWidth = int(batch::size);
constexpr int MR = 4;          // rows of the register tile
constexpr int NV = 2;          // vectors per row of the register tile
constexpr int NR = NV * kWidth;  // columns of the register tile

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
inline int64_t packed_a_floats(int64_t M, int64_t K) { return round_up(M, MR) * K; }
inline int64_t packed_b_floats(int64_t K, int64_t N) { return round_up(N, NR) * K; }

// Pack A (element (i,k) at A[i*rs + k*cs]) into MR-row panels.
void pack_a(int64_t M, int64_t K, const float* A, int64_t rs, int64_t cs, float* Ap);
// Pack B (element (k,j) at B[k*rs + j*cs]) into NR-column panels.
void pack_b(int64_t K, int64_t N, const float* B, int64_t rs, int64_t cs, float* Bp);

struct Epilogue {
  const float* row_bias = nullptr;  // length M
  const float* col_bias = nullptr;  // length N
  Activation act = Activation::None;  // None, ReLU or LeakyReLU (activate_epilogue)
  float slope = 0.0f;               // LeakyReLU
  bool accumulate = false;          // C += A*B instead of C = A*B
  // When set (same layout as C): C keeps the values before the activation
  // and act_out receives them after it.
  float* act_out = nullptr;
};

// C[i*ldc + j] for i < M, j < N. Ap, Bp from pack_a / pack_b with the same M, N, K.
void gemm_packed(int64_t M, int64_t N, int64_t K, const float* Ap, const float* Bp, float* C, int64_t ldc,
                 const Epilogue& ep);

// M = 1 with the row of A read in place (a[k]), no packing: the same sums as
// gemm_packed on that row packed.
void gemm_row(int64_t N, int64_t K, const float* a, const float* Bp, float* C, const Epilogue& ep);

// The plain reference: triple loop on unpacked, strided operands.
void gemm_ref(int64_t M, int64_t N, int64_t K, const float* A, int64_t rsA, int64_t csA, const float* B,
              int64_t rsB, int64_t csB, float* C, int64_t ldc, const Epilogue& ep);

// The inner step of every SIMD register tile (the GEMM micro-kernel, the
// direct and the lanes convolutions): NV vectors loaded from `vecs`, each
// multiplied by NR scalars value(r) broadcast to all lanes and added into
// c[r][v]. Always inlined, so each kernel compiles as if written out.
template <int NR, int NV, class Value>
__attribute__((always_inline)) inline void fma_tile_step(const float* vecs, Value value, batch (&c)[NR][NV]) {
  batch vv[NV];
  for (int v = 0; v < NV; ++v) vv[v] = batch::load_unaligned(vecs + v * kWidth);
  for (int r = 0; r < NR; ++r) {
    const batch b(value(r));
    for (int v = 0; v < NV; ++v) c[r][v] = xsimd::fma(vv[v], b, c[r][v]);
  }
}

}  // namespace gemm
}  // namespace cnn
