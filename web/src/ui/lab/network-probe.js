// The lab's settings on the real network: the lab's stride, padding and
// dilation go onto the network's first conv layer and its pooling onto the
// first pooling layer, and the digit runs through the changed network, so
// the learner sees its real feature maps change. When the new shapes no
// longer fit the dense layer, it says so with the numbers (from the engine's
// own geometry), and no prediction is left on screen.
//
// When the dense layer no longer fits and the page can train (the option
// onRetrain), it offers "retrain with these settings": onRetrain({ layers,
// original, labels }) gets the changed network and the original one as
// the training view's layers (state.js's layersFromSpecs: the dense layer's
// in_features are left to follow the layers before it) and their names.
//
// A class given a container and options (client, lang, model, digit,
// onRetrain); no module state; all text from i18n.js.
import { t, errorText } from '../i18n.js';
import { el } from '../dom.js';
import { divergingRgb, maxAbs } from '../colormap.js';
import { adaptNetwork } from './layer.js';
import { pytorchLayer } from '../pytorch.js';
import { sampleDigit } from './presets.js';
import { layersFromSpecs } from '../train/state.js';

const INPUT_SHAPE = [1, 1, 28, 28];

export class NetworkProbe {
  /** options: client, lang, model ({ specs, params, metadata, trained } or null), digit */
  constructor(container, options = {}) {
    this.client = options.client;
    this.lang = options.lang ?? 'en';
    this.model = null;
    this.digit = options.digit ?? null;
    this.onRetrain = options.onRetrain ?? null;
    this.state = null;
    this.enabled = false;
    this.gen = 0;
    this.original = null;   // { id } of the network as trained
    this.view = null;       // what is on screen: { kind: 'idle' | 'maps' | 'mismatch' | 'broken', ... }
    this.inFlight = false;
    this.dirty = false;
    this.build(container);
    this.setModel(options.model ?? null);
  }

  build(container) {
    this.title = el('h3');
    this.intro = el('p', { class: 'lab-net-intro' });
    this.toggle = el('input', { type: 'checkbox', 'data-testid': 'lab-net-apply', onchange: () => { this.enabled = this.toggle.checked; this.update(); } });
    this.toggleText = el('span');
    this.status = el('p', { class: 'lab-net-status', 'data-testid': 'lab-net-status' });
    this.lines = el('div', { class: 'lab-net-lines', 'data-testid': 'lab-net-lines' });
    this.message = el('p', { class: 'lab-error', role: 'alert', 'data-testid': 'lab-net-message', hidden: true });
    this.retrainButton = el('button', { type: 'button', class: 'lab-net-retrain', 'data-testid': 'lab-net-retrain', hidden: true, onclick: () => this.retrain() });
    this.prediction = el('div', { class: 'lab-net-prediction', 'data-testid': 'lab-net-prediction', 'aria-live': 'polite' });
    this.maps = el('div', { class: 'lab-net-maps', 'data-testid': 'lab-net-maps' });
    this.root = el('section', { class: 'lab-net', 'data-testid': 'lab-net' }, this.title, this.intro,
      el('label', { class: 'lab-check' }, this.toggle, this.toggleText), this.status, this.lines, this.message, this.retrainButton,
      this.prediction, this.maps);
    container.append(this.root);
    this.texts();
  }

  texts() {
    const L = this.lang;
    this.title.textContent = t(L, 'lab.net.title');
    this.intro.textContent = t(L, 'lab.net.intro');
    this.toggleText.textContent = t(L, 'lab.net.apply');
    this.retrainButton.textContent = t(L, 'lab.net.retrain');
  }

  /** The changed network to the training view (onRetrain), with the original to compare it with. */
  retrain() {
    const v = this.view;
    if (v?.kind !== 'mismatch' || !this.onRetrain) return;
    let layers, original;
    try {
      layers = layersFromSpecs(v.adapted.specs);
      original = layersFromSpecs(v.original);
    } catch (e) {
      this.message.textContent = t(this.lang, 'lab.net.cannotRetrain', { message: e.message });
      return;
    }
    // the names are said in the training view's language, also after it changes
    const { changes } = v.adapted;
    this.onRetrain({ layers, original, labels: { changed: (lang) => this.describeChanges(changes, lang), original: (lang) => t(lang, 'lab.net.originalRun') } });
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    this.render();
  }

  /** The network to probe: { specs, params, metadata, trained } (or null while none is loaded). */
  setModel(model) {
    if (this.original) this.client.request('destroyNetwork', { id: this.original.id }).catch(() => {});
    this.original = null;
    this.model = model && Array.isArray(model.specs) && model.params ? model : null;
    this.update();
  }

