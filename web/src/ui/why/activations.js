// Why ReLU: each activation function (ReLU, sigmoid, tanh, leaky ReLU) and
// its slope, plotted from the engine's own activation layers; and what the
// slopes do through depth: backpropagation multiplies one slope per layer,
// sigmoid's is at most 0.25, so after n layers at most 0.25^n, where ReLU
// passes 1 (for a positive input) through any depth.
//
// The values and the slopes are the engine's: its activation layers'
// reference forward and backward kernels (activationSlopes), what a network
// computes and what its trainer multiplies by, so nothing here is a formula
// of its own.
//
// A class given a container and options (client, lang, trainHref(preset, lang)).
import { t } from '../i18n.js';
import '../page-strings.js';
import { el, svg } from '../dom.js';

export const ACTIVATIONS = Object.freeze([
  { id: 'relu', spec: { type: 'relu' } },
  { id: 'sigmoid', spec: { type: 'sigmoid' } },
  { id: 'tanh', spec: { type: 'tanh' } },
  { id: 'leaky', spec: { type: 'leaky_relu', negative_slope: 0.01 } },
]);
export const X_MIN = -4;
export const X_MAX = 4;
export const X_STEP = 0.05;
export const DEPTH_MAX = 20;

/** The points where the curves are drawn: X_MIN to X_MAX by X_STEP (0 among them). */
export function samplePoints() {
  const n = Math.round((X_MAX - X_MIN) / X_STEP) + 1;
  return Float64Array.from({ length: n }, (_, i) => Math.round((X_MIN + i * X_STEP) * 1000) / 1000);
}

/**
 * Each activation's values and slopes at the points xs, from the engine:
 * [{ id, y: Float32Array, dy: Float32Array }], one request per activation.
 */
export async function activationCurves(request, xs = samplePoints()) {
  const input = Float32Array.from(xs);
  return Promise.all(ACTIVATIONS.map(async (a) => {
    const r = await request('activationSlopes', { spec: a.spec, input });
    return { id: a.id, y: r.output, dy: r.slope };
  }));
}

/** A number as the piece shows it: up to 4 decimals, or 3 significant digits in e-notation below 0.001. */
export function shownNumber(v) {
  if (v === 0) return '0';
  if (Math.abs(v) < 1e-3) return v.toExponential(2).replace('e-', 'e−');
  return String(Math.round(v * 10000) / 10000).replace('-', '−');
}

const W = 220, HGT = 160, PAD = 14;
const Y_MIN = -1.25, Y_MAX = 2.25;
const px = (x) => PAD + ((x - X_MIN) / (X_MAX - X_MIN)) * (W - 2 * PAD);
const py = (y) => PAD + ((Y_MAX - y) / (Y_MAX - Y_MIN)) * (HGT - 2 * PAD);

export class ActivationsView {
  /** container: where it goes. options: client (request(op, payload)), lang, trainHref(preset, lang) (links to the training view). */
  constructor(container, options = {}) {
    this.client = options.client;
    this.lang = options.lang ?? 'en';
    this.trainHref = options.trainHref ?? null;
    this.xs = samplePoints();
    this.curves = null;
    this.x = 1;
    this.depth = 10;
    this.root = el('div', { class: 'why why-relu', 'data-testid': 'why-relu' });
    container.append(this.root);
    this.ready = this.load();
  }

  async load() {
    try {
      this.curves = await activationCurves((op, p) => this.client.request(op, p), this.xs);
      this.error = null;
    } catch (e) {
      this.error = e?.message ?? String(e);
    }
    this.render();
    this.root.dataset.ready = 'true';
  }

  setLang(lang) {
    this.lang = lang;
    this.render();
  }

  /** The index of the sample point nearest x. */
  at(x) {
    return Math.round((x - X_MIN) / X_STEP);
  }

  /** Sigmoid's largest slope, the engine's at x = 0 (where it peaks). */
  sigmoidPeak() {
    return this.curves.find((c) => c.id === 'sigmoid').dy[this.at(0)];
  }

