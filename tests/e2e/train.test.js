// The training view on the playground page, end to end in headless Chromium
// (Debian's, driven by playwright-core): a learner builds a small network
// in the editor, trains it on the MNIST digits served beside the page, and
// watches the curves; the URL reproduces the architecture; bad settings and
// a divergence get their messages. Wall-clock times are printed, never
// asserted.
//
// To add a case: act through the page's controls (data-testid attributes),
// wait on globalThis.cnnTrain (the TrainView), then read what the page shows.
// Screenshots go to test-results/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, OUT } from './browser.js';
import { lowContrastTexts } from './contrast.js';


let browser, context, page, base, errors;

const $ = (id, p = page) => p.locator(`[data-testid=${id}]`);
const layer = (i, p = page) => $('train-layer', p).nth(i);

/** Types into a layer's setting (a number input) as a learner would. */
async function setField(i, field, value, p = page) {
  await layer(i, p).locator(`input[data-field=${field}]`).fill(String(value));
  await described(p);
}

/** Sets a hyperparameter's input and commits it (a change event). */
async function setHyper(name, value, p = page) {
  const input = p.locator(`#train [data-hyper=${name}]`);
  if (await input.evaluate((el) => el.tagName === 'SELECT')) await input.selectOption(String(value));
  else await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** Waits until the editor shows the engine's answer for its current layers. */
async function described(p = page) {
  await p.waitForFunction(() => {
    const e = globalThis.cnnTrain?.editor;
    return e && e.description && !e.pending;
  }, null, { timeout: 20000 });
  await p.waitForTimeout(50);
}

async function openTrain(query = '', p = page) {
  await p.goto(`${base}/${query}`);
  await p.waitForFunction(() => globalThis.cnnTrain?.description, null, { timeout: 30000 });
}

/** Waits for the run to reach `state` (or a step), polling what the view shows. */
async function until(test, p = page, timeout = 240000) {
  await p.waitForFunction(test, null, { timeout, polling: 100 });
}

before(async () => {
  browser = await openBrowser('train');
  ({ base, context, page, errors } = browser);
  await openTrain();
});

after(async () => {
  await browser?.close();
});

test('a small network built in the editor learns: the loss falls and held-out accuracy is far above chance', async () => {
  await page.locator('#train [data-preset=oneConv]').click();
  await described();
  assert.equal(await $('train-layer').count(), 6);
  await setField(0, 'out_channels', 4);
  assert.match(await layer(0).textContent(), /4×28×28\s*104\s*78,400/);
  // a setting outside the editor's range, then an impossible layer: the engine's message at that layer, and no training
  await setField(0, 'kernel_size', 31);
  assert.match(await $('train-layer-error').first().textContent(), /layer 1: kernel must be a whole number from 1 to 11, not 31/);
  assert.equal(await $('train-start').isDisabled(), true);
  await setField(0, 'kernel_size', 11);
  await setField(0, 'padding', 0);
  await setField(0, 'dilation', 3);
  assert.equal(await $('train-layer-error').first().isVisible(), true);
  assert.match(await $('train-layer-error').first().textContent(), /layer 1 \(conv2d\): .*31/);
  assert.equal(await $('train-start').isDisabled(), true);
  await page.locator('#train').screenshot({ path: new URL('train-impossible-layer.png', OUT).pathname });
  await setField(0, 'dilation', 1);
  await setField(0, 'padding', 2);
  await setField(0, 'kernel_size', 5);
  assert.equal(await $('train-layer-error').first().isVisible(), false);
  assert.equal(await $('train-start').isDisabled(), false);
  await setHyper('epochs', 1);
  assert.match(page.url(), /arch=c4k5p2-r-m2-f-d10-x/);
  assert.match(page.url(), /epochs=1/);
  assert.match(await $('train-listing').textContent(), /nn\.Conv2d\(1, 4, kernel_size=5, padding=2\)/);

  const t0 = Date.now();
  await $('train-start').click();
  // while it trains, the Worker still answers other requests (the draw pad's) in between slices
  await until(() => globalThis.cnnTrain.progress?.step > 20);
  const asked = Date.now();
  await page.evaluate(() => globalThis.cnnTrain.client.request('info'));
  const answered = Date.now() - asked;
  assert.equal(await page.evaluate(() => globalThis.cnnTrain.progress.running), true);
  await until(() => globalThis.cnnTrain.progress?.state === 'done');
  const wall = Date.now() - t0;
  await until(() => document.querySelector('[data-testid=train-heldout-accuracy]'));
  const p = await page.evaluate(() => ({ ...globalThis.cnnTrain.progress, curve: globalThis.cnnTrain.curve }));
  assert.equal(p.step, Math.floor(60000 / 32), 'one epoch of the 60,000 training digits in batches of 32');
  const first = p.curve[0].loss;
  const last = p.curve[p.curve.length - 1].loss;
  assert.ok(last < first / 3, `the loss fell from ${first} to ${last}`);
  const heldOut = Number((await $('train-heldout-accuracy').textContent()).match(/[\d.]+/)[0]);
  assert.ok(heldOut > 80, `held-out accuracy ${heldOut}% (chance: 10%)`);
  assert.equal(await $('train-confusion').locator('tbody tr').count(), 10);
  assert.equal(await $('train-filters').locator('canvas').count(), 4);
  // a cell of the confusion matrix shows its images: the biggest mistake, then a diagonal cell
  const cells = await $('train-confusion').locator('button[data-cell]').evaluateAll((els) => els.map((b) => ({ cell: b.dataset.cell, n: Number(b.textContent) })));
  const mistake = cells.filter(({ cell }) => cell.split(',')[0] !== cell.split(',')[1]).sort((a, b) => b.n - a.n)[0];
  for (const { cell, n } of [mistake, cells.find(({ cell: c }) => c === '3,3')]) {
    await $('train-confusion').locator(`button[data-cell="${cell}"]`).click();
    await page.waitForFunction((want) => document.querySelectorAll('[data-testid=train-examples] canvas').length === want, Math.min(n, 40), { timeout: 20000 });
    const [truth, predicted] = cell.split(',');
    assert.match(await $('train-examples').textContent(), new RegExp(`${Math.min(n, 40)} images of ${truth} classified as ${predicted}`));
  }
  console.log(`one conv, 4 filters, 1 epoch: ${p.imagesPerSecond.toFixed(0)} images/s in Chromium, ${(p.elapsedMs / 1000).toFixed(2)} s training, ` +
    `${(wall / 1000).toFixed(2)} s from Start (with the data fetch); an info request answered in ${answered} ms while training; held out ${heldOut}%`);
  await page.locator('#train').screenshot({ path: new URL('train-en.png', OUT).pathname });
  assert.deepEqual(errors, []);
});

test('the draw pad reads the network being trained: its shipped digits are classified by it', async () => {
  await $('train-use').click();
  await page.waitForFunction(() => {
    const pg = globalThis.cnnPlayground;
    return pg?.modelKey === 'trained' && pg.net?.entry?.key === 'trained' && !pg.inFlight;
  }, null, { timeout: 30000 });
  assert.match(await page.locator('[data-testid=status]').textContent(), /The network trained below/);
  const { paramCount } = await page.evaluate(() => globalThis.cnnPlayground.net);
  assert.equal(paramCount, 7954, 'the one-conv network of 4 filters, not the shipped one');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=samples] button').length === 30, null, { timeout: 20000 });
  let right = 0;
  for (let c = 0; c < 10; c++) {
    await page.locator('[data-testid=samples] button').nth(3 * c).click();
    await page.waitForTimeout(50);
    await page.waitForFunction(() => {
      const pg = globalThis.cnnPlayground;
      return !pg.inFlight && !pg.dirty && pg.since === null;
    });
    if ((await page.locator('[data-testid=prediction]').textContent()).trim() === String(c)) right++;
  }
  assert.ok(right >= 7, `${right} of 10 shipped digits read right by the trained network`);
  assert.deepEqual(errors, []);
});

