// Draw, classify, see every layer: the glue between the draw pad, the
// preprocessing, the engine Worker and the views. It holds no module state;
// each instance is given its containers and options, so several can share a
// page (and, through EngineClient.shared(), one Worker).
//
// The loop: a change of the drawing is preprocessed and sent to the Worker at
// once when the Worker is idle and nothing was sent yet in this animation
// frame; otherwise it goes when the running one returns or at the next frame
// (so at most one run per frame, and the Worker never queues stale drawings).
// The latency reported is from the first pointer event not yet sent to the
// views being updated with its result.
//
// Events: 'update' { latencyMs, engineMs, parts, top, probabilities, empty,
// image (the 28x28 input shown), startedAt, photo: { name, found } or null }
// (parts: where the time went: tick = pointer event to handler, prep, worker
// round trip, render), 'model' { key, trained }, 'error' { message },
// 'photo' { name, found, reason } when a picture was read (refused:
// { name, refused: i18n key }).
//
// A model from elsewhere (openEntry: a dropped file or a URL, model-source.js)
// replaces the open one only once it has opened; until then, and when it
// fails, the previous model stays. Its input normalisation is applied here,
// before the network; a model whose input the pad cannot give takes a
// picked image (ImageInput).
//
// A photo (picked, taken or dropped: photo-view.js) is read by photo.js into
// an ink raster that takes the drawing's place until the pad is drawn on.
import { EngineClient } from '../engine/client.js';
import { DrawPad } from './drawpad.js';
import { mnistPreprocess, centreOfMass } from './preprocess.js';
import { PreprocessView } from './preprocess-view.js';
import { PhotoView } from './photo-view.js';
import { readPhotoFile, readPhoto, PhotoError } from './photo.js';
import { ProbabilityView } from './probabilities.js';
import { NetworkView } from './network-view.js';
import { CostView } from './cost-view.js';
import { MODEL_CATALOGUE, openModel, openSamples, withEntry } from './models.js';
import { ImageInput } from './image-input.js';
import { normalizeInput, SourceError } from './model-source.js';
import { el, pixelImage, formatNumber } from './dom.js';
import { colourTable } from './colormap.js';
import { t, errorText } from './i18n.js';

const START_TIMEOUT_MS = 20000;

export class Playground extends EventTarget {
  /**
   * containers: { draw, network?, cost? } elements to fill.
   * options: lang, client (an EngineClient; the page's shared one by default),
   * models (catalogue entries), model (key of the first), centre (preprocessing on).
   */
  constructor(containers, options = {}) {
    super();
    this.lang = options.lang ?? 'en';
    this.client = options.client ?? null;
    this.models = [...(options.models ?? MODEL_CATALOGUE)];
    this.modelKey = options.model ?? this.models[0]?.key;
    this.centre = options.centre ?? true;
    this.containers = containers;
    this.net = null;          // the open model (see models.js openModel)
    this.sample = null;       // { data, label } when a shipped image is shown
    this.photo = null;        // photo.js readPhoto's result (with name, original) when a photo is shown
    this.photoToken = 0;      // bumps per picture opened: a slower earlier one is dropped
    this.samples = null;      // { images: [{ data, label }], labels } for the current model
    this.inFlight = false;
    this.dirty = false;
    this.since = null;        // time of the first change not yet sent
    this.cause = null;        // what made that change: 'pen' (a stroke, clear, undo) or 'other'
    this.raf = 0;
    this.sentThisFrame = false;
    this.generation = 0;      // bumps on model switch: late results are dropped
    this.build();
  }

