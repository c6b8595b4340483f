// Writes the seed corpus of fuzz_model_loader into a directory: valid model
// files of every layer kind (float32 and float16) and damaged copies of them
// (truncated, bit-flipped, with trailing bytes). Each file starts with the
// fuzz target's selector byte: 1 = fix up size and checksum, 0 = as is.
//   make_corpus DIR
#include <cstdio>
#include <string>
#include <vector>

#include "model_io.hpp"

using namespace cnn;

namespace {

int written = 0;

void emit(const std::string& dir, const std::string& name, uint8_t selector, const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out;
  out.push_back(selector);
  out.insert(out.end(), bytes.begin(), bytes.end());
  const Status st = write_file(dir + "/" + name, out);
  if (!st) {
    std::fprintf(stderr, "make_corpus: %s\n", st.message().c_str());
    std::exit(1);
  }
  ++written;
}

std::vector<uint8_t> model(const std::vector<LayerSpec>& specs, int c, int h, int w, bool f16, int labels) {
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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  LayerSpec same = LayerSpec::conv2d(4, 4, 4, 1, 0, 1, 2);
  same.conv.padding = Padding::Same;
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> valid = {
      {"every-kind", model({LayerSpec::conv2d(2, 4, 3, 2, 1), LayerSpec::leaky_relu(0.1f), same,
                            LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2, 1, 1, true),
                            LayerSpec::simple(LayerKind::Tanh), LayerSpec::avgpool2d(2, 1, 0, false, false),
                            LayerSpec::simple(LayerKind::Sigmoid), LayerSpec::simple(LayerKind::Flatten),
                            LayerSpec::dense_layer(4 * 5 * 5, 3), LayerSpec::simple(LayerKind::Softmax)},
                           2, 9, 9, false, 3)},
      {"dilated-grouped", model({LayerSpec::conv2d(4, 4, 3, 1, 2, 2, 4, false), LayerSpec::simple(LayerKind::Softmax)},
                                4, 6, 5, true, 0)},
      {"tiny-dense", model({LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(3, 2, false)}, 3, 1, 1, false, 2)},
      {"lenet", model({LayerSpec::conv2d(1, 8, 5, 1, 2), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
                       LayerSpec::conv2d(8, 16, 5), LayerSpec::simple(LayerKind::ReLU), LayerSpec::maxpool2d(2),
                       LayerSpec::simple(LayerKind::Flatten), LayerSpec::dense_layer(400, 64),
                       LayerSpec::simple(LayerKind::ReLU), LayerSpec::dense_layer(64, 10),
                       LayerSpec::simple(LayerKind::Softmax)},
                      1, 28, 28, true, 10)},
  };
  uint64_t r = 12345;
  auto next = [&r] {
    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    return r;
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
  std::printf("make_corpus: %d files in %s\n", written, dir.c_str());
  return 0;
}
