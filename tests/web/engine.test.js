// The JS engine client under Node: loading, views over wasm memory, errors
// carrying the engine's message, and the engine's answers through the ABI.
// To add a case: load the engine once (the `before` hook) and assert what the
// client returns, as a page would use it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';

let engine;
before(async () => {
  engine = await loadEngine();
});

const lenet = [
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

test('reports its version and a SIMD128 architecture', () => {
  assert.match(engine.version, /^\d+\.\d+\.\d+$/);
  assert.equal(engine.simdArch, 'sse4.1');  // xsimd's SSE path, compiled to wasm SIMD128
  assert.equal(engine.simdWidth, 4);
});

test('layer geometry: the lecture examples through the ABI', () => {
  const g = engine.layerGeometry({ type: 'conv2d', in_channels: 3, out_channels: 10, kernel_size: 5, padding: 2 }, [1, 3, 32, 32]);
  assert.deepEqual(g.outShape, [1, 10, 32, 32]);
  assert.equal(g.params, 760);
  const s = engine.layerGeometry({ type: 'conv2d', kernel_size: 3, stride: 3 }, [1, 1, 7, 7]);
  assert.deepEqual(s.outShape, [1, 1, 2, 2]);
  assert.equal(s.unusedCols, 1);
  const p = engine.layerGeometry({ type: 'maxpool2d', kernel_size: 2, stride: 2 }, [1, 6, 28, 28]);
  assert.deepEqual(p.outShape, [1, 6, 14, 14]);
  assert.equal(p.params, 0);
});

test('bad specs and shapes become EngineErrors with the engine message', () => {
  assert.throws(() => engine.layerGeometry({ type: 'conv2d', kernel_size: 7, dilation: 2, padding: 1 }, [1, 1, 10, 10]),
    (e) => e instanceof EngineError && /spans 13 pixels, but the padded input is only 12 tall/.test(e.message));
  assert.throws(() => engine.layerGeometry({ type: 'conv2d', stride: 0 }, [1, 1, 8, 8]), /stride/);
  assert.throws(() => engine.layerGeometry({ type: 'conv2d', stride: 1.5 }, [1, 1, 8, 8]), /whole number/);
  assert.throws(() => engine.layerGeometry({ type: 'conv2d', padding: '<img src=x>' }, [1, 1, 8, 8]), /padding must be/);
  assert.throws(() => engine.layerGeometry({ type: 'bogus' }, [1, 1, 8, 8]), /unknown layer type "bogus"/);
  assert.throws(() => engine.layerGeometry({ type: 'relu' }, [1, 1, -8, 8]), /not a whole number in range|at least 1/);
  assert.throws(() => engine.createNetwork([]), /empty/);
  // The engine stays usable after every error.
  assert.deepEqual(engine.layerGeometry({ type: 'relu' }, [1, 2, 3, 4]).outShape, [1, 2, 3, 4]);
});

test('a network runs forward and exposes every activation', () => {
  const net = engine.createNetwork(lenet);
  try {
    assert.equal(net.numLayers, 11);
    assert.equal(net.paramCount, 208 + 3216 + 25664 + 650);
    net.initParams(1);
    net.plan([1, 1, 28, 28]);
    const x = new Float32Array(784).map((_, i) => (i % 28) / 28);
    net.forward(x);
    const out = net.output();
    assert.deepEqual(out.shape, [1, 10]);
    const sum = out.data.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `softmax sums to ${sum}`);
    assert.deepEqual(net.activation(0).shape, [1, 8, 28, 28]);
    assert.deepEqual(net.activation(5).shape, [1, 16, 5, 5]);
    const info = net.layerInfo(3);
    assert.equal(info.kind, 'conv2d');
    assert.equal(info.macs, 10 * 10 * 16 * 200);
    assert.match(info.kernelName, /simd/);
    // The reference kernels give the same answer.
    const simd = Float32Array.from(out.data);
    net.setVariant('ref');
    net.forward(x);
    const ref = net.output().data;
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(simd[i] - ref[i]) < 1e-5);
  } finally {
    net.destroy();
  }
});

test('views made after memory growth still read the right values', () => {
  const net = engine.createNetwork([{ type: 'relu' }]);
  try {
    net.plan([1, 1, 4, 4]);
    net.forward(new Float32Array(16).fill(-1).map((v, i) => (i % 2 ? 3 : v)));
    const before = engine.m.HEAPF32.buffer.byteLength;
    // Force growth: a second network with a large plan.
    const big = engine.createNetwork([{ type: 'relu' }]);
    big.plan([1, 16, 1024, 1024]);
    assert.ok(engine.m.HEAPF32.buffer.byteLength > before, 'memory grew');
    const a = net.activation(0).data;
    assert.equal(a[0], 0);
    assert.equal(a[1], 3);
    big.destroy();
  } finally {
    net.destroy();
  }
});

test('a plan that cannot fit memory is refused and the network keeps working', () => {
  const net = engine.createNetwork(lenet);
  try {
    net.initParams(2);
    net.plan([1, 1, 28, 28]);
    assert.throws(() => net.plan([100000, 1, 28, 28]), (e) => e instanceof EngineError && /layer 0 \(conv2d\)|memory/.test(e.message));
    net.forward(new Float32Array(784));
    assert.deepEqual(net.output().shape, [1, 10]);
    assert.throws(() => net.forward(new Float32Array(10)), /planned for 1x1x28x28 = 784/);
    assert.throws(() => net.forward(null), (e) => e instanceof EngineError && /must be a Float32Array/.test(e.message));
    assert.throws(() => net.forward('abc'), /must be a Float32Array/);
  } finally {
    net.destroy();
  }
  assert.throws(() => net.forward(), /destroyed/);
});
