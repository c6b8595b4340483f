// The lab's quiz (web/src/ui/lab/quiz.js) under Node with the real engine:
// how a typed answer is read, and which slip of the formula a wrong number
// is recognised as. To add a case: a layer (spec, shape), the engine's
// geometry for it, then verdict() on a number worked out by hand.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { readAnswer, quizSlips, verdict } from '../../web/src/ui/lab/quiz.js';
import { parseState } from '../../web/src/ui/lab/state.js';
import { labLayer } from '../../web/src/ui/lab/layer.js';

let request;
before(async () => {
  const h = createHandlers(await loadEngine());
  request = async (op, payload) => h[op](payload).result;
});

/** The lab's layer for a partial state, its geometry and the slips the quiz knows for it. */
async function question(partial) {
  const layer = labLayer(parseState(partial), null);
  const geometry = await request('layerGeometry', { spec: layer.spec, shape: layer.shape });
  return { geometry, slips: await quizSlips(request, layer.spec, layer.shape, geometry) };
}

test('a typed answer is a whole number from 0 up; anything else is named, not judged', () => {
  assert.deepEqual(readAnswer(' 3 '), { value: 3 });
  assert.deepEqual(readAnswer('0'), { value: 0 });
  assert.deepEqual(readAnswer('1,000'), { value: 1000 });
  assert.deepEqual(readAnswer('+7'), { value: 7 });
  assert.deepEqual(readAnswer(''), { problem: 'empty' });
  assert.deepEqual(readAnswer('   '), { problem: 'empty' });
  assert.deepEqual(readAnswer('-3'), { problem: 'negative' });
  assert.deepEqual(readAnswer('-0.5'), { problem: 'negative' });
  assert.deepEqual(readAnswer('2.5'), { problem: 'fraction' });
  assert.deepEqual(readAnswer('3.0'), { problem: 'fraction' });
  assert.deepEqual(readAnswer('1e3'), { problem: 'fraction' });
  assert.deepEqual(readAnswer('three'), { problem: 'text' });
  assert.deepEqual(readAnswer('0x3'), { problem: 'text' });
  assert.deepEqual(readAnswer('1,00'), { problem: 'text' });
  assert.deepEqual(readAnswer('99999999999999999999'), { problem: 'text' });
  assert.deepEqual(readAnswer(null), { problem: 'empty' });
});

test('7x7 input, 3x3 kernel, stride 2, padding 1: each slip of the size formula by its number', async () => {
  const { geometry, slips } = await question({ size: 7, kernel: 3, stride: 2, padding: 1 });
  // (7 + 2·1 − 3)/2 + 1 = 4
  assert.equal(geometry.outShape[2], 4);
  assert.deepEqual(verdict(4, 4, slips.size), { right: true });
  assert.equal(verdict((7 - 3) / 2 + 1, 4, slips.size).why, 'noPadding');       // 3
  // 3 is also (7 + 2·1 − 3)/2 without the + 1: the padding is named first
  assert.ok(slips.size.some((s) => s.why === 'noPlusOne' && s.value === 3));
  assert.equal(verdict(7 + 2 - 3 + 1, 4, slips.size).why, 'noStride');          // 7: stride 1
  assert.equal(verdict(7, 4, slips.size).why, 'noStride');                      // 7 is also the input's size; the stride is named first
  assert.equal(verdict(11, 4, slips.size).why, 'other');
  // (3·3·1 + 1)·1 = 10
  assert.equal(geometry.params, 10);
  assert.equal(verdict(9, 10, slips.params).why, 'noBias');
  assert.equal(verdict(12, 10, slips.params).why, 'other');
});

test('the + 1, the rounding and the input\'s own size', async () => {
  const { geometry, slips } = await question({ size: 7, kernel: 3, stride: 3 });
  // (7 − 3)/3 + 1 = 2.33 -> 2 (floor); 4/3 rounded up + 1 = 3
  assert.equal(geometry.outShape[2], 2);
  assert.equal(verdict(1, 2, slips.size).why, 'noPlusOne');
  assert.equal(verdict(3, 2, slips.size).why, 'roundedUp');
  assert.equal(verdict(7, 2, slips.size).why, 'sameAsInput');
  const dil = await question({ size: 9, kernel: 3, dilation: 2 });
  // span 2·(3 − 1) + 1 = 5: (9 − 5)/1 + 1 = 5; with the kernel taken as 3 wide: 7
  assert.equal(dil.geometry.outShape[2], 5);
  assert.deepEqual(verdict(7, 5, dil.slips.size), { right: false, why: 'noDilation', params: { k: 3, d: 2, span: 5 } });
});

test('parameters on an RGB input with 4 filters: the channels, the bias per channel, the filters', async () => {
  const { geometry, slips } = await question({ input: 'rgb', kernel: 3, filters: 4 });
  const right = (3 * 3 * 3 + 1) * 4;  // 112
  assert.equal(geometry.params, right);
  assert.equal(verdict(3 * 3 * 3 * 4, right, slips.params).why, 'noBias');                 // 108
  assert.equal(verdict((3 * 3 + 1) * 4, right, slips.params).why, 'noChannels');           // 40
  assert.equal(verdict((3 * 3 + 1) * 3 * 4, right, slips.params).why, 'biasPerChannel');   // 120
  assert.equal(verdict(3 * 3 * 3 + 1, right, slips.params).why, 'noFilters');              // 28
  assert.equal(verdict(3 * 3 * 4, right, slips.params).why, 'noBiasNoChannels');           // 36
  assert.deepEqual(verdict(40, right, slips.params).params, { cin: 3 });
});

test('pooling: no parameters; the window counted as weights is named; ceil_mode rounds up', async () => {
  const { geometry, slips } = await question({ mode: 'pool', size: 7, poolWindow: 2, poolStride: 2, poolCeil: true });
  // ⌈(7 − 2)/2⌉ + 1 = 4; floor would give 3
  assert.equal(geometry.outShape[2], 4);
  assert.equal(geometry.params, 0);
  assert.equal(verdict(3, 4, slips.size).why, 'roundedDown');
  assert.equal(verdict(4, 0, slips.params).why, 'poolWindow');
  assert.equal(verdict(5, 0, slips.params).why, 'other');
});

test('a slip that would make an impossible layer is left out, not thrown', async () => {
  // 5x5 with a 7x7 kernel fits only with padding 1 or more: without the padding, there is no layer
  const { geometry, slips } = await question({ size: 5, kernel: 7, padding: 1 });
  assert.equal(geometry.outShape[2], 1);
  assert.ok(!slips.size.some((s) => s.why === 'noPadding'));
  assert.equal(verdict(0, 1, slips.size).why, 'noPlusOne');
});
