// The convolution and pooling lab: kernel size, stride, padding, dilation,
// filters and pooling as controls; the padded input, the filters and the
// output as grids; the output-size formula, the parameter and multiply-add
// counts with the numbers put in; the kernel sliding step by step; and, for
// any output cell, the exact products and sum that made it.
//
// Every number about the layer comes from the engine (in its Worker):
// runLayer gives the geometry and the output (with the reference kernel, so
// that explainCell's products add up to the shown cell bit for bit) and
// explainCell lists one cell's products.
//
// This file is the glue: it holds the state (the typed table of state.js),
// asks the engine, and hands the answers to its pieces, each a class given a
// container: LabControls, LabInputView, LabFiltersView, LabOutputView,
// LabAnimator, LabExplainView, LabFactsView and the NetworkProbe. The pieces
// report what the reader asks for with events; only this file changes the
// state. No module state, no lookups by id, all text from i18n.js.
//
// Mode 'full' (sizes too large to draw) asks the engine only for the
// geometry and the parameter shapes of one or two convolutions, and shows
// them as a scale drawing (LabFullView) with the formula and the counts.
//
// Events: 'change' { state, query } when a setting changes; 'update' { ok,
// error } when the grids show the result of the current settings.
import { el, watchVisible } from '../dom.js';
import { parseState, withField, toQuery } from './state.js';
import { labLayer, activationSpec, labInput, fullSpecs, fullInput } from './layer.js';
import { ALL_CONTROLS, LabControls } from './controls.js';
import { LabInputView } from './input-view.js';
import { LabFiltersView } from './filters-view.js';
import { LabOutputView } from './output-view.js';
import { LabAnimator } from './animator.js';
import { LabExplainView } from './explain-view.js';
import { LabFactsView } from './facts-view.js';
import { NetworkProbe } from './network-probe.js';
import { LabFullView } from './full-view.js';

