#include "train.hpp"

#include <cinttypes>
#include <cstring>

namespace cnn {

namespace {

}  // namespace

Status Trainer::create(Network* net, const OptimizerConfig& optimizer, std::unique_ptr<Trainer>* out) {
  if (!net) return Status::error("the trainer needs a network");
  std::unique_ptr<Trainer> t(new Trainer());
  t->net_ = net;
  CNN_RETURN_IF_ERROR(Optimizer::create(optimizer, net->param_count(), &t->opt_));
  const int last = net->num_layers() - 1;
  t->logits_layer_ = net->spec(last).kind == LayerKind::Softmax ? last - 1 : last;
  if (net->planned()) CNN_RETURN_IF_ERROR(t->plan(net->input_shape()));
  *out = std::move(t);
  return Status::ok();
}

Status Trainer::set_schedule(const LrSchedule& s) {
  CNN_RETURN_IF_ERROR(validate_schedule(s));
  schedule_ = s;
  return Status::ok();
}

Status Trainer::set_label_smoothing(float e) {
  if (!(e >= 0.0f && e < 1.0f)) return Status::error("label smoothing must be in [0, 1), got %g", double(e));
  label_smoothing_ = e;
  return Status::ok();
}

float Trainer::next_lr() const { return schedule_.lr_at(opt_->config().lr, opt_->steps()); }

Status Trainer::plan(const Shape& batch_input) {
  CNN_RETURN_IF_ERROR(net_->plan(batch_input));
  const int L = net_->num_layers();
  const Variant v = net_->variant();
  // The logits must be one row of classes per sample.
  const Shape logits = net_->activation(logits_layer_).shape;
  if (logits.rank() != 2)
    return Status::error("the trainer needs the network to end in class scores (a flat vector per sample), but "
                         "layer %d gives %s; add flatten and dense layers", logits_layer_, logits.str().c_str());
  std::vector<int64_t> offsets(size_t(L + 1), 0);
  int64_t offset = aligned_floats(net_->param_count());
  offsets[0] = offset;
  offset += aligned_floats(batch_input.elements());
  int64_t scratch = 0;
  for (int i = 0; i < L; ++i) {
    const LayerSpec& s = net_->spec(i);
    const Geometry& g = net_->geometry(i);
    if (s.kind == LayerKind::Flatten) {
      offsets[size_t(i + 1)] = offsets[size_t(i)];
    } else {
      offsets[size_t(i + 1)] = offset;
      offset += aligned_floats(g.out.elements());
    }
    int64_t need = 0;
    if (s.kind == LayerKind::Conv2d) {
      const Conv2dParams p = conv2d_params(g, s.conv);
      need = select_kernel(conv2d_backward_kernels(), v, p).scratch_floats(p);
    }
    if (s.kind == LayerKind::Dense) {
      const DenseParams p = dense_params(g, s.dense);
      need = select_kernel(dense_backward_kernels(), v, p).scratch_floats(p);
    }
    if (need > kMaxElements)
      return Status::error("%sits backward pass would need %" PRId64 " working values, more than the limit %" PRId64,
                           layer_context(i, s.kind).c_str(), need, kMaxElements);
    scratch = std::max(scratch, need);
    if (offset > 2 * kMaxElements)
      return Status::error("the gradients of the whole network would need more than %" PRId64
                           " values (2 GiB); use a smaller batch", 2 * kMaxElements);
  }
  const int64_t scratch_offset = offset;
  offset += aligned_floats(scratch);
  AlignedBuffer arena;
  CNN_RETURN_IF_ERROR(arena.resize(offset).with_context("planning the gradients: "));
  arena_ = std::move(arena);
  grad_offset_ = std::move(offsets);
  scratch_offset_ = scratch_offset;
  planned_ = batch_input;
  return Status::ok();
}

TensorView Trainer::activation_grad(int i) const {
  if (planned_.empty() || i < -1 || i >= net_->num_layers()) return {};
  float* base = const_cast<float*>(arena_.data());
  const Shape s = i == -1 ? planned_ : net_->geometry(i).out;
  return {s, base + grad_offset_[size_t(i + 1)]};
}

Status Trainer::compute_gradients(const float* inputs, const int32_t* labels, int64_t n, StepStats* stats) {
  if (!inputs || !labels) return Status::error("no training batch given");
  if (!net_->planned() && planned_.empty())
    return Status::error("the trainer does not know the input shape yet: plan it first");
  const Shape& base = planned_.empty() ? net_->input_shape() : planned_;
  if (n < 1) return Status::error("a training batch needs at least one sample, got %" PRId64, n);
  Shape want;
  if (base.rank() == 4)
    CNN_RETURN_IF_ERROR(Shape::nchw(n, base.c(), base.h(), base.w(), &want));
  else
    CNN_RETURN_IF_ERROR(Shape::nf(n, base.c(), &want));
  if (planned_ != want || net_->input_shape() != want) CNN_RETURN_IF_ERROR(plan(want));

  std::memcpy(net_->input(), inputs, sizeof(float) * size_t(want.elements()));
  CNN_RETURN_IF_ERROR(net_->forward());
  std::memset(arena_.data(), 0, sizeof(float) * size_t(net_->param_count()));
  const TensorView logits = net_->activation(logits_layer_);
  const TensorView dlogits = activation_grad(logits_layer_);
  std::memset(dlogits.data, 0, sizeof(float) * size_t(logits.shape.elements()));
  LossResult r;
  CNN_RETURN_IF_ERROR(
      softmax_cross_entropy(n, logits.shape.c(), logits.data, labels, dlogits.data, &r, -1.0, label_smoothing_));
  CNN_RETURN_IF_ERROR(backward());
  if (stats) {
    stats->loss = r.loss;
    stats->correct = r.correct;
    stats->count = n;
    stats->lr = 0.0f;
  }
  return Status::ok();
}

Status Trainer::backward() {
  float* base = arena_.data();
  float* grads = base;  // parameter gradients, the network's parameter layout
  float* scratch = base + scratch_offset_;
  const Variant v = net_->variant();
  for (int i = logits_layer_; i >= 0; --i) {
    const LayerSpec& s = net_->spec(i);
    const Geometry& g = net_->geometry(i);
    const float* in = net_->activation(i - 1).data;
    const float* out = net_->activation(i).data;
    const float* dy = base + grad_offset_[size_t(i + 1)];
    float* dx = (i > 0 || want_input_grad_) ? base + grad_offset_[size_t(i)] : nullptr;
    if (s.kind == LayerKind::Flatten) continue;  // its gradient is its input's, same buffer
    if (dx) std::memset(dx, 0, sizeof(float) * size_t(g.in.elements()));
    float* dw = net_->weight_count(i) ? grads + net_->weight_offset(i) : nullptr;
    float* db = net_->bias_count(i) ? grads + net_->bias_offset(i) : nullptr;
    switch (s.kind) {
      case LayerKind::Conv2d: {
        const Conv2dParams p = conv2d_params(g, s.conv);
        select_kernel(conv2d_backward_kernels(), v, p).backward(p, in, net_->weight(i), dy, dx, dw, db, scratch);
        break;
      }
      case LayerKind::Dense: {
        const DenseParams p = dense_params(g, s.dense);
        select_kernel(dense_backward_kernels(), v, p).backward(p, in, net_->weight(i), dy, dx, dw, db, scratch);
        break;
      }
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d: {
        const Pool2dParams p = pool2d_params(g, s.pool);
        const auto& list = s.kind == LayerKind::MaxPool2d ? maxpool2d_backward_kernels() : avgpool2d_backward_kernels();
        if (dx) select_kernel(list, v, p).backward(p, in, out, dy, dx);
        break;
      }
      case LayerKind::ReLU:
      case LayerKind::LeakyReLU:
      case LayerKind::Sigmoid:
      case LayerKind::Tanh:
        if (dx)
          select_kernel(activation_backward_kernels(), v)
              .backward(activation_of(s.kind), s.negative_slope, g.out.elements(), in, out, dy, dx);
        break;
      case LayerKind::Softmax:
        if (dx)
          select_kernel(softmax_backward_kernels(), v)
              .backward(g.out.n(), g.out.c(), g.out.h() * g.out.w(), out, dy, dx);
        break;
      case LayerKind::Flatten: break;
    }
  }
  return Status::ok();
}

Status Trainer::step(const float* inputs, const int32_t* labels, int64_t n, StepStats* stats) {
  StepStats st;
  CNN_RETURN_IF_ERROR(compute_gradients(inputs, labels, n, &st));
  const float lr = next_lr();
  opt_->step(net_->params(), param_grads(), lr);
  net_->params_changed();
  st.lr = lr;
  if (stats) *stats = st;
  return Status::ok();
}

}  // namespace cnn
