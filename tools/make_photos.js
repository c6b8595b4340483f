#!/usr/bin/env node
// Test photos of digits, made deterministically: held-out MNIST digits (the
// last 2,000 of build/data/mnist.cnnd, which the shipped model never trained
// on; see tools/prepare_data.js) drawn as pen or pencil on paper, or as chalk
// on a board, the way a phone would see them: lit unevenly (a gradient and a
// vignette), some with a shadow along an edge and specks of dirt, turned a
// little, blurred a little, with sensor noise, and saved as JPEG at quality
// 40, 70 or 95. Beside them, photos with no digit at all: blank paper, a
// plain gradient, noise, a texture, paper with specks.
//
//   node tools/make_photos.js [--count N] [--blanks N] [--seed S] [--out DIR]
//
// writes DIR (build/photos by default)/<name>.jpg and index.json
// ([{ name, kind, label }]). The pictures are drawn by Chromium's canvas
// (renderPhotos takes a Playwright page), so the test files run the same
// code in the browser they test in. The plan of each photo comes from a
// seeded generator (planPhotos): the same seed, the same photos.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../web/src/engine/dataset.js';
import { rng } from '../tests/e2e/drawings.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = join(root, 'build/data/mnist.cnnd');
export const QUALITIES = Object.freeze([0.4, 0.7, 0.95]);
const SIZES = [[640, 480], [480, 640], [560, 420], [480, 480], [600, 450]];
const BLANK_KINDS = ['paper', 'gradient', 'noise', 'texture', 'specks'];

/** The held-out digits of the MNIST data file: { labels, image(i) bytes } over the held-out indices. */
export function heldOutDigits(path = DATA) {
  const set = readDataset(readFileSync(path));
  const indices = Array.from({ length: set.count - set.trainCount }, (_, k) => set.trainCount + k);
  return {
    indices,
    label: (i) => set.labels[i],
    pixels: (i) => Array.from(set.pixels.subarray(i * 784, (i + 1) * 784)),
  };
}

/**
 * The plan of `count` digit photos and `blanks` photos without a digit: one
 * object per photo, everything the drawing needs, chosen by a generator seeded
 * with `seed`. Digits are drawn from the held-out split without repeats.
 */
export function planPhotos({ count = 300, blanks = 50, seed = 16, data = heldOutDigits() } = {}) {
  const rnd = rng(seed);
  const between = (a, b) => a + (b - a) * rnd();
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const order = data.indices.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const scene = (k) => {
    const [w, h] = pick(SIZES);
    const board = rnd() < 0.2;
    const paper = board ? [between(35, 70), between(55, 85), between(45, 70)] : [between(215, 250), between(210, 245), between(195, 235)];
    const grey = between(80, 130);  // a pencil
    const ink = board ? [between(215, 245), between(215, 245), between(210, 240)]
      : pick([[between(10, 50), between(10, 50), between(10, 50)], [between(20, 50), between(30, 60), between(90, 140)], [grey, grey, grey + 5]]);
    return {
      w, h, board, paper, ink, quality: QUALITIES[k % QUALITIES.length],
      light: { angle: between(0, 2 * Math.PI), low: between(0.55, 0.95) },
      vignette: between(0, 0.35),
      shadow: rnd() < 0.25 ? { edge: Math.floor(rnd() * 4), depth: between(0.05, 0.15), dark: between(0.3, 0.6) } : null,
      specks: Array.from({ length: rnd() < 0.5 ? Math.floor(between(1, 6)) : 0 }, () => [between(0.05, 0.95), between(0.05, 0.95), between(1, 2.5)]),
      blur: between(0, 1.2),
      noise: between(2, 9),
      seed: Math.floor(rnd() * 2 ** 31),
    };
  };
  const plans = [];
  for (let k = 0; k < count; k++) {
    const index = order[k];
    const label = data.label(index);
    plans.push({
      ...scene(k), kind: 'digit', label, index, name: `digit-${String(k).padStart(4, '0')}-${label}`,
      pixels: data.pixels(index),
      size: between(0.3, 0.6),                  // the 20 px MNIST box, as a fraction of the shorter side
      angle: between(-12, 12) * Math.PI / 180,
      at: [between(0.38, 0.62), between(0.38, 0.62)],
    });
  }
  for (let k = 0; k < blanks; k++) {
    const blank = BLANK_KINDS[k % BLANK_KINDS.length];
    const s = scene(k);
    if (blank === 'gradient') Object.assign(s, { noise: 0, specks: [], shadow: null, light: { ...s.light, low: between(0.3, 0.6) } });
    if (blank === 'noise') s.noise = between(25, 45);
    if (blank === 'specks') s.specks = Array.from({ length: 8 }, () => [between(0.05, 0.95), between(0.05, 0.95), between(1, 3)]);
    if (blank === 'paper') s.specks = [];
    plans.push({ ...s, kind: 'blank', blank, label: null, name: `blank-${String(k).padStart(4, '0')}-${blank}` });
  }
  return plans;
}

