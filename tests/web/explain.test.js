// Explaining one output cell through the wasm engine, the way the lab asks
// for it: the Worker's explainCell beside runLayer with the reference kernel.
// To add a case: run a layer with runLayer, explain a cell of it, and check
// the explanation against the output (and, for small cases, against paper).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';

let h;
before(async () => {
  h = createHandlers(await loadEngine());
});

// The lecture's 5x5 input and 3x3 filter (see handlers.test.js).
const X = Float32Array.from([1, 2, 0, 1, 3, 0, 1, 2, 3, 1, 1, 0, 1, 2, 0, 2, 1, 0, 1, 1, 0, 2, 1, 0, 2]);
const F = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]);

function sumOfProducts(e) {
  // Float32 accumulation in the listed order, as the engine's reference does.
  let s = Math.fround(0);
  for (const t of e.terms) if (!t.padding) s = Math.fround(s + t.product);
  return e.hasBias ? Math.fround(s + e.bias) : s;
}

test('explainCell lists the products of the stride 2, padding 1 example', () => {
  const spec = { type: 'conv2d', kernel_size: 3, stride: 2, padding: 1, bias: false };
  const { result } = h.explainCell({ spec, shape: [1, 1, 5, 5], input: X, weight: F, cell: [0, 0, 0, 0] });
  assert.equal(result.kind, 'conv2d');
  assert.equal(result.output, 2);
  assert.deepEqual(result.window, { y: -1, x: -1, height: 3, width: 3 });
  assert.equal(result.terms.length, 9);
  assert.equal(result.terms.filter((t) => t.padding).length, 5);
  assert.deepEqual(result.terms[4], { channel: 0, y: 0, x: 0, ky: 1, kx: 1, padding: false, value: 1, weight: 1, product: 1 });
});

test('for every cell, the listed products add up to runLayer\'s reference output exactly', () => {
  const spec = { type: 'conv2d', in_channels: 3, out_channels: 2, kernel_size: 3, stride: 2, padding: 1, dilation: 1 };
  const shape = [1, 3, 7, 7];
  const input = Float32Array.from({ length: 147 }, (_, i) => Math.sin(i * 1.7));
  const weight = Float32Array.from({ length: 54 }, (_, i) => Math.cos(i * 0.9) / 3);
  const bias = Float32Array.from([0.25, -0.5]);
  const { result: run } = h.runLayer({ spec, shape, input, weight, bias, variant: 'ref' });
  const [, oc, oh, ow] = run.geometry.outShape;
  assert.deepEqual([oc, oh, ow], [2, 4, 4]);
  for (let c = 0; c < oc; c++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const { result: e } = h.explainCell({ spec, shape, input, weight, bias, cell: [0, c, y, x] });
        const cellValue = run.output.data[(c * oh + y) * ow + x];
        assert.equal(e.output, cellValue);
        assert.equal(sumOfProducts(e), cellValue);
        assert.equal(e.terms.length, 27);
      }
    }
  }
});

test('pooling: the max names its winner, the average its sum and divisor', () => {
  const input = Float32Array.from([1, 3, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4]);
  const shape = [1, 1, 4, 4];
  const max = h.explainCell({ spec: { type: 'maxpool2d', kernel_size: 2, stride: 2 }, shape, input, cell: [0, 0, 0, 1] }).result;
  assert.equal(max.output, 8);
  assert.equal(max.terms[max.winner].value, 8);
  const avg = h.explainCell({ spec: { type: 'avgpool2d', kernel_size: 2, stride: 2 }, shape, input, cell: [0, 0, 1, 1] }).result;
  assert.equal(avg.sum, 8);
  assert.equal(avg.divisor, 4);
  assert.equal(avg.output, 2);
  assert.equal(avg.winner, -1);
});

test('bad explain requests are EngineErrors with the engine\'s message', () => {
  const spec = { type: 'conv2d', kernel_size: 3, stride: 2, padding: 1, bias: false };
  const shape = [1, 1, 5, 5];
  assert.throws(() => h.explainCell({ spec, shape, input: X, weight: F, cell: [0, 0, 3, 0] }), /outside the 1x1x3x3 output/);
  assert.throws(() => h.explainCell({ spec, shape, input: X.subarray(1), weight: F, cell: [0, 0, 0, 0] }), /input has 24 values/);
  assert.throws(() => h.explainCell({ spec: { ...spec, kernel_size: 9 }, shape, input: X, weight: F, cell: [0, 0, 0, 0] }),
    /9-tall kernel does not fit/);
  assert.throws(() => h.explainCell({ spec, shape, input: X, weight: F, cell: [0, 0, 0.5, 0] }), EngineError);
  assert.throws(() => h.explainCell({ spec, shape, input: X, weight: F, cell: 'x' }), EngineError);
  assert.throws(() => h.explainCell({ spec, shape, weight: F, cell: [0, 0, 0, 0] }), /no input/);
  // Still usable.
  assert.equal(h.explainCell({ spec, shape, input: X, weight: F, cell: [0, 0, 1, 1] }).result.output, 7);
});

test('an activation\'s values and slopes: the forward output, and the slope training multiplies by', () => {
  const x = Float32Array.from([-2, -0.5, 0, 0.5, 2]);
  const sig = (v) => 1 / (1 + Math.exp(-v));
  const want = {
    relu: [(v) => Math.max(0, v), (v) => (v > 0 ? 1 : 0)],   // 0 at the kink, as PyTorch
    leaky_relu: [(v) => (v > 0 ? v : 0.1 * v), (v) => (v > 0 ? 1 : 0.1)],
    sigmoid: [sig, (v) => sig(v) * (1 - sig(v))],
    tanh: [Math.tanh, (v) => 1 - Math.tanh(v) ** 2],
  };
  for (const [type, [f, df]] of Object.entries(want)) {
    const spec = type === 'leaky_relu' ? { type, negative_slope: 0.1 } : { type };
    const { result } = h.activationSlopes({ spec, input: x });
    // the values are runLayer's, bit for bit
    const run = h.runLayer({ spec, shape: [1, 1, 1, x.length], input: x, variant: 'ref' }).result.output.data;
    assert.deepEqual(Array.from(result.output), Array.from(run), type);
    x.forEach((v, i) => {
      assert.ok(Math.abs(result.output[i] - f(v)) < 1e-6, `${type}(${v})`);
      assert.ok(Math.abs(result.slope[i] - df(v)) < 1e-6, `${type}'(${v}) = ${result.slope[i]}`);
    });
  }
  assert.equal(h.activationSlopes({ spec: { type: 'sigmoid' }, input: [0] }).result.slope[0], 0.25);
  assert.equal(h.activationSlopes({ spec: { type: 'relu' }, input: [] }).result.slope.length, 0);
});

test('a layer that is not an activation has no slope to explain: an EngineError naming it', () => {
  assert.throws(() => h.activationSlopes({ spec: { type: 'maxpool2d', kernel_size: 2 }, input: [1, 2] }),
    (e) => e instanceof EngineError && /only an activation layer .* not maxpool2d/.test(e.message));
  assert.throws(() => h.activationSlopes({ spec: { type: 'relu' }, input: 'abc' }), /array of numbers/);
  // the engine is still usable
  assert.equal(h.activationSlopes({ spec: { type: 'relu' }, input: [3] }).result.output[0], 3);
});
