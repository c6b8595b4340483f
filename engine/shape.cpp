#include "shape.hpp"

#include <cinttypes>

namespace cnn {

Status Shape::make(const int64_t* dims, int rank, Shape* out) {
  if (rank != 2 && rank != 4)
    return Status::error("a tensor shape has rank 2 (N,F) or 4 (N,C,H,W), not %d", rank);
  static const char* names4[] = {"batch", "channels", "height", "width"};
  static const char* names2[] = {"batch", "features"};
  int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    const char* name = rank == 4 ? names4[i] : names2[i];
    if (dims[i] < 1)
      return Status::error("%s must be at least 1, got %" PRId64, name, dims[i]);
    if (dims[i] > kMaxDim)
      return Status::error("%s %" PRId64 " is larger than the limit %" PRId64, name, dims[i], kMaxDim);
    total *= dims[i];  // each factor <= 2^24 and total <= 2^28 before multiplying: no overflow
    if (total > kMaxElements)
      return Status::error("a tensor of %s would hold more than %" PRId64
                           " values (the engine's limit, 1 GiB of float32)",
                           rank == 4 ? "this N,C,H,W size" : "this N,F size", kMaxElements);
  }
  Shape s;
  s.rank_ = rank;
  for (int i = 0; i < rank; ++i) s.dims_[i] = dims[i];
  s.elements_ = total;
  *out = s;
  return Status::ok();
}

std::string Shape::str(bool with_batch) const {
  std::string s;
  for (int i = with_batch ? 0 : 1; i < rank_; ++i) {
    if (!s.empty()) s += "x";
    s += std::to_string(dims_[i]);
  }
  return s;
}

}  // namespace cnn
