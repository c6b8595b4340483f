// What every fuzz target that turns bytes into a network checks beyond "no
// crash, no leak, no undefined behaviour" (the model loader and the ONNX
// importer):
//   - a refused file leaves no network and comes with a message;
//   - an accepted one fits its input shape, plans for it and runs forward
//     (when small), and saves to a model file that loads again with the same
//     parameters, labels and metadata.
// A violation stops the fuzzer with the property's name.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "geometry.hpp"
#include "model_io.hpp"

namespace cnn_fuzz {

[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "property violated: %s\n", what);
  __builtin_trap();
}

inline void check_model(const cnn::Status& st, const std::unique_ptr<cnn::Network>& net, const cnn::ModelInfo& info) {
  using namespace cnn;
  if (!st) {
    if (net) broken("a refused file left a network");
    if (st.message().empty()) broken("a refusal without a message");
    return;
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
  std::vector<uint8_t> saved;
  if (!save_model(*net, info, SaveOptions(), &saved)) broken("an accepted model cannot be saved");
  std::unique_ptr<Network> back;
  ModelInfo back_info;
  if (!load_model(saved.data(), saved.size(), &back, &back_info)) broken("a saved model does not load");
  if (back->param_count() != net->param_count() ||
      std::memcmp(back->params(), net->params(), sizeof(float) * size_t(net->param_count())) != 0)
    broken("a saved model loads with other parameters");
  if (back_info.labels != info.labels || back_info.metadata != info.metadata) broken("metadata changed in a round trip");
}

}  // namespace cnn_fuzz
