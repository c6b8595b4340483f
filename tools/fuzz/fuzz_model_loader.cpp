// libFuzzer target for the model loader (engine/model_io.hpp), built with
// clang's -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh.
//
// The first input byte picks how the rest is fed to the loader: odd means
// "fix up first" (the declared size and the CRC-32 are recomputed, so
// mutations reach the parser behind the checksum), even means as is.
// Properties checked beyond "no crash, no leak, no undefined behaviour":
//   - a refused file leaves no network and comes with a message;
//   - a loaded model plans for its input, runs forward (when small) and
//     saves to a file that loads again with the same parameters.
#include <cstdint>
#include <cstring>
#include <vector>

#include "geometry.hpp"
#include "model_io.hpp"

using namespace cnn;

namespace {

void put32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
}

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "property violated: %s\n", what);
  __builtin_trap();
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
  if (!st) {
    if (net) broken("a refused file left a network");
    if (st.message().empty()) broken("a refusal without a message");
    return 0;
  }
  if (!net) broken("an accepted file without a network");

  // Activations and work of one sample, to keep the run fast.
  Shape s;
  if (!Shape::nchw(1, info.in_c, info.in_h, info.in_w, &s)) broken("the accepted input shape is not a shape");
  int64_t values = s.elements(), macs = 0;
  Shape cur = s;
  for (int i = 0; i < net->num_layers(); ++i) {
    Geometry g;
    if (!layer_geometry(cur, net->spec(i), &g)) broken("an accepted architecture does not fit its input");
    values += g.out.elements();
    macs += g.macs;
    cur = g.out;
  }
  if (values <= (int64_t(1) << 20)) {
    if (!net->plan(s)) broken("an accepted model does not plan for its input");
    if (macs <= 2000000) {
      std::vector<float> x(size_t(s.elements()), 0.5f);
      if (!net->forward(x.data(), int64_t(x.size()))) broken("an accepted model does not run");
    }
  }
  std::vector<uint8_t> again;
  if (!save_model(*net, info, SaveOptions(), &again)) broken("an accepted model cannot be saved");
  std::unique_ptr<Network> back;
  ModelInfo back_info;
  if (!load_model(again.data(), again.size(), &back, &back_info)) broken("a saved model does not load");
  if (back->param_count() != net->param_count() ||
      std::memcmp(back->params(), net->params(), sizeof(float) * size_t(net->param_count())) != 0)
    broken("a saved model loads with other parameters");
  if (back_info.labels != info.labels || back_info.metadata != info.metadata) broken("metadata changed in a round trip");
  return 0;
}
