// The widgets' configuration: element attributes and the embed page's URL
// hash, read against the lab's state table (web/src/components/attributes.js).
// To add a case: give the attribute pairs or the hash, and assert on the
// state that comes out and on the problems reported (their i18n key and the
// name they point at). Nothing may be guessed: a bad value is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  labStateFromAttributes, parseOption, parseEmbedHash, kebab, camel, LAB_ATTRIBUTES, LAB_URL_KEYS, shown, isGlobalAttribute, problemText,
} from '../../web/src/components/attributes.js';
import { defaultState, FIELDS, toQuery } from '../../web/src/ui/lab/state.js';
import { t } from '../../web/src/ui/i18n.js';

const base = defaultState();
const WIDGETS = {
  'conv-lab': { options: { lang: ['en', 'ko'], controls: ['kernel', 'stride', 'padding', 'poolWindow'], autoplay: null }, lab: true },
  'draw-classify': { options: { lang: ['en', 'ko'], model: ['digits'], normalize: null, labels: null, preprocess: null }, lab: false },
};

/** The values teachers (or attackers) might write; none may reach the state. */
export const BAD_VALUES = [
  ['stride', '-1'], ['stride', '0'], ['stride', '2.5'], ['stride', ''], ['stride', ' '], ['kernel', '1e9'],
  ['kernel', 'Infinity'], ['kernel', 'NaN'], ['padding', '<img src=x onerror=alert(1)>'],
  ['padding', '"><script>alert(1)</script>'], ['dilation', '99999999999999999999'], ['filters', '5'],
  ['pool', 'median'], ['mode', '__proto__'], ['input', 'constructor'], ['flip', 'yes'], ['bias', '1,2,x'],
  ['weights', '1e400'], ['presets', 'edge,javascript:alert(1)'], ['activation', 'relu;drop'],
];

test('attribute names are the state fields in kebab case, URL keys their short names', () => {
  assert.equal(kebab('poolWindow'), 'pool-window');
  assert.equal(camel('pool-window'), 'poolWindow');
  assert.equal(LAB_ATTRIBUTES['pool-window'], 'poolWindow');
  assert.equal(LAB_ATTRIBUTES['pad-mode'], 'padMode');
  assert.equal(LAB_URL_KEYS.k, 'kernel');
  for (const field of Object.keys(FIELDS)) assert.equal(LAB_ATTRIBUTES[kebab(field)], field);
});

test('good attributes set the state; padding also takes valid and same', () => {
  const { state, problems } = labStateFromAttributes([['kernel', '5'], ['stride', ' 2 '], ['padding', '1'], ['pool-window', '3'], ['flip', '']], base);
  assert.deepEqual(problems, []);
  assert.equal(state.kernel, 5);
  assert.equal(state.stride, 2);
  assert.equal(state.padding, 1);
  assert.equal(state.padMode, 'explicit');
  assert.equal(state.poolWindow, 3);
  assert.equal(state.flip, true);
  assert.equal(labStateFromAttributes([['padding', 'same']], base).state.padMode, 'same');
  assert.equal(labStateFromAttributes([['padding', 'valid']], base).state.padMode, 'valid');
});

for (const [name, value] of BAD_VALUES) {
  test(`${name}="${value}" is left out with a problem that names it`, () => {
    const good = name === 'dilation' ? ['kernel', 5] : ['dilation', 2];
    const { state, problems } = labStateFromAttributes([[name, value], [good[0], String(good[1])]], base);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].key, 'widget.badAttribute');
    assert.equal(problems[0].params.name, name);
    assert.ok(problems[0].params.value.length <= 41, 'the value is echoed cut short');
    const field = LAB_ATTRIBUTES[name];
    assert.deepEqual(state[field], base[field], 'the bad value did not reach the state');
    assert.equal(state[good[0]], good[1], 'the good attribute next to it still counts');
    assert.equal(Object.getPrototypeOf(state), Object.prototype);
  });
}

