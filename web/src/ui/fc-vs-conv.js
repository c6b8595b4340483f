// FcVsConvView: fully connected against convolution on the same input.
//
// - A counter: an image of size x size x channels stretched into one vector
//   (the engine's flatten) and fully connected to `outputs` values, against
//   `filters` convolution filters of kernel x kernel x channels; both counts
//   (weights, biases, parameters) from the engine's geometry and parameter
//   shapes of a dense and a conv layer.
// - MNIST: a fully connected network 784 -> hidden -> 10 (made in the
//   engine, its parameter count read, then freed) against the shipped CNN
//   (opened from the model catalogue, its per-layer counts read, then freed).
// - What flattening throws away: a digit and the same digit moved by one
//   pixel, as 28x28 maps and as the flat 784-vector the engine's flatten
//   makes (a strip), how many of the 784 values changed, and where a pixel
//   and its neighbours land in the vector.
//
// A class given a container and options { client, lang, digit }; no module
// state; all text from i18n.js. destroy() frees what it made.
import { t, errorText } from './i18n.js';
import './page-strings.js';
import { el, formatNumber, pixelCanvas, paintCanvas, watchVisible } from './dom.js';
import { colourTable } from './colormap.js';
import { MODEL_CATALOGUE, openModel } from './models.js';
import { sampleDigit } from './lab/presets.js';
import { paste } from './preprocess.js';
import { SHIFTS } from './why/pool-shift.js';

const SIDE = 28;
const LIMITS = Object.freeze({ size: [1, 224], channels: [1, 512], outputs: [1, 1024], filters: [1, 512], kernel: [1, 11], hidden: [1, 1024] });
export const FC_DEFAULTS = Object.freeze({ size: 32, channels: 3, outputs: 10, filters: 10, kernel: 5, hidden: 128, shift: 'right' });

