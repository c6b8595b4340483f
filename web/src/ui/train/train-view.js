// Build a network and watch it learn: the architecture editor, the
// hyperparameters, start / pause / one step / reset, the loss and accuracy
// curves (training and held-out, with the previous run's curves beside them),
// images/s and time, the first layer's filters, one image's feature maps, the
// held-out confusion matrix (a cell shows its images), the PyTorch listing
// (with a copy button), the trained network as a model file or an ONNX file,
// and comparisons: one click trains the network again with one setting
// changed (ReLU against sigmoid, padding against none, CNN against a fully
// connected net of as many parameters) and overlays both runs' curves. The run lives in the engine Worker
// (training.js); this view holds its id and polls its progress about 5.5
// times a second while it trains (every view is redrawn then; each frame of
// the page takes time from training on a one-core device).
//
// Given a container and options { lang, client, state (state.js), dataUrl
// (the folder of the training data), controls (the parts shown, a list of
// TRAIN_CONTROLS; all by default), onState(state) (after every change: e.g.
// to write it into the URL), onUseModel({ bytes, dataset, step }) (optional:
// a button then hands the network as it is now, as a model file, e.g. to the
// draw pad), drawing() (optional: the drawn image, c*h*w values in 0..1, or
// null; the feature maps can then show it) }.
// Events: 'run' { id, specs } when a run is made, 'progress' (the Worker's
// progress) after every poll, 'maps' after the feature maps are repainted.
import { el, setText, formatNumber, downloadBytes, fileName } from '../dom.js';
import { t } from '../i18n.js';
import { NetworkView } from '../network-view.js';
import { ArchitectureEditor } from './editor.js';
import { CurveChart } from './curves.js';
import { FiltersView } from './filters.js';
import { ConfusionView } from './confusion.js';
import { HYPER, checkHyper, defaultTrainState, layersToText, COMPARISONS, comparison, fullyConnected } from './state.js';
import { pytorchProgram } from '../pytorch.js';
import { CodeListing } from '../code-listing.js';

const POLL_MS = 180;
const INPUT_SHAPE = [1, 28, 28];
const CLASSES = 10;
// this run's curves, and the previous (or compared) run's
const COLOURS = { train: '#2166ac', heldOut: '#b35806', previousTrain: '#7b3294', previousHeldOut: '#1b7837' };

/** The parts of the view that can be shown or left out (start / pause and the curves always show). */
export const TRAIN_CONTROLS = Object.freeze(['editor', 'pytorch', 'hyper', 'step', 'reset', 'download', 'filters', 'maps',
  'confusion', 'compare']);

export class TrainView extends EventTarget {
  constructor(container, { lang = 'en', client, state, dataUrl, controls = TRAIN_CONTROLS, onState = () => {}, onUseModel = null, drawing = null } = {}) {
    super();
    this.onUseModel = onUseModel;
    this.shows = new Set(controls);
    this.drawing = drawing;
    this.mapsSource = { kind: 'heldOut', index: 0 };
    this.pendingCompare = null;  // { layers, labelA, labelB }: run B when the current run is done
    this.lang = lang;
    this.client = client;
    this.dataUrl = dataUrl;
    this.onState = onState;
    this.state = { ...defaultTrainState(), ...state };
    this.run = null;        // { id, key (the settings it was made with) }
    this.progress = null;
    this.curve = [];        // training: { step, images, loss, accuracy }
    this.heldOut = [];
    this.timer = 0;
    this.busy = null;
    this.root = el('div', { class: 'train' });
    container.append(this.root);
    this.build();
  }

  setLang(lang) {
    this.lang = lang;
    this.editor.setLang(lang);
    this.build(false);
  }

  /** The settings a run is made with, as one comparable string. */
  runKey() {
    const { layers, ...hyper } = this.state;
    return JSON.stringify({ layers, hyper });
  }

