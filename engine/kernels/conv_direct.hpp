// Direct convolution for stride 1 and dilation 1 (conv_direct.cpp), the
// conv2d_forward_direct_simd entry of the kernel table (conv.cpp, which also
// says where it applies and where it is preferred). Its weights are packed
// exactly as the im2col kernel packs them (gemm::pack_a per group).
#pragma once

#include <cstdint>

#include "kernels.hpp"

namespace cnn {

// Scratch of conv2d_forward_direct: one zero-padded copy of an image's group.
int64_t conv2d_direct_scratch_floats(const Conv2dParams& p);
// p.sh == p.sw == p.dh == p.dw == 1. out_act: as in the kernel table's
// forward (kernels.hpp).
void conv2d_forward_direct(const Conv2dParams& p, const float* in, const float* packed, const float* bias,
                           float* out, float* out_act, float* scratch);

}  // namespace cnn
