// A teacher's own PyTorch model on the page, end to end in headless
// Chromium: the exports of tests/e2e/import_models.py (Debian's torch, run
// here first) dropped on the playground (a real drop event with a
// DataTransfer) or picked with its file input, read drawings made with the
// mouse, take a picked image when the pad cannot feed them, apply their
// input normalisation as PyTorch does (the page's numbers against torch's on
// the same input), and are refused with a message when damaged, the
// previous model staying. Then the widget with model="...": a file of the
// page's site, a 404, and an HTML page served in place of a model.
// Screenshots: test-results/import-*.png.
// To add a model: export it in import_models.py, then drop it here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser, OUT } from './browser.js';
import { DIGITS, draw, settled } from './pen.js';

const PYTHON = '/usr/bin/python3';
const GENERATOR = new URL('./import_models.py', import.meta.url).pathname;
let b, page, dir;

const file = (name) => readFileSync(join(dir, name));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnn-import-'));
  execFileSync(PYTHON, [GENERATOR, dir], { stdio: 'inherit' });
  writeFileSync(join(dir, 'digits.txt'), `${['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'].join('\n')}\n`);
  writeFileSync(join(dir, 'three.json'), JSON.stringify(['a', 'b', 'c']));
  b = await openBrowser('import');
  page = b.page;
  // the exports, served by the page's own site under /imported/ (a missing one is a 404)
  await b.context.route('**/imported/**', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    if (name === 'page.onnx') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Not here</title><p>Sorry' });
    try {
      return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: file(name) });
    } catch {
      return route.fulfill({ status: 404, contentType: 'text/html', body: '<!doctype html><p>Not found' });
    }
  });
  await page.goto(`${b.base}/`);
  await page.waitForFunction(() => globalThis.cnnPlayground?.net && globalThis.cnnPlayground.root.dataset.state);
});

after(async () => {
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Drops files on the page as a browser does: dragenter, dragover and drop events carrying a DataTransfer. */
async function dropFiles(files) {
  const payload = files.map(({ name, bytes, type = '' }) => ({ name, type, data: Buffer.from(bytes).toString('base64') }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const target = document.querySelector('#network');  // anywhere on the page
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
    }
  }, payload);
}

/** Waits until the model from the file `name` is open and has answered, or a failure is shown. */
async function opened(name) {
  await page.waitForFunction((n) => {
    const pg = globalThis.cnnPlayground;
    const st = document.querySelector('[data-testid=model-import-status]').textContent;
    return (pg.net?.entry?.name === n && !pg.inFlight && pg.root.dataset.state) || st.includes(n) && /not opened|열지 못해/.test(st);
  }, name, { timeout: 60000 });
  await settled(page);
}

async function topLabel() {
  return page.evaluate(() => {
    const pg = globalThis.cnnPlayground;
    return new Promise((resolve) => {
      pg.addEventListener('update', (e) => resolve({ top: e.detail.top, label: pg.labels()[e.detail.top] }), { once: true });
      pg.changed(performance.now());
    });
  });
}

/** The next result: the network's input as the page made it (before normalisation) and its probabilities. */
async function nextResult() {
  return page.evaluate(() => new Promise((resolve) => {
    const pg = globalThis.cnnPlayground;
    pg.addEventListener('update', (e) => resolve({ image: Array.from(e.detail.image), probabilities: Array.from(e.detail.probabilities) }), { once: true });
    pg.changed(performance.now());
  }));
}

function assertClose(got, want, tol, what) {
  assert.equal(got.length, want.length, what);
  const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
  assert.ok(worst <= tol, `${what}: largest difference ${worst} > ${tol}`);
  return worst;
}

test('a PyTorch export dropped on the page shows its feature maps and reads a drawn digit', async () => {
  await dropFiles([{ name: 'lenet.onnx', bytes: file('lenet.onnx') }]);
  await opened('lenet.onnx');
  const status = await page.locator('[data-testid=model-import-status]').textContent();
  assert.match(status, /Opened “lenet\.onnx”: 11 layers, 29,738 parameters/);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.net.metadata.source), 'onnx');
  assert.match(await page.locator('[data-testid=model-select] option:checked').textContent(), /lenet\.onnx \(your file\)/);
  const shapes = await page.locator('[data-testid=layer-shape]').allTextContents();
  assert.deepEqual(shapes.slice(0, 4), ['1 × 28 × 28', '8 × 28 × 28', '8 × 28 × 28', '8 × 14 × 14']);
  for (const d of [7, 3]) {
    await page.locator('[data-testid=clear]').click();
    await draw(page, DIGITS[d]);
    await settled(page);
    assert.equal((await topLabel()).top, d, `the imported model reads the drawn ${d}`);
  }
  // the feature maps are painted: the first conv layer's maps have ink
  const painted = await page.evaluate(() => {
    const canvas = document.querySelectorAll('[data-slot=network] canvas')[1];
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return new Set(Array.from(px.filter((_, i) => i % 4 === 0))).size;
  });
  assert.ok(painted > 8, `the maps show more than a flat colour (${painted} shades of red)`);
  await page.screenshot({ path: new URL('import-drop-en.png', OUT).pathname, fullPage: false });
  await page.locator('#lang').selectOption('ko');
  await settled(page);
  assert.match(await page.locator('[data-testid=status]').textContent(), /내 파일/);
  await page.screenshot({ path: new URL('import-drop-ko.png', OUT).pathname, fullPage: false });
  await page.locator('#lang').selectOption('en');
});

