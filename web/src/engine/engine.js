// The JavaScript client of the wasm engine: loads the module (browser, worker
// or Node), wraps the C ABI, and turns error statuses into EngineErrors that
// carry the engine's message.
//
// Views over wasm memory: every Float32Array this client returns is made
// fresh from the current memory buffer, because after memory grows an old
// view silently reads zeros. Keep a view only until the next call that may
// allocate (createNetwork, plan, loadModel); take a new one after.

import { encodeSpec, decodeSpec, SPEC_FIELDS, LAYER_KINDS } from './spec.js';

export class EngineError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EngineError';
  }
}

const INFO_FIELDS = 22;
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/**
 * Loads the engine. Options:
 *   moduleUrl:  URL of cnn.js (default: web/build/cnn.js beside this file's tree)
 *   createModule: cnn.js's factory itself, when it is bundled with this file
 *               (then moduleUrl is not loaded)
 *   wasmBinary: the .wasm bytes, if already at hand (e.g. inlined)
 */
export async function loadEngine(options = {}) {
  // (a bundled Worker started from a Blob URL has no URL to resolve cnn.js against)
  const moduleUrl = options.createModule ? null : options.moduleUrl ?? new URL('../../build/cnn.js', import.meta.url).href;
  const createCnnModule = options.createModule ?? (await import(/* @vite-ignore */ moduleUrl)).default;
  const config = {};
  if (options.wasmBinary) {
    config.wasmBinary = options.wasmBinary;
    config.locateFile = (path) => path;  // nothing to fetch (and a Blob-URL worker has no URL to resolve against)
  } else if (isNode) {
    const { readFile } = await import('node:fs/promises');
    config.wasmBinary = await readFile(new URL('cnn.wasm', moduleUrl));
  } else if (options.wasmUrl) {
    config.locateFile = () => options.wasmUrl;
  }
  let module;
  try {
    module = await createCnnModule(config);
  } catch (e) {
    throw new EngineError(`the engine could not start: ${e?.message ?? e}`);
  }
  return new Engine(module);
}

export class Engine {
  constructor(module) {
    this.m = module;
    this.version = module.UTF8ToString(module._cnn_version());
    this.simdArch = module.UTF8ToString(module._cnn_simd_arch());
    this.simdWidth = module._cnn_simd_width();
    if (module._cnn_spec_fields() !== SPEC_FIELDS) throw new EngineError('engine and client disagree on the spec layout');
  }

  lastError() {
    return this.m.UTF8ToString(this.m._cnn_last_error());
  }

  /** Throws an EngineError with the engine's message when status < 0. */
  check(status) {
    if (status < 0) throw new EngineError(this.lastError());
    return status;
  }

  f32(ptr, count) {
    return new Float32Array(this.m.HEAPF32.buffer, ptr, count);
  }

  f64(ptr, count) {
    return new Float64Array(this.m.HEAPF64.buffer, ptr, count);
  }

  /** Runs fn(ptr) with `bytes` of scratch wasm memory, freed afterwards. */
  withScratch(bytes, fn) {
    const ptr = this.m._cnn_alloc(bytes);
    if (!ptr) throw new EngineError(this.lastError());
    try {
      return fn(ptr);
    } finally {
      this.m._cnn_free(ptr);
    }
  }

  withSpecs(specs, fn) {
    const count = specs.length;
    return this.withScratch(Math.max(1, count) * SPEC_FIELDS * 8, (ptr) => {
      for (let i = 0; i < count; i++) {
        try {
          encodeSpec(specs[i], this.f64(ptr, count * SPEC_FIELDS), i * SPEC_FIELDS);
        } catch (e) {
          throw new EngineError(`layer ${i}: ${e.message}`);
        }
      }
      return fn(ptr, count);
    });
  }

  /** Geometry of one layer for an input shape [n, c, h, w] (or [n, f]). */
  layerGeometry(spec, inputShape) {
    const [n, c, h, w] = shapeArgs(inputShape);
    return this.withSpecs([spec], (rec) =>
      this.withScratch(INFO_FIELDS * 8, (info) => {
        this.check(this.m._cnn_layer_geometry(rec, n, c, h, w, info));
        return decodeInfo(this.f64(info, INFO_FIELDS));
      }));
  }

