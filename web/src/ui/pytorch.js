// A network's layer specs as PyTorch code: one layer as the constructor of
// its torch.nn module (the lab's line), a chain as an nn.Sequential (the
// training view's listing and the page's export), and a whole program that
// builds it and loads the weights of the network's ONNX export (the
// initializers carry the state-dict names of this nn.Sequential: "0.weight",
// "0.bias", ...). Specs as the engine gives them back (every field, pairs
// as [height, width]) or as the lab and the editor write them (defaults left
// out). No DOM here.

const tuple = (v) => (Array.isArray(v) ? (v[0] === v[1] ? String(v[0]) : `(${v[0]}, ${v[1]})`) : String(v));
const same = (v, d) => (Array.isArray(v) ? v.every((x) => x === d) : v === d);
const pyPadding = (p) => (typeof p === 'string' ? `'${p}'` : tuple(p));

/** The shortest decimal that reads back as the same float32 (0.01, not 0.009999999776482582). */
export function pyFloat(x) {
  const f = Math.fround(x);
  for (let digits = 1; digits < 10; digits++) {
    const s = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(s)) === f) return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  return String(f);
}

/** PyTorch's constructor for one layer spec, defaults left out: 'nn.Conv2d(1, 8, kernel_size=5, padding=2)'. */
export function pytorchLayer(spec) {
  const args = [];
  switch (spec.type) {
    case 'conv2d': {
      args.push(String(spec.in_channels ?? 1), String(spec.out_channels ?? 1), `kernel_size=${tuple(spec.kernel_size ?? 3)}`);
      if (!same(spec.stride ?? 1, 1)) args.push(`stride=${tuple(spec.stride)}`);
      if (!same(spec.padding ?? 0, 0)) args.push(`padding=${pyPadding(spec.padding)}`);
      if (!same(spec.dilation ?? 1, 1)) args.push(`dilation=${tuple(spec.dilation)}`);
      if ((spec.groups ?? 1) !== 1) args.push(`groups=${spec.groups}`);
      if (spec.bias === false) args.push('bias=False');
      return `nn.Conv2d(${args.join(', ')})`;
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const kernel = spec.kernel_size ?? 2;
      args.push(`kernel_size=${tuple(kernel)}`);
      // PyTorch's stride None is the window; 0 is how a record holds None
      if (spec.stride !== undefined && spec.stride !== null && !same(spec.stride, 0) && tuple(spec.stride) !== tuple(kernel)) args.push(`stride=${tuple(spec.stride)}`);
      if (!same(spec.padding ?? 0, 0)) args.push(`padding=${tuple(spec.padding)}`);
      if (spec.ceil_mode) args.push('ceil_mode=True');
      if (spec.type === 'avgpool2d' && spec.count_include_pad === false) args.push('count_include_pad=False');
      return `${spec.type === 'avgpool2d' ? 'nn.AvgPool2d' : 'nn.MaxPool2d'}(${args.join(', ')})`;
    }
    case 'relu': return 'nn.ReLU()';
    case 'sigmoid': return 'nn.Sigmoid()';
    case 'tanh': return 'nn.Tanh()';
    case 'leaky_relu': return `nn.LeakyReLU(${pyFloat(spec.negative_slope ?? 0.01)})`;
    case 'flatten': return 'nn.Flatten()';
    case 'dense': return `nn.Linear(${spec.in_features ?? 1}, ${spec.out_features ?? 1}${spec.bias === false ? ', bias=False' : ''})`;
    case 'softmax': return 'nn.Softmax(dim=1)';
    default: throw new RangeError(`PyTorch has no layer for ${JSON.stringify(spec.type)} here`);
  }
}

/** The nn.Sequential that builds the same network (specs complete: in_channels and in_features filled in). */
export function pytorchListing(specs) {
  return `nn.Sequential(\n${specs.map((s) => `    ${pytorchLayer(s)},`).join('\n')}\n)`;
}

/**
 * A Python program that builds the network as `model` and loads the weights
 * of its ONNX export: options { inputShape ([n, c, h, w] or [c, h, w]), file
 * (the ONNX file's name, the default path), labels, normalize ({ mean, std }:
 * the model's input normalisation, said in a comment) }.
 */
export function pytorchProgram(specs, { inputShape, file, labels, normalize } = {}) {
  const chw = inputShape ? inputShape.slice(-3) : null;
  const lines = ['import torch', 'import torch.nn as nn', ''];
  if (chw) lines.push(`# input: N x ${chw.join(' x ')} (float32)`);
  if (normalize?.mean?.length) {
    const tuple = (v) => `(${v.map(pyFloat).join(', ')}${v.length === 1 ? ',' : ''})`;
    lines.push(`# normalised first, as transforms.Normalize(${tuple(normalize.mean)}, ${tuple(normalize.std)})`);
  }
  lines.push(`model = ${pytorchListing(specs)}`, '');
  if (labels?.length) lines.push(`labels = [${labels.map((l) => JSON.stringify(String(l))).join(', ')}]`, '');
  lines.push('',
    `def load_onnx_weights(model, path${file ? `=${JSON.stringify(file)}` : ''}):`,
    '    """Loads the weights of the page\'s ONNX export: its initializers have the names of the state dict."""',
    '    import onnx',
    '    from onnx import numpy_helper',
    '    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(path).graph.initializer}',
    '    model.load_state_dict(weights)',
    '    return model.eval()',
    '',
    '',
    `# model = load_onnx_weights(model${file ? '' : ', "model.onnx"'})`,
  );
  return lines.join('\n');
}