/**
 * Draws the planned photos in the page's canvas and encodes them as JPEG.
 * Returns [{ name, kind, label, base64 }]; with keep, the page also holds them
 * as File objects in globalThis.cnnTestPhotos (in plan order).
 */
export async function renderPhotos(page, plans, { keep = false, batch = 25 } = {}) {
  const out = [];
  await page.evaluate(`globalThis.cnnTestRng = ${rng}`);  // the same generator, in the page
  for (let i = 0; i < plans.length; i += batch) {
    out.push(...await page.evaluate(drawPhotos, { plans: plans.slice(i, i + batch), keep }));
  }
  return out;
}

// Runs in the page: everything it uses is inside, or put there by renderPhotos (cnnTestRng).
async function drawPhotos({ plans, keep }) {
  const rng = globalThis.cnnTestRng;
  const rgb = (c, a = 1) => `rgba(${c.map(Math.round).join(',')},${a})`;
  const results = [];
  if (keep) globalThis.cnnTestPhotos ??= [];
  for (const p of plans) {
    const rnd = rng(p.seed);
    const canvas = document.createElement('canvas');
    canvas.width = p.w; canvas.height = p.h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const short = Math.min(p.w, p.h);
    ctx.fillStyle = rgb(p.paper);
    ctx.fillRect(0, 0, p.w, p.h);
    if (p.blank === 'texture') {
      // woven blotches of the paper's tone and darker, all over
      for (let k = 0; k < 2500; k++) {
        const tone = 0.35 + 0.65 * rnd();
        ctx.fillStyle = rgb(p.paper.map((c) => c * tone));
        ctx.fillRect(rnd() * p.w, rnd() * p.h, 3 + 10 * rnd(), 2 + 5 * rnd());
      }
    }
    if (p.kind === 'digit') {
      // the digit's 28x28 as ink coverage, scaled up smoothly, then its edges sharpened as a pen's are
      const up = 8, side = 28 * up;
      const small = document.createElement('canvas');
      small.width = small.height = 28;
      const sImg = small.getContext('2d').createImageData(28, 28);
      for (let i = 0; i < 784; i++) sImg.data.set([0, 0, 0, p.pixels[i]], 4 * i);
      small.getContext('2d').putImageData(sImg, 0, 0);
      const big = document.createElement('canvas');
      big.width = big.height = side;
      const bctx = big.getContext('2d', { willReadFrequently: true });
      bctx.imageSmoothingEnabled = true;
      bctx.imageSmoothingQuality = 'high';
      bctx.drawImage(small, 0, 0, side, side);
      const bImg = bctx.getImageData(0, 0, side, side);
      for (let i = 0; i < side * side; i++) {
        const a = bImg.data[4 * i + 3] / 255;
        const t = Math.min(1, Math.max(0, (a - 0.2) / 0.4));
        bImg.data.set([...p.ink.map(Math.round), Math.round(255 * t * t * (3 - 2 * t))], 4 * i);
      }
      bctx.putImageData(bImg, 0, 0);
      const scale = (p.size * short) / (20 * up);
      ctx.save();
      ctx.translate(p.at[0] * p.w, p.at[1] * p.h);
      ctx.rotate(p.angle);
      ctx.scale(scale, scale);
      ctx.drawImage(big, -side / 2, -side / 2);
      ctx.restore();
    }
    for (const [x, y, r] of p.specks) {
      ctx.fillStyle = rgb(p.board ? p.ink : [40, 35, 30]);
      ctx.beginPath(); ctx.arc(x * p.w, y * p.h, r, 0, 2 * Math.PI); ctx.fill();
    }
    // light: a gradient across, a vignette, maybe a shadow along an edge (all multiplied in)
    ctx.globalCompositeOperation = 'multiply';
    const { angle, low } = p.light;
    const dx = Math.cos(angle) * p.w / 2, dy = Math.sin(angle) * p.h / 2;
    const g = ctx.createLinearGradient(p.w / 2 - dx, p.h / 2 - dy, p.w / 2 + dx, p.h / 2 + dy);
    g.addColorStop(0, rgb([255 * low, 255 * low, 255 * low]));
    g.addColorStop(1, 'rgb(255,255,255)');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, p.w, p.h);
    const v = ctx.createRadialGradient(p.w / 2, p.h / 2, short * 0.3, p.w / 2, p.h / 2, Math.hypot(p.w, p.h) / 2);
    v.addColorStop(0, 'rgb(255,255,255)');
    v.addColorStop(1, rgb([255 * (1 - p.vignette), 255 * (1 - p.vignette), 255 * (1 - p.vignette)]));
    ctx.fillStyle = v;
    ctx.fillRect(0, 0, p.w, p.h);
    if (p.shadow) {
      const { edge, depth, dark } = p.shadow;
      const horizontal = edge % 2 === 0;
      const len = (horizontal ? p.h : p.w) * depth;
      const from = edge < 2 ? 0 : (horizontal ? p.h : p.w);
      const to = edge < 2 ? len : from - len;
      const s = horizontal ? ctx.createLinearGradient(0, from, 0, to) : ctx.createLinearGradient(from, 0, to, 0);
      s.addColorStop(0, rgb([255 * (1 - dark), 255 * (1 - dark), 255 * (1 - dark)]));
      s.addColorStop(0.7, rgb([255 * (1 - dark * 0.8), 255 * (1 - dark * 0.8), 255 * (1 - dark * 0.8)]));
      s.addColorStop(1, 'rgb(255,255,255)');
      ctx.fillStyle = s;
      ctx.fillRect(0, 0, p.w, p.h);
    }
    ctx.globalCompositeOperation = 'source-over';
    if (p.blur > 0.05) {
      const copy = document.createElement('canvas');
      copy.width = p.w; copy.height = p.h;
      copy.getContext('2d').drawImage(canvas, 0, 0);
      ctx.filter = `blur(${p.blur.toFixed(2)}px)`;
      ctx.drawImage(copy, 0, 0);
      ctx.filter = 'none';
    }
    if (p.noise > 0) {
      const img = ctx.getImageData(0, 0, p.w, p.h);
      const d = img.data;
      for (let i = 0; i < d.length; i += 4) {
        const n = (rnd() + rnd() - 1) * 2.45 * p.noise;  // a triangle of the given standard deviation
        d[i] += n; d[i + 1] += n; d[i + 2] += n;
      }
      ctx.putImageData(img, 0, 0);
    }
    const url = canvas.toDataURL('image/jpeg', p.quality);
    const base64 = url.slice(url.indexOf(',') + 1);
    if (keep) {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      globalThis.cnnTestPhotos.push({ name: p.name, kind: p.kind, label: p.label, file: new File([bytes], `${p.name}.jpg`, { type: 'image/jpeg' }) });
    }
    results.push({ name: p.name, kind: p.kind, label: p.label, base64 });
  }
  return results;
}

