// Reading a photo (web/src/ui/photo.js) on synthetic pictures made here:
// strokes of a chosen tone on a paper of another, under light that falls off
// across the picture, with seeded noise. To add a case: build a picture with
// photo() below (strokes as segments in 0..1 units), run readPhoto and state
// what a person would see in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readPhoto, inkPolarity, greyscale, otsu, components, pickDigit, fileProblem, sizeProblem, PHOTO_LIMITS, NO_DIGIT,
  onWhite, isJpeg, quantile,
} from '../../web/src/ui/photo.js';
import { mnistPreprocess } from '../../web/src/ui/preprocess.js';
import { rng } from '../e2e/drawings.js';

/** Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
function segDist(px, py, [x0, y0, x1, y1]) {
  const dx = x1 - x0, dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - x0 - t * dx, py - y0 - t * dy);
}

/**
 * A w x h RGBA picture: paper of tone `paper`, lit from the left (the right
 * edge gets `light` times as much), segments of tone `ink` and width `width`
 * (fractions of the shorter side), Gaussian-ish noise of `noise`, and extra
 * dots [x, y, r] (fractions) of the ink's tone.
 */
function photo({ w = 200, h = 160, paper = 0.85, ink = 0.15, light = 0.6, segs = [], width = 0.05, noise = 0.02, dots = [], seed = 1 }) {
  const rnd = rng(seed);
  const rgba = new Uint8ClampedArray(w * h * 4);
  const s = Math.min(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / s, v = y / s;
      let tone = paper;
      const d = Math.min(Infinity, ...segs.map((g) => segDist(u, v, g)));
      const cover = Math.max(0, Math.min(1, (width / 2 - d) * s + 0.5));
      tone = tone * (1 - cover) + ink * cover;
      for (const [dx, dy, r] of dots) if (Math.hypot(u - dx, v - dy) < r) tone = ink;
      const lit = tone * (1 - (1 - light) * (x / w));
      const n = noise * (rnd() + rnd() + rnd() - 1.5) * 2;
      const g = Math.round(255 * Math.min(1, Math.max(0, lit + n)));
      rgba.set([g, g, g, 255], 4 * (y * w + x));
    }
  }
  return { rgba, w, h };
}

// a "7" and a "4", in units of the shorter side (160 px)
const SEVEN = [[0.45, 0.25, 0.8, 0.25], [0.8, 0.25, 0.6, 0.8]];
const FOUR = [[0.7, 0.2, 0.45, 0.6], [0.45, 0.6, 0.85, 0.6], [0.75, 0.4, 0.75, 0.85]];

const read = (p) => readPhoto(p.rgba, p.w, p.h);

test('dark ink on light paper is turned over; light chalk on a dark board is not', () => {
  const paper = read(photo({ segs: SEVEN }));
  assert.equal(paper.polarity.darkInk, true);
  assert.equal(paper.found, true, paper.reason);
  const board = read(photo({ segs: SEVEN, paper: 0.2, ink: 0.9, light: 0.7 }));
  assert.equal(board.polarity.darkInk, false);
  assert.equal(board.found, true, board.reason);
  // the same picture inverted decides the other way
  const { rgba, w, h } = photo({ segs: FOUR });
  const inverted = rgba.map((v, i) => (i % 4 === 3 ? v : 255 - v));
  assert.equal(inkPolarity(greyscale(rgba, w, h), w, h).darkInk, true);
  assert.equal(inkPolarity(greyscale(inverted, w, h), w, h).darkInk, false);
  // in both, the turned image has the ink bright: the strokes' pixels are above the paper's
  for (const r of [paper, board]) {
    const at = (u, v) => r.turned[Math.round(v * 160) * r.w + Math.round(u * 160)];
    assert.ok(at(0.6, 0.25) > at(0.2, 0.9) + 0.3, 'the stroke is brighter than the paper once turned');
  }
});

test('uneven light: the whole stroke passes the threshold and no paper does', () => {
  // the right edge gets a third of the light: there the paper is darker than the ink on the left
  const r = read(photo({ segs: SEVEN, light: 0.33, noise: 0.01 }));
  assert.equal(r.found, true, r.reason);
  const mask = (u, v) => r.mask[Math.round(v * 160) * r.w + Math.round(u * 160)];
  for (const [u, v] of [[0.5, 0.25], [0.79, 0.26], [0.7, 0.52], [0.61, 0.78]]) assert.equal(mask(u, v), 1, `stroke at ${u},${v}`);
  for (const [u, v] of [[0.1, 0.1], [1.15, 0.9], [1.2, 0.2], [0.3, 0.6]]) assert.equal(mask(u, v), 0, `paper at ${u},${v}`);
});

