// Shape: the dimensions of an NCHW (rank 4) or N,F (rank 2) float32 tensor.
// A Shape can only be made through Shape::make, which refuses a dimension
// below 1 or a total size above kMaxElements, so every index computed from a
// valid Shape fits comfortably in int64 and the buffer in wasm memory.
#pragma once

#include <cstdint>
#include <string>

#include "status.hpp"

namespace cnn {

// 2^28 floats = 1 GiB: the largest tensor the engine will plan. Wasm memory
// tops out at 2 GiB, so anything larger could never be allocated anyway.
constexpr int64_t kMaxElements = int64_t(1) << 28;
// No single dimension may exceed this (keeps int products far from overflow).
constexpr int64_t kMaxDim = int64_t(1) << 24;

class Shape {
 public:
  Shape() = default;  // empty: rank 0, zero elements

  static Status make(const int64_t* dims, int rank, Shape* out);
  static Status nchw(int64_t n, int64_t c, int64_t h, int64_t w, Shape* out) {
    const int64_t d[4] = {n, c, h, w};
    return make(d, 4, out);
  }
  static Status nf(int64_t n, int64_t f, Shape* out) {
    const int64_t d[2] = {n, f};
    return make(d, 2, out);
  }

  int rank() const { return rank_; }
  int64_t dim(int i) const { return dims_[i]; }
  int64_t n() const { return dims_[0]; }
  int64_t c() const { return dims_[1]; }
  int64_t h() const { return rank_ == 4 ? dims_[2] : 1; }
  int64_t w() const { return rank_ == 4 ? dims_[3] : 1; }
  // Elements of one sample (everything but N).
  int64_t per_sample() const { return rank_ == 0 ? 0 : elements_ / dims_[0]; }
  int64_t elements() const { return elements_; }
  bool empty() const { return rank_ == 0; }

  bool operator==(const Shape& o) const {
    if (rank_ != o.rank_) return false;
    for (int i = 0; i < rank_; ++i)
      if (dims_[i] != o.dims_[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }

  // "1x28x28" style text of one sample (C x H x W, or F), or with the batch.
  std::string str(bool with_batch = false) const;

 private:
  int rank_ = 0;
  int64_t dims_[4] = {0, 0, 0, 0};
  int64_t elements_ = 0;
};

}  // namespace cnn
