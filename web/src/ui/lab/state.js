// The lab's state as a typed table: every field has a type, a default and
// the values it may take, so a state can be checked, serialised to a URL
// query (and read back from one), and configured from element attributes.
// No DOM here, and no arithmetic of the layer: the engine does that.
//
// To add a field: add it to FIELDS (type, default, range or choices, and the
// short name it has in a URL). parseState() then accepts it and
// toQuery()/fromQuery() carry it.

export const MODES = Object.freeze(['conv', 'pool']);
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
});

const int = (min, max, def, url) => ({ type: 'int', min, max, default: def, url });
const choice = (values, def, url) => ({ type: 'enum', values, default: def, url });
const bool = (def, url) => ({ type: 'bool', default: def, url });
// A list of numbers (or null: "derived from the other fields").
const numbers = (url) => ({ type: 'numbers', default: null, url });

export const FIELDS = Object.freeze({
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
});

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
  const out = { ...base };
  for (const [k, raw] of Object.entries(partial)) {
    if (!Object.hasOwn(FIELDS, k)) throw new RangeError(`unknown setting ${JSON.stringify(String(k).slice(0, 40))}`);
    out[k] = checkValue(k, FIELDS[k], raw);
  }
  return out;
}

/** Sets one field, checked; returns a new state. */
export function withField(state, key, value) {
  return parseState({ [key]: value }, state);
}

/** The fields that differ from the defaults, as a URL query string. */
export function toQuery(state) {
  const q = new URLSearchParams();
  for (const [k, f] of Object.entries(FIELDS)) {
    const v = state[k];
    if (v === f.default || v === null || v === undefined) continue;
    q.set(f.url, Array.isArray(v) ? v.join(',') : String(v));
  }
  return q.toString();
}

/** A state from a URL query string (or URLSearchParams); refuses unknown keys. */
export function fromQuery(query, base = defaultState()) {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(String(query ?? ''));
  const byUrl = Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [f.url, k]));
  const partial = {};
  for (const [k, v] of q) {
    if (!Object.hasOwn(byUrl, k)) throw new RangeError(`unknown setting ${JSON.stringify(k.slice(0, 40))}`);
    partial[byUrl[k]] = v;
  }
  return parseState(partial, base);
}
