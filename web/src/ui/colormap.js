// Colour maps for activations and weights, both readable with the common
// forms of colour blindness: viridis (sequential: ReLU outputs, pooled maps,
// probabilities; 0 is dark purple, the largest value yellow) and a
// blue–white–orange diverging map (signed values: conv and dense outputs,
// weights; 0 is white). Each map is a 256-entry RGB table built once per call
// site from a few stops; no module state.
//
// The lab colours one cell at a time (divergingRgb, divergingColour,
// sequentialColour) and picks the cell's text colour by contrast
// (needsLightText). Its cells carry numbers, so its blue–white–orange ends
// at the lighter #e08214, on which the dark text still reads (6:1), where
// the pictures' table goes on to #b35806.

const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#fde725'];
// blue (ColorBrewer RdBu) through white to orange (ColorBrewer PuOr)
const BLUE_ORANGE = ['#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fee0b6', '#fdb863', '#e08214', '#b35806'];
const GRAY = ['#000000', '#ffffff'];

export const MAP_STOPS = Object.freeze({ viridis: VIRIDIS, diverging: BLUE_ORANGE, gray: GRAY });

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A 256x3 Uint8 table for a map named in MAP_STOPS. */
export function colourTable(name) {
  const stops = (MAP_STOPS[name] ?? VIRIDIS).map(rgb);
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(stops[k][c] * (1 - f) + stops[k + 1][c] * f);
  }
  return lut;
}

/** A CSS linear-gradient for a legend bar. */
export function cssGradient(name, direction = 'to right') {
  return `linear-gradient(${direction}, ${(MAP_STOPS[name] ?? VIRIDIS).join(', ')})`;
}

/**
 * Writes `count` values from `values[offset...]` into RGBA `pixels`, mapping
 * [lo, hi] onto the table (values outside are clamped; NaN shows as the low end).
 */
export function paintValues(pixels, values, offset, count, lut, lo, hi) {
  const span = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < count; i++) {
    let k = Math.round((values[offset + i] - lo) * span);
    if (!(k >= 0)) k = 0; else if (k > 255) k = 255;
    const p = i * 4, q = k * 3;
    pixels[p] = lut[q]; pixels[p + 1] = lut[q + 1]; pixels[p + 2] = lut[q + 2]; pixels[p + 3] = 255;
  }
}

/** The range a map is drawn over: [-m, m] for diverging (m = maxAbs), [0, max] otherwise (never empty). */
export function valueRange(values, diverging, fixed) {
  if (fixed) return fixed;
  if (diverging) {
    const m = maxAbs(values);
    return [-m, m];
  }
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (!(m > 0)) m = 1;
  return [0, m];
}

/** The largest |value| of a list, ignoring NaN and infinities (1 when all are 0 or there are none). */
export function maxAbs(values) {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m > 0 ? m : 1;
}

// The blue–white–orange of numbered cells: white at 0, blending straight to
// blue at -m and to orange at +m; the infinities take the ends of
// MAP_STOPS.diverging.
const WHITE = rgb('#f7f7f7');
const BLUE = rgb('#2166ac');
const ORANGE = rgb('#e08214');

/** [r, g, b] (0-255) of a value on the lab's blue–white–orange scale over [-m, m] (m > 0); NaN grey. */
export function divergingRgb(v, m) {
  if (!Number.isFinite(v)) return v > 0 ? rgb(BLUE_ORANGE.at(-1)) : v < 0 ? BLUE : [153, 153, 153];
  const t = Math.max(-1, Math.min(1, v / m));
  const end = t < 0 ? BLUE : ORANGE;
  const f = Math.abs(t);
  return WHITE.map((w, i) => Math.round(w + (end[i] - w) * f));
}

/** divergingRgb as a CSS colour. */
export function divergingColour(v, m) {
  return `rgb(${divergingRgb(v, m).join(',')})`;
}

/** Colour of a value on a white-to-ink scale over [0, m], tinted for a channel. */
export function sequentialColour(v, m, tint = [40, 40, 40]) {
  if (!Number.isFinite(v)) return '#999';
  const f = Math.max(0, Math.min(1, m > 0 ? v / m : 0));
  const [r, g, b] = tint;
  return `rgb(${Math.round(255 + (r - 255) * f)},${Math.round(255 + (g - 255) * f)},${Math.round(255 + (b - 255) * f)})`;
}

/** WCAG relative luminance of an sRGB colour [r, g, b] (0-255). */
function luminance(colour) {
  const [r, g, b] = colour.map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const INK_LUMINANCE = luminance([27, 27, 31]);  // the cells' dark text, #1b1b1f

/**
 * Whether text on that background ('rgb(r,g,b)' or '#rrggbb') reads better
 * white than in the dark ink: whichever has the higher contrast ratio.
 */
export function needsLightText(background) {
  const s = String(background);
  const colour = s.startsWith('#') && s.length === 7
    ? [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16))
    : (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  if (colour.length !== 3 || colour.some((c) => !Number.isFinite(c))) return false;
  const L = luminance(colour);
  return (1.05 / (L + 0.05)) > ((L + 0.05) / (INK_LUMINANCE + 0.05));
}
