// ONNX import (engine/onnx_import.hpp).
//
// [onnx]: small models written here with a minimal protobuf writer (no
// PyTorch needed): what is read, what is refused (naming the node and the
// op), and damaged bytes.
// [onnx-torch] (hidden; tests/onnx/run.sh runs it): the exports of
// tests/onnx/make_cases.py, read from $CNN_ONNX_CASES: each model's outputs
// agree with PyTorch's, the refused ones name the node and the op, and every
// truncation and byte flip is refused with a message or still imports.
// To add a case: a model in make_cases.py, or a graph below built with Proto.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <tuple>

#include "helpers.hpp"
#include "onnx_import.hpp"
#include "onnx_proto.hpp"

using namespace cnn;

namespace {

// A protobuf message being written (the engine's writer, as the exporter uses it).
using Proto = onnx::ProtoWriter;

Proto ints_attr(const std::string& name, std::vector<int64_t> v) {
  Proto a;
  a.str(1, name).num(20, 7);
  for (int64_t x : v) a.num(8, x);
  return a;
}

Proto float_tensor(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  Proto t;
  for (int64_t d : dims) t.num(1, d);
  t.num(2, 1).str(8, name).bytes(9, v.data(), v.size() * 4);
  return t;
}

Proto node(const std::string& op, const std::string& name, std::vector<std::string> in, std::vector<std::string> out,
           std::vector<Proto> attrs = {}) {
  Proto n;
  for (auto& s : in) n.str(1, s);
  for (auto& s : out) n.str(2, s);
  n.str(3, name).str(4, op);
  for (auto& a : attrs) n.msg(5, a);
  return n;
}

Proto value_info(const std::string& name, std::vector<int64_t> dims) {
  Proto shape;
  for (int64_t d : dims) shape.msg(1, Proto().num(1, d));
  Proto tensor;
  tensor.num(1, 1).msg(2, shape);
  return Proto().str(1, name).msg(2, Proto().msg(1, tensor));
}

std::vector<uint8_t> model(const std::vector<Proto>& nodes, const std::vector<Proto>& inits, int opset = 13,
                           const std::string& output = "y") {
  Proto g;
  for (auto& n : nodes) g.msg(1, n);
  g.str(2, "test");
  for (auto& t : inits) g.msg(5, t);
  g.msg(11, value_info("x", {1, 2, 4, 4}));
  g.msg(12, value_info(output, {1, 3}));
  Proto m;
  m.num(1, 8).str(2, "hand").str(3, "1").msg(7, g).msg(8, Proto().num(2, opset));
  return m.data;
}

// Conv 2->3 (3x3, pad 1) -> Relu -> GlobalAveragePool -> Flatten: 3 outputs.
std::vector<uint8_t> small_model(std::vector<int64_t> pads = {1, 1, 1, 1}, const std::string& act = "Relu") {
  std::vector<float> w(3 * 2 * 9), b = {0.1f, -0.2f, 0.3f};
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 7) - 3) * 0.25f;
  return model({node("Conv", "/conv/Conv", {"x", "w", "b"}, {"c"}, {ints_attr("pads", pads), ints_attr("kernel_shape", {3, 3})}),
                node(act, "/act", {"c"}, {"r"}), node("GlobalAveragePool", "/gap", {"r"}, {"p"}),
                node("Flatten", "/flat", {"p"}, {"y"})},
               {float_tensor("w", {3, 2, 3, 3}, w), float_tensor("b", {3}, b)});
}

std::string import_error(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = import_onnx(bytes.data(), bytes.size(), &net, &info);
  if (st) return "";
  CHECK(!net);
  CHECK(!st.message().empty());
  return st.message();
}

}  // namespace

