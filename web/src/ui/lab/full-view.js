// LabFullView: a convolution too large to draw cell by cell (mode 'full':
// the lecture's 32x32x3 input with ten 5x5 filters, 224x224 images, 512
// channels), and an optional second convolution on its output. It shows
// the example's name, a scale drawing (the input volume with its padding,
// one filter, the output volume; height and width to one scale, the depth,
// which is the number of channels, only labelled) and, per layer, the
// shapes, the kernel shape, the parameters and the multiply-adds, every
// number from the engine's geometry and parameter shapes (lab.js asks).
import { t, errorText } from '../i18n.js';
import { el, formatNumber } from '../dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const FRONT_MAX = 150;  // px: the largest face in the drawing
const CELL_MAX = 18;    // px: one pixel of the input at most (a 7x7 input is not blown up)
const GRID_MAX = 40;    // cells: draw the cell lines up to this size

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** The oblique depth of a volume of c channels, in px: grows with log2(c), not to scale. */
function depthOf(c) {
  return Math.round(3 + 5 * Math.log2(Math.max(1, c)));
}

/** The height and width of a layer's input with the engine's padding around it. */
function paddedSize({ shape: [, , h, w], geometry: { pad } }) {
  return [h + pad.top + pad.bottom, w + pad.left + pad.right];
}

/** 1, 2, 3 ... as "7" or "6 and 7" or "5 to 7". */
function span(lang, from, to) {
  if (from === to) return String(from);
  return t(lang, to === from + 1 ? 'lab.full.pair' : 'lab.full.range', { from, to });
}

export class LabFullView {
  /** container: where it goes. options: lang. */
  constructor(container, options = {}) {
    this.lang = options.lang ?? 'en';
    this.title = el('h4', { 'data-testid': 'lab-full-title' });
    this.note = el('p', { class: 'lab-hint', 'data-testid': 'lab-full-note' });
    this.drawing = el('div', { class: 'lab-full-drawing', 'data-testid': 'lab-full-drawing' });
    this.legend = el('p', { class: 'lab-hint lab-full-legend' });
    this.unreached = el('p', { class: 'lab-note lab-note-unused', 'data-testid': 'lab-full-unreached', hidden: true });
    this.layers = el('div', { class: 'lab-full-layers' });
    this.error = el('div', { class: 'lab-error', role: 'alert', 'data-testid': 'lab-full-error', hidden: true });
    this.root = el('section', { class: 'lab-full', 'data-testid': 'lab-full' },
      this.title, this.note, this.drawing, this.legend, this.unreached, this.error, this.layers);
    container.append(this.root);
  }

  setLang(lang) {
    this.lang = lang;
  }

  /** state: the lab's state (mode 'full'); result: lab.js's full result, or a failure. */
  render(state, result) {
    const L = this.lang;
    const s = state;
    const ex = s.example !== 'none' ? s.example : null;
    this.title.textContent = ex ? t(L, `lab.ex.${ex}.title`) : t(L, 'lab.full.title');
    this.note.textContent = ex ? t(L, `lab.ex.${ex}.note`) : t(L, 'lab.full.intro');
    this.legend.textContent = t(L, 'lab.full.legend');
    this.unreached.hidden = true;
    const r = result;
    const failure = !r.ok ? r.failure ?? r.error : r.stackFailure;
    this.error.hidden = !failure;
    this.error.textContent = failure
      ? t(L, r.ok ? 'lab.full.stackImpossible' : 'lab.impossible', { message: errorText(L, failure) })
      : '';
    if (!r.ok) {
      this.drawing.replaceChildren();
      this.layers.replaceChildren();
      return;
    }
    this.renderDrawing(r.layers);
    this.renderLayers(r.layers, !!r.stackFailure);
    const g = r.layers[0].geometry;
    if (g.unusedRows || g.unusedCols) {
      const [ph, pw] = paddedSize(r.layers[0]);
      const parts = [];
      if (g.unusedRows) parts.push(t(L, 'lab.full.unreachedRows', { n: g.unusedRows, which: span(L, ph - g.unusedRows + 1, ph) }));
      if (g.unusedCols) parts.push(t(L, 'lab.full.unreachedCols', { n: g.unusedCols, which: span(L, pw - g.unusedCols + 1, pw) }));
      this.unreached.hidden = false;
      this.unreached.textContent = t(L, 'lab.full.unreached', { what: parts.join(t(L, 'lab.full.and')), h: ph, w: pw });
    }
  }

  /** Input, filter, output (, filter, output): faces to one scale. */
  renderDrawing(layers) {
    const L = this.lang;
    const first = layers[0];
    const g0 = first.geometry;
    const [, c0, h0, w0] = first.shape;
    const padded = paddedSize(first);
    const sizes = [padded[0], padded[1], ...layers.flatMap((l) => l.geometry.outShape.slice(2))];
    const scale = Math.min(CELL_MAX, FRONT_MAX / Math.max(...sizes));
    const figures = [];
    figures.push(this.figure('input', this.volume({ c: c0, h: h0, w: w0, scale, pad: g0.pad, unused: [g0.unusedRows, g0.unusedCols], cls: 'lab-vol-in' }),
      t(L, g0.pad.top || g0.pad.left ? 'lab.full.inputPadded' : 'lab.full.input', { c: c0, h: h0, w: w0, p: g0.pad.top, ph: padded[0], pw: padded[1] })));
    layers.forEach((l, i) => {
      const g = l.geometry;
      const [cout, cin, kh, kw] = l.weightShape;
      figures.push(el('span', { class: 'lab-full-op', 'aria-hidden': 'true', text: '∗' }));
      figures.push(this.figure(`filter-${i + 1}`, this.volume({ c: cin, h: kh, w: kw, scale, copies: cout, cls: 'lab-vol-filter' }),
        t(L, 'lab.full.filters', { n: cout, kh, kw, c: cin })));
      const [, oc, oh, ow] = g.outShape;
      figures.push(el('span', { class: 'lab-full-op', 'aria-hidden': 'true', text: '→' }));
      figures.push(this.figure(`output-${i + 1}`, this.volume({ c: oc, h: oh, w: ow, scale, cls: i ? 'lab-vol-out2' : 'lab-vol-out' }),
        t(L, layers.length > 1 ? 'lab.full.outputN' : 'lab.full.output', { n: i + 1, c: oc, h: oh, w: ow })));
    });
    this.drawing.replaceChildren(...figures);
  }

