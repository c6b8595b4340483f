// Geometry: for an input shape and a layer spec, the output shape, the
// parameter count, the multiply-add count and the resolved padding, or an
// error naming the parameter and the numbers. The one place the output-size
// formula lives:
//   out = floor((in + pad_before + pad_after - dilation*(k-1) - 1) / stride) + 1
// (ceil instead of floor for pooling with ceil_mode).
#pragma once

#include <cstdint>
#include <vector>

#include "shape.hpp"
#include "spec.hpp"
#include "status.hpp"

namespace cnn {

struct Geometry {
  Shape in;
  Shape out;
  int64_t params = 0;  // learnable parameters (weights + biases)
  int64_t weights = 0; // of which weights
  int64_t macs = 0;    // multiply-adds for the whole batch
  // Resolved zero padding (conv) or -inf/zero padding (pool), per side.
  int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  // Effective stride/kernel/dilation after defaults are applied.
  int32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  // Rows at the bottom / columns at the right of the padded input that no
  // window touches: what the floor in the formula throws away.
  int64_t unused_rows = 0, unused_cols = 0;
  // Pooling with ceil_mode: 1 where PyTorch's rule dropped the last window
  // of the ceil formula (it would have started in the bottom/right padding),
  // so out is one less than the formula gives.
  int32_t dropped_rows = 0, dropped_cols = 0;
};

// The PyTorch shapes of a layer's parameters, from its spec alone: Conv2d
// weight [out, in/groups, kh, kw] and bias [out]; Linear weight [out, in] and
// bias [out]; empty for a layer without them. The one place this rule lives.
struct ParamShapes {
  std::vector<int64_t> weight, bias;
  // Element counts; a count beyond int64 saturates (a spec's own limits refuse it).
  int64_t weight_count() const;
  int64_t bias_count() const;
};
ParamShapes param_shapes(const LayerSpec& spec);
ParamShapes param_shapes(const Conv2dSpec& spec);
ParamShapes param_shapes(const DenseSpec& spec);

Status conv2d_geometry(const Shape& in, const Conv2dSpec& spec, Geometry* g);
Status pool2d_geometry(const Shape& in, const Pool2dSpec& spec, bool is_max, Geometry* g);
Status dense_geometry(const Shape& in, const DenseSpec& spec, Geometry* g);
Status flatten_geometry(const Shape& in, Geometry* g);
Status elementwise_geometry(const Shape& in, Geometry* g);  // activations, softmax

// Checks a spec's own fields (no input shape needed), e.g. stride >= 1.
Status validate_spec(const LayerSpec& spec);

// Dispatches on spec.kind.
Status layer_geometry(const Shape& in, const LayerSpec& spec, Geometry* g);

}  // namespace cnn
