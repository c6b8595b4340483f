#include "onnx_import.hpp"

#include <cctype>
#include <cfloat>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "geometry.hpp"
#include "onnx_proto.hpp"

namespace cnn {

namespace {

// ---- limits: every count and size the file declares is held to these

constexpr size_t kMaxName = 4096;          // a name, a string attribute, a metadata value
constexpr size_t kMaxNodes = 10000;
constexpr size_t kMaxInitializers = 10000;
constexpr size_t kMaxGraphValues = 64;     // graph inputs (data + initializers listed as inputs are counted apart)
constexpr size_t kMaxGraphInputs = 10000 + 64;
constexpr size_t kMaxNodeIO = 64;          // inputs or outputs of one node
constexpr size_t kMaxAttributes = 64;      // per node
constexpr size_t kMaxListValues = 1024;    // ints or floats of one attribute
constexpr size_t kMaxRank = 8;
constexpr size_t kMaxOpsets = 64;
constexpr size_t kMaxMetadataProps = 256;
constexpr size_t kMaxLayers = 4096;
constexpr int64_t kMaxShapeTensor = 4096;   // elements of a folded int64 tensor
constexpr int64_t kMaxActivationsPerSample = int64_t(1) << 26;
constexpr int kMinOpset = 9, kMaxOpset = 17;
// The batch size inside a folded shape tensor (Shape of the data, then Gather...).
constexpr int64_t kBatch = INT64_MIN;

// ---- the wire format

struct Span {
  const uint8_t* p = nullptr;
  size_t n = 0;
};

struct Field {
  uint32_t number = 0;
  int wire = 0;         // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  uint64_t value = 0;   // varint, fixed64, fixed32
  Span bytes;           // length-delimited
};

// Reads the fields of one message, in order.
class Wire {
 public:
  Wire(Span s, const char* what) : s_(s), what_(what) {}
  bool done() const { return pos_ >= s_.n; }

  Status next(Field* f) {
    uint64_t key = 0;
    CNN_RETURN_IF_ERROR(varint(&key));
    if ((key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF)
      return Status::error("%s: a field number %" PRIu64 " at byte %zu is impossible: the file is damaged or not ONNX",
                           what_, key >> 3, pos_);
    f->number = uint32_t(key >> 3);
    f->wire = int(key & 7);
    switch (f->wire) {
      case onnx::kWireVarint: return varint(&f->value);
      case onnx::kWireFixed64: return fixed(8, &f->value);
      case onnx::kWireFixed32: return fixed(4, &f->value);
      case onnx::kWireLengthDelimited: {
        uint64_t len = 0;
        CNN_RETURN_IF_ERROR(varint(&len));
        if (len > s_.n - pos_)
          return Status::error("%s: field %u declares %" PRIu64 " bytes at byte %zu, but only %zu are left: the file "
                               "is truncated or damaged", what_, f->number, len, pos_, s_.n - pos_);
        f->bytes = Span{s_.p + pos_, size_t(len)};
        pos_ += size_t(len);
        return Status::ok();
      }
      default:
        return Status::error("%s: field %u has wire type %d, which ONNX does not use: the file is damaged or not ONNX",
                             what_, f->number, f->wire);
    }
  }

  // One value, read on its own (a packed run of numbers is a sequence of them).
  Status varint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= s_.n) return Status::error("%s: the data ends inside a number: the file is truncated", what_);
      const uint8_t b = s_.p[pos_++];
      if (shift == 63 && (b & 0x7E)) return Status::error("%s: a number at byte %zu overflows 64 bits", what_, pos_);
      r |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *v = r;
        return Status::ok();
      }
    }
    return Status::error("%s: a number at byte %zu is longer than 10 bytes", what_, pos_);
  }
  Status fixed(size_t bytes, uint64_t* v) {
    if (s_.n - pos_ < bytes) return Status::error("%s: the data ends inside a %zu-byte value: the file is truncated", what_, bytes);
    uint64_t r = 0;
    for (size_t i = 0; i < bytes; ++i) r |= uint64_t(s_.p[pos_ + i]) << (8 * i);
    pos_ += bytes;
    *v = r;
    return Status::ok();
  }

 private:
  Span s_;
  const char* what_;
  size_t pos_ = 0;
};

Status want_wire(const Field& f, int wire, const char* what) {
  if (f.wire != wire)
    return Status::error("%s: field %u has wire type %d where ONNX has %d: the file is damaged or not ONNX", what,
                         f.number, f.wire, wire);
  return Status::ok();
}

Status text(const Field& f, const char* what, std::string* out) {
  CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, what));
  if (f.bytes.n > kMaxName)
    return Status::error("%s is %zu bytes long, more than the limit of %zu", what, f.bytes.n, kMaxName);
  out->assign(reinterpret_cast<const char*>(f.bytes.p), f.bytes.n);
  return Status::ok();
}

int64_t as_int64(uint64_t v) {
  int64_t r;
  std::memcpy(&r, &v, 8);
  return r;
}

float as_float(uint64_t v) {
  const uint32_t u = uint32_t(v);
  float r;
  std::memcpy(&r, &u, 4);
  return r;
}

double as_double(uint64_t v) {
  double r;
  std::memcpy(&r, &v, 8);
  return r;
}

// A repeated scalar field, packed (one length-delimited run) or not (one
// field per value): the raw fields are kept, decoded once their count is known.
struct Repeated {
  std::vector<Field> parts;
  // Values held, counted without decoding (fixed: 4 or 8 bytes; 0: varints).
  Status count(size_t fixed_bytes, const char* what, size_t* out) const {
    size_t n = 0;
    for (const Field& f : parts) {
      if (f.wire != onnx::kWireLengthDelimited) {
        ++n;
        continue;
      }
      if (fixed_bytes) {
        if (f.bytes.n % fixed_bytes)
          return Status::error("%s: a packed run of %zu bytes is not a whole number of %zu-byte values", what,
                               f.bytes.n, fixed_bytes);
        n += f.bytes.n / fixed_bytes;
      } else {
        for (size_t i = 0; i < f.bytes.n; ++i) n += (f.bytes.p[i] & 0x80) == 0;
        if (f.bytes.n && (f.bytes.p[f.bytes.n - 1] & 0x80))
          return Status::error("%s: a packed run of numbers ends inside a number", what);
      }
    }
    *out = n;
    return Status::ok();
  }
  // Every value as its 64 raw bits (fixed) or varint; *out must have room for count().
  Status decode(size_t fixed_bytes, const char* what, uint64_t* out) const {
    size_t k = 0;
    for (const Field& f : parts) {
      if (f.wire != onnx::kWireLengthDelimited) {
        const int want = fixed_bytes == 4 ? onnx::kWireFixed32 : fixed_bytes == 8 ? onnx::kWireFixed64 : onnx::kWireVarint;
        CNN_RETURN_IF_ERROR(want_wire(f, want, what));
        out[k++] = f.value;
        continue;
      }
      Wire packed(f.bytes, what);
      while (!packed.done())
        CNN_RETURN_IF_ERROR(fixed_bytes ? packed.fixed(fixed_bytes, &out[k++]) : packed.varint(&out[k++]));
    }
    return Status::ok();
  }
};

// ---- the messages (only what the importer reads; other fields are skipped)

struct TensorMsg {
  std::string name;
  std::vector<int64_t> dims;
  int32_t data_type = 0;
  bool has_raw = false;
  Span raw;
  Repeated float_data, int32_data, int64_data, double_data;
  bool external = false;
  bool segmented = false;
};

Status parse_tensor(Span s, TensorMsg* t) {
  using T = onnx::TensorProto;
  Wire w(s, "a tensor");
  Repeated dims;
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    switch (f.number) {
      case T::dims: dims.parts.push_back(f); break;
      case T::data_type: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireVarint, "a tensor's data type")); t->data_type = int32_t(f.value & 0x7FFFFFFF); break;
      case T::segment: t->segmented = true; break;
      case T::float_data: t->float_data.parts.push_back(f); break;
      case T::int32_data: t->int32_data.parts.push_back(f); break;
      case T::int64_data: t->int64_data.parts.push_back(f); break;
      case T::name: CNN_RETURN_IF_ERROR(text(f, "a tensor's name", &t->name)); break;
      case T::raw_data: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a tensor's raw data")); t->raw = f.bytes; t->has_raw = true; break;
      case T::double_data: t->double_data.parts.push_back(f); break;
      case T::external_data: t->external = true; break;
      case T::data_location: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireVarint, "a tensor's data location")); t->external |= f.value == 1; break;
      default: break;
    }
    if (dims.parts.size() > kMaxRank)
      return Status::error("a tensor has more than %zu dimensions", kMaxRank);
  }
  size_t rank = 0;
  CNN_RETURN_IF_ERROR(dims.count(0, "a tensor's dimensions", &rank));
  if (rank > kMaxRank) return Status::error("a tensor has %zu dimensions, more than the limit of %zu", rank, kMaxRank);
  uint64_t d[kMaxRank];
  CNN_RETURN_IF_ERROR(dims.decode(0, "a tensor's dimensions", d));
  t->dims.clear();
  for (size_t i = 0; i < rank; ++i) {
    const int64_t v = as_int64(d[i]);
    if (v < 0 || v > kMaxElements)
      return Status::error("tensor \"%s\" has a dimension of %" PRId64 " (allowed: 0..%" PRId64 ")", t->name.c_str(), v,
                           kMaxElements);
    t->dims.push_back(v);
  }
  return Status::ok();
}

struct AttrMsg {
  std::string name;
  int32_t type = 0;
  bool has_f = false, has_i = false, has_s = false, has_t = false;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Span t;
  std::vector<int64_t> ints;
  std::vector<float> floats;
};