TEST_CASE("onnx: a hand-written Conv-Relu-GlobalAveragePool-Flatten graph imports and runs", "[onnx]") {
  const std::vector<uint8_t> bytes = small_model();
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = import_onnx(bytes.data(), bytes.size(), &net, &info);
  REQUIRE(st.message() == "");
  REQUIRE(net->num_layers() == 4);
  CHECK(net->spec(0).kind == LayerKind::Conv2d);
  CHECK(net->spec(0).conv.pad_h == 1);
  CHECK(net->spec(2).kind == LayerKind::AvgPool2d);
  CHECK(net->spec(2).pool.kernel_h == 4);
  CHECK(info.in_c == 2);
  CHECK(info.in_h == 4);
  CHECK(info.get("source") == "onnx");
  CHECK(info.get("producer") == "hand 1");
  CHECK(info.get("opset") == "13");
  CHECK(net->bias(0)[2] == 0.3f);
  Shape s;
  REQUIRE(Shape::nchw(1, 2, 4, 4, &s));
  REQUIRE(net->plan(s));
  std::vector<float> x(32, 1.0f);
  REQUIRE(net->forward(x.data(), 32));
  CHECK(net->output().shape.per_sample() == 3);
}

TEST_CASE("onnx: what the engine cannot run is refused, naming the node and the op", "[onnx]") {
  CHECK_THAT(import_error(small_model({1, 1, 2, 2})), Catch::Contains("node 0 \"/conv/Conv\" (Conv)") &&
                                                          Catch::Contains("asymmetric"));
  CHECK_THAT(import_error(small_model({1, 1, 1, 1}, "Elu")),
             Catch::Contains("node 1 \"/act\" (Elu)") && Catch::Contains("no layer for this op"));
  // A branch: the conv's output feeds the activation and the pooling.
  std::vector<float> w(3 * 2 * 9, 0.1f);
  const std::vector<uint8_t> branch =
      model({node("Conv", "c", {"x", "w"}, {"c"}), node("Relu", "r", {"c"}, {"r"}), node("GlobalAveragePool", "g", {"c"}, {"y"})},
            {float_tensor("w", {3, 2, 3, 3}, w)});
  CHECK_THAT(import_error(branch), Catch::Contains("node 2 \"g\"") && Catch::Contains("branches"));
  CHECK_THAT(import_error(model({node("Relu", "r", {"x"}, {"y"})}, {}, 18)), Catch::Contains("opset 18"));
  CHECK_THAT(import_error(model({node("Relu", "r", {"nope"}, {"y"})}, {})), Catch::Contains("\"nope\" is not the output"));
}

namespace {

// Imports, plans for one sample of x and runs it; returns the output.
std::vector<float> run_import(const std::vector<uint8_t>& bytes, const std::vector<float>& x, ModelInfo* info_out = nullptr,
                              std::unique_ptr<Network>* net_out = nullptr) {
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = import_onnx(bytes.data(), bytes.size(), &net, &info);
  REQUIRE(st.message() == "");
  Shape s;
  REQUIRE(Shape::nchw(1, info.in_c, info.in_h, info.in_w, &s));
  REQUIRE(net->plan(s));
  REQUIRE(net->forward(x.data(), int64_t(x.size())));
  const TensorView out = net->output();
  std::vector<float> y(out.data, out.data + out.shape.elements());
  if (info_out) *info_out = info;
  if (net_out) *net_out = std::move(net);
  return y;
}

Proto int64_tensor(const std::string& name, std::vector<int64_t> v) {
  Proto t;
  t.num(1, int64_t(v.size())).num(2, 7).str(8, name);
  for (int64_t x : v) t.num(7, x);
  return t;
}

Proto metadata(const std::string& key, const std::string& value) { return Proto().str(1, key).str(2, value); }

}  // namespace

