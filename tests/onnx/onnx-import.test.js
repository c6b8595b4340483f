// ONNX import through the JS client (the release wasm modules: the engine's
// and the importer's, loaded on the first import), on the exports
// of tests/onnx/make_cases.py in $CNN_ONNX_CASES (tests/onnx/run.sh makes
// them): engine.importOnnx gives a Network whose outputs agree with
// PyTorch's, the Worker's importOnnx op answers like loadModel, a saved
// import loads back as a model file, and refused or damaged files are
// EngineErrors with the engine's message.
// To add a case: a model in make_cases.py (every "ok" line is run here).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { serveEngine } from '../../web/src/engine/worker-protocol.js';

const dir = process.env.CNN_ONNX_CASES;
let engine;
before(async () => {
  assert.ok(dir, 'CNN_ONNX_CASES names the directory of the cases (tests/onnx/run.sh)');
  engine = await loadEngine();
});

function cases() {
  return readFileSync(join(dir, 'cases.txt'), 'utf8').trim().split('\n').map((line) => {
    const [verdict, name, ...rest] = line.split(' ');
    return { verdict, name, rest };
  });
}

const bytesOf = (name, ext) => new Uint8Array(readFileSync(join(dir, `${name}.${ext}`)));
const floatsOf = (name, ext) => {
  const b = bytesOf(name, ext);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
};

