// The C ABI exported to JavaScript: numbers and handles only.
//
// Every function that can fail returns a status (0 ok, -1 error) or a handle
// (> 0 ok, 0 error); the message of the last failure is cnn_last_error().
// Nothing here aborts on bad input: the wasm build has exceptions off, so
// every check is a value.
//
// A layer spec crosses the boundary as a record of kSpecFields doubles (see
// the table below; web/src/engine/spec.js writes the same layout). Doubles
// keep every int exact and let the engine refuse NaN, fractions and
// out-of-range numbers with a message instead of truncating them.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../explain.hpp"
#include "../geometry.hpp"
#include "../model_io.hpp"
#include "../network.hpp"
#include "../train.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define CNN_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define CNN_EXPORT extern "C"
#endif

using namespace cnn;

namespace {

enum SpecField {
  kKind = 0,
  kInChannels,
  kOutChannels,
  kKernelH,
  kKernelW,
  kStrideH,
  kStrideW,
  kPaddingMode,
  kPadH,
  kPadW,
  kDilationH,
  kDilationW,
  kGroups,
  kBias,
  kCeilMode,
  kCountIncludePad,
  kInFeatures,
  kOutFeatures,
  kNegativeSlope,
  kSpecFields = 20,
};

const char* const kFieldNames[kSpecFields] = {
    "kind",      "in_channels", "out_channels", "kernel_h",    "kernel_w",          "stride_h",
    "stride_w",  "padding",     "pad_h",        "pad_w",       "dilation_h",        "dilation_w",
    "groups",    "bias",        "ceil_mode",    "count_include_pad", "in_features", "out_features",
    "negative_slope", "reserved"};

std::string g_last_error;
std::vector<std::unique_ptr<Network>> g_nets;  // handle h -> g_nets[h - 1]
// The description of a network loaded from a model file (null otherwise), by handle as g_nets.
std::vector<std::unique_ptr<ModelInfo>> g_models;
// Trainers, handle t -> g_trainers[t - 1]; each belongs to one network handle
// and is destroyed with it.
struct TrainerSlot {
  std::unique_ptr<Trainer> trainer;
  int net = 0;
  StepStats last;
};
std::vector<std::unique_ptr<TrainerSlot>> g_trainers;

// Stores a network (and its model description, if loaded) under a new handle.
int add_net(std::unique_ptr<Network> net, std::unique_ptr<ModelInfo> info) {
  g_models.resize(g_nets.size());
  for (size_t i = 0; i < g_nets.size(); ++i)
    if (!g_nets[i]) {
      g_nets[i] = std::move(net);
      g_models[i] = std::move(info);
      return int(i + 1);
    }
  g_nets.push_back(std::move(net));
  g_models.push_back(std::move(info));
  return int(g_nets.size());
}

int fail(const Status& st) {
  g_last_error = st.message();
  return -1;
}

Status int_field(const double* r, int f, int32_t* out) {
  const double v = r[f];
  if (!std::isfinite(v) || v != std::floor(v) || v < -2147483648.0 || v > 2147483647.0)
    return Status::error("%s must be a whole number, got %g", kFieldNames[f], v);
  *out = int32_t(v);
  return Status::ok();
}

Status decode_spec(const double* r, LayerSpec* out) {
  if (!r) return Status::error("no layer spec given");
  int32_t v[kSpecFields] = {0};
  for (int f = 0; f < kNegativeSlope; ++f) CNN_RETURN_IF_ERROR(int_field(r, f, &v[f]));
  if (!kind_is_valid(v[kKind])) return Status::error("unknown layer kind %d", v[kKind]);
  LayerSpec s;
  s.kind = LayerKind(v[kKind]);
  s.conv.in_channels = v[kInChannels];
  s.conv.out_channels = v[kOutChannels];
  s.conv.kernel_h = s.pool.kernel_h = v[kKernelH];
  s.conv.kernel_w = s.pool.kernel_w = v[kKernelW];
  s.conv.stride_h = s.pool.stride_h = v[kStrideH];
  s.conv.stride_w = s.pool.stride_w = v[kStrideW];
  s.conv.padding = Padding(v[kPaddingMode]);
  s.conv.pad_h = s.pool.pad_h = v[kPadH];
  s.conv.pad_w = s.pool.pad_w = v[kPadW];
  s.conv.dilation_h = v[kDilationH];
  s.conv.dilation_w = v[kDilationW];
  s.conv.groups = v[kGroups];
  s.conv.bias = s.dense.bias = v[kBias] != 0;
  s.pool.ceil_mode = v[kCeilMode] != 0;
  s.pool.count_include_pad = v[kCountIncludePad] != 0;
  s.dense.in_features = v[kInFeatures];
  s.dense.out_features = v[kOutFeatures];
  if (!std::isfinite(r[kNegativeSlope])) return Status::error("negative_slope must be a finite number");
  s.negative_slope = float(r[kNegativeSlope]);
  *out = s;
  return Status::ok();
}

Status get_net(int h, Network** out) {
  if (h < 1 || size_t(h) > g_nets.size() || !g_nets[size_t(h - 1)])
    return Status::error("there is no network with handle %d (destroyed, or never created)", h);
  *out = g_nets[size_t(h - 1)].get();
  return Status::ok();
}

Status make_shape(int n, int c, int h, int w, Shape* s) {
  // c/h/w of 0 with h == w == 0 means a flat N,F input of c features.
  if (h == 0 && w == 0) return Shape::nf(n, c, s);
  return Shape::nchw(n, c, h, w, s);
}

// Geometry as doubles: [params, weights, macs, pad_top, pad_bottom, pad_left,
// pad_right, unused_rows, unused_cols, out_rank, out_n, out_c, out_h, out_w,
// kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w,
// dropped_rows, dropped_cols]
constexpr int kInfoFields = 22;
void write_info(const Geometry& g, double* out) {
  const double v[kInfoFields] = {double(g.params),      double(g.weights),     double(g.macs),
                                 double(g.pad_top),     double(g.pad_bottom),  double(g.pad_left),
                                 double(g.pad_right),   double(g.unused_rows), double(g.unused_cols),
                                 double(g.out.rank()),  double(g.out.n()),     double(g.out.c()),
                                 double(g.out.h()),     double(g.out.w()),     double(g.kernel_h),
                                 double(g.kernel_w),    double(g.stride_h),    double(g.stride_w),
                                 double(g.dilation_h),  double(g.dilation_w),  double(g.dropped_rows),
                                 double(g.dropped_cols)};
  std::memcpy(out, v, sizeof v);
}

}  // namespace

