// The committed held-out samples (web/models/samples-*.cnnd) read with the
// page's reader: 10 of each class in class order, and damage is refused.
// To add a case: read a file and assert what the page would use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readDataset } from '../../web/src/engine/dataset.js';

const load = (name) => readFileSync(new URL(`../../web/models/${name}`, import.meta.url));

test('the digit samples: 100 held-out 28x28 images, 10 per class in order', () => {
  const d = readDataset(load('samples-mnist.cnnd'));
  assert.equal(d.count, 100);
  assert.equal(d.trainCount, 0);
  assert.deepEqual([d.channels, d.height, d.width], [1, 28, 28]);
  assert.deepEqual(d.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(Array.from(d.labels), Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)));
  const img = d.image(0);
  assert.equal(img.length, 784);
  assert.ok(img.every((v) => v >= 0 && v <= 1));
  assert.ok(img.some((v) => v > 0.9), 'a digit has ink');
  assert.throws(() => d.image(100), RangeError);
});

test('the Fashion-MNIST samples carry the class names', () => {
  const d = readDataset(load('samples-fashion.cnnd'));
  assert.equal(d.count, 100);
  assert.equal(d.classes[0], 'T-shirt/top');
  assert.equal(d.classes[9], 'Ankle boot');
  assert.equal(d.labels[95], 9);
});

test('a damaged data file is refused with a reason', () => {
  const bytes = new Uint8Array(load('samples-mnist.cnnd'));
  assert.throws(() => readDataset(bytes.subarray(0, bytes.length - 1)), /bytes of data/);
  assert.throws(() => readDataset(bytes.subarray(0, 20)), /ends inside/);
  const bad = bytes.slice();
  bad[0] = 0x58;
  assert.throws(() => readDataset(bad), /CNNDATA/);
  // a sample of 1024 x 1024 x 1024 values: refused from the header, as the native reader refuses it
  const huge = bytes.slice();
  const view = new DataView(huge.buffer);
  for (const at of [20, 24, 28]) view.setUint32(at, 1024, true);  // channels, height, width
  assert.throws(() => readDataset(huge), /header is inconsistent \(100 samples, 0 for training, 1024x1024x1024, 10 classes\)/);
});
