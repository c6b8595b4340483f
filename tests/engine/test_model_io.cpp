// Model files: a save/load round trip keeps every spec, tensor, label and
// metadata entry; float16 halves the file within half precision; the CRC and
// float16 conversions match their standards; and every kind of damage
// (truncation at every length, trailing bytes, flipped bits, a wrong magic,
// version, size, kind, field, shape, name or value, re-checksummed so the
// deeper checks are reached) is refused with a clear message and no network.
// To add a case: take lenet_file(), change bytes (fix_up() recomputes the
// size and the checksum), and check the loader's message.
#include <cmath>
#include <cstring>

#include "helpers.hpp"
#include "model_io.hpp"

using namespace cnn;
using cnn_test::nchw;

namespace {

std::vector<LayerSpec> lenet() {
  return {
      LayerSpec::conv2d(1, 8, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::conv2d(8, 16, 5),      LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
      LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(400, 64), LayerSpec::simple(LayerKind::ReLU),
      LayerSpec::dense_layer(64, 10),   LayerSpec::simple(LayerKind::Softmax),
  };
}

ModelInfo digits_info() {
  ModelInfo info;
  info.in_c = 1;
  info.in_h = 28;
  info.in_w = 28;
  info.set("name", "digits");
  info.set("dataset", "mnist");
  info.set("description", "손글씨 숫자 (UTF-8 survives)");
  for (int i = 0; i < 10; ++i) info.labels.push_back(std::to_string(i));
  return info;
}

std::unique_ptr<Network> make(const std::vector<LayerSpec>& specs, uint64_t seed) {
  std::unique_ptr<Network> net;
  REQUIRE(Network::create(specs, &net).is_ok());
  net->init_params(seed);
  return net;
}

std::vector<uint8_t> save(Network& net, const ModelInfo& info, bool f16 = false) {
  std::vector<uint8_t> bytes;
  SaveOptions o;
  o.float16 = f16;
  const Status st = save_model(net, info, o, &bytes);
  INFO(st.message());
  REQUIRE(st.is_ok());
  return bytes;
}

std::vector<uint8_t> lenet_file() {
  auto net = make(lenet(), 1);
  return save(*net, digits_info());
}

void put32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
}

// Recomputes the declared size and the checksum, so a deliberate change
// reaches the checks behind them.
void fix_up(std::vector<uint8_t>* b) {
  put32(b, 12, uint32_t(b->size()));
  put32(b, b->size() - 4, crc32(b->data(), b->size() - 4));
}

std::string load_error(const std::vector<uint8_t>& b) {
  std::unique_ptr<Network> net;
  ModelInfo info;
  info.set("untouched", "yes");
  const Status st = load_model(b.data(), b.size(), &net, &info);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(net == nullptr);  // never a partly loaded model
  REQUIRE(info.get("untouched") == "yes");
  REQUIRE_FALSE(st.message().empty());
  return st.message();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Byte offset of the first occurrence of a string in the file.
size_t find(const std::vector<uint8_t>& b, const std::string& s) {
  for (size_t i = 0; i + s.size() <= b.size(); ++i)
    if (std::memcmp(b.data() + i, s.data(), s.size()) == 0) return i;
  FAIL("\"" << s << "\" not in the file");
  return 0;
}

}  // namespace

TEST_CASE("CRC-32 and float16 conversions match their standards", "[model]") {
  const char* check = "123456789";
  REQUIRE(crc32(reinterpret_cast<const uint8_t*>(check), 9) == 0xCBF43926u);
  REQUIRE(float_to_half(1.0f) == 0x3C00);
  REQUIRE(float_to_half(-2.0f) == 0xC000);
  REQUIRE(float_to_half(65504.0f) == 0x7BFF);
  REQUIRE(float_to_half(0.1f) == 0x2E66);
  REQUIRE(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);  // the smallest subnormal
  REQUIRE(float_to_half(1e-9f) == 0x0000);
  REQUIRE(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);  // a tie rounds to even
  REQUIRE(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);
  REQUIRE(float_to_half(1e6f) == 0x7C00);  // beyond the range: infinity
  // Every finite half survives the round trip exactly.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if (((h >> 10) & 0x1F) == 0x1F) continue;
    REQUIRE(float_to_half(half_to_float(uint16_t(h))) == h);
  }
  REQUIRE(half_to_float(0x3555) == Approx(0.333252).epsilon(1e-6));
}

