// The widgets on the hosts where lecture notes live, built with the real
// tools and opened in headless Chromium: a Jekyll blog (minima, kramdown,
// MathJax), an MkDocs Material course site with instant navigation, and a
// blog that strips a post's scripts (so only the iframe form can work there).
// Each site's sources are under tests/hosts/; the test copies them into a
// temporary folder with the widgets' artefact (tools/dist.js, the folder a
// teacher copies) as cnn-playground/, builds the site there (jekyll build,
// mkdocs build, Python-Markdown) and serves the built site from 127.0.0.1 on
// an ephemeral port. MathJax is Debian's copy, served under the Jekyll site's
// /assets/mathjax/: no request may leave the site's origin.
//
// The page for teachers (teach.html, in the artefact) is tested here too:
// the code it writes is pasted into a page, which must show the same widget.
//
// To add a host: put its sources in tests/hosts/<name>/, build it in before()
// and serve its output with site(). Screenshots go to test-results/hosts-*.png
// (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sirv from 'sirv';
import { buildDist } from '../../tools/dist.js';
import { CHROMIUM, ARGS, rendered, drawBar, set } from './widget-steps.js';
import { lowContrastTexts } from './contrast.js';

const HOSTS = fileURLToPath(new URL('../hosts/', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const OUT = new URL('../../test-results/', import.meta.url);
const MATHJAX = '/usr/share/javascript/mathjax';  // Debian's libjs-mathjax (MathJax 2.7)
const POST = '/deep-learning/2026/03/09/convolution.html';
const HEIGHT_MESSAGE = 'cnn-playground:height';
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };

let work, artefact, context, profile;
const servers = {};
const pageErrors = [];

/** Serves a built site from 127.0.0.1 (an ephemeral port); `mounts` maps a path prefix to another folder. */
async function site(name, root, mounts = {}) {
  const files = sirv(root, { dev: true, etag: true });
  const extra = Object.entries(mounts).map(([prefix, dir]) => [prefix, sirv(dir, { dev: true })]);
  const notFound = (req, res) => { res.statusCode = 404; res.end('not found'); };
  const server = createServer((req, res) => {
    for (const [prefix, serve] of extra) {
      if (req.url.startsWith(prefix)) {
        req.url = req.url.slice(prefix.length - 1);
        serve(req, res, () => notFound(req, res));
        return;
      }
    }
    files(req, res, () => notFound(req, res));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.base = `http://127.0.0.1:${server.address().port}`;
  servers[name] = server;
  return server.base;
}

/** Opens a page; records every request, every failed one, and the page's errors. At a phone's size, the screen is a touch screen. */
async function open(url, viewport = DESKTOP) {
  const p = await context.newPage();
  await p.setViewportSize(viewport);
  if (viewport === PHONE) await (await context.newCDPSession(p)).send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  p.requests = [];
  p.failures = [];
  p.on('request', (r) => p.requests.push(r.url()));
  p.on('requestfailed', (r) => p.failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  p.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') p.failures.push(`${r.url()}: ${r.status()}`);
  });
  p.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  await p.goto(url);
  return p;
}

/** Requests that went anywhere but the site's own origin (blob: and data: URLs are made in the page). */
const leaving = (p, base) => p.requests.filter((u) => !u.startsWith(`${base}/`) && !/^(blob|data):/.test(u));

/** The page's shared engine Worker's count of what is alive: { networks, engine: {...} }. */
const liveObjects = (p) => p.evaluate(() => [...globalThis.__cnnEngineClients.values()][0].request('liveObjects'));

/** Waits (at most 10 s) until the Worker holds `n` networks; returns its count. */
async function networksSettle(p, n) {
  let live;
  for (let i = 0; i < 100; i++) {
    live = await liveObjects(p);
    if (live.networks === n && live.engine.networks === n) break;
    await p.waitForTimeout(100);
  }
  return live;
}

/** The iframe's height and the height of the page inside it (same origin). */
const iframeFit = (iframe) => iframe.evaluate((f) => ({
  frame: f.getBoundingClientRect().height,
  client: f.contentDocument.documentElement.clientHeight,
  content: Math.ceil(f.contentDocument.documentElement.getBoundingClientRect().height),
  scroll: f.contentDocument.documentElement.scrollHeight,
}));

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'cnn-hosts-'));
  artefact = join(work, 'cnn-playground');
  await buildDist(artefact);
  await site('artefact', artefact);
  const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C.UTF-8' } });

  // Jekyll: the blog's sources, the artefact copied in, `jekyll build`
  const jekyll = join(work, 'jekyll');
  cpSync(join(HOSTS, 'jekyll'), jekyll, { recursive: true });
  cpSync(artefact, join(jekyll, 'cnn-playground'), { recursive: true });
  run('jekyll', ['build', '--source', jekyll, '--destination', join(work, 'jekyll-site')], jekyll);
  await site('jekyll', join(work, 'jekyll-site'), { '/assets/mathjax/': MATHJAX });

  // MkDocs Material: the course's sources, the artefact under docs/, `mkdocs build`
  const mkdocs = join(work, 'mkdocs');
  cpSync(join(HOSTS, 'mkdocs'), mkdocs, { recursive: true });
  cpSync(artefact, join(mkdocs, 'docs', 'cnn-playground'), { recursive: true });
  run('mkdocs', ['build', '--quiet', '--config-file', join(mkdocs, 'mkdocs.yml'), '--site-dir', join(work, 'mkdocs-site')], mkdocs);
  await site('mkdocs', join(work, 'mkdocs-site'));

  // the blog that strips scripts: the post rendered by Python-Markdown, shown by the blog's page
  const stripped = join(work, 'stripped');
  mkdirSync(stripped);
  cpSync(join(HOSTS, 'stripped', 'index.html'), join(stripped, 'index.html'));
  writeFileSync(join(stripped, 'post.html'), run('/usr/bin/python3', ['-m', 'markdown', join(HOSTS, 'stripped', 'notes.md')], stripped));
  cpSync(artefact, join(stripped, 'cnn-playground'), { recursive: true });
  await site('stripped', stripped);

  profile = mkdtempSync(join(tmpdir(), 'cnn-e2e-hosts-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: DESKTOP });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await context?.close();
  for (const s of Object.values(servers)) s.close();
  for (const d of [profile, work]) {
    try { rmSync(d, { recursive: true, force: true, maxRetries: 5 }); } catch { /* only a temp dir */ }
  }
});

