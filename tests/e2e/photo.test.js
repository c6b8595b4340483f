// Photos of digits end to end, in headless Chromium: test photos made by
// tools/make_photos.js (held-out MNIST digits drawn as ink on paper or chalk
// on a board, lit unevenly, blurred, noisy, saved as JPEG at quality 40, 70
// and 95; and photos with no digit) are written to build/photos/e2e and fed
// through the page's file input as a person picks them, then read in bulk
// through the page's own Playground.openPhoto for the accuracy figure.
//
// PHOTOS=all (npm run test:photos) reads the 2,000 held-out digits and 250
// photos without one; by default 300 and 50; PHOTOS=<n>, n and n/6. The figures are printed; the
// bars: at least 97% of the digits read right, and at most 2% of the photos
// without a digit given an answer.
// To add a bad file: write it in badFiles() with the words its message must say.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openBrowser, OUT } from './browser.js';
import { CHROMIUM, ARGS } from './widget-steps.js';
import { planPhotos, renderPhotos, writePhotos } from '../../tools/make_photos.js';
import { reading } from '../../web/src/ui/probabilities.js';

const ALL = process.env.PHOTOS === 'all';
const SOME = /^\d+$/.test(process.env.PHOTOS ?? '') ? Number(process.env.PHOTOS) : null;
const COUNT = ALL ? 2000 : SOME ?? 300;
const BLANKS = ALL ? 250 : SOME ? Math.ceil(SOME / 6) : 50;
const READ_BAR = 0.97;
const FALSE_ANSWER_BAR = 0.02;
const DIR = fileURLToPath(new URL('../../build/photos/e2e/', import.meta.url));

let browser, page, photos, paths;

async function modelReady(p) {
  await p.waitForFunction(() => {
    const pg = globalThis.cnnPlayground;
    return pg?.net && !pg.inFlight && pg.root.dataset.state;
  }, null, { timeout: 30000 });
  assert.equal(await p.evaluate(() => globalThis.cnnPlayground.net.trained), true);
}

/** Picks a file with the page's photo button and waits for the network's answer to it (or its refusal). */
async function pick(p, path, root = p, input = 'photo-input') {
  const name = path.split('/').pop();
  const answered = p.evaluate((n) => new Promise((resolve) => {
    const pg = globalThis.cnnPlayground;
    const onPhoto = (e) => {
      if (e.detail.name !== n) return;
      pg.removeEventListener('photo', onPhoto);
      if (e.detail.refused) resolve({ refused: e.detail.refused });
      else pg.addEventListener('update', (u) => resolve({ ...e.detail, top: u.detail.top, empty: u.detail.empty, probabilities: Array.from(u.detail.probabilities) }), { once: true });
    };
    pg.addEventListener('photo', onPhoto);
  }), name);
  await root.locator(`[data-testid=${input}]`).setInputFiles(path);
  return answered;
}

/** Files the page must refuse: [file name, bytes, words its message must say (English)]. */
function badFiles() {
  const png = (w, h, rows) => {
    const chunk = (type, data) => {
      const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type), data]);
      const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 1; ihdr[9] = 0;  // 1-bit greyscale: a huge picture in a small file
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  };
  const jpeg = readFileSync(paths[photos.find((p) => p.kind === 'digit').name]);
  const huge = png(20000, 20000, Buffer.alloc(20000 * (1 + 2500)));
  const big = Buffer.alloc(26 * 1024 * 1024);
  jpeg.copy(big);
  return [
    ['notes.txt', Buffer.from('not a picture at all\n'), ['notes.txt', 'not a picture', 'text/plain']],
    ['huge.png', huge, ['huge.png', 'too large', '20,000×20,000']],
    ['dot.png', png(1, 1, Buffer.from([0, 0])), ['dot.png', 'too small', '1×1']],
    ['cut-short.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.4)), ['cut-short.jpg', 'cut short', 'could not be decoded']],
    ['scrambled.jpg', Buffer.concat([jpeg.subarray(0, 20), Buffer.alloc(4000, 0x5a)]), ['scrambled.jpg', 'could not be read']],
    ['enormous.jpg', big, ['enormous.jpg', 'too large', '26 MB', '25 MB']],
  ];
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}

before(async () => {
  browser = await openBrowser('photo');
  page = browser.page;
  await page.goto(`${browser.base}/`);
  await modelReady(page);
  photos = await renderPhotos(page, planPhotos({ count: COUNT, blanks: BLANKS }), { keep: true });
  paths = writePhotos(photos, DIR);
});

after(async () => {
  await browser?.close();
});