Status parse_attr(Span s, AttrMsg* a) {
  using A = onnx::AttributeProto;
  Wire w(s, "an attribute");
  Repeated ints, floats;
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    switch (f.number) {
      case A::name: CNN_RETURN_IF_ERROR(text(f, "an attribute's name", &a->name)); break;
      case A::f: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireFixed32, "a float attribute")); a->f = as_float(f.value); a->has_f = true; break;
      case A::i: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireVarint, "an int attribute")); a->i = as_int64(f.value); a->has_i = true; break;
      case A::s: CNN_RETURN_IF_ERROR(text(f, "a string attribute", &a->s)); a->has_s = true; break;
      case A::t: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a tensor attribute")); a->t = f.bytes; a->has_t = true; break;
      case A::floats: floats.parts.push_back(f); break;
      case A::ints: ints.parts.push_back(f); break;
      case A::type: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireVarint, "an attribute's type")); a->type = int32_t(f.value & 0x7FFFFFFF); break;
      default: break;
    }
    if (ints.parts.size() > kMaxListValues || floats.parts.size() > kMaxListValues)
      return Status::error("attribute \"%s\" holds more than %zu values", a->name.c_str(), kMaxListValues);
  }
  size_t n = 0;
  CNN_RETURN_IF_ERROR(ints.count(0, "an attribute's ints", &n));
  if (n > kMaxListValues) return Status::error("attribute \"%s\" holds %zu ints, more than %zu", a->name.c_str(), n, kMaxListValues);
  std::vector<uint64_t> raw(n);
  CNN_RETURN_IF_ERROR(ints.decode(0, "an attribute's ints", raw.data()));
  for (uint64_t v : raw) a->ints.push_back(as_int64(v));
  CNN_RETURN_IF_ERROR(floats.count(4, "an attribute's floats", &n));
  if (n > kMaxListValues)
    return Status::error("attribute \"%s\" holds %zu floats, more than %zu", a->name.c_str(), n, kMaxListValues);
  raw.assign(n, 0);
  CNN_RETURN_IF_ERROR(floats.decode(4, "an attribute's floats", raw.data()));
  for (uint64_t v : raw) a->floats.push_back(as_float(v));
  return Status::ok();
}

struct NodeMsg {
  std::vector<std::string> inputs, outputs;
  std::string name, op, domain;
  std::vector<AttrMsg> attrs;
};

Status parse_node(Span s, NodeMsg* n) {
  using N = onnx::NodeProto;
  Wire w(s, "a node");
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    std::string str;
    switch (f.number) {
      case N::input:
      case N::output:
        if ((f.number == N::input ? n->inputs : n->outputs).size() >= kMaxNodeIO)
          return Status::error("a node has more than %zu %s", kMaxNodeIO, f.number == N::input ? "inputs" : "outputs");
        CNN_RETURN_IF_ERROR(text(f, "a node's input or output name", &str));
        (f.number == N::input ? n->inputs : n->outputs).push_back(std::move(str));
        break;
      case N::name: CNN_RETURN_IF_ERROR(text(f, "a node's name", &n->name)); break;
      case N::op_type: CNN_RETURN_IF_ERROR(text(f, "a node's op type", &n->op)); break;
      case N::domain: CNN_RETURN_IF_ERROR(text(f, "a node's domain", &n->domain)); break;
      case N::attribute: {
        if (n->attrs.size() >= kMaxAttributes) return Status::error("a node has more than %zu attributes", kMaxAttributes);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a node's attribute"));
        AttrMsg a;
        CNN_RETURN_IF_ERROR(parse_attr(f.bytes, &a));
        n->attrs.push_back(std::move(a));
        break;
      }
      default: break;
    }
  }
  return Status::ok();
}

struct Dim {
  bool known = false;
  int64_t value = 0;
};

struct ValueInfoMsg {
  std::string name;
  int32_t elem_type = 0;
  bool has_tensor_type = false, has_shape = false;
  std::vector<Dim> dims;
};

Status parse_value_info(Span s, ValueInfoMsg* v) {
  using Dimension = onnx::TensorShapeProto::Dimension;
  Wire w(s, "a graph input or output");
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    if (f.number == onnx::ValueInfoProto::name) {
      CNN_RETURN_IF_ERROR(text(f, "a value's name", &v->name));
    } else if (f.number == onnx::ValueInfoProto::type) {
      CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a value's type"));
      Wire type(f.bytes, "a value's type");
      while (!type.done()) {
        Field tf;
        CNN_RETURN_IF_ERROR(type.next(&tf));
        if (tf.number != onnx::TypeProto::tensor_type) continue;  // not a tensor type (sequence, map, ...)
        CNN_RETURN_IF_ERROR(want_wire(tf, onnx::kWireLengthDelimited, "a tensor type"));
        v->has_tensor_type = true;
        Wire tt(tf.bytes, "a tensor type");
        while (!tt.done()) {
          Field g;
          CNN_RETURN_IF_ERROR(tt.next(&g));
          if (g.number == onnx::TypeProto::Tensor::elem_type) {
            CNN_RETURN_IF_ERROR(want_wire(g, onnx::kWireVarint, "a tensor type's element type"));
            v->elem_type = int32_t(g.value & 0x7FFFFFFF);
          } else if (g.number == onnx::TypeProto::Tensor::shape) {
            CNN_RETURN_IF_ERROR(want_wire(g, onnx::kWireLengthDelimited, "a tensor shape"));
            v->has_shape = true;
            v->dims.clear();
            Wire sh(g.bytes, "a tensor shape");
            while (!sh.done()) {
              Field d;
              CNN_RETURN_IF_ERROR(sh.next(&d));
              if (d.number != onnx::TensorShapeProto::dim) continue;
              CNN_RETURN_IF_ERROR(want_wire(d, onnx::kWireLengthDelimited, "a dimension"));
              if (v->dims.size() >= kMaxRank) return Status::error("a value has more than %zu dimensions", kMaxRank);
              Dim dim;
              Wire dw(d.bytes, "a dimension");
              while (!dw.done()) {
                Field x;
                CNN_RETURN_IF_ERROR(dw.next(&x));
                if (x.number == Dimension::dim_value) {
                  CNN_RETURN_IF_ERROR(want_wire(x, onnx::kWireVarint, "a dimension's value"));
                  dim.known = true;
                  dim.value = as_int64(x.value);
                } else if (x.number == Dimension::dim_param) {
                  dim.known = false;
                }
              }
              v->dims.push_back(dim);
            }
          }
        }
      }
    }
  }
  return Status::ok();
}

struct GraphMsg {
  std::string name;
  std::vector<NodeMsg> nodes;
  std::vector<TensorMsg> initializers;
  std::vector<ValueInfoMsg> inputs, outputs;
  bool sparse = false;
};

Status parse_graph(Span s, GraphMsg* g) {
  using G = onnx::GraphProto;
  Wire w(s, "the graph");
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    switch (f.number) {
      case G::node: {
        if (g->nodes.size() >= kMaxNodes) return Status::error("the graph has more than %zu nodes", kMaxNodes);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a node"));
        NodeMsg n;
        CNN_RETURN_IF_ERROR(parse_node(f.bytes, &n).with_context("node " + std::to_string(g->nodes.size()) + ": "));
        g->nodes.push_back(std::move(n));
        break;
      }
      case G::name: CNN_RETURN_IF_ERROR(text(f, "the graph's name", &g->name)); break;
      case G::initializer: {
        if (g->initializers.size() >= kMaxInitializers)
          return Status::error("the graph has more than %zu initializers", kMaxInitializers);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "an initializer"));
        TensorMsg t;
        CNN_RETURN_IF_ERROR(parse_tensor(f.bytes, &t).with_context("initializer " + std::to_string(g->initializers.size()) + ": "));
        g->initializers.push_back(std::move(t));
        break;
      }
      case G::input:
      case G::output: {
        auto& list = f.number == G::input ? g->inputs : g->outputs;
        if (list.size() >= kMaxGraphInputs) return Status::error("the graph has more than %zu inputs or outputs", kMaxGraphInputs);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a graph input or output"));
        ValueInfoMsg v;
        CNN_RETURN_IF_ERROR(parse_value_info(f.bytes, &v));
        list.push_back(std::move(v));
        break;
      }
      case G::sparse_initializer: g->sparse = true; break;
      default: break;
    }
  }
  return Status::ok();
}

struct ModelMsg {
  int64_t ir_version = 0;
  std::string producer_name, producer_version, doc;
  std::vector<std::pair<std::string, int64_t>> opsets;
  bool has_graph = false;
  Span graph;
  std::vector<std::pair<std::string, std::string>> props;
  bool functions = false;
};

Status parse_model(Span s, ModelMsg* m) {
  using M = onnx::ModelProto;
  Wire w(s, "the model");
  while (!w.done()) {
    Field f;
    CNN_RETURN_IF_ERROR(w.next(&f));
    switch (f.number) {
      case M::ir_version: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireVarint, "the IR version")); m->ir_version = as_int64(f.value); break;
      case M::producer_name: CNN_RETURN_IF_ERROR(text(f, "the producer's name", &m->producer_name)); break;
      case M::producer_version: CNN_RETURN_IF_ERROR(text(f, "the producer's version", &m->producer_version)); break;
      case M::doc_string: CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "the model's doc string")); break;
      case M::graph:
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "the graph"));
        m->graph = f.bytes;
        m->has_graph = true;
        break;
      case M::opset_import: {
        if (m->opsets.size() >= kMaxOpsets) return Status::error("the model imports more than %zu opsets", kMaxOpsets);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "an opset import"));
        std::string domain;
        int64_t version = 0;
        Wire o(f.bytes, "an opset import");
        while (!o.done()) {
          Field x;
          CNN_RETURN_IF_ERROR(o.next(&x));
          if (x.number == onnx::OperatorSetIdProto::domain) CNN_RETURN_IF_ERROR(text(x, "an opset's domain", &domain));
          if (x.number == onnx::OperatorSetIdProto::version) {
            CNN_RETURN_IF_ERROR(want_wire(x, onnx::kWireVarint, "an opset's version"));
            version = as_int64(x.value);
          }
        }
        m->opsets.emplace_back(domain, version);
        break;
      }
      case M::metadata_props: {
        if (m->props.size() >= kMaxMetadataProps)
          return Status::error("the model has more than %zu metadata entries", kMaxMetadataProps);
        CNN_RETURN_IF_ERROR(want_wire(f, onnx::kWireLengthDelimited, "a metadata entry"));
        std::string key, value;
        Wire e(f.bytes, "a metadata entry");
        while (!e.done()) {
          Field x;
          CNN_RETURN_IF_ERROR(e.next(&x));
          if (x.number == onnx::StringStringEntryProto::key) CNN_RETURN_IF_ERROR(text(x, "a metadata key", &key));
          if (x.number == onnx::StringStringEntryProto::value) CNN_RETURN_IF_ERROR(text(x, "a metadata value", &value));
        }
        m->props.emplace_back(key, value);
        break;
      }
      case M::functions: m->functions = true; break;
      default: break;
    }
  }
  return Status::ok();
}

// ---- decoded tensors and the values of the graph

