// The embeddable widgets end to end, in headless Chromium (Debian's, driven
// by playwright-core; no browser is ever downloaded). The artefact is built
// (tools/dist.js) into an empty temporary folder and served from there by a
// plain static server, as a teacher would: the example lecture page, the
// iframe embed page, and small test pages written next to them.
//
// To add a case: write a page with page(name, body) (it loads
// ./cnn-playground.js), open it with open(), and read the widgets through
// their shadow roots (Playwright's locators pierce open shadow roots).
// Bad values to try go in BAD_ATTRIBUTES / BAD_HASHES. Screenshots go to
// test-results/widgets-*.png (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { chromium } from 'playwright-core';
import sirv from 'sirv';
import { createRequire } from 'node:module';
import { buildDist } from '../../tools/dist.js';
import { exportWeights, onnxModelBytes } from '../../tools/bench/lenet.js';
import { loadEngine } from '../../web/src/engine/engine.js';
import { defaultTrainState } from '../../web/src/ui/train/state.js';
import { startServer } from '../../tools/serve.js';
import { lowContrastTexts } from './contrast.js';
import { CHROMIUM, ARGS, rendered, drawBar, set } from './widget-steps.js';

const OUT = new URL('../../test-results/', import.meta.url);
const SIZE_BUDGET = 300 * 1024;  // compressed bytes a page with one widget downloads

// Attribute values a widget must refuse, with a visible message, never running or rendering them.
const BAD_ATTRIBUTES = [
  ['stride', '-1'], ['stride', '0'], ['kernel', '1e9'], ['kernel', '3.5'], ['kernel', 'Infinity'],
  ['padding', '<img src=x onerror="window.__xss=1">'], ['padding', '"><script>window.__xss=1</script>'],
  ['dilation', '99999999999999999999'], ['filters', '-4'], ['pool', 'median'], ['mode', '__proto__'],
  ['input', 'javascript:window.__xss=1'], ['bias', '1,<svg onload=window.__xss=1>'], ['weights', '1e400'],
  ['controls', 'stride,<img src=x onerror=window.__xss=1>'], ['lang', '<b>ko</b>'], ['autoplay', 'sometimes'],
  ['theme', '</style><img src=x onerror=window.__xss=1>'], ['theme', 'midnight'], ['strde', '2'], ['onmouseover-x', 'window.__xss=1'],
];
// Embed-page hashes with unknown keys, bad values or broken encoding.
const BAD_HASHES = [
  '#widget=conv-lab&k=1e9', '#widget=conv-lab&s=-1', '#widget=conv-lab&p=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E',
  '#widget=conv-lab&evil=1', '#widget=conv-lab&%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E=1', '#widget=conv-lab&k=%E0%A4%A',
  '#widget=conv-lab&k=%', '#widget=%3Csvg%20onload%3Dwindow.__xss%3D1%3E', '#widget=conv-lab&lang=xx&pm=sideways',
  `#widget=conv-lab&k=${'9'.repeat(9000)}`, '#widget=conv-lab&theme=%3C%2Fstyle%3E',
];

let dir, server, base, devServer, devBase, context, profile;
const pageErrors = [];

const testPages = new Set();  // written by the tests, beside the artefact's own files