/** The settings as checked whole numbers; a RangeError names the setting and the value. */
export function checkFcSetting(name, raw) {
  if (name === 'shift') {
    if (!Object.hasOwn(SHIFTS, raw)) throw new RangeError(`shift: expected one of ${Object.keys(SHIFTS).join(', ')}, got ${JSON.stringify(String(raw).slice(0, 40))}`);
    return raw;
  }
  const [min, max] = LIMITS[name] ?? [];
  if (min === undefined) throw new RangeError(`unknown setting ${JSON.stringify(String(name).slice(0, 40))}`);
  const v = typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(String(raw).slice(0, 40))}`);
  }
  return v;
}

export class FcVsConvView extends EventTarget {
  constructor(container, options = {}) {
    super();
    if (!options.client) throw new TypeError('the comparison needs an engine client');
    this.client = options.client;
    this.lang = options.lang ?? 'en';
    this.settings = { ...FC_DEFAULTS };
    this.digit = options.digit ?? sampleDigit();
    this.pick = { y: 10, x: 14 };
    this.gen = { count: 0, mnist: 0, flat: 0 };
    this.pending = new Set();
    this.cnn = null;   // { paramCount, layers } of the shipped CNN, read once
    this.build(container);
    this.texts();
    // a drawing made while the section is off screen is only flattened once it is seen
    this.staleDigit = false;
    this.watch = watchVisible(this.root, () => { if (this.staleDigit) this.setDigit(this.digit); });
    this.refresh();
  }

  /** Whether every number shown belongs to the current settings. */
  get settled() {
    return this.pending.size === 0;
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    this.render();
  }

  /** A drawn digit (784 values in [0, 1]), or null for the sample digit. */
  setDigit(image) {
    this.digit = image && image.length === SIDE * SIDE ? Float32Array.from(image) : sampleDigit();
    this.staleDigit = !this.watch.visible;
    if (!this.staleDigit) this.track('flat', () => this.flatten());
  }

  /** Changes settings ({ size, channels, outputs, filters, kernel, hidden, shift }), checked; a RangeError names a bad one. */
  set(partial) {
    const next = { ...this.settings };
    for (const [k, v] of Object.entries(partial)) next[k] = checkFcSetting(k, v);
    this.settings = next;
    this.sync();
    this.refresh();
  }

  destroy() {
    this.destroyed = true;
    this.watch.disconnect();
    this.root.remove();
  }

  // ---- building ----------------------------------------------------------

  build(container) {
    const ui = {};
    this.ui = ui;
    const number = (name) => {
      const input = el('input', { type: 'number', min: LIMITS[name][0], max: LIMITS[name][1], step: 1, inputmode: 'numeric',
        class: 'fc-number', 'data-testid': `fc-${name}`, value: this.settings[name],
        onchange: () => this.fromControl(name, input.value) });
      const label = el('span', { class: 'fc-control-name' });
      return { input, label, root: el('label', { class: 'fc-control' }, label, input) };
    };
    for (const name of ['size', 'channels', 'outputs', 'filters', 'kernel', 'hidden']) ui[name] = number(name);
    ui.refused = el('p', { class: 'fc-refused', role: 'status', 'data-testid': 'fc-refused', hidden: true });

    // the counter
    ui.countTitle = el('h3');
    ui.countControls = el('div', { class: 'fc-controls' }, ui.size.root, ui.channels.root, ui.outputs.root, ui.filters.root, ui.kernel.root);
    ui.denseTitle = el('h4');
    ui.flat = el('p', { 'data-testid': 'fc-flat' });
    ui.denseWeight = el('p', { 'data-testid': 'fc-dense-weight' });
    ui.denseParams = el('p', { class: 'fc-big', 'data-testid': 'fc-dense-params' });
    ui.convTitle = el('h4');
    ui.convWeight = el('p', { 'data-testid': 'fc-conv-weight' });
    ui.convParams = el('p', { class: 'fc-big', 'data-testid': 'fc-conv-params' });
    ui.convNote = el('p', { class: 'fc-hint' });
    ui.ratio = el('p', { class: 'fc-ratio', 'data-testid': 'fc-ratio' });
    ui.countError = el('p', { class: 'fc-error', role: 'alert', 'data-testid': 'fc-count-error', hidden: true });
    const counter = el('div', { class: 'fc-part', 'data-testid': 'fc-counter' }, ui.countTitle, ui.countControls,
      el('div', { class: 'fc-cols' },
        el('div', { class: 'fc-col fc-dense' }, ui.denseTitle, ui.flat, ui.denseWeight, ui.denseParams),
        el('div', { class: 'fc-col fc-conv' }, ui.convTitle, ui.convWeight, ui.convParams, ui.convNote)),
      ui.ratio, ui.countError);

    // MNIST: a fully connected network against the shipped CNN
    ui.mnistTitle = el('h3');
    ui.mnistIntro = el('p', { class: 'fc-hint' });
    ui.mlp = el('p', { 'data-testid': 'fc-mlp' });
    ui.mlpParams = el('p', { class: 'fc-big', 'data-testid': 'fc-mlp-params' });
    ui.cnn = el('p', { 'data-testid': 'fc-cnn' });
    ui.cnnParams = el('p', { class: 'fc-big', 'data-testid': 'fc-cnn-params' });
    ui.cnnLayers = el('ul', { class: 'fc-layers', 'data-testid': 'fc-cnn-layers' });
    ui.mnistError = el('p', { class: 'fc-error', role: 'alert', 'data-testid': 'fc-mnist-error', hidden: true });
    const mnist = el('div', { class: 'fc-part', 'data-testid': 'fc-mnist' }, ui.mnistTitle, ui.mnistIntro,
      el('div', { class: 'fc-cols' },
        el('div', { class: 'fc-col fc-dense' }, ui.hidden.root, ui.mlp, ui.mlpParams),
        el('div', { class: 'fc-col fc-conv' }, ui.cnn, ui.cnnParams, ui.cnnLayers)),
      ui.mnistError);

    // what flattening throws away
    ui.flatTitle = el('h3');
    ui.flatIntro = el('p', { class: 'fc-hint' });
    ui.shift = el('select', { 'data-testid': 'fc-shift', onchange: () => this.fromControl('shift', ui.shift.value) });
    ui.shiftLabel = el('label', { class: 'fc-control' }, el('span', { class: 'fc-control-name' }), ui.shift);
    ui.maps = [0, 1].map((i) => {
      const canvas = pixelCanvas(SIDE, SIDE, 'fc-map');
      const marks = el('div', { class: 'fc-marks' });
      const box = el('div', { class: 'fc-map-box', 'data-testid': `fc-map-${i}`, tabindex: 0, role: 'img',
        onclick: (e) => this.pickAt(e, box), onkeydown: (e) => this.pickKey(e) }, canvas, marks);
      const caption = el('figcaption');
      return { canvas, marks, box, caption, root: el('figure', { class: 'fc-figure' }, box, caption) };
    });
    ui.strips = [0, 1, 2].map((i) => {
      const canvas = pixelCanvas(SIDE * SIDE, 1, 'fc-strip');
      const marks = el('div', { class: 'fc-strip-marks' });
      const label = el('span', { class: 'fc-strip-label' });
      return { canvas, marks, label, root: el('div', { class: 'fc-strip-row', 'data-testid': `fc-strip-${i}` }, label, el('div', { class: 'fc-strip-box' }, canvas, marks)) };
    });
    ui.changed = el('p', { class: 'fc-big', 'data-testid': 'fc-changed' });
    ui.neighbours = el('p', { 'data-testid': 'fc-neighbours' });
    ui.flatError = el('p', { class: 'fc-error', role: 'alert', 'data-testid': 'fc-flat-error', hidden: true });
    const flat = el('div', { class: 'fc-part', 'data-testid': 'fc-flatten' }, ui.flatTitle, ui.flatIntro, ui.shiftLabel,
      el('div', { class: 'fc-maps' }, ...ui.maps.map((m) => m.root)),
      el('div', { class: 'fc-strips' }, ...ui.strips.map((s) => s.root)),
      ui.changed, ui.neighbours, ui.flatError);

    this.root = el('div', { class: 'fc', 'data-testid': 'fc' }, ui.refused, counter, mnist, flat);
    container.append(this.root);
  }

  texts() {
    const L = this.lang;
    const ui = this.ui;
    for (const name of ['size', 'channels', 'outputs', 'filters', 'kernel', 'hidden']) ui[name].label.textContent = t(L, `fc.${name}`);
    ui.countTitle.textContent = t(L, 'fc.count.title');
    ui.denseTitle.textContent = t(L, 'fc.dense.title');
    ui.convTitle.textContent = t(L, 'fc.conv.title');
    ui.mnistTitle.textContent = t(L, 'fc.mnist.title');
    ui.mnistIntro.textContent = t(L, 'fc.mnist.intro');
    ui.flatTitle.textContent = t(L, 'fc.flat.title');
    ui.flatIntro.textContent = t(L, 'fc.flat.intro');
    ui.shiftLabel.firstChild.textContent = t(L, 'fc.shift');
    ui.shift.replaceChildren(...Object.keys(SHIFTS).map((k) => el('option', { value: k, text: t(L, `fc.shift.${k}`) })));
    ui.shift.value = this.settings.shift;
  }

  sync() {
    for (const name of ['size', 'channels', 'outputs', 'filters', 'kernel', 'hidden']) this.ui[name].input.value = String(this.settings[name]);
    this.ui.shift.value = this.settings.shift;
  }

  fromControl(name, value) {
    try {
      this.set({ [name]: value });
      this.ui.refused.hidden = true;
    } catch {
      const [min, max] = LIMITS[name] ?? [];
      this.ui.refused.hidden = false;
      this.ui.refused.textContent = t(this.lang, 'fc.refused', { name: t(this.lang, `fc.${name}`), value: String(value).slice(0, 40), min, max });
      this.sync();
    }
  }

  /** Runs one part's request, tracking that it is on its way; the newest of each part wins. */
  async track(part, fn) {
    const gen = ++this.gen[part];
    this.pending.add(part);
    try {
      const out = await fn();
      if (gen === this.gen[part] && !this.destroyed) this[`${part}Result`] = out;
    } catch (e) {
      if (gen === this.gen[part]) this[`${part}Result`] = { failure: { message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} } };
    }
    if (gen === this.gen[part]) {
      this.pending.delete(part);
      if (!this.destroyed) this.render();
      this.dispatchEvent(new CustomEvent('update'));
    }
  }

  refresh() {
    this.track('count', () => this.count());
    this.track('mnist', () => this.mnist());
    this.track('flat', () => this.flatten());
  }

  // ---- the engine -----------------------------------------------------------

  async count() {
    const s = this.settings;
    const c = this.client;
    const flat = await c.request('layerGeometry', { spec: { type: 'flatten' }, shape: [1, s.channels, s.size, s.size] });
    const features = flat.outShape[1];
    const dense = { type: 'dense', in_features: features, out_features: s.outputs };
    const conv = { type: 'conv2d', in_channels: s.channels, out_channels: s.filters, kernel_size: s.kernel };
    const denseGeometry = await c.request('layerGeometry', { spec: dense, shape: flat.outShape });
    const denseShapes = await c.request('paramShapes', { spec: dense });
    let convGeometry = null;
    let convFailure = null;
    try {
      convGeometry = await c.request('layerGeometry', { spec: conv, shape: [1, s.channels, s.size, s.size] });
    } catch (e) {
      convFailure = { message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} };
    }
    const convShapes = await c.request('paramShapes', { spec: conv });
    return { settings: s, features, dense: { geometry: denseGeometry, ...denseShapes }, conv: { geometry: convGeometry, failure: convFailure, ...convShapes } };
  }

  async mnist() {
    const s = this.settings;
    const c = this.client;
    const specs = [{ type: 'flatten' }, { type: 'dense', in_features: SIDE * SIDE, out_features: s.hidden }, { type: 'relu' },
      { type: 'dense', in_features: s.hidden, out_features: 10 }, { type: 'softmax' }];
    const mlp = await c.request('createNetwork', { specs, inputShape: [1, 1, SIDE, SIDE] });
    c.request('destroyNetwork', { id: mlp.id }).catch(() => {});
    if (!this.cnn) {
      const net = await openModel(c, MODEL_CATALOGUE.find((m) => m.key === 'digits'));
      c.request('destroyNetwork', { id: net.id }).catch(() => {});
      this.cnn = { paramCount: net.paramCount, kinds: net.layers.map((l) => l.kind), layers: net.layers.filter((l) => l.params > 0).map((l) => ({ index: l.index, kind: l.kind, params: l.params })) };
    }
    return { hidden: s.hidden, mlp: { paramCount: mlp.paramCount, layers: mlp.layers.filter((l) => l.params > 0).map((l) => l.params) }, cnn: this.cnn };
  }

  async flatten() {
    const [dy, dx] = SHIFTS[this.settings.shift];
    const images = [Float32Array.from(this.digit), paste(this.digit, SIDE, SIDE, SIDE, dx, dy)];
    // where each pixel lands: flatten an image whose value at row y, column x is 1000·y + x
    const where = Float32Array.from({ length: SIDE * SIDE }, (_, i) => 1000 * Math.floor(i / SIDE) + (i % SIDE));
    const flat = (input) => this.client.request('runLayer', { spec: { type: 'flatten' }, shape: [1, 1, SIDE, SIDE], input });
    const [a, b, w] = await Promise.all([flat(images[0]), flat(images[1]), flat(where)]);
    const position = new Map();
    w.output.data.forEach((v, i) => position.set(v, i));
    return { images, vectors: [a.output.data, b.output.data], position, shift: this.settings.shift };
  }

  // ---- rendering ---------------------------------------------------------------

  render() {
    this.renderCount();
    this.renderMnist();
    this.renderFlat();
  }

  /** Shows a part's failure (the engine's message, in the reader's language) in its line; true when there is one. */
  failed(node, r) {
    node.hidden = !r.failure;
    node.textContent = r.failure ? t(this.lang, 'fc.failed', { message: errorText(this.lang, r.failure) }) : '';
    return !!r.failure;
  }

  renderCount() {
    const L = this.lang;
    const ui = this.ui;
    const r = this.countResult;
    if (!r || this.failed(ui.countError, r)) return;
    const n = (x) => formatNumber(x, L);
    const s = r.settings;
    const d = r.dense;
    const cv = r.conv;
    ui.flat.textContent = t(L, 'fc.flat', { h: s.size, w: s.size, c: s.channels, n: n(r.features) });
    ui.denseWeight.textContent = t(L, 'fc.dense.weight', { shape: d.weightShape.map(n).join(' × '), out: n(s.outputs), in: n(r.features) });
    ui.denseParams.textContent = t(L, 'fc.params', { weights: n(d.geometry.weights), biases: n(d.biasShape[0]), n: n(d.geometry.params) });
    ui.convWeight.textContent = t(L, 'fc.conv.weight', { f: s.filters, k: s.kernel, c: s.channels, shape: cv.weightShape.join(' × ') });
    if (cv.geometry) {
      ui.convParams.textContent = t(L, 'fc.params', { weights: n(cv.geometry.weights), biases: n(cv.biasShape[0]), n: n(cv.geometry.params) });
      ui.convNote.textContent = t(L, 'fc.conv.note');
      const ratio = d.geometry.params / cv.geometry.params;
      ui.ratio.textContent = t(L, ratio >= 1 ? 'fc.ratio' : 'fc.ratioLess', {
        x: formatNumber(ratio >= 1 ? ratio : 1 / ratio, L, ratio >= 100 || 1 / ratio >= 100 ? 0 : 1),
        dense: n(d.geometry.params), conv: n(cv.geometry.params) });
    } else {
      ui.convParams.textContent = t(L, 'fc.conv.impossible', { message: errorText(L, cv.failure) });
      ui.convNote.textContent = '';
      ui.ratio.textContent = '';
    }
  }

  renderMnist() {
    const L = this.lang;
    const ui = this.ui;
    const r = this.mnistResult;
    if (!r || this.failed(ui.mnistError, r)) return;
    const n = (x) => formatNumber(x, L);
    ui.mlp.textContent = t(L, 'fc.mlp', { hidden: r.hidden, first: n(r.mlp.layers[0]), second: n(r.mlp.layers[1]) });
    ui.mlpParams.textContent = t(L, 'fc.total', { n: n(r.mlp.paramCount) });
    ui.cnn.textContent = t(L, 'fc.cnn', { layers: r.cnn.kinds.map((k) => t(L, `layer.${k}`)).join(' → ') });
    ui.cnnParams.textContent = t(L, 'fc.total', { n: n(r.cnn.paramCount) });
    ui.cnnLayers.replaceChildren(...r.cnn.layers.map((l) => el('li', { text: t(L, 'fc.cnn.layer', { n: l.index + 1, kind: t(L, `fc.kind.${l.kind}`), params: n(l.params) }) })));
  }

  renderFlat() {
    const L = this.lang;
    const ui = this.ui;
    const r = this.flatResult;
    if (!r || this.failed(ui.flatError, r)) return;
    const gray = colourTable('gray');
    ui.maps.forEach((m, i) => {
      paintCanvas(m.canvas, r.images[i], 0, SIDE, SIDE, gray, 0, 1);
      m.caption.textContent = i ? t(L, 'fc.map.shifted', { dir: t(L, `fc.shift.${r.shift}`) }) : t(L, 'fc.map.original');
      m.box.setAttribute('aria-label', `${m.caption.textContent}. ${t(L, 'fc.map.pick')}`);
    });
    const [a, b] = r.vectors;
    const diff = new Float32Array(a.length);
    let changed = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { diff[i] = 1; changed++; }
    paintCanvas(ui.strips[0].canvas, a, 0, a.length, 1, gray, 0, 1);
    paintCanvas(ui.strips[1].canvas, b, 0, b.length, 1, gray, 0, 1);
    paintCanvas(ui.strips[2].canvas, diff, 0, diff.length, 1, colourTable('viridis'), 0, 1);
    ui.strips[0].label.textContent = t(L, 'fc.strip.original');
    ui.strips[1].label.textContent = t(L, 'fc.strip.shifted');
    ui.strips[2].label.textContent = t(L, 'fc.strip.changed');
    ui.changed.textContent = t(L, 'fc.changed', { n: changed, total: a.length });
    // the picked pixel and its neighbour below and to the right, in the maps and in the vector
    const { y, x } = this.pick;
    const at = (yy, xx) => r.position.get(1000 * yy + xx);
    const here = at(y, x);
    const below = y + 1 < SIDE ? at(y + 1, x) : null;
    const right = x + 1 < SIDE ? at(y, x + 1) : null;
    ui.neighbours.textContent = t(L, 'fc.neighbours', {
      r: y + 1, c: x + 1, i: here + 1, below: below === null ? '—' : below + 1, right: right === null ? '—' : right + 1,
      gap: below === null ? '—' : below - here });
    const spots = [[y, x, 'fc-mark-here'], [y + 1, x, 'fc-mark-below'], [y, x + 1, 'fc-mark-right']].filter(([yy, xx]) => yy < SIDE && xx < SIDE);
    for (const m of ui.maps) {
      m.marks.replaceChildren(...spots.map(([yy, xx, cls]) => el('span', { class: `fc-mark ${cls}`,
        style: { left: `${(xx / SIDE) * 100}%`, top: `${(yy / SIDE) * 100}%`, width: `${100 / SIDE}%`, height: `${100 / SIDE}%` } })));
    }
    for (const s of ui.strips) {
      s.marks.replaceChildren(...spots.map(([yy, xx, cls]) => el('span', { class: `fc-tick ${cls}`,
        style: { left: `${(at(yy, xx) / a.length) * 100}%` } })));
    }
  }

  /** The arrow keys move the picked pixel. */
  pickKey(event) {
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!step) return;
    event.preventDefault();
    this.pick = { y: Math.min(SIDE - 1, Math.max(0, this.pick.y + step[0])), x: Math.min(SIDE - 1, Math.max(0, this.pick.x + step[1])) };
    this.renderFlat();
  }

  /** A click on a map picks the pixel under it. */
  pickAt(event, box) {
    const rect = box.getBoundingClientRect();
    const x = Math.min(SIDE - 1, Math.max(0, Math.floor(((event.clientX - rect.left) / rect.width) * SIDE)));
    const y = Math.min(SIDE - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * SIDE)));
    this.pick = { y, x };
    this.renderFlat();
  }
}
