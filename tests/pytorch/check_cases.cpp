// Holds the engine against PyTorch, case by case, on the cases that
// tests/pytorch/make_cases.py writes (its docstring describes the file).
//
//   check_cases FILE [--show-refusals]
//
// For each case the layer spec is built by field name, with PyTorch's
// spelling of every value, into the record that crosses the wasm boundary,
// and taken the way the engine takes any spec: decode_spec_record (types and
// the spec's own rules), then Network::create and plan (the shapes). Then:
//   - PyTorch refused it: the engine must refuse it too (both messages are
//     listed with --show-refusals).
//   - The case says `differs <tag>`: the engine's verdict must be the
//     opposite of PyTorch's (a documented difference: README, Semantics).
//   - PyTorch accepted it: the engine must accept it, and for each variant
//     (the scalar references, then SIMD) the network's output, and the input,
//     weight and bias gradients of every backward kernel of that variant
//     listed in the kernel table (and, for conv, the output of every conv
//     forward kernel of the table) must agree with PyTorch and torch.autograd:
//         |engine - torch| <= kTol * scale
//     per value, where scale is the sum of the magnitudes of the terms that
//     make that value (written by the generator beside each tensor), the
//     size float32 rounding error grows with. PyTorch ran in float64 on the
//     same float32 data.
// Prints one line per failure and a summary line with the counts; exits 1 on
// any failure, or if the file holds no case. Runs natively and as wasm under
// Node (tests/pytorch/run.sh).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "kernels/kernels.hpp"
#include "network.hpp"
#include "schema.hpp"

using namespace cnn;

namespace {

// float32 has 24 bits: 6e-8 per rounding. The sums here have at most a few
// hundred terms.
constexpr double kTol = 1e-5;

struct CaseTensor {
  std::vector<int64_t> dims;
  std::vector<double> v;
};

struct Case {
  int index = -1;
  std::string kind, fields_text, input_text;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<int64_t> input;
  bool torch_ok = false;
  std::string torch_error, differs;
  std::map<std::string, CaseTensor> t;
  bool has(const char* name) const { return t.count(name) != 0; }
  const CaseTensor& at(const char* name) const { return t.at(name); }
};

std::vector<int64_t> parse_ints(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) out.push_back(std::strtoll(part.c_str(), nullptr, 10));
  return out;
}

// Reads the next case; false at the end of the file. Throws nothing: a
// malformed file is reported through `error`.
bool read_case(std::istream& in, Case* c, std::string* error) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("case ", 0) == 0) break;
    if (line.rfind("pytorch-cases", 0) == 0 || line.empty()) continue;
    *error = "expected a case, got: " + line.substr(0, 80);
    return false;
  }
  if (in.eof() && line.rfind("case ", 0) != 0) return false;
  *c = Case();
  std::stringstream head(line);
  std::string word;
  head >> word >> c->index >> c->kind;
  while (head >> word) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "input") {
      c->input = parse_ints(value);
      c->input_text = value;
    } else {
      c->fields.emplace_back(key, value);
      c->fields_text += (c->fields_text.empty() ? "" : " ") + word;
    }
  }
  while (std::getline(in, line)) {
    if (line == "end") return true;
    std::stringstream ss(line);
    std::string name;
    ss >> name;
    if (name == "torch") {
      std::string verdict;
      ss >> verdict;
      c->torch_ok = verdict == "ok";
      if (!c->torch_ok) {
        std::getline(ss, c->torch_error);
        if (!c->torch_error.empty() && c->torch_error[0] == ' ') c->torch_error.erase(0, 1);
      }
    } else if (name == "differs") {
      ss >> c->differs;
    } else {
      CaseTensor t;
      std::string dims;
      ss >> dims;
      t.dims = parse_ints(dims);
      int64_t count = 1;
      for (int64_t d : t.dims) count *= d;
      t.v.resize(size_t(count));
      for (double& x : t.v) ss >> x;
      if (!ss) {
        *error = "case " + std::to_string(c->index) + ": tensor " + name + " is short";
        return false;
      }
      c->t[name] = std::move(t);
    }
  }
  *error = "case " + std::to_string(c->index) + " has no end";
  return false;
}

