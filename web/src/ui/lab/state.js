// The lab's state as a typed table: every field has a type, a default and
// the values it may take, so a state can be checked, serialised to a URL
// query (and read back from one), and configured from element attributes.
// No DOM here, and no arithmetic of the layer: the engine does that.
//
// To add a field: add it to FIELDS (type, default, range or choices, and the
// short name it has in a URL). parseState() then accepts it and
// toQuery()/fromQuery() carry it.
//
// Mode 'full' is a convolution at sizes too large to draw (the lecture's
// 32x32x3 input with ten 5x5 filters, 224x224 images, 512 channels): its own
// fields (full*), and an optional second convolution on its output (stack*).
// `example` names one of the lecture's examples (EXAMPLES): setting it sets
// every field the example is made of, before the other fields given with it;
// setting one of those fields on its own clears it (the settings are no
// longer the example's).

export const MODES = Object.freeze(['conv', 'pool', 'full']);
export const INPUTS = Object.freeze(['grid', 'digit', 'rgb']);
export const PAD_MODES = Object.freeze(['explicit', 'valid', 'same']);
export const PRESETS = Object.freeze(['edge', 'blur', 'sharpen', 'identity', 'sobelX', 'sobelY', 'diagonal', 'curve', 'custom']);
export const ACTIVATIONS = Object.freeze(['none', 'relu', 'sigmoid', 'tanh']);
export const POOLS = Object.freeze(['max', 'avg']);

export const LIMITS = Object.freeze({
  gridMin: 5, gridMax: 9,
  kernelMax: 7, strideMax: 4, paddingMax: 3, dilationMax: 3, filtersMax: 4,
  poolWindowMax: 4, poolStrideMax: 4, poolPaddingMax: 2,
  valueMax: 1000,  // |a number typed into the grid, a weight or a bias|
  // mode 'full': sizes of real networks (224x224 images, 512 channels, AlexNet's 11x11 kernels)
  fullSizeMax: 224, fullChannelsMax: 512, fullKernelMax: 11, fullStrideMax: 8, fullPaddingMax: 11,
  fullDilationMax: 4, fullFiltersMax: 512,
});

const int = (min, max, def, url) => ({ type: 'int', min, max, default: def, url });
const choice = (values, def, url) => ({ type: 'enum', values, default: def, url });
const bool = (def, url) => ({ type: 'bool', default: def, url });
// A list of numbers (or null: "derived from the other fields").
const numbers = (url) => ({ type: 'numbers', default: null, url });

export const FIELDS = {
  mode: choice(MODES, 'conv', 'mode'),
  input: choice(INPUTS, 'grid', 'in'),
  size: int(LIMITS.gridMin, LIMITS.gridMax, 5, 'size'),
  cells: numbers('cells'),          // the numeric grid's values (size*size), null: the default grid
  kernel: int(1, LIMITS.kernelMax, 3, 'k'),
  stride: int(1, LIMITS.strideMax, 1, 's'),
  padding: int(0, LIMITS.paddingMax, 0, 'p'),
  padMode: choice(PAD_MODES, 'explicit', 'pm'),
  dilation: int(1, LIMITS.dilationMax, 1, 'd'),
  filters: int(1, LIMITS.filtersMax, 1, 'f'),
  presets: { type: 'enums', values: PRESETS, default: null, url: 'w' },  // per filter, null: the defaults
  weights: numbers('wt'),           // every filter's weights when some are custom, null otherwise
  bias: numbers('b'),               // per filter, null: zeros
  flip: bool(false, 'flip'),
  activation: choice(ACTIVATIONS, 'none', 'act'),
  pool: choice(POOLS, 'max', 'pool'),
  poolWindow: int(1, LIMITS.poolWindowMax, 2, 'pk'),
  poolStride: int(1, LIMITS.poolStrideMax, 2, 'ps'),
  poolPadding: int(0, LIMITS.poolPaddingMax, 0, 'pp'),
  poolCeil: bool(false, 'pc'),          // ceil_mode: round the output size up
  poolIncludePad: bool(true, 'pi'),     // count_include_pad: an average counts the padding zeros
  speed: int(1, 5, 3, 'speed'),
  quiz: bool(false, 'quiz'),           // predict the output size and the parameter count before they are shown
  example: null,  // filled in below, once EXAMPLES is known
  fullSize: int(1, LIMITS.fullSizeMax, 32, 'fn'),             // input height = width
  fullChannels: int(1, LIMITS.fullChannelsMax, 3, 'fc'),
  fullKernel: int(1, LIMITS.fullKernelMax, 5, 'fk'),
  fullStride: int(1, LIMITS.fullStrideMax, 1, 'fs'),
  fullPadding: int(0, LIMITS.fullPaddingMax, 0, 'fp'),
  fullDilation: int(1, LIMITS.fullDilationMax, 1, 'fd'),
  fullFilters: int(1, LIMITS.fullFiltersMax, 10, 'ff'),
  stack: bool(false, 'l2'),                                     // a second convolution on the first one's output
  stackKernel: int(1, LIMITS.fullKernelMax, 5, 'l2k'),
  stackStride: int(1, LIMITS.fullStrideMax, 1, 'l2s'),
  stackPadding: int(0, LIMITS.fullPaddingMax, 0, 'l2p'),
  stackFilters: int(1, LIMITS.fullFiltersMax, 10, 'l2f'),
};

