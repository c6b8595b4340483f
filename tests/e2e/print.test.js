// The example lecture page printed: Chromium's own PDF output (page.pdf, as
// "Save as PDF" makes it, backgrounds off as a print dialog has them by
// default), turned into pictures by pdftoppm (Debian's poppler-utils), and
// the pictures checked where each widget is. The page is the artefact a
// teacher copies (tools/dist.js, built into an empty temporary folder).
//
// To find the widgets in the pictures, the page is also printed onto one
// sheet as tall as the page (794 CSS px wide, A4's width): pdftoppm at 96 dpi
// turns one CSS pixel into one pixel, so the boxes measured in the page with
// print media emulated at that width are the boxes in the picture. The same
// page printed on A4 goes to test-results/print-a4-*.png (look at them).
//
// The print rules (@media print in the widgets' style sheets, dark colours
// for screens only) and the beforeprint handlers are what is tested: printed
// with them switched off, the same checks must fail, so they can.
//
// To add a check: measure a box in regions(), then count its pixels with
// count() in checks().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist } from '../../tools/dist.js';
import { openBrowser, OUT } from './browser.js';
import { rendered, drawBar } from './widget-steps.js';

const SHEET_WIDTH = 794;  // CSS px: A4's 210 mm
const ORANGE = [224, 130, 20];  // the top class's bar (#e08214)
const WARM = [160, 79, 5];      // the answer's colour in the widgets' light colours (#a04f05)

let dir, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnn-print-'));
  await buildDist(dir);
  browser = await openBrowser('print', { width: 1024, height: 768 }, { root: dir });
});

after(async () => {
  await browser?.close();
  try { rmSync(dir, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
});

/**
 * Opens the lecture page in a new tab. With `fix` false, the widgets' print
 * rules are turned off (their @media print blocks never match), their dark
 * colours apply to paper too, and their beforeprint handlers do nothing.
 */
async function openLecture(fix = true) {
  const p = await browser.context.newPage();
  if (!fix) {
    await p.route('**/cnn-playground.js', async (route) => {
      const response = await route.fetch();
      // (the bundle's style sheets are minified: '@media screen and (prefers-color-scheme:dark)')
      const body = (await response.text()).replaceAll('@media print', '@media not all')
        .replace(/@media screen and \(prefers-color-scheme: ?dark\)/g, '@media (prefers-color-scheme:dark)');
      await route.fulfill({ response, body });
    });
    await p.addInitScript(() => addEventListener('beforeprint', (e) => e.stopImmediatePropagation(), true));
  }
  await p.goto(`${browser.base}/lecture.html?lang=ko`);
  return p;
}

/** A reader's visit: every widget shown, the first lab stopped, a 1 drawn in both drawing widgets. */
async function visit(p) {
  const widgets = p.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view');
  for (let i = 0; i < await widgets.count(); i++) await rendered(widgets.nth(i));
  await p.locator('cnn-conv-lab').first().evaluate((el) => el.lab.stop());
  for (const tag of ['cnn-draw-classify', 'cnn-network-view']) {
    const w = p.locator(tag);
    await drawBar(p, w);
    await w.evaluate((el) => new Promise((resolve) => {
      const check = () => (el.playground.net && !el.playground.inFlight && !el.playground.dirty ? resolve() : setTimeout(check, 30));
      setTimeout(check, 50);
    }));
  }
  await p.evaluate(() => scrollTo(0, 0));
}

/** Boxes (page coordinates, CSS px) of what is checked, measured with print media at the sheet's width. */
async function regions(p) {
  await p.emulateMedia({ media: 'print' });
  await p.setViewportSize({ width: SHEET_WIDTH, height: 768 });
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const boxes = await p.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
    };
    const inside = (host, selector) => host.shadowRoot.querySelector(selector);
    const widgets = [...document.querySelectorAll('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view')];
    const draw = document.querySelector('cnn-draw-classify');
    const top = inside(draw, '.probs-row.is-top');
    const net = document.querySelector('cnn-network-view');
    const atlases = [...net.shadowRoot.querySelectorAll('.atlas')];
    const labs = [...document.querySelectorAll('cnn-conv-lab, cnn-pool-lab')];
    return {
      height: document.documentElement.scrollHeight,
      widgets: widgets.map((w) => ({ name: w.localName, ...box(w) })),
      pad: box(inside(draw, '[data-testid=drawpad]')),
      topTrack: box(top.querySelector('.probs-track')),
      answer: box(inside(draw, '[data-testid=prediction]')),
      topProbability: Math.max(...draw.playground.probs.last.probs),
      reluMaps: box(atlases[2]),  // the first ReLU's maps: viridis, coloured even where 0
      lastMaps: box(atlases.at(-1)),
      outputs: labs.slice(1).map((l) => ({ name: l.localName, ...box(inside(l, '[data-testid=lab-output-0]')) })),
    };
  });
  await p.emulateMedia({ media: null });
  return boxes;
}