// The record of a spec written the way PyTorch's arguments are: by name, a
// number or a pair for a pair field, 'same'/'valid' for padding, None for
// pooling's stride, true/false.
Status spec_record(const Case& c, std::vector<double>* record) {
  int kind = -1;
  for (int k = 0; k < kNumLayerKinds; ++k)
    if (c.kind == kind_name(LayerKind(k))) kind = k;
  if (kind < 0) return Status::error("unknown layer kind '%s' in the cases file", c.kind.c_str());
  record->assign(size_t(spec_record_size()), 0.0);
  encode_spec_record(LayerSpec::simple(LayerKind(kind)), record->data());  // the defaults
  for (const auto& [name, value] : c.fields) {
    const SpecField* f = nullptr;
    for (const SpecField& g : spec_fields())
      if (name == g.name) f = &g;
    if (!f) return Status::error("the engine has no field '%s'", name.c_str());
    double* slot = record->data() + f->slot;
    if (value == "None") continue;  // the default stands for None
    if (value == "true" || value == "false") {
      slot[0] = value == "true";
    } else if (f->type == FieldType::Padding && (value == "same" || value == "valid")) {
      slot[0] = value == "valid" ? 1 : 2;
      slot[1] = slot[2] = 0;
    } else {
      std::vector<double> nums;
      std::stringstream ss(value);
      std::string part;
      while (std::getline(ss, part, ',')) nums.push_back(std::strtod(part.c_str(), nullptr));
      if (nums.empty()) return Status::error("no value for '%s' in the cases file", name.c_str());
      if (f->type == FieldType::Padding) *slot++ = 0;  // explicit numbers
      const int n = f->type == FieldType::IntPair || f->type == FieldType::Padding ? 2 : 1;
      for (int i = 0; i < n; ++i) slot[i] = nums[std::min<size_t>(size_t(i), nums.size() - 1)];
    }
  }
  return Status::ok();
}

struct Worst {
  double ratio = 0;
  int index = -1;
  std::string where;
};

struct Checker {
  std::map<std::string, Worst> worst;  // by tensor name
  std::vector<std::string> failures;
  int64_t values = 0;

  // Every value within kTol of its scale; records the worst ratio.
  bool compare(const Case& c, const std::string& what, const char* name, const float* got, int64_t count,
               const char* scale) {
    const CaseTensor& want = c.at(name);
    const CaseTensor& s = c.at(scale);
    if (int64_t(want.v.size()) != count) {
      fail(c, what + ": " + name + " has " + std::to_string(count) + " values, PyTorch's " +
                  std::to_string(want.v.size()));
      return false;
    }
    double ratio = 0;
    int64_t at = 0;
    for (int64_t i = 0; i < count; ++i) {
      const double d = std::fabs(double(got[i]) - want.v[size_t(i)]);
      const double r = d == 0 ? 0 : d / s.v[size_t(i)];
      if (!(r <= ratio)) {
        ratio = r;
        at = i;
      }
    }
    values += count;
    Worst& w = worst[name];
    if (!(ratio <= w.ratio)) w = {ratio, c.index, what};
    if (!(ratio <= kTol)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "%s: %s[%lld] is %.9g, PyTorch's %.9g (scale %.3g: %.3g of it)", what.c_str(), name,
                    (long long)at, double(got[at]), want.v[size_t(at)], s.v[size_t(at)], ratio);
      fail(c, buf);
      return false;
    }
    return true;
  }

  void fail(const Case& c, const std::string& why) {
    failures.push_back("case " + std::to_string(c.index) + " " + c.kind + " " + c.fields_text + " input=" +
                       c.input_text + ": " + why);
  }
};

