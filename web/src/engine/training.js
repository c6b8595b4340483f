// Training in the Worker: a run is a network, its trainer, a data set (a
// CNNDATA file, dataset.js) and a seeded batch order, stepped a few steps at a
// time so that the Worker answers other requests in between (handlers.js
// schedules the slices; this file has no timers).
//
// Determinism: the initial weights, the batch order and the augmentation all
// come from the run's seed, and a step depends only on the steps before it,
// so pausing, resuming, stepping one at a time or evaluating in between gives
// the same weights as an uninterrupted run (in the same build).
//
// An architecture is a list of layers as the learner writes them: the input
// sizes of conv2d (in_channels) and dense (in_features) may be left out and
// are filled in from the layer before (resolveArchitecture), with the
// engine's geometry giving every layer's output shape, parameters and
// multiply-adds, or the engine's message at the first impossible layer.

import { EngineError } from './errors.js';

export const TRAIN_LIMITS = Object.freeze({
  maxLr: 10,            // a larger learning rate is refused as absurd
  maxBatch: 1024,
  maxEpochs: 1000,
  memoryBytes: 256 * 2 ** 20,  // what one run may need in wasm memory
  curveEvery: 10,       // steps per point of the training curve
  heldOutEvery: 100,    // steps per point of the held-out curve
  heldOutPoints: 500,   // held-out images behind each point of that curve
});

const EVAL_BATCH = 100;  // held-out images per forward pass
const OPTIMIZERS = ['sgd', 'adam'];
const SCHEDULES = ['constant', 'cosine'];  // cosine: the learning rate falls to 0 over the run's last step
const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
const refuse = (message) => {
  throw new EngineError(message);
};

/**
 * The hyperparameters, checked and with defaults: { optimizer, lr, momentum,
 * batchSize, epochs, augment, seed, schedule }. Each refusal names the parameter and
 * the value given.
 */
