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

/** A signed value with three significant digits. */
export function formatValue(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 || a < 0.001 ? x.toExponential(2) : x.toPrecision(3).replace(/\.?0+$/, '');
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
