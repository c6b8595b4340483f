// The concept index of the playground page, end to end in headless Chromium:
// for each concept of the lecture notes, follow the index's link, as a
// reader would, and check every number the page then shows against a value
// worked out here by hand (the output size from (N + 2P − F)/S + 1, each
// output cell as the sum of its products, computed from the grid values the
// page shows, the parameter and multiply-add counts, the pooled values, the
// activations' values and slopes). The quiz ("Predict, then check") is
// answered here too, right and wrong.
//
// To add a concept: a row in web/src/ui/concepts.js, then a test here that
// calls follow('<id>', n) and reads the page through its data-testid
// attributes. Screenshots go to test-results/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, OUT } from './browser.js';
import { sampleDigit } from '../../web/src/ui/lab/presets.js';

let browser, page, base, errors;

const $ = (id) => page.locator(`[data-testid="${id}"]`);
const f32 = Math.fround;

async function settled() {
  await page.waitForFunction(() => globalThis.cnnLab?.settled, null, { timeout: 30000 });
}

/** Clicks link n of a concept in the index (the page stays: the link is applied in place) and waits for the lab. */
async function follow(id, n = 0) {
  const link = $(`concept-${id}-${n}`);
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForFunction((h) => location.href === new URL(h, location.href).href, href);
  await settled();
  return href;
}

/** A lab grid as rows of { value, text, pad } (pad: a padding cell, value 0). */
async function grid(testid) {
  const cells = await $(testid).evaluate((g) => [...g.querySelectorAll('.lab-cell')].map((c) => ({
    r: Number(c.dataset.r), c: Number(c.dataset.c), pad: c.classList.contains('lab-pad'),
    value: c.dataset.value === undefined ? null : Number(c.dataset.value), text: c.tagName === 'INPUT' ? c.value : c.textContent })));
  const rows = [];
  for (const cell of cells) (rows[cell.r] ??= [])[cell.c] = { ...cell, value: cell.pad ? 0 : cell.value };
  return rows;
}

const values = (rows) => rows.map((r) => r.map((c) => c.value));

/** The output cells of map m as rows of { value, text }, read from the page. */
const outputMap = (m) => grid(`lab-output-${m}`);

/** Cross-correlation by hand: padded input channels [ch][y][x], weights [ch][ky][kx], stride, bias; float32 as the engine sums. */
function correlate(inputs, weights, stride, bias = 0) {
  const k = weights[0].length;
  const n = inputs[0].length;
  const out = Math.floor((n - k) / stride) + 1;
  return Array.from({ length: out }, (_, y) => Array.from({ length: out }, (_, x) => {
    let sum = 0;
    for (let ch = 0; ch < inputs.length; ch++) {
      for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) sum = f32(sum + f32(inputs[ch][y * stride + ky][x * stride + kx] * weights[ch][ky][kx]));
    }
    return f32(sum + bias);
  }));
}

/** Pooling by hand over a grid: window k, stride s; 'max' or 'avg' (float32, row by row). */
function pool(rows, k, s, kind) {
  const n = rows.length;
  const out = Math.floor((n - k) / s) + 1;
  return Array.from({ length: out }, (_, y) => Array.from({ length: out }, (_, x) => {
    const win = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) win.push(rows[y * s + i][x * s + j]);
    if (kind === 'max') return Math.max(...win);
    let sum = 0;
    for (const v of win) sum = f32(sum + v);
    return f32(sum / (k * k));
  }));
}

/** Each output cell shown equals the one computed by hand (value and text). */
function sameCells(shown, want, what) {
  assert.equal(shown.length, want.length, `${what}: rows`);
  for (let y = 0; y < want.length; y++) {
    assert.equal(shown[y].length, want[y].length, `${what}: columns`);
    for (let x = 0; x < want[y].length; x++) {
      assert.ok(Math.abs(shown[y][x].value - want[y][x]) <= 1e-5 * Math.max(1, Math.abs(want[y][x])), `${what} (${y}, ${x}): ${shown[y][x].value} is not ${want[y][x]}`);
      assert.ok(Math.abs(Number(shown[y][x].text.replace('−', '-')) - want[y][x]) <= 5e-4 * Math.max(1, Math.abs(want[y][x])), `${what} (${y}, ${x}) shows ${shown[y][x].text}`);
    }
  }
}