  build() {
    const L = this.lang;
    const root = (this.root = el('div', { class: 'dc', onkeydown: (e) => this.onKey(e) }));
    this.status = el('p', { class: 'dc-status', role: 'status', 'data-testid': 'status' });
    this.modelSelect = el('select', { class: 'dc-model', 'data-testid': 'model-select', onchange: () => this.switchModel(this.modelSelect.value) });
    const padBox = el('div', { class: 'dc-pad' });
    this.pad = new DrawPad(padBox, { label: t(L, 'pad.label') });
    this.pad.canvas.dataset.testid = 'drawpad';
    this.pad.addEventListener('change', (e) => this.changed(e.detail.time, this.sample || this.photo ? 'other' : 'pen'));
    this.clearBtn = el('button', { type: 'button', 'data-testid': 'clear', onclick: () => { this.pad.clear(); this.pad.canvas.focus(); } });
    this.undoBtn = el('button', { type: 'button', 'data-testid': 'undo', onclick: () => this.pad.undo() });
    this.hint = el('p', { class: 'dc-hint' });
    const imageBox = (this.imageBox = el('div', { class: 'dc-image', hidden: true }));
    this.imageInput = new ImageInput(imageBox, { lang: L, onImage: () => this.changed(performance.now()) });
    this.padTitle = el('h3');
    const prepBox = el('div', { class: 'dc-prep' });
    this.prep = new PreprocessView(prepBox, { lang: L, centre: this.centre, onToggle: (on) => this.setCentre(on) });
    const probBox = el('div', { class: 'dc-probs' });
    this.probs = new ProbabilityView(probBox, { lang: L, labels: [] });
    this.samplesTitle = el('h3');
    this.samplesNote = el('p', { class: 'dc-samples-note' });
    this.sampleList = el('div', { class: 'dc-sample-list', 'data-testid': 'samples' });
    this.modelLabel = el('label', { class: 'dc-model-label' });
    const buttons = el('div', { class: 'dc-buttons' }, this.clearBtn, this.undoBtn);
    this.padCol = el('div', { class: 'dc-pad-col' }, this.padTitle, padBox, buttons, this.hint);
    const photoBox = el('div', { class: 'dc-photo' });
    this.photoView = new PhotoView({ controls: buttons, hint: this.padCol, stages: photoBox }, { lang: L, onFile: (f) => this.openPhoto(f) });
    this.stopDrops = this.photoView.listen(root);
    root.append(
      el('div', { class: 'dc-toolbar' }, this.modelLabel, this.modelSelect, this.status),
      el('div', { class: 'dc-main' }, imageBox, this.padCol, (this.prepBox = prepBox), probBox),
      photoBox,
      (this.samplesBox = el('div', { class: 'dc-samples' }, this.samplesTitle, this.samplesNote, this.sampleList)));
    this.containers.draw.append(root);
    if (this.containers.network) this.network = new NetworkView(this.containers.network, { lang: L });
    if (this.containers.cost) this.cost = new CostView(this.containers.cost, { lang: L });
    this.texts();
  }

  texts() {
    const L = this.lang;
    this.padTitle.textContent = t(L, 'pad.title');
    this.pad.setLabel(t(L, 'pad.label'));
    this.clearBtn.textContent = t(L, 'pad.clear');
    this.undoBtn.textContent = t(L, 'pad.undo');
    this.hint.textContent = t(L, 'pad.hint');
    this.modelLabel.textContent = t(L, 'model.label');
    this.modelSelect.replaceChildren(...this.models.map((m) =>
      el('option', { value: m.key, text: this.modelName(m.key), selected: m.key === this.modelKey })));
    this.samplesTitle.textContent = t(L, isFashion(this.net) ? 'samples.titleFashion' : 'samples.title');
    this.samplesNote.textContent = this.samples?.error ? t(L, 'samples.failed', { message: this.samples.error })
      : this.samples?.images?.length ? t(L, 'samples.note') : t(L, 'samples.none');
    this.samplesNote.classList.toggle('error', !!this.samples?.error);
    this.samplesBox.hidden = !!this.net && !this.net.entry?.samples;  // a model from elsewhere has none
    this.labelSamples();
    this.probs.setLabels(this.labels());
    this.probs.setEmptyText(this.emptyText());
    this.prep.setSampleCaption(isFashion(this.net) ? 'prep.sampleFashion' : 'prep.sample');
    this.showStatus();
  }