/**
 * The lecture notes' examples, each a complete full-size setting (the
 * fields it leaves out take their defaults): CS231n's ten 5x5 filters on
 * 32x32x3 with padding 2 (760 parameters), six 5x5 filters (28x28x6), a 1x1
 * convolution on 56x56x64, a 3x3 filter at stride 3 on 7x7 (does not fit),
 * the KAIST note's 28x28 input with F = 7, and two stacked convolutions
 * 32x32x3 -> 28x28x6 -> 24x24x10.
 */
export const EXAMPLES = Object.freeze({
  'cs231n-760': { fullSize: 32, fullChannels: 3, fullKernel: 5, fullStride: 1, fullPadding: 2, fullFilters: 10 },
  'cs231n-six': { fullSize: 32, fullChannels: 3, fullKernel: 5, fullStride: 1, fullPadding: 0, fullFilters: 6 },
  'cs231n-1x1': { fullSize: 56, fullChannels: 64, fullKernel: 1, fullStride: 1, fullPadding: 0, fullFilters: 32 },
  'cs231n-7x7-s3': { fullSize: 7, fullChannels: 1, fullKernel: 3, fullStride: 3, fullPadding: 0, fullFilters: 1 },
  'kaist-28-f7': { fullSize: 28, fullChannels: 1, fullKernel: 7, fullStride: 1, fullPadding: 0, fullFilters: 1 },
  'cs231n-stacked': { fullSize: 32, fullChannels: 3, fullKernel: 5, fullStride: 1, fullPadding: 0, fullFilters: 6,
    stack: true, stackKernel: 5, stackStride: 1, stackPadding: 0, stackFilters: 10 },
});

/** The fields an example sets (with the mode). */
export const EXAMPLE_FIELDS = Object.freeze(['mode', 'fullSize', 'fullChannels', 'fullKernel', 'fullStride', 'fullPadding',
  'fullDilation', 'fullFilters', 'stack', 'stackKernel', 'stackStride', 'stackPadding', 'stackFilters']);

FIELDS.example = choice(['none', ...Object.keys(EXAMPLES)], 'none', 'ex');
Object.freeze(FIELDS);

export const DEFAULT_PRESETS = Object.freeze(['edge', 'blur', 'sharpen', 'identity']);

export function defaultState() {
  return Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.default]));
}

/**
 * A true/false value as settings and attributes write it: true, 'true',
 * '1', 'on' or '' (a bare attribute); false, 'false', '0' or 'off'. Anything
 * else is null.
 */
export function parseBool(raw) {
  const s = typeof raw === 'string' ? raw.trim() : raw;
  if (s === true || s === 'true' || s === '1' || s === 'on' || s === '') return true;
  if (s === false || s === 'false' || s === '0' || s === 'off') return false;
  return null;
}

// Numbers written in decimal, as Python's int() and float() read them, with
// spaces around allowed: not 0x3, 0b1 or 2.0 for a whole number, and no
// Infinity or empty string for a number.
const INT_TEXT = /^[-+]?\d+$/;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SHOWN_MAX = 40;  // a bad value is echoed this long at most

