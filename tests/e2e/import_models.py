#!/usr/bin/python3
"""The PyTorch models the page's import test (tests/e2e/import.test.js) drops
on the page, exported by torch.onnx.export with Debian's torch:

    /usr/bin/python3 tests/e2e/import_models.py OUT_DIR
    /usr/bin/python3 tests/e2e/import_models.py --eval OUT_DIR MODEL INPUT MEAN STD

OUT_DIR gets:
  lenet.onnx        the shipped digit model (web/models/digits.cnnm: its
                    architecture and weights, read here) as a torch
                    nn.Sequential, exported: it reads drawn digits
  mnist.onnx        pytorch/examples' MNIST Net (two 3x3 convs, max pool,
                    dropout, two linear layers, log-softmax), seeded weights,
                    with metadata_props labels "zero".."nine" and normalize
                    "(0.1307,), (0.3081,)"; mnist.pt its state
  rgb.onnx          an RGB network (3x32x32), seeded weights
  rgb.png           a 32x32 colour picture (the picked image: no resizing)
  rgb.json          PyTorch's probabilities on it: plain, and normalised
                    with ImageNet's mean and std
  damaged.onnx      lenet.onnx cut short
--eval prints PyTorch's probabilities (JSON) of MODEL (mnist) on INPUT (a
file of 784 float32), normalised with MEAN and STD.
"""
import json
import os
import struct
import sys
import warnings
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'onnx'))
from make_cases import MnistExample  # noqa: E402  (pytorch/examples' MNIST Net, as the importer's tests export it)
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def read_cnnm(path):
    """The engine's model file (engine/model_io.hpp, format 1): input shape, layers and tensors."""
    b = open(path, 'rb').read()
    assert b[:8] == b'CNNMODEL'
    at = 20
    def u32():
        nonlocal at
        v = struct.unpack_from('<I', b, at)[0]
        at += 4
        return v
    def text():
        nonlocal at
        n = u32()
        at += n
        return b[at - n:at].decode()
    flags = struct.unpack_from('<I', b, 16)[0]
    shape = (u32(), u32(), u32())
    if flags & 1:  # the input normalisation: a count, then the means and standard deviations
        at += 8 * u32()
    for _ in range(u32()):
        text(), text()
    for _ in range(u32()):
        text()
    layers = []
    for _ in range(u32()):
        kind, n = u32(), u32()
        layers.append((kind, [struct.unpack_from('<i', b, at + 4 * i)[0] for i in range(n)]))
        at += 4 * n
    tensors = {}
    for _ in range(u32()):
        name, dtype, rank = text(), u32(), u32()
        dims = [u32() for _ in range(rank)]
        count = 1
        for d in dims:
            count *= d
        fmt = '<%de' % count if dtype == 1 else '<%df' % count
        tensors[name] = torch.tensor(struct.unpack_from(fmt, b, at), dtype=torch.float32).reshape(dims)
        at += count * (2 if dtype == 1 else 4)
    return shape, layers, tensors


def lenet_from_cnnm(path):
    """digits.cnnm as nn.Sequential (kinds as engine/spec.hpp's LayerKind: 0 conv2d, 1 maxpool2d, 3 relu, 7 flatten, 8 dense, 9 softmax)."""
    _, layers, tensors = read_cnnm(path)
    mods = []
    for kind, f in layers:
        if kind == 0:
            mods.append(nn.Conv2d(f[0], f[1], (f[2], f[3]), (f[4], f[5]), (f[7], f[8])))
        elif kind == 1:
            # a stride of 0 in the file is PyTorch's None: as the window
            mods.append(nn.MaxPool2d((f[0], f[1]), (f[2] or f[0], f[3] or f[1]), (f[4], f[5])))
        elif kind == 8:
            mods.append(nn.Linear(f[0], f[1]))
        elif kind == 3:
            mods.append(nn.ReLU())
        elif kind == 7:
            mods.append(nn.Flatten())
        elif kind == 9:
            mods.append(nn.Softmax(dim=1))
        else:
            raise SystemExit('layer kind %d is not in the digit model' % kind)
    net = nn.Sequential(*mods)
    net.load_state_dict(tensors)
    return net.eval()


class RgbNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 8 * 8, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.softmax(self.fc(torch.flatten(x, 1)), dim=1)


def export(model, shape, path, metadata=None):
    torch.onnx.export(model.eval(), torch.zeros(1, *shape), path, opset_version=13)
    # ModelProto.metadata_props (field 14), appended: protobuf reads a field wherever it is
    # (what onnx.helper.set_model_props writes)
    with open(path, 'ab') as f:
        for key, value in (metadata or {}).items():
            f.write(field(14, field(1, key.encode()) + field(2, value.encode())))


def field(number, data):
    """A length-delimited protobuf field."""
    out, n = bytearray([number << 3 | 2]), len(data)
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out) + data


def png(path, rgb, w, h):
    """An 8-bit RGB PNG, unfiltered rows."""
    raw = b''.join(b'\0' + bytes(rgb[(y * w) * 3:(y * w + w) * 3]) for y in range(h))
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def normalised(x, mean, std):
    return (x - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(15)
    export(lenet_from_cnnm(os.path.join(HERE, '../../web/models/digits.cnnm')), (1, 28, 28), os.path.join(out, 'lenet.onnx'))
    mnist = MnistExample()
    torch.save(mnist.state_dict(), os.path.join(out, 'mnist.pt'))
    names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
    export(mnist, (1, 28, 28), os.path.join(out, 'mnist.onnx'),
           {'labels': json.dumps(names), 'normalize': '(0.1307,), (0.3081,)'})
    rgb = RgbNet()
    export(rgb, (3, 32, 32), os.path.join(out, 'rgb.onnx'))
    g = torch.Generator().manual_seed(3)
    pixels = [int(v) for v in torch.randint(0, 256, (32 * 32 * 3,), generator=g)]
    png(os.path.join(out, 'rgb.png'), pixels, 32, 32)
    x = torch.tensor(pixels, dtype=torch.float32).view(32, 32, 3).permute(2, 0, 1).unsqueeze(0) / 255
    with torch.no_grad():
        plain = rgb(x)[0].tolist()
        norm = rgb(normalised(x, *IMAGENET))[0].tolist()
    json.dump({'plain': plain, 'normalised': norm, 'mean': IMAGENET[0], 'std': IMAGENET[1]}, open(os.path.join(out, 'rgb.json'), 'w'))
    whole = open(os.path.join(out, 'lenet.onnx'), 'rb').read()
    open(os.path.join(out, 'damaged.onnx'), 'wb').write(whole[:len(whole) * 2 // 3])


def evaluate(out, model, inp, mean, std):
    net = MnistExample()
    net.load_state_dict(torch.load(os.path.join(out, model + '.pt')))
    raw = open(inp, 'rb').read()
    x = torch.tensor(struct.unpack('<784f', raw)).view(1, 1, 28, 28)
    with torch.no_grad():
        y = torch.exp(net.eval()(normalised(x, [float(mean)], [float(std)])))
    print(json.dumps(y[0].tolist()))


if __name__ == '__main__':
    if sys.argv[1] == '--eval':
        evaluate(*sys.argv[2:7])
    else:
        main(sys.argv[1])
