// Layer specs in JavaScript, with PyTorch's names, and the records of doubles
// that carry specs, geometry and explanations across the wasm boundary. The
// layouts come from the engine (cnn_schema: engine/schema.hpp and
// engine/wasm/boundary.hpp), so this file knows field names, never offsets.
//
// Only types are checked here: a field takes a number, a boolean, or (padding)
// a mode name, as its schema row says, and anything else is refused with the
// field's name and the value given, never coerced. Every numeric rule (whole
// numbers, ranges, sizes, channel counts) is the engine's, and its messages
// come back as errors.

import { EngineError } from './errors.js';

const show = (v) => {
  if (typeof v === 'string') return `${JSON.stringify(v)} (a string)`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    let text;
    try { text = JSON.stringify(v); } catch { text = undefined; }
    return text === undefined ? 'an object' : text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }
  return String(v);
};

export class Schema {
  /** json: the engine's cnn_schema(), parsed. */
  constructor(json) {
    const { spec } = json;
    this.kinds = Object.freeze(spec.kinds.slice());
    this.recordSize = spec.record;
    this.paddingModes = spec.paddingModes;
    this.fields = spec.fields;
    this.byName = new Map(spec.fields.map((f) => [f.name, f]));
    this.records = {};
    for (const name of ['geometry', 'explain', 'term']) {
      this.records[name] = { size: json[name].length, index: Object.fromEntries(json[name].map((n, i) => [n, i])) };
    }
  }

  /** Reads record `record` ('geometry', 'explain', 'term') at `offset` of a Float64Array, by name. */
  read(record, view, offset = 0) {
    const out = {};
    for (const [name, i] of Object.entries(this.records[record].index)) out[name] = view[offset + i];
    return out;
  }

  /** Writes one spec object into `out` (a Float64Array) at `offset`. */
  encodeSpec(spec, out, offset = 0) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new EngineError(`a layer spec must be an object, got ${show(spec)}`);
    const kind = typeof spec.type === 'string' ? this.kinds.indexOf(spec.type) : -1;
    if (kind < 0) {
      throw new EngineError(`unknown layer type ${JSON.stringify(String(spec.type))}; expected one of ${this.kinds.join(', ')}`);
    }
    const type = spec.type;
    for (const key of Object.keys(spec)) {
      if (key === 'type' || spec[key] === undefined) continue;
      if (!this.byName.get(key)?.kinds[type]) {
        const takes = this.fields.filter((f) => f.kinds[type]).map((f) => f.name);
        throw new EngineError(`${type} has no argument ${JSON.stringify(key)}; it takes ${takes.length ? takes.join(', ') : 'none'}`);
      }
    }
    const r = out.subarray(offset, offset + this.recordSize);
    r.fill(0);
    r[0] = kind;
    for (const f of this.fields) {
      const use = f.kinds[type];
      const defaults = (use ?? Object.values(f.kinds)[0]).default;
      const slots = defaults.slice();
      const v = spec[f.name];
      if (use && v !== undefined && !(v === null && use.none)) slots.splice(0, slots.length, ...this.#slots(f, v, use));
      r.set(slots, f.slot);
    }
  }

  /** The slots of field f for a given value, or an error naming the field and the value. */
  #slots(f, v, use) {
    const num = (x) => typeof x === 'number';
    const pair = (x) => (num(x) ? [x, x] : Array.isArray(x) && x.length === 2 && x.every(num) ? [x[0], x[1]] : null);
    switch (f.type) {
      case 'int':
        if (num(v)) return [v];
        throw new EngineError(`${f.name} must be a number, got ${show(v)}`);
      case 'float':
        if (num(v)) return [v];
        throw new EngineError(`${f.name} must be a number, got ${show(v)}`);
      case 'bool':
        if (typeof v === 'boolean') return [v ? 1 : 0];
        throw new EngineError(`${f.name} must be true or false, got ${show(v)}`);
      case 'pair': {
        const p = pair(v);
        if (p) return p;
        throw new EngineError(`${f.name} must be a number or a pair [height, width], got ${show(v)}`);
      }
      case 'padding': {
        const mode = typeof v === 'string' ? this.paddingModes.indexOf(v) : -1;
        if (mode > 0) return [mode, 0, 0];  // the engine refuses a mode where the kind has none, with its message
        const p = pair(v);
        if (p) return [0, ...p];
        const modes = use.modes ? `, ${this.paddingModes.slice(1).map((m) => `'${m}'`).join(' or ')}` : '';
        throw new EngineError(`${f.name} must be a number, a pair [height, width]${modes}, got ${show(v)}`);
      }
      default:
        throw new EngineError(`the engine describes field ${f.name} with a type this client does not know (${f.type})`);
    }
  }

  /**
   * Reads one spec record (e.g. of a loaded model) into a spec object with
   * PyTorch's names: only the fields of its type, pairs collapsed to a number
   * when both sides agree, a field at PyTorch's None (pooling's stride) left out.
   */
  decodeSpec(rec, offset = 0) {
    const type = this.kinds[rec[offset]];
    if (!type) throw new EngineError(`unknown layer kind ${rec[offset]}`);
    const spec = { type };
    const one = (a, b) => (a === b ? a : [a, b]);
    for (const f of this.fields) {
      const use = f.kinds[type];
      if (!use) continue;
      const s = Array.from(rec.subarray(offset + f.slot, offset + f.slot + f.slots));
      if (use.none && s.every((v, i) => v === use.default[i])) continue;
      switch (f.type) {
        case 'pair': spec[f.name] = one(s[0], s[1]); break;
        case 'padding': spec[f.name] = s[0] !== 0 ? this.paddingModes[s[0]] : one(s[1], s[2]); break;
        case 'bool': spec[f.name] = s[0] !== 0; break;
        case 'float': spec[f.name] = Math.fround(s[0]); break;
        default: spec[f.name] = s[0];
      }
    }
    return spec;
  }
}

/** [n, c, h, w] or [n, features] as the four numbers the engine takes ([n, f, 0, 0] when flat). */
export function shapeArgs(shape) {
  if (!Array.isArray(shape) || (shape.length !== 4 && shape.length !== 2)) {
    throw new EngineError(`an input shape is [n, c, h, w] or [n, features], got ${show(shape)}`);
  }
  for (const v of shape) {
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new EngineError(`shape ${show(shape)}: entry ${show(v)} is not a whole number in range (0 to 2147483647)`);
  }
  return shape.length === 4 ? shape.slice() : [shape[0], shape[1], 0, 0];
}

/** The geometry record, by name, as the client's object. */
export function geometryOf(g) {
  return {
    params: g.params, weights: g.weights, macs: g.macs,
    pad: { top: g.pad_top, bottom: g.pad_bottom, left: g.pad_left, right: g.pad_right },
    unusedRows: g.unused_rows, unusedCols: g.unused_cols,
    outShape: g.out_rank === 4 ? [g.out_n, g.out_c, g.out_h, g.out_w] : [g.out_n, g.out_c],
    kernel: [g.kernel_h, g.kernel_w], stride: [g.stride_h, g.stride_w], dilation: [g.dilation_h, g.dilation_w],
    droppedRows: g.dropped_rows, droppedCols: g.dropped_cols,  // ceil_mode: 1 where PyTorch dropped the formula's last window
  };
}

/** [weight rank, 4 dims, bias count] as { weightShape, biasShape }. */
export function paramShapesOf(v) {
  const rank = v[0];
  return { weightShape: rank ? Array.from(v.subarray(1, 1 + rank)) : null, biasShape: v[5] ? [v[5]] : null };
}
