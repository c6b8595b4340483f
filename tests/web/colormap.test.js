// Colour maps and the choice of map per layer (web/src/ui/colormap.js,
// network-view.js). To add a case: give values or layer kinds and the
// colours or maps you expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourTable, paintValues, valueRange, MAP_STOPS, divergingRgb, divergingColour, maxAbs } from '../../web/src/ui/colormap.js';
import { colourModes } from '../../web/src/ui/network-view.js';

const rgbOf = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

test('tables run from the first stop to the last; the diverging one is white in the middle', () => {
  for (const name of Object.keys(MAP_STOPS)) {
    const lut = colourTable(name);
    const stops = MAP_STOPS[name];
    assert.deepEqual(Array.from(lut.subarray(0, 3)), rgbOf(stops[0]), name);
    assert.deepEqual(Array.from(lut.subarray(255 * 3)), rgbOf(stops.at(-1)), name);
  }
  const mid = colourTable('diverging').subarray(127 * 3, 129 * 3);
  assert.ok(Array.from(mid).every((c) => c > 235), 'near-white around 0');
});

test('paintValues maps [lo, hi] onto the table, clamps outside, shows NaN as the low end', () => {
  const lut = colourTable('gray');
  const px = new Uint8ClampedArray(5 * 4);
  paintValues(px, Float32Array.from([-1, 0, 0.5, 1, 2]), 0, 5, lut, 0, 1);
  assert.deepEqual(Array.from(px.filter((_, i) => i % 4 === 0)), [0, 0, 128, 255, 255]);
  assert.ok(px.filter((_, i) => i % 4 === 3).every((a) => a === 255));
  paintValues(px, Float32Array.from([NaN]), 0, 1, lut, 0, 1);
  assert.equal(px[0], 0);
});

test('valueRange: symmetric for signed maps, from 0 otherwise, never empty', () => {
  assert.deepEqual(valueRange(Float32Array.from([-0.5, 2, 1]), true), [-2, 2]);
  assert.deepEqual(valueRange(Float32Array.from([-0.5, NaN, -Infinity]), true), [-0.5, 0.5]);
  assert.deepEqual(valueRange(Float32Array.from([-3, 2]), true), [-3, 3]);
  assert.deepEqual(valueRange(Float32Array.from([0, 0.25]), false), [0, 0.25]);
  assert.deepEqual(valueRange(new Float32Array(4), false), [0, 1]);
});

test('colourModes: the input grey, signed outputs diverging, what cannot be negative viridis', () => {
  const kinds = ['conv2d', 'relu', 'maxpool2d', 'conv2d', 'relu', 'maxpool2d', 'flatten', 'dense', 'relu', 'dense', 'softmax'];
  assert.deepEqual(colourModes(kinds.map((kind) => ({ kind }))), [
    'gray', 'diverging', 'viridis', 'viridis', 'diverging', 'viridis', 'viridis', 'viridis', 'diverging', 'viridis',
    'diverging', 'viridis',
  ]);
  // pooling keeps the sign of what it pools: after a conv it is still signed
  assert.deepEqual(colourModes([{ kind: 'conv2d' }, { kind: 'maxpool2d' }, { kind: 'sigmoid' }]), ['gray', 'diverging', 'diverging', 'viridis']);
});

test('the lab\'s blue–white–orange: white at 0, blue at -m, orange at +m, clamped outside, grey for NaN', () => {
  assert.deepEqual(divergingRgb(0, 4), [247, 247, 247]);
  assert.deepEqual(divergingRgb(-4, 4), rgbOf('#2166ac'));
  assert.deepEqual(divergingRgb(4, 4), rgbOf('#e08214'));
  assert.deepEqual(divergingRgb(40, 4), rgbOf('#e08214'));
  assert.deepEqual(divergingRgb(2, 4), [236, 189, 134]);   // half way from white to orange, rounded
  assert.deepEqual(divergingRgb(-1, 4), [194, 211, 228]);
  assert.deepEqual(divergingRgb(Infinity, 4), rgbOf(MAP_STOPS.diverging.at(-1)));
  assert.deepEqual(divergingRgb(-Infinity, 4), rgbOf(MAP_STOPS.diverging[0]));
  assert.deepEqual(divergingRgb(NaN, 4), [153, 153, 153]);
  assert.equal(divergingColour(2, 4), 'rgb(236,189,134)');
  assert.equal(maxAbs([0.5, -3, NaN, Infinity]), 3);
  assert.equal(maxAbs([]), 1);
});