CNN_EXPORT const char* cnn_last_error() { return g_last_error.c_str(); }
CNN_EXPORT const char* cnn_version() { return CNN_VERSION; }
CNN_EXPORT const char* cnn_simd_arch() { return xsimd::default_arch::name(); }
CNN_EXPORT int cnn_simd_width() { return int(xsimd::batch<float>::size); }
CNN_EXPORT int cnn_spec_fields() { return kSpecFields; }
CNN_EXPORT int cnn_info_fields() { return kInfoFields; }

// ---- one layer on its own (the lab) -----------------------------------------

// Geometry of one layer for an input shape; writes kInfoFields doubles.
CNN_EXPORT int cnn_layer_geometry(const double* record, int n, int c, int h, int w, double* info_out) {
  LayerSpec s;
  Status st = decode_spec(record, &s);
  if (!st) return fail(st);
  Shape in;
  st = make_shape(n, c, h, w, &in);
  if (!st) return fail(st.with_context("input: "));
  Geometry g;
  st = layer_geometry(in, s, &g);
  if (!st) return fail(st);
  if (info_out) write_info(g, info_out);
  return 0;
}

// One output cell of one conv or pooling layer, explained (engine/explain.hpp).
// Returns the number of terms (or -1) and writes kExplainFields doubles:
// [kind, sum, bias, has_bias, output, winner, divisor, window_y, window_x,
//  window_h, window_w, terms]. The terms, kTermFields doubles each
// [channel, y, x, ky, kx, padding, value, weight, product], are at
// cnn_explain_terms() until the next explain call. Pooling takes no weight
// or bias (null, count 0).
namespace {
constexpr int kExplainFields = 12;
constexpr int kTermFields = 9;
std::vector<double> g_explain_terms;
}  // namespace

