#!/usr/bin/python3
"""Writes the ONNX import cases: small PyTorch CNNs exported by torch.onnx.export,
the inputs they are run on and PyTorch's outputs, plus models the importer must
refuse. Run with Debian's Python (it has torch):

    /usr/bin/python3 tests/onnx/make_cases.py OUT_DIR [--seeds FUZZ_SEED_DIR]
    /usr/bin/python3 tests/onnx/make_cases.py --seeds-only FUZZ_SEED_DIR

OUT_DIR/cases.txt lists one case a line:
    ok NAME N C H W      NAME.onnx imports; NAME.in holds N samples (float32,
                         N x C x H x W) and NAME.out what the engine must give
                         (float32): PyTorch's outputs, or their exp when the
                         model ends in log_softmax (the engine runs it as softmax)
    refuse NAME TEXT     NAME.onnx is refused with a message containing TEXT
With --seeds, also writes the fuzzer's seed corpus (the exports under 64 KB,
whole and damaged) into FUZZ_SEED_DIR; --seeds-only writes just that.

To add a case: a module below and a line in CASES (or REFUSED).
"""
import io
import os
import random
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings('ignore')
torch.manual_seed(0)
TRAIN = torch.onnx.TrainingMode.TRAINING


class Seeds(nn.Module):
    """The seeds' CONV-RELU-POOL-FC network (x.view(x.size(0), -1))."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 5, padding=2)
        self.fc = nn.Linear(8 * 14 * 14, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = x.view(x.size(0), -1)
        return F.softmax(self.fc(x), dim=1)


class MnistExample(nn.Module):
    """pytorch/examples mnist/main.py's Net."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


class BatchNormNet(nn.Module):
    """Conv-BN-ReLU-Pool, then Linear-BN1d-LeakyReLU-Linear (BN kept in training-mode exports)."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(6, momentum=0.0)  # momentum 0: tracing in training mode keeps the statistics
        self.fc1 = nn.Linear(6 * 7 * 7, 16)
        self.bn1 = nn.BatchNorm1d(16, momentum=0.0)
        self.fc2 = nn.Linear(16, 10)
        with torch.no_grad():
            for bn in (self.bn, self.bn1):
                bn.running_mean.uniform_(-0.5, 0.5)
                bn.running_var.uniform_(0.5, 2.0)
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.3, 0.3)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.bn(self.conv(x))), 4, ceil_mode=True)
        x = x.view(x.size(0), -1)
        return self.fc2(F.leaky_relu(self.bn1(self.fc1(x)), 0.1))


class Rgb(nn.Module):
    """A 3x32x32 network: strides, dilation, groups, ceil_mode, count_include_pad, sigmoid, tanh, MatMul + Add."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 12, 5, stride=2, padding=2)
        self.c2 = nn.Conv2d(12, 12, 3, padding=2, dilation=2, groups=3)
        self.p1 = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
        self.p2 = nn.AvgPool2d(3, 2, 1, count_include_pad=True)
        self.c3 = nn.Conv2d(12, 8, 1)
        self.w = nn.Parameter(torch.randn(8 * 5 * 5, 10) * 0.1)
        self.b = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = torch.tanh(self.c1(x))
        x = torch.sigmoid(self.c2(x))
        x = self.p2(self.p1(x))
        x = F.relu(self.c3(x))
        x = torch.flatten(x, 1)
        return torch.matmul(x, self.w) + self.b


class GlobalPool(nn.Module):
    """A non-square input, global average pooling, softmax (torch 1.13 cannot export padding='same')."""
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(2, 4, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.c(x)))
        return F.softmax(self.fc(x.view(x.size(0), -1)), dim=1)


class Upsample(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 3)
        self.up = nn.Upsample(scale_factor=2)

    def forward(self, x):
        return self.up(self.c(x))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 2, 3, padding=1)
        self.c2 = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        y = F.relu(self.c1(x))
        return F.relu(self.c2(y) + y)


class AsymmetricPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return self.c(F.pad(x, (0, 1, 0, 1)))


