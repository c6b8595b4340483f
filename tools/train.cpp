// train: the native trainer. Trains a network on a data set made by
// tools/prepare_data.js, shows its progress, evaluates the held-out split and
// writes a model file (engine/model_io.hpp) that the page loads.
//
//   train --data build/data/mnist.cnnd --arch lenet --epochs 8 --seed 1
//         --augment --float16 --name digits --out web/models/digits.cnnm
//
// Run with --help for every option. Deterministic: the seed fixes the
// initial weights, the batch order and the augmentation, so the same command
// on the same kind of CPU (the SIMD width fixes the order of the sums) gives
// a bit-identical file.
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "dataset.hpp"
#include "model_io.hpp"
#include "train.hpp"

using namespace cnn;
using namespace cnn_tools;

namespace {

const char* const kUsage =
    "usage: train --data FILE --out FILE [options]\n"
    "  --data FILE         a data set from tools/prepare_data.js (build/data/mnist.cnnd, fashion.cnnd)\n"
    "  --out FILE          the model file to write (e.g. web/models/digits.cnnm)\n"
    "  --arch NAME         lenet (default): conv5x5 1->8 pad 2, relu, maxpool 2, conv5x5 8->16, relu,\n"
    "                      maxpool 2, flatten, dense 400->64, relu, dense 64->10, softmax;\n"
    "                      lenet-wide: the same with 16 and 32 filters and 128 hidden units\n"
    "  --epochs N          passes over the training split (default 8)\n"
    "  --batch N           samples per step (default 32; the last partial batch of an epoch is dropped)\n"
    "  --seed N            initial weights, batch order and augmentation (default 1)\n"
    "  --optimizer NAME    adam (default) or sgd\n"
    "  --lr X              base learning rate (default 0.002 for adam, 0.05 for sgd)\n"
    "  --momentum X        sgd momentum (default 0.9)\n"
    "  --weight-decay X    L2 weight decay (default 0)\n"
    "  --label-smoothing X cross-entropy against (1 - X) * one-hot + X / classes (default 0)\n"
    "  --schedule NAME     cosine (default, to 0 over the run), step (x0.1 at 2/3 of the run) or constant\n"
    "  --warmup N          linear warm-up steps (default 0)\n"
    "  --augment           random shifts, rotations, scaling and stroke thickness on every sample\n"
    "  --shift PX          augmentation: largest shift in pixels (default 2)\n"
    "  --rotate DEG        augmentation: largest rotation in degrees (default 12)\n"
    "  --scale X           augmentation: scale in [1 - X, 1 + X] (default 0.15)\n"
    "  --thickness P       augmentation: probability of a thicker or thinner stroke (default 0.5)\n"
    "  --elastic ALPHA     augmentation: elastic distortion of strength ALPHA (default 0: none)\n"
    "  --sigma X           augmentation: smoothness of the elastic distortion, in pixels (default 4)\n"
    "  --thicken N         augmentation: a thicker stroke takes up to N dilation passes (default 1)\n"
    "  --slant DEG         augmentation: largest slant (shear) in degrees (default 0)\n"
    "  --stretch X         augmentation: width times [1 - X, 1 + X] (default 0)\n"
    "  --flag-ones P       augmentation: probability that a 1 gets a flag at the top (half of them a foot too)\n"
    "  --refit P           augmentation: with probability P, draw onto a larger canvas, round to bytes and\n"
    "                      re-apply MNIST's preprocessing (crop, longer side to 20 px, centre of mass to\n"
    "                      the centre) as the page does (default 0)\n"
    "  --ema X             keep an exponential moving average of the weights (decay X, e.g. 0.999) and\n"
    "                      evaluate and store the average instead of the last weights (default off)\n"
    "  --float16           store the weights as float16 (half the size; evaluated as stored)\n"
    "  --name TEXT         the model's name (default: the output file's stem)\n"
    "  --description TEXT  a description stored in the model\n"
    "  --limit N           use only the first N training samples (for quick trials)\n"
    "  --quiet             no progress bar\n";

struct Options {
  std::string data, out, arch = "lenet", optimizer = "adam", schedule = "cosine", name, description;
  int epochs = 8, batch = 32, warmup = 0;
  uint64_t seed = 1;
  float lr = -1, momentum = 0.9f, weight_decay = 0, ema = 0, label_smoothing = 0;
  bool augment = false, float16 = false, quiet = false;
  cnn_tools::AugmentConfig aug;
  int64_t limit = 0;
  std::string command;
};

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "train: %s\n\n%s", msg.c_str(), kUsage);
  std::exit(2);
}

