// The lecture notes' examples at their real sizes, two stacked convolutions,
// and "fully connected against convolution", end to end in headless
// Chromium (Debian's, driven by playwright-core). Each case sets the notes'
// example as a learner or a link would, and checks every number on the page
// against a value computed by hand here (10·(5·5·3) + 10 = 760, not a number
// copied from the page).
//
// To add a case: open the page with a query (openPage('?ex=…')), or press a
// control, wait with labSettled()/fcSettled(), then read the page through
// its data-testid attributes. Screenshots go to test-results/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, OUT } from './browser.js';
import { sampleDigit } from '../../web/src/ui/lab/presets.js';

let browser, page, base, errors;

const $ = (id) => page.locator(`[data-testid=${id}]`);
const text = (id) => $(id).textContent();
const n = (x) => x.toLocaleString('en-US');  // 30720 -> "30,720", as the page writes it

async function labSettled() {
  await page.waitForFunction(() => globalThis.cnnLab?.settled, null, { timeout: 30000 });
}

async function fcSettled() {
  await page.waitForFunction(() => globalThis.cnnFc?.settled, null, { timeout: 30000 });
}

async function openPage(query = '') {
  await page.goto(`${base}/${query}`);
  await labSettled();
  await fcSettled();
}

/** Types a value into a number box, as a learner would, and waits for the result. */
async function type(id, value, settled = labSettled) {
  await $(id).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
  await settled();
}

before(async () => {
  browser = await openBrowser('examples');
  ({ base, page, errors } = browser);
});

after(async () => {
  await browser?.close();
});

test('ten 5x5 filters on 32x32x3, stride 1, padding 2: 32x32x10 and 760 parameters', async () => {
  await openPage('?ex=cs231n-760#lab');
  const out = (32 - 5 + 2 * 2) / 1 + 1;  // 32
  const params = 10 * (5 * 5 * 3) + 10;  // 760
  assert.equal(out, 32);
  assert.equal(await page.evaluate(() => globalThis.cnnLab.getState().mode), 'full');
  assert.match(await text('lab-full-title'), /CS231n: a 32×32×3 image, ten 5×5 filters, stride 1, padding 2/);
  assert.equal(await $('lab-ex-cs231n-760').getAttribute('aria-pressed'), 'true');
  assert.equal(await text('lab-full-l1-in'), 'Input: 32×32×3 (height × width × channels)');
  assert.equal(await text('lab-full-l1-out'), `Output: ${out}×${out}×10 (height × width × channels)`);
  assert.match(await text('lab-full-l1-weight'), /10 filters of 5×5×3; weight \[10, 3, 5, 5\] .* bias \[10\]/);
  assert.equal(await text('lab-full-l1-params'), `Parameters: (k·k·C_in + 1)·C_out = (5·5·3 + 1)·10 = ${params}`);
  assert.equal(await text('lab-full-l1-macs'), `Multiply-adds: out_h·out_w·C_out·(k·k·C_in) = 32·32·10·(5·5·3) = ${n(32 * 32 * 10 * 5 * 5 * 3)}`);
  assert.equal(await text('lab-full-input-caption'), `Input 32×32×3, padded by 2: ${32 + 2 * 2}×${32 + 2 * 2}`);
  assert.equal(await text('lab-full-filter-1-caption'), '10 filters of 5×5×3');
  assert.equal(await text('lab-full-output-1-caption'), `Output ${out}×${out}×10`);
  // the formula, in PyTorch's form and the notes' form
  assert.match(await text('lab-formula-h'), /⌊\(32 \+ 2·2 − 1·\(5 − 1\) − 1\) \/ 1⌋ \+ 1 = 32/);
  assert.match(await text('lab-notes-h'), new RegExp(`\\(32 \\+ 2·2 − 5\\)/1 \\+ 1 = ${32 + 4 - 5}/1 \\+ 1 = ${32 + 4 - 5} \\+ 1 = ${out}`));
  assert.match(await text('lab-notes-keep'), new RegExp(`\\(5 − 1\\)/2 = ${(5 - 1) / 2}`));
  assert.equal(await text('lab-pytorch'), 'nn.Conv2d(3, 10, kernel_size=5, padding=2)');
  // drawn to scale: no cell-by-cell grids, the padding inside the input's box
  assert.equal(await $('lab-output').isVisible(), false);
  assert.equal(await page.locator('[data-testid=lab-full-input] .lab-vol-inner').count(), 1);
  await page.locator('#lab').screenshot({ path: new URL('examples-760-en.png', OUT).pathname });
  // a learner's change: six filters instead of ten, and it is no longer the example
  await type('lab-fullFilters', 6);
  assert.equal(await text('lab-full-l1-params'), `Parameters: (k·k·C_in + 1)·C_out = (5·5·3 + 1)·6 = ${6 * (5 * 5 * 3 + 1)}`);
  assert.equal(await $('lab-ex-cs231n-760').getAttribute('aria-pressed'), 'false');
  assert.equal(await text('lab-full-title'), 'A convolution at full size');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('ff'), '6');
  assert.equal(url.searchParams.get('fp'), '2');
  assert.equal(url.searchParams.get('ex'), null);
  // a value out of range is refused with the setting's name and the value, and nothing changes
  await type('lab-fullFilters', 600);
  assert.equal(await text('lab-refused'), 'Filters: 600 is not a whole number from 1 to 512; the setting stays as it was.');
  assert.equal(await $('lab-fullFilters').inputValue(), '6');
  assert.deepEqual(errors, []);
});