  /** What the answer says with nothing to read: "draw a digit", or that a photo holds none. */
  emptyText() {
    if (!this.padFits()) return t(this.lang, 'probs.emptyImage');
    if (this.photo && !this.photo.found) return t(this.lang, 'photo.noDigit');
    if (isFashion(this.net)) return t(this.lang, 'probs.emptyFashion');
    // a model from elsewhere that does not read digits (its classes are not 0, 1, 2, ...) is not asked for one
    const digits = this.labels().every((label, k) => label === String(k));
    return t(this.lang, digits ? 'probs.empty' : 'probs.emptyOther');
  }

  setLang(lang) {
    this.lang = lang;
    this.imageInput.setLang(lang);
    this.photoView.setLang(lang);
    this.prep.setLang(lang);
    this.probs.setLang(lang);
    this.network?.setLang(lang);
    this.cost?.setLang(lang);
    this.texts();
  }

  /** Class names: the language's own for known data sets, else the model's (or those given with it). */
  labels() {
    const n = this.net?.layers?.at(-1)?.outShape?.[1] ?? 10;
    const given = this.net?.entry?.labels || this.net?.entry?.labelsUrl;
    const key = isFashion(this.net) && !given ? 'labels.fashion' : null;
    return Array.from({ length: n }, (_, k) => {
      if (key) {
        const s = t(this.lang, `${key}.${k}`);
        if (s !== `${key}.${k}`) return s;
      }
      return String(this.net?.labels?.[k] ?? k);
    });
  }

  /** A model's name in the reader's language: the catalogue's, or the file's. */
  modelName(key) {
    const entry = this.models.find((m) => m.key === key);
    return entry?.name ? t(this.lang, 'model.custom', { name: entry.name }) : t(this.lang, `model.${key}`);
  }

  /** Whether the open model takes what the draw pad gives (1x28x28). */
  padFits() {
    const s = this.net?.inputShape;
    return !s || (s[1] === 1 && s[2] === 28 && s[3] === 28);
  }

  setStatus(kind, key, params = {}) {
    this.statusState = { kind, key, params };
    this.showStatus();
  }

  showStatus() {
    const s = this.statusState;
    // a model's name is kept as its key, so it follows a change of language
    // numbers are written in the reader's language (1,975 / 1975)
    const params = s?.params && Object.fromEntries(Object.entries(s.params).map(([k, v]) =>
      [k, typeof v === 'number' ? formatNumber(v, this.lang) : v]));
    if (params?.modelKey) params.name = this.modelName(params.modelKey);
    if (params?.failure) params.message = this.errorMessage(params.failure);  // said again in a new language
    this.status.textContent = s ? t(this.lang, s.key, params) : '';
    this.status.className = `dc-status${s?.kind === 'error' ? ' error' : s?.kind === 'warn' ? ' warn' : ''}`;
    this.status.setAttribute('role', s?.kind === 'error' ? 'alert' : 'status');
  }

  /** MNIST's preparation on (crop, fit, centre) or off (the whole pad, shrunk). */
  setCentre(on) {
    if (on === this.centre) return;
    this.centre = on;
    this.prep.setCentre(on);
    this.changed(performance.now());
  }

  /** Starts the engine and opens the first model. Errors end up on the page. */
  async start() {
    this.setStatus('info', 'engine.loading');
    this.changed(performance.now());
    try {
      this.client ??= EngineClient.shared();
      await withTimeout(this.client.request('info'), START_TIMEOUT_MS, 'the engine did not answer');
    } catch (e) {
      this.fail('engine.failed', e);
      return;
    }
    await this.switchModel(this.modelKey);
  }

  fail(key, e) {
    const message = this.errorMessage(e);
    this.setStatus('error', key, { failure: e });
    this.network?.showError(t(this.lang, key, { message }));
    this.dispatchEvent(new CustomEvent('error', { detail: { message } }));
  }

  /** A failure as the reader's sentence: a model source's problem, an engine code, or the message. */
  errorMessage(e) {
    if (e instanceof SourceError) return t(this.lang, e.key, e.params);
    return errorText(this.lang, e);
  }

  async switchModel(key) {
    const entry = this.models.find((m) => m.key === key);
    if (!entry || this.destroyed) return;
    await this.openEntry(entry);
  }

