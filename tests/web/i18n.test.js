// UI text: both languages define the same keys with the same parameters,
// piece by piece (web/src/ui/i18n/<lang>/<piece>.js).
// To add a case: assert on t() as a component would call it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { STRINGS, LANGS, t, pickLang } from '../../web/src/ui/i18n.js';

const params = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const DIR = new URL('../../web/src/ui/i18n/', import.meta.url);

/** { piece file name: its table } of one language's folder. */
async function pieces(lang) {
  const files = readdirSync(new URL(`${lang}/`, DIR)).filter((f) => f.endsWith('.js')).sort();
  const tables = await Promise.all(files.map(async (f) => (await import(new URL(`${lang}/${f}`, DIR))).default));
  return Object.fromEntries(files.map((f, i) => [f, tables[i]]));
}

test('English and Korean define the same keys with the same parameters', () => {
  assert.deepEqual(Object.keys(STRINGS.ko).sort(), Object.keys(STRINGS.en).sort());
  for (const key of Object.keys(STRINGS.en)) {
    assert.deepEqual(params(STRINGS.ko[key]), params(STRINGS.en[key]), key);
    assert.ok(STRINGS.ko[key].trim().length > 0, key);
  }
});

test('each language has one folder with the same pieces, each piece the same keys and parameters', async () => {
  const folders = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.deepEqual(folders.sort(), [...LANGS].sort());
  const en = await pieces('en');
  for (const lang of LANGS) {
    const tables = await pieces(lang);
    assert.deepEqual(Object.keys(tables), Object.keys(en), `the pieces of ${lang}`);
    for (const [file, table] of Object.entries(tables)) {
      assert.deepEqual(Object.keys(table).sort(), Object.keys(en[file]).sort(), `${lang}/${file}`);
      for (const [key, text] of Object.entries(table)) {
        // t() fills string templates only: a text that is a function, or empty, is a mistake
        assert.equal(typeof text, 'string', `${lang}/${file} ${key}`);
        assert.ok(text.trim().length > 0, `${lang}/${file} ${key}`);
        assert.deepEqual(params(text), params(en[file][key]), `${lang}/${file} ${key}`);
      }
    }
  }
});

test('STRINGS of a language is its pieces together, every key in exactly one piece', async () => {
  for (const lang of LANGS) {
    const tables = Object.entries(await pieces(lang));
    const seen = new Map();
    for (const [file, table] of tables) {
      for (const [key, text] of Object.entries(table)) {
        assert.ok(!seen.has(key), `${lang}: ${key} is in both ${seen.get(key)} and ${file}`);
        seen.set(key, file);
        assert.equal(STRINGS[lang][key], text, `${lang}/${file} ${key}`);
      }
    }
    assert.deepEqual([...seen.keys()].sort(), Object.keys(STRINGS[lang]).sort(), `${lang}: every piece is in STRINGS`);
  }
});

test('t fills parameters as text and falls back to English', () => {
  assert.equal(t('ko-KR', 'engine.failed', { message: '<b>x</b>' }), '엔진을 불러오지 못했습니다: <b>x</b>');
  assert.equal(t('fr', 'app.title'), 'CNN playground');
  assert.equal(pickLang('KO'), 'ko');
  assert.equal(t('en', 'no.such.key'), 'no.such.key');
});