test('picked with the file input: the MNIST example with the labels and normalisation of its metadata, which change the numbers as in PyTorch', async () => {
  await page.locator('[data-testid=model-file]').setInputFiles(join(dir, 'mnist.onnx'));
  await opened('mnist.onnx');
  const stage = page.locator('[data-testid=prep-normalize]');
  assert.ok(await stage.isVisible(), 'the normalisation is a stage of its own');
  assert.match(await stage.textContent(), /\(x − 0\.1307\) ÷ 0\.3081/);
  await page.locator('[data-testid=clear]').click();
  await draw(page, DIGITS[4]);
  await settled(page);
  const { image, probabilities } = await nextResult();
  assert.equal(image.length, 784);
  // the labels and the normalisation come from the export's metadata_props
  assert.deepEqual(await page.evaluate(() => globalThis.cnnPlayground.labels().slice(0, 3)), ['zero', 'one', 'two']);
  // the stage's range is the input's, normalised: 0 -> -0.4242, 1 -> 2.821
  const [lo, hi] = await stage.evaluate((n) => [Number(n.dataset.min), Number(n.dataset.max)]);
  assert.ok(Math.abs(lo - (0 - 0.1307) / 0.3081) < 1e-5, `lowest ${lo}`);
  assert.ok(hi > 2 && hi <= (1 - 0.1307) / 0.3081 + 1e-5, `highest ${hi}`);
  // PyTorch on the same 28x28 input: normalised as given, and not at all
  const input = join(dir, 'input.f32');
  writeFileSync(input, Buffer.from(Float32Array.from(image).buffer));
  const torch = (mean, std) => JSON.parse(execFileSync(PYTHON, [GENERATOR, '--eval', dir, 'mnist', input, mean, std], { encoding: 'utf8' }));
  const want = torch('0.1307', '0.3081');
  const plain = torch('0', '1');
  const worst = assertClose(probabilities, want, 1e-5, 'the page against PyTorch, normalised');
  const apart = Math.max(...plain.map((v, i) => Math.abs(v - want[i])));
  assert.ok(apart > 100 * Math.max(worst, 1e-7), `normalising changes the outputs (by up to ${apart})`);
  await stage.scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('import-normalize-en.png', OUT).pathname, fullPage: false });
  console.log(`mnist example: page vs torch within ${worst.toExponential(2)}; without the normalisation the outputs differ by up to ${apart.toFixed(4)}`);
});

test('an RGB model says the pad cannot feed it and takes a picked image, normalised per channel', async () => {
  const want = JSON.parse(file('rgb.json'));
  await page.locator('[data-testid=model-normalize]').fill('(0.485, 0.456, 0.406), (0.229, 0.224, 0.225)');
  await dropFiles([{ name: 'rgb.onnx', bytes: file('rgb.onnx') }]);
  await opened('rgb.onnx');
  const box = page.locator('[data-testid=image-input-box]');
  assert.ok(await box.isVisible());
  assert.match(await box.textContent(), /takes 3×32×32 images \(colour\); the draw pad gives 1×28×28/);
  assert.equal(await page.locator('[data-testid=drawpad]').isVisible(), false, 'no pad for a model it cannot feed');
  assert.deepEqual((await page.locator('[data-testid=layer-shape]').allTextContents()).slice(0, 2), ['3 × 32 × 32', '8 × 32 × 32']);
  await page.locator('[data-testid=image-input]').setInputFiles(join(dir, 'rgb.png'));
  await page.waitForFunction(() => globalThis.cnnPlayground.root.dataset.state === 'predicted');
  await settled(page);
  const { probabilities } = await nextResult();
  const worst = assertClose(probabilities, want.normalised, 1e-5, 'the page against PyTorch on the picked image');
  assert.ok(Math.max(...want.plain.map((v, i) => Math.abs(v - probabilities[i]))) > 1e-3, 'and the normalisation mattered');
  console.log(`rgb: page vs torch within ${worst.toExponential(2)}`);
  await page.screenshot({ path: new URL('import-rgb-en.png', OUT).pathname, fullPage: false });
  await page.locator('[data-testid=model-normalize]').fill('');
});

