// The JavaScript client of the wasm engine: loads the module (browser, worker
// or Node), wraps the C ABI, and turns error statuses into EngineErrors that
// carry the engine's message.
//
// Views over wasm memory: every Float32Array this client returns is made
// fresh from the current memory buffer, because after memory grows an old
// view silently reads zeros. Keep a view only until the next call that may
// allocate (createNetwork, plan, loadModel); take a new one after.

import { EngineError } from './errors.js';
import { Schema, shapeArgs, geometryOf, paramShapesOf } from './spec.js';
import { Network, Trainer } from './network.js';

export { EngineError, Network, Trainer };

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/**
 * Loads the engine. Options:
 *   moduleUrl:  URL of cnn.js (default: web/build/cnn.js beside this file's tree)
 *   createModule: cnn.js's factory itself, when it is bundled with this file
 *               (then moduleUrl is not loaded)
 *   wasmBinary: the .wasm bytes, if already at hand (e.g. inlined)
 *   onnxModuleUrl, createOnnxModule: the ONNX importer's module (default:
 *               cnn-onnx.js beside cnn.js), loaded by the first importOnnx
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
  const engine = new Engine(module);
  engine.onnxModule = onnxLoader(options, moduleUrl);
  return engine;
}

// Loads the ONNX importer's module on the first call (cnn-onnx.js beside
// cnn.js, options.onnxModuleUrl, or options.createOnnxModule itself); null
// when there is none to load. A failed start is retried at the next call.
function onnxLoader(options, moduleUrl) {
  const url = options.createOnnxModule ? null : options.onnxModuleUrl ?? (moduleUrl ? new URL('cnn-onnx.js', moduleUrl).href : null);
  if (!options.createOnnxModule && !url) return null;
  let ready = null;
  return () => (ready ??= (async () => {
    try {
      const create = options.createOnnxModule ?? (await import(/* @vite-ignore */ url)).default;
      const config = {};
      if (url && isNode) {
        const { readFile } = await import('node:fs/promises');
        config.wasmBinary = await readFile(new URL('cnn-onnx.wasm', url));
      }
      return await create(config);
    } catch (e) {
      ready = null;
      throw new EngineError(`the ONNX importer could not start: ${e?.message ?? e}`);
    }
  })());
}

/** A module's last failure (cnn_last_error and its code) as an EngineError. */
function moduleError(m) {
  const code = m.UTF8ToString(m._cnn_last_error_code());
  const params = code ? JSON.parse(m.UTF8ToString(m._cnn_last_error_params())) : {};
  return new EngineError(m.UTF8ToString(m._cnn_last_error()), { code, params });
}

export class Engine {
  constructor(module) {
    this.m = module;
    this.version = module.UTF8ToString(module._cnn_version());
    this.simdArch = module.UTF8ToString(module._cnn_simd_arch());
    this.simdWidth = module._cnn_simd_width();
    this.schema = new Schema(JSON.parse(module.UTF8ToString(module._cnn_schema())));
    this.kinds = this.schema.kinds;
    this.onnxModule = null;  // () => a promise of the ONNX importer's module (loadEngine sets it)
  }

  lastError() {
    return this.m.UTF8ToString(this.m._cnn_last_error());
  }

  /** The last failure as an EngineError: its message, and its code and named numbers when it has them. */
  lastEngineError() {
    return moduleError(this.m);
  }

  /** Throws an EngineError with the engine's message (and code) when status < 0. */
  check(status) {
    if (status < 0) throw this.lastEngineError();
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
    if (!ptr) throw this.lastEngineError();
    try {
      return fn(ptr);
    } finally {
      this.m._cnn_free(ptr);
    }
  }

  /** Runs fn(ptr, count) with the specs written as records into scratch memory. */
  withSpecs(specs, fn) {
    const count = specs.length;
    const size = this.schema.recordSize;
    return this.withScratch(Math.max(1, count) * size * 8, (ptr) => {
      const records = this.f64(ptr, count * size);
      for (let i = 0; i < count; i++) {
        try {
          this.schema.encodeSpec(specs[i], records, i * size);
        } catch (e) {
          throw new EngineError(`layer ${i}: ${e.message}`);
        }
      }
      return fn(ptr, count);
    });
  }

  /** Reads `count` records of `record` ('geometry', ...) at ptr, by name. */
  readRecords(record, ptr, count = 1) {
    const { size } = this.schema.records[record];
    const view = this.f64(ptr, count * size);
    return Array.from({ length: count }, (_, i) => this.schema.read(record, view, i * size));
  }