std::vector<float> as_float(const CaseTensor& t) { return std::vector<float>(t.v.begin(), t.v.end()); }

// The backward kernels of the given variant that apply to layer 0's shape,
// each from zeroed gradients, against torch.autograd. Returns the number run.
int check_backward(Checker& ck, const Case& c, Network& net, Variant v) {
  const LayerSpec& s = net.spec(0);
  const Geometry& g = net.geometry(0);
  const std::vector<float> x = as_float(c.at("x")), gy = as_float(c.at("gy"));
  const float* out = net.activation(0).data;
  const int64_t nx = g.in.elements();
  std::vector<float> gx, gw, gb, scratch;
  auto zero = [&] {
    gx.assign(size_t(nx), 0.0f);
    gw.assign(size_t(net.weight_count(0)), 0.0f);
    gb.assign(size_t(net.bias_count(0)), 0.0f);
  };
  auto judge = [&](const char* name) {
    const std::string what = std::string(variant_name(v)) + " " + name;
    ck.compare(c, what, "gx", gx.data(), nx, "sgx");
    if (!gw.empty()) ck.compare(c, what, "gw", gw.data(), int64_t(gw.size()), "sgw");
    if (!gb.empty()) ck.compare(c, what, "gb", gb.data(), int64_t(gb.size()), "sgb");
  };
  int run = 0;
  switch (s.kind) {
    case LayerKind::Conv2d: {
      const Conv2dParams p = conv2d_params(g, s.conv);
      for (const Conv2dBackwardKernel& k : conv2d_backward_kernels()) {
        if (k.variant != v || !k.applies(p)) continue;
        zero();
        scratch.assign(size_t(k.scratch_floats(p)), 0.0f);
        k.backward(p, x.data(), net.weight(0), gy.data(), gx.data(), gw.data(), gb.empty() ? nullptr : gb.data(),
                   scratch.data());
        judge(k.name);
        ++run;
      }
      break;
    }
    case LayerKind::Dense: {
      DenseParams p;
      p.n = g.in.n();
      p.in = s.dense.in_features;
      p.out = s.dense.out_features;
      for (const DenseBackwardKernel& k : dense_backward_kernels()) {
        if (k.variant != v || !k.applies(p)) continue;
        zero();
        scratch.assign(size_t(k.scratch_floats(p)), 0.0f);
        k.backward(p, x.data(), net.weight(0), gy.data(), gx.data(), gw.data(), gb.empty() ? nullptr : gb.data(),
                   scratch.data());
        judge(k.name);
        ++run;
      }
      break;
    }
    case LayerKind::MaxPool2d:
    case LayerKind::AvgPool2d: {
      const Pool2dParams p = pool2d_params(g, s.pool);
      const bool is_max = s.kind == LayerKind::MaxPool2d;
      for (const Pool2dBackwardKernel& k : is_max ? maxpool2d_backward_kernels() : avgpool2d_backward_kernels()) {
        if (k.variant != v || !k.applies(p)) continue;
        zero();
        k.backward(p, x.data(), out, gy.data(), gx.data());
        judge(k.name);
        ++run;
      }
      break;
    }
    case LayerKind::ReLU:
    case LayerKind::LeakyReLU:
    case LayerKind::Sigmoid:
    case LayerKind::Tanh:
      for (const ActivationBackwardKernel& k : activation_backward_kernels()) {
        if (k.variant != v) continue;
        zero();
        k.backward(activation_of(s.kind), s.negative_slope, nx, x.data(), out, gy.data(), gx.data());
        judge(k.name);
        ++run;
      }
      break;
    case LayerKind::Softmax:
      for (const SoftmaxBackwardKernel& k : softmax_backward_kernels()) {
        if (k.variant != v) continue;
        zero();
        k.backward(g.in.n(), g.in.c(), g.in.h() * g.in.w(), out, gy.data(), gx.data());
        judge(k.name);
        ++run;
      }
      break;
    case LayerKind::Flatten:
      break;  // no kernel: its gradient is its input's, the same buffer (train.cpp)
  }
  return run;
}

