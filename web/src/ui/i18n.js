// Every piece of UI text, in English and Korean: one file per language and
// piece of the UI, i18n/<lang>/<piece>.js (the Korean text of the lab is
// i18n/ko/lab.js). Components never hold strings of their own: they call
// t(lang, key, params). Korean uses the terms of Korean lecture notes: 합성곱,
// 필터, 스트라이드, 패딩, 풀링, 특성 맵.
//
// To add a string: add the key to its piece's file in both languages (a test
// checks that each piece has the same keys, with the same parameters, in both).
// To add a piece: a file in each language's folder, spread into STRINGS below.
// Parameters are written {name} and filled from `params` as text, never HTML.

import enCommon from './i18n/en/common.js';
import enWidgets from './i18n/en/widgets.js';
import enLab from './i18n/en/lab.js';
import enLabNetwork from './i18n/en/lab-network.js';
import enPage from './i18n/en/page.js';
import enPlayground from './i18n/en/playground.js';
import enNetwork from './i18n/en/network.js';
import enCost from './i18n/en/cost.js';
import enTrain from './i18n/en/train.js';
import koCommon from './i18n/ko/common.js';
import koWidgets from './i18n/ko/widgets.js';
import koLab from './i18n/ko/lab.js';
import koLabNetwork from './i18n/ko/lab-network.js';
import koPage from './i18n/ko/page.js';
import koPlayground from './i18n/ko/playground.js';
import koNetwork from './i18n/ko/network.js';
import koCost from './i18n/ko/cost.js';
import koTrain from './i18n/ko/train.js';

export const LANGS = Object.freeze(['en', 'ko']);

export const STRINGS = {
  en: { ...enCommon, ...enWidgets, ...enLab, ...enLabNetwork, ...enPage, ...enPlayground, ...enNetwork, ...enCost, ...enTrain },
  ko: { ...koCommon, ...koWidgets, ...koLab, ...koLabNetwork, ...koPage, ...koPlayground, ...koNetwork, ...koCost, ...koTrain },
};

/** The supported language of a tag such as "ko-KR" ("ko"), or null for none (including a missing or empty tag). */
export function matchLang(tag) {
  if (typeof tag !== 'string') return null;
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return LANGS.includes(base) ? base : null;
}

/** Picks a supported language from a tag such as "ko-KR"; English otherwise. */
export function pickLang(tag) {
  return matchLang(tag) ?? 'en';
}

/** The text for `key` in `lang` (falling back to English), with {params} filled in. */
export function t(lang, key, params = {}) {
  const table = STRINGS[pickLang(lang)];
  const template = table[key] ?? STRINGS.en[key];
  if (template === undefined) return key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}