CNN_EXPORT int cnn_explain_fields() { return kExplainFields; }
CNN_EXPORT int cnn_explain_term_fields() { return kTermFields; }
CNN_EXPORT const double* cnn_explain_terms() { return g_explain_terms.data(); }

CNN_EXPORT int cnn_explain_cell(const double* record, int n, int c, int h, int w, const float* input,
                                int input_count, const float* weight, int weight_count, const float* bias,
                                int bias_count, int cell_n, int cell_c, int cell_y, int cell_x, double* summary_out) {
  LayerSpec s;
  Status st = decode_spec(record, &s);
  if (!st) return fail(st);
  Shape in;
  st = make_shape(n, c, h, w, &in);
  if (!st) return fail(st.with_context("input: "));
  CellExplanation e;
  st = explain_cell(in, s, input, input_count, weight, weight_count, bias, bias_count, cell_n, cell_c, cell_y, cell_x,
                    &e);
  if (!st) return fail(st);
  g_explain_terms.assign(e.terms.size() * kTermFields, 0.0);
  double* t = g_explain_terms.data();
  for (const ExplainTerm& term : e.terms) {
    const double v[kTermFields] = {double(term.channel), double(term.y),      double(term.x),
                                   double(term.ky),      double(term.kx),     term.padding ? 1.0 : 0.0,
                                   double(term.value),   double(term.weight), double(term.product)};
    std::memcpy(t, v, sizeof v);
    t += kTermFields;
  }
  if (summary_out) {
    const double v[kExplainFields] = {double(int32_t(e.kind)), double(e.sum),      double(e.bias),
                                      e.has_bias ? 1.0 : 0.0, double(e.output),   double(e.winner),
                                      double(e.divisor),      double(e.window_y), double(e.window_x),
                                      double(e.window_h),     double(e.window_w), double(e.terms.size())};
    std::memcpy(summary_out, v, sizeof v);
  }
  return int(e.terms.size());
}

// ---- networks ---------------------------------------------------------------------

CNN_EXPORT int cnn_net_create(const double* records, int count) {
  if (count < 0 || count > 4096) return fail(Status::error("layer count %d is out of range", count)), 0;
  std::vector<LayerSpec> specs;
  for (int i = 0; i < count; ++i) {
    LayerSpec s;
    const Status st = decode_spec(records + size_t(i) * kSpecFields, &s);
    if (!st) return fail(st.with_context("layer " + std::to_string(i) + ": ")), 0;
    specs.push_back(s);
  }
  std::unique_ptr<Network> net;
  const Status st = Network::create(specs, &net);
  if (!st) return fail(st), 0;
  return add_net(std::move(net), nullptr);
}

CNN_EXPORT void cnn_net_destroy(int h) {
  if (h < 1 || size_t(h) > g_nets.size()) return;
  for (auto& t : g_trainers)
    if (t && t->net == h) t.reset();  // a trainer never outlives its network
  g_nets[size_t(h - 1)].reset();
  if (size_t(h) <= g_models.size()) g_models[size_t(h - 1)].reset();
}

CNN_EXPORT int cnn_net_num_layers(int h) {
  Network* net;
  const Status st = get_net(h, &net);
  return st ? net->num_layers() : fail(st);
}

CNN_EXPORT int cnn_net_plan(int h, int n, int c, int hh, int w) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  Shape in;
  st = make_shape(n, c, hh, w, &in);
  if (!st) return fail(st.with_context("input: "));
  st = net->plan(in);
  return st ? 0 : fail(st);
}

