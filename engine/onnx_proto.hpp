// ONNX's protobuf wire format, shared by the importer (onnx_import.cpp, which
// reads it) and the exporter (onnx_export.cpp, which writes it): the field
// numbers of the messages of onnx.proto that the engine uses, the tensor
// element and attribute types, and a writer for protobuf messages.
//
// A message is a sequence of fields, each a key (field number << 3 | wire
// type) then its value: a varint (0), 8 bytes (1), a length then that many
// bytes (2: strings, bytes, nested messages, packed runs) or 4 bytes (5).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cnn {
namespace onnx {

enum WireType : int { kWireVarint = 0, kWireFixed64 = 1, kWireLengthDelimited = 2, kWireFixed32 = 5 };

// Field numbers, as onnx.proto numbers them.
struct ModelProto {
  static constexpr uint32_t ir_version = 1, producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
                            doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14, functions = 25;
};
struct OperatorSetIdProto {
  static constexpr uint32_t domain = 1, version = 2;
};
struct StringStringEntryProto {
  static constexpr uint32_t key = 1, value = 2;
};
struct GraphProto {
  static constexpr uint32_t node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12,
                            value_info = 13, sparse_initializer = 15;
};
struct NodeProto {
  static constexpr uint32_t input = 1, output = 2, name = 3, op_type = 4, attribute = 5, doc_string = 6, domain = 7;
};
struct AttributeProto {
  static constexpr uint32_t name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20;
  enum Type : int32_t { kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kFloats = 6, kInts = 7 };
};
struct TensorProto {
  static constexpr uint32_t dims = 1, data_type = 2, segment = 3, float_data = 4, int32_data = 5, int64_data = 7,
                            name = 8, raw_data = 9, double_data = 10, external_data = 13, data_location = 14;
};
struct ValueInfoProto {
  static constexpr uint32_t name = 1, type = 2;
};
struct TypeProto {
  static constexpr uint32_t tensor_type = 1;
  struct Tensor {
    static constexpr uint32_t elem_type = 1, shape = 2;
  };
};
struct TensorShapeProto {
  static constexpr uint32_t dim = 1;
  struct Dimension {
    static constexpr uint32_t dim_value = 1, dim_param = 2;
  };
};

// TensorProto.DataType: the element types the engine reads or writes.
enum DataType : int32_t { kFloat = 1, kUint8 = 2, kInt8 = 3, kInt32 = 6, kInt64 = 7, kBool = 9, kDouble = 11 };

// A protobuf message being written: fields appended in the order given.
// Nested messages are written whole, then appended as bytes (msg()).
class ProtoWriter {
 public:
  std::vector<uint8_t> data;

  // A varint field (int32, int64, enum, bool); negative values take ten bytes, as protobuf writes them.
  ProtoWriter& num(uint32_t field, int64_t v) {
    key(field, kWireVarint);
    varint(uint64_t(v));
    return *this;
  }
  ProtoWriter& bytes(uint32_t field, const void* p, size_t n) {
    key(field, kWireLengthDelimited);
    varint(n);
    const uint8_t* q = static_cast<const uint8_t*>(p);
    data.insert(data.end(), q, q + n);
    return *this;
  }
  ProtoWriter& str(uint32_t field, const std::string& s) { return bytes(field, s.data(), s.size()); }
  ProtoWriter& msg(uint32_t field, const ProtoWriter& m) { return bytes(field, m.data.data(), m.data.size()); }
  ProtoWriter& f32(uint32_t field, float f) {
    key(field, kWireFixed32);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 0; i < 4; ++i) data.push_back(uint8_t(u >> (8 * i)));
    return *this;
  }

 private:
  void key(uint32_t field, WireType wire) { varint((uint64_t(field) << 3) | uint64_t(wire)); }
  void varint(uint64_t v) {
    do {
      const uint8_t byte = v & 0x7F;
      v >>= 7;
      data.push_back(uint8_t(byte | (v ? 0x80 : 0)));
    } while (v);
  }
};

}  // namespace onnx
}  // namespace cnn