TEST_CASE("onnx: folds: Pad into AveragePool, extra end padding into ceil_mode, MatMul + Add, BatchNormalization", "[onnx]") {
  // x: 1 x 2 x 4 x 4, values 0..31
  std::vector<float> x(32);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i);

  // opset 9: Pad (attribute pads, zeros) + AveragePool 3x3 stride 2 with extra end padding [0,0,1,1]:
  // AvgPool2d(3, 2, padding=1, ceil_mode=True, count_include_pad=True).
  const std::vector<uint8_t> avg = model(
      {node("Pad", "pad", {"x"}, {"p"}, {ints_attr("pads", {0, 0, 1, 1, 0, 0, 1, 1})}),
       node("AveragePool", "pool", {"p"}, {"a"},
            {ints_attr("kernel_shape", {3, 3}), ints_attr("strides", {2, 2}), ints_attr("pads", {0, 0, 1, 1})}),
       node("Flatten", "flat", {"a"}, {"y"})},
      {}, 9);
  std::unique_ptr<Network> net;
  const std::vector<float> y = run_import(avg, x, nullptr, &net);
  REQUIRE(net->spec(0).kind == LayerKind::AvgPool2d);
  CHECK(net->spec(0).pool.pad_h == 1);
  CHECK(net->spec(0).pool.ceil_mode);
  CHECK(net->spec(0).pool.count_include_pad);
  REQUIRE(y.size() == 2 * 3 * 3);
  CHECK(y[0] == Approx((0 + 1 + 4 + 5) / 9.0));   // corner: padded zeros counted
  CHECK(y[8] == Approx((15) / 4.0));              // last ceil window: 1 pixel of input + 3 of padding, 2x2 clipped

  // Flatten then MatMul [32, 3] then Add [3] becomes one dense layer with a bias.
  std::vector<float> w(32 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 5) - 2) * 0.01f;
  const std::vector<uint8_t> mm = model({node("Flatten", "f", {"x"}, {"f"}), node("MatMul", "mm", {"f", "w"}, {"m"}),
                                         node("Add", "add", {"b", "m"}, {"y"})},
                                        {float_tensor("w", {32, 3}, w), float_tensor("b", {3}, {1, 2, 3})});
  const std::vector<float> d = run_import(mm, x, nullptr, &net);
  REQUIRE(net->num_layers() == 2);
  CHECK(net->spec(1).dense.bias);
  for (int o = 0; o < 3; ++o) {
    double want = o + 1;
    for (int i = 0; i < 32; ++i) want += x[size_t(i)] * w[size_t(i * 3 + o)];
    CHECK(d[size_t(o)] == Approx(want).epsilon(1e-5));
  }

  // Conv without bias, then BatchNormalization: folded into the conv.
  const std::vector<float> cw = {1, 2, 3, 4, 5, 6, 7, 8};  // 4 out channels, 2 in, 1x1
  const std::vector<uint8_t> bn = model(
      {node("Conv", "c", {"x", "w"}, {"c"}),
       node("BatchNormalization", "bn", {"c", "g", "be", "m", "v"}, {"n"}, {Proto().str(1, "epsilon").f32(2, 0.5f).num(20, 1)}),
       node("GlobalMaxPool", "gmp", {"n"}, {"p"}), node("Flatten", "f", {"p"}, {"y"})},
      {float_tensor("w", {4, 2, 1, 1}, cw), float_tensor("g", {4}, {1, 2, 0.5f, -1}), float_tensor("be", {4}, {0, 1, 2, 3}),
       float_tensor("m", {4}, {1, 0, -1, 2}), float_tensor("v", {4}, {1.5f, 3.5f, 0.5f, 0})});
  const std::vector<float> b = run_import(bn, x, nullptr, &net);
  REQUIRE(net->num_layers() == 3);
  CHECK(net->spec(0).conv.bias);
  const float g[4] = {1, 2, 0.5f, -1}, be[4] = {0, 1, 2, 3}, m[4] = {1, 0, -1, 2}, v[4] = {1.5f, 3.5f, 0.5f, 0};
  for (int o = 0; o < 4; ++o) {
    double best = -1e30;
    for (int p = 0; p < 16; ++p) {
      const double conv = cw[size_t(2 * o)] * x[size_t(p)] + cw[size_t(2 * o + 1)] * x[size_t(16 + p)];
      best = std::max(best, (conv - m[o]) / std::sqrt(double(v[o]) + 0.5) * g[o] + be[o]);
    }
    CHECK(b[size_t(o)] == Approx(best).epsilon(1e-5));
  }
}