test('the URL reproduces the architecture and the hyperparameters', async () => {
  const url = page.url();
  const p = await context.newPage();
  await openTrain(url.slice(url.indexOf('?')), p);
  await described(p);
  assert.equal(await $('train-layer', p).count(), 6);
  assert.equal(await layer(0, p).locator('input[data-field=out_channels]').inputValue(), '4');
  assert.equal(await p.locator('#train [data-hyper=epochs]').inputValue(), '1');
  assert.match(await $('train-listing', p).textContent(), /nn\.Conv2d\(1, 4, kernel_size=5, padding=2\)/);
  await p.close();
});

test('pause stops the steps, one step takes exactly one, reset goes back to step 0', async () => {
  await setHyper('epochs', 3);
  await $('train-start').click();
  await until(() => globalThis.cnnTrain.progress?.step > 5);
  await $('train-start').click();  // pause
  await until(() => globalThis.cnnTrain.progress?.running === false);
  const at = await page.evaluate(() => globalThis.cnnTrain.progress.step);
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => globalThis.cnnTrain.progress.step), at);
  assert.equal(await $('train-start').textContent(), 'Resume');
  await $('train-step').click();
  await page.waitForFunction((n) => globalThis.cnnTrain.progress.step === n, at + 1, { timeout: 20000 });
  await $('train-reset').click();
  await page.waitForFunction(() => globalThis.cnnTrain.progress?.step === 0 && globalThis.cnnTrain.curve.length === 0, null, { timeout: 20000 });
  assert.equal(await $('train-start').textContent(), 'Start');
});

