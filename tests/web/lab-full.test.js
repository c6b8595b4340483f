// The lab's full-size mode and the lecture's examples (web/src/ui/lab/
// state.js, layer.js), and the fully connected against convolution piece's
// own checks (web/src/ui/fc-vs-conv.js), under Node with the real engine:
// every count is the engine's, held against arithmetic done by hand here.
// To add an example: add it to EXAMPLES in state.js and a row to HAND below.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../web/src/engine/engine.js';
import { createHandlers } from '../../web/src/engine/handlers.js';
import { parseState, defaultState, toQuery, fromQuery, withField, EXAMPLES, FIELDS } from '../../web/src/ui/lab/state.js';
import { fullSpecs, fullInput, pytorchLines } from '../../web/src/ui/lab/layer.js';
import { labStateFromAttributes, LAB_ATTRIBUTES, parseEmbedHash } from '../../web/src/components/attributes.js';
import { checkFcSetting } from '../../web/src/ui/fc-vs-conv.js';
import { paste } from '../../web/src/ui/preprocess.js';

let h;
before(async () => {
  h = createHandlers(await loadEngine());
});

// Each example by hand: [per layer: output H, W, C, parameters, weight shape], unused rows.
const HAND = {
  'cs231n-760': { layers: [[(32 - 5 + 2 * 2) / 1 + 1, 32, 10, 10 * (5 * 5 * 3) + 10, [10, 3, 5, 5]]], unused: 0 },
  'cs231n-six': { layers: [[(32 - 5) / 1 + 1, 28, 6, 6 * (5 * 5 * 3 + 1), [6, 3, 5, 5]]], unused: 0 },
  'cs231n-1x1': { layers: [[56, 56, 32, 32 * (1 * 1 * 64 + 1), [32, 64, 1, 1]]], unused: 0 },
  'cs231n-7x7-s3': { layers: [[Math.floor((7 - 3) / 3) + 1, 2, 1, 3 * 3 + 1, [1, 1, 3, 3]]], unused: 7 - (2 - 1) * 3 - 3 },
  'kaist-28-f7': { layers: [[28 - 7 + 1, 22, 1, 7 * 7 + 1, [1, 1, 7, 7]]], unused: 0 },
  'cs231n-stacked': { layers: [[28, 28, 6, 456, [6, 3, 5, 5]], [24, 24, 10, 10 * (5 * 5 * 6 + 1), [10, 6, 5, 5]]], unused: 0 },
};

test('every lecture example: shapes, parameters and kernel shapes from the engine match the hand count', () => {
  assert.deepEqual(Object.keys(HAND).sort(), Object.keys(EXAMPLES).sort());
  assert.equal(HAND['cs231n-stacked'].layers[1][3], 1510);
  for (const [id, hand] of Object.entries(HAND)) {
    const s = parseState({ example: id });
    assert.equal(s.mode, 'full', id);
    let shape = fullInput(s).shape;
    const specs = fullSpecs(s);
    assert.equal(specs.length, hand.layers.length, id);
    specs.forEach((spec, i) => {
      const g = h.layerGeometry({ spec, shape }).result;
      const [oh, ow, oc, params, weightShape] = hand.layers[i];
      assert.deepEqual(g.outShape, [1, oc, oh, ow], `${id} layer ${i + 1}`);
      assert.equal(g.params, params, `${id} layer ${i + 1} parameters`);
      assert.deepEqual(h.paramShapes({ spec }).result, { weightShape, biasShape: [oc] }, `${id} layer ${i + 1} kernel shape`);
      if (i === 0) assert.equal(g.unusedRows, hand.unused, `${id} rows never reached`);
      shape = g.outShape;
    });
  }
});

