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

test('a value of the wrong type is refused, naming the field and the value, never coerced', () => {
  const geometry = (spec) => () => engine.layerGeometry(spec, [1, 1, 5, 5]);
  const pool = { type: 'maxpool2d', kernel_size: 3, stride: 1 };
  const refused = [
    [{ ...pool, padding: 'same' }, /maxpool2d takes padding as a number or a pair \[height, width\], not 'same'/],
    [{ ...pool, padding: 'valid' }, /not 'valid'/],
    [{ ...pool, ceil_mode: 'false' }, /ceil_mode must be true or false, got "false" \(a string\)/],
    [{ type: 'avgpool2d', kernel_size: 2, count_include_pad: 'false' }, /count_include_pad must be true or false, got "false"/],
    [{ type: 'conv2d', bias: 0 }, /bias must be true or false, got 0/],
    [{ type: 'conv2d', bias: 'false' }, /bias must be true or false, got "false" \(a string\)/],
    [{ type: 'conv2d', kernel_size: true }, /kernel_size must be a number or a pair \[height, width\], got true/],
    [{ type: 'conv2d', padding: true }, /padding must be a number, a pair \[height, width\], 'valid' or 'same', got true/],
    [{ type: 'conv2d', stride: '2' }, /stride must be a number or a pair \[height, width\], got "2" \(a string\)/],
    [{ type: 'conv2d', kernel_size: [3] }, /kernel_size must be a number or a pair \[height, width\], got \[3\]/],
    [{ type: 'leaky_relu', negative_slope: '' }, /negative_slope must be a number, got "" \(a string\)/],
    [{ type: 'leaky_relu', negative_slope: 2e6 }, /negative_slope .*got 2000000/],
    [{ type: 'conv2d', kernel_size: 2 ** 32 }, /kernel_size \(height\) must be a whole number, got 4294967296/],
    [{ type: 'maxpool2d', dilation: 2 }, /maxpool2d has no argument "dilation"; it takes kernel_size, stride, padding, ceil_mode$/],
    [{ type: 'relu', inplace: true }, /relu has no argument "inplace"; it takes none/],
    [null, /a layer spec must be an object, got null/],
  ];
  for (const [spec, message] of refused) {
    assert.throws(geometry(spec), (e) => e instanceof EngineError && message.test(e.message), JSON.stringify(spec));
  }
  assert.throws(() => engine.layerGeometry({ type: 'relu' }, ['1', 1, 5, 5]), /entry "1" \(a string\) is not a whole number/);
  // pooling's stride: null is PyTorch's None (as the window), like leaving it out
  assert.deepEqual(engine.layerGeometry({ type: 'maxpool2d', kernel_size: 2, stride: null }, [1, 1, 6, 6]).outShape, [1, 1, 3, 3]);
  assert.throws(geometry({ type: 'conv2d', stride: null }), /stride must be a number or a pair/);
});

test('specs read back by field name: each kind with only its own fields', () => {
  const specs = [
    { type: 'conv2d', in_channels: 2, out_channels: 4, kernel_size: [3, 1], stride: [1, 1], padding: 'same', dilation: [2, 1], groups: 2, bias: false },
    { type: 'maxpool2d', kernel_size: 2, padding: 1, ceil_mode: true },
    { type: 'avgpool2d', kernel_size: 3, stride: 1, padding: [1, 0], ceil_mode: false, count_include_pad: false },
    { type: 'leaky_relu', negative_slope: 0.25 },
    { type: 'flatten' },
    { type: 'dense', in_features: 7, out_features: 3, bias: true },
    { type: 'softmax' },
  ];
  const net = engine.createNetwork(specs);
  try {
    const size = engine.schema.recordSize;
    const back = engine.withScratch(specs.length * size * 8, (ptr) => {
      engine.check(engine.m._cnn_net_specs(net.handle, ptr));
      const rec = engine.f64(ptr, specs.length * size);
      return specs.map((_, i) => engine.schema.decodeSpec(rec, i * size));
    });
    assert.deepEqual(back[0], { ...specs[0], stride: 1 });  // a pair of equal sides reads back as one number
    assert.deepEqual(back[1], { type: 'maxpool2d', kernel_size: 2, padding: 1, ceil_mode: true });  // stride: None
    assert.deepEqual(back[2], specs[2]);
    assert.deepEqual(back.slice(3), specs.slice(3));
  } finally {
    net.destroy();
  }
});