  setDigit(image) {
    this.digit = image;
    if (this.enabled) this.update();
  }

  setState(state) {
    this.state = state;
    if (this.enabled) this.update(); else this.render();
  }

  destroy() {
    this.gen++;
    this.model = null;  // a network still being created is then destroyed when it arrives
    if (this.original) this.client.request('destroyNetwork', { id: this.original.id }).catch(() => {});
    this.original = null;
    this.root.remove();
  }

  input() {
    const image = this.digit && this.digit.length === 784 ? this.digit : sampleDigit();
    return Float32Array.from(image);
  }

  async update() {
    if (this.inFlight) { this.dirty = true; return; }
    const gen = ++this.gen;
    if (!this.model || !this.state || !this.enabled) {
      this.view = { kind: 'idle' };
      this.render();
      return;
    }
    // Nothing stale stays on screen while the new result is computed.
    this.root.classList.add('lab-stale');
    this.prediction.replaceChildren();
    this.inFlight = true;
    let view;
    try {
      view = await this.compute();
    } catch (e) {
      view = { kind: 'broken', failure: failureOf(e), layer: -1 };
    }
    this.inFlight = false;
    if (this.dirty) {
      this.dirty = false;
      this.update();
      return;
    }
    if (gen !== this.gen) return;
    this.view = view;
    this.root.classList.remove('lab-stale');
    this.render();
  }

  async compute() {
    const model = this.model;  // compared after each wait: a change (or destroy()) makes this run's networks no one's
    const { specs, params } = model;
    const adapted = adaptNetwork(specs, this.state);
    const base = { adapted, original: specs };
    // The conv stack alone: does it still run, and how many values does it give the dense layer?
    if (adapted.denseIndex > 0) {
      const stack = adapted.specs.slice(0, adapted.denseIndex);
      if (stack.at(-1).type !== 'flatten') stack.push({ type: 'flatten' });
      let net;
      try {
        net = await this.client.request('createNetwork', { specs: stack, inputShape: INPUT_SHAPE, seed: 0 });
      } catch (e) {
        return { ...base, kind: 'broken', failure: failureOf(e), layer: await this.failingLayer(stack), stack };
      }
      this.client.request('destroyNetwork', { id: net.id }).catch(() => {});
      const got = net.layers.at(-1).outShape[1];
      const expected = adapted.specs[adapted.denseIndex].in_features;
      if (got !== expected) return { ...base, kind: 'mismatch', got, expected };
    }
    const input = this.input();
    if (!this.original) {
      const original = await this.client.request('createNetwork', { specs, params, inputShape: INPUT_SHAPE });
      if (this.model !== model || this.original) {
        // the model changed meanwhile: this network belongs to no one
        this.client.request('destroyNetwork', { id: original.id }).catch(() => {});
        throw new Error('the model changed');
      }
      this.original = original;
    }
    const before = await this.client.request('run', { id: this.original.id, input: Float32Array.from(input) });
    const net = await this.client.request('createNetwork', { specs: adapted.specs, params, inputShape: INPUT_SHAPE });
    try {
      const after = await this.client.request('run', { id: net.id, input, activations: true });
      const maps = [];
      for (const i of [adapted.conv, adapted.pool]) if (i >= 0) maps.push({ index: i, ...after.activations[i + 1] });
      return { ...base, kind: 'maps', maps, before: before.output.data, after: after.output.data };
    } finally {
      this.client.request('destroyNetwork', { id: net.id }).catch(() => {});
    }
  }

  /**
   * The index of the first layer of `specs` that the engine refuses on the
   * probe's input (the shortest stack that fails), or -1: so that the page
   * names that layer with its own numbering.
   */
  async failingLayer(specs) {
    for (let n = 1; n <= specs.length; n++) {
      try {
        const net = await this.client.request('createNetwork', { specs: specs.slice(0, n), inputShape: INPUT_SHAPE, seed: 0 });
        this.client.request('destroyNetwork', { id: net.id }).catch(() => {});
      } catch {
        return n - 1;
      }
    }
    return -1;
  }

  /** A layer as the page names it: its number (the input is layer 0) and its kind. */
  layerName(index, specs) {
    return { n: index + 1, name: t(this.lang, `layer.${specs[index].type}`) };
  }

  describeChanges(changes, L = this.lang) {
    const parts = changes.map((c) => t(L, `lab.net.change.${c.key}`, { v: c.key === 'pool' ? t(L, `lab.net.poolKind.${c.to}`) : pad(c.to, L) }));
    return parts.length ? parts.join(t(L, 'lab.net.and')) : t(L, 'lab.net.noChange');
  }