test('full-size fields: their ranges are refused with the field and the value, and real sizes are taken', () => {
  const s = parseState({ mode: 'full', fullSize: 224, fullChannels: 512, fullFilters: 512, fullKernel: 11, fullPadding: 5 });
  const g = h.layerGeometry({ spec: fullSpecs(s)[0], shape: fullInput(s).shape }).result;
  assert.deepEqual(g.outShape, [1, 512, 224, 224]);
  assert.equal(g.params, 512 * (11 * 11 * 512 + 1));
  assert.equal(g.macs, 224 * 224 * 512 * (11 * 11 * 512));
  assert.throws(() => parseState({ fullSize: 225 }), /fullSize: 225 is outside 1 to 224/);
  assert.throws(() => parseState({ fullChannels: 0 }), /fullChannels: 0 is outside 1 to 512/);
  assert.throws(() => parseState({ fullKernel: 12 }), /fullKernel: 12 is outside 1 to 11/);
  assert.throws(() => parseState({ stackFilters: '2.0' }), /stackFilters: expected a whole number/);
  assert.throws(() => parseState({ stack: 'yes' }), /stack: expected true or false/);
  assert.throws(() => parseState({ example: 'cs231n-761' }), /example: expected one of none, cs231n-760/);
  assert.throws(() => parseState({ mode: 'huge' }), /mode: expected one of conv, pool, full/);
});

test('an example sets its fields first; changing one of them clears it; the URL carries it as ex=', () => {
  const s = parseState({ example: 'cs231n-760' });
  assert.equal(toQuery(s), 'ex=cs231n-760');  // the example stands for its fields
  assert.deepEqual(fromQuery('ex=cs231n-760'), s);
  assert.deepEqual(fromQuery(toQuery(s)), s);
  const changed = withField(s, 'fullFilters', 6);
  assert.equal(changed.example, 'none');
  assert.equal(changed.fullPadding, 2);
  assert.deepEqual(fromQuery(toQuery(changed)), changed);
  // a field given beside the example is set over it, in either order
  assert.equal(parseState({ fullFilters: 4, example: 'cs231n-760' }).fullFilters, 4);
  assert.equal(fromQuery('ff=4&ex=cs231n-760').fullFilters, 4);
  // a setting outside the example's fields keeps it
  assert.equal(withField(s, 'speed', 5).example, 'cs231n-760');
  // an example from another leaves nothing of the first behind
  const stacked = parseState({ example: 'cs231n-stacked' });
  const back = withField(stacked, 'example', 'cs231n-1x1');
  assert.equal(back.stack, false);
  assert.equal(back.fullChannels, 64);
  assert.deepEqual(pytorchLines(stacked, 3), ['nn.Sequential(', '    nn.Conv2d(3, 6, kernel_size=5),', '    nn.Conv2d(6, 10, kernel_size=5),', ')']);
  assert.deepEqual(pytorchLines(s, 3), ['nn.Conv2d(3, 10, kernel_size=5, padding=2)']);
  assert.equal(new Set(Object.values(FIELDS).map((f) => f.url)).size, Object.keys(FIELDS).length);
  assert.equal(defaultState().example, 'none');
});

test('the widget attribute example= and the embed key ex= open an example; bad values are named', () => {
  const base = parseState({ mode: 'conv' });
  assert.equal(LAB_ATTRIBUTES.example, 'example');
  assert.equal(LAB_ATTRIBUTES['full-filters'], 'fullFilters');
  const a = labStateFromAttributes([['full-filters', '6'], ['example', 'cs231n-760']], base);
  assert.deepEqual(a.problems, []);
  assert.equal(a.state.mode, 'full');
  assert.equal(a.state.fullFilters, 6, 'the attribute beside the example counts, whatever its place');
  const bad = labStateFromAttributes([['example', 'cs231n-9000'], ['full-size', '300']], base);
  assert.deepEqual(bad.problems.map((p) => [p.key, p.params.name, p.params.value]),
    [['widget.badAttribute', 'example', 'cs231n-9000'], ['widget.badAttribute', 'full-size', '300']]);
  assert.equal(bad.state.mode, 'conv');
  const embed = parseEmbedHash('#widget=conv-lab&ex=cs231n-stacked&l2f=12&fn=0',
    { 'conv-lab': { options: {}, lab: true } }, 'conv-lab');
  assert.deepEqual(embed.lab, [['example', 'cs231n-stacked'], ['stack-filters', '12']]);
  assert.deepEqual(embed.problems.map((p) => [p.key, p.params.name, p.params.value]), [['embed.badValue', 'fn', '0']]);
});