test('parameter shapes come from the engine, with or without an input shape', () => {
  assert.deepEqual(engine.paramShapes({ type: 'conv2d', in_channels: 4, out_channels: 6, kernel_size: [3, 5], groups: 2 }),
    { weightShape: [6, 2, 3, 5], biasShape: [6] });
  assert.deepEqual(engine.paramShapes({ type: 'dense', in_features: 400, out_features: 64, bias: false }),
    { weightShape: [64, 400], biasShape: null });
  assert.deepEqual(engine.paramShapes({ type: 'maxpool2d' }), { weightShape: null, biasShape: null });
  const net = engine.createNetwork(lenet);  // never planned
  try {
    const p = net.layerParams(7);
    assert.deepEqual([p.weightShape, p.biasShape], [[64, 400], [64]]);
    assert.equal(p.weight.length, 64 * 400);
    assert.deepEqual(net.layerParams(0).weightShape, [8, 1, 5, 5]);
  } finally {
    net.destroy();
  }
});

test('the engine counts its live networks and trainers', () => {
  const before = engine.liveObjects();
  const net = engine.createNetwork(lenet);
  const trainer = engine.createTrainer(net);
  assert.deepEqual(engine.liveObjects(), { networks: before.networks + 1, trainers: before.trainers + 1 });
  net.destroy();  // a trainer never outlives its network
  assert.deepEqual(engine.liveObjects(), before);
  trainer.destroy();
  assert.deepEqual(engine.liveObjects(), before);
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
    const old = net.activation(0).data;  // the client keeps where the output lives, and this view
    assert.equal(old[1], 3);
    const before = engine.m.HEAPF32.buffer.byteLength;
    // Force growth: a second network with a large plan.
    const big = engine.createNetwork([{ type: 'relu' }]);
    big.plan([1, 16, 1024, 1024]);
    assert.ok(engine.m.HEAPF32.buffer.byteLength > before, 'memory grew');
    const a = net.activation(0).data;
    assert.equal(a.buffer, engine.m.HEAPF32.buffer, 'a view over the grown memory, not the kept one');
    assert.equal(a[0], 0);
    assert.equal(a[1], 3);
    net.forward(new Float32Array(16).fill(5));
    assert.equal(net.output().data[0], 5);
    big.destroy();
  } finally {
    net.destroy();
  }
});

test('what the client keeps of a plan is dropped when the network is planned again, by plan, setVariant or a trainer step', () => {
  const net = engine.createNetwork(lenet);
  try {
    net.initParams(3);
    net.plan([1, 1, 28, 28]);
    const x = new Float32Array(2 * 784).map((_, i) => ((i * 7) % 13) / 13);
    net.forward(x.subarray(0, 784));
    const first = Float32Array.from(net.output().data);
    assert.equal(net.input().length, 784);
    net.plan([2, 1, 28, 28]);
    assert.equal(net.input().length, 2 * 784);
    assert.deepEqual(net.output().shape, [2, 10]);
    net.forward(x);
    const two = net.output().data;
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(two[i] - first[i]) < 1e-6, 'the first image of the batch gives what it gave alone');
    net.setVariant('ref');
    net.forward(x);
    assert.deepEqual(net.output().shape, [2, 10]);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(net.output().data[i] - first[i]) < 1e-5);
    const trainer = engine.createTrainer(net, { optimizer: 'sgd', lr: 0.01 });
    trainer.step(new Float32Array(3 * 784), Int32Array.of(1, 2, 3), [1, 28, 28]);
    assert.deepEqual(net.output().shape, [3, 10], 'the step planned the network for 3 images');
    assert.equal(net.input().length, 3 * 784);
    const sum = net.output().data.subarray(0, 10).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `the output read after the step is the step's softmax (sum ${sum})`);
    trainer.destroy();
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
