// Property tests of the page's parsers over random inputs from a fixed seed:
// the lab's typed state table (web/src/ui/lab/state.js), widget attributes and
// options and the embed page's hash (web/src/components/attributes.js), and
// the reader of data files (web/src/engine/dataset.js).
// Each input is either accepted into a value of the declared type, written
// the way that type is spelled (a whole number in decimal digits, not 0x3,
// 0b1 or 2.0), or refused with a message that names the parameter and the
// value; nothing else is thrown.
// To add a parser: generate its inputs with text() (or bytes), run it
// `ROUNDS` times, and check both outcomes. A failure prints the input; rerun
// with the same SEED to reproduce it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FIELDS, LIMITS, defaultState, parseState } from '../../web/src/ui/lab/state.js';
import {
  labStateFromAttributes, parseOption, parseEmbedHash, problemText, shown, kebab, LAB_ATTRIBUTES, LAB_URL_KEYS,
  OPTION_TYPES, THEMES,
} from '../../web/src/components/attributes.js';
import { LANGS } from '../../web/src/ui/i18n.js';
import { readDataset } from '../../web/src/engine/dataset.js';

const SEED = 20261127;
const ROUNDS = 1000;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

// Pieces of text that parsers trip on: number spellings, signs, spaces of
// every kind, other scripts' digits, words that mean something to JavaScript
// or to a URL, markup, and the names the parsers know.
const ENUM_WORDS = [...new Set(Object.values(FIELDS).flatMap((f) => f.values ?? []))];
const PIECES = [
  '0', '1', '2', '3', '4', '5', '7', '9', '10', '999', '-', '+', '.', ',', 'e', 'E', 'e-', 'x', '0x', '0X', '0b',
  '0o', '_', ' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '１', '٣', 'Infinity', 'NaN', 'true', 'false', 'on',
  'off', 'yes', 'null', 'undefined', '__proto__', 'constructor', 'toString', '<b>', '"', "'", '\\', '\u0000',
  '\ud800', '한', '%', '%2C', '%E0%A4%A', '=', ...ENUM_WORDS, ...LANGS, ...THEMES, 'ko-KR', 'EN', 'pool-window',
  'poolWindow', 'kernel', 'stride',
];

function text(r, maxPieces = 6) {
  const n = r.below(maxPieces + 1);
  let s = '';
  for (let i = 0; i < n; ++i) s += r.next() < 0.8 ? r.pick(PIECES) : String.fromCharCode(r.below(0x3000));
  return s;
}

// How each type is written: numbers in decimal as Python reads them (spaces
// around allowed), the spellings of parseBool, the names as listed.
const INT_TEXT = /^[-+]?\d+$/;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOL_TEXT = new Map([['true', true], ['1', true], ['on', true], ['', true], ['false', false], ['0', false], ['off', false]]);

/** Whether `value` is what the string `raw` writes for a field of type `f`. */
function readsAs(f, raw, value) {
  switch (f.type) {
    case 'int': return INT_TEXT.test(raw.trim()) && value === Number(raw);
    case 'enum': return f.values.includes(raw) && value === raw;
    case 'bool': return BOOL_TEXT.get(raw.trim()) === value;
    case 'numbers': {
      const items = raw.split(',');
      return items.length === value.length && items.every((x, i) => NUMBER_TEXT.test(x.trim()) && value[i] === Number(x));
    }
    case 'enums': return JSON.stringify(raw.split(',')) === JSON.stringify(value);
    default: return false;
  }
}

/** Whether `value` is of the type a field declares. */
function ofType(f, value) {
  switch (f.type) {
    case 'int': return Number.isInteger(value) && value >= f.min && value <= f.max;
    case 'enum': return f.values.includes(value);
    case 'bool': return typeof value === 'boolean';
    case 'numbers':
      return value === null || (Array.isArray(value) && value.length <= 4096
        && value.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= LIMITS.valueMax));
    case 'enums':
      return value === null || (Array.isArray(value) && value.length <= LIMITS.filtersMax && value.every((v) => f.values.includes(v)));
    default: return false;
  }
}

/** Whether a refusal message shows `raw` (or, for a list, one of its items) as given. */
function showsValue(message, raw) {
  const quoted = (s) => JSON.stringify(String(s).slice(0, 40)).slice(0, -1);  // without the closing quote
  const candidates = typeof raw === 'string' ? [raw, ...raw.split(',')] : [raw];
  return candidates.some((c) => message.includes(quoted(c)) || (String(c).trim() !== '' && message.includes(String(c).trim())));
}

