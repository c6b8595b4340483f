// libFuzzer target for the model loader (engine/model_io.hpp), built with
// clang's -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh.
//
// The first input byte picks how the rest is fed to the loader: odd means
// "fix up first" (the declared size and the CRC-32 are recomputed, so
// mutations reach the parser behind the checksum), even means as is.
// The properties checked: model_properties.hpp.
#include <cstdint>
#include <cstring>
#include <vector>

#include "model_properties.hpp"

using namespace cnn;

namespace {

void put32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> b(data + 1, data + size);
  if ((data[0] & 1) && b.size() >= 24) {
    put32(&b, 12, uint32_t(b.size()));
    put32(&b, b.size() - 4, crc32(b.data(), b.size() - 4));
  }
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = load_model(b.data(), b.size(), &net, &info);
  cnn_fuzz::check_model(st, net, info);
  return 0;
}
