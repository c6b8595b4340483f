// The layer schema (schema.hpp): every spec survives its record and its model
// file fields unchanged; the model file's fields per kind are exactly format
// 1's documented lists, in order; a record is checked slot by slot and its
// messages name the field as PyTorch does with the value given; parameter
// shapes come from the spec alone.
// To add a case: a field is one row of schema.cpp; give it a distinct value in
// distinct_spec() and, if a model file stores it, add it to kFormat1 below.
#include <cmath>
#include <cstring>
#include <string>

#include "geometry.hpp"
#include "helpers.hpp"
#include "schema.hpp"

using namespace cnn;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A spec of `kind` whose every field differs from its default and from the others.
LayerSpec distinct_spec(LayerKind kind) {
  LayerSpec s;
  s.kind = kind;
  s.conv = {6, 12, 5, 3, 2, 1, Padding::Explicit, 2, 1, 1, 2, 3, false};
  s.pool = {3, 2, 1, 2, 1, 1, true, false};
  s.dense = {7, 9, false};
  s.negative_slope = 0.125f;
  return s;
}

std::vector<double> record_of(const LayerSpec& s) {
  std::vector<double> r(static_cast<size_t>(spec_record_size()));
  encode_spec_record(s, r.data());
  return r;
}

// Format 1's fields per kind (model_io.hpp), as the values distinct_spec() gives them.
struct Format1 {
  LayerKind kind;
  std::vector<int32_t> fields;
};
const Format1 kFormat1[] = {
    {LayerKind::Conv2d, {6, 12, 5, 3, 2, 1, 0, 2, 1, 1, 2, 3, 0}},
    {LayerKind::MaxPool2d, {3, 2, 1, 2, 1, 1, 1, 0}},
    {LayerKind::AvgPool2d, {3, 2, 1, 2, 1, 1, 1, 0}},
    {LayerKind::Dense, {7, 9, 0}},
    {LayerKind::LeakyReLU, {0x3E000000}},  // 0.125f's bits
    {LayerKind::ReLU, {}},
    {LayerKind::Sigmoid, {}},
    {LayerKind::Tanh, {}},
    {LayerKind::Flatten, {}},
    {LayerKind::Softmax, {}},
};

}  // namespace

TEST_CASE("a spec's model file fields are format 1's, in order, and read back the same") {
  for (const Format1& f : kFormat1) {
    INFO(kind_name(f.kind));
    const LayerSpec s = distinct_spec(f.kind);
    std::vector<int32_t> fields;
    spec_to_file_fields(s, &fields);
    REQUIRE(fields == f.fields);
    REQUIRE(spec_file_field_count(f.kind) == int(f.fields.size()));
    LayerSpec back;
    REQUIRE(spec_from_file_fields(f.kind, fields, &back));
    REQUIRE(record_of(back) == record_of(s));
  }
}

TEST_CASE("every kind's spec survives its record") {
  for (int k = 0; k < kNumLayerKinds; ++k) {
    LayerSpec s = distinct_spec(LayerKind(k));
    // MaxPool2d takes no count_include_pad (format 1 stores it, a record does not)
    if (s.kind == LayerKind::MaxPool2d) s.pool.count_include_pad = true;
    INFO(kind_name(s.kind));
    const std::vector<double> r = record_of(s);
    LayerSpec back;
    const Status st = decode_spec_record(r.data(), &back);
    INFO(st.message());
    REQUIRE(st);
    REQUIRE(record_of(back) == r);
    std::vector<int32_t> a, b;
    spec_to_file_fields(s, &a);
    spec_to_file_fields(back, &b);
    REQUIRE(a == b);
  }
}

TEST_CASE("record slots are laid out by the table, without gaps or overlaps") {
  int next = 1;
  for (const SpecField& f : spec_fields()) {
    INFO(f.name);
    REQUIRE(f.slot == next);
    next += field_slots(f.type);
  }
  REQUIRE(spec_record_size() == next);
}

