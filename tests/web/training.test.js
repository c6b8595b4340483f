// Training in the Worker's protocol (training-handlers.js, training.js,
// training-data.js), run directly under Node on a small fixed problem: 8x8
// images of four kinds of bar, with noise. To add a case: create a run as the
// page does (trainCreate with layers, hyperparameters and the data) and check
// what the ops give back.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { loadEngine, EngineError } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { createTrainingHandlers } from '../../web/src/engine/training-handlers.js';
import { fetchTrainingData } from '../../web/src/engine/training-data.js';
import { encodeDataset } from '../../tools/prepare_data.js';

let engine;
let h;
before(async () => {
  engine = await loadEngine();
  h = { ...createHandlers(engine), ...createTrainingHandlers(engine) };
});

/** 4 classes (horizontal, vertical, diagonal, anti-diagonal bar) at random places, with noise. */
function bars(trainCount, heldOutCount, seed = 7) {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const count = trainCount + heldOutCount;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * 64);
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    const at = 1 + Math.floor(rand() * 6);
    labels[i] = label;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const on = [y === at, x === at, x - y === at - 3, x + y === at + 4][label];
        pixels[i * 64 + y * 8 + x] = on ? 200 + Math.floor(rand() * 55) : Math.floor(rand() * 60);
      }
    }
  }
  return encodeDataset({ name: 'bars', classes: ['h', 'v', 'd', 'a'], trainCount, height: 8, width: 8, labels, pixels });
}

const DATA = bars(400, 100);
const LAYERS = [
  { type: 'conv2d', out_channels: 4, kernel_size: 3, padding: 1 }, { type: 'relu' }, { type: 'maxpool2d', kernel_size: 2 },
  { type: 'flatten' }, { type: 'dense', out_features: 4 },
];
const RUN = { layers: LAYERS, inputShape: [1, 8, 8], classes: 4, data: DATA, optimizer: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 16, epochs: 8, seed: 3 };

const create = (o = {}) => h.trainCreate({ ...RUN, ...o }).result;
const params = (id) => h.trainParams({ id }).result.params;

test('the loss falls on a small fixed problem, and the held-out accuracy rises far above chance', () => {
  const run = create();
  assert.equal(run.state, 'ready');
  assert.equal(run.specs[0].in_channels, 1, 'the input size is filled in from the layer before');
  assert.equal(run.specs[4].in_features, 4 * 4 * 4);
  const p = h.trainStep({ id: run.id, steps: 150 }).result;
  assert.equal(p.step, 150);
  assert.equal(p.curve.length, 15);
  const first = p.curve[0].loss;
  const last = p.curve[p.curve.length - 1].loss;
  assert.ok(last < first / 3, `the loss fell from ${first} to ${last}`);
  const e = h.trainEvaluate({ id: run.id }).result;
  assert.equal(e.count, 100);
  assert.ok(e.accuracy > 0.9, `held-out accuracy ${e.accuracy}`);
  assert.equal(e.confusion.reduce((a, b) => a + b, 0), 100);
  assert.equal(e.perClass.length, 4);
  const f = h.trainFilters({ id: run.id }).result;
  assert.deepEqual(f.weightShape, [4, 1, 3, 3]);
  assert.equal(f.weight.length, 36);
  h.trainDestroy({ id: run.id });
  assert.throws(() => h.trainProgress({ id: run.id }), /no training run/);
});