export { ALL_CONTROLS };

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
    this.shown = new Set(wanted.filter((c) => ALL_CONTROLS.includes(c)));
    this.digit = options.digit ?? null;
    this.sel = { c: 0, y: 0, x: 0 };
    this.result = null;        // { ok, state, layer, geometry, output, pre, plain, error }
    this.explanation = null;
    this.gen = 0;
    this.explainGen = 0;
    this.explaining = false;  // an explanation is on its way
    this.inFlight = false;
    this.dirty = false;
    this.shownInput = this.state.input;
    this.pickCell = this.state.input !== 'grid';
    this.build(container);
    this.probe = this.shown.has('network')
      ? new NetworkProbe(this.networkBox, { client: this.client, lang: this.lang, model: options.model, digit: this.digit })
      : null;
    this.sync();
    // A drawing made while the lab is off screen is only sent once it is seen,
    // so the lab never slows the page's own live classification.
    this.staleDigit = false;
    this.watch = watchVisible(this.root, () => { if (this.staleDigit) this.setDigit(this.digit); });
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
    for (const view of Object.values(this.views)) view.setLang(lang);
    this.probe?.setLang(lang);
    this.sync();
    this.render();
  }

  /** The drawn digit (784 values in [0, 1]), or null for the sample digit. */
  setDigit(image) {
    this.digit = image && image.length === 784 ? Float32Array.from(image) : null;
    this.staleDigit = !this.watch.visible;
    if (this.staleDigit) return;
    this.probe?.setDigit(this.digit);
    if (this.state.input === 'digit') this.refresh();
  }

  setModel(model) {
    this.probe?.setModel(model);
  }

  /** The explained output cell: { c, y, x } (channel, row, column). */
  get selection() {
    return { ...this.sel };
  }

  /** Explains output cell (y, x) of channel c. */
  select(c, y, x) {
    this.sel = { c, y, x };
    if (this.result?.full) return;  // nothing drawn cell by cell
    this.renderOutput();
    this.renderAnim();
    this.explain();
  }

  /** Whether the kernel is sliding on its own. */
  get playing() {
    return this.views.animator.playing;
  }

  /** Slides the kernel over the input, one output position at a time. */
  play() {
    this.views.animator.play();
  }

  stop() {
    this.views.animator.stop();
  }

  /**
   * Whether the lab shows the result of its current settings (no request on
   * its way) and, when they work, the selected cell's explanation.
   */
  get settled() {
    const r = this.result;
    return !this.inFlight && !this.dirty && !!r && r.state === this.state && (!r.ok || !!r.full || (!!this.explanation && !this.explaining));
  }

  destroy() {
    this.watch.disconnect();
    this.stop();
    this.probe?.destroy();
    this.root.remove();
  }

  // ---- building ---------------------------------------------------------

  build(container) {
    const lang = this.lang;
    const root = el('div', { class: 'lab', 'data-testid': 'lab' });
    this.root = root;
    const controls = new LabControls(root, { lang, controls: this.shown, uid: Math.random().toString(36).slice(2, 10) });
    const stage = el('div', { class: 'lab-stage' });
    root.append(stage);
    const input = new LabInputView(stage, { lang });
    const filters = new LabFiltersView(stage, { lang });
    const output = new LabOutputView(stage, { lang });
    const full = new LabFullView(root, { lang });
    const animator = new LabAnimator(this.shown.has('animation') ? root : null, { lang, speed: this.state.speed });
    const lower = el('div', { class: 'lab-lower' });
    root.append(lower);
    const explain = new LabExplainView(lower, { lang });
    const facts = new LabFactsView(lower, { lang, pytorch: this.shown.has('pytorch') });
    this.networkBox = el('div', { class: 'lab-network' });
    if (this.shown.has('network')) root.append(this.networkBox);
    container.append(root);
    this.views = { controls, input, filters, output, animator, explain, facts, full };

    const fields = (e) => this.setFields(e.detail.fields);
    for (const view of [controls, input, filters, animator]) view.addEventListener('change', fields);
    controls.addEventListener('example', () => this.example1x1());
    output.addEventListener('select', (e) => {
      animator.reset();
      this.select(e.detail.c, e.detail.y, e.detail.x);
    });
    animator.addEventListener('move', (e) => {
      const ow = this.result.geometry.outShape[3];
      this.select(this.sel.c, Math.floor(e.detail.position / ow), e.detail.position % ow);
    });
    animator.addEventListener('reveal', () => this.renderOutput());
  }

  // ---- state ------------------------------------------------------------

  setFields(partial) {
    let next = this.state;
    for (const [k, v] of Object.entries(partial)) {
      try {
        next = withField(next, k, v);
      } catch {
        this.sync();  // a value the table refuses: the control goes back to the state, and says why
        this.views.controls.showRefused(k, v);
        return;
      }
    }
    this.views.controls.showRefused(null);
    this.state = next;
    this.afterChange();
  }

  afterChange() {
    // a new input: show a cell where something happens rather than a blank corner
    if (this.state.input !== this.shownInput) this.pickCell = true;
    this.shownInput = this.state.input;
    this.views.animator.reset();
    this.sync();
    this.dispatchEvent(new CustomEvent('change', { detail: { state: this.getState(), query: toQuery(this.state) } }));
    this.refresh();
  }

  /** Gives the state to every piece (after a change from anywhere). */
  sync() {
    const s = this.state;
    const input = labInput(s, this.digit);
    this.views.controls.sync(s);
    this.views.animator.setSpeed(s.speed);
    this.views.animator.setMode(s.mode);
    this.views.input.setState(s, input);
    this.views.filters.setState(s, input.channels);
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
    const layer = state.mode === 'full' ? null : labLayer(state, this.digit);
    let result;
    try {
      if (!layer) result = await this.fullResult(state);
      else {
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
      }
    } catch (e) {
      // error: the engine's (English) message; failure: with its code and named numbers, said in the reader's language
      result = { ok: false, state, layer, error: e?.message ?? String(e), failure: { message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} } };
    }
    this.inFlight = false;
    if (this.dirty) {
      this.dirty = false;
      this.refresh();
      return;
    }
    if (gen !== this.gen) return;
    this.result = result;
    if (result.ok && !result.full) {
      const [, oc, oh, ow] = result.geometry.outShape;
      this.sel = { c: Math.min(this.sel.c, oc - 1), y: Math.min(this.sel.y, oh - 1), x: Math.min(this.sel.x, ow - 1) };
      if (this.pickCell && state.input !== 'grid') {
        let best = 0;
        for (let i = 1; i < oh * ow; i++) if (Math.abs(result.output[i]) > Math.abs(result.output[best])) best = i;
        this.sel = { c: 0, y: Math.floor(best / ow), x: best % ow };
      }
      this.pickCell = false;
    }
    this.explanation = null;
    this.render();
    if (!result.full) this.probe?.setState(state);
    if (result.ok && !result.full) await this.explain();
    const ok = result.ok && !result.stackFailure;
    this.dispatchEvent(new CustomEvent('update', { detail: { ok, error: result.error ?? result.stackFailure?.message ?? null } }));
  }

  /**
   * Mode 'full': the engine's geometry and parameter shapes of each
   * convolution, the second one on the first one's output shape. Result:
   * { ok, full: true, state, layer, geometry, layers: [{ spec, shape, geometry, weightShape, biasShape }], stackFailure }
   * (layer and geometry: the first convolution's, as the facts view reads
   * them; stackFailure: why the second one cannot work, or null).
   */
  async fullResult(state) {
    const layers = [];
    let shape = fullInput(state).shape;
    let stackFailure = null;
    for (const spec of fullSpecs(state)) {
      let geometry, shapes;
      try {
        geometry = await this.client.request('layerGeometry', { spec, shape });
        shapes = await this.client.request('paramShapes', { spec });
      } catch (e) {
        if (!layers.length) throw e;  // the first convolution: the lab's usual failure
        stackFailure = { message: e?.message ?? String(e), code: e?.code ?? '', params: e?.params ?? {} };
        break;
      }
      layers.push({ spec, shape, geometry, weightShape: shapes.weightShape, biasShape: shapes.biasShape });
      shape = geometry.outShape;
    }
    return { ok: true, full: true, state, layer: { spec: layers[0].spec, shape: layers[0].shape }, geometry: layers[0].geometry, layers, stackFailure };
  }

  async explain() {
    const r = this.result;
    if (!r?.ok || r.full) return;
    const gen = ++this.explainGen;
    this.explaining = true;
    const { c, y, x } = this.sel;
    let e;
    try {
      e = await this.client.request('explainCell', {
        spec: r.layer.spec, shape: r.layer.shape, input: r.layer.input, weight: r.layer.weight, bias: r.layer.bias, cell: [0, c, y, x] });
    } catch (err) {
      e = { error: err?.message ?? String(err), failure: { message: err?.message ?? String(err), code: err?.code ?? '', params: err?.params ?? {} } };
    }
    if (gen !== this.explainGen) return;
    this.explaining = false;
    if (r !== this.result) return;
    this.explanation = e;
    this.renderInput();
    this.renderFilters();
    this.renderExplain();
  }

  // ---- rendering -------------------------------------------------------------

  render() {
    const r = this.result;
    if (r) this.root.dataset.state = r.ok ? 'ok' : 'error';
    if (r?.state.mode === 'full') {
      this.views.full.render(r.state, r);
      this.renderFacts();
      return;
    }
    if (r?.ok && r.state.mode === 'conv' && r.state.padMode !== 'explicit') this.views.controls.showPadding(r.state.padMode, r.geometry.pad);
    this.renderInput();
    this.renderFilters();
    this.renderOutput();
    this.renderFacts();
    this.renderAnim();
    this.renderExplain();
  }

  /** The explanation to mark on the grids (none while it is on its way, or when it failed). */
  shownExplanation() {
    return this.explanation && !this.explanation.error ? this.explanation : null;
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
    const view = this.views.input;
    view.setState(this.state, labInput(this.state, this.digit));
    view.render({ pad: this.pads(), geometry: this.result?.ok ? this.result.geometry : null, explanation: this.shownExplanation() });
  }

  renderFilters() {
    const view = this.views.filters;
    view.setState(this.state, labInput(this.state, this.digit).channels);
    view.render(this.shownExplanation());
  }

  renderOutput() {
    const r = this.result;
    if (!r) return;
    const hideFrom = r.ok && this.views.animator.active ? this.sel.y * r.geometry.outShape[3] + this.sel.x : Infinity;
    this.views.output.render(r, this.sel, hideFrom);
  }

  renderFacts() {
    const s = this.state;
    this.views.facts.render(s, s.mode === 'full' ? fullInput(s) : labInput(s, this.digit), this.result);
  }

  renderAnim() {
    const r = this.result;
    if (!r?.ok) {
      this.views.animator.show(0);
      return;
    }
    const [, , oh, ow] = r.geometry.outShape;
    this.views.animator.show(oh * ow, this.sel.y * ow + this.sel.x, this.sel.y, this.sel.x);
  }

  renderExplain() {
    this.views.explain.render(this.result, this.sel, this.explanation);
  }
}
