// Model files: a versioned, self-describing binary format holding a network's
// architecture (its layer specs and input shape), its parameters as named
// tensors (PyTorch state-dict names and shapes: "0.weight", "0.bias", ...),
// metadata (name, dataset, class labels, free key/value pairs) and a CRC-32.
//
// Layout, version 1 (all integers little-endian; str = u32 byte length, then
// that many UTF-8 bytes, at most 4096):
//
//   magic       8 bytes  "CNNMODEL"
//   version     u32      1
//   file_size   u32      the whole file, checksum included
//   flags       u32      bit 0: an input normalisation follows the input
//                        shape; the other bits are 0 (reserved)
//   input       u32 x 3  channels, height, width of one sample
//   normalise   (only with flag bit 0) u32 n (1, or the input's channels),
//               then n float32 means and n float32 standard deviations:
//               the network takes (x - mean[c]) / std[c], as PyTorch's
//               transforms.Normalize(mean, std) gives it
//   metadata    u32 count (<= 256), then count x (str key, str value);
//               keys are unique; "name" and "dataset" are the well-known ones
//   labels      u32 count, then count x str: one per output class (count is
//               0, or the number of values the network outputs per sample)
//   layers      u32 count (1..4096), then per layer: u32 kind, u32 field
//               count, that many i32 fields: the kind's fields of the layer
//               schema (schema.hpp), in its row order, one per slot the kind
//               stores; for format 1 that is
//                 conv2d     in_channels out_channels kernel_h kernel_w
//                            stride_h stride_w padding_mode pad_h pad_w
//                            dilation_h dilation_w groups bias        (13)
//                 maxpool2d, avgpool2d
//                            kernel_h kernel_w stride_h stride_w pad_h
//                            pad_w ceil_mode count_include_pad         (8)
//                 dense      in_features out_features bias             (3)
//                 leaky_relu negative_slope (float32 bits)             (1)
//                 others     none                                      (0)
//               (kind numbers as LayerKind; booleans are 0 or 1; a test
//               holds the schema to this list)
//   tensors     u32 count, then per tensor: str name, u32 dtype (0 float32,
//               1 float16), u32 rank (1..4), rank x u32 dims, then the
//               values (4 or 2 bytes each, row-major); exactly the network's
//               parameters, each once, in any order
//   checksum    u32      CRC-32 (IEEE, as zlib) of every byte before it
//
// The loader checks the magic, the version, the size against the file (so a
// truncated file or trailing bytes are named as such), the checksum, every
// count and string, every layer against the engine's rules, the chain of
// shapes from the input, every tensor's name, dtype and shape against the
// architecture, and that every value is finite. Anything wrong is an error
// with a message; nothing is returned until everything is right.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "network.hpp"
#include "status.hpp"

namespace cnn {

constexpr uint32_t kModelFormatVersion = 1;
constexpr char kModelMagic[8] = {'C', 'N', 'N', 'M', 'O', 'D', 'E', 'L'};

// The bytes of the fixed header (magic, version, size, flags), and the largest file the loader takes.
constexpr size_t kModelHeaderBytes = 8 + 4 + 4 + 4;
constexpr size_t kMaxModelBytes = size_t(256) << 20;

struct ModelInfo {
  int32_t in_c = 1, in_h = 1, in_w = 1;  // one sample's input
  // Input normalisation, as transforms.Normalize(mean, std): empty for none,
  // else one value for every channel or one per channel, std > 0.
  std::vector<float> norm_mean, norm_std;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::string> labels;

  // The value of a metadata key, or "" when absent.
  std::string get(const std::string& key) const;
  void set(const std::string& key, const std::string& value);
};

struct SaveOptions {
  bool float16 = false;  // halves the file; values must fit float16's range
};

// Checks an input normalisation against the input's channels: as many means
// as standard deviations, none, one or one per channel, every value finite,
// every standard deviation above 0. Codes "normalize_count" {means, stds,
// channels} and "normalize_value" {which: "mean"|"std", channel, value}.
Status check_normalization(const std::vector<float>& mean, const std::vector<float>& stdev, int32_t channels);

// Serialises a network and its description. Fails (naming the problem) if the
// input shape does not fit the architecture, the label count does not match
// the outputs, a string is too long, or a value cannot be stored.
Status save_model(Network& net, const ModelInfo& info, const SaveOptions& options, std::vector<uint8_t>* out);

// Checks what the first kModelHeaderBytes of a `size`-byte file can tell
// (its size within limits, the magic, the version, the declared size), so a
// client can refuse a file before copying it; load_model() checks the same.
Status check_model_header(const uint8_t* head, size_t available, size_t size);

// Parses and validates a model file and builds its network (not planned).
// On failure *net and *info are left untouched.
Status load_model(const uint8_t* data, size_t size, std::unique_ptr<Network>* net, ModelInfo* info);

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32).
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

// Float16 (IEEE binary16) conversion: round to nearest even; values beyond
// the range become infinity (save_model refuses them first).
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

// Whole-file helpers for the native tools and tests.
Status read_file(const std::string& path, std::vector<uint8_t>* out);
Status write_file(const std::string& path, const std::vector<uint8_t>& data);

}  // namespace cnn