using onnx::kFloat;
using onnx::kUint8;
using onnx::kInt8;
using onnx::kInt32;
using onnx::kInt64;
using onnx::kBool;
using onnx::kDouble;

const char* type_name(int32_t t) {
  switch (t) {
    case 1: return "float32";
    case 2: return "uint8";
    case 3: return "int8";
    case 4: return "uint16";
    case 5: return "int16";
    case 6: return "int32";
    case 7: return "int64";
    case 8: return "string";
    case 9: return "bool";
    case 10: return "float16";
    case 11: return "double";
    case 16: return "bfloat16";
  }
  return "an unknown type";
}

// A constant: float values (float, double) or whole numbers (the integer
// types; kBatch marks the batch size in a folded shape).
struct Tensor {
  bool is_float = true;
  std::vector<int64_t> dims;
  std::vector<float> f;
  std::vector<int64_t> i;
  int64_t count() const { return is_float ? int64_t(f.size()) : int64_t(i.size()); }
};

Status element_count(const std::vector<int64_t>& dims, int64_t* out) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d != 0 && n > kMaxElements / d) return Status::error("it holds more than %" PRId64 " values", kMaxElements);
    n *= d;
  }
  *out = n;
  return Status::ok();
}

Status decode_tensor(const TensorMsg& m, Tensor* t) {
  if (m.external)
    return Status::error("its data is stored outside the file (external data), which the importer does not read");
  if (m.segmented) return Status::error("it is stored in segments, which the importer does not read");
  int64_t count = 0;
  CNN_RETURN_IF_ERROR(element_count(m.dims, &count));
  size_t esize = 0;
  const Repeated* field = nullptr;
  size_t field_bytes = 0;
  switch (m.data_type) {
    case kFloat: esize = 4; field = &m.float_data; field_bytes = 4; break;
    case kDouble: esize = 8; field = &m.double_data; field_bytes = 8; break;
    case kInt64: esize = 8; field = &m.int64_data; field_bytes = 0; break;
    case kInt32: esize = 4; field = &m.int32_data; field_bytes = 0; break;
    case kBool:
    case kUint8:
    case kInt8: esize = 1; field = &m.int32_data; field_bytes = 0; break;
    default:
      return Status::error("it holds %s values (data type %d); the importer reads float32, double and integers",
                           type_name(m.data_type), m.data_type);
  }
  t->is_float = m.data_type == kFloat || m.data_type == kDouble;
  if (!t->is_float && count > kMaxShapeTensor)
    return Status::error("it holds %" PRId64 " integers; the importer reads integer tensors only as shapes, indices "
                         "and pads (up to %" PRId64 " values)", count, kMaxShapeTensor);
  t->dims = m.dims;
  std::vector<uint64_t> bits;
  if (m.has_raw) {
    if (m.raw.n != size_t(count) * esize)
      return Status::error("its shape holds %" PRId64 " values of %zu bytes, but its raw data has %zu bytes", count,
                           esize, m.raw.n);
    bits.resize(size_t(count));
    for (size_t k = 0; k < size_t(count); ++k) {
      uint64_t v = 0;
      for (size_t b = 0; b < esize; ++b) v |= uint64_t(m.raw.p[k * esize + b]) << (8 * b);
      if (esize == 4 && !t->is_float) v = uint64_t(int64_t(int32_t(uint32_t(v))));
      if (esize == 1 && m.data_type == kInt8) v = uint64_t(int64_t(int8_t(uint8_t(v))));
      bits[k] = v;
    }
  } else {
    size_t n = 0;
    CNN_RETURN_IF_ERROR(field->count(field_bytes, "its values", &n));
    if (n != size_t(count))
      return Status::error("its shape holds %" PRId64 " values, but it has %zu", count, n);
    bits.resize(n);
    CNN_RETURN_IF_ERROR(field->decode(field_bytes, "its values", bits.data()));
    if (m.data_type == kInt32 || m.data_type == kInt8)
      for (uint64_t& v : bits) v = uint64_t(int64_t(int32_t(uint32_t(v))));
  }
  if (t->is_float) {
    t->f.resize(bits.size());
    for (size_t k = 0; k < bits.size(); ++k) {
      if (esize == 4) {
        t->f[k] = as_float(bits[k]);
        continue;
      }
      const double d = as_double(bits[k]);  // beyond float's range: infinity (refused where it is used)
      t->f[k] = std::isnan(d) ? NAN : d > FLT_MAX ? INFINITY : d < -FLT_MAX ? -INFINITY : float(d);
    }
  } else {
    t->i.resize(bits.size());
    for (size_t k = 0; k < bits.size(); ++k) {
      const int64_t v = as_int64(bits[k]);
      t->i[k] = v == kBatch ? kBatch + 1 : v;  // the marker stays ours
    }
  }
  return Status::ok();
}

std::string dims_text(const std::vector<int64_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) s += ", ";
    s += d[i] == kBatch ? "batch" : std::to_string(d[i]);
  }
  return s + "]";
}

// A value of the graph: the data flowing through the chain of layers (an
// activation, identified by its serial number), or a constant.
struct Value {
  bool is_data = false;
  int serial = 0;
  Shape shape;                  // of one sample (N = 1)
  // A zero Pad waiting for the conv or average pool that takes it over: begin/end per axis.
  bool padded = false;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::shared_ptr<const Tensor> tensor;
};

struct Built {
  LayerSpec spec;
  std::vector<float> weight, bias;
};

class Importer {
 public:
  Importer(const ModelMsg& model, const GraphMsg& graph, int opset) : model_(model), graph_(graph), opset_(opset) {}

  Status run(std::unique_ptr<Network>* net_out, ModelInfo* info_out);

 private:
  // "node 3 "/fc/Gemm" (Gemm): "
  std::string ctx() const {
    const NodeMsg& n = *node_;
    return "node " + std::to_string(index_) + " \"" + n.name.substr(0, 128) + "\" (" + n.op.substr(0, 64) + "): ";
  }
  Status fail(const char* fmt, ...) const
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
  {
    char buf[400];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    return Status::error("%s%s", ctx().c_str(), buf);
  }

  // A refusal the page says in its reader's language: the code, the node
  // (index, name, op) and the numbers.
  Status coded(const Status& st, const char* code, std::initializer_list<StatusValue> more = {}) const {
    Status out = st.with_code(code, {{"node", int64_t(index_)}, {"name", node_->name.substr(0, 128)},
                                     {"op", node_->op.substr(0, 64)}});
    std::vector<StatusValue> all = out.params();
    all.insert(all.end(), more.begin(), more.end());
    return out.with_values(all);
  }
  Status asymmetric(const Status& st, const int64_t p[4]) const {
    return coded(st, "onnx_asymmetric_padding", {{"top", p[0]}, {"bottom", p[1]}, {"left", p[2]}, {"right", p[3]}});
  }

  const AttrMsg* attr(const char* name) const {
    for (const AttrMsg& a : node_->attrs)
      if (a.name == name) return &a;
    return nullptr;
  }
  Status attr_int(const char* name, int64_t dflt, int64_t* out) const {
    const AttrMsg* a = attr(name);
    if (!a) {
      *out = dflt;
      return Status::ok();
    }
    if (!a->has_i) return fail("attribute %s is not an int", name);
    *out = a->i;
    return Status::ok();
  }
  Status attr_float(const char* name, float dflt, float* out) const {
    const AttrMsg* a = attr(name);
    if (!a) {
      *out = dflt;
      return Status::ok();
    }
    if (!a->has_f) return fail("attribute %s is not a float", name);
    if (!std::isfinite(a->f)) return fail("attribute %s is not a finite number", name);
    *out = a->f;
    return Status::ok();
  }
  // A list of `count` ints (dflt when absent).
  Status attr_ints(const char* name, size_t count, int64_t dflt, std::vector<int64_t>* out) const {
    const AttrMsg* a = attr(name);
    if (!a) {
      out->assign(count, dflt);
      return Status::ok();
    }
    if (a->ints.size() != count) return fail("attribute %s has %zu values; a 2-d op has %zu", name, a->ints.size(), count);
    *out = a->ints;
    return Status::ok();
  }
  std::string attr_string(const char* name, const char* dflt) const {
    const AttrMsg* a = attr(name);
    return a && a->has_s ? a->s : std::string(dflt);
  }

  // Input k of the node: present (a name), or absent ("" or beyond the list).
  bool has_input(size_t k) const { return k < node_->inputs.size() && !node_->inputs[k].empty(); }
  Status input(size_t k, const Value** out) const {
    if (!has_input(k)) return fail("input %zu is missing", k);
    const auto it = values_.find(node_->inputs[k]);
    if (it == values_.end())
      return fail("input \"%s\" is not the output of an earlier node, an initializer or the graph input",
                  node_->inputs[k].substr(0, 128).c_str());
    *out = &it->second;
    return Status::ok();
  }
  // The data the chain has reached (the last layer's output).
  Status data_input(size_t k, const Value** out, bool pad_allowed = false) const {
    const Value* v = nullptr;
    CNN_RETURN_IF_ERROR(input(k, &v));
    if (!v->is_data)
      return fail("input \"%s\" is a constant, but the importer runs this op only on the network's data",
                  node_->inputs[k].substr(0, 128).c_str());
    if (v->serial != tail_)
      return fail("input \"%s\" is the output of an earlier layer that another layer already took: the graph "
                  "branches (a skip connection or a second head), and the engine's network is a chain of layers",
                  node_->inputs[k].substr(0, 128).c_str());
    if (v->padded && !pad_allowed)
      return fail("its input comes from a Pad node; only a Conv or an AveragePool can take the padding over");
    *out = v;
    return Status::ok();
  }
  Status const_input(size_t k, const char* what, std::shared_ptr<const Tensor>* out) const {
    const Value* v = nullptr;
    CNN_RETURN_IF_ERROR(input(k, &v));
    if (v->is_data)
      return fail("its %s (input \"%s\") depends on the data; the importer needs it to be a constant (an initializer "
                  "or a shape computation that folds)", what, node_->inputs[k].substr(0, 128).c_str());
    *out = v->tensor;
    return Status::ok();
  }
  Status float_input(size_t k, const char* what, int64_t count, std::shared_ptr<const Tensor>* out) const {
    CNN_RETURN_IF_ERROR(const_input(k, what, out));
    if (!(*out)->is_float) return fail("its %s holds integers, not floats", what);
    if (count >= 0 && (*out)->count() != count)
      return fail("its %s has %" PRId64 " values, but %" PRId64 " are needed", what, (*out)->count(), count);
    for (float x : (*out)->f)
      if (!std::isfinite(x)) return fail("its %s holds a value that is not finite", what);
    return Status::ok();
  }
  Status int_input(size_t k, const char* what, std::shared_ptr<const Tensor>* out) const {
    CNN_RETURN_IF_ERROR(const_input(k, what, out));
    if ((*out)->is_float) return fail("its %s holds floats, not integers", what);
    return Status::ok();
  }

