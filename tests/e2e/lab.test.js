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
import { openBrowser, OUT } from './browser.js';

let browser, page, base, errors;

const $ = (id) => page.locator(`[data-testid=${id}]`);

/** Sets a range input or select the way a learner's drag or pick would. */
async function set(id, value) {
  await $(id).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  }, value);
  await settled();
}

/** Puts a partial state on the lab (as a link or an embedding would) and waits for its result. */
async function setLab(partial) {
  await page.evaluate((p) => globalThis.cnnLab.setState(p), partial);
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
  browser = await openBrowser('lab');
  ({ base, page, errors } = browser);
  await openLab();
});

after(async () => {
  await browser?.close();
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
  assert.match(await $('lab-error').textContent(), /A kernel 7 rows tall does not fit in the padded input, which is only 5 rows tall \(5 \+ padding 0 \+ 0\)/);
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
  assert.match(await $('lab-error').textContent(), /dilation 3 spans 7 rows/);
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

// ---- the lecture notes' statements, in English and Korean ----------------

/** The defaults of the lab, for a test to start from. */
const DEFAULTS = { mode: 'conv', input: 'grid', size: 5, cells: null, kernel: 3, stride: 1, padding: 0, padMode: 'explicit',
  dilation: 1, filters: 1, presets: null, weights: null, bias: null, flip: false, activation: 'none', pool: 'max',
  poolWindow: 2, poolStride: 2, poolPadding: 0, poolCeil: false, poolIncludePad: true };

test('a filter with a direction: flipped, the output changes sign, and the PyTorch lines say what PyTorch needs', async () => {
  await openLab();
  await setLab({ ...DEFAULTS, presets: ['sobelX'] });
  // the default 5x5 grid's top-left 3x3 window: rows [1 2 0] [0 1 2] [1 0 1];
  // Sobel x (-1 0 1 / -2 0 2 / -1 0 1): (-1 + 0) + (0 + 4) + (-1 + 1) = 3
  // and so on over the grid, row by row (worked out on paper):
  const plain = [3, 5, 0, 0, 6, -2, -3, 0, 2];
  assert.deepEqual((await outputCells()).map((c) => c.value), plain);
  assert.equal(await $('lab-pytorch').textContent(), 'nn.Conv2d(1, 1, kernel_size=3)');
  assert.equal(await $('lab-pytorch-flip').isVisible(), false);
  await $('lab-flip').check();
  await settled();
  // turned half a turn, Sobel x is its own negative: every output changes sign, and the 6 that are not 0 change
  assert.deepEqual((await outputCells()).map((c) => c.value), plain.map((v) => (v ? -v : 0)));
  assert.equal(await $('lab-output-0').locator('.lab-diff').count(), 6);
  assert.match(await $('lab-flip-note').textContent(), /here 6 of the 9 output values change/);
  const code = (await $('lab-pytorch').textContent()).split('\n');
  assert.equal(code[0], 'conv = nn.Conv2d(1, 1, kernel_size=3)');
  assert.match(code[1], /^# turned half a turn/);
  assert.equal(code[2], 'conv.weight.data = torch.flip(w, dims=[2, 3])');
  assert.match(await $('lab-pytorch-flip').textContent(), /PyTorch computes cross-correlation/);
  await page.locator('#lab').screenshot({ path: new URL('lab-flip-sobel.png', OUT).pathname });
  // the other presets with a direction change the output too; the symmetric ones do not
  for (const [preset, differ] of [['sobelY', true], ['diagonal', true], ['curve', true], ['blur', false], ['edge', false]]) {
    await $('lab-preset-0').selectOption(preset);
    await settled();
    assert.equal((await $('lab-output-0').locator('.lab-diff').count()) > 0, differ, preset);
  }
  assert.deepEqual(errors, []);
});

test('the input\'s shape and its padded size, as the notes write it (N + 2·P)', async () => {
  await setLab({ ...DEFAULTS, stride: 2, padding: 1 });
  assert.equal(await page.locator('#lab .lab-col h4').first().textContent(), 'Input 1×5×5; with its padding 7×7 = (5 + 2·1)×(5 + 2·1)');
  await setLab({ padding: 0 });
  assert.equal(await page.locator('#lab .lab-col h4').first().textContent(), 'Input 1×5×5 (no padding)');
  // 'same' with a 4-wide kernel pads 1 before and 2 after (PyTorch's rule): 5 + 1 + 2 = 8
  await setLab({ stride: 1, kernel: 4, padMode: 'same' });
  assert.equal(await page.locator('#lab .lab-col h4').first().textContent(), 'Input 1×5×5; with its padding 8×8 = (5 + 1 + 2)×(5 + 1 + 2)');
  // the digit: 28 + 2·2 = 32
  await setLab({ ...DEFAULTS, input: 'digit', kernel: 5, padding: 2 });
  assert.equal(await page.locator('#lab .lab-col h4').first().textContent(), 'Input 1×28×28; with its padding 32×32 = (28 + 2·2)×(28 + 2·2)');
  await setLab(DEFAULTS);
});

test('the formula in the notes\' form: the raw quotient, whether it fits, what PyTorch does, and P = (F − 1)/2', async () => {
  // 5x5, F = 3, S = 1: (5 − 3)/1 + 1 = 3, whole
  assert.equal(await $('lab-notes-h').textContent(), 'height and width:(N − F)/S + 1 = (5 − 3)/1 + 1 = 2/1 + 1 = 2 + 1 = 3');
  assert.equal(await $('lab-notes-fit-h').textContent(), '2 is whole: the kernel fits exactly, 3 times.');
  assert.equal(await $('lab-notes-keep').textContent(), 'At stride 1, P = (F − 1)/2 keeps the size: here (F − 1)/2 = (3 − 1)/2 = 1.');
  // CS231n's 7x7 input, F = 3, stride 3: (7 − 3)/3 = 4/3 = 1.33, "doesn't fit"
  await setLab({ size: 7, stride: 3 });
  assert.equal(await $('lab-notes-h').textContent(), 'height and width:(N − F)/S + 1 = (7 − 3)/3 + 1 = 4/3 + 1 = 1.33 + 1');
  assert.equal(await $('lab-notes-fit-h').textContent(),
    'Does not fit: 4/3 = 1.33 is not whole. PyTorch rounds down, ⌊1.33⌋ + 1 = 2, so the last 1 row and 1 column of the padded input are never reached.');
  assert.match(await $('lab-out-shape').textContent(), /1 × 2 × 2/);  // the engine's size: floor(4/3) + 1 = 2
  assert.equal(await $('lab-input-0').locator('.lab-unused').count(), 13);  // the last row and column of 7
  // with padding: (7 + 2·1 − 3)/3 + 1 = 6/3 + 1 = 3
  await setLab({ padding: 1 });
  assert.equal(await $('lab-notes-h').textContent(), 'height and width:(N + 2P − F)/S + 1 = (7 + 2·1 − 3)/3 + 1 = 6/3 + 1 = 2 + 1 = 3');
  // an even kernel: (4 − 1)/2 = 1.5, no equal padding keeps the size
  await setLab({ kernel: 4, stride: 1, padding: 0 });
  assert.match(await $('lab-notes-keep').textContent(), /with F = 4 that is 1\.5, not a whole number/);
  // dilation 2: F = 2·(3 − 1) + 1 = 5, so (7 − 5)/1 + 1 = 3
  await setLab({ kernel: 3, dilation: 2 });
  assert.equal(await $('lab-notes-h').textContent(), 'height and width:(N − F)/S + 1 = (7 − 5)/1 + 1 = 2/1 + 1 = 2 + 1 = 3');
  assert.equal(await $('lab-notes-dilated').textContent(), 'F is the span of the dilated kernel: dilation·(kernel − 1) + 1 = 2·(3 − 1) + 1 = 5.');
  await setLab(DEFAULTS);
});

test('pooling has a window: its slider, its notes and its formula say so', async () => {
  await setLab({ ...DEFAULTS, mode: 'pool' });
  assert.match(await page.locator('#lab .lab-scrub-label').textContent(), /^Window position/);
  // 5x5, window 2, stride 2: (5 − 2)/2 = 1.5, so 2 outputs and the last row and column unused
  assert.match(await $('lab-unused').textContent(), /^With stride 2, the window never reaches the last rows and columns/);
  assert.doesNotMatch(await $('lab-unused').textContent(), /kernel/);
  assert.match(await page.locator('#lab .lab-legend').textContent(), /never covered by a window/);
  assert.equal(await $('lab-notes-fit-h').textContent(),
    'Does not fit: 3/2 = 1.5 is not whole. PyTorch rounds down, ⌊1.5⌋ + 1 = 2, so the last 1 row and 1 column of the padded input are never reached.');
  await setLab({ mode: 'conv' });
  assert.match(await page.locator('#lab .lab-scrub-label').textContent(), /^Kernel position/);
  await setLab(DEFAULTS);
});

test('on the network: only the changed layers are listed, and a refused layer is numbered as the page numbers it', async () => {
  await page.waitForFunction(() => !document.querySelector('[data-testid=lab-net-status]').textContent.includes('not loaded'), null, { timeout: 30000 });
  const specs = await page.evaluate(() => { const n = globalThis.cnnPlayground.net; return n.specs ?? n.entry.specs; });
  const first = specs.findIndex((s) => s.type === 'conv2d');
  const conv = specs[first];
  const k = conv.kernel_size;
  // the lab's settings as the network's own, but padding 0 and stride 4 on the first conv
  const own = { ...DEFAULTS, padding: typeof conv.padding === 'number' ? conv.padding : 0, stride: conv.stride ?? 1, dilation: conv.dilation ?? 1 };
  await setLab(own);
  await $('lab-net-apply').check();
  await $('lab-net-after').waitFor({ state: 'visible', timeout: 20000 });
  assert.equal(await $('lab-net-lines').textContent(), "No layer changes: these are the network's own settings.");
  await setLab({ stride: 2 });
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-net-lines] li'), null, { timeout: 20000 });
  assert.equal(await $('lab-net-lines').locator('li').count(), 1, 'the pooling layer did not change');
  assert.match(await $('lab-net-lines').locator('li').textContent(), new RegExp(`^Layer ${first + 1} \\(Convolution\\): nn\\.Conv2d`));
  // stride 4, no padding: the maps shrink until a later layer no longer fits
  await setLab({ stride: 4, padding: 0 });
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-net-message]').textContent.includes('cannot run'), null, { timeout: 20000 });
  const message = await $('lab-net-message').textContent();
  // by hand, for the shipped digits model (conv 5x5 pad 2, ReLU, max pool 2, conv 5x5, ...):
  // (28 + 2·0 − 5)/4 + 1 = ⌊23/4⌋ + 1 = 6, pooled by 2: 3, and the second 5x5 conv does not fit in 3
  const second = specs.findIndex((s, i) => i > first && s.type === 'conv2d');
  const h1 = Math.floor((28 - k) / 4) + 1;
  const h2 = Math.floor((h1 - 2) / 2) + 1;
  assert.equal(h2, 3);
  assert.equal(message, `With stride 4 and padding 0 the network cannot run at layer ${second + 1} (Convolution): ` +
    `A kernel ${specs[second].kernel_size} rows tall does not fit in the padded input, which is only ${h2} rows tall (${h2} + padding 0 + 0).`);
  await page.locator('#lab').screenshot({ path: new URL('lab-network-broken.png', OUT).pathname });
  await $('lab-net-apply').uncheck();
  await setLab(DEFAULTS);
  assert.deepEqual(errors, []);
});

test('the lab in Korean: its terms, its buttons, the engine\'s messages and the particles after numbers', async () => {
  await openLab('?lang=ko');
  await setLab(DEFAULTS);
  assert.equal(await $('lab-pad-valid').textContent(), '패딩 없음 (valid)');
  assert.equal(await $('lab-pad-same').textContent(), '크기 유지 (same)');
  assert.match(await $('lab').textContent(), /수학적 합성곱 \(커널 뒤집기\)/);
  assert.doesNotMatch(await page.locator('body').textContent(), /진짜 합성곱|매개변수/);
  // a formula that fits: 2는 (이), 커널이
  assert.equal(await $('lab-notes-fit-h').textContent(), '2는 정수입니다: 커널이 꼭 맞게 3번 놓입니다.');
  // the padded input, as the notes write it
  await setLab({ stride: 2, padding: 1 });
  assert.equal(await page.locator('#lab .lab-col h4').first().textContent(), '입력 1×5×5, 패딩을 두르면 7×7 = (5 + 2·1)×(5 + 2·1)');
  // the formula that does not fit: 4/3 = 1.33 (삼: 은), ⌊1.33⌋ + 1 = 2 (이: 가)
  await setLab({ size: 7, stride: 3, padding: 0 });
  assert.equal(await $('lab-notes-fit-h').textContent(),
    '맞지 않습니다: 4/3 = 1.33은 정수가 아닙니다. PyTorch는 내림해서 ⌊1.33⌋ + 1 = 2가 되고, 패딩을 두른 입력의 마지막 1행과 1열에는 닿지 않습니다.');
  assert.match(await $('lab-unused').textContent(), /^스트라이드가 3이면 /);
  await page.locator('#lab').screenshot({ path: new URL('lab-ko-no-fit.png', OUT).pathname });
  // the engine's refusal, said in Korean from its code and numbers
  await setLab({ size: 5, stride: 1, kernel: 7 });
  assert.equal(await $('lab-error').textContent(),
    '이 설정으로는 계산할 수 없습니다: 높이 7인 커널이 패딩을 두른 입력에 들어가지 않습니다: 입력의 높이가 5뿐입니다 (5 + 패딩 0 + 0).');
  await setLab({ kernel: 3, stride: 2, padMode: 'same' });
  assert.match(await $('lab-error').textContent(), /지금 스트라이드는 2×2입니다\.$/);
  assert.doesNotMatch(await $('lab-error').textContent(), /keeps the size|refuses/);
  // pooling: a window (윈도), and 2면 after the stride
  await setLab({ ...DEFAULTS, mode: 'pool' });
  assert.match(await page.locator('#lab .lab-scrub-label').textContent(), /^윈도 위치/);
  assert.match(await $('lab-unused').textContent(), /^스트라이드가 2면 .*윈도가 닿지 않습니다/);
  assert.equal(await $('lab-notes-fit-h').textContent(),
    '맞지 않습니다: 3/2 = 1.5는 정수가 아닙니다. PyTorch는 내림해서 ⌊1.5⌋ + 1 = 2가 되고, 패딩을 두른 입력의 마지막 1행과 1열에는 닿지 않습니다.');
  // flip: PyTorch's line in Korean
  await setLab({ ...DEFAULTS, presets: ['sobelX'], flip: true });
  assert.match(await $('lab-pytorch').textContent(), /# 180° 돌린 커널: w로 하는 수학적 합성곱\nconv\.weight\.data = torch\.flip\(w, dims=\[2, 3\]\)$/);
  assert.match(await $('lab-pytorch-flip').textContent(), /^PyTorch는 교차상관을 계산합니다/);
  await page.locator('#lab').screenshot({ path: new URL('lab-ko-flip.png', OUT).pathname });
  // Korean words are not split at the end of a line, on the page and in the lecture notes
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).wordBreak), 'keep-all');
  await setLab(DEFAULTS);
  assert.deepEqual(errors, []);
});