test('a damaged export, a file of another kind and labels that do not fit are refused; the previous model stays', async () => {
  const before = await page.evaluate(() => globalThis.cnnPlayground.net.id);
  const status = page.locator('[data-testid=model-import-status]');
  await dropFiles([{ name: 'damaged.onnx', bytes: file('damaged.onnx') }]);
  await opened('damaged.onnx');
  assert.match(await status.textContent(), /“damaged\.onnx” was not opened; the previous model stays\. This is not a readable ONNX model: its \d+ bytes are damaged or cut short\./);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.net.id), before);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.net.entry.name), 'rgb.onnx');
  await dropFiles([{ name: 'notes.txt', bytes: Buffer.from('hello') }]);
  assert.match(await status.textContent(), /“notes\.txt” is not a model file/);
  await page.locator('[data-testid=model-labels]').fill('a, b, c');
  await dropFiles([{ name: 'lenet.onnx', bytes: file('lenet.onnx') }]);
  await opened('lenet.onnx');
  assert.match(await status.textContent(), /Labels gives 3 labels, but the model has 10 outputs/);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.net.entry.name), 'rgb.onnx');
  await page.locator('[data-testid=model-labels]').fill('');
  await page.locator('[data-testid=model-normalize]').fill('0.5, x');
  await dropFiles([{ name: 'lenet.onnx', bytes: file('lenet.onnx') }]);
  assert.match(await status.textContent(), /Input normalisation \(mean, std\)="0\.5, x" is not a list of numbers/);
  await page.locator('[data-testid=model-normalize]').fill('');
  // in Korean, the engine's refusal in Korean
  await page.locator('#lang').selectOption('ko');
  await dropFiles([{ name: 'damaged.onnx', bytes: file('damaged.onnx') }]);
  await opened('damaged.onnx');
  assert.match(await status.textContent(), /읽을 수 있는 ONNX 모델이 아닙니다/);
  await page.screenshot({ path: new URL('import-refused-ko.png', OUT).pathname, fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-testid=model-import]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('import-phone-ko.png', OUT).pathname, fullPage: false });
  await page.locator('[data-testid=image-input-box]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('import-rgb-phone-ko.png', OUT).pathname, fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator('#lang').selectOption('en');
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.net.id), before, 'still the RGB model');
});

