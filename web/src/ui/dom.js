// Small DOM helpers shared by the views. No state.
import { paintValues } from './colormap.js';

/** el('div', { class: 'x', text: 'y', onclick }, child, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/**
 * Sets a node's text only when it differs: writing the same text still
 * replaces the text node, and the page is laid out again for it (a view
 * updated several times a second would re-lay out the page every time).
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** svg('path', { d: 'M0 0L1 1', class: 'x' }, child, ...): an SVG element with its attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/**
 * Watches whether `node` is on screen (an IntersectionObserver; without
 * one it counts as always seen): { visible, disconnect() }; onShown() runs
 * each time it comes into view. Pieces use it to leave work for later while
 * they are off screen.
 */
export function watchVisible(node, onShown) {
  const watch = { visible: true, disconnect: () => {} };
  if (typeof IntersectionObserver === 'function') {
    const observer = new IntersectionObserver((entries) => {
      watch.visible = entries.some((en) => en.isIntersecting);
      if (watch.visible) onShown();
    });
    observer.observe(node);
    watch.disconnect = () => observer.disconnect();
  }
  return watch;
}

/** A w x h canvas (one pixel per value; CSS scales it up, pixelated). */
export function pixelCanvas(w, h, className = 'map') {
  const c = el('canvas', { class: className });
  c.width = w; c.height = h;
  return c;
}

/** Paints values[offset .. offset + w*h) into a w x h canvas through a colour table. */
export function paintCanvas(canvas, values, offset, w, h, lut, lo, hi) {
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext('2d');
  let img = canvas.cnnImageData;  // kept on the canvas: no allocation per frame
  if (!img || img.width !== w || img.height !== h) img = canvas.cnnImageData = ctx.createImageData(w, h);
  paintValues(img.data, values, offset, w * h, lut, lo, hi);
  ctx.putImageData(img, 0, 0);
}

/** A number for people: 25,664 / 0.42 / 1.2e-5, in the page's language. */
export function formatNumber(x, lang, digits = 0) {
  return Number(x).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * A signed value, in one of two styles:
 * - 'significant' (legends, the zoom): three significant digits, scientific
 *   notation outside [0.001, 1000);
 * - 'decimals' (the lab's cells, sums and equations): whole numbers as they
 *   are, others with up to three decimals, scientific notation outside
 *   [0.0005, 100000); a real minus sign (−), -0 as 0, infinities as ±∞.
 * Trailing zeros after the point are dropped in both.
 */
export function formatValue(x, style = 'significant') {
  const decimals = style === 'decimals';
  if (!Number.isFinite(x)) return decimals && !Number.isNaN(x) ? (x > 0 ? '∞' : '−∞') : String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  const [small, large] = decimals ? [5e-4, 1e5] : [1e-3, 1e3];
  let s;
  if (a >= large || a < small) s = x.toExponential(2);
  else if (!decimals) s = dropZeros(x.toPrecision(3));
  else s = Number.isInteger(x) ? String(x) : dropZeros(x.toFixed(3));
  if (!decimals) return s;
  return s === '-0' ? '0' : s.replace(/^-/, '−');
}

/** '1.500' -> '1.5', '2.000' -> '2'; a number without a point stays as it is. */
function dropZeros(s) {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * A still picture of values (e.g. a filter or a sample image) as an <img>:
 * pictures that never change need no canvas of their own, which keeps the
 * browser's per-frame work to the canvases that do change.
 */
export function pixelImage(values, offset, w, h, lut, lo, hi, className) {
  const c = pixelCanvas(w, h);
  paintCanvas(c, values, offset, w, h, lut, lo, hi);
  return el('img', { class: className, src: c.toDataURL(), width: w, height: h, alt: '', draggable: 'false' });
}

/** Hands bytes to the browser as a download named `filename`. */
export function downloadBytes(bytes, filename, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A name for a downloaded file: letters, digits, '.', '_' and '-' kept, anything else made '-'. */
export function fileName(base, extension) {
  const safe = String(base ?? '').normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  return `${safe || 'model'}.${extension}`;
}