  /**
   * Opens a model: a catalogue entry, or one from elsewhere (openModel's
   * entries: { key, name, url or bytes, what, normalize, labels, labelsUrl }),
   * which joins the model picker in place of the previous one from
   * elsewhere. Resolves to null when it is open (or superseded), else to the
   * failure (errorMessage() says it); the previous model then stays.
   */
  async openEntry(entry) {
    if (this.destroyed) return null;
    const gen = ++this.generation;
    const old = this.net;
    const oldKey = this.modelKey;
    this.setStatus('info', 'model.loading', { modelKey: entry.name ? null : entry.key, name: entry.name });
    let net;
    try {
      net = await openModel(this.client, entry);
    } catch (e) {
      if (gen !== this.generation) return null;
      this.generation++;  // runs of the previous model go on
      this.modelKey = oldKey;
      this.modelSelect.value = oldKey;
      if (old) {
        const message = this.errorMessage(e);
        this.setStatus('error', entry.name ? 'import.failed' : 'model.failed', { file: entry.name, failure: e });
        this.dispatchEvent(new CustomEvent('error', { detail: { message } }));
        this.inFlight = false;
        this.changed(performance.now());
      } else {
        this.fail('model.failed', e);
      }
      return e;
    }
    if (gen !== this.generation) {
      this.client.request('destroyNetwork', { id: net.id }).catch(() => {});
      return null;
    }
    if (old) this.client.request('destroyNetwork', { id: old.id }).catch(() => {});
    this.models = withEntry(this.models, entry);
    const key = entry.key;
    this.modelKey = key;
    this.net = net;
    this.sample = null;
    this.samples = null;
    this.renderSamples();
    this.network?.setModel({ layers: net.layers, inputShape: net.inputShape });
    this.cost?.setModel({ layers: net.layers, paramCount: net.paramCount });
    const right = Number(net.metadata?.heldout_correct), total = Number(net.metadata?.heldout_total);
    const acc = Number.isInteger(right) && Number.isInteger(total) && total > 0;
    const fits = this.padFits();
    this.padCol.hidden = !fits;
    this.imageBox.hidden = fits;
    this.prepBox.hidden = !fits;
    this.imageInput.setShape(fits ? null : net.inputShape.slice(1));
    this.prep.setNormalize(net.metadata?.normalize ?? null);
    if (!net.trained) this.setStatus('warn', 'model.untrained', { modelKey: key });
    else if (entry.name) {
      const [, c, h, w] = net.inputShape;
      this.setStatus('info', 'model.imported', { name: entry.name, c, h, w });
    }
    else if (acc) this.setStatus('info', 'model.accuracy', { modelKey: key, right, total });
    else this.setStatus('info', 'model.ready', { modelKey: key });
    this.texts();
    this.dispatchEvent(new CustomEvent('model', { detail: { key, trained: net.trained } }));
    this.loadFilters(net, gen);
    this.loadSamples(entry, gen);
    this.inFlight = false;
    this.changed(performance.now());
    return null;
  }

  async loadFilters(net, gen) {
    const first = net.layers.findIndex((l) => l.kind === 'conv2d');
    if (first < 0 || !this.network) return;
    try {
      const p = await this.client.request('layerParams', { id: net.id, index: first });
      if (gen === this.generation && p.weight && p.weightShape) this.network.setFilters(first + 1, p.weight, p.weightShape);
    } catch { /* filters are an extra: the maps still show */ }
  }

  async loadSamples(entry, gen) {
    if (!entry.samples) return;
    try {
      const samples = await openSamples(entry);
      if (gen !== this.generation) return;
      this.samples = samples;
    } catch (e) {
      if (gen === this.generation) this.samples = { images: [], error: e.message };
    }
    this.renderSamples();
    this.texts();
  }

  /** One button per shipped image (drawn once per model; texts() only relabels them). */
  renderSamples() {
    const images = this.samples?.images ?? [];
    const gray = colourTable('gray');
    this.sampleList.replaceChildren(...images.map((img) => el('button', {
      type: 'button', class: 'sample-btn', 'data-label': img.label, onclick: () => this.showSample(img),
    }, pixelImage(img.data, 0, 28, 28, gray, 0, 1, 'sample'))));
  }

