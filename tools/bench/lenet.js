// The benchmark's model in every engine, with the same weights:
//   conv 5x5 1->8 pad 2, ReLU, maxpool 2; conv 5x5 8->16, ReLU, maxpool 2;
//   flatten; dense 400->64, ReLU; dense 64->10; softmax.
// Our engine draws the weights (PyTorch layouts: conv [out, in, kh, kw],
// dense [out, in]); every other engine gets them converted to its own layout:
//   TF.js: NHWC, conv filters [kh, kw, in, out], dense [in, out], flatten in
//     H,W,C order (so the first dense layer's columns are permuted);
//   ONNX Runtime: NCHW like ours (Conv, MaxPool, Flatten, Gemm with transB);
//   ConvNetJS: volumes stored (y, x, depth), flatten in H,W,C order too.
// No DOM and no Node APIs here: the Node bench and the bench page share it.

export const LENET_SPECS = [
  { type: 'conv2d', in_channels: 1, out_channels: 8, kernel_size: 5, padding: 2 },
  { type: 'relu' },
  { type: 'maxpool2d', kernel_size: 2 },
  { type: 'conv2d', in_channels: 8, out_channels: 16, kernel_size: 5 },
  { type: 'relu' },
  { type: 'maxpool2d', kernel_size: 2 },
  { type: 'flatten' },
  { type: 'dense', in_features: 400, out_features: 64 },
  { type: 'relu' },
  { type: 'dense', in_features: 64, out_features: 10 },
  { type: 'softmax' },
];
export const PARAM_LAYERS = { conv1: 0, conv2: 3, fc1: 7, fc2: 9 };
export const IMAGE = [1, 28, 28];
export const IMAGE_SIZE = 28 * 28;
export const CLASSES = 10;
// Multiply-adds of one image: 28*28*8*25 + 10*10*16*8*25 + 400*64 + 64*10.
export const LENET_MACS = 28 * 28 * 8 * 25 + 10 * 10 * 16 * 8 * 25 + 400 * 64 + 64 * 10;

/** Deterministic values in [lo, hi) (a 32-bit LCG), for inputs and labels. */
export function randomFloats(count, seed, lo = 0, hi = 1) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s >>> 8) / 16777216;
  }
  return out;
}
export function randomLabels(count, seed) {
  return Int32Array.from(randomFloats(count, seed), (v) => Math.min(CLASSES - 1, Math.floor(v * CLASSES)));
}

/** Copies of a network's parameters, PyTorch layouts: { conv1: {w, b}, ... }. */
export function exportWeights(net) {
  const out = {};
  for (const [name, i] of Object.entries(PARAM_LAYERS)) {
    const p = net.layerParams(i);
    out[name] = { w: Float32Array.from(p.weight), b: Float32Array.from(p.bias) };
  }
  return out;
}

// [out, in, kh, kw] -> [kh, kw, in, out]
function convToHwio(w, out, inC, k) {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < inC; i++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) r[((y * k + x) * inC + i) * out + o] = w[((o * inC + i) * k + y) * k + x];
  return r;
}
// [out, in] -> [in, out], optionally with the input index remapped (CHW -> HWC).
function denseToInOut(w, out, inF, remap = (i) => i) {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < inF; i++) r[remap(i) * out + o] = w[o * inF + i];
  return r;
}
// Index of feature (c, y, x) of a C x H x W map when flattened in H,W,C order.
const chwToHwc = (c, h, w) => (i) => {
  const ch = Math.floor(i / (h * w)), y = Math.floor((i % (h * w)) / w), x = i % w;
  return (y * w + x) * c + ch;
};

// ---- TF.js (any backend) ----------------------------------------------------

