// Explain one output cell of a single conv or pooling layer: its receptive
// field, every input value x weight product, their sum and the bias (conv);
// the window and the value that won (max pooling); the window, its sum and
// the divisor (average pooling).
//
// The loops visit the window in the reference kernels' order (input channel,
// then kernel row, then kernel column), so adding the listed products of the
// terms that are not padding, in the listed order, then the bias, gives
// exactly the reference forward output at that cell (see tests/engine/
// test_explain.cpp). Padding taps are listed too, flagged, so a view can
// show the whole window; they add nothing (conv: the value is 0; max: -inf
// never wins; average: counted in the divisor only if count_include_pad).
//
//   in: N,C,H,W   weight: OC, C/groups, KH, KW   bias: OC   cell: (n, c, y, x) of the output
//
// And explain an element-wise activation: its value and its slope at each
// input, as a network's forward pass and its trainer compute them.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry.hpp"
#include "shape.hpp"
#include "spec.hpp"
#include "status.hpp"

namespace cnn {

struct ExplainTerm {
  int32_t channel = 0;  // input channel
  int32_t y = 0, x = 0;  // input coordinates; outside [0, H) x [0, W) for a padding tap
  int32_t ky = 0, kx = 0;  // kernel (or pooling window) row and column
  bool padding = false;
  float value = 0.0f;   // the input value (0 for conv/avg padding, -inf for max padding)
  float weight = 1.0f;  // conv: the weight at (channel, ky, kx); pooling: 1
  float product = 0.0f; // conv: value * weight (as the kernel rounds it); pooling: the value
};

struct CellExplanation {
  LayerKind kind = LayerKind::Conv2d;
  int64_t n = 0, c = 0, y = 0, x = 0;  // the output cell
  std::vector<ExplainTerm> terms;
  // conv: the sum of the products; avg: the sum of the values; max: the maximum.
  float sum = 0.0f;
  float bias = 0.0f;    // conv only (0 when the layer has no bias)
  bool has_bias = false;
  float output = 0.0f;  // the forward output at the cell
  int64_t winner = -1;  // max: index into terms of the value that won (the first one, on ties)
  int64_t divisor = 0;  // avg: what the sum is divided by; conv: the number of non-padding terms
  // The window's top-left corner in input coordinates (negative inside the
  // padding) and how far it reaches (dilation*(k-1)+1 for conv).
  int64_t window_y = 0, window_x = 0, window_h = 0, window_w = 0;
};

// A window is refused above this many terms (a view could never list them).
constexpr int64_t kMaxExplainTerms = int64_t(1) << 20;

// Checks the spec and shape (layer_geometry), the buffer sizes (input: the
// shape's elements; conv weight: OC*C/groups*KH*KW; bias: OC, or 0 when the
// spec has no bias; pooling: no weight, no bias) and the cell, then explains it.
Status explain_cell(const Shape& in, const LayerSpec& spec, const float* input, int64_t input_count,
                    const float* weight, int64_t weight_count, const float* bias, int64_t bias_count,
                    int64_t n, int64_t c, int64_t y, int64_t x, CellExplanation* out);

// The value and the slope (the derivative backpropagation multiplies by) of
// an activation layer (relu, leaky_relu, sigmoid, tanh) at each of `count`
// inputs, from the reference forward and backward kernels (the backward with
// an output gradient of 1): what a network and its trainer compute for that
// layer, so the slope at ReLU's kink (exactly 0) is 0, as in PyTorch.
//   in, out, slope: count values (count from 0 to kMaxExplainTerms)
Status activation_slopes(const LayerSpec& spec, const float* in, int64_t count, float* out, float* slope);

}  // namespace cnn
