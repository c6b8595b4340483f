// A network and its trainer in the engine: the objects Engine.createNetwork,
// Engine.loadModel and Engine.createTrainer return.
//
// Where the input and each layer's output live is asked of the engine once
// per plan and kept (pointer, shape, and a view); a view is made again only
// when wasm memory has grown (its buffer is then another ArrayBuffer), so a
// batch-1 forward costs the client no allocation and no extra engine call.
// Whatever may re-plan (plan, setVariant, a trainer step) drops what was kept.

import { EngineError } from './errors.js';
import { shapeArgs, geometryOf, paramShapesOf } from './spec.js';

export class Network {
  constructor(engine, handle, specs, metadata = null) {
    this.engine = engine;
    this.m = engine.m;
    this.handle = handle;
    this.specs = specs;
    this.metadata = metadata;  // from a model file: { name, dataset, ..., labels, inputShape }
    this.numLayers = this.m._cnn_net_num_layers(handle);
    this.inputShape = null;
    this.outputs = new Map();  // layer index (-1: the input) -> { ptr, shape, count, view }
  }

  /** Forgets where the buffers were: call after anything that may re-plan. */
  planChanged() {
    this.outputs.clear();
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
    this.planChanged();
    this.engine.check(this.m._cnn_net_plan(this.handle, n, c, h, w));
    this.inputShape = shape.slice();
    return this;
  }

  /** A view of the planned input buffer: write the input here. */
  input() {
    return this.activation(-1).data;
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

  /**
   * Layer i's output (i = -1: the input) as { shape, data }: data is a view
   * over wasm memory, valid until the next call that may allocate or re-plan.
   */
  activation(i) {
    this.assertAlive();
    let out = this.outputs.get(i);
    if (!out) {
      out = this.engine.withScratch(5 * 4, (dims) => {
        const ptr = this.m._cnn_net_activation(this.handle, i, dims);
        if (!ptr) throw new EngineError(this.engine.lastError());
        const d = new Int32Array(this.m.HEAP32.buffer, dims, 5);
        const shape = Array.from(d.subarray(1, 1 + d[0]));
        return { ptr, shape, count: shape.reduce((a, b) => a * b, 1), view: null };
      });
      this.outputs.set(i, out);
    }
    if (out.view?.buffer !== this.m.HEAPF32.buffer) out.view = this.engine.f32(out.ptr, out.count);
    return { shape: out.shape.slice(), data: out.view };
  }

  output() {
    return this.activation(this.numLayers - 1);
  }

  /** Kind, geometry, kernel and last time (ms) of layer i, for the planned input. */
  layerInfo(i) {
    this.assertAlive();
    const bytes = this.engine.recordBytes('geometry');
    return this.engine.withScratch(bytes + 8, (info) => {
      this.engine.check(this.m._cnn_net_layer_info(this.handle, i, info, info + bytes));
      const g = geometryOf(this.engine.readRecords('geometry', info)[0]);
      const kind = this.engine.kinds[this.engine.check(this.m._cnn_net_layer_kind(this.handle, i))];
      return { index: i, kind, ...g, ms: this.engine.f64(info + bytes, 1)[0],
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

  /**
   * Layer i's parameters: { weight, bias } views (null when it has none) and
   * their PyTorch shapes { weightShape, biasShape } from the engine.
   */
  layerParams(i) {
    this.assertAlive();
    return this.engine.withScratch(10 * 8, (out) => {
      this.engine.check(this.m._cnn_net_param_layout(this.handle, i, out));
      this.engine.check(this.m._cnn_net_param_shapes(this.handle, i, out + 4 * 8));
      const [wo, wc, bo, bc] = this.engine.f64(out, 4);
      const all = this.params();
      return {
        weight: wc ? all.subarray(wo, wo + wc) : null,
        bias: bc ? all.subarray(bo, bo + bc) : null,
        ...paramShapesOf(this.engine.f64(out + 4 * 8, 6)),
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
    this.planChanged();
    this.engine.check(this.m._cnn_net_set_variant(this.handle, v));
  }

  setProfiling(on) {
    this.assertAlive();
    this.engine.check(this.m._cnn_net_set_profiling(this.handle, on ? 1 : 0));
  }

  destroy() {
    if (this.handle) this.m._cnn_net_destroy(this.handle);
    this.handle = 0;
    this.planChanged();
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
    const planned = shape.length === 3 ? [n, c, h, w] : [n, c];
    // the step plans the network for n samples when it was planned for another shape
    const samePlan = this.net.inputShape?.length === planned.length && planned.every((d, k) => d === this.net.inputShape[k]);
    if (!samePlan) this.net.planChanged();
    const loss = this.m._cnn_trainer_step(this.handle, inPtr, labelPtr, n, c, h, w);
    if (loss < 0) {
      this.net.planChanged();
      throw new EngineError(this.engine.lastError());
    }
    this.net.inputShape = planned;
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
