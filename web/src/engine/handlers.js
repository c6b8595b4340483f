// The engine operations the Worker serves, as plain functions of an Engine,
// so they run (and are tested) the same in a Worker and in Node.
// Each handler takes a payload object and returns { result, transfer }.
// Networks live in a table owned by this handler set (no module state), so
// several widgets sharing one Worker each keep their own networks.
//
// Training runs (training.js) live in a table of their own. A running run is
// stepped in slices of a few milliseconds, one slice per turn of the event
// loop, so requests that arrive meanwhile (the draw pad's inference, progress
// polls) are answered between slices. Options: { schedule(fn) (runs fn on a
// later turn; default: laterTurns below),
// sliceMs, fetchFn and origin (for the training data) }.

import { EngineError } from './engine.js';
import { TrainingRun, resolveArchitecture, TRAIN_LIMITS } from './training.js';
import { fetchTrainingData } from './training-data.js';
import { readDataset } from './dataset.js';

/**
 * fn on a later turn of the event loop, without the 4 ms clamp of nested
 * timers: setImmediate where there is one (Node, where a MessagePort would
 * starve the timers), else a MessageChannel (browsers; its messages take
 * turns with the page's requests).
 */
function laterTurns() {
  if (typeof setImmediate === 'function') return { schedule: (fn) => setImmediate(fn), idle() {} };
  if (typeof MessageChannel !== 'function') return { schedule: (fn) => setTimeout(fn, 0), idle() {} };
  let channel = null;
  let queued = null;
  return {
    schedule(fn) {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => {
          const f = queued;
          queued = null;
          f?.();
        };
      }
      queued = fn;
      channel.port2.postMessage(0);
    },
    // nothing is running: let the event loop go (Node exits only when no port is open)
    idle() {
      channel?.port1.close();
      channel = null;
    },
  };
}