  build(withEditor = true) {
    const L = this.lang;
    if (withEditor) {
      this.editorSlot = el('div', { class: 'train-editor-slot' });
      this.editor = new ArchitectureEditor(this.editorSlot, {
        lang: L, client: this.client, layers: this.state.layers, inputShape: INPUT_SHAPE,
        onChange: (change) => this.architectureChanged(change),
      });
    }
    this.inputs = {};
    const field = (name) => {
      const f = HYPER[name];
      let input;
      if (f.type === 'enum') {
        input = el('select', {}, ...f.values.map((v) => el('option', { value: v, text: t(L, `train.${name}.${v}`), selected: v === this.state[name] })));
      } else if (f.type === 'bool') {
        input = el('input', { type: 'checkbox', checked: this.state[name] });
      } else {
        input = el('input', { type: 'text', inputmode: 'decimal', size: 7, value: String(this.state[name]) });
      }
      input.dataset.hyper = name;
      input.addEventListener('change', () => this.hyperChanged(name, input));
      this.inputs[name] = input;
      return el('label', { class: 'train-field' }, el('span', { text: t(L, `train.hyper.${name}`) }), input);
    };
    const button = (key, onclick, testid) => el('button', { type: 'button', text: t(L, key), onclick, 'data-testid': testid });
    this.startButton = button('train.start', () => this.toggle(), 'train-start');
    const shows = (name) => this.shows.has(name);
    this.controls = el('div', { class: 'train-controls' },
      this.startButton, shows('step') ? button('train.step', () => this.stepOnce(), 'train-step') : null,
      shows('reset') ? button('train.reset', () => this.reset(), 'train-reset') : null,
      this.onUseModel ? button('train.useInPad', () => this.useModel(), 'train-use') : null,
      shows('download') ? button('train.download', () => this.download(), 'train-download') : null,
      shows('download') ? button('export.onnx', () => this.downloadOnnx(), 'train-onnx') : null);
    this.compareNote = el('p', { class: 'train-note', 'data-testid': 'train-compare-note', hidden: true });
    this.compareBox = el('div', { class: 'train-compare', role: 'group', 'aria-label': t(L, 'train.compare'), 'data-testid': 'train-compare' },
      el('span', { class: 'train-label', text: t(L, 'train.compare') }),
      ...COMPARISONS.map((kind) => el('button', {
        type: 'button', 'data-compare': kind, text: t(L, `train.compare.${kind}`), title: t(L, `train.compare.${kind}.about`),
        onclick: () => this.compare(kind),
      })),
      this.retrainCompare ? el('button', {
        type: 'button', 'data-compare': 'original', text: t(L, 'train.compare.original'), onclick: () => this.compareOriginal(),
      }) : null,
      this.compareNote);
    this.loadBar = el('progress', { max: 1, value: 0, hidden: true, 'data-testid': 'train-loading' });
    this.status = el('p', { class: 'train-status', 'data-testid': 'train-status', 'aria-live': 'polite' });
    this.message = el('p', { class: 'train-message-text error', role: 'alert', hidden: true, 'data-testid': 'train-message' });
    this.xToggle = el('select', { 'aria-label': t(L, 'train.xAxis'), onchange: () => this.setX() },
      el('option', { value: 'step', text: t(L, 'train.x.step') }), el('option', { value: 'images', text: t(L, 'train.x.images') }));
    const charts = el('div', { class: 'train-charts' });
    this.lossChart = new CurveChart(charts, { title: t(L, 'train.lossChart'), testid: 'train-loss-chart' });
    this.accuracyChart = new CurveChart(charts, { title: t(L, 'train.accuracyChart'), percent: true, testid: 'train-accuracy-chart' });
    const filterBox = el('div', { class: 'train-filter-box' }, el('h4', { text: t(L, 'train.filters') }));
    this.filters = new FiltersView(filterBox, { inputShape: INPUT_SHAPE });
    this.filterNote = el('p', { class: 'train-note', text: t(L, 'train.filtersNote') });
    filterBox.append(this.filterNote);
    const confusionBox = el('div', { class: 'train-confusion-box' }, el('h4', { text: t(L, 'train.confusion') }),
      button('train.evaluate', () => this.evaluate(), 'train-evaluate'));
    this.confusion = new ConfusionView(confusionBox, { lang: L, onCell: (truth, predicted) => this.showExamples(truth, predicted) });
    this.examples = el('div', { class: 'train-examples', 'data-testid': 'train-examples' });
    confusionBox.append(this.examples);
    const listingSlot = el('div', { class: 'train-pytorch' });
    this.listing = new CodeListing(listingSlot, { lang: L, title: 'train.pytorch', testid: 'train-listing' });
    const mapsBox = this.buildMaps();
    const hyper = Object.keys(HYPER).map(field);
    this.root.replaceChildren(...[
      shows('editor') || shows('pytorch') ? el('div', { class: 'train-build' },
        shows('editor') ? el('h3', { text: t(L, 'train.architecture') }) : null, shows('editor') ? this.editorSlot : null,
        shows('pytorch') ? listingSlot : null) : null,
      el('div', { class: 'train-grid' },
        el('div', { class: 'train-run' }, shows('hyper') ? el('h3', { text: t(L, 'train.hyperparameters') }) : null,
          shows('hyper') ? el('div', { class: 'train-hyper' }, ...hyper) : null,
          this.controls, this.loadBar, this.status, this.message, shows('filters') ? filterBox : null),
        el('div', { class: 'train-watch' }, shows('compare') ? this.compareBox : null,
          el('div', { class: 'train-x' }, el('label', {}, el('span', { text: t(L, 'train.xAxis') }), this.xToggle)),
          charts)),
      shows('maps') ? mapsBox : null,
      shows('confusion') ? confusionBox : null].filter(Boolean));
    this.confusion.show(this.lastEvaluation ?? null);
    this.filters.show(this.lastFilters ?? null);
    this.redrawCurves();
    this.setX();
    this.showListing();
    this.showProgress();
    this.showCompareNote();
    this.inputs.momentum.disabled = this.state.optimizer !== 'sgd';
  }