const WIDGETS = {
  'conv-lab': { options: { lang: LANGS, theme: THEMES, controls: ['kernel', 'stride', 'padding', 'poolWindow'], autoplay: null }, lab: true },
  'draw-classify': { options: { lang: LANGS, theme: THEMES, model: ['digits', 'fashion'], preprocess: null, cost: null }, lab: false },
};

/** Whether an option value is what `raw` writes for the option `name` (with the widget's `values`). */
function optionReadsAs(name, values, raw, value) {
  const s = raw.trim();
  switch (OPTION_TYPES[name].type) {
    case 'bool': return BOOL_TEXT.get(s) === value;
    case 'enum':  // a language may come as a tag (ko-KR)
      return values.includes(value) && (s === value || (name === 'lang' && s.toLowerCase().split(/[-_]/)[0] === value));
    case 'list': {
      const names = s.split(',').map((x) => x.trim()).filter(Boolean);
      return Array.isArray(value) && value.every((v) => values.includes(v))
        && names.every((x) => values.includes(x) || values.map(kebab).includes(x));
    }
    case 'model':  // a catalogue key, or the address of a model file, as written
      return value === s && (values.includes(s) || /\.(onnx|cnnm)$/i.test(new URL(s, 'http://x/').pathname));
    case 'normalize': {  // the numbers as written, in their order ('' or 'none': no normalisation)
      if (s === '' || s.toLowerCase() === 'none') return value === '';
      const numbers = s.replace(/[()[\]]/g, ' ').split(/[\s,]+/).filter(Boolean).map(Number);
      return numbers.length % 2 === 0 && value === numbers.join(',');
    }
    case 'labels': return value === s && s !== '';
    default: return false;
  }
}

/** A problem renders in every language, with no placeholder left and its name and value shown. */
function checkProblem(p, name, raw) {
  for (const lang of LANGS) {
    const s = problemText(lang, p);
    assert.equal(typeof s, 'string');
    assert.doesNotMatch(s, /\{\w+\}/, `a placeholder is left in ${JSON.stringify(s)}`);
    if (name !== undefined) assert.ok(s.includes(shown(name)), `${JSON.stringify(s)} does not name ${JSON.stringify(name)}`);
    if (raw !== undefined) assert.ok(s.includes(shown(raw)), `${JSON.stringify(s)} does not show ${JSON.stringify(raw)}`);
  }
}

test('every lab setting read from random text is of its type and written as such, or refused naming both', () => {
  const r = generator(SEED);
  const base = defaultState();
  for (const [name, f] of Object.entries(FIELDS)) {
    for (let i = 0; i < ROUNDS; ++i) {
      const raw = text(r);
      let state;
      try {
        state = parseState({ [name]: raw }, base);
      } catch (e) {
        assert.ok(e instanceof RangeError, `${name}=${JSON.stringify(raw)} threw ${e}`);
        assert.ok(e.message.startsWith(`${name}: `), `${JSON.stringify(e.message)} does not name ${name}`);
        assert.ok(showsValue(e.message, raw), `${JSON.stringify(e.message)} does not show ${JSON.stringify(raw)}`);
        continue;
      }
      assert.ok(ofType(f, state[name]), `${name}=${JSON.stringify(raw)} gave ${JSON.stringify(state[name])}`);
      assert.ok(readsAs(f, raw, state[name]), `${name}=${JSON.stringify(raw)} was read as ${JSON.stringify(state[name])}`);
    }
  }
});

test('values that are not text: a string is never a boolean, a boolean never a number', () => {
  const base = defaultState();
  const str = (x) => { try { return String(x); } catch { return Object.prototype.toString.call(x); } };
  const values = [true, false, null, undefined, 0, 1, 2.5, -0, NaN, Infinity, [], [1], ['1'], {}, Object.create(null),
    Symbol('s'), 10n, new Float32Array(2), () => 1];
  for (const [name, f] of Object.entries(FIELDS)) {
    for (const raw of values) {
      let state;
      try {
        state = parseState({ [name]: raw }, base);
      } catch (e) {
        assert.ok(e instanceof RangeError, `${name}=${str(raw)} threw ${e}`);
        assert.ok(e.message.startsWith(`${name}: `));
        continue;
      }
      assert.ok(ofType(f, state[name]), `${name}=${str(raw)} gave ${JSON.stringify(state[name])}`);
      if (f.type === 'int') assert.equal(typeof raw, 'number', `${name}=${str(raw)} was taken as a number`);
      if (f.type === 'bool') assert.equal(typeof raw, 'boolean', `${name}=${str(raw)} was taken as a boolean`);
    }
  }
});