// Every conv forward kernel of the table that applies to the shape, called
// directly: the network runs the one it prefers, so every other one is held
// against PyTorch here too.
int check_conv_kernels(Checker& ck, const Case& c, Network& net) {
  const LayerSpec& s = net.spec(0);
  const Conv2dParams p = conv2d_params(net.geometry(0), s.conv);
  const std::vector<float> x = as_float(c.at("x"));
  const float* bias = net.bias_count(0) ? net.bias(0) : nullptr;
  int run = 0;
  for (const Conv2dKernel& k : conv2d_forward_kernels()) {
    if (!k.applies(p)) continue;
    AlignedBuffer packed, scratch, out;
    const Status st = packed.resize(k.packed_floats(p)).is_ok() && scratch.resize(k.scratch_floats(p)).is_ok()
                          ? out.resize(net.geometry(0).out.elements())
                          : Status::error("out of memory");
    if (!st.is_ok()) {
      ck.fail(c, std::string(k.name) + ": " + st.message());
      continue;
    }
    k.pack(p, net.weight(0), packed.data());
    k.forward(p, x.data(), net.weight(0), packed.data(), bias, out.data(), nullptr, scratch.data());
    ck.compare(c, k.name, "y", out.data(), out.size(), "sy");
    ++run;
  }
  return run;
}