CNN_EXPORT float* cnn_net_input(int h) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st), nullptr;
  if (!net->planned()) return fail(Status::error("the network has no input shape yet: plan it first")), nullptr;
  return net->input();
}

CNN_EXPORT int cnn_net_forward(int h) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  st = net->forward();
  return st ? 0 : fail(st);
}

// Layer i's output (i = -1: the input). Writes [rank, d0, d1, d2, d3] to dims.
CNN_EXPORT float* cnn_net_activation(int h, int i, int* dims) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st), nullptr;
  if (!net->planned()) return fail(Status::error("the network has no input shape yet: plan it first")), nullptr;
  if (i < -1 || i >= net->num_layers())
    return fail(Status::error("layer %d does not exist (the network has %d layers)", i, net->num_layers())), nullptr;
  const TensorView v = net->activation(i);
  if (dims) {
    dims[0] = v.shape.rank();
    for (int k = 0; k < 4; ++k) dims[1 + k] = k < v.shape.rank() ? int(v.shape.dim(k)) : 1;
  }
  return v.data;
}

// Geometry of layer i for the planned input (kInfoFields doubles) plus its last time in ms.
CNN_EXPORT int cnn_net_layer_info(int h, int i, double* info_out, double* ms_out) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (i < 0 || i >= net->num_layers())
    return fail(Status::error("layer %d does not exist (the network has %d layers)", i, net->num_layers()));
  if (!net->planned()) return fail(Status::error("the network has no input shape yet: plan it first"));
  if (info_out) write_info(net->geometry(i), info_out);
  if (ms_out) *ms_out = net->layer_ms(i);
  return 0;
}

CNN_EXPORT int cnn_net_layer_kind(int h, int i) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (i < 0 || i >= net->num_layers()) return fail(Status::error("layer %d does not exist", i));
  return int(net->spec(i).kind);
}

CNN_EXPORT const char* cnn_net_kernel_name(int h, int i) {
  Network* net;
  if (!get_net(h, &net) || i < 0 || i >= net->num_layers()) return "";
  return net->kernel_name(i);
}

CNN_EXPORT float* cnn_net_params(int h) {
  Network* net;
  const Status st = get_net(h, &net);
  return st ? net->params() : (fail(st), nullptr);
}

CNN_EXPORT double cnn_net_param_count(int h) {
  Network* net;
  const Status st = get_net(h, &net);
  return st ? double(net->param_count()) : double(fail(st));
}

// Offsets (in floats, into cnn_net_params) and counts of layer i's weight and bias.
CNN_EXPORT int cnn_net_param_layout(int h, int i, double* out4) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (i < 0 || i >= net->num_layers()) return fail(Status::error("layer %d does not exist", i));
  out4[0] = double(net->weight_offset(i));
  out4[1] = double(net->weight_count(i));
  out4[2] = double(net->bias_offset(i));
  out4[3] = double(net->bias_count(i));
  return 0;
}

CNN_EXPORT int cnn_net_params_changed(int h) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st);
  net->params_changed();
  return 0;
}

CNN_EXPORT int cnn_net_init_params(int h, double seed) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (!std::isfinite(seed) || seed < 0) return fail(Status::error("seed must be a non-negative number"));
  net->init_params(uint64_t(seed));
  return 0;
}

CNN_EXPORT int cnn_net_set_variant(int h, int variant) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (variant != 0 && variant != 1) return fail(Status::error("variant must be 0 (ref) or 1 (simd), got %d", variant));
  st = net->set_variant(Variant(variant));
  return st ? 0 : fail(st);
}

CNN_EXPORT int cnn_net_set_profiling(int h, int on) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st);
  net->set_profiling(on != 0);
  return 0;
}

// Bytes of wasm memory the engine holds (heap size), for diagnostics.
CNN_EXPORT double cnn_heap_bytes() {
#ifdef __EMSCRIPTEN__
  return double(__builtin_wasm_memory_size(0)) * 65536.0;
#else
  return 0.0;
#endif
}