test('every example is one click, and each sets the notes\' numbers', async () => {
  await openPage('#lab');
  const cases = [
    ['cs231n-six', { out: [(32 - 5) / 1 + 1, 28, 6], params: 6 * (5 * 5 * 3 + 1), weight: '[6, 3, 5, 5]' }],
    ['cs231n-1x1', { out: [(56 - 1) / 1 + 1, 56, 32], params: 32 * (1 * 1 * 64 + 1), weight: '[32, 64, 1, 1]' }],
    ['kaist-28-f7', { out: [28 - 7 + 1, 22, 1], params: 7 * 7 * 1 + 1, weight: '[1, 1, 7, 7]' }],
    ['cs231n-760', { out: [32, 32, 10], params: 760, weight: '[10, 3, 5, 5]' }],
  ];
  for (const [id, want] of cases) {
    await $(`lab-ex-${id}`).click();
    await labSettled();
    const [h, w, c] = want.out;
    assert.equal(await text('lab-full-l1-out'), `Output: ${h}×${w}×${c} (height × width × channels)`, id);
    assert.match(await text('lab-full-l1-params'), new RegExp(` = ${n(want.params)}$`), id);
    assert.match(await text('lab-full-l1-weight'), new RegExp(want.weight.replace(/[[\]]/g, '\\$&')), id);
    assert.equal(await $(`lab-ex-${id}`).getAttribute('aria-pressed'), 'true', id);
    assert.equal(new URL(page.url()).searchParams.get('ex'), id, id);
  }
  assert.equal(await text('lab-full-l1-macs'), `Multiply-adds: out_h·out_w·C_out·(k·k·C_in) = 32·32·10·(5·5·3) = ${n(768000)}`);
  // the 1x1 example says it mixes the channels, keeping the height and width
  await $('lab-ex-cs231n-1x1').click();
  await labSettled();
  assert.match(await text('lab-full-note'), /keeps the height and width and mixes the channels/);
  assert.equal(await text('lab-full-l1-macs'), `Multiply-adds: out_h·out_w·C_out·(k·k·C_in) = 56·56·32·(1·1·64) = ${n(56 * 56 * 32 * 64)}`);
  assert.deepEqual(errors, []);
});

test('a 3x3 filter at stride 3 on 7x7 does not fit: the quotient, what PyTorch does, and the row and column never reached', async () => {
  await openPage('?ex=cs231n-7x7-s3#lab');
  const q = Math.round(((7 - 3) / 3) * 100) / 100;  // 1.33
  const out = Math.floor((7 - 3) / 3) + 1;         // 2
  const reached = (out - 1) * 3 + 3;              // 6: the last column a window covers
  assert.equal(q, 1.33);
  assert.match(await text('lab-notes-h'), new RegExp(`\\(N − F\\)/S \\+ 1 = \\(7 − 3\\)/3 \\+ 1 = 4/3 \\+ 1 = ${q} \\+ 1`));
  assert.match(await text('lab-notes-fit-h'), new RegExp(`Does not fit: 4/3 = ${q} is not whole\\. PyTorch rounds down, ⌊${q}⌋ \\+ 1 = ${out}`));
  assert.equal(await text('lab-full-l1-out'), `Output: ${out}×${out}×1 (height × width × channels)`);
  assert.equal(await text('lab-full-unreached'), `Never reached by the filter (orange): row ${reached + 1} and column ${reached + 1} of the 7×7 padded input.`);
  assert.equal(await page.locator('[data-testid=lab-full-unused-rows]').count(), 1);
  assert.equal(await page.locator('[data-testid=lab-full-unused-cols]').count(), 1);
  assert.equal(await text('lab-full-l1-params'), `Parameters: (k·k·C_in + 1)·C_out = (3·3·1 + 1)·1 = ${3 * 3 + 1}`);
  assert.equal(await text('lab-pytorch'), 'nn.Conv2d(1, 1, kernel_size=3, stride=3)');
});