  /** The feature maps of one image (held out, or the drawing), as the network being trained sees it. */
  buildMaps() {
    const L = this.lang;
    this.mapsView?.destroy();
    const source = el('select', { 'aria-label': t(L, 'train.maps.source'), 'data-testid': 'train-maps-source' },
      el('option', { value: 'heldOut', text: t(L, 'train.maps.heldOut'), selected: this.mapsSource.kind === 'heldOut' }),
      this.drawing ? el('option', { value: 'drawing', text: t(L, 'train.maps.drawing'), selected: this.mapsSource.kind === 'drawing' }) : null);
    const index = el('input', { type: 'number', min: 1, value: String(this.mapsSource.index + 1), size: 5, 'data-testid': 'train-maps-index' });
    const pick = (i) => {
      const n = this.heldOutCount ?? 2000;
      this.mapsSource = { kind: 'heldOut', index: ((i % n) + n) % n };
      index.value = String(this.mapsSource.index + 1);
      source.value = 'heldOut';
      this.refreshMaps();
    };
    index.addEventListener('change', () => {
      const v = index.value.trim();
      if (/^\d+$/.test(v) && Number(v) >= 1) pick(Number(v) - 1);
      else index.value = String(this.mapsSource.index + 1);
    });
    source.addEventListener('change', () => {
      this.mapsSource = { ...this.mapsSource, kind: source.value };
      this.refreshMaps();
    });
    const another = el('button', { type: 'button', text: t(L, 'train.maps.another'), 'data-testid': 'train-maps-another',
      onclick: () => pick(this.mapsSource.index + 1 + Math.floor(Math.random() * 97)) });
    this.mapsLabel = el('span', { class: 'train-note', 'data-testid': 'train-maps-label' });
    const slot = el('div', { class: 'train-maps', 'data-testid': 'train-maps' });
    this.mapsWaiting = el('p', { class: 'train-note', text: t(L, 'train.maps.waiting') });
    this.mapsSlot = slot;
    slot.hidden = true;
    this.mapsView = new NetworkView(slot, { lang: L });
    this.mapsKey = '';
    if (this.lastMaps) this.paintMaps(this.lastMaps);
    return el('div', { class: 'train-maps-box' }, el('h4', { text: t(L, 'train.maps') }),
      el('p', { class: 'train-note', text: t(L, 'train.maps.note') }),
      el('div', { class: 'train-maps-pick' },
        el('label', { class: 'train-field' }, el('span', { text: t(L, 'train.maps.source') }), source),
        el('label', { class: 'train-field' }, el('span', { text: t(L, 'train.maps.index') }), index), another, this.mapsLabel),
      this.mapsWaiting, slot);
  }

