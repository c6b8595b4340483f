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

// MNIST's preprocessing, exactly as the page applies it to a drawing
// (web/src/ui/preprocess.js, mnistPreprocess): crop to the ink (every value
// above 0), scale the box so that its longer side is 20 px by area averaging,
// and paste it into a 28x28 image (dst) so that its centre of mass lands on
// (14, 14), rounded to whole pixels. src is w x h; an image without ink gives
// zeros. JavaScript's Math.round (halves up) is floor(x + 0.5) here.
inline void mnist_refit(const float* src, int w, int h, float* dst) {
  constexpr int kSize = 28, kBox = 20;
  std::fill(dst, dst + kSize * kSize, 0.0f);
  int x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (src[y * w + x] > 0) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = y;
      }
  if (x1 < 0) return;
  const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const double scale = double(kBox) / double(std::max(bw, bh));
  const int fw = std::max(1, int(std::floor(bw * scale + 0.5))), fh = std::max(1, int(std::floor(bh * scale + 0.5)));
  // For n output cells over source [start, start + len): each cell's source indices and weights.
  struct Cell { int first = 0, count = 0; double wt[32]; };
  auto cells = [](int start, int len, int n, Cell* out) {
    const double step = double(len) / double(n);
    for (int i = 0; i < n; ++i) {
      const double a = start + i * step, b = a + step;
      Cell& c = out[i];
      c.count = 0;
      for (int s = int(std::floor(a)); s < b && c.count < 32; ++s) {
        const double cover = std::min(b, double(s + 1)) - std::max(a, double(s));
        if (cover > 1e-9) {
          if (c.count == 0) c.first = s;
          c.wt[c.count++] = cover / step;
        }
      }
    }
  };
  Cell cols[kBox], rows[kBox];
  cells(x0, bw, fw, cols);
  cells(y0, bh, fh, rows);
  float fit[kBox * kBox];
  double m = 0, mx = 0, my = 0;
  for (int i = 0; i < fh; ++i)
    for (int j = 0; j < fw; ++j) {
      double sum = 0;
      for (int a = 0; a < rows[i].count; ++a) {
        const float* row = src + (rows[i].first + a) * w + cols[j].first;
        double row_sum = 0;
        for (int b = 0; b < cols[j].count; ++b) row_sum += cols[j].wt[b] * row[b];
        sum += rows[i].wt[a] * row_sum;
      }
      const float v = float(sum);
      fit[i * fw + j] = v;
      m += v;
      mx += double(v) * j;
      my += double(v) * i;
    }
  const double cx = m > 0 ? mx / m : (fw - 1) / 2.0, cy = m > 0 ? my / m : (fh - 1) / 2.0;
  const int ox = int(std::floor(kSize / 2.0 - cx + 0.5)), oy = int(std::floor(kSize / 2.0 - cy + 0.5));
  for (int i = 0; i < fh; ++i)
    for (int j = 0; j < fw; ++j) {
      const int ty = i + oy, tx = j + ox;
      if (ty >= 0 && ty < kSize && tx >= 0 && tx < kSize) dst[ty * kSize + tx] = fit[i * fw + j];
    }
}

