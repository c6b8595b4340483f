// Drawing on the playground's pad with the mouse, as a person does: strokes
// of many small moves at about 120 moves a second, in pad units (0..1, y
// down); DIGITS holds one way of writing each digit. Shared by the page's
// end-to-end files.
export const MOVE_MS = 8;  // a pointer reports about every 8 ms

export const arc = (cx, cy, rx, ry, from, to, n = 24) => Array.from({ length: n + 1 }, (_, i) => {
  const a = from + ((to - from) * i) / n;
  return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
});
export const line = (x0, y0, x1, y1, n = 10) => Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
export const D = Math.PI / 180;

// Each digit: strokes, as a person draws it (a 0 starts at the top and goes
// anticlockwise, a 7 is one stroke with a corner, a 4 and a 5 take two
// strokes, an 8 is one stroke crossing itself). All ten are checked.
export const DIGITS = {
  0: [arc(0.5, 0.5, 0.2, 0.3, -90 * D, -450 * D, 36)],
  1: [[...line(0.44, 0.28, 0.53, 0.2, 4), ...line(0.53, 0.2, 0.52, 0.8, 14)]],
  2: [[...arc(0.5, 0.36, 0.17, 0.14, -170 * D, 30 * D, 18), ...line(0.65, 0.43, 0.32, 0.78, 12), ...line(0.32, 0.78, 0.7, 0.77, 10)]],
  3: [[...arc(0.48, 0.34, 0.17, 0.14, -160 * D, 90 * D, 20), ...arc(0.48, 0.64, 0.19, 0.16, -90 * D, 160 * D, 22)]],
  4: [[...line(0.52, 0.2, 0.3, 0.58, 12), ...line(0.3, 0.58, 0.72, 0.58, 10)], line(0.6, 0.34, 0.6, 0.82, 12)],
  5: [[...line(0.4, 0.22, 0.37, 0.48, 8), ...arc(0.5, 0.62, 0.17, 0.16, -125 * D, 150 * D, 22)], line(0.4, 0.22, 0.68, 0.22, 8)],
  6: [[...arc(0.62, 0.52, 0.24, 0.34, -75 * D, -180 * D, 10), ...arc(0.5, 0.66, 0.15, 0.14, 180 * D, -180 * D, 28)]],
  7: [[...line(0.3, 0.24, 0.7, 0.24, 10), ...line(0.7, 0.24, 0.45, 0.8, 14)]],
  8: [Array.from({ length: 49 }, (_, i) => {
    const a = (2 * Math.PI * i) / 48;
    return [0.5 - 0.17 * Math.sin(2 * a) * 0.9, 0.5 - 0.3 * Math.cos(a)];
  })],
  9: [[...arc(0.5, 0.36, 0.16, 0.14, 0, -360 * D, 28), ...line(0.66, 0.36, 0.6, 0.82, 12)]],
};

/** Draws strokes given in pad units with the mouse, move by move. */
export async function draw(p, strokes) {
  const box = await p.locator('[data-testid=drawpad]').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    await p.mouse.move(...at(stroke[0]));
    await p.mouse.down();
    for (const pt of stroke.slice(1)) {
      await p.mouse.move(...at(pt), { steps: 2 });
      await p.waitForTimeout(MOVE_MS);
    }
    await p.mouse.up();
  }
}

/** Waits until the page has shown the result of the latest drawing. */
export async function settled(p) {
  await p.waitForTimeout(50);
  await p.waitForFunction(() => {
    const pg = globalThis.cnnPlayground;
    return !pg.inFlight && !pg.dirty && pg.since === null;
  });
  await p.waitForTimeout(30);
}

