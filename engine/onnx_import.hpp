// ONNX import: the files torch.onnx.export writes for small CNNs (opsets 9 to
// 17), read into the engine's network (a chain of layer specs, parameters in
// PyTorch's layouts) and its description (input shape, labels, metadata).
//
// The protobuf wire format is parsed by hand, bounds-checked at every step;
// every count and size is limited, and nothing is allocated from a declared
// size before the bytes behind it are known to be there.
//
// What is read (ONNX op -> engine layer):
//   Conv                       conv2d (pads, strides, dilations, group; auto_pad
//                              VALID / SAME_UPPER / SAME_LOWER where the padding
//                              comes out as PyTorch's: symmetric, or 'same' at stride 1)
//   MaxPool, AveragePool       maxpool2d, avgpool2d (ceil_mode, count_include_pad;
//                              the Pad node the exporter puts before an AvgPool2d with
//                              count_include_pad=True and opset 9's extra end padding
//                              for ceil_mode are folded back)
//   GlobalAveragePool, GlobalMaxPool   a pool over the whole map
//   Relu, LeakyRelu, Sigmoid, Tanh     the activations
//   Flatten (axis 1), Reshape to (batch, -1)   flatten; the Shape, Gather,
//                              Unsqueeze, Squeeze, Concat, Cast and Constant nodes that
//                              compute the target shape of x.view(x.size(0), -1) are
//                              folded as constants
//   Gemm, MatMul (+ Add)       dense (weight [out, in]; alpha, beta and transB folded)
//   Add of a constant          folded into the bias of the conv or dense layer before it
//   BatchNormalization         folded into the conv or dense layer before it (with
//                              its running statistics, also when exported in training mode)
//   Softmax                    softmax (over the features, or the channels)
//   LogSoftmax                 softmax, as the last layer only: the network then gives
//                              probabilities, the exp of the model's outputs, and the
//                              metadata says so ("output")
//   Dropout, Identity          nothing (identity at inference)
// Anything else (another op, padding PyTorch's layers cannot express, a shape
// that does not fold, a branch: the engine's network is a chain) is refused
// with a message naming the node (its index and name), its op and what would
// be needed. Nothing is returned until everything is right.
//
// ModelInfo: the input shape is the graph input's C, H, W; metadata_props
// are copied into the metadata, except "labels" (the class names, as a JSON
// array of strings or separated by commas), which become the labels, and
// "normalize" (the input normalisation, as transforms.Normalize's arguments
// "(0.1307,), (0.3081,)" or the means then the standard deviations), which
// becomes the model's normalisation; the
// metadata also records "source" (onnx), "producer", "opset" and "onnx_graph".
#pragma once

#include <cstdint>
#include <memory>

#include "model_io.hpp"
#include "network.hpp"
#include "status.hpp"

namespace cnn {

// The largest ONNX file the importer reads (the same limit as a model file).
constexpr size_t kMaxOnnxBytes = kMaxModelBytes;

// Parses an ONNX model and builds its network (not planned) and description.
// On failure *net and *info are left untouched.
Status import_onnx(const uint8_t* data, size_t size, std::unique_ptr<Network>* net, ModelInfo* info);

}  // namespace cnn