const text = async (id) => (await $(id).textContent()).replace(/\s+/g, ' ');

before(async () => {
  browser = await openBrowser('concepts');
  ({ base, page, errors } = browser);
  await page.goto(`${base}/?lang=en`);
  await page.waitForFunction(() => globalThis.cnnLab && globalThis.cnnTrain, null, { timeout: 60000 });
  await settled();
});

after(async () => {
  await browser?.close();
});

test('the index lists every concept of the notes, each with a link in the reader\'s language', async () => {
  const ids = await $('concepts').locator(':scope > li').evaluateAll((lis) => lis.map((li) => li.dataset.testid));
  assert.deepEqual(ids, ['filtering', 'stride', 'padding', 'formula', 'pooling', 'channels', 'outChannels', 'params', 'oneByOne', 'flip',
    'relu', 'stack', 'fcVsConv', 'spatial'].map((id) => `concept-${id}`));
  for (const id of ids) assert.ok(await page.locator(`[data-testid=${id}] a`).count() >= 1, id);
  assert.match(await $('concept-params-1').getAttribute('href'), /^\?lang=en&ex=cs231n-760#lab$/);
  assert.match(await $('concept-fcVsConv-0').getAttribute('href'), /#fc-vs-conv$/);
});

test('filtering: 5×5 numbers and a 3×3 filter, every output cell the sum of its 9 products', async () => {
  const href = await follow('filtering');
  assert.match(href, /mode=conv/);
  const input = await grid('lab-input-0');
  assert.equal(input.length, 5);                   // no padding
  const w = values(await grid('lab-weight-0-0'));
  assert.equal(w.length, 3);
  const want = correlate([values(input)], [w], 1);
  assert.equal(want.length, (5 - 3) / 1 + 1);       // 3
  sameCells(await outputMap(0), want, 'filtering');
  assert.match(await text('lab-out-shape'), /1 × 3 × 3/);
  assert.match(await text('lab-params'), new RegExp(`\\(3·3·1 \\+ 1\\)·1 = ${(3 * 3 * 1 + 1) * 1}$`));
  assert.match(await text('lab-macs'), new RegExp(`= ${3 * 3 * 1 * 3 * 3 * 1}$`));
  // one cell, clicked: its products and their sum, as listed
  await $('lab-output-0').locator('[data-r="1"][data-c="2"]').click();
  await settled();
  const products = [];
  for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) products.push(input[1 + ky][2 + kx].value * w[ky][kx]);
  const sum = products.reduce((a, b) => a + b, 0);
  assert.equal(sum, want[1][2]);
  assert.match(await text('lab-equation'), new RegExp(`= ${String(sum).replace('-', '−')}`));
  await page.locator('#lab').screenshot({ path: new URL('concepts-filtering.png', OUT).pathname });
});

test('stride: 7×7, 3×3 filter, stride 2 gives (7 − 3)/2 + 1 = 3', async () => {
  await follow('stride');
  const input = values(await grid('lab-input-0'));
  assert.equal(input.length, 7);
  const w = values(await grid('lab-weight-0-0'));
  const want = correlate([input], [w], 2);
  assert.equal(want.length, (7 - 3) / 2 + 1);
  sameCells(await outputMap(0), want, 'stride 2');
  assert.match(await text('lab-out-shape'), /1 × 3 × 3/);
  assert.match(await text('lab-notes-h'), /\(7 − 3\)\/2 \+ 1 = 4\/2 \+ 1 = 2 \+ 1 = 3/);
  assert.match(await text('lab-macs'), new RegExp(`= ${3 * 3 * 1 * 3 * 3}$`));
});

test('padding: 5×5 with padding 1 and a 3×3 filter keeps the size, (5 + 2·1 − 3)/1 + 1 = 5', async () => {
  await follow('padding');
  const padded = await grid('lab-input-0');
  assert.equal(padded.length, 5 + 2 * 1);
  assert.equal(padded.flat().filter((c) => c.pad).length, 7 * 7 - 5 * 5);
  const w = values(await grid('lab-weight-0-0'));
  const want = correlate([values(padded)], [w], 1);
  assert.equal(want.length, 5);
  sameCells(await outputMap(0), want, 'padding 1');
  assert.match(await text('lab-notes-h'), /\(5 \+ 2·1 − 3\)\/1 \+ 1 = 4\/1 \+ 1 = 4 \+ 1 = 5/);
  assert.match(await text('lab-notes-keep'), /\(3 − 1\)\/2 = 1/);
  assert.match(await text('lab-out-shape'), /1 × 5 × 5/);
});

test('the output-size formula: 7×7, 3×3, stride 3 does not fit (4/3 = 1.33); PyTorch floors to 2', async () => {
  await follow('formula');
  const q = (7 - 3) / 3;
  assert.match(await text('lab-notes-h'), new RegExp(`4/3 \\+ 1 = ${Math.round(q * 100) / 100} \\+ 1`));
  assert.match(await text('lab-formula-h'), new RegExp(`= ${Math.floor(q) + 1}$`));
  assert.match(await text('lab-out-shape'), /1 × 2 × 2/);
  const input = values(await grid('lab-input-0'));
  sameCells(await outputMap(0), correlate([input], [values(await grid('lab-weight-0-0'))], 3), 'stride 3');
  // the last row and column: 7 − ((2 − 1)·3 + 3) = 1 never reached
  assert.equal(await $('lab-input-0').locator('.lab-unused').count(), 7 + 7 - 1);
});

test('max and average pooling: 6×6, 2×2 window, stride 2, every pooled value; no parameters', async () => {
  await follow('pooling', 0);
  const input = values(await grid('lab-input-0'));
  assert.equal(input.length, 6);
  sameCells(await outputMap(0), pool(input, 2, 2, 'max'), 'max pooling');
  assert.match(await text('lab-out-shape'), /1 × 3 × 3/);
  assert.match(await text('lab-params'), /0|no/i);
  await follow('pooling', 1);
  sameCells(await outputMap(0), pool(values(await grid('lab-input-0')), 2, 2, 'avg'), 'average pooling');
});

test('why max pooling: the sample 7 moved one pixel right; the unchanged pooled cells, counted by hand', async () => {
  await $('concept-pooling-2').click();
  await page.waitForFunction(() => location.hash === '#why-pool');
  await page.waitForSelector('[data-testid=why-pool][data-ready]');
  const digit = Array.from(sampleDigit());
  const rows = Array.from({ length: 28 }, (_, y) => digit.slice(y * 28, y * 28 + 28));
  const moved = rows.map((r) => [0, ...r.slice(0, 27)]);
  for (const kind of ['max', 'avg']) {
    const a = pool(rows, 2, 2, kind).flat(), b = pool(moved, 2, 2, kind).flat();
    let inked = 0, unchanged = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === 0 && b[i] === 0) continue;
      inked++;
      if (a[i] === b[i]) unchanged++;
    }
    const count = $(`why-pool-${kind}-count`);
    assert.equal(Number(await count.getAttribute('data-inked')), inked, kind);
    assert.equal(Number(await count.getAttribute('data-unchanged')), unchanged, kind);
    assert.match(await count.textContent(), new RegExp(`${unchanged} of the ${inked} .*\\(${Math.round((100 * unchanged) / inked)}%\\)`));
  }
  // moved the other way, the counts follow
  await $('why-pool-shift').selectOption('down');
  await page.waitForFunction(() => document.querySelector('[data-testid=why-pool-max-count]')?.closest('.why')?.querySelector('[data-testid=why-pool-moved]')?.getAttribute('aria-label')?.includes('down'));
  const down = [new Array(28).fill(0), ...rows.slice(0, 27)];
  const a = pool(rows, 2, 2, 'max').flat(), b = pool(down, 2, 2, 'max').flat();
  const same = a.filter((v, i) => (v !== 0 || b[i] !== 0) && v === b[i]).length;
  assert.equal(Number(await $('why-pool-max-count').getAttribute('data-unchanged')), same);
});