double number(const std::string& flag, const char* v, double lo, double hi) {
  char* end = nullptr;
  const double x = std::strtod(v, &end);
  if (!end || *end || !(x >= lo && x <= hi))
    usage_error(flag + " needs a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got \"" + v + "\"");
  return x;
}

Options parse(int argc, char** argv) {
  Options o;
  o.command = "train";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a != "--quiet") o.command += " " + a;  // how it was trained, not how it was shown
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    const bool is_flag = a == "--augment" || a == "--float16" || a == "--quiet";
    if (!is_flag && i + 1 >= argc) usage_error(a + " needs a value");
    if (a == "--augment") o.augment = true;
    else if (a == "--float16") o.float16 = true;
    else if (a == "--quiet") o.quiet = true;
    else {
      const char* v = argv[++i];
      if (a == "--out")  // where the file goes is not how it was trained: the record leaves it out
        o.command.resize(o.command.size() - a.size() - 1);
      else
        o.command += std::string(" ") + (std::strchr(v, ' ') ? "\"" + std::string(v) + "\"" : std::string(v));
      if (a == "--data") o.data = v;
      else if (a == "--out") o.out = v;
      else if (a == "--arch") o.arch = v;
      else if (a == "--optimizer") o.optimizer = v;
      else if (a == "--schedule") o.schedule = v;
      else if (a == "--name") o.name = v;
      else if (a == "--description") o.description = v;
      else if (a == "--epochs") o.epochs = int(number(a, v, 1, 10000));
      else if (a == "--batch") o.batch = int(number(a, v, 1, 4096));
      else if (a == "--warmup") o.warmup = int(number(a, v, 0, 1e9));
      else if (a == "--seed") o.seed = uint64_t(number(a, v, 0, 9007199254740991.0));
      else if (a == "--lr") o.lr = float(number(a, v, 1e-9, 10));
      else if (a == "--momentum") o.momentum = float(number(a, v, 0, 0.9999));
      else if (a == "--weight-decay") o.weight_decay = float(number(a, v, 0, 1));
      else if (a == "--ema") o.ema = float(number(a, v, 0, 0.99999));
      else if (a == "--label-smoothing") o.label_smoothing = float(number(a, v, 0, 0.99));
      else if (a == "--limit") o.limit = int64_t(number(a, v, 1, 1e12));
      else if (a == "--shift") o.aug.max_shift = float(number(a, v, 0, 10));
      else if (a == "--rotate") o.aug.max_rotate = float(number(a, v, 0, 90));
      else if (a == "--scale") {
        const float x = float(number(a, v, 0, 0.5));
        o.aug.min_scale = 1 - x;
        o.aug.max_scale = 1 + x;
      } else if (a == "--thickness") o.aug.thickness = float(number(a, v, 0, 1));
      else if (a == "--elastic") o.aug.elastic_alpha = float(number(a, v, 0, 100));
      else if (a == "--sigma") o.aug.elastic_sigma = float(number(a, v, 0.5, 10));
      else if (a == "--thicken") o.aug.max_thicken = float(number(a, v, 0, 4));
      else if (a == "--refit") o.aug.refit = float(number(a, v, 0, 1));
      else if (a == "--flag-ones") o.aug.flag_ones = float(number(a, v, 0, 1));
      else if (a == "--slant") o.aug.max_slant = float(number(a, v, 0, 45));
      else if (a == "--stretch") o.aug.max_stretch = float(number(a, v, 0, 0.5));
      else usage_error("unknown option " + a);
    }
  }
  if (o.data.empty()) usage_error("--data is required");
  if (o.out.empty()) usage_error("--out is required");
  if (o.arch != "lenet" && o.arch != "lenet-wide") usage_error("unknown --arch " + o.arch + " (lenet or lenet-wide)");
  if (o.optimizer != "adam" && o.optimizer != "sgd") usage_error("unknown --optimizer " + o.optimizer + " (adam or sgd)");
  if (o.schedule != "cosine" && o.schedule != "step" && o.schedule != "constant")
    usage_error("unknown --schedule " + o.schedule + " (cosine, step or constant)");
  if (o.lr < 0) o.lr = o.optimizer == "adam" ? 0.002f : 0.05f;
  if (o.name.empty()) {
    std::string stem = o.out.substr(o.out.find_last_of('/') + 1);
    o.name = stem.substr(0, stem.find('.'));
  }
  return o;
}

