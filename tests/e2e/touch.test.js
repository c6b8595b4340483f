// Phones and tablets, end to end with real touch events: a Chromium context
// with touch and mobile emulation (hasTouch, isMobile, so the page matches
// `pointer: coarse` as on a phone), and fingers put down, moved and lifted
// through the DevTools protocol (Input.dispatchTouchEvent), never the mouse.
// The playground page (web/index.html) and the example lecture page's widgets
// (web/lecture.html, unbundled) at a phone's 390x844 and a tablet's 768x1024,
// either way up.
//
// To add a case: draw with drawWithFinger() or drag with dragSlider(), and
// measure what a reader would see with boundingBox(). Screenshots go to
// test-results/touch-*.png (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, OUT } from './browser.js';
import { rendered } from './widget-steps.js';
import { drawingSet } from './drawings.js';
import { MOVE_MS } from './pen.js';  // a finger reports as often as a pointer

const SIZES = {
  phone: { width: 390, height: 844 },
  tablet: { width: 768, height: 1024 },
  'tablet-landscape': { width: 1024, height: 768 },
};
const TARGET = 44;    // px: the smallest control a finger hits surely (Apple's and WCAG 2.5.5's size)
const MIN_TEXT = 12;  // px: the smallest text that is read without zooming
// The first drawing of each digit of the drawing set (drawings.js), as strokes in pad units.
const DRAWINGS = drawingSet({ seed: 13, count: 10 });

let browser, page, base, cdp;

before(async () => {
  browser = await openBrowser('touch', SIZES.phone, { hasTouch: true, isMobile: true });
  ({ page, base } = browser);
  cdp = await page.context().newCDPSession(page);
});

after(async () => {
  await browser?.close();
});

const finger = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });

/**
 * Draws strokes given in pad units (0..1) with one finger on a pad, touch
 * by touch. `whileDown` runs before the finger leaves the pad at the end.
 */
async function drawWithFinger(pad, strokes, whileDown = async () => {}) {
  const box = await pad.boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const [i, stroke] of strokes.entries()) {
    await finger('touchStart', ...at(stroke[0]));
    for (const pt of stroke.slice(1)) {
      await finger('touchMove', ...at(pt));
      await page.waitForTimeout(MOVE_MS);
    }
    if (i === strokes.length - 1) await whileDown();
    await finger('touchEnd');
  }
}

/**
 * Drags a range input's thumb with a finger from its value to `to`; returns
 * the input's value after. The page must not scroll meanwhile.
 */
async function dragSlider(slider, to) {
  await slider.scrollIntoViewIfNeeded();
  const scrollY = await page.evaluate(() => scrollY);
  const box = await slider.boundingBox();
  const { min, max, value } = await slider.evaluate((el) => ({ min: +el.min, max: +el.max, value: +el.value }));
  const thumb = 16;  // Chromium's thumb: its centre runs from thumb/2 to width - thumb/2
  const x = (v) => box.x + thumb / 2 + ((v - min) / (max - min)) * (box.width - thumb);
  const y = box.y + box.height / 2;
  await finger('touchStart', x(value), y);
  for (let i = 1; i <= 8; i++) {
    await finger('touchMove', x(value) + (i / 8) * (x(to) - x(value)), y);
    await page.waitForTimeout(MOVE_MS);
  }
  await finger('touchEnd');
  assert.equal(await page.evaluate(() => scrollY), scrollY, 'dragging a slider sideways did not scroll the page');
  return Number(await slider.inputValue());
}

/**
 * Waits until a Playground shows the result of its latest drawing, with its
 * sample images in (their arrival relabels the bars): a draw widget's (`root`
 * is the element), else the page's.
 */
async function settled(root) {
  await root.evaluate((el) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => {
      const pg = el.playground ?? globalThis.cnnPlayground;
      if (pg?.net && pg.samples && !pg.inFlight && !pg.dirty && pg.since === null) resolve();
      else if (performance.now() - t0 > 30000) reject(new Error('the drawing never got its answer'));
      else setTimeout(check, 30);
    };
    setTimeout(check, 50);
  }));
}

async function openPage(size, lang) {
  await page.setViewportSize(SIZES[size]);
  await page.goto(`${base}/?lang=${lang}`);
  const root = page.locator('html');
  await settled(root);
  return root;
}

async function openWidget(size, lang) {
  await page.setViewportSize(SIZES[size]);
  await page.goto(`${base}/lecture.html?lang=${lang}`);
  const widget = page.locator('cnn-draw-classify');
  await rendered(widget);
  await settled(widget);
  return widget;
}

const boxes = (root) => Promise.all(['[data-testid=drawpad]', '.probs-top', '.probs-bars'].map((s) => root.locator(s).boundingBox()));

/**
 * The reader scrolls the pad, the answer and the bars to the middle of the
 * screen and draws: while the finger is down, all three are on screen, the
 * answer shows a digit, and the page has not moved.
 */
