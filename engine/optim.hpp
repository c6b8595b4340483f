// Optimizers and learning-rate schedules, with PyTorch's update rules, over a
// flat parameter array and its gradient (the network's arenas).
//
// SGD (torch.optim.SGD):   g' = g + wd*p;  b = momentum*b + g' (b = g' on the
//                          first step);  p -= lr * b   (plain p -= lr*g' when
//                          momentum is 0)
// Adam (torch.optim.Adam): g' = g + wd*p;  m = b1*m + (1-b1)*g';
//                          v = b2*v + (1-b2)*g'^2;  p -= lr * (m / (1-b1^t)) /
//                          (sqrt(v / (1-b2^t)) + eps)
// Weight decay applies to every parameter, biases included (PyTorch's default).
// Schedules give the learning rate of step t (0-based) from the base rate:
// constant, step decay (gamma every step_size steps) or cosine annealing to
// min_lr over total_steps, each after an optional linear warm-up.
#pragma once

#include <cstdint>
#include <memory>

#include "buffer.hpp"
#include "status.hpp"

namespace cnn {

enum class OptimizerKind : int32_t { Sgd = 0, Adam = 1 };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Sgd;
  float lr = 0.01f;
  float momentum = 0.0f;      // SGD
  float weight_decay = 0.0f;  // both
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam

  static OptimizerConfig sgd(float lr, float momentum = 0.0f, float weight_decay = 0.0f) {
    OptimizerConfig c;
    c.kind = OptimizerKind::Sgd;
    c.lr = lr;
    c.momentum = momentum;
    c.weight_decay = weight_decay;
    return c;
  }
  static OptimizerConfig adam(float lr, float weight_decay = 0.0f, float beta1 = 0.9f, float beta2 = 0.999f,
                              float eps = 1e-8f) {
    OptimizerConfig c;
    c.kind = OptimizerKind::Adam;
    c.lr = lr;
    c.weight_decay = weight_decay;
    c.beta1 = beta1;
    c.beta2 = beta2;
    c.eps = eps;
    return c;
  }
};

// Names the first bad field: lr > 0, 0 <= momentum < 1, weight_decay >= 0,
// 0 <= beta < 1, eps > 0, all finite.
Status validate_optimizer(const OptimizerConfig& c);

class Optimizer {
 public:
  // State for `count` parameters (zeroed): momentum buffer, or Adam's m and v.
  static Status create(const OptimizerConfig& config, int64_t count, std::unique_ptr<Optimizer>* out);
  // One update of params from grads with this step's learning rate.
  void step(float* params, const float* grads, float lr);
  int64_t steps() const { return steps_; }
  const OptimizerConfig& config() const { return config_; }

 private:
  Optimizer() = default;
  OptimizerConfig config_;
  int64_t count_ = 0;
  int64_t steps_ = 0;
  AlignedBuffer m_, v_;
};

struct LrSchedule {
  enum class Kind : int32_t { Constant = 0, Step = 1, Cosine = 2 };
  Kind kind = Kind::Constant;
  int64_t warmup_steps = 0;  // linear from lr/warmup_steps up to lr
  int64_t step_size = 1;     // Step
  float gamma = 0.1f;        // Step
  int64_t total_steps = 1;   // Cosine: the step at which lr reaches min_lr
  float min_lr = 0.0f;       // Cosine

  float lr_at(float base_lr, int64_t step) const;
};

Status validate_schedule(const LrSchedule& s);

}  // namespace cnn
