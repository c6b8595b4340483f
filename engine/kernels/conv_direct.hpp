// Direct convolution for stride 1 and dilation 1 (conv_direct.cpp), used by
// the conv2d_forward_direct_simd entry of the kernel table (conv.cpp), which
// falls back to im2col + GEMM for other strides and dilations, and for deep
// kernels where im2col is as fast. Its weights are
// packed exactly as the im2col kernel packs them (gemm::pack_a per group).
#pragma once

#include <cstdint>

#include "kernels.hpp"

namespace cnn {

bool conv2d_direct_applies(const Conv2dParams& p);
// Where direct is also the faster of the two (see conv_direct.cpp).
bool conv2d_direct_preferred(const Conv2dParams& p);
// Scratch of conv2d_forward_direct: one zero-padded copy of an image's group.
int64_t conv2d_direct_scratch_floats(const Conv2dParams& p);
// out_act: as in the kernel table's forward (kernels.hpp).
void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* packed, const float* bias,
                           float* out, float* out_act, float* scratch);

}  // namespace cnn
