// The shipped models (web/models/*.cnnm) in the release wasm module, through
// the page's client: each loads with its labels and metadata, reaches its
// held-out accuracy (99.0% digits, 90% Fashion-MNIST), and gives the same
// outputs as the native build (build/native/eval_model) within 1e-4, so the
// committed models and the engine can never drift apart.
// Needs build/data/ (node tools/prepare_data.js) and the native build;
// scripts/test.sh provides both.
// To add a model: append it to SHIPPED with its data set and its bar.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { readDataset } from '../../web/src/engine/dataset.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SHIPPED = [
  { model: 'web/models/digits.cnnm', data: 'build/data/mnist.cnnd', min: 0.99 },
  { model: 'web/models/fashion.cnnm', data: 'build/data/fashion.cnnd', min: 0.90 },
];

let engine;
before(async () => {
  engine = await loadEngine();
});

function heldOutOutputs(net, d) {
  const size = d.channels * d.height * d.width;
  const batch = 100;
  const outputs = [];
  let correct = 0;
  for (let start = d.trainCount; start < d.count; start += batch) {
    const n = Math.min(batch, d.count - start);
    net.plan([n, d.channels, d.height, d.width]);
    const input = net.input();
    const px = d.pixels.subarray(start * size, (start + n) * size);
    for (let k = 0; k < px.length; k++) input[k] = px[k] / 255;
    net.forward();
    const out = net.output();
    const classes = out.shape[1];
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (out.data[i * classes + c] > out.data[i * classes + best]) best = c;
      if (best === d.labels[start + i]) correct++;
    }
    outputs.push(Float32Array.from(out.data));
  }
  const all = new Float32Array(outputs.reduce((a, o) => a + o.length, 0));
  let at = 0;
  for (const o of outputs) {
    all.set(o, at);
    at += o.length;
  }
  return { correct, outputs: all };
}

for (const s of SHIPPED) {
  test(`${s.model}: held-out accuracy in wasm, and the native build agrees within 1e-4`, () => {
    const bytes = new Uint8Array(readFileSync(join(root, s.model)));
    const d = readDataset(readFileSync(join(root, s.data)));
    const net = engine.loadModel(bytes);
    try {
      assert.deepEqual(net.metadata.labels, d.classes);
      assert.equal(net.metadata.dataset, d.name);
      assert.deepEqual(net.metadata.inputShape, [1, d.channels, d.height, d.width]);
      const { correct, outputs } = heldOutOutputs(net, d);
      const held = d.count - d.trainCount;
      assert.ok(correct / held >= s.min, `accuracy ${correct}/${held}`);

      const dir = mkdtempSync(join(tmpdir(), 'cnn-models-'));
      try {
        const file = join(dir, 'outputs.f32');
        const text = execFileSync(join(root, 'build/native/eval_model'),
          ['--model', join(root, s.model), '--data', join(root, s.data), '--outputs', file], { encoding: 'utf8' });
        assert.match(text, new RegExp(`\\(${correct}/${held}\\)`));
        const raw = readFileSync(file);
        const native = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
        assert.equal(native.length, outputs.length);
        let worst = 0;
        for (let i = 0; i < native.length; i++) worst = Math.max(worst, Math.abs(native[i] - outputs[i]));
        assert.ok(worst <= 1e-4, `largest difference between native and wasm outputs: ${worst}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      net.destroy();
    }
  });
}

test('the Worker op loads the digit model with its labels, ready to run one drawing', () => {
  const h = createHandlers(engine);
  const { result } = h.loadModel({ bytes: new Uint8Array(readFileSync(join(root, 'web/models/digits.cnnm'))) });
  assert.deepEqual(result.metadata.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(result.metadata.name, 'digits');
  assert.deepEqual(result.inputShape, [1, 1, 28, 28]);
  assert.equal(result.paramCount, 29738);
  assert.deepEqual(result.specs.map((x) => x.type), ['conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'maxpool2d',
    'flatten', 'dense', 'relu', 'dense', 'softmax']);
  // The committed samples are classified (nearly) all right.
  const samples = readDataset(readFileSync(join(root, 'web/models/samples-mnist.cnnd')));
  let right = 0;
  for (let i = 0; i < samples.count; i++) {
    const out = h.run({ id: result.id, input: samples.image(i) }).result.output.data;
    if (out.indexOf(Math.max(...out)) === samples.labels[i]) right++;
  }
  assert.ok(right >= 97, `${right}/100 samples right`);
  h.destroyNetwork({ id: result.id });
});