test('two stacked convolutions: 32x32x3 -> 28x28x6 -> 24x24x10; the second kernels have six channels', async () => {
  await openPage('?ex=cs231n-stacked#lab');
  const first = 6 * (5 * 5 * 3) + 6;     // 456
  const second = 10 * (5 * 5 * 6) + 10;  // 1510
  assert.equal(await text('lab-full-l1-out'), `Output: ${32 - 5 + 1}×${32 - 5 + 1}×6 (height × width × channels)`);
  assert.equal(await text('lab-full-l2-in'), 'Input: 28×28×6 (height × width × channels)');
  assert.equal(await text('lab-full-l2-out'), `Output: ${28 - 5 + 1}×${28 - 5 + 1}×10 (height × width × channels)`);
  assert.match(await text('lab-full-l1-params'), new RegExp(` = ${first}$`));
  assert.match(await text('lab-full-l2-params'), new RegExp(`\\(5·5·6 \\+ 1\\)·10 = ${n(second)}$`));
  assert.equal(n(second), '1,510');
  assert.match(await text('lab-full-l1-weight'), /\[6, 3, 5, 5\]/);
  assert.match(await text('lab-full-l2-weight'), /10 filters of 5×5×6; weight \[10, 6, 5, 5\]/);
  assert.equal(await text('lab-full-stack-note'), 'Layer 2’s kernels are 5×5×6: 6 channels, as many as layer 1 has filters (6).');
  assert.equal(await text('lab-full-output-2-caption'), 'Output of layer 2: 24×24×10');
  assert.equal(await text('lab-pytorch'), 'nn.Sequential(\n    nn.Conv2d(3, 6, kernel_size=5),\n    nn.Conv2d(6, 10, kernel_size=5),\n)');
  // more filters in layer 1: layer 2's kernels get deeper with it
  await type('lab-fullFilters', 8);
  assert.match(await text('lab-full-l2-weight'), /weight \[10, 8, 5, 5\]/);
  assert.match(await text('lab-full-l2-params'), new RegExp(` = ${n(10 * (5 * 5 * 8 + 1))}$`));
  // a second kernel larger than the first output: the engine's message names it; the first layer stays
  await type('lab-stackKernel', 11);
  await type('lab-fullSize', 12);
  assert.match(await text('lab-full-error'), /^The second convolution cannot work: /);
  assert.equal(await text('lab-full-l1-out'), 'Output: 8×8×8 (height × width × channels)');
  assert.deepEqual(errors, []);
});

test('a link with a bad lab setting opens without it and says which', async () => {
  await openPage('?ex=cs231n-760&fn=999#lab');
  assert.match(await text('lab-url-problems'), /fn=999 was left out \(fullSize: 999 is outside 1 to 224\)/);
  assert.equal(await text('lab-full-l1-out'), 'Output: 32×32×10 (height × width × channels)');
});

test('the counter: 3,072 values fully connected to 10 outputs are 30,720 weights + 10 biases, against 760', async () => {
  await openPage('#fc-vs-conv');
  const flat = 32 * 32 * 3;
  const dense = flat * 10;
  assert.equal(await text('fc-flat'), `The 32×32×3 image stretched into one vector of ${n(flat)} values.`);
  assert.equal(await text('fc-dense-weight'), `Every output looks at every value: weight 10 × ${n(flat)} (10 outputs × ${n(flat)} inputs).`);
  assert.equal(await text('fc-dense-params'), `${n(dense)} weights + 10 biases = ${n(dense + 10)} parameters`);
  assert.equal(await text('fc-conv-weight'), '10 filters of 5×5×3: weight 10 × 3 × 5 × 5.');
  assert.equal(await text('fc-conv-params'), `${10 * 5 * 5 * 3} weights + 10 biases = ${10 * (5 * 5 * 3) + 10} parameters`);
  assert.equal(await text('fc-ratio'), `The fully connected layer has ${((dense + 10) / 760).toFixed(1)} times as many parameters (${n(dense + 10)} against 760).`);
  // a larger image: the dense count grows with it, the filters' does not
  await type('fc-size', 224, fcSettled);
  const big = 224 * 224 * 3 * 10;
  assert.equal(await text('fc-dense-params'), `${n(big)} weights + 10 biases = ${n(big + 10)} parameters`);
  assert.equal(await text('fc-conv-params'), '750 weights + 10 biases = 760 parameters');
  // more outputs and filters, one channel
  await type('fc-channels', 1, fcSettled);
  await type('fc-outputs', 100, fcSettled);
  await type('fc-filters', 32, fcSettled);
  await type('fc-kernel', 3, fcSettled);
  assert.equal(await text('fc-dense-params'), `${n(224 * 224 * 100)} weights + 100 biases = ${n(224 * 224 * 100 + 100)} parameters`);
  assert.equal(await text('fc-conv-params'), `${32 * 3 * 3} weights + 32 biases = ${32 * 9 + 32} parameters`);
  await type('fc-size', 0, fcSettled);
  assert.equal(await text('fc-refused'), 'Image size (height = width): 0 is not a whole number from 1 to 224; the setting stays as it was.');
  assert.equal(await $('fc-size').inputValue(), '224');
  await page.locator('#fc-vs-conv').screenshot({ path: new URL('examples-fc-en.png', OUT).pathname });
  assert.deepEqual(errors, []);
});

