#!/usr/bin/python3
"""Cases for tests/pytorch/check_cases.cpp, computed by PyTorch itself.

    /usr/bin/python3 tests/pytorch/make_cases.py --cases 600 --seed 1 --out build/pytorch/cases.txt

Draws layers at random (a fixed seed) over the parameter space of every layer
kind the engine has: conv2d (kernel, stride, padding as numbers, pairs,
'valid' or 'same', dilation, groups, bias), max and average pooling (kernel,
stride or None, padding, ceil_mode, count_include_pad), dense, relu,
leaky_relu (negative_slope), sigmoid, tanh, softmax over dim=1 and flatten;
with odd and tiny inputs, inputs smaller than the window, and now and then a
value PyTorch refuses. Each layer is built as the torch.nn module of the same
name with the same arguments and run in float64 on float32 data. For a layer
PyTorch accepts, the file holds the input, the parameters, the output, an
upstream gradient and the gradients torch.autograd gives for the input, the
weight and the bias; for one it refuses, its message.

Beside every output and gradient goes its scale: the sum of the magnitudes of
the terms that make each value (the same layer run on |input| and |weight|
for a linear op, e.g.). Float32 rounding error grows with that sum, not with
the value, which may cancel to near zero; the checker's tolerance is relative
to it.

The file is text, one line per item:
    case <index> <kind> <field>=<value> ... input=<n>,<c>,<h>,<w> (or <n>,<f>)
    [differs <tag>]      the engine's verdict is the opposite of PyTorch's, on purpose (README, Semantics)
    torch ok | torch error <message>
    <tensor> <dims> <values...>   x w b y gy gx gw gb, then sy sgx sgw sgb (the scales)
    end
Field values are spelled as PyTorch takes them: 3, 3,2 (a pair), same, valid,
None, true, false, 0.01.

To add a kind of case: add a draw_* function, or a branch in one, that
returns (kind, args, input shape); build() turns it into the torch module.
A new deliberate difference goes in differs() and in the README's Semantics.
"""
import argparse
import os
import random
import sys
import warnings

import torch
import torch.nn as nn

warnings.simplefilter("ignore")  # padding='same' with an even kernel warns, and works

SIZES = [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 11, 12, 13]
WIDE = [15, 16, 17, 23, 31, 32, 33]  # around the SIMD widths (4, 8, 16 lanes)


def pair_or_int(r, lo, hi):
    a = r.randint(lo, hi)
    if r.random() < 0.4:
        return (a, r.randint(lo, hi))
    return a


def both(v):
    return v if isinstance(v, tuple) else (v, v)


def spatial(r):
    if r.random() < 0.12:
        return r.choice(WIDE), r.choice(SIZES + WIDE)
    return r.choice(SIZES), r.choice(SIZES)


def spoil(r, args, fields):
    """Now and then one field gets a value PyTorch refuses (zero or negative)."""
    if r.random() < 0.08:
        f = r.choice(fields)
        args[f] = r.choice([0, -1]) if f != "groups" else 0
    return args


def draw_conv(r):
    groups = r.choice([1, 1, 1, 1, 2, 3])
    cin = groups * r.randint(1, 3)
    cout = groups * r.randint(1, 3)
    if r.random() < 0.1:
        cout = groups * r.randint(3, 6)  # more output channels: the lanes kernel
    if r.random() < 0.04:
        cin += 1  # groups no longer divides in_channels
    args = {"in_channels": cin, "out_channels": cout, "kernel_size": pair_or_int(r, 1, 5)}
    if r.random() < 0.1:
        args["kernel_size"] = r.choice([6, 7, (1, 7), (7, 2)])
    if r.random() < 0.6:
        args["stride"] = pair_or_int(r, 1, 3)
    p = r.random()
    if p < 0.45:
        args["padding"] = pair_or_int(r, 0, 3)
    elif p < 0.6:
        args["padding"] = "valid"
    elif p < 0.8:
        args["padding"] = "same"
    if r.random() < 0.4:
        args["dilation"] = pair_or_int(r, 1, 3)
    if groups > 1 or r.random() < 0.05:
        args["groups"] = groups
    if r.random() < 0.5:
        args["bias"] = r.random() < 0.5
    spoil(r, args, ["kernel_size", "stride", "dilation", "groups"] + (["padding"] if "padding" in args and args["padding"] not in ("same", "valid") else []))
    h, w = spatial(r)
    c = cin if r.random() > 0.03 else cin + 1  # the wrong number of channels now and then
    n = r.choice([1, 1, 2, 3])
    if r.random() < 0.02:
        return "conv2d", args, (n, c * h * w)  # a flat input
    return "conv2d", args, (n, c, h, w)


