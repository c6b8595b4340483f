#include "explain.hpp"

#include <algorithm>
#include <cinttypes>
#include <limits>

#include "kernels/kernels.hpp"

namespace cnn {

namespace {

Status check_count(const char* what, int64_t given, int64_t expected, const char* why) {
  if (given != expected)
    return Status::error("the %s has %" PRId64 " values, but %s needs %" PRId64, what, given, why, expected);
  return Status::ok();
}

// conv: the same loops as conv2d_forward_ref, for one output cell.
void explain_conv(const Geometry& g, const Conv2dSpec& s, const float* in, const float* weight, const float* bias,
                  CellExplanation* e) {
  const int64_t C = g.in.c(), H = g.in.h(), W = g.in.w();
  const int64_t cg = C / s.groups, ocg = g.out.c() / s.groups;
  const int64_t group = e->c / ocg;
  const int64_t oy = e->y, ox = e->x;
  e->window_y = oy * g.stride_h - g.pad_top;
  e->window_x = ox * g.stride_w - g.pad_left;
  e->window_h = int64_t(g.dilation_h) * (g.kernel_h - 1) + 1;
  e->window_w = int64_t(g.dilation_w) * (g.kernel_w - 1) + 1;
  e->terms.reserve(size_t(cg * g.kernel_h * g.kernel_w));
  float sum = 0.0f;
  int64_t real = 0;
  for (int64_t ci = 0; ci < cg; ++ci) {
    const int64_t channel = group * cg + ci;
    const float* plane = in + (e->n * C + channel) * H * W;
    const float* wk = weight + (e->c * cg + ci) * g.kernel_h * g.kernel_w;
    for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
      const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
      for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
        const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        ExplainTerm t;
        t.channel = int32_t(channel);
        t.y = int32_t(iy);
        t.x = int32_t(ix);
        t.ky = int32_t(ky);
        t.kx = int32_t(kx);
        t.weight = wk[ky * g.kernel_w + kx];
        t.padding = iy < 0 || iy >= H || ix < 0 || ix >= W;
        if (t.padding) {
          t.value = 0.0f;
          t.product = 0.0f;
        } else {
          t.value = plane[iy * W + ix];
          t.product = t.value * t.weight;
          sum += t.product;  // the reference's s += v * w, one rounding each
          ++real;
        }
        e->terms.push_back(t);
      }
    }
  }
  e->sum = sum;
  e->has_bias = bias != nullptr;
  e->bias = bias ? bias[e->c] : 0.0f;
  e->output = bias ? sum + bias[e->c] : sum;
  e->divisor = real;
}

// pooling: the window of the reference kernels, clipped to the padded input.
void explain_pool(const Geometry& g, const Pool2dSpec& s, bool is_max, const float* in, CellExplanation* e) {
  const int64_t H = g.in.h(), W = g.in.w();
  const int64_t y0 = e->y * g.stride_h - g.pad_top, x0 = e->x * g.stride_w - g.pad_left;
  const int64_t y1 = std::min<int64_t>(y0 + g.kernel_h, H + g.pad_top);
  const int64_t x1 = std::min<int64_t>(x0 + g.kernel_w, W + g.pad_left);
  e->window_y = y0;
  e->window_x = x0;
  e->window_h = y1 - y0;
  e->window_w = x1 - x0;
  const float* plane = in + (e->n * g.in.c() + e->c) * H * W;
  const float ninf = -std::numeric_limits<float>::infinity();
  float acc = is_max ? ninf : 0.0f;
  int64_t real = 0, first_real = -1;
  e->terms.reserve(size_t((y1 - y0) * (x1 - x0)));
  for (int64_t y = y0; y < y1; ++y)
    for (int64_t x = x0; x < x1; ++x) {
      ExplainTerm t;
      t.channel = int32_t(e->c);
      t.y = int32_t(y);
      t.x = int32_t(x);
      t.ky = int32_t(y - y0);
      t.kx = int32_t(x - x0);
      t.weight = 1.0f;
      t.padding = y < 0 || y >= H || x < 0 || x >= W;
      if (t.padding) {
        t.value = t.product = is_max ? ninf : 0.0f;
      } else {
        t.value = t.product = plane[y * W + x];
        const int64_t index = int64_t(e->terms.size());
        if (first_real < 0) first_real = index;
        if (is_max) {
          if (acc < t.value) e->winner = index;  // std::max keeps the first of equals
          acc = std::max(acc, t.value);
        } else {
          acc += t.value;
        }
        ++real;
      }
      e->terms.push_back(t);
    }
  if (is_max) {
    if (e->winner < 0) e->winner = first_real;  // every value -inf (or NaN): the first one stands
    e->sum = acc;
    e->output = acc;
    e->divisor = real;
  } else {
    e->divisor = s.count_include_pad ? (y1 - y0) * (x1 - x0) : real;
    e->sum = acc;
    e->output = e->divisor > 0 ? acc / float(e->divisor) : 0.0f;
  }
}

}  // namespace