async function inViewWhileDrawing(root, name, screenshot) {
  const { innerWidth, innerHeight } = await page.evaluate(() => ({ innerWidth, innerHeight }));
  let [pad, top, bars] = await boxes(root);
  const upper = Math.min(pad.y, top.y, bars.y), lower = Math.max(pad.y + pad.height, top.y + top.height, bars.y + bars.height);
  console.log(`${name}: pad ${Math.round(pad.width)} px wide; pad, answer and bars take ${Math.round(lower - upper)} of ${innerHeight} px`);
  assert.ok(lower - upper <= innerHeight, `${name}: the pad, the answer and the bars fit on one screen (${Math.round(lower - upper)} px of ${innerHeight})`);
  await page.evaluate((dy) => scrollBy(0, dy), upper - (innerHeight - (lower - upper)) / 2);
  const scrollY = await page.evaluate(() => scrollY);
  const drawing = DRAWINGS.find((d) => d.digit === '7');
  await drawWithFinger(root.locator('[data-testid=drawpad]'), drawing.strokes, async () => {
    await settled(root);
    [pad, top, bars] = await boxes(root);
    for (const [what, b] of [['pad', pad], ['answer', top], ['bars', bars]]) {
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= innerWidth && b.y + b.height <= innerHeight,
        `${name}: the ${what} is on screen while drawing (${JSON.stringify(b)})`);
    }
    assert.equal(await root.locator('[data-testid=prediction]').getAttribute('data-class'), '7', `${name}: the answer follows the finger`);
    if (screenshot) await page.screenshot({ path: new URL(`touch-${name}.png`, OUT).pathname });
  });
  assert.equal(await page.evaluate(() => scrollY), scrollY, `${name}: drawing did not scroll the page`);
}

/** Taps an element's centre with a finger, a moment after the last touch (as a hand moves). */
async function tap(locator) {
  await locator.scrollIntoViewIfNeeded();
  await page.waitForTimeout(350);
  const b = await locator.boundingBox();
  await finger('touchStart', b.x + b.width / 2, b.y + b.height / 2);
  await finger('touchEnd');
}

test('on a phone, a finger draws each digit on the page and it is read; the page does not scroll', async () => {
  const root = await openPage('phone', 'ko');
  const pad = root.locator('[data-testid=drawpad]');
  assert.equal(await pad.evaluate((c) => getComputedStyle(c).touchAction), 'none', 'the pad keeps touches to itself');
  await pad.scrollIntoViewIfNeeded();
  const read = [];
  for (const d of DRAWINGS) {
    await tap(root.locator('[data-testid=clear]'));
    await page.waitForFunction(() => globalThis.cnnPlayground.pad.strokes.length === 0, null, { timeout: 5000 });
    const scrollY = await page.evaluate(() => scrollY);
    await drawWithFinger(pad, d.strokes);
    await settled(root);
    assert.equal(await page.evaluate(() => scrollY), scrollY, `drawing a ${d.digit} did not scroll the page`);
    const strokes = await page.evaluate(() => globalThis.cnnPlayground.pad.strokes.map((s) => s.length));
    assert.deepEqual(strokes, d.strokes.map((s) => s.length), `every touch of the ${d.digit} became a point of its stroke`);
    read.push(await root.locator('[data-testid=prediction]').getAttribute('data-class'));
  }
  console.log(`drawn with a finger: ${DRAWINGS.map((d) => d.digit).join('')}, read: ${read.join('')}`);
  assert.deepEqual(read, DRAWINGS.map((d) => d.digit));
});

for (const size of Object.keys(SIZES)) {
  test(`${size} (${SIZES[size].width}x${SIZES[size].height}): the pad, the answer and its bars are in view together while drawing`, async () => {
    const langs = size === 'phone' ? ['ko', 'en'] : ['ko'];
    for (const lang of langs) {
      await inViewWhileDrawing(await openPage(size, lang), `${size}-page-${lang}`, lang === 'ko');
      await inViewWhileDrawing(await openWidget(size, lang), `${size}-widget-${lang}`, lang === 'ko');
    }
  });
}

test('the lab\'s sliders follow a finger: on the page, and in the lecture page\'s conv and pool labs', async () => {
  await openPage('phone', 'ko');
  await page.waitForFunction(() => globalThis.cnnLab?.settled, null, { timeout: 30000 });
  const stride = page.locator('#lab [data-testid=lab-stride]');
  assert.equal(await dragSlider(stride, 3), 3);
  await page.waitForFunction(() => globalThis.cnnLab.settled && globalThis.cnnLab.getState().stride === 3);
  assert.equal(await dragSlider(stride, 1), 1);
  await page.waitForFunction(() => globalThis.cnnLab.getState().stride === 1);

  await page.goto(`${base}/lecture.html?lang=ko`);
  const conv = page.locator('cnn-conv-lab').first();
  await rendered(conv);
  assert.equal((await conv.evaluate((el) => el.state)).kernel, 3);
  assert.equal(await dragSlider(conv.locator('[data-testid=lab-kernel]'), 5), 5);
  await rendered(conv);
  assert.equal((await conv.evaluate((el) => el.state)).kernel, 5, 'the widget\'s kernel follows the finger');
  assert.match(await conv.locator('[data-testid=lab-out-shape]').textContent(), /1 × 1 × 1/, 'and its output with it (5×5 input, 5×5 kernel)');
  const pool = page.locator('cnn-pool-lab');
  await rendered(pool);
  assert.equal(await dragSlider(pool.locator('[data-testid=lab-poolWindow]'), 3), 3);
  await rendered(pool);
  assert.equal((await pool.evaluate((el) => el.state)).poolWindow, 3, 'the pool widget\'s window follows the finger');
});

