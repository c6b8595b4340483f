// Data sets in the "CNNDATA" format written by tools/prepare_data.js (see its
// header for the layout): uint8 images and labels, a training split followed
// by a held-out split, and the class names. Header-only, shared by the
// trainer, the evaluator and the engine tests. Plus the trainer's on-the-fly
// augmentation of 1-channel images.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "model_io.hpp"
#include "status.hpp"

namespace cnn_tools {

struct Dataset {
  std::string name;
  std::vector<std::string> classes;
  int64_t count = 0, train_count = 0;
  int32_t channels = 1, height = 1, width = 1;
  std::vector<uint8_t> labels;  // count
  std::vector<uint8_t> pixels;  // count * sample_size()

  int64_t sample_size() const { return int64_t(channels) * height * width; }
  int64_t heldout_count() const { return count - train_count; }
  // Image i as floats in [0, 1] (pixel / 255).
  void image(int64_t i, float* out) const {
    const uint8_t* p = pixels.data() + i * sample_size();
    for (int64_t k = 0; k < sample_size(); ++k) out[k] = float(p[k]) * (1.0f / 255.0f);
  }
};

inline cnn::Status parse_dataset(const std::vector<uint8_t>& b, Dataset* out) {
  using cnn::Status;
  size_t pos = 0;
  auto u32 = [&](const char* what, uint32_t* v) -> Status {
    if (b.size() - pos < 4) return Status::error("the data file ends inside %s", what);
    *v = uint32_t(b[pos]) | uint32_t(b[pos + 1]) << 8 | uint32_t(b[pos + 2]) << 16 | uint32_t(b[pos + 3]) << 24;
    pos += 4;
    return Status::ok();
  };
  auto str = [&](const char* what, std::string* s) -> Status {
    uint32_t n = 0;
    CNN_RETURN_IF_ERROR(u32(what, &n));
    if (n > 4096 || b.size() - pos < n) return Status::error("the data file ends inside %s", what);
    s->assign(reinterpret_cast<const char*>(b.data() + pos), n);
    pos += n;
    return Status::ok();
  };
  if (b.size() < 8 || std::memcmp(b.data(), "CNNDATA\0", 8) != 0)
    return Status::error("not a data file of tools/prepare_data.js (it does not start with CNNDATA)");
  pos = 8;
  uint32_t version = 0, count = 0, train = 0, c = 0, h = 0, w = 0, nclasses = 0;
  CNN_RETURN_IF_ERROR(u32("the version", &version));
  if (version != 1) return Status::error("data file version %u is not supported (1 is)", version);
  CNN_RETURN_IF_ERROR(u32("the header", &count));
  CNN_RETURN_IF_ERROR(u32("the header", &train));
  CNN_RETURN_IF_ERROR(u32("the header", &c));
  CNN_RETURN_IF_ERROR(u32("the header", &h));
  CNN_RETURN_IF_ERROR(u32("the header", &w));
  CNN_RETURN_IF_ERROR(u32("the header", &nclasses));
  // c * h first: at most 2^24 when it passes, so times w it cannot wrap around.
  if (train > count || c < 1 || h < 1 || w < 1 || c * uint64_t(h) > (1u << 24) || c * uint64_t(h) * w > (1u << 24) ||
      nclasses < 1 || nclasses > 256)
    return Status::error("the data file's header is inconsistent");
  Dataset d;
  CNN_RETURN_IF_ERROR(str("the name", &d.name));
  for (uint32_t i = 0; i < nclasses; ++i) {
    d.classes.emplace_back();
    CNN_RETURN_IF_ERROR(str("a class name", &d.classes.back()));
  }
  d.count = count;
  d.train_count = train;
  d.channels = int32_t(c);
  d.height = int32_t(h);
  d.width = int32_t(w);
  const uint64_t need = uint64_t(count) + uint64_t(count) * d.sample_size();
  if (b.size() - pos != need)
    return Status::error("the data file holds %zu bytes of labels and images, but its header needs %" PRIu64,
                         b.size() - pos, need);
  d.labels.assign(b.begin() + int64_t(pos), b.begin() + int64_t(pos) + count);
  d.pixels.assign(b.begin() + int64_t(pos) + count, b.end());
  for (int64_t i = 0; i < d.count; ++i)
    if (d.labels[size_t(i)] >= nclasses)
      return Status::error("image %" PRId64 " has label %u, but there are %u classes", i, d.labels[size_t(i)], nclasses);
  *out = std::move(d);
  return Status::ok();
}

inline cnn::Status load_dataset(const std::string& path, Dataset* out) {
  std::vector<uint8_t> bytes;
  CNN_RETURN_IF_ERROR(cnn::read_file(path, &bytes).with_context(
      "the data set is missing (make it with: node tools/prepare_data.js): "));
  return parse_dataset(bytes, out).with_context(path + ": ");
}

// splitmix64: the tools' seeded generator (the same on every platform).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi), 24 bits.
  float uniform(float lo, float hi) { return lo + (hi - lo) * float(next() >> 40) * (1.0f / 16777216.0f); }
  uint64_t below(uint64_t n) { return next() % n; }
};