TEST_CASE("onnx: the flatten of x.view(x.size(0), -1), labels and metadata", "[onnx]") {
  std::vector<float> w(3 * 32, 0.01f);
  // Shape -> Gather(0) -> Unsqueeze -> Concat with -1 -> Reshape, then Gemm (transB) and LogSoftmax.
  std::vector<Proto> nodes = {
      node("Shape", "s", {"x"}, {"s"}), node("Gather", "g", {"s", "zero"}, {"n"}),
      node("Unsqueeze", "u", {"n", "axes"}, {"n1"}), node("Concat", "cat", {"n1", "minus1"}, {"shape"}, {Proto().str(1, "axis").num(3, 0).num(20, 2)}),
      node("Reshape", "r", {"x", "shape"}, {"f"}),
      node("Gemm", "fc", {"f", "w", "b"}, {"z"}, {Proto().str(1, "transB").num(3, 1).num(20, 2)}),
      node("LogSoftmax", "ls", {"z"}, {"y"}, {Proto().str(1, "axis").num(3, 1).num(20, 2)})};
  std::vector<Proto> inits = {float_tensor("w", {3, 32}, w), float_tensor("b", {3}, {0, 1, 2}),
                              Proto().num(2, 7).str(8, "zero").num(7, 0), int64_tensor("axes", {0}), int64_tensor("minus1", {-1})};
  std::vector<uint8_t> bytes = model(nodes, inits);
  Proto extra;
  extra.msg(14, metadata("labels", "[\"cat\", \"dog\", \"a \\\"b\\\"\"]")).msg(14, metadata("dataset", "pets"));
  bytes.insert(bytes.end(), extra.data.begin(), extra.data.end());
  ModelInfo info;
  std::unique_ptr<Network> net;
  const std::vector<float> y = run_import(bytes, std::vector<float>(32, 1.0f), &info, &net);
  REQUIRE(net->num_layers() == 3);
  CHECK(net->spec(0).kind == LayerKind::Flatten);
  CHECK(net->spec(2).kind == LayerKind::Softmax);
  CHECK(info.labels == std::vector<std::string>{"cat", "dog", "a \"b\""});
  CHECK(info.get("dataset") == "pets");
  CHECK(info.get("output").find("LogSoftmax") != std::string::npos);
  const double z[3] = {0.32, 1.32, 2.32}, sum = std::exp(z[0]) + std::exp(z[1]) + std::exp(z[2]);
  for (int i = 0; i < 3; ++i) CHECK(y[size_t(i)] == Approx(std::exp(z[i]) / sum).epsilon(1e-5));

  // Labels separated by commas; a count that does not match the outputs is refused.
  std::vector<uint8_t> two = model(nodes, inits);
  Proto l2;
  l2.msg(14, metadata("labels", "cat, dog"));
  two.insert(two.end(), l2.data.begin(), l2.data.end());
  CHECK_THAT(import_error(two), Catch::Contains("2 labels, but its network gives 3 outputs"));

  // A reshape that is not a flatten over the batch, and a LogSoftmax with a layer after it.
  inits[4] = int64_tensor("minus1", {4, -1});
  CHECK_THAT(import_error(model(nodes, inits)), Catch::Contains("node 4 \"r\" (Reshape)") && Catch::Contains("[batch, 4, -1]"));
  inits[4] = int64_tensor("minus1", {-1});
  nodes.back() = node("LogSoftmax", "ls", {"z"}, {"l"});
  nodes.push_back(node("Relu", "after", {"l"}, {"y"}));
  CHECK_THAT(import_error(model(nodes, inits)), Catch::Contains("node 6 \"ls\" (LogSoftmax)") && Catch::Contains("last layer"));
}

