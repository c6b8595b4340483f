// The playground page end to end, in headless Chromium (Debian's, driven by
// playwright-core; no browser is ever downloaded). It draws digits with the
// mouse the way a person does — strokes of many small moves at about 120
// moves a second — and checks what the page predicts and shows.
//
// To add a digit: write its strokes in pad units (0..1, y down) in DIGITS.
// The drawing set (drawings.js: 420 digits in the styles people use) runs a
// slice of 50 here; DRAWINGS=all (npm run test:drawings) runs all of it.
// Screenshots go to test-results/ (look at them). The stroke-to-update
// latency is printed, never asserted: speed belongs to benchmarks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.js';
import { lowContrastTexts } from './contrast.js';
import { drawingSet, slice, confusionText } from './drawings.js';
import { DIGITS, line, draw, settled, MOVE_MS } from './pen.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync'];
const OUT = new URL('../../test-results/', import.meta.url);
const DRAWINGS = drawingSet({ seed: 13, count: 420 });
const DRAWINGS_RUN = process.env.DRAWINGS === 'all' ? DRAWINGS : slice(DRAWINGS, 50);
const DRAWINGS_BAR = 0.98;

let server, context, page, base, profile;
const latencies = [];

async function openPage(p, query = '') {
  await p.goto(`${base}/${query}`);
  await p.waitForFunction(() => globalThis.cnnPlayground);
}

async function modelReady(p) {
  await p.waitForFunction(() => {
    const pg = globalThis.cnnPlayground;
    return pg?.net && !pg.inFlight && pg.root.dataset.state;
  }, null, { timeout: 30000 });
  assert.equal(await p.evaluate(() => globalThis.cnnPlayground.net.trained), true, 'the shipped, trained model is loaded');
}

before(async () => {
  server = await startServer(0);
  base = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'cnn-e2e-'));  // a fresh --user-data-dir
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  await openPage(page);
  await page.evaluate(() => {
    globalThis.__latencies = [];
    globalThis.cnnPlayground.addEventListener('update', (e) => {
      const d = { ...e.detail, image: null, probabilities: null };
      globalThis.__latencies.push(d);
      // the frame that paints the new bars and maps starts at the next animation frame
      requestAnimationFrame(() => { d.toFrame = performance.now() - d.startedAt; });
    });
  });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await context?.close();
  server?.close();
  try { rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
});

test('an empty pad asks for a digit, and every layer is described', async () => {
  await modelReady(page);
  assert.match(await page.locator('[data-testid=prediction]').textContent(), /draw a digit/i);
  assert.equal(await page.locator('[data-testid=latency]').textContent(), '', 'no time is shown for an empty pad');
  const shapes = await page.locator('[data-testid=layer-shape]').allTextContents();
  assert.deepEqual(shapes.slice(0, 4), ['1 × 28 × 28', '8 × 28 × 28', '8 × 28 × 28', '8 × 14 × 14']);
  assert.equal(shapes.length, 12);  // the input and eleven layers
  assert.match(await page.locator('[data-testid=cost-totals]').textContent(), /29,738 parameters/);
  assert.equal(await page.locator('.filters img').count(), 8);
  assert.equal(await page.locator('.drawpad-canvas').evaluate((c) => getComputedStyle(c).touchAction), 'none');
  // the footer names the engine that runs: its version and the SIMD128 path
  await page.waitForFunction(() => document.querySelector('[data-slot=engine-info]')?.textContent.length > 0);
  assert.match(await page.locator('[data-slot=engine-info]').textContent(), /Engine \d+\.\d+\.\d+, WebAssembly with SIMD \(sse4\.1, 4 floats/);
});

for (const [digit, strokes] of Object.entries(DIGITS)) {
  test(`a hand-drawn ${digit} is read as ${digit}`, async () => {
    await modelReady(page);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=clear]').click();
    await settled(page);
    await page.evaluate(() => { globalThis.__latencies.length = 0; });
    await draw(page, strokes);
    await settled(page);
    const lat = await page.evaluate(() => globalThis.__latencies.filter((d) => !d.empty));
    latencies.push(...lat);
    const predicted = await page.locator('[data-testid=prediction]').getAttribute('data-class');
    const probs = await page.evaluate(() => Array.from(globalThis.cnnPlayground.probs.last.probs, (p) => +p.toFixed(3)));
    // total ink of the 28x28 input: MNIST's digits average about 103
    const ink = await page.evaluate(() => globalThis.cnnPlayground.prep.last.result.image.reduce((a, b) => a + b, 0));
    console.log(`drew ${digit}: predicted ${predicted}, probabilities ${probs.join(' ')}, ` +
      `${lat.length} updates while drawing, ink ${ink.toFixed(0)}`);
    await page.screenshot({ path: new URL(`digit-${digit}.png`, OUT).pathname, clip: { x: 0, y: 0, width: 1280, height: 900 } });
    assert.match(await page.locator('[data-testid=latency]').textContent(), /ms from the pen to these bars/);
    assert.ok(lat.length >= 5, 'the prediction updated while the digit was being drawn');
    assert.equal(predicted, digit);
  });
}