def draw_pool(r, kind):
    k = pair_or_int(r, 1, 5)
    args = {"kernel_size": k}
    if r.random() < 0.7:
        args["stride"] = pair_or_int(r, 1, 4) if r.random() < 0.85 else None
    kh, kw = both(k)
    if r.random() < 0.6:
        if r.random() < 0.5:
            args["padding"] = r.randint(0, min(kh, kw) // 2)
        else:
            args["padding"] = (r.randint(0, kh // 2), r.randint(0, kw // 2))
        if r.random() < 0.05:
            args["padding"] = max(kh, kw) // 2 + 1  # more than half the window
    if r.random() < 0.5:
        args["ceil_mode"] = r.random() < 0.6
    if kind == "avgpool2d" and r.random() < 0.6:
        args["count_include_pad"] = r.random() < 0.5
    if r.random() < 0.15:  # the 2x2 stride-2 windows of a CNN
        args = {"kernel_size": 2, "stride": 2}
        if r.random() < 0.5:
            args["ceil_mode"] = True
    spoil(r, args, ["kernel_size", "stride"] + (["padding"] if "padding" in args else []))
    h, w = spatial(r)
    n, c = r.choice([1, 1, 2]), r.randint(1, 4)
    if r.random() < 0.02:
        return kind, args, (n, c * h * w)
    return kind, args, (n, c, h, w)


def draw_dense(r):
    fin, fout = r.randint(1, 40), r.randint(1, 20)
    if r.random() < 0.1:
        fin = r.randint(60, 150)
    args = {"in_features": fin, "out_features": fout}
    if r.random() < 0.5:
        args["bias"] = r.random() < 0.5
    spoil(r, args, ["in_features", "out_features"])
    n = r.randint(1, 4)
    u = r.random()
    if u < 0.05:
        return "dense", args, (n, max(1, fin + r.choice([-1, 1])))  # the wrong number of inputs
    if u < 0.1:
        return "dense", args, (n, r.randint(1, 3), r.randint(1, 3), max(fin, 1))  # an image input
    return "dense", args, (n, max(fin, 1))


def draw_elementwise(r, kind):
    args = {}
    if kind == "leaky_relu":
        args["negative_slope"] = r.choice([0.01, 0.1, 0.2, 0.0, -0.5, 1.5, 0.3333])
        if r.random() < 0.4:
            args["negative_slope"] = round(r.uniform(-1, 1), 4)
    n = r.randint(1, 3)
    if r.random() < 0.35:
        return kind, args, (n, r.choice([1, 2, 3, 7, 10, 17, 33]))
    h, w = spatial(r)
    return kind, args, (n, r.randint(1, 5), h, w)


KINDS = ["conv2d"] * 7 + ["maxpool2d"] * 3 + ["avgpool2d"] * 3 + ["dense"] * 2 + [
    "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "softmax", "flatten"]


def draw(r):
    kind = r.choice(KINDS)
    if kind == "conv2d":
        return draw_conv(r)
    if kind in ("maxpool2d", "avgpool2d"):
        return draw_pool(r, kind)
    if kind == "dense":
        return draw_dense(r)
    return draw_elementwise(r, kind)


def build(kind, args):
    """The torch.nn module of a case: the same arguments, by the same names."""
    if kind == "conv2d":
        return nn.Conv2d(**args)
    if kind == "maxpool2d":
        return nn.MaxPool2d(**args)
    if kind == "avgpool2d":
        return nn.AvgPool2d(**args)
    if kind == "dense":
        return nn.Linear(**args)
    if kind == "leaky_relu":
        return nn.LeakyReLU(**args)
    if kind == "softmax":
        return nn.Softmax(dim=1)
    if kind == "flatten":
        return nn.Flatten()
    return {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[kind]()


def differs(kind, args, shape, y):
    """Where the engine's verdict is the opposite of PyTorch's, on purpose
    (README, Semantics): a tag, or None. y is PyTorch's output, or None if
    it refused the layer."""
    if y is not None:
        if kind == "dense" and len(shape) != 2:
            return "dense-needs-flat-input"
        if y.numel() == 0:
            return "no-empty-tensors"
        return None
    stride = args.get("stride")
    if kind in ("maxpool2d", "avgpool2d") and stride is not None and 0 in both(stride):
        try:  # refused only for the 0: the engine reads it as None
            build(kind, dict(args, stride=None))(torch.zeros(shape, dtype=torch.float64))
            return "pool-stride-zero-is-none"
        except (RuntimeError, ValueError, TypeError, IndexError):
            return None
    return None


def values(g, shape, kind):
    """float32 data: uniform in [-1, 1]; for max pooling sometimes a few levels
    (ties: the gradient goes to the first maximum), for activations steps of
    1/4 that include 0 (the kink)."""
    u = torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1
    if kind == "maxpool2d" and torch.rand(1, generator=g).item() < 0.3:
        u = torch.round(u * 2) / 2
    if kind in ("relu", "leaky_relu", "sigmoid", "tanh", "softmax"):
        u = u * 4
        if torch.rand(1, generator=g).item() < 0.5:
            u = torch.round(u * 4) / 4
    return u.float().double()


def scales(kind, mod, x, y, gy, params):
    """Per value of y, gx, gw, gb: the sum of the magnitudes of its terms."""
    ax, agy = x.abs(), gy.abs()
    if kind in ("conv2d", "dense", "avgpool2d", "flatten"):
        # linear in x (and in the weight): the same layer on magnitudes
        with torch.no_grad():
            keep = [p.detach().clone() for p in params]
            for p in params:
                p.abs_()
        ax.requires_grad_(True)
        ay = mod(ax)
        grads = torch.autograd.grad(ay, [ax] + params, agy)
        with torch.no_grad():
            for p, k in zip(params, keep):
                p.copy_(k)
        return [ay.detach()] + [t.detach() for t in grads]
    if kind == "maxpool2d":
        x2 = x.detach().clone().requires_grad_(True)
        (sgx,) = torch.autograd.grad(mod(x2), x2, agy)  # the same routing, |gy|
        return [y.abs(), sgx]
    if kind in ("relu", "leaky_relu"):
        x2 = x.detach().clone().requires_grad_(True)
        (sgx,) = torch.autograd.grad(mod(x2), x2, agy)
        return [y.abs(), sgx.abs()]
    if kind == "sigmoid":  # gx = gy * s * (1 - s)
        return [y.abs(), agy * y * (1 + y)]
    if kind == "tanh":  # gx = gy * (1 - t^2)
        return [y.abs(), agy * (1 + y * y)]
    if kind == "softmax":  # gx = s * (gy - sum_c gy s)
        return [y.abs(), y * (agy + (agy * y).sum(dim=1, keepdim=True))]
    raise ValueError(kind)


def spell(v):
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return ",".join(str(a) for a in v)
    return repr(v)


def tensor_line(name, t):
    flat = t.detach().reshape(-1).tolist()
    dims = ",".join(str(d) for d in t.shape)
    return "%s %s %s\n" % (name, dims, " ".join(repr(float(v)) for v in flat))


def one_line(message):
    return " ".join(str(message).split())[:300]


def write_case(out, index, seed, kind, args, shape):
    fields = " ".join("%s=%s" % (k, spell(v).replace("'", "")) for k, v in args.items())
    out.write("case %d %s %s input=%s\n" % (index, kind, fields, ",".join(map(str, shape))))
    g = torch.Generator().manual_seed(seed * 1000003 + index)
    try:
        mod = build(kind, args).double()
        params = [p for p in (getattr(mod, "weight", None), getattr(mod, "bias", None)) if p is not None]
        with torch.no_grad():
            for p in params:
                p.copy_(torch.rand(p.shape, generator=g, dtype=torch.float64).mul(2).sub(1).float().double())
        x = values(g, shape, kind).requires_grad_(True)
        y = mod(x)
        gy = (torch.rand(y.shape, generator=g, dtype=torch.float64) * 2 - 1).float().double()
        grads = torch.autograd.grad(y, [x] + params, gy)
    except (RuntimeError, ValueError, TypeError, IndexError) as e:
        tag = differs(kind, args, shape, None)
        out.write(("differs %s\n" % tag if tag else "") + "torch error %s\nend\n" % one_line(e))
        return False
    tag = differs(kind, args, shape, y)
    if tag:
        out.write("differs %s\n" % tag)
    out.write("torch ok\n")
    names = ["w", "b"][: len(params)]  # the weight, then the bias if the layer has one
    out.write(tensor_line("x", x))
    for n, p in zip(names, params):
        out.write(tensor_line(n, p))
    out.write(tensor_line("y", y))
    out.write(tensor_line("gy", gy))
    out.write(tensor_line("gx", grads[0]))
    for n, t in zip(names, grads[1:]):
        out.write(tensor_line("g" + n, t))
    s = scales(kind, mod, x.detach(), y.detach(), gy, params)
    for n, t in zip(["sy", "sgx"] + ["sg" + n for n in names], s):
        out.write(tensor_line(n, t))
    out.write("end\n")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    r = random.Random(a.seed)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    accepted = 0
    tmp = a.out + ".part"
    with open(tmp, "w") as out:
        out.write("pytorch-cases 1 torch=%s seed=%d cases=%d\n" % (torch.__version__, a.seed, a.cases))
        for i in range(a.cases):
            kind, args, shape = draw(r)
            accepted += write_case(out, i, a.seed, kind, args, shape)
    os.replace(tmp, a.out)
    print("make_cases: %d cases (torch %s, seed %d): %d accepted by PyTorch, %d refused"
          % (a.cases, torch.__version__, a.seed, accepted, a.cases - accepted))


if __name__ == "__main__":
    sys.exit(main())