TEST_CASE("onnx: packed runs of ints, dims and floats read as the unpacked fields", "[onnx]") {
  // small_model() with every repeated number packed into one length-delimited
  // field: the attributes' ints, the initializers' dims, the bias as float_data.
  auto varints = [](const std::vector<int64_t>& v) { return std::vector<uint8_t>(v.begin(), v.end()); };  // all < 128
  auto attr = [&](const std::string& name, std::vector<int64_t> v) {
    const std::vector<uint8_t> run = varints(v);
    return Proto().str(1, name).num(20, 7).bytes(8, run.data(), run.size());
  };
  auto tensor = [&](const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v, bool raw) {
    const std::vector<uint8_t> run = varints(dims);
    return Proto().bytes(1, run.data(), run.size()).num(2, 1).str(8, name).bytes(raw ? 9 : 4, v.data(), v.size() * 4);
  };
  std::vector<float> w(3 * 2 * 9), b = {0.1f, -0.2f, 0.3f};
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 7) - 3) * 0.25f;
  const std::vector<uint8_t> packed =
      model({node("Conv", "/conv/Conv", {"x", "w", "b"}, {"c"}, {attr("pads", {1, 1, 1, 1}), attr("kernel_shape", {3, 3})}),
             node("Relu", "/act", {"c"}, {"r"}), node("GlobalAveragePool", "/gap", {"r"}, {"p"}),
             node("Flatten", "/flat", {"p"}, {"y"})},
            {tensor("w", {3, 2, 3, 3}, w, true), tensor("b", {3}, b, false)});
  std::vector<float> x(32);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i % 5) - 2) * 0.5f;
  std::unique_ptr<Network> net;
  const std::vector<float> y = run_import(packed, x, nullptr, &net);
  CHECK(net->spec(0).conv.pad_h == 1);
  CHECK(net->spec(0).conv.kernel_w == 3);
  CHECK(net->bias(0)[2] == 0.3f);
  CHECK(y == run_import(small_model(), x));
}

TEST_CASE("onnx: labels in JSON with \\u escapes, as json.dumps writes them, read as UTF-8", "[onnx]") {
  auto with = [](const std::string& labels) {
    std::vector<uint8_t> bytes = small_model();  // 3 outputs
    Proto extra;
    extra.msg(14, metadata("labels", labels));
    bytes.insert(bytes.end(), extra.data.begin(), extra.data.end());
    return bytes;
  };
  // json.dumps(["고양이", "dog 🐶", "a\rb"])
  const auto bytes = with("[\"\\uace0\\uc591\\uc774\", \"dog \\ud83d\\udc36\", \"a\\rb\"]");
  std::unique_ptr<Network> net;
  ModelInfo info;
  REQUIRE(import_onnx(bytes.data(), bytes.size(), &net, &info).message() == "");
  CHECK(info.labels == std::vector<std::string>{"\xEA\xB3\xA0\xEC\x96\x91\xEC\x9D\xB4", "dog \xF0\x9F\x90\xB6", "a\rb"});
  CHECK_THAT(import_error(with("[\"\\ud83d\", \"b\", \"c\"]")), Catch::Contains("half a surrogate pair (U+D83D)"));
  CHECK_THAT(import_error(with("[\"\\u00g1\", \"b\", \"c\"]")), Catch::Contains("without four hex digits"));
  CHECK_THAT(import_error(with("[\"\\u0000\", \"b\", \"c\"]")), Catch::Contains("NUL"));
}