  /** The chosen image's maps, from the Worker (the network as it is now); null when there is nothing to show yet. */
  async fetchMaps(id) {
    if (!this.shows.has('maps')) return null;
    const { kind, index } = this.mapsSource;
    if (kind === 'drawing') {
      const image = this.drawing?.();
      if (image) return this.client.request('trainMaps', { id, image: Float32Array.from(image) });
    }
    return this.client.request('trainMaps', { id, heldOut: index });
  }

  paintMaps(m) {
    this.lastMaps = m;
    this.mapsSlot.hidden = false;
    this.mapsWaiting.hidden = true;
    // the layers that still have maps: up to the first whose output is a vector
    const flat = m.layers.findIndex((l) => l.outShape.length !== 4);
    const layers = flat < 0 ? m.layers : m.layers.slice(0, flat);
    const key = layers.map((l) => `${l.kind}:${l.outShape.join('x')}`).join(',');
    if (key !== this.mapsKey) {
      this.mapsKey = key;
      this.mapsView.setModel({ layers, inputShape: m.inputShape });
    }
    this.mapsView.update(m.activations.slice(0, layers.length + 1));
    const name = (c) => this.progress?.classes?.[c] ?? String(c);
    setText(this.mapsLabel, m.label === null ? t(this.lang, 'train.maps.ofDrawing')
      : t(this.lang, 'train.maps.label', { n: this.mapsSource.index + 1, label: name(m.label) }));
    this.mapsUpdates = (this.mapsUpdates ?? 0) + 1;
    this.dispatchEvent(new CustomEvent('maps'));
  }

  /** Repaints the maps now (a new image chosen while nothing is running). */
  refreshMaps() {
    const run = this.run;
    if (!run || !this.progress || this.progress.state === 'loading') return;
    this.fetchMaps(run.id).then((m) => {
      if (m && this.run?.id === run.id) this.paintMaps(m);
    }).catch((e) => this.showMessage(e.message));
  }

  setX() {
    const key = this.xToggle.value;
    const label = t(this.lang, key === 'step' ? 'train.x.step' : 'train.x.images');
    this.lossChart.setX(key, label);
    this.accuracyChart.setX(key, label);
  }

  architectureChanged({ layers, description, ok }) {
    this.description = description;
    this.architectureOk = ok && this.outputFits(description);
    if (layers) this.state.layers = layers;
    this.showListing();
    this.settingsChanged();
  }

  outputFits(d) {
    return !!d?.ok && d.outShape.reduce((a, b) => a * b, 1) === CLASSES;
  }

  hyperChanged(name, input) {
    const raw = input.type === 'checkbox' ? input.checked : input.value.trim();
    try {
      this.state[name] = checkHyper(name, raw);
      input.removeAttribute('aria-invalid');
      this.showMessage(null);
    } catch (e) {
      input.setAttribute('aria-invalid', 'true');
      this.showMessage(t(this.lang, 'train.badSetting', { message: e.message }));
      return;
    }
    this.inputs.momentum.disabled = this.state.optimizer !== 'sgd';
    this.settingsChanged();
  }

  /** After any change of the settings: a running run pauses (its curves stay) until Start makes the new one. */
  settingsChanged() {
    this.onState({ ...this.state });
    if (this.pendingCompare && !this.pendingCompare.starting) this.cancelCompare();
    if (this.run && this.run.key !== this.runKey() && this.progress?.running) this.pause();
    this.showProgress();
  }

  showListing() {
    const d = this.description;
    if (!d?.ok) {
      this.listing.setCode(d ? t(this.lang, 'train.cannotTrain', { message: d.error }) : '', { isCode: false });
      return;
    }
    this.listing.setCode(pytorchProgram(d.specs, { inputShape: INPUT_SHAPE }));
  }

  showMessage(text) {
    this.message.hidden = !text;
    this.message.textContent = text ?? '';
  }

