// ONNX export through the JS client (engine.exportOnnx, the Worker's
// exportOnnx and trainExportOnnx ops), run by ONNX Runtime Web in Node: the
// shipped models and networks with every layer kind and option
// (tests/onnx/export-cases.js) give the engine's outputs within 1e-5, at
// more than one batch size; the labels and metadata asked for are written;
// what cannot be exported is refused with a message. To add a network: a
// case in tests/onnx/export-cases.js.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { createTrainingHandlers } from '../../web/src/engine/training-handlers.js';
import { encodeDataset } from '../../tools/prepare_data.js';
import { exportCases, seededInput } from '../onnx/export-cases.js';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;

let engine;
before(async () => {
  engine = await loadEngine();
});

const TOLERANCE = 1e-5;

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

test('ONNX Runtime runs every export and agrees with the engine within 1e-5', async () => {
  const worst = {};
  for (const c of exportCases(engine, 1)) {
    try {
      const bytes = await engine.exportOnnx(c.net);
      const session = await ort.InferenceSession.create(bytes);
      assert.deepEqual(session.inputNames, ['input'], c.name);
      assert.deepEqual(session.outputNames, ['output'], c.name);
      for (const batch of [1, 3]) {
        const shape = [batch, ...c.input];
        const x = seededInput(shape.reduce((a, b) => a * b, 1), batch + 7, c.name === 'digits' || c.name === 'fashion' ? 0 : -2, c.name === 'digits' || c.name === 'fashion' ? 1 : 2);
        c.net.plan(shape);
        c.net.forward(x);
        const want = c.net.output();
        const got = (await session.run({ input: new ort.Tensor('float32', x, shape) })).output;
        assert.deepEqual(got.dims, want.shape, `${c.name}: the output shape at batch ${batch}`);
        const d = maxDiff(got.data, want.data);
        worst[c.name] = Math.max(worst[c.name] ?? 0, d);
        assert.ok(d <= TOLERANCE, `${c.name} at batch ${batch}: ONNX Runtime differs by ${d}`);
      }
      await session.release();
    } finally {
      c.net.destroy();
    }
  }
  console.log(`# largest difference to ONNX Runtime: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
});

test('exportOnnx writes the labels and metadata asked for, and refuses what it cannot write', async () => {
  const cases = exportCases(engine, 1);
  const digits = cases.next().value.net;
  try {
    const bytes = await engine.exportOnnx(digits, { labels: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'], metadata: { course: '딥러닝 1주차' } });
    const back = await engine.importOnnx(bytes);
    assert.deepEqual(back.metadata.labels.slice(0, 2), ['zero', 'one']);
    assert.equal(back.metadata.course, '딥러닝 1주차');
    assert.equal(back.metadata.name, 'digits', 'the model\'s own metadata stays');
    back.destroy();
    await assert.rejects(engine.exportOnnx(digits, { labels: ['a', 'b'] }), /2 labels, but its network gives 10 outputs/);
    await assert.rejects(engine.exportOnnx(digits, { labels: 'a,b' }), /labels must be an array of strings/);
    await assert.rejects(engine.exportOnnx(digits, { metadata: { steps: 3 } }), /metadata "steps" must be a string, got 3/);
    // the failed calls left nothing staged: the next export is the model's own
    const again = await engine.importOnnx(await engine.exportOnnx(digits));
    assert.deepEqual(again.metadata.labels, digits.metadata.labels);
    assert.equal(again.metadata.course, undefined);
    again.destroy();
  } finally {
    digits.destroy();
  }
  const unplanned = engine.createNetwork([{ type: 'flatten' }, { type: 'dense', in_features: 4, out_features: 2 }]);
  await assert.rejects(engine.exportOnnx(unplanned), /plan the network for an image input first/);
  unplanned.destroy();
  await assert.rejects(engine.exportOnnx(unplanned), EngineError);
  await assert.rejects(engine.modelToOnnx(new Uint8Array([1, 2, 3])), /model file/);
});

test('the Worker\'s exportOnnx and saveModel ops write a network of its table', async () => {
  const h = createHandlers(engine);
  const bytes = new Uint8Array(readFileSync(new URL('../../web/models/fashion.cnnm', import.meta.url)));
  const { id } = h.loadModel({ bytes }).result;
  const { result, transfer } = await h.exportOnnx({ id, metadata: { note: 'x' } });
  assert.ok(result.bytes instanceof Uint8Array && result.bytes.length > 100000);
  assert.deepEqual(transfer, [result.bytes.buffer]);
  const back = await engine.importOnnx(result.bytes);
  assert.equal(back.metadata.labels[9], 'Ankle boot');
  assert.equal(back.metadata.note, 'x');
  back.destroy();
  await assert.rejects(h.exportOnnx({ id: 999 }), /there is no network 999/);
  // beside it, the same network as a model file
  const saved = h.saveModel({ id }).result.bytes;
  const reloaded = engine.loadModel(saved);
  assert.equal(reloaded.metadata.name, 'fashion');
  reloaded.destroy();
  assert.throws(() => h.saveModel({ id, float16: 'yes' }), /float16 must be true or false, got "yes"/);
  h.destroyNetwork({ id });
});

test('the Worker\'s trainExportOnnx op exports the network being trained, with the data set\'s class names', async () => {
  const h = createTrainingHandlers(engine);
  const count = 40;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
  const pixels = Uint8Array.from(seededInput(count * 64, 3, 0, 255), Math.floor);
  const data = encodeDataset({ name: 'bars', classes: ['h', 'v', 'd', 'a'], trainCount: 32, height: 8, width: 8, labels, pixels });
  const { id } = h.trainCreate({
    layers: [{ type: 'conv2d', out_channels: 2, kernel_size: 3, padding: 1 }, { type: 'relu' }, { type: 'avgpool2d', kernel_size: 2 }, { type: 'flatten' }, { type: 'dense', out_features: 4 }],
    inputShape: [1, 8, 8], classes: 4, data, optimizer: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 8, epochs: 1, seed: 1,
  }).result;
  try {
    for (let i = 0; i < 100 && h.trainProgress({ id }).result.state === 'loading'; i++) await new Promise((r) => setTimeout(r, 10));
    h.trainStep({ id, steps: 2 });
    const { result } = await h.trainExportOnnx({ id, metadata: { name: 'bars-step2' } });
    const back = await engine.importOnnx(result.bytes);
    assert.deepEqual(back.metadata.labels, ['h', 'v', 'd', 'a']);
    assert.equal(back.metadata.name, 'bars-step2');
    assert.equal(back.metadata.trained_steps, '2');
    // the weights are the run's as they are now
    back.plan([2, 1, 8, 8]);
    const x = seededInput(128, 4, 0, 1);
    back.forward(x);
    const session = await ort.InferenceSession.create(result.bytes);
    const got = (await session.run({ input: new ort.Tensor('float32', x, [2, 1, 8, 8]) })).output.data;
    assert.ok(maxDiff(got, back.output().data) <= TOLERANCE);
    const { params } = h.trainParams({ id }).result;
    assert.deepEqual(Array.from(back.params()), Array.from(params));
    await session.release();
    back.destroy();
  } finally {
    h.trainDestroy({ id });
  }
  await assert.rejects(h.trainExportOnnx({ id }), /there is no training run/);
});
