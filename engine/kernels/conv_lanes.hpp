// Convolution with the output channels in the vector lanes (conv_lanes.cpp),
// the conv2d_forward_lanes_simd entry of the kernel table (conv.cpp). Any
// stride, padding, dilation and groups; its weights are packed per group,
// OCg rounded up to the vector width, in blocks of up to 4 vectors of
// channels, each [K][its channels] (conv2d_lanes_pack).
#pragma once

#include <cstdint>

#include "kernels.hpp"

namespace cnn {

int64_t conv2d_lanes_packed_floats(const Conv2dParams& p);
void conv2d_lanes_pack(const Conv2dParams& p, const float* weight, float* packed);
int64_t conv2d_lanes_scratch_floats(const Conv2dParams& p);
// out_act: null, or a second output that receives act(x) while `out` keeps
// the values before the activation (x = the sum plus the bias).
void conv2d_forward_lanes(const Conv2dParams& p, const float* in, const float* packed, const float* bias, float* out,
                          float* out_act, float* scratch);

// The weight gradient, accumulated: weight_grad += the gradient of a batch
// (p.n images, every group), the output channels in the lanes, summed over
// the output positions in order (the im2col GEMM's order, so the same bits).
int64_t conv2d_lanes_weight_grad_scratch_floats(const Conv2dParams& p);
void conv2d_weight_grad_lanes(const Conv2dParams& p, const float* in, const float* out_grad, float* weight_grad,
                              float* scratch);

}  // namespace cnn