  /** Why training cannot start now, or null. */
  blocked() {
    const d = this.description;
    if (!d) return t(this.lang, 'train.checking');
    if (!d.ok) return t(this.lang, 'train.cannotTrain', { message: d.error });
    if (!this.outputFits(d)) return t(this.lang, 'train.classes', { n: d.outShape.reduce((a, b) => a * b, 1), classes: CLASSES });
    return null;
  }

  /** The current run if it was made with the current settings; else a new one (the old one is freed). */
  async ensureRun() {
    const key = this.runKey();
    if (this.run && this.run.key === key) return this.run;
    const why = this.blocked();
    if (why) throw new Error(why);
    await this.dropRun();
    const { layers, dataset, ...hyper } = this.state;
    const made = await this.client.request('trainCreate', {
      layers, inputShape: INPUT_SHAPE, classes: CLASSES, dataset, dataUrl: this.dataUrl, ...hyper,
    });
    if (this.destroyed) {  // the view left the page while the run was being made: it is no one's
      this.client.request('trainDestroy', { id: made.id }).catch(() => {});
      throw new Error('the training view is gone');
    }
    this.run = { id: made.id, key, specs: made.specs };
    this.clearRun();
    this.dispatchEvent(new CustomEvent('run', { detail: { id: made.id, specs: made.specs } }));
    return this.run;
  }

  async dropRun() {
    if (!this.run) return;
    const { id } = this.run;
    this.run = null;
    this.progress = null;
    this.stopPolling();
    await this.client.request('trainDestroy', { id }).catch(() => {});
  }

  /** Runs fn unless another action is under way; errors become the message. */
  async act(fn) {
    if (this.busy) return this.busy;
    this.showMessage(null);
    this.busy = (async () => {
      try {
        await fn();
      } catch (e) {
        this.showMessage(e.message);
      } finally {
        this.busy = null;
        this.showProgress();
      }
    })();
    return this.busy;
  }

  toggle() {
    return this.act(async () => {
      if (this.progress?.running && this.run?.key === this.runKey()) {
        await this.pause();
        return;
      }
      const run = await this.ensureRun();
      if (this.progress?.state === 'done') {  // train again, from the seed's weights
        await this.client.request('trainReset', { id: run.id });
        this.clearRun();
      }
      this.progress = await this.client.request('trainStart', { id: run.id });
      this.startPolling();
    });
  }

  /** Whether a run is training now. */
  get running() {
    return !!this.progress?.running && !!this.run && this.run.key === this.runKey();
  }

  /** Starts (or resumes) training with the current settings, unless it is running. */
  start() {
    if (this.running) return Promise.resolve();
    return this.toggle();
  }

  async pause() {
    if (!this.run) return;
    this.progress = await this.client.request('trainPause', { id: this.run.id });
    await this.poll();
    this.stopPolling();
  }

  stepOnce() {
    return this.act(async () => {
      const run = await this.ensureRun();
      const p = await this.client.request('trainProgress', { id: run.id });
      if (p.state === 'loading') {
        this.progress = p;
        this.startPolling();
        throw new Error(t(this.lang, 'train.stillLoading'));
      }
      if (p.running) await this.client.request('trainPause', { id: run.id });
      this.progress = await this.client.request('trainStep', { id: run.id, steps: 1 });
      await this.poll();
    });
  }

  reset() {
    this.cancelCompare();
    return this.act(async () => {
      this.stopPolling();
      if (this.run && this.run.key === this.runKey()) {
        this.progress = await this.client.request('trainReset', { id: this.run.id });
        this.clearRun();
        await this.poll();
      } else {
        await this.dropRun();
        this.clearRun();
        this.filters.show((this.lastFilters = null));
      }
    });
  }