// Augmentation of one 1-channel h x w image with values in [0, 1], the
// variations of hand-drawn digits that MNIST's centring does not remove:
// stroke thickness (grey dilation or erosion over the 4-neighbourhood, by a
// random amount), then a random affine map about the centre (rotation,
// slant, width, scale, shift) plus, optionally, an elastic distortion
// (Simard et al. 2003: a random displacement field smoothed by a Gaussian of
// width sigma, scaled by alpha), sampled bilinearly with zeros outside.
//
// With refit (28x28 images only, for a given share of them), the map draws onto a canvas twice the
// size, so nothing is cut off, rounds it to bytes as a canvas does, and
// re-applies MNIST's preprocessing (mnist_refit): the network sees what the
// page feeds it. A thicker stroke then stays thicker relative to the digit,
// as on a pad, where a small digit has relatively thick strokes.
struct AugmentConfig {
  float max_shift = 2.0f;     // pixels, each direction
  float max_rotate = 12.0f;   // degrees, each way
  float min_scale = 0.85f, max_scale = 1.15f;
  float thickness = 0.5f;     // probability of changing the stroke
  float max_thicken = 1.0f;   // a thicker stroke: up to this many dilation passes (each about 2 px wider)
  float elastic_alpha = 0.0f; // 0: no elastic distortion
  float elastic_sigma = 4.0f;
  float max_slant = 0.0f;     // degrees of shear, each way
  float max_stretch = 0.0f;   // width times [1 - X, 1 + X]
  float refit = 0.0f;         // probability of the page's path (28x28 images only; see above)
  float flag_ones = 0.0f;     // probability that a 1 (label 1) gets a flag at the top, and half of those a foot
};

// Floats of scratch that augment needs for an h x w image.
inline size_t augment_scratch(int h, int w) { return size_t(17 * h * w); }

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

// One grey dilation (thicker) or erosion pass over the 4-neighbourhood, by amount in [0, 1].
inline void thicken_pass(const float* src, float* dst, int h, int w, bool thicker, float amount) {
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float v = src[y * w + x];
      float m = v;
      const int nb[4][2] = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
      for (const auto& q : nb) {
        const float u = (q[0] >= 0 && q[0] < h && q[1] >= 0 && q[1] < w) ? src[q[0] * w + q[1]] : 0.0f;
        m = thicker ? std::max(m, u) : std::min(m, u);
      }
      dst[y * w + x] = v + amount * (m - v);
    }
}

// Draws a line of the given width (pixels) from (x0, y0) to (x1, y1) onto an
// h x w image, keeping the larger value: a pen stroke with a soft one-pixel edge.
inline void pen_line(float* img, int h, int w, float x0, float y0, float x1, float y1, float width) {
  const float vx = x1 - x0, vy = y1 - y0, len2 = std::max(1e-6f, vx * vx + vy * vy);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float t = std::min(1.0f, std::max(0.0f, ((float(x) - x0) * vx + (float(y) - y0) * vy) / len2));
      const float d = std::hypot(float(x) - x0 - t * vx, float(y) - y0 - t * vy);
      const float v = std::min(1.0f, std::max(0.0f, 0.5f * width + 0.5f - d));
      img[y * w + x] = std::max(img[y * w + x], v);
    }
}

// The way many people write a 1 and MNIST's mostly do not: a flag, a short
// stroke from the top of the bar down to the left, and sometimes a foot, a
// bar across the bottom. Drawn onto the digit in its own stroke width.
inline void add_flag(float* img, int h, int w, Rng* r) {
  int top = -1, bottom = -1;
  double mass = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (img[y * w + x] > 0.5f) {
        if (top < 0) top = y;
        bottom = y;
        mass += img[y * w + x];
      }
  if (top < 0 || bottom - top < 8) return;
  auto centre = [&](int y) {  // the middle of the ink in row y
    double s = 0, sx = 0;
    for (int x = 0; x < w; ++x) s += img[y * w + x], sx += double(img[y * w + x]) * x;
    return s > 0 ? float(sx / s) : 0.5f * float(w - 1);
  };
  const float height = float(bottom - top + 1);
  const float width = std::max(1.5f, std::min(4.0f, float(mass) / height));  // ink per row: the stroke width
  const float tx = centre(top), ty = float(top) + 0.5f;
  const float len = r->uniform(0.18f, 0.32f) * height, angle = r->uniform(20.0f, 55.0f) * 3.14159265f / 180.0f;
  pen_line(img, h, w, tx, ty, tx - len * std::cos(angle), ty + len * std::sin(angle), width);
  if (r->uniform(0, 1) < 0.5f) {
    const float bx = centre(bottom), by = float(bottom) - 0.5f * width, half = r->uniform(0.15f, 0.25f) * height;
    pen_line(img, h, w, bx - half, by, bx + half, by, width);
  }
}