test('numbers are read in decimal only: 0x3, 2.0, 0b1 and friends are refused, with the value shown', () => {
  const cases = [['speed', '0x3'], ['stride', '2.0'], ['dilation', '0b1'], ['kernel', '0o3'], ['kernel', '3e0'],
    ['filters', '1.'], ['size', '5,'], ['padding', '0x0'], ['weights', '0x10'], ['bias', '1,Infinity'], ['cells', '1,,2']];
  for (const [name, raw] of cases) {
    assert.throws(() => parseState({ [name]: raw }), (e) => e instanceof RangeError && e.message.startsWith(`${name}: `)
      && showsValue(e.message, raw), `${name}=${raw}`);
    const attr = kebab(name);
    const { state, problems } = labStateFromAttributes([[attr, raw]], defaultState());
    assert.equal(problems.length, 1, `${attr}="${raw}"`);
    assert.equal(problems[0].params.name, attr);
    assert.equal(problems[0].params.value, raw);
    assert.deepEqual(state[name], defaultState()[name]);
    const hash = parseEmbedHash(`#${FIELDS[name].url}=${encodeURIComponent(raw)}`, WIDGETS, 'conv-lab');
    assert.deepEqual(hash.lab, [], `#${FIELDS[name].url}=${raw}`);
    assert.equal(hash.problems.length, 1);
    assert.equal(hash.problems[0].params.name, FIELDS[name].url);
  }
  // What stays: spaces around a number, a sign, decimal fractions and exponents where numbers may have them.
  assert.equal(parseState({ stride: ' 2 ' }).stride, 2);
  assert.equal(parseState({ size: '+7' }).size, 7);
  assert.deepEqual(parseState({ weights: '0.5, -.25,1e-3,+1,2.' }).weights, [0.5, -0.25, 0.001, 1, 2]);
});

test('random attributes: each is used as written or named in a problem, and the state stays complete', () => {
  const r = generator(SEED + 1);
  const names = [...Object.keys(LAB_ATTRIBUTES), 'data-x', 'kernel-size', 'Stride'];
  const base = defaultState();
  for (let i = 0; i < ROUNDS * 4; ++i) {
    const chosen = new Set(Array.from({ length: 1 + r.below(4) }, () => r.pick(names)));
    const pairs = [...chosen].map((name) => [name, text(r)]);
    const { state, problems } = labStateFromAttributes(pairs, base);
    assert.deepEqual(parseState(state), state, 'the state is complete and of its types');
    for (const [name, raw] of pairs) {
      const field = LAB_ATTRIBUTES[name];
      const problem = problems.find((p) => p.params.name === name);
      if (!field) {
        assert.equal(problem, undefined, `${name} is not the lab's: not questioned`);
        continue;
      }
      if (problem) {
        assert.equal(problem.params.value, shown(raw));
        checkProblem(problem, name, raw);
        continue;
      }
      const padMode = field === 'padding' && ['valid', 'same'].includes(raw.trim());
      const f = padMode ? FIELDS.padMode : FIELDS[field];
      const read = padMode ? state.padMode : state[field];
      if (field === 'padMode' && chosen.has('padding')) continue;  // a number for padding sets padMode back to explicit
      assert.ok(readsAs(f, padMode ? raw.trim() : raw, read), `${name}="${raw}" was read as ${JSON.stringify(read)}`);
    }
    assert.equal(problems.length, pairs.filter(([n]) => LAB_ATTRIBUTES[n] && problems.some((p) => p.params.name === n)).length);
  }
});

test('random widget options: a value of the option\'s type as written, or a problem naming both', () => {
  const r = generator(SEED + 2);
  const values = { lang: LANGS, theme: THEMES, controls: ['kernel', 'stride', 'poolWindow'], model: ['digits'] };
  for (const name of Object.keys(OPTION_TYPES)) {
    for (let i = 0; i < ROUNDS; ++i) {
      const raw = text(r);
      const out = parseOption(name, raw, values[name]);
      if (out.problem) {
        assert.equal(out.problem.params.name, name);
        assert.equal(out.problem.params.value, shown(raw));
        checkProblem(out.problem, name, raw);
        continue;
      }
      const allowed = values[name] ?? [true, false];
      assert.ok(optionReadsAs(name, allowed, raw, out.value), `${name}="${raw}" was read as ${JSON.stringify(out.value)}`);
    }
  }
});

