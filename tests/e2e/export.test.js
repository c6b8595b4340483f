// Taking a network away from the page, end to end in headless Chromium
// (Debian's, driven by playwright-core): the playground's network section
// downloads the open model as ONNX and as a model file, named after the
// model, and shows its PyTorch program with a copy button; the training view
// downloads the network being trained as ONNX with the data set's labels.
// Each downloaded ONNX file is read back by the engine in Node and run by
// ONNX Runtime, which must agree with the engine within 1e-5. Korean and
// English; screenshots in test-results/export-*.png (look at them).
//
// To add a case: act through the page's controls (data-testid attributes),
// catch the download with page.waitForEvent('download'), then check the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { openBrowser, OUT } from './browser.js';
import { lowContrastTexts } from './contrast.js';
import { loadEngine } from '../../web/src/engine/engine.js';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;

let browser, page, base, errors, engine;
const $ = (id) => page.locator(`[data-testid=${id}]`);

before(async () => {
  engine = await loadEngine();
  browser = await openBrowser('export');
  ({ base, page, errors } = browser);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
});

after(async () => {
  await browser?.close();
});

/** Clicks `testid` and returns { name, bytes } of the download it starts. */
async function download(testid) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), $(testid).click()]);
  return { name: file.suggestedFilename(), bytes: new Uint8Array(readFileSync(await file.path())) };
}

/** ONNX Runtime against the engine on one image of the file's own input shape. */
async function agreesWithEngine(bytes) {
  const net = await engine.importOnnx(bytes);
  try {
    const shape = net.metadata.inputShape;
    net.plan(shape);
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 37) % 101) / 100);
    net.forward(x);
    const want = net.output().data;
    const session = await ort.InferenceSession.create(bytes);
    const got = (await session.run({ input: new ort.Tensor('float32', x, shape) })).output.data;
    await session.release();
    let d = 0;
    for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
    assert.ok(d <= 1e-5, `ONNX Runtime differs from the engine by ${d}`);
    return net.metadata;
  } finally {
    net.destroy();
  }
}

test('the network section downloads the open model as ONNX and as a model file, with its PyTorch program', async () => {
  await page.goto(`${base}/?lang=ko`);
  await page.waitForFunction(() => globalThis.cnnExport?.net && !globalThis.cnnExport.busy, null, { timeout: 30000 });
  assert.equal(await $('export-onnx').textContent(), 'ONNX로 내려받기');
  const listing = await $('export-listing').textContent();
  assert.match(listing, /model = nn\.Sequential\(\n {4}nn\.Conv2d\(1, 8, kernel_size=5, padding=2\),/);
  assert.match(listing, /nn\.MaxPool2d\(kernel_size=2\),/);
  assert.match(listing, /def load_onnx_weights\(model, path="digits\.onnx"\):/);
  await page.locator('#network details.code-listing > summary').click();
  await $('export-listing-copy').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=export-listing-status]')?.textContent === '복사했습니다.');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), listing);
  await $('export').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('export-playground-ko.png', OUT).pathname, fullPage: false });

  const onnx = await download('export-onnx');
  assert.equal(onnx.name, 'digits.onnx');
  const meta = await agreesWithEngine(onnx.bytes);
  assert.deepEqual(meta.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(meta.name, 'digits');
  await page.waitForFunction(() => /digits\.onnx/.test(document.querySelector('[data-testid=export-status]')?.textContent));

  // the model picker's other model: its own name, its own labels
  await $('model-select').selectOption('fashion');
  await page.waitForFunction(() => globalThis.cnnExport?.net?.metadata?.name === 'fashion');
  const fashion = await download('export-onnx');
  assert.equal(fashion.name, 'fashion.onnx');
  assert.equal((await agreesWithEngine(fashion.bytes)).labels[9], 'Ankle boot');
  const cnnm = await download('export-cnnm');
  assert.equal(cnnm.name, 'fashion.cnnm');
  const loaded = engine.loadModel(cnnm.bytes);
  assert.equal(loaded.metadata.name, 'fashion');
  loaded.destroy();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const low = await page.evaluate(lowContrastTexts);
    assert.deepEqual(low, [], `${scheme}: texts with too little contrast:\n${low.join('\n')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(errors, []);
});

test('the training view downloads the network being trained as ONNX, and lists it with a copy button', async () => {
  await page.goto(`${base}/?lang=ko&arch=c4k5p2-r-m2-f-d10-x`);
  await page.waitForFunction(() => globalThis.cnnTrain?.description?.ok, null, { timeout: 30000 });
  assert.match(await $('train-listing').textContent(), /nn\.Conv2d\(1, 4, kernel_size=5, padding=2\),\n {4}nn\.ReLU\(\),/);
  // one step, once the data is in (a step asked for while it loads only starts the loading)
  await $('train-step').click();
  await page.waitForFunction(() => {
    const v = globalThis.cnnTrain;
    return v?.progress && v.progress.state !== 'loading' && !v.busy;
  }, null, { timeout: 240000, polling: 200 });
  if (await page.evaluate(() => globalThis.cnnTrain.progress.step) < 1) await $('train-step').click();
  await page.waitForFunction(() => globalThis.cnnTrain.progress.step >= 1 && !globalThis.cnnTrain.busy, null, { timeout: 60000 });
  const onnx = await download('train-onnx');
  assert.match(onnx.name, /^trained-mnist-step\d+\.onnx$/);
  const meta = await agreesWithEngine(onnx.bytes);
  assert.equal(meta.labels.length, 10);
  assert.equal(meta.dataset, 'mnist');
  assert.match(meta.trained_steps, /^\d+$/);
  assert.equal(await $('train-onnx').textContent(), 'ONNX로 내려받기');
  await $('train-onnx').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('export-train-ko.png', OUT).pathname });
  await page.locator('#train details.code-listing > summary').click();
  await $('train-listing-copy').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=train-listing-status]')?.textContent === '복사했습니다.');
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^import torch\n/);
  assert.deepEqual(errors, []);
});

test('on a phone the buttons and the listing fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/?lang=ko`);
  await page.waitForFunction(() => globalThis.cnnExport?.net, null, { timeout: 30000 });
  await page.locator('#network details.code-listing > summary').click();
  await $('export').scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: new URL('export-playground-ko-phone.png', OUT).pathname });
});