test('crop to the ink: the digit\'s box, without specks or a shadow along the edge', () => {
  // specks far away, a dark band along the bottom edge
  const p = photo({ segs: FOUR, dots: [[0.1, 0.1, 0.012], [1.1, 0.15, 0.01]], noise: 0.01 });
  for (let y = 150; y < 160; y++) for (let x = 0; x < 200; x++) p.rgba.fill(30, 4 * (y * 200 + x), 4 * (y * 200 + x) + 3);
  const r = read(p);
  assert.equal(r.found, true, r.reason);
  // the 4 spans x 0.45..0.85, y 0.2..0.85 of 160 px, plus half the stroke width (4 px)
  const { x, y, w, h } = r.box;
  assert.ok(Math.abs(x - 0.45 * 160 + 4) <= 3 && Math.abs(x + w - 0.85 * 160 - 4) <= 3, `x ${x}..${x + w}`);
  assert.ok(Math.abs(y - 0.2 * 160 + 4) <= 3 && Math.abs(y + h - 0.85 * 160 - 4) <= 3, `y ${y}..${y + h}`);
  // the ink raster holds the digit and nothing of the specks or the band
  const { ink, inkSize, offset } = r;
  const at = (px, py) => ink[(py + offset.y) * inkSize + px + offset.x];
  assert.equal(at(Math.round(0.1 * 160), Math.round(0.1 * 160)), 0);
  assert.equal(at(100, 155), 0);
  assert.ok(at(Math.round(0.75 * 160), Math.round(0.7 * 160)) > 0.8);
  // and the MNIST recipe takes it from there: crop, 20 px, centred
  const m = mnistPreprocess(ink, inkSize, inkSize);
  assert.equal(m.empty, false);
  assert.equal(Math.max(m.fitted.w, m.fitted.h), 20);
  assert.ok(Math.abs(m.comAfter.x - 14) < 1 && Math.abs(m.comAfter.y - 14) < 1);
});

test('a digit broken in two by the threshold keeps both parts', () => {
  // a 5 drawn as its flag and its body, apart by a small gap
  const FIVE = [[0.5, 0.25, 0.75, 0.25], [0.48, 0.32, 0.47, 0.5], [0.47, 0.5, 0.7, 0.55], [0.7, 0.55, 0.7, 0.75], [0.7, 0.75, 0.45, 0.8]];
  const r = read(photo({ segs: FIVE, width: 0.045 }));
  assert.equal(r.found, true, r.reason);
  assert.ok(r.kept.size >= 2, `${r.kept.size} parts kept`);
  assert.ok(r.box.y <= 0.25 * 160 - 2 && r.box.y + r.box.h >= 0.8 * 160, 'the box holds flag and body');
});

test('no digit: blank paper, a uniform gradient, noise, a texture, specks, a blob', () => {
  const cases = {
    blank: photo({ noise: 0.02 }),
    gradient: photo({ light: 0.3, noise: 0 }),
    noisy: photo({ noise: 0.08, seed: 5 }),
    specks: photo({ dots: [[0.3, 0.3, 0.012], [0.9, 0.5, 0.015], [0.6, 0.8, 0.01]] }),
    blob: photo({ dots: [[0.6, 0.5, 0.18]] }),
    faint: photo({ segs: SEVEN, ink: 0.79, paper: 0.85, noise: 0.004 }),  // visible, but a shadow's contrast
  };
  // a texture: stripes and checks all over
  const tex = photo({ noise: 0.03 });
  for (let y = 0; y < tex.h; y++) {
    for (let x = 0; x < tex.w; x++) if (((x >> 3) + (y >> 2)) % 3 === 0) tex.rgba.fill(60, 4 * (y * tex.w + x), 4 * (y * tex.w + x) + 3);
  }
  cases.texture = tex;
  const reasons = {};
  for (const [name, p] of Object.entries(cases)) {
    const r = read(p);
    assert.equal(r.found, false, `${name}: read as a digit (${JSON.stringify(r.stats)})`);
    assert.ok(r.ink.every((v) => v === 0), `${name}: no ink goes to the network`);
    reasons[name] = r.reason;
  }
  assert.equal(reasons.blob, 'blob');
  assert.equal(reasons.faint, 'faint');
  assert.ok(['texture', 'parts', 'marks', 'none'].includes(reasons.texture), reasons.texture);
  assert.ok(['marks', 'none'].includes(reasons.noisy), reasons.noisy);
});

