// bench_conv: GFLOP/s (2 * multiply-adds / time) of every conv2d forward
// kernel in the kernel table that applies to the shape, next to the scalar
// reference, on one shape or on the five shapes of the benchmark issue; the
// one a network runs there (select_kernel) is marked. Built natively and to wasm from
// this one file (CMakeLists.txt); tools/bench/conv.js runs both and prints
// them side by side. It also measures the machine's SIMD multiply-add peak
// (independent accumulators, no memory traffic) so each figure can be read as
// a fraction of it. Not a test: timings are never asserted.
//
//   bench_conv                  the 32x32x32 -> 64, 3x3, pad 1 layer
//   bench_conv --all            the five shapes
//   bench_conv --shape C,H,W,OC,K,PAD
//   bench_conv --json           one JSON object on stdout instead of the table
//   bench_conv --seconds S      time per kernel and shape (default 0.4)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "buffer.hpp"
#include "geometry.hpp"
#include "kernels/gemm.hpp"
#include "kernels/kernels.hpp"

using namespace cnn;
using clock_type = std::chrono::steady_clock;

namespace {

struct ShapeCase {
  std::string name;
  int c, h, w, oc, k, pad;
};

const std::vector<ShapeCase> kFiveShapes = {
    {"1x28x28->8 5x5 pad2", 1, 28, 28, 8, 5, 2},
    {"8x14x14->16 5x5", 8, 14, 14, 16, 5, 0},
    {"32x32x32->64 3x3 pad1", 32, 32, 32, 64, 3, 1},
    {"64x56x56->64 3x3 pad1", 64, 56, 56, 64, 3, 1},
    {"64x56x56->32 1x1", 64, 56, 56, 32, 1, 0},
};

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// The most SIMD arithmetic one core issues, nothing but arithmetic in the
// loop, as GFLOP/s: the bound the "of peak" column is read against. Each loop
// is independent streams (each one a chain, so latency x pipes of them keep
// the pipes busy; 12 is enough for two 4-cycle pipes), no stream feeding
// another, and the fastest loop counts:
//   - 12 streams of fused multiply-adds, acc = acc * m + c (2 flops per lane;
//     native FMA, where a kernel's multiply-add is one instruction);
//   - streams of multiplies x = x * m and adds a = a + c (1 flop per lane per
//     op), in the mixes 12 + 0, 0 + 12, 6 + 6, 8 + 4 and 4 + 8: wasm SIMD128
//     has no FMA, so there a kernel's multiply-add is a multiply and an add,
//     and cores split their pipes between the two in different ways.
// m is 1 and c is 0 at run time, unknown to the compiler, so values stay
// finite. A kernel computes every tap (padding included, from a zero-padded
// copy) and is counted by its nominal 2 x multiply-adds, so it issues at least
// that many flops and cannot exceed the fastest loop. tools/bench/peak.js is
// the same probe hand-assembled for the bench page.
// The registers are loaded from and stored to globals between the clock
// reads, so the compiler cannot move the loop out of the timed interval.
// (They have external linkage so the optimiser cannot drop the loop as dead.)
constexpr int kPeakRegs = 12;
}  // namespace
alignas(64) float g_peak_in[kPeakRegs][16];
alignas(64) float g_peak_out[kPeakRegs][16];
float g_one = 1.0f, g_zero = 0.0f;
namespace {

using peak_batch = xsimd::batch<float>;
constexpr int kPeakSteps = 1 << 15;
static_assert(peak_batch::size <= 16, "g_peak_* rows hold 16 floats");

// One timed round each; separate functions so that the engine running them
// (V8 compiles wasm in tiers, and a call in progress never switches tier) can
// swap in its optimised code between rounds. Returns GFLOP/s.
__attribute__((noinline)) double peak_round_fma() {
  const auto t0 = clock_type::now();
  const peak_batch m(g_one), c(g_zero);
  peak_batch acc[kPeakRegs];
  for (int i = 0; i < kPeakRegs; ++i) acc[i] = peak_batch::load_aligned(g_peak_in[i]);
  for (int s = 0; s < kPeakSteps; ++s)
    for (int i = 0; i < kPeakRegs; ++i) acc[i] = xsimd::fma(acc[i], m, c);
  for (int i = 0; i < kPeakRegs; ++i) acc[i].store_aligned(g_peak_out[i]);
  return 2.0 * kPeakRegs * peak_batch::size * double(kPeakSteps) / seconds_since(t0) * 1e-9;
}

template <int Muls, int Adds>
__attribute__((noinline)) double peak_round_streams() {
  static_assert(Muls + Adds <= kPeakRegs, "one g_peak_* row per stream");
  const auto t0 = clock_type::now();
  const peak_batch m(g_one), c(g_zero);
  peak_batch x[Muls + Adds];
  for (int i = 0; i < Muls + Adds; ++i) x[i] = peak_batch::load_aligned(g_peak_in[i]);
  for (int s = 0; s < kPeakSteps; ++s) {
    for (int i = 0; i < Muls; ++i) x[i] = x[i] * m;
    for (int i = Muls; i < Muls + Adds; ++i) x[i] = x[i] + c;
  }
  for (int i = 0; i < Muls + Adds; ++i) x[i].store_aligned(g_peak_out[i]);
  return double(Muls + Adds) * peak_batch::size * double(kPeakSteps) / seconds_since(t0) * 1e-9;
}

double simd_peak_gflops(double seconds) {
  for (int i = 0; i < kPeakRegs; ++i)
    for (int j = 0; j < 16; ++j) g_peak_in[i][j] = float(i + 1) * 1e-3f;
  // Called through pointers: the wasm optimiser (binaryen) would otherwise
  // inline the rounds into this one long call, which V8 never tiers up.
  using round_fn = double (*)();
  static const round_fn kRounds[] = {
      peak_round_fma,          peak_round_streams<12, 0>, peak_round_streams<0, 12>,
      peak_round_streams<6, 6>, peak_round_streams<8, 4>, peak_round_streams<4, 8>,
  };
  double best = 0.0;
  const auto t_start = clock_type::now();
  while (seconds_since(t_start) < seconds)
    for (round_fn r : kRounds) {
      round_fn volatile call = r;
      best = std::max(best, call());
    }
  return best;
}

struct Result {
  std::string kernel;
  double gflops;
  double max_abs_diff;
  bool chosen;  // the kernel a network runs on this shape
};

bool run_shape(const ShapeCase& sc, double seconds, std::vector<Result>* results, double* macs_out) {
  Conv2dSpec s;
  s.in_channels = sc.c;
  s.out_channels = sc.oc;
  s.kernel_h = s.kernel_w = sc.k;
  s.pad_h = s.pad_w = sc.pad;
  Shape in_shape;
  Geometry g;
  if (!Shape::nchw(1, sc.c, sc.h, sc.w, &in_shape).is_ok() || !conv2d_geometry(in_shape, s, &g).is_ok()) {
    std::fprintf(stderr, "bench_conv: invalid shape %s\n", sc.name.c_str());
    return false;
  }
  const Conv2dParams p = conv2d_params(g, s);
  const double macs = double(g.macs);
  *macs_out = macs;
  AlignedBuffer in, weight, bias, out_ref, out;
  if (!in.resize(g.in.elements()).is_ok() || !weight.resize(g.weights).is_ok() ||
      !bias.resize(sc.oc).is_ok() || !out_ref.resize(g.out.elements()).is_ok() ||
      !out.resize(g.out.elements()).is_ok())
    return false;
  uint32_t r = 12345;
  auto rnd = [&r]() {
    r = r * 1664525u + 1013904223u;
    return float(r >> 8) * (2.0f / 16777216.0f) - 1.0f;
  };
  for (int64_t i = 0; i < in.size(); ++i) in.data()[i] = rnd();
  for (int64_t i = 0; i < weight.size(); ++i) weight.data()[i] = rnd() * 0.2f;
  for (int64_t i = 0; i < bias.size(); ++i) bias.data()[i] = rnd();

  // Every kernel checked against the reference, then all of them timed in
  // interleaved rounds (each gets a share of every round), so a machine that
  // is busy now and then slows all of them alike; median of the calls.
  std::vector<const Conv2dKernel*> kernels;
  for (const Conv2dKernel& k : conv2d_forward_kernels())
    if (k.applies(p)) kernels.push_back(&k);
  const Conv2dKernel* chosen = &select_kernel(conv2d_forward_kernels(), Variant::Simd, p);
  conv2d_forward_ref(p, in.data(), weight.data(), bias.data(), out_ref.data());
  struct Prepared {
    AlignedBuffer packed, scratch;
    std::vector<double> rates;
    double diff = 0.0;
  };
  std::vector<Prepared> prep(kernels.size());
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Conv2dKernel& k = *kernels[i];
    Prepared& pr = prep[i];
    if (!pr.packed.resize(std::max<int64_t>(1, k.packed_floats(p))).is_ok() ||
        !pr.scratch.resize(std::max<int64_t>(1, k.scratch_floats(p))).is_ok())
      return false;
    k.pack(p, weight.data(), pr.packed.data());
    std::memset(out.data(), 0, sizeof(float) * size_t(out.size()));
    k.forward(p, in.data(), weight.data(), pr.packed.data(), bias.data(), out.data(), nullptr, pr.scratch.data());
    for (int64_t j = 0; j < out.size(); ++j)
      pr.diff = std::max(pr.diff, double(std::fabs(out.data()[j] - out_ref.data()[j])));
    k.forward(p, in.data(), weight.data(), pr.packed.data(), bias.data(), out.data(), nullptr, pr.scratch.data());  // warm-up
  }
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round)
    for (size_t i = 0; i < kernels.size(); ++i) {
      const Conv2dKernel& k = *kernels[i];
      Prepared& pr = prep[i];
      const auto t_round = clock_type::now();
      do {
        const auto t0 = clock_type::now();
        k.forward(p, in.data(), weight.data(), pr.packed.data(), bias.data(), out.data(), nullptr, pr.scratch.data());
        pr.rates.push_back(2.0 * macs / seconds_since(t0) * 1e-9);
      } while (seconds_since(t_round) < seconds / kRounds);
    }
  for (size_t i = 0; i < kernels.size(); ++i) {
    std::vector<double>& r = prep[i].rates;
    std::sort(r.begin(), r.end());
    results->push_back({kernels[i]->name, r[r.size() / 2], prep[i].diff, kernels[i] == chosen});
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ShapeCase> shapes = {kFiveShapes[2]};
  bool json = false;
  double seconds = 0.4;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--all") {
      shapes = kFiveShapes;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
      if (!(seconds > 0.0 && seconds < 600.0)) seconds = 0.4;
    } else if (a == "--shape" && i + 1 < argc) {
      ShapeCase sc;
      if (std::sscanf(argv[++i], "%d,%d,%d,%d,%d,%d", &sc.c, &sc.h, &sc.w, &sc.oc, &sc.k, &sc.pad) != 6) {
        std::fprintf(stderr, "bench_conv: --shape wants C,H,W,OC,K,PAD\n");
        return 2;
      }
      sc.name = std::to_string(sc.c) + "x" + std::to_string(sc.h) + "x" + std::to_string(sc.w) + "->" +
                std::to_string(sc.oc) + " " + std::to_string(sc.k) + "x" + std::to_string(sc.k) + " pad" +
                std::to_string(sc.pad);
      shapes = {sc};
    } else {
      std::fprintf(stderr, "usage: bench_conv [--all | --shape C,H,W,OC,K,PAD] [--json] [--seconds S]\n");
      return 2;
    }
  }

  const double peak = simd_peak_gflops(std::min(seconds, 0.5));
  const char* arch = xsimd::default_arch::name();
  if (json) {
    std::printf("{\"arch\":\"%s\",\"simd_width\":%d,\"peak_gflops\":%.3f,\"shapes\":[", arch,
                int(xsimd::batch<float>::size), peak);
  } else {
    std::printf("conv2d forward, batch 1, arch %s (%d floats per vector), SIMD multiply-add peak %.1f GFLOP/s\n",
                arch, int(xsimd::batch<float>::size), peak);
    std::printf("%-24s %-30s %9s %8s %8s %10s\n", "shape", "kernel", "GFLOP/s", "x ref", "of peak", "max|diff|");
  }
  bool first = true;
  for (const ShapeCase& sc : shapes) {
    std::vector<Result> results;
    double macs = 0.0;
    if (!run_shape(sc, seconds, &results, &macs)) return 1;
    const double ref = results.front().gflops;
    if (json) {
      std::printf("%s{\"shape\":\"%s\",\"macs\":%.0f,\"kernels\":[", first ? "" : ",", sc.name.c_str(), macs);
      for (size_t i = 0; i < results.size(); ++i)
        std::printf("%s{\"kernel\":\"%s\",\"gflops\":%.4f,\"max_abs_diff\":%.3g,\"chosen\":%s}", i ? "," : "",
                    results[i].kernel.c_str(), results[i].gflops, results[i].max_abs_diff,
                    results[i].chosen ? "true" : "false");
      std::printf("]}");
    } else {
      for (const Result& res : results)
        std::printf("%-24s %-30s %9.2f %8.2f %7.0f%% %10.2g%s\n", sc.name.c_str(), res.kernel.c_str(), res.gflops,
                    res.gflops / ref, 100.0 * res.gflops / peak, res.max_abs_diff, res.chosen ? "  (network)" : "");
    }
    first = false;
  }
  if (json) std::printf("]}\n");
  return 0;
}
