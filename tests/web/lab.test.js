// The lab's state table and its mapping to engine requests (web/src/ui/lab/
// state.js, layer.js, presets.js), under Node with the real engine where a
// number matters. To add a case: build a state with parseState, then check
// what the lab would send (labLayer, pytorchLines, adaptNetwork) or what the
// engine answers for it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { parseState, defaultState, toQuery, fromQuery, withField, FIELDS } from '../../web/src/ui/lab/state.js';
import { labLayer, labWeights, flipKernels, pytorchLines, adaptNetwork } from '../../web/src/ui/lab/layer.js';
import { pytorchLayer } from '../../web/src/ui/pytorch.js';
import { presetKernel, sampleDigit, defaultGrid, rgbImage } from '../../web/src/ui/lab/presets.js';
import { STRINGS } from '../../web/src/ui/i18n.js';
import { divergingColour, sequentialColour, needsLightText } from '../../web/src/ui/colormap.js';

let h;
before(async () => {
  h = createHandlers(await loadEngine());
});

test('the state table refuses unknown keys and out-of-range values, naming the field', () => {
  assert.deepEqual(parseState({}), defaultState());
  assert.equal(parseState({ stride: '2' }).stride, 2);
  assert.throws(() => parseState({ stride: -1 }), /stride: -1 is outside 1 to 4/);
  assert.throws(() => parseState({ kernel: '1e9' }), /kernel/);
  assert.throws(() => parseState({ padding: '<img src=x onerror=alert(1)>' }), /padding: expected a whole number/);
  assert.throws(() => parseState({ padMode: 'circular' }), /padMode: expected one of explicit, valid, same/);
  assert.throws(() => parseState({ nope: 1 }), /unknown setting "nope"/);
  assert.throws(() => parseState({ weights: [1, NaN] }), /weights/);
  assert.throws(() => parseState({ presets: ['edge', 'evil'] }), /presets/);
  assert.throws(() => parseState({ __proto__: 1, constructor: 1 }), /unknown setting/);
  const s = withField(defaultState(), 'flip', 'true');
  assert.equal(s.flip, true);
});

test('a state survives the trip through a URL query, and only changes are written', () => {
  const s = parseState({ stride: 2, padding: 1, input: 'rgb', filters: 2, presets: ['custom', 'blur'], weights: [1, 2, 3], flip: true });
  const q = toQuery(s);
  assert.match(q, /s=2/);
  assert.match(q, /p=1/);
  assert.doesNotMatch(q, /k=3/);  // the default kernel is left out
  assert.deepEqual(fromQuery(q), s);
  assert.equal(toQuery(defaultState()), '');
  assert.throws(() => fromQuery('s=2&zz=1'), /unknown setting "zz"/);
  assert.throws(() => fromQuery('s=%E0%A4%A'), /stride/);
  // every field has its own URL name
  const names = Object.values(FIELDS).map((f) => f.url);
  assert.equal(new Set(names).size, names.length);
});

test('presets: identity, blur, sharpen and edge kernels', () => {
  assert.deepEqual(Array.from(presetKernel('identity', 3)), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(presetKernel('sharpen', 3)), [0, -1, 0, -1, 5, -1, 0, -1, 0]);
  assert.deepEqual(Array.from(presetKernel('edge', 3)), [-1, -1, -1, -1, 8, -1, -1, -1, -1]);
  assert.ok(presetKernel('blur', 5).every((v) => v === Math.fround(1 / 25)));
  assert.throws(() => presetKernel('nope', 3), /unknown filter preset/);
  assert.equal(sampleDigit().length, 784);
  assert.ok(sampleDigit().every((v) => v >= 0 && v <= 1));
  assert.equal(defaultGrid(9).length, 81);
  assert.equal(rgbImage().length, 3 * 8 * 8);
});

