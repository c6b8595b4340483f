// Colour maps for activations and weights, both readable with the common
// forms of colour blindness: viridis (sequential: ReLU outputs, pooled maps,
// probabilities; 0 is dark purple, the largest value yellow) and a
// blue–white–orange diverging map (signed values: conv and dense outputs,
// weights; 0 is white). Each map is a 256-entry RGB table built once per call
// site from a few stops; no module state.

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

/** The range a map is drawn over: [-m, m] for diverging, [0, max] otherwise (never empty). */
export function valueRange(values, diverging, fixed) {
  if (fixed) return fixed;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = diverging ? Math.abs(values[i]) : values[i];
    if (a > m) m = a;
  }
  if (!(m > 0)) m = 1;
  return diverging ? [-m, m] : [0, m];
}
