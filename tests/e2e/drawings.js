// A drawing test set of digits as people write them, made from a seed: every
// drawing is a list of strokes (points in pad units, 0..1, y down) to replay
// with the mouse on the page. Pure functions, no DOM.
//
// Each digit has the styles people use (STYLES below: a 1 plain, with a flag,
// with a flag and a foot; a 2 with or without a loop; ...). On top of its
// style, every drawing gets
//   - a slant (shear) of up to 15° either way,
//   - a size: its height 40% to 85% of the pad, and a width from narrow
//     to wide (75% to 125% of the style's own),
//   - a position anywhere that keeps it on the pad (mostly off centre),
//   - jitter along the stroke (a slow wobble and a little noise per point),
//   - a speed: fast drawing gives sparse pointer events (far apart), slow
//     drawing dense ones.
// drawingSet({ seed, count }) cycles through the digits and, per digit,
// through its styles, so any prefix of the set or every k-th drawing covers
// them all. Same seed, same set, on every machine (a seeded generator and
// nothing but arithmetic).
//
// The shapes are written in a digit box of -0.5..0.5 on each axis (y down):
// a digit's height is 1, its width about 0.6.

const D = Math.PI / 180;

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const arc = (cx, cy, rx, ry, from, to, n = 24) => Array.from({ length: n + 1 }, (_, i) => {
  const a = from + ((to - from) * i) / n;
  return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
});
const line = (x0, y0, x1, y1, n = 8) => Array.from({ length: n + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
// a quadratic curve from p0 to p2 pulled towards p1
const curve = ([x0, y0], [x1, y1], [x2, y2], n = 12) => Array.from({ length: n + 1 }, (_, i) => {
  const t = i / n, u = 1 - t;
  return [u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2];
});
const join = (...parts) => parts.flat();

// Each style: (r, u) => strokes in the digit box, where u(lo, hi) draws a
// uniform number (the shape's own variation).
export const STYLES = {
  0: {
    round: (u) => [arc(0, 0, u(0.27, 0.34), 0.5, -90 * D, -450 * D, 36)],
    narrow: (u) => [arc(0, 0, u(0.14, 0.19), 0.5, -90 * D, -445 * D, 36)],
    slashed: (u) => [arc(0, 0, u(0.24, 0.3), 0.5, -90 * D, -450 * D, 36), line(u(0.14, 0.2), -0.36, -u(0.14, 0.2), 0.36, 8)],
  },
  1: {
    plain: (u) => { const x = u(-0.04, 0.04); return [line(x + u(0, 0.05), -0.5, x, 0.5, 14)]; },
    flag: (u) => [join(line(-u(0.17, 0.25), -0.5 + u(0.14, 0.22), 0.03, -0.5, 4), line(0.03, -0.5, 0.01, 0.5, 14))],
    'flag and foot': (u) => {
      const w = u(0.18, 0.24);
      return [join(line(-u(0.15, 0.22), -0.5 + u(0.13, 0.2), 0.02, -0.5, 4), line(0.02, -0.5, 0.01, 0.48, 14)), line(-w, 0.5, w, 0.5, 6)];
    },
  },
  2: {
    plain: (u) => [join(arc(0, -0.24, 0.26, 0.25, -165 * D, 25 * D, 18), line(0.24, -0.13, -0.29, 0.48, 12), line(-0.29, 0.48, 0.3, 0.47, 10))],
    loop: (u) => {
      const r = u(0.06, 0.1);
      return [join(arc(0, -0.24, 0.26, 0.25, -165 * D, 25 * D, 18), line(0.24, -0.13, -0.2, 0.4, 10),
        arc(-0.2 - r * 0.2, 0.42 - r, r * 1.2, r, 90 * D, 450 * D, 14).map(([x, y]) => [x - r * 0.2, y + r * 0.4]).slice(0, 13),
        line(-0.24, 0.47, 0.32, 0.46, 10))];
    },
  },
  3: {
    // the ends curl in more or less
    round: (u) => {
      const m = u(-0.04, 0.04), c = u(0, 35) * D;
      return [join(arc(0, -0.25 + m / 2, 0.24, 0.25 + m / 2, -155 * D - c, 90 * D, 20), arc(0, 0.25 + m / 2, 0.28, 0.25 - m / 2, -90 * D, 155 * D + c, 22))];
    },
    'flat top': (u) => [join(line(-0.24, -0.5, 0.26, -0.5, 8), line(0.26, -0.5, -0.04, -0.08, 8), arc(0, 0.2, 0.28, 0.28, -95 * D, 150 * D, 22))],
  },
  4: {
    open: (u) => { const y = u(0.05, 0.15); return [join(line(-0.26, -0.5, -0.3, y, 10), line(-0.3, y, 0.3, y, 10)), line(0.14, -0.38, 0.14, 0.5, 12)]; },
    closed: (u) => { const y = u(0.1, 0.2); return [join(line(0.12, -0.5, -0.3, y, 12), line(-0.3, y, 0.3, y, 10)), line(0.12, -0.5, 0.12, 0.5, 12)]; },
  },
  5: {
    'bar first': (u) => [join(line(0.28, -0.5, -0.18, -0.5, 8), line(-0.18, -0.5, -0.22, -0.06, 8), arc(0, 0.2, 0.26, 0.28, -140 * D, 150 * D, 24))],
    'bar last': (u) => [join(line(-0.18, -0.5, -0.22, -0.06, 8), arc(0, 0.2, 0.26, 0.28, -140 * D, 150 * D, 24)), line(-0.18, -0.5, 0.28, -0.5, 8)],
  },
  6: {
    'large loop, curved stem': (u) => { const r = u(0.24, 0.28); return [join(curve([0.22, -0.5], [-0.3, -0.3], [-r, 0.5 - r]), arc(0, 0.5 - r, r, r, 180 * D, -180 * D, 28))]; },
    'small loop, curved stem': (u) => { const r = u(0.15, 0.19); return [join(curve([0.2, -0.5], [-0.28, -0.2], [-r, 0.5 - r]), arc(0, 0.5 - r, r, r, 180 * D, -180 * D, 24))]; },
    'large loop, straight stem': (u) => { const r = u(0.24, 0.28); return [join(line(0.12, -0.5, -r, 0.5 - r, 12), arc(0, 0.5 - r, r, r, 180 * D, -180 * D, 28))]; },
    'small loop, straight stem': (u) => { const r = u(0.15, 0.19); return [join(line(0.08, -0.5, -r, 0.5 - r, 12), arc(0, 0.5 - r, r, r, 180 * D, -180 * D, 24))]; },
  },
  7: {
    plain: (u) => [join(line(-0.28, -0.5, 0.28, -0.5, 8), line(0.28, -0.5, -0.06, 0.5, 14))],
    crossed: (u) => [join(line(-0.28, -0.5, 0.28, -0.5, 8), line(0.28, -0.5, -0.06, 0.5, 14)), line(-0.06, 0.0, 0.3, 0.0, 6)],
    'curved stem': (u) => [join(line(-0.28, -0.5, 0.28, -0.5, 8), curve([0.28, -0.5], [0.0, -0.05], [-0.02, 0.5], 14))],
  },
  8: {
    'one stroke': (u) => {
      const top = u(0.8, 0.95);
      return [Array.from({ length: 49 }, (_, i) => {
        const a = (2 * Math.PI * i) / 48;
        const y = -0.5 * Math.cos(a);
        return [-0.27 * Math.sin(2 * a) * (y < 0 ? top : 1), y];
      })];
    },
    'two circles': (u) => {
      const r = u(0.2, 0.24);
      return [arc(0, -0.5 + r, r * 0.9, r, 90 * D, 450 * D, 22), arc(0, 2 * r - 0.5 + (1 - 2 * r) / 2, 0.28, (1 - 2 * r) / 2, -90 * D, 270 * D, 26)];
    },
  },
  9: {
    'large loop, straight stem': (u) => { const r = u(0.24, 0.28); return [join(arc(0, -0.5 + r, r, r, 0, -360 * D, 28), line(r, -0.5 + r, r - 0.04, 0.5, 12))]; },
    'small loop, straight stem': (u) => { const r = u(0.15, 0.19); return [join(arc(0, -0.5 + r, r, r, 0, -360 * D, 24), line(r, -0.5 + r, r - 0.04, 0.5, 12))]; },
    'large loop, curved stem': (u) => { const r = u(0.24, 0.28); return [join(arc(0, -0.5 + r, r, r, 0, -360 * D, 28), curve([r, -0.5 + r], [r, 0.45], [-0.2, 0.5], 12))]; },
    'small loop, curved stem': (u) => { const r = u(0.15, 0.19); return [join(arc(0, -0.5 + r, r, r, 0, -360 * D, 24), curve([r, -0.5 + r], [r + 0.02, 0.42], [-0.18, 0.5], 12))]; },
  },
};

/** Resamples a polyline to points about `step` apart (keeping its ends). */
function resample(points, step) {
  const out = [points[0]];
  let carry = 0;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1], [x1, y1] = points[i];
    const len = Math.hypot(x1 - x0, y1 - y0);
    let d = step - carry;
    while (d <= len) {
      out.push([x0 + ((x1 - x0) * d) / len, y0 + ((y1 - y0) * d) / len]);
      d += step;
    }
    carry = len - (d - step);
  }
  const last = points.at(-1), end = out.at(-1);
  if (Math.hypot(last[0] - end[0], last[1] - end[1]) > step * 0.25) out.push(last);
  return out;
}