  /** Bytes of a record's doubles. */
  recordBytes(record) {
    return this.schema.records[record].size * 8;
  }

  /** Geometry of one layer for an input shape [n, c, h, w] (or [n, f]). */
  layerGeometry(spec, inputShape) {
    const [n, c, h, w] = shapeArgs(inputShape);
    return this.withSpecs([spec], (rec) =>
      this.withScratch(this.recordBytes('geometry'), (info) => {
        this.check(this.m._cnn_layer_geometry(rec, n, c, h, w, info));
        return geometryOf(this.readRecords('geometry', info)[0]);
      }));
  }

  /**
   * The PyTorch shapes of a layer's parameters, from its spec alone:
   * { weightShape, biasShape } (null when it has none), e.g. [8, 1, 5, 5] and [8].
   */
  paramShapes(spec) {
    return this.withSpecs([spec], (rec) =>
      this.withScratch(6 * 8, (out) => {
        this.check(this.m._cnn_param_shapes(rec, out));
        return paramShapesOf(this.f64(out, 6));
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
    const bytes = (a) => (a ? Math.max(1, a.length) * 4 : 0);
    const summaryBytes = this.recordBytes('explain');
    return this.withSpecs([spec], (rec) =>
      this.withScratch(summaryBytes + bytes(arrays[0]) + bytes(arrays[1]) + bytes(arrays[2]), (base) => {
        const ptrs = [];
        let at = base + summaryBytes;
        for (const a of arrays) {
          if (!a) { ptrs.push(0); continue; }
          this.f32(at, a.length).set(a);
          ptrs.push(at);
          at += bytes(a);
        }
        const len = (a) => (a ? a.length : 0);
        const count = this.check(this.m._cnn_explain_cell(rec, n, c, h, w,
          ptrs[0], len(arrays[0]), ptrs[1], len(arrays[1]), ptrs[2], len(arrays[2]), cn, cc, cy, cx, base));
        const s = this.readRecords('explain', base)[0];
        const terms = this.readRecords('term', this.m._cnn_explain_terms(), count)
          .map((t) => ({ ...t, padding: t.padding !== 0 }));
        return {
          kind: this.kinds[s.kind], cell: [cn, cc, cy, cx],
          sum: s.sum, bias: s.bias, hasBias: s.has_bias !== 0, output: s.output,
          winner: s.winner, divisor: s.divisor,
          window: { y: s.window_y, x: s.window_x, height: s.window_h, width: s.window_w },
          terms,
        };
      }));
  }

  /** A network from a list of layer specs. Call destroy() when done. */
  createNetwork(specs) {
    if (!Array.isArray(specs)) throw new EngineError('a network needs an array of layer specs');
    const handle = this.withSpecs(specs, (rec, count) => this.m._cnn_net_create(rec, count));
    if (!handle) throw this.lastEngineError();
    return new Network(this, handle, specs.map((s) => ({ ...s })));
  }

  /**
   * A network from a model file's bytes (Uint8Array or ArrayBuffer), with its
   * specs and metadata ({ name, dataset, ..., labels, inputShape }). A corrupt
   * or truncated file throws an EngineError naming the fault.
   */
  loadModel(bytes, options = {}) {
    let data = bytes;
    if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    if (!(data instanceof Uint8Array)) throw new EngineError('a model is loaded from a Uint8Array or an ArrayBuffer of its file');
    // the engine reads the header first, so an impossible file is refused before it is copied into wasm memory
    const head = Math.min(data.length, this.m._cnn_model_header_bytes());
    this.withScratch(Math.max(1, head), (ptr) => {
      new Uint8Array(this.m.HEAPU8.buffer, ptr, head).set(data.subarray(0, head));
      this.check(this.m._cnn_model_check_header(ptr, head, data.length));
    });
    const handle = this.withScratch(Math.max(1, data.length), (ptr) => {
      new Uint8Array(this.m.HEAPU8.buffer, ptr, data.length).set(data);
      return this.m._cnn_net_load_model(ptr, data.length);
    });
    if (!handle) throw this.lastEngineError();
    try {
      const count = this.check(this.m._cnn_net_num_layers(handle));
      const size = this.schema.recordSize;
      const specs = this.withScratch(count * size * 8, (ptr) => {
        this.check(this.m._cnn_net_specs(handle, ptr));
        const rec = this.f64(ptr, count * size);
        return Array.from({ length: count }, (_, i) => this.schema.decodeSpec(rec, i * size));
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
      if (options.normalize !== undefined) this.setNormalize(handle, options.normalize);
      metadata.normalize = this.readNormalize(handle);
      return new Network(this, handle, specs, metadata);
    } catch (e) {
      this.m._cnn_net_destroy(handle);
      throw e;
    }
  }

  /**
   * Gives the model of `handle` an input normalisation (PyTorch's
   * transforms.Normalize(mean, std)): { mean: [..], std: [..] }, one value or
   * one per input channel, or null for none. The engine checks it (codes
   * normalize_count and normalize_value).
   */
  setNormalize(handle, normalize) {
    const { mean = [], std = [] } = normalize ?? {};
    const numbers = (name, a) => {
      if (!Array.isArray(a) || a.some((v) => typeof v !== 'number')) throw new EngineError(`normalize.${name} must be an array of numbers, got ${JSON.stringify(a)}`);
      return a;
    };
    numbers('mean', mean);
    numbers('std', std);
    if (mean.length !== std.length) {
      throw new EngineError(`the input normalisation has ${mean.length} means and ${std.length} standard deviations`,
        { code: 'normalize_count', params: { means: mean.length, stds: std.length, channels: 0 } });
    }
    this.withScratch(Math.max(1, mean.length) * 8, (ptr) => {
      this.f32(ptr, mean.length).set(mean);
      this.f32(ptr + mean.length * 4, std.length).set(std);
      this.check(this.m._cnn_net_set_normalize(handle, mean.length, ptr, ptr + mean.length * 4));
    });
  }

  /** The input normalisation of the model of `handle`: { mean, std }, or null. */
  readNormalize(handle) {
    const n = this.check(this.m._cnn_net_model_normalize(handle, 0, 0, 0));
    if (!n) return null;
    return this.withScratch(n * 8, (ptr) => {
      this.check(this.m._cnn_net_model_normalize(handle, ptr, ptr + n * 4, n));
      return { mean: Array.from(this.f32(ptr, n)), std: Array.from(this.f32(ptr + n * 4, n)) };
    });
  }

  /**
   * A network from an ONNX file's bytes (Uint8Array or ArrayBuffer), as
   * torch.onnx.export writes it for a small CNN: a promise of a Network like
   * loadModel's, whose metadata also has source: 'onnx', producer, opset and
   * onnx_graph. The importer is a wasm module of its own (cnn-onnx.js),
   * loaded on the first call: it converts the file into a model file, which
   * this engine loads. A model the engine cannot run, or damaged bytes,
   * reject with an EngineError naming the node and the op, or the fault,
   * with a code and its numbers (onnx_unsupported_op { node, name, op }, ...).
   * options: normalize, as loadModel's.
   */
  async importOnnx(bytes, options = {}) {
    let data = bytes;
    if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    if (!(data instanceof Uint8Array)) throw new EngineError('an ONNX model is imported from a Uint8Array or an ArrayBuffer of its file');
    if (!this.onnxModule) throw new EngineError('this engine was loaded without the ONNX importer (loadEngine\'s onnxModuleUrl or createOnnxModule)');
    const m = await this.onnxModule();
    const ptr = m._malloc(Math.max(1, data.length));
    if (!ptr) throw new EngineError(`no memory for an ONNX file of ${data.length} bytes`);
    let model;
    try {
      new Uint8Array(m.HEAPU8.buffer, ptr, data.length).set(data);
      const size = m._cnn_onnx_to_model(ptr, data.length);
      if (size < 0) throw moduleError(m);
      model = new Uint8Array(m.HEAPU8.buffer, m._cnn_onnx_model(), size).slice();
      m._cnn_onnx_clear();
    } finally {
      m._free(ptr);
    }
    return this.loadModel(model, options);
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
    if (!handle) throw this.lastEngineError();
    const trainer = new Trainer(this, handle, net);
    if (o.schedule) trainer.setSchedule(o.schedule);
    return trainer;
  }

  /** Live objects in the engine: { networks, trainers } (a widget that is gone leaves none behind). */
  liveObjects() {
    return { networks: this.m._cnn_live_networks(), trainers: this.m._cnn_live_trainers() };
  }

  /** Bytes of wasm memory (it grows and never shrinks). */
  get memoryBytes() {
    return this.m.HEAPU8.buffer.byteLength;
  }
}