test(`the drawing set: ${DRAWINGS_RUN.length} of ${DRAWINGS.length} digits drawn in people's styles are read right at least ${100 * DRAWINGS_BAR}% of the time`, async () => {
  await modelReady(page);
  const rows = [];
  for (const d of DRAWINGS_RUN) {
    await page.locator('[data-testid=clear]').click();
    await settled(page);
    await draw(page, d.strokes);
    await settled(page);
    const predicted = await page.locator('[data-testid=prediction]').getAttribute('data-class');
    rows.push({ ...d, predicted });
    if (predicted !== d.digit) {
      console.log(`drawing ${d.index} (a ${d.digit}, ${d.style}, slant ${d.slant}°, size ${d.size}, width ${d.width}, ` +
        `${d.speed}, ${d.points} points) read as ${predicted}`);
    }
  }
  await page.locator('[data-testid=clear]').click();
  await settled(page);
  const right = rows.filter((r) => r.predicted === r.digit).length;
  console.log(`the drawing set: ${right} of ${rows.length} read right (${(100 * right / rows.length).toFixed(1)}%); ` +
    `confusion counts (rows: the digit drawn, columns: what the page read):\n${confusionText(rows)}`);
  assert.ok(right >= DRAWINGS_BAR * rows.length, `${right} of ${rows.length} drawings read right`);
});

test('a scribble or a dot is not read as a confident digit: the page says it is unsure and names two', async () => {
  await modelReady(page);
  const scribble = [Array.from({ length: 60 }, (_, i) => [0.3 + 0.4 * ((i % 4 < 2) ? (i % 2) : 1 - (i % 2)) + 0.02 * Math.sin(i), 0.25 + (0.5 * i) / 59])];
  const cross = [[...line(0.25, 0.25, 0.75, 0.75), ...line(0.75, 0.75, 0.25, 0.7), ...line(0.25, 0.7, 0.75, 0.3), ...line(0.75, 0.3, 0.3, 0.3)]];
  const dot = [[[0.5, 0.5], [0.505, 0.503]]];
  for (const [what, strokes] of [['a scribble', scribble], ['a crossed zigzag', cross], ['a dot', dot]]) {
    await page.locator('[data-testid=clear]').click();
    await settled(page);
    await draw(page, strokes);
    await settled(page);
    const top = page.locator('[data-testid=prediction]');
    const text = `${await top.textContent()} ${await page.locator('.probs-top-prob').textContent()}`;
    console.log(`${what}: ${text}`);
    assert.equal(await top.getAttribute('data-unsure'), 'true', `${what} is read as ${text}`);
    assert.match(text, /^\d or \d\? Not sure: \d \(\d+(\.\d)?%\) or \d \(\d+(\.\d)?%\)$/);
  }
  await page.selectOption('#lang', 'ko');
  assert.match(await page.locator('.probs-top-prob').textContent(), /^확실하지 않아요: \d \(\d+(\.\d)?%\) 또는 \d/);
  await page.selectOption('#lang', 'en');
  await page.locator('[data-testid=clear]').click();
  await settled(page);
});

test('a real held-out MNIST digit can be loaded, with its true label', async () => {
  await modelReady(page);
  const samples = page.locator('[data-testid=samples] button');
  assert.equal(await samples.count(), 30, 'three of each class');
  await samples.nth(21).click();  // the first 7
  await settled(page);
  assert.match(await page.locator('[data-testid=truth]').textContent(), /“7”/);
  assert.match(await page.locator('.prep-input figcaption').textContent(), /real MNIST/i);
  assert.doesNotMatch(await page.locator('[data-testid=latency]').textContent(), /pen/, 'a picked image is not timed from the pen');
  const predicted = await page.locator('[data-testid=prediction]').getAttribute('data-class');
  console.log(`a real 7: predicted ${predicted}`);
  await page.locator('[data-testid=clear]').click();
  await settled(page);
  assert.equal(await page.locator('[data-testid=truth]').textContent(), '');
  assert.equal(predicted, '7');
});