TEST_CASE("onnx: the metadata \"normalize\" becomes the model's input normalisation, checked", "[onnx]") {
  auto with = [](const std::string& value) {
    std::vector<uint8_t> bytes = small_model();  // a 2-channel input
    Proto extra;
    extra.msg(14, metadata("normalize", value));
    bytes.insert(bytes.end(), extra.data.begin(), extra.data.end());
    return bytes;
  };
  for (const auto& [text, mean, stdev] : std::vector<std::tuple<std::string, std::vector<float>, std::vector<float>>>{
           {"(0.1307,), (0.3081,)", {0.1307f}, {0.3081f}},
           {"0.5, 0.25, 0.2, 0.4", {0.5f, 0.25f}, {0.2f, 0.4f}},
           {"[0.5 0.25] [2e-1 4e-1]", {0.5f, 0.25f}, {0.2f, 0.4f}}}) {
    std::unique_ptr<Network> net;
    ModelInfo info;
    const auto bytes = with(text);
    const Status st = import_onnx(bytes.data(), bytes.size(), &net, &info);
    INFO(text << ": " << st.message());
    REQUIRE(st.is_ok());
    CHECK(info.norm_mean == mean);
    CHECK(info.norm_std == stdev);
    CHECK(info.get("normalize") == "");  // not kept as free text besides
  }
  CHECK_THAT(import_error(with("0.5, x")), Catch::Contains("\"x\", which is not a finite number"));
  CHECK_THAT(import_error(with("0.5, 0.2, 0.3")), Catch::Contains("3 numbers"));
  CHECK_THAT(import_error(with("")), Catch::Contains("0 numbers"));
  CHECK_THAT(import_error(with("1, 2, 3, 0.1, 0.2, 0.3")), Catch::Contains("3 means and 3 standard deviations") && Catch::Contains("(2)"));
  CHECK_THAT(import_error(with("0.5, 0")), Catch::Contains("standard deviation for channel 0 is 0"));
  CHECK_THAT(import_error(with("0.5, nan")), Catch::Contains("not a finite number"));
  CHECK_THAT(import_error(with("0.5, 1e999")), Catch::Contains("not a finite number"));
  CHECK_THAT(import_error(with("0.5, 1e23")), Catch::Contains("not a finite number"));
  CHECK_THAT(import_error(with("0.5, 0x1")), Catch::Contains("not a finite number"));
  CHECK_THAT(import_error(with("0.5, 1.2.3")), Catch::Contains("not a finite number"));
  CHECK_THAT(import_error(with("0.5, e5")), Catch::Contains("not a finite number"));
  // every way of writing a number the page's field takes reads as the same float
  for (const auto& [text, want] : std::vector<std::pair<std::string, float>>{
           {"0.1307", 0.1307f}, {".5", 0.5f}, {"5.", 5.0f}, {"+2e-1", 0.2f}, {"-1.5E+1", -15.0f},
           {"0.000001", 1e-6f}, {"00012.50", 12.5f}, {"0.30810000000000001", 0.3081f}}) {
    std::unique_ptr<Network> net;
    ModelInfo info;
    const auto bytes = with(text + ", 1");
    INFO(text);
    REQUIRE(import_onnx(bytes.data(), bytes.size(), &net, &info).is_ok());
    CHECK(info.norm_mean == std::vector<float>{want});
  }
}

TEST_CASE("onnx: damaged bytes are refused with a message, never a crash", "[onnx]") {
  CHECK_THAT(import_error({}), Catch::Contains("empty"));
  CHECK_THAT(import_error({0xFF, 0xFF, 0xFF}), Catch::Contains("not a readable ONNX model"));
  const std::vector<std::string> texts = {"hello, world", "CNNMODEL"};
  for (const auto& t : texts) CHECK(!import_error(std::vector<uint8_t>(t.begin(), t.end())).empty());
  const std::vector<uint8_t> good = small_model();
  for (size_t n = 0; n < good.size(); ++n) {
    INFO("truncated to " << n << " of " << good.size() << " bytes");
    CHECK(!import_error(std::vector<uint8_t>(good.begin(), good.begin() + long(n))).empty());
  }
  cnn_test::Rng rng(15);
  for (int k = 0; k < 2000; ++k) {
    std::vector<uint8_t> b = good;
    const int flips = 1 + k % 3;
    for (int f = 0; f < flips; ++f) b[size_t(rng.next() % b.size())] ^= uint8_t(1u << (rng.next() % 8));
    import_error(b);  // refused with a message (checked inside) or imported: never a crash
  }
}

namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::vector<uint8_t> out;
  const Status st = read_file(path, &out);
  INFO(path);
  REQUIRE(st.message() == "");
  return out;
}

}  // namespace

TEST_CASE("onnx: PyTorch's exports import and agree with PyTorch", "[.][onnx-torch]") {
  const char* dir_env = std::getenv("CNN_ONNX_CASES");
  REQUIRE(dir_env);
  const std::string dir = dir_env;
  std::ifstream list(dir + "/cases.txt");
  REQUIRE(list.good());
  std::string line;
  int ok_cases = 0, refused_cases = 0;
  while (std::getline(list, line)) {
    std::istringstream in(line);
    std::string verdict, name;
    in >> verdict >> name;
    INFO("case " << name);
    const std::vector<uint8_t> bytes = read_bytes(dir + "/" + name + ".onnx");
    std::unique_ptr<Network> net;
    ModelInfo info;
    const Status st = import_onnx(bytes.data(), bytes.size(), &net, &info);
    if (verdict == "refuse") {
      std::string text;
      std::getline(in >> std::ws, text);
      REQUIRE(!st);
      CHECK_THAT(st.message(), Catch::Contains(text) && Catch::Contains("node "));
      ++refused_cases;
      continue;
    }
    int64_t n, c, h, w;
    in >> n >> c >> h >> w;
    REQUIRE(st.message() == "");
    CHECK(info.in_c == c);
    CHECK(info.in_h == h);
    CHECK(info.in_w == w);
    const std::vector<uint8_t> x = read_bytes(dir + "/" + name + ".in"), y = read_bytes(dir + "/" + name + ".out");
    REQUIRE(int64_t(x.size()) == n * c * h * w * 4);
    Shape s;
    REQUIRE(Shape::nchw(n, c, h, w, &s));
    REQUIRE(net->plan(s));
    REQUIRE(net->forward(reinterpret_cast<const float*>(x.data()), n * c * h * w));
    const TensorView out = net->output();
    REQUIRE(out.shape.elements() * 4 == int64_t(y.size()));
    const float* want = reinterpret_cast<const float*>(y.data());
    // |engine - torch| <= 1e-5 * max(1, |torch|)
    double worst = 0;
    for (int64_t i = 0; i < out.shape.elements(); ++i)
      worst = std::max(worst, std::fabs(double(out.data[i]) - want[i]) / std::max(1.0, std::fabs(double(want[i]))));
    INFO("largest difference " << worst);
    CHECK(worst <= 1e-5);
    if (name == "seeds_view_op13") {
      REQUIRE(info.labels.size() == 10);
      CHECK(info.labels[3] == "three");
    }
    if (name.rfind("mnist", 0) == 0) CHECK(info.get("output").find("LogSoftmax") != std::string::npos);
    ++ok_cases;

    // Damage: every truncation refused, byte flips refused or imported, never a crash.
    if (bytes.size() <= 200000) {
      const size_t step = std::max<size_t>(1, bytes.size() / 400);
      for (size_t cut = 0; cut < bytes.size(); cut += step) {
        INFO("truncated to " << cut << " of " << bytes.size());
        CHECK(!import_error(std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(cut))).empty());
      }
      cnn_test::Rng rng(uint64_t(bytes.size()));
      for (int k = 0; k < 200; ++k) {
        std::vector<uint8_t> b = bytes;
        b[size_t(rng.next() % b.size())] ^= uint8_t(1u << (rng.next() % 8));
        import_error(b);
      }
    }
  }
  CHECK(ok_cases >= 19);
  CHECK(refused_cases >= 3);
}