test('MNIST: a fully connected network against the shipped CNN, both counted by the engine', async () => {
  await openPage('#fc-vs-conv');
  const mlp = (hidden) => 784 * hidden + hidden + hidden * 10 + 10;
  assert.equal(await text('fc-mlp'), `Fully connected 784 → 128 → 10: ${n(784 * 128 + 128)} + ${n(128 * 10 + 10)} parameters in its two layers.`);
  assert.equal(await text('fc-mlp-params'), `${n(mlp(128))} parameters in all`);
  // the shipped LeNet-style CNN: conv 1->8 5x5, conv 8->16 5x5, dense 400->64, dense 64->10
  const layers = [8 * (5 * 5 * 1 + 1), 16 * (5 * 5 * 8 + 1), 400 * 64 + 64, 64 * 10 + 10];
  assert.equal(await text('fc-cnn-params'), `${n(layers.reduce((a, b) => a + b))} parameters in all`);
  assert.deepEqual(await $('fc-cnn-layers').locator('li').allTextContents(),
    [`layer 1, convolution: ${layers[0]}`, `layer 4, convolution: ${n(layers[1])}`, `layer 8, fully connected: ${n(layers[2])}`, `layer 10, fully connected: ${layers[3]}`]);
  await type('fc-hidden', 37, fcSettled);
  assert.equal(await text('fc-mlp-params'), `${n(mlp(37))} parameters in all`);
});

test('flattening: the digit moved by one pixel, as maps and as the vector; neighbours are 28 apart', async () => {
  await openPage('#fc-vs-conv');
  const digit = sampleDigit();
  const changed = (dy, dx) => {
    let count = 0;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sy = y - dy;
        const sx = x - dx;
        const moved = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? digit[sy * 28 + sx] : 0;
        if (moved !== digit[y * 28 + x]) count++;
      }
    }
    return count;
  };
  assert.equal(await text('fc-changed'), `${changed(0, 1)} of the 784 values changed.`);
  // the picked pixel (row 11, column 15) is value 10·28 + 14 + 1 of the vector, its neighbour below 28 further on
  const at = (r, c) => (r - 1) * 28 + (c - 1) + 1;
  assert.equal(await text('fc-neighbours'), `The pixel at row 11, column 15 is value ${at(11, 15)} of the vector; its neighbour below is value ${at(12, 15)}, 28 places further on, and its neighbour to the right is value ${at(11, 16)}. Neighbours in the image are not neighbours in the vector.`);
  await $('fc-shift').selectOption('down');
  await fcSettled();
  assert.equal(await text('fc-changed'), `${changed(1, 0)} of the 784 values changed.`);
  // a click on the map picks another pixel: row 3, column 26
  await $('fc-map-0').scrollIntoViewIfNeeded();
  const box = await $('fc-map-0').boundingBox();
  await page.mouse.click(box.x + (25.5 / 28) * box.width, box.y + (2.5 / 28) * box.height);
  assert.match(await text('fc-neighbours'), new RegExp(`row 3, column 26 is value ${at(3, 26)} of the vector; its neighbour below is value ${at(4, 26)}`));
  assert.equal(await $('fc-strip-0').locator('.fc-tick').count(), 3);
  // and the arrow keys move it: one row down
  await $('fc-map-0').focus();
  await page.keyboard.press('ArrowDown');
  assert.match(await text('fc-neighbours'), new RegExp(`row 4, column 26 is value ${at(4, 26)} of the vector`));
});