// In-place Fisher-Yates shuffle of indices.
inline void shuffle(std::vector<int64_t>* v, Rng* r) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[size_t(r->below(i))]);
}

// Augmentation of one 1-channel h x w image with values in [0, 1], the
// variations of hand-drawn digits that MNIST's centring does not remove:
// stroke thickness (grey dilation or erosion over the 4-neighbourhood, by a
// random amount), then a random affine map about the centre (rotation, scale,
// shift) plus, optionally, an elastic distortion (Simard et al. 2003: a
// random displacement field smoothed by a Gaussian of width sigma, scaled by
// alpha), sampled bilinearly with zeros outside.
struct AugmentConfig {
  float max_shift = 2.0f;     // pixels, each direction
  float max_rotate = 12.0f;   // degrees, each way
  float min_scale = 0.85f, max_scale = 1.15f;
  float thickness = 0.5f;     // probability of changing the stroke
  float elastic_alpha = 0.0f; // 0: no elastic distortion
  float elastic_sigma = 4.0f;
};

// A smooth random displacement field (h x w each for x and y), scaled by alpha.
inline void elastic_field(int h, int w, Rng* r, float alpha, float sigma, float* fx, float* fy, float* tmp) {
  const int radius = std::max(1, int(3.0f * sigma));
  float kernel[64];
  const int taps = std::min(2 * radius + 1, 63);
  float ksum = 0;
  for (int i = 0; i < taps; ++i) {
    const float d = float(i - taps / 2);
    kernel[i] = std::exp(-0.5f * d * d / (sigma * sigma));
    ksum += kernel[i];
  }
  for (float* f : {fx, fy}) {
    for (int i = 0; i < h * w; ++i) f[i] = r->uniform(-1.0f, 1.0f);
    for (int y = 0; y < h; ++y)  // blur rows into tmp
      for (int x = 0; x < w; ++x) {
        float s = 0;
        for (int i = 0; i < taps; ++i) {
          const int xx = x + i - taps / 2;
          if (xx >= 0 && xx < w) s += kernel[i] * f[y * w + xx];
        }
        tmp[y * w + x] = s;
      }
    for (int y = 0; y < h; ++y)  // then columns back into f
      for (int x = 0; x < w; ++x) {
        float s = 0;
        for (int i = 0; i < taps; ++i) {
          const int yy = y + i - taps / 2;
          if (yy >= 0 && yy < h) s += kernel[i] * tmp[yy * w + x];
        }
        f[y * w + x] = alpha * s / (ksum * ksum);
      }
  }
}

