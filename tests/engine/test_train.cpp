// Training: the optimizers against hand-computed PyTorch steps, the learning
// rate schedules, the trainer learning a small problem, determinism (the same
// seed gives bit-identical weights), and bad settings refused with messages.
// To add a case: compute the expected numbers by hand from the PyTorch update
// rule (engine/optim.hpp) and compare.
#include <cmath>
#include <cstring>

#include "helpers.hpp"
#include "optim.hpp"
#include "train.hpp"

using namespace cnn;
using cnn_test::nchw;

TEST_CASE("SGD with momentum and weight decay: two hand-computed steps", "[train][optim]") {
  std::unique_ptr<Optimizer> opt;
  REQUIRE(Optimizer::create(OptimizerConfig::sgd(0.1f, 0.9f, 0.1f), 1, &opt).is_ok());
  float p = 1.0f;
  const float g = 0.5f;
  opt->step(&p, &g, 0.1f);  // g' = 0.5 + 0.1*1 = 0.6; b = 0.6; p = 1 - 0.06
  REQUIRE(p == Approx(0.94f));
  opt->step(&p, &g, 0.1f);  // g' = 0.5 + 0.094 = 0.594; b = 0.54 + 0.594 = 1.134; p = 0.94 - 0.1134
  REQUIRE(p == Approx(0.8266f));
  // Without momentum: plain p -= lr * (g + wd*p).
  REQUIRE(Optimizer::create(OptimizerConfig::sgd(0.5f), 1, &opt).is_ok());
  p = 2.0f;
  opt->step(&p, &g, 0.5f);
  REQUIRE(p == 1.75f);
}

TEST_CASE("Adam: bias-corrected steps, hand-computed and against the formula in double", "[train][optim]") {
  std::unique_ptr<Optimizer> opt;
  REQUIRE(Optimizer::create(OptimizerConfig::adam(0.1f), 1, &opt).is_ok());
  // A constant gradient: m_hat = g and v_hat = g^2, so every step moves lr.
  float p = 1.0f;
  const float g = 0.5f;
  opt->step(&p, &g, 0.1f);
  REQUIRE(p == Approx(0.9f).epsilon(1e-6));
  opt->step(&p, &g, 0.1f);
  REQUIRE(p == Approx(0.8f).epsilon(1e-6));
  // Changing gradients and weight decay, against PyTorch's rule in double.
  const float wd = 0.01f, lr = 0.05f;
  REQUIRE(Optimizer::create(OptimizerConfig::adam(lr, wd, 0.8f, 0.99f, 1e-6f), 3, &opt).is_ok());
  float ps[3] = {0.3f, -1.2f, 2.0f};
  double pd[3] = {0.3, -1.2, 2.0}, m[3] = {0, 0, 0}, v[3] = {0, 0, 0};
  for (int t = 1; t <= 6; ++t) {
    const float gs[3] = {0.1f * float(t), -0.7f / float(t), float(t % 2) - 0.5f};
    opt->step(ps, gs, lr);
    for (int i = 0; i < 3; ++i) {
      const double gi = double(gs[i]) + double(wd) * pd[i];
      m[i] = 0.8 * m[i] + 0.2 * gi;
      v[i] = 0.99 * v[i] + 0.01 * gi * gi;
      const double mh = m[i] / (1 - std::pow(0.8, t)), vh = v[i] / (1 - std::pow(0.99, t));
      pd[i] -= double(lr) * mh / (std::sqrt(vh) + 1e-6);
    }
  }
  for (int i = 0; i < 3; ++i) REQUIRE(ps[i] == Approx(pd[i]).epsilon(1e-5).margin(1e-5));
  REQUIRE(opt->steps() == 6);
}