  /**
   * One output cell of one conv or pooling layer, explained by the engine:
   * the receptive field, every value x weight product and their sum, the
   * bias; for pooling the winner or the sum and divisor. `cell` is
   * [n, c, y, x] of the output; weight/bias are the layer's (conv only).
   * Adding the products of the non-padding terms in order, then the bias,
   * gives exactly the reference forward output (`output`).
   */
  explainCell(spec, inputShape, input, weight, bias, cell) {
    const [n, c, h, w] = shapeArgs(inputShape);
    if (!Array.isArray(cell) || cell.length !== 4) throw new EngineError('an output cell is [n, c, y, x]');
    const [cn, cc, cy, cx] = cell.map((v) => {
      const x = Number(v);
      if (!Number.isInteger(x) || x < -0x80000000 || x > 0x7fffffff) throw new EngineError(`cell entry ${JSON.stringify(v)} is not a whole number in range`);
      return x;
    });
    const arrays = [input, weight, bias].map((a, i) => {
      if (a == null) return null;
      if (!ArrayBuffer.isView(a) && !Array.isArray(a)) throw new EngineError(`the ${['input', 'weight', 'bias'][i]} must be an array of numbers`);
      return a;
    });
    if (!arrays[0]) throw new EngineError('no input given');
    const fields = this.m._cnn_explain_fields();
    const termFields = this.m._cnn_explain_term_fields();
    const bytes = (a) => (a ? Math.max(1, a.length) * 4 : 0);
    return this.withSpecs([spec], (rec) =>
      this.withScratch(fields * 8 + bytes(arrays[0]) + bytes(arrays[1]) + bytes(arrays[2]), (base) => {
        const ptrs = [];
        let at = base + fields * 8;
        for (const a of arrays) {
          if (!a) { ptrs.push(0); continue; }
          this.f32(at, a.length).set(a);
          ptrs.push(at);
          at += bytes(a);
        }
        const len = (a) => (a ? a.length : 0);
        const count = this.check(this.m._cnn_explain_cell(rec, n, c, h, w,
          ptrs[0], len(arrays[0]), ptrs[1], len(arrays[1]), ptrs[2], len(arrays[2]), cn, cc, cy, cx, base));
        const s = this.f64(base, fields);
        const t = this.f64(this.m._cnn_explain_terms(), count * termFields);
        const terms = [];
        for (let i = 0; i < count; i++) {
          const o = i * termFields;
          terms.push({
            channel: t[o], y: t[o + 1], x: t[o + 2], ky: t[o + 3], kx: t[o + 4], padding: t[o + 5] !== 0,
            value: t[o + 6], weight: t[o + 7], product: t[o + 8],
          });
        }
        return {
          kind: LAYER_KINDS[s[0]], cell: [cn, cc, cy, cx],
          sum: s[1], bias: s[2], hasBias: s[3] !== 0, output: s[4],
          winner: s[5], divisor: s[6],
          window: { y: s[7], x: s[8], height: s[9], width: s[10] },
          terms,
        };
      }));
  }

  /** A network from a list of layer specs. Call destroy() when done. */
  createNetwork(specs) {
    if (!Array.isArray(specs)) throw new EngineError('a network needs an array of layer specs');
    const handle = this.withSpecs(specs, (rec, count) => this.m._cnn_net_create(rec, count));
    if (!handle) throw new EngineError(this.lastError());
    return new Network(this, handle, specs.map((s) => ({ ...s })));
  }