test('the comparison piece: its settings are checked, and a one-pixel move moves every pixel by one', () => {
  assert.equal(checkFcSetting('size', '224'), 224);
  assert.throws(() => checkFcSetting('size', 225), /size: expected a whole number from 1 to 224, got "225"/);
  assert.throws(() => checkFcSetting('channels', '3.0'), /channels/);
  assert.throws(() => checkFcSetting('outputs', true), /outputs/);
  assert.throws(() => checkFcSetting('shift', 'sideways'), /shift: expected one of right, left, down, up/);
  assert.throws(() => checkFcSetting('nope', 1), /unknown setting "nope"/);
  const img = Float32Array.from({ length: 784 }, (_, i) => i);
  const right = paste(img, 28, 28, 28, 1, 0);
  assert.equal(right[5 * 28 + 6], img[5 * 28 + 5]);
  assert.equal(right[5 * 28 + 0], 0);
  const down = paste(img, 28, 28, 28, 0, 1);
  assert.equal(down[6 * 28 + 3], img[5 * 28 + 3]);
  assert.ok(down.slice(0, 28).every((v) => v === 0));
});

test('the counter\'s numbers: a 32x32x3 image fully connected to 10 outputs against ten 5x5x3 filters', () => {
  const flat = h.layerGeometry({ spec: { type: 'flatten' }, shape: [1, 3, 32, 32] }).result;
  assert.deepEqual(flat.outShape, [1, 32 * 32 * 3]);
  const dense = { type: 'dense', in_features: 3072, out_features: 10 };
  const g = h.layerGeometry({ spec: dense, shape: flat.outShape }).result;
  assert.equal(g.weights, 3072 * 10);
  assert.equal(g.params, 30720 + 10);
  assert.deepEqual(h.paramShapes({ spec: dense }).result, { weightShape: [10, 3072], biasShape: [10] });
  const conv = h.layerGeometry({ spec: { type: 'conv2d', in_channels: 3, out_channels: 10, kernel_size: 5 }, shape: [1, 3, 32, 32] }).result;
  assert.equal(conv.params, 10 * (5 * 5 * 3 + 1));
  assert.equal(conv.weights, 10 * 5 * 5 * 3);
});

test('the page\'s URL: the lab\'s keys are read beside the page\'s own, an example first, a bad one named and left out', async () => {
  const { labStateFromUrl } = await import('../../web/src/ui/lab/mount.js');
  const a = labStateFromUrl('?lang=ko&arch=c8k5-r&ff=4&ex=cs231n-760');
  assert.deepEqual(a.problems, []);
  assert.equal(a.state.fullFilters, 4);
  assert.equal(a.state.fullPadding, 2);
  const b = labStateFromUrl('?ex=kaist-28-f7&fk=12&k=9');
  assert.deepEqual(b.problems.map((p) => [p.key, p.value]), [['fk', '12'], ['k', '9']]);
  assert.match(b.problems[0].why, /fullKernel: 12 is outside 1 to 11/);
  assert.equal(b.state.fullKernel, 7);
  assert.equal(b.state.example, 'kaist-28-f7');
  // numbers that do not fit the kernel are left out and named, as the widgets' attributes are
  const c = labStateFromUrl('?w=custom&wt=1,2&k=3');
  assert.deepEqual(c.problems.map((p) => [p.key, p.value]), [['wt', '1,2']]);
  assert.match(c.problems[0].why, /weights: 2 values, these settings need 9/);
  assert.equal(c.state.weights, null);
  assert.deepEqual(labStateFromUrl(`?k=3&wt=${Array(9).fill(1).join(',')}`).problems, []);
});
