// Networks: created from spec records, planned for an input shape, run, and
// read back (activations, geometry, parameters, specs).
#include <cmath>
#include <cstdint>

#include "../schema.hpp"
#include "boundary.hpp"

using namespace cnn;
using namespace cnn::wasm;

namespace {
void write_param_shapes(const LayerSpec& spec, double* out6) {
  const ParamShapes p = param_shapes(spec);
  out6[0] = double(p.weight.size());
  for (size_t k = 0; k < 4; ++k) out6[1 + k] = k < p.weight.size() ? double(p.weight[k]) : 1.0;
  out6[5] = double(p.bias_count());
}
}  // namespace

// A network from `count` spec records (spec_record_size() doubles each); returns its handle, or 0.
CNN_EXPORT int cnn_net_create(const double* records, int count) {
  if (count < 0 || count > 4096) return fail(Status::error("layer count %d is out of range", count)), 0;
  if (count > 0 && !records) return fail(Status::error("no layer specs given")), 0;
  std::vector<LayerSpec> specs(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const Status st = decode_spec_record(records + size_t(i) * size_t(spec_record_size()), &specs[size_t(i)]);
    if (!st) return fail(st.with_context("layer " + std::to_string(i) + ": ")), 0;
  }
  std::unique_ptr<NetSlot> slot(new NetSlot());
  const Status st = Network::create(specs, &slot->net);
  if (!st) return fail(st), 0;
  return networks().add(std::move(slot));
}

CNN_EXPORT void cnn_net_destroy(int h) {
  trainers().remove_if([h](const TrainerSlot& t) { return t.net == h; });  // a trainer never outlives its network
  networks().remove(h);
}

CNN_EXPORT int cnn_net_num_layers(int h) {
  return net_value(h, -1, [](NetSlot& s, int* out) {
    *out = s.net->num_layers();
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_plan(int h, int n, int c, int hh, int w) {
  return with_net(h, [&](NetSlot& s) {
    Shape in;
    CNN_RETURN_IF_ERROR(shape_arg(n, c, hh, w, &in));
    return s.net->plan(in);
  });
}

CNN_EXPORT float* cnn_net_input(int h) {
  return net_value(h, static_cast<float*>(nullptr), [](NetSlot& s, float** out) {
    CNN_RETURN_IF_ERROR(planned_arg(*s.net));
    *out = s.net->input();
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_forward(int h) {
  return with_net(h, [](NetSlot& s) { return s.net->forward(); });
}

// Layer i's output (i = -1: the input). Writes [rank, d0, d1, d2, d3] to dims.
CNN_EXPORT float* cnn_net_activation(int h, int i, int* dims) {
  return net_value(h, static_cast<float*>(nullptr), [&](NetSlot& s, float** out) {
    CNN_RETURN_IF_ERROR(planned_arg(*s.net));
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i, /*input_allowed=*/true));
    const TensorView v = s.net->activation(i);
    if (dims) {
      dims[0] = v.shape.rank();
      for (int k = 0; k < 4; ++k) dims[1 + k] = k < v.shape.rank() ? int(v.shape.dim(k)) : 1;
    }
    *out = v.data;
    return Status::ok();
  });
}

// Geometry of layer i for the planned input (geometry_record()) plus its last time in ms.
CNN_EXPORT int cnn_net_layer_info(int h, int i, double* info_out, double* ms_out) {
  return with_net(h, [&](NetSlot& s) {
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i));
    CNN_RETURN_IF_ERROR(planned_arg(*s.net));
    if (info_out) write_record(geometry_record(), s.net->geometry(i), info_out);
    if (ms_out) *ms_out = s.net->layer_ms(i);
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_layer_kind(int h, int i) {
  return net_value(h, -1, [&](NetSlot& s, int* out) {
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i));
    *out = int(s.net->spec(i).kind);
    return Status::ok();
  });
}

CNN_EXPORT const char* cnn_net_kernel_name(int h, int i) {
  return net_value(h, "", [&](NetSlot& s, const char** out) {
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i));
    *out = s.net->kernel_name(i);
    return Status::ok();
  });
}

// The network's layer specs as records (num_layers x spec_record_size() doubles).
CNN_EXPORT int cnn_net_specs(int h, double* records) {
  return net_value(h, -1, [&](NetSlot& s, int* out) {
    if (!records) return Status::error("no buffer for the specs");
    for (int i = 0; i < s.net->num_layers(); ++i)
      encode_spec_record(s.net->spec(i), records + size_t(i) * size_t(spec_record_size()));
    *out = s.net->num_layers();
    return Status::ok();
  });
}

CNN_EXPORT float* cnn_net_params(int h) {
  return net_value(h, static_cast<float*>(nullptr), [](NetSlot& s, float** out) {
    *out = s.net->params();
    return Status::ok();
  });
}

CNN_EXPORT double cnn_net_param_count(int h) {
  return net_value(h, -1.0, [](NetSlot& s, double* out) {
    *out = double(s.net->param_count());
    return Status::ok();
  });
}

// Offsets (in floats, into cnn_net_params) and counts of layer i's weight and bias.
CNN_EXPORT int cnn_net_param_layout(int h, int i, double* out4) {
  return with_net(h, [&](NetSlot& s) {
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i));
    out4[0] = double(s.net->weight_offset(i));
    out4[1] = double(s.net->weight_count(i));
    out4[2] = double(s.net->bias_offset(i));
    out4[3] = double(s.net->bias_count(i));
    return Status::ok();
  });
}

// The PyTorch shapes of layer i's weight and bias, as cnn_param_shapes writes them.
CNN_EXPORT int cnn_net_param_shapes(int h, int i, double* out6) {
  return with_net(h, [&](NetSlot& s) {
    CNN_RETURN_IF_ERROR(layer_index_arg(*s.net, i));
    write_param_shapes(s.net->spec(i), out6);
    return Status::ok();
  });
}

// A lone layer's parameter shapes, from its spec record alone (no network, no input shape).
CNN_EXPORT int cnn_param_shapes(const double* record, double* out6) {
  LayerSpec s;
  const Status st = decode_spec_record(record, &s);
  if (!st) return fail(st);
  write_param_shapes(s, out6);
  return 0;
}

CNN_EXPORT int cnn_net_params_changed(int h) {
  return with_net(h, [](NetSlot& s) {
    s.net->params_changed();
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_init_params(int h, double seed) {
  return with_net(h, [&](NetSlot& s) {
    if (!(seed >= 0 && seed < 18446744073709551616.0 && seed == std::floor(seed)))
      return Status::error("seed must be a whole number from 0, got %s", exact_number(seed).c_str());
    s.net->init_params(uint64_t(seed));
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_set_variant(int h, int variant) {
  return with_net(h, [&](NetSlot& s) {
    if (variant != 0 && variant != 1)
      return Status::error("variant must be 0 (ref) or 1 (simd), got %d", variant);
    return s.net->set_variant(Variant(variant));
  });
}

CNN_EXPORT int cnn_net_set_profiling(int h, int on) {
  return with_net(h, [&](NetSlot& s) {
    s.net->set_profiling(on != 0);
    return Status::ok();
  });
}