  /**
   * A network from a model file's bytes (Uint8Array or ArrayBuffer), with its
   * specs and metadata ({ name, dataset, ..., labels, inputShape }). A corrupt
   * or truncated file throws an EngineError naming the fault.
   */
  loadModel(bytes) {
    let data = bytes;
    if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    if (!(data instanceof Uint8Array)) throw new EngineError('a model is loaded from a Uint8Array or an ArrayBuffer of its file');
    const handle = this.withScratch(Math.max(1, data.length), (ptr) => {
      new Uint8Array(this.m.HEAPU8.buffer, ptr, data.length).set(data);
      return this.m._cnn_net_load_model(ptr, data.length);
    });
    if (!handle) throw new EngineError(this.lastError());
    try {
      const count = this.check(this.m._cnn_net_num_layers(handle));
      const specs = this.withScratch(count * SPEC_FIELDS * 8, (ptr) => {
        this.check(this.m._cnn_net_specs(handle, ptr));
        const rec = this.f64(ptr, count * SPEC_FIELDS);
        return Array.from({ length: count }, (_, i) => decodeSpec(rec, i * SPEC_FIELDS));
      });
      const text = (ptr) => this.m.UTF8ToString(ptr);
      const metadata = {};
      const pairs = this.check(this.m._cnn_net_meta_count(handle));
      for (let i = 0; i < pairs; i++) metadata[text(this.m._cnn_net_meta_key(handle, i))] = text(this.m._cnn_net_meta_value(handle, i));
      const labels = this.check(this.m._cnn_net_label_count(handle));
      metadata.labels = Array.from({ length: labels }, (_, i) => text(this.m._cnn_net_label(handle, i)));
      metadata.inputShape = this.withScratch(3 * 4, (ptr) => {
        this.check(this.m._cnn_net_model_input(handle, ptr));
        return [1, ...new Int32Array(this.m.HEAP32.buffer, ptr, 3)];
      });
      return new Network(this, handle, specs, metadata);
    } catch (e) {
      this.m._cnn_net_destroy(handle);
      throw e;
    }
  }

  /**
   * A trainer for `net` (softmax cross-entropy). Options: optimizer 'sgd'
   * (momentum, weightDecay) or 'adam' (beta1, beta2, eps, weightDecay), lr,
   * and schedule { kind: 'constant' | 'step' | 'cosine', warmup, stepSize,
   * gamma, totalSteps, minLr }. Destroyed with its network.
   */
  createTrainer(net, options = {}) {
    net.assertAlive();
    const o = { optimizer: 'sgd', lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, ...options };
    const kind = { sgd: 0, adam: 1 }[o.optimizer];
    if (kind === undefined) throw new EngineError(`optimizer must be 'sgd' or 'adam', not ${JSON.stringify(o.optimizer)}`);
    const handle = this.m._cnn_trainer_create(net.handle, kind, Number(o.lr), Number(o.momentum), Number(o.weightDecay),
      Number(o.beta1), Number(o.beta2), Number(o.eps));
    if (!handle) throw new EngineError(this.lastError());
    const trainer = new Trainer(this, handle, net);
    if (o.schedule) trainer.setSchedule(o.schedule);
    return trainer;
  }
}

function shapeArgs(shape) {
  if (!Array.isArray(shape) || (shape.length !== 4 && shape.length !== 2)) {
    throw new EngineError('an input shape is [n, c, h, w] or [n, features]');
  }
  const nums = shape.map((x) => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new EngineError(`shape entry ${JSON.stringify(x)} is not a whole number in range`);
    return v;
  });
  return nums.length === 4 ? nums : [nums[0], nums[1], 0, 0];
}

function decodeInfo(v) {
  const rank = v[9];
  const out = rank === 4 ? [v[10], v[11], v[12], v[13]] : [v[10], v[11]];
  return {
    params: v[0], weights: v[1], macs: v[2],
    pad: { top: v[3], bottom: v[4], left: v[5], right: v[6] },
    unusedRows: v[7], unusedCols: v[8],
    outShape: out,
    kernel: [v[14], v[15]], stride: [v[16], v[17]], dilation: [v[18], v[19]],
    droppedRows: v[20], droppedCols: v[21],  // ceil_mode: 1 where PyTorch dropped the formula's last window
  };
}

export class Network {
  constructor(engine, handle, specs, metadata = null) {
    this.engine = engine;
    this.m = engine.m;
    this.handle = handle;
    this.specs = specs;
    this.metadata = metadata;  // from a model file: { name, dataset, ..., labels, inputShape }
    this.numLayers = this.m._cnn_net_num_layers(handle);
    this.inputShape = null;
  }