// tmp: 4 * h * w floats of scratch.
inline void augment(const float* src, float* dst, int h, int w, Rng* r, const AugmentConfig& a, float* tmp) {
  std::memcpy(tmp, src, sizeof(float) * size_t(h * w));
  if (r->uniform(0, 1) < a.thickness) {
    const bool thicker = r->uniform(0, 1) < 0.6f;
    const float amount = r->uniform(0.3f, 1.0f);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float v = src[y * w + x];
        float m = v;
        const int nb[4][2] = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
        for (const auto& q : nb) {
          const float u = (q[0] >= 0 && q[0] < h && q[1] >= 0 && q[1] < w) ? src[q[0] * w + q[1]] : 0.0f;
          m = thicker ? std::max(m, u) : std::min(m, u);
        }
        tmp[y * w + x] = v + amount * (m - v);
      }
  }
  const float angle = r->uniform(-a.max_rotate, a.max_rotate) * 3.14159265f / 180.0f;
  const float scale = r->uniform(a.min_scale, a.max_scale);
  const float tx = r->uniform(-a.max_shift, a.max_shift), ty = r->uniform(-a.max_shift, a.max_shift);
  float* ex = tmp + h * w;
  float* ey = tmp + 2 * h * w;
  const bool elastic = a.elastic_alpha > 0.0f;
  if (elastic) elastic_field(h, w, r, a.elastic_alpha, a.elastic_sigma, ex, ey, tmp + 3 * h * w);
  const float cy = 0.5f * float(h - 1), cx = 0.5f * float(w - 1);
  const float ca = std::cos(angle) / scale, sa = std::sin(angle) / scale;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      // Inverse map: where in the source does this output pixel come from?
      const float dx = float(x) - cx - tx, dy = float(y) - cy - ty;
      float sx = ca * dx + sa * dy + cx, sy = -sa * dx + ca * dy + cy;
      if (elastic) {
        sx += ex[y * w + x];
        sy += ey[y * w + x];
      }
      const int x0 = int(std::floor(sx)), y0 = int(std::floor(sy));
      const float fx = sx - float(x0), fy = sy - float(y0);
      auto at = [&](int yy, int xx) { return (yy >= 0 && yy < h && xx >= 0 && xx < w) ? tmp[yy * w + xx] : 0.0f; };
      dst[y * w + x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
                       fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
}

}  // namespace cnn_tools

#include "network.hpp"

namespace cnn_tools {

// Runs samples [first, first + n) through the network in batches; counts the
// samples whose largest output (the first, on ties) is the label. If probs is
// given it receives n x outputs values.
inline cnn::Status evaluate(cnn::Network& net, const Dataset& d, int64_t first, int64_t n, int64_t* correct,
                            std::vector<float>* probs = nullptr, int64_t batch = 100) {
  using cnn::Status;
  *correct = 0;
  if (probs) probs->clear();
  std::vector<float> x;
  for (int64_t start = first; start < first + n; start += batch) {
    const int64_t b = std::min(batch, first + n - start);
    cnn::Shape s;
    CNN_RETURN_IF_ERROR(cnn::Shape::nchw(b, d.channels, d.height, d.width, &s));
    CNN_RETURN_IF_ERROR(net.plan(s));
    x.resize(size_t(b * d.sample_size()));
    for (int64_t i = 0; i < b; ++i) d.image(start + i, x.data() + i * d.sample_size());
    CNN_RETURN_IF_ERROR(net.forward(x.data(), int64_t(x.size())));
    const cnn::TensorView out = net.output();
    const int64_t k = out.shape.per_sample();
    for (int64_t i = 0; i < b; ++i) {
      const float* row = out.data + i * k;
      int64_t best = 0;
      for (int64_t c = 1; c < k; ++c)
        if (row[c] > row[best]) best = c;
      if (best == d.labels[size_t(start + i)]) ++*correct;
    }
    if (probs) probs->insert(probs->end(), out.data, out.data + b * k);
  }
  return Status::ok();
}

}  // namespace cnn_tools
