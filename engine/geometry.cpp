#include "geometry.hpp"

#include <cinttypes>


namespace cnn {

const char* kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::Conv2d: return "conv2d";
    case LayerKind::MaxPool2d: return "maxpool2d";
    case LayerKind::AvgPool2d: return "avgpool2d";
    case LayerKind::ReLU: return "relu";
    case LayerKind::LeakyReLU: return "leaky_relu";
    case LayerKind::Sigmoid: return "sigmoid";
    case LayerKind::Tanh: return "tanh";
    case LayerKind::Flatten: return "flatten";
    case LayerKind::Dense: return "dense";
    case LayerKind::Softmax: return "softmax";
  }
  return "unknown";
}

bool kind_is_valid(int32_t kind) { return kind >= 0 && kind < kNumLayerKinds; }

namespace {

// field: PyTorch's name of the parameter; axis: "height", "width" or null.
// Codes: value_too_small {field, axis, min, value}, value_too_large {field, axis, value, max}.
Status check_range(const char* field, const char* axis, int64_t v, int64_t lo, int64_t hi) {
  if (v >= lo && v <= hi) return Status::ok();
  const std::string name = axis ? std::string(field) + " (" + axis + ")" : std::string(field);
  if (v < lo)
    return Status::error("%s must be at least %" PRId64 ", got %" PRId64, name.c_str(), lo, v)
        .with_code("value_too_small", {{"field", field}, {"axis", axis ? axis : ""}, {"min", lo}, {"value", v}});
  return Status::error("%s %" PRId64 " is larger than the limit %" PRId64, name.c_str(), v, hi)
      .with_code("value_too_large", {{"field", field}, {"axis", axis ? axis : ""}, {"value", v}, {"max", hi}});
}
Status check_range(const char* field, int64_t v, int64_t lo, int64_t hi) { return check_range(field, nullptr, v, lo, hi); }

Status validate_conv(const Conv2dSpec& s) {
  CNN_RETURN_IF_ERROR(check_range("in_channels", s.in_channels, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("out_channels", s.out_channels, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("kernel_size", "height", s.kernel_h, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("kernel_size", "width", s.kernel_w, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("stride", "height", s.stride_h, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("stride", "width", s.stride_w, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("dilation", "height", s.dilation_h, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("dilation", "width", s.dilation_w, 1, kMaxDim));
  if (s.padding != Padding::Explicit && s.padding != Padding::Valid && s.padding != Padding::Same)
    return Status::error("padding mode must be explicit (0), 'valid' (1) or 'same' (2), got %d",
                         static_cast<int>(s.padding));
  if (s.padding == Padding::Explicit) {
    CNN_RETURN_IF_ERROR(check_range("padding", "height", s.pad_h, 0, kMaxDim));
    CNN_RETURN_IF_ERROR(check_range("padding", "width", s.pad_w, 0, kMaxDim));
  }
  if (s.padding == Padding::Same && (s.stride_h != 1 || s.stride_w != 1))
    return Status::error("padding 'same' keeps the size only at stride 1 (PyTorch refuses it otherwise), "
                         "but the stride is %dx%d", s.stride_h, s.stride_w)
        .with_code("same_needs_stride_1", {{"stride_h", s.stride_h}, {"stride_w", s.stride_w}});
  CNN_RETURN_IF_ERROR(check_range("groups", s.groups, 1, kMaxDim));
  if (s.in_channels % s.groups != 0)
    return Status::error("groups=%d does not divide in_channels=%d", s.groups, s.in_channels)
        .with_code("groups_do_not_divide", {{"groups", s.groups}, {"field", "in_channels"}, {"channels", s.in_channels}});
  if (s.out_channels % s.groups != 0)
    return Status::error("groups=%d does not divide out_channels=%d", s.groups, s.out_channels)
        .with_code("groups_do_not_divide", {{"groups", s.groups}, {"field", "out_channels"}, {"channels", s.out_channels}});
  return Status::ok();
}

Status validate_pool(const Pool2dSpec& s) {
  CNN_RETURN_IF_ERROR(check_range("kernel_size", "height", s.kernel_h, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("kernel_size", "width", s.kernel_w, 1, kMaxDim));
  // stride 0 means "as the kernel"; negative is an error.
  CNN_RETURN_IF_ERROR(check_range("stride", "height", s.stride_h == 0 ? s.kernel_h : s.stride_h, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("stride", "width", s.stride_w == 0 ? s.kernel_w : s.stride_w, 1, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("padding", "height", s.pad_h, 0, kMaxDim));
  CNN_RETURN_IF_ERROR(check_range("padding", "width", s.pad_w, 0, kMaxDim));
  if (2 * int64_t(s.pad_h) > s.kernel_h)
    return Status::error("pool padding %d is more than half the %d-tall window (at most %d is allowed, as in PyTorch)",
                         s.pad_h, s.kernel_h, s.kernel_h / 2)
        .with_code("pool_padding_too_big", {{"axis", "height"}, {"padding", s.pad_h}, {"window", s.kernel_h}, {"max", s.kernel_h / 2}});
  if (2 * int64_t(s.pad_w) > s.kernel_w)
    return Status::error("pool padding %d is more than half the %d-wide window (at most %d is allowed, as in PyTorch)",
                         s.pad_w, s.kernel_w, s.kernel_w / 2)
        .with_code("pool_padding_too_big", {{"axis", "width"}, {"padding", s.pad_w}, {"window", s.kernel_w}, {"max", s.kernel_w / 2}});
  return Status::ok();
}

Status validate_dense(const DenseSpec& s) {
  CNN_RETURN_IF_ERROR(check_range("in_features", s.in_features, 1, kMaxElements));
  CNN_RETURN_IF_ERROR(check_range("out_features", s.out_features, 1, kMaxElements));
  return Status::ok();
}

Status need_nchw(const Shape& in, const char* what) {
  if (in.rank() != 4)
    return Status::error("%s needs an image input (channels x height x width), but its input is a flat vector of %" PRId64
                         " values", what, in.rank() == 2 ? in.c() : int64_t(0))
        .with_code("needs_image", {{"kind", what}, {"features", in.rank() == 2 ? in.c() : int64_t(0)}});
  return Status::ok();
}

}  // namespace

Status validate_spec(const LayerSpec& spec) {
  switch (spec.kind) {
    case LayerKind::Conv2d: return validate_conv(spec.conv);
    case LayerKind::MaxPool2d:
    case LayerKind::AvgPool2d: return validate_pool(spec.pool);
    case LayerKind::Dense: return validate_dense(spec.dense);
    case LayerKind::LeakyReLU:
      if (!(spec.negative_slope >= -1e6f && spec.negative_slope <= 1e6f))
        return Status::error("negative_slope must be a number from -1e6 to 1e6, got %s",
                             exact_number(spec.negative_slope).c_str());
      return Status::ok();
    case LayerKind::ReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Flatten:
    case LayerKind::Softmax: return Status::ok();
  }
  return Status::error("unknown layer kind %d", static_cast<int>(spec.kind));
}

namespace {
int64_t saturating_count(const std::vector<int64_t>& dims) {
  if (dims.empty()) return 0;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d != 0 && n > INT64_MAX / d) return INT64_MAX;
    n *= d;
  }
  return n;
}
}  // namespace

int64_t ParamShapes::weight_count() const { return saturating_count(weight); }
int64_t ParamShapes::bias_count() const { return saturating_count(bias); }

ParamShapes param_shapes(const Conv2dSpec& c) {
  ParamShapes p;
  p.weight = {c.out_channels, c.groups > 0 ? c.in_channels / c.groups : 0, c.kernel_h, c.kernel_w};
  if (c.bias) p.bias = {c.out_channels};
  return p;
}

ParamShapes param_shapes(const DenseSpec& d) {
  ParamShapes p;
  p.weight = {d.out_features, d.in_features};
  if (d.bias) p.bias = {d.out_features};
  return p;
}

ParamShapes param_shapes(const LayerSpec& spec) {
  if (spec.kind == LayerKind::Conv2d) return param_shapes(spec.conv);
  if (spec.kind == LayerKind::Dense) return param_shapes(spec.dense);
  return {};
}

Status conv2d_geometry(const Shape& in, const Conv2dSpec& s, Geometry* g) {
  CNN_RETURN_IF_ERROR(validate_conv(s));
  CNN_RETURN_IF_ERROR(need_nchw(in, "conv2d"));
  if (in.c() != s.in_channels)
    return Status::error("conv2d expects %d input channel%s (in_channels), but its input %s has %" PRId64,
                         s.in_channels, s.in_channels == 1 ? "" : "s", in.str().c_str(), in.c())
        .with_code("channels_do_not_match", {{"expected", s.in_channels}, {"got", in.c()}});
  Geometry r;
  r.in = in;
  r.kernel_h = s.kernel_h;
  r.kernel_w = s.kernel_w;
  r.stride_h = s.stride_h;
  r.stride_w = s.stride_w;
  r.dilation_h = s.dilation_h;
  r.dilation_w = s.dilation_w;
  const int64_t span_h = int64_t(s.dilation_h) * (s.kernel_h - 1) + 1;
  const int64_t span_w = int64_t(s.dilation_w) * (s.kernel_w - 1) + 1;
  if (s.padding == Padding::Explicit) {
    r.pad_top = r.pad_bottom = s.pad_h;
    r.pad_left = r.pad_right = s.pad_w;
  } else if (s.padding == Padding::Same) {
    // PyTorch: total = dilation*(k-1); the extra pixel of an odd total goes after.
    if (span_h - 1 > kMaxDim || span_w - 1 > kMaxDim)
      return Status::error("kernel spans more than %" PRId64 " pixels", kMaxDim);
    r.pad_top = int32_t((span_h - 1) / 2);
    r.pad_bottom = int32_t(span_h - 1 - r.pad_top);
    r.pad_left = int32_t((span_w - 1) / 2);
    r.pad_right = int32_t(span_w - 1 - r.pad_left);
  }
  const int64_t padded_h = in.h() + r.pad_top + r.pad_bottom;
  const int64_t padded_w = in.w() + r.pad_left + r.pad_right;
  if (span_h > padded_h) {
    if (s.dilation_h > 1)
      return Status::error("a %d-tall kernel with dilation %d spans %" PRId64 " pixels, but the padded input is only %" PRId64
                           " tall (height %" PRId64 " + padding %d + %d)",
                           s.kernel_h, s.dilation_h, span_h, padded_h, in.h(), r.pad_top, r.pad_bottom)
          .with_code("dilated_kernel_too_big", {{"axis", "height"}, {"kernel", s.kernel_h}, {"dilation", s.dilation_h},
                                                {"span", span_h}, {"padded", padded_h}, {"size", in.h()},
                                                {"pad_before", r.pad_top}, {"pad_after", r.pad_bottom}});
    return Status::error("a %d-tall kernel does not fit in the padded input, which is only %" PRId64
                         " tall (height %" PRId64 " + padding %d + %d)",
                         s.kernel_h, padded_h, in.h(), r.pad_top, r.pad_bottom)
        .with_code("kernel_too_big", {{"axis", "height"}, {"kernel", s.kernel_h}, {"padded", padded_h}, {"size", in.h()},
                                      {"pad_before", r.pad_top}, {"pad_after", r.pad_bottom}});
  }
  if (span_w > padded_w) {
    if (s.dilation_w > 1)
      return Status::error("a %d-wide kernel with dilation %d spans %" PRId64 " pixels, but the padded input is only %" PRId64
                           " wide (width %" PRId64 " + padding %d + %d)",
                           s.kernel_w, s.dilation_w, span_w, padded_w, in.w(), r.pad_left, r.pad_right)
          .with_code("dilated_kernel_too_big", {{"axis", "width"}, {"kernel", s.kernel_w}, {"dilation", s.dilation_w},
                                                {"span", span_w}, {"padded", padded_w}, {"size", in.w()},
                                                {"pad_before", r.pad_left}, {"pad_after", r.pad_right}});
    return Status::error("a %d-wide kernel does not fit in the padded input, which is only %" PRId64
                         " wide (width %" PRId64 " + padding %d + %d)",
                         s.kernel_w, padded_w, in.w(), r.pad_left, r.pad_right)
        .with_code("kernel_too_big", {{"axis", "width"}, {"kernel", s.kernel_w}, {"padded", padded_w}, {"size", in.w()},
                                      {"pad_before", r.pad_left}, {"pad_after", r.pad_right}});
  }
  const int64_t oh = (padded_h - span_h) / s.stride_h + 1;
  const int64_t ow = (padded_w - span_w) / s.stride_w + 1;
  r.unused_rows = padded_h - ((oh - 1) * s.stride_h + span_h);
  r.unused_cols = padded_w - ((ow - 1) * s.stride_w + span_w);
  const ParamShapes shapes = param_shapes(s);
  const int64_t per_filter = int64_t(s.in_channels / s.groups) * s.kernel_h * s.kernel_w;
  if (per_filter > kMaxElements || shapes.weight_count() > kMaxElements)
    return Status::error("%d filters of %dx%dx%d would hold more than %" PRId64 " weights",
                         s.out_channels, s.in_channels / s.groups, s.kernel_h, s.kernel_w, kMaxElements);
  r.weights = shapes.weight_count();
  r.params = r.weights + shapes.bias_count();
  CNN_RETURN_IF_ERROR(Shape::nchw(in.n(), s.out_channels, oh, ow, &r.out).with_context("conv2d output: "));
  r.macs = r.out.elements() * per_filter;
  *g = r;
  return Status::ok();
}

namespace {

Status pool_extent(const char* axis, const char* dir_tall, int64_t in, int32_t k, int32_t stride, int32_t pad, bool ceil_mode,
                   int64_t* out, int64_t* unused, int32_t* dropped) {
  const int64_t padded = in + 2 * int64_t(pad);
  // PyTorch's formula, its division rounding down: with ceil_mode a window
  // may overhang the padded input by up to stride - 1 (it is clipped to it).
  const int64_t span = padded - k + (ceil_mode ? stride - 1 : 0);
  if (span < 0) {
    if (ceil_mode)
      return Status::error("a %d-%s pooling window does not fit in the padded input, which is only %" PRId64
                           " %s, even with ceil_mode (a window may overhang it by stride - 1 = %d)",
                           k, dir_tall, padded, dir_tall, stride - 1)
          .with_code("pool_window_too_big", {{"axis", axis}, {"window", k}, {"padded", padded}, {"size", in},
                                             {"padding", pad}});
    return Status::error("a %d-%s pooling window does not fit in the padded input, which is only %" PRId64 " %s",
                         k, dir_tall, padded, dir_tall)
        .with_code("pool_window_too_big", {{"axis", axis}, {"window", k}, {"padded", padded}, {"size", in},
                                           {"padding", pad}});
  }
  int64_t o = span / stride + 1;
  // PyTorch: the last window must start inside the input or its left padding.
  *dropped = ceil_mode && (o - 1) * stride >= in + pad ? 1 : 0;
  o -= *dropped;
  *out = o;
  const int64_t covered = (o - 1) * stride + k;
  *unused = covered >= padded ? 0 : padded - covered;
  return Status::ok();
}

}  // namespace

Status pool2d_geometry(const Shape& in, const Pool2dSpec& s, bool is_max, Geometry* g) {
  CNN_RETURN_IF_ERROR(validate_pool(s));
  CNN_RETURN_IF_ERROR(need_nchw(in, is_max ? "maxpool2d" : "avgpool2d"));
  Geometry r;
  r.in = in;
  r.kernel_h = s.kernel_h;
  r.kernel_w = s.kernel_w;
  r.stride_h = s.stride_h == 0 ? s.kernel_h : s.stride_h;
  r.stride_w = s.stride_w == 0 ? s.kernel_w : s.stride_w;
  r.pad_top = r.pad_bottom = s.pad_h;
  r.pad_left = r.pad_right = s.pad_w;
  int64_t oh = 0, ow = 0;
  CNN_RETURN_IF_ERROR(pool_extent("height", "tall", in.h(), s.kernel_h, r.stride_h, s.pad_h, s.ceil_mode, &oh, &r.unused_rows,
                                  &r.dropped_rows));
  CNN_RETURN_IF_ERROR(pool_extent("width", "wide", in.w(), s.kernel_w, r.stride_w, s.pad_w, s.ceil_mode, &ow, &r.unused_cols,
                                  &r.dropped_cols));
  CNN_RETURN_IF_ERROR(Shape::nchw(in.n(), in.c(), oh, ow, &r.out));
  r.params = 0;
  r.macs = 0;
  *g = r;
  return Status::ok();
}

Status dense_geometry(const Shape& in, const DenseSpec& s, Geometry* g) {
  CNN_RETURN_IF_ERROR(validate_dense(s));
  if (in.rank() != 2)
    return Status::error("the dense layer needs a flat input of %d features, but its input is %s "
                         "(put a flatten layer before it)", s.in_features, in.str().c_str())
        .with_code("dense_needs_flat", {{"in_features", s.in_features}, {"shape", in.str()}});
  if (in.c() != s.in_features)
    return Status::error("the dense layer expects %d inputs (in_features), but gets %" PRId64,
                         s.in_features, in.c())
        .with_code("dense_in_features", {{"expected", s.in_features}, {"got", in.c()}});
  const ParamShapes shapes = param_shapes(s);
  if (shapes.weight_count() > kMaxElements)
    return Status::error("a %dx%d dense layer would hold more than %" PRId64 " weights",
                         s.out_features, s.in_features, kMaxElements);
  Geometry r;
  r.in = in;
  r.weights = shapes.weight_count();
  r.params = r.weights + shapes.bias_count();
  CNN_RETURN_IF_ERROR(Shape::nf(in.n(), s.out_features, &r.out));
  r.macs = in.n() * r.weights;
  *g = r;
  return Status::ok();
}

Status flatten_geometry(const Shape& in, Geometry* g) {
  if (in.empty()) return Status::error("flatten has no input");
  Geometry r;
  r.in = in;
  CNN_RETURN_IF_ERROR(Shape::nf(in.n(), in.per_sample(), &r.out));
  *g = r;
  return Status::ok();
}

Status elementwise_geometry(const Shape& in, Geometry* g) {
  if (in.empty()) return Status::error("the layer has no input");
  Geometry r;
  r.in = in;
  r.out = in;
  *g = r;
  return Status::ok();
}

Status layer_geometry(const Shape& in, const LayerSpec& spec, Geometry* g) {
  CNN_RETURN_IF_ERROR(validate_spec(spec));
  switch (spec.kind) {
    case LayerKind::Conv2d: return conv2d_geometry(in, spec.conv, g);
    case LayerKind::MaxPool2d: return pool2d_geometry(in, spec.pool, true, g);
    case LayerKind::AvgPool2d: return pool2d_geometry(in, spec.pool, false, g);
    case LayerKind::Dense: return dense_geometry(in, spec.dense, g);
    case LayerKind::Flatten: return flatten_geometry(in, g);
    case LayerKind::ReLU:
    case LayerKind::LeakyReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
    case LayerKind::Softmax: return elementwise_geometry(in, g);
  }
  return Status::error("unknown layer kind %d", static_cast<int>(spec.kind));
}

}  // namespace cnn