test('a confusion-matrix cell gives its images; the trained network saves as a model file that loads and answers the same', () => {
  const run = create();
  h.trainStep({ id: run.id, steps: 60 });
  const e = h.trainEvaluate({ id: run.id }).result;
  for (const [truth, predicted] of [[0, 0], [1, 2], [3, 3]]) {
    const x = h.trainExamples({ id: run.id, truth, predicted, limit: 100 }).result;
    assert.equal(x.indices.length, e.confusion[truth * 4 + predicted], `cell ${truth}, ${predicted}`);
    assert.equal(x.pixels.length, x.indices.length * 64);
    for (const i of x.indices) assert.equal(i % 4, truth, 'held-out image i of the bars has class i % 4');
  }
  assert.equal(h.trainExamples({ id: run.id, truth: 0, predicted: 0, limit: 3 }).result.indices.length, 3);
  assert.throws(() => h.trainExamples({ id: run.id, truth: 4, predicted: 0 }), /truth must be a class from 0 to 3, not 4/);
  const { bytes } = h.trainSaveModel({ id: run.id }).result;
  const loaded = h.loadModel({ bytes }).result;
  assert.deepEqual(loaded.inputShape, [1, 1, 8, 8]);
  const input = new Float32Array(64).map((_, i) => (i % 8 === 3 ? 0.9 : 0.1));
  const want = engine.createNetwork(run.specs);
  want.params().set(params(run.id));
  want.paramsChanged();
  want.plan([1, 1, 8, 8]).forward(input);
  assert.deepEqual(h.run({ id: loaded.id, input }).result.output.data, Float32Array.from(want.output().data));
  want.destroy();
  h.destroyNetwork({ id: loaded.id });
  h.trainDestroy({ id: run.id });
});

test('a saved model carries the data set\'s class names as its labels, and its name', () => {
  const run = create();
  h.trainStep({ id: run.id, steps: 5 });
  const loaded = h.loadModel({ bytes: h.trainSaveModel({ id: run.id }).result.bytes }).result;
  assert.deepEqual(loaded.metadata.labels, ['h', 'v', 'd', 'a']);
  assert.equal(loaded.metadata.dataset, 'bars');
  h.destroyNetwork({ id: loaded.id });
  h.trainDestroy({ id: run.id });
  // the engine checks the labels against the outputs when the file is written
  const net = engine.createNetwork(run.specs);
  net.initParams(1);
  net.plan([1, 1, 8, 8]);
  net.describe({ labels: ['one', 'two'] });
  assert.throws(() => net.saveModel(), /2 labels, but the network gives 4 outputs/);
  net.describe({ labels: ['가', 'v', 'd', 'a'], metadata: { note: 'made in a test' } });
  const again = engine.loadModel(net.saveModel());
  assert.deepEqual(again.metadata.labels, ['가', 'v', 'd', 'a']);
  assert.equal(again.metadata.note, 'made in a test');
  assert.throws(() => net.describe({ labels: [1, 2, 3, 4] }), /labels must be an array of strings/);
  again.destroy();
  net.destroy();
});

test('one image\'s feature maps follow the training, from a network of their own that goes with the run', () => {
  const before = engine.liveObjects();
  const run = create();
  const first = h.trainMaps({ id: run.id, heldOut: 5 }).result;
  assert.equal(first.activations.length, LAYERS.length + 1, 'the input, then every layer');
  assert.deepEqual(first.activations[0].shape, [1, 1, 8, 8]);
  assert.deepEqual(first.activations[1].shape, [1, 4, 8, 8]);
  assert.equal(first.layers[0].kind, 'conv2d');
  assert.equal(first.label, 5 % 4, 'held-out image i of the bars has class i % 4');
  assert.deepEqual(engine.liveObjects(), { networks: before.networks + 2, trainers: before.trainers + 1 });
  h.trainStep({ id: run.id, steps: 30 });
  const later = h.trainMaps({ id: run.id, heldOut: 5 }).result;
  assert.deepEqual(later.activations[0].data, first.activations[0].data, 'the same image');
  assert.notDeepEqual(later.activations[1].data, first.activations[1].data, 'the conv maps changed with the weights');
  const image = new Float32Array(64).fill(0.5);
  const drawn = h.trainMaps({ id: run.id, image }).result;
  assert.equal(drawn.label, null);
  assert.deepEqual(drawn.activations[0].data, image);
  assert.throws(() => h.trainMaps({ id: run.id, heldOut: 100 }), /heldOut must be a held-out image from 0 to 99, not 100/);
  assert.throws(() => h.trainMaps({ id: run.id, image: new Float32Array(3) }), /Float32Array of 1x8x8 values/);
  // the step after the maps is the step of an uninterrupted run
  const plain = create();
  h.trainStep({ id: plain.id, steps: 31 });
  h.trainStep({ id: run.id, steps: 1 });
  assert.deepEqual(params(run.id), params(plain.id));
  h.trainDestroy({ id: plain.id });
  h.trainDestroy({ id: run.id });
  assert.deepEqual(engine.liveObjects(), before, 'the run\'s networks and trainer are freed');
});

