// The native trainer (build/native/train) end to end on a small slice of the
// digits: its model file loads in the wasm engine with the labels, metadata
// and command it was trained with, the same command gives the same bytes,
// and bad options are refused with a message.
// Needs build/data/mnist.cnnd (node tools/prepare_data.js) and the native
// build; scripts/test.sh provides both.
// To add a case: run the trainer with other options and check its output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../../web/src/engine/engine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const train = join(root, 'build/native/train');
const data = join(root, 'build/data/mnist.cnnd');

let engine;
before(async () => {
  engine = await loadEngine();
});

function run(args) {
  return spawnSync(train, args, { encoding: 'utf8' });
}

test('a short training run writes a model the wasm engine loads, and repeats bit for bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnn-train-'));
  try {
    const args = ['--data', data, '--epochs', '1', '--limit', '320', '--batch', '32', '--seed', '5', '--augment',
      '--optimizer', 'sgd', '--lr', '0.05', '--float16', '--name', 'smoke', '--quiet'];
    const out = join(dir, 'a.cnnm');
    const a = run([...args, '--out', out]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /held-out accuracy \d+\.\d+% \(\d+\/2000\), model .*a\.cnnm: \d+ bytes \(float16\)/);
    assert.match(a.stderr, /lenet, 29738 parameters, 320 training samples of mnist/);
    const bytes = readFileSync(out);
    const b = run([...args, '--out', out]);
    assert.equal(b.status, 0, b.stderr);
    assert.ok(bytes.equals(readFileSync(out)), 'the same command gives the same file');

    const net = engine.loadModel(new Uint8Array(bytes));
    assert.equal(net.metadata.name, 'smoke');
    assert.equal(net.metadata.dataset, 'mnist');
    assert.deepEqual(net.metadata.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.match(net.metadata.trained_with, /^train --data .* --seed 5 --augment .*--float16/);
    assert.match(net.metadata.heldout_accuracy, /^0\.\d{4} \(\d+\/2000 held-out samples\)$/);
    assert.equal(net.metadata.heldout_total, '2000');
    assert.equal(net.metadata.heldout_accuracy, `${(net.metadata.heldout_correct / 2000).toFixed(4)} (${net.metadata.heldout_correct}/2000 held-out samples)`);
    assert.equal(net.paramCount, 29738);
    net.destroy();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the trainer refuses bad options and missing data with a message', () => {
  let r = run(['--data', data]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--out is required/);
  r = run(['--data', data, '--out', '/tmp/x.cnnm', '--arch', 'resnet']);
  assert.match(r.stderr, /unknown --arch resnet/);
  r = run(['--data', data, '--out', '/tmp/x.cnnm', '--lr', 'fast']);
  assert.match(r.stderr, /--lr needs a number/);
  r = run(['--data', join(root, 'build/data/none.cnnd'), '--out', '/tmp/x.cnnm']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the data set is missing \(make it with: node tools\/prepare_data.js\)/);
});