/** Waits until MathJax (2.x) has finished everything queued so far. */
async function mathJaxDone(p) {
  await p.waitForFunction(() => globalThis.MathJax?.isReady, null, { timeout: 30000 });
  await p.evaluate(() => new Promise((resolve) => globalThis.MathJax.Hub.Queue(resolve)));
}

/** What MathJax made of the post, and whether anything of MathJax is inside a widget. */
const mathState = (p) => p.evaluate(() => {
  const post = document.querySelector('.post-content');
  const widgets = [...document.querySelectorAll('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify')];
  return {
    sources: post.querySelectorAll('script[type^="math/tex"]').length,
    typeset: post.querySelectorAll('.MathJax_CHTML').length,
    errors: post.querySelectorAll('.mjx-merror, .MathJax_Error').length,
    leftover: /\$|\\\[|\\frac|\\sum/.test(post.innerText),
    inWidgets: widgets.map((w) => w.shadowRoot.querySelectorAll('[class*="mjx"], [class*="MathJax"], script').length),
  };
});

test('Jekyll (minima, kramdown, MathJax): every widget of the post works, MathJax and the widgets leave each other alone, nothing leaves the site', async () => {
  const base = servers.jekyll.base;
  const p = await open(`${base}${POST}`);
  assert.equal(await p.locator('html').getAttribute('lang'), 'ko');
  const labs = p.locator('.post-content cnn-conv-lab');
  const draw = p.locator('.post-content cnn-draw-classify');
  assert.equal(await labs.count(), 2);
  await mathJaxDone(p);
  for (let i = 0; i < 2; i++) await rendered(labs.nth(i));
  await rendered(draw);
  const math = await mathState(p);
  console.log(`Jekyll post: ${math.typeset} formulas typeset by MathJax, ${math.errors} errors`);
  assert.equal(math.sources, 10, 'kramdown kept the post\'s ten formulas for MathJax');
  assert.equal(math.typeset, math.sources, 'every formula typeset');
  assert.equal(math.errors, 0);
  assert.equal(math.leftover, false, 'no TeX source is left as text');
  assert.deepEqual(math.inWidgets, [0, 0, 0], 'MathJax did not reach into a widget');
  // the widgets work: the labs answer their controls, the pad reads a drawing
  const second = labs.nth(1);
  assert.equal(await second.locator('[data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 3 × 3 (채널 × 높이 × 너비)');
  await set(second, 'lab-stride', 1);
  assert.equal(await second.locator('[data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 5 × 5 (채널 × 높이 × 너비)');
  await labs.nth(0).locator('[data-testid=lab-output-0] button').nth(4).click();
  await rendered(labs.nth(0));
  assert.deepEqual(await labs.nth(0).evaluate((el) => el.lab.selection), { c: 0, y: 1, x: 1 });
  await drawBar(p, draw);
  await p.waitForFunction(() => document.querySelector('.post-content cnn-draw-classify').dataset.state === 'predicted');
  assert.equal(await draw.locator('[data-testid=prediction]').textContent(), '1');
  // the iframe's lab works
  const pool = p.frameLocator('iframe.cnn-embed').locator('cnn-pool-lab');
  await p.locator('iframe.cnn-embed').scrollIntoViewIfNeeded();
  await rendered(pool);
  assert.match(await pool.locator('[data-testid=lab-out-shape]').textContent(), /^출력 모양: 1 × 2 × 2/);
  // MathJax typesets the page again (as notes do after changing it): the widgets keep working, untouched
  await p.evaluate(() => new Promise((resolve) => globalThis.MathJax.Hub.Queue(['Typeset', globalThis.MathJax.Hub], resolve)));
  const again = await mathState(p);
  assert.deepEqual([again.typeset, again.errors, again.inWidgets], [10, 0, [0, 0, 0]]);
  await set(second, 'lab-padding', 0);
  assert.equal(await second.locator('[data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 3 × 3 (채널 × 높이 × 너비)');
  assert.equal(await draw.evaluate((el) => el.dataset.state), 'predicted');

  assert.deepEqual(leaving(p, base), [], 'every request stays on the site');
  assert.deepEqual(p.failures, []);
  assert.ok(p.requests.some((u) => u.startsWith(`${base}/assets/mathjax/MathJax.js`)), 'MathJax came from the site');
  assert.deepEqual(pageErrors, []);
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: new URL('hosts-jekyll-post.png', OUT).pathname, fullPage: true });
  await p.close();
});

test('the iframe form: the embed page tells its height, the README\'s host script fits the iframe to it, and ignores other messages', async () => {
  // the host script of the Jekyll post is the README's, word for word
  const readme = readFileSync(README, 'utf8');
  const snippet = readme.match(/<!-- iframe height script -->\n```html\n([\s\S]*?)```/)?.[1];
  assert.ok(snippet, 'the README shows the host script');
  const post = readFileSync(join(HOSTS, 'jekyll', '_posts', '2026-03-09-convolution.md'), 'utf8');
  assert.ok(post.includes(snippet), 'the post uses the README\'s script');

  const base = servers.jekyll.base;
  const p = await context.newPage();
  await p.addInitScript(() => {
    if (window !== window.top) return;
    window.__heights = [];
    addEventListener('message', (e) => window.__heights.push(e.data));
  });
  await p.setViewportSize(DESKTOP);
  await p.goto(`${base}${POST}`);
  const iframe = p.locator('iframe.cnn-embed');
  await iframe.scrollIntoViewIfNeeded();
  await rendered(p.frameLocator('iframe.cnn-embed').locator('cnn-pool-lab'));
  const fits = () => p.waitForFunction(() => {
    const f = document.querySelector('iframe.cnn-embed');
    const root = f.contentDocument?.documentElement;
    return root && Math.abs(f.getBoundingClientRect().height - root.getBoundingClientRect().height) <= 1 && root.scrollHeight <= root.clientHeight;
  }, null, { timeout: 10000 });
  await fits();
  const desktop = await iframeFit(iframe);
  // a phone: the widget grows taller, the iframe follows, still without a scrollbar
  await p.setViewportSize(PHONE);
  await p.waitForFunction((h) => document.querySelector('iframe.cnn-embed').getBoundingClientRect().height > h + 50, desktop.frame);
  await fits();
  const phone = await iframeFit(iframe);
  console.log(`iframe fitted by the host script: desktop ${desktop.frame} px (content ${desktop.content}), phone ${phone.frame} px (content ${phone.content})`);
  assert.ok(phone.scroll <= phone.client && desktop.scroll <= desktop.client, 'no scrollbar in the iframe');
  await p.screenshot({ path: new URL('hosts-jekyll-phone.png', OUT).pathname });
  // what the embed page sent: its message type and a whole number, nothing else
  const sent = await p.evaluate((type) => window.__heights.filter((d) => d?.type === type), HEIGHT_MESSAGE);
  assert.ok(sent.length >= 2, 'a message at first and after the change');
  for (const d of sent) {
    assert.deepEqual(Object.keys(d).sort(), ['height', 'type']);
    assert.ok(Number.isInteger(d.height) && d.height > 0, JSON.stringify(d));
  }
  assert.equal(sent.at(-1).height, Math.round(phone.frame));
  // messages the host script must ignore: from the page itself, a height that is not a number,
  // and the iframe's window once it has gone to another origin
  const before = phone.frame;
  await p.evaluate((type) => postMessage({ type, height: 7 }, '*'), HEIGHT_MESSAGE);
  const frame = await (await iframe.elementHandle()).contentFrame();
  await frame.evaluate((type) => parent.postMessage({ type, height: '9px' }, '*'), HEIGHT_MESSAGE);
  await frame.evaluate((url) => { location.href = url; }, `${servers.mkdocs.base}/404.html`);
  await p.waitForFunction(() => {
    try { return !document.querySelector('iframe.cnn-embed').contentDocument; } catch { return true; }
  });
  const away = p.frames().find((f) => f.url().startsWith(servers.mkdocs.base));
  await away.waitForLoadState();
  await away.evaluate((type) => parent.postMessage({ type, height: 11 }, '*'), HEIGHT_MESSAGE);
  await p.waitForTimeout(300);
  const after = await iframe.evaluate((f) => f.getBoundingClientRect().height);
  assert.equal(after, before, 'the iframe kept its height');
  const heights = await p.evaluate(() => window.__heights.map((d) => d?.height));
  assert.ok(heights.includes(7) && heights.includes('9px') && heights.includes(11), 'the three messages did arrive');
  await p.close();
});

test('MkDocs Material, instant navigation: widgets come back working after leaving and returning, and none is left running', async () => {
  const base = servers.mkdocs.base;
  const p = await open(`${base}/`);
  await p.evaluate(() => { window.__sameDocument = true; });
  const sameDocument = () => p.evaluate(() => window.__sameDocument === true);
  const follow = async (href, path) => {
    await p.locator(`.md-content a[href="${href}"]`).click();
    await p.waitForURL(`${base}${path}`);
    await p.waitForFunction((h1) => document.querySelector('.md-content h1')?.textContent.includes(h1),
      { '/': '합성곱', '/pooling/': '풀링', '/summary/': '정리' }[path]);
  };
  const back = async (path, h1) => {
    await p.goBack();
    await p.waitForURL(`${base}${path}`);
    await p.waitForFunction((t) => document.querySelector('.md-content h1')?.textContent.includes(t), h1);
  };
  const widgetsOn = async (tags) => {
    for (const tag of tags) await rendered(p.locator(`.md-content ${tag}`));
  };

  await widgetsOn(['cnn-conv-lab', 'cnn-draw-classify']);
  const lab = p.locator('.md-content cnn-conv-lab');
  assert.equal(await lab.locator('[data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 3 × 3 (채널 × 높이 × 너비)');
  const draw = p.locator('.md-content cnn-draw-classify');
  await drawBar(p, draw);
  await p.waitForFunction(() => document.querySelector('.md-content cnn-draw-classify').dataset.state === 'predicted');
  const first = await networksSettle(p, 1);
  assert.equal(first.networks, 1, 'the draw widget\'s network');
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: new URL('hosts-mkdocs-index.png', OUT).pathname, fullPage: true });
  await p.evaluate(() => { window.__gone = [...document.querySelectorAll('cnn-conv-lab, cnn-draw-classify')]; });

  await follow('pooling/', '/pooling/');
  assert.ok(await sameDocument(), 'instant navigation: no reload');
  assert.deepEqual(await p.evaluate(() => window.__gone.map((w) => [w.isConnected, w.mounted])), [[false, false], [false, false]],
    'the widgets of the page that is gone are torn down');
  await widgetsOn(['cnn-pool-lab', 'cnn-network-view']);
  assert.equal((await networksSettle(p, 1)).networks, 1, 'only the network view\'s network');
  await follow('../summary/', '/summary/');
  assert.equal((await networksSettle(p, 0)).networks, 0, 'a page without widgets: nothing alive in the Worker');
  await back('/pooling/', '풀링');
  await widgetsOn(['cnn-pool-lab', 'cnn-network-view']);
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: new URL('hosts-mkdocs-pooling.png', OUT).pathname, fullPage: true });
  await back('/', '합성곱');
  await widgetsOn(['cnn-conv-lab', 'cnn-draw-classify']);
  // back and working: the lab answers, the pad reads a new drawing
  await set(p.locator('.md-content cnn-conv-lab'), 'lab-stride', 1);
  assert.equal(await p.locator('.md-content cnn-conv-lab [data-testid=lab-out-shape]').textContent(), '출력 모양: 1 × 5 × 5 (채널 × 높이 × 너비)');
  await drawBar(p, p.locator('.md-content cnn-draw-classify'));
  await p.waitForFunction(() => document.querySelector('.md-content cnn-draw-classify').dataset.state === 'predicted');
  assert.equal(await p.locator('.md-content cnn-draw-classify [data-testid=prediction]').textContent(), '1');
  // ten more round trips: nothing piles up in the Worker
  for (let i = 0; i < 10; i++) {
    await follow('pooling/', '/pooling/');
    await widgetsOn(['cnn-pool-lab', 'cnn-network-view']);
    await back('/', '합성곱');
    await widgetsOn(['cnn-conv-lab', 'cnn-draw-classify']);
  }
  const last = await networksSettle(p, 1);
  console.log(`MkDocs: after 12 round trips the Worker holds ${JSON.stringify(last)} (first visit: ${JSON.stringify(first)})`);
  assert.equal(last.networks, 1);
  assert.deepEqual(last.engine, first.engine, 'the engine holds what it held on the first visit');
  assert.ok(await sameDocument(), 'all of it without a reload');
  const engines = p.workers().filter((w) => w.url().startsWith('blob:'));  // Material's search has a Worker of its own
  assert.equal(engines.length, 1, 'one engine Worker for the whole visit');
  assert.deepEqual(leaving(p, base), [], 'every request stays on the site');
  assert.deepEqual(p.failures, []);
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('a blog that strips scripts: the script and the elements stay inert, the iframes work and fit their documented heights', async () => {
  const base = servers.stripped.base;
  const heights = [];
  for (const viewport of [DESKTOP, PHONE]) {
    const p = await open(`${base}/`, viewport);
    await p.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await p.locator('#post script').count(), 0, 'the blog removed the post\'s script');
    assert.equal(await p.evaluate(() => customElements.get('cnn-conv-lab')), undefined, 'so no widget is defined on the page');
    assert.equal(await p.locator('#post cnn-conv-lab').evaluate((el) => el.shadowRoot), null);
    const iframes = p.locator('#post iframe.cnn-embed');
    assert.equal(await iframes.count(), 4);
    for (let i = 0; i < 4; i++) {
      const iframe = iframes.nth(i);
      await iframe.scrollIntoViewIfNeeded();
      const frame = p.frameLocator('#post iframe.cnn-embed').nth(i);
      const widget = frame.locator('cnn-conv-lab, cnn-pool-lab, cnn-draw-classify, cnn-network-view');
      await rendered(widget);
      const tag = await widget.evaluate((el) => el.tagName.toLowerCase());
      const documented = Number(await iframe.getAttribute('height'));
      assert.match(await frame.locator('[data-testid=embed-code]').inputValue(), new RegExp(`height="${documented}"`),
        `${tag}: the embed page suggests the height the post uses`);
      for (const lang of ['ko', 'en']) {
        if (lang === 'en') {
          await iframe.evaluate((f) => { f.contentWindow.location.hash = f.contentWindow.location.hash.replace('lang=ko', 'lang=en'); });
          await frame.locator('html[lang=en]').waitFor();
          await rendered(widget);
        }
        const fit = await iframeFit(iframe);
        heights.push(`${tag} (${lang}) in a ${Math.round(await iframe.evaluate((f) => f.getBoundingClientRect().width))} px wide iframe: ${fit.content} of ${documented} px`);
        assert.ok(fit.content <= documented, `${tag} (${lang}) at ${viewport.width} px wide needs ${fit.content} px, more than the documented ${documented}`);
        assert.ok(fit.scroll <= fit.client, `${tag}: no scrollbar in the iframe`);
      }
      if (tag === 'cnn-conv-lab') {
        await set(widget, 'lab-stride', 2);
        assert.match(await widget.locator('[data-testid=lab-out-shape]').textContent(), /^Output shape: 1 × 2 × 2/);
      }
      if (tag === 'cnn-draw-classify') {
        await drawBar(p, widget);
        await widget.locator('[data-testid=prediction]').filter({ hasText: /^1$/ }).waitFor({ timeout: 20000 });
      }
    }
    assert.deepEqual(leaving(p, base), [], 'every request stays on the site');
    assert.deepEqual(p.failures, []);
    await p.evaluate(() => scrollTo(0, 0));
    if (viewport === PHONE) await p.screenshot({ path: new URL('hosts-stripped-phone.png', OUT).pathname });
    await p.close();
  }
  console.log(`fixed heights, without the host script:\n  ${heights.join('\n  ')}`);
  assert.deepEqual(pageErrors, []);
});