  /** The images of one cell of the confusion matrix, under it. */
  showExamples(truth, predicted) {
    return this.act(async () => {
      if (!this.run) return;
      const x = await this.client.request('trainExamples', { id: this.run.id, truth, predicted, limit: 40 });
      const size = x.height * x.width;
      const pictures = x.indices.map((_, i) => {
        const c = el('canvas', { class: 'train-example', width: x.width, height: x.height });
        const ctx = c.getContext('2d');
        const img = ctx.createImageData(x.width, x.height);
        for (let k = 0; k < size; k++) {
          const v = 255 - x.pixels[i * size + k];
          img.data.set([v, v, v, 255], 4 * k);
        }
        ctx.putImageData(img, 0, 0);
        return c;
      });
      const name = (c) => this.progress?.classes?.[c] ?? String(c);
      this.examples.replaceChildren(el('p', { text: t(this.lang, 'train.cell', { n: x.indices.length, truth: name(truth), predicted: name(predicted) }) }), el('div', { class: 'train-example-row' }, ...pictures));
    });
  }

  /** The run, once its data is in (else an Error: there is no network to take yet). */
  loadedRun() {
    if (!this.run || !this.progress || this.progress.state === 'loading') throw new Error(t(this.lang, 'train.nothingToSave'));
    return this.run;
  }

  /** The network as it is now, as a model file: Uint8Array. */
  async modelBytes() {
    return (await this.client.request('trainSaveModel', { id: this.loadedRun().id })).bytes;
  }

  /** Hands the network as it is now to onUseModel (the draw pad reads it from then on). */
  useModel() {
    return this.act(async () => {
      const bytes = await this.modelBytes();
      await this.onUseModel({ bytes, dataset: this.state.dataset, step: this.progress.step });
    });
  }

  /** The name of the network as it is now: trained-mnist-step1200. */
  modelName() {
    return `trained-${this.state.dataset}-step${this.progress?.step ?? 0}`;
  }

  /** Saves the network as it is now as a model file (.cnnm), which the page's model loader opens. */
  download() {
    return this.act(async () => {
      const bytes = await this.modelBytes();
      downloadBytes(bytes, fileName(this.modelName(), 'cnnm'));
    });
  }

  /** Saves the network as it is now as an ONNX file, with the data set's class names as its labels. */
  downloadOnnx() {
    return this.act(async () => {
      const { id } = this.loadedRun();
      const name = this.modelName();
      const { bytes } = await this.client.request('trainExportOnnx', { id, metadata: { name, dataset: this.state.dataset } });
      downloadBytes(bytes, fileName(name, 'onnx'));
    });
  }

  /**
   * Sets the editor to `layers` (e.g. the lab's settings on the network),
   * starts training them, and offers to compare them with `original` (the
   * layers before the change), named by `labels` { changed, original }.
   */
  async retrain(layers, { original = null, labels = {} } = {}) {
    this.cancelCompare();
    this.retrainCompare = original ? { layers: original, labelA: labels.changed ?? layersToText(layers), labelB: labels.original ?? layersToText(original) } : null;
    this.build(false);
    await this.editor.setLayers(layers);
    this.runLabelNext = this.retrainCompare?.labelA ?? null;
    return this.start();
  }

  /** One click of a comparison (state.js's COMPARISONS): the current network, then the same with one setting changed. */
  async compare(kind) {
    this.cancelCompare();  // the charts no longer show the comparison named before
    const paramCount = (layers) => this.client.request('describeArchitecture', { layers, inputShape: INPUT_SHAPE }).then((d) => d.paramCount);
    // the fully connected net's parameter count grows by the same number with each hidden unit: the engine's counts at 1 and 2
    const fc = kind === 'dense' ? await Promise.all([1, 2].map((units) => paramCount(fullyConnected(units, CLASSES))))
      .then(([one, two]) => ({ fixed: 2 * one - two, perUnit: two - one })) : null;
    let plan;
    try {
      plan = comparison(kind, this.state.layers, { classes: CLASSES, paramCount: this.description?.paramCount ?? 0, fc });
    } catch {
      this.showMessage(t(this.lang, `train.compare.cannot.${kind}`));
      return undefined;
    }
    // the parameter counts in the names come from the engine
    const other = await paramCount(plan.b.layers);
    const label = (side, count) => ({ key: side.key, params: { ...side.params, count: count ?? 0 } });
    return this.compareWith({ layers: plan.b.layers, labelA: label(plan.a, this.description?.paramCount), labelB: label(plan.b, other) });
  }

