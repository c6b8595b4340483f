// The Worker's operations, run directly under Node (the Worker only adds
// postMessage around them). To add a case: call the handler as the page
// would, with the payload it sends, and check the result it gets back.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';

let h;
before(async () => {
  h = createHandlers(await loadEngine());
});

test('run returns the output, every activation and per-layer timings', () => {
  const specs = [
    { type: 'conv2d', in_channels: 1, out_channels: 2, kernel_size: 3, padding: 1 },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'dense', in_features: 2 * 5 * 5, out_features: 3 },
    { type: 'softmax' },
  ];
  const { result: net } = h.createNetwork({ specs, inputShape: [1, 1, 5, 5], seed: 3 });
  assert.equal(net.layers.length, 5);
  assert.deepEqual(net.layers[0].outShape, [1, 2, 5, 5]);
  const input = new Float32Array(25).map((_, i) => i / 25);
  const { result, transfer } = h.run({ id: net.id, input, activations: true, profile: true });
  assert.deepEqual(result.output.shape, [1, 3]);
  assert.equal(result.activations.length, 6);  // the input, then each layer
  assert.deepEqual(Array.from(result.activations[0].data), Array.from(input));
  assert.ok(result.activations[2].data.every((v) => v >= 0), 'relu output is non-negative');
  assert.equal(result.layers.length, 5);
  assert.ok(result.layers.every((l) => l.ms >= 0));
  assert.ok(transfer.length === 7);
  h.destroyNetwork({ id: net.id });
  assert.throws(() => h.run({ id: net.id, input }), EngineError);
});

test('runLayer computes one conv layer with given weights (hand-computed)', () => {
  const X = Float32Array.from([1, 2, 0, 1, 3, 0, 1, 2, 3, 1, 1, 0, 1, 2, 0, 2, 1, 0, 1, 1, 0, 2, 1, 0, 2]);
  const F = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]);
  const { result } = h.runLayer({
    spec: { type: 'conv2d', kernel_size: 3, stride: 2, padding: 1, bias: false },
    shape: [1, 1, 5, 5], input: X, weight: F,
  });
  assert.deepEqual(result.geometry.outShape, [1, 1, 3, 3]);
  assert.deepEqual(Array.from(result.output.data), [2, 4, 6, 3, 7, 4, 1, 3, 3]);
  assert.throws(() => h.runLayer({ spec: { type: 'conv2d', kernel_size: 3 }, shape: [1, 1, 5, 5], input: X, weight: new Float32Array(4) }),
    /weight has 9 values, but 4 were given/);
});

test('createNetwork refuses a wrong parameter count and leaves nothing behind', () => {
  assert.throws(() => h.createNetwork({ specs: [{ type: 'dense', in_features: 2, out_features: 2 }], params: new Float32Array(5) }),
    /has 6 parameters, but 5 were given/);
});

test('layerParams returns a conv layer\'s weights with their shape, and refuses a bad index', () => {
  const specs = [
    { type: 'conv2d', in_channels: 1, out_channels: 3, kernel_size: 5, padding: 2 },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'dense', in_features: 3 * 6 * 6, out_features: 4 },
  ];
  const { result: net } = h.createNetwork({ specs, inputShape: [1, 1, 6, 6], seed: 5 });
  const { result: conv } = h.layerParams({ id: net.id, index: 0 });
  assert.deepEqual(conv.weightShape, [3, 1, 5, 5]);
  assert.equal(conv.weight.length, 75);
  assert.equal(conv.bias.length, 3);
  const { result: relu } = h.layerParams({ id: net.id, index: 1 });
  assert.equal(relu.weight, null);
  const { result: dense } = h.layerParams({ id: net.id, index: 3 });
  assert.deepEqual(dense.weightShape, [4, 108]);
  assert.throws(() => h.layerParams({ id: net.id, index: 4 }), /not one of the network's 4 layers/);
  h.destroyNetwork({ id: net.id });
});