test('the teachers\' page: the element and the iframe it writes show the widget as chosen, and the copy buttons copy them', async () => {
  const base = servers.artefact.base;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const p = await open(`${base}/teach.html`);
  const preview = p.locator('cnn-teach-page cnn-conv-lab');
  await rendered(preview);
  await p.locator('[data-testid=teach-theme]').selectOption('dark');
  for (const name of ['input', 'size', 'dilation', 'filters', 'weights', 'flip', 'activation', 'animation', 'pytorch']) {
    await p.locator(`[data-testid=teach-control-${name}]`).uncheck();
  }
  await p.locator('[data-testid=teach-base]').fill(`${base}/`);
  await rendered(preview);
  assert.equal(await preview.locator('[data-testid=lab-dilation]').count(), 0, 'the preview shows only the chosen controls');
  await set(preview, 'lab-stride', 2);
  await set(preview, 'lab-padding', 1);
  const element = await p.locator('[data-testid=teach-code-element]').inputValue();
  const iframe = await p.locator('[data-testid=teach-code-iframe]').inputValue();
  assert.equal(element, '<cnn-conv-lab lang="ko" theme="dark" stride="2" padding="1" controls="kernel,stride,padding"></cnn-conv-lab>\n'
    + `<script type="module" src="${base}/cnn-playground.js"></script>`);
  assert.equal(iframe, `<iframe src="${base}/embed.html#widget=conv-lab&lang=ko&theme=dark&controls=kernel%2Cstride%2Cpadding&s=2&p=1" `
    + 'class="cnn-embed" title="합성곱 실험실" width="100%" height="3200" style="border:0" loading="lazy"></iframe>');
  const chosen = await preview.evaluate((el) => el.state);
  // the copy buttons
  await p.locator('[data-testid=teach-copy-element]').click();
  await p.locator('[data-testid=teach-status-element]').filter({ hasText: '복사했습니다.' }).waitFor();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), element);
  await p.locator('[data-testid=teach-copy-iframe]').click();
  await p.locator('[data-testid=teach-status-iframe]').filter({ hasText: '복사했습니다.' }).waitFor();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), iframe);
  assert.deepEqual(await p.evaluate(lowContrastTexts), [], 'every text of the page readable');
  // the page in English (its language picker sets <html lang>): the same choices, the same preview
  await p.evaluate(() => { document.documentElement.lang = 'en'; });
  await p.locator('[data-testid=teach-copy-element]').filter({ hasText: 'Copy' }).waitFor();
  await rendered(preview);
  assert.deepEqual(await preview.evaluate((el) => el.state), chosen);
  assert.equal(await p.locator('[data-testid=teach-code-element]').inputValue(), element);
  assert.equal(await p.locator('[data-testid=teach-code-iframe]').inputValue(), iframe);
  await p.screenshot({ path: new URL('hosts-teach.png', OUT).pathname, fullPage: true });

  // pasted into notes: the same widget, the same settings, the same controls, dark and in Korean
  const paste = (name, code) => writeFileSync(join(artefact, name), `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${name}</title><link rel="icon" href="data:,"></head><body><p>Notes.</p>\n${code}\n<p>More notes.</p></body></html>`);
  paste('pasted-element.html', element);
  paste('pasted-iframe.html', iframe);
  for (const [file, widgetOf] of [['pasted-element.html', (q) => q.locator('cnn-conv-lab')],
    ['pasted-iframe.html', (q) => q.frameLocator('iframe.cnn-embed').locator('cnn-conv-lab')]]) {
    const notes = await open(`${base}/${file}`);
    const lab = widgetOf(notes);
    await rendered(lab);
    assert.deepEqual(await lab.evaluate((el) => el.state), chosen, `${file}: the settings chosen`);
    assert.deepEqual(await lab.evaluate((el) => ['kernel', 'stride', 'padding', 'dilation', 'activation'].map((n) => !!el.shadowRoot.querySelector(`[data-testid=lab-${n}]`))),
      [true, true, true, false, false], `${file}: the controls chosen`);
    assert.equal(await lab.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.cnn-widget')).backgroundColor), 'rgb(28, 28, 34)');
    assert.match(await lab.locator('[data-testid=lab-out-shape]').textContent(), /^출력 모양: 1 × 3 × 3/);
    assert.deepEqual(await lab.locator('[data-testid=widget-messages] li').allTextContents(), []);
    assert.deepEqual(leaving(notes, base), []);
    await notes.close();
  }

  // a drawing widget (the theme stays as chosen): its model and preprocessing, in English
  await p.locator('[data-testid=teach-widget]').selectOption('draw-classify');
  await p.locator('[data-testid=teach-lang]').selectOption('en');
  await p.locator('[data-testid=teach-model]').selectOption('fashion');
  await p.locator('[data-testid=teach-preprocess]').uncheck();
  await rendered(p.locator('cnn-teach-page cnn-draw-classify'));
  assert.equal(await p.locator('[data-testid=teach-code-element]').inputValue(),
    `<cnn-draw-classify lang="en" theme="dark" model="fashion" preprocess="false"></cnn-draw-classify>\n<script type="module" src="${base}/cnn-playground.js"></script>`);
  const drawIframe = await p.locator('[data-testid=teach-code-iframe]').inputValue();
  assert.match(drawIframe, /embed\.html#widget=draw-classify&lang=en&theme=dark&model=fashion&preprocess=false" class="cnn-embed" title="Draw a digit and see what the network says" width="100%" height="2100"/);
  paste('pasted-draw.html', drawIframe);
  const notes = await open(`${base}/pasted-draw.html`);
  const draw = notes.frameLocator('iframe.cnn-embed').locator('cnn-draw-classify');
  await rendered(draw);
  assert.equal(await draw.evaluate((el) => el.playground.modelKey), 'fashion');
  await notes.close();

  // a teacher's own model file: its address, normalisation and labels, checked as the widget checks them
  const own = (testid, value) => p.locator(`[data-testid=teach-${testid}]`).fill(value);
  await own('model-url', 'my-model.pt');
  assert.match(await p.locator('cnn-teach-page .teach-note').filter({ hasText: 'my-model.pt' }).textContent(), /a \.onnx or \.cnnm file/);
  await own('model-url', 'models/fashion.cnnm');
  await own('normalize', '(0.5,), (0.5,)');
  await own('labels', 'T-shirt,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Boot');
  assert.equal(await p.locator('[data-testid=teach-code-element]').inputValue(),
    '<cnn-draw-classify lang="en" theme="dark" model="models/fashion.cnnm" normalize="(0.5,), (0.5,)" '
    + `labels="T-shirt,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Boot" preprocess="false"></cnn-draw-classify>\n<script type="module" src="${base}/cnn-playground.js"></script>`);
  await p.locator('cnn-teach-page cnn-draw-classify [data-testid=status]').filter({ hasText: 'fashion.cnnm, your file' }).waitFor({ timeout: 30000 });
  assert.deepEqual(p.failures, []);
  assert.deepEqual(pageErrors, []);
  await p.close();
});