test('the Fashion-MNIST model, with its sample images', async () => {
  await modelReady(page);
  await page.selectOption('[data-testid=model-select]', 'fashion');
  await page.waitForFunction(() => globalThis.cnnPlayground.net?.entry.key === 'fashion', null, { timeout: 30000 });
  await modelReady(page);
  const samples = page.locator('[data-testid=samples] button');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=samples] button').length === 30);
  await samples.nth(3).click();  // the first trouser
  await settled(page);
  assert.match(await page.locator('[data-testid=truth]').textContent(), /Trouser/);
  const predicted = await page.locator('[data-testid=prediction]').textContent();
  console.log(`a Fashion-MNIST trouser: predicted ${predicted}`);
  await page.screenshot({ path: new URL('fashion.png', OUT).pathname, clip: { x: 0, y: 0, width: 1280, height: 900 } });
  await page.selectOption('[data-testid=model-select]', 'digits');
  await page.waitForFunction(() => globalThis.cnnPlayground.net?.entry.key === 'digits', null, { timeout: 30000 });
  await modelReady(page);
  assert.equal(predicted, 'Trouser');
});

test('undo removes the last stroke; Escape clears the pad', async () => {
  await modelReady(page);
  await page.locator('[data-testid=clear]').click();
  await draw(page, [line(0.3, 0.3, 0.7, 0.3), line(0.5, 0.3, 0.5, 0.8)]);
  await settled(page);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.pad.strokes.length), 2);
  await page.locator('[data-testid=undo]').click();
  await settled(page);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.pad.strokes.length), 1);
  await page.locator('[data-testid=drawpad]').focus();
  await page.keyboard.press('Escape');
  await settled(page);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.pad.isEmpty), true);
  assert.match(await page.locator('[data-testid=prediction]').textContent(), /draw a digit/i);
});

test('turning preprocessing off feeds the whole pad, shrunk', async () => {
  await modelReady(page);
  await page.locator('[data-testid=clear]').click();
  await draw(page, DIGITS[7].map((s) => s.map(([x, y]) => [0.1 + x * 0.35, 0.05 + y * 0.35])));  // small, in a corner
  await settled(page);
  const centred = await page.evaluate(() => globalThis.cnnPlayground.prep.last.result.comAfter);
  assert.ok(Math.abs(centred.x - 14) <= 0.5 && Math.abs(centred.y - 14) <= 0.5, 'centre of mass moved to the centre');
  await page.locator('[data-testid=preprocess-toggle]').uncheck();
  await settled(page);
  const raw = await page.evaluate(() => globalThis.cnnPlayground.prep.last.result.comAfter);
  assert.ok(raw.x < 10 && raw.y < 10, `without preprocessing the digit stays in the corner (${raw.x}, ${raw.y})`);
  assert.match(await page.locator('.prep-input figcaption').textContent(), /off/i);
  await page.locator('[data-testid=preprocess-toggle]').check();
  await settled(page);
});

test('the page in Korean, and a screenshot of it all', async () => {
  await modelReady(page);
  await page.locator('[data-testid=clear]').click();
  await draw(page, DIGITS[3]);
  await settled(page);
  // point at the third map of the first conv layer: the zoom panel shows it
  const atlas = page.locator('.layer-conv2d .atlas').first();
  await atlas.hover({ position: { x: 2 * 58 + 20, y: 20 } });
  assert.match(await page.locator('.zoom-title').textContent(), /map 3 of 8/);
  // layers off screen are drawn when they scroll into view: scroll through once
  for (let y = 0; y < await page.evaluate(() => document.body.scrollHeight); y += 600) {
    await page.evaluate((top) => scrollTo(0, top), y);
    await page.waitForTimeout(50);
  }
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: new URL('playground.png', OUT).pathname, fullPage: true });
  await page.selectOption('#lang', 'ko');
  await page.evaluate(() => scrollTo(0, 0));
  assert.equal(await page.locator('#draw-title').textContent(), '그리고 분류하기');
  assert.match(await page.locator('.layer-conv2d .layer-kind').first().textContent(), /합성곱/);
  await page.screenshot({ path: new URL('playground-ko.png', OUT).pathname, clip: { x: 0, y: 0, width: 1280, height: 900 } });
  await page.selectOption('#lang', 'en');
});

