// English text of taking a network away from the page: the model file and
// ONNX downloads and the PyTorch listing with its copy button
// (web/src/ui/export-view.js, web/src/ui/code-listing.js, the training view).
// The same keys in Korean: ../ko/export.js.
export default {
  'export.title': 'Take this network with you',
  'export.note': 'The ONNX file (opset 13) opens in ONNX Runtime and PyTorch\'s tools, with the class names and the model\'s description in its metadata. The PyTorch code builds the same layers; its load_onnx_weights() reads the weights from that file.',
  'export.cnnm': 'Save the model (.cnnm)',
  'export.onnx': 'Download as ONNX',
  'export.working': 'Writing {file}…',
  'export.saved': 'Saved {file} ({kb} KB).',
  'export.failed': 'Could not write the file: {message}',
  'export.none': 'No network is open yet.',
  'export.pytorch': 'The same network in PyTorch (nn.Sequential)',
  'export.copy': 'Copy the code',
  'export.copied': 'Copied.',
  'export.copyFailed': 'The browser did not allow copying: select the code and copy it by hand.',
};
