// Trainers (engine/train.hpp): update a network's parameters by softmax
// cross-entropy; a trainer is destroyed with its network.
#include <cmath>
#include <cstdint>

#include "boundary.hpp"

using namespace cnn;
using namespace cnn::wasm;

namespace {

// Runs body(TrainerSlot&, R*) for trainer handle t; on error, `on_error`.
template <class R, class F>
R trainer_value(int t, R on_error, F body) {
  return handle_value(trainers(), t, on_error, body);
}

}  // namespace

// optimizer: 0 SGD (momentum, weight_decay), 1 Adam (beta1, beta2, eps, weight_decay).
// Returns a trainer handle, or 0.
CNN_EXPORT int cnn_trainer_create(int h, int optimizer, double lr, double momentum, double weight_decay, double beta1,
                                  double beta2, double eps) {
  NetSlot* net = nullptr;
  Status st = networks().get(h, &net);
  if (st && optimizer != 0 && optimizer != 1)
    st = Status::error("optimizer must be 0 (sgd) or 1 (adam), got %d", optimizer);
  if (!st) return fail(st), 0;
  const OptimizerConfig c = optimizer == 1 ? OptimizerConfig::adam(float(lr), float(weight_decay), float(beta1),
                                                                   float(beta2), float(eps))
                                           : OptimizerConfig::sgd(float(lr), float(momentum), float(weight_decay));
  std::unique_ptr<TrainerSlot> slot(new TrainerSlot());
  st = Trainer::create(net->net.get(), c, &slot->trainer);
  if (!st) return fail(st), 0;
  slot->net = h;
  return trainers().add(std::move(slot));
}

CNN_EXPORT void cnn_trainer_destroy(int t) { trainers().remove(t); }

// schedule: 0 constant, 1 step (gamma every step_size steps), 2 cosine (to
// min_lr at total_steps); each after `warmup` linear warm-up steps.
CNN_EXPORT int cnn_trainer_set_schedule(int t, int kind, double warmup, double step_size, double gamma,
                                        double total_steps, double min_lr) {
  return trainer_value(t, -1, [&](TrainerSlot& s, int* out) {
    if (kind < 0 || kind > 2)
      return Status::error("schedule must be 0 (constant), 1 (step) or 2 (cosine), got %d", kind);
    for (double v : {warmup, step_size, total_steps})
      if (!std::isfinite(v) || v < 0 || v > 9e15 || v != std::floor(v))
        return Status::error("schedule step counts must be whole numbers, got %s", exact_number(v).c_str());
    LrSchedule sch;
    sch.kind = LrSchedule::Kind(kind);
    sch.warmup_steps = int64_t(warmup);
    sch.step_size = int64_t(step_size);
    sch.gamma = float(gamma);
    sch.total_steps = int64_t(total_steps);
    sch.min_lr = float(min_lr);
    *out = 0;
    return s.trainer->set_schedule(sch);
  });
}

// One step on n samples: inputs are n x the network's per-sample input
// (c, h, w), labels n class indices. Plans the network for n if needed.
// Returns the batch's mean loss (before the update), or -1.
CNN_EXPORT double cnn_trainer_step(int t, const float* inputs, const int32_t* labels, int n, int c, int h, int w) {
  return trainer_value(t, -1.0, [&](TrainerSlot& s, double* out) {
    Network& net = s.trainer->network();
    Shape want;
    CNN_RETURN_IF_ERROR(shape_arg(n, c, h, w, &want));
    if (!net.planned() || net.input_shape() != want) CNN_RETURN_IF_ERROR(s.trainer->plan(want));
    StepStats stats;
    CNN_RETURN_IF_ERROR(s.trainer->step(inputs, labels, n, &stats));
    s.last = stats;
    *out = stats.loss;
    return Status::ok();
  });
}

// Of the last step: samples classified right before the update.
CNN_EXPORT int cnn_trainer_last_correct(int t) {
  return trainer_value(t, -1, [](TrainerSlot& s, int* out) {
    *out = int(s.last.correct);
    return Status::ok();
  });
}

CNN_EXPORT double cnn_trainer_steps(int t) {
  return trainer_value(t, -1.0, [](TrainerSlot& s, double* out) {
    *out = double(s.trainer->steps());
    return Status::ok();
  });
}