// Allocation helpers for the JS client (return 0 when memory cannot grow).
CNN_EXPORT void* cnn_alloc(double bytes) {
  if (!(bytes >= 0) || bytes > 1.5e9) {
    fail(Status::error("cannot allocate %.0f bytes", bytes));
    return nullptr;
  }
  void* p = std::malloc(size_t(bytes) + (bytes == 0));
  if (!p) fail(Status::error("out of memory: could not allocate %.1f MB", bytes / 1048576.0));
  return p;
}
CNN_EXPORT void cnn_free(void* p) { std::free(p); }

// ---- model files ------------------------------------------------------------------
// A model file (engine/model_io.hpp) loads from bytes into a new network; its
// description (input shape, labels, metadata) is read back with the readers
// below. A file with any fault gives 0 and the loader's message.

namespace {

Status get_model(int h, const ModelInfo** out) {
  Network* net;
  CNN_RETURN_IF_ERROR(get_net(h, &net));
  if (size_t(h) > g_models.size() || !g_models[size_t(h - 1)])
    return Status::error("network %d was not loaded from a model file, so it has no description", h);
  *out = g_models[size_t(h - 1)].get();
  return Status::ok();
}

// The inverse of decode_spec: the fields of the spec's own kind, the rest at
// their defaults.
void encode_spec(const LayerSpec& s, double* r) {
  for (int f = 0; f < kSpecFields; ++f) r[f] = 0.0;
  r[kKind] = double(int32_t(s.kind));
  r[kInChannels] = r[kOutChannels] = 1;
  r[kDilationH] = r[kDilationW] = r[kGroups] = 1;
  r[kInFeatures] = r[kOutFeatures] = 1;
  r[kBias] = 1;
  r[kCountIncludePad] = 1;
  r[kNegativeSlope] = 0.01;
  switch (s.kind) {
    case LayerKind::Conv2d: {
      const Conv2dSpec& c = s.conv;
      r[kInChannels] = c.in_channels;
      r[kOutChannels] = c.out_channels;
      r[kKernelH] = c.kernel_h;
      r[kKernelW] = c.kernel_w;
      r[kStrideH] = c.stride_h;
      r[kStrideW] = c.stride_w;
      r[kPaddingMode] = double(int32_t(c.padding));
      r[kPadH] = c.pad_h;
      r[kPadW] = c.pad_w;
      r[kDilationH] = c.dilation_h;
      r[kDilationW] = c.dilation_w;
      r[kGroups] = c.groups;
      r[kBias] = c.bias ? 1 : 0;
      break;
    }
    case LayerKind::MaxPool2d:
    case LayerKind::AvgPool2d: {
      const Pool2dSpec& p = s.pool;
      r[kKernelH] = p.kernel_h;
      r[kKernelW] = p.kernel_w;
      r[kStrideH] = p.stride_h;
      r[kStrideW] = p.stride_w;
      r[kPadH] = p.pad_h;
      r[kPadW] = p.pad_w;
      r[kCeilMode] = p.ceil_mode ? 1 : 0;
      r[kCountIncludePad] = p.count_include_pad ? 1 : 0;
      break;
    }
    case LayerKind::Dense:
      r[kInFeatures] = s.dense.in_features;
      r[kOutFeatures] = s.dense.out_features;
      r[kBias] = s.dense.bias ? 1 : 0;
      break;
    case LayerKind::LeakyReLU: r[kNegativeSlope] = double(s.negative_slope); break;
    default: break;
  }
}

std::vector<uint8_t> g_saved_model;

}  // namespace

// Loads a model file from `len` bytes; returns a network handle, or 0.
CNN_EXPORT int cnn_net_load_model(const uint8_t* bytes, int len) {
  if (len < 0 || (!bytes && len > 0)) return fail(Status::error("no model bytes given")), 0;
  std::unique_ptr<Network> net;
  std::unique_ptr<ModelInfo> info(new ModelInfo());
  const Status st = load_model(bytes, size_t(len), &net, info.get());
  if (!st) return fail(st), 0;
  return add_net(std::move(net), std::move(info));
}