test('the widget opens model="..." from its site, and names the attribute when the address is wrong', async () => {
  const html = `<!doctype html><html lang="en"><body>
    <cnn-draw-classify id="ok" model="/imported/lenet.onnx" labels="zero,one,two,three,four,five,six,seven,eight,nine"></cnn-draw-classify>
    <cnn-draw-classify id="missing" model="/imported/nothing.onnx"></cnn-draw-classify>
    <cnn-draw-classify id="html" model="/imported/page.onnx"></cnn-draw-classify>
    <cnn-draw-classify id="bad" model="javascript:alert(1).onnx" normalize="1,2,3"></cnn-draw-classify>
    <cnn-draw-classify id="txt" model="/imported/lenet.onnx" labels="/imported/digits.txt"></cnn-draw-classify>
    <cnn-draw-classify id="json" model="/imported/lenet.onnx" labels="/imported/three.json"></cnn-draw-classify>
    <script type="module" src="/src/components/cnn-playground.js"></script></body></html>`;
  await b.context.route('**/widget-import.html', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  const p = await b.context.newPage();
  try {
    await p.goto(`${b.base}/widget-import.html`);
    for (const id of ['ok', 'missing', 'html', 'bad', 'txt', 'json']) {  // each is built when it first comes near the viewport
      await p.locator(`#${id}`).scrollIntoViewIfNeeded();
      await p.waitForTimeout(100);
    }
    const statusOf = (id) => p.locator(`#${id}`).locator('[data-testid=status]');
    await p.waitForFunction(() => ['missing', 'html'].every((id) => /failed/.test(document.getElementById(id).shadowRoot?.querySelector('[data-testid=status]')?.textContent ?? '')), null, { timeout: 60000 });
    assert.match(await statusOf('missing').textContent(), /model="\/imported\/nothing\.onnx": the server answered 404/);
    assert.match(await statusOf('html').textContent(), /model="\/imported\/page\.onnx": the server sent a web page \(HTML\), not a model file/);
    const problems = await p.locator('#bad').evaluate((w) => w.shadowRoot.textContent);
    assert.match(problems, /model="javascript:alert\(1\)\.onnx"/);
    assert.match(problems, /normalize="1,2,3"/);
    // labels from a file beside the notes; a file whose count does not fit the outputs is refused
    await p.waitForFunction(() => document.getElementById('txt').playground?.net && /failed/.test(document.getElementById('json').shadowRoot?.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60000 });
    assert.deepEqual(await p.locator('#txt').evaluate((w) => w.playground.labels().slice(0, 3)), ['null', 'eins', 'zwei']);
    assert.match(await statusOf('json').textContent(), /labels="\/imported\/three\.json" gives 3 labels, but the model has 10 outputs/);
    // the good one reads a drawing with the labels given
    const ok = p.locator('#ok');
    await p.waitForFunction(() => /your file/.test(document.getElementById('ok').shadowRoot?.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60000 });
    await ok.scrollIntoViewIfNeeded();
    const pad = ok.locator('[data-testid=drawpad]');
    const bb = await pad.boundingBox();
    await ok.evaluate((w) => w.addEventListener('cnn-update', (e) => { w.lastTop = e.detail.empty ? null : e.detail.top; }));
    for (const stroke of DIGITS[7]) {
      await p.mouse.move(bb.x + stroke[0][0] * bb.width, bb.y + stroke[0][1] * bb.height);
      await p.mouse.down();
      for (const [x, y] of stroke.slice(1)) await p.mouse.move(bb.x + x * bb.width, bb.y + y * bb.height, { steps: 2 });
      await p.mouse.up();
    }
    await p.waitForTimeout(1000);  // the last stroke's answer
    assert.equal(await ok.evaluate((w) => w.lastTop), 7);
    assert.match(await ok.locator('[data-testid=prediction]').textContent(), /seven/);
  } finally {
    await p.close();
  }
});

test('a picture dragged away from the draw pad is refused, not opened by the browser in place of the page; a file the photo input answers is answered once', async () => {
  const url = page.url();
  const status = await page.locator('[data-testid=model-import-status]').textContent();
  const r = await page.evaluate(() => {
    const dragged = (name, type, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bytes)], name, { type }));
      return dt;
    };
    const send = (target, type, dt) => {
      const ev = new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, composed: true });
      target.dispatchEvent(ev);
      return { prevented: ev.defaultPrevented, effect: dt.dropEffect };
    };
    const picture = dragged('digit.png', 'image/png', [137, 80, 78, 71, 13, 10, 26, 10]);
    const lab = document.querySelector('#lab');
    const pad = globalThis.cnnPlayground.root;
    const notes = dragged('notes.txt', 'text/plain', [104, 105]);
    return {
      overLab: send(lab, 'dragover', picture),
      dropOnLab: send(lab, 'drop', picture),
      overPad: send(pad, 'dragover', picture).prevented,
      notesOnPad: [send(pad, 'dragover', notes).prevented, send(pad, 'drop', notes).prevented],
    };
  });
  assert.deepEqual(r.overLab, { prevented: true, effect: 'none' }, 'over the lab the page refuses the picture: the browser would open it in place of the page');
  assert.equal(r.dropOnLab.prevented, true, 'a picture dropped there all the same is not the browser\'s to open');
  assert.equal(r.overPad, true, 'the draw pad takes pictures');
  assert.deepEqual(r.notesOnPad, [true, true]);
  await page.waitForFunction(() => /notes\.txt/.test(document.querySelector('[data-testid=photo-error]')?.textContent ?? ''), null, { timeout: 20000 });
  assert.match(await page.locator('[data-testid=photo-error]').textContent(), /not a picture/);
  assert.equal(await page.locator('[data-testid=model-import-status]').textContent(), status, 'the model import says nothing of a file the photo input answered');
  assert.equal(page.url(), url);
});