TEST_CASE("learning-rate schedules: constant, step, cosine, warm-up", "[train][optim]") {
  LrSchedule s;
  REQUIRE(s.lr_at(0.1f, 1000) == 0.1f);
  s.kind = LrSchedule::Kind::Step;
  s.step_size = 2;
  s.gamma = 0.5f;
  REQUIRE(s.lr_at(0.1f, 0) == Approx(0.1f));
  REQUIRE(s.lr_at(0.1f, 1) == Approx(0.1f));
  REQUIRE(s.lr_at(0.1f, 2) == Approx(0.05f));
  REQUIRE(s.lr_at(0.1f, 5) == Approx(0.025f));
  s = LrSchedule();
  s.kind = LrSchedule::Kind::Cosine;
  s.total_steps = 10;
  s.min_lr = 0.001f;
  REQUIRE(s.lr_at(0.1f, 0) == Approx(0.1f));
  REQUIRE(s.lr_at(0.1f, 5) == Approx(0.001 + 0.099 * 0.5));
  REQUIRE(s.lr_at(0.1f, 10) == Approx(0.001f));
  REQUIRE(s.lr_at(0.1f, 50) == Approx(0.001f));
  s.warmup_steps = 4;
  REQUIRE(s.lr_at(0.1f, 0) == Approx(0.025f));
  REQUIRE(s.lr_at(0.1f, 3) == Approx(0.1f));
  REQUIRE(s.lr_at(0.1f, 4) == Approx(0.1f));  // the cosine starts after the warm-up
  REQUIRE(s.lr_at(0.1f, 7) == Approx(0.001 + 0.099 * 0.5));
}

TEST_CASE("bad optimizer and schedule settings are refused with the field's name", "[train][optim][errors]") {
  std::unique_ptr<Optimizer> opt;
  Status st = Optimizer::create(OptimizerConfig::sgd(0.0f), 4, &opt);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("learning rate") != std::string::npos);
  st = Optimizer::create(OptimizerConfig::sgd(0.1f, 1.0f), 4, &opt);
  REQUIRE(st.message().find("momentum") != std::string::npos);
  st = Optimizer::create(OptimizerConfig::sgd(0.1f, 0.9f, -1.0f), 4, &opt);
  REQUIRE(st.message().find("weight decay") != std::string::npos);
  st = Optimizer::create(OptimizerConfig::adam(0.1f, 0.0f, 1.5f), 4, &opt);
  REQUIRE(st.message().find("beta1") != std::string::npos);
  st = Optimizer::create(OptimizerConfig::adam(std::nanf("")), 4, &opt);
  REQUIRE(st.message().find("learning rate") != std::string::npos);
  REQUIRE(opt == nullptr);
  LrSchedule s;
  s.kind = LrSchedule::Kind::Step;
  s.step_size = 0;
  REQUIRE(validate_schedule(s).message().find("step_size") != std::string::npos);
}

namespace {

std::vector<LayerSpec> small_cnn() {
  return {LayerSpec::conv2d(1, 4, 3, 1, 1), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
          LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(4 * 4 * 4, 4),
          LayerSpec::simple(LayerKind::Softmax)};
}

// 8x8 images with one bright 3x3 blob in one of four quadrants; the label is the quadrant.
void quadrant_batch(uint64_t seed, int n, std::vector<float>* x, std::vector<int32_t>* y) {
  cnn_test::Rng r(seed);
  x->assign(size_t(n) * 64, 0.0f);
  y->assign(size_t(n), 0);
  for (int i = 0; i < n; ++i) {
    const int q = r.range(0, 3);
    (*y)[size_t(i)] = q;
    const int oy = (q / 2) * 4 + r.range(0, 1), ox = (q % 2) * 4 + r.range(0, 1);
    for (int dy = 0; dy < 3; ++dy)
      for (int dx = 0; dx < 3; ++dx) (*x)[size_t(i * 64 + (oy + dy) * 8 + ox + dx)] = 0.5f + 0.5f * r.uniform(0, 1);
    for (int k = 0; k < 64; ++k) (*x)[size_t(i * 64 + k)] += 0.1f * r.uniform(0, 1);
  }
}

std::vector<float> train_small(uint64_t seed, const OptimizerConfig& cfg, int steps, double* last_loss,
                               int64_t* last_correct) {
  std::unique_ptr<Network> net;
  REQUIRE(Network::create(small_cnn(), &net).is_ok());
  net->init_params(seed);
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(net.get(), cfg, &t).is_ok());
  REQUIRE(t->plan(nchw(16, 1, 8, 8)).is_ok());
  std::vector<float> x;
  std::vector<int32_t> y;
  StepStats st;
  for (int s = 0; s < steps; ++s) {
    quadrant_batch(seed * 1000 + uint64_t(s), 16, &x, &y);
    const Status ok = t->step(x.data(), y.data(), 16, &st);
    REQUIRE(ok.is_ok());
  }
  *last_loss = st.loss;
  *last_correct = st.correct;
  return std::vector<float>(net->params(), net->params() + net->param_count());
}

}  // namespace