TEST_CASE("a model round-trips: specs, parameters, labels, metadata and outputs", "[model]") {
  auto net = make(lenet(), 7);
  const std::vector<uint8_t> bytes = save(*net, digits_info());
  REQUIRE(std::memcmp(bytes.data(), "CNNMODEL", 8) == 0);
  std::unique_ptr<Network> back;
  ModelInfo info;
  const Status st = load_model(bytes.data(), bytes.size(), &back, &info);
  INFO(st.message());
  REQUIRE(st.is_ok());
  REQUIRE(back->num_layers() == net->num_layers());
  for (int i = 0; i < net->num_layers(); ++i) {
    REQUIRE(back->spec(i).kind == net->spec(i).kind);
    REQUIRE(back->weight_shape(i) == net->weight_shape(i));
  }
  REQUIRE(back->param_count() == net->param_count());
  REQUIRE(std::memcmp(back->params(), net->params(), sizeof(float) * size_t(net->param_count())) == 0);
  REQUIRE(info.in_c == 1);
  REQUIRE(info.in_h == 28);
  REQUIRE(info.labels.size() == 10);
  REQUIRE(info.labels[3] == "3");
  REQUIRE(info.get("name") == "digits");
  REQUIRE(info.get("description") == "손글씨 숫자 (UTF-8 survives)");
  // Same outputs.
  const auto x = cnn_test::random_vector(2 * 784, 3, 0.0f, 1.0f);
  for (auto* n : {net.get(), back.get()}) {
    REQUIRE(n->plan(nchw(2, 1, 28, 28)).is_ok());
    REQUIRE(n->forward(x.data(), 2 * 784).is_ok());
  }
  REQUIRE(std::memcmp(net->output().data, back->output().data, 20 * sizeof(float)) == 0);
  // Saving the loaded model gives the same bytes.
  REQUIRE(save(*back, info) == bytes);
  // The state dict's names and shapes.
  for (const char* name : {"0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"})
    REQUIRE(find(bytes, name) > 0);
}

TEST_CASE("float16 halves the weights and stays within half precision", "[model]") {
  auto net = make(lenet(), 7);
  const auto f32 = save(*net, digits_info());
  const auto f16 = save(*net, digits_info(), true);
  const int64_t n = net->param_count();
  REQUIRE(f32.size() - f16.size() == size_t(2 * n));
  std::unique_ptr<Network> back;
  ModelInfo info;
  REQUIRE(load_model(f16.data(), f16.size(), &back, &info).is_ok());
  for (int64_t i = 0; i < n; ++i) {
    REQUIRE(std::fabs(back->params()[i] - net->params()[i]) <= std::fabs(net->params()[i]) * (1.0f / 2048) + 1e-7f);
    REQUIRE(back->params()[i] == half_to_float(float_to_half(net->params()[i])));
  }
  // A value beyond float16's range is refused at save.
  net->params()[5] = 1e5f;
  std::vector<uint8_t> out;
  SaveOptions o;
  o.float16 = true;
  const Status st = save_model(*net, digits_info(), o, &out);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(contains(st.message(), "0.weight"));
  REQUIRE(contains(st.message(), "65504"));
}

TEST_CASE("save refuses what the loader would refuse", "[model][errors]") {
  auto net = make(lenet(), 1);
  ModelInfo info = digits_info();
  info.labels.pop_back();
  std::vector<uint8_t> out;
  Status st = save_model(*net, info, {}, &out);
  REQUIRE(contains(st.message(), "9 labels"));
  info = digits_info();
  info.in_h = 20;  // the dense layer then gets 144 inputs, not 400
  st = save_model(*net, info, {}, &out);
  REQUIRE_FALSE(st.is_ok());
  REQUIRE(contains(st.message(), "layer 7 (dense)"));
  info = digits_info();
  info.metadata.emplace_back("name", "twice");
  REQUIRE(contains(save_model(*net, info, {}, &out).message(), "appears twice"));
  net->params()[0] = std::nanf("");
  REQUIRE(contains(save_model(*net, digits_info(), {}, &out).message(), "non-finite"));
}

