#include "gemm.hpp"

#include <cstring>

namespace cnn {
namespace gemm {

void pack_a(int64_t M, int64_t K, const float* A, int64_t rs, int64_t cs, float* Ap) {
  for (int64_t i0 = 0; i0 < M; i0 += MR) {
    const int64_t rows = M - i0 < MR ? M - i0 : MR;
    float* dst = Ap + i0 * K;
    for (int64_t k = 0; k < K; ++k) {
      int64_t i = 0;
      for (; i < rows; ++i) dst[k * MR + i] = A[(i0 + i) * rs + k * cs];
      for (; i < MR; ++i) dst[k * MR + i] = 0.0f;
    }
  }
}

void pack_b(int64_t K, int64_t N, const float* B, int64_t rs, int64_t cs, float* Bp) {
  for (int64_t j0 = 0; j0 < N; j0 += NR) {
    const int64_t cols = N - j0 < NR ? N - j0 : NR;
    float* dst = Bp + j0 * K;
    if (cs == 1 && cols == NR) {
      for (int64_t k = 0; k < K; ++k) std::memcpy(dst + k * NR, B + k * rs + j0, sizeof(float) * NR);
      continue;
    }
    for (int64_t k = 0; k < K; ++k) {
      int64_t j = 0;
      for (; j < cols; ++j) dst[k * NR + j] = B[k * rs + (j0 + j) * cs];
      for (; j < NR; ++j) dst[k * NR + j] = 0.0f;
    }
  }
}

namespace {

// The register tile: ROWS x NV vectors, K steps. a: [K][MR], b: [K][NR].
template <int ROWS>
inline void micro_kernel(int64_t K, const float* a, const float* b, batch (&acc)[MR][NV]) {
  batch c[ROWS][NV];
  for (int i = 0; i < ROWS; ++i)
    for (int v = 0; v < NV; ++v) c[i][v] = batch(0.0f);
  for (int64_t k = 0; k < K; ++k) {
    fma_tile_step<ROWS, NV>(b, [a](int i) { return a[i]; }, c);
    a += MR;
    b += NR;
  }
  for (int i = 0; i < ROWS; ++i)
    for (int v = 0; v < NV; ++v) acc[i][v] = c[i][v];
}

// One row (a dense layer on a single image): with only NV accumulators every
// step would wait for the previous add, so four sets take turns over k and
// are summed at the end.
// AS: the distance between consecutive a values (MR in a packed panel, 1
// for a row read in place).
template <int AS>
inline void one_row_kernel(int64_t K, const float* a, const float* b, batch (&acc)[MR][NV]) {
  constexpr int U = 4;
  batch c[U][NV];
  for (int u = 0; u < U; ++u)
    for (int v = 0; v < NV; ++v) c[u][v] = batch(0.0f);
  int64_t k = 0;
  for (; k + U <= K; k += U, a += U * AS, b += U * NR)
    for (int u = 0; u < U; ++u) {
      const batch ai(a[u * AS]);
      for (int v = 0; v < NV; ++v) c[u][v] = xsimd::fma(ai, batch::load_unaligned(b + u * NR + v * kWidth), c[u][v]);
    }
  for (; k < K; ++k, a += AS, b += NR) {
    const batch ai(a[0]);
    for (int v = 0; v < NV; ++v) c[0][v] = xsimd::fma(ai, batch::load_unaligned(b + v * kWidth), c[0][v]);
  }
  for (int v = 0; v < NV; ++v) acc[0][v] = (c[0][v] + c[1][v]) + (c[2][v] + c[3][v]);
}

template <>
inline void micro_kernel<1>(int64_t K, const float* a, const float* b, batch (&acc)[MR][NV]) {
  one_row_kernel<MR>(K, a, b, acc);
}

// RowA: A is one unpacked row (M = 1), read in place.
template <bool RowA>
inline void run_tile(int rows, int64_t K, const float* a, const float* b, batch (&acc)[MR][NV]) {
  if (RowA) {
    one_row_kernel<1>(K, a, b, acc);
    return;
  }
  switch (rows) {
    case 1: micro_kernel<1>(K, a, b, acc); break;
    case 2: micro_kernel<2>(K, a, b, acc); break;
    case 3: micro_kernel<3>(K, a, b, acc); break;
    default: micro_kernel<MR>(K, a, b, acc); break;
  }
}

template <bool RowA>
void gemm_impl(int64_t M, int64_t N, int64_t K, const float* Ap, const float* Bp, float* C, int64_t ldc,
               const Epilogue& ep) {
  static_assert(MR == 4, "run_tile dispatches 1..4 rows");
  alignas(64) float tile[MR * NR];
  for (int64_t j0 = 0; j0 < N; j0 += NR) {
    const int cols = int(N - j0 < NR ? N - j0 : NR);
    const float* b = Bp + j0 * K;
    for (int64_t i0 = 0; i0 < M; i0 += MR) {
      const int rows = int(M - i0 < MR ? M - i0 : MR);
      batch acc[MR][NV];
      run_tile<RowA>(rows, K, Ap + i0 * K, b, acc);
      if (cols == NR) {
        for (int i = 0; i < rows; ++i) {
          float* crow = C + (i0 + i) * ldc + j0;
          const batch rb(ep.row_bias ? ep.row_bias[i0 + i] : 0.0f);
          for (int v = 0; v < NV; ++v) {
            batch x = acc[i][v] + rb;
            if (ep.col_bias) x += batch::load_unaligned(ep.col_bias + j0 + v * kWidth);
            if (ep.accumulate) x += batch::load_unaligned(crow + v * kWidth);
            if (ep.act_out) {
              x.store_unaligned(crow + v * kWidth);
              activate_epilogue(x, ep.act, ep.slope).store_unaligned(ep.act_out + (crow - C) + v * kWidth);
            } else {
              activate_epilogue(x, ep.act, ep.slope).store_unaligned(crow + v * kWidth);
            }
          }
        }
      } else {
        for (int i = 0; i < rows; ++i)
          for (int v = 0; v < NV; ++v) acc[i][v].store_aligned(tile + i * NR + v * kWidth);
        for (int i = 0; i < rows; ++i) {
          float* crow = C + (i0 + i) * ldc + j0;
          const float rb = ep.row_bias ? ep.row_bias[i0 + i] : 0.0f;
          for (int j = 0; j < cols; ++j) {
            float x = tile[i * NR + j] + rb;
            if (ep.col_bias) x += ep.col_bias[j0 + j];
            if (ep.accumulate) x += crow[j];
            if (ep.act_out) {
              crow[j] = x;
              ep.act_out[(crow - C) + j] = activate(x, ep.act, ep.slope);
            } else {
              crow[j] = activate(x, ep.act, ep.slope);
            }
          }
        }
      }
    }
  }
}

}  // namespace

void gemm_packed(int64_t M, int64_t N, int64_t K, const float* Ap, const float* Bp, float* C, int64_t ldc,
                 const Epilogue& ep) {
  gemm_impl<false>(M, N, K, Ap, Bp, C, ldc, ep);
}

void gemm_row(int64_t N, int64_t K, const float* a, const float* Bp, float* C, const Epilogue& ep) {
  gemm_impl<true>(1, N, K, a, Bp, C, N, ep);
}

void gemm_ref(int64_t M, int64_t N, int64_t K, const float* A, int64_t rsA, int64_t csA, const float* B,
              int64_t rsB, int64_t csB, float* C, int64_t ldc, const Epilogue& ep) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      float s = 0.0f;
      for (int64_t k = 0; k < K; ++k) s += A[i * rsA + k * csA] * B[k * rsB + j * csB];
      if (ep.row_bias) s += ep.row_bias[i];
      if (ep.col_bias) s += ep.col_bias[j];
      if (ep.accumulate) s += C[i * ldc + j];
      C[i * ldc + j] = activate(s, ep.act, ep.slope);
    }
}

}  // namespace gemm
}  // namespace cnn