/** A value as a message shows it: as text, cut short. */
export function shown(value) {
  let s;
  try {
    s = String(value);
  } catch {  // an object without toString
    s = Object.prototype.toString.call(value);
  }
  return s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX)}…` : s;
}

const given = (raw) => JSON.stringify(shown(raw));

function checkValue(name, f, raw) {
  const bad = (why) => new RangeError(`${name}: ${why}`);
  switch (f.type) {
    case 'int': {
      const v = typeof raw === 'string' && INT_TEXT.test(raw.trim()) ? Number(raw) : raw;
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw bad(`expected a whole number from ${f.min} to ${f.max}, got ${given(raw)}`);
      }
      if (v < f.min || v > f.max) throw bad(`${typeof raw === 'string' ? raw.trim() : v} is outside ${f.min} to ${f.max}`);
      return v;
    }
    case 'enum':
      if (!f.values.includes(raw)) throw bad(`expected one of ${f.values.join(', ')}, got ${given(raw)}`);
      return raw;
    case 'bool': {
      const v = parseBool(raw);
      if (v === null) throw bad(`expected true or false, got ${given(raw)}`);
      return v;
    }
    case 'numbers': {
      if (raw === null) return null;
      const list = typeof raw === 'string' ? raw.split(',') : raw;
      if (!Array.isArray(list) && !ArrayBuffer.isView(list)) throw bad(`expected a list of numbers, got ${given(raw)}`);
      if (list.length > 4096) throw bad(`${list.length} values are too many (4096 at most)`);
      return Array.from(list, (x) => {
        const v = typeof x === 'string' && NUMBER_TEXT.test(x.trim()) ? Number(x) : x;
        if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > LIMITS.valueMax) {
          throw bad(`${given(x)} is not a number from -${LIMITS.valueMax} to ${LIMITS.valueMax}`);
        }
        return v;
      });
    }
    case 'enums': {
      if (raw === null) return null;
      const list = typeof raw === 'string' ? raw.split(',') : raw;
      if (!Array.isArray(list) || list.length > LIMITS.filtersMax) {
        throw bad(`expected up to ${LIMITS.filtersMax} names, got ${given(raw)}`);
      }
      return list.map((x) => {
        if (!f.values.includes(x)) throw bad(`expected names from ${f.values.join(', ')}, got ${given(x)}`);
        return x;
      });
    }
    default:
      throw bad('unknown field type');
  }
}

/**
 * A complete, checked state from a partial one: unknown keys and bad values
 * are refused with a RangeError naming the field (nothing is guessed).
 */
export function parseState(partial = {}, base = defaultState()) {
  let out = { ...base };
  const entries = Object.entries(partial);
  for (const [k] of entries) {
    if (!Object.hasOwn(FIELDS, k)) throw new RangeError(`unknown setting ${JSON.stringify(String(k).slice(0, 40))}`);
  }
  // an example first, so that the fields given with it are set over it
  const example = Object.hasOwn(partial, 'example') ? checkValue('example', FIELDS.example, partial.example) : null;
  if (example && example !== 'none') out = { ...out, ...exampleState(example) };
  for (const [k, raw] of entries) {
    if (k === 'example') continue;
    out[k] = checkValue(k, FIELDS[k], raw);
    if (EXAMPLE_FIELDS.includes(k) && out.example !== 'none' && out[k] !== base[k] && out[k] !== exampleState(out.example)[k]) {
      out.example = 'none';  // no longer the example's settings
    }
  }
  if (example === 'none') out.example = 'none';
  return out;
}

/** The fields an example sets: its own, the full-size defaults for the rest, mode 'full'. */
export function exampleState(id) {
  const fields = Object.fromEntries(EXAMPLE_FIELDS.map((k) => [k, FIELDS[k].default]));
  return { ...fields, mode: 'full', ...EXAMPLES[id], example: id };
}

/** Sets one field, checked; returns a new state. */
export function withField(state, key, value) {
  return parseState({ [key]: value }, state);
}

/**
 * The fields that differ from the defaults, as a URL query string (an
 * example's name stands for the fields it sets).
 */
export function toQuery(state) {
  const q = new URLSearchParams();
  const byExample = state.example && state.example !== 'none' ? exampleState(state.example) : null;
  for (const [k, f] of Object.entries(FIELDS)) {
    const v = state[k];
    if (v === f.default || v === null || v === undefined) continue;
    if (byExample && EXAMPLE_FIELDS.includes(k) && byExample[k] === v) continue;
    q.set(f.url, Array.isArray(v) ? v.join(',') : String(v));
  }
  return q.toString();
}

/** The settings' URL query keys: key -> field (e.g. k -> kernel). */
export const URL_KEYS = Object.freeze(Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [f.url, k])));

/** A state from a URL query string (or URLSearchParams); refuses unknown keys. */
export function fromQuery(query, base = defaultState()) {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(String(query ?? ''));
  const partial = {};
  for (const [k, v] of q) {
    if (!Object.hasOwn(URL_KEYS, k)) throw new RangeError(`unknown setting ${JSON.stringify(k.slice(0, 40))}`);
    partial[URL_KEYS[k]] = v;
  }
  return parseState(partial, base);
}