export function createHandlers(engine, options = {}) {
  const nets = new Map();
  let nextId = 1;
  const runs = new Map();
  let nextRunId = 1;
  const turns = options.schedule ? { schedule: options.schedule, idle() {} } : laterTurns();
  const sliceMs = options.sliceMs ?? 8;
  const dataCache = new Map();  // data set URL -> promise of { data, bytes, sha256 }
  let ticking = false;

  function getRun(id) {
    const entry = runs.get(id);
    if (!entry) throw new EngineError(`there is no training run ${id} in the worker`);
    return entry;
  }

  function clock(entry) {
    return entry.elapsedMs + (entry.since !== null ? performance.now() - entry.since : 0);
  }

  function stopClock(entry) {
    if (entry.since !== null) entry.elapsedMs += performance.now() - entry.since;
    entry.since = null;
    entry.running = false;
  }

  // One slice for every running run, then another turn while any still runs.
  function tick() {
    ticking = false;
    let any = false;
    for (const entry of runs.values()) {
      if (!entry.running || !entry.run.data) continue;
      try {
        entry.run.runFor(sliceMs);
      } catch (e) {
        entry.run.state = 'failed';
        entry.run.message = e.message;
      }
      if (entry.run.state !== 'ready') stopClock(entry);
      else any = true;
    }
    if (any) scheduleTick();
    else turns.idle();
  }

  function scheduleTick() {
    if (ticking) return;
    ticking = true;
    turns.schedule(tick);
  }

  function startData(entry, { dataset, dataUrl, data }) {
    if (data) {
      entry.run.setData(readDataset(data));
      return;
    }
    if (typeof dataset !== 'string' || typeof dataUrl !== 'string') {
      throw new EngineError('a training run needs its data: a data set name and the URL of the folder that holds it, or the data file\'s bytes');
    }
    const key = `${dataUrl}#${dataset}`;
    if (!dataCache.has(key)) {
      const load = { loaded: 0, total: 0 };
      const promise = fetchTrainingData(dataset, dataUrl, {
        fetchFn: options.fetchFn, origin: options.origin,
        onProgress: (loaded, total) => Object.assign(load, { loaded, total }),
      });
      promise.load = load;
      promise.catch(() => dataCache.delete(key));  // a failed fetch may be tried again
      dataCache.set(key, promise);
    }
    const promise = dataCache.get(key);
    entry.load = promise.load;
    entry.loading = promise.then(({ data: set }) => {
      if (!runs.has(entry.id)) return;
      entry.run.setData(set);
      if (entry.running) {
        entry.since = performance.now();
        scheduleTick();
      }
    }).catch((e) => {
      entry.run.state = 'failed';
      entry.run.message = e.message;
      stopClock(entry);
    });
  }

  function progress(entry, { curveFrom = 0, heldOutFrom = 0 } = {}) {
    const { run } = entry;
    const elapsedMs = clock(entry);
    const last = run.curve[run.curve.length - 1];
    const lastHeldOut = run.heldOut[run.heldOut.length - 1];
    return {
      id: entry.id,
      state: run.state, running: entry.running, message: run.message,
      step: run.step, epoch: run.epoch, stepsPerEpoch: run.stepsPerEpoch ?? null, totalSteps: run.totalSteps ?? null,
      images: run.imagesSeen,
      loss: last?.loss ?? null, accuracy: last?.accuracy ?? null,
      heldOutLoss: lastHeldOut?.loss ?? null, heldOutAccuracy: lastHeldOut?.accuracy ?? null,
      elapsedMs, computeMs: run.computeMs,
      imagesPerSecond: elapsedMs > 0 ? (run.imagesSeen * 1000) / elapsedMs : 0,
      loadedBytes: entry.load?.loaded ?? 0, totalBytes: entry.load?.total ?? 0,
      classes: run.data?.classes ?? null,
      curve: run.curve.slice(curveFrom), heldOut: run.heldOut.slice(heldOutFrom),
    };
  }

  function getNet(id) {
    const net = nets.get(id);
    if (!net) throw new EngineError(`there is no network ${id} in the worker`);
    return net;
  }

  function describe(net) {
    const layers = [];
    if (net.inputShape) for (let i = 0; i < net.numLayers; i++) layers.push(net.layerInfo(i));
    return { numLayers: net.numLayers, paramCount: net.paramCount, inputShape: net.inputShape, layers };
  }

  // A network made from a file, planned for one sample of its input, in the table.
  function modelResult(net) {
    try {
      net.plan(net.metadata.inputShape);
    } catch (e) {
      net.destroy();
      throw e;
    }
    const id = nextId++;
    nets.set(id, net);
    return { result: { id, specs: net.specs, metadata: net.metadata, ...describe(net) } };
  }

  function copy(view) {
    return { shape: view.shape, data: Float32Array.from(view.data) };
  }

  return {
    info() {
      return { result: { version: engine.version, simdArch: engine.simdArch, simdWidth: engine.simdWidth } };
    },

    /** -> the live objects: { networks (this handler set's), engine: { networks, trainers }, memoryBytes } */
    liveObjects() {
      return { result: { networks: nets.size, engine: engine.liveObjects(), memoryBytes: engine.memoryBytes } };
    },

    /** { specs, inputShape?, seed?, params? } -> { id, numLayers, paramCount, layers } */
    createNetwork({ specs, inputShape, seed, params }) {
      const net = engine.createNetwork(specs);
      try {
        if (params) {
          const all = net.params();
          if (params.length !== all.length) {
            throw new EngineError(`the network has ${all.length} parameters, but ${params.length} were given`);
          }
          all.set(params);
          net.paramsChanged();
        } else {
          net.initParams(seed ?? 0);
        }
        if (inputShape) net.plan(inputShape);
      } catch (e) {
        net.destroy();
        throw e;
      }
      const id = nextId++;
      nets.set(id, net);
      return { result: { id, ...describe(net) } };
    },

    /**
     * A model file: { bytes } (Uint8Array or ArrayBuffer) ->
     * { id, specs, metadata, numLayers, paramCount, inputShape, layers }, planned
     * for one sample of the model's input.
     */
    loadModel({ bytes }) {
      return modelResult(engine.loadModel(bytes));
    },

    /** An ONNX file: { bytes } -> (a promise of) the same answer as loadModel (engine.importOnnx). */
    async importOnnx({ bytes }) {
      return modelResult(await engine.importOnnx(bytes));
    },

    destroyNetwork({ id }) {
      const net = nets.get(id);
      if (net) net.destroy();
      nets.delete(id);
      return { result: true };
    },

    /** { id } -> all parameters (a copy) and the per-layer layout */
    getParams({ id }) {
      const net = getNet(id);
      const params = Float32Array.from(net.params());
      return { result: { params }, transfer: [params.buffer] };
    },

    /**
     * { id, index } -> layer `index`'s { weight, bias } (copies; null when it
     * has none) and their PyTorch shapes { weightShape, biasShape } from the
     * engine, e.g. [out, in/groups, kh, kw] for a conv layer, [out, in] for a
     * dense one (no input shape needed).
     */
    layerParams({ id, index }) {
      const net = getNet(id);
      if (!Number.isInteger(index) || index < 0 || index >= net.numLayers) {
        throw new EngineError(`layer index ${JSON.stringify(index)} is not one of the network's ${net.numLayers} layers`);
      }
      const p = net.layerParams(index);
      const weight = p.weight ? Float32Array.from(p.weight) : null;
      const bias = p.bias ? Float32Array.from(p.bias) : null;
      return {
        result: { weight, bias, weightShape: p.weightShape, biasShape: p.biasShape },
        transfer: [weight?.buffer, bias?.buffer].filter(Boolean),
      };
    },

    /** { id, shape } -> the network's description for that input shape */
    plan({ id, shape }) {
      const net = getNet(id);
      net.plan(shape);
      return { result: describe(net) };
    },

    /**
     * { id, input, shape?, activations?, profile? } ->
     * { output, activations?, layers (with ms), totalMs }
     */
    run({ id, input, shape, activations = false, profile = false }) {
      const net = getNet(id);
      if (shape) net.plan(shape);
      if (!net.inputShape) throw new EngineError('the network has no input shape yet: give one with the input');
      net.setProfiling(profile);
      const t0 = performance.now();
      net.forward(input);
      const totalMs = performance.now() - t0;
      const output = copy(net.output());
      const transfer = [output.data.buffer];
      const result = { output, totalMs };
      if (activations) {
        result.activations = [];
        for (let i = -1; i < net.numLayers; i++) {
          const a = copy(net.activation(i));
          result.activations.push(a);
          transfer.push(a.data.buffer);
        }
      }
      if (profile) result.layers = describe(net).layers;
      return { result, transfer };
    },

    /** { spec, shape } -> geometry of one layer */
    layerGeometry({ spec, shape }) {
      return { result: engine.layerGeometry(spec, shape) };
    },

    /**
     * One layer on its own: { spec, shape, input, weight?, bias?, variant? } ->
     * { geometry, output }. Weight and bias default to the seeded init;
     * variant 'ref' runs the scalar reference kernel, whose output explainCell
     * reproduces bit for bit.
     */
    runLayer({ spec, shape, input, weight, bias, seed = 0, variant }) {
      const geometry = engine.layerGeometry(spec, shape);
      const net = engine.createNetwork([spec]);
      try {
        if (variant !== undefined) net.setVariant(variant);
        net.initParams(seed);
        const p = net.layerParams(0);
        for (const [name, given, view] of [['weight', weight, p.weight], ['bias', bias, p.bias]]) {
          if (!given) continue;
          if (!view || view.length !== given.length) {
            throw new EngineError(`the layer's ${name} has ${view ? view.length : 0} values, but ${given.length} were given`);
          }
          view.set(given);
        }
        net.paramsChanged();
        net.plan(shape);
        net.forward(input);
        const output = copy(net.output());
        return { result: { geometry, output }, transfer: [output.data.buffer] };
      } finally {
        net.destroy();
      }
    },

    /**
     * One output cell of one conv or pooling layer, explained:
     * { spec, shape, input, weight?, bias?, cell: [n, c, y, x] } ->
     * { kind, cell, terms: [{ channel, y, x, ky, kx, padding, value, weight, product }],
     *   sum, bias, hasBias, output, winner, divisor, window: { y, x, height, width } }
     */
    explainCell({ spec, shape, input, weight, bias, cell }) {
      return { result: engine.explainCell(spec, shape, input, weight, bias, cell) };
    },

    /**
     * An architecture as the editor writes it (in_channels and in_features
     * may be left out): { layers, inputShape? ([c, h, w]), batchSize? } ->
     * { specs, layers: [{ type, outShape, params, macs } | { type, error }],
     *   ok, error, paramCount, macs, memoryBytes, memoryBudget }
     */
    describeArchitecture({ layers, inputShape, batchSize = 1 }) {
      return { result: { ...resolveArchitecture(engine, layers, inputShape, batchSize), memoryBudget: TRAIN_LIMITS.memoryBytes } };
    },

    /**
     * A training run: { layers, inputShape?, classes?, optimizer, lr,
     * momentum, batchSize, epochs, augment, seed, and the data: dataset (a
     * name in the manifest) with dataUrl (its folder, on the page's origin),
     * or data (a data file's bytes) } -> { id, specs, paramCount, state }.
     * Everything is checked before anything is made; the data is fetched
     * once per worker and shared by the runs that use it.
     */
    trainCreate({ layers, inputShape, classes, dataset, dataUrl, data, ...hyper }) {
      const run = new TrainingRun(engine, { layers, inputShape, classes, ...hyper });
      const entry = { id: nextRunId++, run, running: false, since: null, elapsedMs: 0, load: null, loading: null };
      runs.set(entry.id, entry);
      try {
        startData(entry, { dataset, dataUrl, data });
      } catch (e) {
        runs.delete(entry.id);
        run.destroy();
        throw e;
      }
      return { result: { id: entry.id, specs: run.specs, paramCount: run.net.paramCount, hyper: run.hyper, state: run.state } };
    },

    /** { id } -> progress; training goes on in slices until paused, done or diverged. */
    trainStart({ id }) {
      const entry = getRun(id);
      const { run } = entry;
      if (run.state === 'diverged' || run.state === 'failed') throw new EngineError(run.message);
      if (!entry.running && run.state !== 'done') {
        entry.running = true;
        if (run.data) {
          entry.since = performance.now();
          scheduleTick();
        }
      }
      return { result: progress(entry) };
    },

    trainPause({ id }) {
      const entry = getRun(id);
      stopClock(entry);
      return { result: progress(entry) };
    },

    /** { id, steps = 1 } -> progress, after that many steps (while paused). */
    trainStep({ id, steps = 1 }) {
      const entry = getRun(id);
      if (!Number.isInteger(steps) || steps < 1) throw new EngineError(`steps must be a whole number from 1, not ${steps}`);
      const t0 = performance.now();
      entry.run.steps(steps);
      entry.elapsedMs += performance.now() - t0;
      return { result: progress(entry) };
    },

    /** { id } -> progress at step 0, with the seed's initial weights. */
    trainReset({ id }) {
      const entry = getRun(id);
      stopClock(entry);
      entry.elapsedMs = 0;
      entry.run.reset();
      return { result: progress(entry) };
    },

    /** { id, curveFrom?, heldOutFrom? } -> { state, step, loss, accuracy, imagesPerSecond, elapsedMs, curve (new points), ... } */
    trainProgress({ id, curveFrom, heldOutFrom }) {
      return { result: progress(getRun(id), { curveFrom, heldOutFrom }) };
    },

    /** { id, limit? } -> the held-out { count, loss, accuracy, confusion, perClass } */
    trainEvaluate({ id, limit }) {
      const result = getRun(id).run.evaluate({ limit: limit ?? Infinity });
      return { result, transfer: [result.confusion.buffer] };
    },

    /** { id } -> the first weighted layer's { layer, type, weight, weightShape }, or null */
    trainFilters({ id }) {
      const result = getRun(id).run.filters();
      return { result, transfer: result ? [result.weight.buffer] : [] };
    },

    /** { id, truth, predicted, limit? } -> the held-out images of that confusion-matrix cell: { indices, height, width, pixels } */
    trainExamples({ id, truth, predicted, limit }) {
      const result = getRun(id).run.examples({ truth, predicted, limit });
      return { result, transfer: [result.pixels.buffer] };
    },

    /** { id } -> { bytes }: the network as it is now, as a model file that loadModel opens */
    trainSaveModel({ id }) {
      const bytes = getRun(id).run.saveModel();
      return { result: { bytes }, transfer: [bytes.buffer] };
    },

    /** { id } -> { params } (a copy), e.g. for a network to run beside the training */
    trainParams({ id }) {
      const params = getRun(id).run.params();
      return { result: { params }, transfer: [params.buffer] };
    },

    trainDestroy({ id }) {
      const entry = runs.get(id);
      if (entry) {
        stopClock(entry);
        entry.run.destroy();
      }
      runs.delete(id);
      return { result: true };
    },
  };
}
