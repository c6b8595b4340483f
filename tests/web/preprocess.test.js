// MNIST preprocessing (web/src/ui/preprocess.js) on images small enough to
// work out by hand. To add a case: build the image as an array, write the
// expected box / size / centre / pixels you computed on paper, and compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inkBoundingBox, fitSize, resampleArea, centreOfMass, paste, mnistPreprocess,
} from '../../web/src/ui/preprocess.js';

const close = (a, b, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps, `${a} is not ${b}`);
const closeAll = (a, b) => { assert.equal(a.length, b.length); a.forEach((v, i) => close(v, b[i])); };

test('inkBoundingBox: the smallest box around the ink, null when there is none', () => {
  // 5 wide, 4 high; ink at (1,1) and (3,2)
  const img = Float32Array.from([
    0, 0, 0, 0, 0,
    0, 1, 0, 0, 0,
    0, 0, 0, 0.5, 0,
    0, 0, 0, 0, 0,
  ]);
  assert.deepEqual(inkBoundingBox(img, 5, 4), { x: 1, y: 1, w: 3, h: 2 });
  assert.deepEqual(inkBoundingBox(img, 5, 4, 0.6), { x: 1, y: 1, w: 1, h: 1 });
  assert.equal(inkBoundingBox(new Float32Array(20), 5, 4), null);
});

test('fitSize: the longer side becomes 20, the shorter keeps the aspect (at least 1)', () => {
  assert.deepEqual(fitSize(10, 5), { w: 20, h: 10 });
  assert.deepEqual(fitSize(3, 30), { w: 2, h: 20 });   // 3 * 20/30 = 2
  assert.deepEqual(fitSize(1, 100), { w: 1, h: 20 });  // 0.2 rounds to 0: kept at 1
  assert.deepEqual(fitSize(7, 7, 28), { w: 28, h: 28 });
});

test('resampleArea: each output pixel is the mean of the area it covers', () => {
  // 4x4 -> 2x2: means of the 2x2 blocks
  const img = Float32Array.from([
    1, 1, 0, 0,
    1, 1, 0, 1,
    0, 0, 1, 1,
    0, 0, 1, 1,
  ]);
  closeAll(resampleArea(img, 4, { x: 0, y: 0, w: 4, h: 4 }, 2, 2), [1, 0.25, 0, 1]);
  // a crop: the box x=2..3, y=0..1 -> 1x1: (0 + 0 + 0 + 1) / 4
  closeAll(resampleArea(img, 4, { x: 2, y: 0, w: 2, h: 2 }, 1, 1), [0.25]);
  // upscaling 2 -> 3 wide: cells [0,2/3), [2/3,4/3), [4/3,2): 0, half of each, 1
  closeAll(resampleArea(Float32Array.from([0, 1]), 2, { x: 0, y: 0, w: 2, h: 1 }, 3, 1), [0, 0.5, 1]);
  // 3 -> 2 wide: cells [0,1.5), [1.5,3): (a + b/2)/1.5, (b/2 + c)/1.5
  closeAll(resampleArea(Float32Array.from([0.3, 0.6, 0.9]), 3, { x: 0, y: 0, w: 3, h: 1 }, 2, 1),
    [(0.3 + 0.3) / 1.5, (0.3 + 0.9) / 1.5]);
});

test('centreOfMass: the intensity-weighted mean position in pixel-index units', () => {
  // 3x3 with 1 at (0,0) and 3 at (2,0): x = (0*1 + 2*3) / 4 = 1.5, y = 0
  const img = new Float32Array(9);
  img[0] = 1; img[2] = 3;
  assert.deepEqual(centreOfMass(img, 3, 3), { x: 1.5, y: 0 });
  img[8] = 4;  // 4 at (2,2): x = (0 + 6 + 8) / 8 = 1.75, y = 8 / 8 = 1
  assert.deepEqual(centreOfMass(img, 3, 3), { x: 1.75, y: 1 });
  assert.equal(centreOfMass(new Float32Array(9), 3, 3), null);
});