test('channels: an RGB input needs 3-channel filters; each output cell adds the products of all three', async () => {
  await follow('channels');
  const inputs = [];
  const weights = [];
  for (let ch = 0; ch < 3; ch++) {
    inputs.push(values(await grid(`lab-input-${ch}`)));
    weights.push(values(await grid(`lab-weight-0-${ch}`)));
  }
  assert.equal(inputs[0].length, 8);
  const want = correlate(inputs, weights, 1);
  assert.equal(want.length, 8 - 3 + 1);
  sameCells(await outputMap(0), want, 'RGB');
  assert.match(await text('lab-params'), new RegExp(`\\(3·3·3 \\+ 1\\)·1 = ${3 * 3 * 3 + 1}$`));
  assert.match(await page.locator('#lab').textContent(), /C_out×C_in×k×k = 1×3×3×3/);
});

test('output channels: four 3×3 filters on 5×5 give 4 feature maps of 3×3, each from its own filter', async () => {
  await follow('outChannels');
  const input = values(await grid('lab-input-0'));
  for (let f = 0; f < 4; f++) {
    sameCells(await outputMap(f), correlate([input], [values(await grid(`lab-weight-${f}-0`))], 1), `filter ${f + 1}`);
  }
  assert.equal(await $('lab-output').locator('.lab-map').count(), 4);
  assert.match(await text('lab-out-shape'), /4 × 3 × 3/);
  assert.match(await text('lab-params'), new RegExp(`= ${(3 * 3 * 1 + 1) * 4}$`));
});

