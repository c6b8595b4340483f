// UI text: both languages define the same keys with the same parameters,
// piece by piece (web/src/ui/i18n/<lang>/<piece>.js).
// To add a case: assert on t() as a component would call it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { STRINGS, LANGS, t, pickLang, paramNames, errorText } from '../../web/src/ui/i18n.js';
import '../../web/src/ui/page-strings.js';  // the page-only pieces, added to STRINGS as the page adds them
import { GLOSSARY } from '../../web/src/ui/i18n/glossary.js';
import { withParticle, particle, numberFinal } from '../../web/src/ui/i18n/korean.js';
import { EngineError } from '../../web/src/engine/errors.js';

const params = paramNames;
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

test('a number agrees with its word: {n|one|other} in English', () => {
  assert.equal(t('en', 'lab.channelsNote', { cin: 1, k: 3, cout: 1 }).includes('1 slice of 3×3'), true);
  assert.match(t('en', 'lab.channelsNote', { cin: 3, k: 3, cout: 2 }), /3 slices of 3×3.*2 filters, 2 feature maps\.$/);
  assert.match(t('en', 'lab.channelsNote', { cin: 3, k: 3, cout: 1 }), /1 filter, 1 feature map\.$/);
  assert.match(t('en', 'cost.note', { n: 1 }), /the last 1 run \(/);
  assert.match(t('en', 'cost.note', { n: 50 }), /the last 50 runs \(/);
  assert.match(t('en', 'lab.explain.spoken.conv', { r: 1, c: 1, n: 1, padding: 0, products: '', sum: 1, bias: 0, out: 1 }), /1 product \(0 more fall on padding and add nothing\)/);
  assert.match(t('en', 'lab.explain.spoken.conv', { r: 1, c: 1, n: 4, padding: 1, products: '', sum: 1, bias: 0, out: 1 }), /4 products \(1 more falls on padding and adds nothing\)/);
  // Korean has no plural: the same words
  assert.match(t('ko', 'lab.channelsNote', { cin: 1, k: 3, cout: 1 }), /3×3 조각 1개/);
});

test('Korean particles after a number follow how the number is read', () => {
  // the last syllable read: 영 일 이 삼 사 오 육 칠 팔 구, 십 백 천 만 억
  const cases = [
    [0, '를', '0을'], [1, '를', '1을'], [2, '을', '2를'], [3, '를', '3을'], [4, '을', '4를'], [5, '을', '5를'],
    [6, '를', '6을'], [7, '를', '7을'], [8, '를', '8을'], [9, '을', '9를'], [10, '를', '10을'], [12, '을', '12를'],
    [20, '를', '20을'], [100, '를', '100을'], [1000, '를', '1000을'], [10000, '를', '10000을'], [300000, '를', '300000을'],
    ['1,000', '를', '1,000을'], ['760', '를', '760을'], [1.5, '을', '1.5를'], [1.33, '을', '1.33을'], ['−3', '를', '−3을'],
    [0, '가', '0이'], [2, '이', '2가'], [5, '은', '5는'], [6, '는', '6은'], [1, '와', '1과'], [2, '과', '2와'],
    // (으)로: 로 after a vowel and after ㄹ (1 일, 7 칠, 8 팔), 으로 after the other consonants
    [1, '으로', '1로'], [2, '으로', '2로'], [3, '로', '3으로'], [6, '로', '6으로'], [7, '으로', '7로'], [8, '으로', '8로'],
    [10, '로', '10으로'], [0, '로', '0으로'], [100, '로', '100으로'], [1000, '로', '1000으로'],
    ['스트라이드 2', '로', '스트라이드 2로'], ['패딩 3', '로', '패딩 3으로'], ['합성곱', '를', '합성곱을'], ['필터', '을', '필터를'],
    ['풀링 윈도 2×2', '으로', '풀링 윈도 2×2로'],
  ];
  for (const [text, p, want] of cases) assert.equal(withParticle(text, p), want, `${text} + ${p}`);
  assert.equal(numberFinal('10'), 'ㅂ');
  assert.equal(numberFinal('0'), 'ㅇ');
  assert.throws(() => particle('1', '도'), /no Korean particle pair/);
  // in a template: {name:particle}
  assert.equal(t('ko', 'lab.explain.spoken.avg', { r: 1, c: 1, values: '0, 0', sum: 0, d: 1, out: 0 }), '출력 1행 1열: 윈도의 값은 0, 0입니다. 합 0을 1로 나누면 0입니다.');
  assert.match(t('ko', 'lab.explain.spoken.avg', { r: 1, c: 1, values: '', sum: 2, d: 3, out: 0.67 }), /합 2를 3으로 나누면/);
  assert.match(t('ko', 'lab.unused.rows', { stride: 2, rows: 1 }), /^스트라이드가 2면 /);
  assert.match(t('ko', 'lab.unused.rows', { stride: 3, rows: 1 }), /^스트라이드가 3이면 /);
});

test('every Korean string uses the glossary\'s terms, never a rejected variant', () => {
  for (const [key, text] of Object.entries(STRINGS.ko)) {
    for (const { term, rejected } of GLOSSARY) {
      for (const pattern of rejected) assert.doesNotMatch(text, pattern, `ko ${key}: use ${term}`);
    }
  }
  // the glossary refuses what it should: the test above could not pass by matching nothing
  const refused = (text) => GLOSSARY.some(({ rejected }) => rejected.some((p) => p.test(text)));
  for (const bad of ['매개변수 10개', '3×3 창', '네트워크', '컨볼루션', '특징 맵', '상호상관', '바이어스', '진짜 합성곱']) assert.ok(refused(bad), bad);
  for (const good of ['파라미터 10개', '팽창(dilation)', '풀링 윈도', '신경망', '합성곱', '특성 맵', '교차상관', '편향', '활성화 함수']) assert.ok(!refused(good), good);
  // the pages' own Korean text too (the lecture notes page is written in Korean)
  for (const page of ['index.html', 'lecture.html']) {
    const text = readFileSync(new URL(`../../web/${page}`, import.meta.url), 'utf8');
    for (const { term, rejected } of GLOSSARY) {
      for (const pattern of rejected) assert.doesNotMatch(text, pattern, `${page}: use ${term}`);
    }
  }
  // and every term is in use somewhere on the page
  const all = Object.values(STRINGS.ko).join('\n');
  for (const { term } of GLOSSARY) assert.ok(all.includes(term), term);
});

test('an engine failure with a code is said in the reader\'s language; without one, the engine\'s words stay', () => {
  const e = new EngineError('a 7-tall kernel does not fit in the padded input, which is only 5 tall (height 5 + padding 0 + 0)', {
    code: 'kernel_too_big', params: { axis: 'height', kernel: 7, padded: 5, size: 5, pad_before: 0, pad_after: 0 } });
  assert.equal(errorText('en', e), 'A kernel 7 rows tall does not fit in the padded input, which is only 5 rows tall (5 + padding 0 + 0).');
  assert.equal(errorText('ko', e), '높이 7인 커널이 패딩을 두른 입력에 들어가지 않습니다: 입력의 높이가 5뿐입니다 (5 + 패딩 0 + 0).');
  const one = new EngineError('x', { code: 'kernel_too_big', params: { axis: 'width', kernel: 1, padded: 1, size: 1, pad_before: 0, pad_after: 0 } });
  assert.match(errorText('en', one), /^A kernel 1 column wide .* only 1 column wide/);
  assert.equal(errorText('ko', new EngineError('plain English', { code: 'no_such_code' })), 'plain English');
  assert.equal(errorText('ko', new EngineError('plain English')), 'plain English');
  assert.equal(errorText('en', 'a string'), 'a string');
  // every code the page knows is written in both languages with the same numbers
  for (const key of Object.keys(STRINGS.en).filter((k) => k.startsWith('engine.'))) {
    assert.deepEqual(paramNames(STRINGS.ko[key]), paramNames(STRINGS.en[key]), key);
  }
});