  // Defines output k (when named) as v.
  Status define(size_t k, Value v) {
    if (k >= node_->outputs.size() || node_->outputs[k].empty()) return Status::ok();
    if (values_.count(node_->outputs[k])) return fail("output \"%s\" is defined twice", node_->outputs[k].substr(0, 128).c_str());
    values_[node_->outputs[k]] = std::move(v);
    return Status::ok();
  }
  Status define_const(size_t k, Tensor t) {
    if (t.count() > kMaxShapeTensor && !t.is_float) return fail("a folded shape would hold %" PRId64 " values", t.count());
    Value v;
    v.tensor = std::make_shared<const Tensor>(std::move(t));
    return define(k, std::move(v));
  }
  Status need_outputs(size_t most) const {
    if (node_->outputs.empty()) return fail("it has no output");
    // outputs beyond `most` (a MaxPool's indices, a Dropout's mask, ...) stay undefined: a node that uses one is refused
    (void)most;
    return Status::ok();
  }

  // Appends a layer after the data; the new data is output 0.
  Status append(Built b) {
    if (layers_.size() >= kMaxLayers) return fail("the network would have more than %zu layers", kMaxLayers);
    Geometry g;
    CNN_RETURN_IF_ERROR(layer_geometry(shape_, b.spec, &g).with_context(ctx()));
    activations_ += g.out.elements();
    if (activations_ > kMaxActivationsPerSample)
      return fail("the activations of one sample would exceed %" PRId64 " values", kMaxActivationsPerSample);
    params_ += int64_t(b.weight.size() + b.bias.size());
    if (params_ > kMaxElements) return fail("the parameters would exceed %" PRId64 " values", kMaxElements);
    layers_.push_back(std::move(b));
    shape_ = g.out;
    Value v;
    v.is_data = true;
    v.serial = ++serial_;
    v.shape = shape_;
    tail_ = v.serial;
    last_layer_serial_ = v.serial;
    return define(0, std::move(v));
  }
  // Output 0 is the same data as the input (Identity, Dropout, a no-op flatten).
  Status alias(const Value& in) { return define(0, in); }

  Status conv();
  Status pool(bool is_max);
  Status global_pool(bool is_max);
  Status gemm();
  Status matmul();
  Status add();
  Status batch_norm();
  Status flatten();
  Status reshape();
  Status softmax(bool log);
  Status pad();
  Status constant();
  Status shape_op();
  Status gather();
  Status unsqueeze(bool squeeze);
  Status concat();
  Status cast();
  Status node();

  // Begin/end padding per axis for a window op, from auto_pad and pads.
  Status window_pads(int64_t in_h, int64_t in_w, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                     const std::vector<int64_t>& d, int64_t pads[4]) const;

  const ModelMsg& model_;
  const GraphMsg& graph_;
  const int opset_;
  const NodeMsg* node_ = nullptr;
  size_t index_ = 0;
  std::map<std::string, Value> values_;
  std::vector<Built> layers_;
  Shape shape_;
  int serial_ = 0, tail_ = 0, last_layer_serial_ = -1;
  int64_t batch_ = 1;  // the batch size the graph input was exported with
  int64_t activations_ = 0, params_ = 0;
  int log_softmax_layer_ = -1;
  std::string log_softmax_node_;
};

Status Importer::window_pads(int64_t in_h, int64_t in_w, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                             const std::vector<int64_t>& d, int64_t pads[4]) const {
  const std::string mode = attr_string("auto_pad", "NOTSET");
  std::vector<int64_t> p;
  CNN_RETURN_IF_ERROR(attr_ints("pads", 4, 0, &p));
  for (int64_t v : p)
    if (v < 0 || v > kMaxDim) return fail("a padding of %" PRId64 " is out of range (0..%" PRId64 ")", v, kMaxDim);
  if (mode == "NOTSET" || mode.empty()) {
    for (int i = 0; i < 4; ++i) pads[i] = p[size_t(i)];
    return Status::ok();
  }
  if (mode == "VALID") {
    for (int i = 0; i < 4; ++i) pads[i] = 0;
    return Status::ok();
  }
  if (mode != "SAME_UPPER" && mode != "SAME_LOWER") return fail("auto_pad \"%s\" is not an ONNX padding mode", mode.substr(0, 32).c_str());
  const int64_t in[2] = {in_h, in_w};
  for (int a = 0; a < 2; ++a) {
    const int64_t out = (in[a] + s[size_t(a)] - 1) / s[size_t(a)];
    const int64_t span = d[size_t(a)] * (k[size_t(a)] - 1) + 1;
    int64_t total = (out - 1) * s[size_t(a)] + span - in[a];
    if (total < 0) total = 0;
    const int64_t small = total / 2;
    pads[a] = mode == "SAME_UPPER" ? small : total - small;
    pads[a + 2] = total - pads[a];
  }
  return Status::ok();
}

// Kernel, strides and dilations of a window op: 2 values each, in range; else *bad says which.
bool window_ints(const std::vector<int64_t>& v, const char* what, int64_t hi, std::string* bad) {
  for (int64_t x : v)
    if (x < 1 || x > hi) {
      *bad = std::string(what) + " " + (x == kBatch ? std::string("?") : std::to_string(x)) + " is out of range (1.." +
             std::to_string(hi) + ")";
      return false;
    }
  return true;
}

Status Importer::conv() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x, true));
  std::shared_ptr<const Tensor> w, b;
  CNN_RETURN_IF_ERROR(float_input(1, "weight", -1, &w));
  if (w->dims.size() != 4)
    return fail("its weight has %zu dimensions; the engine's conv2d needs [out, in/groups, kh, kw] (a 2-d convolution)",
                w->dims.size());
  if (x->shape.rank() != 4) return fail("its input is flat (%s); a 2-d convolution needs C x H x W", x->shape.str().c_str());
  int64_t group = 1;
  CNN_RETURN_IF_ERROR(attr_int("group", 1, &group));
  std::vector<int64_t> k, s, d;
  CNN_RETURN_IF_ERROR(attr_ints("kernel_shape", 2, 0, &k));
  if (!attr("kernel_shape")) k = {w->dims[2], w->dims[3]};
  if (k[0] != w->dims[2] || k[1] != w->dims[3])
    return fail("kernel_shape %s does not match the weight %s", dims_text(k).c_str(), dims_text(w->dims).c_str());
  CNN_RETURN_IF_ERROR(attr_ints("strides", 2, 1, &s));
  CNN_RETURN_IF_ERROR(attr_ints("dilations", 2, 1, &d));
  std::string bad;
  if (!window_ints(k, "a kernel side", kMaxDim, &bad) || !window_ints(s, "a stride", kMaxDim, &bad) ||
      !window_ints(d, "a dilation", kMaxDim, &bad))
    return fail("%s", bad.c_str());
  if (group < 1 || group > kMaxDim) return fail("group %" PRId64 " is out of range", group);
  const int64_t out = w->dims[0];
  if (w->dims[1] * group != x->shape.c())
    return fail("its weight %s with group %" PRId64 " takes %" PRId64 " input channels, but its input has %" PRId64,
                dims_text(w->dims).c_str(), group, w->dims[1] * group, x->shape.c());
  if (has_input(2)) CNN_RETURN_IF_ERROR(float_input(2, "bias", out, &b));
  const int64_t in_h = x->shape.h() + x->pad_top + x->pad_bottom, in_w = x->shape.w() + x->pad_left + x->pad_right;
  int64_t p[4];
  CNN_RETURN_IF_ERROR(window_pads(in_h, in_w, k, s, d, p));
  p[0] += x->pad_top;
  p[1] += x->pad_left;
  p[2] += x->pad_bottom;
  p[3] += x->pad_right;
  Built l;
  l.spec = LayerSpec::conv2d(int(x->shape.c()), int(out), int(k[0]), int(s[0]), 0, int(d[0]), int(group), bool(b));
  Conv2dSpec& c = l.spec.conv;
  c.kernel_w = int32_t(k[1]);
  c.stride_w = int32_t(s[1]);
  c.dilation_w = int32_t(d[1]);
  if (p[0] == p[2] && p[1] == p[3]) {
    if (p[0] > kMaxDim || p[1] > kMaxDim) return fail("its padding is out of range");
    c.pad_h = int32_t(p[0]);
    c.pad_w = int32_t(p[1]);
  } else {
    // PyTorch's padding='same' (stride 1): total dilation*(k-1), the odd pixel after.
    const int64_t th = d[0] * (k[0] - 1), tw = d[1] * (k[1] - 1);
    const bool same = s[0] == 1 && s[1] == 1 && p[0] + p[2] == th && p[1] + p[3] == tw && p[0] == th / 2 && p[1] == tw / 2;
    if (!same) {
      const int64_t tblr[4] = {p[0], p[2], p[1], p[3]};
      return asymmetric(fail("its padding is asymmetric (top %" PRId64 ", bottom %" PRId64 ", left %" PRId64 ", right %" PRId64
                  "); the engine's conv2d pads both sides alike, or as PyTorch's padding='same' at stride 1",
                  p[0], p[2], p[1], p[3]), tblr);
    }
    c.padding = Padding::Same;
  }
  l.weight = w->f;
  if (b) l.bias = b->f;
  return append(std::move(l));
}