  /** The network as a model file (a Uint8Array copy); float16 halves the weights. */
  saveModel({ float16 = false } = {}) {
    this.assertAlive();
    const size = this.engine.check(this.m._cnn_net_save_model(this.handle, float16 ? 1 : 0));
    return new Uint8Array(this.m.HEAPU8.buffer, this.m._cnn_saved_model(), size).slice();
  }

  assertAlive() {
    if (!this.handle) throw new EngineError('this network has been destroyed');
  }

  /** Plans for an input shape [n, c, h, w]; on error the previous plan stays. */
  plan(shape) {
    this.assertAlive();
    const [n, c, h, w] = shapeArgs(shape);
    this.engine.check(this.m._cnn_net_plan(this.handle, n, c, h, w));
    this.inputShape = shape.slice();
    return this;
  }

  /** A fresh view of the planned input buffer: write the input here. */
  input() {
    this.assertAlive();
    const ptr = this.m._cnn_net_input(this.handle);
    if (!ptr) throw new EngineError(this.engine.lastError());
    return this.engine.f32(ptr, this.inputShape.reduce((a, b) => a * b, 1));
  }

  /** Runs forward; `data` (optional) is copied into the input first. */
  forward(data) {
    this.assertAlive();
    if (data !== undefined) {
      if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
        throw new EngineError('the input must be a Float32Array (or an array of numbers)');
      }
      const input = this.input();
      if (data.length !== input.length) {
        throw new EngineError(`the input has ${data.length} values, but the network was planned for ${this.inputShape.join('x')} = ${input.length}`);
      }
      input.set(data);
    }
    this.engine.check(this.m._cnn_net_forward(this.handle));
    return this;
  }

  /** Layer i's output (i = -1: the input) as { shape, data } with a fresh view. */
  activation(i) {
    this.assertAlive();
    return this.engine.withScratch(5 * 4, (dims) => {
      const ptr = this.m._cnn_net_activation(this.handle, i, dims);
      if (!ptr) throw new EngineError(this.engine.lastError());
      const d = new Int32Array(this.m.HEAP32.buffer, dims, 5);
      const shape = Array.from(d.subarray(1, 1 + d[0]));
      return { shape, data: this.engine.f32(ptr, shape.reduce((a, b) => a * b, 1)) };
    });
  }

  output() {
    return this.activation(this.numLayers - 1);
  }

  /** Kind, geometry, kernel and last time (ms) of layer i, for the planned input. */
  layerInfo(i) {
    this.assertAlive();
    return this.engine.withScratch((INFO_FIELDS + 1) * 8, (info) => {
      this.engine.check(this.m._cnn_net_layer_info(this.handle, i, info, info + INFO_FIELDS * 8));
      const g = decodeInfo(this.engine.f64(info, INFO_FIELDS));
      const kind = LAYER_KINDS[this.engine.check(this.m._cnn_net_layer_kind(this.handle, i))];
      return { index: i, kind, ...g, ms: this.engine.f64(info + INFO_FIELDS * 8, 1)[0],
               kernelName: this.m.UTF8ToString(this.m._cnn_net_kernel_name(this.handle, i)) };
    });
  }

  get paramCount() {
    this.assertAlive();
    return this.m._cnn_net_param_count(this.handle);
  }

  /** All parameters (layer by layer, weight then bias), as a fresh view. */
  params() {
    this.assertAlive();
    return this.engine.f32(this.m._cnn_net_params(this.handle), this.paramCount);
  }

  /** { weight, bias } views of layer i's parameters (null when it has none). */
  layerParams(i) {
    this.assertAlive();
    return this.engine.withScratch(4 * 8, (out) => {
      this.engine.check(this.m._cnn_net_param_layout(this.handle, i, out));
      const [wo, wc, bo, bc] = this.engine.f64(out, 4);
      const all = this.params();
      return {
        weight: wc ? all.subarray(wo, wo + wc) : null,
        bias: bc ? all.subarray(bo, bo + bc) : null,
      };
    });
  }

  /** Call after writing into params() or layerParams(): repacks the weights. */
  paramsChanged() {
    this.assertAlive();
    this.engine.check(this.m._cnn_net_params_changed(this.handle));
  }

  initParams(seed = 0) {
    this.assertAlive();
    this.engine.check(this.m._cnn_net_init_params(this.handle, seed));
  }

  /** 'simd' (default) or 'ref' (the scalar reference kernels). */
  setVariant(name) {
    this.assertAlive();
    const v = { ref: 0, simd: 1 }[name];
    if (v === undefined) throw new EngineError(`variant must be 'ref' or 'simd', not ${JSON.stringify(name)}`);
    this.engine.check(this.m._cnn_net_set_variant(this.handle, v));
  }

  setProfiling(on) {
    this.assertAlive();
    this.engine.check(this.m._cnn_net_set_profiling(this.handle, on ? 1 : 0));
  }

  destroy() {
    if (this.handle) this.m._cnn_net_destroy(this.handle);
    this.handle = 0;
  }
}