test('weights: one preset per filter, the same in every channel; custom ones from the state', () => {
  const s = parseState({ filters: 2, kernel: 3, presets: ['identity', 'edge'] });
  const w = labWeights(s, 3);
  assert.equal(w.length, 2 * 3 * 9);
  assert.deepEqual(Array.from(w.subarray(9, 18)), Array.from(presetKernel('identity', 3)));
  assert.deepEqual(Array.from(w.subarray(27, 36)), Array.from(presetKernel('edge', 3)));
  const custom = parseState({ filters: 1, kernel: 1, presets: ['custom'], weights: [1, -1, 0] });
  assert.deepEqual(Array.from(labWeights(custom, 3)), [1, -1, 0]);
  // a custom list of the wrong length falls back to identity, never to garbage
  assert.deepEqual(Array.from(labWeights(parseState({ kernel: 1, presets: ['custom'], weights: [1, 2] }), 1)), [1]);
  assert.deepEqual(Array.from(flipKernels(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 0, 0, 0]), 3)).slice(0, 9),
    [9, 8, 7, 6, 5, 4, 3, 2, 1]);
});

test('the lab\'s layer at stride 2, padding 1: what the engine answers', () => {
  const s = parseState({ stride: 2, padding: 1 });
  const layer = labLayer(s, null);
  assert.deepEqual(layer.shape, [1, 1, 5, 5]);
  assert.deepEqual(pytorchLines(s, 1), ['nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)']);
  const { result } = h.runLayer({ ...layer, variant: 'ref' });
  assert.deepEqual(result.geometry.outShape, [1, 1, 3, 3]);
  assert.equal(result.geometry.params, 10);
  assert.equal(result.geometry.macs, 81);
});

test('true convolution: the flipped kernel slid as a correlation', () => {
  const s = parseState({ presets: ['custom'], weights: [1, 2, 0, 0, 0, 0, 0, 0, 0], flip: true });
  const flipped = labLayer(s, null);
  const plain = labLayer({ ...s, flip: false }, null);
  assert.deepEqual(Array.from(flipped.weight), [0, 0, 0, 0, 0, 0, 0, 2, 1]);
  assert.deepEqual(Array.from(flipped.shownWeight), Array.from(plain.weight));
  const a = h.runLayer({ ...flipped, variant: 'ref' }).result.output.data;
  const b = h.runLayer({ ...plain, variant: 'ref' }).result.output.data;
  assert.notDeepEqual(Array.from(a), Array.from(b));
});

test('pooling and activations map to PyTorch lines', () => {
  assert.deepEqual(pytorchLines(parseState({ mode: 'pool', pool: 'avg', poolWindow: 3, poolStride: 2, poolPadding: 1 }), 1),
    ['nn.AvgPool2d(kernel_size=3, stride=2, padding=1)']);
  assert.deepEqual(pytorchLines(parseState({ mode: 'pool' }), 1), ['nn.MaxPool2d(kernel_size=2)']);
  assert.deepEqual(pytorchLines(parseState({ padMode: 'same', dilation: 2, activation: 'relu', filters: 4 }), 3),
    ["nn.Conv2d(3, 4, kernel_size=3, padding='same', dilation=2)", 'nn.ReLU()']);
  assert.equal(pytorchLayer({ type: 'conv2d', in_channels: 1, out_channels: 8, kernel_size: 5, padding: 2 }),
    'nn.Conv2d(1, 8, kernel_size=5, padding=2)');
  // as a loaded model's specs come back (every field present)
  assert.equal(pytorchLayer({ type: 'conv2d', in_channels: 1, out_channels: 8, kernel_size: 5, stride: 1, padding: 2, dilation: 1, groups: 1, bias: true }),
    'nn.Conv2d(1, 8, kernel_size=5, padding=2)');
  assert.equal(pytorchLayer({ type: 'maxpool2d', kernel_size: 2, padding: 0, ceil_mode: true }), 'nn.MaxPool2d(kernel_size=2, ceil_mode=True)');
});

const LENET = [
  { type: 'conv2d', in_channels: 1, out_channels: 8, kernel_size: 5, padding: 2 },
  { type: 'relu' },
  { type: 'maxpool2d', kernel_size: 2 },
  { type: 'conv2d', in_channels: 8, out_channels: 16, kernel_size: 5 },
  { type: 'relu' },
  { type: 'maxpool2d', kernel_size: 2 },
  { type: 'flatten' },
  { type: 'dense', in_features: 400, out_features: 10 },
];

