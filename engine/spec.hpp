// Layer specifications: typed parameters with PyTorch's names and defaults.
// A network is a list of these; the model file stores them; the wasm ABI
// builds them from numbers. Nothing here knows about shapes: see geometry.hpp.
#pragma once

#include <cstdint>

namespace cnn {

enum class LayerKind : int32_t {
  Conv2d = 0,
  MaxPool2d = 1,
  AvgPool2d = 2,
  ReLU = 3,
  LeakyReLU = 4,
  Sigmoid = 5,
  Tanh = 6,
  Flatten = 7,
  Dense = 8,
  Softmax = 9,
};
constexpr int kNumLayerKinds = 10;

// "conv2d", "maxpool2d", ... ; "unknown" for a value outside the enum.
const char* kind_name(LayerKind kind);
bool kind_is_valid(int32_t kind);

enum class Padding : int32_t {
  Explicit = 0,  // pad_h / pad_w zeros on each side
  Valid = 1,     // no padding
  Same = 2,      // output size = input size (stride 1 only, as in PyTorch)
};

// An element-wise activation: a layer of its own (the kinds ReLU .. Tanh
// above) or applied by a conv / dense kernel as it stores its output.
enum class Activation : int32_t { None = 0, ReLU = 1, LeakyReLU = 2, Sigmoid = 3, Tanh = 4 };

struct Conv2dSpec {
  int32_t in_channels = 1;
  int32_t out_channels = 1;
  int32_t kernel_h = 3, kernel_w = 3;
  int32_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::Explicit;
  int32_t pad_h = 0, pad_w = 0;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t groups = 1;
  bool bias = true;
};

struct Pool2dSpec {
  int32_t kernel_h = 2, kernel_w = 2;
  int32_t stride_h = 0, stride_w = 0;  // 0 means "same as the kernel" (PyTorch's default)
  int32_t pad_h = 0, pad_w = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;  // AvgPool2d only
};

struct DenseSpec {
  int32_t in_features = 1;
  int32_t out_features = 1;
  bool bias = true;
};

struct LayerSpec {
  LayerKind kind = LayerKind::ReLU;
  Conv2dSpec conv;        // Conv2d
  Pool2dSpec pool;        // MaxPool2d, AvgPool2d
  DenseSpec dense;        // Dense
  float negative_slope = 0.01f;  // LeakyReLU

  static LayerSpec conv2d(int in_channels, int out_channels, int kernel, int stride = 1,
                          int pad = 0, int dilation = 1, int groups = 1, bool bias = true) {
    LayerSpec s;
    s.kind = LayerKind::Conv2d;
    s.conv.in_channels = in_channels;
    s.conv.out_channels = out_channels;
    s.conv.kernel_h = s.conv.kernel_w = kernel;
    s.conv.stride_h = s.conv.stride_w = stride;
    s.conv.pad_h = s.conv.pad_w = pad;
    s.conv.dilation_h = s.conv.dilation_w = dilation;
    s.conv.groups = groups;
    s.conv.bias = bias;
    return s;
  }
  static LayerSpec maxpool2d(int kernel, int stride = 0, int pad = 0, bool ceil_mode = false) {
    LayerSpec s;
    s.kind = LayerKind::MaxPool2d;
    s.pool.kernel_h = s.pool.kernel_w = kernel;
    s.pool.stride_h = s.pool.stride_w = stride;
    s.pool.pad_h = s.pool.pad_w = pad;
    s.pool.ceil_mode = ceil_mode;
    return s;
  }
  static LayerSpec avgpool2d(int kernel, int stride = 0, int pad = 0, bool ceil_mode = false,
                             bool count_include_pad = true) {
    LayerSpec s = maxpool2d(kernel, stride, pad, ceil_mode);
    s.kind = LayerKind::AvgPool2d;
    s.pool.count_include_pad = count_include_pad;
    return s;
  }
  static LayerSpec dense_layer(int in_features, int out_features, bool bias = true) {
    LayerSpec s;
    s.kind = LayerKind::Dense;
    s.dense.in_features = in_features;
    s.dense.out_features = out_features;
    s.dense.bias = bias;
    return s;
  }
  static LayerSpec simple(LayerKind kind) {
    LayerSpec s;
    s.kind = kind;
    return s;
  }
  static LayerSpec leaky_relu(float slope) {
    LayerSpec s;
    s.kind = LayerKind::LeakyReLU;
    s.negative_slope = slope;
    return s;
  }
};

}  // namespace cnn