test('photos picked through the file input are read, with every stage shown', async () => {
  const digit = photos.find((p) => p.kind === 'digit' && p.name.endsWith('-7'));
  const board = photos.find((p, i) => p.kind === 'digit' && planBoard(i));
  const blank = photos.find((p) => p.name.endsWith('-paper'));
  await page.selectOption('#lang', 'en');
  for (const p of [digit, board]) {
    const answer = await pick(page, paths[p.name]);
    assert.equal(answer.found, true, `${p.name}: ${answer.reason}`);
    assert.equal(answer.top, p.label, `${p.name} read as ${answer.top}`);
    const shown = page.locator('[data-testid=photo]');
    assert.equal(await shown.getAttribute('data-found'), 'true');
    assert.equal(await shown.locator('figure').count(), 5, 'photo, grey, ink and paper, evened out, threshold');
    assert.match(await shown.locator('h3').textContent(), new RegExp(p.name));
    assert.equal(await page.locator('[data-testid=prediction]').getAttribute('data-class'), String(p.label));
    // the MNIST recipe's stages follow: the crop caption names the photo's ink box
    assert.match(await page.locator('.prep-crop figcaption').textContent(), /Crop to the ink: \d+×\d+/);
  }
  assert.equal(await page.locator('[data-testid=photo]').getAttribute('data-ink'), 'light', 'the board is chalk on dark');
  await page.screenshot({ path: fileURLToPath(new URL('photo-board.png', OUT)), fullPage: false });
  const none = await pick(page, paths[blank.name]);
  assert.equal(none.found, false);
  assert.equal(none.empty, true, 'no answer is given');
  assert.equal(await page.locator('[data-testid=prediction]').textContent(), 'I can’t find a digit');
  assert.match(await page.locator('[data-testid=photo-verdict]').textContent(), /^No digit/);
  // drawing on the pad takes over from the photo
  await drawStroke(page);
  assert.equal(await page.locator('[data-testid=photo]').isHidden(), true);
  assert.notEqual(await page.locator('[data-testid=prediction]').textContent(), 'I can’t find a digit');
});