/** Writes a test page into the artefact folder. */
function page(name, body, head = '') {
  testPages.add(name);
  writeFileSync(join(dir, name), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${name}</title><link rel="icon" href="data:,">${head}</head>
<body>${body}<script type="module" src="cnn-playground.js"></script></body></html>`);
}

/** Opens a page; every request is recorded on p.requests. */
async function open(path, options = {}) {
  const p = await context.newPage();
  if (options.viewport) await p.setViewportSize(options.viewport);
  p.requests = [];
  p.on('request', (r) => p.requests.push(r));
  p.on('pageerror', (e) => pageErrors.push(`${path}: ${e.message}`));
  await p.goto(`${options.base ?? base}/${path}`);
  await p.waitForFunction(() => customElements.get('cnn-conv-lab'));
  return p;
}

const state = (locator) => locator.evaluate((el) => el.state);
/** The page's shared engine Worker's count of what is alive: { networks, engine: { networks, trainers }, memoryBytes }. */
const liveObjects = (p) => p.evaluate(() => [...globalThis.__cnnEngineClients.values()][0].request('liveObjects'));
/** Waits (at most 5 s) until the Worker holds no network; returns its count. */
async function nothingLive(p) {
  for (let i = 0; i < 50; i++) {
    const l = await liveObjects(p);
    if (l.engine.networks === 0) return l;
    await p.waitForTimeout(100);
  }
  return liveObjects(p);
}
const messages = (locator) => locator.locator('[data-testid=widget-messages] li').allTextContents();

async function compressedSize(requests) {
  let raw = 0, gzip = 0, brotli = 0;
  const files = [];
  for (const r of requests) {
    if (!r.url().startsWith('http')) continue;  // blob: and data: URLs cost no download
    const res = await r.response();
    const body = res ? await res.body() : Buffer.alloc(0);
    const g = gzipSync(body, { level: 9 }).length;
    raw += body.length; gzip += g;
    brotli += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    files.push(`${new URL(r.url()).pathname} ${body.length} B (gzip ${g} B)`);
  }
  return { raw, gzip, brotli, files };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnn-artefact-'));
  assert.deepEqual(readdirSync(dir), [], 'the artefact goes into an empty folder');
  const sizes = await buildDist(dir);
  console.log(`artefact built in ${dir}: ${sizes.map((s) => `${s.file} ${s.raw} B${s.gzip === null ? '' : ` (gzip ${s.gzip} B)`}`).join(', ')}`);
  page('one.html', '<h1>One widget</h1><cnn-conv-lab></cnn-conv-lab>');
  page('one-draw.html', '<h1>One widget</h1><cnn-draw-classify></cnn-draw-classify>');
  // the shipped digit model as an ONNX file, beside the notes (as a teacher's export would be)
  const engine = await loadEngine();
  const net = engine.loadModel(readFileSync(new URL('../../web/models/digits.cnnm', import.meta.url)));
  writeFileSync(join(dir, 'digits.onnx'), onnxModelBytes(createRequire(import.meta.url)('onnx-proto').onnx, exportWeights(net)));
  net.destroy();
  testPages.add('digits.onnx');
  page('onnx.html', '<h1>An imported model</h1><cnn-draw-classify model="digits.onnx" normalize="0,1"></cnn-draw-classify>');
  page('two.html', `<cnn-conv-lab id="a" kernel="3"></cnn-conv-lab><cnn-conv-lab id="b" kernel="5" stride="2"></cnn-conv-lab>
    <cnn-draw-classify id="da"></cnn-draw-classify><cnn-draw-classify id="db"></cnn-draw-classify>`);
  page('langs.html', `<cnn-conv-lab id="ko" lang="ko" controls="stride,padding"></cnn-conv-lab>
    <cnn-conv-lab id="en" lang="en" controls="stride,padding"></cnn-conv-lab><div lang="ko"><cnn-pool-lab id="inherits"></cnn-pool-lab></div>`);
  page('bad.html', '<div id="slot"></div>');
  page('replace.html', '<div id="box"></div><div id="other"></div>');
  page('hostile.html', `<p class="lab-error" id="outside-note">a paragraph of the page</p><button id="outside-button">page button</button>
    <cnn-conv-lab controls="stride"></cnn-conv-lab>`, `<style>
    * { font-family: "Comic Sans MS", cursive !important; letter-spacing: 4px !important; }
    body { font-size: 40px; color: red; line-height: 4; text-align: center; text-transform: uppercase; }
    div, button, input, canvas, table, p { display: none !important; }
    .lab, .lab-grid, .lab-cell, .cnn-widget { display: none !important; background: red !important; }
  </style>`);
  page('iframe.html', '<iframe id="f" src="embed.html#widget=pool-lab&lang=en&pk=3&ps=1" width="100%" height="700" style="border:0"></iframe>');
  page('themes.html', `<cnn-conv-lab id="dark" theme="dark" controls="stride"></cnn-conv-lab>
    <cnn-conv-lab id="light" theme="light" controls="stride"></cnn-conv-lab><cnn-conv-lab id="auto" controls="stride"></cnn-conv-lab>`);
  page('probe.html', `<cnn-conv-lab lang="ko" kernel="5" padding="2" controls="stride,padding,network"></cnn-conv-lab>`);
  page('train-bad.html', `<cnn-train lang="en" lr="-1" batch-size="0" arch="c8k5-zz" preset="vgg" augment="sometimes" epochs="2"></cnn-train>`);
  page('far.html', '<div style="height:3000px">a long page</div><cnn-conv-lab id="far" autoplay controls="animation"></cnn-conv-lab><div style="height:3000px"></div>');
  server = createServer(sirv(dir, { dev: false, etag: true }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  devServer = await startServer(0);
  devBase = `http://127.0.0.1:${devServer.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'cnn-e2e-widgets-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
  });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await context?.close();
  server?.close();
  devServer?.close();
  for (const d of [profile, dir]) {
    try { rmSync(d, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
  }
});

test('the example lecture page: every widget renders, and no request leaves this machine', async () => {
  const p = await open('lecture.html');
  const widgets = p.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view, cnn-train');
  assert.equal(await widgets.count(), 6);
  for (let i = 0; i < 6; i++) await rendered(widgets.nth(i));
  assert.equal(await p.locator('cnn-conv-lab').nth(1).locator('[data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 3 × 3 (채널 × 높이 × 너비)');
  assert.equal(await p.locator('cnn-network-view').locator('[data-testid=layer-shape]').count(), 12);
  const outside = p.requests.map((r) => r.url()).filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'every request stays on the local server');
  assert.equal(p.workers().length, 1, 'one engine Worker for the whole page');
  assert.deepEqual(pageErrors, []);
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: new URL('widgets-lecture-ko.png', OUT).pathname, fullPage: true });
  await p.close();
});

for (const [file, tag] of [['one.html', 'cnn-conv-lab'], ['one-draw.html', 'cnn-draw-classify']]) {
  test(`a page with one <${tag}> downloads less than 300 KB, compressed`, async () => {
    const p = await open(file);
    await rendered(p.locator(tag));
    await p.waitForTimeout(500);  // extras such as sample images come after the first result
    const size = await compressedSize(p.requests);
    assert.ok(!p.requests.some((r) => r.url().includes('cnn-onnx')), 'no importer without an import');
    console.log(`a page with one <${tag}> downloads ${size.raw} B; compressed: gzip ${size.gzip} B, brotli ${size.brotli} B`);
    console.log(`  ${size.files.join('\n  ')}`);
    assert.ok(size.gzip < SIZE_BUDGET, `${size.gzip} B gzip is over the ${SIZE_BUDGET} B budget`);
    await p.close();
  });
}

