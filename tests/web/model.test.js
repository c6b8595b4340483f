// Model files and training through the JS client (the release wasm module):
// engine.loadModel gives a Network with its specs and metadata, the Worker's
// loadModel op describes it like createNetwork, a damaged file is an
// EngineError naming the fault, and a trainer reduces the loss.
// To add a case: build bytes with a network's saveModel() (or damage them)
// and assert what the client returns.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';

let engine;
before(async () => {
  engine = await loadEngine();
});

const small = [
  { type: 'conv2d', in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1, stride: [1, 2] },
  { type: 'leaky_relu', negative_slope: 0.125 },
  { type: 'avgpool2d', kernel_size: 2, count_include_pad: false },
  { type: 'flatten' },
  { type: 'dense', in_features: 4 * 4 * 2, out_features: 3 },
  { type: 'softmax' },
];

function savedSmall(seed = 1) {
  const net = engine.createNetwork(small);
  net.initParams(seed);
  net.plan([1, 1, 8, 8]);
  const bytes = net.saveModel();
  const params = Float32Array.from(net.params());
  net.destroy();
  return { bytes, params };
}

test('a saved model loads back with its specs, parameters and input shape', () => {
  const { bytes, params } = savedSmall();
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'CNNMODEL');
  const net = engine.loadModel(bytes);
  assert.deepEqual(net.specs.map((s) => s.type), small.map((s) => s.type));
  assert.deepEqual(net.specs[0], { type: 'conv2d', in_channels: 1, out_channels: 4, kernel_size: 3, stride: [1, 2],
    padding: 1, dilation: 1, groups: 1, bias: true });
  assert.equal(net.specs[1].negative_slope, 0.125);
  assert.equal(net.specs[2].count_include_pad, false);
  assert.deepEqual(net.params(), params);
  assert.deepEqual(net.metadata.inputShape, [1, 1, 8, 8]);
  assert.deepEqual(net.metadata.labels, []);
  // The decoded specs build the same network.
  const again = engine.createNetwork(net.specs);
  assert.equal(again.paramCount, net.paramCount);
  again.destroy();
  net.destroy();
});

test('a damaged model file is an EngineError that names the fault, and the engine stays usable', () => {
  const { bytes } = savedSmall();
  assert.throws(() => engine.loadModel(bytes.subarray(0, bytes.length - 7)), (e) => e instanceof EngineError && /truncated/.test(e.message));
  const flipped = bytes.slice();
  flipped[100] ^= 4;
  assert.throws(() => engine.loadModel(flipped), /checksum/);
  assert.throws(() => engine.loadModel(new Uint8Array([1, 2, 3])), /at least/);
  assert.throws(() => engine.loadModel('not bytes'), /Uint8Array/);
  const net = engine.loadModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.equal(net.numLayers, small.length);
  net.destroy();
});

test('an impossible file is refused from its header, before it is copied into wasm memory', () => {
  const { bytes } = savedSmall();
  const memory = () => engine.m.HEAPU8.buffer.byteLength;
  const before = memory();
  // 200 MB that are not a model: refused by the magic; 300 MB: beyond the size a model file may have
  const big = new Uint8Array(200 << 20);
  assert.throws(() => engine.loadModel(big), /not a CNN playground model file/);
  big.set(bytes.subarray(0, 20));
  assert.throws(() => engine.loadModel(big), /has \d+ unexpected bytes after its end/);
  assert.throws(() => engine.loadModel(new Uint8Array(300 << 20)), /the file has 314572800 bytes, more than the 256 MB a model file may have/);
  assert.equal(memory(), before, 'wasm memory did not grow');
  const net = engine.loadModel(bytes);
  net.destroy();
});

test('the worker op loadModel answers like createNetwork, with specs and metadata', () => {
  const h = createHandlers(engine);
  const { bytes } = savedSmall(3);
  const { result } = h.loadModel({ bytes });
  assert.ok(result.id > 0);
  assert.equal(result.numLayers, small.length);
  assert.equal(result.paramCount, 4 * 9 + 4 + 32 * 3 + 3);
  assert.deepEqual(result.inputShape, [1, 1, 8, 8]);
  assert.equal(result.layers.length, small.length);
  assert.deepEqual(result.layers.at(-1).outShape, [1, 3]);
  assert.equal(result.specs[4].type, 'dense');
  assert.deepEqual(result.metadata.inputShape, [1, 1, 8, 8]);
  const run = h.run({ id: result.id, input: new Float32Array(64).fill(0.5) });
  assert.equal(run.result.output.data.length, 3);
  assert.throws(() => h.loadModel({ bytes: new Uint8Array(10) }), EngineError);
  h.destroyNetwork({ id: result.id });
});

test('a trainer lowers the loss on a small problem and is destroyed with its network', () => {
  const net = engine.createNetwork(small);
  net.initParams(2);
  const trainer = engine.createTrainer(net, { optimizer: 'adam', lr: 0.02 });
  // Class = which third of the image (by columns) is bright.
  const n = 12;
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) x[i * 64 + r * 8 + c] = Math.floor(c / 3) === y[i] ? 1 : 0.1 * ((r + i) % 3);
  }
  const first = trainer.step(x, y, [1, 8, 8]);
  let last = first;
  for (let s = 0; s < 40; s++) last = trainer.step(x, y, [1, 8, 8]);
  assert.ok(last < first / 4, `loss ${first} -> ${last}`);
  assert.equal(trainer.lastCorrect, n);
  assert.equal(trainer.steps, 41);
  assert.throws(() => trainer.step(x.subarray(1), y, [1, 8, 8]), /need 768 input values/);
  assert.throws(() => trainer.step(x, Int32Array.from(y, () => 7), [1, 8, 8]), /label 7/);
  assert.throws(() => engine.createTrainer(net, { optimizer: 'adam', lr: -1 }), /learning rate/);
  // Saved as float16, the trained network gives nearly the same outputs.
  const f32 = Float32Array.from(net.plan([1, 1, 8, 8]).forward(x.subarray(0, 64)).output().data);
  const half = engine.loadModel(net.saveModel({ float16: true }));
  half.plan([1, 1, 8, 8]).forward(x.subarray(0, 64));
  half.output().data.forEach((v, i) => assert.ok(Math.abs(v - f32[i]) < 2e-3));
  half.destroy();
  net.destroy();
  assert.throws(() => trainer.step(x, y, [1, 8, 8]), /destroyed/);
  trainer.destroy();
});