/**
 * One drawing: { digit, style, strokes, slant, size, centre, speed, points }.
 * `r` is a generator from rng().
 */
export function makeDrawing(digit, style, r) {
  const u = (lo, hi) => lo + (hi - lo) * r();
  const shape = STYLES[digit][style](u);
  const slant = u(-15, 15);
  const size = u(0.4, 0.85);              // the digit's height, as a fraction of the pad
  const margin = 0.06;
  const half = size / 2 + 0.02;
  const centre = [u(margin + half * 0.7, 1 - margin - half * 0.7), u(margin + half, 1 - margin - half)];
  const speed = r() < 0.5 ? 'fast' : 'slow';
  const step = speed === 'fast' ? u(0.035, 0.06) : u(0.008, 0.015);  // pad units between pointer events
  const width = u(0.75, 1.25);
  const shear = Math.tan(slant * D);
  // a slow wobble of the hand: two sines of random phase per axis, 1-2% of the pad
  const wob = Array.from({ length: 4 }, () => [u(0, 2 * Math.PI), u(2, 6)]);
  const amp = u(0.006, 0.016);
  let t = 0;
  const strokes = shape.map((stroke) => {
    const placed = stroke.map(([x, y]) => [centre[0] + size * (width * x - shear * y), centre[1] + size * y]);
    return resample(placed, step).map(([x, y]) => {
      t += 0.08;
      const dx = amp * (Math.sin(wob[0][1] * t + wob[0][0]) + 0.5 * Math.sin(wob[1][1] * t + wob[1][0])) + u(-0.002, 0.002);
      const dy = amp * (Math.sin(wob[2][1] * t + wob[2][0]) + 0.5 * Math.sin(wob[3][1] * t + wob[3][0])) + u(-0.002, 0.002);
      return [Math.min(0.995, Math.max(0.005, x + dx)), Math.min(0.995, Math.max(0.005, y + dy))];
    });
  });
  return {
    digit: String(digit), style, strokes, slant: +slant.toFixed(1), size: +size.toFixed(2), width: +width.toFixed(2),
    centre: centre.map((c) => +c.toFixed(2)), speed, points: strokes.reduce((n, s) => n + s.length, 0),
  };
}

