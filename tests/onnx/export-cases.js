// The networks whose ONNX exports are checked by ONNX Runtime
// (tests/web/onnx-export.test.js) and by ONNX's checker and PyTorch
// (tests/onnx/write_exports.js, then check_exports.py): the shipped models,
// and seeded networks that together use every layer kind and every option
// the exporter writes. To add a case: an entry below (specs as the JS client
// takes them, and the input [c, h, w]).
import { readFileSync } from 'node:fs';

const models = new URL('../../web/models/', import.meta.url);

export const SHIPPED = Object.freeze(['digits', 'fashion']);

export const SEEDED = Object.freeze([
  {
    name: 'every-kind', input: [3, 13, 12],
    specs: [
      { type: 'conv2d', in_channels: 3, out_channels: 6, kernel_size: [3, 2], stride: [2, 1], padding: [2, 1], dilation: [1, 2], groups: 3, bias: false },
      { type: 'leaky_relu', negative_slope: 0.2 },
      { type: 'maxpool2d', kernel_size: 3, stride: 2, padding: 1, ceil_mode: true },
      { type: 'conv2d', in_channels: 6, out_channels: 4, kernel_size: 4, padding: 'same' },
      { type: 'sigmoid' },
      { type: 'avgpool2d', kernel_size: [2, 3], stride: 2, padding: [0, 1], ceil_mode: true, count_include_pad: false },
      { type: 'conv2d', in_channels: 4, out_channels: 5, kernel_size: 3, padding: 'valid', dilation: 1 },
      { type: 'tanh' },
      { type: 'avgpool2d', kernel_size: 2, stride: 1, padding: 1 },
      { type: 'relu' },
      { type: 'flatten' },
      { type: 'dense', in_features: 30, out_features: 12, bias: false },
      { type: 'relu' },
      { type: 'dense', in_features: 12, out_features: 4 },
      { type: 'softmax' },
    ],
  },
  {
    name: 'same-dilated', input: [2, 9, 8],
    specs: [
      { type: 'conv2d', in_channels: 2, out_channels: 4, kernel_size: 3, padding: 'same', dilation: 2 },
      { type: 'leaky_relu', negative_slope: -0.5 },
      { type: 'conv2d', in_channels: 4, out_channels: 4, kernel_size: 1, groups: 2 },
      { type: 'softmax' },
    ],
  },
  {
    // ceil_mode where PyTorch leaves out a last window that would start in the padding
    name: 'ceil-drop', input: [2, 5, 5],
    specs: [
      { type: 'avgpool2d', kernel_size: 3, stride: 3, padding: 1, ceil_mode: true },
      { type: 'maxpool2d', kernel_size: 1, stride: 1 },
    ],
  },
  {
    name: 'ceil-drop-max', input: [2, 5, 5],
    specs: [{ type: 'maxpool2d', kernel_size: 3, stride: 3, padding: 1, ceil_mode: true }],
  },
  {
    name: 'avg-include-pad', input: [3, 9, 10],
    specs: [
      { type: 'avgpool2d', kernel_size: 3, stride: 2, padding: 1 },
      { type: 'avgpool2d', kernel_size: 3, stride: 2, padding: 1, ceil_mode: true },
    ],
  },
]);

/**
 * Every case as an engine network, planned for `batch` images, with a
 * name, its input shape [c, h, w], its labels (if any) and its specs as the
 * engine gives them back. Seeded networks get PyTorch's initialisation from
 * seed 1, their biases moved away from 0.
 */
export function* exportCases(engine, batch = 1) {
  for (const name of SHIPPED) {
    const net = engine.loadModel(readFileSync(new URL(`${name}.cnnm`, models)));
    const input = net.metadata.inputShape.slice(1);
    net.plan([batch, ...input]);
    yield { name, net, input, labels: net.metadata.labels };
  }
  for (const c of SEEDED) {
    const net = engine.createNetwork(c.specs);
    net.initParams(1);
    for (let i = 0; i < net.numLayers; i++) {
      const b = net.layerParams(i).bias;
      if (b) for (let k = 0; k < b.length; k++) b[k] += 0.25 * (k % 3) - 0.2;
    }
    net.paramsChanged();
    net.plan([batch, ...c.input]);
    yield { name: c.name, net, input: c.input, labels: null };
  }
}

/** Seeded inputs in [lo, hi): a small xorshift, the same in every run. */
export function seededInput(count, seed, lo = -2, hi = 2) {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}
