// The comparison itself, shared by the Node bench (tools/bench/node.js) and
// the bench page (tools/bench/index.html): the same model and weights in our
// engine and in each peer, an agreement check before any timing, then
//   (a) batch-1 latency, (b) batch-64 throughput, (c) training throughput,
//   (d) conv layer GFLOP/s,
// each timed in interleaved rounds (every engine gets a share of each round)
// so that a noisy machine slows all of them alike and the ratios hold.
// No DOM and no Node APIs: the caller passes in the loaded libraries.
import {
  LENET_SPECS, LENET_MACS, IMAGE_SIZE, CLASSES, randomFloats, randomLabels, exportWeights,
  tfjsModel, convnetjsModel,
} from './lenet.js';
import { measureSimdPeak } from './peak.js';
import { learnRows } from './learn.js';

export const CONV_SHAPES = [
  { name: '1x28x28->8 5x5 pad2', c: 1, h: 28, w: 28, oc: 8, k: 5, pad: 2 },
  { name: '8x14x14->16 5x5', c: 8, h: 14, w: 14, oc: 16, k: 5, pad: 0 },
  { name: '32x32x32->64 3x3 pad1', c: 32, h: 32, w: 32, oc: 64, k: 3, pad: 1 },
  { name: '64x56x56->64 3x3 pad1', c: 64, h: 56, w: 56, oc: 64, k: 3, pad: 1 },
  { name: '64x56x56->32 1x1', c: 64, h: 56, w: 56, oc: 32, k: 1, pad: 0 },
];

// Largest |a - b| the agreement check accepts (probabilities and conv outputs,
// float32 with different summation orders).
export const AGREEMENT_TOLERANCE = 1e-4;
const SEED = 7;
const LR = 0.01;

export function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN;  // fails every check
    if (d > m) m = d;
  }
  return m;
}

/** Throws unless every named result agrees with the reference. Returns the diffs. */
export function checkAgreement(what, reference, others, tolerance = AGREEMENT_TOLERANCE) {
  const diffs = {};
  for (const [name, values] of Object.entries(others)) {
    const d = maxAbsDiff(reference, values);
    diffs[name] = d;
    if (!(d <= tolerance)) {
      throw new Error(`${what}: ${name} differs from our engine by ${d} (max abs), more than ${tolerance}; nothing is timed`);
    }
  }
  return diffs;
}

const now = () => performance.now();
const isThenable = (x) => x && typeof x.then === 'function';
function median(xs) {
  const s = Float64Array.from(xs).sort();
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/**
 * Times engines in interleaved rounds. Each engine: { name, call } where call
 * may return a promise. Returns { name: { median_ms, calls } }.
 *   minCalls: calls per engine in total (after warm-up), spread over the rounds
 *   minMs: time per engine in total, at least
 *   groupMs: when > 0, calls are timed in groups lasting at least this long and
 *     each sample is the group's mean (for coarse browser timers)
 */
export async function timeInterleaved(engines, { minCalls = 20, minMs = 500, rounds = 5, warmup = 3, groupMs = 0 } = {}) {
  const samples = Object.fromEntries(engines.map((e) => [e.name, []]));
  const calls = Object.fromEntries(engines.map((e) => [e.name, 0]));
  const run = async (e) => {
    const r = e.call();
    if (isThenable(r)) await r;
  };
  for (const e of engines) for (let i = 0; i < warmup; i++) await run(e);
  const perRoundCalls = Math.ceil(minCalls / rounds);
  const perRoundMs = minMs / rounds;
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const t0 = now();
      let n = 0;
      while (n < perRoundCalls || now() - t0 < perRoundMs) {
        if (groupMs > 0) {
          const g0 = now();
          let k = 0;
          do {
            await run(e);
            k++;
          } while (now() - g0 < groupMs);
          samples[e.name].push((now() - g0) / k);
          n += k;
        } else {
          const c0 = now();
          await run(e);
          samples[e.name].push(now() - c0);
          n++;
        }
      }
      calls[e.name] += n;
    }
  }
  return Object.fromEntries(engines.map((e) => [e.name, { median_ms: median(samples[e.name]), calls: calls[e.name] }]));
}

