// The first weighted layer's filters as small pictures, repainted as they
// change: a conv layer's [out, in, kh, kw] weights as out pictures of kh x kw
// (the first input channel), a dense layer's [out, in] rows as pictures of
// the input's height x width. Blue negative, orange positive, each picture on
// one scale shared by all. Given a container; no text of its own.
import { el, pixelCanvas, paintCanvas } from '../dom.js';
import { colourTable, maxAbs } from '../colormap.js';

const MAX_SHOWN = 32;

export class FiltersView {
  constructor(container, { inputShape = [1, 28, 28] } = {}) {
    this.inputShape = inputShape;
    this.lut = colourTable('diverging');
    this.root = el('div', { class: 'train-filters', 'data-testid': 'train-filters' });
    container.append(this.root);
    this.canvases = [];
    this.key = '';
  }

  /** f: { type, weight, weightShape } (trainFilters), or null. */
  show(f) {
    if (!f) {
      this.root.replaceChildren();
      this.key = '';
      return;
    }
    const [out, inC] = f.weightShape;
    const [kh, kw] = f.type === 'conv2d' ? f.weightShape.slice(2) : this.inputShape.slice(1);
    const per = f.type === 'conv2d' ? inC * kh * kw : inC;
    if (f.type !== 'conv2d' && inC !== kh * kw * this.inputShape[0]) return;
    const n = Math.min(out, MAX_SHOWN);
    const key = `${n}:${kh}x${kw}`;
    if (key !== this.key) {
      this.key = key;
      this.canvases = Array.from({ length: n }, () => pixelCanvas(kw, kh, 'filter'));
      this.root.replaceChildren(...this.canvases);
    }
    const m = maxAbs(f.weight) || 1;
    this.canvases.forEach((c, o) => paintCanvas(c, f.weight, o * per, kw, kh, this.lut, -m, m));
  }
}
