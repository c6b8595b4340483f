// Softmax cross-entropy over logits, numerically stable (log-sum-exp with the
// row maximum subtracted), the loss every classifier here is trained with.
//   logits: N,C   labels: N (each in 0..C-1)   logits_grad: N,C (+=)
// loss = mean over the batch of -sum_c target_c * log softmax(logits)_c, with
// target = onehot(label) or, with label smoothing e (PyTorch's
// label_smoothing), (1 - e) * onehot(label) + e / C;
// d loss / d logits = (softmax(logits) - target) * grad_scale, with
// grad_scale = 1/N for the mean (the caller may pass another scale).
#pragma once

#include <cstdint>

#include "status.hpp"

namespace cnn {

struct LossResult {
  double loss = 0.0;    // mean over the batch
  int64_t correct = 0;  // samples whose largest logit (the first, on ties) is the label
};

// logits_grad may be null (loss only). A label outside 0..C-1 is an error
// naming the sample, and nothing is written.
Status softmax_cross_entropy(int64_t n, int64_t classes, const float* logits, const int32_t* labels,
                             float* logits_grad, LossResult* result, double grad_scale = -1.0,
                             double label_smoothing = 0.0);

}  // namespace cnn