/**
 * Runs the whole comparison. ctx:
 *   engine: our loaded engine (web/src/engine/engine.js)
 *   tf: @tensorflow/tfjs-core with the 'wasm' and 'cpu' backends registered
 *   ort: onnxruntime-web;  onnxModelBytes: (W) => Uint8Array of the ONNX model
 *   convnetjs
 *   trainingData (optional): the page's MNIST split (readDataset's object), for the rows (e)
 *   workerClient (optional): an EngineClient of the page's Worker, for the row on the page's path
 *   options: { quick, groupMs, log }
 * Returns { meta, rows, checks }: rows as printed by formatTable().
 */
export async function runSuite(ctx) {
  const { engine, tf, ort, convnetjs } = ctx;
  const opt = ctx.options ?? {};
  const log = opt.log ?? (() => {});
  const quick = !!opt.quick;
  const groupMs = opt.groupMs ?? 0;
  const meta = { simdArch: engine.simdArch, simdWidth: engine.simdWidth, version: engine.version };
  const checks = {};
  const rows = [];

  log('measuring the SIMD128 peak');
  const peak = await measureSimdPeak(quick ? 0.3 : 1.0);
  meta.simdPeakGflops = peak.gflops;
  meta.simdPeakMixes = peak.mixes;

  // ---- the model in every engine, same weights ---------------------------------
  const ours = engine.createNetwork(LENET_SPECS);
  ours.initParams(SEED);
  const W = exportWeights(ours);
  const ours64 = engine.createNetwork(LENET_SPECS);
  ours64.params().set(ours.params());
  ours64.paramsChanged();
  const oursRef = engine.createNetwork(LENET_SPECS);
  oursRef.params().set(ours.params());
  oursRef.paramsChanged();
  oursRef.setVariant('ref');
  const oursRef64 = engine.createNetwork(LENET_SPECS);
  oursRef64.params().set(ours.params());
  oursRef64.paramsChanged();
  oursRef64.setVariant('ref');
  ours.plan([1, 1, 28, 28]);
  oursRef.plan([1, 1, 28, 28]);
  ours64.plan([64, 1, 28, 28]);
  oursRef64.plan([64, 1, 28, 28]);

  await tf.setBackend('wasm');
  const tfWasm = tfjsModel(tf, W);
  await tf.setBackend('cpu');
  const tfCpu = tfjsModel(tf, W);
  const cnj = convnetjsModel(convnetjs, W);
  const session = await ort.InferenceSession.create(await ctx.onnxModelBytes(W), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all',
  });
  meta.tfjs = tf.version_core;
  meta.ort = ort.env.versions?.web ?? ort.env.versions?.common;

  // Our forward: write the input into wasm memory, run, read the output back.
  const oursPredict = (net) => (x) => {
    net.input().set(x);
    net.forward();
    return Float32Array.from(net.output().data);
  };
  const ortPredict = async (x, n) => {
    const r = await session.run({ input: new ort.Tensor('float32', x, [n, 1, 28, 28]) });
    return r.output.data;
  };
  const useTf = async (backend) => { if (tf.getBackend() !== backend) await tf.setBackend(backend); };
  const predictors = (net, refNet, n) => ({
    ours: { call: () => oursPredict(net)(X[n]) },
    'ours ref': { call: () => oursPredict(refNet)(X[n]) },
    'TF.js wasm': { backend: 'wasm', call: () => tfWasm.predict(X[n], n) },
    'ORT Web': { call: () => ortPredict(X[n], n) },
    ConvNetJS: { call: () => cnj.predict(X[n], n) },
    'TF.js cpu': { backend: 'cpu', call: () => tfCpu.predict(X[n], n) },
  });
  const X = { 1: randomFloats(IMAGE_SIZE, 11), 64: randomFloats(64 * IMAGE_SIZE, 12) };

  // ---- agreement before any timing --------------------------------------------------
  log('checking that every engine computes the same probabilities');
  for (const n of [1, 64]) {
    const P = predictors(n === 1 ? ours : ours64, n === 1 ? oursRef : oursRef64, n);
    const ref = await P.ours.call();
    const others = {};
    for (const [name, p] of Object.entries(P)) {
      if (name === 'ours') continue;
      if (p.backend) await useTf(p.backend);
      others[name] = await p.call();
    }
    checks[`forward batch ${n}`] = checkAgreement(`forward, batch ${n}`, ref, others);
  }

  // Each peer is timed with its tf backend selected; the switch is outside the timed call.
  const timeAll = async (P, names, settings) => {
    const out = {};
    for (const name of names) {
      const p = P[name];
      if (p.backend) await useTf(p.backend);
      Object.assign(out, await timeInterleaved([{ name, call: p.call }], settings));
    }
    return out;
  };
  // Engines sharing one tf global are interleaved within their backend; the
  // rest are interleaved together.
  const timeGroup = async (P, settings) => {
    const plain = ['ours', 'ours ref', 'ORT Web', 'ConvNetJS'].map((name) => ({ name, call: P[name].call }));
    const res = {};
    for (let round = 0; round < (settings.outerRounds ?? 1); round++) {
      const part = await timeInterleaved(plain, settings);
      const tfPart = await timeAll(P, ['TF.js wasm', 'TF.js cpu'], settings);
      for (const [k, v] of Object.entries({ ...part, ...tfPart })) (res[k] ??= []).push(v);
    }
    return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { median_ms: median(v.map((x) => x.median_ms)), calls: v.reduce((a, x) => a + x.calls, 0) }]));
  };

  const gflops = (macsPerCall, ms) => (2 * macsPerCall) / (ms * 1e6);

  // ---- (a) batch-1 latency ---------------------------------------------------------------
  log('(a) batch-1 latency');
  const lat = await timeGroup(predictors(ours, oursRef, 1), {
    minCalls: quick ? 200 : 2000, minMs: quick ? 100 : 500, rounds: 5, warmup: quick ? 20 : 200, groupMs,
  });
  for (const peer of ['TF.js wasm', 'ORT Web', 'ConvNetJS', 'TF.js cpu']) {
    rows.push({
      name: `(a) batch-1 latency vs ${peer}`, unit: 'ms', better: 'lower',
      ours: lat.ours.median_ms, theirs: lat[peer].median_ms, ratio: lat.ours.median_ms / lat[peer].median_ms,
      ref: lat['ours ref'].median_ms, oursGflops: gflops(LENET_MACS, lat.ours.median_ms),
      calls: { ours: lat.ours.calls, theirs: lat[peer].calls },
    });
  }

  // The client's own cost per call: a network of one ReLU on one value, whose
  // C forward is next to nothing, through the same calls as the batch-1
  // forward above (write the input, run, copy the output back); beside it
  // the C call alone, and TF.js wasm's call for the same one-value ReLU.
  // Calls this short are timed in groups of >= 1 ms.
  log('(a) per-call overhead');
  const tiny = engine.createNetwork([{ type: 'relu' }]);
  tiny.plan([1, 1, 1, 1]);
  const one = Float32Array.of(0.5);
  const tinyCalls = { minCalls: quick ? 2000 : 20000, minMs: quick ? 100 : 500, rounds: 5, warmup: 1000, groupMs: Math.max(groupMs, 1) };
  const ovh = await timeInterleaved([
    { name: 'client', call: () => oursPredict(tiny)(one) },
    { name: 'C', call: () => engine.m._cnn_net_forward(tiny.handle) },
  ], tinyCalls);
  await useTf('wasm');
  const tfOne = await timeInterleaved([{ name: 'tf', call: () => tf.tidy(() => tf.relu(tf.tensor1d(one))).dataSync() }], tinyCalls);
  tiny.destroy();
  const us = (ms) => ms * 1000;
  const added = us(ovh.client.median_ms - ovh.C.median_ms);
  rows.push({
    name: '(a) per-call overhead, 1-value network vs TF.js wasm', unit: 'µs', better: 'lower',
    ours: us(ovh.client.median_ms), theirs: us(tfOne.tf.median_ms), ref: NaN,
    note: `per-call overhead: the C forward of the 1-value network alone takes ${us(ovh.C.median_ms).toFixed(2)} µs, so the client ` +
      `adds ${added.toFixed(2)} µs per call, ${(100 * added / us(lat.ours.median_ms)).toFixed(1)}% of our batch-1 latency`,
  });

  // The page's path: the same forward asked of the page's engine Worker
  // (postMessage there and back, the input and output copied), plain and as
  // the draw pad asks it (every layer's activations and the per-layer times).
  if (ctx.workerClient) {
    log('(a) batch-1 through the page\'s Worker');
    const client = ctx.workerClient;
    const made = await client.request('createNetwork', { specs: LENET_SPECS, inputShape: [1, 1, 28, 28], params: Float32Array.from(ours.params()) });
    const viaWorker = await client.request('run', { id: made.id, input: X[1] });
    checks['forward batch 1 through the Worker'] = checkAgreement('forward through the Worker', await predictors(ours, oursRef, 1).ours.call(),
      { worker: viaWorker.output.data });
    const w = await timeInterleaved([
      { name: 'thread', call: () => oursPredict(ours)(X[1]) },
      { name: 'plain', call: () => client.request('run', { id: made.id, input: X[1] }) },
      { name: 'pad', call: () => client.request('run', { id: made.id, input: X[1], activations: true, profile: true }) },
    ], { minCalls: quick ? 100 : 1000, minMs: quick ? 100 : 500, rounds: 5, warmup: 20, groupMs });
    await client.request('destroyNetwork', { id: made.id });
    rows.push({
      name: '(a) batch-1 through the page\'s Worker', unit: 'ms', better: 'lower',
      ours: w.plain.median_ms, theirs: NaN, ref: NaN, oursGflops: gflops(LENET_MACS, w.plain.median_ms),
      note: `the page's Worker: a batch-1 forward asked through it takes ${w.plain.median_ms.toFixed(3)} ms against ` +
        `${w.thread.median_ms.toFixed(3)} ms in the same thread (same rounds), so the messages cost ${(w.plain.median_ms - w.thread.median_ms).toFixed(3)} ms; ` +
        `as the draw pad asks it (every layer's activations, per-layer times) ${w.pad.median_ms.toFixed(3)} ms`,
    });
  }

  // ---- (b) batch-64 throughput ------------------------------------------------------------
  log('(b) batch-64 throughput');
  const thr = await timeGroup(predictors(ours64, oursRef64, 64), {
    minCalls: quick ? 4 : 20, minMs: quick ? 100 : 1500, rounds: 3, warmup: 2, groupMs: 0,
  });
  const ips = (ms) => 64 / (ms / 1000);
  for (const peer of ['TF.js wasm', 'ORT Web', 'ConvNetJS', 'TF.js cpu']) {
    rows.push({
      name: `(b) batch-64 throughput vs ${peer}`, unit: 'img/s', better: 'higher',
      ours: ips(thr.ours.median_ms), theirs: ips(thr[peer].median_ms), ratio: thr[peer].median_ms / thr.ours.median_ms,
      ref: ips(thr['ours ref'].median_ms), oursGflops: gflops(64 * LENET_MACS, thr.ours.median_ms),
      calls: { ours: thr.ours.calls, theirs: thr[peer].calls },
    });
  }

  // ---- (c) training, batch 32 ---------------------------------------------------------------
  log('(c) training, batch 32');
  const B = 32;
  const TX = randomFloats(B * IMAGE_SIZE, 21);
  const TY = randomLabels(B, 22);
  const trainers = {};
  // Fresh copies from the same weights, so the first step can be compared.
  const cnjT = convnetjsModel(convnetjs, W);
  trainers.ConvNetJS = { model: cnjT, step: cnjT.makeTrainer(LR, B) };
  await useTf('cpu');
  const tfT = tfjsModel(tf, W);
  trainers['TF.js cpu'] = { backend: 'cpu', model: tfT, step: tfT.makeTrainer(LR) };
  const oursTrain = ctx.oursTrainer ? await ctx.oursTrainer(engine, W, LR, B) : null;
  // One step each from the same weights on the same batch: the updated first
  // conv layer must agree.
  const after = {};
  for (const [name, t] of Object.entries(trainers)) {
    if (t.backend) await useTf(t.backend);
    t.step(TX, TY, B);
    after[name] = t.model.conv1Weight();
  }
  // The update itself (about 1e-4 here) is compared, to 1% of its size, so
  // an engine that did not update at all cannot pass.
  const change = (w) => w.map((v, i) => v - W.conv1.w[i]);
  const changes = Object.fromEntries(Object.entries(after).map(([k, w]) => [k, change(w)]));
  let refChange;
  if (oursTrain) {
    oursTrain.step(TX, TY, B);
    refChange = change(oursTrain.conv1Weight());
  } else {
    refChange = changes.ConvNetJS;
    delete changes.ConvNetJS;
  }
  const size = refChange.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (!(size > 0)) throw new Error('one SGD step left the first conv layer unchanged; nothing is timed');
  checks['training step'] = checkAgreement('one SGD step, change of the conv1 weights', refChange, changes, 0.01 * size);
  const trainSettings = { minCalls: quick ? 1 : 3, minMs: quick ? 0 : 2000, rounds: 1, warmup: 1 };
  const trainTimes = {};
  const trainEngines = [...(oursTrain ? [['ours', oursTrain], ['ours ref', oursTrain.ref]] : []), ...Object.entries(trainers)];
  for (const [name, t] of trainEngines) {
    if (!t) continue;
    if (t.backend) await useTf(t.backend);
    Object.assign(trainTimes, await timeInterleaved([{ name, call: () => t.step(TX, TY, B) }], trainSettings));
  }
  const tps = (name) => (trainTimes[name] ? B / (trainTimes[name].median_ms / 1000) : NaN);
  for (const peer of ['ConvNetJS', 'TF.js cpu']) {
    rows.push({
      name: `(c) training batch 32 vs ${peer}`, unit: 'img/s', better: 'higher',
      ours: tps('ours'), theirs: tps(peer), ratio: tps('ours') / tps(peer), ref: tps('ours ref'),
      oursGflops: gflops(3 * B * LENET_MACS, trainTimes.ours?.median_ms ?? NaN),
      note: oursTrain ? undefined : 'our training ABI is not in the engine yet',
    });
  }

  // ---- (d) conv GFLOP/s ------------------------------------------------------------------------
  log('(d) conv GFLOP/s');
  await useTf('wasm');
  for (const s of CONV_SHAPES) {
    const spec = [{ type: 'conv2d', in_channels: s.c, out_channels: s.oc, kernel_size: s.k, padding: s.pad }];
    const net = engine.createNetwork(spec);
    net.initParams(SEED);
    const refNet = engine.createNetwork(spec);
    refNet.params().set(net.params());
    refNet.paramsChanged();
    refNet.setVariant('ref');
    const shape = [1, s.c, s.h, s.w];
    net.plan(shape);
    refNet.plan(shape);
    const x = randomFloats(s.c * s.h * s.w, 31, -1, 1);
    net.input().set(x);
    refNet.input().set(x);
    const { weight, bias } = net.layerParams(0);
    const macs = net.layerInfo(0).macs;
    const xNhwc = new Float32Array(x.length);
    for (let c = 0; c < s.c; c++) for (let i = 0; i < s.h * s.w; i++) xNhwc[i * s.c + c] = x[c * s.h * s.w + i];
    const hwio = new Float32Array(weight.length);
    const kk = s.k * s.k;
    for (let o = 0; o < s.oc; o++) for (let c = 0; c < s.c; c++) for (let i = 0; i < kk; i++) hwio[(i * s.c + c) * s.oc + o] = weight[(o * s.c + c) * kk + i];
    const tx = tf.tensor4d(xNhwc, [1, s.h, s.w, s.c]);
    const tw = tf.tensor4d(hwio, [s.k, s.k, s.c, s.oc]);
    const tb = tf.tensor1d(Float32Array.from(bias));
    const tfConv = () => tf.fused.conv2d({ x: tx, filter: tw, bias: tb, strides: 1, pad: s.pad === 0 ? 'valid' : s.pad });
    // Agreement: our output (NCHW) against TF.js's (NHWC), and our reference.
    net.forward();
    refNet.forward();
    const mine = Float32Array.from(net.output().data);
    const y = tfConv();
    const theirsNhwc = y.dataSync();
    y.dispose();
    const plane = mine.length / s.oc;
    const theirs = new Float32Array(mine.length);
    for (let o = 0; o < s.oc; o++) for (let i = 0; i < plane; i++) theirs[o * plane + i] = theirsNhwc[i * s.oc + o];
    checks[`conv ${s.name}`] = checkAgreement(`conv ${s.name}`, mine, { 'TF.js wasm': theirs, 'ours ref': refNet.output().data }, 1e-3);
    const big = macs > 5e7;
    const t = await timeInterleaved([
      { name: 'ours', call: () => net.forward() },
      { name: 'TF.js wasm', call: () => tfConv().dispose() },
      { name: 'peak', call: peak.probe.call },
    ], { minCalls: quick ? 5 : (big ? 30 : 300), minMs: quick ? 50 : 1000, rounds: 5, warmup: 5, groupMs });
    // the probe in the same rounds: a machine busier now than when the peak was measured cannot lift a row past it
    meta.simdPeakGflops = Math.max(meta.simdPeakGflops, peak.probe.flops / (t.peak.median_ms * 1e6));
    const tr = await timeInterleaved([{ name: 'ours ref', call: () => refNet.forward() }],
      { minCalls: big ? 2 : 5, minMs: quick ? 0 : 300, rounds: 1, warmup: 1 });
    const g = (ms) => gflops(macs, ms);
    rows.push({
      name: `(d) conv ${s.name} vs TF.js wasm`, unit: 'GFLOP/s', better: 'higher',
      ours: g(t.ours.median_ms), theirs: g(t['TF.js wasm'].median_ms), ratio: t['TF.js wasm'].median_ms / t.ours.median_ms,
      ref: g(tr['ours ref'].median_ms), oursGflops: g(t.ours.median_ms), shape: s.name,
    });
    tx.dispose(); tw.dispose(); tb.dispose();
    net.destroy();
    refNet.destroy();
  }

  // ---- (e) time to 98% held-out ------------------------------------------------------------------
  if (ctx.trainingData) rows.push(...await learnRows({ engine, convnetjs, data: ctx.trainingData, quick, log }));

  // As fractions of the peak as measured by the end of the run (the probe also ran beside each conv).
  for (const r of rows) r.ofPeak = (r.oursGflops ?? NaN) / meta.simdPeakGflops;

  // Ours/theirs as speed: > 1 means ours is faster, in every row.
  for (const r of rows) r.speedup = r.better === 'lower' ? r.theirs / r.ours : r.ours / r.theirs;
  for (const r of rows) r.ratio = r.ours / r.theirs;

  for (const n of [ours, ours64, oursRef, oursRef64]) n.destroy();
  tfWasm.dispose();
  tfCpu.dispose();
  tfT.dispose();
  if (oursTrain?.dispose) oursTrain.dispose();
  return { meta, rows, checks };
}