  labelSamples() {
    const labels = this.labels();
    const images = this.samples?.images ?? [];
    [...this.sampleList.children].forEach((button, i) => {
      const name = labels[images[i].label] ?? String(images[i].label);
      button.title = name;
      button.setAttribute('aria-label', t(this.lang, 'samples.pick', { n: i + 1, label: name }));
    });
  }

  showSample(img) {
    this.sample = img;
    this.dropPhoto();
    this.pad.setImage(img.data, 28, 28);  // fires 'change'
  }

  /**
   * Reads a picture file (photo.js) and shows it in the pad's place. A file
   * the browser cannot read, or one too large or too small, is refused with a
   * message and the drawing stays. Resolves to the reading, or null.
   */
  async openPhoto(file) {
    if (this.destroyed) return null;
    const token = ++this.photoToken;
    const name = String(file?.name ?? '');
    this.photoView.reading(name);
    let photo;
    try {
      const px = await readPhotoFile(file);
      photo = { name, original: px.original, rgba: px.rgba, ...readPhoto(px.rgba, px.w, px.h) };
    } catch (e) {
      if (token !== this.photoToken || this.destroyed) return null;
      if (!(e instanceof PhotoError)) {
        this.photoView.update(this.photo);
        this.fail('photo.failed', e);
        return null;
      }
      const problem = { key: e.key, params: e.params };
      this.photoView.refused(problem);  // what was shown before stays
      this.dispatchEvent(new CustomEvent('photo', { detail: { name, refused: problem.key } }));
      return null;
    }
    if (token !== this.photoToken || this.destroyed) return null;
    this.sample = null;
    this.photo = photo;
    this.photoView.update(photo);
    this.probs.setEmptyText(this.emptyText());
    this.dispatchEvent(new CustomEvent('photo', { detail: { name, found: photo.found, reason: photo.reason } }));
    this.pad.setImage(photo.ink, photo.inkSize, photo.inkSize);  // fires 'change'
    return photo;
  }

  /** The photo leaves (the pad was drawn on, or a sample was picked). */
  dropPhoto() {
    if (!this.photo) return;
    this.photo = null;
    this.photoView.update(null);
    this.probs.setEmptyText(this.emptyText());
  }