test('paste: copies at an offset and drops what falls outside', () => {
  const img = Float32Array.from([1, 2, 3, 4]);  // 2x2
  closeAll(paste(img, 2, 2, 3, 1, 1), [0, 0, 0, 0, 1, 2, 0, 3, 4]);
  closeAll(paste(img, 2, 2, 3, -1, 2), [0, 0, 0, 0, 0, 0, 2, 0, 0]);
});

test('mnistPreprocess: a 10x10 square in the corner of a pad becomes a centred 20x20 square', () => {
  const w = 100, h = 100;
  const ink = new Float32Array(w * h);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) ink[y * w + x] = 1;
  const r = mnistPreprocess(ink, w, h);
  assert.equal(r.empty, false);
  assert.deepEqual(r.box, { x: 0, y: 0, w: 10, h: 10 });
  assert.deepEqual([r.fitted.w, r.fitted.h], [20, 20]);
  assert.ok(r.fitted.data.every((v) => Math.abs(v - 1) < 1e-6));
  assert.deepEqual(r.com, { x: 9.5, y: 9.5 });
  // round(14 - 9.5) = 5: the square fills rows and columns 5..24, centre of mass 14.5
  assert.deepEqual(r.offset, { x: 5, y: 5 });
  assert.deepEqual(r.comAfter, { x: 14.5, y: 14.5 });
  assert.equal(r.image.length, 784);
  assert.equal(r.image[5 * 28 + 5], 1);
  assert.equal(r.image[4 * 28 + 5], 0);
  assert.equal(r.image[24 * 28 + 24], 1);
  assert.equal(r.image[25 * 28 + 24], 0);
  // centred on the geometric centre instead: round(13.5 - 9.5) = 4
  assert.deepEqual(mnistPreprocess(ink, w, h, { centreAt: 13.5 }).offset, { x: 4, y: 4 });
});

test('mnistPreprocess: the centre of mass, not the box, goes to the centre', () => {
  // an "L": a 1-wide bar 40 high at x=0, and a foot 40 wide on the bottom row
  // (bounding box 40x40 -> fitted 20x20 by 2x2 means).
  const w = 50, h = 50;
  const ink = new Float32Array(w * h);
  for (let y = 0; y < 40; y++) ink[y * w] = 1;
  for (let x = 0; x < 40; x++) ink[39 * w + x] = 1;
  const r = mnistPreprocess(ink, w, h);
  assert.deepEqual([r.fitted.w, r.fitted.h], [20, 20]);
  // fitted: column 0 holds 0.5 in rows 0..18 (half a 2-wide block), and row
  // 19 holds 0.5 in columns 1..19 and 0.75 at (0,19).
  close(r.fitted.data[0], 0.5);
  close(r.fitted.data[19 * 20], 0.75);
  close(r.fitted.data[19 * 20 + 5], 0.5);
  // mass: 19*0.5 + 0.75 + 19*0.5 = 19.75; x-moment: 0.5 * (1+...+19) = 95
  close(r.com.x, 95 / 19.75);
  close(r.com.y, (0.5 * (0 + 18) * 19 / 2 + 19 * 0.75 + 19 * 0.5 * 19) / 19.75);
  // x: round(14 - 4.81) = 9, y: round(14 - 14.19) = 0; fitted (0,0) lands at (9,0)
  assert.deepEqual(r.offset, { x: 9, y: 0 });
  close(r.image[9], 0.5);
  close(r.image[19 * 28 + 9], 0.75);
  // the foot's last column would land at x = 28: it falls outside and is dropped
  close(r.image[19 * 28 + 27], 0.5);
  assert.ok(r.comAfter.x < 14 && r.comAfter.x > 13);
});

test('mnistPreprocess without centring shrinks the whole pad; an empty pad gives zeros', () => {
  const w = 56, h = 56;
  const ink = new Float32Array(w * h);
  ink[0] = 1; ink[1] = 1; ink[w] = 1; ink[w + 1] = 1;  // the top-left 2x2 block
  const r = mnistPreprocess(ink, w, h, { centre: false });
  assert.equal(r.centred, false);
  assert.equal(r.image[0], 1);   // 56 -> 28: each output pixel is a 2x2 mean
  assert.equal(r.image[1], 0);
  const e = mnistPreprocess(new Float32Array(w * h), w, h);
  assert.equal(e.empty, true);
  assert.ok(e.image.every((v) => v === 0));
});
