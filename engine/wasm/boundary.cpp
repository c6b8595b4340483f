// The shared parts of the C ABI (boundary.hpp) and its exports that belong to
// no object: version, the schema of the records, memory.
#include "boundary.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <xsimd/xsimd.hpp>

#include "../schema.hpp"

namespace cnn::wasm {

HandleTable<NetSlot>& networks() {
  static HandleTable<NetSlot> t("network", "destroyed, or never created");
  return t;
}

HandleTable<TrainerSlot>& trainers() {
  static HandleTable<TrainerSlot> t("trainer", "destroyed, or its network was");
  return t;
}

Status layer_index_arg(const Network& net, int i, bool input_allowed) {
  if (i < (input_allowed ? -1 : 0) || i >= net.num_layers())
    return Status::error("layer %d does not exist (the network has %d layers)", i, net.num_layers());
  return Status::ok();
}

Status planned_arg(const Network& net) {
  if (!net.planned()) return Status::error("the network has no input shape yet: plan it first");
  return Status::ok();
}

Status shape_arg(int n, int c, int h, int w, Shape* out) {
  const Status st = h == 0 && w == 0 ? Shape::nf(n, c, out) : Shape::nchw(n, c, h, w, out);
  return st.with_context("input: ");
}

const std::vector<RecordField<Geometry>>& geometry_record() {
  using G = Geometry;
  static const std::vector<RecordField<G>> r = {
      {"params", [](const G& g) { return double(g.params); }},
      {"weights", [](const G& g) { return double(g.weights); }},
      {"macs", [](const G& g) { return double(g.macs); }},
      {"pad_top", [](const G& g) { return double(g.pad_top); }},
      {"pad_bottom", [](const G& g) { return double(g.pad_bottom); }},
      {"pad_left", [](const G& g) { return double(g.pad_left); }},
      {"pad_right", [](const G& g) { return double(g.pad_right); }},
      {"unused_rows", [](const G& g) { return double(g.unused_rows); }},
      {"unused_cols", [](const G& g) { return double(g.unused_cols); }},
      {"out_rank", [](const G& g) { return double(g.out.rank()); }},
      {"out_n", [](const G& g) { return double(g.out.n()); }},
      {"out_c", [](const G& g) { return double(g.out.c()); }},
      {"out_h", [](const G& g) { return double(g.out.h()); }},
      {"out_w", [](const G& g) { return double(g.out.w()); }},
      {"kernel_h", [](const G& g) { return double(g.kernel_h); }},
      {"kernel_w", [](const G& g) { return double(g.kernel_w); }},
      {"stride_h", [](const G& g) { return double(g.stride_h); }},
      {"stride_w", [](const G& g) { return double(g.stride_w); }},
      {"dilation_h", [](const G& g) { return double(g.dilation_h); }},
      {"dilation_w", [](const G& g) { return double(g.dilation_w); }},
      {"dropped_rows", [](const G& g) { return double(g.dropped_rows); }},
      {"dropped_cols", [](const G& g) { return double(g.dropped_cols); }},
  };
  return r;
}

const std::vector<RecordField<CellExplanation>>& explain_record() {
  using E = CellExplanation;
  static const std::vector<RecordField<E>> r = {
      {"kind", [](const E& e) { return double(int32_t(e.kind)); }},
      {"sum", [](const E& e) { return double(e.sum); }},
      {"bias", [](const E& e) { return double(e.bias); }},
      {"has_bias", [](const E& e) { return e.has_bias ? 1.0 : 0.0; }},
      {"output", [](const E& e) { return double(e.output); }},
      {"winner", [](const E& e) { return double(e.winner); }},
      {"divisor", [](const E& e) { return double(e.divisor); }},
      {"window_y", [](const E& e) { return double(e.window_y); }},
      {"window_x", [](const E& e) { return double(e.window_x); }},
      {"window_h", [](const E& e) { return double(e.window_h); }},
      {"window_w", [](const E& e) { return double(e.window_w); }},
      {"terms", [](const E& e) { return double(e.terms.size()); }},
  };
  return r;
}

const std::vector<RecordField<ExplainTerm>>& term_record() {
  using T = ExplainTerm;
  static const std::vector<RecordField<T>> r = {
      {"channel", [](const T& t) { return double(t.channel); }},
      {"y", [](const T& t) { return double(t.y); }},
      {"x", [](const T& t) { return double(t.x); }},
      {"ky", [](const T& t) { return double(t.ky); }},
      {"kx", [](const T& t) { return double(t.kx); }},
      {"padding", [](const T& t) { return t.padding ? 1.0 : 0.0; }},
      {"value", [](const T& t) { return double(t.value); }},
      {"weight", [](const T& t) { return double(t.weight); }},
      {"product", [](const T& t) { return double(t.product); }},
  };
  return r;
}

namespace {
template <class T>
std::string names_json(const std::vector<RecordField<T>>& fields) {
  std::string j = "[";
  for (size_t i = 0; i < fields.size(); ++i) j += std::string(i ? "," : "") + "\"" + fields[i].name + "\"";
  return j + "]";
}
}  // namespace

}  // namespace cnn::wasm

using namespace cnn;
using namespace cnn::wasm;

CNN_EXPORT const char* cnn_version() { return CNN_VERSION; }
CNN_EXPORT const char* cnn_simd_arch() { return xsimd::default_arch::name(); }
CNN_EXPORT int cnn_simd_width() { return int(xsimd::batch<float>::size); }

// The layouts of every record, as JSON: {"spec": (schema.hpp), "geometry": [names],
// "explain": [names], "term": [names]}; a record's doubles are in its names' order.
CNN_EXPORT const char* cnn_schema() {
  static const std::string json = "{\"spec\":" + spec_schema_json() + ",\"geometry\":" +
                                  names_json(geometry_record()) + ",\"explain\":" + names_json(explain_record()) +
                                  ",\"term\":" + names_json(term_record()) + "}";
  return json.c_str();
}

// Live objects, so a client can check that what it made is gone.
CNN_EXPORT int cnn_live_networks() { return networks().live(); }
CNN_EXPORT int cnn_live_trainers() { return trainers().live(); }

// Bytes of wasm memory the engine holds (heap size), for diagnostics.
CNN_EXPORT double cnn_heap_bytes() {
#ifdef __EMSCRIPTEN__
  return double(__builtin_wasm_memory_size(0)) * 65536.0;
#else
  return 0.0;
#endif
}

// Allocation helpers for the JS client (return 0 when memory cannot grow).
CNN_EXPORT void* cnn_alloc(double bytes) {
  if (!(bytes >= 0) || bytes > 1.5e9) {
    fail(Status::error("cannot allocate %s bytes", exact_number(bytes).c_str()));
    return nullptr;
  }
  void* p = std::malloc(size_t(bytes) + (bytes == 0));
  if (!p) fail(Status::error("out of memory: could not allocate %.1f MB", bytes / 1048576.0));
  return p;
}
CNN_EXPORT void cnn_free(void* p) { std::free(p); }