test('the lab\'s settings on a network: only the first conv and pool change, and the changes are listed', () => {
  const a = adaptNetwork(LENET, parseState({ stride: 2, padding: 2, pool: 'avg' }));
  assert.equal(a.conv, 0);
  assert.equal(a.pool, 2);
  assert.equal(a.denseIndex, 7);
  assert.deepEqual(a.changes.map((c) => c.key), ['stride', 'pool']);
  assert.equal(a.specs[0].stride, 2);
  assert.equal(a.specs[2].type, 'avgpool2d');
  assert.equal(a.specs[3].stride, undefined);  // later layers untouched
  assert.equal(LENET[0].stride, undefined);    // the original is not modified
  // the engine's geometry of the changed conv stack: 28 -> 14 -> 7 -> 3 -> 1, so 16 values, not 400
  const { result } = h.createNetwork({ specs: a.specs.slice(0, 7), inputShape: [1, 1, 28, 28] });
  assert.deepEqual(result.layers.at(-1).outShape, [1, 16]);
  h.destroyNetwork({ id: result.id });
  assert.deepEqual(adaptNetwork(LENET, parseState({ padding: 2 })).changes, []);
  // ceil_mode and count_include_pad travel too (the latter only to an average pooling)
  const c = adaptNetwork(LENET, parseState({ padding: 2, pool: 'avg', poolCeil: true, poolIncludePad: false }));
  assert.deepEqual(c.changes.map((x) => [x.key, x.to]), [['pool', 'avgpool2d'], ['poolCeil', true], ['poolIncludePad', false]]);
  assert.deepEqual([c.specs[2].ceil_mode, c.specs[2].count_include_pad], [true, false]);
  assert.equal('count_include_pad' in adaptNetwork(LENET, parseState({ poolCeil: true })).specs[2], false);
});

test('ceil_mode and count_include_pad: the spec, the PyTorch line, and what the engine answers', () => {
  const state = parseState({ mode: 'pool', pool: 'avg', size: 5, poolWindow: 2, poolStride: 2, poolPadding: 1, poolCeil: true, poolIncludePad: false });
  assert.equal(fromQuery(toQuery(state)).poolCeil, true);
  assert.match(toQuery(state), /pc=true/);
  assert.match(toQuery(state), /pi=false/);
  assert.deepEqual(pytorchLines(state, 1), ['nn.AvgPool2d(kernel_size=2, padding=1, ceil_mode=True, count_include_pad=False)']);
  const layer = labLayer(state, null);
  // 5 + 2·1 − 2 = 5; ⌈5/2⌉ + 1 = 4, but the 4th window would start in the padding (at 6 ≥ 5 + 1): dropped, 3
  const g = h.layerGeometry({ spec: layer.spec, shape: layer.shape }).result;
  assert.deepEqual(g.outShape, [1, 1, 3, 3]);
  assert.deepEqual([g.droppedRows, g.droppedCols], [1, 1]);
  const floor = h.layerGeometry({ spec: { ...layer.spec, ceil_mode: false }, shape: layer.shape }).result;
  assert.deepEqual([floor.outShape, floor.droppedRows], [[1, 1, 3, 3], 0]);
  // without padding the ceil keeps its extra window, which hangs over the edge: a 5x5 input gives 3x3
  const noPad = h.layerGeometry({ spec: { ...layer.spec, padding: 0 }, shape: layer.shape }).result;
  assert.deepEqual([noPad.outShape, noPad.droppedRows], [[1, 1, 3, 3], 0]);
  // count_include_pad=False: the corner cell averages its one real value, not four
  const out = h.runLayer({ spec: layer.spec, shape: layer.shape, input: layer.input, variant: 'ref' }).result.output.data;
  assert.equal(out[0], layer.input[0]);
  const incl = h.runLayer({ spec: { ...layer.spec, count_include_pad: true }, shape: layer.shape, input: layer.input, variant: 'ref' }).result.output.data;
  assert.equal(incl[0], layer.input[0] / 4);
});

