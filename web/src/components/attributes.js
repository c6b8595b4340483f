// Reading a widget's configuration from element attributes and from an embed
// page's URL hash. No DOM here, so it is tested in Node (tests/web/).
//
// The lab's settings are the fields of its typed state table
// (ui/lab/state.js): an attribute is a field's name in kebab case
// (pool-window for poolWindow), a URL key is the field's short URL name
// (k for kernel), and every value is checked by that table's parseState,
// never here. The widgets' own options (lang, controls, model, ...) have the
// small table below. Nothing is guessed: a value that does not pass is left
// out, and a problem { key, params } says which and why, for the widget to
// show (as text) in the reader's language.
//
// The training widget's settings are the training view's (ui/train/state.js):
// `preset` or `arch` (the layers as in its URL) and the hyperparameters, an
// attribute each (batch-size for batchSize), checked by that file's checkHyper.
//
// To add a widget option: add it to OPTION_TYPES (and to the widget's
// static `options`). To add a lab setting: add a field to state.js; a
// training setting: a row in ui/train/state.js's HYPER.
import { FIELDS, URL_KEYS, PAD_MODES, LIMITS, parseState, parseBool, shown } from '../ui/lab/state.js';
import { lengthProblems } from '../ui/lab/layer.js';
import { LANGS, t } from '../ui/i18n.js';
import { parseNormalize, normalizeText, isLabelsFile, parseLabelList, MODEL_FILE_PATTERN } from '../ui/model-source.js';
import { HYPER, PRESETS, checkHyper, layersFromText } from '../ui/train/state.js';

export { shown };

