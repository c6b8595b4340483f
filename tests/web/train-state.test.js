// The training view's state (web/src/ui/train/state.js): architectures and
// hyperparameters in a URL and back, the presets as the engine sees them,
// the PyTorch listing, and the view's text in both languages. To add a case:
// build a state, write it to a query and read it back, or describe a preset
// with the Worker's describeArchitecture.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadEngine } from '../../web/src/engine/engine.js';
import { createTrainingHandlers } from '../../web/src/engine/training-handlers.js';
import { STRINGS } from '../../web/src/ui/i18n.js';
import {
  PRESETS, HYPER, defaultTrainState, toQuery, fromQuery, layersFromText, layersToText, newLayer, LAYER_TYPES,
  COMPARISONS, comparison, fullyConnected, layersFromSpecs,
} from '../../web/src/ui/train/state.js';
import { pytorchListing } from '../../web/src/ui/pytorch.js';

let h;
before(async () => {
  h = createTrainingHandlers(await loadEngine());
});

test('an architecture and its hyperparameters go into a URL query and come back the same', () => {
  const state = { ...defaultTrainState(), layers: layersFromText('c6k3s2p1d2-t-a2s1-f-d32-l-d10'), optimizer: 'sgd', lr: 0.05, schedule: 'constant', momentum: 0.8, batchSize: 64, epochs: 2, augment: !HYPER.augment.default, seed: 42, dataset: 'fashion' };
  const q = toQuery(state);
  assert.equal(q.get('arch'), 'c6k3s2p1d2-t-a2s1-f-d32-l-d10');
  assert.equal(q.get('aug'), HYPER.augment.default ? '0' : '1');
  const back = fromQuery(q.toString());
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.state, state);
  assert.equal(toQuery(defaultTrainState()).toString(), '', 'the defaults make no query');
  for (const type of LAYER_TYPES) assert.deepEqual(layersFromText(layersToText([newLayer(type)])), [newLayer(type)], type);
});

test('a bad value in a URL keeps its default and says what was wrong', () => {
  const { state, errors } = fromQuery('arch=c8k5-q-d10&lr=NaN&batch=0&opt=rmsprop&epochs=3');
  assert.deepEqual(state.layers, defaultTrainState().layers);
  assert.equal(state.lr, HYPER.lr.default);
  assert.equal(state.batchSize, 32);
  assert.equal(state.epochs, 3);
  assert.equal(errors.length, 4);
  assert.equal(errors[0], 'arch: "q" is not a layer');
  assert.match(errors[1], /^optimizer must be one of adam, sgd, not "rmsprop"$/);
  assert.match(errors[2], /^lr must be a number from .* not "NaN"$/);
  assert.match(errors[3], /^batchSize must be a whole number from 1 to 256, not "0"$/);
  assert.throws(() => layersFromText('c99k3'), /"c99k3": filters must be a whole number from 1 to 64, not 99/);
});

test('every preset is a network the engine can build, with one output per class', () => {
  const counts = {};
  for (const [name, text] of Object.entries(PRESETS)) {
    const d = h.describeArchitecture({ layers: layersFromText(text), inputShape: [1, 28, 28] }).result;
    assert.equal(d.ok, true, `${name}: ${d.error}`);
    assert.deepEqual(d.outShape, [10], name);
    counts[name] = d.paramCount;
  }
  assert.equal(counts.lenet, 29738, 'the shipped network (tools/train.cpp --arch lenet)');
  // the fully connected network has about as many parameters as the LeNet-style one
  assert.ok(Math.abs(counts.dense - counts.lenet) / counts.lenet < 0.05, `${counts.dense} against ${counts.lenet}`);
  const noPad = h.describeArchitecture({ layers: layersFromText(PRESETS.noPadding), inputShape: [1, 28, 28] }).result;
  assert.deepEqual(noPad.layers[0].outShape, [8, 24, 24], 'without padding a 5x5 kernel shrinks 28 to 24');
});

test('the PyTorch listing names every layer with its arguments', () => {
  const d = h.describeArchitecture({ layers: layersFromText('c8k5s2p2-r-m2-f-d10-x'), inputShape: [1, 28, 28] }).result;
  assert.equal(pytorchListing(d.specs), [
    'nn.Sequential(',
    '    nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=2),',
    '    nn.ReLU(),',
    '    nn.MaxPool2d(kernel_size=2),',
    '    nn.Flatten(),',
    '    nn.Linear(392, 10),',
    '    nn.Softmax(dim=1),',
    ')',
  ].join('\n'));
});