/** Updates a network by softmax cross-entropy; see Engine.createTrainer. */
export class Trainer {
  constructor(engine, handle, net) {
    this.engine = engine;
    this.m = engine.m;
    this.handle = handle;
    this.net = net;
    this.buffer = 0;
    this.bufferBytes = 0;
    this.lastCorrect = 0;
  }

  assertAlive() {
    if (!this.handle || !this.net.handle) throw new EngineError('this trainer (or its network) has been destroyed');
  }

  setSchedule({ kind = 'constant', warmup = 0, stepSize = 1, gamma = 0.1, totalSteps = 1, minLr = 0 } = {}) {
    this.assertAlive();
    const k = { constant: 0, step: 1, cosine: 2 }[kind];
    if (k === undefined) throw new EngineError(`schedule must be 'constant', 'step' or 'cosine', not ${JSON.stringify(kind)}`);
    this.engine.check(this.m._cnn_trainer_set_schedule(this.handle, k, warmup, stepSize, gamma, totalSteps, minLr));
  }

  /**
   * One step on a batch: `inputs` holds labels.length samples of `sampleShape`
   * ([c, h, w], or [features]; default: the network's planned or model
   * input). Returns the batch's mean loss before the update.
   */
  step(inputs, labels, sampleShape) {
    this.assertAlive();
    const n = labels.length;
    const shape = sampleShape ?? (this.net.inputShape ? this.net.inputShape.slice(1) : this.net.metadata?.inputShape?.slice(1));
    if (!shape) throw new EngineError('give the sample shape [c, h, w]: the network has no input shape yet');
    const per = shape.reduce((a, b) => a * b, 1);
    if (!n || inputs.length !== n * per) {
      throw new EngineError(`${n} labels need ${n * per} input values (${n} x ${shape.join('x')}), but ${inputs.length} were given`);
    }
    const bytes = inputs.length * 4 + n * 4;
    if (bytes > this.bufferBytes) {
      if (this.buffer) this.m._cnn_free(this.buffer);
      this.buffer = 0;
      this.bufferBytes = 0;
      const ptr = this.m._cnn_alloc(bytes);
      if (!ptr) throw new EngineError(this.engine.lastError());
      this.buffer = ptr;
      this.bufferBytes = bytes;
    }
    const inPtr = this.buffer;
    const labelPtr = this.buffer + inputs.length * 4;
    this.engine.f32(inPtr, inputs.length).set(inputs);
    new Int32Array(this.m.HEAP32.buffer, labelPtr, n).set(labels);
    const [c, h, w] = shape.length === 3 ? shape : [shape[0], 0, 0];
    const loss = this.m._cnn_trainer_step(this.handle, inPtr, labelPtr, n, c, h, w);
    if (loss < 0) throw new EngineError(this.engine.lastError());
    this.net.inputShape = shape.length === 3 ? [n, c, h, w] : [n, c];
    this.lastCorrect = this.m._cnn_trainer_last_correct(this.handle);
    return loss;
  }

  get steps() {
    this.assertAlive();
    return this.m._cnn_trainer_steps(this.handle);
  }

  destroy() {
    if (this.buffer) this.m._cnn_free(this.buffer);
    this.buffer = 0;
    this.bufferBytes = 0;
    if (this.handle && this.net.handle) this.m._cnn_trainer_destroy(this.handle);
    this.handle = 0;
  }
}
