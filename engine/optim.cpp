#include "optim.hpp"

#include <cinttypes>
#include <cmath>

namespace cnn {

namespace {
bool finite(float x) { return std::isfinite(x); }
}  // namespace

Status validate_optimizer(const OptimizerConfig& c) {
  if (c.kind != OptimizerKind::Sgd && c.kind != OptimizerKind::Adam)
    return Status::error("optimizer must be 0 (sgd) or 1 (adam), got %d", int(c.kind));
  if (!finite(c.lr) || c.lr <= 0.0f) return Status::error("learning rate must be a positive number, got %g", double(c.lr));
  if (!finite(c.momentum) || c.momentum < 0.0f || c.momentum >= 1.0f)
    return Status::error("momentum must be in [0, 1), got %g", double(c.momentum));
  if (!finite(c.weight_decay) || c.weight_decay < 0.0f)
    return Status::error("weight decay must be zero or positive, got %g", double(c.weight_decay));
  if (!finite(c.beta1) || c.beta1 < 0.0f || c.beta1 >= 1.0f)
    return Status::error("Adam's beta1 must be in [0, 1), got %g", double(c.beta1));
  if (!finite(c.beta2) || c.beta2 < 0.0f || c.beta2 >= 1.0f)
    return Status::error("Adam's beta2 must be in [0, 1), got %g", double(c.beta2));
  if (!finite(c.eps) || c.eps <= 0.0f) return Status::error("Adam's eps must be positive, got %g", double(c.eps));
  return Status::ok();
}

Status Optimizer::create(const OptimizerConfig& config, int64_t count, std::unique_ptr<Optimizer>* out) {
  CNN_RETURN_IF_ERROR(validate_optimizer(config));
  if (count < 0) return Status::error("parameter count %" PRId64 " is negative", count);
  std::unique_ptr<Optimizer> o(new Optimizer());
  o->config_ = config;
  o->count_ = count;
  const bool needs_m = config.kind == OptimizerKind::Adam || config.momentum > 0.0f;
  if (needs_m) CNN_RETURN_IF_ERROR(o->m_.resize(count).with_context("optimizer state: "));
  if (config.kind == OptimizerKind::Adam) CNN_RETURN_IF_ERROR(o->v_.resize(count).with_context("optimizer state: "));
  *out = std::move(o);
  return Status::ok();
}

void Optimizer::step(float* p, const float* g, float lr) {
  const float wd = config_.weight_decay;
  const int64_t n = count_;
  ++steps_;
  if (config_.kind == OptimizerKind::Sgd) {
    const float mu = config_.momentum;
    if (mu == 0.0f) {
      for (int64_t i = 0; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
      return;
    }
    float* b = m_.data();
    if (steps_ == 1) {
      for (int64_t i = 0; i < n; ++i) {
        b[i] = g[i] + wd * p[i];
        p[i] -= lr * b[i];
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      b[i] = mu * b[i] + (g[i] + wd * p[i]);
      p[i] -= lr * b[i];
    }
    return;
  }
  const float b1 = config_.beta1, b2 = config_.beta2, eps = config_.eps;
  const double t = double(steps_);
  const float c1 = float(1.0 - std::pow(double(b1), t));
  const float c2_sqrt = float(std::sqrt(1.0 - std::pow(double(b2), t)));
  // p -= lr/c1 * m / (sqrt(v)/sqrt(c2) + eps), PyTorch's arrangement.
  const float step_size = lr / c1;
  float* m = m_.data();
  float* v = v_.data();
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + wd * p[i];
    m[i] = b1 * m[i] + (1.0f - b1) * gi;
    v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
    p[i] -= step_size * m[i] / (std::sqrt(v[i]) / c2_sqrt + eps);
  }
}

Status validate_schedule(const LrSchedule& s) {
  if (s.kind != LrSchedule::Kind::Constant && s.kind != LrSchedule::Kind::Step && s.kind != LrSchedule::Kind::Cosine)
    return Status::error("schedule must be constant (0), step (1) or cosine (2), got %d", int(s.kind));
  if (s.warmup_steps < 0) return Status::error("warm-up steps must be zero or more, got %" PRId64, s.warmup_steps);
  if (s.kind == LrSchedule::Kind::Step) {
    if (s.step_size < 1) return Status::error("step schedule: step_size must be at least 1, got %" PRId64, s.step_size);
    if (!finite(s.gamma) || s.gamma <= 0.0f || s.gamma > 1.0f)
      return Status::error("step schedule: gamma must be in (0, 1], got %g", double(s.gamma));
  }
  if (s.kind == LrSchedule::Kind::Cosine) {
    if (s.total_steps < 1)
      return Status::error("cosine schedule: total_steps must be at least 1, got %" PRId64, s.total_steps);
    if (!finite(s.min_lr) || s.min_lr < 0.0f)
      return Status::error("cosine schedule: min_lr must be zero or positive, got %g", double(s.min_lr));
  }
  return Status::ok();
}

float LrSchedule::lr_at(float base, int64_t step) const {
  if (step < 0) step = 0;
  if (step < warmup_steps) return base * float(step + 1) / float(warmup_steps);
  const int64_t t = step - warmup_steps;
  switch (kind) {
    case Kind::Constant: return base;
    case Kind::Step: return base * float(std::pow(double(gamma), double(t / step_size)));
    case Kind::Cosine: {
      const int64_t span = total_steps - warmup_steps;
      if (span <= 0 || t >= span) return min_lr;
      const double c = 0.5 * (1.0 + std::cos(3.14159265358979323846 * double(t) / double(span)));
      return float(double(min_lr) + (double(base) - double(min_lr)) * c);
    }
  }
  return base;
}

}  // namespace cnn
