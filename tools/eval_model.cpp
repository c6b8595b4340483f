// eval_model: loads a model file and reports its accuracy on a data set's
// held-out split (or all of it), optionally writing every output.
//
//   eval_model --model web/models/digits.cnnm --data build/data/mnist.cnnd
//              [--split heldout|train|all] [--limit N] [--outputs FILE]
//
// --outputs writes the network's outputs (N x classes float32, little-endian,
// sample order of the split) for comparison with another build of the engine.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dataset.hpp"
#include "model_io.hpp"

using namespace cnn;
using namespace cnn_tools;

int main(int argc, char** argv) {
  std::string model, data, split = "heldout", outputs;
  int64_t limit = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "eval_model: %s needs a value\n", a.c_str());
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--model") model = v;
    else if (a == "--data") data = v;
    else if (a == "--split") split = v;
    else if (a == "--outputs") outputs = v;
    else if (a == "--limit") limit = std::atoll(v);
    else {
      std::fprintf(stderr, "eval_model: unknown option %s\nusage: eval_model --model FILE --data FILE "
                           "[--split heldout|train|all] [--limit N] [--outputs FILE]\n", a.c_str());
      return 2;
    }
  }
  if (model.empty() || data.empty() || (split != "heldout" && split != "train" && split != "all")) {
    std::fprintf(stderr, "usage: eval_model --model FILE --data FILE [--split heldout|train|all] [--limit N] "
                         "[--outputs FILE]\n");
    return 2;
  }
  std::vector<uint8_t> bytes;
  std::unique_ptr<Network> net;
  ModelInfo info;
  Status st = read_file(model, &bytes);
  if (st) st = load_model(bytes.data(), bytes.size(), &net, &info);
  if (!st) {
    std::fprintf(stderr, "eval_model: %s: %s\n", model.c_str(), st.message().c_str());
    return 1;
  }
  Dataset d;
  st = load_dataset(data, &d);
  if (!st) {
    std::fprintf(stderr, "eval_model: %s\n", st.message().c_str());
    return 1;
  }
  if (d.channels != info.in_c || d.height != info.in_h || d.width != info.in_w) {
    std::fprintf(stderr, "eval_model: the model takes %dx%dx%d inputs, the data set has %dx%dx%d\n", info.in_c,
                 info.in_h, info.in_w, d.channels, d.height, d.width);
    return 1;
  }
  int64_t first = split == "heldout" ? d.train_count : 0;
  int64_t n = split == "train" ? d.train_count : d.count - first;
  if (limit > 0 && limit < n) n = limit;
  int64_t correct = 0;
  std::vector<float> probs;
  st = evaluate(*net, d, first, n, &correct, outputs.empty() ? nullptr : &probs);
  if (!st) {
    std::fprintf(stderr, "eval_model: %s\n", st.message().c_str());
    return 1;
  }
  if (!outputs.empty()) {
    std::vector<uint8_t> out(probs.size() * 4);
    std::memcpy(out.data(), probs.data(), out.size());  // the platforms here are little-endian
    st = write_file(outputs, out);
    if (!st) {
      std::fprintf(stderr, "eval_model: %s\n", st.message().c_str());
      return 1;
    }
  }
  std::printf("%s on %s (%s, %" PRId64 " samples): accuracy %.2f%% (%" PRId64 "/%" PRId64 ")\n",
              info.get("name").c_str(), d.name.c_str(), split.c_str(), n, 100.0 * double(correct) / double(n), correct, n);
  return 0;
}