  /**
   * A run's name: text, (lang) => text (a name in words, e.g. the lab's "the
   * original network"), or { key, params } of i18n.js (a comparison's side),
   * said in the view's language.
   */
  labelText(label) {
    if (typeof label === 'string') return label;
    if (typeof label === 'function') return label(this.lang);
    return t(this.lang, label.key, { ...label.params, count: formatNumber(label.params.count ?? 0, this.lang) });
  }

  /** After a retrain: the original network, trained the same way, beside the changed one. */
  compareOriginal() {
    return this.retrainCompare ? this.compareWith(this.retrainCompare) : Promise.resolve();
  }

  /**
   * Trains the current settings to the end (or keeps the run that already
   * got there), then `layers` with the same training settings, both runs'
   * curves overlaid and named by labelA and labelB.
   */
  async compareWith({ layers, labelA, labelB }) {
    this.cancelCompare();
    this.pendingCompare = { layers, labelA, labelB };
    this.showCompareNote();
    if (this.run?.key === this.runKey() && this.progress?.state === 'done') return this.compareNext();
    this.runLabelNext = labelA;
    if (this.run?.key === this.runKey()) this.runLabel = labelA;
    await this.start();
    if (!this.running && this.progress?.state === 'done' && this.pendingCompare) return this.compareNext();
    return undefined;
  }

  /** The first run of a comparison is done: the second starts. */
  async compareNext() {
    const plan = this.pendingCompare;
    if (!plan || plan.starting) return;
    plan.starting = true;
    this.runLabel = plan.labelA;
    await this.editor.setLayers(plan.layers);
    this.runLabelNext = plan.labelB;
    this.pendingCompare = null;
    this.compareStarted = plan;
    this.showCompareNote();
    await this.start();
  }

  cancelCompare() {
    this.pendingCompare = null;
    this.compareStarted = null;
    this.showCompareNote();
  }

  /** What the comparison is doing: its first run training, or both runs on the charts. */
  showCompareNote() {
    if (!this.compareNote) return;
    const p = this.pendingCompare ?? this.compareStarted;
    this.compareNote.hidden = !p;
    this.compareNote.textContent = !p ? '' : t(this.lang, this.pendingCompare ? 'train.compare.first' : 'train.compare.second',
      { a: this.labelText(p.labelA), b: this.labelText(p.labelB) });
  }

  /** Forgets what was seen of the run (curves, matrix): it starts again from step 0; its curves stay to compare with. */
  clearRun() {
    if (this.heldOut.length) this.previous = { label: this.runLabel ?? '', curve: this.curve, heldOut: this.heldOut };
    if (!this.runLabelNext && this.compareStarted) this.cancelCompare();  // a run of its own: no longer the comparison
    this.runLabel = this.runLabelNext ?? `${layersToText(this.state.layers)}, ${this.state.optimizer} ${this.state.lr}`;
    this.runLabelNext = null;
    this.examples?.replaceChildren();
    this.curve = [];
    this.heldOut = [];
    this.confusionOf = null;
    this.redrawCurves();
    this.confusion.show((this.lastEvaluation = null));
  }

  evaluate() {
    return this.act(async () => {
      if (!this.run || this.progress?.state === 'loading') throw new Error(t(this.lang, 'train.nothingToEvaluate'));
      const e = await this.client.request('trainEvaluate', { id: this.run.id });
      this.lastEvaluation = e;
      this.confusion.show(e);
    });
  }