test('every text key the training view uses exists in English and Korean', () => {
  const dir = new URL('../../web/src/ui/train/', import.meta.url);
  const used = new Set();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const src = readFileSync(new URL(file, dir), 'utf8');
    for (const m of src.matchAll(/t\(L, '([\w.]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/'(train\.[\w.]+)'/g)) used.add(m[1]);
  }
  // keys made from a name: presets, layer kinds, hyperparameters and their choices
  for (const name of Object.keys(PRESETS)) used.add(`train.preset.${name}`).add(`train.preset.${name}.about`);
  for (const type of LAYER_TYPES) used.add(`layer.${type}`);
  for (const key of ['dataset', 'optimizer', 'lr', 'schedule', 'momentum', 'batchSize', 'epochs', 'augment', 'seed']) used.add(`train.hyper.${key}`);
  for (const v of ['cosine', 'constant']) used.add(`train.schedule.${v}`);
  for (const v of ['mnist', 'fashion']) used.add(`train.dataset.${v}`);
  for (const v of ['adam', 'sgd']) used.add(`train.optimizer.${v}`);
  for (const f of ['filters', 'kernel', 'stride', 'padding', 'dilation', 'window', 'units']) used.add(`train.field.${f}`);
  for (const kind of COMPARISONS) used.add(`train.compare.${kind}`).add(`train.compare.${kind}.about`).add(`train.compare.cannot.${kind}`);
  assert.ok(used.size > 60);
  for (const key of used) {
    if (key.endsWith('.')) continue;
    assert.ok(STRINGS.en[key], `English has ${key}`);
    assert.ok(STRINGS.ko[key], `Korean has ${key}`);
  }
});

test('pooling with padding, ceil_mode and count_include_pad goes into a URL token and the listing', () => {
  const layers = layersFromText('c8k5p2-r-m2s1p1u-a3e-f-d10-x');
  assert.deepEqual(layers[2], { type: 'maxpool2d', kernel_size: 2, stride: 1, padding: 1, ceil_mode: true });
  assert.deepEqual(layers[3], { type: 'avgpool2d', kernel_size: 3, stride: 3, count_include_pad: false });
  assert.equal(layersToText(layers), 'c8k5p2-r-m2s1p1u-a3e-f-d10-x');
  assert.match(pytorchListing(layers), /nn\.MaxPool2d\(kernel_size=2, stride=1, padding=1, ceil_mode=True\)/);
  assert.match(pytorchListing(layers), /nn\.AvgPool2d\(kernel_size=3, count_include_pad=False\)/);
  assert.throws(() => layersFromText('c8k5u'), /"c8k5u": u is for pooling/);
  assert.throws(() => layersFromText('m2e'), /"m2e": u is for pooling, e for average pooling/);
  assert.throws(() => layersFromText('m2p9'), /padding must be a whole number from 0 to 4, not 9/);
});

test('each comparison changes one setting, and the engine agrees on the parameter counts', () => {
  const lenet = layersFromText(PRESETS.lenet);
  const swap = comparison('activation', lenet);
  assert.equal(layersToText(swap.a.layers), PRESETS.lenet);
  assert.equal(layersToText(swap.b.layers), PRESETS.sigmoid);
  assert.deepEqual([swap.a.key, swap.b.key], ['layer.relu', 'layer.sigmoid']);
  assert.equal(layersToText(comparison('activation', layersFromText(PRESETS.sigmoid)).b.layers), PRESETS.lenet);
  const pad = comparison('padding', lenet);
  assert.equal(layersToText(pad.b.layers), PRESETS.noPadding);
  assert.deepEqual(pad.a.params, { p: 2 });
  const unpadded = comparison('padding', layersFromText(PRESETS.noPadding));
  assert.equal(layersToText(unpadded.b.layers), 'c8k5p2-r-m2-c16k5p2-r-m2-f-d64-r-d10-x', 'k // 2 on every conv');
  assert.deepEqual([unpadded.a.key, unpadded.b.key], ['train.compare.unpadded', 'train.compare.padded']);
  const cnn = h.describeArchitecture({ layers: lenet, inputShape: [1, 28, 28] }).result.paramCount;
  const [one, two] = [1, 2].map((units) => h.describeArchitecture({ layers: fullyConnected(units), inputShape: [1, 28, 28] }).result.paramCount);
  const dense = comparison('dense', lenet, { paramCount: cnn, fc: { fixed: 2 * one - two, perUnit: two - one } });
  assert.equal(layersToText(dense.b.layers), PRESETS.dense);
  const fc = h.describeArchitecture({ layers: dense.b.layers, inputShape: [1, 28, 28] }).result.paramCount;
  assert.ok(Math.abs(fc - cnn) / cnn < 0.02, `${fc} parameters against the CNN's ${cnn}`);
  assert.equal(layersToText(comparison('dense', dense.b.layers).b.layers), PRESETS.lenet);
  assert.throws(() => comparison('activation', layersFromText('f-d10')), /neither ReLU nor sigmoid/);
  assert.throws(() => comparison('padding', layersFromText('f-d10')), /no conv layer/);
  assert.throws(() => comparison('dropout', lenet), /there is no comparison "dropout"/);
});

test('a model\'s specs become the editor\'s layers, the dense layer\'s inputs left to follow the layers before', () => {
  const specs = [
    { type: 'conv2d', in_channels: 1, out_channels: 8, kernel_size: 5, stride: 2, padding: 'same', dilation: 1, bias: true },
    { type: 'relu' }, { type: 'maxpool2d', kernel_size: 2, stride: 2, padding: 0, ceil_mode: true }, { type: 'flatten' },
    { type: 'dense', in_features: 400, out_features: 10 },
  ];
  const layers = layersFromSpecs(specs);
  assert.equal(layersToText(layers), 'c8k5s2p2-r-m2u-f-d10');
  const d = h.describeArchitecture({ layers, inputShape: [1, 28, 28] }).result;
  assert.ok(d.ok, d.error);
  assert.equal(d.specs[4].in_features, 8 * 7 * 7, 'the dense layer takes what the pooling now gives');
  assert.equal(layersToText(layersFromSpecs([{ ...specs[0], padding: 'valid' }])), 'c8k5s2');
  assert.throws(() => layersFromSpecs([{ ...specs[0], kernel_size: 4 }]), /layer 1: padding "same" is not one number on every side/);
  assert.throws(() => layersFromSpecs([{ type: 'batchnorm' }]), /layer 1: unknown layer "batchnorm"/);
});