for (const scheme of ['light', 'dark']) {
  test(`every text on the page is readable in the ${scheme} colour scheme (contrast at least 4.5:1)`, async () => {
    const p = await context.newPage();
    await p.emulateMedia({ colorScheme: scheme });
    await openPage(p);
    await modelReady(p);
    await draw(p, DIGITS[7]);
    await settled(p);
    await p.locator('[data-testid=lab]').scrollIntoViewIfNeeded();
    await p.waitForFunction(() => document.querySelector('[data-testid=lab-explain] table'));
    const low = await p.evaluate(lowContrastTexts);
    assert.deepEqual(low, [], `texts with too little contrast:\n${low.join('\n')}`);
    if (scheme === 'dark') await p.screenshot({ path: new URL('playground-dark.png', OUT).pathname });
    await p.close();
  });
}

test('a phone-sized screen: a vertical finger stroke draws and does not scroll the page', async () => {
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 780 });
  const cdp = await context.newCDPSession(phone);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  await openPage(phone);
  await modelReady(phone);
  const pad = phone.locator('[data-testid=drawpad]');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the pad fits the screen');
  const before = await phone.evaluate(() => scrollY);
  // a finger drawing a 1 from top to bottom: on a page that let touches scroll, this would scroll up
  const x = box.x + box.width / 2;
  const touch = (type, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', box.y + 0.15 * box.height);
  for (let i = 1; i <= 20; i++) {
    await touch('touchMove', box.y + (0.15 + 0.035 * i) * box.height);
    await phone.waitForTimeout(MOVE_MS);
  }
  await touch('touchEnd');
  await settled(phone);
  assert.equal(await phone.evaluate(() => scrollY), before, 'the page did not scroll');
  const strokes = await phone.evaluate(() => globalThis.cnnPlayground.pad.strokes.map((s) => s.length));
  assert.equal(strokes.length, 1);
  assert.ok(strokes[0] > 10, `the stroke kept the finger's path (${strokes[0]} points)`);
  await phone.screenshot({ path: new URL('phone.png', OUT).pathname });
  await phone.close();
});