  startPolling() {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll().catch((e) => this.showMessage(e.message)), POLL_MS);
  }

  stopPolling() {
    clearInterval(this.timer);
    this.timer = 0;
  }

  /** New curve points, the numbers and the filters, from the Worker. */
  async poll() {
    if (!this.run || this.polling) return;
    this.polling = true;
    const { id } = this.run;
    try {
      const p = await this.client.request('trainProgress', { id, curveFrom: this.curve.length, heldOutFrom: this.heldOut.length });
      if (this.run?.id !== id) return;
      this.progress = p;
      if (p.classes) this.confusion.labels = p.classes;
      if (p.heldOutImages) this.heldOutCount = p.heldOutImages;
      this.curve.push(...p.curve);
      this.heldOut.push(...p.heldOut);
      if (p.state !== 'loading') {
        const [f, m] = await Promise.all([this.client.request('trainFilters', { id }), this.fetchMaps(id)]);
        if (this.run?.id === id) {
          this.filters.show((this.lastFilters = f));
          if (m) this.paintMaps(m);
        }
      }
      this.redrawCurves();
      this.showProgress();
      if (!p.running && p.state !== 'loading') {
        this.stopPolling();
        if (p.state === 'diverged' || p.state === 'failed') {
          this.showMessage(p.message);
          this.cancelCompare();
        }
        if (p.state === 'done' && this.pendingCompare) this.compareNext().catch((e) => this.showMessage(e.message));
        if (p.state === 'done' && this.confusionOf !== id) {
          this.confusionOf = id;
          const e = await this.client.request('trainEvaluate', { id });
          if (this.run?.id === id) this.confusion.show((this.lastEvaluation = e));
        }
      }
      this.dispatchEvent(new CustomEvent('progress', { detail: p }));
    } finally {
      this.polling = false;
    }
  }

  redrawCurves() {
    const L = this.lang;
    const pick = (points, key) => points.map((p) => ({ step: p.step, images: p.images, value: p[key] }));
    const prev = this.previous;
    const named = (which, run) => (prev ? t(L, `train.series.run.${which}`, { run: this.labelText(run) }) : t(L, `train.series.${which}`));
    const series = (key) => [
      ...(prev ? [
        { label: named('train', prev.label), color: COLOURS.previousTrain, points: pick(prev.curve, key) },
        { label: named('heldOut', prev.label), color: COLOURS.previousHeldOut, dashed: true, points: pick(prev.heldOut, key) },
      ] : []),
      { label: named('train', this.runLabel), color: COLOURS.train, points: pick(this.curve, key) },
      { label: named('heldOut', this.runLabel), color: COLOURS.heldOut, dashed: true, points: pick(this.heldOut, key) },
    ];
    this.lossChart.setSeries(series('loss'));
    this.accuracyChart.setSeries(series('accuracy'));
  }

  showProgress() {
    const L = this.lang;
    const p = this.progress;
    const stale = this.run && this.run.key !== this.runKey();
    const running = !!p?.running && !stale;
    setText(this.startButton, t(L, running ? 'train.pause' : p && p.step > 0 && !stale && p.state !== 'done' ? 'train.resume' : 'train.start'));
    this.startButton.disabled = !running && !!this.blocked();
    this.loadBar.hidden = p?.state !== 'loading';
    if (p?.state === 'loading') {
      this.loadBar.max = p.totalBytes || 1;
      this.loadBar.value = p.loadedBytes;
      setText(this.status, t(L, 'train.loading', { mb: (p.loadedBytes / 2 ** 20).toFixed(1), total: (p.totalBytes / 2 ** 20).toFixed(1) }));
      return;
    }
    if (!p) {
      setText(this.status, this.blocked() ?? t(L, this.shows.has('step') ? 'train.idle' : 'train.idleStart'));
      return;
    }
    const pct = (v) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
    this.status.textContent = [
      t(L, 'train.stepOf', { step: formatNumber(p.step, L), total: formatNumber(p.totalSteps ?? 0, L), epoch: Math.min(p.epoch + 1, this.state.epochs), epochs: this.state.epochs }),
      t(L, 'train.lossIs', { loss: p.loss === null ? '–' : p.loss.toFixed(3) }),
      t(L, 'train.accuracyIs', { train: pct(p.accuracy), heldOut: pct(p.heldOutAccuracy) }),
      t(L, 'train.speed', { rate: formatNumber(p.imagesPerSecond, L), seconds: (p.elapsedMs / 1000).toFixed(1) }),
      stale ? t(L, 'train.changed') : p.state === 'done' ? t(L, 'train.done') : '',
    ].filter(Boolean).join(' · ');
  }

  /** Frees the run in the Worker (when the view leaves the page for good). */
  destroy() {
    this.destroyed = true;
    this.cancelCompare();
    this.stopPolling();
    this.mapsView?.destroy();
    return this.dropRun();
  }
}
