// The one description of a layer spec's fields. Each row is one argument of
// the PyTorch layer (its name, its type, the kinds that take it, its default
// for each of them, and where it lives in LayerSpec). Everything that moves a
// spec between representations is derived from this table:
//   - the record of doubles that crosses the wasm boundary (a slot per number,
//     slot 0 the kind; offsets by row order), and its checks and messages;
//   - the fields a model file stores per layer (model_io.hpp, format 1);
//   - the description the JavaScript client reads (spec_schema_json), so it
//     builds and reads records by field name.
// A new field is one row here (plus its member in spec.hpp and its use).
//
// Range rules that need more than one field or an input shape stay in
// geometry.cpp (validate_spec, layer_geometry).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec.hpp"
#include "status.hpp"

namespace cnn {

enum class FieldType : int32_t {
  Int,      // a whole number (int32)
  IntPair,  // a whole number or a pair (height, width): two slots
  Bool,     // true / false: one slot, 1 or 0
  Float,    // a finite number, stored as float32
  Padding,  // a number, a pair, or a mode ('valid', 'same'): three slots (mode, height, width)
};

// Slots a field of this type takes in a record.
int field_slots(FieldType type);

constexpr uint32_t kind_bit(LayerKind k) { return 1u << uint32_t(k); }

// Where a field lives for some kinds. `at` is a byte offset into LayerSpec of
// each slot's member (an int32_t, a bool or a float by the field's type; the
// padding mode is a Padding), or -1 when these kinds have no member for that
// slot (a record must then hold the slot's default there).
struct FieldBinding {
  uint32_t kinds = 0;
  int32_t at[3] = {-1, -1, -1};
  double def[3] = {0, 0, 0};  // defaults, per slot
  // The default stands for PyTorch's None (pooling's stride: "as the
  // window"); a spec read back leaves such a field out.
  bool default_is_none = false;
  // Stored in a model file (format 1) for these kinds, but not an argument
  // of theirs: a record ignores it (MaxPool2d's count_include_pad).
  bool file_only = false;
};

struct SpecField {
  const char* name;  // PyTorch's argument name
  FieldType type;
  FieldBinding bind[2];
  int slot = 0;  // the record offset of the field's first slot (set by spec_fields())
};

// Every field, in record order (which is also the order of a model file's fields).
const std::vector<SpecField>& spec_fields();
// Doubles in one spec record: the kind, then every field's slots.
int spec_record_size();

// The binding of field f for a kind that takes it as an argument, or null.
const FieldBinding* field_binding(const SpecField& f, LayerKind kind);

// Record <-> spec. decode checks every slot the kind reads (a whole number,
// 0 or 1, finite, a padding mode the kind accepts) and names the field as
// PyTorch does with the value given, then validate_spec(). encode writes the
// spec's own fields and every other slot at its default.
Status decode_spec_record(const double* record, LayerSpec* out);
void encode_spec_record(const LayerSpec& spec, double* record);

// The int32 fields a model file stores for a spec (float fields as their bits).
void spec_to_file_fields(const LayerSpec& spec, std::vector<int32_t>* out);
int spec_file_field_count(LayerKind kind);
// The inverse; checks booleans and padding modes, then validate_spec().
Status spec_from_file_fields(LayerKind kind, const std::vector<int32_t>& fields, LayerSpec* out);

// The table as JSON for the JavaScript client:
// {"record": N, "kinds": ["conv2d", ...], "paddingModes": ["explicit", "valid", "same"],
//  "fields": [{"name", "type", "slot", "slots", "kinds": {"conv2d": {"default": [..], "none": false}, ...}}, ...]}
std::string spec_schema_json();

}  // namespace cnn