  render() {
    const L = this.lang;
    this.root.replaceChildren();
    if (this.error) {
      this.root.append(el('p', { class: 'error', role: 'alert', text: t(L, 'why.relu.failed', { message: this.error }) }));
      return;
    }
    if (!this.curves) return;
    this.xInput = el('input', { type: 'range', min: X_MIN, max: X_MAX, step: 0.5, value: this.x, 'data-testid': 'why-relu-x',
      oninput: () => { this.x = Number(this.xInput.value); this.renderPanels(); } });
    this.xValue = el('output', { class: 'why-value', 'data-testid': 'why-relu-x-value' });
    this.panels = el('div', { class: 'why-panels' });
    this.depthInput = el('input', { type: 'range', min: 1, max: DEPTH_MAX, step: 1, value: this.depth, 'data-testid': 'why-depth',
      oninput: () => { this.depth = Number(this.depthInput.value); this.renderDepth(); } });
    this.depthValue = el('output', { class: 'why-value', 'data-testid': 'why-depth-value' });
    this.depthText = el('p', { class: 'why-depth-text', 'data-testid': 'why-depth-text' });
    this.depthChart = el('div', { class: 'why-depth-chart' });
    this.root.append(
      el('p', { text: t(L, 'why.relu.intro') }),
      el('label', { class: 'why-control' }, el('span', { class: 'why-control-name', text: t(L, 'why.relu.x') }), this.xInput, this.xValue),
      this.panels,
      el('p', { class: 'why-hint', text: t(L, 'why.relu.measured') }),
      el('h3', { text: t(L, 'why.relu.depthTitle') }),
      el('p', { text: t(L, 'why.relu.depthIntro', { peak: shownNumber(this.sigmoidPeak()) }) }),
      el('label', { class: 'why-control' }, el('span', { class: 'why-control-name', text: t(L, 'why.relu.depth') }), this.depthInput, this.depthValue),
      this.depthText, this.depthChart, this.depthTable());
    if (this.trainHref) {
      this.root.append(el('p', { class: 'why-train' }, t(L, 'why.relu.train'), ' ',
        el('a', { href: this.trainHref('lenet', L), 'data-testid': 'why-relu-train-relu', text: t(L, 'why.relu.trainRelu') }), ' · ',
        el('a', { href: this.trainHref('sigmoid', L), 'data-testid': 'why-relu-train-sigmoid', text: t(L, 'why.relu.trainSigmoid') })));
    }
    this.renderPanels();
    this.renderDepth();
  }

  renderPanels() {
    const L = this.lang;
    const i = this.at(this.x);
    this.xValue.textContent = shownNumber(this.xs[i]);
    this.panels.replaceChildren(...this.curves.map((c) => {
      const line = (ys) => ys.reduce((d, y, j) => `${d}${j ? 'L' : 'M'}${px(this.xs[j]).toFixed(1)} ${py(Math.max(Y_MIN - 1, Math.min(Y_MAX + 1, y))).toFixed(1)}`, '');
      const clip = `why-clip-${c.id}`;
      const plot = svg('svg', { viewBox: `0 0 ${W} ${HGT}`, class: 'why-plot', role: 'img', 'aria-label': t(L, 'why.relu.plotLabel', { name: t(L, `why.act.${c.id}`) }) },
        svg('defs', {}, svg('clipPath', { id: clip }, svg('rect', { x: PAD, y: PAD, width: W - 2 * PAD, height: HGT - 2 * PAD }))),
        svg('line', { x1: px(X_MIN), x2: px(X_MAX), y1: py(0), y2: py(0), class: 'why-axis' }),
        svg('line', { x1: px(0), x2: px(0), y1: py(Y_MIN), y2: py(Y_MAX), class: 'why-axis' }),
        svg('line', { x1: px(X_MIN), x2: px(X_MAX), y1: py(1), y2: py(1), class: 'why-grid' }),
        svg('text', { x: px(0) + 3, y: py(1) - 3, class: 'why-tick' }, '1'),
        svg('g', { 'clip-path': `url(#${clip})` },
          svg('path', { d: line(c.dy), class: 'why-slope' }),
          svg('path', { d: line(c.y), class: 'why-curve' })),
        svg('circle', { cx: px(this.xs[i]), cy: py(Math.min(Y_MAX, c.y[i])), r: 3.5, class: 'why-dot' }));
      return el('figure', { class: 'why-panel', 'data-testid': `why-act-${c.id}` },
        plot,
        el('figcaption', {},
          el('strong', { text: t(L, `why.act.${c.id}`) }), ' ',
          el('span', { class: 'why-key why-key-curve', text: t(L, 'why.relu.value', { v: shownNumber(c.y[i]) }), 'data-testid': `why-act-${c.id}-value`, 'data-value': c.y[i] }), ' ',
          el('span', { class: 'why-key why-key-slope', text: t(L, 'why.relu.slope', { v: shownNumber(c.dy[i]) }), 'data-testid': `why-act-${c.id}-slope`, 'data-value': c.dy[i] })));
    }));
  }