/** Prints the page onto one sheet as tall as the page; returns its picture at 96 dpi as { width, height, rgb }. */
async function printTall(p, height, name) {
  const pdf = join(dir, `${name}.pdf`);
  // room below the page as measured for a widget that printing itself builds (the lecture's last one,
  // <cnn-train>, never scrolled to: as tall as its iframe height at most)
  writeFileSync(pdf, await p.pdf({ width: `${SHEET_WIDTH}px`, height: `${height + 3400}px`, margin: { top: 0, right: 0, bottom: 0, left: 0 } }));
  execFileSync('pdftoppm', ['-r', '96', pdf, join(dir, name)]);
  const pages = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.ppm'));
  assert.equal(pages.length, 1, 'the page fits on its one tall sheet');
  return readPpm(readFileSync(join(dir, pages[0])));
}

/** A binary PPM (P6, 8 bits) as { width, height, rgb }. */
function readPpm(buf) {
  const fields = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]))) i++;
    if (buf[i] === 0x23) { while (buf[i] !== 0x0a) i++; continue; }  // a comment
    let s = '';
    while (!/\s/.test(String.fromCharCode(buf[i]))) s += String.fromCharCode(buf[i++]);
    fields.push(s);
  }
  assert.equal(fields[0], 'P6');
  assert.equal(fields[3], '255');
  return { width: Number(fields[1]), height: Number(fields[2]), rgb: buf.subarray(i + 1) };
}

/** How many pixels of a box pass `test(r, g, b)`, and of how many. */
function count(img, box, test) {
  let n = 0, all = 0;
  const x0 = Math.max(0, Math.round(box.x)), x1 = Math.min(img.width, Math.round(box.x + box.width));
  const y0 = Math.max(0, Math.round(box.y)), y1 = Math.min(img.height, Math.round(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const k = 3 * (y * img.width + x);
      all++;
      if (test(img.rgb[k], img.rgb[k + 1], img.rgb[k + 2])) n++;
    }
  }
  return { n, all, share: all ? n / all : 0 };
}

const ink = (r, g, b) => Math.min(r, g, b) < 230;                              // anything but paper
const dark = (r, g, b) => r + g + b < 200;                                     // the pen's ink
const coloured = (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) > 40;      // a colour map's colours
const near = ([R, G, B]) => (r, g, b) => Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B) < 60;

/** Every check on a printed picture: [what, passed, measured]. */
function checks(img, at) {
  const out = [];
  const add = (what, passed, measured) => out.push({ what, passed, measured });
  for (const w of at.widgets) {
    const c = count(img, w, ink);
    add(`<${w.name}> at y ${Math.round(w.y)} is printed, not an empty box (ink on 4-70% of it)`, c.share > 0.04 && c.share < 0.7, `${(100 * c.share).toFixed(1)}%`);
  }
  // the 1 drawn with drawBar: a dark vertical stroke down the pad's middle, 20% to 80% of its height
  const stroke = count(img, { x: at.pad.x + 0.4 * at.pad.width, y: at.pad.y + 0.3 * at.pad.height, width: 0.2 * at.pad.width, height: 0.4 * at.pad.height }, dark);
  const edges = count(img, { x: at.pad.x + 0.05 * at.pad.width, y: at.pad.y + 0.3 * at.pad.height, width: 0.25 * at.pad.width, height: 0.4 * at.pad.height }, dark);
  add('the drawn digit\'s stroke is on the printed pad, and nothing beside it', stroke.share > 0.2 && edges.share < 0.01,
    `${(100 * stroke.share).toFixed(1)}% dark in the middle, ${(100 * edges.share).toFixed(1)}% at the side`);
  // the top class's bar: as long as its probability, in its orange
  const bar = count(img, at.topTrack, near(ORANGE));
  const want = at.topProbability * at.topTrack.width * at.topTrack.height;
  add(`the top class's bar is printed in orange, ${(100 * at.topProbability).toFixed(1)}% long`, bar.n > 0.6 * want && bar.n < 1.3 * want + 20, `${bar.n} of ${Math.round(want)} px`);
  const answer = count(img, at.answer, near(WARM));
  add('the answer is printed in the light colours\' dark orange, readable on paper', answer.n > 100, `${answer.n} px`);
  for (const o of at.outputs) {
    const c = count(img, o, (r, g, b) => ink(r, g, b) && !dark(r, g, b));
    add(`<${o.name}>'s output cells are printed in their colours`, c.share > 0.3, `${(100 * c.share).toFixed(1)}% coloured`);
  }
  const relu = count(img, at.reluMaps, coloured);
  add('the network\'s feature maps after its first ReLU are printed in their colours', relu.share > 0.5, `${(100 * relu.share).toFixed(1)}% coloured`);
  const last = count(img, at.lastMaps, ink);
  add('the last layer\'s maps, never scrolled to, are printed', last.share > 0.3, `${(100 * last.share).toFixed(1)}%`);
  return out;
}

