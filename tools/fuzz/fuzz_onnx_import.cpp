// libFuzzer target for the ONNX importer (engine/onnx_import.hpp), built with
// clang's -fsanitize=fuzzer,address,undefined by scripts/fuzz.sh. Its seeds
// are real exports of small PyTorch CNNs and damaged copies of them
// (tests/onnx/make_cases.py --seeds).
// The properties checked: model_properties.hpp.
#include <cstdint>
#include <memory>

#include "model_properties.hpp"
#include "onnx_import.hpp"

using namespace cnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<Network> net;
  ModelInfo info;
  const Status st = import_onnx(data, size, &net, &info);
  cnn_fuzz::check_model(st, net, info);
  return 0;
}
