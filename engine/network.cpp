#include "network.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstring>

namespace cnn {

std::string layer_context(int index, LayerKind kind) {
  return "layer " + std::to_string(index) + " (" + kind_name(kind) + "): ";
}

namespace {

// splitmix64: a tiny, portable generator, so a seed means the same weights everywhere.
struct SplitMix64 {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 24 bits, exactly representable in float.
  float uniform() { return float(next() >> 40) * (1.0f / 16777216.0f); }
};

}  // namespace

Status Network::create(const std::vector<LayerSpec>& specs, std::unique_ptr<Network>* out) {
  if (specs.empty()) return Status::error("a network needs at least one layer, but the list of layers is empty");
  if (specs.size() > 4096) return Status::error("a network may have at most 4096 layers, got %zu", specs.size());
  std::unique_ptr<Network> net(new Network());
  int64_t offset = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& s = specs[i];
    if (!kind_is_valid(int32_t(s.kind)))
      return Status::error("layer %zu: unknown layer kind %d", i, int(s.kind));
    CNN_RETURN_IF_ERROR(validate_spec(s).with_context(layer_context(int(i), s.kind)));
    Layer l;
    l.spec = s;
    const ParamShapes shapes = param_shapes(s);
    l.weight_count = shapes.weight_count();
    l.bias_count = shapes.bias_count();
    if (l.weight_count > kMaxElements)
      return Status::error("%sits %" PRId64 " weights exceed the limit of %" PRId64,
                           layer_context(int(i), s.kind).c_str(), l.weight_count, kMaxElements);
    l.weight_offset = offset;
    offset += l.weight_count;
    l.bias_offset = offset;
    offset += l.bias_count;
    if (offset > kMaxElements)
      return Status::error("the network's parameters exceed the limit of %" PRId64 " values", kMaxElements);
    net->layers_.push_back(l);
  }
  CNN_RETURN_IF_ERROR(net->params_.resize(offset).with_context("parameters: "));
  CNN_RETURN_IF_ERROR(net->select_kernels_and_pack());
  *out = std::move(net);
  return Status::ok();
}

std::vector<LayerSpec> Network::specs() const {
  std::vector<LayerSpec> v;
  for (const Layer& l : layers_) v.push_back(l.spec);
  return v;
}

std::vector<int64_t> Network::weight_shape(int i) const { return param_shapes(layers_[i].spec).weight; }

Status Network::select_kernels_and_pack() {
  int64_t packed_total = 0;
  for (Layer& l : layers_) {
    l.packed_count = 0;
    switch (l.spec.kind) {
      case LayerKind::Conv2d: {
        const Conv2dParams p = conv2d_spec_params(l.spec.conv);
        l.conv_k = &select_kernel(conv2d_forward_kernels(), variant_, p);
        l.kernel_name = l.conv_k->name;
        l.packed_count = l.conv_k->packed_floats(p);
        break;
      }
      case LayerKind::Dense: {
        const DenseParams p = dense_spec_params(l.spec.dense);
        l.dense_k = &select_kernel(dense_forward_kernels(), variant_, p);
        l.kernel_name = l.dense_k->name;
        l.packed_count = l.dense_k->packed_floats(p);
        break;
      }
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d: break;  // chosen by plan(), which knows the shape
      case LayerKind::ReLU:
      case LayerKind::LeakyReLU:
      case LayerKind::Sigmoid:
      case LayerKind::Tanh:
        l.act_k = &select_kernel(activation_forward_kernels(), variant_);
        l.kernel_name = l.act_k->name;
        break;
      case LayerKind::Softmax:
        l.softmax_k = &select_kernel(softmax_forward_kernels(), variant_);
        l.kernel_name = l.softmax_k->name;
        break;
      case LayerKind::Flatten: l.kernel_name = "flatten (no copy)"; break;
    }
    if (l.packed_count > kMaxElements) return Status::error("packed weights exceed the engine's limit");
    l.packed_offset = packed_total;
    packed_total += aligned_floats(l.packed_count);
  }
  // Fused activations: the conv / dense kernel's epilogue writes the
  // activation layer's output too (kernels.hpp, out_act), which saves a pass
  // over the data and a dispatch; both outputs stay visible.
  for (Layer& l : layers_) l.fuses_next = l.fused_into_prev = false;
  if (variant_ == Variant::Simd)
    for (size_t i = 0; i + 1 < layers_.size(); ++i) {
      const LayerKind k = layers_[i].spec.kind;
      const Activation next = activation_of(layers_[i + 1].spec.kind);
      if ((k == LayerKind::Conv2d || k == LayerKind::Dense) && next != Activation::None && simd_epilogue_has(next)) {
        layers_[i].fuses_next = true;
        layers_[i + 1].fused_into_prev = true;
        layers_[i + 1].kernel_name = "fused into the previous layer's kernel";
        ++i;
      }
    }
  CNN_RETURN_IF_ERROR(packed_.resize(packed_total).with_context("packed weights: "));
  params_changed();
  return Status::ok();
}

