// The rule that makes the page say it is unsure (web/src/ui/probabilities.js
// reading()): the top class must hold UNSURE_BELOW of the probability and lead
// the runner-up by UNSURE_MARGIN.
// To add a case: give the probabilities and the reading expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reading, UNSURE_BELOW, UNSURE_MARGIN } from '../../web/src/ui/probabilities.js';

const probs = (pairs) => {
  const p = new Float32Array(10).fill(0.001);
  for (const [k, v] of Object.entries(pairs)) p[k] = v;
  return p;
};

test('a clear winner is read sure, with the runner-up named', () => {
  assert.deepEqual(reading(probs({ 3: 0.9, 8: 0.05 })), { best: 3, second: 8, unsure: false });
  assert.deepEqual(reading(probs({ 0: 0.75, 9: 0.2 })), { best: 0, second: 9, unsure: false });
});

test('a top class below the floor is unsure, however far ahead', () => {
  assert.ok(UNSURE_BELOW > 0.3);
  assert.deepEqual(reading(probs({ 7: UNSURE_BELOW - 0.01, 1: 0.05 })), { best: 7, second: 1, unsure: true });
});

test('two close classes are unsure, even when the top one is above the floor', () => {
  const top = UNSURE_BELOW + 0.1;
  assert.deepEqual(reading(probs({ 1: top, 7: top - UNSURE_MARGIN + 0.01 })), { best: 1, second: 7, unsure: true });
  assert.deepEqual(reading(probs({ 1: top, 7: top - UNSURE_MARGIN - 0.01 })).unsure, false);
});

test('uniform probabilities (nothing recognisable) are unsure; ties go to the first class', () => {
  assert.deepEqual(reading(new Float32Array(10).fill(0.1)), { best: 0, second: 1, unsure: true });
});