test('the network probe in Korean: the refused layer by the page\'s number, and the changes with their particles', async () => {
  await page.waitForFunction(() => !document.querySelector('[data-testid=lab-net-status]').textContent.includes('불러오지'), null, { timeout: 30000 });
  const specs = await page.evaluate(() => { const n = globalThis.cnnPlayground.net; return n.specs ?? n.entry.specs; });
  const second = specs.findIndex((s, i) => i > specs.findIndex((x) => x.type === 'conv2d') && s.type === 'conv2d');
  await setLab({ ...DEFAULTS, stride: 4, padding: 0 });
  await $('lab-net-apply').check();
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-net-message]').textContent.includes('실행되지'), null, { timeout: 20000 });
  // "스트라이드 4, 패딩 0" ends in 영: 으로
  assert.equal(await $('lab-net-message').textContent(), `스트라이드 4, 패딩 0으로 바꾸면 신경망이 ${second + 1}번째 층(합성곱)에서 실행되지 않습니다: ` +
    '높이 5인 커널이 패딩을 두른 입력에 들어가지 않습니다: 입력의 높이가 3뿐입니다 (3 + 패딩 0 + 0).');
  // only the first convolution changed: it alone is listed, by the page's number
  const first = specs.findIndex((x) => x.type === 'conv2d');
  assert.equal(await $('lab-net-lines').locator('li').count(), 1);
  assert.match(await $('lab-net-lines').locator('li').textContent(), new RegExp(`^${first + 1}번째 층 \\(합성곱\\): nn\\.Conv2d`));
  await $('lab-net-apply').uncheck();
  await setLab(DEFAULTS);
});

test('the lecture notes page keeps Korean words whole at line ends', async () => {
  await page.goto(`${base}/lecture.html`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).wordBreak), 'keep-all');
});

test('screenshots of the changed statements, desktop and phone, English and Korean (look at them)', async () => {
  for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width: w, height: h });
    for (const lang of ['en', 'ko']) {
      await openLab(`?lang=${lang}`);
      const shots = [
        ['flip', { ...DEFAULTS, presets: ['sobelX'], flip: true }],
        ['padded', { ...DEFAULTS, size: 7, padding: 1 }],
        ['pool', { ...DEFAULTS, mode: 'pool' }],
        ['no-fit', { ...DEFAULTS, size: 7, stride: 3 }],
      ];
      for (const [name, state] of shots) {
        await setLab(state);
        await page.locator('#lab').screenshot({ path: new URL(`lab-${name}-${lang}-${tag}.png`, OUT).pathname });
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});
