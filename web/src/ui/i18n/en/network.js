// English text of the network, layer by layer (web/src/ui/network-view.js; the
// layer names also in cost-view.js): maps, layers, colour legends, the enlarged map.
// The same keys in Korean: ../ko/network.js.
export default {
  'net.waiting': 'The layers appear here once the model has loaded.',
  'net.params': '{n} {n|parameter|parameters}',
  'net.mapsLabel': 'Layer {layer} ({name}): {maps} feature {maps|map|maps}. Arrow keys pick one, Enter keeps it enlarged.',
  'net.filters': 'The {n} filters ({k} weights each): map k below is filter k slid over the input',

  'layer.input': 'Input',
  'layer.input.about': 'The 28×28 image, one channel of brightness.',
  'layer.conv2d': 'Convolution',
  'layer.conv2d.about': '{outC} {outC|filter|filters} of {k}×{inC}, stride {stride}, padding {pad}: each output map is one filter slid over the input\'s {inC} {inC|channel|channels} at once (line up, multiply, add).',
  'layer.maxpool2d': 'Max pooling',
  'layer.maxpool2d.about': '{k} window, stride {stride}: keeps the largest value of each window. No weights; the channels stay.',
  'layer.avgpool2d': 'Average pooling',
  'layer.avgpool2d.about': '{k} window, stride {stride}: the mean of each window. No weights; the channels stay.',
  'layer.relu': 'ReLU',
  'layer.relu.about': 'max(0, x): negative values become 0, the rest pass.',
  'layer.leaky_relu': 'Leaky ReLU',
  'layer.leaky_relu.about': 'Negative values are scaled down instead of cut to 0.',
  'layer.sigmoid': 'Sigmoid',
  'layer.sigmoid.about': 'Squashes every value into 0..1.',
  'layer.tanh': 'Tanh',
  'layer.tanh.about': 'Squashes every value into −1..1.',
  'layer.flatten': 'Flatten',
  'layer.flatten.about': 'The maps laid end to end as one vector (one row per channel here). Nothing is computed.',
  'layer.dense': 'Fully connected',
  'layer.dense.about': '{inF} {inF|input|inputs} → {outF} {outF|output|outputs}: every output is a weighted sum of every input, plus a bias.',
  'layer.softmax': 'Softmax',
  'layer.softmax.about': 'Turns the scores into probabilities that add up to 1.',

  'legend.diverging': 'blue < 0 < orange',
  'legend.sequential': '0 (dark) to the largest value (yellow)',
  'legend.gray': 'ink brightness, 0 to 1',
  'legend.weights': 'weights: blue < 0 < orange',

  'zoom.title': 'Enlarged',
  'zoom.hint': 'Point at a map to enlarge it; click to keep it here.',
  'zoom.none': 'Point at a feature map.',
  'zoom.map': 'Layer {layer} ({name}): map {map} of {maps}, {h}×{w}',
  'zoom.vector': 'Layer {layer} ({name}): {n} {n|value|values}',
  'zoom.value': 'at ({x}, {y}): {v}',
};