Status Importer::pool(bool is_max) {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x, !is_max));
  if (x->shape.rank() != 4) return fail("its input is flat (%s); 2-d pooling needs C x H x W", x->shape.str().c_str());
  std::vector<int64_t> k, s, d;
  if (!attr("kernel_shape")) return fail("it has no kernel_shape");
  CNN_RETURN_IF_ERROR(attr_ints("kernel_shape", 2, 0, &k));
  CNN_RETURN_IF_ERROR(attr_ints("strides", 2, 1, &s));
  CNN_RETURN_IF_ERROR(attr_ints("dilations", 2, 1, &d));
  std::string bad;
  if (!window_ints(k, "a kernel side", kMaxDim, &bad) || !window_ints(s, "a stride", kMaxDim, &bad) ||
      !window_ints(d, "a dilation", kMaxDim, &bad))
    return fail("%s", bad.c_str());
  if (d[0] != 1 || d[1] != 1) return fail("it has dilations %s; the engine's pooling has none", dims_text(d).c_str());
  int64_t ceil_mode = 0, cip = 0, storage = 0;
  CNN_RETURN_IF_ERROR(attr_int("ceil_mode", 0, &ceil_mode));
  CNN_RETURN_IF_ERROR(attr_int("count_include_pad", 0, &cip));
  CNN_RETURN_IF_ERROR(attr_int("storage_order", 0, &storage));
  const int64_t in_h = x->shape.h() + x->pad_top + x->pad_bottom, in_w = x->shape.w() + x->pad_left + x->pad_right;
  int64_t p[4];
  CNN_RETURN_IF_ERROR(window_pads(in_h, in_w, k, s, d, p));
  // The engine's padding (symmetric) and what ONNX adds after it.
  int64_t pad[2], extra[2];
  bool include_pad = cip != 0;
  if (x->padded) {
    // AvgPool2d(count_include_pad=True) as the exporter writes it: Pad with zeros, then AveragePool.
    if (x->pad_top != x->pad_bottom || x->pad_left != x->pad_right || p[0] != 0 || p[1] != 0) {
      const int64_t tblr[4] = {x->pad_top, x->pad_bottom, x->pad_left, x->pad_right};
      return asymmetric(fail("the Pad before it is asymmetric (top %" PRId64 ", bottom %" PRId64 ", left %" PRId64 ", right %" PRId64
                  "); PyTorch's AvgPool2d pads both sides alike", x->pad_top, x->pad_bottom, x->pad_left, x->pad_right), tblr);
    }
    if (cip) return fail("it counts the padding of its own pads after a Pad node; PyTorch's AvgPool2d cannot");
    pad[0] = x->pad_top;
    pad[1] = x->pad_left;
    extra[0] = p[2];
    extra[1] = p[3];
    include_pad = true;
  } else {
    pad[0] = p[0];
    pad[1] = p[1];
    extra[0] = p[2] - p[0];
    extra[1] = p[3] - p[1];
  }
  if (extra[0] < 0 || extra[1] < 0 || ((extra[0] || extra[1]) && (ceil_mode || (!is_max && cip)))) {
    const int64_t tblr[4] = {p[0], p[2], p[1], p[3]};
    return asymmetric(fail("its padding is asymmetric (top %" PRId64 ", bottom %" PRId64 ", left %" PRId64 ", right %" PRId64
                "); PyTorch's pooling pads both sides alike", p[0], p[2], p[1], p[3]), tblr);
  }
  if (pad[0] > kMaxDim || pad[1] > kMaxDim) return fail("its padding is out of range");
  Built l;
  l.spec = is_max ? LayerSpec::maxpool2d(int(k[0]), int(s[0]), int(pad[0]), ceil_mode != 0)
                  : LayerSpec::avgpool2d(int(k[0]), int(s[0]), int(pad[0]), ceil_mode != 0, include_pad);
  Pool2dSpec& ps = l.spec.pool;
  ps.kernel_w = int32_t(k[1]);
  ps.stride_w = int32_t(s[1]);
  ps.pad_w = int32_t(pad[1]);
  if (extra[0] || extra[1]) {
    // Opset 9 writes ceil_mode as extra padding after: the same windows as
    // PyTorch's ceil_mode when the output sizes agree.
    ps.ceil_mode = true;
    Geometry g;
    CNN_RETURN_IF_ERROR(layer_geometry(shape_, l.spec, &g).with_context(ctx()));
    const int64_t padded[2] = {x->shape.h() + 2 * pad[0] + extra[0], x->shape.w() + 2 * pad[1] + extra[1]};
    const int64_t want_h = padded[0] >= k[0] ? (padded[0] - k[0]) / s[0] + 1 : 0;
    const int64_t want_w = padded[1] >= k[1] ? (padded[1] - k[1]) / s[1] + 1 : 0;
    if (g.out.h() != want_h || g.out.w() != want_w) {
      const int64_t tblr[4] = {p[0], p[2], p[1], p[3]};
      return asymmetric(fail("its padding is asymmetric (top %" PRId64 ", bottom %" PRId64 ", left %" PRId64 ", right %" PRId64
                  ") and is not PyTorch's ceil_mode either; PyTorch's pooling pads both sides alike",
                  p[0], p[2], p[1], p[3]), tblr);
    }
  }
  return append(std::move(l));
}

Status Importer::global_pool(bool is_max) {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  if (x->shape.rank() != 4) return fail("its input is flat (%s); it needs C x H x W", x->shape.str().c_str());
  Built l;
  l.spec = is_max ? LayerSpec::maxpool2d(1) : LayerSpec::avgpool2d(1);
  l.spec.pool.kernel_h = l.spec.pool.stride_h = int32_t(x->shape.h());
  l.spec.pool.kernel_w = l.spec.pool.stride_w = int32_t(x->shape.w());
  return append(std::move(l));
}

Status Importer::gemm() {
  const Value* a = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &a));
  if (a->shape.rank() != 2)
    return fail("its input is %s, not flat; a Flatten (or x.view(x.size(0), -1)) before it is needed",
                a->shape.str().c_str());
  int64_t trans_a = 0, trans_b = 0;
  float alpha = 1, beta = 1;
  CNN_RETURN_IF_ERROR(attr_int("transA", 0, &trans_a));
  CNN_RETURN_IF_ERROR(attr_int("transB", 0, &trans_b));
  CNN_RETURN_IF_ERROR(attr_float("alpha", 1, &alpha));
  CNN_RETURN_IF_ERROR(attr_float("beta", 1, &beta));
  if (trans_a) return fail("it transposes its input (transA=1); a dense layer takes the batch as rows");
  std::shared_ptr<const Tensor> w, c;
  CNN_RETURN_IF_ERROR(float_input(1, "weight", -1, &w));
  if (w->dims.size() != 2) return fail("its weight has %zu dimensions, not 2", w->dims.size());
  const int64_t in = trans_b ? w->dims[1] : w->dims[0], out = trans_b ? w->dims[0] : w->dims[1];
  if (in != a->shape.c())
    return fail("its weight %s takes %" PRId64 " features, but its input has %" PRId64, dims_text(w->dims).c_str(), in,
                a->shape.c());
  if (out < 1 || out > kMaxDim) return fail("its weight %s gives %" PRId64 " features", dims_text(w->dims).c_str(), out);
  Built l;
  l.spec = LayerSpec::dense_layer(int(in), int(out), has_input(2));
  l.weight.resize(size_t(in * out));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i)
      l.weight[size_t(o * in + i)] = alpha * (trans_b ? w->f[size_t(o * in + i)] : w->f[size_t(i * out + o)]);
  if (has_input(2)) {
    CNN_RETURN_IF_ERROR(float_input(2, "bias", -1, &c));
    const bool per_feature = c->count() == out && (c->dims.size() == 1 || (c->dims.size() == 2 && c->dims[0] == 1));
    if (!per_feature && c->count() != 1)
      return fail("its bias %s is neither one value per output feature nor a single value", dims_text(c->dims).c_str());
    l.bias.resize(size_t(out));
    for (int64_t o = 0; o < out; ++o) l.bias[size_t(o)] = beta * c->f[per_feature ? size_t(o) : 0];
  }
  return append(std::move(l));
}

Status Importer::matmul() {
  const Value* a = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &a));
  if (a->shape.rank() != 2)
    return fail("its input is %s, not flat; a Flatten (or x.view(x.size(0), -1)) before it is needed",
                a->shape.str().c_str());
  std::shared_ptr<const Tensor> w;
  CNN_RETURN_IF_ERROR(float_input(1, "second operand", -1, &w));
  if (w->dims.size() != 2) return fail("its second operand has %zu dimensions; a dense layer needs [in, out]", w->dims.size());
  const int64_t in = w->dims[0], out = w->dims[1];
  if (in != a->shape.c())
    return fail("its second operand %s takes %" PRId64 " features, but its input has %" PRId64,
                dims_text(w->dims).c_str(), in, a->shape.c());
  if (out < 1 || out > kMaxDim) return fail("its second operand %s gives %" PRId64 " features", dims_text(w->dims).c_str(), out);
  Built l;
  l.spec = LayerSpec::dense_layer(int(in), int(out), false);
  l.weight.resize(size_t(in * out));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) l.weight[size_t(o * in + i)] = w->f[size_t(i * out + o)];
  return append(std::move(l));
}

// The conv or dense layer whose output the data still is (nothing after it yet).
bool right_after_param_layer(const std::vector<Built>& layers, int serial, int last_layer_serial) {
  if (layers.empty() || serial != last_layer_serial) return false;
  const LayerKind k = layers.back().spec.kind;
  return k == LayerKind::Conv2d || k == LayerKind::Dense;
}

int64_t out_units(const LayerSpec& s) {
  return s.kind == LayerKind::Conv2d ? s.conv.out_channels : s.dense.out_features;
}

Status Importer::add() {
  const Value *a = nullptr, *b = nullptr;
  CNN_RETURN_IF_ERROR(input(0, &a));
  CNN_RETURN_IF_ERROR(input(1, &b));
  if (a->is_data && b->is_data)
    return coded(fail("it adds two values computed from the data (a residual connection); the engine's network is a chain "
                "of layers"), "onnx_branch");
  if (!a->is_data && !b->is_data) return fail("it adds two constants; the importer folds only shape computations");
  const size_t k = a->is_data ? 0 : 1;
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(k, &x));
  std::shared_ptr<const Tensor> c;
  CNN_RETURN_IF_ERROR(float_input(1 - k, "constant", -1, &c));
  if (!right_after_param_layer(layers_, x->serial, last_layer_serial_))
    return fail("it adds a constant to data that does not come straight from a conv or dense layer; the engine folds "
                "such an Add into the bias of that layer only");
  Built& l = layers_.back();
  const int64_t units = out_units(l.spec);
  // one value per channel ([C], [C,1,1], [1,C,1,1]) or per feature ([F], [1,F]), or one for all
  bool per_unit = c->count() == units;
  if (per_unit) {
    std::vector<int64_t> d = c->dims;
    while (!d.empty() && d.back() == 1 && d.size() > 1 && l.spec.kind == LayerKind::Conv2d) d.pop_back();
    while (!d.empty() && d.front() == 1 && d.size() > 1) d.erase(d.begin());
    per_unit = d.size() == 1 && d[0] == units;
  }
  if (!per_unit && c->count() != 1)
    return fail("its constant %s is neither one value per output of the layer before it (%" PRId64 ") nor one value",
                dims_text(c->dims).c_str(), units);
  if (l.bias.empty()) {
    l.bias.assign(size_t(units), 0.0f);
    if (l.spec.kind == LayerKind::Conv2d) l.spec.conv.bias = true;
    else l.spec.dense.bias = true;
    params_ += units;
  }
  for (int64_t u = 0; u < units; ++u) l.bias[size_t(u)] += c->f[per_unit ? size_t(u) : 0];
  return alias(*x);
}

