// A model from elsewhere (web/src/ui/model-source.js): its kind told by its
// first bytes, its size limit, fetch failures named with the attribute and
// value, the normalisation as PyTorch's arguments are written, labels as a
// list or a file, and the normalisation applied per channel as
// transforms.Normalize does. Fetches are fakes here; the page's e2e test
// (tests/e2e/import.test.js) fetches for real.
// To add a case: a line in the table of the test it belongs to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  sniffModel, checkModelBytes, fetchBytes, parseNormalize, normalizeText, parseLabelList, parseLabelsFile,
  isLabelsFile, checkLabels, normalizeInput, fileName, SourceError, MAX_MODEL_BYTES,
} from '../../web/src/ui/model-source.js';
import { t } from '../../web/src/ui/i18n.js';

const bytes = (s) => new TextEncoder().encode(s);
const refused = (fn, key, params = {}) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SourceError, `${e}`);
    assert.equal(e.key, key);
    for (const [k, v] of Object.entries(params)) assert.deepEqual(e.params[k], v, k);
    for (const lang of ['en', 'ko']) assert.doesNotMatch(t(lang, e.key, e.params), /\{\w+\}/);
    return e;
  }
  assert.fail(`expected ${key}`);
};
const rejected = async (promise, key) => {
  await assert.rejects(promise, (e) => e instanceof SourceError && e.key === key);
};

test('a file is told by its first bytes, not its name', () => {
  const cnnm = readFileSync(new URL('../../web/models/digits.cnnm', import.meta.url));
  assert.equal(sniffModel(cnnm), 'cnnm');
  assert.equal(sniffModel(Uint8Array.from([0x08, 0x07, 0x12, 0x07])), 'onnx');  // ir_version 7, then producer_name
  assert.equal(sniffModel(bytes('<!DOCTYPE html><html>')), 'html');
  assert.equal(sniffModel(bytes('\n  <html><body>404')), 'html');
  assert.equal(sniffModel(Uint8Array.from([0x89, 0x50, 0x4e, 0x47])), 'image');
  assert.equal(sniffModel(bytes('hello')), null);
  assert.equal(checkModelBytes(cnnm, 'x').format, 'cnnm');
  refused(() => checkModelBytes(bytes('<!doctype html>'), 'model="a.onnx"'), 'source.html', { what: 'model="a.onnx"' });
  refused(() => checkModelBytes(new Uint8Array(0), 'f'), 'source.empty');
  refused(() => checkModelBytes(bytes('hello'), 'f'), 'source.notModel');
  refused(() => checkModelBytes(Uint8Array.from([0xff, 0xd8, 0xff]), 'f'), 'source.image');
  assert.equal(fileName('https://x.org/a/b/my%20net.onnx?v=2'), 'my net.onnx');
  assert.equal(fileName('models/m.cnnm'), 'm.cnnm');
});

test('fetching: a failed request, an HTTP error and a file too large are named with the attribute and value', async () => {
  const what = 'model="my.onnx"';
  const response = (body, init = {}) => new Response(body, init);
  await rejected(fetchBytes('http://x/my.onnx', what, MAX_MODEL_BYTES, async () => { throw new TypeError('Failed to fetch'); }), 'source.fetchFailed');
  await rejected(fetchBytes('http://x/my.onnx', what, MAX_MODEL_BYTES, async () => response('gone', { status: 404, statusText: 'Not Found' })), 'source.httpStatus');
  await rejected(fetchBytes('http://x/my.onnx', what, 10, async () => response('x'.repeat(5), { headers: { 'content-length': '11' } })), 'source.tooBig');
  // no size declared: counted as it arrives, and cancelled past the limit
  let cancelled = false;
  const stream = new ReadableStream({
    pull(c) { c.enqueue(new Uint8Array(4)); },
    cancel() { cancelled = true; },
  });
  await rejected(fetchBytes('http://x/my.onnx', what, 10, async () => response(stream)), 'source.tooBig');
  assert.ok(cancelled, 'the download is stopped');
  const got = await fetchBytes('http://x/my.onnx', what, 10, async () => response(Uint8Array.from([1, 2, 3])));
  assert.deepEqual(Array.from(got), [1, 2, 3]);
  try {
    await fetchBytes('http://x/my.onnx', what, MAX_MODEL_BYTES, async () => response('', { status: 404, statusText: 'Not Found' }));
  } catch (e) {
    assert.equal(t('en', e.key, e.params), 'model="my.onnx": the server answered 404 Not Found.');
  }
});