test('otsu separates two tones; components are 8-connected and know the edge', () => {
  const values = Float32Array.from([...Array(90).fill(0.1), ...Array(10).fill(0.7)]);
  const t = otsu(values);
  assert.ok(t > 0.1 && t <= 0.7, `${t}`);
  // 6 x 4: a diagonal pair (one part), a lone pixel on the right edge
  const mask = Uint8Array.from([
    0, 0, 0, 0, 0, 0,
    0, 1, 0, 0, 0, 1,
    0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0,
  ]);
  const { parts, labels } = components(mask, 6, 4);
  assert.equal(parts.length, 2);
  assert.deepEqual(parts.map((p) => [p.area, p.edge]), [[2, false], [1, true]]);
  assert.equal(labels[7], labels[14]);
  // a part on the edge is never the digit
  assert.equal(pickDigit([{ ...parts[0], area: 50, edge: true }], 100, 100), null);
});

test('bad files are refused before decoding, naming the file and what is wrong', () => {
  assert.equal(fileProblem({ name: 'a.jpg', size: 1000, type: 'image/jpeg' }), null);
  assert.equal(fileProblem({ name: 'photo', size: 1000, type: '' }), null);  // no type: the browser decides
  assert.deepEqual(fileProblem({ name: 'notes.txt', size: 10, type: 'text/plain' }), { key: 'photo.bad.type', params: { name: 'notes.txt', type: 'text/plain' } });
  assert.deepEqual(fileProblem({ name: 'e.png', size: 0, type: 'image/png' }), { key: 'photo.bad.emptyFile', params: { name: 'e.png' } });
  const big = fileProblem({ name: 'big.jpg', size: PHOTO_LIMITS.maxBytes + 1, type: 'image/jpeg' });
  assert.equal(big.key, 'photo.bad.bytes');
  assert.equal(big.params.max, 25);
  assert.equal(fileProblem(null).key, 'photo.bad.notFile');
  assert.equal(fileProblem('a.jpg').key, 'photo.bad.notFile');
  assert.equal(sizeProblem('x.png', 640, 480), null);
  assert.deepEqual(sizeProblem('dot.png', 1, 1), { key: 'photo.bad.tiny', params: { name: 'dot.png', w: 1, h: 1, min: 28 } });
  assert.equal(sizeProblem('huge.png', 20000, 20000).key, 'photo.bad.huge');
  assert.equal(sizeProblem('wide.png', 9000, 9000).key, 'photo.bad.huge');  // 81 megapixels
  assert.equal(sizeProblem('broken.jpg', 0, 0).key, 'photo.bad.decode');
  assert.ok(NO_DIGIT.minContrast > 0);
});

test('thin strokes are thickened to MNIST\'s pen; strokes of MNIST\'s width are left alone', () => {
  const thin = read(photo({ segs: SEVEN, width: 0.012, noise: 0.01 }));
  assert.equal(thin.found, true, thin.reason);
  assert.ok(thin.stroke.width < 4, `measured ${thin.stroke.width} px`);
  assert.ok(Math.abs(thin.stroke.thickenedTo - 0.1 * thin.stroke.digit) < 1e-9);
  const normal = read(photo({ segs: SEVEN, width: 0.06, noise: 0.01 }));
  assert.equal(normal.stroke.thickenedTo, null);
  assert.ok(Math.abs(normal.stroke.width - 0.06 * 160) < 3, `measured ${normal.stroke.width} px for 9.6`);
  // after the MNIST recipe, the thin 7 carries about as much ink as the normal one
  const mass = (r) => mnistPreprocess(r.ink, r.inkSize, r.inkSize).image.reduce((a, v) => a + v, 0);
  const ratio = mass(thin) / mass(normal);
  assert.ok(ratio > 0.6 && ratio < 1.4, `ink ${ratio} times the normal 7's`);
});

test('see-through pixels go on white paper and are counted; a JPEG is told by its first bytes', () => {
  // opaque red, half-transparent black, fully transparent
  const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 128, 10, 20, 30, 0]);
  assert.equal(onWhite(rgba), 2);
  assert.deepEqual([...rgba], [255, 0, 0, 255, 127, 127, 127, 255, 255, 255, 255, 255]);
  assert.equal(isJpeg(Uint8Array.from([0xFF, 0xD8, 0xFF, 0xE0])), true);
  assert.equal(isJpeg(Uint8Array.from([0x89, 0x50, 0x4E])), false);
  assert.equal(isJpeg(Uint8Array.from([0xFF, 0xD8])), false);
});

test('quantile: exact on few values, within a 4096th of the range on many', () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile([], 0.5), 0);
  const many = Float32Array.from({ length: 10001 }, (_, i) => (i * 7919) % 10001 / 10000);  // 0..1 in a shuffled order
  for (const q of [0, 0.1, 0.5, 0.999, 1]) assert.ok(Math.abs(quantile(many, q) - q) <= 1 / 4096 + 1e-4, `q ${q}: ${quantile(many, q)}`);
  assert.equal(quantile(new Float32Array(500).fill(0.25), 0.3), 0.25);
});