/** Variables for TF.js in its layouts; forward(x4d NHWC) returns the logits. */
export function tfjsModel(tf, W) {
  const v = (data, shape) => tf.variable(tf.tensor(data, shape));
  const p = {
    f1: v(convToHwio(W.conv1.w, 8, 1, 5), [5, 5, 1, 8]), b1: v(W.conv1.b, [8]),
    f2: v(convToHwio(W.conv2.w, 16, 8, 5), [5, 5, 8, 16]), b2: v(W.conv2.b, [16]),
    w3: v(denseToInOut(W.fc1.w, 64, 400, chwToHwc(16, 5, 5)), [400, 64]), b3: v(W.fc1.b, [64]),
    w4: v(denseToInOut(W.fc2.w, 10, 64), [64, 10]), b4: v(W.fc2.b, [10]),
  };
  // The fused ops (bias and ReLU in the conv / matmul) are TF.js's fastest path.
  const logits = (x) => {
    let y = tf.fused.conv2d({ x, filter: p.f1, strides: 1, pad: 2, bias: p.b1, activation: 'relu' });
    y = tf.maxPool(y, 2, 2, 'valid');
    y = tf.fused.conv2d({ x: y, filter: p.f2, strides: 1, pad: 'valid', bias: p.b2, activation: 'relu' });
    y = tf.maxPool(y, 2, 2, 'valid');
    y = tf.reshape(y, [y.shape[0], 400]);
    y = tf.fused.matMul({ a: y, b: p.w3, bias: p.b3, activation: 'relu' });
    return tf.fused.matMul({ a: y, b: p.w4, bias: p.b4 });
  };
  return {
    vars: p,
    logits,
    /** Probabilities for n images (NCHW with C = 1 is NHWC too), read back. */
    predict(x, n) {
      return tf.tidy(() => tf.softmax(logits(tf.tensor4d(x, [n, 28, 28, 1])))).dataSync();
    },
    /** One SGD step on the mean cross-entropy of the batch. */
    makeTrainer(lr) {
      const opt = tf.train.sgd(lr);
      const list = Object.values(p);
      return (x, labels, n) => {
        const cost = opt.minimize(() => {
          const xs = tf.tensor4d(x, [n, 28, 28, 1]);
          const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
          return tf.losses.softmaxCrossEntropy(ys, logits(xs));
        }, true, list);
        const value = cost.dataSync()[0];
        cost.dispose();
        return value;
      };
    },
    /** Conv weights back in PyTorch layout (to compare an update with ours). */
    conv1Weight() {
      const hwio = p.f1.dataSync();
      const r = new Float32Array(hwio.length);
      for (let o = 0; o < 8; o++)
        for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) r[(o * 5 + y) * 5 + x] = hwio[(y * 5 + x) * 8 + o];
      return r;
    },
    dispose() { for (const t of Object.values(p)) t.dispose(); },
  };
}

// ---- ConvNetJS ------------------------------------------------------------------

export function convnetjsModel(convnetjs, W) {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 8, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 64, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  // Layers: input, conv, relu, pool, conv, relu, pool, fc, relu, fc, softmax.
  const setConv = (layer, w, b, out, inC, k) => {
    for (let o = 0; o < out; o++) {
      const f = layer.filters[o].w;
      for (let i = 0; i < inC; i++)
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++) f[(y * k + x) * inC + i] = w[((o * inC + i) * k + y) * k + x];
      layer.biases.w[o] = b[o];
    }
  };
  const setFc = (layer, w, b, out, inF, remap = (i) => i) => {
    for (let o = 0; o < out; o++) {
      const f = layer.filters[o].w;
      for (let i = 0; i < inF; i++) f[remap(i)] = w[o * inF + i];
      layer.biases.w[o] = b[o];
    }
  };
  setConv(net.layers[1], W.conv1.w, W.conv1.b, 8, 1, 5);
  setConv(net.layers[4], W.conv2.w, W.conv2.b, 16, 8, 5);
  setFc(net.layers[7], W.fc1.w, W.fc1.b, 64, 400, chwToHwc(16, 5, 5));
  setFc(net.layers[9], W.fc2.w, W.fc2.b, 10, 64);
  const vol = new convnetjs.Vol(28, 28, 1, 0);
  return {
    net,
    /** Probabilities for n images, one forward per image (ConvNetJS has no batch). */
    predict(x, n) {
      const out = new Float32Array(n * CLASSES);
      for (let s = 0; s < n; s++) {
        vol.w.set(x.subarray(s * IMAGE_SIZE, (s + 1) * IMAGE_SIZE));
        const p = net.forward(vol, false).w;
        for (let c = 0; c < CLASSES; c++) out[s * CLASSES + c] = p[c];
      }
      return out;
    },
    /** A step function over n images (x: n x 784); its .trainer is ConvNetJS's (learning_rate may be changed between steps). */
    makeTrainer(lr, batch, momentum = 0) {
      const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: lr, momentum, batch_size: batch, l2_decay: 0 });
      const vols = [];
      const step = (x, labels, n) => {
        let loss = 0;
        for (let s = 0; s < n; s++) {
          if (!vols[s]) vols[s] = new convnetjs.Vol(28, 28, 1, 0);
          vols[s].w.set(x.subarray(s * IMAGE_SIZE, (s + 1) * IMAGE_SIZE));
          loss += trainer.train(vols[s], labels[s]).loss;
        }
        return loss / n;
      };
      step.trainer = trainer;
      return step;
    },
    conv1Weight() {
      const r = new Float32Array(8 * 25);
      for (let o = 0; o < 8; o++) r.set(net.layers[1].filters[o].w, o * 25);
      return r;
    },
  };
}