/** 'poolWindow' -> 'pool-window' */
export function kebab(name) {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** 'pool-window' -> 'poolWindow' */
export function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

/** The lab's attributes: attribute name -> state field. */
export const LAB_ATTRIBUTES = Object.freeze(Object.fromEntries(Object.keys(FIELDS).map((k) => [kebab(k), k])));

/** The lab's URL keys: short name -> state field. */
export const LAB_URL_KEYS = URL_KEYS;

/** A widget's colour themes (styles.js applies them). */
export const THEMES = Object.freeze(['auto', 'light', 'dark']);

/** Types of the widgets' own options (not lab settings). */
export const OPTION_TYPES = Object.freeze({
  lang: { type: 'enum', values: LANGS },
  theme: { type: 'enum', values: THEMES },
  controls: { type: 'list' },          // values: the widget's (see the lab widgets)
  model: { type: 'model' },            // values: the model catalogue's keys; or the URL of a .onnx or .cnnm file
  normalize: { type: 'normalize' },    // the input normalisation: '0.1307,0.3081' or '(0.1307,), (0.3081,)'
  labels: { type: 'labels' },          // class names separated by commas, or a .txt or .json file of them
  preprocess: { type: 'bool' },
  cost: { type: 'bool' },
  autoplay: { type: 'bool' },
  autostart: { type: 'bool' },
});

/** The training widget's attributes: attribute name -> training state field ('preset' and 'arch' give the layers). */
export const TRAIN_ATTRIBUTES = Object.freeze({
  preset: 'preset', arch: 'arch', ...Object.fromEntries(Object.keys(HYPER).map((k) => [kebab(k), k])),
});

/** The training widget's URL keys (those of the training view's own query, state.js) -> attribute names. */
export const TRAIN_URL_KEYS = Object.freeze({
  preset: 'preset', arch: 'arch', ...Object.fromEntries(Object.entries(HYPER).map(([k, f]) => [f.url, kebab(k)])),
});

/** Attributes every HTML element may carry; a widget neither reads nor questions them. */
const GLOBAL_ATTRIBUTES = new Set(['id', 'class', 'style', 'title', 'hidden', 'tabindex', 'slot', 'part', 'dir',
  'role', 'translate', 'accesskey', 'autofocus', 'draggable', 'spellcheck', 'contenteditable', 'inert', 'is',
  'nonce', 'exportparts', 'popover', 'enterkeyhint', 'inputmode', 'autocapitalize', 'itemprop', 'itemscope',
  'itemtype', 'itemid', 'itemref', 'xmlns', 'width', 'height', 'align']);

export function isGlobalAttribute(name) {
  return GLOBAL_ATTRIBUTES.has(name) || /^(data-|aria-)/.test(name) || /^on[a-z]+$/.test(name);
}

/** A problem { key, params, why } as the sentence a reader sees, in `lang`. */
export function problemText(lang, p) {
  const why = p.why ? t(lang, p.why.key, p.why.params) : '';
  return t(lang, p.key, { ...p.params, why });
}

/** Why a value does not fit a type, as { key, params } of i18n.js. */
function why(type) {
  switch (type.type) {
    case 'int': return { key: 'widget.why.int', params: { min: type.min, max: type.max } };
    case 'enum': return { key: 'widget.why.enum', params: { values: type.values.join(', ') } };
    case 'bool': return { key: 'widget.why.bool', params: {} };
    case 'numbers': return { key: 'widget.why.numbers', params: { max: LIMITS.valueMax } };
    case 'enums': case 'list': return { key: 'widget.why.list', params: { values: type.values.join(', ') } };
    case 'model': return { key: 'widget.why.model', params: { values: type.values.join(', ') } };
    case 'normalize': return { key: 'widget.why.normalize', params: {} };
    case 'labels': return { key: 'widget.why.labels', params: {} };
    case 'number': return { key: 'widget.why.number', params: { min: type.min, max: type.max } };
    case 'arch': return { key: 'widget.why.arch', params: {} };
    default: return { key: 'widget.why.enum', params: { values: '' } };
  }
}

/**
 * Lab settings from attribute-like pairs [[name, value]] (attribute names),
 * over `base` (a complete state). Returns { state, problems }: every pair is
 * checked on its own by the state table, so one bad value costs only itself.
 * `padding` also takes PyTorch's 'valid' and 'same' (the padMode field).
 */
export function labStateFromAttributes(pairs, base) {
  let state = base;
  const problems = [];
  // a lecture example first: the settings given beside it are set over it
  const ordered = [...pairs].sort(([a], [b]) => (b === 'example') - (a === 'example'));
  for (const [name, value] of ordered) {
    let field = LAB_ATTRIBUTES[name];
    if (!field) continue;
    let v = value;
    if (field === 'padding' && PAD_MODES.includes(String(value).trim()) && String(value).trim() !== 'explicit') {
      field = 'padMode';
      v = String(value).trim();
    } else if (field === 'padding' && state.padMode !== 'explicit') {
      state = { ...state, padMode: 'explicit' };
    }
    try {
      state = parseState({ [field]: v }, state);
    } catch {
      problems.push(badValue('widget.badAttribute', name, value, FIELDS[field]));
    }
  }
  // a list that does not fit the other settings is refused too, not passed over
  for (const { field, got, want } of lengthProblems(state)) {
    const name = kebab(field);
    const value = shown(pairs.filter(([n]) => n === name).at(-1)?.[1] ?? attributeValue(state[field]));
    problems.push(want ? { key: 'widget.badLength', params: { name, value, got, want } }
      : { key: 'widget.unusedList', params: { name, value, input: state.input } });
    state = { ...state, [field]: base[field] };
  }
  return { state, problems };
}

/**
 * The training widget's settings from attribute pairs [[name, value]] over
 * `base` (a complete training state, ui/train/state.js): { state, problems }.
 * `arch` (layers as the training view's URL writes them) wins over `preset`.
 */
export function trainStateFromAttributes(pairs, base) {
  const state = { ...base };
  const problems = [];
  const last = (name) => pairs.filter(([n]) => n === name).at(-1)?.[1];
  const preset = last('preset');
  if (preset !== undefined) {
    const key = String(preset).trim();
    if (Object.hasOwn(PRESETS, key)) state.layers = layersFromText(PRESETS[key]);
    else problems.push(badValue('widget.badAttribute', 'preset', preset, { type: 'enum', values: Object.keys(PRESETS) }));
  }
  const arch = last('arch');
  if (arch !== undefined) {
    try {
      state.layers = layersFromText(String(arch).trim());
    } catch {
      problems.push(badValue('widget.badAttribute', 'arch', arch, { type: 'arch' }));
    }
  }
  for (const [name, value] of pairs) {
    const field = TRAIN_ATTRIBUTES[name];
    if (!field || !Object.hasOwn(HYPER, field)) continue;
    try {
      state[field] = checkHyper(field, String(value).trim());
    } catch {
      problems.push(badValue('widget.badAttribute', name, value, HYPER[field]));
    }
  }
  return { state, problems };
}

function badValue(key, name, value, type) {
  const reason = why(type);
  return { key, params: { name, value: shown(value) }, why: reason };
}

/**
 * One widget option, checked against OPTION_TYPES (with `values` for enums and
 * lists given by the widget). Returns { value } or { problem }.
 */
export function parseOption(name, raw, values, key = 'widget.badAttribute') {
  const type = { ...OPTION_TYPES[name], ...(values ? { values } : {}) };
  const s = String(raw ?? '').trim();
  switch (type.type) {
    case 'enum':
      if (type.values.includes(s)) return { value: s };
      if (name === 'lang') {  // language tags such as ko-KR
        const base = s.toLowerCase().split(/[-_]/)[0];
        if (type.values.includes(base)) return { value: base };
      }
      break;
    case 'bool':
      if (parseBool(s) !== null) return { value: parseBool(s) };
      break;
    case 'model':
      if (type.values.includes(s) || isModelUrl(s)) return { value: s };
      break;
    case 'normalize':
      try {
        return { value: normalizeText(parseNormalize(s, name)) };
      } catch {
        break;
      }
    case 'labels':
      try {
        if (isLabelsFile(s) && isModelUrl(s, /\.(txt|json)$/i)) return { value: s };
        if (!isLabelsFile(s) && parseLabelList(s, name)) return { value: s };
      } catch { /* refused below */ }
      break;
    case 'list': {
      const names = [...new Set(s.split(',').map((x) => camel(x.trim())).filter(Boolean))];
      if (names.every((x) => type.values.includes(x))) return { value: names };
      return { problem: badValue(key, name, raw, { ...type, values: type.values.map(kebab) }) };
    }
    default:
      break;
  }
  return { problem: badValue(key, name, raw, type) };
}

/**
 * Whether a value is the address of a file a widget may fetch: a path
 * (relative, or from the site's root) or an http(s) URL whose path ends as
 * `pattern` says (a model file by default). Other schemes (javascript:,
 * data:, file:) are refused.
 */
export function isModelUrl(s, pattern = MODEL_FILE_PATTERN) {
  if (!s || /\s/.test(s)) return false;
  try {
    const url = new URL(s, 'http://page.invalid/dir/');
    return (url.protocol === 'http:' || url.protocol === 'https:') && pattern.test(decodeURIComponent(url.pathname));
  } catch {
    return false;
  }
}

const EMBED_MAX_CHARS = 8192;

/**
 * An embed page's hash ('#widget=conv-lab&lang=ko&k=3&s=2'): the widget's
 * name, its options, its lab settings as attribute pairs (read from their
 * short URL names and checked by the state table one by one), the training
 * widget's settings as attribute pairs (`train`: read from the training
 * view's URL names, arch=c8k5-r-f-d10&lr=0.01, and checked by its table) and
 * the problems found. `widgets` maps each embeddable widget name to its
 * { options: { name: values|null }, lab, train }.
 */
export function parseEmbedHash(hash, widgets, defaultWidget) {
  const problems = [];
  const out = { widget: defaultWidget, options: {}, lab: [], train: [], problems };
  let text = String(hash ?? '').replace(/^#/, '');
  if (text.length > EMBED_MAX_CHARS) {
    problems.push({ key: 'embed.tooLong', params: { n: text.length } });
    text = '';
  }
  const pairs = [];
  for (const part of text.split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const rawKey = at < 0 ? part : part.slice(0, at);
    const rawValue = at < 0 ? '' : part.slice(at + 1);
    let key, value;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      problems.push({ key: 'embed.badEncoding', params: { part: shown(part) } });
      continue;
    }
    pairs.push([key, value]);
  }
  const widgetPair = pairs.filter(([k]) => k === 'widget').at(-1);
  if (widgetPair) {
    if (Object.hasOwn(widgets, widgetPair[1])) out.widget = widgetPair[1];
    else problems.push(badValue('embed.badValue', 'widget', widgetPair[1], { type: 'enum', values: Object.keys(widgets) }));
  }
  const known = widgets[out.widget];
  for (const [key, value] of pairs) {
    if (key === 'widget') continue;
    if (Object.hasOwn(known.options, key)) {
      const r = parseOption(key, value, known.options[key], 'embed.badValue');
      if (r.problem) problems.push(r.problem); else out.options[key] = r.value;
    } else if (known.lab && Object.hasOwn(LAB_URL_KEYS, key)) {
      const field = LAB_URL_KEYS[key];
      try {
        const v = parseState({ [field]: value })[field];
        out.lab.push([kebab(field), attributeValue(v)]);
      } catch {
        problems.push(badValue('embed.badValue', key, value, FIELDS[field]));
      }
    } else if (known.train && Object.hasOwn(TRAIN_URL_KEYS, key)) {
      const name = TRAIN_URL_KEYS[key];
      const [problem] = trainStateFromAttributes([[name, value]], {}).problems;
      if (problem) problems.push({ ...problem, key: 'embed.badValue', params: { ...problem.params, name: key } });
      else out.train.push([name, value]);
    } else {
      problems.push({ key: 'embed.unknownKey', params: { name: shown(key) } });
    }
  }
  return out;
}

/** A lab setting as an attribute value (lists joined by commas). */
export function attributeValue(value) {
  return Array.isArray(value) ? value.join(',') : String(value);
}
