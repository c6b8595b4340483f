#include "schema.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "geometry.hpp"

namespace cnn {

namespace {

constexpr uint32_t kConv = kind_bit(LayerKind::Conv2d);
constexpr uint32_t kMax = kind_bit(LayerKind::MaxPool2d);
constexpr uint32_t kAvg = kind_bit(LayerKind::AvgPool2d);
constexpr uint32_t kPools = kMax | kAvg;
constexpr uint32_t kDense = kind_bit(LayerKind::Dense);
constexpr uint32_t kLeaky = kind_bit(LayerKind::LeakyReLU);

#define CNN_AT(member) int32_t(offsetof(LayerSpec, member))

FieldBinding bind(uint32_t kinds, std::initializer_list<int32_t> at, std::initializer_list<double> def,
                  bool default_is_none = false, bool file_only = false) {
  FieldBinding b;
  b.kinds = kinds;
  int i = 0;
  for (int32_t a : at) b.at[i++] = a;
  i = 0;
  for (double d : def) b.def[i++] = d;
  b.default_is_none = default_is_none;
  b.file_only = file_only;
  return b;
}

std::vector<SpecField> make_fields() {
  using T = FieldType;
  std::vector<SpecField> f = {
      {"in_channels", T::Int, {bind(kConv, {CNN_AT(conv.in_channels)}, {1})}},
      {"out_channels", T::Int, {bind(kConv, {CNN_AT(conv.out_channels)}, {1})}},
      {"in_features", T::Int, {bind(kDense, {CNN_AT(dense.in_features)}, {1})}},
      {"out_features", T::Int, {bind(kDense, {CNN_AT(dense.out_features)}, {1})}},
      {"kernel_size", T::IntPair,
       {bind(kConv, {CNN_AT(conv.kernel_h), CNN_AT(conv.kernel_w)}, {3, 3}),
        bind(kPools, {CNN_AT(pool.kernel_h), CNN_AT(pool.kernel_w)}, {2, 2})}},
      {"stride", T::IntPair,
       {bind(kConv, {CNN_AT(conv.stride_h), CNN_AT(conv.stride_w)}, {1, 1}),
        bind(kPools, {CNN_AT(pool.stride_h), CNN_AT(pool.stride_w)}, {0, 0}, /*default_is_none=*/true)}},
      {"padding", T::Padding,
       {bind(kConv, {CNN_AT(conv.padding), CNN_AT(conv.pad_h), CNN_AT(conv.pad_w)}, {0, 0, 0}),
        bind(kPools, {-1, CNN_AT(pool.pad_h), CNN_AT(pool.pad_w)}, {0, 0, 0})}},
      {"dilation", T::IntPair, {bind(kConv, {CNN_AT(conv.dilation_h), CNN_AT(conv.dilation_w)}, {1, 1})}},
      {"groups", T::Int, {bind(kConv, {CNN_AT(conv.groups)}, {1})}},
      {"bias", T::Bool, {bind(kConv, {CNN_AT(conv.bias)}, {1}), bind(kDense, {CNN_AT(dense.bias)}, {1})}},
      {"ceil_mode", T::Bool, {bind(kPools, {CNN_AT(pool.ceil_mode)}, {0})}},
      {"count_include_pad", T::Bool,
       {bind(kAvg, {CNN_AT(pool.count_include_pad)}, {1}),
        bind(kMax, {CNN_AT(pool.count_include_pad)}, {1}, false, /*file_only=*/true)}},
      {"negative_slope", T::Float, {bind(kLeaky, {CNN_AT(negative_slope)}, {0.01})}},
  };
  int slot = 1;  // slot 0: the kind
  for (SpecField& field : f) {
    field.slot = slot;
    slot += field_slots(field.type);
  }
  return f;
}

#undef CNN_AT

// The binding that stores field f for `kind` in a model file (arguments and file-only ones).
const FieldBinding* file_binding(const SpecField& f, LayerKind kind) {
  for (const FieldBinding& b : f.bind)
    if (b.kinds & kind_bit(kind)) return &b;
  return nullptr;
}

// Which C++ type a slot's member has.
enum class Slot { I32, Bool, F32, Mode };
Slot slot_kind(FieldType t, int i) {
  switch (t) {
    case FieldType::Bool: return Slot::Bool;
    case FieldType::Float: return Slot::F32;
    case FieldType::Padding: return i == 0 ? Slot::Mode : Slot::I32;
    default: return Slot::I32;
  }
}

// The name of slot i of a field in a message: "kernel_size", "kernel_size (width)", "padding".
std::string slot_name(const SpecField& f, int i) {
  std::string n = f.name;
  if (f.type == FieldType::IntPair && i == 1) n += " (width)";
  if (f.type == FieldType::IntPair && i == 0) n += " (height)";
  if (f.type == FieldType::Padding && i == 1) n += " (height)";
  if (f.type == FieldType::Padding && i == 2) n += " (width)";
  return n;
}

const char* const kModes[] = {"explicit", "valid", "same"};

double read_member(const LayerSpec& s, int32_t at, Slot k) {
  const char* p = reinterpret_cast<const char*>(&s) + at;
  switch (k) {
    case Slot::Bool: {
      bool b;
      std::memcpy(&b, p, sizeof b);
      return b ? 1.0 : 0.0;
    }
    case Slot::F32: {
      float v;
      std::memcpy(&v, p, sizeof v);
      return double(v);
    }
    case Slot::Mode: {
      Padding m;
      std::memcpy(&m, p, sizeof m);
      return double(int32_t(m));
    }
    case Slot::I32: break;
  }
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return double(v);
}

template <class V>
void write_member(LayerSpec* s, int32_t at, V v) {
  std::memcpy(reinterpret_cast<char*>(s) + at, &v, sizeof v);
}

}  // namespace

int field_slots(FieldType type) {
  switch (type) {
    case FieldType::IntPair: return 2;
    case FieldType::Padding: return 3;
    default: return 1;
  }
}

const std::vector<SpecField>& spec_fields() {
  static const std::vector<SpecField> fields = make_fields();
  return fields;
}

int spec_record_size() {
  const SpecField& last = spec_fields().back();
  return last.slot + field_slots(last.type);
}

const FieldBinding* field_binding(const SpecField& f, LayerKind kind) {
  const FieldBinding* b = file_binding(f, kind);
  return b && !b->file_only ? b : nullptr;
}

Status decode_spec_record(const double* r, LayerSpec* out) {
  if (!r) return Status::error("no layer spec given");
  const double k = r[0];
  if (!(k >= 0 && k < kNumLayerKinds && k == std::floor(k)))
    return Status::error("unknown layer kind %s", exact_number(k).c_str());
  LayerSpec s;
  s.kind = LayerKind(int32_t(k));
  const char* kind = kind_name(s.kind);
  for (const SpecField& f : spec_fields()) {
    const FieldBinding* b = field_binding(f, s.kind);
    if (!b) continue;
    for (int i = 0; i < field_slots(f.type); ++i) {
      const double v = r[f.slot + i];
      const Slot sk = slot_kind(f.type, i);
      if (b->at[i] < 0) {
        if (v == b->def[i]) continue;
        if (sk == Slot::Mode && v >= 0 && v < 3 && v == std::floor(v))
          return Status::error("%s takes %s as a number or a pair [height, width], not '%s'", kind, f.name,
                               kModes[int(v)]);
        return Status::error("%s takes no %s, got %s", kind, slot_name(f, i).c_str(), exact_number(v).c_str());
      }
      switch (sk) {
        case Slot::I32:
          if (!(v >= -2147483648.0 && v <= 2147483647.0 && v == std::floor(v)))
            return Status::error("%s must be a whole number, got %s", slot_name(f, i).c_str(), exact_number(v).c_str());
          write_member(&s, b->at[i], int32_t(v));
          break;
        case Slot::Mode:
          if (!(v == 0 || v == 1 || v == 2))
            return Status::error("%s mode must be 0 (numbers), 1 ('valid') or 2 ('same'), got %s", f.name,
                                 exact_number(v).c_str());
          write_member(&s, b->at[i], Padding(int32_t(v)));
          break;
        case Slot::Bool:
          if (!(v == 0 || v == 1))
            return Status::error("%s must be true or false (1 or 0), got %s", f.name, exact_number(v).c_str());
          write_member(&s, b->at[i], v == 1);
          break;
        case Slot::F32:
          if (!std::isfinite(v) || std::fabs(v) > 3.4028234663852886e38)
            return Status::error("%s must be a finite number, got %s", f.name, exact_number(v).c_str());
          write_member(&s, b->at[i], float(v));
          break;
      }
    }
  }
  CNN_RETURN_IF_ERROR(validate_spec(s));
  *out = s;
  return Status::ok();
}

void encode_spec_record(const LayerSpec& s, double* r) {
  r[0] = double(int32_t(s.kind));
  for (const SpecField& f : spec_fields()) {
    const FieldBinding* b = field_binding(f, s.kind);
    for (int i = 0; i < field_slots(f.type); ++i)
      r[f.slot + i] = b && b->at[i] >= 0 ? read_member(s, b->at[i], slot_kind(f.type, i))
                                          : (b ? b->def[i] : f.bind[0].def[i]);
  }
}

void spec_to_file_fields(const LayerSpec& s, std::vector<int32_t>* out) {
  out->clear();
  for (const SpecField& f : spec_fields()) {
    const FieldBinding* b = file_binding(f, s.kind);
    if (!b) continue;
    for (int i = 0; i < field_slots(f.type); ++i) {
      if (b->at[i] < 0) continue;
      const Slot sk = slot_kind(f.type, i);
      const char* p = reinterpret_cast<const char*>(&s) + b->at[i];
      int32_t v;
      if (sk == Slot::F32 || sk == Slot::I32 || sk == Slot::Mode) {
        std::memcpy(&v, p, 4);  // a float as its bits
      } else {
        v = read_member(s, b->at[i], sk) != 0 ? 1 : 0;
      }
      out->push_back(v);
    }
  }
}

int spec_file_field_count(LayerKind kind) {
  int n = 0;
  for (const SpecField& f : spec_fields())
    if (const FieldBinding* b = file_binding(f, kind))
      for (int i = 0; i < field_slots(f.type); ++i) n += b->at[i] >= 0;
  return n;
}

Status spec_from_file_fields(LayerKind kind, const std::vector<int32_t>& fields, LayerSpec* out) {
  if (int(fields.size()) != spec_file_field_count(kind))
    return Status::error("%s has %zu fields, expected %d", kind_name(kind), fields.size(), spec_file_field_count(kind));
  LayerSpec s;
  s.kind = kind;
  size_t next = 0;
  for (const SpecField& f : spec_fields()) {
    const FieldBinding* b = file_binding(f, kind);
    if (!b) continue;
    for (int i = 0; i < field_slots(f.type); ++i) {
      if (b->at[i] < 0) continue;
      const int32_t v = fields[next++];
      switch (slot_kind(f.type, i)) {
        case Slot::I32: write_member(&s, b->at[i], v); break;
        case Slot::Mode:
          if (v < 0 || v > 2) return Status::error("padding mode must be 0, 1 or 2, got %d", v);
          write_member(&s, b->at[i], Padding(v));
          break;
        case Slot::Bool:
          if (v != 0 && v != 1) return Status::error("%s must be 0 or 1, got %d", f.name, v);
          write_member(&s, b->at[i], v == 1);
          break;
        case Slot::F32: {
          float x;
          std::memcpy(&x, &v, 4);
          if (!std::isfinite(x)) return Status::error("%s must be a finite number, got %s", f.name, exact_number(x).c_str());
          write_member(&s, b->at[i], x);
          break;
        }
      }
    }
  }
  CNN_RETURN_IF_ERROR(validate_spec(s));
  *out = s;
  return Status::ok();
}

std::string spec_schema_json() {
  static const char* const kTypes[] = {"int", "pair", "bool", "float", "padding"};
  std::string j;
  const auto add = [&j](const char* a, const char* b = "", const char* c = "") { j.append(a).append(b).append(c); };
  add("{\"record\":", std::to_string(spec_record_size()).c_str(), ",\"kinds\":[");
  for (int k = 0; k < kNumLayerKinds; ++k) add(k ? ",\"" : "\"", kind_name(LayerKind(k)), "\"");
  add("],\"paddingModes\":[\"explicit\",\"valid\",\"same\"],\"fields\":[");
  for (const SpecField& f : spec_fields()) {
    add(&f == &spec_fields().front() ? "{\"name\":\"" : ",{\"name\":\"", f.name, "\",\"type\":\"");
    add(kTypes[int(f.type)], "\",\"slot\":", std::to_string(f.slot).c_str());
    add(",\"slots\":", std::to_string(field_slots(f.type)).c_str(), ",\"kinds\":{");
    bool first = true;
    for (int k = 0; k < kNumLayerKinds; ++k) {
      const FieldBinding* b = field_binding(f, LayerKind(k));
      if (!b) continue;
      add(first ? "\"" : ",\"", kind_name(LayerKind(k)), "\":{\"default\":[");
      first = false;
      for (int i = 0; i < field_slots(f.type); ++i) add(i ? "," : "", exact_number(b->def[i]).c_str());
      add("],\"none\":", b->default_is_none ? "true" : "false");
      if (f.type == FieldType::Padding) add(",\"modes\":", b->at[0] >= 0 ? "true" : "false");
      add("}");
    }
    add("}}");
  }
  add("]}");
  return j;
}

}  // namespace cnn
