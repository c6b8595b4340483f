"""The engine's ONNX exports against ONNX's checker and PyTorch.

Reads the folder tests/onnx/write_exports.js writes (cases.json, and per
network NAME.onnx, NAME.py, NAME.input.bin, NAME.output.bin,
NAME.layers.bin) and, for every
network:
  - onnx.checker.check_model(model, full_check=True) passes (with shape
    inference), the opset is 13, the input is float32 [N, C, H, W] with a
    named batch dimension and the output [N, ...] as the engine's;
  - the labels and the model's metadata are in metadata_props;
  - the page's PyTorch program (NAME.py, exec'd) builds the nn.Sequential,
    its load_onnx_weights() loads the export's initializers as the state
    dict (every parameter, nothing left over), and the output of every
    layer of the module on the engine's inputs agrees with the engine's
    within 1e-5 (relative to values above 1).
Run with Debian's python3 (python3-torch, python3-onnx):
  /usr/bin/python3 tests/onnx/check_exports.py DIR
To add a network: a case in tests/onnx/export-cases.js.
"""
import json
import os
import sys
import warnings

import numpy as np
import onnx
import torch

TOLERANCE = 1e-5
# PyTorch's note that an even kernel with padding='same' pads a copy of the input: expected here
warnings.filterwarnings('ignore', message="Using padding='same' with even kernel")


def check(folder, case):
    name = case['name']
    path = os.path.join(folder, name + '.onnx')
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [('', 13)], model.opset_import
    assert model.producer_name == 'cnn-playground', model.producer_name
    assert 'CNN playground' in model.doc_string, model.doc_string
    graph = model.graph
    (inp,), (out,) = graph.input, graph.output
    dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    assert inp.name == 'input' and inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT, inp
    assert dims == ['N'] + case['input'][1:], dims
    out_dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    assert out.name == 'output' and out_dims == ['N'] + case['output'][1:], out_dims
    props = {p.key: p.value for p in model.metadata_props}
    if case['labels']:
        assert json.loads(props['labels']) == case['labels'], props.get('labels')
    for key, value in (case['metadata'] or {}).items():
        if key not in ('labels', 'inputShape'):
            assert props.get(key) == value, (key, props.get(key), value)

    scope = {}
    with open(os.path.join(folder, name + '.py'), encoding='utf-8') as f:
        code = f.read()
    exec(compile(code, name + '.py', 'exec'), scope)
    module = scope['load_onnx_weights'](scope['model'], path)
    names = {t.name for t in graph.initializer}
    assert names == set(module.state_dict()), (sorted(names), sorted(module.state_dict()))
    if case['labels']:
        assert scope['labels'] == case['labels']

    x = np.fromfile(os.path.join(folder, name + '.input.bin'), dtype='<f4').reshape(case['input'])
    want = np.fromfile(os.path.join(folder, name + '.output.bin'), dtype='<f4').reshape(case['output'])
    layers = np.fromfile(os.path.join(folder, name + '.layers.bin'), dtype='<f4')
    assert len(module) == len(case['layers']), (len(module), len(case['layers']))
    worst = 0.0
    at = 0
    with torch.no_grad():
        y = torch.from_numpy(x)
        for i, (layer, shape) in enumerate(zip(module, case['layers'])):
            y = layer(y)
            count = int(np.prod(shape))
            engine = layers[at:at + count].reshape(shape)
            at += count
            assert list(y.shape) == shape, f'{name}: layer {i} ({layer}) gives {list(y.shape)}, the engine {shape}'
            diff = float(np.max(np.abs(y.numpy() - engine) / (1 + np.abs(engine))))
            assert diff <= TOLERANCE, f'{name}: layer {i} ({layer}) differs from the engine by {diff}'
            worst = max(worst, diff)
        got = y.numpy()
    assert got.shape == want.shape, (got.shape, want.shape)
    diff = float(np.max(np.abs(got - want) / (1 + np.abs(want))))
    assert diff <= TOLERANCE, f'{name}: PyTorch differs from the engine by {diff}'
    return max(worst, diff)


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, 'cases.json'), encoding='utf-8') as f:
        cases = json.load(f)
    assert cases, 'no exports to check'
    worst = {}
    for case in cases:
        try:
            worst[case['name']] = check(folder, case)
        except Exception as e:
            raise SystemExit(f"onnx export: {case['name']}: {type(e).__name__}: {e}")
    print(f'onnx export: {len(cases)} exports pass onnx.checker (full_check) and give the engine\'s outputs in '
          f'PyTorch {torch.__version__} within {TOLERANCE}; largest difference '
          + ', '.join(f'{k} {v:.1e}' for k, v in worst.items()))


if __name__ == '__main__':
    main()