// The input shape of one sample of a loaded model: writes [c, h, w].
CNN_EXPORT int cnn_net_model_input(int h, int* chw) {
  const ModelInfo* m;
  const Status st = get_model(h, &m);
  if (!st) return fail(st);
  chw[0] = m->in_c;
  chw[1] = m->in_h;
  chw[2] = m->in_w;
  return 0;
}

CNN_EXPORT int cnn_net_label_count(int h) {
  const ModelInfo* m;
  const Status st = get_model(h, &m);
  return st ? int(m->labels.size()) : fail(st);
}

// Label i of a loaded model (UTF-8), or "" when out of range.
CNN_EXPORT const char* cnn_net_label(int h, int i) {
  const ModelInfo* m;
  if (!get_model(h, &m) || i < 0 || size_t(i) >= m->labels.size()) return "";
  return m->labels[size_t(i)].c_str();
}

CNN_EXPORT int cnn_net_meta_count(int h) {
  const ModelInfo* m;
  const Status st = get_model(h, &m);
  return st ? int(m->metadata.size()) : fail(st);
}

CNN_EXPORT const char* cnn_net_meta_key(int h, int i) {
  const ModelInfo* m;
  if (!get_model(h, &m) || i < 0 || size_t(i) >= m->metadata.size()) return "";
  return m->metadata[size_t(i)].first.c_str();
}

CNN_EXPORT const char* cnn_net_meta_value(int h, int i) {
  const ModelInfo* m;
  if (!get_model(h, &m) || i < 0 || size_t(i) >= m->metadata.size()) return "";
  return m->metadata[size_t(i)].second.c_str();
}

// The network's layer specs as records (num_layers x kSpecFields doubles).
CNN_EXPORT int cnn_net_specs(int h, double* records) {
  Network* net;
  const Status st = get_net(h, &net);
  if (!st) return fail(st);
  if (!records) return fail(Status::error("no buffer for the specs"));
  for (int i = 0; i < net->num_layers(); ++i) encode_spec(net->spec(i), records + size_t(i) * kSpecFields);
  return net->num_layers();
}

// Serialises a network to a model file; returns its size in bytes (the bytes
// are at cnn_saved_model() until the next save), or -1. A loaded model keeps
// its description; another network takes its input shape from its plan.
CNN_EXPORT int cnn_net_save_model(int h, int float16) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st);
  ModelInfo info;
  if (size_t(h) <= g_models.size() && g_models[size_t(h - 1)]) {
    info = *g_models[size_t(h - 1)];
  } else {
    if (!net->planned() || net->input_shape().rank() != 4)
      return fail(Status::error("plan the network for an image input first: the model file records its input shape"));
    info.in_c = int32_t(net->input_shape().c());
    info.in_h = int32_t(net->input_shape().h());
    info.in_w = int32_t(net->input_shape().w());
  }
  SaveOptions o;
  o.float16 = float16 != 0;
  std::vector<uint8_t> bytes;
  st = save_model(*net, info, o, &bytes);
  if (!st) return fail(st);
  if (bytes.size() > 0x7FFFFFFF) return fail(Status::error("the model file would exceed 2 GB"));
  g_saved_model = std::move(bytes);
  return int(g_saved_model.size());
}

CNN_EXPORT const uint8_t* cnn_saved_model() { return g_saved_model.data(); }

// ---- training -------------------------------------------------------------------------
// A trainer updates a network's parameters by softmax cross-entropy
// (engine/train.hpp); it is destroyed with its network.

namespace {

Status get_trainer(int t, TrainerSlot** out) {
  if (t < 1 || size_t(t) > g_trainers.size() || !g_trainers[size_t(t - 1)])
    return Status::error("there is no trainer with handle %d (destroyed, or its network was)", t);
  *out = g_trainers[size_t(t - 1)].get();
  return Status::ok();
}

}  // namespace

