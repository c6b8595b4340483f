// The ONNX importer's own wasm module (web/build/cnn-onnx.{js,wasm}), apart
// from the page's engine module so that a page that never imports a model
// does not download it: the JS client loads it on the first
// engine.importOnnx(), converts the ONNX file into a model file here
// (engine/onnx_import.hpp, then engine/model_io.hpp), and loads that into
// the engine module as any model file. A file the importer refuses gives -1
// and the importer's message.
//
// The other way, cnn_model_to_onnx() writes a model file (which the engine
// module saves from any network) as ONNX (engine/onnx_export.hpp), with the
// labels and metadata entries staged before it added.
#include <cstdint>
#include <string>
#include <vector>

#include "../../model_io.hpp"
#include "../../onnx_export.hpp"
#include "../../onnx_import.hpp"
#include "../boundary.hpp"

using namespace cnn;

namespace {
std::vector<uint8_t> g_model;
std::vector<uint8_t> g_onnx;
ModelInfo g_staged;  // labels and metadata for the next export
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

// Frees the last model file and the last export.
CNN_EXPORT void cnn_onnx_clear() {
  g_model.clear();
  g_model.shrink_to_fit();
  g_onnx.clear();
  g_onnx.shrink_to_fit();
}

// Stages a metadata entry (UTF-8 key and value) for the next cnn_model_to_onnx:
// it is set in the model's metadata, over the file's own entry of that key.
CNN_EXPORT void cnn_onnx_export_meta(const char* key, const char* value) {
  if (key && *key) g_staged.set(key, value ? value : "");
}

// Stages a label for the next cnn_model_to_onnx; staged labels replace the file's.
CNN_EXPORT void cnn_onnx_export_label(const char* label) { g_staged.labels.emplace_back(label ? label : ""); }

// Writes `len` bytes of a model file as ONNX (opset 13), with what was staged;
// returns its size (the bytes are at cnn_onnx_exported() until the next call or
// cnn_onnx_clear()), or -1 with the message at cnn_last_error().
CNN_EXPORT int cnn_model_to_onnx(const uint8_t* bytes, int len) {
  g_onnx.clear();
  g_onnx.shrink_to_fit();
  ModelInfo staged = std::move(g_staged);
  g_staged = ModelInfo();
  Status st = len < 0 || (!bytes && len > 0) ? Status::error("no model bytes given") : Status::ok();
  std::unique_ptr<Network> net;
  ModelInfo info;
  if (st) st = load_model(bytes, size_t(len), &net, &info);
  if (st) {
    for (const auto& kv : staged.metadata) info.set(kv.first, kv.second);
    if (!staged.labels.empty()) info.labels = std::move(staged.labels);
    st = export_onnx(*net, info, &g_onnx);
  }
  if (st && g_onnx.size() > 0x7FFFFFFF) st = Status::error("the ONNX file would exceed 2 GB");
  if (!st) {
    g_onnx.clear();
    return wasm::fail(st);
  }
  return int(g_onnx.size());
}

CNN_EXPORT const uint8_t* cnn_onnx_exported() { return g_onnx.data(); }