  /** Sigmoid's bound after n layers, peak^n. */
  bound(n) {
    return this.sigmoidPeak() ** n;
  }

  /** ReLU's slope for a positive input (the engine's at x = 1), through n layers. */
  reluThrough(n) {
    return this.curves.find((c) => c.id === 'relu').dy[this.at(1)] ** n;
  }

  renderDepth() {
    const L = this.lang;
    const n = this.depth;
    this.depthValue.textContent = String(n);
    this.depthText.textContent = t(L, 'why.relu.depthNow', { n, peak: shownNumber(this.sigmoidPeak()), bound: shownNumber(this.bound(n)), relu: shownNumber(this.reluThrough(n)) });
    // log scale: 1 at the top, 1e-13 at the bottom
    const w = 440, h = 150, left = 46, bottom = 20, lo = -13;
    const y = (v) => 8 + (Math.log10(v) / lo) * (h - bottom - 8);
    const bw = (w - left - 8) / DEPTH_MAX;
    const bars = [];
    for (let k = 1; k <= DEPTH_MAX; k++) {
      const x = left + (k - 1) * bw;
      bars.push(svg('rect', { x: x + 1, y: y(1), width: bw - 2, height: Math.max(1, y(this.bound(k)) - y(1)), class: k === n ? 'why-bar why-bar-now' : 'why-bar' }));
      if (k === 1 || k % 5 === 0) bars.push(svg('text', { x: x + bw / 2, y: h - 5, class: 'why-tick', 'text-anchor': 'middle' }, String(k)));
    }
    const ticks = [0, -4, -8, -12].map((e) => [svg('line', { x1: left, x2: w - 8, y1: y(10 ** e), y2: y(10 ** e), class: 'why-grid' }),
      svg('text', { x: left - 4, y: y(10 ** e) + 4, class: 'why-tick', 'text-anchor': 'end' }, e === 0 ? '1' : `1e${e}`.replace('-', '−'))]);
    this.depthChart.replaceChildren(svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'why-depth-svg', role: 'img', 'aria-label': t(L, 'why.relu.depthLabel') },
      ...ticks.flat(), ...bars,
      svg('line', { x1: left, x2: w - 8, y1: y(1), y2: y(1), class: 'why-relu-line' })));
  }

  depthTable() {
    const L = this.lang;
    const rows = [];
    for (let n = 1; n <= DEPTH_MAX; n++) {
      rows.push(el('tr', {}, el('th', { scope: 'row', text: String(n) }),
        el('td', { 'data-testid': `why-depth-sigmoid-${n}`, 'data-value': this.bound(n), text: shownNumber(this.bound(n)) }),
        el('td', { 'data-testid': `why-depth-relu-${n}`, 'data-value': this.reluThrough(n), text: shownNumber(this.reluThrough(n)) })));
    }
    return el('details', { class: 'why-table' }, el('summary', { text: t(L, 'why.relu.table') }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t(L, 'why.relu.col.n') }),
        el('th', { scope: 'col', text: t(L, 'why.relu.col.sigmoid') }), el('th', { scope: 'col', text: t(L, 'why.relu.col.relu') }))),
      el('tbody', {}, ...rows)));
  }

  destroy() {
    this.root.remove();
  }
}
