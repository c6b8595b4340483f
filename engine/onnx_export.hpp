// ONNX export: any network the engine holds (shipped, imported, or trained),
// as an ONNX model that ONNX's checker, ONNX Runtime and PyTorch's tools open,
// written from the network's layer specs and parameters.
//
// What is written: IR version 7, the default domain at opset 13; one node per
// layer, in order, named as torch.onnx.export names the layers of an
// nn.Sequential ("/0/Conv", output "/0/Conv_output_0"):
//   conv2d      Conv (kernel_shape, strides, pads, dilations, group; padding
//               'same' and 'valid' written as the pads they come to)
//   maxpool2d   MaxPool (kernel_shape, strides, pads, ceil_mode)
//   avgpool2d   AveragePool (the same, and count_include_pad)
//   relu, leaky_relu, sigmoid, tanh   Relu, LeakyRelu (alpha), Sigmoid, Tanh
//   flatten     Flatten (axis 1)
//   dense       Gemm (transB = 1: the weight stays [out, in])
//   softmax     Softmax (axis 1)
// The parameters are float32 initializers with PyTorch's state-dict names
// ("0.weight", "0.bias", ...), so they load into the nn.Sequential of the
// same layers. The graph input "input" is float32 [N, C, H, W] with a named
// (dynamic) batch dimension N; the output "output" is [N, ...].
//
// The model's metadata_props: "labels" (a JSON array of strings) when the
// model has labels, "normalize" (its input normalisation, as
// transforms.Normalize's arguments: "(0.1307,), (0.3081,)") when it has one,
// and every metadata entry of the model (name, dataset, ...) but those that
// describe the file it was
// imported from (source, producer, opset, onnx_graph, output). doc_string
// names the project; producer_name is "cnn-playground".
#pragma once

#include <cstdint>
#include <vector>

#include "model_io.hpp"
#include "network.hpp"
#include "status.hpp"

namespace cnn {

constexpr int kOnnxExportOpset = 13;
constexpr int kOnnxExportIrVersion = 7;

// Writes the network and its description as an ONNX model. Fails (naming the
// layer) when the network does not fit the description's input shape, or the
// labels do not match its outputs; *out is left untouched then.
Status export_onnx(const Network& net, const ModelInfo& info, std::vector<uint8_t>* out);

}  // namespace cnn
