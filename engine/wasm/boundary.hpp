// What every file of the C ABI shares: the export macro, the last error, the
// handle tables, argument checks, and the records of doubles that carry
// geometry and explanations to JavaScript.
//
// Every export that can fail returns a status (0 ok, -1 error), a handle
// (> 0 ok, 0 error) or a pointer (null on error); the message of the last
// failure is cnn_last_error(), its code and named numbers (when the failure
// has them) cnn_last_error_code() and cnn_last_error_params(). Nothing here aborts on bad input: the wasm
// build has exceptions off, so every check is a value.
//
// Records are flat arrays of doubles (doubles keep every int exact and let the
// engine refuse NaN, fractions and out-of-range numbers with a message). Their
// layouts are described once, here and in schema.hpp, and exported by
// cnn_schema() as JSON, so the JavaScript client reads and writes them by
// field name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../explain.hpp"
#include "../geometry.hpp"
#include "../model_io.hpp"
#include "../network.hpp"
#include "../shape.hpp"
#include "../status.hpp"
#include "../train.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define CNN_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define CNN_EXPORT extern "C"
#endif

namespace cnn::wasm {

// Keeps st's message, code and values for cnn_last_error(),
// cnn_last_error_code() and cnn_last_error_params(); returns -1.
int fail(const Status& st);

// A status's named numbers as a JSON object: {"axis":"height","kernel":7}.
std::string params_json(const std::vector<StatusValue>& values);

// Objects owned by JavaScript through integer handles (1, 2, ...). A freed
// handle's slot is reused.
template <class T>
class HandleTable {
 public:
  // what: "network"; gone: why a handle may be missing ("destroyed, or never created").
  HandleTable(const char* what, const char* gone) : what_(what), gone_(gone) {}

  int add(std::unique_ptr<T> v) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (!slots_[i]) {
        slots_[i] = std::move(v);
        return int(i + 1);
      }
    slots_.push_back(std::move(v));
    return int(slots_.size());
  }
  Status get(int h, T** out) const {
    if (h < 1 || size_t(h) > slots_.size() || !slots_[size_t(h - 1)])
      return Status::error("there is no %s with handle %d (%s)", what_, h, gone_);
    *out = slots_[size_t(h - 1)].get();
    return Status::ok();
  }
  void remove(int h) {
    if (h >= 1 && size_t(h) <= slots_.size()) slots_[size_t(h - 1)].reset();
  }
  template <class Pred>
  void remove_if(Pred pred) {
    for (auto& s : slots_)
      if (s && pred(*s)) s.reset();
  }
  int live() const {
    int n = 0;
    for (const auto& s : slots_) n += s != nullptr;
    return n;
  }

 private:
  const char* what_;
  const char* gone_;
  std::vector<std::unique_ptr<T>> slots_;
};

// A network, and its description when it was loaded from a model file.
struct NetSlot {
  std::unique_ptr<Network> net;
  std::unique_ptr<ModelInfo> model;  // null for a network built from specs
  ModelInfo given;  // labels and metadata set on a network built from specs, for its model file
};

// A trainer belongs to one network handle and is destroyed with it.
struct TrainerSlot {
  std::unique_ptr<Trainer> trainer;
  int net = 0;
  StepStats last;
};

HandleTable<NetSlot>& networks();
HandleTable<TrainerSlot>& trainers();

// Runs body(T&, R*) -> Status for handle h of `table`: the result, or
// `on_error` (with the message kept) when the handle or the body fails.
template <class T, class R, class F>
R handle_value(HandleTable<T>& table, int h, R on_error, F body) {
  T* s = nullptr;
  R out = on_error;
  Status st = table.get(h, &s);
  if (st) st = body(*s, &out);
  if (!st) {
    fail(st);
    return on_error;
  }
  return out;
}

// The same for a network handle.
template <class R, class F>
R net_value(int h, R on_error, F body) {
  return handle_value(networks(), h, on_error, body);
}

// Runs body(NetSlot&) -> Status for network h: 0 when it succeeds, else -1 with the message kept.
template <class F>
int with_net(int h, F body) {
  return net_value(h, -1, [&](NetSlot& s, int* out) {
    *out = 0;
    return body(s);
  });
}

// Argument checks shared by the exports.
Status layer_index_arg(const Network& net, int i, bool input_allowed = false);
Status planned_arg(const Network& net);
// c/h/w of 0 with h == w == 0 means a flat N,F input of c features.
Status shape_arg(int n, int c, int h, int w, Shape* out);

// A record: named doubles read from an object.
template <class T>
struct RecordField {
  const char* name;
  double (*get)(const T&);
};
template <class T>
void write_record(const std::vector<RecordField<T>>& fields, const T& v, double* out) {
  for (size_t i = 0; i < fields.size(); ++i) out[i] = fields[i].get(v);
}

const std::vector<RecordField<Geometry>>& geometry_record();
const std::vector<RecordField<CellExplanation>>& explain_record();
const std::vector<RecordField<ExplainTerm>>& term_record();

}  // namespace cnn::wasm
