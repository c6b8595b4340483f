#include "model_io.hpp"

#include <cinttypes>
#include <cmath>
#include <cstring>
#include <map>

#include "geometry.hpp"
#include "schema.hpp"

namespace cnn {

namespace {

constexpr size_t kMaxString = 4096;
constexpr uint32_t kMaxMetadata = 256;
constexpr uint32_t kMaxLabels = 65536;
constexpr uint32_t kMaxLayers = 4096;
constexpr int64_t kMaxInputPerSample = int64_t(1) << 24;     // 64 MB of floats
constexpr int64_t kMaxActivationsPerSample = int64_t(1) << 26;  // 256 MB of floats
constexpr size_t kHeaderBytes = kModelHeaderBytes;
constexpr uint32_t kFlagNormalize = 1;
constexpr size_t kMinFile = kHeaderBytes + 12 + 4 + 4 + 4 + 4 + 4;

uint32_t get_u32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

void put_u32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

void put_str(std::vector<uint8_t>* out, const std::string& s) {
  put_u32(out, uint32_t(s.size()));
  out->insert(out->end(), s.begin(), s.end());
}

uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Bounds-checked reading of [0, end) of the file.
class Reader {
 public:
  Reader(const uint8_t* data, size_t end) : p_(data), end_(end) {}
  size_t pos() const { return pos_; }
  size_t left() const { return end_ - pos_; }