test('the same seed gives the same curve; another seed another one', () => {
  const curve = (seed, augment = false, schedule = 'constant') => {
    const run = create({ seed, augment, schedule, epochs: 2 });
    const c = h.trainStep({ id: run.id, steps: 40 }).result.curve.map((p) => p.loss);
    h.trainDestroy({ id: run.id });
    return c;
  };
  assert.deepEqual(curve(5), curve(5));
  assert.notDeepEqual(curve(5), curve(5, false, 'cosine'), 'the cosine schedule changes the steps');
  assert.deepEqual(curve(5, false, 'cosine'), curve(5, false, 'cosine'));
  assert.deepEqual(curve(5, true), curve(5, true));
  assert.notDeepEqual(curve(5), curve(6));
  assert.notDeepEqual(curve(5), curve(5, true));
});

test('pausing, stepping, evaluating and resuming give the weights of an uninterrupted run', async () => {
  const long = { epochs: 40 };
  const straight = create(long);
  h.trainStep({ id: straight.id, steps: 600 });
  const want = params(straight.id);

  const run = create(long);
  h.trainStep({ id: run.id, steps: 7 });
  for (let i = 0; i < 3; i++) h.trainStep({ id: run.id });
  h.trainEvaluate({ id: run.id });
  h.trainFilters({ id: run.id });
  // in the background, in slices, until paused
  assert.equal(h.trainStart({ id: run.id }).result.running, true);
  while (h.trainProgress({ id: run.id }).result.step < 40) await new Promise((r) => setTimeout(r, 5));
  const paused = h.trainPause({ id: run.id }).result;
  assert.equal(paused.running, false);
  assert.ok(paused.step >= 40 && paused.step < 600, `paused at step ${paused.step}`);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(h.trainProgress({ id: run.id }).result.step, paused.step, 'nothing moves while paused');
  h.trainStep({ id: run.id, steps: 600 - paused.step });
  assert.deepEqual(params(run.id), want);

  // reset: back to the seed's weights and step 0, and the same run again
  const reset = h.trainReset({ id: run.id }).result;
  assert.equal(reset.step, 0);
  assert.equal(reset.curve.length, 0);
  h.trainStep({ id: run.id, steps: 600 });
  assert.deepEqual(params(run.id), want);
  h.trainDestroy({ id: run.id });
  h.trainDestroy({ id: straight.id });
});

test('a run goes on to its last epoch in the background, and stops there, with the curves of a run stepped at once', async () => {
  // 300 held-out images: each held-out point is measured in three batches, between slices
  const data = bars(400, 300);
  const run = create({ epochs: 5, data });
  h.trainStart({ id: run.id });
  let p;
  while ((p = h.trainProgress({ id: run.id }).result).state !== 'done') await new Promise((r) => setTimeout(r, 5));
  assert.equal(p.step, 5 * 400 / 16);
  assert.equal(p.running, false);
  assert.deepEqual(p.heldOut.map((x) => x.step), [100, 125], 'a held-out point every 100 steps, and one at the end');
  assert.ok(p.imagesPerSecond > 0 && p.elapsedMs > 0);
  console.log(`bars: ${p.step} steps, ${p.imagesPerSecond.toFixed(0)} images/s`);
  const straight = create({ epochs: 5, data });
  const q = h.trainStep({ id: straight.id, steps: 1000 }).result;
  assert.equal(q.state, 'done');
  assert.deepEqual(p.heldOut, q.heldOut);
  assert.deepEqual(p.curve, q.curve);
  assert.deepEqual(params(run.id), params(straight.id));
  h.trainDestroy({ id: run.id });
  h.trainDestroy({ id: straight.id });
});