test('in Korean: the 760 example and the counter, desktop and phone (look at the screenshots)', async () => {
  for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width: w, height: h });
    await openPage('?lang=ko&ex=cs231n-760#lab');
    assert.equal(await text('lab-full-l1-params'), '파라미터 수: (k·k·C_in + 1)·C_out = (5·5·3 + 1)·10 = 760');
    assert.equal(await text('lab-full-l1-out'), '출력: 32×32×10 (높이 × 너비 × 채널)');
    assert.equal(await text('lab-ex-cs231n-760'), '32×32×3, 5×5 필터 10개, 패딩 2');
    await page.locator('#lab').screenshot({ path: new URL(`examples-760-ko-${tag}.png`, OUT).pathname });
    assert.equal(await text('fc-dense-params'), '가중치 30,720개 + 편향 10개 = 파라미터 30,730개');
    assert.equal(await text('fc-conv-params'), '가중치 750개 + 편향 10개 = 파라미터 760개');
    await page.locator('#fc-vs-conv').screenshot({ path: new URL(`examples-fc-ko-${tag}.png`, OUT).pathname });
    const wide = await page.evaluate(() => [...document.querySelectorAll('#lab *, #fc-vs-conv *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => `${el.tagName}.${el.className?.baseVal ?? el.className}`));
    assert.deepEqual(wide, [], `nothing of the two sections sticks out at ${w} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(errors, []);
});

test('the widget: example= opens an example, the examples list is a control, a bad example is named', async () => {
  await page.goto(`${base}/lecture.html`);
  await page.waitForFunction(() => customElements.get('cnn-conv-lab'));
  await page.evaluate(() => {
    document.body.innerHTML = '<cnn-conv-lab id="a" lang="en" example="cs231n-stacked" controls="examples,full,stack"></cnn-conv-lab>'
      + '<cnn-conv-lab id="b" lang="en" example="cs231n-9000" full-size="300"></cnn-conv-lab>'
      + '<cnn-conv-lab id="c" lang="en" example="cs231n-760" controls="kernel,stride"></cnn-conv-lab>';
  });
  const a = page.locator('#a');
  const wait = (w) => w.evaluate((el) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => (el.dataset.state && el.lab?.settled ? resolve() : performance.now() - t0 > 30000 ? reject(new Error('no result')) : setTimeout(check, 30));
    check();
  }));
  await wait(a);
  assert.match(await a.locator('[data-testid=lab-full-l2-params]').textContent(), new RegExp(` = ${n(10 * (5 * 5 * 6 + 1))}$`));
  await a.locator('[data-testid=lab-ex-cs231n-760]').click();
  await wait(a);
  assert.match(await a.locator('[data-testid=lab-full-l1-params]').textContent(), / = 760$/);
  assert.equal(await a.locator('[data-testid=lab-full-l2]').count(), 0);
  // with the drawn lab's controls, the full-size fields of the same ideas
  const c = page.locator('#c');
  await wait(c);
  assert.match(await c.locator('[data-testid=lab-full-l1-params]').textContent(), / = 760$/);
  assert.equal(await c.locator('[data-testid=lab-fullKernel]').isVisible(), true);
  assert.equal(await c.locator('[data-testid=lab-fullStride]').isVisible(), true);
  assert.equal(await c.locator('[data-testid=lab-fullFilters]').count(), 0);
  assert.equal(await c.locator('[data-testid=lab-stack]').count(), 0);
  assert.equal(await c.locator('[data-testid=lab-ex-cs231n-760]').count(), 0);
  const b = page.locator('#b');
  await wait(b);
  const msgs = await b.locator('[data-testid=widget-messages] li').allTextContents();
  assert.equal(msgs.length, 2, msgs.join(' | '));
  assert.match(msgs[0], /example/);
  assert.match(msgs[0], /cs231n-9000/);
  assert.match(msgs[1], /full-size/);
  assert.match(msgs[1], /300/);
  // the iframe embed page: ex= in its hash
  await page.goto(`${base}/embed.html#widget=conv-lab&lang=en&ex=cs231n-six`);
  const e = page.locator('cnn-conv-lab');
  await page.waitForFunction(() => document.querySelector('cnn-conv-lab'));
  await wait(e);
  assert.equal(await e.locator('[data-testid=lab-full-l1-out]').textContent(), `Output: ${32 - 5 + 1}×${32 - 5 + 1}×6 (height × width × channels)`);
  assert.match(await e.locator('[data-testid=lab-full-l1-params]').textContent(), new RegExp(` = ${6 * (5 * 5 * 3 + 1)}$`));
});