Status explain_cell(const Shape& in, const LayerSpec& spec, const float* input, int64_t input_count,
                    const float* weight, int64_t weight_count, const float* bias, int64_t bias_count,
                    int64_t n, int64_t c, int64_t y, int64_t x, CellExplanation* out) {
  const bool is_conv = spec.kind == LayerKind::Conv2d;
  const bool is_pool = spec.kind == LayerKind::MaxPool2d || spec.kind == LayerKind::AvgPool2d;
  if (!is_conv && !is_pool)
    return Status::error("only a conv2d or pooling layer can explain an output cell, not %s", kind_name(spec.kind));
  Geometry g;
  CNN_RETURN_IF_ERROR(layer_geometry(in, spec, &g));
  if (!input) return Status::error("no input given");
  CNN_RETURN_IF_ERROR(check_count("input", input_count, in.elements(), ("a " + in.str() + " input").c_str()));
  if (is_conv) {
    if (!weight) return Status::error("no weight given");
    CNN_RETURN_IF_ERROR(check_count("weight", weight_count, g.weights, "the layer"));
    const int64_t want_bias = spec.conv.bias ? spec.conv.out_channels : 0;
    CNN_RETURN_IF_ERROR(check_count("bias", bias ? bias_count : 0, want_bias, "the layer"));
  } else if ((weight && weight_count) || (bias && bias_count)) {
    return Status::error("a pooling layer has no weights or bias, but %" PRId64 " were given",
                         (weight ? weight_count : 0) + (bias ? bias_count : 0));
  }
  const Shape& o = g.out;
  if (n < 0 || n >= o.n() || c < 0 || c >= o.c() || y < 0 || y >= o.h() || x < 0 || x >= o.w())
    return Status::error("output cell (image %" PRId64 ", channel %" PRId64 ", row %" PRId64 ", column %" PRId64
                         ") is outside the %s output", n, c, y, x, o.str(true).c_str());
  const int64_t taps = is_conv ? (in.c() / spec.conv.groups) * g.kernel_h * g.kernel_w
                               : int64_t(g.kernel_h) * g.kernel_w;
  if (taps > kMaxExplainTerms)
    return Status::error("the window holds %" PRId64 " values, more than the %" PRId64 " an explanation lists", taps,
                         kMaxExplainTerms);
  CellExplanation e;
  e.kind = spec.kind;
  e.n = n;
  e.c = c;
  e.y = y;
  e.x = x;
  if (is_conv) explain_conv(g, spec.conv, input, weight, spec.conv.bias ? bias : nullptr, &e);
  else explain_pool(g, spec.pool, spec.kind == LayerKind::MaxPool2d, input, &e);
  *out = std::move(e);
  return Status::ok();
}

Status activation_slopes(const LayerSpec& spec, const float* in, int64_t count, float* out, float* slope) {
  const Activation act = activation_of(spec.kind);
  if (act == Activation::None)
    return Status::error("only an activation layer (relu, leaky_relu, sigmoid, tanh) has a slope to explain, not %s",
                         kind_name(spec.kind));
  if (count < 0 || count > kMaxExplainTerms)
    return Status::error("%" PRId64 " values to explain: from 0 to %" PRId64 " can be", count, kMaxExplainTerms);
  if (count == 0) return Status::ok();
  if (!in || !out || !slope) return Status::error("no buffer for the activation's values");
  select_kernel(activation_forward_kernels(), Variant::Ref).forward(act, spec.negative_slope, count, in, out);
  // in_grad += out_grad * f'(x): with in_grad 0 and out_grad 1, the slope itself
  std::vector<float> ones(size_t(count), 1.0f);
  std::fill(slope, slope + count, 0.0f);
  select_kernel(activation_backward_kernels(), Variant::Ref).backward(act, spec.negative_slope, count, in, out, ones.data(), slope);
  return Status::ok();
}

}  // namespace cnn
