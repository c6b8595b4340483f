// Network: a sequential stack of layers built from specs.
//
// create() checks every spec's own fields; plan(input shape) checks the whole
// chain of shapes up front (an error names the layer's index and kind) and
// carves every activation and scratch buffer out of one arena. After that,
// forward() allocates nothing and keeps every layer's output for viewing.
// Parameters live in one arena too (layer by layer, weight then bias), in
// PyTorch's layouts, so a state dict maps one to one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "buffer.hpp"
#include "geometry.hpp"
#include "kernels/kernels.hpp"
#include "spec.hpp"
#include "status.hpp"

namespace cnn {

class Network {
 public:
  static Status create(const std::vector<LayerSpec>& specs, std::unique_ptr<Network>* out);

  int num_layers() const { return int(layers_.size()); }
  const LayerSpec& spec(int i) const { return layers_[i].spec; }
  std::vector<LayerSpec> specs() const;

  // ---- shapes and buffers
  // Plans for an input shape. On failure the previous plan stays in force.
  Status plan(const Shape& input);
  bool planned() const { return planned_; }
  const Shape& input_shape() const { return input_shape_; }
  const Geometry& geometry(int i) const { return layers_[i].geom; }
  // Sum over layers, for the planned batch.
  int64_t total_macs() const;

  // ---- running
  float* input() { return planned_ ? arena_.data() : nullptr; }
  Status forward();
  // Copies `count` floats into input() (count must equal the planned size), then runs.
  Status forward(const float* data, int64_t count);
  // Output of layer i (i = -1: the input), valid until the next plan().
  TensorView activation(int i) const;
  TensorView output() const { return activation(num_layers() - 1); }

  // ---- parameters
  int64_t param_count() const { return params_.size(); }
  float* params() { return params_.data(); }
  const float* params() const { return params_.data(); }
  float* weight(int i) { return layers_[i].weight_count ? params_.data() + layers_[i].weight_offset : nullptr; }
  float* bias(int i) { return layers_[i].bias_count ? params_.data() + layers_[i].bias_offset : nullptr; }
  int64_t weight_count(int i) const { return layers_[i].weight_count; }
  int64_t bias_count(int i) const { return layers_[i].bias_count; }
  int64_t weight_offset(int i) const { return layers_[i].weight_offset; }
  int64_t bias_offset(int i) const { return layers_[i].bias_offset; }
  // PyTorch shape of layer i's weight, e.g. {8, 1, 5, 5} or {10, 64}; empty if none.
  std::vector<int64_t> weight_shape(int i) const;
  // PyTorch's default initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from a seed.
  void init_params(uint64_t seed);
  // Call after writing into params(): repacks the weights the SIMD kernels read.
  void params_changed();

  // ---- kernels and timing
  // Which kernels run (Simd by default; Ref = the scalar references). Re-plans.
  Status set_variant(Variant v);
  Variant variant() const { return variant_; }
  const char* kernel_name(int i) const { return layers_[i].kernel_name; }
  // Per-layer wall time of the last forward(), in milliseconds, when profiling.
  void set_profiling(bool on) { profiling_ = on; }
  double layer_ms(int i) const { return layers_[i].ms; }

 private:
  struct Layer {
    LayerSpec spec;
    Geometry geom;
    int64_t weight_offset = 0, weight_count = 0, bias_offset = 0, bias_count = 0;
    int64_t packed_offset = 0, packed_count = 0;
    int64_t out_offset = 0;  // into arena_
    bool aliases_input = false;  // flatten: same buffer, new shape
    // A conv or dense layer followed by ReLU / LeakyReLU (SIMD variant): its
    // kernel writes both outputs in one pass (fuses_next), and the
    // activation layer itself has nothing left to do (fused_into_prev).
    bool fuses_next = false;
    bool fused_into_prev = false;
    const char* kernel_name = "";
    double ms = 0.0;
    // Resolved kernel parameters (only the one for spec.kind is used).
    Conv2dParams conv;
    Pool2dParams pool;
    DenseParams dense;
    const Conv2dKernel* conv_k = nullptr;
    const Pool2dKernel* pool_k = nullptr;
    const DenseKernel* dense_k = nullptr;
    const ActivationKernel* act_k = nullptr;
    const SoftmaxKernel* softmax_k = nullptr;
  };

  Network() = default;
  Status select_kernels_and_pack();
  void run_layer(int i, int64_t n0, int64_t count);  // images [n0, n0 + count)

  std::vector<Layer> layers_;
  AlignedBuffer params_;
  AlignedBuffer packed_;
  AlignedBuffer arena_;  // input, every activation, then scratch
  int64_t scratch_offset_ = 0;
  int64_t slice_ = 1;  // images run through all layers at a time (plan())
  Shape input_shape_;
  bool planned_ = false;
  bool profiling_ = false;
  Variant variant_ = Variant::Simd;
};

// "layer 3 (dense): " prefix used in every network error.
std::string layer_context(int index, LayerKind kind);

}  // namespace cnn
