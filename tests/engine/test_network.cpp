// Network: the chain is validated up front with errors that name the layer,
// forward keeps every activation, the SIMD and reference variants agree, and
// a failed plan or bad input leaves the network usable.
// To add a case: build the layer list as a model would, then check shapes,
// counts or outputs against what PyTorch would give.
#include <cstring>

#include "helpers.hpp"
#include "network.hpp"

using namespace cnn;
using cnn_test::nchw;
using cnn_test::nf;

namespace {

std::vector<LayerSpec> lenet() {
  return {
      LayerSpec::conv2d(1, 8, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::conv2d(8, 16, 5),      LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(400, 64), LayerSpec::simple(LayerKind::ReLU),
      LayerSpec::dense_layer(64, 10),   LayerSpec::simple(LayerKind::Softmax),
  };
}

std::unique_ptr<Network> make(const std::vector<LayerSpec>& specs) {
  std::unique_ptr<Network> net;
  const Status st = Network::create(specs, &net);
  INFO(st.message());
  REQUIRE(st.is_ok());
  return net;
}

}  // namespace

TEST_CASE("LeNet: shapes, parameter count and multiply-adds of every layer", "[network]") {
  auto net = make(lenet());
  REQUIRE(net->param_count() == (8 * 25 + 8) + (16 * 200 + 16) + (400 * 64 + 64) + (64 * 10 + 10));
  REQUIRE(net->plan(nchw(1, 1, 28, 28)).is_ok());
  REQUIRE(net->geometry(0).out == nchw(1, 8, 28, 28));
  REQUIRE(net->geometry(2).out == nchw(1, 8, 14, 14));
  REQUIRE(net->geometry(3).out == nchw(1, 16, 10, 10));
  REQUIRE(net->geometry(5).out == nchw(1, 16, 5, 5));
  REQUIRE(net->geometry(6).out == nf(1, 400));
  REQUIRE(net->geometry(10).out == nf(1, 10));
  REQUIRE(net->total_macs() == 28 * 28 * 8 * 25 + 10 * 10 * 16 * 200 + 400 * 64 + 64 * 10);
  REQUIRE(net->weight_shape(0) == std::vector<int64_t>{8, 1, 5, 5});
  REQUIRE(net->weight_shape(9) == std::vector<int64_t>{10, 64});
}

TEST_CASE("the SIMD network and the reference network give the same output on a batch", "[network]") {
  auto simd = make(lenet());
  auto ref = make(lenet());
  simd->init_params(42);
  ref->init_params(42);
  REQUIRE(std::memcmp(simd->params(), ref->params(), sizeof(float) * size_t(simd->param_count())) == 0);
  REQUIRE(ref->set_variant(Variant::Ref).is_ok());
  const auto x = cnn_test::random_vector(3 * 28 * 28, 5, 0.0f, 1.0f);
  for (auto* n : {simd.get(), ref.get()}) {
    REQUIRE(n->plan(nchw(3, 1, 28, 28)).is_ok());
    REQUIRE(n->forward(x.data(), int64_t(x.size())).is_ok());
  }
  for (int i = 0; i < simd->num_layers(); ++i) {
    const TensorView a = simd->activation(i), b = ref->activation(i);
    REQUIRE(a.shape == b.shape);
    INFO("layer " << i << " " << simd->kernel_name(i) << " vs " << ref->kernel_name(i));
    REQUIRE(cnn_test::max_rel_diff(a.data, b.data, a.shape.elements()) <= 1e-4);
  }
  // Softmax output: each row sums to one.
  const TensorView out = simd->output();
  for (int n = 0; n < 3; ++n) {
    double s = 0;
    for (int k = 0; k < 10; ++k) s += out.data[n * 10 + k];
    REQUIRE(s == Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("an activation fused into the conv or dense layer before it keeps both layers' outputs", "[network]") {
  // conv -> ReLU, conv -> LeakyReLU, dense -> ReLU: the SIMD network writes
  // the activation in the kernel's epilogue; every layer's output must still
  // be exactly what running the layers one by one gives.
  const std::vector<LayerSpec> specs = {
      LayerSpec::conv2d(2, 8, 3, 1, 1), LayerSpec::simple(LayerKind::ReLU),
      LayerSpec::conv2d(8, 12, 3),      LayerSpec::leaky_relu(0.2f),
      LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(12 * 5 * 5, 9), LayerSpec::simple(LayerKind::ReLU),
  };
  auto simd = make(specs);
  auto ref = make(specs);
  simd->init_params(11);
  ref->init_params(11);
  REQUIRE(ref->set_variant(Variant::Ref).is_ok());
  REQUIRE(std::string(simd->kernel_name(1)).find("fused") != std::string::npos);
  REQUIRE(std::string(simd->kernel_name(3)).find("fused") != std::string::npos);
  REQUIRE(std::string(simd->kernel_name(6)).find("fused") != std::string::npos);
  REQUIRE(std::string(ref->kernel_name(1)).find("fused") == std::string::npos);
  const auto x = cnn_test::random_vector(2 * 2 * 7 * 7, 6);
  for (auto* n : {simd.get(), ref.get()}) {
    REQUIRE(n->plan(nchw(2, 2, 7, 7)).is_ok());
    REQUIRE(n->forward(x.data(), int64_t(x.size())).is_ok());
  }
  for (int i = 0; i < simd->num_layers(); ++i) {
    const TensorView a = simd->activation(i), b = ref->activation(i);
    INFO("layer " << i << " " << simd->kernel_name(i));
    REQUIRE(cnn_test::max_rel_diff(a.data, b.data, a.shape.elements()) <= 1e-4);
  }
  // The activation layers hold exactly act(their input).
  for (int i : {1, 3, 6}) {
    const TensorView in = simd->activation(i - 1), out = simd->activation(i);
    const float slope = i == 3 ? 0.2f : 0.0f;
    for (int64_t k = 0; k < out.shape.elements(); ++k) {
      const float v = in.data[k];
      REQUIRE(out.data[k] == (v > 0.0f ? v : v * slope));
    }
  }
}

TEST_CASE("each sample of a batch gets the same answer as when run alone", "[network]") {
  auto net = make(lenet());
  net->init_params(3);
  const auto x = cnn_test::random_vector(4 * 784, 11, 0.0f, 1.0f);
  REQUIRE(net->plan(nchw(4, 1, 28, 28)).is_ok());
  REQUIRE(net->forward(x.data(), 4 * 784).is_ok());
  std::vector<float> batch_out(net->output().data, net->output().data + 40);
  REQUIRE(net->plan(nchw(1, 1, 28, 28)).is_ok());
  for (int n = 0; n < 4; ++n) {
    REQUIRE(net->forward(x.data() + n * 784, 784).is_ok());
    REQUIRE(cnn_test::max_rel_diff(net->output().data, batch_out.data() + n * 10, 10) <= 1e-5);
  }
}

TEST_CASE("after the first plan, forward reuses the same buffers", "[network]") {
  auto net = make(lenet());
  net->init_params(1);
  REQUIRE(net->plan(nchw(1, 1, 28, 28)).is_ok());
  std::vector<float*> ptrs;
  for (int i = -1; i < net->num_layers(); ++i) ptrs.push_back(net->activation(i).data);
  for (int rep = 0; rep < 3; ++rep) {
    REQUIRE(net->plan(nchw(1, 1, 28, 28)).is_ok());  // same shape: nothing changes
    REQUIRE(net->forward().is_ok());
    for (int i = -1; i < net->num_layers(); ++i) REQUIRE(net->activation(i).data == ptrs[size_t(i + 1)]);
  }
  // Flatten is a view, not a copy.
  REQUIRE(net->activation(6).data == net->activation(5).data);
}

TEST_CASE("an empty network is refused", "[network][errors]") {
  std::unique_ptr<Network> net;
  const Status st = Network::create({}, &net);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("empty") != std::string::npos);
  REQUIRE(net == nullptr);
}

TEST_CASE("a bad spec is refused at create with the layer's index and kind", "[network][errors]") {
  auto specs = lenet();
  specs[3].conv.stride_h = 0;
  std::unique_ptr<Network> net;
  const Status st = Network::create(specs, &net);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("layer 3 (conv2d)") == 0);
  REQUIRE(st.message().find("stride") != std::string::npos);
  LayerSpec bogus;
  bogus.kind = LayerKind(42);
  REQUIRE_FALSE(Network::create({bogus}, &net).is_ok());
}

TEST_CASE("a chain that does not fit is refused at plan, naming the layer, and the old plan survives", "[network][errors]") {
  auto specs = lenet();
  specs[3] = LayerSpec::conv2d(8, 16, 5, 2);  // stride 2: 16x5x5 becomes 16x2x2 after pooling
  auto net = make(specs);
  Status st = net->plan(nchw(1, 1, 28, 28));
  REQUIRE_FALSE(st.is_ok());
  INFO(st.message());
  REQUIRE(st.message().find("layer 7 (dense)") == 0);
  REQUIRE(st.message().find("expects 400 inputs") != std::string::npos);
  REQUIRE(st.message().find("gets 64") != std::string::npos);

  auto ok = make(lenet());
  ok->init_params(9);
  REQUIRE(ok->plan(nchw(1, 1, 28, 28)).is_ok());
  st = ok->plan(nchw(1, 3, 28, 28));  // wrong channel count
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("layer 0 (conv2d)") == 0);
  REQUIRE(st.message().find("expects 1 input channel") != std::string::npos);
  st = ok->plan(nchw(1, 1, 3, 3));  // too small for the 5x5 kernels after pooling
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(ok->input_shape() == nchw(1, 1, 28, 28));
  std::vector<float> x(784, 0.5f);
  REQUIRE(ok->forward(x.data(), 784).is_ok());
  REQUIRE_FALSE(ok->forward(x.data(), 783).is_ok());
}

TEST_CASE("forward before plan is an error, not a crash", "[network][errors]") {
  auto net = make(lenet());
  const Status st = net->forward();
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(st.message().find("plan") != std::string::npos);
  REQUIRE(net->activation(0).data == nullptr);
}

TEST_CASE("a batch whose activations would exhaust memory is refused", "[network][errors]") {
  auto net = make(lenet());
  Shape huge;
  REQUIRE(Shape::nchw(200000, 1, 28, 28, &huge).is_ok());  // 157M inputs: legal shape...
  const Status st = net->plan(huge);                        // ...but 8x that for layer 0
  REQUIRE_FALSE(st.is_ok());
  INFO(st.message());
  REQUIRE(st.message().find("layer 0 (conv2d)") == 0);
}

TEST_CASE("switching a planned network to the reference kernels leaves no fused activation behind", "[network]") {
  // dense -> LeakyReLU fuses in the SIMD network; after set_variant(Ref) on
  // the planned network, both layers must hold what a reference network
  // computes (the fused LeakyReLU was once kept and applied twice).
  const std::vector<LayerSpec> specs = {LayerSpec::dense_layer(4, 3), LayerSpec::leaky_relu(0.2f)};
  auto net = make(specs);
  auto ref = make(specs);
  net->init_params(3);
  ref->init_params(3);
  REQUIRE(ref->set_variant(Variant::Ref).is_ok());
  const float x[4] = {1, -2, 3, -0.5f};
  REQUIRE(net->plan(nf(1, 4)).is_ok());
  REQUIRE(net->forward(x, 4).is_ok());
  REQUIRE(net->set_variant(Variant::Ref).is_ok());
  REQUIRE(net->forward(x, 4).is_ok());
  REQUIRE(ref->plan(nf(1, 4)).is_ok());
  REQUIRE(ref->forward(x, 4).is_ok());
  bool negative = false;
  for (int layer = 0; layer < 2; ++layer)
    for (int i = 0; i < 3; ++i) {
      REQUIRE(net->activation(layer).data[i] == ref->activation(layer).data[i]);
      negative = negative || ref->activation(0).data[i] < 0.0f;
    }
  REQUIRE(negative);  // the case where LeakyReLU twice differs from once
}