  /** Why the changed network cannot run, naming the layer as the page numbers it when it is known. */
  brokenText(v) {
    const L = this.lang;
    const changes = this.describeChanges(v.adapted?.changes ?? []);
    const message = errorText(L, v.failure);
    return v.layer >= 0
      ? t(L, 'lab.net.brokenAt', { changes, message, ...this.layerName(v.layer, v.stack) })
      : t(L, 'lab.net.broken', { changes, message });
  }

  render() {
    const L = this.lang;
    const v = this.view ?? { kind: 'idle' };
    this.message.hidden = true;
    this.retrainButton.hidden = !(this.onRetrain && v.kind === 'mismatch');
    this.lines.replaceChildren();
    if (!this.model) {
      this.status.textContent = t(L, 'lab.net.noModel');
      this.prediction.replaceChildren();
      this.maps.replaceChildren();
      return;
    }
    this.status.textContent = this.model.trained ? '' : t(L, 'lab.net.untrained');
    if (v.kind === 'idle') {
      this.prediction.replaceChildren();
      this.maps.replaceChildren();
      if (!this.enabled) this.status.textContent = [this.status.textContent, t(L, 'lab.net.off')].filter(Boolean).join(' ');
      return;
    }
    const { adapted, original } = v;
    if (!adapted) {  // it failed before the network was adapted
      this.message.hidden = false;
      this.message.textContent = this.brokenText(v);
      this.prediction.replaceChildren();
      this.maps.replaceChildren();
      return;
    }
    const changed = [adapted.conv, adapted.pool].filter((i) => i >= 0 && adapted.changes.some((c) => c.layer === i));
    const layerLines = changed.map((i) => el('li', { 'data-layer': String(i + 1) },
      t(L, 'lab.net.changedLayer', this.layerName(i, adapted.specs)), ' ',
      el('code', { text: pytorchLayer(original[i]) }), ' → ', el('code', { text: pytorchLayer(adapted.specs[i]) })));
    this.lines.replaceChildren(...(layerLines.length
      ? [el('p', { text: t(L, 'lab.net.changed') }), el('ul', {}, layerLines)]
      : [el('p', { text: t(L, 'lab.net.unchanged') })]));
    if (v.kind === 'mismatch' || v.kind === 'broken') {
      this.message.hidden = false;
      this.message.textContent = v.kind === 'mismatch'
        ? t(L, 'lab.net.mismatch', { expected: v.expected, got: v.got, changes: this.describeChanges(adapted.changes) })
        : this.brokenText(v);
      this.prediction.replaceChildren();
      this.maps.replaceChildren();
      return;
    }
    const labels = this.model.metadata?.labels;
    const top = (p) => {
      let k = 0;
      for (let i = 1; i < p.length; i++) if (p[i] > p[k]) k = i;
      return { label: String(labels?.[k] ?? k), percent: Math.round(p[k] * 100) };
    };
    const b = top(v.before), a = top(v.after);
    this.prediction.replaceChildren(
      el('p', { text: t(L, 'lab.net.before', b) }),
      el('p', { class: 'lab-net-after', 'data-testid': 'lab-net-after', text: t(L, 'lab.net.after', a) }));
    this.maps.replaceChildren(...v.maps.map((m) => {
      const [, c, hh, w] = m.shape;
      const range = maxAbs(m.data);
      const kind = adapted.specs[m.index].type;
      return el('figure', { class: 'lab-net-layer' },
        el('figcaption', { text: t(L, kind === 'conv2d' ? 'lab.net.convMaps' : 'lab.net.poolMaps', { c, h: hh, w }) }),
        el('div', { class: 'lab-net-row' }, Array.from({ length: c }, (_, ch) => paintMap(m.data, ch * hh * w, w, hh, range,
          t(L, 'lab.net.mapLabel', { n: ch + 1 })))));
    }));
  }
}

/** An engine error as the probe keeps it: its English message, its code and named numbers. */
function failureOf(e) {
  return { message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} };
}

function pad(v, lang) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';  // as PyTorch writes it
  return typeof v === 'string' ? t(lang, `lab.padding.${v}`) : String(v);
}

/** A w x h map on a canvas (blue–white–orange around 0), scaled up by CSS. */
function paintMap(data, offset, w, h0, m, label) {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h0;
  canvas.className = 'lab-net-map';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h0);
  for (let i = 0; i < w * h0; i++) {
    img.data.set(divergingRgb(data[offset + i], m), i * 4);
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