test('the stages in Korean, on a desktop and on a phone (screenshots)', async () => {
  const digit = photos.find((p) => p.kind === 'digit' && p.name.endsWith('-3'));
  const blank = photos.find((p) => p.name.endsWith('-texture'));
  assert.equal(await page.locator('[data-testid=photo-camera]').getAttribute('capture'), 'environment');
  assert.equal(await page.locator('[data-testid=photo-camera]').getAttribute('accept'), 'image/*');
  assert.equal(await page.locator('[data-testid=photo-input]').getAttribute('capture'), null, 'the picker lets a phone choose a photo taken before');
  // a desktop (no touch screen): no camera button; a phone (touch): the camera button, and the page in its own browser
  const phone = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const phonePage = await (await phone.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
  try {
    await phonePage.goto(`${browser.base}/`);
    await modelReady(phonePage);
    for (const [size, p] of [['desktop', page], ['phone', phonePage]]) {
      await p.selectOption('#lang', 'ko');
      assert.equal(await p.locator('.photo-camera').isVisible(), size === 'phone', `the camera button on a ${size}`);
      const answer = await pick(p, paths[digit.name], p, size === 'phone' ? 'photo-camera' : 'photo-input');
      assert.equal(answer.top, digit.label);
      await p.locator('[data-testid=photo]').scrollIntoViewIfNeeded();
      assert.match(await p.locator('[data-testid=photo] h3').textContent(), /^사진 “/);
      await shot(p, `photo-ko-${size}.png`);
      const none = await pick(p, paths[blank.name], p);
      assert.equal(none.found, false);
      assert.equal(await p.locator('[data-testid=prediction]').textContent(), '내 눈에는 숫자가 안 보여요');
      await shot(p, `photo-ko-${size}-none.png`);
    }
  } finally {
    await phone.close();
  }
  await page.selectOption('#lang', 'en');
});

test('bad files are refused with a message naming them; the pad keeps working', async () => {
  await page.selectOption('#lang', 'en');
  const dir = join(DIR, 'bad');
  mkdirSync(dir, { recursive: true });
  const good = photos.find((p) => p.kind === 'digit');
  await pick(page, paths[good.name]);
  for (const [name, bytes, words] of badFiles()) {
    writeFileSync(join(dir, name), bytes);
    const answer = await pick(page, join(dir, name));
    assert.ok(answer.refused, `${name} is refused`);
    const message = await page.locator('[data-testid=photo-error]').textContent();
    for (const w of words) assert.ok(message.includes(w), `${name}: "${message}" says ${w}`);
    // the photo read before stays, and its answer
    assert.equal(await page.locator('[data-testid=prediction]').getAttribute('data-class'), String(good.label), name);
  }
  await page.selectOption('#lang', 'ko');
  assert.match(await page.locator('[data-testid=photo-error]').textContent(), /“enormous\.jpg” 파일이 너무 큽니다/);
  await page.selectOption('#lang', 'en');
  await drawStroke(page);
  assert.equal(await page.evaluate(() => globalThis.cnnPlayground.root.dataset.state), 'predicted');
  assert.deepEqual(browser.errors, []);
});

test('<cnn-draw-classify> reads a photo picked in it', async () => {
  const p = await browser.context.newPage();
  await p.goto(`${browser.base}/lecture.html`);
  const widget = p.locator('cnn-draw-classify');
  await widget.scrollIntoViewIfNeeded();
  await p.waitForFunction(() => document.querySelector('cnn-draw-classify')?.shadowRoot?.querySelector('[data-testid=photo-input]'));
  await p.waitForFunction(() => document.querySelector('cnn-draw-classify').dataset.state, null, { timeout: 30000 });
  const digit = photos.find((q) => q.kind === 'digit' && q.name.endsWith('-2'));
  const events = p.evaluate(() => new Promise((resolve) => {
    const w = document.querySelector('cnn-draw-classify');
    w.addEventListener('cnn-photo', (e) => {
      const photo = e.detail;
      w.addEventListener('cnn-update', (u) => resolve({ photo, update: u.detail }), { once: true });
    }, { once: true });
  }));
  await widget.locator('[data-testid=photo-input]').setInputFiles(paths[digit.name]);
  const { photo, update } = await events;
  assert.equal(photo.found, true);
  assert.equal(update.top, digit.label);
  assert.deepEqual(update.photo, { name: `${digit.name}.jpg`, found: true });
  assert.equal(await widget.locator('[data-testid=photo] figure').count(), 5);
  await widget.screenshot({ path: fileURLToPath(new URL('photo-widget.png', OUT)) });
  await p.close();
});

test(`photo set: at least ${READ_BAR * 100}% of ${COUNT} photos read right, no answer for photos without a digit`, { timeout: 20 * 60000 }, async () => {
  const results = await page.evaluate(async () => {
    const pg = globalThis.cnnPlayground;
    const out = [];
    for (const p of globalThis.cnnTestPhotos) {
      const done = new Promise((resolve) => pg.addEventListener('update', (e) => resolve(e.detail), { once: true }));
      const photo = await pg.openPhoto(p.file);
      const d = await done;
      out.push({ name: p.name, kind: p.kind, label: p.label, found: photo?.found, reason: photo?.reason, top: d.top, empty: d.empty, probabilities: Array.from(d.probabilities) });
    }
    return out;
  });
  const digits = results.filter((r) => r.kind === 'digit');
  const blanks = results.filter((r) => r.kind === 'blank');
  assert.equal(digits.length, COUNT);
  const right = digits.filter((r) => r.found && r.top === r.label);
  const sure = right.filter((r) => !reading(r.probabilities).unsure);
  const missed = digits.filter((r) => !r.found);
  const wrong = digits.filter((r) => r.found && r.top !== r.label);
  const answered = blanks.filter((r) => r.found);
  const pct = (n, d) => `${((100 * n) / d).toFixed(1)}%`;
  console.log(`photo set: ${right.length} of ${digits.length} digits read right (${pct(right.length, digits.length)}; `
    + `${sure.length} of them sure), ${wrong.length} misread, ${missed.length} taken for no digit`);
  console.log(`photos without a digit: ${answered.length} of ${blanks.length} given an answer (${pct(answered.length, blanks.length)})`);
  for (const r of [...wrong, ...missed].slice(0, 20)) console.log(`  ${r.name}: ${r.found ? `read ${r.top}` : `no digit (${r.reason})`}`);
  for (const r of answered) console.log(`  ${r.name}: answered ${r.top}`);
  assert.ok(right.length / digits.length >= READ_BAR, `${pct(right.length, digits.length)} read right`);
  assert.ok(answered.length / blanks.length <= FALSE_ANSWER_BAR, `${pct(answered.length, blanks.length)} of the photos without a digit answered`);
  assert.ok(blanks.every((r) => r.found || r.empty), 'a photo without a digit gets no answer');
});

/** Whether the i-th planned photo is chalk on a board (the plan is the same on every run). */
function planBoard(i) {
  return BOARDS.has(i);
}
const BOARDS = new Set(planPhotos({ count: COUNT, blanks: 0 }).flatMap((p, i) => (p.board ? [i] : [])));

/** A screenshot of the draw section, whole, however long the page. */
async function shot(p, name) {
  const clip = await p.evaluate(() => {
    const r = document.querySelector('#draw').getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
  });
  await p.screenshot({ path: fileURLToPath(new URL(name, OUT)), fullPage: true, clip });
}

async function drawStroke(p) {
  const box = await p.locator('[data-testid=drawpad]').boundingBox();
  const updated = p.evaluate(() => new Promise((resolve) => globalThis.cnnPlayground.addEventListener('update', resolve, { once: true })));
  await p.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await p.mouse.down();
  for (let k = 1; k <= 10; k++) await p.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + 0.06 * k), { steps: 2 });
  await p.mouse.up();
  await updated;
}
