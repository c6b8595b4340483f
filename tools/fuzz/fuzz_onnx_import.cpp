// libFuzzer target for the ONNX importer (engine/onnx_import.hpp), built with
// clang's -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh. Its seeds
// are real exports of small PyTorch CNNs and damaged copies of them
// (tests/onnx/make_cases.py --seeds).
// Properties checked beyond "no crash, no leak, no undefined behaviour":
//   - a refused file leaves no network and comes with a message;
//   - an imported model plans for its input, runs forward (when small) and
//     saves to a model file that loads again with the same parameters.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "geometry.hpp"
#include "model_io.hpp"
#include "onnx_import.hpp"

using namespace cnn;

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "property violated: %s\n", what);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = import_onnx(data, size, &net, &info);
  if (!st) {
    if (net) broken("a refused file left a network");
    if (st.message().empty()) broken("a refusal without a message");
    return 0;
  }
  if (!net) broken("an accepted file without a network");

  Shape s;
  if (!Shape::nchw(1, info.in_c, info.in_h, info.in_w, &s)) broken("the imported input shape is not a shape");
  int64_t values = s.elements(), macs = 0;
  Shape cur = s;
  for (int i = 0; i < net->num_layers(); ++i) {
    Geometry g;
    if (!layer_geometry(cur, net->spec(i), &g)) broken("an imported architecture does not fit its input");
    values += g.out.elements();
    macs += g.macs;
    cur = g.out;
  }
  if (values <= (int64_t(1) << 20)) {
    if (!net->plan(s)) broken("an imported model does not plan for its input");
    if (macs <= 2000000) {
      std::vector<float> x(size_t(s.elements()), 0.5f);
      if (!net->forward(x.data(), int64_t(x.size()))) broken("an imported model does not run");
    }
  }
  std::vector<uint8_t> saved;
  if (!save_model(*net, info, SaveOptions(), &saved)) broken("an imported model cannot be saved");
  std::unique_ptr<Network> back;
  ModelInfo back_info;
  if (!load_model(saved.data(), saved.size(), &back, &back_info)) broken("a saved import does not load");
  if (back->param_count() != net->param_count() ||
      std::memcmp(back->params(), net->params(), sizeof(float) * size_t(net->param_count())) != 0)
    broken("a saved import loads with other parameters");
  return 0;
}
