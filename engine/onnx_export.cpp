#include "onnx_export.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "geometry.hpp"
#include "json.hpp"
#include "onnx_proto.hpp"

namespace cnn {

namespace {

using onnx::ProtoWriter;

// Metadata that describes the file a model was imported from, not the model.
const char* const kImportOnlyKeys[] = {"source", "producer", "opset", "onnx_graph", "output"};

using A = onnx::AttributeProto;

// An attribute of a node: its name and type, the value to be added.
ProtoWriter attr(const char* name, A::Type type) {
  ProtoWriter a;
  a.str(A::name, name).num(A::type, type);
  return a;
}

ProtoWriter ints_attr(const char* name, const std::vector<int64_t>& v) {
  ProtoWriter a = attr(name, A::kInts);
  for (int64_t x : v) a.num(A::ints, x);
  return a;
}

ProtoWriter int_attr(const char* name, int64_t v) { return attr(name, A::kInt).num(A::i, v); }
ProtoWriter float_attr(const char* name, float v) { return attr(name, A::kFloat).f32(A::f, v); }
ProtoWriter string_attr(const char* name, const std::string& v) { return attr(name, A::kString).str(A::s, v); }
ProtoWriter tensor_attr(const char* name, const ProtoWriter& t) { return attr(name, A::kTensor).msg(A::t, t); }

// A 1-d int64 tensor (the amounts of a Pad), as a Constant node's value.
ProtoWriter int64_tensor(const std::vector<int64_t>& v) {
  using T = onnx::TensorProto;
  ProtoWriter t;
  t.num(T::dims, int64_t(v.size())).num(T::data_type, onnx::kInt64);
  for (int64_t x : v) t.num(T::int64_data, x);
  return t;
}

// A float32 initializer, its values as little-endian raw data.
ProtoWriter float_tensor(const std::string& name, const std::vector<int64_t>& dims, const float* v, int64_t count) {
  using T = onnx::TensorProto;
  ProtoWriter t;
  for (int64_t d : dims) t.num(T::dims, d);
  t.num(T::data_type, onnx::kFloat).str(T::name, name);
  std::vector<uint8_t> raw(size_t(count) * 4);
  for (int64_t i = 0; i < count; ++i) {
    uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int b = 0; b < 4; ++b) raw[size_t(i) * 4 + size_t(b)] = uint8_t(u >> (8 * b));
  }
  t.bytes(T::raw_data, raw.data(), raw.size());
  return t;
}

// A float32 tensor value: its name and shape, the first dimension the named batch "N".
ProtoWriter value_info(const std::string& name, const Shape& s) {
  using D = onnx::TensorShapeProto::Dimension;
  ProtoWriter shape;
  shape.msg(onnx::TensorShapeProto::dim, ProtoWriter().str(D::dim_param, "N"));
  for (int i = 1; i < s.rank(); ++i) shape.msg(onnx::TensorShapeProto::dim, ProtoWriter().num(D::dim_value, s.dim(i)));
  ProtoWriter tensor;
  tensor.num(onnx::TypeProto::Tensor::elem_type, onnx::kFloat).msg(onnx::TypeProto::Tensor::shape, shape);
  ProtoWriter v;
  v.str(onnx::ValueInfoProto::name, name).msg(onnx::ValueInfoProto::type, ProtoWriter().msg(onnx::TypeProto::tensor_type, tensor));
  return v;
}

ProtoWriter entry(const std::string& key, const std::string& value) {
  ProtoWriter e;
  e.str(onnx::StringStringEntryProto::key, key).str(onnx::StringStringEntryProto::value, value);
  return e;
}

// The shortest decimal that the importer reads back as the same float32
// (0.1307, not 0.130700007).
std::string shortest(float v) {
  char buf[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(v));
    double back = 0;
    if (read_decimal(buf, &back) && float(back) == v) break;
  }
  return buf;
}

}  // namespace