test('a model that cannot load says so on the page', async () => {
  const p = await context.newPage();
  await p.route('**/build/cnn.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await p.goto(`${base}/`);
  const status = p.locator('[data-testid=status]');
  await status.filter({ hasText: /failed/ }).waitFor({ timeout: 30000 });
  assert.match(await status.textContent(), /The engine failed to load/);
  assert.match(await p.locator('.netview').textContent(), /failed to load/);
  await p.close();
});

test('a model file that is damaged or missing says so on the page', async () => {
  const p = await context.newPage();
  await p.route('**/models/digits.cnnm', (route) => route.fulfill({ status: 200, body: Buffer.from('CNNMODEL, but cut short') }));
  await openPage(p);
  const status = p.locator('[data-testid=status]');
  await status.filter({ hasText: /failed/ }).waitFor({ timeout: 30000 });
  assert.match(await status.textContent(), /^The model failed to load: .+/);
  console.log(`a damaged model file: ${await status.textContent()}`);
  assert.match(await p.locator('.netview').textContent(), /The model failed to load/);
  await p.route('**/models/fashion.cnnm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await p.selectOption('[data-testid=model-select]', 'fashion');
  await status.filter({ hasText: /404/ }).waitFor({ timeout: 30000 });
  assert.match(await status.textContent(), /models\/fashion\.cnnm: 404/);
  await p.close();
});

test('the data set is told by the catalogue entry\'s key, not by its dataset name', async () => {
  const p = await context.newPage();
  await openPage(p);
  // untrained entries: their metadata is the entry's own, with a dataset name that says the opposite of the key
  const shown = await p.evaluate(async () => {
    const { Playground } = await import(new URL('src/ui/playground.js', location.href));
    const specs = [{ type: 'flatten' }, { type: 'dense', in_features: 784, out_features: 10 }, { type: 'softmax' }];
    const models = [
      { key: 'fashion', dataset: 'zalando-clothes', specs },
      { key: 'digits', dataset: 'digits, not fashion-mnist', specs },
    ];
    const box = document.body.appendChild(document.createElement('div'));
    const pg = new Playground({ draw: box }, { models });
    const texts = () => ({
      labels: [...box.querySelectorAll('.probs-label')].map((n) => n.textContent),
      empty: box.querySelector('[data-testid=prediction]').textContent,
    });
    await pg.start();
    const fashion = texts();
    await pg.switchModel('digits');
    return { fashion, digits: texts() };
  });
  assert.deepEqual(shown.fashion.labels.slice(0, 3), ['T-shirt/top', 'Trouser', 'Pullover']);
  assert.match(shown.fashion.empty, /Pick an image below/);
  assert.deepEqual(shown.digits.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.match(shown.digits.empty, /Draw a digit/);
  await p.close();
});

test('a long stroke: each update paints a bounded number of segments, and the ink equals one full repaint', async () => {
  const r = await page.evaluate(async () => {
    const { DrawPad } = await import('/src/ui/drawpad.js');
    const box = document.createElement('div');
    box.style.width = '280px';
    document.body.append(box);
    const pad = new DrawPad(box);
    // count the curve segments painted, on every canvas
    const proto = CanvasRenderingContext2D.prototype;
    const quad = proto.quadraticCurveTo;
    let segments = 0;
    proto.quadraticCurveTo = function (...args) { segments++; return quad.apply(this, args); };
    const points = [[0.5, 0.5]];
    pad.strokes.push(points);
    const perUpdate = [], times = [];
    try {
      for (let i = 1; i <= 10000; i++) {
        const a = i * 0.05, rad = 0.05 + (0.4 * i) / 10000;
        points.push([0.5 + rad * Math.cos(a), 0.5 + rad * Math.sin(a)]);
        segments = 0;
        const t0 = performance.now();
        pad.redraw();
        pad.ink();
        times.push(performance.now() - t0);
        perUpdate.push(segments);
      }
    } finally {
      proto.quadraticCurveTo = quad;
    }
    const incremental = pad.ink();
    pad.setStrokes(pad.strokes);  // the same drawing, painted again in one go
    const full = pad.ink();
    let diff = 0, sum = 0, inked = 0;
    for (let i = 0; i < full.length; i++) {
      const d = Math.abs(incremental[i] - full[i]);
      diff = Math.max(diff, d);
      sum += d;
      inked += full[i] > 0.5;
    }
    pad.destroy();
    box.remove();
    const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
    return { most: Math.max(...perUpdate), diff, mean: sum / full.length, inked, first: median(times.slice(0, 500)), last: median(times.slice(-500)) };
  });
  console.log(`a 10,000-point stroke: update (redraw + ink) median ${r.first.toFixed(2)} ms over its first 500 points, `
    + `${r.last.toFixed(2)} ms over its last 500; at most ${r.most} curve segments painted per update; `
    + `ink against one full repaint: max difference ${r.diff.toFixed(3)}, mean ${r.mean.toExponential(1)}`);
  // two canvases (view and ink), each at most the uncommitted chunk plus one commit
  assert.ok(r.most <= 4 * 64, `${r.most} segments in one update`);
  assert.ok(r.inked > 1000, 'the spiral was drawn');
  // the chunks join at midpoints, where anti-aliased edges overlap a little: the same ink but for a few edge pixels
  assert.ok(r.diff <= 0.3 && r.mean < 0.002, `the incremental ink differs from a full repaint by up to ${r.diff} (mean ${r.mean})`);
});

test('stroke-to-update latency (printed, not asserted)', () => {
  if (!latencies.length) return;
  const stats = (values) => {
    const s = values.filter(Number.isFinite).sort((a, b) => a - b);
    const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))].toFixed(1);
    return `median ${q(0.5)} ms, 90th percentile ${q(0.9)} ms, max ${s.at(-1).toFixed(1)} ms, ` +
      `${(100 * s.filter((x) => x <= 16).length / s.length).toFixed(0)}% within 16 ms`;
  };
  const median = (k) => stats(latencies.map((d) => d.parts[k])).split(',')[0].replace('median ', '');
  console.log(`stroke-to-update latency over ${latencies.length} updates while drawing, from the pointer event's timestamp:`);
  console.log(`  to bars and maps updated: ${stats(latencies.map((d) => d.latencyMs))}`);
  console.log(`  to the start of the frame that paints them: ${stats(latencies.map((d) => d.toFrame))}`);
  console.log(`  medians: event to handler ${median('tick')}, preprocessing ${median('prep')}, ` +
    `worker round trip ${median('worker')}, drawing the views ${median('render')}; ` +
    `the network itself ${stats(latencies.map((d) => d.engineMs)).split(',')[0].replace('median ', '')}`);
});