test('a list whose length does not fit the other settings is refused, naming it, its value and the counts', () => {
  const cases = [
    [[['cells', '1,2,3']], 'cells', 3, 25],
    [[['size', '6'], ['cells', Array(25).fill(1).join(',')]], 'cells', 25, 36],
    [[['filters', '2'], ['bias', '0.5']], 'bias', 1, 2],
    [[['kernel', '3'], ['input', 'rgb'], ['presets', 'custom'], ['weights', Array(9).fill(1).join(',')]], 'weights', 9, 27],
  ];
  for (const [pairs, name, got, want] of cases) {
    const { state, problems } = labStateFromAttributes(pairs, base);
    assert.equal(problems.length, 1, JSON.stringify(pairs));
    assert.deepEqual(problems[0], { key: 'widget.badLength', params: { name, value: shown(pairs.at(-1)[1]), got, want } });
    assert.equal(state[name], null, 'the list is left out');
    assert.match(problemText('en', problems[0]), new RegExp(`^Not used: ${name}=".*" has ${got} values, but these settings need ${want}$`));
    assert.match(problemText('ko', problems[0]), new RegExp(`${got}개인데 이 설정에는 ${want}개가 필요합니다$`));
  }
  const digit = labStateFromAttributes([['input', 'digit'], ['cells', '1,2']], base);
  assert.equal(digit.problems[0].key, 'widget.unusedList');
  assert.equal(digit.state.cells, null);
  // lists that fit are kept
  const fits = labStateFromAttributes([['size', '5'], ['cells', Array(25).fill(2).join(',')], ['filters', '2'], ['bias', '1,2']], base);
  assert.deepEqual(fits.problems, []);
  assert.deepEqual(fits.state.bias, [1, 2]);
  // in an embed hash too (its pairs become the widget's attributes)
  const hash = parseEmbedHash('#widget=conv-lab&cells=1,2,3', WIDGETS, 'conv-lab');
  assert.deepEqual(labStateFromAttributes(hash.lab, base).problems.map((p) => p.key), ['widget.badLength']);
});

test('a problem reads as plain text in both languages, the reason from the state table', () => {
  const { problems } = labStateFromAttributes([['stride', '-1']], base);
  const p = problems[0];
  const en = t('en', p.key, { ...p.params, why: t('en', p.why.key, p.why.params) });
  const ko = t('ko', p.key, { ...p.params, why: t('ko', p.why.key, p.why.params) });
  assert.equal(en, `Not used: stride="-1" (expected a whole number from 1 to ${FIELDS.stride.max}).`);
  assert.match(ko, /stride="-1"/);
  assert.match(ko, new RegExp(`1부터 ${FIELDS.stride.max}까지의 정수`));
});

test('widget options: lang tags, booleans, control lists in either case', () => {
  assert.deepEqual(parseOption('lang', 'ko-KR'), { value: 'ko' });
  assert.ok(parseOption('lang', 'fr').problem);
  assert.deepEqual(parseOption('autoplay', ''), { value: true });
  assert.deepEqual(parseOption('autoplay', 'false'), { value: false });
  assert.ok(parseOption('autoplay', 'maybe').problem);
  // a widget option and a lab setting read true/false the same way
  for (const [raw, value] of [['on', true], ['1', true], ['off', false], ['0', false]]) {
    assert.deepEqual(parseOption('autoplay', raw), { value });
    assert.equal(labStateFromAttributes([['flip', raw]]).state.flip, value);
  }
  assert.deepEqual(parseOption('controls', 'stride, pool-window,stride', ['stride', 'poolWindow']), { value: ['stride', 'poolWindow'] });
  const bad = parseOption('controls', 'stride,<b>x</b>', ['stride', 'poolWindow']).problem;
  assert.equal(bad.params.name, 'controls');
  assert.equal(bad.why.params.values, 'stride, pool-window');
  assert.ok(parseOption('model', 'nope', ['digits']).problem);
});

test('the page\'s own attributes are not questioned; others are', () => {
  for (const name of ['id', 'class', 'style', 'data-x', 'aria-label', 'onclick']) assert.ok(isGlobalAttribute(name), name);
  for (const name of ['strde', 'kernal', 'src']) assert.ok(!isGlobalAttribute(name), name);
});

test('an embed hash gives the widget, its options and its lab settings', () => {
  const r = parseEmbedHash('#widget=conv-lab&lang=ko&controls=stride%2Cpadding&k=5&s=2&p=1&pm=same', WIDGETS, 'conv-lab');
  assert.deepEqual(r.problems, []);
  assert.equal(r.widget, 'conv-lab');
  assert.deepEqual(r.options, { lang: 'ko', controls: ['stride', 'padding'] });
  assert.deepEqual(r.lab, [['kernel', '5'], ['stride', '2'], ['padding', '1'], ['pad-mode', 'same']]);
});