test('a NaN learning rate is refused with its name and value; a learning rate too large diverges and says so', async () => {
  await setHyper('lr', 'NaN');
  assert.match(await $('train-message').textContent(), /lr must be a number .* not "NaN"/);
  assert.equal(await page.locator('#train [data-hyper=lr]').getAttribute('aria-invalid'), 'true');
  await setHyper('lr', 10);
  await $('train-start').click();
  await until(() => ['diverged', 'done'].includes(globalThis.cnnTrain.progress?.state));
  assert.equal(await page.evaluate(() => globalThis.cnnTrain.progress.state), 'diverged');
  assert.match(await $('train-message').textContent(), /smaller learning rate than 10/);
  assert.equal(await page.evaluate(() => globalThis.cnnTrain.progress.step), 0, 'the weights before the first update are kept');
  await setHyper('lr', 0.002);
});

const legend = () => page.locator('#train .train-curve').first().locator('.train-legend').textContent();
const compared = () => until(() => globalThis.cnnTrain.compareStarted && !globalThis.cnnTrain.pendingCompare
  && globalThis.cnnTrain.run?.key === globalThis.cnnTrain.runKey() && globalThis.cnnTrain.progress?.state === 'done');

test('one click compares ReLU with sigmoid: both runs\' training and held-out curves, with a legend naming what differs', async () => {
  await openTrain('?arch=c4k5p2-r-m2-f-d10-x&epochs=1');
  await described();
  await page.locator('#train [data-compare=activation]').click();
  await compared();
  const v = await page.evaluate(() => {
    const view = globalThis.cnnTrain;
    return { prev: view.previous.curve.length, prevHeldOut: view.previous.heldOut.length, now: view.curve.length, heldOut: view.heldOut.length };
  });
  const steps = Math.floor(60000 / 32);
  const points = Math.floor(steps / 10);
  const heldOut = Math.floor(steps / 100) + (steps % 100 ? 1 : 0);
  assert.deepEqual(v, { prev: points, prevHeldOut: heldOut, now: points, heldOut }, `${steps} steps each: a training point every 10, held out every 100 and at the end`);
  assert.match(page.url(), /arch=c4k5p2-g-m2-f-d10-x/, 'the second run is the same network with sigmoid');
  assert.equal(await legend(), 'ReLU: training batchesReLU: held-out imagesSigmoid: training batchesSigmoid: held-out images');
  assert.match(await $('train-compare-note').textContent(), /Comparing “ReLU” \(purple and green\) with “Sigmoid” \(blue and orange\)/);
  await page.locator('#train').screenshot({ path: new URL('train-compare-en.png', OUT).pathname });
  // in Korean: with padding against without, from the sigmoid network just trained (kept: no third run for it)
  await page.selectOption('#lang', 'ko');
  assert.equal(await legend(), 'ReLU: 학습 배치ReLU: 검증 이미지시그모이드: 학습 배치시그모이드: 검증 이미지', 'the names follow the language');
  await page.locator('#train [data-compare=padding]').click();
  await compared();
  assert.match(page.url(), /arch=c4k5-g-m2-f-d10-x/);
  assert.equal(await legend(), '패딩 2: 학습 배치패딩 2: 검증 이미지패딩 없음: 학습 배치패딩 없음: 검증 이미지');
  await page.locator('#train').screenshot({ path: new URL('train-compare-ko.png', OUT).pathname });
  // CNN against a fully connected net: the names carry the engine's parameter counts
  await page.selectOption('#lang', 'en');
  await page.locator('#train [data-compare=dense]').click();
  await compared();
  assert.match(await legend(), /^CNN, 5,874 parameters: training batches.*fully connected, 5,575 parameters: held-out images$/);
  assert.deepEqual(errors, []);
});