test('bad hyperparameters are refused before anything is made, naming the parameter and the value', () => {
  const live = engine.liveObjects();
  const cases = [
    [{ lr: NaN }, /learning rate \(lr\) .* not NaN/],
    [{ lr: -0.1 }, /learning rate \(lr\) .* not -0\.1/],
    [{ lr: 0 }, /learning rate \(lr\) .* not 0$/],
    [{ lr: 1e6 }, /learning rate \(lr\) .* at most 10, not 1000000/],
    [{ lr: '0.1' }, /learning rate \(lr\) .* not "0\.1"/],
    [{ batchSize: 0 }, /batch size \(batchSize\) .* not 0/],
    [{ batchSize: 2.5 }, /batch size \(batchSize\) .* not 2\.5/],
    [{ epochs: -1 }, /epochs .* not -1/],
    [{ momentum: 1 }, /momentum .* not 1/],
    [{ optimizer: 'rmsprop' }, /optimizer must be one of sgd, adam, not "rmsprop"/],
    [{ seed: -1 }, /seed .* not -1/],
    [{ augment: 'yes' }, /augment must be true or false, not "yes"/],
    [{ schedule: 'step' }, /the schedule must be one of constant, cosine, not "step"/],
  ];
  for (const [change, message] of cases) assert.throws(() => create(change), (e) => e instanceof EngineError && message.test(e.message), JSON.stringify(change));
  assert.deepEqual(engine.liveObjects(), live, 'no network or trainer was left behind');
});

test('an impossible layer, a wrong class count or an architecture over the memory budget is refused', () => {
  assert.throws(() => create({ layers: [{ type: 'conv2d', out_channels: 4, kernel_size: 9 }, ...LAYERS.slice(1)] }),
    /layer 1 \(conv2d\): a 9-tall kernel/);
  assert.throws(() => create({ layers: [...LAYERS.slice(0, 4), { type: 'dense', out_features: 10 }] }),
    /the last layer gives 10 values per image, but there are 4 classes/);
  assert.throws(() => create({ layers: [{ type: 'flatten' }, { type: 'dense', out_features: 40000 }, { type: 'dense', out_features: 4 }], batchSize: 1024 }),
    /needs about \d+ MB to train with batches of 1024, more than the budget of 256 MB/);
  const d = h.describeArchitecture({ layers: [{ type: 'flatten' }, { type: 'dense', out_features: 4 }], inputShape: [1, 8, 8] }).result;
  assert.equal(d.ok, true);
  assert.equal(d.paramCount, 64 * 4 + 4);
  assert.deepEqual(d.layers.map((l) => l.outShape), [[64], [4]]);
  const bad = h.describeArchitecture({ layers: [{ type: 'maxpool2d', kernel_size: 2 }, { type: 'maxpool2d', kernel_size: 8 }], inputShape: [1, 8, 8] }).result;
  assert.equal(bad.ok, false);
  assert.match(bad.layers[1].error, /^layer 2 \(maxpool2d\)/);
});

test('a divergence stops the run with a message, and keeps the last good weights', () => {
  const run = create({ lr: 10, momentum: 0.9 });
  const p = h.trainStep({ id: run.id, steps: 200 }).result;
  assert.equal(p.state, 'diverged');
  assert.ok(p.step < 200);
  assert.match(p.message, /smaller learning rate than 10/);
  const kept = params(run.id);
  assert.ok(kept.every(Number.isFinite), 'the kept weights are finite');
  // the kept weights are those after step p.step: the same as a run stopped there
  const again = create({ lr: 10, momentum: 0.9 });
  if (p.step > 0) h.trainStep({ id: again.id, steps: p.step });
  assert.deepEqual(params(again.id), kept);
  assert.throws(() => h.trainStep({ id: run.id }), /smaller learning rate/);
  assert.throws(() => h.trainStart({ id: run.id }), /smaller learning rate/);
  h.trainDestroy({ id: run.id });
  h.trainDestroy({ id: again.id });
});

