// From the lab's state to what the engine is asked: the layer spec, the
// input, the weights and bias (conv), and the PyTorch line for the same
// settings; and the lab's settings applied to a network's first conv and
// pooling layers. No DOM, and none of the layer's arithmetic: shapes,
// counts, outputs and explanations all come back from the engine.
import { DEFAULT_PRESETS } from './state.js';
import { defaultGrid, inputShape, presetKernel, rgbImage, sampleDigit } from './presets.js';

/** The preset name of filter f (the state's, else the default for its place). */
export function presetOf(state, f) {
  return state.presets?.[f] ?? DEFAULT_PRESETS[f % DEFAULT_PRESETS.length];
}

/**
 * The lists of a state whose length does not fit its other settings, as
 * [{ field, got, want }]: cells (the numeric grid, size x size; want 0: the
 * input is not the grid), weights (filters x channels x kernel x kernel, for
 * the custom filters) and bias (one per filter). The lab would otherwise pass
 * over such a list in silence.
 */
export function lengthProblems(state) {
  const [channels, height, width] = inputShape(state.input, state.size);
  const want = {
    cells: state.input === 'grid' ? height * width : 0,
    weights: state.filters * channels * state.kernel * state.kernel,
    bias: state.filters,
  };
  return Object.entries(want)
    .filter(([field, n]) => state[field] != null && state[field].length !== n)
    .map(([field, n]) => ({ field, got: state[field].length, want: n }));
}

/**
 * Mode 'full': the input's size, without values ({ channels, height, width,
 * shape }), and the convolutions' specs: the first one, and the second one
 * on its output when `stack` is on (its kernels have as many channels as
 * the first one has filters).
 */
export function fullInput(state) {
  const n = state.fullSize;
  return { channels: state.fullChannels, height: n, width: n, shape: [1, state.fullChannels, n, n] };
}

export function fullSpecs(state) {
  const specs = [{
    type: 'conv2d', in_channels: state.fullChannels, out_channels: state.fullFilters, kernel_size: state.fullKernel,
    stride: state.fullStride, padding: state.fullPadding, dilation: state.fullDilation, bias: true,
  }];
  if (state.stack) {
    specs.push({
      type: 'conv2d', in_channels: state.fullFilters, out_channels: state.stackFilters, kernel_size: state.stackKernel,
      stride: state.stackStride, padding: state.stackPadding, dilation: 1, bias: true,
    });
  }
  return specs;
}

/** The input the lab shows: { channels, height, width, data }. */
export function labInput(state, digit) {
  const [channels, height, width] = inputShape(state.input, state.size);
  let data;
  if (state.input === 'rgb') data = rgbImage();
  else if (state.input === 'digit') data = digit && digit.length === 784 ? Float32Array.from(digit) : sampleDigit();
  else data = state.cells && state.cells.length === height * width ? Float32Array.from(state.cells) : defaultGrid(state.size);
  return { channels, height, width, data };
}

/**
 * The filters' weights, [filters, channels, k, k] flat: a filter whose preset
 * is "custom" takes its values from state.weights when that list has the
 * right length; every other filter is its preset, the same in each channel.
 */
export function labWeights(state, channels) {
  const k = state.kernel;
  const per = channels * k * k;
  const w = new Float32Array(state.filters * per);
  const custom = state.weights && state.weights.length === w.length ? state.weights : null;
  for (let f = 0; f < state.filters; f++) {
    const name = presetOf(state, f);
    if (name === 'custom' && custom) {
      w.set(custom.slice(f * per, (f + 1) * per), f * per);
    } else {
      const slice = presetKernel(name === 'custom' ? 'identity' : name, k);
      for (let c = 0; c < channels; c++) w.set(slice, f * per + c * k * k);
    }
  }
  return w;
}

/** One bias per filter (zeros where the state has none). */
export function labBias(state) {
  return Float32Array.from({ length: state.filters }, (_, f) => state.bias?.[f] ?? 0);
}

/**
 * The same weights turned half a turn in each k x k slice: sliding them as a
 * cross-correlation is a true convolution with the original ones.
 */
export function flipKernels(weights, k) {
  const out = new Float32Array(weights.length);
  const kk = k * k;
  for (let s = 0; s < weights.length; s += kk) {
    for (let i = 0; i < kk; i++) out[s + i] = weights[s + kk - 1 - i];
  }
  return out;
}

export function convSpec(state, channels) {
  return {
    type: 'conv2d', in_channels: channels, out_channels: state.filters, kernel_size: state.kernel,
    stride: state.stride, padding: state.padMode === 'explicit' ? state.padding : state.padMode,
    dilation: state.dilation, bias: true,
  };
}

export function poolSpec(state) {
  const spec = {
    type: state.pool === 'avg' ? 'avgpool2d' : 'maxpool2d', kernel_size: state.poolWindow,
    stride: state.poolStride, padding: state.poolPadding, ceil_mode: state.poolCeil,
  };
  if (state.pool === 'avg') spec.count_include_pad = state.poolIncludePad;
  return spec;
}

/**
 * Everything the engine needs for the lab's layer:
 * { spec, shape, input, weight, bias, shownWeight } (weight is flipped for
 * a true convolution; shownWeight is the one the learner edits).
 */