test('the feature maps of a held-out image change as the network trains', async () => {
  // epochs enough that the run is still going when the maps are watched, on a fast machine too (it is paused below)
  await openTrain('?arch=c4k5p2-r-m2-f-d10-x&epochs=50');
  await described();
  await $('train-start').click();
  await until(() => globalThis.cnnTrain.progress?.step > 5 && globalThis.cnnTrain.mapsUpdates > 0);
  await $('train-maps').scrollIntoViewIfNeeded();
  const conv = () => page.evaluate(() => {
    const view = globalThis.cnnTrain;
    const canvas = document.querySelector('[data-testid=train-maps] [data-layer="1"] canvas.atlas');
    return { step: view.progress.step, updates: view.mapsUpdates, pixels: canvas.toDataURL() };
  });
  await until(() => globalThis.cnnTrain.mapsUpdates > 3);
  const first = await conv();
  const t0 = Date.now();
  await page.waitForFunction((n) => globalThis.cnnTrain.progress.step > n + 100, first.step, { timeout: 60000 });
  await page.waitForFunction((n) => globalThis.cnnTrain.mapsUpdates > n + 3, (await conv()).updates, { timeout: 20000 });
  const later = await conv();
  assert.notEqual(later.pixels, first.pixels, `the first conv layer's maps changed from step ${first.step} to ${later.step}`);
  console.log(`feature maps repainted ${((later.updates - first.updates) / ((Date.now() - t0) / 1000 + 1e-9)).toFixed(1)} times/s while training (with the curves and filters)`);
  assert.match(await $('train-maps-label').textContent(), /^held-out image 1: a \d$/);
  await $('train-maps-another').click();
  await page.waitForFunction(() => !/^held-out image 1:/.test(document.querySelector('[data-testid=train-maps-label]').textContent));
  await $('train-start').click();  // pause
  await until(() => globalThis.cnnTrain.progress?.running === false);
  assert.deepEqual(errors, []);
});

test('the lab\'s network probe retrains a network its settings no longer fit, and compares it with the original', async () => {
  await openTrain('?epochs=1');
  await described();
  await page.waitForFunction(() => !document.querySelector('[data-testid=lab-net-status]').textContent.includes('not loaded'), null, { timeout: 30000 });
  await page.evaluate(() => globalThis.cnnLab.setState({ stride: 2, padding: 2 }));
  await $('lab-net-apply').check();
  await $('lab-net-retrain').waitFor({ state: 'visible', timeout: 20000 });
  assert.match(await $('lab-net-message').textContent(), /The dense layer expects 400 inputs/);
  await $('lab-net-retrain').click();
  await until(() => globalThis.cnnTrain.progress?.step > 0);
  assert.match(page.url(), /arch=c8k5s2p2-r-m2-c16k5-r-m2-f-d64-r-d10-x/, 'the editor holds the changed network');
  const run = await page.evaluate(() => globalThis.cnnTrain.run.specs.find((l) => l.type === 'dense').in_features);
  assert.equal(run, 16 * 1 * 1, 'the dense layer takes what the changed conv stack gives');
  assert.match(await $('train-listing').textContent(), /nn\.Conv2d\(1, 8, kernel_size=5, stride=2, padding=2\)/);
  await page.locator('#train [data-compare=original]').click();
  await compared();
  assert.match(page.url(), /^[^?]*\?(?!.*arch=)/, 'the original network: the default architecture');
  assert.equal(await legend(), 'stride 2: training batchesstride 2: held-out imagesthe original network: training batchesthe original network: held-out images');
  await page.selectOption('#lang', 'ko');
  assert.equal(await legend(), '스트라이드 2: 학습 배치스트라이드 2: 검증 이미지원래 신경망: 학습 배치원래 신경망: 검증 이미지', 'the runs\' names follow the language');
  await page.selectOption('#lang', 'en');
  await $('lab-net-apply').uncheck();
  assert.deepEqual(errors, []);
});

test('the training view in Korean', async () => {
  await page.selectOption('#lang', 'ko');
  assert.equal(await page.locator('#train-title').textContent(), '신경망을 만들고 학습하는 모습 보기');
  assert.match(await $('train-start').textContent(), /시작/);
  await page.locator('#train [data-preset=lenet]').click();
  await described();
  assert.match(await $('train-totals').textContent(), /파라미터 29,738개/);
  await setHyper('epochs', 1);
  await $('train-start').click();
  // this run's end, not the end of the run before it (the view holds that one's progress until Start is answered)
  await until(() => globalThis.cnnTrain.progress?.running === true);
  await until(() => globalThis.cnnTrain.progress?.state === 'done' && document.querySelector('[data-testid=train-heldout-accuracy]'));
  const p = await page.evaluate(() => globalThis.cnnTrain.progress);
  assert.match(await $('train-status').textContent(), /^1,875단계 중 1,875단계/);
  console.log(`LeNet-style, 1 epoch of 60,000 digits: ${p.imagesPerSecond.toFixed(0)} images/s in Chromium, held out ${(100 * p.heldOutAccuracy).toFixed(1)}%`);
  await page.locator('#train').screenshot({ path: new URL('train-ko.png', OUT).pathname });
  await page.selectOption('#lang', 'en');
  assert.deepEqual(errors, []);
});

test('every text of the page, the training view with its results included, is readable (contrast at least 4.5:1)', async () => {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator('#train').scrollIntoViewIfNeeded();
    const low = await page.evaluate(lowContrastTexts);
    assert.deepEqual(low, [], `${scheme}: texts with too little contrast:\n${low.join('\n')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});