test('parameter counts: four 3×3 filters on an RGB input, (3·3·3 + 1)·4 = 112; the multiply-adds', async () => {
  await follow('params');
  assert.match(await text('lab-params'), new RegExp(`\\(3·3·3 \\+ 1\\)·4 = ${(3 * 3 * 3 + 1) * 4}$`));
  assert.match(await text('lab-macs'), new RegExp(`= ${(6 * 6 * 4 * 3 * 3 * 3).toLocaleString('en-US')}$`));   // 3,888
  assert.match(await text('lab-out-shape'), /4 × 6 × 6/);
  const inputs = [0, 1, 2].map((ch) => grid(`lab-input-${ch}`));
  const ins = (await Promise.all(inputs)).map(values);
  for (let f = 0; f < 4; f++) {
    const w = [];
    for (let ch = 0; ch < 3; ch++) w.push(values(await grid(`lab-weight-${f}-${ch}`)));
    sameCells(await outputMap(f), correlate(ins, w, 1), `RGB filter ${f + 1}`);
  }
  // the notes' 760 at full size, one click away; and predicted there: (32 + 2·2 − 5)/1 + 1 = 32, 10·(5·5·3 + 1) = 760
  await follow('params', 1);
  const state = await page.evaluate(() => globalThis.cnnLab.getState());
  assert.equal(state.example, 'cs231n-760');
  assert.equal(state.mode, 'full');
  await page.evaluate(() => globalThis.cnnLab.setState({ quiz: true }));
  await settled();
  await $('lab-quiz-size').fill(String((32 + 2 * 2 - 5) / 1 + 1));
  await $('lab-quiz-params').fill(String(10 * (5 * 5 * 3 + 1)));
  await $('lab-quiz-check').click();
  await $('lab-quiz-params-verdict').waitFor();
  assert.equal(await $('lab-quiz-size-verdict').getAttribute('data-why'), 'right');
  assert.equal(await $('lab-quiz-params-verdict').getAttribute('data-why'), 'right');
  await page.evaluate(() => globalThis.cnnLab.setState({ quiz: false }));
  await settled();
});

test('1×1 convolution: two filters mix R, G and B pixel by pixel (R + G + B and R − G)', async () => {
  await follow('oneByOne');
  const [r, g, b] = await Promise.all([0, 1, 2].map(async (ch) => values(await grid(`lab-input-${ch}`))));
  const sum = r.map((row, y) => row.map((v, x) => f32(f32(v + g[y][x]) + b[y][x])));
  const diff = r.map((row, y) => row.map((v, x) => f32(v - g[y][x])));
  sameCells(await outputMap(0), sum, 'R + G + B');
  sameCells(await outputMap(1), diff, 'R − G');
  assert.match(await text('lab-out-shape'), /2 × 8 × 8/);
  assert.match(await text('lab-params'), new RegExp(`\\(1·1·3 \\+ 1\\)·2 = ${(1 * 1 * 3 + 1) * 2}$`));
});