test('printed, each widget of the lecture page is a picture of what it shows: the drawn digit, its bars, the maps, the grids', async () => {
  const p = await openLecture(true);
  await visit(p);
  const at = await regions(p);
  const img = await printTall(p, at.height, 'tall');
  const results = checks(img, at);
  console.log(results.map((r) => `${r.passed ? 'ok ' : 'NOT'} ${r.what}: ${r.measured}`).join('\n'));
  assert.deepEqual(results.filter((r) => !r.passed), []);
  // the same page on A4, to look at
  const a4 = join(dir, 'a4.pdf');
  writeFileSync(a4, await p.pdf({ format: 'A4' }));
  const isSheet = (f) => /^print-a4-\d+\.png$/.test(f);
  for (const f of readdirSync(OUT).filter(isSheet)) rmSync(new URL(f, OUT));  // an earlier run's pages
  execFileSync('pdftoppm', ['-r', '60', '-png', a4, new URL('print-a4', OUT).pathname]);
  const sheets = readdirSync(OUT).filter(isSheet);
  console.log(`A4: ${sheets.length} pages in test-results/print-a4-*.png`);
  assert.ok(sheets.length >= 5, 'the lecture and its five widgets take several pages');
  await p.close();
});

test('printed from a screen in the dark colour scheme, the widgets print in their light colours', async () => {
  const p = await openLecture(true);
  await p.emulateMedia({ colorScheme: 'dark' });
  await visit(p);
  const at = await regions(p);
  const results = checks(await printTall(p, at.height, 'tall-dark'), at);
  assert.deepEqual(results.filter((r) => !r.passed), []);
  await p.close();
});

test('printed with the print rules and handlers switched off, the same checks fail', async () => {
  const p = await openLecture(false);
  await p.emulateMedia({ colorScheme: 'dark' });
  await visit(p);
  const at = await regions(p);
  const img = await printTall(p, at.height, 'tall-off');
  const failed = checks(img, at).filter((r) => !r.passed);
  console.log(`switched off: ${failed.map((r) => `${r.what} (${r.measured})`).join('; ')}`);
  const names = failed.map((r) => r.what).join('\n');
  assert.match(names, /top class's bar/, 'without print rules the bars (backgrounds) are not printed');
  assert.match(names, /output cells/, 'nor the lab\'s coloured cells');
  assert.match(names, /never scrolled to/, 'without the handler the maps off screen stay unpainted');
  assert.match(names, /readable on paper/, 'and the dark colours print light text on white paper');
  await p.close();
});

test('a widget never shown prints a note saying why, and is built for the next print', async () => {
  const p = await openLecture(true);
  const last = p.locator('cnn-network-view');
  assert.equal(await last.evaluate((el) => el.dataset.state ?? null), null, 'far down the page, the widget is not built yet');
  const pdf = join(dir, 'unseen.pdf');
  writeFileSync(pdf, await p.pdf({ format: 'A4' }));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(text, /아직 화면에 나온 적이 없어서 만들어지지 않았습니다/);
  await last.evaluate((el) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => (el.dataset.state ? resolve() : performance.now() - t0 > 30000 ? reject(new Error('not built')) : setTimeout(check, 50));
    check();
  }));
  await p.close();
});