export function checkHyperparameters(h = {}) {
  const o = { optimizer: 'adam', lr: 0.001, momentum: 0.9, batchSize: 32, epochs: 4, augment: false, seed: 1, schedule: 'constant', ...h };
  if (!OPTIMIZERS.includes(o.optimizer)) refuse(`optimizer must be one of ${OPTIMIZERS.join(', ')}, not ${show(o.optimizer)}`);
  if (!SCHEDULES.includes(o.schedule)) refuse(`the schedule must be one of ${SCHEDULES.join(', ')}, not ${show(o.schedule)}`);
  if (typeof o.lr !== 'number' || !Number.isFinite(o.lr) || o.lr <= 0 || o.lr > TRAIN_LIMITS.maxLr) {
    refuse(`the learning rate (lr) must be a number above 0 and at most ${TRAIN_LIMITS.maxLr}, not ${show(o.lr)}`);
  }
  if (typeof o.momentum !== 'number' || !(o.momentum >= 0 && o.momentum < 1)) {
    refuse(`momentum must be a number from 0 up to (not including) 1, not ${show(o.momentum)}`);
  }
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > TRAIN_LIMITS.maxBatch) {
    refuse(`the batch size (batchSize) must be a whole number from 1 to ${TRAIN_LIMITS.maxBatch}, not ${show(o.batchSize)}`);
  }
  if (!Number.isInteger(o.epochs) || o.epochs < 1 || o.epochs > TRAIN_LIMITS.maxEpochs) {
    refuse(`epochs must be a whole number from 1 to ${TRAIN_LIMITS.maxEpochs}, not ${show(o.epochs)}`);
  }
  if (typeof o.augment !== 'boolean') refuse(`augment must be true or false, not ${show(o.augment)}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    refuse(`the seed must be a whole number from 0 to 4294967295, not ${show(o.seed)}`);
  }
  return { optimizer: o.optimizer, lr: o.lr, momentum: o.momentum, batchSize: o.batchSize, epochs: o.epochs, augment: o.augment, seed: o.seed, schedule: o.schedule };
}

/**
 * An architecture for one input shape [c, h, w] and batch size:
 * { specs (complete, for createNetwork), layers: [{ type, outShape, params,
 *   macs } | { type, error }], ok, paramCount, macs, memoryBytes, error }.
 * Stops at the first impossible layer; `error` then names it.
 */
export function resolveArchitecture(engine, layers, inputShape = [1, 28, 28], batchSize = 1) {
  if (!Array.isArray(layers) || layers.length === 0) refuse('an architecture needs at least one layer');
  if (!Array.isArray(inputShape) || inputShape.length !== 3) refuse(`the input shape is [c, h, w], not ${show(inputShape)}`);
  let shape = [batchSize, ...inputShape];
  const specs = [];
  const out = [];
  let paramCount = 0;
  let macs = 0;
  let values = shape.reduce((a, b) => a * b, 1);  // activations (and their gradients) of the batch
  for (let i = 0; i < layers.length; i++) {
    const spec = { ...layers[i] };
    if (spec.type === 'conv2d' && spec.in_channels === undefined && shape.length === 4) spec.in_channels = shape[1];
    if (spec.type === 'dense' && spec.in_features === undefined) spec.in_features = shape.slice(1).reduce((a, b) => a * b, 1);
    let g;
    try {
      g = engine.layerGeometry(spec, shape);
    } catch (e) {
      const error = `layer ${i + 1} (${spec.type}): ${e.message}`;
      out.push({ type: spec.type, error });
      return { specs, layers: out, ok: false, error, paramCount, macs, memoryBytes: 0 };
    }
    specs.push(spec);
    shape = g.outShape;
    paramCount += g.params;
    macs += g.macs / batchSize;
    values += shape.reduce((a, b) => a * b, 1);
    out.push({ type: spec.type, outShape: shape.slice(1), params: g.params, macs: g.macs / batchSize });
  }
  // parameters, their gradients and up to two optimizer buffers; activations and their gradients
  const memoryBytes = 4 * (4 * paramCount + 2 * values);
  return { specs, layers: out, ok: true, error: null, paramCount, macs, memoryBytes, outShape: shape.slice(1) };
}

/** A 32-bit generator (mulberry32): the run's only source of randomness. */
function generator(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-probability of `label` from one sample's output (probabilities if `isSoftmax`, else logits). */
function logProb(out, label, isSoftmax) {
  if (isSoftmax) return Math.log(Math.max(out[label], 1e-30));
  let max = -Infinity;
  for (const v of out) max = Math.max(max, v);
  let sum = 0;
  for (const v of out) sum += Math.exp(v - max);
  return out[label] - max - Math.log(sum);
}

export class TrainingRun {
  /**
   * engine: a loaded Engine; options: { layers, inputShape?, classes?, ...hyperparameters }.
   * Refuses bad hyperparameters, an impossible architecture, one over the
   * memory budget, or one whose output is not one value per class.
   */
  constructor(engine, { layers, inputShape = [1, 28, 28], classes = 10, ...hyper }) {
    this.engine = engine;
    this.hyper = checkHyperparameters(hyper);
    const arch = resolveArchitecture(engine, layers, inputShape, this.hyper.batchSize);
    if (!arch.ok) refuse(arch.error);
    if (arch.memoryBytes > TRAIN_LIMITS.memoryBytes) {
      const mb = (b) => `${Math.ceil(b / 2 ** 20)} MB`;
      refuse(`the architecture needs about ${mb(arch.memoryBytes)} to train with batches of ${this.hyper.batchSize}, ` +
        `more than the budget of ${mb(TRAIN_LIMITS.memoryBytes)}: use fewer filters or units, or a smaller batch`);
    }
    const perImage = arch.outShape.reduce((a, b) => a * b, 1);
    if (perImage !== classes) refuse(`the last layer gives ${perImage} values per image, but there are ${classes} classes`);
    this.arch = arch;
    this.specs = arch.specs;
    this.inputShape = inputShape.slice();
    this.classes = classes;
    this.isSoftmax = this.specs[this.specs.length - 1].type === 'softmax';
    this.firstWeighted = this.specs.findIndex((s) => s.type === 'conv2d' || s.type === 'dense');
    this.data = null;
    this.net = null;
    this.trainer = null;
    this.reset();
  }

  /** Back to the initial weights of the seed, step 0; the data stays. */
  reset() {
    this.trainer?.destroy();
    this.net?.destroy();
    this.trainer = null;
    this.net = null;
    const { optimizer, lr, momentum, seed } = this.hyper;
    const net = this.engine.createNetwork(this.specs);
    try {
      net.initParams(seed);
      this.trainer = this.engine.createTrainer(net, optimizer === 'sgd' ? { optimizer, lr, momentum } : { optimizer, lr });
    } catch (e) {
      net.destroy();
      throw e;
    }
    this.net = net;
    if (this.data) this.setSchedule();
    this.random = generator(seed ^ 0x5eed5eed);
    this.step = 0;
    this.epoch = 0;
    this.order = null;
    this.position = 0;
    this.imagesSeen = 0;
    this.computeMs = 0;
    this.curve = [];      // { step, images, loss, accuracy }, one per curveEvery steps
    this.heldOut = [];    // { step, images, loss, accuracy }, one per heldOutEvery steps
    this.heldOutPending = null;  // the point of the last step, while it is being measured (runFor)
    this.window = { loss: 0, correct: 0, count: 0, steps: 0 };
    this.state = this.data ? 'ready' : 'loading';
    this.message = null;
    const count = this.net.paramCount;
    this.good = new Float32Array(count);
    this.pending = new Float32Array(count);
    this.good.set(this.net.params());
    return this;
  }

  /** The data set (readDataset's object), checked against the network's input and classes. */
  setData(data) {
    const [c, h, w] = this.inputShape;
    if (data.channels !== c || data.height !== h || data.width !== w) {
      refuse(`the data set's images are ${data.channels}x${data.height}x${data.width}, but the network takes ${c}x${h}x${w}`);
    }
    if (data.classes.length !== this.classes) refuse(`the data set has ${data.classes.length} classes, but the network gives ${this.classes}`);
    if (data.trainCount < 1 || data.count - data.trainCount < 1) refuse('the data set needs both training and held-out images');
    this.data = data;
    this.size = c * h * w;
    this.batchInput = new Float32Array(this.hyper.batchSize * this.size);
    this.batchLabels = new Int32Array(this.hyper.batchSize);
    this.stepsPerEpoch = Math.max(1, Math.floor(data.trainCount / this.hyper.batchSize));
    this.totalSteps = this.stepsPerEpoch * this.hyper.epochs;
    this.setSchedule();
    if (this.state === 'loading') this.state = 'ready';
  }

  setSchedule() {
    if (this.hyper.schedule === 'cosine') this.trainer.setSchedule({ kind: 'cosine', totalSteps: this.totalSteps, minLr: 0 });
  }

  get done() {
    return this.data !== null && this.step >= this.totalSteps;
  }

  /** One training image into the batch at `slot`, shifted by up to 2 pixels when augmenting. */
  fillSample(index, slot) {
    const { pixels } = this.data;
    const [, h, w] = this.inputShape;
    const dst = this.batchInput.subarray(slot * this.size, (slot + 1) * this.size);
    const src = index * this.size;
    if (!this.hyper.augment) {
      for (let k = 0; k < this.size; k++) dst[k] = pixels[src + k] / 255;
      return;
    }
    const dy = Math.floor(this.random() * 5) - 2;
    const dx = Math.floor(this.random() * 5) - 2;
    dst.fill(0);
    for (let c = 0; c < this.inputShape[0]; c++) {
      for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
        const from = src + c * h * w + (y - dy) * w - dx;
        const to = c * h * w + y * w;
        for (let x = Math.max(0, dx); x < Math.min(w, w + dx); x++) dst[to + x] = pixels[from + x] / 255;
      }
    }
  }

  nextBatch() {
    const { batchSize } = this.hyper;
    if (!this.order || this.position + batchSize > this.data.trainCount) {
      if (this.order) this.epoch++;
      const order = (this.order ??= new Uint32Array(this.data.trainCount).map((_, i) => i));
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      this.position = 0;
    }
    for (let b = 0; b < batchSize; b++) {
      const index = this.order[this.position + b];
      this.fillSample(index, b);
      this.batchLabels[b] = this.data.labels[index];
    }
    this.position += batchSize;
  }

  /**
   * Up to `count` steps; stops early when the run is done or diverges. A loss
   * that is not finite, or above ten times chance level, is a divergence: the
   * weights go back to the last ones whose loss was finite (one step back),
   * and the run stops.
   */
  steps(count = 1, { deferHeldOut = false } = {}) {
    if (!this.data) refuse('the training data is not loaded yet');
    if (this.state === 'diverged') refuse(this.message);
    const t0 = performance.now();
    let done = 0;
    const limit = 10 * Math.log(this.classes);
    for (;;) {
      if (this.heldOutPending) {
        if (deferHeldOut) break;
        this.continueHeldOut(Infinity);
      }
      if (done >= count || this.done) break;
      this.nextBatch();
      this.pending.set(this.net.params());
      const loss = this.trainer.step(this.batchInput, this.batchLabels, this.inputShape);
      if (!Number.isFinite(loss) || loss > limit) {
        // `good` holds the weights before the last update, the last whose loss was finite
        this.net.params().set(this.good);
        this.net.paramsChanged();
        const at = this.step;
        this.step = Math.max(0, this.step - 1);
        this.state = 'diverged';
        this.message = `training stopped at step ${at}: the loss became ${Number.isFinite(loss) ? loss.toFixed(1) : loss}, ` +
          `so the weights were exploding. The weights of step ${this.step} are kept. Try a smaller learning rate than ${this.hyper.lr}.`;
        break;
      }
      [this.good, this.pending] = [this.pending, this.good];
      this.step++;
      done++;
      this.imagesSeen += this.hyper.batchSize;
      const win = this.window;
      win.loss += loss;
      win.correct += this.trainer.lastCorrect;
      win.count += this.hyper.batchSize;
      win.steps++;
      if (win.steps === TRAIN_LIMITS.curveEvery) {
        this.curve.push({ step: this.step, images: this.imagesSeen, loss: win.loss / win.steps, accuracy: win.correct / win.count });
        this.window = { loss: 0, correct: 0, count: 0, steps: 0 };
      }
      if (this.step % TRAIN_LIMITS.heldOutEvery === 0 || this.done) {
        const total = Math.min(this.data.count - this.data.trainCount, TRAIN_LIMITS.heldOutPoints);
        this.heldOutPending = { step: this.step, images: this.imagesSeen, total, next: 0, loss: 0, correct: 0 };
      }
    }
    this.computeMs += performance.now() - t0;
    this.settle();
    return done;
  }

  settle() {
    if (this.done && !this.heldOutPending && this.state !== 'diverged') this.state = 'done';
  }

  /**
   * Goes on with the held-out point due at the last step, `chunks` batches
   * of EVAL_BATCH images at a time; no step is taken until it is done, so it
   * measures the weights of its step however it is cut up.
   */
  continueHeldOut(chunks) {
    const h = this.heldOutPending;
    const t0 = performance.now();
    for (let c = 0; c < chunks && h.next < h.total; c++) {
      const n = Math.min(EVAL_BATCH, h.total - h.next);
      const r = this.evaluateRange(h.next, n, null);
      h.loss += r.loss;
      h.correct += r.correct;
      h.next += n;
    }
    this.computeMs += performance.now() - t0;
    if (h.next < h.total) return;
    this.heldOut.push({ step: h.step, images: h.images, loss: h.loss / h.total, accuracy: h.correct / h.total });
    this.heldOutPending = null;
    this.settle();
  }

  /**
   * Works until `ms` have passed (at least one unit of work), the run is
   * done, or it diverges: a unit is one step, or one batch of a held-out
   * point, so that nothing blocks the Worker for longer than one of them.
   */
  runFor(ms) {
    const t0 = performance.now();
    let done = 0;
    do {
      if (this.heldOutPending) {
        this.continueHeldOut(1);
        continue;
      }
      const n = this.steps(1, { deferHeldOut: true });
      done += n;
      if (!n) break;
    } while (performance.now() - t0 < ms);
    return done;
  }

  /** Held-out images start .. start+n-1 through the network: { loss (summed), correct }, counted into `matrix` if given. */
  evaluateRange(start, n, matrix) {
    const { trainCount, labels, pixels } = this.data;
    const k = this.classes;
    if (!this.net.inputShape || this.net.inputShape[0] !== n) this.net.plan([n, ...this.inputShape]);
    const input = this.net.input();
    const from = (trainCount + start) * this.size;
    for (let v = 0; v < n * this.size; v++) input[v] = pixels[from + v] / 255;
    this.net.forward();
    const out = this.net.output().data;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * k, (i + 1) * k);
      const label = labels[trainCount + start + i];
      let best = 0;
      for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
      if (best === label) correct++;
      loss -= logProb(row, label, this.isSoftmax);
      if (matrix) matrix[label * k + best]++;
    }
    return { loss, correct };
  }

  /**
   * The held-out images (the first `limit` of them): { count, loss, accuracy,
   * confusion (classes x classes, row = true class, column = predicted),
   * perClass accuracies } (confusion and perClass only if asked).
   */
  evaluate({ limit = Infinity, confusion = true } = {}) {
    if (!this.data) refuse('the training data is not loaded yet');
    const { trainCount, count } = this.data;
    const total = Math.min(count - trainCount, limit);
    const k = this.classes;
    const matrix = confusion ? new Uint32Array(k * k) : null;
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < total; start += EVAL_BATCH) {
      const r = this.evaluateRange(start, Math.min(EVAL_BATCH, total - start), matrix);
      loss += r.loss;
      correct += r.correct;
    }
    const result = { count: total, loss: loss / total, accuracy: correct / total };
    if (matrix) {
      result.confusion = matrix;
      result.perClass = Array.from({ length: k }, (_, c) => {
        let n = 0;
        for (let p = 0; p < k; p++) n += matrix[c * k + p];
        return n ? matrix[c * k + c] / n : null;
      });
    }
    return result;
  }

  /**
   * Held-out images of class `truth` that the network classifies as
   * `predicted` (the cell of the confusion matrix), at most `limit`:
   * { indices (into the held-out split), height, width, pixels (Uint8Array,
   * one image after another, 0..255) }.
   */
  examples({ truth, predicted, limit = 24 }) {
    if (!this.data) refuse('the training data is not loaded yet');
    for (const [name, v] of [['truth', truth], ['predicted', predicted]]) {
      if (!Number.isInteger(v) || v < 0 || v >= this.classes) refuse(`${name} must be a class from 0 to ${this.classes - 1}, not ${show(v)}`);
    }
    const { trainCount, count, labels, pixels } = this.data;
    const k = this.classes;
    const found = [];
    for (let start = trainCount; start < count && found.length < limit; start += EVAL_BATCH) {
      const n = Math.min(EVAL_BATCH, count - start);
      if (!this.net.inputShape || this.net.inputShape[0] !== n) this.net.plan([n, ...this.inputShape]);
      const input = this.net.input();
      for (let v = 0; v < n * this.size; v++) input[v] = pixels[start * this.size + v] / 255;
      this.net.forward();
      const out = this.net.output().data;
      for (let i = 0; i < n && found.length < limit; i++) {
        if (labels[start + i] !== truth) continue;
        let best = 0;
        for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
        if (best === predicted) found.push(start + i);
      }
    }
    const images = new Uint8Array(found.length * this.size);
    found.forEach((index, i) => images.set(pixels.subarray(index * this.size, (index + 1) * this.size), i * this.size));
    return { indices: found.map((i) => i - trainCount), height: this.inputShape[1], width: this.inputShape[2], pixels: images };
  }

  /**
   * The network as a model file (engine/model_io), planned for one image,
   * with the data set's class names as its labels and its name as the
   * `dataset` metadata: Uint8Array.
   */
  saveModel() {
    this.net.plan([1, ...this.inputShape]);
    if (this.data) this.net.describe({ labels: this.data.classes.map(String), metadata: { dataset: this.data.name ?? '' } });
    return this.net.saveModel();
  }

  /** The first weighted layer's weights (copies) and their PyTorch shape, or null. */
  filters() {
    if (this.firstWeighted < 0) return null;
    const p = this.net.layerParams(this.firstWeighted);
    return { layer: this.firstWeighted, type: this.specs[this.firstWeighted].type, weight: Float32Array.from(p.weight), weightShape: p.weightShape };
  }

  /**
   * One image through the network as it is now, every layer's output kept:
   * { layers (the engine's layer info), inputShape, activations: [{ shape,
   * data }] (the input, then each layer's output; copies), label (of a
   * held-out image, else null) }. The image is `image` (c*h*w values in
   * 0..1) or held-out image `heldOut`. A second network with the run's
   * specs, planned for one image, takes a copy of the weights, so the
   * training network keeps its plan.
   */
  maps({ image, heldOut } = {}) {
    let input;
    let label = null;
    if (image !== undefined) {
      if (!(image instanceof Float32Array) || image.length !== this.inputShape.reduce((a, b) => a * b, 1)) {
        refuse(`the image must be a Float32Array of ${this.inputShape.join('x')} values`);
      }
      input = image;
    } else {
      if (!this.data) refuse('the training data is not loaded yet');
      const count = this.data.count - this.data.trainCount;
      if (!Number.isInteger(heldOut) || heldOut < 0 || heldOut >= count) refuse(`heldOut must be a held-out image from 0 to ${count - 1}, not ${show(heldOut)}`);
      input = this.data.image(this.data.trainCount + heldOut);
      label = this.data.labels[this.data.trainCount + heldOut];
    }
    if (!this.probe) {
      this.probe = this.engine.createNetwork(this.specs);
      this.probe.plan([1, ...this.inputShape]);
      this.probeLayers = Array.from({ length: this.probe.numLayers }, (_, i) => this.probe.layerInfo(i));
    }
    this.probe.params().set(this.net.params());
    this.probe.paramsChanged();
    this.probe.forward(input);
    const activations = [];
    for (let i = -1; i < this.probe.numLayers; i++) {
      const a = this.probe.activation(i);
      activations.push({ shape: a.shape, data: a.data.slice() });
    }
    return { layers: this.probeLayers, inputShape: [1, ...this.inputShape], activations, label };
  }

  /** All parameters (a copy). */
  params() {
    return Float32Array.from(this.net.params());
  }

  destroy() {
    this.trainer?.destroy();
    this.net?.destroy();
    this.probe?.destroy();
    this.trainer = null;
    this.net = null;
    this.probe = null;
  }
}