test('cross-correlation against convolution: Sobel x turned half a turn; the cells that change; what PyTorch needs', async () => {
  await follow('flip');
  const input = values(await grid('lab-input-0'));
  const w = values(await grid('lab-weight-0-0'));       // as the reader sees and edits them
  const turned = w.map((row, y) => row.map((_, x) => w[2 - y][2 - x]));
  const conv = correlate([input], [turned], 1);
  const corr = correlate([input], [w], 1);
  sameCells(await outputMap(0), conv, 'true convolution');
  const differ = conv.flat().filter((v, i) => v !== corr.flat()[i]).length;
  assert.ok(differ > 0);
  assert.match(await text('lab-flip-note'), new RegExp(`\\b${differ}\\b.*\\b${conv.flat().length}\\b`));
  assert.match(await text('lab-pytorch'), /torch\.flip\(w, dims=\[2, 3\]\)/);
});

test('ReLU: each activation\'s value and slope at x = 1, −2 and 0, and the gradient through 1 to 20 sigmoid layers', async () => {
  await $('concept-relu-0').click();
  await page.waitForFunction(() => location.hash === '#why-relu');
  await page.waitForSelector('[data-testid=why-relu][data-ready]');
  const sig = (x) => 1 / (1 + Math.exp(-x));
  const expect = {
    relu: [(x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],   // at the kink, 0 as PyTorch takes it
    sigmoid: [sig, (x) => sig(x) * (1 - sig(x))],
    tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
    leaky: [(x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
  };
  for (const x of [1, -2, 0]) {
    await $('why-relu-x').evaluate((el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, x);
    for (const [id, [f, df]] of Object.entries(expect)) {
      const value = Number(await $(`why-act-${id}-value`).getAttribute('data-value'));
      const slope = Number(await $(`why-act-${id}-slope`).getAttribute('data-value'));
      assert.ok(Math.abs(value - f(x)) < 1e-6, `${id}(${x}) = ${value}, not ${f(x)}`);
      assert.ok(Math.abs(slope - df(x)) < 1e-6, `${id}'(${x}) = ${slope}, not ${df(x)}`);
      assert.match(await $(`why-act-${id}-value`).textContent(), new RegExp(String(Math.round(f(x) * 10000) / 10000).replace('-', '−')));
    }
  }
  for (let n = 1; n <= 20; n++) {
    const bound = Number(await $(`why-depth-sigmoid-${n}`).getAttribute('data-value'));
    assert.equal(bound, 0.25 ** n, `0.25^${n}`);
    assert.equal(Number(await $(`why-depth-relu-${n}`).getAttribute('data-value')), 1);
  }
  await $('why-depth').evaluate((el) => { el.value = '20'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  assert.match(await text('why-depth-text'), new RegExp(`0\\.25\\^20 = ${(0.25 ** 20).toExponential(2).replace('e-', 'e−')}`));
  // in the lab, ReLU sets the negative outputs to 0
  await follow('relu', 1);
  const input = values(await grid('lab-input-0'));
  const relu = correlate([input], [values(await grid('lab-weight-0-0'))], 1).map((r) => r.map((v) => Math.max(0, v)));
  assert.ok(relu.flat().some((v) => v === 0));
  sameCells(await outputMap(0), relu, 'ReLU');
});

test('ReLU against sigmoid in training: the link sets the sigmoid preset in place, each layer\'s shape and count', async () => {
  await $('concept-relu-2').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('arch')?.includes('g'));
  const listing = await text('train-listing');
  assert.equal((listing.match(/nn\.Sigmoid\(\)/g) ?? []).length, 3);
  assert.equal((listing.match(/nn\.ReLU\(\)/g) ?? []).length, 0);
  assert.deepEqual(errors, []);
});

test('the CONV-RELU-POOL … FC stack: each layer\'s output shape and parameters, worked out by hand', async () => {
  await $('concept-stack-1').click();
  await page.waitForFunction(() => location.hash === '#train'
    && (document.querySelector('[data-testid=train-listing]')?.textContent.match(/nn\.ReLU/g) ?? []).length === 3);
  // conv 5x5 pad 2: (28 + 4 − 5)/1 + 1 = 28; pool 2: 14; conv 5x5: 14 − 5 + 1 = 10; pool 2: 5; flatten 16·5·5 = 400
  const params = [8 * (5 * 5 * 1 + 1), 0, 0, 16 * (5 * 5 * 8 + 1), 0, 0, 0, 400 * 64 + 64, 0, 64 * 10 + 10, 0];
  const shapes = ['8 × 28 × 28', '8 × 28 × 28', '8 × 14 × 14', '16 × 10 × 10', '16 × 10 × 10', '16 × 5 × 5', '400', '64', '64', '10', '10'];
  const rows = await $('train-layer').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(2, 4).map((td) => td.textContent.replace(/\s+/g, ' ').trim())));
  assert.equal(rows.length, shapes.length);
  rows.forEach(([shape, count], i) => {
    assert.match(shape.replace(/[×x]/g, '×'), new RegExp(shapes[i].replace(/ × /g, '\\s*×\\s*')), `layer ${i + 1} shape`);
    assert.equal(Number(count.replace(/[^\d]/g, '') || 0), params[i], `layer ${i + 1} parameters`);
  });
  const total = params.reduce((a, b) => a + b, 0);
  assert.equal(total, 29738);
  assert.match((await text('train-totals')).replace(/,/g, ''), new RegExp(`^${total} parameters`));
  // the page's own network, layer by layer
  const net = await page.locator('#network [data-testid=layer-shape]').allTextContents();
  assert.deepEqual(net.map((s) => s.replace(/\s+/g, ' ')), ['1 × 28 × 28', ...shapes]);
});

test('Predict, then check: a wrong output size and a forgotten bias are named, a right answer is right, text is refused', async () => {
  await page.goto(`${base}/?lang=en&quiz=true&size=7&k=3&s=2&p=1#lab`);
  await page.waitForFunction(() => globalThis.cnnLab, null, { timeout: 60000 });
  await settled();
  // the answers wait: no output grid, no counts, until the learner answers
  assert.equal(await $('lab-output').isVisible(), false);
  assert.equal(await $('lab-params').isVisible(), false);
  for (const [typed, problem] of [['abc', /not a number/], ['-3', /negative/], ['2.5', /not a whole number/]]) {
    await $('lab-quiz-size').fill(typed);
    await $('lab-quiz-params').fill('10');
    await $('lab-quiz-check').click();
    assert.match(await text('lab-quiz-message'), problem);
    assert.equal(await $('lab-quiz-size-verdict').count(), 0);
    assert.equal(await $('lab-output').isVisible(), false);
  }
  const out = Math.floor((7 + 2 * 1 - 3) / 2) + 1;  // 4
  const forgotPadding = Math.floor((7 - 3) / 2) + 1;  // 3
  await $('lab-quiz-size').fill(String(forgotPadding));
  await $('lab-quiz-params').fill(String(3 * 3 * 1 * 1));   // the bias left out
  await $('lab-quiz-check').click();
  await $('lab-quiz-size-verdict').waitFor();
  assert.equal(await $('lab-quiz-size-verdict').getAttribute('data-why'), 'noPadding');
  assert.match(await text('lab-quiz-size-verdict'), new RegExp(`it is ${out}\\..*\\(N − F\\)/S \\+ 1`));
  assert.equal(await $('lab-quiz-params-verdict').getAttribute('data-why'), 'noBias');
  assert.match(await text('lab-quiz-params-verdict'), /it is 10\..*bias/);
  assert.equal(await $('lab-output').isVisible(), true);
  assert.match(await text('lab-out-shape'), new RegExp(`1 × ${out} × ${out}`));
  await page.locator('#lab').screenshot({ path: new URL('concepts-quiz.png', OUT).pathname });
  // a new setting is a new question; "Show the answer" shows it without a guess
  await page.evaluate(() => globalThis.cnnLab.setState({ stride: 1 }));
  await settled();
  assert.equal(await $('lab-output').isVisible(), false);
  await $('lab-quiz-reveal').click();
  assert.match(await text('lab-quiz-answer'), new RegExp(`${7 + 2 - 3 + 1} wide and tall, and the layer has ${3 * 3 + 1} parameters`));
  assert.equal(await $('lab-output').isVisible(), true);
  // right answers are right
  await page.evaluate(() => globalThis.cnnLab.setState({ padding: 0 }));
  await settled();
  assert.equal(await $('lab-output').isVisible(), false);
  await $('lab-quiz-size').fill(String(7 - 3 + 1));
  await $('lab-quiz-params').fill('10');
  await $('lab-quiz-check').click();
  await $('lab-quiz-size-verdict').waitFor();
  assert.equal(await $('lab-quiz-size-verdict').getAttribute('data-why'), 'right');
  assert.equal(await $('lab-quiz-params-verdict').getAttribute('data-why'), 'right');
  // in Korean, the same verdicts
  await page.goto(`${base}/?lang=ko&quiz=true&in=rgb&k=3&f=4#lab`);
  await page.waitForFunction(() => globalThis.cnnLab, null, { timeout: 60000 });
  await settled();
  await $('lab-quiz-size').fill('6');
  await $('lab-quiz-params').fill(String((3 * 3 + 1) * 4));   // the input channels left out
  await $('lab-quiz-check').click();
  await $('lab-quiz-params-verdict').waitFor();
  assert.equal(await $('lab-quiz-size-verdict').getAttribute('data-why'), 'right');
  assert.equal(await $('lab-quiz-params-verdict').getAttribute('data-why'), 'noChannels');
  assert.match(await text('lab-quiz-params-verdict'), /답은 112입니다.*입력 채널이 3개/);
  assert.deepEqual(errors, []);
});

test('a link with a bad lab setting: the setting is named above the lab and left out, the others are used', async () => {
  await page.goto(`${base}/?lang=en&k=9&s=2#lab`);
  await page.waitForFunction(() => globalThis.cnnLab, null, { timeout: 60000 });
  await settled();
  assert.match(await text('lab-url-problems'), /k=9 was left out \(kernel: 9 is outside 1 to 7\)/);
  const state = await page.evaluate(() => globalThis.cnnLab.getState());
  assert.equal(state.kernel, 3);
  assert.equal(state.stride, 2);
  // a change writes the lab's settings back into the address
  await page.evaluate(() => globalThis.cnnLab.setState({ kernel: 5 }));
  await settled();
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('k'), '5');
  assert.equal(q.get('s'), '2');
  assert.equal(q.get('lang'), 'en');
});

test('the quiz as a widget: <cnn-pool-lab quiz> on the embed page, and the teachers\' page writes quiz="true"', async () => {
  await page.goto(`${base}/embed.html#widget=pool-lab&lang=ko&quiz=true`);
  const size = page.locator('cnn-pool-lab [data-testid=lab-quiz-size]');
  await size.waitFor({ timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('cnn-pool-lab')?.dataset.state === 'ok', null, { timeout: 30000 });
  // 5×5, window 2, stride 2: ⌊(5 − 2)/2⌋ + 1 = 2; pooling has no parameters
  await size.fill(String(Math.floor((5 - 2) / 2) + 1));
  await page.locator('cnn-pool-lab [data-testid=lab-quiz-params]').fill(String(2 * 2));
  await page.locator('cnn-pool-lab [data-testid=lab-quiz-check]').click();
  const verdict = page.locator('cnn-pool-lab [data-testid=lab-quiz-params-verdict]');
  await verdict.waitFor();
  assert.equal(await page.locator('cnn-pool-lab [data-testid=lab-quiz-size-verdict]').getAttribute('data-why'), 'right');
  assert.equal(await verdict.getAttribute('data-why'), 'poolWindow');
  assert.match(await verdict.textContent(), /답은 0입니다.*파라미터가 없습니다/);
  await page.goto(`${base}/teach.html`);
  const box = page.locator('[data-testid=teach-quiz]');
  await box.waitFor({ timeout: 30000 });
  await box.check();
  await page.waitForFunction(() => document.querySelector('[data-testid=teach-code-element]')?.value.includes('quiz="true"'));
  assert.match(await page.locator('[data-testid=teach-code-iframe]').inputValue(), /quiz=true/);
  await page.locator('cnn-conv-lab [data-testid=lab-quiz-size]').waitFor({ timeout: 30000 });
  assert.deepEqual(errors, []);
});
