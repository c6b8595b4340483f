// Every piece of UI text, in English and Korean: one file per language and
// piece of the UI, i18n/<lang>/<piece>.js (the Korean text of the lab is
// i18n/ko/lab.js). Components never hold strings of their own: they call
// t(lang, key, params). Korean uses the terms of Korean lecture notes: 합성곱,
// 필터, 스트라이드, 패딩, 풀링, 특성 맵.
//
// Korean terms are one glossary for the whole page (i18n/glossary.js, which a
// test holds every Korean string to).
//
// To add a string: add the key to its piece's file in both languages (a test
// checks that each piece has the same keys, with the same parameters, in both).
// To add a piece: a file in each language's folder, spread into STRINGS below;
// a piece that only the playground page shows is added by page-strings.js
// instead (addStrings), so the widgets' bundle does not carry its text.
// Parameters are written {name} and filled from `params` as text, never HTML.
// Two forms agree with a number:
//   {n|filter|filters}  the first word when n is 1, else the second (English);
//   {n:을}              n followed by the Korean particle its reading takes
//                       (0을, 2를, 3으로, 7로; i18n/korean.js).
// An engine failure with a code is said from the strings engine.<code>
// (engine.<code>.<axis> first, when the failure names an axis): errorText().

import enCommon from './i18n/en/common.js';
import enWidgets from './i18n/en/widgets.js';
import enLab from './i18n/en/lab.js';
import enLabNetwork from './i18n/en/lab-network.js';
import enLabFull from './i18n/en/lab-full.js';
import enPage from './i18n/en/page.js';
import enPlayground from './i18n/en/playground.js';
import enNetwork from './i18n/en/network.js';
import enCost from './i18n/en/cost.js';
import enEngine from './i18n/en/engine.js';
import enTrain from './i18n/en/train.js';
import enExport from './i18n/en/export.js';
import enModelImport from './i18n/en/model-import.js';
import enPhoto from './i18n/en/photo.js';
import koCommon from './i18n/ko/common.js';
import koWidgets from './i18n/ko/widgets.js';
import koLab from './i18n/ko/lab.js';
import koLabNetwork from './i18n/ko/lab-network.js';
import koLabFull from './i18n/ko/lab-full.js';
import koPage from './i18n/ko/page.js';
import koPlayground from './i18n/ko/playground.js';
import koNetwork from './i18n/ko/network.js';
import koCost from './i18n/ko/cost.js';
import koEngine from './i18n/ko/engine.js';
import koTrain from './i18n/ko/train.js';
import koExport from './i18n/ko/export.js';
import koModelImport from './i18n/ko/model-import.js';
import koPhoto from './i18n/ko/photo.js';
import { withParticle } from './i18n/korean.js';

export const LANGS = Object.freeze(['en', 'ko']);

export const STRINGS = {
  en: { ...enCommon, ...enWidgets, ...enLab, ...enLabNetwork, ...enLabFull, ...enPage, ...enPlayground, ...enNetwork, ...enCost, ...enEngine, ...enTrain, ...enModelImport, ...enExport, ...enPhoto },
  ko: { ...koCommon, ...koWidgets, ...koLab, ...koLabNetwork, ...koLabFull, ...koPage, ...koPlayground, ...koNetwork, ...koCost, ...koEngine, ...koTrain, ...koModelImport, ...koExport, ...koPhoto },
};

/**
 * Adds the text of pieces that not every page loads ({ en: {...}, ko: {...} },
 * the same keys in both): once added, t() says them like any other.
 */
export function addStrings(byLang) {
  for (const lang of LANGS) Object.assign(STRINGS[lang], byLang[lang]);
}

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
  return template.replace(PARAM, (m, name, particle, one, other) => {
    if (!Object.hasOwn(params, name)) return m;
    const v = params[name];
    if (one !== undefined) return Number(v) === 1 ? one : other;
    return particle ? withParticle(String(v), particle) : String(v);
  });
}

// {name}, {name:particle} or {name|one|other}
const PARAM = /\{(\w+)(?::([^{}|]+)|\|([^{}|]*)\|([^{}|]*))?\}/g;

/** The names of the parameters a template uses (each once). */
export function paramNames(template) {
  return [...new Set([...template.matchAll(PARAM)].map((m) => m[1]))].sort();
}

/**
 * An engine failure in the reader's language: from engine.<code>.<axis> or
 * engine.<code> with the failure's named numbers when the engine gave it a
 * code this page knows, else the engine's own (English) message.
 * error: an EngineError ({ message, code, params }) or a string.
 */
export function errorText(lang, error) {
  const code = error?.code;
  const params = error?.params ?? {};
  if (code) {
    for (const key of [params.axis ? `engine.${code}.${params.axis}` : null, `engine.${code}`]) {
      if (key && Object.hasOwn(STRINGS.en, key)) return t(lang, key, params);
    }
  }
  return typeof error === 'string' ? error : String(error?.message ?? error);
}