/**
 * The set: `count` drawings from `seed`, digits 0-9 in turn, each digit
 * cycling through its styles.
 */
export function drawingSet({ seed = 13, count = 420 } = {}) {
  const r = rng(seed);
  const turns = new Array(10).fill(0);
  const out = [];
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    const styles = Object.keys(STYLES[digit]);
    const style = styles[turns[digit]++ % styles.length];
    out.push({ index: i, ...makeDrawing(digit, style, r) });
  }
  return out;
}

/** Every k-th drawing of a set, k chosen so that about `n` remain (for a quick run). */
export function slice(set, n) {
  // a step prime to 10 keeps the digits cycling, and to each digit's style count, the styles
  const k = Math.max(1, Math.floor(set.length / n));
  let step = k;
  while (step > 1 && [2, 3, 5].some((p) => step % p === 0)) step--;
  return set.filter((_, i) => i % step === 0).slice(0, n);
}

/** Confusion counts as text: a row per true digit, a column per prediction. */
export function confusionText(rows) {
  const m = Array.from({ length: 10 }, () => new Array(10).fill(0));
  for (const { digit, predicted } of rows) if (predicted !== '' && predicted != null) m[+digit][+predicted]++;
  const head = `true\\read ${[...Array(10).keys()].map((k) => String(k).padStart(4)).join('')}`;
  return [head, ...m.map((row, d) => `${String(d).padStart(9)} ${row.map((v) => String(v || '.').padStart(4)).join('')}`)].join('\n');
}
