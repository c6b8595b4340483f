// Writes the seed corpus of a fuzz target into a directory:
//   make_corpus model_loader DIR   for fuzz_model_loader: valid model files of
//                                  every layer kind (float32 and float16) and
//                                  damaged copies of them (truncated,
//                                  bit-flipped, with trailing bytes). Each file
//                                  starts with the fuzz target's selector byte:
//                                  1 = fix up size and checksum, 0 = as is.
//   make_corpus dataset DIR        for fuzz_dataset: small valid data files (the
//                                  layout of tools/prepare_data.js) and damaged
//                                  copies of them.
#include <cstdio>
#include <string>
#include <vector>

#include "model_io.hpp"

using namespace cnn;

namespace {

int written = 0;

void emit(const std::string& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  const Status st = write_file(dir + "/" + name, bytes);
  if (!st) {
    std::fprintf(stderr, "make_corpus: %s\n", st.message().c_str());
    std::exit(1);
  }
  ++written;
}

std::vector<uint8_t> model(const std::vector<LayerSpec>& specs, int c, int h, int w, bool f16, int labels,
                           std::vector<float> mean = {}, std::vector<float> stdev = {}) {
  std::unique_ptr<Network> net;
  Status st = Network::create(specs, &net);
  if (!st) {
    std::fprintf(stderr, "make_corpus: %s\n", st.message().c_str());
    std::exit(1);
  }
  net->init_params(uint64_t(c * 31 + h));
  ModelInfo info;
  info.in_c = c;
  info.in_h = h;
  info.in_w = w;
  info.set("name", "seed");
  info.set("dataset", "none");
  for (int i = 0; i < labels; ++i) info.labels.push_back("class " + std::to_string(i));
  info.norm_mean = std::move(mean);
  info.norm_std = std::move(stdev);
  SaveOptions o;
  o.float16 = f16;
  std::vector<uint8_t> bytes;
  st = save_model(*net, info, o, &bytes);
  if (!st) {
    std::fprintf(stderr, "make_corpus: %s\n", st.message().c_str());
    std::exit(1);
  }
  return bytes;
}

uint64_t rng_state = 12345;

uint64_t next() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

// A model file as fuzz_model_loader reads it: behind its selector byte.
void emit(const std::string& dir, const std::string& name, uint8_t selector, const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out;
  out.push_back(selector);
  out.insert(out.end(), bytes.begin(), bytes.end());
  emit(dir, name, out);
}

void models(const std::string& dir) {
  LayerSpec same = LayerSpec::conv2d(4, 4, 4, 1, 0, 1, 2);
  same.conv.padding = Padding::Same;
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> valid = {
      {"every-kind", model({LayerSpec::conv2d(2, 4, 3, 2, 1), LayerSpec::leaky_relu(0.1f), same,
                            LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2, 1, 1, true),
                            LayerSpec::simple(LayerKind::Tanh), LayerSpec::avgpool2d(2, 1, 0, false, false),
                            LayerSpec::simple(LayerKind::Sigmoid), LayerSpec::simple(LayerKind::Flatten),
                            LayerSpec::dense_layer(4 * 5 * 5, 3), LayerSpec::simple(LayerKind::Softmax)},
                           2, 9, 9, false, 3, {0.5f, 0.25f}, {0.2f, 0.4f})},
      {"dilated-grouped", model({LayerSpec::conv2d(4, 4, 3, 1, 2, 2, 4, false), LayerSpec::simple(LayerKind::Softmax)},
                                4, 6, 5, true, 0)},
      {"tiny-dense", model({LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(3, 2, false)}, 3, 1, 1, false, 2)},
      {"lenet", model({LayerSpec::conv2d(1, 8, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
                       LayerSpec::conv2d(8, 16, 5), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
                       LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(400, 64),
                       LayerSpec::simple(LayerKind::ReLU), LayerSpec::dense_layer(64, 10),
                       LayerSpec::simple(LayerKind::Softmax)},
                      1, 28, 28, true, 10, {0.1307f}, {0.3081f})},
  };
  for (const auto& v : valid) {
    emit(dir, v.first, 1, v.second);
    emit(dir, v.first + "-raw", 0, v.second);
    for (int k = 0; k < 4; ++k) {  // truncated
      const size_t len = size_t(next() % v.second.size());
      emit(dir, v.first + "-cut" + std::to_string(k), uint8_t(k & 1),
           std::vector<uint8_t>(v.second.begin(), v.second.begin() + int64_t(len)));
    }
    for (int k = 0; k < 6; ++k) {  // flipped bits, re-checksummed by the selector
      std::vector<uint8_t> b = v.second;
      b[size_t(next() % b.size())] ^= uint8_t(1u << (next() % 8));
      emit(dir, v.first + "-flip" + std::to_string(k), 1, b);
    }
    std::vector<uint8_t> longer = v.second;
    longer.insert(longer.end(), {0, 1, 2, 3});
    emit(dir, v.first + "-trailing", 1, longer);
  }
}

// A data file as tools/prepare_data.js writes it: images of c x h x w bytes.
std::vector<uint8_t> data_file(uint32_t count, uint32_t train, uint32_t c, uint32_t h, uint32_t w,
                               const std::vector<std::string>& classes) {
  std::vector<uint8_t> b = {'C', 'N', 'N', 'D', 'A', 'T', 'A', 0};
  auto u32 = [&b](uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
  };
  auto str = [&](const std::string& s) {
    u32(uint32_t(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  };
  for (uint32_t v : {1u, count, train, c, h, w, uint32_t(classes.size())}) u32(v);
  str("seed");
  for (const std::string& name : classes) str(name);
  for (uint32_t i = 0; i < count; ++i) b.push_back(uint8_t(i % classes.size()));
  for (uint64_t i = 0; i < uint64_t(count) * c * h * w; ++i) b.push_back(uint8_t(next()));
  return b;
}

void datasets(const std::string& dir) {
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> valid = {
      {"gray", data_file(5, 3, 1, 4, 3, {"zero", "one", "two"})},
      {"rgb", data_file(2, 2, 3, 2, 2, {"a", "b"})},
      {"empty", data_file(0, 0, 1, 28, 28, {"only"})},
  };
  for (const auto& v : valid) {
    emit(dir, v.first, v.second);
    for (int k = 0; k < 3; ++k) {  // truncated
      const size_t len = size_t(next() % v.second.size());
      emit(dir, v.first + "-cut" + std::to_string(k),
           std::vector<uint8_t>(v.second.begin(), v.second.begin() + int64_t(len)));
    }
    for (int k = 0; k < 3; ++k) {  // flipped bits in the header
      std::vector<uint8_t> b = v.second;
      b[8 + size_t(next() % 32)] ^= uint8_t(1u << (next() % 8));
      emit(dir, v.first + "-flip" + std::to_string(k), b);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string kind = argc == 3 ? argv[1] : "";
  if (kind != "model_loader" && kind != "dataset") {
    std::fprintf(stderr, "usage: make_corpus model_loader|dataset DIR\n");
    return 2;
  }
  const std::string dir = argv[2];
  if (kind == "model_loader") models(dir);
  else datasets(dir);
  std::printf("make_corpus: %d files in %s\n", written, dir.c_str());
  return 0;
}
