// ONNX export (engine/onnx_export.hpp), held against the importer: a network
// exported, then imported again, gives the same outputs on random inputs, for
// every layer kind and every option of each; the description (input shape,
// labels, metadata) comes back; what cannot be written is refused.
// ONNX's own checker, PyTorch and ONNX Runtime read the exports in
// tests/onnx/check_exports.py and tests/web/onnx-export.test.js.
// To add a case: a chain of specs and an input shape in kChains.
#include <string>
#include <vector>

#include "helpers.hpp"
#include "model_io.hpp"
#include "onnx_export.hpp"
#include "onnx_import.hpp"

using namespace cnn;
using namespace cnn_test;

namespace {

struct Chain {
  const char* name;
  int c, h, w;
  std::vector<LayerSpec> specs;
};

LayerSpec conv_full() {  // rectangular kernel, per-axis stride, padding and dilation, groups, no bias
  LayerSpec s = LayerSpec::conv2d(4, 6, 3, 1, 0, 1, 2, false);
  s.conv.kernel_w = 2;
  s.conv.stride_h = 2;
  s.conv.pad_h = 2;
  s.conv.pad_w = 1;
  s.conv.dilation_w = 2;
  return s;
}

LayerSpec conv_mode(int in, int out, Padding mode, int kernel, int dilation) {
  LayerSpec s = LayerSpec::conv2d(in, out, kernel, 1, 0, dilation);
  s.conv.padding = mode;
  return s;
}

LayerSpec pool_rect(LayerKind kind) {  // rectangular window, per-axis stride and padding, ceil_mode
  LayerSpec s = kind == LayerKind::MaxPool2d ? LayerSpec::maxpool2d(3, 2, 1, true) : LayerSpec::avgpool2d(3, 2, 1, true);
  s.pool.kernel_w = 2;
  s.pool.stride_w = 1;
  s.pool.pad_w = 0;
  return s;
}

const std::vector<Chain> kChains = {
    {"lenet", 1, 12, 12,
     {LayerSpec::conv2d(1, 4, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::conv2d(4, 6, 3), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(24, 16), LayerSpec::simple(LayerKind::ReLU),
      LayerSpec::dense_layer(16, 10), LayerSpec::simple(LayerKind::Softmax)}},
    {"conv-options", 4, 11, 9,
     {conv_full(), LayerSpec::leaky_relu(0.2f), LayerSpec::simple(LayerKind::Flatten),
      LayerSpec::dense_layer(6 * 7 * 9, 5, false), LayerSpec::simple(LayerKind::Tanh)}},
    {"padding-modes", 2, 7, 8,
     {conv_mode(2, 3, Padding::Same, 4, 1), LayerSpec::simple(LayerKind::Sigmoid), conv_mode(3, 3, Padding::Same, 3, 2),
      LayerSpec::simple(LayerKind::Tanh), conv_mode(3, 2, Padding::Valid, 3, 1), LayerSpec::leaky_relu(-0.5f),
      LayerSpec::simple(LayerKind::Softmax)}},
    {"max-ceil", 3, 9, 10,
     {LayerSpec::maxpool2d(3, 2, 1, true), pool_rect(LayerKind::MaxPool2d), LayerSpec::maxpool2d(2, 3)}},
    {"avg-include-pad", 3, 9, 10,
     {LayerSpec::avgpool2d(3, 2, 1, false, true), LayerSpec::avgpool2d(3, 2, 1, true, true),
      pool_rect(LayerKind::AvgPool2d)}},
    {"avg-exclude-pad", 3, 11, 7,
     {LayerSpec::avgpool2d(3, 2, 1, false, false), LayerSpec::avgpool2d(2, 2, 1, true, false),
      LayerSpec::simple(LayerKind::Flatten), LayerSpec::simple(LayerKind::Softmax)}},
    // ceil_mode where PyTorch drops the last window (it would start in the padding)
    {"ceil-drop-max", 2, 5, 5, {LayerSpec::maxpool2d(3, 3, 1, true)}},
    {"ceil-drop-avg", 2, 5, 5, {LayerSpec::avgpool2d(3, 3, 1, true, true)}},
    {"ceil-drop-avg-exclude", 2, 5, 5, {LayerSpec::avgpool2d(3, 3, 1, true, false)}},
    {"dense-only", 2, 3, 3,
     {LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(18, 7), LayerSpec::simple(LayerKind::Sigmoid),
      LayerSpec::dense_layer(7, 3)}},
};

std::unique_ptr<Network> make(const Chain& c, uint64_t seed) {
  std::unique_ptr<Network> net;
  const Status st = Network::create(c.specs, &net);
  REQUIRE(st.message() == "");
  net->init_params(seed);
  // biases away from 0, so a bias dropped or misplaced shows
  for (int i = 0; i < net->num_layers(); ++i)
    for (int64_t k = 0; k < net->bias_count(i); ++k) net->bias(i)[k] += 0.25f * float(k % 3) - 0.2f;
  net->params_changed();
  return net;
}

ModelInfo info_of(const Chain& c) {
  ModelInfo info;
  info.in_c = c.c;
  info.in_h = c.h;
  info.in_w = c.w;
  return info;
}

std::vector<uint8_t> export_bytes(const Network& net, const ModelInfo& info) {
  std::vector<uint8_t> bytes;
  const Status st = export_onnx(net, info, &bytes);
  REQUIRE(st.message() == "");
  REQUIRE(!bytes.empty());
  return bytes;
}

// The network and description that the importer reads from net's export.
ModelInfo imported_back(const Network& net, const ModelInfo& info, std::unique_ptr<Network>* back) {
  const std::vector<uint8_t> bytes = export_bytes(net, info);
  ModelInfo got;
  REQUIRE(import_onnx(bytes.data(), bytes.size(), back, &got).message() == "");
  return got;
}

}  // namespace

TEST_CASE("onnx export: every layer kind and option comes back from the importer with the same outputs",
          "[onnx-export]") {
  for (const Chain& c : kChains) {
    INFO("chain " << c.name);
    std::unique_ptr<Network> net = make(c, 7);
    std::unique_ptr<Network> back;
    const ModelInfo info = imported_back(*net, info_of(c), &back);
    CHECK(info.in_c == c.c);
    CHECK(info.in_h == c.h);
    CHECK(info.in_w == c.w);
    CHECK(info.get("opset") == std::to_string(kOnnxExportOpset));
    REQUIRE(back->num_layers() == net->num_layers());
    for (int i = 0; i < net->num_layers(); ++i) CHECK(back->spec(i).kind == net->spec(i).kind);
    REQUIRE(back->param_count() == net->param_count());
    // the batch is dynamic: any batch size runs
    for (int batch : {1, 3}) {
      const Shape in = nchw(batch, c.c, c.h, c.w);
      REQUIRE(net->plan(in).is_ok());
      REQUIRE(back->plan(in).is_ok());
      REQUIRE(net->output().shape == back->output().shape);
      const std::vector<float> x = random_vector(in.elements(), 100 + uint64_t(batch), -2.0f, 2.0f);
      REQUIRE(net->forward(x.data(), in.elements()).is_ok());
      REQUIRE(back->forward(x.data(), in.elements()).is_ok());
      CHECK(max_rel_diff(back->output().data, net->output().data, net->output().shape.elements()) <= 1e-5);
    }
  }
}

TEST_CASE("onnx export: labels and metadata are kept, the import's own notes are not", "[onnx-export]") {
  const Chain& c = kChains[0];
  std::unique_ptr<Network> net = make(c, 3);
  ModelInfo info = info_of(c);
  info.set("name", "digits");
  info.norm_mean = {0.1307f};
  info.norm_std = {0.3081f};
  info.set("source", "onnx");
  info.set("producer", "pytorch 1.13");
  info.labels = {"zero", "one \"1\"", "two, 2", "3", "4", "5", "6", "7", "8", "nine\tback\\slash"};
  std::unique_ptr<Network> back;
  const ModelInfo got = imported_back(*net, info, &back);
  CHECK(got.labels == info.labels);
  CHECK(got.get("name") == "digits");
  CHECK(got.norm_mean == info.norm_mean);
  CHECK(got.norm_std == info.norm_std);
  CHECK(got.get("producer") == "cnn-playground " CNN_VERSION);
  CHECK(got.get("onnx_graph") == "digits");
  for (const auto& kv : got.metadata) CHECK(kv.first != "labels");
}

TEST_CASE("onnx export: labels with control characters and any UTF-8 come back from the importer", "[onnx-export]") {
  const Chain& c = kChains[0];
  std::unique_ptr<Network> net = make(c, 3);
  ModelInfo info = info_of(c);
  info.labels = {"line\nbreak", "carriage\rreturn", "bell\a", "\xEC\x88\xAB\xEC\x9E\x90", "4", "5", "6", "7", "8", "9"};
  std::unique_ptr<Network> back;
  CHECK(imported_back(*net, info, &back).labels == info.labels);
}

TEST_CASE("onnx export: a shipped model exports and imports with the same outputs", "[onnx-export]") {
  for (const char* name : {"digits", "fashion"}) {
    INFO(name);
    std::vector<uint8_t> file;
    REQUIRE(read_file(std::string(CNN_SOURCE_DIR) + "/web/models/" + name + ".cnnm", &file).is_ok());
    std::unique_ptr<Network> net;
    ModelInfo info;
    REQUIRE(load_model(file.data(), file.size(), &net, &info).is_ok());
    std::unique_ptr<Network> back;
    const ModelInfo got = imported_back(*net, info, &back);
    CHECK(got.labels == info.labels);
    CHECK(got.get("name") == info.get("name"));
    const Shape in = nchw(4, 1, 28, 28);
    REQUIRE(net->plan(in).is_ok());
    REQUIRE(back->plan(in).is_ok());
    const std::vector<float> x = random_vector(in.elements(), 5, 0.0f, 1.0f);
    REQUIRE(net->forward(x.data(), in.elements()).is_ok());
    REQUIRE(back->forward(x.data(), in.elements()).is_ok());
    CHECK(max_rel_diff(back->output().data, net->output().data, net->output().shape.elements()) <= 1e-6);
  }
}

TEST_CASE("onnx export: what cannot be written is refused with the reason", "[onnx-export]") {
  const Chain& c = kChains[0];
  std::unique_ptr<Network> net = make(c, 1);
  std::vector<uint8_t> out = {42};
  ModelInfo info = info_of(c);
  info.labels = {"a", "b"};
  Status st = export_onnx(*net, info, &out);
  CHECK(!st);
  CHECK(st.message() == "the model has 2 labels, but its network gives 10 outputs per sample");
  CHECK(out == std::vector<uint8_t>{42});
  info = info_of(c);
  info.in_h = 3;  // too small for the second conv after two poolings
  st = export_onnx(*net, info, &out);
  CHECK(!st);
  CHECK(st.message().rfind("layer ", 0) == 0);
  CHECK(out == std::vector<uint8_t>{42});
}