# name, module, input shape (C, H, W), export options, batch, input range
CASES = []
for opset in (9, 13, 17):
    CASES += [
        (f'seeds_view_op{opset}', Seeds, (1, 28, 28), {}, 3),
        (f'seeds_view_dynamic_op{opset}', Seeds, (1, 28, 28), {'dynamic': True}, 3),
        (f'mnist_flatten_op{opset}', MnistExample, (1, 28, 28), {}, 2),
        (f'batchnorm_training_op{opset}', BatchNormNet, (1, 28, 28), {'training': TRAIN, 'do_constant_folding': False}, 3),
        (f'batchnorm_eval_op{opset}', BatchNormNet, (1, 28, 28), {'do_constant_folding': False}, 3),
        (f'rgb_op{opset}', Rgb, (3, 32, 32), {'dynamic': True}, 2),
    ]
CASES += [('global_pool_op13', GlobalPool, (2, 9, 7), {}, 2)]

REFUSED = [
    ('upsample_op13', Upsample, (1, 8, 8), '(Resize)'),
    ('residual_op13', Residual, (1, 8, 8), 'residual'),
    ('asymmetric_pad_op9', AsymmetricPad, (1, 8, 8), 'asymmetric'),  # opset 9: a Pad node with constant pads
]


def export(module, chw, opset, options):
    options = dict(options)
    kw = {'opset_version': opset, 'input_names': ['x'], 'output_names': ['y']}
    if options.pop('dynamic', False):
        kw['dynamic_axes'] = {'x': {0: 'batch'}, 'y': {0: 'batch'}}
    kw.update(options)
    f = io.BytesIO()
    # (training mode: BatchNorm1d needs more than one sample)
    torch.onnx.export(module, torch.rand(2 if 'training' in options else 1, *chw), f, **kw)
    return f.getvalue()


def with_labels(onnx, labels):
    """Appends metadata_props (ModelProto field 14) {key: "labels", value: labels}."""
    def varint(n):
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def field(num, payload):
        return varint(num << 3 | 2) + varint(len(payload)) + payload

    entry = field(1, b'labels') + field(2, labels.encode())
    return onnx + field(14, entry)


def main():
    seeds_only = sys.argv[1] == '--seeds-only'
    out = None if seeds_only else sys.argv[1]
    seeds = sys.argv[sys.argv.index('--seeds') + 1] if '--seeds' in sys.argv else sys.argv[2] if seeds_only else None
    if out:
        os.makedirs(out, exist_ok=True)
    lines = []
    small = []
    for name, cls, chw, options, batch in CASES:
        if seeds_only and cls is MnistExample:
            continue  # 4.8 MB: too large a seed
        torch.manual_seed(len(name))
        module = cls().eval()
        opset = int(name.rsplit('op', 1)[1])
        onnx = export(module, chw, opset, options)
        module.eval()
        if name.startswith('seeds_view_op13'):
            onnx = with_labels(onnx, '["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]')
        x = torch.rand(batch, *chw)
        with torch.no_grad():
            y = module(x)
        if cls is MnistExample:
            y = torch.exp(y)
        if out:
            open(os.path.join(out, name + '.onnx'), 'wb').write(onnx)
            open(os.path.join(out, name + '.in'), 'wb').write(x.numpy().astype('<f4').tobytes())
            open(os.path.join(out, name + '.out'), 'wb').write(y.numpy().astype('<f4').tobytes())
        lines.append(f'ok {name} {batch} {chw[0]} {chw[1]} {chw[2]}')
        if len(onnx) < 64 * 1024:
            small.append((name, onnx))
    for name, cls, chw, text in REFUSED:
        torch.manual_seed(1)
        onnx = export(cls().eval(), chw, int(name.rsplit('op', 1)[1]), {})
        if out:
            open(os.path.join(out, name + '.onnx'), 'wb').write(onnx)
        lines.append(f'refuse {name} {text}')
        small.append((name, onnx))
    if out:
        open(os.path.join(out, 'cases.txt'), 'w').write('\n'.join(lines) + '\n')

    if seeds:
        os.makedirs(seeds, exist_ok=True)
        rng = random.Random(15)
        for name, onnx in small:
            open(os.path.join(seeds, name), 'wb').write(onnx)
            for k in range(4):
                cut = rng.randrange(1, len(onnx))
                open(os.path.join(seeds, f'{name}-cut{k}'), 'wb').write(onnx[:cut])
                flipped = bytearray(onnx)
                for _ in range(1 + k):
                    flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                open(os.path.join(seeds, f'{name}-flip{k}'), 'wb').write(bytes(flipped))


if __name__ == '__main__':
    main()
