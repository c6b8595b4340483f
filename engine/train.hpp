// Trainer: gradients and updates for a Network, with softmax cross-entropy.
//
// The trainer owns a gradient arena alongside the network's parameter arena:
// one gradient per parameter (the same layout: layer by layer, weight then
// bias, PyTorch shapes), one per layer output, and the backward scratch. It
// is planned once per batch shape, so a step allocates nothing.
//
// A step: copy the batch into the network's input, forward, the loss on the
// logits, backward layer by layer through the kernel table (the variant the
// network runs: SIMD or the scalar references), then the optimizer and
// params_changed(). If the network ends with Softmax, the logits are that
// layer's input and the fused softmax + cross-entropy gradient starts the
// backward pass below it; otherwise the last output is taken as the logits.
//
// With a fixed seed for the initial weights and the batch order, training is
// deterministic: one thread, a fixed order of every sum.
#pragma once

#include <cstdint>
#include <memory>

#include "buffer.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "optim.hpp"

namespace cnn {

struct StepStats {
  double loss = 0.0;    // mean cross-entropy of the batch
  int64_t correct = 0;  // samples classified right (before the update)
  int64_t count = 0;    // samples in the batch
  float lr = 0.0f;      // learning rate used for the update (0 if none)
};

class Trainer {
 public:
  // The network must outlive the trainer.
  static Status create(Network* net, const OptimizerConfig& optimizer, std::unique_ptr<Trainer>* out);

  Network& network() { return *net_; }
  const OptimizerConfig& optimizer() const { return opt_->config(); }
  Status set_schedule(const LrSchedule& s);
  const LrSchedule& schedule() const { return schedule_; }
  // Learning rate of the next step, from the schedule and the steps taken.
  float next_lr() const;
  int64_t steps() const { return opt_->steps(); }
  // Also compute the gradient with respect to the network input (off by default).
  void set_input_grad(bool on) { want_input_grad_ = on; }
  // Label smoothing of the cross-entropy, in [0, 1) (0 by default).
  Status set_label_smoothing(float e);

  // Plans the network and the gradient buffers for a batch input shape.
  Status plan(const Shape& batch_input);
  // Zeroes the gradients, then forward, loss and backward on n samples
  // (n * per-sample input values, n labels). Re-plans if n differs from the
  // planned batch (the only case where a step allocates). No update.
  Status compute_gradients(const float* inputs, const int32_t* labels, int64_t n, StepStats* stats);
  // compute_gradients, then one optimizer update with the scheduled rate.
  Status step(const float* inputs, const int32_t* labels, int64_t n, StepStats* stats);

  // Gradients of the last compute_gradients / step.
  const float* param_grads() const { return arena_.data(); }
  float* param_grads() { return arena_.data(); }
  // Gradient of layer i's output (i = -1: the input, if set_input_grad).
  TensorView activation_grad(int i) const;
  // Index of the layer whose output the loss reads (the logits).
  int logits_layer() const { return logits_layer_; }

 private:
  Trainer() = default;
  Status backward();

  Network* net_ = nullptr;
  std::unique_ptr<Optimizer> opt_;
  LrSchedule schedule_;
  bool want_input_grad_ = false;
  float label_smoothing_ = 0.0f;
  int logits_layer_ = 0;  // may be -1: a lone Softmax layer has no parameters to train

  AlignedBuffer arena_;  // param grads | layer output grads (input first) | scratch
  std::vector<int64_t> grad_offset_;  // per layer i, at [i + 1]; [0] is the input
  int64_t scratch_offset_ = 0;
  Shape planned_;
};

}  // namespace cnn