test('the normalisation as PyTorch writes it, or the numbers alone; refused with the name and value', () => {
  const cases = [
    ['(0.1307,), (0.3081,)', [0.1307], [0.3081]],
    ['0.1307, 0.3081', [0.1307], [0.3081]],
    ['0.1307 0.3081', [0.1307], [0.3081]],
    ['(0.485, 0.456, 0.406), (0.229, 0.224, 0.225)', [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]],
    ['[0.5,0.5,0.5],[0.5,0.5,0.5]', [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],
    ['-1e-1, 2E0', [-0.1], [2]],
  ];
  for (const [text, mean, std] of cases) {
    assert.deepEqual(parseNormalize(text), { mean, std }, text);
    assert.deepEqual(parseNormalize(normalizeText({ mean, std })), { mean, std }, `${text} round-trips`);
  }
  assert.equal(parseNormalize(''), null);
  assert.equal(parseNormalize(' none '), null);
  refused(() => parseNormalize('0.5, x', 'normalize'), 'source.normalizeNumbers', { name: 'normalize', value: '0.5, x' });
  refused(() => parseNormalize('0x1, 2'), 'source.normalizeNumbers');
  refused(() => parseNormalize('NaN, 1'), 'source.normalizeNumbers');
  refused(() => parseNormalize('Infinity, 1'), 'source.normalizeNumbers');
  refused(() => parseNormalize('0.1, 0.2, 0.3'), 'source.normalizeCount', { n: 3 });
  refused(() => parseNormalize('0.1, 0'), 'source.normalizeStd', { std: 0 });
  refused(() => parseNormalize('0.1, -2'), 'source.normalizeStd', { std: -2 });
});

test('labels: a list, or a .txt / .json file of them; a count that does not fit the outputs is refused', () => {
  assert.deepEqual(parseLabelList(' T-shirt/top, Trouser ,Pullover'), ['T-shirt/top', 'Trouser', 'Pullover']);
  assert.equal(parseLabelList(''), null);
  refused(() => parseLabelList('a,,b', 'labels'), 'source.labelsEmpty', { name: 'labels' });
  assert.equal(isLabelsFile('labels.txt'), true);
  assert.equal(isLabelsFile('classes.JSON'), true);
  assert.equal(isLabelsFile('a.txt, b.txt'), false);
  assert.equal(isLabelsFile('cat,dog'), false);
  assert.deepEqual(parseLabelsFile('cat\r\ndog\n\n', 'f', false), ['cat', 'dog']);
  assert.deepEqual(parseLabelsFile('["cat", "dog"]', 'f', true), ['cat', 'dog']);
  refused(() => parseLabelsFile('cat\n\ndog', 'labels="l.txt"', false), 'source.labelsLines', { what: 'labels="l.txt"' });
  refused(() => parseLabelsFile('{"a": 1}', 'f', true), 'source.labelsJson');
  refused(() => parseLabelsFile('["a", 2]', 'f', true), 'source.labelsJson');
  refused(() => parseLabelsFile('[', 'f', true), 'source.labelsJson');
  assert.deepEqual(checkLabels(['a', 'b'], 2, 'x'), ['a', 'b']);
  const e = refused(() => checkLabels(['a', 'b', 'c'], 10, 'labels="a,b,c"'), 'source.labelsCount', { n: 3, outputs: 10 });
  assert.equal(t('en', e.key, e.params), 'labels="a,b,c" gives 3 labels, but the model has 10 outputs.');
});

test('normalising the input is transforms.Normalize: per channel, or one value for all', () => {
  const image = Float32Array.from([0, 0.5, 1, 0.25, 0.75, 1]);  // 3 channels of 2 values
  const per = normalizeInput(image, { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }, 3);
  assert.deepEqual(Array.from(per), [-1, 0, 3, 0, 0.375, 0.5]);
  const one = normalizeInput(image, { mean: [0.5], std: [0.5] }, 3);
  assert.deepEqual(Array.from(one), [-1, 0, 1, -0.5, 0.5, 1]);
  assert.equal(normalizeInput(image, null, 3), image, 'no normalisation: the same image');
});

test('the model list holds one model from elsewhere at a time, a catalogue entry replaced in its place', async () => {
  const { withEntry } = await import('../../web/src/ui/models.js');
  const catalogue = [{ key: 'digits' }, { key: 'fashion' }];
  const a = withEntry(catalogue, { key: 'file:a.onnx', name: 'a.onnx' });
  assert.deepEqual(a.map((m) => m.key), ['digits', 'fashion', 'file:a.onnx']);
  const b = withEntry(a, { key: 'file:b.onnx', name: 'b.onnx' });
  assert.deepEqual(b.map((m) => m.key), ['digits', 'fashion', 'file:b.onnx']);
  const c = withEntry(b, { key: 'digits', normalize: null });
  assert.deepEqual(c.map((m) => m.key), ['digits', 'fashion', 'file:b.onnx']);
  assert.equal(c[0].normalize, null);
  assert.deepEqual(catalogue, [{ key: 'digits' }, { key: 'fashion' }], 'the list given is left as it was');
});
