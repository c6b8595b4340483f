// Layer specs in JavaScript, with PyTorch's names, and their encoding into
// the engine's record of doubles (the layout of engine/wasm/api.cpp).
// Only the structure is checked here; every numeric rule (strides, sizes,
// channel counts) is the engine's, and its messages come back as errors.

export const LAYER_KINDS = Object.freeze([
  'conv2d', 'maxpool2d', 'avgpool2d', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'flatten', 'dense', 'softmax',
]);

export const SPEC_FIELDS = 20;
const PADDING_MODES = { valid: 1, same: 2 };

function pair(value, name) {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new TypeError(`${name} must be a number or a pair [h, w]`);
    return [Number(value[0]), Number(value[1])];
  }
  const v = Number(value);
  return [v, v];
}

/** Encodes one spec object into `out` (a Float64Array view) at `offset`. */
export function encodeSpec(spec, out, offset = 0) {
  if (!spec || typeof spec !== 'object') throw new TypeError('a layer spec must be an object');
  const kind = LAYER_KINDS.indexOf(spec.type);
  if (kind < 0) {
    throw new TypeError(`unknown layer type ${JSON.stringify(String(spec.type))}; expected one of ${LAYER_KINDS.join(', ')}`);
  }
  const r = new Float64Array(SPEC_FIELDS);
  r[0] = kind;
  const isPool = spec.type === 'maxpool2d' || spec.type === 'avgpool2d';
  const [kh, kw] = pair(spec.kernel_size ?? (isPool ? 2 : 3), 'kernel_size');
  const [sh, sw] = pair(spec.stride ?? (isPool ? 0 : 1), 'stride');
  let mode = 0;
  let [ph, pw] = [0, 0];
  if (typeof spec.padding === 'string') {
    if (!(spec.padding in PADDING_MODES)) throw new TypeError(`padding must be a number, 'valid' or 'same', not ${JSON.stringify(spec.padding)}`);
    mode = PADDING_MODES[spec.padding];
  } else {
    [ph, pw] = pair(spec.padding ?? 0, 'padding');
  }
  const [dh, dw] = pair(spec.dilation ?? 1, 'dilation');
  r.set([
    kind,
    Number(spec.in_channels ?? 1), Number(spec.out_channels ?? 1),
    kh, kw, sh, sw, mode, ph, pw, dh, dw,
    Number(spec.groups ?? 1),
    spec.bias === false ? 0 : 1,
    spec.ceil_mode ? 1 : 0,
    spec.count_include_pad === false ? 0 : 1,
    Number(spec.in_features ?? 1), Number(spec.out_features ?? 1),
    Number(spec.negative_slope ?? 0.01),
    0,
  ]);
  out.set(r, offset);
}

/**
 * Decodes one record (the engine's layout, e.g. from a loaded model) into a
 * spec object with PyTorch's names: only the fields of its type, pairs
 * collapsed to a number when both sides agree.
 */
export function decodeSpec(rec, offset = 0) {
  const r = (i) => rec[offset + i];
  const type = LAYER_KINDS[r(0)];
  if (!type) throw new TypeError(`unknown layer kind ${r(0)}`);
  const one = (a, b) => (a === b ? a : [a, b]);
  const bool = (v) => v !== 0;
  switch (type) {
    case 'conv2d': {
      const spec = {
        type, in_channels: r(1), out_channels: r(2), kernel_size: one(r(3), r(4)), stride: one(r(5), r(6)),
        padding: r(7) === 0 ? one(r(8), r(9)) : Object.keys(PADDING_MODES).find((k) => PADDING_MODES[k] === r(7)),
        dilation: one(r(10), r(11)), groups: r(12), bias: bool(r(13)),
      };
      return spec;
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const spec = { type, kernel_size: one(r(3), r(4)) };
      if (r(5) !== 0 || r(6) !== 0) spec.stride = one(r(5), r(6));
      spec.padding = one(r(8), r(9));
      spec.ceil_mode = bool(r(14));
      if (type === 'avgpool2d') spec.count_include_pad = bool(r(15));
      return spec;
    }
    case 'dense':
      return { type, in_features: r(16), out_features: r(17), bias: bool(r(13)) };
    case 'leaky_relu':
      return { type, negative_slope: Math.fround(r(18)) };
    default:
      return { type };
  }
}
