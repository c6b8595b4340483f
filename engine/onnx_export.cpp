#include "onnx_export.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "geometry.hpp"
#include "onnx_proto.hpp"

namespace cnn {

namespace {

using onnx::ProtoWriter;

// Metadata that describes the file a model was imported from, not the model.
const char* const kImportOnlyKeys[] = {"source", "producer", "opset", "onnx_graph", "output"};

ProtoWriter ints_attr(const char* name, std::initializer_list<int64_t> v) {
  using A = onnx::AttributeProto;
  ProtoWriter a;
  a.str(A::name, name).num(A::type, A::kInts);
  for (int64_t x : v) a.num(A::ints, x);
  return a;
}

ProtoWriter int_attr(const char* name, int64_t v) {
  using A = onnx::AttributeProto;
  ProtoWriter a;
  a.str(A::name, name).num(A::type, A::kInt).num(A::i, v);
  return a;
}

ProtoWriter float_attr(const char* name, float v) {
  using A = onnx::AttributeProto;
  ProtoWriter a;
  a.str(A::name, name).num(A::type, A::kFloat).f32(A::f, v);
  return a;
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

// A JSON string literal (the importer reads labels back from a JSON array).
std::string json_string(const std::string& s) {
  std::string r = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += char(c);
    } else if (c == '\n') {
      r += "\\n";
    } else if (c == '\t') {
      r += "\\t";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else {
      r += char(c);
    }
  }
  return r + "\"";
}

const char* op_type(LayerKind kind) {
  switch (kind) {
    case LayerKind::Conv2d: return "Conv";
    case LayerKind::MaxPool2d: return "MaxPool";
    case LayerKind::AvgPool2d: return "AveragePool";
    case LayerKind::ReLU: return "Relu";
    case LayerKind::LeakyReLU: return "LeakyRelu";
    case LayerKind::Sigmoid: return "Sigmoid";
    case LayerKind::Tanh: return "Tanh";
    case LayerKind::Flatten: return "Flatten";
    case LayerKind::Dense: return "Gemm";
    case LayerKind::Softmax: return "Softmax";
  }
  return "";
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
  std::string x = "input";
  for (int i = 0; i < net.num_layers(); ++i) {
    const LayerSpec& s = net.spec(i);
    Geometry g;
    CNN_RETURN_IF_ERROR(layer_geometry(shape, s, &g).with_context(layer_context(i, s.kind)));
    const std::string prefix = "/" + std::to_string(i) + "/";
    const std::string op = op_type(s.kind);
    const bool last = i + 1 == net.num_layers();
    const std::string y = last ? "output" : prefix + op + "_output_0";
    ProtoWriter node;
    node.str(N::input, x);
    const std::string weight = std::to_string(i) + ".weight", bias = std::to_string(i) + ".bias";
    if (net.weight_count(i)) node.str(N::input, weight);
    if (net.bias_count(i)) node.str(N::input, bias);
    node.str(N::output, y).str(N::name, prefix + op).str(N::op_type, op);
    switch (s.kind) {
      case LayerKind::Conv2d:
        node.msg(N::attribute, ints_attr("dilations", {g.dilation_h, g.dilation_w}))
            .msg(N::attribute, int_attr("group", s.conv.groups))
            .msg(N::attribute, ints_attr("kernel_shape", {g.kernel_h, g.kernel_w}))
            .msg(N::attribute, ints_attr("pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}))
            .msg(N::attribute, ints_attr("strides", {g.stride_h, g.stride_w}));
        break;
      case LayerKind::MaxPool2d:
      case LayerKind::AvgPool2d:
        node.msg(N::attribute, int_attr("ceil_mode", s.pool.ceil_mode ? 1 : 0));
        if (s.kind == LayerKind::AvgPool2d)
          node.msg(N::attribute, int_attr("count_include_pad", s.pool.count_include_pad ? 1 : 0));
        node.msg(N::attribute, ints_attr("kernel_shape", {g.kernel_h, g.kernel_w}))
            .msg(N::attribute, ints_attr("pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}))
            .msg(N::attribute, ints_attr("strides", {g.stride_h, g.stride_w}));
        break;
      case LayerKind::LeakyReLU: node.msg(N::attribute, float_attr("alpha", s.negative_slope)); break;
      case LayerKind::Flatten:
      case LayerKind::Softmax: node.msg(N::attribute, int_attr("axis", 1)); break;
      case LayerKind::Dense:
        node.msg(N::attribute, float_attr("alpha", 1.0f))
            .msg(N::attribute, float_attr("beta", 1.0f))
            .msg(N::attribute, int_attr("transB", 1));
        break;
      default: break;
    }
    graph.msg(G::node, node);
    shape = g.out;
    x = y;
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
    for (size_t k = 0; k < info.labels.size(); ++k) labels += (k ? ", " : "") + json_string(info.labels[k]);
    model.msg(M::metadata_props, entry("labels", labels + "]"));
  }
  for (const auto& kv : info.metadata) {
    bool skip = kv.first == "labels";
    for (const char* k : kImportOnlyKeys) skip = skip || kv.first == k;
    if (!skip) model.msg(M::metadata_props, entry(kv.first, kv.second));
  }
  *out = std::move(model.data);
  return Status::ok();
}

}  // namespace cnn