  Status need(size_t n, const std::string& what) const {
    if (left() < n)
      return Status::error("the file ends inside %s (at byte %zu: %zu bytes needed, %zu left)", what.c_str(), pos_, n,
                           left());
    return Status::ok();
  }
  Status u32(const std::string& what, uint32_t* v) {
    CNN_RETURN_IF_ERROR(need(4, what));
    *v = get_u32(p_ + pos_);
    pos_ += 4;
    return Status::ok();
  }
  Status i32(const std::string& what, int32_t* v) {
    uint32_t u;
    CNN_RETURN_IF_ERROR(u32(what, &u));
    std::memcpy(v, &u, 4);
    return Status::ok();
  }
  Status str(const std::string& what, std::string* s) {
    uint32_t len = 0;
    CNN_RETURN_IF_ERROR(u32(what + "'s length", &len));
    if (len > kMaxString)
      return Status::error("%s is %u bytes long, more than the limit of %zu", what.c_str(), len, kMaxString);
    CNN_RETURN_IF_ERROR(need(len, what));
    s->assign(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return Status::ok();
  }
  const uint8_t* take(size_t n) {
    const uint8_t* q = p_ + pos_;
    pos_ += n;
    return q;
  }

 private:
  const uint8_t* p_;
  size_t end_;
  size_t pos_ = 0;
};

std::string shape_text(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

struct Expected {
  std::string name;
  int layer;
  bool is_bias;
  std::vector<int64_t> shape;
  int64_t count;
};

// The input shape must fit the layers, and the activations of one sample must
// stay within the loader's limit. Returns the outputs per sample and the
// parameter count.
Status check_chain(const std::vector<LayerSpec>& specs, int32_t c, int32_t h, int32_t w, int64_t* outputs,
                   int64_t* params) {
  if (c < 1 || h < 1 || w < 1 || c > kMaxDim || h > kMaxDim || w > kMaxDim)
    return Status::error("the input shape %dx%dx%d is out of range (each side 1..%" PRId64 ")", c, h, w, kMaxDim);
  if (int64_t(c) * h * w > kMaxInputPerSample)
    return Status::error("the input %dx%dx%d holds more than %" PRId64 " values", c, h, w, kMaxInputPerSample);
  Shape cur;
  CNN_RETURN_IF_ERROR(Shape::nchw(1, c, h, w, &cur));
  int64_t total = cur.elements(), p = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    Geometry g;
    CNN_RETURN_IF_ERROR(layer_geometry(cur, specs[i], &g).with_context(layer_context(int(i), specs[i].kind)));
    total += g.out.elements();
    if (total > kMaxActivationsPerSample)
      return Status::error("%sthe activations of one sample would exceed %" PRId64 " values",
                           layer_context(int(i), specs[i].kind).c_str(), kMaxActivationsPerSample);
    p += g.params;
    if (p > kMaxElements) return Status::error("the parameters exceed the limit of %" PRId64 " values", kMaxElements);
    cur = g.out;
  }
  *outputs = cur.per_sample();
  *params = p;
  return Status::ok();
}

std::vector<Expected> expected_tensors(Network& net) {
  std::vector<Expected> v;
  for (int i = 0; i < net.num_layers(); ++i) {
    if (net.weight_count(i))
      v.push_back({std::to_string(i) + ".weight", i, false, net.weight_shape(i), net.weight_count(i)});
    if (net.bias_count(i)) v.push_back({std::to_string(i) + ".bias", i, true, {net.bias_count(i)}, net.bias_count(i)});
  }
  return v;
}

}  // namespace

std::string ModelInfo::get(const std::string& key) const {
  for (const auto& kv : metadata)
    if (kv.first == key) return kv.second;
  return "";
}

void ModelInfo::set(const std::string& key, const std::string& value) {
  for (auto& kv : metadata)
    if (kv.first == key) {
      kv.second = value;
      return;
    }
  metadata.emplace_back(key, value);
}

namespace {
struct CrcTable {
  uint32_t v[256];
  CrcTable() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      v[i] = c;
    }
  }
};
}  // namespace

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  static const CrcTable table;
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table.v[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint16_t float_to_half(float f) {
  const uint32_t x = float_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mant = x & 0x7FFFFFu;
  const int32_t exp = int32_t((x >> 23) & 0xFF);
  if (exp == 255) return uint16_t(sign | 0x7C00u | (mant ? 0x200u : 0u));
  const int32_t e = exp - 127 + 15;
  if (e >= 31) return uint16_t(sign | 0x7C00u);
  if (e <= 0) {
    if (e < -10) return uint16_t(sign);
    mant |= 0x800000u;
    const uint32_t shift = uint32_t(14 - e);
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;
    return uint16_t(sign | h);
  }
  uint32_t h = sign | (uint32_t(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // a carry rounds up the exponent, as it should
  return uint16_t(h);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  if (exp == 0) {
    if (mant == 0) return bits_float(sign);
    // subnormal: mant * 2^-24
    const float v = float(mant) * (1.0f / 16777216.0f);
    return sign ? -v : v;
  }
  if (exp == 31) return bits_float(sign | 0x7F800000u | (mant << 13));
  return bits_float(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

Status check_normalization(const std::vector<float>& mean, const std::vector<float>& stdev, int32_t channels) {
  if (mean.size() != stdev.size() || (mean.size() > 1 && int64_t(mean.size()) != channels))
    return Status::error("the input normalisation has %zu means and %zu standard deviations; it needs one, or one per "
                         "input channel (%d)", mean.size(), stdev.size(), int(channels))
        .with_code("normalize_count", {{"means", int64_t(mean.size())}, {"stds", int64_t(stdev.size())}, {"channels", channels}});
  for (size_t c = 0; c < mean.size(); ++c) {
    if (!std::isfinite(mean[c]))
      return Status::error("the input normalisation's mean for channel %zu is %s, not a finite number", c,
                           exact_number(mean[c]).c_str())
          .with_code("normalize_value", {{"which", "mean"}, {"channel", int64_t(c)}, {"value", exact_number(mean[c])}});
    if (!(std::isfinite(stdev[c]) && stdev[c] > 0))
      return Status::error("the input normalisation's standard deviation for channel %zu is %s; it must be a finite "
                           "number above 0", c, exact_number(stdev[c]).c_str())
          .with_code("normalize_value", {{"which", "std"}, {"channel", int64_t(c)}, {"value", exact_number(stdev[c])}});
  }
  return Status::ok();
}

Status save_model(Network& net, const ModelInfo& info, const SaveOptions& options, std::vector<uint8_t>* out) {
  const std::vector<LayerSpec> specs = net.specs();
  CNN_RETURN_IF_ERROR(check_normalization(info.norm_mean, info.norm_std, info.in_c));
  int64_t outputs = 0, params = 0;
  CNN_RETURN_IF_ERROR(check_chain(specs, info.in_c, info.in_h, info.in_w, &outputs, &params)
                          .with_context("the model's input does not fit its layers: "));
  if (!info.labels.empty() && int64_t(info.labels.size()) != outputs)
    return Status::error("the model has %zu labels, but the network gives %" PRId64 " outputs per sample",
                         info.labels.size(), outputs);
  if (info.metadata.size() > kMaxMetadata)
    return Status::error("%zu metadata entries are more than the limit of %u", info.metadata.size(), kMaxMetadata);
  if (info.labels.size() > kMaxLabels)
    return Status::error("%zu labels are more than the limit of %u", info.labels.size(), kMaxLabels);
  for (size_t i = 0; i < info.metadata.size(); ++i) {
    const auto& kv = info.metadata[i];
    if (kv.first.empty()) return Status::error("metadata entry %zu has an empty key", i);
    if (kv.first.size() > kMaxString || kv.second.size() > kMaxString)
      return Status::error("metadata \"%s\" is longer than %zu bytes", kv.first.substr(0, 64).c_str(), kMaxString);
    for (size_t j = 0; j < i; ++j)
      if (info.metadata[j].first == kv.first)
        return Status::error("metadata key \"%s\" appears twice", kv.first.c_str());
  }
  for (size_t i = 0; i < info.labels.size(); ++i)
    if (info.labels[i].size() > kMaxString) return Status::error("label %zu is longer than %zu bytes", i, kMaxString);

  std::vector<uint8_t> b;
  b.insert(b.end(), kModelMagic, kModelMagic + 8);
  put_u32(&b, kModelFormatVersion);
  put_u32(&b, 0);  // file size, patched below
  put_u32(&b, info.norm_mean.empty() ? 0u : kFlagNormalize);
  put_u32(&b, uint32_t(info.in_c));
  put_u32(&b, uint32_t(info.in_h));
  put_u32(&b, uint32_t(info.in_w));
  if (!info.norm_mean.empty()) {
    put_u32(&b, uint32_t(info.norm_mean.size()));
    for (float v : info.norm_mean) put_u32(&b, float_bits(v));
    for (float v : info.norm_std) put_u32(&b, float_bits(v));
  }
  put_u32(&b, uint32_t(info.metadata.size()));
  for (const auto& kv : info.metadata) {
    put_str(&b, kv.first);
    put_str(&b, kv.second);
  }
  put_u32(&b, uint32_t(info.labels.size()));
  for (const auto& l : info.labels) put_str(&b, l);
  put_u32(&b, uint32_t(specs.size()));
  std::vector<int32_t> fields;
  for (const LayerSpec& s : specs) {
    spec_to_file_fields(s, &fields);
    put_u32(&b, uint32_t(s.kind));
    put_u32(&b, uint32_t(fields.size()));
    for (int32_t f : fields) put_u32(&b, uint32_t(f));
  }
  const std::vector<Expected> tensors = expected_tensors(net);
  put_u32(&b, uint32_t(tensors.size()));
  for (const Expected& t : tensors) {
    const float* v = t.is_bias ? net.bias(t.layer) : net.weight(t.layer);
    put_str(&b, t.name);
    put_u32(&b, options.float16 ? 1u : 0u);
    put_u32(&b, uint32_t(t.shape.size()));
    for (int64_t d : t.shape) put_u32(&b, uint32_t(d));
    for (int64_t k = 0; k < t.count; ++k) {
      if (!std::isfinite(v[k]))
        return Status::error("tensor %s holds a non-finite value at index %" PRId64, t.name.c_str(), k);
      if (options.float16) {
        if (std::fabs(v[k]) > 65504.0f)
          return Status::error("tensor %s holds %g at index %" PRId64 ", beyond float16's largest value 65504",
                               t.name.c_str(), double(v[k]), k);
        const uint16_t h = float_to_half(v[k]);
        b.push_back(uint8_t(h));
        b.push_back(uint8_t(h >> 8));
      } else {
        put_u32(&b, float_bits(v[k]));
      }
    }
  }
  if (b.size() + 4 > kMaxModelBytes)
    return Status::error("the model file would have %zu bytes, more than the %zu MB a model file may have",
                         b.size() + 4, kMaxModelBytes >> 20);
  const uint32_t size = uint32_t(b.size() + 4);
  for (int i = 0; i < 4; ++i) b[12 + size_t(i)] = uint8_t(size >> (8 * i));
  put_u32(&b, crc32(b.data(), b.size()));
  *out = std::move(b);
  return Status::ok();
}

Status check_model_header(const uint8_t* head, size_t available, size_t size) {
  if (!head && available) return Status::error("no model data given");
  if (size < kMinFile)
    return Status::error("a model file has at least %zu bytes, but this one has %zu: it is truncated or not a model",
                         kMinFile, size);
  if (size > kMaxModelBytes)
    return Status::error("the file has %zu bytes, more than the %zu MB a model file may have", size,
                         kMaxModelBytes >> 20);
  if (available < kModelHeaderBytes)
    return Status::error("the header check needs the file's first %zu bytes, but %zu were given", kModelHeaderBytes,
                         available);
  if (std::memcmp(head, kModelMagic, 8) != 0)
    return Status::error("this is not a CNN playground model file (it does not start with \"CNNMODEL\")");
  const uint32_t version = get_u32(head + 8);
  if (version != kModelFormatVersion)
    return Status::error("the model file has format version %u, but this engine reads version %u", version,
                         kModelFormatVersion);
  const uint32_t declared = get_u32(head + 12);
  if (declared > size)
    return Status::error("the model file is truncated: its header says %u bytes, but there are only %zu", declared,
                         size);
  if (declared < size)
    return Status::error("the model file has %zu unexpected bytes after its end (its header says %u bytes)",
                         size - declared, declared);
  return Status::ok();
}

Status load_model(const uint8_t* data, size_t size, std::unique_ptr<Network>* net_out, ModelInfo* info_out) {
  if (!data && size) return Status::error("no model data given");
  CNN_RETURN_IF_ERROR(check_model_header(data, size, size));
  const uint32_t stored = get_u32(data + size - 4);
  const uint32_t computed = crc32(data, size - 4);
  if (stored != computed)
    return Status::error("the model file is corrupt: its checksum is 0x%08x, but its contents give 0x%08x", stored,
                         computed);
  const uint32_t flags = get_u32(data + 16);
  if (flags & ~kFlagNormalize)
    return Status::error("the model file sets flags 0x%x, which this engine does not know", flags & ~kFlagNormalize);

  Reader r(data, size - 4);
  r.take(kHeaderBytes);
  ModelInfo info;
  uint32_t c, h, w;
  CNN_RETURN_IF_ERROR(r.u32("the input shape", &c));
  CNN_RETURN_IF_ERROR(r.u32("the input shape", &h));
  CNN_RETURN_IF_ERROR(r.u32("the input shape", &w));
  if (c < 1 || h < 1 || w < 1 || c > kMaxDim || h > kMaxDim || w > kMaxDim)
    return Status::error("the input shape %ux%ux%u is out of range (each side 1..%" PRId64 ")", c, h, w, kMaxDim);
  info.in_c = int32_t(c);
  info.in_h = int32_t(h);
  info.in_w = int32_t(w);

  uint32_t count;
  if (flags & kFlagNormalize) {
    CNN_RETURN_IF_ERROR(r.u32("the input normalisation", &count));
    if (count != 1 && count != c)
      return Status::error("the input normalisation has %u values per statistic; it needs 1, or one per input channel "
                           "(%u)", count, c)
          .with_code("normalize_count", {{"means", int64_t(count)}, {"stds", int64_t(count)}, {"channels", int64_t(c)}});
    CNN_RETURN_IF_ERROR(r.need(size_t(count) * 8, "the input normalisation"));
    for (auto* v : {&info.norm_mean, &info.norm_std}) {
      uint32_t bits;
      for (uint32_t i = 0; i < count; ++i) {
        CNN_RETURN_IF_ERROR(r.u32("the input normalisation", &bits));
        v->push_back(bits_float(bits));
      }
    }
    CNN_RETURN_IF_ERROR(check_normalization(info.norm_mean, info.norm_std, info.in_c));
  }
  CNN_RETURN_IF_ERROR(r.u32("the metadata count", &count));
  if (count > kMaxMetadata)
    return Status::error("the model declares %u metadata entries, more than the limit of %u", count, kMaxMetadata);
  for (uint32_t i = 0; i < count; ++i) {
    std::string k, v;
    CNN_RETURN_IF_ERROR(r.str("metadata key " + std::to_string(i), &k));
    CNN_RETURN_IF_ERROR(r.str("metadata value " + std::to_string(i), &v));
    if (k.empty()) return Status::error("metadata entry %u has an empty key", i);
    for (const auto& kv : info.metadata)
      if (kv.first == k) return Status::error("metadata key \"%s\" appears twice", k.substr(0, 64).c_str());
    info.metadata.emplace_back(std::move(k), std::move(v));
  }

  CNN_RETURN_IF_ERROR(r.u32("the label count", &count));
  if (count > kMaxLabels)
    return Status::error("the model declares %u labels, more than the limit of %u", count, kMaxLabels);
  if (size_t(count) * 4 > r.left())
    return Status::error("the model declares %u labels, but the file is too short to hold them", count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string l;
    CNN_RETURN_IF_ERROR(r.str("label " + std::to_string(i), &l));
    info.labels.push_back(std::move(l));
  }

  CNN_RETURN_IF_ERROR(r.u32("the layer count", &count));
  if (count < 1 || count > kMaxLayers)
    return Status::error("the model declares %u layers; a model has 1..%u", count, kMaxLayers);
  if (size_t(count) * 8 > r.left())
    return Status::error("the model declares %u layers, but the file is too short to hold them", count);
  std::vector<LayerSpec> specs;
  std::vector<int32_t> fields;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string what = "layer " + std::to_string(i);
    uint32_t kind, nfields;
    CNN_RETURN_IF_ERROR(r.u32(what + "'s kind", &kind));
    if (!kind_is_valid(int32_t(kind)) || kind > 0x7FFFFFFFu)
      return Status::error("%s has unknown kind %u", what.c_str(), kind);
    CNN_RETURN_IF_ERROR(r.u32(what + "'s field count", &nfields));
    const int want = spec_file_field_count(LayerKind(kind));
    if (nfields != uint32_t(want))
      return Status::error("%s (%s) has %u fields, but this format version stores %d", what.c_str(),
                           kind_name(LayerKind(kind)), nfields, want);
    fields.assign(size_t(want), 0);
    for (int f = 0; f < want; ++f) CNN_RETURN_IF_ERROR(r.i32(what + "'s fields", &fields[size_t(f)]));
    LayerSpec s;
    CNN_RETURN_IF_ERROR(spec_from_file_fields(LayerKind(kind), fields, &s).with_context(layer_context(int(i), LayerKind(kind))));
    specs.push_back(s);
  }
  int64_t outputs = 0, params = 0;
  CNN_RETURN_IF_ERROR(check_chain(specs, info.in_c, info.in_h, info.in_w, &outputs, &params)
                          .with_context("the model's input does not fit its layers: "));
  if (!info.labels.empty() && int64_t(info.labels.size()) != outputs)
    return Status::error("the model has %zu labels, but its network gives %" PRId64 " outputs per sample",
                         info.labels.size(), outputs);
  // Every parameter takes at least two bytes: refuse before allocating.
  if (params > int64_t(r.left() / 2))
    return Status::error("the architecture has %" PRId64 " parameters, but only %zu bytes of the file are left for "
                         "them: it is truncated or inconsistent", params, r.left());

  std::unique_ptr<Network> net;
  CNN_RETURN_IF_ERROR(Network::create(specs, &net));
  const std::vector<Expected> tensors = expected_tensors(*net);
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < tensors.size(); ++i) by_name[tensors[i].name] = i;
  std::vector<bool> seen(tensors.size(), false);

  CNN_RETURN_IF_ERROR(r.u32("the tensor count", &count));
  if (count != tensors.size())
    return Status::error("the model holds %u tensors, but its architecture has %zu (%s)", count, tensors.size(),
                         tensors.empty() ? "none" : "a weight and a bias per conv2d and dense layer");
  for (uint32_t i = 0; i < count; ++i) {
    std::string name;
    CNN_RETURN_IF_ERROR(r.str("tensor " + std::to_string(i) + "'s name", &name));
    const auto it = by_name.find(name);
    if (it == by_name.end())
      return Status::error("tensor %u is named \"%s\", which is not a parameter of this architecture", i,
                           name.substr(0, 64).c_str());
    const Expected& t = tensors[it->second];
    if (seen[it->second]) return Status::error("tensor %s appears twice", name.c_str());
    seen[it->second] = true;
    uint32_t dtype, rank;
    CNN_RETURN_IF_ERROR(r.u32("tensor " + name + "'s dtype", &dtype));
    if (dtype > 1) return Status::error("tensor %s has dtype %u; known are 0 (float32) and 1 (float16)", name.c_str(), dtype);
    CNN_RETURN_IF_ERROR(r.u32("tensor " + name + "'s rank", &rank));
    if (rank < 1 || rank > 4) return Status::error("tensor %s has rank %u; a tensor has rank 1..4", name.c_str(), rank);
    std::vector<int64_t> dims(rank);
    for (uint32_t d = 0; d < rank; ++d) {
      uint32_t v;
      CNN_RETURN_IF_ERROR(r.u32("tensor " + name + "'s shape", &v));
      dims[d] = v;
    }
    if (dims != t.shape)
      return Status::error("tensor %s has shape %s in the file, but the architecture needs %s", name.c_str(),
                           shape_text(dims).c_str(), shape_text(t.shape).c_str());
    const size_t esize = dtype == 0 ? 4 : 2;
    CNN_RETURN_IF_ERROR(r.need(size_t(t.count) * esize, "tensor " + name + "'s values"));
    const uint8_t* src = r.take(size_t(t.count) * esize);
    float* dst = t.is_bias ? net->bias(t.layer) : net->weight(t.layer);
    for (int64_t k = 0; k < t.count; ++k) {
      const float v = dtype == 0 ? bits_float(get_u32(src + 4 * k))
                                 : half_to_float(uint16_t(src[2 * k] | (src[2 * k + 1] << 8)));
      if (!std::isfinite(v))
        return Status::error("tensor %s holds a non-finite value at index %" PRId64, name.c_str(), k);
      dst[k] = v;
    }
  }
  if (r.left() != 0)
    return Status::error("the model file has %zu unexpected bytes after its last tensor", r.left());
  net->params_changed();
  *net_out = std::move(net);
  *info_out = std::move(info);
  return Status::ok();
}

}  // namespace cnn
