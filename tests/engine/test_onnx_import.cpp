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

#include "helpers.hpp"
#include "onnx_import.hpp"

using namespace cnn;

namespace {

// A protobuf message being written: fields appended in order.
struct Proto {
  std::vector<uint8_t> b;
  void varint(uint64_t v) {
    do {
      uint8_t byte = v & 0x7F;
      v >>= 7;
      b.push_back(byte | (v ? 0x80 : 0));
    } while (v);
  }
  Proto& num(uint32_t field, int64_t v) {
    varint(uint64_t(field) << 3);
    varint(uint64_t(v));
    return *this;
  }
  Proto& bytes(uint32_t field, const void* p, size_t n) {
    varint((uint64_t(field) << 3) | 2);
    varint(n);
    const uint8_t* q = static_cast<const uint8_t*>(p);
    b.insert(b.end(), q, q + n);
    return *this;
  }
  Proto& str(uint32_t field, const std::string& s) { return bytes(field, s.data(), s.size()); }
  Proto& msg(uint32_t field, const Proto& m) { return bytes(field, m.b.data(), m.b.size()); }
  Proto& f32(uint32_t field, float f) {
    varint((uint64_t(field) << 3) | 5);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(u >> (8 * i)));
    return *this;
  }
};

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
  return m.b;
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
