// The last failure of a C ABI call (boundary.hpp's fail()): its English
// message, its code and its named numbers, shared by the engine's module and
// the ONNX importer's (engine/wasm/onnx/), which both link this file.
#include <cmath>
#include <cstdio>

#include "../json.hpp"
#include "boundary.hpp"

namespace cnn::wasm {

namespace {
std::string g_last_error;
std::string g_last_error_code;
std::string g_last_error_params = "{}";
}  // namespace

std::string params_json(const std::vector<StatusValue>& params) {
  std::string j = "{";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) j += ',';
    append_json_string(j, params[i].name);
    j += ':';
    if (params[i].is_text) append_json_string(j, params[i].text);
    else if (std::isfinite(params[i].number)) j += exact_number(params[i].number);
    else j += "null";
  }
  return j + "}";
}

int fail(const Status& st) {
  g_last_error = st.message();
  g_last_error_code = st.code();
  g_last_error_params = params_json(st.params());
  return -1;
}

}  // namespace cnn::wasm

using namespace cnn::wasm;

CNN_EXPORT const char* cnn_last_error() { return g_last_error.c_str(); }
// The last failure's code ("" when it has none) and its named numbers as a JSON
// object ({"axis":"height","kernel":7,...}), for a page that writes the
// sentence in its reader's language; cnn_last_error() stays the English text.
CNN_EXPORT const char* cnn_last_error_code() { return g_last_error_code.c_str(); }
CNN_EXPORT const char* cnn_last_error_params() { return g_last_error_params.c_str(); }
