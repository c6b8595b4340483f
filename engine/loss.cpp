#include "loss.hpp"

#include <cinttypes>
#include <cmath>

namespace cnn {

Status softmax_cross_entropy(int64_t n, int64_t classes, const float* logits, const int32_t* labels,
                             float* logits_grad, LossResult* result, double grad_scale, double label_smoothing) {
  if (!(label_smoothing >= 0.0 && label_smoothing < 1.0))
    return Status::error("label smoothing must be in [0, 1), got %g", label_smoothing);
  if (n < 1 || classes < 1)
    return Status::error("cross-entropy needs at least one sample and one class, got %" PRId64 " x %" PRId64, n,
                         classes);
  for (int64_t i = 0; i < n; ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      return Status::error("sample %" PRId64 " has label %d, but the network has %" PRId64 " classes (0..%" PRId64 ")",
                           i, labels[i], classes, classes - 1);
  if (grad_scale < 0.0) grad_scale = 1.0 / double(n);
  double total = 0.0;
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* z = logits + i * classes;
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (z[c] > z[best]) best = c;
    if (best == labels[i]) ++correct;
    const double m = z[best];
    double sum = 0.0;
    for (int64_t c = 0; c < classes; ++c) sum += std::exp(double(z[c]) - m);
    const double log_sum = std::log(sum);
    const double off = label_smoothing / double(classes), on = 1.0 - label_smoothing + off;
    if (label_smoothing > 0.0)
      for (int64_t c = 0; c < classes; ++c) total -= off * (double(z[c]) - m - log_sum);
    total += -(on - off) * (double(z[labels[i]]) - m - log_sum);
    if (logits_grad) {
      float* g = logits_grad + i * classes;
      for (int64_t c = 0; c < classes; ++c) {
        const double p = std::exp(double(z[c]) - m - log_sum);
        g[c] += float((p - (c == labels[i] ? on : off)) * grad_scale);
      }
    }
  }
  result->loss = total / double(n);
  result->correct = correct;
  return Status::ok();
}

}  // namespace cnn