// |engine - torch| <= 1e-5 * max(1, |torch|)
function assertClose(got, want, what) {
  assert.equal(got.length, want.length, `${what}: output length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  assert.ok(worst <= 1e-5, `${what}: largest difference ${worst}`);
}

test('every export imports and gives PyTorch\'s outputs', async () => {
  const ok = cases().filter((c) => c.verdict === 'ok');
  assert.ok(ok.length >= 19);
  for (const { name, rest } of ok) {
    const [n, c, h, w] = rest.map(Number);
    const net = await engine.importOnnx(bytesOf(name, 'onnx'));
    try {
      assert.deepEqual(net.metadata.inputShape, [1, c, h, w], name);
      assert.equal(net.metadata.source, 'onnx');
      assert.match(net.metadata.producer, /^pytorch /);
      assert.equal(net.metadata.opset, name.match(/op(\d+)$/)[1]);
      net.plan([n, c, h, w]);
      net.forward(floatsOf(name, 'in'));
      assertClose(net.output().data, floatsOf(name, 'out'), name);
      if (name.startsWith('mnist')) assert.match(net.metadata.output, /LogSoftmax runs as a softmax/);
      if (name === 'seeds_view_op13') assert.equal(net.metadata.labels[9], 'nine');
    } finally {
      net.destroy();
    }
  }
  assert.deepEqual(engine.liveObjects().networks, 0);
});

test('the worker op importOnnx answers like loadModel, and a saved import loads back', async () => {
  const h = createHandlers(engine);
  const { result } = await h.importOnnx({ bytes: bytesOf('mnist_flatten_op13', 'onnx') });
  assert.deepEqual(result.specs.map((s) => s.type),
    ['conv2d', 'relu', 'conv2d', 'relu', 'maxpool2d', 'flatten', 'dense', 'relu', 'dense', 'softmax']);
  assert.deepEqual(result.inputShape, [1, 1, 28, 28]);
  assert.equal(result.paramCount, 32 * 9 + 32 + 64 * 32 * 9 + 64 + 9216 * 128 + 128 + 128 * 10 + 10);
  assert.deepEqual(result.layers.at(-1).outShape, [1, 10]);
  const x = floatsOf('mnist_flatten_op13', 'in');
  const run = h.run({ id: result.id, input: x.subarray(0, 784) });
  assertClose(run.result.output.data, floatsOf('mnist_flatten_op13', 'out').subarray(0, 10), 'worker run');
  h.destroyNetwork({ id: result.id });
  await assert.rejects(h.importOnnx({ bytes: new Uint8Array([8, 1]) }), EngineError);

  const net = await engine.importOnnx(bytesOf('seeds_view_op13', 'onnx').buffer);
  const again = engine.loadModel(net.saveModel());
  assert.deepEqual(again.metadata.labels, net.metadata.labels);
  assert.equal(again.metadata.producer, net.metadata.producer);
  assert.deepEqual(Array.from(again.params()), Array.from(net.params()));
  again.destroy();
  net.destroy();
});

test('the Worker protocol answers importOnnx once the import is done, and its refusal as an error', async () => {
  const posted = [];
  const scope = { postMessage: (message) => posted.push(message) };
  serveEngine(scope, engine);
  await scope.onmessage({ data: { id: 7, op: 'importOnnx', payload: { bytes: bytesOf('rgb_op13', 'onnx') } } });
  assert.equal(posted[0].id, 7);
  assert.deepEqual(posted[0].result.inputShape, [1, 3, 32, 32]);
  await scope.onmessage({ data: { id: 8, op: 'importOnnx', payload: { bytes: bytesOf('upsample_op13', 'onnx') } } });
  assert.equal(posted[1].id, 8);
  assert.match(posted[1].error.message, /\(Resize\)/);
  await scope.onmessage({ data: { id: 9, op: 'destroyNetwork', payload: { id: posted[0].result.id } } });
  assert.equal(posted[2].result, true);
});

test('a model the engine cannot run is refused naming the node and the op', async () => {
  for (const { name, rest } of cases().filter((c) => c.verdict === 'refuse')) {
    await assert.rejects(engine.importOnnx(bytesOf(name, 'onnx')),
      (e) => e instanceof EngineError && e.message.includes(rest.join(' ')) && /^node \d+ "/.test(e.message), name);
  }
  await assert.rejects(engine.importOnnx('not bytes'), /Uint8Array/);
});

test('damaged exports are refused with a message, and the engine stays usable', async () => {
  const good = bytesOf('seeds_view_op13', 'onnx');
  for (let k = 0; k < 60; k++) {
    const cut = Math.floor((good.length * k) / 60);
    await assert.rejects(engine.importOnnx(good.subarray(0, cut)), (e) => e instanceof EngineError && e.message.length > 0, `cut at ${cut}`);
  }
  let seed = 15;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let k = 0; k < 60; k++) {
    const b = Uint8Array.from(good);
    b[rand(b.length)] ^= 1 << rand(8);
    try {
      (await engine.importOnnx(b)).destroy();
    } catch (e) {
      assert.ok(e instanceof EngineError && e.message.length > 0);
    }
  }
  assert.equal(engine.liveObjects().networks, 0);
  (await engine.importOnnx(good)).destroy();
});

test('refusals carry a code and the node, op and numbers, for a page to say in its reader\'s language', async () => {
  const want = {
    upsample_op13: ['onnx_unsupported_op', { op: 'Resize' }],
    residual_op13: ['onnx_branch', { op: 'Add' }],
    asymmetric_pad_op9: ['onnx_asymmetric_padding', { op: 'Conv', top: 0, bottom: 1, left: 0, right: 1 }],
  };
  for (const [name, [code, params]] of Object.entries(want)) {
    await assert.rejects(engine.importOnnx(bytesOf(name, 'onnx')), (e) => {
      assert.equal(e.code, code, name);
      assert.ok(Number.isInteger(e.params.node) && typeof e.params.name === 'string', name);
      for (const [k, v] of Object.entries(params)) assert.equal(e.params[k], v, `${name}: ${k}`);
      return true;
    });
  }
  const good = bytesOf('seeds_view_op13', 'onnx');
  await assert.rejects(engine.importOnnx(good.subarray(0, good.length >> 1)), (e) => e.code === 'onnx_damaged' && e.params.bytes === good.length >> 1);
});

test('an import takes the input normalisation, checked by the engine, and its model file keeps it', async () => {
  const net = await engine.importOnnx(bytesOf('rgb_op13', 'onnx'), { normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } });
  assert.deepEqual(net.metadata.normalize.mean.map((v) => +v.toFixed(6)), [0.485, 0.456, 0.406]);
  const again = engine.loadModel(net.saveModel());
  assert.deepEqual(again.metadata.normalize, net.metadata.normalize);
  const none = engine.loadModel(net.saveModel(), { normalize: null });
  assert.equal(none.metadata.normalize, null);
  for (const [normalize, code] of [
    [{ mean: [0.5, 0.5], std: [0.5, 0.5] }, 'normalize_count'],
    [{ mean: [0.5], std: [0.5, 0.5] }, 'normalize_count'],
    [{ mean: [0.5], std: [0] }, 'normalize_value'],
    [{ mean: [NaN], std: [1] }, 'normalize_value'],
  ]) {
    await assert.rejects(engine.importOnnx(bytesOf('rgb_op13', 'onnx'), { normalize }), (e) => e instanceof EngineError && e.code === code, JSON.stringify(normalize));
  }
  assert.throws(() => engine.loadModel(net.saveModel(), { normalize: { mean: ['0.5'], std: [1] } }), /normalize\.mean must be an array of numbers/);
  for (const n of [net, again, none]) n.destroy();
  assert.equal(engine.liveObjects().networks, 0);
});