Status Importer::batch_norm() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  if (!right_after_param_layer(layers_, x->serial, last_layer_serial_))
    return fail("it does not come straight after a conv or dense layer; the engine folds batch normalisation into the "
                "layer before it, so it needs one there");
  int64_t training = 0;
  CNN_RETURN_IF_ERROR(attr_int("training_mode", 0, &training));
  float eps = 1e-5f;
  CNN_RETURN_IF_ERROR(attr_float("epsilon", 1e-5f, &eps));
  Built& l = layers_.back();
  const int64_t units = out_units(l.spec);
  std::shared_ptr<const Tensor> scale, bias, mean, var;
  CNN_RETURN_IF_ERROR(float_input(1, "scale", units, &scale));
  CNN_RETURN_IF_ERROR(float_input(2, "bias", units, &bias));
  CNN_RETURN_IF_ERROR(float_input(3, "running mean", units, &mean));
  CNN_RETURN_IF_ERROR(float_input(4, "running variance", units, &var));
  // The running statistics are used, as in PyTorch's eval mode, also when the
  // exporter wrote the training form (its other outputs stay undefined).
  (void)training;
  std::vector<float> w = l.weight, b = l.bias;
  if (b.empty()) b.assign(size_t(units), 0.0f);
  const size_t per = w.size() / size_t(units);
  for (int64_t u = 0; u < units; ++u) {
    const double v = double(var->f[size_t(u)]) + double(eps);
    if (!(v > 0)) return fail("its variance plus epsilon for channel %" PRId64 " is %g, not positive", u, v);
    const double s = double(scale->f[size_t(u)]) / std::sqrt(v);
    for (size_t i = 0; i < per; ++i) w[size_t(u) * per + i] = float(double(w[size_t(u) * per + i]) * s);
    b[size_t(u)] = float((double(b[size_t(u)]) - double(mean->f[size_t(u)])) * s + double(bias->f[size_t(u)]));
  }
  for (float f : w)
    if (!std::isfinite(f)) return fail("folding it into the layer before gives a weight that is not finite");
  for (float f : b)
    if (!std::isfinite(f)) return fail("folding it into the layer before gives a bias that is not finite");
  if (l.bias.empty()) {
    params_ += units;
    if (l.spec.kind == LayerKind::Conv2d) l.spec.conv.bias = true;
    else l.spec.dense.bias = true;
  }
  l.weight = std::move(w);
  l.bias = std::move(b);
  return alias(*x);
}

Status Importer::flatten() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  int64_t axis = 1;
  CNN_RETURN_IF_ERROR(attr_int("axis", 1, &axis));
  const int rank = x->shape.rank();
  if (axis < 0) axis += rank;
  if (axis != 1)
    return fail("it flattens from axis %" PRId64 "; the engine flattens each sample, from axis 1 (torch.flatten(x, 1))", axis);
  if (rank == 2) return alias(*x);
  Built l;
  l.spec = LayerSpec::simple(LayerKind::Flatten);
  return append(std::move(l));
}

Status Importer::reshape() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  std::shared_ptr<const Tensor> t;
  CNN_RETURN_IF_ERROR(int_input(1, "target shape", &t));
  int64_t allowzero = 0;
  CNN_RETURN_IF_ERROR(attr_int("allowzero", 0, &allowzero));
  const int64_t per = x->shape.per_sample();
  bool flat = false;
  if (t->dims.size() == 1 && t->i.size() == 2) {
    const int64_t a = t->i[0], b = t->i[1];
    const bool batch = a == kBatch || a == batch_ || (a == 0 && !allowzero) || (a == -1 && b == per);
    flat = batch && (b == -1 || b == per);
  }
  if (!flat)
    return fail("its target shape %s is not (batch, -1) for an input of %s; the engine reshapes only as "
                "x.view(x.size(0), -1) or torch.flatten(x, 1) do", dims_text(t->i).c_str(), x->shape.str().c_str());
  if (x->shape.rank() == 2) return alias(*x);
  Built l;
  l.spec = LayerSpec::simple(LayerKind::Flatten);
  return append(std::move(l));
}

Status Importer::softmax(bool log) {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  const int rank = x->shape.rank();
  int64_t axis = 0;
  CNN_RETURN_IF_ERROR(attr_int("axis", opset_ >= 13 ? -1 : 1, &axis));
  if (axis < 0) axis += rank;
  // The engine's softmax runs over axis 1 (the features, or the channels at each pixel).
  bool ok = axis == 1;
  if (rank == 4 && opset_ < 13) ok = ok && x->shape.h() == 1 && x->shape.w() == 1;  // before 13: over C*H*W
  if (!ok)
    return fail("it runs over axis %" PRId64 " of a %s input; the engine's softmax runs over the classes (dim=1)",
                axis, x->shape.str(true).c_str());
  Built l;
  l.spec = LayerSpec::simple(LayerKind::Softmax);
  CNN_RETURN_IF_ERROR(append(std::move(l)));
  if (log) {
    log_softmax_layer_ = int(layers_.size()) - 1;
    log_softmax_node_ = ctx();
  }
  return Status::ok();
}

Status Importer::pad() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(data_input(0, &x));
  if (x->shape.rank() != 4) return fail("it pads a flat input; only a zero padding of the height and width folds");
  const std::string mode = attr_string("mode", "constant");
  if (mode != "constant") return fail("it pads in mode \"%s\"; only zero padding (constant) folds into a conv or pool", mode.substr(0, 32).c_str());
  std::vector<int64_t> p;
  float value = 0;
  if (opset_ < 11) {
    CNN_RETURN_IF_ERROR(attr_ints("pads", 8, 0, &p));
    CNN_RETURN_IF_ERROR(attr_float("value", 0, &value));
  } else {
    std::shared_ptr<const Tensor> t, v;
    CNN_RETURN_IF_ERROR(int_input(1, "pads", &t));
    if (t->i.size() != 8) return fail("it has %zu pads; a 4-d input has 8", t->i.size());
    p = t->i;
    if (has_input(2)) {
      CNN_RETURN_IF_ERROR(float_input(2, "constant value", 1, &v));
      value = v->f[0];
    }
    if (has_input(3)) return fail("it pads only some axes (an axes input), which the importer does not read");
  }
  if (value != 0) return fail("it pads with %g; only zero padding folds into a conv or average pool", double(value));
  for (int64_t v : p)
    if (v < 0 || v > kMaxDim) return fail("a padding of %s is out of range (0..%" PRId64 ")",
                                          v == kBatch ? "batch" : std::to_string(v).c_str(), kMaxDim);
  if (p[0] || p[1] || p[4] || p[5]) return fail("it pads the batch or the channels; only the height and width can fold");
  Value v = *x;
  v.padded = true;
  v.pad_top += p[2];
  v.pad_left += p[3];
  v.pad_bottom += p[6];
  v.pad_right += p[7];
  v.serial = ++serial_;
  tail_ = v.serial;
  return define(0, std::move(v));
}

Status Importer::constant() {
  Tensor t;
  if (const AttrMsg* a = attr("value")) {
    if (!a->has_t) return fail("its value is not a tensor");
    TensorMsg m;
    CNN_RETURN_IF_ERROR(parse_tensor(a->t, &m).with_context(ctx()));
    CNN_RETURN_IF_ERROR(decode_tensor(m, &t).with_context(ctx() + "its value: "));
  } else if (const AttrMsg* f = attr("value_float")) {
    t.f = {f->f};
  } else if (const AttrMsg* fs = attr("value_floats")) {
    t.f = fs->floats;
    t.dims = {int64_t(t.f.size())};
  } else if (const AttrMsg* i = attr("value_int")) {
    t.is_float = false;
    t.i = {i->i == kBatch ? kBatch + 1 : i->i};
  } else if (const AttrMsg* is = attr("value_ints")) {
    t.is_float = false;
    t.i = is->ints;
    for (int64_t& v : t.i) v = v == kBatch ? kBatch + 1 : v;
    t.dims = {int64_t(t.i.size())};
  } else {
    return fail("it has no value the importer reads (value, value_float(s), value_int(s))");
  }
  return define_const(0, std::move(t));
}

Status Importer::shape_op() {
  const Value* x = nullptr;
  CNN_RETURN_IF_ERROR(input(0, &x));
  Tensor t;
  t.is_float = false;
  if (x->is_data) {
    t.i.push_back(kBatch);
    t.i.push_back(x->shape.c());
    if (x->shape.rank() == 4) {
      t.i.push_back(x->shape.h() + x->pad_top + x->pad_bottom);
      t.i.push_back(x->shape.w() + x->pad_left + x->pad_right);
    }
  } else {
    t.i = x->tensor->dims;
  }
  int64_t start = 0, end = int64_t(t.i.size());
  CNN_RETURN_IF_ERROR(attr_int("start", 0, &start));
  CNN_RETURN_IF_ERROR(attr_int("end", end, &end));
  const int64_t r = int64_t(t.i.size());
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : start > r ? r : start;
  end = end < start ? start : end > r ? r : end;
  t.i = std::vector<int64_t>(t.i.begin() + start, t.i.begin() + end);
  t.dims = {int64_t(t.i.size())};
  return define_const(0, std::move(t));
}

Status Importer::gather() {
  std::shared_ptr<const Tensor> data, idx;
  CNN_RETURN_IF_ERROR(int_input(0, "data", &data));
  CNN_RETURN_IF_ERROR(int_input(1, "indices", &idx));
  int64_t axis = 0;
  CNN_RETURN_IF_ERROR(attr_int("axis", 0, &axis));
  if (data->dims.size() != 1 || (axis != 0 && axis != -1) || idx->dims.size() > 1)
    return fail("it gathers from a %zu-d tensor or with %zu-d indices; only picking entries of a shape folds",
                data->dims.size(), idx->dims.size());
  Tensor t;
  t.is_float = false;
  const int64_t n = int64_t(data->i.size());
  for (int64_t k : idx->i) {
    if (k < 0) k += n;
    if (k < 0 || k >= n) return fail("an index is out of range for a shape of %" PRId64 " entries", n);
    t.i.push_back(data->i[size_t(k)]);
  }
  if (idx->dims.size() == 1) t.dims = {int64_t(t.i.size())};
  return define_const(0, std::move(t));
}