// The engine's verdict on a case: the spec, the input shape, the network.
Status build(const Case& c, std::unique_ptr<Network>* net) {
  std::vector<double> record;
  CNN_RETURN_IF_ERROR(spec_record(c, &record));
  LayerSpec spec;
  CNN_RETURN_IF_ERROR(decode_spec_record(record.data(), &spec));
  Shape in;
  CNN_RETURN_IF_ERROR(Shape::make(c.input.data(), int(c.input.size()), &in));
  CNN_RETURN_IF_ERROR(Network::create({spec}, net));
  return (*net)->plan(in);
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  bool show_refusals = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--show-refusals") == 0)
      show_refusals = true;
    else
      path = argv[i];
  }
  if (!path) {
    std::fprintf(stderr, "usage: check_cases FILE [--show-refusals]\n");
    return 2;
  }
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "check_cases: cannot read %s\n", path);
    return 2;
  }
  Checker ck;
  int cases = 0, torch_accepted = 0, matched = 0, both_refused = 0, documented = 0, kernels_run = 0;
  std::map<std::string, int> kinds, forward_kernels;
  Case c;
  std::string error;
  while (read_case(in, &c, &error)) {
    ++cases;
    ++kinds[c.kind];
    torch_accepted += c.torch_ok && c.differs.empty();
    std::unique_ptr<Network> net;
    const Status st = build(c, &net);
    if (!c.differs.empty()) {
      if (st.is_ok() != c.torch_ok) {
        ++documented;
        if (show_refusals)
          std::printf("case %d %s %s input=%s (differs %s)\n  torch:  %s\n  engine: %s\n", c.index, c.kind.c_str(),
                      c.fields_text.c_str(), c.input_text.c_str(), c.differs.c_str(),
                      c.torch_ok ? "accepts" : c.torch_error.c_str(), st.is_ok() ? "accepts" : st.message().c_str());
      } else {
        ck.fail(c, "marked 'differs " + c.differs + "', but the engine " + (st.is_ok() ? "accepts" : "refuses") +
                       " it as PyTorch does: update the README and the generator");
      }
      continue;
    }
    if (!c.torch_ok) {
      if (st.is_ok()) {
        ck.fail(c, "PyTorch refuses it (" + c.torch_error + "), the engine accepts it");
      } else {
        ++both_refused;
        if (show_refusals)
          std::printf("case %d %s %s input=%s\n  torch:  %s\n  engine: %s\n", c.index, c.kind.c_str(),
                      c.fields_text.c_str(), c.input_text.c_str(), c.torch_error.c_str(), st.message().c_str());
      }
      continue;
    }
    if (!st.is_ok()) {
      ck.fail(c, "PyTorch accepts it, the engine refuses: " + st.message());
      continue;
    }
    const size_t before = ck.failures.size();
    const std::vector<float> x = as_float(c.at("x"));
    for (Variant v : {Variant::Ref, Variant::Simd}) {
      Status s = net->set_variant(v);
      if (s.is_ok() && net->weight_count(0)) {
        const std::vector<float> w = as_float(c.at("w"));
        if (int64_t(w.size()) != net->weight_count(0)) {
          ck.fail(c, "the weight has " + std::to_string(net->weight_count(0)) + " values, PyTorch's " +
                         std::to_string(w.size()));
          break;
        }
        std::copy(w.begin(), w.end(), net->weight(0));
        if (net->bias_count(0) != (c.has("b") ? int64_t(c.at("b").v.size()) : 0)) {
          ck.fail(c, "the bias has " + std::to_string(net->bias_count(0)) + " values, not PyTorch's");
          break;
        }
        if (c.has("b")) {
          const std::vector<float> b = as_float(c.at("b"));
          std::copy(b.begin(), b.end(), net->bias(0));
        }
        net->params_changed();
      }
      if (s.is_ok()) s = net->forward(x.data(), int64_t(x.size()));
      if (!s.is_ok()) {
        ck.fail(c, std::string(variant_name(v)) + " forward: " + s.message());
        break;
      }
      const TensorView y = net->output();
      const CaseTensor& ty = c.at("y");
      std::vector<int64_t> dims;
      for (int i = 0; i < y.shape.rank(); ++i) dims.push_back(y.shape.dim(i));
      if (dims != ty.dims) {
        ck.fail(c, "the output is " + y.shape.str(true) + ", PyTorch's has another shape");
        break;
      }
      ++forward_kernels[net->kernel_name(0)];
      ck.compare(c, std::string(variant_name(v)) + " " + net->kernel_name(0), "y", y.data, y.shape.elements(), "sy");
      kernels_run += check_backward(ck, c, *net, v);
    }
    if (net->spec(0).kind == LayerKind::Conv2d && ck.failures.size() == before)
      kernels_run += check_conv_kernels(ck, c, *net);
    if (ck.failures.size() == before) ++matched;
  }
  if (!error.empty()) {
    std::fprintf(stderr, "check_cases: %s: %s\n", path, error.c_str());
    return 2;
  }
  for (const std::string& f : ck.failures) std::printf("FAIL %s\n", f.c_str());
  std::printf("cases by kind:");
  for (const auto& [k, n] : kinds) std::printf(" %s %d", k.c_str(), n);
  std::printf("\nthe network's forward kernels:");
  for (const auto& [k, n] : forward_kernels) std::printf(" %s %d", k.c_str(), n);
  std::printf("\nkernels called directly (every backward, every conv forward): %d runs; %lld values compared\n",
              kernels_run, (long long)ck.values);
  std::printf("largest |engine - torch| / scale (tolerance %g):", kTol);
  for (const auto& [name, w] : ck.worst) std::printf(" %s %.2g (case %d)", name.c_str(), w.ratio, w.index);
  std::printf("\npytorch reference (%s): %d cases: %d accepted by PyTorch, %d of them matched by the engine; "
              "%d refused by both; %d decided otherwise, as the README says (Semantics); %zu failures\n",
              xsimd::default_arch::name(), cases, torch_accepted, matched, both_refused, documented, ck.failures.size());
  return ck.failures.empty() && cases > 0 ? 0 : 1;
}