test('model="x.onnx": the importer comes from the folder on the first import only', async () => {
  const p = await open('onnx.html');
  const widget = p.locator('cnn-draw-classify');
  await rendered(widget);
  await widget.locator('[data-testid=status]').filter({ hasText: 'your file' }).waitFor({ timeout: 60000 });
  const files = p.requests.map((r) => new URL(r.url()).pathname);
  assert.ok(files.includes('/cnn-onnx.js') && files.includes('/cnn-onnx.wasm'), `the importer was loaded from the folder: ${files.join(', ')}`);
  await drawBar(p, widget);
  await p.waitForFunction(() => document.querySelector('cnn-draw-classify').dataset.state === 'predicted');
  await p.waitForTimeout(500);
  assert.match(await widget.locator('[data-testid=prediction]').textContent(), /^1/, 'the exported digit model reads the bar as a 1');
  // removed, the imported network is freed; put back, it imports the file again, without fetching the importer again
  assert.equal((await liveObjects(p)).networks, 1);
  await widget.evaluate((el) => { globalThis.__onnxWidget = el; el.remove(); });
  assert.deepEqual((await nothingLive(p)).engine, { networks: 0, trainers: 0 }, 'the imported network is freed');
  await p.evaluate(() => document.body.append(globalThis.__onnxWidget));
  await rendered(widget);
  await widget.locator('[data-testid=status]').filter({ hasText: 'your file' }).waitFor({ timeout: 60000 });
  assert.equal((await liveObjects(p)).networks, 1);
  assert.equal(p.requests.filter((r) => new URL(r.url()).pathname === '/cnn-onnx.wasm').length, 1, 'the importer is fetched once');
  await widget.evaluate((el) => el.remove());
  assert.deepEqual((await nothingLive(p)).engine, { networks: 0, trainers: 0 }, 'the imported network is freed again');
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('two widgets on one page share one Worker and work independently', async () => {
  const p = await open('two.html');
  const a = p.locator('#a'), b = p.locator('#b');
  await rendered(a);
  await rendered(b);
  assert.equal(p.workers().length, 1);
  const before = await state(b);
  await set(a, 'lab-stride', 2);
  await set(a, 'lab-padding', 1);
  assert.equal((await state(a)).stride, 2);
  assert.deepEqual(await state(b), before, 'the other lab kept its settings');
  assert.equal(await a.locator('[data-testid=lab-out-shape]').textContent(), 'Output shape: 1 × 3 × 3 (channels × height × width)');
  assert.equal(await b.locator('[data-testid=lab-out-shape]').textContent(), 'Output shape: 1 × 1 × 1 (channels × height × width)');
  // the draw widgets: a stroke in one changes only that one
  const da = p.locator('#da'), db = p.locator('#db');
  await rendered(da);
  await rendered(db);
  await drawBar(p, da);
  await p.waitForFunction(() => document.querySelector('#da').dataset.state === 'predicted');
  assert.equal(await db.evaluate((el) => el.dataset.state), 'empty');
  assert.equal(await db.evaluate((el) => el.playground.pad.strokes.length), 0);
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('a widget that leaves the page frees its networks; 100 replacements leave nothing behind; a moved one keeps working', async () => {
  const p = await open('replace.html');
  // the page's one shared engine client: its Worker counts the live networks
  const live = () => liveObjects(p);
  // a network still being created when its widget goes is destroyed when it arrives: wait for that
  const liveAfterwards = () => nothingLive(p);
  const cdp = await context.newCDPSession(p);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const fill = () => p.evaluate(async () => {
    const box = document.getElementById('box');
    box.innerHTML = '<cnn-draw-classify></cnn-draw-classify><cnn-network-view></cnn-network-view>'
      + '<cnn-conv-lab kernel="5" padding="2" controls="stride,padding,network"></cnn-conv-lab><cnn-pool-lab></cnn-pool-lab>';
    await Promise.all([...box.children].map((el) => new Promise((resolve, reject) => {
      const t0 = performance.now();
      const check = () => (el.dataset.state ? resolve()
        : performance.now() - t0 > 30000 ? reject(new Error(`${el.tagName} never rendered`)) : setTimeout(check, 10));
      check();
    })));
    // the lab's network probe on: it opens networks of its own, some still on their way when the lab goes
    const apply = box.querySelector('cnn-conv-lab').shadowRoot.querySelector('[data-testid=lab-net-apply]');
    apply.click();
    return apply.checked;
  });
  const empty = () => p.evaluate(() => document.getElementById('box').replaceChildren());
  const probeShown = () => p.waitForFunction(() => document.querySelector('cnn-conv-lab').shadowRoot
    .querySelector('[data-testid=lab-net-maps] canvas'), null, { timeout: 30000 });
  assert.equal(await fill(), true, 'the probe is on');
  await probeShown();
  assert.equal((await live()).networks, 3, 'one network per draw widget, and the probe\'s, while they are on the page');
  await empty();
  const first = await liveAfterwards();
  const heapBefore = await heap();
  for (let i = 0; i < 100; i++) {
    await fill();
    await empty();
  }
  const last = await liveAfterwards();
  const heapAfter = await heap();
  const mb = (bytes) => (bytes / 1048576).toFixed(1);
  console.log(`live networks after 100 replacements: ${last.networks} (engine: ${last.engine.networks}); `
    + `JS heap ${mb(heapBefore)} -> ${mb(heapAfter)} MB; wasm memory ${mb(first.memoryBytes)} -> ${mb(last.memoryBytes)} MB`);
  assert.deepEqual({ ...first, memoryBytes: 0 }, { networks: 0, engine: { networks: 0, trainers: 0 }, memoryBytes: 0 });
  assert.deepEqual(last.engine, first.engine);
  assert.equal(last.networks, first.networks);
  // freed memory is used again: 100 more widget pairs do not grow the engine's memory by more than a model's worth
  assert.ok(last.memoryBytes - first.memoryBytes < 8 * 1048576, `wasm memory grew ${mb(first.memoryBytes)} -> ${mb(last.memoryBytes)} MB`);
  assert.ok(heapAfter - heapBefore < 4 * 1048576, `the JS heap grew by ${heapAfter - heapBefore} bytes`);
  // moved within the page, a widget keeps its network and its drawing, and still reads
  await fill();
  await probeShown();
  const widget = p.locator('cnn-draw-classify');
  await p.evaluate(() => {
    const el = document.querySelector('cnn-draw-classify');
    el.marker = el.playground;
    document.getElementById('other').append(el);
  });
  assert.equal(await widget.evaluate((el) => el.playground === el.marker), true, 'not rebuilt');
  assert.equal((await live()).networks, 3);
  await drawBar(p, widget);
  await p.waitForFunction(() => document.querySelector('cnn-draw-classify').dataset.state === 'predicted');
  // taken out and put back later, it is built again and works
  await p.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('cnn-draw-classify');
    el.remove();
    setTimeout(() => { document.getElementById('other').append(el); resolve(); }, 50);
  }));
  await rendered(widget);
  assert.equal((await live()).networks, 3);
  await empty();
  await p.evaluate(() => document.getElementById('other').replaceChildren());
  assert.deepEqual((await liveAfterwards()).engine, first.engine);
  assert.deepEqual(pageErrors, []);
  await cdp.detach();
  await p.close();
});

test('the lecture page\'s <cnn-train> trains on the shared Worker: the loss falls; off screen it pauses and goes on when back; removed, it frees its run', async () => {
  const p = await open('lecture.html?lang=ko');
  const live = () => liveObjects(p);
  const train = p.locator('cnn-train');
  await rendered(train);
  // more epochs than the page's one, so the run is still going when it leaves the screen
  await train.evaluate((el) => el.setAttribute('epochs', '20'));
  await rendered(train);
  const dataRequests = () => p.requests.map((r) => new URL(r.url()).pathname).filter((u) => u.startsWith('/data/'));
  assert.deepEqual(dataRequests(), [], 'no training data is fetched before Start');
  const before = await live();
  assert.equal(before.engine.trainers, 0);
  await train.locator('[data-testid=train-start]').click();
  await p.waitForFunction(() => document.querySelector('cnn-train').view.curve.length >= 8, null, { timeout: 120000, polling: 100 });
  const curve = await train.evaluate((el) => el.view.curve);
  assert.ok(curve.at(-1).loss < curve[0].loss / 2, `the loss fell from ${curve[0].loss} to ${curve.at(-1).loss}`);
  assert.deepEqual((await live()).engine, { networks: before.engine.networks + 2, trainers: 1 }, 'the run\'s network, its maps\' network, its trainer');
  assert.deepEqual(dataRequests().sort(), ['/data/manifest.json', '/data/mnist.cnndz'], 'the Worker fetched the manifest and the one data set, from the folder');
  assert.equal(p.workers().length, 1, 'the widgets\' one Worker trains too');
  assert.ok(await train.locator('[data-testid=train-maps] canvas').count() > 0, 'the feature maps are shown');
  // off screen: paused; the steps stand still
  await p.evaluate(() => scrollTo(0, 0));
  await p.waitForFunction(() => document.querySelector('cnn-train').dataset.state === 'paused', null, { timeout: 20000 });
  const at = await train.evaluate((el) => el.view.progress.step);
  await p.waitForTimeout(600);
  const worker = await p.evaluate(async (id) => (await [...globalThis.__cnnEngineClients.values()][0].request('trainProgress', { id })),
    await train.evaluate((el) => el.view.run.id));
  assert.equal(worker.step, at, 'no step is taken while the widget is off screen');
  assert.equal(worker.running, false);
  // back on screen: it goes on
  await train.scrollIntoViewIfNeeded();
  await p.waitForFunction((n) => document.querySelector('cnn-train').view.progress.step > n, at, { timeout: 30000 });
  // away and straight back, before the pause has been answered: it still goes on
  await p.evaluate(() => scrollTo(0, 0));
  await train.scrollIntoViewIfNeeded();
  const again = await train.evaluate((el) => el.view.progress.step);
  await p.waitForFunction((n) => document.querySelector('cnn-train').view.progress.step > n + 20, again, { timeout: 30000 });
  await train.screenshot({ path: new URL('widgets-train-ko.png', OUT).pathname });
  // removed: its run is freed in the Worker
  await train.evaluate((el) => { globalThis.__train = { el, parent: el.parentNode, next: el.nextSibling }; el.remove(); });
  let after = await live();
  for (let i = 0; i < 50 && after.engine.trainers; i++) {
    await p.waitForTimeout(100);
    after = await live();
  }
  assert.deepEqual(after.engine, before.engine, 'the trainer and both networks are freed');
  // put back, it is built again, and removed again it leaves nothing either
  await p.evaluate(() => { const { el, parent, next } = globalThis.__train; parent.insertBefore(el, next); });
  await rendered(train);
  await train.evaluate((el) => el.remove());
  assert.deepEqual((await nothingLive(p)).engine, before.engine, 'nothing is left after it comes back and goes again');
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('<cnn-train> refuses bad attribute values, naming the attribute and the value, and trains with the rest', async () => {
  const p = await open('train-bad.html');
  const train = p.locator('cnn-train');
  await rendered(train);
  const said = await messages(train);
  for (const [name, value] of [['lr', '-1'], ['batch-size', '0'], ['arch', 'c8k5-zz'], ['preset', 'vgg'], ['augment', 'sometimes']]) {
    assert.ok(said.some((m) => m.includes(`${name}="${value}"`)), `a message names ${name}="${value}": ${said.join(' | ')}`);
  }
  assert.equal(said.length, 5);
  const state = await train.evaluate((el) => ({ lr: el.view.state.lr, batchSize: el.view.state.batchSize, epochs: el.view.state.epochs }));
  assert.deepEqual(state, { lr: defaultTrainState().lr, batchSize: 32, epochs: 2 }, 'the defaults in place of the bad values; the good one taken');
  assert.equal(await train.locator('[data-testid=train-start]').isDisabled(), false);
  await p.close();
});

test('lang="ko" shows Korean, lang="en" English; without one, a widget takes the page\'s language', async () => {
  const p = await open('langs.html');
  for (const id of ['ko', 'en', 'inherits']) await rendered(p.locator(`#${id}`));
  assert.equal(await p.locator('#ko [data-testid=lab-stride]').locator('xpath=..').locator('.lab-control-name').textContent(), '스트라이드');
  assert.equal(await p.locator('#en [data-testid=lab-stride]').locator('xpath=..').locator('.lab-control-name').textContent(), 'Stride');
  assert.match(await p.locator('#inherits').locator('[data-testid=lab-out-shape]').textContent(), /출력 모양/);
  assert.match(await p.locator('#inherits').locator('.lab-set legend').nth(1).textContent(), /풀링/);
  // the lang attribute changed later: the widget follows
  await p.locator('#en').evaluate((el) => el.setAttribute('lang', 'ko'));
  assert.match(await p.locator('#en').locator('[data-testid=lab-out-shape]').textContent(), /출력 모양/);
  await p.close();
});

test('the lecture page\'s language picker moves the text and every widget to English', async () => {
  const p = await open('lecture.html?lang=ko');
  const lab = p.locator('cnn-conv-lab').nth(1);
  await rendered(lab);
  assert.match(await lab.locator('[data-testid=lab-out-shape]').textContent(), /출력 모양/);
  await p.locator('cnn-lang-picker [data-testid=lang-picker]').selectOption('en');
  assert.match(await lab.locator('[data-testid=lab-out-shape]').textContent(), /^Output shape/);
  assert.equal(await p.locator('h1:visible').textContent(), 'A first look at convolutional networks');
  assert.match(p.url(), /lang=en/);
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: new URL('widgets-lecture-en.png', OUT).pathname, fullPage: false });
  await p.close();
});

test('the lecture page keeps its own language when ?lang= names none, and says the value was not used', async () => {
  for (const query of ['?lang=xx', '?lang=', '?lang=%3Cb%3Eko%3C%2Fb%3E']) {
    const p = await open(`lecture.html${query}`);
    const note = p.locator('cnn-lang-picker [data-testid=lang-note]');
    assert.equal(await p.evaluate(() => document.documentElement.lang), 'ko', query);
    assert.equal(await p.locator('cnn-lang-picker [data-testid=lang-picker]').inputValue(), 'ko');
    const value = new URLSearchParams(query).get('lang');
    assert.equal(await note.textContent(), `적용하지 않음: 링크의 ?lang=${value} 값은 이 페이지의 언어가 아니어서 한국어 그대로 보여 줍니다.`);
    assert.equal(await note.isVisible(), true);
    await p.locator('cnn-lang-picker [data-testid=lang-picker]').selectOption('en');
    assert.equal(await note.isVisible(), false, 'the reader\'s own choice ends the note');
    await p.close();
  }
  const p = await open('lecture.html?lang=en-GB');
  assert.equal(await p.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await p.locator('cnn-lang-picker [data-testid=lang-note]').isVisible(), false);
  await p.close();
});

test('bad attribute values are refused with a visible message, never run or rendered as HTML', async () => {
  const p = await open('bad.html');
  for (const [name, value] of BAD_ATTRIBUTES) {
    await p.evaluate(([n, v]) => {
      const el = document.createElement('cnn-conv-lab');
      el.setAttribute(n, v);
      document.getElementById('slot').replaceChildren(el);
    }, [name, value]);
    const widget = p.locator('cnn-conv-lab');
    await rendered(widget);
    const shown = await messages(widget);
    assert.equal(shown.length, 1, `${name}="${value}": one message (${shown.join(' | ')})`);
    assert.ok(shown[0].includes(name), `${name}="${value}": the message names the attribute: ${shown[0]}`);
    const inside = await widget.evaluate((el) => el.shadowRoot.querySelectorAll('img, script, svg, b').length);
    assert.equal(inside, 0, `${name}="${value}": nothing was rendered from it`);
    assert.equal(await widget.evaluate((el) => el.dataset.state), 'ok', `${name}="${value}": the lab still works`);
    if (value.startsWith('<img')) await widget.screenshot({ path: new URL('widgets-bad-attribute.png', OUT).pathname });
  }
  await p.waitForTimeout(200);
  assert.equal(await p.evaluate(() => globalThis.__xss), undefined, 'no attribute value ran');
  // a good value set later clears the message; a bad one on a draw widget is refused too
  await p.locator('cnn-conv-lab').evaluate((el) => { el.removeAttribute('onmouseover-x'); el.setAttribute('stride', '2'); });
  assert.deepEqual(await messages(p.locator('cnn-conv-lab')), []);
  assert.equal((await state(p.locator('cnn-conv-lab'))).stride, 2);
  await p.evaluate(() => { document.getElementById('slot').innerHTML = '<cnn-draw-classify model="&lt;img src=x onerror=window.__xss=1&gt;" preprocess="2"></cnn-draw-classify>'; });
  await rendered(p.locator('cnn-draw-classify'));
  assert.equal((await messages(p.locator('cnn-draw-classify'))).length, 2);
  // impossible geometry is the engine's to judge: its message is shown in place of the output
  await p.evaluate(() => { document.getElementById('slot').innerHTML = '<cnn-conv-lab kernel="7" dilation="3" size="5"></cnn-conv-lab>'; });
  const geo = p.locator('cnn-conv-lab');
  await rendered(geo);
  assert.equal(await geo.evaluate((el) => el.dataset.state), 'error');
  assert.match(await geo.locator('[data-testid=lab-error]').textContent(), /19/);
  assert.equal(await p.evaluate(() => globalThis.__xss), undefined);
  await p.screenshot({ path: new URL('widgets-bad-geometry.png', OUT).pathname });
  await p.close();
});

test('the embed page: its hash sets the lab, a change goes back into the hash, and the link reproduces it', async () => {
  const p = await open('embed.html#widget=conv-lab&lang=ko&k=5&s=2&p=1');
  const lab = p.locator('cnn-conv-lab');
  await rendered(lab);
  const first = await state(lab);
  assert.deepEqual([first.kernel, first.stride, first.padding], [5, 2, 1]);
  assert.match(await lab.locator('[data-testid=lab-out-shape]').textContent(), /출력 모양: 1 × 2 × 2/);
  await set(lab, 'lab-dilation', 2);
  await set(lab, 'lab-activation', 'relu');
  const url = p.url();
  assert.match(url, /d=2/);
  assert.match(url, /act=relu/);
  await p.screenshot({ path: new URL('widgets-embed.png', OUT).pathname, fullPage: true });
  const code = await p.locator('[data-testid=embed-code]').inputValue();
  assert.ok(code.startsWith('<iframe src="') && code.includes('d=2'), code);
  const again = await open(url.replace(base + '/', ''));
  const lab2 = again.locator('cnn-conv-lab');
  await rendered(lab2);
  assert.deepEqual(await state(lab2), await state(lab), 'the shared link reproduces the settings exactly');
  assert.deepEqual(await again.locator('[data-testid=embed-messages] li').allTextContents(), []);
  await again.close();
  // the embed page in an iframe of another page
  const host = await open('iframe.html');
  const frame = host.frameLocator('#f');
  const pool = frame.locator('cnn-pool-lab');
  await pool.locator('[data-testid=lab-out-shape]').filter({ hasText: 'Output shape: 1 × 3 × 3' }).waitFor({ timeout: 30000 });
  await host.close();
  await p.close();
});

test('the embed page shows <cnn-train> from the training view\'s own query, and writes a reader\'s change back into the hash', async () => {
  const p = await open('embed.html#widget=train&lang=ko&arch=c4k5p2-g-m2-f-d10-x&epochs=2&lr=0.01');
  const train = p.locator('cnn-train');
  await rendered(train);
  const s = await train.evaluate((el) => ({ epochs: el.view.state.epochs, lr: el.view.state.lr, layers: el.view.state.layers.map((l) => l.type) }));
  assert.deepEqual(s, { epochs: 2, lr: 0.01, layers: ['conv2d', 'sigmoid', 'maxpool2d', 'flatten', 'dense', 'softmax'] });
  assert.match(await train.locator('[data-testid=train-start]').textContent(), /시작/);
  const epochs = train.locator('[data-hyper=epochs]');
  await epochs.fill('3');
  await epochs.dispatchEvent('change');
  await p.waitForFunction(() => location.hash.includes('epochs=3'));
  assert.match(await p.evaluate(() => location.hash), /^#widget=train&lang=ko&arch=c4k5p2-g-m2-f-d10-x&lr=0\.01&epochs=3$/);
  assert.match(await p.locator('[data-testid=embed-code]').inputValue(), /height="3400"/);
  const bad = await open('embed.html#widget=train&lr=NaN&batch=0');
  await rendered(bad.locator('cnn-train'));
  const said = await bad.locator('[data-testid=embed-messages] li').allTextContents();
  assert.deepEqual(said.map((m) => m.match(/setting (\w+)=/)?.[1]), ['lr', 'batch']);
  await bad.close();
  await p.close();
});

test('bad embed hashes are refused with a visible message; the widget still works', async () => {
  for (const hash of BAD_HASHES) {
    const p = await open(`embed.html${hash}`);
    const widget = p.locator('cnn-conv-lab');
    await rendered(widget);
    const shown = await p.locator('[data-testid=embed-messages] li').allTextContents();
    assert.ok(shown.length >= 1, `${hash.slice(0, 60)}: a message`);
    assert.equal(await p.locator('img, script:not([src]), svg').count(), 0, `${hash.slice(0, 60)}: nothing rendered from it`);
    assert.equal(await widget.evaluate((el) => el.dataset.state), 'ok', `${hash.slice(0, 60)}: the lab works`);
    await p.waitForTimeout(50);
    assert.equal(await p.evaluate(() => globalThis.__xss), undefined, `${hash.slice(0, 60)}: nothing ran`);
    await p.close();
  }
});

test('the host page\'s CSS cannot break a widget, and the widget\'s CSS does not leak out', async () => {
  const p = await open('hostile.html');
  const lab = p.locator('cnn-conv-lab');
  await rendered(lab);
  const inside = await lab.evaluate((el) => {
    const cell = el.shadowRoot.querySelector('.lab-cell');
    const cs = getComputedStyle(cell);
    const frame = getComputedStyle(el.shadowRoot.querySelector('.cnn-widget'));
    return { display: cs.display, frameFont: frame.fontFamily, frameSize: frame.fontSize, frameColor: frame.color,
      spacing: frame.letterSpacing, transform: frame.textTransform, width: cell.getBoundingClientRect().width };
  });
  assert.notEqual(inside.display, 'none');
  assert.ok(inside.width > 5, 'the grid cells have their size');
  assert.doesNotMatch(inside.frameFont, /Comic/);
  assert.equal(inside.frameSize, '15px');
  assert.equal(inside.frameColor, 'rgb(27, 27, 31)');
  assert.equal(inside.spacing, 'normal');
  assert.equal(inside.transform, 'none');
  const outside = await p.evaluate(() => {
    const note = getComputedStyle(document.getElementById('outside-note'));
    return { color: note.color, background: note.backgroundColor };
  });
  assert.equal(outside.color, 'rgb(255, 0, 0)', 'the page\'s .lab-error keeps the page\'s colour');
  assert.equal(outside.background, 'rgba(0, 0, 0, 0)', 'the widget\'s .lab-error rule did not reach the page');
  await p.close();
});

test('off screen a widget waits: built when it comes near, its animation paused while away', async () => {
  const p = await open('far.html');
  const far = p.locator('#far');
  await p.waitForTimeout(300);
  assert.equal(await far.evaluate((el) => el.mounted), false, 'not built while far off screen');
  await rendered(far);
  await p.waitForFunction(() => document.getElementById('far').lab?.playing);
  await p.evaluate(() => scrollTo(0, 0));
  await p.waitForFunction(() => document.getElementById('far').dataset.onScreen === 'false');
  assert.equal(await far.evaluate((el) => el.lab.playing), false, 'paused off screen');
  const pos = await far.evaluate((el) => `${el.lab.selection.y},${el.lab.selection.x}`);
  await p.waitForTimeout(1500);
  assert.equal(await far.evaluate((el) => `${el.lab.selection.y},${el.lab.selection.x}`), pos, 'the kernel did not move while away');
  await far.scrollIntoViewIfNeeded();
  await p.waitForFunction(() => document.getElementById('far').lab.playing);
  await p.close();
});

test('reduced motion: autoplay does not start', async () => {
  const p = await context.newPage();
  await p.emulateMedia({ reducedMotion: 'reduce' });
  await p.goto(`${base}/far.html`);
  const far = p.locator('#far');
  await rendered(far);
  await p.waitForTimeout(800);
  assert.equal(await far.evaluate((el) => el.lab.playing), false);
  await p.close();
});

test('keyboard: the controls and the output grid answer the keys, and have names', async () => {
  const p = await open('langs.html');
  const lab = p.locator('#en');
  await rendered(lab);
  const stride = lab.locator('[data-testid=lab-stride]');
  await stride.focus();
  await p.keyboard.press('ArrowRight');
  await rendered(lab);
  assert.equal((await state(lab)).stride, 2);
  const cell = lab.locator('[data-testid=lab-output-0] button[tabindex="0"]');
  await cell.focus();
  await p.keyboard.press('ArrowRight');
  await rendered(lab);
  assert.equal(await lab.evaluate((el) => el.lab.selection.x), 1);
  assert.match(await lab.locator('[data-testid=lab-output-0] button[tabindex="0"]').getAttribute('aria-label'), /row 1, column 2/);
  assert.equal(await lab.evaluate((el) => el.shadowRoot.querySelector('.cnn-widget').getAttribute('aria-label')), 'Convolution lab');
  await p.close();
});

for (const scheme of ['light', 'dark']) {
  test(`every text of the lecture page and its widgets is readable in the ${scheme} colour scheme (at least 4.5:1)`, async () => {
    const p = await context.newPage();
    await p.emulateMedia({ colorScheme: scheme });
    await p.goto(`${base}/lecture.html?lang=ko`);
    const widgets = p.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view, cnn-train');
    for (let i = 0; i < await widgets.count(); i++) await rendered(widgets.nth(i));
    const low = await p.evaluate(lowContrastTexts);
    assert.deepEqual(low, [], `texts with too little contrast:\n${low.join('\n')}`);
    await p.close();
  });
}

test('theme="dark" or "light" holds a widget to one scheme, whatever the system says, and can change at once', async () => {
  const paper = (w) => w.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.cnn-widget')).backgroundColor);
  const DARK = 'rgb(28, 28, 34)', LIGHT = 'rgb(255, 255, 255)';
  for (const scheme of ['light', 'dark']) {
    const p = await open('themes.html');
    await p.emulateMedia({ colorScheme: scheme });
    for (const id of ['dark', 'light', 'auto']) await rendered(p.locator(`#${id}`));
    assert.equal(await paper(p.locator('#dark')), DARK, `theme="dark" in the ${scheme} scheme`);
    assert.equal(await paper(p.locator('#light')), LIGHT, `theme="light" in the ${scheme} scheme`);
    assert.equal(await paper(p.locator('#auto')), scheme === 'dark' ? DARK : LIGHT, 'no theme: the system scheme');
    assert.deepEqual(await p.evaluate(lowContrastTexts), []);
    // the notes' own switch flips the attribute: the widget follows, and back to auto
    await p.locator('#dark').evaluate((el) => el.setAttribute('theme', 'light'));
    assert.equal(await paper(p.locator('#dark')), LIGHT);
    await p.locator('#light').evaluate((el) => el.removeAttribute('theme'));
    assert.equal(await paper(p.locator('#light')), scheme === 'dark' ? DARK : LIGHT);
    await p.close();
  }
  // the embed page (its own colours too), and unbundled (npm start), where the sheets are fetched
  for (const b of [base, devBase]) {
    const p = await open('embed.html#widget=conv-lab&theme=dark', { base: b });
    await p.emulateMedia({ colorScheme: 'light' });
    const lab = p.locator('cnn-conv-lab');
    await rendered(lab);
    await p.waitForFunction(() => getComputedStyle(document.querySelector('cnn-conv-lab').shadowRoot.querySelector('.cnn-widget')).backgroundColor === 'rgb(28, 28, 34)');
    assert.equal(await p.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(21, 21, 26)');
    assert.deepEqual(await p.evaluate(lowContrastTexts), []);
    assert.match(await p.locator('[data-testid=embed-code]').inputValue(), /theme=dark/);
    await p.close();
  }
});

test('controls="network": a lab widget tries its settings on the trained model (from the artefact folder)', async () => {
  const p = await open('probe.html');
  const lab = p.locator('cnn-conv-lab');
  await rendered(lab);
  await lab.locator('[data-testid=lab-net-status]').evaluate((el) => new Promise((resolve) => {
    const done = () => !/불러오지 않았/.test(el.textContent);
    if (done()) resolve(); else new MutationObserver(() => done() && resolve()).observe(el, { childList: true, characterData: true, subtree: true });
  }));
  await lab.locator('[data-testid=lab-net-apply]').check();
  // the model's own first conv (5x5, padding 2, stride 1): its maps and a prediction
  await lab.locator('[data-testid=lab-net-after]').waitFor({ state: 'visible', timeout: 20000 });
  assert.equal(await lab.locator('[data-testid=lab-net-maps] canvas').count(), 16);  // 8 conv maps, 8 pooled
  assert.match(await lab.locator('[data-testid=lab-net-after]').textContent(), /실험실 설정/);
  // stride 2: the dense layer no longer fits, said with its numbers, and no prediction stays
  await set(lab, 'lab-stride', 2);
  await lab.locator('[data-testid=lab-net-message]').waitFor({ state: 'visible', timeout: 20000 });
  assert.match(await lab.locator('[data-testid=lab-net-message]').textContent(), /400/);
  assert.equal(await lab.locator('[data-testid=lab-net-prediction]').textContent(), '');
  assert.deepEqual(p.requests.map((r) => new URL(r.url()).pathname).filter((path) => path.endsWith('.cnnm')), ['/models/digits.cnnm'],
    'the default model comes from the folder of the bundle, once');
  await lab.screenshot({ path: new URL('widgets-probe.png', OUT).pathname });
  await p.close();
});

test('from another origin, as in a Jupyter notebook: the widgets load when their server sends CORS headers, and only then', async () => {
  const assets = sirv(dir, { dev: false });
  const cors = createServer((req, res) => { res.setHeader('Access-Control-Allow-Origin', '*'); assets(req, res); });
  await new Promise((resolve) => cors.listen(0, '127.0.0.1', resolve));
  // the notebook's page: another port is another origin
  const notes = createServer((req, res) => {
    const src = new URL(req.url, 'http://x').searchParams.get('src');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><meta charset="utf-8"><title>notebook</title><link rel="icon" href="data:,">
      <cnn-pool-lab lang="ko" pool-window="2"></cnn-pool-lab><script type="module" src="${src}/cnn-playground.js"></script>`);
  });
  await new Promise((resolve) => notes.listen(0, '127.0.0.1', resolve));
  try {
    const notesBase = `http://127.0.0.1:${notes.address().port}`;
    const p = await context.newPage();
    const failed = [];
    p.on('requestfailed', (r) => failed.push(r.url()));
    await p.goto(`${notesBase}/?src=${encodeURIComponent(`http://127.0.0.1:${cors.address().port}`)}`);
    const lab = p.locator('cnn-pool-lab');
    await rendered(lab);
    assert.equal((await state(lab)).poolWindow, 2);
    assert.deepEqual(failed, []);
    // a server without the header (python3 -m http.server): the browser refuses the module
    await p.goto(`${notesBase}/?src=${encodeURIComponent(base)}`);
    await p.waitForTimeout(500);
    assert.equal(await p.evaluate(() => customElements.get('cnn-pool-lab')), undefined);
    await p.close();
  } finally {
    cors.close();
    notes.close();
  }
});

test('screenshots: dark colour scheme and a phone-sized screen', async () => {
  const dark = await context.newPage();
  await dark.emulateMedia({ colorScheme: 'dark' });
  await dark.goto(`${base}/lecture.html?lang=ko`);
  const lab = dark.locator('cnn-conv-lab').nth(1);
  await rendered(lab);
  const bg = await lab.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.cnn-widget')).backgroundColor);
  assert.equal(bg, 'rgb(28, 28, 34)', 'the widget follows prefers-color-scheme: dark');
  await lab.screenshot({ path: new URL('widgets-dark.png', OUT).pathname });
  await dark.close();
  const phone = await open('lecture.html?lang=ko', { viewport: { width: 390, height: 800 } });
  const first = phone.locator('cnn-conv-lab').first();
  await rendered(first);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page does not scroll sideways on a phone (${width} px)`);
  await phone.screenshot({ path: new URL('widgets-phone.png', OUT).pathname, fullPage: false });
  const draw = phone.locator('cnn-draw-classify');
  await rendered(draw);
  await draw.screenshot({ path: new URL('widgets-phone-draw.png', OUT).pathname });
  const train = phone.locator('cnn-train');
  await rendered(train);
  const overflow = await train.evaluate((el) => {
    const frame = el.shadowRoot.querySelector('.cnn-widget');
    return frame.scrollWidth - frame.clientWidth;
  });
  assert.ok(overflow <= 0, `the training widget fits a phone without scrolling sideways (${overflow} px too wide)`);
  await train.screenshot({ path: new URL('widgets-phone-train.png', OUT).pathname });
  await phone.close();
});

test('unbundled (npm start): the lecture page works from web/ as it is', async () => {
  const p = await open('lecture.html?lang=en', { base: devBase });
  const widgets = p.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view, cnn-train');
  for (let i = 0; i < await widgets.count(); i++) await rendered(widgets.nth(i));
  assert.equal(p.workers().length, 1);
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('the artefact folder holds only what a teacher copies', () => {
  const files = readdirSync(dir).filter((f) => !testPages.has(f) && f !== 'models').sort();
  assert.deepEqual(files, ['cnn-onnx.js', 'cnn-onnx.wasm', 'cnn-playground.js', 'cnn-training.js', 'cnn.wasm', 'data', 'embed.html', 'lecture.html', 'teach.html']);
  assert.deepEqual(readdirSync(join(dir, 'data')).sort(), ['fashion.cnndz', 'manifest.json', 'mnist.cnndz'], 'the training data and its manifest');
  const js = readFileSync(join(dir, 'cnn-playground.js'), 'utf8');
  assert.doesNotMatch(js, /https?:\/\/(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}\/[\w/.-]*\.(js|wasm|css|json)/i, 'no file is fetched from elsewhere');
});
