// English text of the engine's failures that carry a code (engine/geometry.cpp
// gives each its named numbers): errorText() in ../../i18n.js picks
// engine.<code>.<axis>, else engine.<code>. The engine keeps its own English
// message for the C API and the logs; these are the page's sentences.
// The same keys in Korean: ../ko/engine.js.
export default {
  'engine.value_too_small': '{field} must be at least {min}, not {value}.',
  'engine.value_too_small.height': '{field} (height) must be at least {min}, not {value}.',
  'engine.value_too_small.width': '{field} (width) must be at least {min}, not {value}.',
  'engine.value_too_large': '{field} {value} is more than the limit {max}.',
  'engine.value_too_large.height': '{field} (height) {value} is more than the limit {max}.',
  'engine.value_too_large.width': '{field} (width) {value} is more than the limit {max}.',
  'engine.same_needs_stride_1': "padding 'same' keeps the size only at stride 1 (PyTorch refuses it otherwise), but the stride is {stride_h}×{stride_w}.",
  'engine.groups_do_not_divide': 'groups={groups} does not divide {field}={channels}.',
  'engine.pool_padding_too_big.height': 'The pooling padding {padding} is more than half the window, which is {window} {window|row|rows} tall: at most {max} is allowed, as in PyTorch.',
  'engine.pool_padding_too_big.width': 'The pooling padding {padding} is more than half the window, which is {window} {window|column|columns} wide: at most {max} is allowed, as in PyTorch.',
  'engine.needs_image': '{kind} needs an image input (channels × height × width), but its input is a flat vector of {features} {features|value|values}.',
  'engine.channels_do_not_match': 'The convolution expects {expected} input {expected|channel|channels} (in_channels), but its input has {got}.',
  'engine.kernel_too_big.height': 'A kernel {kernel} {kernel|row|rows} tall does not fit in the padded input, which is only {padded} {padded|row|rows} tall ({size} + padding {pad_before} + {pad_after}).',
  'engine.kernel_too_big.width': 'A kernel {kernel} {kernel|column|columns} wide does not fit in the padded input, which is only {padded} {padded|column|columns} wide ({size} + padding {pad_before} + {pad_after}).',
  'engine.dilated_kernel_too_big.height': 'A kernel {kernel} {kernel|row|rows} tall with dilation {dilation} spans {span} rows, but the padded input is only {padded} {padded|row|rows} tall ({size} + padding {pad_before} + {pad_after}).',
  'engine.dilated_kernel_too_big.width': 'A kernel {kernel} {kernel|column|columns} wide with dilation {dilation} spans {span} columns, but the padded input is only {padded} {padded|column|columns} wide ({size} + padding {pad_before} + {pad_after}).',
  'engine.pool_window_too_big.height': 'A pooling window {window} {window|row|rows} tall does not fit in the padded input, which is only {padded} {padded|row|rows} tall ({size} + padding {padding} + {padding}).',
  'engine.pool_window_too_big.width': 'A pooling window {window} {window|column|columns} wide does not fit in the padded input, which is only {padded} {padded|column|columns} wide ({size} + padding {padding} + {padding}).',
  'engine.dense_needs_flat': 'The dense layer needs a flat input of {in_features} {in_features|feature|features}, but its input is {shape} (put a flatten layer before it).',
  'engine.dense_in_features': 'The dense layer expects {expected} {expected|input|inputs} (in_features), but gets {got}.',
  'engine.onnx_unsupported_op': 'Node {node} “{name}” is a {op}, which the importer has no layer for. It reads Conv, MaxPool, AveragePool, Relu, LeakyRelu, Sigmoid, Tanh, Flatten, Gemm, MatMul with Add, BatchNormalization, Softmax, LogSoftmax, Dropout and the shape ops of a flatten.',
  'engine.onnx_asymmetric_padding': 'Node {node} “{name}” ({op}) pads unevenly (top {top}, bottom {bottom}, left {left}, right {right}); PyTorch’s layers pad both sides alike.',
  'engine.onnx_branch': 'Node {node} “{name}” ({op}) adds two values computed from the data (a residual connection); the engine’s network is a chain of layers.',
  'engine.onnx_opset': 'The model uses ONNX opset {opset}; the importer reads opsets {min} to {max} (torch.onnx.export(..., opset_version=13)).',
  'engine.onnx_damaged': 'This is not a readable ONNX model: its {bytes} bytes are damaged or cut short.',
  'engine.labels_count': 'The model has {labels} {labels|label|labels}, but its network gives {outputs} {outputs|output|outputs}.',
  'engine.normalize_count': 'The input normalisation has {means} {means|mean|means} and {stds} standard {stds|deviation|deviations}; it needs one of each, or one per input channel ({channels}).',
  'engine.normalize_value': 'The input normalisation’s {which} for channel {channel} is {value}; a mean must be a finite number, a standard deviation a finite number above 0.',
};
