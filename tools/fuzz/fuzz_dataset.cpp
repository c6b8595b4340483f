// libFuzzer target for the data set reader of the native tools
// (tools/dataset.hpp, the "CNNDATA" files of tools/prepare_data.js), built
// with clang's -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh.
//
// The input is the file as is. Properties checked beyond "no crash, no leak,
// no undefined behaviour":
//   - a refused file leaves the output untouched and comes with a message;
//   - an accepted file holds exactly what its header declares: count labels,
//     each below the number of classes, count images of c*h*w pixels, a
//     training split no larger than the whole, and its last image reads as
//     values in [0, 1].
#include <cstdint>
#include <cstdio>
#include <vector>

#include "dataset.hpp"

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "property violated: %s\n", what);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  cnn_tools::Dataset d;
  d.name = "untouched";
  const cnn::Status st = cnn_tools::parse_dataset(bytes, &d);
  if (!st) {
    if (st.message().empty()) broken("a refusal without a message");
    if (d.name != "untouched" || d.count != 0 || !d.classes.empty()) broken("a refused file changed the output");
    return 0;
  }
  if (d.channels < 1 || d.height < 1 || d.width < 1) broken("an accepted file with an empty image shape");
  if (d.train_count < 0 || d.train_count > d.count) broken("an accepted file whose training split is not in it");
  if (d.classes.empty() || d.classes.size() > 256) broken("an accepted file without a usable class list");
  if (int64_t(d.labels.size()) != d.count) broken("an accepted file with another number of labels than images");
  if (int64_t(d.pixels.size()) != d.count * d.sample_size()) broken("an accepted file with images of another size");
  for (uint8_t label : d.labels)
    if (label >= d.classes.size()) broken("an accepted label names no class");
  if (d.count > 0) {
    std::vector<float> image(size_t(d.sample_size()));
    d.image(d.count - 1, image.data());
    for (float v : image)
      if (!(v >= 0.0f && v <= 1.0f)) broken("an image value outside [0, 1]");
  }
  return 0;
}