Status Importer::unsqueeze(bool squeeze) {
  std::shared_ptr<const Tensor> x;
  CNN_RETURN_IF_ERROR(const_input(0, "input", &x));
  std::vector<int64_t> axes;
  if (opset_ >= 13) {
    if (has_input(1)) {
      std::shared_ptr<const Tensor> a;
      CNN_RETURN_IF_ERROR(int_input(1, "axes", &a));
      axes = a->i;
    }
  } else if (const AttrMsg* a = attr("axes")) {
    axes = a->ints;
  }
  if (axes.size() > kMaxRank) return fail("it has %zu axes", axes.size());
  Tensor t = *x;
  if (squeeze) {
    std::vector<int64_t> d;
    const int64_t r = int64_t(x->dims.size());
    for (int64_t i = 0; i < r; ++i) {
      bool drop = axes.empty() ? x->dims[size_t(i)] == 1 : false;
      for (int64_t a : axes) drop |= (a < 0 ? a + r : a) == i;
      if (drop && x->dims[size_t(i)] != 1) return fail("it squeezes axis %" PRId64 " of size %" PRId64, i, x->dims[size_t(i)]);
      if (!drop) d.push_back(x->dims[size_t(i)]);
    }
    t.dims = d;
  } else {
    const int64_t r = int64_t(x->dims.size() + axes.size());
    if (r > int64_t(kMaxRank)) return fail("its result would have %" PRId64 " dimensions", r);
    std::vector<bool> one(size_t(r), false);
    for (int64_t a : axes) {
      const int64_t k = a < 0 ? a + r : a;
      if (k < 0 || k >= r || one[size_t(k)]) return fail("axis %" PRId64 " is out of range or repeated", a);
      one[size_t(k)] = true;
    }
    t.dims.clear();
    size_t src = 0;
    for (int64_t i = 0; i < r; ++i) t.dims.push_back(one[size_t(i)] ? 1 : x->dims[src++]);
  }
  return define_const(0, std::move(t));
}

Status Importer::concat() {
  Tensor t;
  t.is_float = false;
  int64_t axis = 0;
  CNN_RETURN_IF_ERROR(attr_int("axis", 0, &axis));
  if (axis != 0 && axis != -1) return fail("it concatenates along axis %" PRId64 "; only 1-d shapes fold", axis);
  for (size_t k = 0; k < node_->inputs.size(); ++k) {
    std::shared_ptr<const Tensor> x;
    CNN_RETURN_IF_ERROR(int_input(k, "input", &x));
    if (x->dims.size() != 1) return fail("input %zu has %zu dimensions; only 1-d shapes fold", k, x->dims.size());
    if (int64_t(t.i.size() + x->i.size()) > kMaxShapeTensor) return fail("the result would be too long");
    t.i.insert(t.i.end(), x->i.begin(), x->i.end());
  }
  t.dims = {int64_t(t.i.size())};
  return define_const(0, std::move(t));
}

Status Importer::cast() {
  std::shared_ptr<const Tensor> x;
  CNN_RETURN_IF_ERROR(const_input(0, "input", &x));
  int64_t to = 0;
  CNN_RETURN_IF_ERROR(attr_int("to", 0, &to));
  if (to == kInt64 && !x->is_float) return define_const(0, *x);
  if ((to == kFloat || to == kDouble) && x->is_float) return define_const(0, *x);
  return fail("it casts to %s; only casts that keep a folded shape as it is are read", type_name(int32_t(to)));
}

Status Importer::node() {
  const NodeMsg& n = *node_;
  if (!n.domain.empty() && n.domain != "ai.onnx")
    return coded(fail("it is an op of domain \"%s\"; the importer reads the standard ONNX ops only", n.domain.substr(0, 64).c_str()),
                 "onnx_unsupported_op");
  const std::string& op = n.op;
  CNN_RETURN_IF_ERROR(need_outputs(1));
  if (op == "Conv") return conv();
  if (op == "MaxPool") return pool(true);
  if (op == "AveragePool") return pool(false);
  if (op == "GlobalAveragePool") return global_pool(false);
  if (op == "GlobalMaxPool") return global_pool(true);
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "LeakyRelu") {
    const Value* x = nullptr;
    CNN_RETURN_IF_ERROR(data_input(0, &x));
    Built l;
    if (op == "LeakyRelu") {
      float alpha = 0.01f;
      CNN_RETURN_IF_ERROR(attr_float("alpha", 0.01f, &alpha));
      l.spec = LayerSpec::leaky_relu(alpha);
    } else {
      l.spec = LayerSpec::simple(op == "Relu" ? LayerKind::ReLU : op == "Sigmoid" ? LayerKind::Sigmoid : LayerKind::Tanh);
    }
    return append(std::move(l));
  }
  if (op == "Flatten") return flatten();
  if (op == "Reshape") return reshape();
  if (op == "Gemm") return gemm();
  if (op == "MatMul") return matmul();
  if (op == "Add") return add();
  if (op == "BatchNormalization") return batch_norm();
  if (op == "Softmax") return softmax(false);
  if (op == "LogSoftmax") return softmax(true);
  if (op == "Pad") return pad();
  if (op == "Dropout" || op == "Identity") {
    const Value* x = nullptr;
    CNN_RETURN_IF_ERROR(input(0, &x));
    if (x->is_data) CNN_RETURN_IF_ERROR(data_input(0, &x, true));
    return alias(*x);
  }
  if (op == "Constant") return constant();
  if (op == "Shape") return shape_op();
  if (op == "Gather") return gather();
  if (op == "Unsqueeze") return unsqueeze(false);
  if (op == "Squeeze") return unsqueeze(true);
  if (op == "Concat") return concat();
  if (op == "Cast") return cast();
  return coded(fail("the importer has no layer for this op; it reads Conv, MaxPool, AveragePool, GlobalAveragePool, "
              "GlobalMaxPool, Relu, LeakyRelu, Sigmoid, Tanh, Flatten, Gemm, MatMul, Add (of a bias), "
              "BatchNormalization, Softmax, LogSoftmax, Dropout, Identity, and the shape ops of a flatten"),
               "onnx_unsupported_op");
}

// The input normalisation from metadata, written as transforms.Normalize's
// arguments ("(0.1307,), (0.3081,)") or as the numbers alone, the means
// first ("0.1307, 0.3081"); check_normalization() then holds it to the input.
Status parse_normalize(const std::string& s, std::vector<float>* mean, std::vector<float>* stdev) {
  std::vector<double> v;
  size_t i = 0;
  for (;;) {
    while (i < s.size() && (std::isspace(static_cast<unsigned char>(s[i])) || std::strchr("()[],", s[i]))) ++i;
    if (i >= s.size()) break;
    const size_t end = s.find_first_of(" \t\r\n()[],", i);
    const std::string token = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
    double x = 0;
    if (!read_decimal(token, &x) || v.size() >= 2 * 4096)
      return Status::error("the metadata \"normalize\" holds \"%s\", which is not a finite number: it lists the means, "
                           "then the standard deviations, as transforms.Normalize((0.1307,), (0.3081,))",
                           token.substr(0, 32).c_str());
    v.push_back(x);
    i = end == std::string::npos ? s.size() : end;
  }
  if (v.empty() || v.size() % 2)
    return Status::error("the metadata \"normalize\" has %zu numbers; it lists the means, then as many standard "
                         "deviations", v.size());
  mean->assign(v.begin(), v.begin() + int64_t(v.size() / 2));
  stdev->assign(v.begin() + int64_t(v.size() / 2), v.end());
  return Status::ok();
}

// Four hex digits of a JSON \u escape at s[at...].
bool hex4(const std::string& s, size_t at, uint32_t* out) {
  if (at + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = at; k < at + 4; ++k) {
    const char c = s[k];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + uint32_t(d);
  }
  *out = v;
  return true;
}

// A JSON \uXXXX escape (s[*i] is its 'u'; a character beyond the BMP is a
// surrogate pair, \ud83d\ude00, as json.dumps writes it), appended as UTF-8;
// *i is left on its last digit.
Status json_unicode_escape(const std::string& s, size_t* i, std::string* out) {
  uint32_t cp = 0, low = 0;
  if (!hex4(s, *i + 1, &cp))
    return Status::error("the metadata \"labels\" has a \\u escape without four hex digits");
  *i += 4;
  if (cp >= 0xD800 && cp < 0xDC00 && s.compare(*i + 1, 2, "\\u") == 0 && hex4(s, *i + 3, &low) && low >= 0xDC00 &&
      low < 0xE000) {
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    *i += 6;
  } else if (cp >= 0xD800 && cp < 0xE000) {
    return Status::error("the metadata \"labels\" has a \\u escape of half a surrogate pair (U+%04X)", unsigned(cp));
  } else if (cp == 0) {
    return Status::error("the metadata \"labels\" has a label with a NUL character (\\u0000)");
  }
  if (cp < 0x80) {
    *out += char(cp);
  } else if (cp < 0x800) {
    *out += char(0xC0 | (cp >> 6));
    *out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += char(0xE0 | (cp >> 12));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  } else {
    *out += char(0xF0 | (cp >> 18));
    *out += char(0x80 | ((cp >> 12) & 0x3F));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  }
  return Status::ok();
}