  figure(name, picture, caption) {
    return el('figure', { class: 'lab-full-fig', 'data-testid': `lab-full-${name}` }, picture,
      el('figcaption', { 'data-testid': `lab-full-${name}-caption`, text: caption }));
  }

  /**
   * One volume as an oblique box: the front face h x w cells at `scale`
   * px each, drawn back `depthOf(c)` px; `pad` draws the padding around the
   * face (dashed), `unused` the rows and columns the filter never reaches
   * (orange), `copies` a stack of that many filters (up to three drawn).
   */
  volume({ c, h, w, scale, pad = null, unused = [0, 0], copies = 1, cls }) {
    const p = pad ?? { top: 0, bottom: 0, left: 0, right: 0 };
    const fw = Math.max(3, (w + p.left + p.right) * scale);
    const fh = Math.max(3, (h + p.top + p.bottom) * scale);
    const d = depthOf(c);
    const shadows = Math.min(copies, 3) - 1;
    const step = 5;
    const width = Math.ceil(fw + d + shadows * step + 2);
    const height = Math.ceil(fh + d + shadows * step + 2);
    const box = (x0, y0, extra) => {
      const x = x0 + 1;
      const y = y0 + d + 1;
      return svg('g', { class: `lab-vol ${extra}` },
        svg('polygon', { class: 'lab-vol-top', points: `${x},${y} ${x + d},${y - d} ${x + d + fw},${y - d} ${x + fw},${y}` }),
        svg('polygon', { class: 'lab-vol-side', points: `${x + fw},${y} ${x + fw + d},${y - d} ${x + fw + d},${y - d + fh} ${x + fw},${y + fh}` }),
        svg('rect', { class: 'lab-vol-front', x, y, width: fw, height: fh }));
    };
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: `lab-vol-svg ${cls}`, role: 'img' });
    for (let i = shadows; i >= 0; i--) root.append(box(i * step, i * step, i ? 'lab-vol-shadow' : ''));
    const x = 1;
    const y = d + 1;
    const cells = Math.max(h + p.top + p.bottom, w + p.left + p.right);
    if (cells <= GRID_MAX && scale >= 3) {
      const lines = [];
      for (let i = 1; i < h + p.top + p.bottom; i++) lines.push(`M${x} ${y + i * scale}h${fw}`);
      for (let i = 1; i < w + p.left + p.right; i++) lines.push(`M${x + i * scale} ${y}v${fh}`);
      root.append(svg('path', { class: 'lab-vol-grid', d: lines.join('') }));
    }
    if (p.top || p.left || p.bottom || p.right) {
      root.append(svg('rect', { class: 'lab-vol-inner', x: x + p.left * scale, y: y + p.top * scale, width: w * scale, height: h * scale }));
    }
    const [ur, uc] = unused;
    if (ur) root.append(svg('rect', { class: 'lab-vol-unused', 'data-testid': 'lab-full-unused-rows', x, y: y + fh - ur * scale, width: fw, height: ur * scale }));
    if (uc) root.append(svg('rect', { class: 'lab-vol-unused', 'data-testid': 'lab-full-unused-cols', x: x + fw - uc * scale, y, width: uc * scale, height: fh }));
    return root;
  }

  /** Per layer: input, kernel (weight) shape, output, parameters, multiply-adds. */
  renderLayers(layers, stackFailed) {
    const L = this.lang;
    const n = (x) => formatNumber(x, L);
    const cards = layers.map((l, i) => {
      const g = l.geometry;
      const [, c, h, w] = l.shape;
      const [, oc, oh, ow] = g.outShape;
      const [cout, cin, kh, kw] = l.weightShape;
      const id = `lab-full-l${i + 1}`;
      const line = (key, name, params) => el('p', { class: 'lab-fact', 'data-testid': `${id}-${name}`, text: t(L, key, params) });
      return el('div', { class: 'lab-full-layer', 'data-testid': id },
        el('h5', { text: t(L, 'lab.full.layer', { n: i + 1 }) }),
        line('lab.full.in', 'in', { c, h, w }),
        line('lab.full.weight', 'weight', { shape: l.weightShape.join(', '), bias: l.biasShape?.join(', ') ?? '0', cout, cin, kh, kw }),
        line('lab.full.out', 'out', { c: oc, h: oh, w: ow }),
        line('lab.params.conv', 'params', { kh, kw, cin, cout, n: n(g.params) }),
        line('lab.macs.conv', 'macs', { oh, ow, cout, kh, kw, cin, n: n(g.macs) }),
        i === 1 ? el('p', { class: 'lab-note', 'data-testid': 'lab-full-stack-note',
          text: t(L, 'lab.full.stackNote', { cin, kh, kw, filters: layers[0].geometry.outShape[1] }) }) : null);
    });
    if (stackFailed) cards.push(el('p', { class: 'lab-hint', text: t(L, 'lab.full.stackFix') }));
    this.layers.replaceChildren(...cards);
  }
}
