// The benchmark's agreement check (tools/bench/suite.js): before anything is
// timed, every engine must compute what ours computes, so nothing fast but
// wrong is ever reported. No timing here. To add a case: build a peer from
// the same weights (tools/bench/lenet.js) and hold it against our output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadEngine } from '../../web/src/engine/engine.js';
import { LENET_SPECS, IMAGE_SIZE, randomFloats, exportWeights, convnetjsModel } from '../../tools/bench/lenet.js';
import { checkAgreement, maxAbsDiff, AGREEMENT_TOLERANCE } from '../../tools/bench/suite.js';

const require = createRequire(import.meta.url);
const convnetjs = require('convnetjs');

let engine;
before(async () => {
  engine = await loadEngine();
});

function oursAndConvnetjs(n) {
  const net = engine.createNetwork(LENET_SPECS);
  net.initParams(7);
  net.plan([n, 1, 28, 28]);
  const x = randomFloats(n * IMAGE_SIZE, 3);
  net.input().set(x);
  net.forward();
  const ours = Float32Array.from(net.output().data);
  const W = exportWeights(net);
  net.destroy();
  return { ours, W, x };
}

test('maxAbsDiff: the largest difference; NaN and a length mismatch never pass', () => {
  assert.equal(maxAbsDiff([1, 2, 3], [1, 2.5, 2]), 1);
  assert.ok(!(maxAbsDiff([1, NaN], [1, 2]) <= 1));
  assert.equal(maxAbsDiff([1, 2], [1]), Infinity);
});

test('ConvNetJS given our weights computes our probabilities', () => {
  const { ours, W, x } = oursAndConvnetjs(3);
  const theirs = convnetjsModel(convnetjs, W).predict(x, 3);
  const diffs = checkAgreement('forward', ours, { ConvNetJS: theirs });
  assert.ok(diffs.ConvNetJS <= AGREEMENT_TOLERANCE);
});

test('a peer with one wrong weight fails the check before any timing', () => {
  const { ours, W, x } = oursAndConvnetjs(3);
  W.conv1.w[0] += 0.5;
  const theirs = convnetjsModel(convnetjs, W).predict(x, 3);
  assert.throws(() => checkAgreement('forward', ours, { ConvNetJS: theirs }), /ConvNetJS differs from our engine/);
});

test('a peer that returns NaN fails the check', () => {
  const { ours } = oursAndConvnetjs(1);
  const bad = Float32Array.from(ours);
  bad[3] = NaN;
  assert.throws(() => checkAgreement('forward', ours, { broken: bad }), /broken differs/);
});