TEST_CASE("a truncated file is refused at every length, trailing bytes too", "[model][errors]") {
  const std::vector<uint8_t> good = lenet_file();
  for (size_t len = 0; len < good.size(); len += (len < 400 ? 1 : 97)) {
    const std::vector<uint8_t> cut(good.begin(), good.begin() + int64_t(len));
    const std::string msg = load_error(cut);
    INFO("length " << len << ": " << msg);
    REQUIRE((contains(msg, "truncated") || contains(msg, "at least") || contains(msg, "not a CNN playground model")));
  }
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  REQUIRE(contains(load_error(longer), "1 unexpected bytes after its end"));
}

TEST_CASE("flipped bits are caught by the checksum (or an earlier check)", "[model][errors]") {
  const std::vector<uint8_t> good = lenet_file();
  cnn_test::Rng r(3);
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> bad = good;
    const size_t at = i < 40 ? size_t(i) : size_t(r.next() % good.size());
    bad[at] ^= uint8_t(1u << (r.next() % 8));
    const std::string msg = load_error(bad);
    INFO("byte " << at << ": " << msg);
    REQUIRE((contains(msg, "checksum") || contains(msg, "magic") || contains(msg, "not a CNN playground") ||
             contains(msg, "version") || contains(msg, "truncated") || contains(msg, "unexpected bytes")));
  }
}

TEST_CASE("damage behind a valid checksum is named precisely", "[model][errors]") {
  const std::vector<uint8_t> good = lenet_file();
  const size_t input_at = 20;  // after magic, version, size, flags
  auto with = [&](size_t at, uint32_t v) {
    std::vector<uint8_t> b = good;
    put32(&b, at, v);
    fix_up(&b);
    return b;
  };
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  REQUIRE(contains(load_error(b), "not a CNN playground model"));
  b = good;
  put32(&b, 8, 2);
  REQUIRE(contains(load_error(b), "format version 2"));
  REQUIRE(contains(load_error(with(16, 4)), "flags 0x4"));
  REQUIRE(contains(load_error(with(input_at, 3)), "expects 1 input channel"));
  REQUIRE(contains(load_error(with(input_at + 4, 0)), "out of range"));
  REQUIRE(contains(load_error(with(input_at + 4, 20000000)), "out of range"));
  REQUIRE(contains(load_error(with(input_at + 4, 5000000)), "holds more than"));
  REQUIRE(contains(load_error(with(input_at + 12, 100000)), "metadata entries"));
  // A string's length running past the end.
  REQUIRE(contains(load_error(with(input_at + 16, 0xFFFFFF)), "limit"));
  load_error(with(input_at + 16, 4000));  // swallows the rest of the header: some later check fails

  // The layer section: find it by the first layer's record (kind 0, 13 fields, in 1, out 8).
  size_t layers = 0;
  for (size_t i = 0; i + 16 <= good.size(); ++i)
    if (good[i] == 11 && good[i + 4] == 0 && good[i + 8] == 13 && good[i + 12] == 1 && good[i + 16] == 8) {
      layers = i;
      break;
    }
  REQUIRE(layers > 0);
  REQUIRE(contains(load_error(with(layers, 0)), "0 layers"));
  REQUIRE(contains(load_error(with(layers, 5000)), "layers"));
  REQUIRE(contains(load_error(with(layers + 4, 99)), "unknown kind 99"));
  REQUIRE(contains(load_error(with(layers + 8, 12)), "has 12 fields"));
  REQUIRE(contains(load_error(with(layers + 12 + 4 * 4, 0)), "stride"));        // stride_h = 0
  REQUIRE(contains(load_error(with(layers + 12 + 12 * 4, 2)), "bias must be 0 or 1"));
  REQUIRE(contains(load_error(with(layers + 12 + 1 * 4, 9)), "layer 3 (conv2d)"));  // 9 filters feed a 8-channel conv
  REQUIRE(contains(load_error(with(layers + 12 + 1 * 4, 0x7FFFFFFF)), "out_channels"));

  // Tensors.
  const size_t w0 = find(good, "0.weight");
  b = good;
  b[w0] = '5';  // "5.weight": no such parameter
  fix_up(&b);
  REQUIRE(contains(load_error(b), "\"5.weight\", which is not a parameter"));
  b = good;
  b[w0 + 2] = 'b';  // "0.beight"
  fix_up(&b);
  REQUIRE(contains(load_error(b), "not a parameter"));
  b = good;
  std::memcpy(b.data() + find(good, "3.bias"), "0.bias", 6);
  fix_up(&b);
  REQUIRE(contains(load_error(b), "tensor 0.bias appears twice"));
  REQUIRE(contains(load_error(with(w0 + 8, 7)), "dtype 7"));
  REQUIRE(contains(load_error(with(w0 + 12, 5)), "rank 5"));
  REQUIRE(contains(load_error(with(w0 + 16, 9)), "has shape [9, 1, 5, 5] in the file, but the architecture needs [8, 1, 5, 5]"));
  // A non-finite weight.
  b = good;
  put32(&b, w0 + 32, 0x7FC00000u);
  fix_up(&b);
  REQUIRE(contains(load_error(b), "tensor 0.weight holds a non-finite value at index 0"));
  // Bytes after the last tensor (with the size and checksum made consistent).
  b = good;
  b.insert(b.end() - 4, {1, 2, 3});
  fix_up(&b);
  REQUIRE(contains(load_error(b), "3 unexpected bytes after its last tensor"));
  // Labels that do not match the outputs.
  auto net = make(lenet(), 1);
  ModelInfo no_labels = digits_info();
  no_labels.labels.clear();
  const auto unlabelled = save(*net, no_labels);
  std::unique_ptr<Network> ok;
  ModelInfo info;
  REQUIRE(load_model(unlabelled.data(), unlabelled.size(), &ok, &info).is_ok());
  REQUIRE(info.labels.empty());
}

