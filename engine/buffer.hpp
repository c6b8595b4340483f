// AlignedBuffer: an owning, 64-byte aligned float array whose allocation
// failure is a Status (wasm memory that cannot grow must not abort the engine).
// Tensor: a Shape plus a view of floats (owned or carved out of an arena).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "shape.hpp"
#include "status.hpp"

namespace cnn {

constexpr size_t kAlignment = 64;
// n floats rounded up to whole 64-byte units: buffers carved out of one
// aligned arena at offsets built from these stay 64-byte aligned.
constexpr int64_t kAlignFloats = int64_t(kAlignment / sizeof(float));
inline int64_t aligned_floats(int64_t n) { return (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats; }

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = o.data_;
      size_ = o.size_;
      o.data_ = nullptr;
      o.size_ = 0;
    }
    return *this;
  }
  ~AlignedBuffer() { release(); }

  // Resize to `count` floats, zero-filled. On failure the old contents are kept.
  Status resize(int64_t count) {
    if (count < 0 || count > (int64_t(1) << 29))
      return Status::error("cannot allocate %lld floats", static_cast<long long>(count));
    if (count == size_) {
      if (data_) std::memset(data_, 0, sizeof(float) * size_t(count));
      return Status::ok();
    }
    float* p = nullptr;
    if (count > 0) {
      const size_t bytes = sizeof(float) * size_t(aligned_floats(count));
      p = static_cast<float*>(std::aligned_alloc(kAlignment, bytes));
      if (!p)
        return Status::error("out of memory: could not allocate %.1f MB",
                             double(bytes) / (1024.0 * 1024.0));
      std::memset(p, 0, bytes);
    }
    release();
    data_ = p;
    size_ = count;
    return Status::ok();
  }

  float* data() { return data_; }
  const float* data() const { return data_; }
  int64_t size() const { return size_; }

 private:
  void release() {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
  }
  float* data_ = nullptr;
  int64_t size_ = 0;
};

// A non-owning view: shape + pointer.
struct TensorView {
  Shape shape;
  float* data = nullptr;
};

// An owning tensor, for tests, tools and parameters.
class Tensor {
 public:
  Tensor() = default;
  static Status make(const Shape& shape, Tensor* out) {
    Tensor t;
    CNN_RETURN_IF_ERROR(t.buf_.resize(shape.elements()));
    t.shape_ = shape;
    *out = std::move(t);
    return Status::ok();
  }
  const Shape& shape() const { return shape_; }
  float* data() { return buf_.data(); }
  const float* data() const { return buf_.data(); }
  int64_t size() const { return shape_.elements(); }
  TensorView view() { return {shape_, buf_.data()}; }

 private:
  Shape shape_;
  AlignedBuffer buf_;
};

}  // namespace cnn