std::vector<LayerSpec> architecture(const std::string& arch, const Dataset& d) {
  const int a = arch == "lenet" ? 8 : 16, b = arch == "lenet" ? 16 : 32, hidden = arch == "lenet" ? 64 : 128;
  // 28x28 -> conv5 pad 2 -> 28 -> pool -> 14 -> conv5 -> 10 -> pool -> 5
  const int side = ((d.height / 2) - 4) / 2;
  return {LayerSpec::conv2d(d.channels, a, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
          LayerSpec::conv2d(a, b, 5),                LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
          LayerSpec::simple(LayerKind::Flatten),     LayerSpec::dense_layer(b * side * side, hidden),
          LayerSpec::simple(LayerKind::ReLU),        LayerSpec::dense_layer(hidden, int(d.classes.size())),
          LayerSpec::simple(LayerKind::Softmax)};
}

void fail(const Status& st) {
  std::fprintf(stderr, "train: %s\n", st.message().c_str());
  std::exit(1);
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of this process: on a busy machine, the rate that wall time hides.
double cpu_now() { return double(std::clock()) / CLOCKS_PER_SEC; }

class Progress {
 public:
  Progress(bool quiet) : quiet_(quiet), tty_(isatty(2) != 0) {}
  void update(int epoch, int epochs, int64_t batch, int64_t batches, double loss, double acc, double ips, bool end) {
    if (quiet_) return;
    const double t = now();
    if (!end && (!tty_ || t - last_ < 0.1)) return;
    last_ = t;
    const int width = 24;
    const int filled = int(double(width) * double(batch) / double(batches));
    char bar[width + 1];
    for (int i = 0; i < width; ++i) bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
    bar[width] = 0;
    std::fprintf(stderr, "%sepoch %d/%d [%s] %" PRId64 "/%" PRId64 "  loss %.4f  acc %5.2f%%  %6.0f images/s%s",
                 tty_ ? "\r" : "", epoch, epochs, bar, batch, batches, loss, 100.0 * acc, ips,
                 end || !tty_ ? "\n" : "");
    std::fflush(stderr);
  }

 private:
  bool quiet_, tty_;
  double last_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  Dataset data;
  Status st = load_dataset(o.data, &data);
  if (!st) fail(st);
  if (data.channels != 1 || data.height != 28 || data.width != 28)
    fail(Status::error("the architectures here take 1x28x28 images, but %s has %dx%dx%d", o.data.c_str(),
                       data.channels, data.height, data.width));
  const int64_t train_n = o.limit ? std::min(o.limit, data.train_count) : data.train_count;
  if (train_n < o.batch) fail(Status::error("%" PRId64 " training samples are fewer than one batch of %d", train_n, o.batch));

  std::unique_ptr<Network> net;
  st = Network::create(architecture(o.arch, data), &net);
  if (!st) fail(st);
  net->init_params(o.seed);
  const OptimizerConfig cfg = o.optimizer == "adam" ? OptimizerConfig::adam(o.lr, o.weight_decay)
                                                     : OptimizerConfig::sgd(o.lr, o.momentum, o.weight_decay);
  std::unique_ptr<Trainer> trainer;
  st = Trainer::create(net.get(), cfg, &trainer);
  if (!st) fail(st);
  const int64_t per_epoch = train_n / o.batch;
  const int64_t total = per_epoch * o.epochs;
  LrSchedule sched;
  sched.warmup_steps = o.warmup;
  if (o.schedule == "cosine") {
    sched.kind = LrSchedule::Kind::Cosine;
    sched.total_steps = total;
  } else if (o.schedule == "step") {
    sched.kind = LrSchedule::Kind::Step;
    sched.step_size = std::max<int64_t>(1, (total - o.warmup) * 2 / 3);
    sched.gamma = 0.1f;
  }
  st = trainer->set_schedule(sched);
  if (!st) fail(st);
  st = trainer->set_label_smoothing(o.label_smoothing);
  if (!st) fail(st);
  Shape batch_shape;
  st = Shape::nchw(o.batch, 1, 28, 28, &batch_shape);
  if (!st) fail(st);
  st = trainer->plan(batch_shape);
  if (!st) fail(st);

  std::fprintf(stderr, "train: %s, %" PRId64 " parameters, %" PRId64 " training samples of %s, %d epochs of %" PRId64
               " batches of %d, %s lr %g (%s), SIMD %s%s\n",
               o.arch.c_str(), net->param_count(), train_n, data.name.c_str(), o.epochs, per_epoch, o.batch,
               o.optimizer.c_str(), double(o.lr), o.schedule.c_str(), xsimd::default_arch::name(),
               o.augment ? ", augmented" : "");

  Rng order_rng(o.seed * 2 + 1), aug_rng(o.seed * 2 + 2);
  std::vector<int64_t> order(static_cast<size_t>(train_n));
  std::vector<float> x(size_t(o.batch) * 784), plain(784), tmp(augment_scratch(28, 28));
  std::vector<int32_t> y(size_t(o.batch));
  const AugmentConfig& aug = o.aug;
  Progress progress(o.quiet);
  std::vector<float> average;
  if (o.ema > 0) average.assign(net->params(), net->params() + net->param_count());
  const double t_start = now(), cpu_start = cpu_now();
  int64_t seen = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    for (int64_t i = 0; i < train_n; ++i) order[size_t(i)] = i;
    shuffle(&order, &order_rng);
    double loss_sum = 0;
    int64_t correct = 0, count = 0;
    for (int64_t b = 0; b < per_epoch; ++b) {
      for (int k = 0; k < o.batch; ++k) {
        const int64_t idx = order[size_t(b * o.batch + k)];
        float* dst = x.data() + size_t(k) * 784;
        if (o.augment) {
          data.image(idx, plain.data());
          augment(plain.data(), dst, 28, 28, &aug_rng, aug, tmp.data(), data.labels[size_t(idx)]);
        } else {
          data.image(idx, dst);
        }
        y[size_t(k)] = data.labels[size_t(idx)];
      }
      StepStats s;
      st = trainer->step(x.data(), y.data(), o.batch, &s);
      if (!st) fail(st);
      if (!std::isfinite(s.loss)) fail(Status::error("the loss became %g at epoch %d: lower --lr", s.loss, epoch));
      if (o.ema > 0) {  // with PyTorch's warm-up of the decay: min(ema, (1 + t) / (10 + t))
        const float t = float(trainer->steps());
        const float d = std::min(o.ema, (1.0f + t) / (10.0f + t));
        const float* p = net->params();
        for (size_t i = 0; i < average.size(); ++i) average[i] = d * average[i] + (1.0f - d) * p[i];
      }
      loss_sum += s.loss * double(s.count);
      correct += s.correct;
      count += s.count;
      seen += s.count;
      progress.update(epoch, o.epochs, b + 1, per_epoch, loss_sum / double(count), double(correct) / double(count),
                      double(seen) / (now() - t_start), b + 1 == per_epoch);
    }
  }
  const double train_seconds = now() - t_start, train_cpu = cpu_now() - cpu_start;

  if (o.ema > 0) {
    std::copy(average.begin(), average.end(), net->params());
    net->params_changed();
  }
  if (o.float16) {  // evaluate the weights as they will be stored
    float* p = net->params();
    for (int64_t i = 0; i < net->param_count(); ++i) p[i] = half_to_float(float_to_half(p[i]));
    net->params_changed();
  }
  int64_t correct = 0;
  st = evaluate(*net, data, data.train_count, data.heldout_count(), &correct);
  if (!st) fail(st);
  const double acc = double(correct) / double(data.heldout_count());

  ModelInfo info;
  info.in_c = 1;
  info.in_h = 28;
  info.in_w = 28;
  info.labels = data.classes;
  info.set("name", o.name);
  info.set("dataset", data.name);
  if (!o.description.empty()) info.set("description", o.description);
  info.set("input", "1x28x28, pixel / 255: 0 is the background, 1 full ink");
  char acc_text[96];
  std::snprintf(acc_text, sizeof acc_text, "%.4f (%" PRId64 "/%" PRId64 " held-out samples)", acc, correct,
                data.heldout_count());
  info.set("heldout_accuracy", acc_text);
  // the same figures as numbers, for programs (the page's "reads N of M right")
  info.set("heldout_correct", std::to_string(correct));
  info.set("heldout_total", std::to_string(data.heldout_count()));
  info.set("trained_with", o.command);  // the command, without --out
  info.set("engine", CNN_VERSION);
  SaveOptions so;
  so.float16 = o.float16;
  std::vector<uint8_t> bytes;
  st = save_model(*net, info, so, &bytes);
  if (!st) fail(st);

  // What is written is what was measured: load the bytes back and re-evaluate.
  std::unique_ptr<Network> check;
  ModelInfo check_info;
  st = load_model(bytes.data(), bytes.size(), &check, &check_info);
  if (!st) fail(st.with_context("the written model does not load back: "));
  int64_t check_correct = 0;
  st = evaluate(*check, data, data.train_count, data.heldout_count(), &check_correct);
  if (!st) fail(st);
  if (check_correct != correct)
    fail(Status::error("the reloaded model classifies %" PRId64 " held-out samples right, the trained one %" PRId64,
                       check_correct, correct));
  st = write_file(o.out, bytes);
  if (!st) fail(st);
  std::printf("held-out accuracy %.2f%% (%" PRId64 "/%" PRId64 "), model %s: %zu bytes (%s), trained in %.1f s "
              "(%.0f images/s; CPU time %.1f s, %.0f images/s)\n",
              100.0 * acc, correct, data.heldout_count(), o.out.c_str(), bytes.size(),
              o.float16 ? "float16" : "float32", train_seconds, double(seen) / train_seconds, train_cpu,
              double(seen) / train_cpu);
  return 0;
}