TEST_CASE("the trainer learns a small problem with SGD and with Adam", "[train]") {
  for (const OptimizerConfig& cfg : {OptimizerConfig::sgd(0.1f, 0.9f, 1e-4f), OptimizerConfig::adam(0.01f)}) {
    double loss = 0;
    int64_t correct = 0;
    train_small(1, cfg, 60, &loss, &correct);
    INFO("optimizer " << int(cfg.kind) << " final loss " << loss);
    REQUIRE(loss < 0.2);
    REQUIRE(correct >= 15);
  }
}

TEST_CASE("training is deterministic: the same seed gives bit-identical weights", "[train]") {
  double l1, l2, l3;
  int64_t c;
  const auto a = train_small(7, OptimizerConfig::adam(0.01f), 12, &l1, &c);
  const auto b = train_small(7, OptimizerConfig::adam(0.01f), 12, &l2, &c);
  const auto d = train_small(8, OptimizerConfig::adam(0.01f), 12, &l3, &c);
  REQUIRE(a.size() == b.size());
  REQUIRE(std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0);
  REQUIRE(l1 == l2);
  REQUIRE(std::memcmp(a.data(), d.data(), sizeof(float) * a.size()) != 0);
}

TEST_CASE("a step allocates nothing: gradient buffers stay put; a new batch size re-plans", "[train]") {
  std::unique_ptr<Network> net;
  REQUIRE(Network::create(small_cnn(), &net).is_ok());
  net->init_params(3);
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(net.get(), OptimizerConfig::sgd(0.05f), &t).is_ok());
  REQUIRE(t->plan(nchw(8, 1, 8, 8)).is_ok());
  const float* grads = t->param_grads();
  const float* act = net->activation(0).data;
  std::vector<float> x;
  std::vector<int32_t> y;
  quadrant_batch(1, 8, &x, &y);
  StepStats st;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(t->step(x.data(), y.data(), 8, &st).is_ok());
    REQUIRE(t->param_grads() == grads);
    REQUIRE(net->activation(0).data == act);
  }
  REQUIRE(st.count == 8);
  REQUIRE(st.lr == 0.05f);
  REQUIRE(t->steps() == 3);
  // A last, smaller batch works (the trainer re-plans for it).
  REQUIRE(t->step(x.data(), y.data(), 5, &st).is_ok());
  REQUIRE(st.count == 5);
  REQUIRE(net->input_shape() == nchw(5, 1, 8, 8));
}

TEST_CASE("trainer errors: bad labels, no batch, a network without class scores", "[train][errors]") {
  std::unique_ptr<Network> net;
  REQUIRE(Network::create(small_cnn(), &net).is_ok());
  net->init_params(3);
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(net.get(), OptimizerConfig::sgd(0.05f), &t).is_ok());
  std::vector<float> x(2 * 64, 0.5f);
  const int32_t bad[2] = {1, 4};
  StepStats st;
  Status s = t->step(x.data(), bad, 2, &st);
  REQUIRE_FALSE(s.is_ok());
  INFO(s.message());
  REQUIRE(s.message().find("plan") != std::string::npos);
  REQUIRE(t->plan(nchw(2, 1, 8, 8)).is_ok());
  const std::vector<float> before(net->params(), net->params() + net->param_count());
  s = t->step(x.data(), bad, 2, &st);
  REQUIRE_FALSE(s.is_ok());
  REQUIRE(s.message().find("sample 1 has label 4") != std::string::npos);
  REQUIRE(std::memcmp(before.data(), net->params(), sizeof(float) * before.size()) == 0);  // no update
  REQUIRE_FALSE(t->step(nullptr, bad, 2, &st).is_ok());
  REQUIRE_FALSE(t->step(x.data(), bad, 0, &st).is_ok());

  std::unique_ptr<Network> conv_only;
  REQUIRE(Network::create({LayerSpec::conv2d(1, 2, 3)}, &conv_only).is_ok());
  std::unique_ptr<Trainer> t2;
  REQUIRE(Trainer::create(conv_only.get(), OptimizerConfig::sgd(0.05f), &t2).is_ok());
  s = t2->plan(nchw(1, 1, 8, 8));
  REQUIRE_FALSE(s.is_ok());
  REQUIRE(s.message().find("class scores") != std::string::npos);
}