/** The table as text. `native` (optional) maps row names to our native figures. */
export function formatTable({ meta, rows }, native = {}) {
  const lines = [];
  const fmt = (x, unit) => {
    if (!Number.isFinite(x)) return 'n/a';
    if (unit === 'ms') return x < 1 ? x.toFixed(3) : x.toFixed(2);
    if (unit === 's') return x.toFixed(1);
    if (unit === 'µs') return x.toFixed(2);
    if (unit === 'img/s') return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
    return x.toFixed(2);
  };
  const mixes = (meta.simdPeakMixes ?? []).map((m) => `${m.muls}+${m.adds} ${m.gflops.toFixed(1)}`).join(', ');
  lines.push(`SIMD128 peak measured here: ${meta.simdPeakGflops.toFixed(1)} GFLOP/s (independent f32x4 mul + add streams: ${mixes}); ` +
             `ours: ${meta.simdArch} x${meta.simdWidth}, TF.js ${meta.tfjs}, ORT Web ${meta.ort}`);
  const head = ['row', 'unit', 'ours', 'theirs', 'ours/theirs', 'x faster', 'ours native', 'ours ref', 'ours % peak'];
  const body = rows.map((r) => [
    r.name, r.unit, fmt(r.ours, r.unit), fmt(r.theirs, r.unit), Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a',
    Number.isFinite(r.speedup) ? r.speedup.toFixed(2) : 'n/a', fmt(native[r.name], r.unit), fmt(r.ref, r.unit),
    Number.isFinite(r.ofPeak) ? `${(100 * r.ofPeak).toFixed(0)}%` : 'n/a',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  lines.push(line(head));
  lines.push(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) lines.push(line(b));
  const notes = [...new Set(rows.filter((r) => r.note).map((r) => r.note))];
  for (const n of notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