test('the lab\'s own URL query (toQuery) reads back through the embed hash', () => {
  const state = { ...base, kernel: 5, stride: 2, padding: 1, filters: 2, presets: ['blur', 'edge'], bias: [0.5, -1] };
  const r = parseEmbedHash(`#widget=conv-lab&${toQuery(state)}`, WIDGETS, 'conv-lab');
  assert.deepEqual(r.problems, []);
  const { state: back } = labStateFromAttributes(r.lab, base);
  assert.deepEqual(back, state);
});

test('unknown keys, bad values and broken encoding in a hash are each left out and named', () => {
  const r = parseEmbedHash('#widget=conv-lab&k=1e9&s=-1&evil=1&%3Cimg%20src%3Dx%3E=1&p=%E0%A4%A&lang=xx&d=2', WIDGETS, 'conv-lab');
  const keys = r.problems.map((p) => `${p.key}:${p.params.name ?? p.params.part}`);
  assert.deepEqual(keys, ['embed.badEncoding:p=%E0%A4%A', 'embed.badValue:k', 'embed.badValue:s', 'embed.unknownKey:evil',
    'embed.unknownKey:<img src=x>', 'embed.badValue:lang']);
  assert.deepEqual(r.lab, [['dilation', '2']]);
  assert.deepEqual(r.options, {});
});

test('a hash for another widget: lab keys are unknown there; an unknown widget falls back to the default', () => {
  const r = parseEmbedHash('#widget=draw-classify&k=3&model=digits&preprocess=false', WIDGETS, 'conv-lab');
  assert.equal(r.widget, 'draw-classify');
  assert.deepEqual(r.options, { model: 'digits', preprocess: false });
  assert.deepEqual(r.problems.map((p) => p.key), ['embed.unknownKey']);
  const u = parseEmbedHash('#widget=<svg/onload=alert(1)>', WIDGETS, 'conv-lab');
  assert.equal(u.widget, 'conv-lab');
  assert.equal(u.problems[0].key, 'embed.badValue');
  assert.equal(u.problems[0].params.value, '<svg/onload=alert(1)>');
});

test('a very long hash is not read at all', () => {
  const r = parseEmbedHash(`#k=3&${'x'.repeat(10000)}`, WIDGETS, 'conv-lab');
  assert.equal(r.problems[0].key, 'embed.tooLong');
  assert.deepEqual(r.lab, []);
  assert.equal(shown('y'.repeat(100)).length, 41);
});

test('model: a catalogue key or the address of a .onnx or .cnnm file; normalize and labels as a teacher writes them', () => {
  for (const v of ['digits', 'my.onnx', '/models/net.cnnm', 'https://example.org/a/b.ONNX', '../m.onnx?v=2', 'models/my%20net.onnx']) {
    assert.deepEqual(parseOption('model', v, ['digits']), { value: v }, v);
  }
  for (const v of ['javascript:alert(1).onnx', 'data:,x.onnx', 'file:///m.onnx', 'my.pt', 'a b.onnx', 'https://x.org/', '']) {
    const r = parseOption('model', v, ['digits']);
    assert.ok(r.problem, v);
    assert.match(problemText('en', r.problem), /a \.onnx or \.cnnm file/);
  }
  assert.deepEqual(parseOption('normalize', '(0.1307,), (0.3081,)'), { value: '0.1307,0.3081' });
  assert.deepEqual(parseOption('normalize', 'none'), { value: '' });
  const bad = parseOption('normalize', '1,2,3');
  assert.equal(problemText('en', bad.problem), 'Not used: normalize="1,2,3" (' + t('en', 'widget.why.normalize') + ').');
  assert.deepEqual(parseOption('labels', 'cat, dog'), { value: 'cat, dog' });
  assert.deepEqual(parseOption('labels', 'classes.json'), { value: 'classes.json' });
  assert.ok(parseOption('labels', 'javascript:x.txt').problem);
  assert.ok(parseOption('labels', 'a,,b').problem);
  const r = parseEmbedHash('#widget=draw-classify&model=https%3A%2F%2Fx.org%2Fm.onnx&normalize=0.5,0.25&labels=a,b', WIDGETS, 'conv-lab');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.options, { model: 'https://x.org/m.onnx', normalize: '0.5,0.25', labels: 'a,b' });
});
