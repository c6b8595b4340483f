// Model files (engine/model_io.hpp): loaded from bytes into a new network
// whose description (input shape, labels, metadata) the readers below give
// back, and saved from any network. A file with any fault gives 0 and the
// loader's message.
#include <cstdint>

#include "boundary.hpp"

using namespace cnn;
using namespace cnn::wasm;

namespace {

// The description of a network loaded from a model file.
Status model_arg(const NetSlot& s, int h, const ModelInfo** out) {
  if (!s.model) return Status::error("network %d was not loaded from a model file, so it has no description", h);
  *out = s.model.get();
  return Status::ok();
}

// Runs body(const ModelInfo&, R*) for handle h's model; on error, `on_error`.
template <class R, class F>
R model_value(int h, R on_error, F body) {
  return net_value(h, on_error, [&](NetSlot& s, R* out) {
    const ModelInfo* m = nullptr;
    CNN_RETURN_IF_ERROR(model_arg(s, h, &m));
    return body(*m, out);
  });
}

// A string of the model's, or "" when i is out of range.
template <class F>
const char* model_text(int h, int i, F pick) {
  return model_value(h, "", [&](const ModelInfo& m, const char** out) {
    *out = pick(m, i);
    return Status::ok();
  });
}

std::vector<uint8_t> g_saved_model;

// What a saved model file will say about the network: a loaded model's own
// description, or the one given to a network built from specs.
ModelInfo& description(NetSlot& s) { return s.model ? *s.model : s.given; }

}  // namespace

// Loads a model file from `len` bytes; returns a network handle, or 0.
CNN_EXPORT int cnn_net_load_model(const uint8_t* bytes, int len) {
  if (len < 0 || (!bytes && len > 0)) return fail(Status::error("no model bytes given")), 0;
  std::unique_ptr<NetSlot> slot(new NetSlot());
  slot->model.reset(new ModelInfo());
  const Status st = load_model(bytes, size_t(len), &slot->net, slot->model.get());
  if (!st) return fail(st), 0;
  return networks().add(std::move(slot));
}

