// The convolution and pooling lab on the playground page, end to end in
// headless Chromium (Debian's, driven by playwright-core; no browser is ever
// downloaded). It moves the lab's controls as a learner would and checks
// what the page shows: the output size and the formula with its numbers, the
// products that add up to a clicked cell, the engine's message for settings
// that cannot work, the keyboard, and the lab's settings on the real network.
//
// To add a case: move controls with set()/click, wait with settled(), then
// read the page through its data-testid attributes. Screenshots go to
// test-results/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync'];
const OUT = new URL('../../test-results/', import.meta.url);

let server, context, page, base, profile;
const errors = [];

const $ = (id) => page.locator(`[data-testid=${id}]`);

/** Sets a range input or select the way a learner's drag or pick would. */
async function set(id, value) {
  await $(id).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  }, value);
  await settled();
}

/** Waits until the lab shows the result of its current settings and explanation. */
async function settled() {
  await page.waitForFunction(() => {
    const lab = globalThis.cnnLab;
    return lab && lab.settled;
  }, null, { timeout: 20000 });
}

async function openLab(query = '') {
  await page.goto(`${base}/${query}`);
  await page.waitForFunction(() => globalThis.cnnLab, null, { timeout: 30000 });
  await settled();
}

/** The output cells of map `map` as [{ text, value }], row by row. */
async function outputCells(map = 0) {
  return $(`lab-output-${map}`).locator('button').evaluateAll((els) => els.map((el) => ({ text: el.textContent, value: Number(el.dataset.value) })));
}

before(async () => {
  server = await startServer(0);
  base = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'cnn-e2e-lab-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(OUT, { recursive: true });
  await openLab();
});