/** Every visible control under `root` (through shadow roots): what a finger must hit, with its box. */
function controlBoxes(root) {
  return root.evaluate((top) => {
    const out = [];
    // the grids' cells too: a number is typed into an input cell, an output cell is pressed to explain it
    const SELECTOR = 'input[type=range], select, button, input[type=text], input[type=number], label:has(> input[type=radio]), label:has(> input[type=checkbox])';
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (!el.matches(SELECTOR)) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;  // not shown
        out.push({ what: `${el.tagName.toLowerCase()} ${el.dataset.testid ?? el.className ?? ''} "${el.textContent.trim().slice(0, 24)}"`, width: r.width, height: r.height });
      }
    };
    walk(top.shadowRoot ?? top);
    return out;
  });
}

/** The smallest font size of any text shown under `root` (through shadow roots). */
function smallestText(root) {
  return root.evaluate((top) => {
    let min = { size: Infinity };
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
        if (!text || !el.getClientRects().length) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size > 0 && size < min.size) min = { size, text: text.slice(0, 30), tag: el.tagName };
      }
    };
    walk(top);
    return min;
  });
}

test('on a phone, in both languages: every control of the labs, the drawing and the training view is at least 44 px, nothing scrolls sideways, no text is too small to read', async () => {
  const report = [];
  const check = async (pageName) => {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
    assert.equal(innerWidth, 390, `${pageName}: the page is laid out at the phone's width, not zoomed out`);
    assert.ok(scrollWidth <= 390, `${pageName}: nothing scrolls sideways (${scrollWidth} px wide)`);
    const wide = await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) => el.shadowRoot?.querySelector('.cnn-widget'))
      .map((el) => el.shadowRoot.querySelector('.cnn-widget')).filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.getAttribute('aria-label')));
    assert.deepEqual(wide, [], `${pageName}: no widget scrolls sideways inside`);
    const text = await smallestText(page.locator('body'));
    report.push(`${pageName}: smallest text ${text.size} px ("${text.text}")`);
    assert.ok(text.size >= MIN_TEXT, `${pageName}: text of ${text.size} px ("${text.text}", ${text.tag}) needs zooming`);
  };
  const measure = async (name, root) => {
    await root.scrollIntoViewIfNeeded();
    const controls = await controlBoxes(root);
    assert.ok(controls.length >= 5, `${name}: has controls to measure (${controls.length})`);
    const small = controls.filter((c) => c.height < TARGET - 0.5 || c.width < TARGET - 0.5);
    const least = Math.min(...controls.map((c) => Math.min(c.width, c.height)));
    report.push(`${name}: ${controls.length} controls, the smallest side ${least.toFixed(1)} px`);
    assert.deepEqual(small, [], `${name}: controls smaller than ${TARGET} px`);
  };
  for (const lang of ['ko', 'en']) {
    await openPage('phone', lang);
    await page.waitForFunction(() => globalThis.cnnLab?.settled, null, { timeout: 30000 });
    await measure(`${lang}: the page's draw section`, page.locator('#draw'));
    await measure(`${lang}: the page's lab`, page.locator('#lab'));
    await measure(`${lang}: the page's training view, idle`, page.locator('#train'));
    await check(`${lang}: the playground page`);
    if (lang === 'en') {
      // after a run: the confusion matrix's cells and its images are pressed too
      await page.goto(`${base}/?lang=en&arch=c4k5p2-r-m2-f-d10-x&epochs=1#train`);
      await page.waitForFunction(() => globalThis.cnnTrain && !document.querySelector('#train [data-testid=train-start]').disabled, null, { timeout: 30000 });
      await page.locator('#train [data-testid=train-start]').tap();
      await page.waitForFunction(() => globalThis.cnnTrain.progress?.state === 'done' && document.querySelector('#train button[data-cell]'), null, { timeout: 120000 });
      await page.locator('#train button[data-cell="3,3"]').tap();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=train-examples] canvas').length > 0, null, { timeout: 20000 });
      await measure('en: the page\'s training view after a run (the confusion matrix)', page.locator('#train'));
      await check('en: the playground page after a run');
    }
    await page.goto(`${base}/lecture.html?lang=${lang}`);
    const widgets = page.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view');
    for (let i = 0; i < await widgets.count(); i++) await rendered(widgets.nth(i));
    await measure(`${lang}: the lecture page, its language picker and its five widgets`, page.locator('body'));
    await check(`${lang}: the lecture page`);
  }
  console.log(report.join('\n'));
});