  onKey(e) {
    if (e.target.closest?.('input, select, textarea')) return;
    if (e.key === 'Escape' || e.key === 'Delete') {
      this.pad.clear();
      e.preventDefault();
    } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      this.pad.undo();
      e.preventDefault();
    }
  }

  /**
   * The drawing changed at `time`. Sends it at once when the Worker is idle
   * and nothing was sent yet in this animation frame (Chromium delivers
   * pointer moves once per frame, so this is one run per frame at most);
   * otherwise it goes when the running one returns or at the next frame.
   */
  changed(time, cause = 'other') {
    if (this.destroyed) return;
    if (this.since === null) {
      this.since = time;
      this.cause = cause;
    }
    this.dirty = true;
    if (!this.inFlight && !this.sentThisFrame) this.tick();
    if (!this.raf) {
      this.raf = requestAnimationFrame(() => {
        this.raf = 0;
        this.sentThisFrame = false;
        if (this.dirty && !this.inFlight) this.tick();
      });
    }
  }

  /**
   * Frees everything it made: its network in the Worker (and one still being
   * opened, when it arrives), its frame callback, its views' observers and
   * its elements. Answers that arrive later are dropped.
   */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.generation++;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    const net = this.net;
    this.net = null;
    if (net) this.client?.request('destroyNetwork', { id: net.id }).catch(() => {});
    this.photoToken++;
    this.stopDrops();
    this.photoView.destroy();
    this.pad.destroy();
    this.network?.destroy();
    this.cost?.destroy();
    this.root.remove();
  }

  /** The network's input for what the pad shows, and the stages to display. */
  input() {
    if (!this.padFits()) {
      const [, c, h, w] = this.net.inputShape;
      const image = this.imageInput.image ?? new Float32Array(c * h * w);
      return { image, stages: { empty: !this.imageInput.image }, sample: false, picked: true };
    }
    if (!this.pad.image) {
      this.sample = null;
      this.dropPhoto();
    }
    if (this.sample) {
      const { data } = this.sample;
      return { image: data, stages: { empty: false, image: data, comAfter: centreOfMass(data, 28, 28) }, sample: true };
    }
    if (this.photo) {
      const { ink, inkSize } = this.photo;
      const stages = mnistPreprocess(ink, inkSize, inkSize, { centre: this.centre });
      return { image: stages.image, stages, ink, inkSize, sample: false };
    }
    const ink = this.pad.ink();
    const stages = mnistPreprocess(ink, this.pad.inkSize, this.pad.inkSize, { centre: this.centre });
    return { image: stages.image, stages, ink, inkSize: this.pad.inkSize, sample: false };
  }

  tick() {
    if (this.inFlight) return;
    this.dirty = false;
    const tickStart = performance.now();
    const { image, stages, ink, inkSize, sample, picked } = this.input();
    if (this.net) {  // drawn before the model is ready: it runs once it is
      this.sentThisFrame = true;
      const since = this.since ?? tickStart;
      const fromPen = this.cause === 'pen';
      this.since = null;
      this.cause = null;
      this.marks = { tick: tickStart - since, prep: performance.now() - tickStart };
      this.run(image, stages.empty, since, fromPen);
    }
    // the stages are drawn while the Worker computes
    if (picked) return;
    this.pad.setOverlay(stages.centred && stages.box ? { box: stages.box } : null);
    this.prep.update(stages, ink, inkSize, sample);
  }

  async run(image, empty, since, fromPen) {
    const net = this.net;
    const gen = this.generation;
    this.inFlight = true;
    const sent = performance.now();
    let res;
    try {
      // its buffer goes to the Worker; the views keep `image`
      const input = Float32Array.from(normalizeInput(image, net.metadata?.normalize, net.inputShape[1]));
      res = await this.client.request('run', { id: net.id, input, activations: true, profile: true }, [input.buffer]);
    } catch (e) {
      this.inFlight = false;
      if (gen === this.generation) this.fail('run.failed', e);
      return;
    }
    this.inFlight = false;
    if (gen !== this.generation) return;
    const received = performance.now();
    const probabilities = res.output.data;
    // the views show the image drawn as the input
    res.activations[0] = { shape: res.activations[0].shape, data: image };
    this.network?.update(res.activations);
    this.cost?.update({ layers: res.layers, totalMs: res.totalMs });
    const latencyMs = performance.now() - since;
    // nothing drawn: no time to show; a model switch or a picked image is not timed "from the pen"
    const timing = empty ? null : { latencyMs, engineMs: res.totalMs, fromPen };
    const parts = { ...this.marks, worker: received - sent, render: performance.now() - received };
    const truth = this.sample ? this.labels()[this.sample.label] ?? String(this.sample.label) : null;
    this.probs.update(probabilities, empty, timing, truth);
    if (this.statusState?.key === 'run.failed') this.setStatus('info', 'model.ready', { modelKey: this.modelKey });
    let top = -1;
    if (!empty) for (let k = 0; k < probabilities.length; k++) if (top < 0 || probabilities[k] > probabilities[top]) top = k;
    this.root.dataset.state = empty ? 'empty' : 'predicted';
    const photo = this.photo ? { name: this.photo.name, found: this.photo.found } : null;
    this.dispatchEvent(new CustomEvent('update', { detail: { latencyMs, engineMs: res.totalMs, parts, top, probabilities, empty, image, startedAt: since, photo } }));
    if (this.dirty) this.changed(performance.now());  // keeps the time (and cause) of the first change made meanwhile
  }
}

/** Whether the open model is the catalogue's Fashion-MNIST entry, told by the entry's key. */
function isFashion(net) {
  return net?.entry?.key === 'fashion';
}

function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}