test('the training data is fetched from the page\'s origin only, and used only if its size and checksum match', async () => {
  const sha = createHash('sha256').update(DATA).digest('hex');
  const origin = 'http://page.test/index.html';
  const serve = (files) => async (url) => {
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(body);
  };
  const manifest = (entry) => JSON.stringify({ sets: { bars: { file: 'bars.cnnd', bytes: DATA.length, sha256: sha, ...entry } } });
  const files = (entry, data = DATA) => ({ 'http://page.test/data/manifest.json': manifest(entry), 'http://page.test/data/bars.cnnd': data });
  const seen = [];
  const got = await fetchTrainingData('bars', 'data/', { fetchFn: serve(files()), origin, onProgress: (a, b) => seen.push([a, b]) });
  assert.equal(got.data.count, 500);
  assert.equal(got.sha256, sha);
  assert.deepEqual(seen[seen.length - 1], [DATA.length, DATA.length]);
  await assert.rejects(fetchTrainingData('bars', 'http://elsewhere.test/data/', { fetchFn: serve(files()), origin }), /this page's own site \(http:\/\/page\.test\) only/);
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: serve(files({ file: 'http://elsewhere.test/bars.cnnd' })), origin }), /own site/);
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: serve(files({}, DATA.subarray(0, 100))), origin }), /has 100 bytes, but its manifest gives/);
  const flipped = Uint8Array.from(DATA);
  flipped[flipped.length - 1] ^= 1;
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: serve(files({}, flipped)), origin }), /does not match its checksum/);
  await assert.rejects(fetchTrainingData('digits', 'data/', { fetchFn: serve(files()), origin }), /no data set "digits" beside the page \(there are: bars\)/);

  // gzipped (as the page's files are): unpacked to exactly rawBytes, checked before use
  const packed = gzipSync(DATA);
  const zipped = (entry, data = packed) => serve({
    'http://page.test/data/manifest.json': JSON.stringify({ sets: { bars: { file: 'bars.cnndz', bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'), compression: 'gzip', rawBytes: DATA.length, ...entry } } }),
    'http://page.test/data/bars.cnndz': data,
  });
  const unzipped = await fetchTrainingData('bars', 'data/', { fetchFn: zipped({}), origin });
  assert.equal(unzipped.data.count, 500);
  assert.equal(unzipped.bytes, packed.length);
  assert.deepEqual(unzipped.data.image(499), got.data.image(499), 'the same images as the file stored as it is');
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: zipped({ rawBytes: DATA.length - 1 }), origin }),
    /bars\.cnndz unpacks to more than the \d+ bytes its manifest gives: it was not used/);
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: zipped({ rawBytes: DATA.length + 1 }), origin }),
    new RegExp(`unpacks to ${DATA.length} bytes, but its manifest gives ${DATA.length + 1}`));
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: zipped({ rawBytes: '500' }), origin }), /unpacked size \(rawBytes\) of "500"/);
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: zipped({ compression: 'br' }), origin }), /stored as "br", which this page cannot unpack/);
  const cut = packed.subarray(0, packed.length - 20);  // its checksum matches: the manifest was made for it
  await assert.rejects(fetchTrainingData('bars', 'data/', { fetchFn: zipped({}, cut), origin }), /bars\.cnndz could not be unpacked \(.+\): it was not used/);

  // through the Worker's ops: fetched once, progress while loading, then the run starts by itself
  let fetches = 0;
  const counting = serve(files());
  const hw = createTrainingHandlers(engine, { origin, fetchFn: (url) => (fetches++, counting(url)) });
  const a = hw.trainCreate({ ...RUN, data: undefined, dataset: 'bars', dataUrl: 'data/', epochs: 1 }).result;
  const b = hw.trainCreate({ ...RUN, data: undefined, dataset: 'bars', dataUrl: 'data/', epochs: 1 }).result;
  assert.equal(a.state, 'loading');
  hw.trainStart({ id: a.id });
  let p;
  while ((p = hw.trainProgress({ id: a.id }).result).state !== 'done') await new Promise((r) => setTimeout(r, 5));
  assert.equal(p.loadedBytes, DATA.length);
  assert.equal(hw.trainProgress({ id: b.id }).result.state, 'ready');
  assert.equal(fetches, 2, 'the manifest and the data, once for both runs');
  hw.trainDestroy({ id: a.id });
  hw.trainDestroy({ id: b.id });
});