// Labels from metadata: a JSON array of strings, or names separated by commas.
Status parse_labels(const std::string& s, std::vector<std::string>* out) {
  std::vector<std::string> v;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '[') {
    ++i;
    for (;;) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i < s.size() && s[i] == ']' && v.empty()) {
        ++i;
        break;
      }
      if (i >= s.size() || s[i] != '"') return Status::error("the metadata \"labels\" is not a JSON array of strings");
      ++i;
      std::string l;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') {
          if (++i >= s.size()) break;
          const char e = s[i];
          if (e == 'n') l += '\n';
          else if (e == 't') l += '\t';
          else if (e == 'r') l += '\r';
          else if (e == 'b') l += '\b';
          else if (e == 'f') l += '\f';
          else if (e == '"' || e == '\\' || e == '/') l += e;
          else if (e == 'u') CNN_RETURN_IF_ERROR(json_unicode_escape(s, &i, &l));
          else return Status::error("the metadata \"labels\" uses an escape (\\%c) the importer does not read", e);
        } else {
          l += s[i];
        }
        ++i;
      }
      if (i >= s.size()) return Status::error("the metadata \"labels\" ends inside a string");
      ++i;
      v.push_back(std::move(l));
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < s.size() && s[i] == ']') {
        ++i;
        break;
      }
      return Status::error("the metadata \"labels\" is not a JSON array of strings");
    }
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i != s.size()) return Status::error("the metadata \"labels\" has text after its array");
  } else {
    size_t start = 0;
    for (;;) {
      const size_t comma = s.find(',', start);
      std::string l = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const size_t a = l.find_first_not_of(" \t\r\n"), b = l.find_last_not_of(" \t\r\n");
      v.push_back(a == std::string::npos ? "" : l.substr(a, b - a + 1));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  *out = std::move(v);
  return Status::ok();
}

Status Importer::run(std::unique_ptr<Network>* net_out, ModelInfo* info_out) {
  if (graph_.sparse) return Status::error("the graph has sparse initializers, which the importer does not read");
  // Initializers are constants.
  for (size_t i = 0; i < graph_.initializers.size(); ++i) {
    const TensorMsg& m = graph_.initializers[i];
    Tensor t;
    CNN_RETURN_IF_ERROR(decode_tensor(m, &t).with_context("initializer " + std::to_string(i) + " \"" +
                                                          m.name.substr(0, 128) + "\": "));
    if (m.name.empty()) return Status::error("initializer %zu has no name", i);
    Value v;
    v.tensor = std::make_shared<const Tensor>(std::move(t));
    values_[m.name] = std::move(v);
  }
  // The one data input: the graph inputs that are not initializers.
  const ValueInfoMsg* data = nullptr;
  size_t data_inputs = 0;
  for (const ValueInfoMsg& in : graph_.inputs) {
    if (values_.count(in.name)) continue;
    ++data_inputs;
    data = &in;
  }
  if (data_inputs != 1)
    return Status::error("the graph has %zu data inputs; the engine's network takes one image input", data_inputs);
  if (data_inputs > kMaxGraphValues) return Status::error("the graph has too many inputs");
  if (!data->has_tensor_type || data->elem_type != kFloat)
    return Status::error("the graph input \"%s\" holds %s, not float32 values", data->name.substr(0, 128).c_str(),
                         type_name(data->elem_type));
  if (!data->has_shape || data->dims.size() != 4)
    return Status::error("the graph input \"%s\" has %s; the engine's network takes images, N x C x H x W",
                         data->name.substr(0, 128).c_str(),
                         data->has_shape ? (std::to_string(data->dims.size()) + " dimensions").c_str() : "no shape");
  int64_t chw[3];
  for (int i = 0; i < 3; ++i) {
    const Dim& d = data->dims[size_t(i + 1)];
    if (!d.known || d.value < 1 || d.value > kMaxDim)
      return Status::error("the graph input \"%s\" has %s as dimension %d; the importer needs fixed C, H and W (only the "
                           "batch may vary)", data->name.substr(0, 128).c_str(),
                           d.known ? std::to_string(d.value).c_str() : "a named size", i + 1);
    chw[i] = d.value;
  }
  if (double(chw[0]) * double(chw[1]) * double(chw[2]) > double(int64_t(1) << 24))
    return Status::error("the input %" PRId64 "x%" PRId64 "x%" PRId64 " is too large", chw[0], chw[1], chw[2]);
  if (data->dims[0].known) batch_ = data->dims[0].value;
  CNN_RETURN_IF_ERROR(Shape::nchw(1, chw[0], chw[1], chw[2], &shape_));
  activations_ = shape_.elements();
  {
    Value v;
    v.is_data = true;
    v.serial = tail_ = ++serial_;
    v.shape = shape_;
    values_[data->name] = std::move(v);
  }

  for (index_ = 0; index_ < graph_.nodes.size(); ++index_) {
    node_ = &graph_.nodes[index_];
    CNN_RETURN_IF_ERROR(node());
  }

  if (graph_.outputs.size() != 1)
    return Status::error("the graph has %zu outputs; the engine's network gives one", graph_.outputs.size());
  const auto out = values_.find(graph_.outputs[0].name);
  if (out == values_.end())
    return Status::error("the graph output \"%s\" is not computed by any node", graph_.outputs[0].name.substr(0, 128).c_str());
  if (!out->second.is_data || out->second.serial != tail_ || out->second.padded)
    return Status::error("the graph output \"%s\" is not the end of the chain of layers", graph_.outputs[0].name.substr(0, 128).c_str());
  if (layers_.empty()) return Status::error("the graph has no layer the engine runs (it only passes its input through)");
  if (log_softmax_layer_ >= 0 && log_softmax_layer_ != int(layers_.size()) - 1)
    return Status::error("%sa LogSoftmax is read as a softmax only as the last layer (the network then gives "
                         "probabilities); here layers follow it", log_softmax_node_.c_str());

  ModelInfo info;
  info.in_c = int32_t(chw[0]);
  info.in_h = int32_t(chw[1]);
  info.in_w = int32_t(chw[2]);
  for (const auto& kv : model_.props) {
    if (kv.first == "labels") {
      CNN_RETURN_IF_ERROR(parse_labels(kv.second, &info.labels));
      continue;
    }
    if (kv.first == "normalize") {
      CNN_RETURN_IF_ERROR(parse_normalize(kv.second, &info.norm_mean, &info.norm_std));
      CNN_RETURN_IF_ERROR(check_normalization(info.norm_mean, info.norm_std, info.in_c));
      continue;
    }
    if (kv.first.empty()) return Status::error("a metadata entry has an empty key");
    for (const auto& m : info.metadata)
      if (m.first == kv.first) return Status::error("metadata key \"%s\" appears twice", kv.first.substr(0, 64).c_str());
    info.metadata.emplace_back(kv.first, kv.second);
  }
  if (info.metadata.size() + 5 > kMaxMetadataProps)
    return Status::error("the model has %zu metadata entries, more than the limit", info.metadata.size());
  info.set("source", "onnx");
  std::string producer = model_.producer_name;
  if (!model_.producer_version.empty()) producer += (producer.empty() ? "" : " ") + model_.producer_version;
  if (!producer.empty()) info.set("producer", producer);
  info.set("opset", std::to_string(opset_));
  if (!graph_.name.empty()) info.set("onnx_graph", graph_.name);
  if (log_softmax_layer_ >= 0)
    info.set("output", "probabilities: the model's LogSoftmax runs as a softmax (exp of the model's outputs)");
  const int64_t outputs = shape_.per_sample();
  if (!info.labels.empty() && int64_t(info.labels.size()) != outputs)
    return Status::error("the model has %zu labels, but its network gives %" PRId64 " outputs per sample",
                         info.labels.size(), outputs)
        .with_code("labels_count", {{"labels", int64_t(info.labels.size())}, {"outputs", outputs}});

  std::vector<LayerSpec> specs;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Built& b = layers_[i];
    for (const std::vector<float>* v : {&b.weight, &b.bias})
      for (float x : *v)
        if (!std::isfinite(x))
          return Status::error("%sfolding the model's constants gives a parameter that is not finite",
                               layer_context(int(i), b.spec.kind).c_str());
    specs.push_back(b.spec);
  }
  std::unique_ptr<Network> net;
  CNN_RETURN_IF_ERROR(Network::create(specs, &net));
  for (int i = 0; i < net->num_layers(); ++i) {
    const Built& b = layers_[size_t(i)];
    if (int64_t(b.weight.size()) != net->weight_count(i) || int64_t(b.bias.size()) != net->bias_count(i))
      return Status::error("%s: the imported parameters do not match the layer (%zu and %zu values for %" PRId64
                           " and %" PRId64 ")", layer_context(i, b.spec.kind).c_str(), b.weight.size(), b.bias.size(),
                           net->weight_count(i), net->bias_count(i));
    if (!b.weight.empty()) std::memcpy(net->weight(i), b.weight.data(), b.weight.size() * sizeof(float));
    if (!b.bias.empty()) std::memcpy(net->bias(i), b.bias.data(), b.bias.size() * sizeof(float));
  }
  net->params_changed();
  *net_out = std::move(net);
  *info_out = std::move(info);
  return Status::ok();
}

}  // namespace

Status import_onnx(const uint8_t* data, size_t size, std::unique_ptr<Network>* net_out, ModelInfo* info_out) {
  if (!data && size) return Status::error("no ONNX data given");
  if (size == 0) return Status::error("the ONNX file is empty");
  if (size > kMaxOnnxBytes)
    return Status::error("the file has %zu bytes, more than the %zu MB an ONNX file may have here", size,
                         kMaxOnnxBytes >> 20);
  ModelMsg model;
  CNN_RETURN_IF_ERROR(parse_model(Span{data, size}, &model)
                          .with_context("not a readable ONNX model: ")
                          .with_code("onnx_damaged", {{"bytes", int64_t(size)}}));
  if (!model.has_graph)
    return Status::error("not an ONNX model: the file has no graph").with_code("onnx_damaged", {{"bytes", int64_t(size)}});
  if (model.ir_version < 3)
    return Status::error("the ONNX file has IR version %" PRId64 "; the importer reads version 3 and later",
                         model.ir_version);
  if (model.functions) return Status::error("the ONNX model defines functions, which the importer does not read");
  int opset = -1;
  for (const auto& o : model.opsets)
    if (o.first.empty() || o.first == "ai.onnx") opset = int(o.second < 0 || o.second > 1000 ? -1 : o.second);
  if (opset < kMinOpset || opset > kMaxOpset)
    return Status::error("the model uses ONNX opset %d; the importer reads opsets %d to %d (torch.onnx.export(..., "
                         "opset_version=13) writes one)", opset, kMinOpset, kMaxOpset)
        .with_code("onnx_opset", {{"opset", opset}, {"min", kMinOpset}, {"max", kMaxOpset}});
  GraphMsg graph;
  CNN_RETURN_IF_ERROR(parse_graph(model.graph, &graph)
                          .with_context("the ONNX graph is damaged: ")
                          .with_code("onnx_damaged", {{"bytes", int64_t(size)}}));
  Importer imp(model, graph, opset);
  return imp.run(net_out, info_out);
}

}  // namespace cnn
