// Small DOM and number helpers for the lab. No state.

/** h('div', { class: 'x', text: 'y', onclick }, child, ...) */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/**
 * A number as the lab prints it: whole numbers as they are, others with up to
 * three decimals (trailing zeros dropped), very large or small ones in
 * scientific notation; -0 as 0, infinities as ±∞.
 */
export function fmt(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s;
  if (a >= 1e5 || a < 5e-4) s = x.toExponential(2);
  else if (Number.isInteger(x)) s = String(x);
  else s = x.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s.replace(/^-/, '−');
}

/** Colour of a value on a blue–white–orange scale over [-m, m] (m > 0). */
export function divergingColour(v, m) {
  if (!Number.isFinite(v)) return v > 0 ? '#b35806' : v < 0 ? '#2166ac' : '#999';
  const t = Math.max(-1, Math.min(1, v / m));
  // white (247,247,247) to blue (33,102,172) or orange (224,130,20)
  const [r, g, b] = t < 0 ? [33, 102, 172] : [224, 130, 20];
  const f = Math.abs(t);
  const mix = (a, c) => Math.round(247 + (c - 247) * f);
  return `rgb(${mix(247, r)},${mix(247, g)},${mix(247, b)})`;
}

/** Colour of a value on a white-to-ink scale over [0, m], tinted for a channel. */
export function sequentialColour(v, m, tint = [40, 40, 40]) {
  if (!Number.isFinite(v)) return '#999';
  const f = Math.max(0, Math.min(1, m > 0 ? v / m : 0));
  const [r, g, b] = tint;
  return `rgb(${Math.round(255 + (r - 255) * f)},${Math.round(255 + (g - 255) * f)},${Math.round(255 + (b - 255) * f)})`;
}

/** WCAG relative luminance of an sRGB colour [r, g, b] (0-255). */
function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
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
  const rgb = s.startsWith('#') && s.length === 7
    ? [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16))
    : (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  if (rgb.length !== 3 || rgb.some((c) => !Number.isFinite(c))) return false;
  const L = luminance(rgb);
  return (1.05 / (L + 0.05)) > ((L + 0.05) / (INK_LUMINANCE + 0.05));
}

/** The largest |value| of a list (1 when all are 0 or there are none). */
export function maxAbs(values) {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m > 0 ? m : 1;
}
