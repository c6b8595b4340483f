// Steps the widget tests share (widgets.test.js, hosts.test.js): the browser
// to launch, waiting for a widget's result, drawing on a draw widget's pad,
// setting a control. Each takes Playwright locators, so it works the same in
// a page or in a frame.

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync'];

/** Scrolls a widget into view and waits until it shows a result (data-state set by the widget). */
export async function rendered(locator) {
  await locator.scrollIntoViewIfNeeded();
  await locator.evaluate((el) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => {
      const lab = el.lab;
      const labDone = !lab || lab.settled;
      if (el.dataset.state && labDone) resolve();
      else if (performance.now() - t0 > 30000) reject(new Error(`${el.tagName} never showed a result`));
      else setTimeout(check, 30);
    };
    check();
  }));
}

/** Draws a vertical bar (a 1) with the mouse on a draw widget's pad (`p`: the page that owns the mouse). */
export async function drawBar(p, widget) {
  const pad = widget.locator('[data-testid=drawpad]');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await p.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await p.mouse.down();
  for (let i = 1; i <= 12; i++) await p.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + 0.05 * i), { steps: 2 });
  await p.mouse.up();
}

/** Sets a range input or select inside a widget as a reader's drag or pick would. */
export async function set(widget, testid, value) {
  await widget.locator(`[data-testid=${testid}]`).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  }, value);
  await rendered(widget);
}