after(async () => {
  await context?.close();
  server?.close();
  try { rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
});

test('stride 2 and padding 1: the output size and the formula with its numbers', async () => {
  assert.match(await $('lab-out-shape').textContent(), /1 × 3 × 3/);  // 5x5, 3x3 kernel, no padding
  await set('lab-stride', 2);
  await set('lab-padding', 1);
  assert.equal(await $('lab-stride-value').textContent(), '2');
  assert.equal(await $('lab-padding-value').textContent(), '1');
  assert.equal((await outputCells()).length, 9);
  assert.match(await $('lab-out-shape').textContent(), /1 × 3 × 3/);
  assert.match(await $('lab-formula-h').textContent(), /⌊\(5 \+ 2·1 − 1·\(3 − 1\) − 1\) \/ 2⌋ \+ 1 = 3/);
  assert.match(await $('lab-params').textContent(), /\(3·3·1 \+ 1\)·1 = 10/);
  assert.match(await $('lab-macs').textContent(), /= 81$/);
  assert.equal(await $('lab-pytorch').textContent(), 'nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)');
  // the padding is drawn around the 5x5 input: 7x7 cells, 24 of them padding
  assert.equal(await $('lab-input-0').locator('.lab-cell').count(), 49);
  assert.equal(await $('lab-input-0').locator('.lab-pad').count(), 24);
  await page.locator('#lab').screenshot({ path: new URL('lab-stride2-pad1.png', OUT).pathname });
  // stride 2 on a 6x6 grid with no padding leaves the last row and column unused
  await set('lab-padding', 0);
  await set('lab-size', 6);
  assert.match(await $('lab-formula-h').textContent(), /⌊\(6 \+ 2·0 − 1·\(3 − 1\) − 1\) \/ 2⌋ \+ 1 = 2/);
  assert.match(await $('lab-unused').textContent(), /stride 2/);
  assert.equal(await $('lab-input-0').locator('.lab-unused').count(), 11);  // one row + one column of 6
  await set('lab-size', 5);
  await set('lab-padding', 1);
});

test('clicking an output cell lists products that add up to the cell\'s value', async () => {
  const cells = await outputCells();
  for (const i of [4, 0, 8]) {
    await $('lab-output-0').locator('button').nth(i).click();
    await settled();
    const shown = await $('lab-explain-result').textContent();
    const value = Number(await $('lab-explain-result').getAttribute('data-value'));
    assert.equal(shown, cells[i].text, `cell ${i}`);
    assert.equal(value, cells[i].value, `cell ${i}`);
    // the listed products, added in float32 as the engine does, give the same number
    const products = await $('lab-explain').locator('tr[data-product]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.product)));
    let sum = Math.fround(0);
    for (const p of products) sum = Math.fround(sum + p);
    assert.equal(sum, cells[i].value, `cell ${i}`);  // bias 0
    assert.match(await $('lab-equation').textContent(), new RegExp(`= ${shown.replace(/[−.]/g, '\\$&')}$`));
  }
  // the receptive field is marked on the input: 9 taps, some of them padding for a corner cell
  assert.equal(await $('lab-input-0').locator('.lab-tap').count(), 9);

  // three channels, two filters, a bias: the same holds for every listed sum
  await $('lab-input-rgb').check();
  await settled();
  await set('lab-filters', 2);
  await $('lab-bias-1').fill('0.5');
  await $('lab-bias-1').press('Enter');
  await settled();
  const rgb = await outputCells(1);
  await $('lab-output-1').locator('button').nth(5).click();
  await settled();
  assert.equal(await $('lab-explain-result').textContent(), rgb[5].text);
  assert.equal(Number(await $('lab-explain-result').getAttribute('data-value')), rgb[5].value);
  assert.equal(await $('lab-explain').locator('tbody tr').count(), 27);  // 3 channels x 3 x 3
  assert.match(await $('lab-channels').textContent(), /3 slice/);
  assert.match(await $('lab-params').textContent(), /\(3·3·3 \+ 1\)·2 = 56/);

  // pooling: the winner of a max-pool window is its value
  await $('lab-input-grid').check();
  await $('lab-mode-pool').check();
  await settled();
  const pooled = await outputCells();
  await $('lab-output-0').locator('button').nth(1).click();
  await settled();
  assert.equal(await $('lab-explain-result').textContent(), pooled[1].text);
  assert.match(await $('lab-explain').locator('.lab-winner-row').textContent(), new RegExp(pooled[1].text));
  assert.doesNotMatch(await $('lab-explain').textContent(), /null|undefined|NaN/);
  await $('lab-mode-conv').check();
  await set('lab-filters', 1);
});

test('pooling with ceil_mode and count_include_pad: the rounded-up formula, the dropped window, the average\'s divisor', async () => {
  await $('lab-mode-pool').check();
  await settled();
  assert.equal(await $('lab-poolIncludePad').isVisible(), false, 'max pooling has no count_include_pad');
  await set('lab-pool-type', 'avg');
  await set('lab-poolPadding', 1);
  // 5 + 2·1 − 2 = 5: floor 5/2 = 2, so 3 outputs
  assert.match(await $('lab-formula-h').textContent(), /⌊\(5 \+ 2·1 − 2\) \/ 2⌋ \+ 1 = 3/);
  await $('lab-poolCeil').check();
  await settled();
  // rounded up: 4, but the 4th window would start in the padding, so PyTorch drops it
  assert.match(await $('lab-formula-h').textContent(), /⌈\(5 \+ 2·1 − 2\) \/ 2⌉ \+ 1 − 1 = 3/);
  assert.match(await $('lab-formula-dropped').textContent(), /drops a last window/);
  assert.match(await page.locator('#lab .lab-legend').textContent(), /its window was dropped/);
  assert.match(await $('lab-pytorch').textContent(), /ceil_mode=True/);
  // without padding the extra window stays, hanging over the edge: a 2x1 window at the right
  await set('lab-poolPadding', 0);
  assert.match(await $('lab-formula-h').textContent(), /⌈\(5 \+ 2·0 − 2\) \/ 2⌉ \+ 1 = 3/);
  assert.equal(await $('lab-formula-dropped').count(), 0);
  await $('lab-output-0').locator('button').nth(2).click();
  await settled();
  assert.equal(await $('lab-explain').locator('tbody tr').count(), 2, 'the clipped window has 2 values');
  // padding 1, count_include_pad off: the corner averages its one real value
  await set('lab-poolPadding', 1);
  await $('lab-output-0').locator('button').nth(0).click();
  await settled();
  assert.match(await $('lab-equation').textContent(), /\/ 4 =/);
  assert.match(await $('lab-explain-pad-note').textContent(), /count_include_pad=True/);
  await $('lab-poolIncludePad').uncheck();
  await settled();
  assert.match(await $('lab-equation').textContent(), /^\(\d+\) \/ 1 = \d+$/);
  assert.match(await $('lab-explain-pad-note').textContent(), /count_include_pad=False/);
  assert.match(await $('lab-pytorch').textContent(), /nn\.AvgPool2d\(kernel_size=2, padding=1, ceil_mode=True, count_include_pad=False\)/);
  await page.locator('#lab').screenshot({ path: new URL('lab-pool-ceil.png', OUT).pathname });
  // back to the defaults for the tests after this one
  await $('lab-poolIncludePad').check();
  await $('lab-poolCeil').uncheck();
  await set('lab-poolPadding', 0);
  await set('lab-pool-type', 'max');
  await $('lab-mode-conv').check();
  await settled();
});

test('impossible settings show the engine\'s message in place of the output, and a valid setting brings it back', async () => {
  await set('lab-kernel', 7);
  await set('lab-padding', 0);
  await assert.doesNotReject($('lab-error').waitFor({ state: 'visible' }));
  assert.match(await $('lab-error').textContent(), /7-tall kernel does not fit in the padded input, which is only 5 tall/);
  assert.equal(await $('lab-output').isVisible(), false);
  assert.match(await $('lab-formula').textContent(), /engine refuses/);
  // every control stays usable meanwhile
  await $('lab-step').click();
  await $('lab-play').click();
  await $('lab-play').click();
  await set('lab-kernel', 3);
  assert.equal(await $('lab-error').isVisible(), false);
  assert.equal((await outputCells()).length, 4);  // 5x5, stride 2, no padding: 2x2
  // 'same' padding refuses a stride above 1, as PyTorch does
  await $('lab-pad-same').click();
  await settled();
  assert.match(await $('lab-error').textContent(), /padding 'same'/);
  await set('lab-stride', 1);
  assert.equal(await $('lab-error').isVisible(), false);
  assert.equal((await outputCells()).length, 25);  // same size as the input
  assert.match(await $('lab-pytorch').textContent(), /padding='same'/);
  // a dilated kernel that spans more than the padded input
  await set('lab-padding', 0);
  await set('lab-dilation', 3);
  assert.match(await $('lab-error').textContent(), /dilation 3 spans 7 pixels/);
  await set('lab-dilation', 1);
  assert.equal(await $('lab-error').isVisible(), false);
  assert.deepEqual(errors, []);
});

test('numbers typed into the grid or a filter change the output; text that is not a number is refused', async () => {
  const before = await outputCells();
  assert.equal(before.length, 9);  // 5x5, 3x3 kernel, stride 1, no padding
  const cell = $('lab-input-0').locator('input').nth(0);  // row 1, column 1
  await cell.fill('9');
  await cell.press('Enter');
  await settled();
  const after = await outputCells();
  assert.notEqual(after[0].value, before[0].value);
  await $('lab-output-0').locator('button').nth(0).click();
  await settled();
  assert.match(await $('lab-equation').textContent(), /^9×\(−1\)/);
  assert.equal(await $('lab-explain-result').textContent(), after[0].text);
  await cell.fill('abc');
  await cell.press('Enter');
  await settled();
  assert.equal(await cell.inputValue(), '9');
  const weight = $('lab-weight-0-0').locator('input').nth(4);  // the centre of the edge kernel
  await weight.fill('4');
  await weight.press('Enter');
  await settled();
  assert.equal(await $('lab-preset-0').inputValue(), 'custom');
  assert.notEqual((await outputCells())[0].value, after[0].value);
  await $('lab-preset-0').selectOption('edge');
  await settled();
  assert.deepEqual(errors, []);
});

test('the kernel steps and plays; the keyboard moves it, and the products are read out', async () => {
  await set('lab-stride', 2);
  await set('lab-padding', 1);
  await $('lab-step').click();
  await settled();
  assert.match(await $('lab-position').textContent(), /position 1 of 9/);
  await $('lab-step').click();
  await settled();
  assert.match(await $('lab-position').textContent(), /position 2 of 9: output row 1, column 2/);
  // cells after the kernel's position are not filled in yet, as in the classic animations
  assert.equal(await $('lab-output-0').locator('.lab-hidden').count(), 7);
  await set('lab-speed', 5);
  await $('lab-play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-position]').textContent.includes('position 5 of 9'), null, { timeout: 10000 });
  await $('lab-play').click();  // pause
  await $('lab-show-all').click();
  assert.equal(await $('lab-output-0').locator('.lab-hidden').count(), 0);
  // keyboard: the output grid has one tab stop; arrows move the kernel
  await $('lab-output-0').locator('button').nth(0).click();
  await settled();
  await page.keyboard.press('ArrowRight');
  await settled();
  await page.keyboard.press('ArrowDown');
  await settled();
  assert.match(await $('lab-explain-title').textContent(), /row 2, column 2/);
  const spoken = await $('lab-explain-live').textContent();
  assert.match(spoken, /Output row 2, column 2: 9 products/);
  assert.match(spoken, /with the bias 0 the output is/);
  assert.equal(await $('lab-explain-live').getAttribute('aria-live'), 'polite');
  // the scrubber is a plain range input: arrow keys step it
  await $('lab-scrub').focus();
  await page.keyboard.press('ArrowRight');
  await settled();
  assert.match(await $('lab-position').textContent(), /position 6 of 9/);
});

test('the lab\'s settings on the real network: a mismatch is said with its numbers, and no prediction stays', async () => {
  await page.waitForFunction(() => !document.querySelector('[data-testid=lab-net-status]').textContent.includes('not loaded'), null, { timeout: 30000 });
  // the page's model, whatever its architecture: its first conv and the dense layer after it
  const specs = await page.evaluate(() => { const n = globalThis.cnnPlayground.net; return n.specs ?? n.entry.specs; });
  const conv = specs.find((s) => s.type === 'conv2d');
  const dense = specs.find((s) => s.type === 'dense');
  await set('lab-stride', 2);
  await set('lab-padding', 1);
  await $('lab-net-apply').check();
  await $('lab-net-message').waitFor({ state: 'visible', timeout: 20000 });
  const message = await $('lab-net-message').textContent();
  const m = message.match(/^The dense layer expects (\d+) inputs, but with stride 2( and padding 1)? the conv stack now gives (\d+): the network would have to be retrained\.$/);
  assert.ok(m, message);
  assert.equal(Number(m[1]), dense.in_features);
  assert.ok(Number(m[3]) < Number(m[1]));
  assert.equal(await $('lab-net-prediction').textContent(), '');
  assert.equal(await $('lab-net-maps').locator('canvas').count(), 0);
  // the network's own settings fit again: its maps and a prediction
  await set('lab-stride', conv.stride ?? 1);
  await set('lab-padding', typeof conv.padding === 'number' ? conv.padding : 0);
  await set('lab-dilation', conv.dilation ?? 1);
  await $('lab-net-after').waitFor({ state: 'visible', timeout: 20000 });
  assert.equal(await $('lab-net-message').isVisible(), false);
  assert.equal(await $('lab-net-maps').locator('canvas').count(), 2 * conv.out_channels);  // first conv and first pool
  assert.match(await $('lab-net-after').textContent(), /With the lab's settings: \S+ \(\d+% sure\)/);
  // padding 'same' goes onto the network as PyTorch writes it
  await $('lab-pad-same').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-net-lines]').textContent.includes("padding='same'"), null, { timeout: 20000 });
  await page.locator('#lab').screenshot({ path: new URL('lab-network.png', OUT).pathname });
  await $('lab-net-apply').uncheck();
});

test('no combination of controls leaves the lab broken (a seeded random walk over them)', async () => {
  let seed = 20240611;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const ranges = { 'lab-kernel': 7, 'lab-stride': 4, 'lab-padding': 4, 'lab-dilation': 3, 'lab-filters': 4,
    'lab-poolWindow': 4, 'lab-poolStride': 4, 'lab-poolPadding': 3 };
  const clicks = ['lab-mode-conv', 'lab-mode-pool', 'lab-input-grid', 'lab-input-digit', 'lab-input-rgb', 'lab-pad-same',
    'lab-pad-valid', 'lab-flip', 'lab-example-1x1', 'lab-step', 'lab-show-all', 'lab-poolCeil', 'lab-poolIncludePad'];
  const selects = { 'lab-activation': ['none', 'relu', 'sigmoid', 'tanh'], 'lab-pool-type': ['max', 'avg'], 'lab-size': ['5', '7', '9'] };
  for (let i = 0; i < 60; i++) {
    const kind = rand(3);
    if (kind === 0) {
      const ids = Object.keys(ranges);
      const id = ids[rand(ids.length)];
      await set(id, ranges[id] === 4 && id.endsWith('adding') ? rand(4) : 1 + rand(ranges[id]));
    } else if (kind === 1) {
      const id = clicks[rand(clicks.length)];
      if (await $(id).isVisible()) await $(id).click();
      await settled();
    } else {
      const ids = Object.keys(selects);
      const id = ids[rand(ids.length)];
      if (await $(id).isVisible()) await set(id, selects[id][rand(selects[id].length)]);
    }
    // either an output with an explained cell, or the engine's message: never neither, never both
    const shown = await page.evaluate(() => {
      const err = document.querySelector('[data-testid=lab-error]');
      const out = document.querySelector('[data-testid=lab-output]');
      return { error: !err.hidden, output: !out.hidden && out.querySelectorAll('button').length > 0 };
    });
    assert.notEqual(shown.error, shown.output, `step ${i}: ${JSON.stringify(shown)}`);
    if (shown.output) assert.ok((await $('lab-explain-result').count()) === 1, `step ${i}: no explanation`);
  }
  assert.deepEqual(errors, []);
});

test('the lab in Korean', async () => {
  await openLab('?lang=ko');
  assert.match(await page.locator('#lab h2').textContent(), /합성곱·풀링 실험실/);
  assert.match(await $('lab').textContent(), /스트라이드/);
  assert.match(await $('lab').textContent(), /패딩/);
  assert.match(await $('lab').textContent(), /특성 맵/);
  await set('lab-stride', 2);
  await set('lab-padding', 1);
  assert.match(await $('lab-formula-h').textContent(), /높이와 너비/);
  await page.locator('#lab').screenshot({ path: new URL('lab-ko.png', OUT).pathname });
  assert.deepEqual(errors, []);
});
