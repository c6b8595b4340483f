// The training operations of the page's Worker (training.js runs them), as
// plain functions of an Engine like handlers.js, so they run and are tested
// the same in a Worker and in Node. Training runs live in a table owned by
// this handler set. A running run is stepped in slices of a few milliseconds,
// one slice per turn of the event loop, so requests that arrive meanwhile (the
// draw pad's inference, progress polls) are answered between slices. Options:
// { schedule(fn) (runs fn on a later turn; default: laterTurns below),
// sliceMs, fetchFn and origin (for the training data) }.

import { EngineError } from './errors.js';
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

export function createTrainingHandlers(engine, options = {}) {
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
      heldOutImages: run.data ? run.data.count - run.data.trainCount : null,
      curve: run.curve.slice(curveFrom), heldOut: run.heldOut.slice(heldOutFrom),
    };
  }

  return {
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

    /**
     * { id, image? (Float32Array) | heldOut? (index) } -> one image's feature
     * maps through the network as it is now: { layers, inputShape,
     * activations: [{ shape, data }], label }
     */
    trainMaps({ id, image, heldOut }) {
      const result = getRun(id).run.maps({ image, heldOut });
      return { result, transfer: result.activations.map((a) => a.data.buffer) };
    },

    /** { id } -> { bytes }: the network as it is now, as a model file that loadModel opens */
    trainSaveModel({ id }) {
      const bytes = getRun(id).run.saveModel();
      return { result: { bytes }, transfer: [bytes.buffer] };
    },

    /**
     * { id, metadata? ({ key: string }) } -> (a promise of) { bytes }: the
     * network as it is now, as an ONNX file (engine.exportOnnx), with the
     * data set's class names as its labels and the step it was taken at.
     */
    async trainExportOnnx({ id, metadata = {} }) {
      const { run } = getRun(id);
      const labels = run.data?.classes?.map(String);
      const bytes = await engine.modelToOnnx(run.saveModel(), { labels, metadata: { ...metadata, trained_steps: String(run.step) } });
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
