// The convolution and pooling lab: kernel size, stride, padding, dilation,
// filters and pooling as controls; the padded input, the filters and the
// output as grids; the output-size formula, the parameter and multiply-add
// counts with the numbers put in; the kernel sliding step by step; and, for
// any output cell, the exact products and sum that made it.
//
// Every number about the layer comes from the engine (in its Worker):
// runLayer gives the geometry and the output (with the reference kernel, so
// that explainCell's products add up to the shown cell bit for bit) and
// explainCell lists one cell's products. This file only lays them out.
//
// A class given a container and options; no module state, no lookups by id,
// all text from i18n.js. Its state is the typed table of state.js.
//
// Events: 'change' { state, query } when a setting changes; 'update' { ok,
// error } when the grids show the result of the current settings.
import { t } from '../i18n.js';
import { h, fmt, divergingColour, sequentialColour, needsLightText, maxAbs } from './dom.js';
import { GridView } from './grid.js';
import { parseState, withField, toQuery, LIMITS, PRESETS, ACTIVATIONS, INPUTS } from './state.js';
import { labLayer, activationSpec, pytorchLines, presetOf, labInput, labWeights, flipKernels } from './layer.js';
import { NetworkProbe } from './network-probe.js';

/** Every control the lab can show (the `controls` option picks some). */
export const ALL_CONTROLS = Object.freeze([
  'mode', 'input', 'size', 'example', 'kernel', 'stride', 'padding', 'dilation', 'filters', 'weights', 'flip',
  'activation', 'pool', 'poolWindow', 'poolStride', 'poolPadding', 'poolCeil', 'poolIncludePad', 'animation',
  'network', 'pytorch',
]);
const SPEEDS_MS = [1400, 900, 550, 300, 140];
const CHANNEL_TINTS = [[200, 30, 30], [30, 140, 50], [40, 80, 210]];

export class ConvLab extends EventTarget {
  /**
   * options:
   *   client    the engine client (request(op, payload)); required
   *   lang      'en' or 'ko'
   *   state     a partial state (see state.js), checked
   *   controls  the controls to show (names of ALL_CONTROLS); all by default
   *   digit     a 28x28 image (784 values in [0, 1]) for the 'digit' input
   *   model     { specs, params, metadata, trained } for "apply to the network"
   */
  constructor(container, options = {}) {
    super();
    if (!options.client) throw new TypeError('the lab needs an engine client');
    this.client = options.client;
    this.lang = options.lang ?? 'en';
    this.state = parseState(options.state ?? {});
    const wanted = options.controls ?? ALL_CONTROLS;
    this.controls = new Set(wanted.filter((c) => ALL_CONTROLS.includes(c)));
    this.digit = options.digit ?? null;
    this.sel = { c: 0, y: 0, x: 0 };
    this.anim = { playing: false, active: false, timer: 0 };
    this.result = null;        // { ok, layer, geometry, output, pre, plain, error }
    this.explanation = null;
    this.gen = 0;
    this.explainGen = 0;
    this.explaining = false;  // an explanation is on its way
    this.inFlight = false;
    this.dirty = false;
    this.container = container;
    this.uid = Math.random().toString(36).slice(2, 10);  // radio group names, unique per lab
    this.shownInput = this.state.input;
    this.pickCell = this.state.input !== 'grid';
    this.build();
    this.probe = this.controls.has('network')
      ? new NetworkProbe(this.networkBox, { client: this.client, lang: this.lang, model: options.model, digit: this.digit })
      : null;
    this.texts();
    this.syncControls();
    // A drawing made while the lab is off screen is only sent once it is seen,
    // so the lab never slows the page's own live classification.
    this.visible = true;
    this.staleDigit = false;
    if (typeof IntersectionObserver === 'function') {
      this.observer = new IntersectionObserver((entries) => {
        this.visible = entries.some((en) => en.isIntersecting);
        if (this.visible && this.staleDigit) this.setDigit(this.digit);
      });
      this.observer.observe(this.root);
    }
    this.refresh();
  }

  // ---- public ---------------------------------------------------------

  getState() {
    return { ...this.state };
  }

  /** Applies a partial state (checked; a RangeError names a bad field). */
  setState(partial) {
    this.state = parseState(partial, this.state);
    this.afterChange();
  }

  setLang(lang) {
    this.lang = lang;
    this.texts();
    this.probe?.setLang(lang);
    this.render();
  }

  /** The drawn digit (784 values in [0, 1]), or null for the sample digit. */
  setDigit(image) {
    this.digit = image && image.length === 784 ? Float32Array.from(image) : null;
    this.staleDigit = !this.visible;
    if (!this.visible) return;
    this.probe?.setDigit(this.digit);
    if (this.state.input === 'digit') this.refresh();
  }

  setModel(model) {
    this.probe?.setModel(model);
  }

  destroy() {
    this.observer?.disconnect();
    this.stop();
    this.probe?.destroy();
    this.root.remove();
  }

  // ---- building ---------------------------------------------------------

