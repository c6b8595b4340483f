// UI text: both languages define the same keys with the same parameters.
// To add a case: assert on t() as a component would call it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRINGS, t, pickLang } from '../../web/src/ui/i18n.js';

const params = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Korean define the same keys with the same parameters', () => {
  assert.deepEqual(Object.keys(STRINGS.ko).sort(), Object.keys(STRINGS.en).sort());
  for (const key of Object.keys(STRINGS.en)) {
    assert.deepEqual(params(STRINGS.ko[key]), params(STRINGS.en[key]), key);
    assert.ok(STRINGS.ko[key].trim().length > 0, key);
  }
});

test('t fills parameters as text and falls back to English', () => {
  assert.equal(t('ko-KR', 'engine.failed', { message: '<b>x</b>' }), '엔진을 불러오지 못했습니다: <b>x</b>');
  assert.equal(t('fr', 'app.title'), 'CNN playground');
  assert.equal(pickLang('KO'), 'ko');
  assert.equal(t('en', 'no.such.key'), 'no.such.key');
});