test('a cell\'s text is white or dark, whichever reads better on its colour', () => {
  assert.equal(needsLightText(divergingColour(10, 10)), false);   // full orange: dark text (6.0:1; white would be 2.9:1)
  assert.equal(needsLightText(divergingColour(-10, 10)), true);   // full blue: white text
  assert.equal(needsLightText(divergingColour(0, 10)), false);    // near white
  assert.equal(needsLightText(sequentialColour(3, 3, [30, 30, 60])), true);  // dark ink
  assert.equal(needsLightText('#b35806'), true);                  // +inf's dark orange
  assert.equal(needsLightText('not a colour'), false);
});

test('every lab string exists in English and Korean', () => {
  const en = Object.keys(STRINGS.en).filter((k) => k.startsWith('lab.'));
  assert.ok(en.length > 100);
  for (const k of en) assert.ok(STRINGS.ko[k], k);
  assert.match(STRINGS.ko['lab.stride'], /스트라이드/);
  assert.match(STRINGS.ko['lab.padding'], /패딩/);
  assert.match(STRINGS.ko['lab.mode.conv'], /합성곱/);
  assert.match(STRINGS.ko['lab.mode.pool'], /풀링/);
  assert.match(STRINGS.ko['lab.featureMap'], /특성 맵/);
  assert.match(STRINGS.ko['lab.filterN'], /필터/);
});

test('filters with a direction: turned half a turn they differ, so a true convolution changes the output', () => {
  const turned = (w) => Array.from(w).reverse();
  const same = (a, b) => a.every((v, i) => v === b[i]);
  assert.deepEqual(Array.from(presetKernel('sobelX', 3)), [-1, 0, 1, -2, 0, 2, -1, 0, 1]);
  assert.deepEqual(Array.from(presetKernel('sobelY', 3)), [-1, -2, -1, 0, 0, 0, 1, 2, 1]);
  assert.deepEqual(Array.from(presetKernel('diagonal', 3)), [0, 1, 1, -1, 0, 1, -1, -1, 0]);
  const curve = Array.from(presetKernel('curve', 7));
  assert.deepEqual(curve.map((v, i) => (v ? i : -1)).filter((i) => i >= 0), [5, 11, 17, 24, 31, 38]);
  assert.ok(curve.every((v) => v === 0 || v === 30));
  for (const name of ['sobelX', 'sobelY', 'diagonal', 'curve']) {
    for (const k of [2, 3, 5, 7]) {
      const w = Array.from(presetKernel(name, k));
      assert.ok(!same(w, turned(w)), `${name} ${k}x${k} looks the same turned`);
    }
  }
  for (const name of ['edge', 'blur', 'identity', 'sharpen']) {
    const w = Array.from(presetKernel(name, 3));
    assert.ok(same(w, turned(w)), `${name} is symmetric`);
  }
  // the state table takes them, and the URL carries them
  const s = parseState({ filters: 2, presets: ['sobelX', 'curve'] });
  assert.deepEqual(fromQuery(toQuery(s)).presets, ['sobelX', 'curve']);
});

test('with a true convolution, the PyTorch lines give PyTorch the flipped weights', () => {
  const s = parseState({ flip: true, stride: 2 });
  assert.deepEqual(pytorchLines(s, 1), ['conv = nn.Conv2d(1, 1, kernel_size=3, stride=2)', 'conv.weight.data = torch.flip(w, dims=[2, 3])']);
  assert.deepEqual(pytorchLines(s, 1, '# why'), ['conv = nn.Conv2d(1, 1, kernel_size=3, stride=2)', '# why', 'conv.weight.data = torch.flip(w, dims=[2, 3])']);
  assert.deepEqual(pytorchLines(parseState({ flip: true, mode: 'pool' }), 1), ['nn.MaxPool2d(kernel_size=2)']);
});

test('the changes of the lab\'s settings on a network name their layer', () => {
  const a = adaptNetwork(LENET, parseState({ stride: 2, padding: 2, pool: 'avg' }));
  assert.deepEqual(a.changes.map((c) => [c.key, c.layer]), [['stride', a.conv], ['pool', a.pool]]);
  const b = adaptNetwork(LENET, parseState({ padding: 2, stride: 3 }));
  assert.deepEqual(b.changes.map((c) => c.layer), [a.conv]);
});
