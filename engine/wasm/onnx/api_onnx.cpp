// The ONNX importer's own wasm module (web/build/cnn-onnx.{js,wasm}), apart
// from the page's engine module so that a page that never imports a model
// does not download it: the JS client loads it on the first
// engine.importOnnx(), converts the ONNX file into a model file here
// (engine/onnx_import.hpp, then engine/model_io.hpp), and loads that into
// the engine module as any model file. A file the importer refuses gives -1
// and the importer's message.
#include <cstdint>
#include <string>
#include <vector>

#include "../../model_io.hpp"
#include "../../onnx_import.hpp"
#include "../boundary.hpp"

using namespace cnn;

namespace {
std::vector<uint8_t> g_model;
}  // namespace

// Converts `len` bytes of ONNX into a model file (float32); returns its size
// (the bytes are at cnn_onnx_model() until the next call or cnn_onnx_clear()), or -1.
CNN_EXPORT int cnn_onnx_to_model(const uint8_t* bytes, int len) {
  g_model.clear();
  g_model.shrink_to_fit();
  Status st = len < 0 || (!bytes && len > 0) ? Status::error("no ONNX bytes given") : Status::ok();
  std::unique_ptr<Network> net;
  ModelInfo info;
  if (st) st = import_onnx(bytes, size_t(len), &net, &info);
  if (st) st = save_model(*net, info, SaveOptions(), &g_model);
  if (st && g_model.size() > 0x7FFFFFFF) st = Status::error("the model file would exceed 2 GB");
  if (!st) {
    g_model.clear();
    return wasm::fail(st);
  }
  return int(g_model.size());
}

CNN_EXPORT const uint8_t* cnn_onnx_model() { return g_model.data(); }

// Frees the last model file.
CNN_EXPORT void cnn_onnx_clear() {
  g_model.clear();
  g_model.shrink_to_fit();
}