void Network::params_changed() {
  for (Layer& l : layers_) {
    if (!l.packed_count) continue;
    float* dst = packed_.data() + l.packed_offset;
    const float* w = params_.data() + l.weight_offset;
    if (l.spec.kind == LayerKind::Conv2d) l.conv_k->pack(conv2d_spec_params(l.spec.conv), w, dst);
    if (l.spec.kind == LayerKind::Dense) l.dense_k->pack(dense_spec_params(l.spec.dense), w, dst);
  }
}

Status Network::set_variant(Variant v) {
  if (v != Variant::Ref && v != Variant::Simd) return Status::error("unknown kernel variant %d", int(v));
  const Variant old = variant_;
  variant_ = v;
  Status st = select_kernels_and_pack();
  if (!st) {
    variant_ = old;
    select_kernels_and_pack();
    return st;
  }
  if (planned_) {
    const Shape s = input_shape_;
    planned_ = false;  // force a full re-plan (scratch sizes differ by variant)
    return plan(s);
  }
  return Status::ok();
}

void Network::init_params(uint64_t seed) {
  SplitMix64 rng{seed};
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer& l = layers_[i];
    if (!l.weight_count) continue;
    int64_t fan_in = l.spec.kind == LayerKind::Conv2d
                         ? int64_t(l.spec.conv.in_channels / l.spec.conv.groups) * l.spec.conv.kernel_h * l.spec.conv.kernel_w
                         : l.spec.dense.in_features;
    const float bound = 1.0f / std::sqrt(float(fan_in));
    float* w = params_.data() + l.weight_offset;
    for (int64_t k = 0; k < l.weight_count; ++k) w[k] = (2.0f * rng.uniform() - 1.0f) * bound;
    float* b = params_.data() + l.bias_offset;
    for (int64_t k = 0; k < l.bias_count; ++k) b[k] = (2.0f * rng.uniform() - 1.0f) * bound;
  }
  params_changed();
}

Status Network::plan(const Shape& input) {
  if (planned_ && input == input_shape_) return Status::ok();
  if (input.empty()) return Status::error("the input shape is empty");
  std::vector<Layer> next = layers_;
  Shape cur = input;
  int64_t offset = aligned_floats(input.elements());
  int64_t scratch = 0;
  for (size_t i = 0; i < next.size(); ++i) {
    Layer& l = next[i];
    CNN_RETURN_IF_ERROR(layer_geometry(cur, l.spec, &l.geom).with_context(layer_context(int(i), l.spec.kind)));
    int64_t need = 0;
    switch (l.spec.kind) {
      case LayerKind::Conv2d:
        l.conv = conv2d_params(l.geom, l.spec.conv);
        need = l.conv_k->scratch_floats(l.conv);
        break;
      case LayerKind::Dense:
        l.dense = dense_params(l.geom, l.spec.dense);
        need = l.dense_k->scratch_floats(l.dense);
        break;
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d:
        l.pool = pool2d_params(l.geom, l.spec.pool);
        l.pool_k = &select_kernel(l.spec.kind == LayerKind::MaxPool2d ? maxpool2d_forward_kernels()
                                                                      : avgpool2d_forward_kernels(),
                                  variant_, l.pool);
        l.kernel_name = l.pool_k->name;
        need = l.pool_k->scratch_floats(l.pool);
        break;
      default: break;
    }
    if (need > kMaxElements)
      return Status::error("%sits working buffer would need %" PRId64 " values, more than the limit %" PRId64,
                           layer_context(int(i), l.spec.kind).c_str(), need, kMaxElements);
    scratch = std::max(scratch, need);
    l.aliases_input = l.spec.kind == LayerKind::Flatten;
    if (l.aliases_input) {
      l.out_offset = i == 0 ? 0 : next[i - 1].out_offset;
    } else {
      l.out_offset = offset;
      offset += aligned_floats(l.geom.out.elements());
    }
    if (offset > 2 * kMaxElements)
      return Status::error("%sthe activations of the whole network would need more than %" PRId64
                           " values (2 GiB); use a smaller batch or input",
                           layer_context(int(i), l.spec.kind).c_str(), 2 * kMaxElements);
    cur = l.geom.out;
  }
  // A fused activation (select_kernels_and_pack) goes into the kernel's parameters.
  for (size_t i = 0; i + 1 < next.size(); ++i) {
    if (!next[i].fuses_next) continue;
    const LayerSpec& act = next[i + 1].spec;
    const Activation a = activation_of(act.kind);
    if (next[i].spec.kind == LayerKind::Conv2d) {
      next[i].conv.act = a;
      next[i].conv.slope = act.negative_slope;
    } else {
      next[i].dense.act = a;
      next[i].dense.slope = act.negative_slope;
    }
  }
  // A batch runs in slices of images small enough that a slice's activations
  // (all layers) stay in the core's cache from one layer to the next, instead
  // of each layer streaming the whole batch through memory. Every activation
  // still ends up in its full-batch buffer.
  constexpr int64_t kSliceFloats = 64 * 1024;  // 256 KB
  int64_t per_image = input.per_sample();
  for (const Layer& l : next)
    if (!l.aliases_input) per_image += l.geom.out.per_sample();
  const int64_t slice = std::max<int64_t>(1, std::min<int64_t>(input.n(), kSliceFloats / std::max<int64_t>(1, per_image)));
  const int64_t scratch_offset = offset;
  offset += aligned_floats(scratch);
  AlignedBuffer arena;
  CNN_RETURN_IF_ERROR(arena.resize(offset).with_context("planning the network: "));
  arena_ = std::move(arena);
  layers_ = std::move(next);
  scratch_offset_ = scratch_offset;
  slice_ = slice;
  input_shape_ = input;
  planned_ = true;
  return Status::ok();
}

