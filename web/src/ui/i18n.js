// Every piece of UI text, in English and Korean. Components never hold
// strings of their own: they call t(lang, key, params). Korean uses the terms
// of Korean lecture notes: 합성곱, 필터, 스트라이드, 패딩, 풀링, 특성 맵.
//
// To add a string: add the key to both tables (a test checks they match).
// Parameters are written {name} and filled from `params` as text, never HTML.

export const LANGS = Object.freeze(['en', 'ko']);

export const STRINGS = {
  en: {
    'app.title': 'CNN playground',
    'engine.loading': 'Loading the engine…',
    'engine.failed': 'The engine failed to load: {message}',
  },
  ko: {
    'app.title': 'CNN 놀이터',
    'engine.loading': '엔진을 불러오는 중…',
    'engine.failed': '엔진을 불러오지 못했습니다: {message}',
  },
};

/** Picks a supported language from a tag such as "ko-KR"; English otherwise. */
export function pickLang(tag) {
  const base = String(tag ?? '').toLowerCase().split(/[-_]/)[0];
  return LANGS.includes(base) ? base : 'en';
}

/** The text for `key` in `lang` (falling back to English), with {params} filled in. */
export function t(lang, key, params = {}) {
  const table = STRINGS[pickLang(lang)];
  const template = table[key] ?? STRINGS.en[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}