// optimizer: 0 SGD (momentum, weight_decay), 1 Adam (beta1, beta2, eps, weight_decay).
// Returns a trainer handle, or 0.
CNN_EXPORT int cnn_trainer_create(int h, int optimizer, double lr, double momentum, double weight_decay, double beta1,
                                  double beta2, double eps) {
  Network* net;
  Status st = get_net(h, &net);
  if (!st) return fail(st), 0;
  if (optimizer != 0 && optimizer != 1)
    return fail(Status::error("optimizer must be 0 (sgd) or 1 (adam), got %d", optimizer)), 0;
  OptimizerConfig c = optimizer == 1 ? OptimizerConfig::adam(float(lr), float(weight_decay), float(beta1),
                                                             float(beta2), float(eps))
                                     : OptimizerConfig::sgd(float(lr), float(momentum), float(weight_decay));
  std::unique_ptr<TrainerSlot> slot(new TrainerSlot());
  st = Trainer::create(net, c, &slot->trainer);
  if (!st) return fail(st), 0;
  slot->net = h;
  for (size_t i = 0; i < g_trainers.size(); ++i)
    if (!g_trainers[i]) {
      g_trainers[i] = std::move(slot);
      return int(i + 1);
    }
  g_trainers.push_back(std::move(slot));
  return int(g_trainers.size());
}

CNN_EXPORT void cnn_trainer_destroy(int t) {
  if (t >= 1 && size_t(t) <= g_trainers.size()) g_trainers[size_t(t - 1)].reset();
}

// schedule: 0 constant, 1 step (gamma every step_size steps), 2 cosine (to
// min_lr at total_steps); each after `warmup` linear warm-up steps.
CNN_EXPORT int cnn_trainer_set_schedule(int t, int kind, double warmup, double step_size, double gamma,
                                        double total_steps, double min_lr) {
  TrainerSlot* s;
  Status st = get_trainer(t, &s);
  if (!st) return fail(st);
  if (kind < 0 || kind > 2) return fail(Status::error("schedule must be 0 (constant), 1 (step) or 2 (cosine), got %d", kind));
  for (double v : {warmup, step_size, total_steps})
    if (!std::isfinite(v) || v < 0 || v > 9e15 || v != std::floor(v))
      return fail(Status::error("schedule step counts must be whole numbers, got %g", v));
  LrSchedule sch;
  sch.kind = LrSchedule::Kind(kind);
  sch.warmup_steps = int64_t(warmup);
  sch.step_size = int64_t(step_size);
  sch.gamma = float(gamma);
  sch.total_steps = int64_t(total_steps);
  sch.min_lr = float(min_lr);
  st = s->trainer->set_schedule(sch);
  return st ? 0 : fail(st);
}

// One step on n samples: inputs are n x the network's per-sample input
// (c, h, w), labels n class indices. Plans the network for n if needed.
// Returns the batch's mean loss (before the update), or -1.
CNN_EXPORT double cnn_trainer_step(int t, const float* inputs, const int32_t* labels, int n, int c, int h, int w) {
  TrainerSlot* s;
  Status st = get_trainer(t, &s);
  if (!st) return fail(st);
  Network& net = s->trainer->network();
  Shape want;
  st = make_shape(n, c, h, w, &want);
  if (!st) return fail(st.with_context("input: "));
  if (!net.planned() || net.input_shape() != want) {
    st = s->trainer->plan(want);
    if (!st) return fail(st);
  }
  StepStats stats;
  st = s->trainer->step(inputs, labels, n, &stats);
  if (!st) return fail(st);
  s->last = stats;
  return stats.loss;
}

// Of the last step: samples classified right before the update.
CNN_EXPORT int cnn_trainer_last_correct(int t) {
  TrainerSlot* s;
  const Status st = get_trainer(t, &s);
  return st ? int(s->last.correct) : fail(st);
}

CNN_EXPORT double cnn_trainer_steps(int t) {
  TrainerSlot* s;
  const Status st = get_trainer(t, &s);
  return st ? double(s->trainer->steps()) : double(fail(st));
}