int64_t Network::total_macs() const {
  int64_t t = 0;
  for (const Layer& l : layers_) t += l.geom.macs;
  return t;
}

TensorView Network::activation(int i) const {
  if (!planned_ || i < -1 || i >= num_layers()) return {};
  float* base = const_cast<float*>(arena_.data());
  if (i == -1) return {input_shape_, base};
  return {layers_[i].geom.out, base + layers_[i].out_offset};
}

// Runs layer i on images [n0, n0 + count) of the planned batch: every kernel
// works image by image (dense row by row), so a slice gives the same numbers.
void Network::run_layer(int i, int64_t n0, int64_t count) {
  Layer& l = layers_[i];
  if (l.fused_into_prev) return;  // written by layer i - 1
  const int64_t batch = input_shape_.n();
  const int64_t in_per = l.geom.in.elements() / batch;
  const int64_t out_per = l.geom.out.elements() / batch;
  float* base = arena_.data();
  const float* in = (i == 0 ? base : base + layers_[i - 1].out_offset) + n0 * in_per;
  float* out = base + l.out_offset + n0 * out_per;
  float* scratch = base + scratch_offset_;
  const float* packed = packed_.data() + l.packed_offset;
  const float* w = params_.data() + l.weight_offset;
  const float* b = l.bias_count ? params_.data() + l.bias_offset : nullptr;
  // a fused activation's output (its act and slope are in l.conv / l.dense)
  float* out_act = l.fuses_next ? base + layers_[size_t(i) + 1].out_offset + n0 * out_per : nullptr;
  switch (l.spec.kind) {
    case LayerKind::Conv2d: {
      Conv2dParams p = l.conv;
      p.n = count;
      l.conv_k->forward(p, in, w, packed, b, out, out_act, scratch);
      break;
    }
    case LayerKind::Dense: {
      DenseParams p = l.dense;
      p.n = count;
      l.dense_k->forward(p, in, w, packed, b, out, out_act, scratch);
      break;
    }
    case LayerKind::MaxPool2d:
    case LayerKind::AvgPool2d: {
      Pool2dParams p = l.pool;
      p.n = count;
      l.pool_k->forward(p, in, out, scratch);
      break;
    }
    case LayerKind::ReLU:
    case LayerKind::LeakyReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
      l.act_k->forward(activation_of(l.spec.kind), l.spec.negative_slope, count * out_per, in, out);
      break;
    case LayerKind::Softmax: {
      const Shape& s = l.geom.out;
      l.softmax_k->forward(count, s.c(), s.h() * s.w(), in, out);
      break;
    }
    case LayerKind::Flatten: break;  // aliases its input
  }
}

Status Network::forward() {
  if (!planned_) return Status::error("the network has no input shape yet: call plan() first");
  using clock = std::chrono::steady_clock;
  const int64_t batch = input_shape_.n();
  const int64_t slice = slice_;  // plan(): images per slice
  if (profiling_)
    for (Layer& l : layers_) l.ms = 0.0;
  for (int64_t n0 = 0; n0 < batch; n0 += slice) {
    const int64_t count = std::min(slice, batch - n0);
    for (int i = 0; i < num_layers(); ++i) {
      if (profiling_) {
        const auto t0 = clock::now();
        run_layer(i, n0, count);
        layers_[i].ms += std::chrono::duration<double, std::milli>(clock::now() - t0).count();
      } else {
        run_layer(i, n0, count);
      }
    }
  }
  return Status::ok();
}

Status Network::forward(const float* data, int64_t count) {
  if (!planned_) return Status::error("the network has no input shape yet: call plan() first");
  if (count != input_shape_.elements())
    return Status::error("the input has %" PRId64 " values, but the network was planned for %s = %" PRId64,
                         count, input_shape_.str(true).c_str(), input_shape_.elements());
  std::memcpy(arena_.data(), data, sizeof(float) * size_t(count));
  return forward();
}

}  // namespace cnn