export function labLayer(state, digit) {
  const input = labInput(state, digit);
  const shape = [1, input.channels, input.height, input.width];
  if (state.mode === 'pool') return { spec: poolSpec(state), shape, input: input.data, weight: null, bias: null, shownWeight: null };
  const shownWeight = labWeights(state, input.channels);
  const weight = state.flip ? flipKernels(shownWeight, state.kernel) : shownWeight;
  return { spec: convSpec(state, input.channels), shape, input: input.data, weight, bias: labBias(state), shownWeight };
}

const ACT_SPECS = { relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh' };
export function activationSpec(state) {
  return state.mode === 'conv' && ACT_SPECS[state.activation] ? { type: ACT_SPECS[state.activation] } : null;
}

const pyPadding = (p) => (typeof p === 'string' ? `'${p}'` : String(p));

/** PyTorch's constructor for a conv or pooling spec, defaults left out. */
export function pytorchLayer(spec) {
  const args = [];
  const kernel = spec.kernel_size ?? (spec.type === 'conv2d' ? 3 : 2);
  if (spec.type === 'conv2d') {
    args.push(String(spec.in_channels ?? 1), String(spec.out_channels ?? 1), `kernel_size=${kernel}`);
    if ((spec.stride ?? 1) !== 1) args.push(`stride=${spec.stride}`);
    if ((spec.padding ?? 0) !== 0) args.push(`padding=${pyPadding(spec.padding)}`);
    if ((spec.dilation ?? 1) !== 1) args.push(`dilation=${spec.dilation}`);
    if (spec.groups && spec.groups !== 1) args.push(`groups=${spec.groups}`);
    if (spec.bias === false) args.push('bias=False');
    return `nn.Conv2d(${args.join(', ')})`;
  }
  args.push(`kernel_size=${kernel}`);
  if (spec.stride && spec.stride !== kernel) args.push(`stride=${spec.stride}`);
  if (spec.padding) args.push(`padding=${spec.padding}`);
  if (spec.ceil_mode) args.push('ceil_mode=True');
  if (spec.type === 'avgpool2d' && spec.count_include_pad === false) args.push('count_include_pad=False');
  return `${spec.type === 'avgpool2d' ? 'nn.AvgPool2d' : 'nn.MaxPool2d'}(${args.join(', ')})`;
}

/**
 * The lab's layer (and activation) as PyTorch lines. With a true convolution
 * (flip), PyTorch, which slides the kernel as it is, needs the weights shown
 * (w) turned half a turn to give the lab's output: `flipComment`, when
 * one is given, is the line before the one that sets them.
 */
export function pytorchLines(state, channels, flipComment = '') {
  if (state.mode === 'full') {
    const layers = fullSpecs(state).map(pytorchLayer);
    return layers.length === 1 ? layers : ['nn.Sequential(', ...layers.map((l) => `    ${l},`), ')'];
  }
  const layer = pytorchLayer(state.mode === 'pool' ? poolSpec(state) : convSpec(state, channels));
  const lines = state.mode === 'conv' && state.flip
    ? [`conv = ${layer}`, ...(flipComment ? [flipComment] : []), 'conv.weight.data = torch.flip(w, dims=[2, 3])']
    : [layer];
  const act = activationSpec(state);
  if (act) lines.push({ relu: 'nn.ReLU()', sigmoid: 'nn.Sigmoid()', tanh: 'nn.Tanh()' }[act.type]);
  return lines;
}

/**
 * A network's specs with the lab's stride, padding and dilation on its first
 * conv layer and the lab's pooling (type, window, stride, padding, ceil_mode,
 * count_include_pad) on its first pooling layer. Returns { specs, conv, pool, changes, denseIndex }:
 * the indices of those layers (-1 if none), the settings that differ from
 * the original [{ key, from, to, layer }] (layer: the index of the layer
 * that changes), and the first dense layer's index.
 */
export function adaptNetwork(specs, state) {
  const out = specs.map((s) => ({ ...s }));
  const conv = out.findIndex((s) => s.type === 'conv2d');
  const pool = out.findIndex((s) => s.type === 'maxpool2d' || s.type === 'avgpool2d');
  const changes = [];
  const set = (layer, key, label, value, original) => {
    if (String(original) !== String(value)) changes.push({ key: label, from: original, to: value, layer: layer === out[conv] ? conv : pool });
    layer[key] = value;
  };
  if (conv >= 0) {
    const s = out[conv];
    const lab = convSpec(state, s.in_channels ?? 1);
    set(s, 'stride', 'stride', lab.stride, s.stride ?? 1);
    set(s, 'padding', 'padding', lab.padding, s.padding ?? 0);
    set(s, 'dilation', 'dilation', lab.dilation, s.dilation ?? 1);
  }
  if (pool >= 0) {
    const s = out[pool];
    const lab = poolSpec(state);
    const window = s.kernel_size ?? 2;
    set(s, 'type', 'pool', lab.type, s.type);
    set(s, 'kernel_size', 'poolWindow', lab.kernel_size, window);
    set(s, 'stride', 'poolStride', lab.stride, s.stride || window);
    set(s, 'padding', 'poolPadding', lab.padding, s.padding ?? 0);
    set(s, 'ceil_mode', 'poolCeil', lab.ceil_mode, s.ceil_mode ?? false);
    if (lab.type === 'avgpool2d') set(s, 'count_include_pad', 'poolIncludePad', lab.count_include_pad, s.count_include_pad ?? true);
    else delete s.count_include_pad;
  }
  const denseIndex = out.findIndex((s) => s.type === 'dense');
  return { specs: out, conv, pool, changes, denseIndex };
}
