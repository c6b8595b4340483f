// The engine operations the Worker serves, as plain functions of an Engine,
// so they run (and are tested) the same in a Worker and in Node.
// Each handler takes a payload object and returns { result, transfer }.
// Networks live in a table owned by this handler set (no module state), so
// several widgets sharing one Worker each keep their own networks.
// Training runs are served by training-handlers.js, which the page's Worker
// adds (the widgets' Worker has no training, so it stays small).

import { EngineError } from './engine.js';

export function createHandlers(engine) {
  const nets = new Map();
  let nextId = 1;

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
    loadModel({ bytes, normalize }) {
      return modelResult(engine.loadModel(bytes, normalize === undefined ? {} : { normalize }));
    },

    /** An ONNX file: { bytes, normalize? } -> (a promise of) the same answer as loadModel (engine.importOnnx). */
    async importOnnx({ bytes, normalize }) {
      return modelResult(await engine.importOnnx(bytes, normalize === undefined ? {} : { normalize }));
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

    /** { spec } -> the PyTorch shapes of its parameters: { weightShape, biasShape } (null when none) */
    paramShapes({ spec }) {
      return { result: engine.paramShapes(spec) };
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
  };
}