/** Writes rendered photos as DIR/<name>.jpg and DIR/index.json; returns the paths by name. */
export function writePhotos(photos, dir) {
  mkdirSync(dir, { recursive: true });
  const paths = {};
  for (const p of photos) {
    paths[p.name] = join(dir, `${p.name}.jpg`);
    writeFileSync(paths[p.name], Buffer.from(p.base64, 'base64'));
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(photos.map(({ name, kind, label }) => ({ name, kind, label })), null, 1));
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? fallback : args[i + 1];
  };
  const number = (name, fallback) => {
    const v = opt(name, String(fallback));
    if (!/^\d+$/.test(v)) {
      console.error(`--${name} must be a whole number, not "${v}"`);
      process.exit(2);
    }
    return Number(v);
  };
  const count = number('count', 300), blanks = number('blanks', 50), seed = number('seed', 16);
  const out = resolve(opt('out', join(root, 'build/photos')));
  const { chromium } = await import('playwright-core');
  const { CHROMIUM, ARGS } = await import('../tests/e2e/widget-steps.js');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage();
    const photos = await renderPhotos(page, planPhotos({ count, blanks, seed }));
    writePhotos(photos, out);
    console.log(`${photos.length} photos (${count} digits, ${blanks} without) in ${out}`);
  } finally {
    await browser.close();
  }
}