test('random embed hashes: every part is used as written or named in a problem; nothing throws', () => {
  const r = generator(SEED + 3);
  const keys = ['widget', ...new Set(Object.values(WIDGETS).flatMap((w) => Object.keys(w.options))), ...Object.keys(LAB_URL_KEYS),
    'zz', 'K', 'kernel', 'constructor', '__proto__'];
  const widgetNames = [...Object.keys(WIDGETS), 'pool-lab', ''];
  for (let i = 0; i < ROUNDS * 2; ++i) {
    const chosen = [...new Set(Array.from({ length: r.below(6) }, () => r.pick(keys)))];
    const written = new Map();
    const parts = chosen.map((key) => {
      const raw = key === 'widget' && r.next() < 0.7 ? r.pick(widgetNames) : text(r).toWellFormed();
      if (r.next() < 0.05) return `${key}=%E0%A4%A${raw.replace(/[%&]/g, '')}`;  // broken encoding: a problem
      const encode = r.next() < 0.5;  // or written as is, without the characters a URL would read otherwise
      const value = encode ? raw : raw.replace(/[%+#&]/g, '');
      written.set(key, value);
      return `${key}=${encode ? encodeURIComponent(value) : value}`;
    });
    const hash = `#${parts.join('&')}`;
    const out = parseEmbedHash(hash, WIDGETS, 'conv-lab');
    const where = `in ${JSON.stringify(hash)}`;
    assert.ok(Object.hasOwn(WIDGETS, out.widget), where);
    const widget = WIDGETS[out.widget];
    for (const p of out.problems) checkProblem(p, p.params.name, p.params.value);
    let used = written.has('widget') && out.widget === written.get('widget') ? 1 : 0;
    for (const [name, value] of Object.entries(out.options)) {
      const allowed = widget.options[name] ?? [true, false];
      assert.ok(optionReadsAs(name, allowed, written.get(name), value), `${name} read as ${JSON.stringify(value)} ${where}`);
      ++used;
    }
    for (const [attr, value] of out.lab) {
      const field = LAB_ATTRIBUTES[attr];
      assert.ok(field && widget.lab, where);
      const raw = written.get(FIELDS[field].url);
      assert.ok(readsAs(FIELDS[field], raw, parseState({ [field]: value })[field]), `${attr} read as ${value} ${where}`);
      ++used;
    }
    assert.equal(used + out.problems.length, parts.length, `every part is used or named ${where}`);
  }
});

/** A data file in the layout of tools/prepare_data.js. */
function dataFile(r, { count, train, c, h, w, classes }) {
  const bytes = [...'CNNDATA\0'].map((ch) => ch.charCodeAt(0));
  const u32 = (v) => bytes.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  const str = (s) => { const b = new TextEncoder().encode(s); u32(b.length); bytes.push(...b); };
  [1, count, train, c, h, w, classes.length].forEach(u32);
  str('random');
  classes.forEach(str);
  for (let i = 0; i < count; ++i) bytes.push(i % classes.length);
  for (let i = 0; i < count * c * h * w; ++i) bytes.push(r.below(256));
  return new Uint8Array(bytes);
}

test('random damage to data files: read consistently or refused as not a valid data file', () => {
  const r = generator(SEED + 4);
  const shipped = new Uint8Array(readFileSync(new URL('../../web/models/samples-mnist.cnnd', import.meta.url)));
  let accepted = 0;
  for (let i = 0; i < ROUNDS; ++i) {
    let b = i % 10 === 0 ? shipped.slice()
      : dataFile(r, { count: r.below(4), train: r.below(3), c: 1 + r.below(2), h: 1 + r.below(3), w: 1 + r.below(3), classes: ['a', 'b', 'c'].slice(0, 1 + r.below(3)) });
    const damage = r.below(4);
    if (damage === 0) b = b.subarray(0, r.below(b.length + 1));
    if (damage === 1) for (let k = 0; k < 1 + r.below(3); ++k) b[r.below(Math.min(b.length, 48))] ^= 1 << r.below(8);
    if (damage === 2) new DataView(b.buffer, b.byteOffset).setUint32(8 + 4 * r.below(7), r.pick([0, 1, 2, 255, 256, 0xffffffff, r.below(2 ** 32)]), true);
    let d;
    try {
      d = readDataset(b);
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof RangeError) && e.message.startsWith('not a valid data file: '), `threw ${e}`);
      continue;
    }
    ++accepted;
    const size = d.channels * d.height * d.width;
    assert.ok(d.trainCount <= d.count && d.classes.length >= 1 && d.classes.length <= 256);
    assert.equal(d.labels.length, d.count);
    assert.equal(d.pixels.length, d.count * size);
    assert.ok(Array.from(d.labels).every((l) => l < d.classes.length));
    if (d.count > 0) assert.equal(d.image(d.count - 1).length, size);
  }
  assert.ok(accepted > ROUNDS / 10, `some files were read (${accepted})`);
});