// The input shape of one sample of a loaded model: writes [c, h, w].
CNN_EXPORT int cnn_net_model_input(int h, int* chw) {
  return model_value(h, -1, [&](const ModelInfo& m, int* out) {
    chw[0] = m.in_c;
    chw[1] = m.in_h;
    chw[2] = m.in_w;
    *out = 0;
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_label_count(int h) {
  return model_value(h, -1, [](const ModelInfo& m, int* out) {
    *out = int(m.labels.size());
    return Status::ok();
  });
}

CNN_EXPORT int cnn_net_meta_count(int h) {
  return model_value(h, -1, [](const ModelInfo& m, int* out) {
    *out = int(m.metadata.size());
    return Status::ok();
  });
}

// Label i of a loaded model (UTF-8), or "" when out of range.
CNN_EXPORT const char* cnn_net_label(int h, int i) {
  return model_text(h, i, [](const ModelInfo& m, int k) {
    return k >= 0 && size_t(k) < m.labels.size() ? m.labels[size_t(k)].c_str() : "";
  });
}

CNN_EXPORT const char* cnn_net_meta_key(int h, int i) {
  return model_text(h, i, [](const ModelInfo& m, int k) {
    return k >= 0 && size_t(k) < m.metadata.size() ? m.metadata[size_t(k)].first.c_str() : "";
  });
}

CNN_EXPORT const char* cnn_net_meta_value(int h, int i) {
  return model_text(h, i, [](const ModelInfo& m, int k) {
    return k >= 0 && size_t(k) < m.metadata.size() ? m.metadata[size_t(k)].second.c_str() : "";
  });
}

// The input normalisation of a loaded model: its count of values per
// statistic (0 for none), and when `max` allows, the means and standard
// deviations written to mean[] and std[].
CNN_EXPORT int cnn_net_model_normalize(int h, float* mean, float* stdev, int max) {
  return model_value(h, -1, [&](const ModelInfo& m, int* out) {
    *out = int(m.norm_mean.size());
    if (*out <= max)
      for (size_t c = 0; c < m.norm_mean.size(); ++c) {
        mean[c] = m.norm_mean[c];
        stdev[c] = m.norm_std[c];
      }
    return Status::ok();
  });
}

// Gives a loaded model an input normalisation of n values per statistic
// (0 removes it), checked against its input channels; its file keeps it.
CNN_EXPORT int cnn_net_set_normalize(int h, int n, const float* mean, const float* stdev) {
  return with_net(h, [&](NetSlot& s) {
    if (!s.model) return Status::error("network %d was not loaded from a model file, so it has no description", h);
    if (n < 0 || n > 65536 || (n > 0 && (!mean || !stdev))) return Status::error("no normalisation values given");
    std::vector<float> m(mean, mean + n), d(stdev, stdev + n);
    CNN_RETURN_IF_ERROR(check_normalization(m, d, s.model->in_c));
    s.model->norm_mean = std::move(m);
    s.model->norm_std = std::move(d);
    return Status::ok();
  });
}

// Serialises a network to a model file; returns its size in bytes (the bytes
// are at cnn_saved_model() until the next save), or -1. A loaded model keeps
// its description; another network takes its input shape from its plan.
CNN_EXPORT int cnn_net_save_model(int h, int float16) {
  return net_value(h, -1, [&](NetSlot& s, int* out) {
    ModelInfo info;
    if (s.model) {
      info = *s.model;
    } else {
      info = s.given;
      const Network& net = *s.net;
      if (!net.planned() || net.input_shape().rank() != 4)
        return Status::error("plan the network for an image input first: the model file records its input shape");
      info.in_c = int32_t(net.input_shape().c());
      info.in_h = int32_t(net.input_shape().h());
      info.in_w = int32_t(net.input_shape().w());
    }
    SaveOptions o;
    o.float16 = float16 != 0;
    std::vector<uint8_t> bytes;
    CNN_RETURN_IF_ERROR(save_model(*s.net, info, o, &bytes));
    if (bytes.size() > 0x7FFFFFFF) return Status::error("the model file would exceed 2 GB");
    g_saved_model = std::move(bytes);
    *out = int(g_saved_model.size());
    return Status::ok();
  });
}

// The labels a saved model file carries, one per output class: `len` bytes of
// UTF-8 at `text`, the labels one after another, each ending in a NUL (so
// `len` 0 clears them). save_model checks that there is one per output.
CNN_EXPORT int cnn_net_set_labels(int h, const char* text, int len) {
  return with_net(h, [&](NetSlot& s) {
    if (len < 0 || (!text && len > 0)) return Status::error("no label bytes given");
    if (len > 0 && text[len - 1] != '\0') return Status::error("the labels must each end in a NUL byte");
    std::vector<std::string> labels;
    for (int at = 0; at < len;) {
      const std::string label(text + at);
      at += int(label.size()) + 1;
      labels.push_back(label);
    }
    description(s).labels = std::move(labels);
    return Status::ok();
  });
}

// One metadata key and value (UTF-8, NUL-terminated) a saved model file carries.
CNN_EXPORT int cnn_net_set_meta(int h, const char* key, const char* value) {
  return with_net(h, [&](NetSlot& s) {
    if (!key || !*key || !value) return Status::error("a metadata entry needs a key and a value");
    description(s).set(key, value);
    return Status::ok();
  });
}

CNN_EXPORT const uint8_t* cnn_saved_model() { return g_saved_model.data(); }

// What the first bytes of a `size`-byte file tell (check_model_header), so a
// client refuses an impossible file before copying it into wasm memory.
CNN_EXPORT int cnn_model_check_header(const uint8_t* head, int available, double size) {
  if (!(size >= 0 && size <= 9007199254740992.0) || available < 0)
    return fail(Status::error("a file size of %s bytes is impossible", exact_number(size).c_str()));
  const Status st = check_model_header(head, size_t(available), size_t(size));
  return st ? 0 : fail(st);
}

CNN_EXPORT int cnn_model_header_bytes() { return int(kModelHeaderBytes); }