TEST_CASE("a record's bad values are refused naming the field and the exact value") {
  const auto message = [](LayerKind kind, const char* name, int slot, double v) {
    LayerSpec s;
    s.kind = kind;
    std::vector<double> r(static_cast<size_t>(spec_record_size()));
    encode_spec_record(s, r.data());
    for (const SpecField& f : spec_fields())
      if (std::string(f.name) == name) r[size_t(f.slot + slot)] = v;
    LayerSpec out;
    const Status st = decode_spec_record(r.data(), &out);
    REQUIRE_FALSE(st);
    return st.message();
  };
  SECTION("whole numbers, printed exactly") {
    const std::string m = message(LayerKind::Conv2d, "kernel_size", 0, 4294967296.0);
    REQUIRE(contains(m, "kernel_size"));
    REQUIRE(contains(m, "4294967296"));
    REQUIRE(contains(message(LayerKind::Conv2d, "stride", 1, 1.5), "stride (width) must be a whole number, got 1.5"));
    REQUIRE(contains(message(LayerKind::Dense, "out_features", 0, NAN), "out_features must be a whole number, got NaN"));
    REQUIRE(contains(message(LayerKind::Conv2d, "in_channels", 0, 0.1), "got 0.1"));
  }
  SECTION("booleans are 0 or 1") {
    REQUIRE(contains(message(LayerKind::Dense, "bias", 0, 2), "bias must be true or false (1 or 0), got 2"));
    REQUIRE(contains(message(LayerKind::AvgPool2d, "ceil_mode", 0, -1), "ceil_mode must be true or false (1 or 0), got -1"));
  }
  SECTION("floats are finite") {
    REQUIRE(contains(message(LayerKind::LeakyReLU, "negative_slope", 0, INFINITY), "negative_slope must be a finite number, got Infinity"));
    // beyond float's range: the value as given, in as many digits as it takes to read back exactly
    const std::string m = message(LayerKind::LeakyReLU, "negative_slope", 0, 5e38);
    const std::string given = "negative_slope must be a finite number, got ";
    REQUIRE(contains(m, given));
    REQUIRE(std::strtod(m.substr(m.find(given) + given.size()).c_str(), nullptr) == 5e38);
  }
  SECTION("pooling has no padding modes, as in PyTorch") {
    REQUIRE(contains(message(LayerKind::MaxPool2d, "padding", 0, 2), "maxpool2d takes padding as a number or a pair [height, width], not 'same'"));
    REQUIRE(contains(message(LayerKind::AvgPool2d, "padding", 0, 1), "not 'valid'"));
    REQUIRE(contains(message(LayerKind::Conv2d, "padding", 0, 3), "padding mode must be 0 (numbers), 1 ('valid') or 2 ('same'), got 3"));
  }
  SECTION("the kind") {
    std::vector<double> r(static_cast<size_t>(spec_record_size()), 0.0);
    LayerSpec out;
    r[0] = 10;
    REQUIRE(contains(decode_spec_record(r.data(), &out).message(), "unknown layer kind 10"));
    r[0] = 0.5;
    REQUIRE(contains(decode_spec_record(r.data(), &out).message(), "unknown layer kind 0.5"));
  }
}

TEST_CASE("fields a kind does not take are not read from its record") {
  LayerSpec s = LayerSpec::simple(LayerKind::ReLU);
  std::vector<double> r = record_of(s);
  for (double& v : r) v = NAN;
  r[0] = double(int32_t(LayerKind::ReLU));
  LayerSpec out;
  REQUIRE(decode_spec_record(r.data(), &out));
  REQUIRE(out.kind == LayerKind::ReLU);
}

TEST_CASE("parameter shapes come from the spec alone") {
  REQUIRE(param_shapes(LayerSpec::conv2d(3, 10, 5, 1, 2)).weight == std::vector<int64_t>{10, 3, 5, 5});
  REQUIRE(param_shapes(LayerSpec::conv2d(3, 10, 5, 1, 2)).bias == std::vector<int64_t>{10});
  REQUIRE(param_shapes(LayerSpec::conv2d(4, 6, 3, 1, 0, 1, 2)).weight == std::vector<int64_t>{6, 2, 3, 3});
  REQUIRE(param_shapes(LayerSpec::conv2d(4, 6, 3, 1, 0, 1, 2, false)).bias.empty());
  REQUIRE(param_shapes(LayerSpec::dense_layer(400, 64)).weight == std::vector<int64_t>{64, 400});
  REQUIRE(param_shapes(LayerSpec::maxpool2d(2)).weight.empty());
  // the lecture's count: ten 5x5 filters on a 32x32x3 input, 10 * (5*5*3 + 1) = 760
  const ParamShapes p = param_shapes(LayerSpec::conv2d(3, 10, 5, 1, 2));
  REQUIRE(p.weight_count() + p.bias_count() == 760);
  // counts beyond int64 saturate rather than wrap
  LayerSpec huge = LayerSpec::conv2d(1 << 24, 1 << 24, 1 << 24);
  REQUIRE(param_shapes(huge).weight_count() == INT64_MAX);
}

TEST_CASE("the schema's JSON names every field, kind and mode") {
  const std::string j = spec_schema_json();
  for (const SpecField& f : spec_fields()) REQUIRE(contains(j, std::string("\"name\":\"") + f.name + "\""));
  for (int k = 0; k < kNumLayerKinds; ++k) REQUIRE(contains(j, std::string("\"") + kind_name(LayerKind(k)) + "\""));
  REQUIRE(contains(j, "\"paddingModes\":[\"explicit\",\"valid\",\"same\"]"));
  REQUIRE(contains(j, "\"record\":" + std::to_string(spec_record_size())));
}

TEST_CASE("exact_number prints the shortest text that reads back") {
  REQUIRE(exact_number(4294967296.0) == "4294967296");
  REQUIRE(exact_number(0.1) == "0.1");
  REQUIRE(exact_number(2e6) == "2000000");
  REQUIRE(std::strtod(exact_number(1.0 / 3.0).c_str(), nullptr) == 1.0 / 3.0);
  REQUIRE(exact_number(NAN) == "NaN");
  REQUIRE(exact_number(-INFINITY) == "-Infinity");
}