  build() {
    const show = (name, node) => (this.controls.has(name) ? node : null);
    this.root = h('div', { class: 'lab', 'data-testid': 'lab' });
    this.ui = {};
    const ui = this.ui;

    // what to study, on what
    ui.modeGroup = this.radioGroup('mode', ['conv', 'pool'], (v) => this.setField('mode', v));
    ui.inputGroup = this.radioGroup('input', INPUTS, (v) => this.setField('input', v));
    ui.size = h('select', { 'data-testid': 'lab-size', onchange: () => this.setField('size', Number(ui.size.value)) });
    for (let n = LIMITS.gridMin; n <= LIMITS.gridMax; n++) ui.size.append(h('option', { value: n, text: `${n}×${n}` }));
    ui.sizeLabel = h('label', { class: 'lab-inline' }, h('span'), ui.size);
    ui.example = h('button', { type: 'button', class: 'lab-example', 'data-testid': 'lab-example-1x1', onclick: () => this.example1x1() });
    const top = h('div', { class: 'lab-top' },
      show('mode', ui.modeGroup.root), show('input', ui.inputGroup.root), show('size', ui.sizeLabel), show('example', ui.example));

    // conv controls
    ui.kernel = this.range('kernel', 1, LIMITS.kernelMax);
    ui.stride = this.range('stride', 1, LIMITS.strideMax);
    ui.padding = this.range('padding', 0, LIMITS.paddingMax, (v) => this.setFields({ padMode: 'explicit', padding: v }));
    ui.valid = h('button', { type: 'button', class: 'lab-toggle', 'data-testid': 'lab-pad-valid', onclick: () => this.setFields({ padMode: 'valid' }) });
    ui.same = h('button', { type: 'button', class: 'lab-toggle', 'data-testid': 'lab-pad-same', onclick: () => this.setFields({ padMode: 'same' }) });
    ui.padding.root.append(h('span', { class: 'lab-presets' }, ui.valid, ui.same));
    ui.dilation = this.range('dilation', 1, LIMITS.dilationMax);
    ui.filters = this.range('filters', 1, LIMITS.filtersMax);
    ({ input: ui.flip, root: ui.flipLabel } = this.check('flip'));
    ui.activation = h('select', { 'data-testid': 'lab-activation', onchange: () => this.setField('activation', ui.activation.value) });
    ui.activationLabel = h('label', { class: 'lab-control' }, h('span', { class: 'lab-control-name' }), ui.activation);
    ui.convSet = h('fieldset', { class: 'lab-set' }, h('legend'),
      show('kernel', ui.kernel.root), show('stride', ui.stride.root), show('padding', ui.padding.root),
      show('dilation', ui.dilation.root), show('filters', ui.filters.root), show('flip', ui.flipLabel),
      show('activation', ui.activationLabel));

    // pooling controls
    ui.poolType = h('select', { 'data-testid': 'lab-pool-type', onchange: () => this.setField('pool', ui.poolType.value) });
    ui.poolTypeLabel = h('label', { class: 'lab-control' }, h('span', { class: 'lab-control-name' }), ui.poolType);
    ui.poolWindow = this.range('poolWindow', 1, LIMITS.poolWindowMax);
    ui.poolStride = this.range('poolStride', 1, LIMITS.poolStrideMax);
    ui.poolPadding = this.range('poolPadding', 0, LIMITS.poolPaddingMax);
    ui.poolCeil = this.check('poolCeil');
    ui.poolIncludePad = this.check('poolIncludePad');
    ui.poolSet = h('fieldset', { class: 'lab-set' }, h('legend'),
      show('pool', ui.poolTypeLabel), show('poolWindow', ui.poolWindow.root), show('poolStride', ui.poolStride.root),
      show('poolPadding', ui.poolPadding.root), show('poolCeil', ui.poolCeil.root), show('poolIncludePad', ui.poolIncludePad.root));

    // the stage: input -> filters -> output
    ui.inputTitle = h('h4');
    ui.inputMaps = h('div', { class: 'lab-maps', 'data-testid': 'lab-input' });
    ui.legend = h('ul', { class: 'lab-legend' });
    ui.kernelTitle = h('h4');
    ui.kernelMaps = h('div', { class: 'lab-filters', 'data-testid': 'lab-filter-list' });
    ui.outputTitle = h('h4');
    ui.outputMaps = h('div', { class: 'lab-maps', 'data-testid': 'lab-output' });
    ui.error = h('div', { class: 'lab-error', role: 'alert', 'data-testid': 'lab-error', hidden: true });
    ui.kernelHint = h('p', { class: 'lab-hint' });
    ui.kernelCol = h('div', { class: 'lab-col lab-col-kernel' }, ui.kernelTitle, ui.kernelHint, ui.kernelMaps);
    const stage = h('div', { class: 'lab-stage' },
      h('div', { class: 'lab-col' }, ui.inputTitle, ui.inputMaps, ui.legend),
      ui.kernelCol,
      h('div', { class: 'lab-col' }, ui.outputTitle, ui.error, ui.outputMaps));

    // animation
    ui.play = h('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-play', onclick: () => (this.anim.playing ? this.stop() : this.play()) });
    ui.back = h('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-step-back', onclick: () => this.step(-1) });
    ui.fwd = h('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-step', onclick: () => this.step(1) });
    ui.showAll = h('button', { type: 'button', class: 'lab-btn', 'data-testid': 'lab-show-all', onclick: () => this.showAll() });
    ui.speed = this.range('speed', 1, 5);
    ui.scrub = h('input', { type: 'range', min: 0, max: 0, value: 0, class: 'lab-scrub', 'data-testid': 'lab-scrub',
      oninput: () => this.goTo(Number(ui.scrub.value)) });
    ui.scrubLabel = h('label', { class: 'lab-control lab-scrub-label' }, h('span', { class: 'lab-control-name' }), ui.scrub);
    ui.position = h('span', { class: 'lab-position', 'data-testid': 'lab-position' });
    ui.anim = h('div', { class: 'lab-anim' }, ui.play, ui.back, ui.fwd, ui.showAll, ui.speed.root, ui.scrubLabel, ui.position);

    // facts: formula, counts, notes, PyTorch
    ui.formulaTitle = h('h4');
    ui.formula = h('div', { class: 'lab-formula', 'data-testid': 'lab-formula' });
    ui.outShape = h('p', { class: 'lab-fact', 'data-testid': 'lab-out-shape' });
    ui.params = h('p', { class: 'lab-fact', 'data-testid': 'lab-params' });
    ui.macs = h('p', { class: 'lab-fact', 'data-testid': 'lab-macs' });
    ui.unused = h('p', { class: 'lab-note lab-note-unused', 'data-testid': 'lab-unused', hidden: true });
    ui.channels = h('p', { class: 'lab-note', 'data-testid': 'lab-channels', hidden: true });
    ui.flipNote = h('p', { class: 'lab-note', 'data-testid': 'lab-flip-note', hidden: true });
    ui.pytorchTitle = h('h4');
    ui.pytorch = h('pre', { class: 'lab-code', 'data-testid': 'lab-pytorch' });
    const facts = h('div', { class: 'lab-facts' }, ui.formulaTitle, ui.formula, ui.outShape, ui.params, ui.macs,
      ui.unused, ui.channels, ui.flipNote,
      this.controls.has('pytorch') ? h('div', { class: 'lab-pytorch' }, ui.pytorchTitle, ui.pytorch) : null);

    // one cell explained
    ui.explainTitle = h('h4', { 'data-testid': 'lab-explain-title' });
    ui.explainHow = h('p', { class: 'lab-explain-how' });
    ui.explainBody = h('div', { class: 'lab-explain-body', 'data-testid': 'lab-explain' });
    ui.explainLive = h('p', { class: 'lab-sr', 'aria-live': 'polite', 'data-testid': 'lab-explain-live' });
    const explain = h('div', { class: 'lab-explain' }, ui.explainTitle, ui.explainHow, ui.explainBody, ui.explainLive);

    this.networkBox = h('div', { class: 'lab-network' });
    this.root.append(...[top, h('div', { class: 'lab-sets' }, ui.convSet, ui.poolSet), stage,
      this.controls.has('animation') ? ui.anim : null,
      h('div', { class: 'lab-lower' }, explain, facts),
      this.controls.has('network') ? this.networkBox : null].filter(Boolean));  // append(null) would print "null"
    this.container.append(this.root);

    this.inputGrids = [];
    this.outputGrids = [];
    this.kernelBlocks = [];
  }

  radioGroup(name, values, onPick) {
    const root = h('div', { class: 'lab-radios', role: 'radiogroup' });
    const label = h('span', { class: 'lab-control-name' });
    const inputs = {};
    const names = {};
    root.append(label);
    for (const v of values) {
      const input = h('input', { type: 'radio', name: `lab-${name}-${this.uid}`, value: v, 'data-testid': `lab-${name}-${v}`,
        onchange: () => { if (input.checked) onPick(v); } });
      names[v] = h('span');
      inputs[v] = input;
      root.append(h('label', { class: 'lab-radio' }, input, names[v]));
    }
    return { root, label, inputs, names };
  }

  /** A labelled checkbox for a true/false field. */
  check(field) {
    const input = h('input', { type: 'checkbox', 'data-testid': `lab-${field}`, onchange: () => this.setField(field, input.checked) });
    const root = h('label', { class: 'lab-check' }, input, h('span'));
    return { root, input };
  }

  /** A labelled range input for an integer field, showing its value. */
  range(field, min, max, onValue) {
    const input = h('input', { type: 'range', min, max, step: 1, 'data-testid': `lab-${field}`,
      oninput: () => (onValue ? onValue(Number(input.value)) : this.setField(field, Number(input.value))) });
    const name = h('span', { class: 'lab-control-name' });
    const value = h('output', { class: 'lab-value', 'data-testid': `lab-${field}-value` });
    const root = h('label', { class: 'lab-control' }, name, input, value);
    return { root, input, name, value };
  }

  texts() {
    const L = this.lang;
    const ui = this.ui;
    ui.modeGroup.label.textContent = t(L, 'lab.mode');
    ui.modeGroup.names.conv.textContent = t(L, 'lab.mode.conv');
    ui.modeGroup.names.pool.textContent = t(L, 'lab.mode.pool');
    ui.inputGroup.label.textContent = t(L, 'lab.input');
    for (const v of INPUTS) ui.inputGroup.names[v].textContent = t(L, `lab.input.${v}`);
    ui.sizeLabel.firstChild.textContent = t(L, 'lab.size');
    ui.example.textContent = t(L, 'lab.example1x1');
    ui.convSet.querySelector('legend').textContent = t(L, 'lab.conv');
    ui.poolSet.querySelector('legend').textContent = t(L, 'lab.pool');
    for (const f of ['kernel', 'stride', 'padding', 'dilation', 'filters', 'poolWindow', 'poolStride', 'poolPadding', 'speed']) {
      ui[f].name.textContent = t(L, `lab.${f}`);
    }
    ui.valid.textContent = t(L, 'lab.padding.valid');
    ui.same.textContent = t(L, 'lab.padding.same');
    ui.valid.title = t(L, 'lab.padding.validHint');
    ui.same.title = t(L, 'lab.padding.sameHint');
    ui.flipLabel.lastChild.textContent = t(L, 'lab.flip');
    ui.activationLabel.firstChild.textContent = t(L, 'lab.activation');
    ui.activation.replaceChildren(...ACTIVATIONS.map((a) => h('option', { value: a, text: t(L, `lab.activation.${a}`) })));
    ui.poolTypeLabel.firstChild.textContent = t(L, 'lab.poolType');
    ui.poolCeil.root.lastChild.textContent = t(L, 'lab.poolCeil');
    ui.poolCeil.root.title = t(L, 'lab.poolCeilHint');
    ui.poolIncludePad.root.lastChild.textContent = t(L, 'lab.poolIncludePad');
    ui.poolType.replaceChildren(h('option', { value: 'max', text: t(L, 'lab.pool.max') }), h('option', { value: 'avg', text: t(L, 'lab.pool.avg') }));
    ui.back.textContent = t(L, 'lab.anim.back');
    ui.fwd.textContent = t(L, 'lab.anim.step');
    ui.showAll.textContent = t(L, 'lab.anim.all');
    ui.scrubLabel.firstChild.textContent = t(L, 'lab.anim.position');
    ui.formulaTitle.textContent = t(L, 'lab.formula.title');
    ui.pytorchTitle.textContent = t(L, 'lab.pytorch');
    ui.explainHow.textContent = '';
    this.syncControls();
  }

  // ---- state ------------------------------------------------------------

  setField(key, value) {
    this.setFields({ [key]: value });
  }

  setFields(partial) {
    let next = this.state;
    try {
      for (const [k, v] of Object.entries(partial)) next = withField(next, k, v);
    } catch {
      this.syncControls();  // a value the table refuses: the control goes back to the state
      return;
    }
    this.state = next;
    this.afterChange();
  }

  afterChange() {
    // a new input: show a cell where something happens rather than a blank corner
    if (this.state.input !== this.shownInput) this.pickCell = true;
    this.shownInput = this.state.input;
    this.stop();
    this.anim.active = false;
    this.syncControls();
    this.dispatchEvent(new CustomEvent('change', { detail: { state: this.getState(), query: toQuery(this.state) } }));
    this.refresh();
  }

  /** Puts the state into every control (after a change from anywhere). */
  syncControls() {
    const s = this.state;
    const ui = this.ui;
    for (const [k, input] of Object.entries(ui.modeGroup.inputs)) input.checked = k === s.mode;
    for (const [k, input] of Object.entries(ui.inputGroup.inputs)) input.checked = k === s.input;
    ui.size.value = String(s.size);
    ui.sizeLabel.hidden = s.input !== 'grid';
    for (const f of ['kernel', 'stride', 'dilation', 'filters', 'poolWindow', 'poolStride', 'poolPadding', 'speed']) {
      ui[f].input.value = String(s[f]);
      ui[f].value.textContent = String(s[f]);
    }
    ui.padding.input.value = String(s.padding);
    ui.padding.value.textContent = s.padMode === 'explicit' ? String(s.padding) : t(this.lang, `lab.padding.${s.padMode}`);
    ui.valid.setAttribute('aria-pressed', String(s.padMode === 'valid'));
    ui.same.setAttribute('aria-pressed', String(s.padMode === 'same'));
    ui.flip.checked = s.flip;
    ui.activation.value = s.activation;
    ui.poolType.value = s.pool;
    ui.poolCeil.input.checked = s.poolCeil;
    ui.poolIncludePad.input.checked = s.poolIncludePad;
    ui.poolIncludePad.root.hidden = s.pool !== 'avg';  // max pooling pads with −∞ and counts nothing
    ui.convSet.hidden = s.mode !== 'conv';
    ui.poolSet.hidden = s.mode !== 'pool';
    ui.kernelCol.hidden = s.mode !== 'conv';
    this.root.dataset.mode = s.mode;
  }

  /** The 1x1 convolution example: two filters that mix the RGB channels pixel by pixel. */
  example1x1() {
    this.setState({
      mode: 'conv', input: 'rgb', kernel: 1, stride: 1, padding: 0, padMode: 'explicit', dilation: 1, filters: 2,
      presets: ['custom', 'custom'], weights: [1, 1, 1, 1, -1, 0], bias: [0, 0], flip: false, activation: 'none',
    });
  }

  // ---- engine -------------------------------------------------------------

  /** Asks the engine for the current settings (at most one request at a time; the newest wins). */
  async refresh() {
    if (this.inFlight) { this.dirty = true; return; }
    this.inFlight = true;
    const gen = ++this.gen;
    const state = this.state;
    const layer = labLayer(state, this.digit);
    let result;
    try {
      const main = await this.client.request('runLayer', {
        spec: layer.spec, shape: layer.shape, input: layer.input, weight: layer.weight, bias: layer.bias, variant: 'ref' });
      result = { ok: true, state, layer, geometry: main.geometry, pre: main.output.data, output: main.output.data };
      const act = activationSpec(state);
      if (act) {
        const a = await this.client.request('runLayer', { spec: act, shape: main.geometry.outShape, input: main.output.data, variant: 'ref' });
        result.output = a.output.data;
      }
      if (state.mode === 'conv' && state.flip) {
        const plain = await this.client.request('runLayer', {
          spec: layer.spec, shape: layer.shape, input: layer.input, weight: layer.shownWeight, bias: layer.bias, variant: 'ref' });
        result.plain = plain.output.data;
      }
    } catch (e) {
      result = { ok: false, state, layer, error: e?.message ?? String(e) };
    }
    this.inFlight = false;
    if (this.dirty) {
      this.dirty = false;
      this.refresh();
      return;
    }
    if (gen !== this.gen) return;
    this.result = result;
    if (result.ok) {
      const [, oc, oh, ow] = result.geometry.outShape;
      this.sel = { c: Math.min(this.sel.c, oc - 1), y: Math.min(this.sel.y, oh - 1), x: Math.min(this.sel.x, ow - 1) };
      if (this.pickCell && state.input !== 'grid') {
        let best = 0;
        for (let i = 1; i < oh * ow; i++) if (Math.abs(result.output[i]) > Math.abs(result.output[best])) best = i;
        this.sel = { c: 0, y: Math.floor(best / ow), x: best % ow };
      }
      this.pickCell = false;
      this.explanation = null;
    } else {
      this.explanation = null;
    }
    this.render();
    this.probe?.setState(state);
    if (result.ok) await this.explain();
    this.dispatchEvent(new CustomEvent('update', { detail: { ok: result.ok, error: result.error ?? null } }));
  }

  async explain() {
    const r = this.result;
    if (!r?.ok) return;
    const gen = ++this.explainGen;
    this.explaining = true;
    const { c, y, x } = this.sel;
    let e;
    try {
      e = await this.client.request('explainCell', {
        spec: r.layer.spec, shape: r.layer.shape, input: r.layer.input, weight: r.layer.weight, bias: r.layer.bias, cell: [0, c, y, x] });
    } catch (err) {
      e = { error: err?.message ?? String(err) };
    }
    if (gen !== this.explainGen) return;
    this.explaining = false;
    if (r !== this.result) return;
    this.explanation = e;
    this.renderInput();
    this.renderKernels();
    this.renderExplain();
  }

  select(c, y, x) {
    this.sel = { c, y, x };
    this.renderOutput();
    this.renderAnim();
    this.explain();
  }

  // ---- animation ------------------------------------------------------------

  positions() {
    const g = this.result?.ok ? this.result.geometry.outShape : null;
    return g ? g[2] * g[3] : 0;
  }

  goTo(pos) {
    const n = this.positions();
    if (!n) return;
    const [, , , ow] = this.result.geometry.outShape;
    const p = Math.max(0, Math.min(n - 1, pos));
    this.anim.active = true;
    this.select(this.sel.c, Math.floor(p / ow), p % ow);
  }

  step(d) {
    const n = this.positions();
    if (!n) return;
    const [, , , ow] = this.result.geometry.outShape;
    const pos = this.anim.active ? this.sel.y * ow + this.sel.x + d : (d > 0 ? 0 : n - 1);
    if (pos >= n) { this.stop(); this.showAll(); return; }
    this.goTo(pos);
  }

  play() {
    if (!this.positions()) return;
    this.anim.playing = true;
    const [, , , ow] = this.result.geometry.outShape;
    if (!this.anim.active || this.sel.y * ow + this.sel.x >= this.positions() - 1) {
      this.anim.active = true;
      this.goTo(0);
    }
    this.renderAnim();
    const tick = () => {
      if (!this.anim.playing) return;
      this.step(1);
      if (this.anim.playing) this.anim.timer = setTimeout(tick, SPEEDS_MS[this.state.speed - 1]);
    };
    this.anim.timer = setTimeout(tick, SPEEDS_MS[this.state.speed - 1]);
  }

  stop() {
    this.anim.playing = false;
    clearTimeout(this.anim.timer);
    this.anim.timer = 0;
    if (this.ui) this.renderAnim();
  }

  showAll() {
    this.stop();
    this.anim.active = false;
    this.renderOutput();
    this.renderAnim();
  }

  // ---- rendering -------------------------------------------------------------

  render() {
    const r = this.result;
    if (r?.ok && r.state.mode === 'conv' && r.state.padMode !== 'explicit') {
      const { top, bottom } = r.geometry.pad;
      this.ui.padding.value.textContent = `${t(this.lang, `lab.padding.${r.state.padMode}`)} (${top === bottom ? top : `${top}/${bottom}`})`;
    }
    this.renderInput();
    this.renderKernels();
    this.renderOutput();
    this.renderFacts();
    this.renderAnim();
    this.renderExplain();
  }

  /** Padding per side for the input view: the engine's, or the state's when there is no result. */
  pads() {
    const r = this.result;
    if (r?.ok) return r.geometry.pad;
    const s = this.state;
    const p = s.mode === 'pool' ? s.poolPadding : s.padMode === 'explicit' ? s.padding : 0;
    return { top: p, bottom: p, left: p, right: p };
  }

  renderInput() {
    const L = this.lang;
    const s = this.state;
    const input = labInput(s, this.digit);
    const pad = this.pads();
    const r = this.result?.ok ? this.result : null;
    const rows = input.height + pad.top + pad.bottom;
    const cols = input.width + pad.left + pad.right;
    const unusedR = r ? r.geometry.unusedRows : 0;
    const unusedC = r ? r.geometry.unusedCols : 0;
    const e = this.explanation && !this.explanation.error ? this.explanation : null;
    const taps = new Map();
    if (e) e.terms.forEach((term, i) => taps.set(`${term.channel}:${term.y}:${term.x}`, i));
    const win = e?.window;
    const size = cellSize(cols, input.channels > 1 ? 250 : 380);
    const editable = s.input === 'grid';
    const m = s.input === 'grid' ? maxAbs(input.data) : 1;
    const padText = s.mode === 'pool' && s.pool === 'max' ? '−∞' : '0';
    this.ui.inputTitle.textContent = t(L, 'lab.inputTitle', { c: input.channels, h: input.height, w: input.width });
    while (this.inputGrids.length > input.channels) this.inputGrids.pop().box.remove();
    while (this.inputGrids.length < input.channels) {
      const ch = this.inputGrids.length;
      const box = h('figure', { class: 'lab-map' });
      const caption = h('figcaption');
      const grid = new GridView(box, { testid: `lab-input-${ch}`, onEdit: (y, x, text, el) => this.editCell(y - this.pads().top, x - this.pads().left, text, el) });
      box.append(caption);
      this.ui.inputMaps.append(box);
      this.inputGrids.push({ box, caption, grid });
    }
    this.inputGrids.forEach(({ caption, grid }, ch) => {
      caption.textContent = input.channels === 3 ? t(L, `lab.channel.${ch}`) : t(L, 'lab.channel.one');
      grid.setLabel(t(L, 'lab.inputGrid', { channel: ch + 1 }));
      const tint = input.channels === 3 ? CHANNEL_TINTS[ch] : [30, 30, 60];
      grid.render(rows, cols, (pr, pc) => {
        const y = pr - pad.top, x = pc - pad.left;
        const inside = y >= 0 && y < input.height && x >= 0 && x < input.width;
        const cls = [];
        const tap = taps.get(`${ch}:${y}:${x}`);
        if (tap !== undefined) cls.push('lab-tap');
        else if (win && y >= win.y && y < win.y + win.height && x >= win.x && x < win.x + win.width && (e.kind === 'conv2d' ? e.terms.some((tt) => tt.channel === ch) : e.cell[1] === ch)) cls.push('lab-window');
        if (e && e.winner >= 0 && tap === e.winner) cls.push('lab-winner');
        if (pr >= rows - unusedR || pc >= cols - unusedC) cls.push('lab-unused');
        if (!inside) {
          cls.push('lab-pad');
          return { text: padText, label: t(L, 'lab.cell.pad', { r: y + 1, c: x + 1 }), cls };
        }
        const v = input.data[(ch * input.height + y) * input.width + x];
        const bg = sequentialColour(v, m, tint);
        return {
          text: fmt(v), value: v, cls, editable, bg, light: needsLightText(bg),
          label: t(L, 'lab.cell.input', { r: y + 1, c: x + 1, v: fmt(v) }),
        };
      }, size);
    });
    this.renderLegend(pad, unusedR, unusedC);
  }

  renderLegend(pad, unusedR, unusedC) {
    const L = this.lang;
    const items = [];
    if (pad.top || pad.bottom || pad.left || pad.right) items.push(['lab-pad', t(L, 'lab.legend.pad')]);
    const g = this.result?.ok ? this.result.geometry : null;
    const dropped = g && (g.droppedRows || g.droppedCols);
    if (unusedR || unusedC) items.push(['lab-unused', t(L, dropped ? 'lab.legend.unusedCeil' : 'lab.legend.unused')]);
    if (this.result?.ok) items.push(['lab-tap', t(L, this.state.mode === 'conv' ? 'lab.legend.tap' : 'lab.legend.window')]);
    if (this.state.mode === 'pool' && this.state.pool === 'max' && this.result?.ok) items.push(['lab-winner', t(L, 'lab.legend.winner')]);
    this.ui.legend.replaceChildren(...items.map(([cls, text]) => h('li', {}, h('span', { class: `lab-swatch ${cls}` }), text)));
  }

  editCell(y, x, text, el) {
    const s = this.state;
    const input = labInput(s, this.digit);
    const v = Number(String(text).trim().replace(/^−/, '-'));
    if (!Number.isFinite(v) || Math.abs(v) > LIMITS.valueMax || String(text).trim() === '') {
      el.value = fmt(input.data[y * input.width + x]);
      el.classList.add('lab-invalid');
      setTimeout(() => el.classList.remove('lab-invalid'), 800);
      return;
    }
    const cells = Array.from(input.data);
    cells[y * input.width + x] = v;
    this.setFields({ cells });
  }

  editWeight(f, ch, ky, kx, text, el) {
    const s = this.state;
    const channels = labInput(s, this.digit).channels;
    const weights = Array.from(labWeights(s, channels));
    const k = s.kernel;
    const i = ((f * channels + ch) * k + ky) * k + kx;
    const v = Number(String(text).trim().replace(/^−/, '-'));
    if (!Number.isFinite(v) || Math.abs(v) > LIMITS.valueMax || String(text).trim() === '') {
      el.value = fmt(weights[i]);
      el.classList.add('lab-invalid');
      setTimeout(() => el.classList.remove('lab-invalid'), 800);
      return;
    }
    weights[i] = v;
    const presets = Array.from({ length: s.filters }, (_, g) => presetOf(s, g));
    presets[f] = 'custom';
    this.setFields({ weights, presets });
  }

  editBias(f, text, el) {
    const v = Number(String(text).trim().replace(/^−/, '-'));
    const bias = Array.from({ length: this.state.filters }, (_, g) => this.state.bias?.[g] ?? 0);
    if (!Number.isFinite(v) || Math.abs(v) > LIMITS.valueMax || String(text).trim() === '') {
      el.value = fmt(bias[f]);
      return;
    }
    bias[f] = v;
    this.setFields({ bias });
  }

  setPreset(f, name) {
    const s = this.state;
    const presets = Array.from({ length: s.filters }, (_, g) => presetOf(s, g));
    if (name === 'custom') {
      // keep the current numbers, now editable as custom weights
      const weights = Array.from(labWeights(s, labInput(s, this.digit).channels));
      presets[f] = 'custom';
      this.setFields({ weights, presets });
      return;
    }
    presets[f] = name;
    this.setFields({ presets });
  }

  renderKernels() {
    const L = this.lang;
    const s = this.state;
    if (s.mode !== 'conv') return;
    const channels = labInput(s, this.digit).channels;
    const k = s.kernel;
    const weights = labWeights(s, channels);
    const flipped = s.flip ? flipKernels(weights, k) : null;
    const e = this.explanation && !this.explanation.error && this.explanation.kind === 'conv2d' ? this.explanation : null;
    const m = maxAbs(weights);
    const size = cellSize(k, 200, 40);
    this.ui.kernelTitle.textContent = t(L, 'lab.filtersTitle');
    this.ui.kernelHint.textContent = t(L, 'lab.filtersHint', { n: s.filters, k, c: channels });
    const sig = `${s.filters}:${channels}:${k}:${s.flip}:${this.lang}`;
    if (this.kernelSig !== sig) {
      this.kernelSig = sig;
      this.kernelBlocks = [];
      this.ui.kernelMaps.replaceChildren();
      for (let f = 0; f < s.filters; f++) {
        const preset = h('select', { 'data-testid': `lab-preset-${f}`, onchange: () => this.setPreset(f, preset.value) });
        preset.append(...PRESETS.map((p) => h('option', { value: p, text: t(L, `lab.preset.${p}`) })));
        const bias = h('input', { type: 'text', inputmode: 'decimal', class: 'lab-bias', 'data-testid': `lab-bias-${f}` });
        bias.addEventListener('change', () => this.editBias(f, bias.value, bias));
        const slices = h('div', { class: 'lab-slices' });
        const flippedSlices = h('div', { class: 'lab-slices lab-flipped' });
        const grids = [];
        const flipGrids = [];
        for (let ch = 0; ch < channels; ch++) {
          const fig = h('figure', { class: 'lab-map' });
          const grid = new GridView(fig, { testid: `lab-weight-${f}-${ch}`, onEdit: (ky, kx, text, el) => this.editWeight(f, ch, ky, kx, text, el) });
          if (channels > 1) fig.append(h('figcaption', { text: t(L, `lab.channel.${ch}`) }));
          slices.append(fig);
          grids.push(grid);
          if (flipped) {
            const ffig = h('figure', { class: 'lab-map' });
            flipGrids.push(new GridView(ffig, {}));
            flippedSlices.append(ffig);
          }
        }
        const block = h('div', { class: 'lab-filter', 'data-testid': `lab-filter-${f}` },
          h('div', { class: 'lab-filter-head' }, h('strong', { text: t(L, 'lab.filterN', { n: f + 1 }) }),
            h('label', { class: 'lab-inline' }, h('span', { text: t(L, 'lab.preset') }), preset)),
          slices,
          flipped ? h('p', { class: 'lab-flip-caption', text: t(L, 'lab.flipped') }) : null,
          flipped ? flippedSlices : null,
          h('label', { class: 'lab-inline lab-bias-label' }, h('span', { text: t(L, 'lab.bias') }), bias));
        this.ui.kernelMaps.append(block);
        this.kernelBlocks.push({ block, preset, bias, grids, flipGrids });
      }
    }
    this.kernelBlocks.forEach((b, f) => {
      b.preset.value = presetOf(s, f);
      if (b.bias !== b.bias.getRootNode().activeElement) b.bias.value = fmt(s.bias?.[f] ?? 0);
      b.block.classList.toggle('lab-active', !!e && e.cell[1] === f);
      for (let ch = 0; ch < channels; ch++) {
        const base = (f * channels + ch) * k * k;
        const cellOf = (src, editable) => (ky, kx) => {
          const v = src[base + ky * k + kx];
          const used = e && e.cell[1] === f ? e.terms.some((tt) => tt.channel === ch && tt.ky === ky && tt.kx === kx) : false;
          const bg = divergingColour(v, m);
          return {
            text: fmt(v), value: v, editable, bg, light: needsLightText(bg),
            cls: used ? ['lab-tap'] : [],
            label: t(L, 'lab.cell.weight', { r: ky + 1, c: kx + 1, v: fmt(v) }),
          };
        };
        b.grids[ch].setLabel(t(L, 'lab.weightGrid', { n: f + 1, channel: ch + 1 }));
        b.grids[ch].render(k, k, cellOf(weights, true), size);
        if (flipped) b.flipGrids[ch].render(k, k, cellOf(flipped, false), Math.min(size, 26));
      }
    });
  }

  renderOutput() {
    const L = this.lang;
    const r = this.result;
    const ui = this.ui;
    if (!r) return;
    if (!r.ok) {
      ui.error.hidden = false;
      ui.error.textContent = t(L, 'lab.impossible', { message: r.error });
      ui.outputMaps.hidden = true;
      ui.outputTitle.textContent = t(L, 'lab.outputTitle.none');
      this.root.dataset.state = 'error';
      return;
    }
    ui.error.hidden = true;
    ui.outputMaps.hidden = false;
    this.root.dataset.state = 'ok';
    const [, oc, oh, ow] = r.geometry.outShape;
    ui.outputTitle.textContent = t(L, r.state.mode === 'conv' ? 'lab.outputTitle.conv' : 'lab.outputTitle.pool', { c: oc, h: oh, w: ow });
    while (this.outputGrids.length > oc) this.outputGrids.pop().box.remove();
    while (this.outputGrids.length < oc) {
      const ch = this.outputGrids.length;
      const box = h('figure', { class: 'lab-map' });
      const caption = h('figcaption');
      const grid = new GridView(box, { selectable: true, testid: `lab-output-${ch}`, onSelect: (y, x) => { this.anim.active = false; this.stop(); this.select(ch, y, x); } });
      box.append(caption);
      ui.outputMaps.append(box);
      this.outputGrids.push({ box, caption, grid });
    }
    const m = maxAbs(r.output);
    const size = cellSize(ow, oc > 1 ? 250 : 380);
    const hideFrom = this.anim.active ? this.sel.y * ow + this.sel.x : Infinity;
    this.outputGrids.forEach(({ caption, grid }, ch) => {
      caption.textContent = r.state.mode === 'conv' ? t(L, 'lab.featureMap', { n: ch + 1 }) : t(L, 'lab.pooledMap', { n: ch + 1 });
      grid.setLabel(t(L, 'lab.outputGrid', { n: ch + 1 }));
      grid.render(oh, ow, (y, x) => {
        const i = (ch * oh + y) * ow + x;
        const v = r.output[i];
        const cls = [];
        const selected = ch === this.sel.c && y === this.sel.y && x === this.sel.x;
        if (selected) cls.push('lab-selected');
        if (ch === this.sel.c && y * ow + x > hideFrom) cls.push('lab-hidden');
        if (r.plain && r.plain[i] !== r.pre[i]) cls.push('lab-diff');
        const bg = divergingColour(v, m);
        return {
          text: fmt(v), value: v, cls, bg, light: needsLightText(bg),
          label: t(L, 'lab.cell.output', { r: y + 1, c: x + 1, v: fmt(v) }),
        };
      }, size);
      grid.select(ch === this.sel.c ? this.sel.y : null, this.sel.x);
    });
  }

  renderFacts() {
    const L = this.lang;
    const s = this.state;
    const r = this.result;
    const ui = this.ui;
    const input = labInput(s, this.digit);
    const conv = s.mode === 'conv';
    ui.pytorch.textContent = pytorchLines(s, input.channels).join('\n');
    ui.channels.hidden = true;
    ui.flipNote.hidden = true;
    ui.unused.hidden = true;
    if (!r?.ok) {
      ui.formula.replaceChildren(h('p', { text: conv ? t(L, 'lab.formula.conv') : t(L, 'lab.formula.pool') }),
        h('p', { class: 'lab-formula-none', text: t(L, 'lab.formula.none') }));
      ui.outShape.textContent = '';
      ui.params.textContent = '';
      ui.macs.textContent = '';
      return;
    }
    const g = r.geometry;
    const [, oc, oh, ow] = g.outShape;
    const lines = [];
    const sides = [['h', input.height, g.pad.top, g.pad.bottom, g.kernel[0], g.stride[0], g.dilation[0], oh, g.droppedRows],
      ['w', input.width, g.pad.left, g.pad.right, g.kernel[1], g.stride[1], g.dilation[1], ow, g.droppedCols]];
    const same = sides[0].slice(1).join() === sides[1].slice(1).join();
    const ceil = !conv && r.layer.spec.ceil_mode;
    const [open, close] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
    for (const [axis, n, p0, p1, k, st, d, out, dropped] of same ? [sides[0]] : sides) {
      const padPart = p0 === p1 ? `2·${p0}` : `${p0} + ${p1}`;
      const body = conv ? `${n} + ${padPart} − ${d}·(${k} − 1) − 1` : `${n} + ${padPart} − ${k}`;
      lines.push(h('p', { class: 'lab-formula-line', 'data-testid': `lab-formula-${axis}` },
        h('span', { class: 'lab-formula-axis', text: t(L, same ? 'lab.formula.both' : `lab.formula.${axis}`) }),
        h('code', { text: `${open}(${body}) / ${st}${close} + 1${dropped ? ' − 1' : ''} = ${out}` })));
    }
    if (g.droppedRows || g.droppedCols) lines.push(h('p', { class: 'lab-hint', 'data-testid': 'lab-formula-dropped', text: t(L, 'lab.formula.dropped') }));
    const general = conv ? 'lab.formula.conv' : ceil ? 'lab.formula.poolCeil' : 'lab.formula.pool';
    ui.formula.replaceChildren(h('p', { class: 'lab-formula-general' }, h('code', { text: t(L, general) })), ...lines);
    ui.outShape.textContent = t(L, 'lab.outShape', { c: oc, h: oh, w: ow });
    if (conv) {
      const k = g.kernel;
      ui.params.textContent = t(L, 'lab.params.conv', { kh: k[0], kw: k[1], cin: input.channels, cout: oc, n: g.params });
      ui.macs.textContent = t(L, 'lab.macs.conv', { oh, ow, cout: oc, kh: k[0], kw: k[1], cin: input.channels, n: g.macs });
      if (input.channels > 1 || oc > 1) {
        ui.channels.hidden = false;
        ui.channels.textContent = t(L, 'lab.channelsNote', { cin: input.channels, k: s.kernel, cout: oc });
      }
      if (s.flip && r.plain) {
        let differ = 0;
        for (let i = 0; i < r.plain.length; i++) if (r.plain[i] !== r.pre[i]) differ++;
        ui.flipNote.hidden = false;
        ui.flipNote.textContent = differ
          ? t(L, 'lab.flipNote.differ', { n: differ, total: r.plain.length })
          : t(L, 'lab.flipNote.same');
      }
    } else {
      ui.params.textContent = t(L, 'lab.params.pool');
      ui.macs.textContent = t(L, s.pool === 'max' ? 'lab.macs.max' : 'lab.macs.avg', { k: s.poolWindow });
    }
    if (g.unusedRows || g.unusedCols) {
      ui.unused.hidden = false;
      const stride = conv ? s.stride : s.poolStride;
      const which = g.droppedRows || g.droppedCols ? 'ceil' : g.unusedRows && g.unusedCols ? 'both' : g.unusedRows ? 'rows' : 'cols';
      ui.unused.textContent = t(L, `lab.unused.${which}`, { stride, rows: g.unusedRows, cols: g.unusedCols });
    }
  }

  renderAnim() {
    const L = this.lang;
    const ui = this.ui;
    const n = this.positions();
    ui.play.textContent = t(L, this.anim.playing ? 'lab.anim.pause' : 'lab.anim.play');
    ui.play.setAttribute('aria-pressed', String(this.anim.playing));
    ui.scrub.max = String(Math.max(0, n - 1));
    if (!n) {
      ui.position.textContent = t(L, 'lab.anim.none');
      return;
    }
    const [, , , ow] = this.result.geometry.outShape;
    const pos = this.sel.y * ow + this.sel.x;
    ui.scrub.value = String(pos);
    const where = t(L, 'lab.anim.where', { n: pos + 1, total: n, r: this.sel.y + 1, c: this.sel.x + 1 });
    ui.scrub.setAttribute('aria-valuetext', where);
    ui.position.textContent = where;
  }

  renderExplain() {
    const L = this.lang;
    const ui = this.ui;
    const r = this.result;
    const e = this.explanation;
    if (!r?.ok) {
      ui.explainTitle.textContent = t(L, 'lab.explain.title');
      ui.explainHow.textContent = '';
      ui.explainBody.replaceChildren(h('p', { text: t(L, 'lab.explain.none') }));
      ui.explainLive.textContent = '';
      return;
    }
    const { c, y, x } = this.sel;
    const mapName = t(L, r.state.mode === 'conv' ? 'lab.featureMap' : 'lab.pooledMap', { n: c + 1 });
    ui.explainTitle.textContent = t(L, 'lab.explain.cell', { map: mapName, r: y + 1, c: x + 1 });
    if (!e) {
      ui.explainBody.replaceChildren(h('p', { text: t(L, 'lab.explain.waiting') }));
      return;
    }
    if (e.error) {
      ui.explainBody.replaceChildren(h('p', { class: 'lab-error', text: e.error }));
      return;
    }
    const [, , oh, ow] = r.geometry.outShape;
    const cellValue = r.output[(c * oh + y) * ow + x];
    const multi = r.layer.shape[1] > 1;
    const where = (tt) => (tt.padding ? t(L, 'lab.explain.padding') : t(L, 'lab.explain.at', { r: tt.y + 1, c: tt.x + 1 }));
    const rows = [];
    let spoken;
    if (e.kind === 'conv2d') {
      ui.explainHow.textContent = t(L, 'lab.explain.how.conv');
      const head = h('tr', {}, multi ? h('th', { text: t(L, 'lab.explain.channel') }) : null,
        h('th', { text: t(L, 'lab.explain.pixel') }), h('th', { text: t(L, 'lab.explain.value') }), h('th', { text: '×' }),
        h('th', { text: t(L, 'lab.explain.weight') }), h('th', { text: '=' }), h('th', { text: t(L, 'lab.explain.product') }));
      for (const tt of e.terms) {
        rows.push(h('tr', { class: tt.padding ? 'lab-pad-row' : '', 'data-product': tt.padding ? null : String(tt.product) },
          multi ? h('td', { text: t(L, `lab.channel.${tt.channel}`) }) : null,
          h('td', { text: where(tt) }),
          h('td', { text: fmt(tt.value) }), h('td', { text: '×' }), h('td', { text: fmt(tt.weight) }), h('td', { text: '=' }),
          h('td', { text: fmt(tt.product) })));
      }
      const foot = [
        [t(L, 'lab.explain.sum'), fmt(e.sum), 'lab-explain-sum'],
        [t(L, 'lab.explain.bias'), fmt(e.bias), 'lab-explain-bias'],
        [t(L, 'lab.explain.result'), fmt(e.output), 'lab-explain-result', e.output],
      ];
      const act = activationSpec(r.state);
      if (act) foot.push([t(L, `lab.explain.act.${act.type}`, { z: fmt(e.output) }), fmt(cellValue), 'lab-explain-activated', cellValue]);
      const span = multi ? 6 : 5;
      const table = h('table', { class: 'lab-terms' }, h('thead', {}, head), h('tbody', {}, rows),
        h('tfoot', {}, foot.map(([label, value, id, raw]) => h('tr', {},
          h('th', { colspan: span, scope: 'row', text: label }),
          h('td', { 'data-testid': id, 'data-value': raw === undefined ? null : String(raw), text: value })))));
      const real = e.terms.filter((tt) => !tt.padding);
      const term = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
      const products = `${real.map((tt) => `${term(tt.value)}×${term(tt.weight)}`).join(' + ') || '0'} = ${fmt(e.sum)}`;
      const withBias = t(L, 'lab.explain.plusBias', { sum: fmt(e.sum), bias: term(e.bias), out: fmt(e.output) });
      ui.explainBody.replaceChildren(
        h('div', { class: 'lab-equation', 'data-testid': 'lab-equation' }, h('div', { text: products }), h('div', { text: withBias })),
        h('div', { class: 'lab-terms-box' }, table));
      spoken = t(L, 'lab.explain.spoken.conv', {
        r: y + 1, c: x + 1, n: real.length, padding: e.terms.length - real.length,
        products: real.map((tt) => `${fmt(tt.value)} × ${fmt(tt.weight)} = ${fmt(tt.product)}`).join('; '),
        sum: fmt(e.sum), bias: fmt(e.bias), out: fmt(e.output),
      });
      if (act) spoken += ` ${t(L, `lab.explain.act.${act.type}`, { z: fmt(e.output) })} ${fmt(cellValue)}.`;
    } else {
      const isMax = e.kind === 'maxpool2d';
      ui.explainHow.textContent = t(L, isMax ? 'lab.explain.how.max' : 'lab.explain.how.avg');
      const cells = e.terms.map((tt, i) => h('tr', { class: [tt.padding ? 'lab-pad-row' : '', i === e.winner ? 'lab-winner-row' : ''].join(' ').trim() },
        h('td', { text: where(tt) }),
        h('td', { text: fmt(tt.value) + (i === e.winner ? `  ← ${t(L, 'lab.explain.largest')}` : '') })));
      const foot = isMax
        ? [[t(L, 'lab.explain.max'), fmt(e.output), 'lab-explain-result', e.output]]
        : [[t(L, 'lab.explain.sumValues'), fmt(e.sum), 'lab-explain-sum'],
          [t(L, 'lab.explain.divisor'), String(e.divisor), 'lab-explain-divisor'],
          [t(L, 'lab.explain.avg'), fmt(e.output), 'lab-explain-result', e.output]];
      const table = h('table', { class: 'lab-terms' },
        h('thead', {}, h('tr', {}, h('th', { text: t(L, 'lab.explain.pixel') }), h('th', { text: t(L, 'lab.explain.value') }))),
        h('tbody', {}, cells),
        h('tfoot', {}, foot.map(([label, value, id, raw]) => h('tr', {}, h('th', { scope: 'row', text: label }),
          h('td', { 'data-testid': id, 'data-value': raw === undefined ? null : String(raw), text: value })))));
      const real = e.terms.filter((tt) => !tt.padding);
      // the average divides by every value it counts: with count_include_pad, the padding zeros too
      const counted = e.divisor === e.terms.length ? e.terms : real;
      const equation = isMax
        ? `max(${e.terms.map((tt) => fmt(tt.value)).join(', ')}) = ${fmt(e.output)}`
        : `(${counted.map((tt) => fmt(tt.value)).join(' + ') || '0'}) / ${e.divisor} = ${fmt(e.output)}`;
      const padKey = isMax || real.length === e.terms.length ? null : counted.length > real.length ? 'lab.explain.avgPad' : 'lab.explain.avgNoPad';
      const padNote = padKey ? h('p', { class: 'lab-hint', 'data-testid': 'lab-explain-pad-note', text: t(L, padKey) }) : null;
      ui.explainBody.replaceChildren(...[h('p', { class: 'lab-equation', 'data-testid': 'lab-equation', text: equation }), padNote,
        h('div', { class: 'lab-terms-box' }, table)].filter(Boolean));
      const winner = e.terms[e.winner];
      spoken = isMax
        ? t(L, 'lab.explain.spoken.max', { r: y + 1, c: x + 1, values: e.terms.map((tt) => fmt(tt.value)).join(', '), out: fmt(e.output), wr: (winner?.y ?? 0) + 1, wc: (winner?.x ?? 0) + 1 })
        : t(L, 'lab.explain.spoken.avg', { r: y + 1, c: x + 1, values: real.map((tt) => fmt(tt.value)).join(', '), sum: fmt(e.sum), d: e.divisor, out: fmt(e.output) });
    }
    ui.explainLive.textContent = spoken;
  }
}

/** Cell size in CSS pixels for n cells across about `px` pixels. */
function cellSize(n, px, max = 36) {
  return Math.max(9, Math.min(max, Math.floor(px / Math.max(1, n))));
}