Status export_onnx(const Network& net, const ModelInfo& info, std::vector<uint8_t>* out) {
  using N = onnx::NodeProto;
  using G = onnx::GraphProto;
  using M = onnx::ModelProto;
  Shape shape;
  CNN_RETURN_IF_ERROR(Shape::nchw(1, info.in_c, info.in_h, info.in_w, &shape).with_context("the model's input shape: "));
  const Shape input_shape = shape;
  if (net.num_layers() < 1) return Status::error("the network has no layers");

  ProtoWriter graph;
  std::string x = "input";  // the data, as it leaves the last node written
  for (int i = 0; i < net.num_layers(); ++i) {
    const LayerSpec& s = net.spec(i);
    Geometry g;
    CNN_RETURN_IF_ERROR(layer_geometry(shape, s, &g).with_context(layer_context(i, s.kind)));
    const std::string prefix = "/" + std::to_string(i) + "/";
    const bool last = i + 1 == net.num_layers();
    // A node of layer i; the layer's own (last) node gives the graph's output after the last layer.
    auto emit = [&](const std::string& op, const std::vector<std::string>& inputs, const std::vector<ProtoWriter>& attrs,
                    bool layer_output) {
      const std::string y = layer_output && last ? "output" : prefix + op + "_output_0";
      ProtoWriter node;
      for (const std::string& in : inputs) node.str(N::input, in);
      node.str(N::output, y).str(N::name, prefix + op).str(N::op_type, op);
      for (const ProtoWriter& a : attrs) node.msg(N::attribute, a);
      graph.msg(G::node, node);
      return y;
    };
    std::vector<std::string> in = {x};
    if (net.weight_count(i)) in.push_back(std::to_string(i) + ".weight");
    if (net.bias_count(i)) in.push_back(std::to_string(i) + ".bias");
    switch (s.kind) {
      case LayerKind::Conv2d:
        x = emit("Conv", in,
                 {ints_attr("dilations", {g.dilation_h, g.dilation_w}), int_attr("group", s.conv.groups),
                  ints_attr("kernel_shape", {g.kernel_h, g.kernel_w}),
                  ints_attr("pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}),
                  ints_attr("strides", {g.stride_h, g.stride_w})},
                 true);
        break;
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d: {
        // ceil_mode is written as the end padding it comes to, with
        // ceil_mode=0: ONNX at opset 13 rounds up without PyTorch's rule that
        // leaves out a last window starting in the padding. MaxPool never
        // picks its padding; AveragePool then counts none of it
        // (count_include_pad=0), and the padding PyTorch does count comes
        // before it as zeros (a Pad node), so a last window that overhangs
        // the padded input is divided by what it covers of it, as in PyTorch.
        const bool avg = s.kind == LayerKind::AvgPool2d;
        int64_t end_h = 0, end_w = 0;
        if (s.pool.ceil_mode) {
          end_h = std::max<int64_t>(0, (g.out.h() - 1) * g.stride_h + g.kernel_h - (shape.h() + g.pad_top + g.pad_bottom));
          end_w = std::max<int64_t>(0, (g.out.w() - 1) * g.stride_w + g.kernel_w - (shape.w() + g.pad_left + g.pad_right));
        }
        std::vector<int64_t> pads = {g.pad_top, g.pad_left, g.pad_bottom + end_h, g.pad_right + end_w};
        std::vector<ProtoWriter> attrs = {int_attr("ceil_mode", 0)};
        if (avg) {
          const bool zeros_first = s.pool.ceil_mode && s.pool.count_include_pad &&
                                   (g.pad_top || g.pad_left || g.pad_bottom || g.pad_right);
          if (zeros_first) {
            const std::vector<int64_t> amounts = {0, 0, g.pad_top, g.pad_left, 0, 0, g.pad_bottom, g.pad_right};
            const std::string pads_name = emit("Constant", {}, {tensor_attr("value", int64_tensor(amounts))}, false);
            x = emit("Pad", {x, pads_name}, {string_attr("mode", "constant")}, false);
            pads = {0, 0, end_h, end_w};
          }
          attrs.push_back(int_attr("count_include_pad", s.pool.count_include_pad && !s.pool.ceil_mode ? 1 : 0));
        }
        attrs.push_back(ints_attr("kernel_shape", {g.kernel_h, g.kernel_w}));
        attrs.push_back(ints_attr("pads", pads));
        attrs.push_back(ints_attr("strides", {g.stride_h, g.stride_w}));
        x = emit(avg ? "AveragePool" : "MaxPool", {x}, attrs, true);
        break;
      }
      case LayerKind::ReLU: x = emit("Relu", in, {}, true); break;
      case LayerKind::LeakyReLU: x = emit("LeakyRelu", in, {float_attr("alpha", s.negative_slope)}, true); break;
      case LayerKind::Sigmoid: x = emit("Sigmoid", in, {}, true); break;
      case LayerKind::Tanh: x = emit("Tanh", in, {}, true); break;
      case LayerKind::Flatten: x = emit("Flatten", in, {int_attr("axis", 1)}, true); break;
      case LayerKind::Dense:
        x = emit("Gemm", in, {float_attr("alpha", 1.0f), float_attr("beta", 1.0f), int_attr("transB", 1)}, true);
        break;
      case LayerKind::Softmax: x = emit("Softmax", in, {int_attr("axis", 1)}, true); break;
    }
    shape = g.out;
  }
  if (!info.labels.empty() && int64_t(info.labels.size()) != shape.per_sample())
    return Status::error("the model has %zu labels, but its network gives %lld outputs per sample", info.labels.size(),
                         static_cast<long long>(shape.per_sample()));

  std::string name = info.get("name");
  graph.str(G::name, name.empty() ? "cnn" : name);
  const float* params = net.params();
  for (int i = 0; i < net.num_layers(); ++i) {
    const ParamShapes p = param_shapes(net.spec(i));
    if (net.weight_count(i))
      graph.msg(G::initializer, float_tensor(std::to_string(i) + ".weight", p.weight, params + net.weight_offset(i),
                                             net.weight_count(i)));
    if (net.bias_count(i))
      graph.msg(G::initializer,
                float_tensor(std::to_string(i) + ".bias", p.bias, params + net.bias_offset(i), net.bias_count(i)));
  }
  graph.msg(G::input, value_info("input", input_shape));
  graph.msg(G::output, value_info("output", shape));

  ProtoWriter model;
  model.num(M::ir_version, kOnnxExportIrVersion)
      .str(M::producer_name, "cnn-playground")
      .str(M::producer_version, CNN_VERSION)
      .str(M::doc_string,
           "Written by the CNN playground's engine (a C++ CNN engine with PyTorch's semantics, run in the browser "
           "as WebAssembly). The initializers have PyTorch's state-dict names for an nn.Sequential of the same "
           "layers.")
      .msg(M::graph, graph)
      .msg(M::opset_import, ProtoWriter().str(onnx::OperatorSetIdProto::domain, "")
                                .num(onnx::OperatorSetIdProto::version, kOnnxExportOpset));
  if (!info.labels.empty()) {
    std::string labels = "[";
    for (size_t k = 0; k < info.labels.size(); ++k) {
      if (k) labels += ", ";
      append_json_string(labels, info.labels[k]);
    }
    model.msg(M::metadata_props, entry("labels", labels + "]"));
  }
  if (!info.norm_mean.empty()) {
    // as transforms.Normalize's arguments, which the importer reads back
    auto tuple = [](const std::vector<float>& v) {
      std::string t = "(";
      for (size_t k = 0; k < v.size(); ++k) t += (k ? ", " : "") + shortest(v[k]);
      return t + (v.size() == 1 ? ",)" : ")");
    };
    model.msg(M::metadata_props, entry("normalize", tuple(info.norm_mean) + ", " + tuple(info.norm_std)));
  }
  for (const auto& kv : info.metadata) {
    bool skip = kv.first == "labels" || kv.first == "normalize";
    for (const char* k : kImportOnlyKeys) skip = skip || kv.first == k;
    if (!skip) model.msg(M::metadata_props, entry(kv.first, kv.second));
  }
  *out = std::move(model.data);
  return Status::ok();
}

}  // namespace cnn