TEST_CASE("huge declared sizes are refused before anything is allocated", "[model][errors]") {
  // A small flatten + dense network, then declared to need 2^28 weights, in a tiny file.
  auto net = make({LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(3, 2)}, 1);
  ModelInfo info;
  info.in_c = 3;
  info.in_h = 1;
  info.in_w = 1;
  std::vector<uint8_t> b = save(*net, info);
  // Its fields: in_features 3, out_features 2, bias 1 right after kind 8 and count 3.
  size_t at = 0;
  for (size_t i = 0; i + 20 <= b.size(); ++i)
    if (b[i] == 8 && b[i + 4] == 3 && b[i + 8] == 3 && b[i + 12] == 2 && b[i + 16] == 1) at = i;
  REQUIRE(at > 0);
  put32(&b, at + 8, 16384);
  put32(&b, at + 12, 16384);
  put32(&b, 20, 16384);  // the input: 16384 x 1 x 1
  fix_up(&b);
  const std::string msg = load_error(b);
  INFO(msg);
  REQUIRE(contains(msg, "parameters"));
}

TEST_CASE("an input normalisation round-trips and is checked on save and load", "[model]") {
  auto net = make(lenet(), 3);
  ModelInfo info = digits_info();
  const auto plain = save(*net, info);
  info.norm_mean = {0.1307f};
  info.norm_std = {0.3081f};
  const auto with = save(*net, info);
  REQUIRE(with.size() == plain.size() + 12);  // the count, one mean, one std
  REQUIRE(with[16] == 1);                     // flag bit 0
  std::unique_ptr<Network> back;
  ModelInfo got;
  REQUIRE(load_model(with.data(), with.size(), &back, &got).is_ok());
  REQUIRE(got.norm_mean == std::vector<float>{0.1307f});
  REQUIRE(got.norm_std == std::vector<float>{0.3081f});
  REQUIRE(save(*back, got) == with);
  // A file without one has none, and its bytes are as before.
  ModelInfo none;
  REQUIRE(load_model(plain.data(), plain.size(), &back, &none).is_ok());
  REQUIRE(none.norm_mean.empty());
  REQUIRE(plain[16] == 0);

  // Save refuses what the loader would refuse, with a code and the numbers.
  std::vector<uint8_t> out;
  ModelInfo bad = info;
  bad.norm_mean = {0.5f, 0.5f, 0.5f};
  bad.norm_std = {0.2f, 0.2f, 0.2f};
  Status st = save_model(*net, bad, SaveOptions(), &out);
  REQUIRE(st.code() == "normalize_count");
  REQUIRE(contains(st.message(), "3 means and 3 standard deviations"));
  REQUIRE(contains(st.message(), "input channel (1)"));
  bad.norm_mean = {0.5f};
  bad.norm_std = {0.2f, 0.3f};
  REQUIRE(save_model(*net, bad, SaveOptions(), &out).code() == "normalize_count");
  bad.norm_std = {0.0f};
  st = save_model(*net, bad, SaveOptions(), &out);
  REQUIRE(st.code() == "normalize_value");
  REQUIRE(contains(st.message(), "standard deviation for channel 0 is 0"));
  bad.norm_std = {-1.0f};
  REQUIRE(contains(save_model(*net, bad, SaveOptions(), &out).message(), "is -1"));
  bad.norm_std = {1.0f};
  bad.norm_mean = {std::nanf("")};
  st = save_model(*net, bad, SaveOptions(), &out);
  REQUIRE(st.code() == "normalize_value");
  REQUIRE(contains(st.message(), "mean for channel 0 is NaN"));

  // Damage in the file, behind a valid checksum.
  auto at = [&](size_t pos, uint32_t v) {
    std::vector<uint8_t> b = with;
    put32(&b, pos, v);
    fix_up(&b);
    return b;
  };
  const size_t count_at = 20 + 12, mean_at = count_at + 4, std_at = mean_at + 4;
  REQUIRE(contains(load_error(at(count_at, 2)), "2 values per statistic"));
  REQUIRE(contains(load_error(at(count_at, 0)), "0 values per statistic"));
  REQUIRE(contains(load_error(at(count_at, 0xFFFFFFFFu)), "values per statistic"));
  REQUIRE(contains(load_error(at(std_at, 0)), "standard deviation for channel 0 is 0"));
  REQUIRE(contains(load_error(at(std_at, 0xBF800000u)), "is -1"));
  REQUIRE(contains(load_error(at(mean_at, 0x7F800000u)), "mean for channel 0 is Infinity"));
  REQUIRE(contains(load_error(at(16, 3)), "flags 0x2"));
  // Flag set on a file that has no normalisation: its bytes are read as one and fail a check.
  std::vector<uint8_t> b = plain;
  put32(&b, 16, 1);
  fix_up(&b);
  load_error(b);
}

TEST_CASE("a three-channel input takes one normalisation per channel", "[model]") {
  auto net = make({LayerSpec::conv2d(3, 4, 3), LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(4 * 6 * 6, 2)}, 5);
  ModelInfo info;
  info.in_c = 3;
  info.in_h = 8;
  info.in_w = 8;
  info.norm_mean = {0.485f, 0.456f, 0.406f};
  info.norm_std = {0.229f, 0.224f, 0.225f};
  const auto bytes = save(*net, info);
  std::unique_ptr<Network> back;
  ModelInfo got;
  REQUIRE(load_model(bytes.data(), bytes.size(), &back, &got).is_ok());
  REQUIRE(got.norm_mean == info.norm_mean);
  REQUIRE(got.norm_std == info.norm_std);
  info.norm_mean = {0.5f};  // one for all channels
  info.norm_std = {0.25f};
  const auto one = save(*net, info);
  REQUIRE(load_model(one.data(), one.size(), &back, &got).is_ok());
  REQUIRE(got.norm_mean.size() == 1);
}