// ---- ONNX -------------------------------------------------------------------------

/**
 * The model as ONNX bytes (opset 13), built with onnx-proto's generated
 * protobuf classes. The batch dimension is symbolic ("N").
 */
export function onnxModelBytes(onnx, W) {
  const { TensorProto, AttributeProto } = onnx;
  const tensor = (name, dims, data) => ({ name, dims, dataType: TensorProto.DataType.FLOAT, floatData: Array.from(data) });
  const ints = (name, v) => ({ name, type: AttributeProto.AttributeType.INTS, ints: v });
  const int = (name, v) => ({ name, type: AttributeProto.AttributeType.INT, i: v });
  const node = (opType, input, output, attribute = []) => ({ opType, input, output, attribute, name: output[0] });
  const valueInfo = (name, dims) => ({
    name,
    type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const graph = {
    name: 'lenet',
    node: [
      node('Conv', ['input', 'w1', 'b1'], ['c1'], [ints('kernel_shape', [5, 5]), ints('pads', [2, 2, 2, 2])]),
      node('Relu', ['c1'], ['r1']),
      node('MaxPool', ['r1'], ['p1'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
      node('Conv', ['p1', 'w2', 'b2'], ['c2'], [ints('kernel_shape', [5, 5])]),
      node('Relu', ['c2'], ['r2']),
      node('MaxPool', ['r2'], ['p2'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
      node('Flatten', ['p2'], ['f'], [int('axis', 1)]),
      node('Gemm', ['f', 'w3', 'b3'], ['d1'], [int('transB', 1)]),
      node('Relu', ['d1'], ['r3']),
      node('Gemm', ['r3', 'w4', 'b4'], ['logits'], [int('transB', 1)]),
      node('Softmax', ['logits'], ['output'], [int('axis', 1)]),
    ],
    initializer: [
      tensor('w1', [8, 1, 5, 5], W.conv1.w), tensor('b1', [8], W.conv1.b),
      tensor('w2', [16, 8, 5, 5], W.conv2.w), tensor('b2', [16], W.conv2.b),
      tensor('w3', [64, 400], W.fc1.w), tensor('b3', [64], W.fc1.b),
      tensor('w4', [10, 64], W.fc2.w), tensor('b4', [10], W.fc2.b),
    ],
    input: [valueInfo('input', ['N', 1, 28, 28])],
    output: [valueInfo('output', ['N', 10])],
  };
  const model = onnx.ModelProto.fromObject({
    irVersion: 7,
    producerName: 'cnn-playground-bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** ONNX bytes of a single Conv layer (for the conv GFLOP/s rows). */
export function onnxConvBytes(onnx, c, h, w, oc, k, pad, weight, bias) {
  const { TensorProto, AttributeProto } = onnx;
  const model = onnx.ModelProto.fromObject({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'conv',
      node: [{ opType: 'Conv', input: ['input', 'w', 'b'], output: ['output'], attribute: [
        { name: 'kernel_shape', type: AttributeProto.AttributeType.INTS, ints: [k, k] },
        { name: 'pads', type: AttributeProto.AttributeType.INTS, ints: [pad, pad, pad, pad] }] }],
      initializer: [
        { name: 'w', dims: [oc, c, k, k], dataType: TensorProto.DataType.FLOAT, floatData: Array.from(weight) },
        { name: 'b', dims: [oc], dataType: TensorProto.DataType.FLOAT, floatData: Array.from(bias) },
      ],
      input: [{ name: 'input', type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: c }, { dimValue: h }, { dimValue: w }] } } } }],
      output: [{ name: 'output', type: { tensorType: { elemType: TensorProto.DataType.FLOAT } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
