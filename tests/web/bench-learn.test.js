// The bench's time-to-accuracy comparison (tools/bench/learn.js) projects
// ConvNetJS's time from the images our run needed, which holds only if the
// two learn alike: from the same weights, on the same batches, with the same
// SGD, momentum and schedule, their weights must stay together step by step.
// (Here they differ by about 1% of the change after 12 steps: ConvNetJS
// computes in float64.) No timing here. To add a case: make both learners from one seed and hold
// their weights against each other after some steps.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadEngine } from '../../web/src/engine/engine.js';
import { readDataset } from '../../web/src/engine/dataset.js';
import { encodeDataset } from '../../tools/prepare_data.js';
import { exportWeights } from '../../tools/bench/lenet.js';
import { COMPARE_RECIPE, makeRun, convnetjsLearner } from '../../tools/bench/learn.js';

const require = createRequire(import.meta.url);
const convnetjs = require('convnetjs');

let engine;
before(async () => {
  engine = await loadEngine();
});

/** Digits-shaped data: a stroke of one of ten slopes, with noise, 28x28. */
function strokes(count, seed = 5) {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let t = -10; t <= 10; t++) {
      const y = 14 + t;
      const x = Math.round(14 + ((label - 4.5) / 4.5) * t + (rand() - 0.5) * 2);
      if (x >= 0 && x < 28) pixels[i * 784 + y * 28 + x] = 255;
    }
    for (let k = 0; k < 784; k++) if (rand() < 0.05) pixels[i * 784 + k] = Math.floor(rand() * 100);
  }
  return readDataset(encodeDataset({ name: 'strokes', classes: [...'0123456789'], trainCount: count - 20, height: 28, width: 28, labels, pixels }));
}

test('ConvNetJS and our run learn alike from the same weights on the same batches', () => {
  const data = strokes(400);
  const ours = makeRun(engine, data, COMPARE_RECIPE);
  const feeder = makeRun(engine, data, COMPARE_RECIPE);
  const W = exportWeights(ours.net);
  const theirs = convnetjsLearner(convnetjs, W, feeder);
  try {
    ours.steps(12);
    for (let i = 0; i < 12; i++) theirs.step();
    const after = exportWeights(ours.net);
    const conv1 = theirs.model.conv1Weight();
    let moved = 0;
    let apart = 0;
    for (let i = 0; i < conv1.length; i++) {
      moved = Math.max(moved, Math.abs(after.conv1.w[i] - W.conv1.w[i]));
      apart = Math.max(apart, Math.abs(after.conv1.w[i] - conv1[i]));
    }
    assert.ok(moved > 1e-3, `12 steps moved the first layer's weights (by ${moved})`);
    assert.ok(apart < 0.05 * moved, `the two runs' first-layer weights differ by ${apart}, the steps moved them by ${moved}`);
  } finally {
    ours.destroy();
    feeder.destroy();
  }
});
