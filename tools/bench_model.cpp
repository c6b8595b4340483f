// bench_model: our native build's figures for the benchmark model (the
// LeNet-style net of tools/bench/lenet.js): batch-1 latency (median of calls,
// each writing the input and reading the output back) and batch-64
// throughput, and training throughput (batch 32, plain SGD), for the SIMD
// kernels and the scalar references. The Node bench
// (npm run bench) shows these beside the wasm figures. Not a test.
//
//   bench_model [--json] [--seconds S]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "network.hpp"
#include "train.hpp"

using namespace cnn;
using clock_type = std::chrono::steady_clock;

namespace {

std::vector<LayerSpec> lenet() {
  return {LayerSpec::conv2d(1, 8, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
          LayerSpec::conv2d(8, 16, 5), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
          LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(400, 64), LayerSpec::simple(LayerKind::ReLU),
          LayerSpec::dense_layer(64, 10), LayerSpec::simple(LayerKind::Softmax)};
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Median milliseconds per call of forward on `batch` images, input written
// and output read back each call.
double time_forward(Network& net, int batch, double seconds, int min_calls) {
  const int64_t in_count = int64_t(batch) * 28 * 28;
  std::vector<float> x(static_cast<size_t>(in_count)), y(static_cast<size_t>(batch) * 10);
  uint32_t r = 99;
  for (float& v : x) {
    r = r * 1664525u + 1013904223u;
    v = float(r >> 8) / 16777216.0f;
  }
  Shape s;
  if (!Shape::nchw(batch, 1, 28, 28, &s).is_ok() || !net.plan(s).is_ok()) return -1.0;
  auto call = [&]() {
    net.forward(x.data(), in_count);
    const TensorView out = net.output();
    std::memcpy(y.data(), out.data, sizeof(float) * y.size());
  };
  for (int i = 0; i < 20; ++i) call();
  std::vector<double> ms;
  const auto t_start = clock_type::now();
  while (int(ms.size()) < min_calls || seconds_since(t_start) < seconds) {
    const auto t0 = clock_type::now();
    call();
    ms.push_back(seconds_since(t0) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Images per second of training steps on batches of 32 (median step time).
double time_training(Variant v, double seconds) {
  constexpr int kBatch = 32;
  std::unique_ptr<Network> net;
  if (!Network::create(lenet(), &net).is_ok() || !net->set_variant(v).is_ok()) return -1.0;
  net->init_params(7);
  std::unique_ptr<Trainer> trainer;
  Shape batch_shape;
  if (!Trainer::create(net.get(), OptimizerConfig::sgd(0.01f), &trainer).is_ok() ||
      !Shape::nchw(kBatch, 1, 28, 28, &batch_shape).is_ok() || !trainer->plan(batch_shape).is_ok())
    return -1.0;
  std::vector<float> x(static_cast<size_t>(kBatch) * 28 * 28);
  std::vector<int32_t> labels(kBatch);
  uint32_t r = 5;
  for (float& e : x) {
    r = r * 1664525u + 1013904223u;
    e = float(r >> 8) / 16777216.0f;
  }
  for (int i = 0; i < kBatch; ++i) labels[size_t(i)] = i % 10;
  StepStats stats;
  for (int i = 0; i < 3; ++i)
    if (!trainer->step(x.data(), labels.data(), kBatch, &stats).is_ok()) return -1.0;
  std::vector<double> ms;
  const auto t_start = clock_type::now();
  while (ms.size() < 5 || seconds_since(t_start) < seconds) {
    const auto t0 = clock_type::now();
    trainer->step(x.data(), labels.data(), kBatch, &stats);
    ms.push_back(seconds_since(t0) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  return kBatch / (ms[ms.size() / 2] / 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  bool json = false;
  double seconds = 0.5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
      if (!(seconds > 0.0 && seconds < 600.0)) seconds = 0.5;
    } else {
      std::fprintf(stderr, "usage: bench_model [--json] [--seconds S]\n");
      return 2;
    }
  }
  std::unique_ptr<Network> net;
  if (!Network::create(lenet(), &net).is_ok()) return 1;
  net->init_params(7);
  double fig[2][3];  // [variant][latency ms, batch-64 img/s, training img/s]
  for (int v = 0; v < 2; ++v) {
    const Variant variant = v == 0 ? Variant::Simd : Variant::Ref;
    if (!net->set_variant(variant).is_ok()) return 1;
    fig[v][0] = time_forward(*net, 1, seconds, 2000);
    fig[v][1] = 64.0 / (time_forward(*net, 64, seconds, 20) / 1e3);
    fig[v][2] = time_training(variant, seconds);
  }
  if (json) {
    std::printf("{\"latency_ms\":%.5f,\"batch64_img_s\":%.1f,\"train32_img_s\":%.1f,\"ref_latency_ms\":%.5f,"
                "\"ref_batch64_img_s\":%.1f,\"ref_train32_img_s\":%.1f}\n",
                fig[0][0], fig[0][1], fig[0][2], fig[1][0], fig[1][1], fig[1][2]);
  } else {
    std::printf("benchmark model, native: batch-1 latency %.4f ms (reference %.4f ms), batch-64 %.0f img/s "
                "(reference %.0f img/s), training batch 32 %.0f img/s (reference %.0f img/s)\n",
                fig[0][0], fig[1][0], fig[0][1], fig[1][1], fig[0][2], fig[1][2]);
  }
  return 0;
}