// tmp: augment_scratch(h, w) floats. label: the sample's class (for flag_ones).
inline void augment(const float* src, float* dst, int h, int w, Rng* r, const AugmentConfig& a, float* tmp,
                    int label = -1) {
  const bool refit = a.refit > 0 && h == 28 && w == 28 && (a.refit >= 1 || r->uniform(0, 1) < a.refit);
  float* ink = tmp;  // h x w
  std::memcpy(ink, src, sizeof(float) * size_t(h * w));
  if (a.flag_ones > 0 && label == 1 && r->uniform(0, 1) < a.flag_ones) add_flag(ink, h, w, r);
  if (r->uniform(0, 1) < a.thickness) {
    const bool thicker = r->uniform(0, 1) < 0.6f;
    float amount = thicker ? r->uniform(0.3f, std::max(0.3f, a.max_thicken)) : r->uniform(refit ? 0.2f : 0.3f, refit ? 0.4f : 1.0f);
    float* other = tmp + h * w;
    while (amount > 0) {
      thicken_pass(ink, other, h, w, thicker, std::min(1.0f, amount));
      std::memcpy(ink, other, sizeof(float) * size_t(h * w));
      amount -= 1.0f;
    }
  }
  const float angle = r->uniform(-a.max_rotate, a.max_rotate) * 3.14159265f / 180.0f;
  const float scale = r->uniform(a.min_scale, a.max_scale);
  const float tx = r->uniform(-a.max_shift, a.max_shift), ty = r->uniform(-a.max_shift, a.max_shift);
  const float slant = a.max_slant > 0 ? std::tan(r->uniform(-a.max_slant, a.max_slant) * 3.14159265f / 180.0f) : 0.0f;
  const float stretch = a.max_stretch > 0 ? r->uniform(1 - a.max_stretch, 1 + a.max_stretch) : 1.0f;
  // The forward map (source offset from the centre -> output offset): rotation x shear x (stretch, 1) x scale.
  const float c = std::cos(angle), s = std::sin(angle);
  const float m00 = scale * stretch * c, m01 = scale * (c * slant - s);
  const float m10 = scale * stretch * s, m11 = scale * (s * slant + c);
  const float det = m00 * m11 - m01 * m10;
  const float i00 = m11 / det, i01 = -m01 / det, i10 = -m10 / det, i11 = m00 / det;
  const int oh = refit ? 2 * h : h, ow = refit ? 2 * w : w;  // the canvas drawn on
  float* out = refit ? tmp + h * w : dst;
  float* ex = tmp + 5 * h * w;
  float* ey = ex + oh * ow;
  const bool elastic = a.elastic_alpha > 0.0f;
  if (elastic) elastic_field(oh, ow, r, a.elastic_alpha, a.elastic_sigma, ex, ey, ey + oh * ow);
  const float cy = 0.5f * float(h - 1), cx = 0.5f * float(w - 1);
  const float ocy = 0.5f * float(oh - 1), ocx = 0.5f * float(ow - 1);
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x) {
      // Inverse map: where in the source does this output pixel come from?
      const float dx = float(x) - ocx - tx, dy = float(y) - ocy - ty;
      float sx = i00 * dx + i01 * dy + cx, sy = i10 * dx + i11 * dy + cy;
      if (elastic) {
        sx += ex[y * ow + x];
        sy += ey[y * ow + x];
      }
      const int x0 = int(std::floor(sx)), y0 = int(std::floor(sy));
      const float fx = sx - float(x0), fy = sy - float(y0);
      auto at = [&](int yy, int xx) { return (yy >= 0 && yy < h && xx >= 0 && xx < w) ? ink[yy * w + xx] : 0.0f; };
      float v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
                fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      if (refit) v = std::floor(std::min(1.0f, std::max(0.0f, v)) * 255.0f + 0.5f) * (1.0f / 255.0f);
      out[y * ow + x] = v;
    }
  if (refit) mnist_refit(out, ow, oh, dst);
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
