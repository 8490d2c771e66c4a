"""Checks shared by week 2's public and hidden tests: models are compared on what the lecture defines.

A model crosses from the student's kernel as a description (layers with class, output shape, parameters,
config, inbound layer names); nothing large is transferred. What counts, layer by layer, is the sequence of
layer KINDS (convolution, pooling, flatten, dense), their output shapes and parameter counts. What is the
student's choice never counts: activation functions (and Activation/ReLU layers), max or average pooling,
dropout, layer names, input layers, zero padding written as its own layer. LeNet-5's C5 written as a 5x5
convolution to 1x1x120 followed by Flatten counts the same as Flatten followed by Dense(120) (same parameters,
same outputs). A layer with parameters of any other kind (e.g. BatchNormalization) is not part of these papers'
architectures and is reported.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from autograder.testing.checks import CheckFailed, describe, expect_true

KINDS = {"Conv2D": "conv", "MaxPooling2D": "pool", "AveragePooling2D": "pool", "Flatten": "flatten",
         "Dense": "dense", "GlobalAveragePooling2D": "global pooling", "GlobalMaxPooling2D": "global pooling"}
WORDS = {"conv": "a convolution", "pool": "a pooling layer", "flatten": "a Flatten layer", "dense": "a Dense layer",
         "global pooling": "a global pooling layer"}
# layers between two others that never change what flows (activations, normalisation, dropout)
TRANSPARENT = {"BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "Dropout",
               "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "Identity"}

# The papers' tables at the default arguments (the lecture's numbers): (kind, output shape, parameters)
LENET5_TABLE = [("conv", (None, 28, 28, 6), 156), ("pool", (None, 14, 14, 6), 0),
                ("conv", (None, 10, 10, 16), 2416), ("pool", (None, 5, 5, 16), 0), ("flatten", (None, 400), 0),
                ("dense", (None, 120), 48120), ("dense", (None, 84), 10164), ("dense", (None, 10), 850)]
ALEXNET_TABLE = [("conv", (None, 55, 55, 96), 34944), ("pool", (None, 27, 27, 96), 0),
                 ("conv", (None, 27, 27, 256), 614656), ("pool", (None, 13, 13, 256), 0),
                 ("conv", (None, 13, 13, 384), 885120), ("conv", (None, 13, 13, 384), 1327488),
                 ("conv", (None, 13, 13, 256), 884992), ("pool", (None, 6, 6, 256), 0), ("flatten", (None, 9216), 0),
                 ("dense", (None, 4096), 37752832), ("dense", (None, 4096), 16781312),
                 ("dense", (None, 1000), 4097000)]


def _vgg16_base():
    rows, size, channels = [], 224, 3
    for filters, n in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(n):
            rows.append(("conv", (None, size, size, filters), 9 * channels * filters + filters))
            channels = filters
        size //= 2
        rows.append(("pool", (None, size, size, channels), 0))
    return rows


VGG16_NOTOP_TABLE = _vgg16_base()
VGG16_TABLE = VGG16_NOTOP_TABLE + [("flatten", (None, 25088), 0), ("dense", (None, 4096), 102764544),
                                   ("dense", (None, 4096), 16781312), ("dense", (None, 1000), 4097000)]


def expect_int(got, want, *, what):
    """`got` is an integer (Python or NumPy; not a float such as 5.0) equal to `want`."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (numbers.Integral, np.integer)):
        hint = " (use // or int(...): the result is a whole number)" if isinstance(got, (float, np.floating)) else ""
        raise CheckFailed(f"{what}: expected an int, received {describe(got)}{hint}")
    if int(got) != int(want):
        raise CheckFailed(f"{what}: received {int(got)}, expected {int(want)}")



def _word(kind: str) -> str:
    if kind.startswith("other:"):
        return f"a {kind[6:]} layer with parameters"
    return WORDS.get(kind, kind)


def _shape(s):
    return tuple(s) if isinstance(s, (list, tuple)) else s


def expect_model(obj, what: str) -> dict:
    """`obj` is a Keras model that stayed in the kernel; returns its description."""
    expect_true(getattr(obj, "kind", None) == "keras_model" and isinstance(getattr(obj, "description", None), dict),
                f"{what} should return a Keras model, received {describe(obj)}")
    return obj.description


def layer_rows(desc: dict) -> list[tuple]:
    """[(kind, output_shape, params)] of the layers that define the architecture (see the module docstring)."""
    rows = []
    for layer in desc.get("layers") or []:
        kind = KINDS.get(layer.get("class"))
        if kind is None:
            if not layer.get("params"):
                continue
            kind = f"other:{layer.get('class')}"
        rows.append((kind, _shape(layer.get("output_shape")), int(layer.get("params") or 0), layer))
    out, i = [], 0
    while i < len(rows):
        kind, shape, params, layer = rows[i]
        before = out[-1][1] if out else _shape(desc.get("input_shape"))
        after = rows[i + 1] if i + 1 < len(rows) else None
        cfg = layer.get("config") or {}
        if (kind == "conv" and isinstance(shape, tuple) and len(shape) == 4 and shape[1:3] == (1, 1)
                and isinstance(before, tuple) and len(before) == 4
                and tuple(cfg.get("kernel_size") or ()) == tuple(before[1:3])
                and after is not None and after[0] == "flatten" and after[1] == (shape[0], shape[3])):
            # a convolution covering its whole input, then Flatten: the same as Flatten, then Dense
            out.append(("flatten", (shape[0], int(np.prod(before[1:]))), 0))
            out.append(("dense", (shape[0], shape[3]), params))
            i += 2
            continue
        out.append((kind, shape, params))
        i += 1
    return out


def compare_layers(got: list[tuple], want: list[tuple], *, what: str, reveal: bool = False) -> None:
    """The architecture-defining layers agree in kind, output shape and parameters, in order.

    Messages name the student's layer, never the expected value (unless `reveal`, for the papers' public tables).
    """
    kinds = ", ".join(k if not k.startswith("other:") else k[6:] for k, _, _ in got)
    for i, (g, w) in enumerate(zip(got, want)):
        label = f"{what}: layer {i + 1} of its convolution/pooling/flatten/dense layers"
        if g[0] != w[0]:
            hint = f" (expected {_word(w[0])})" if reveal else ""
            raise CheckFailed(f"{label} is {_word(g[0])} where the architecture has another kind of layer{hint}; "
                              f"its layers in order: {kinds}")
        if g[1] != w[1]:
            hint = f" (expected {w[1]})" if reveal else ""
            raise CheckFailed(f"{label} ({_word(g[0])}) outputs shape {g[1]}; the architecture's layer there has "
                              f"another output shape{hint}")
        if g[2] != w[2]:
            hint = f" (expected {w[2]:,})" if reveal else ""
            raise CheckFailed(f"{label} ({_word(g[0])}, output {g[1]}) has {g[2]:,} parameters; the architecture's "
                              f"layer there has another count{hint}")
    if len(got) != len(want):
        more = "more" if len(got) > len(want) else "fewer"
        raise CheckFailed(f"{what}: {len(got)} convolution/pooling/flatten/dense layers, {more} than the "
                          f"architecture's; its layers in order: {kinds}")


def check_architecture(model, want: list[tuple], *, what: str, total: int | None = None, reveal: bool = False):
    desc = expect_model(model, what)
    compare_layers(layer_rows(desc), want, what=what, reveal=reveal)
    expect_true(_shape(desc.get("output_shape")) == want[-1][1],
                f"{what}: the model's output shape is {_shape(desc.get('output_shape'))}, not the last layer's "
                f"{want[-1][1]}")
    total = sum(p for _, _, p in want) if total is None else total
    expect_true(desc.get("params") == total,
                f"{what}: {desc.get('params'):,} parameters in all" +
                (f", expected {total:,}" if reveal else ", the architecture has another total"))


# --- graph helpers (Inception, ResNet) --------------------------------------------------------------
def by_name(desc: dict) -> dict:
    return {layer["name"]: layer for layer in desc.get("layers") or []}


def sources(layers: dict, name: str) -> set:
    """Names of the non-transparent layers that feed `name` (through activations, BN, dropout)."""
    found, todo, seen = set(), list(layers[name].get("inbound") or []), set()
    while todo:
        n = todo.pop()
        if n in seen or n not in layers:
            continue
        seen.add(n)
        if layers[n].get("class") in TRANSPARENT:
            todo.extend(layers[n].get("inbound") or [])
        else:
            found.add(n)
    return found


def conv_signature(layer: dict) -> tuple:
    """(kernel_size, filters, input channels, strides) of a Conv2D layer, input channels from its parameters."""
    cfg = layer.get("config") or {}
    k = tuple(cfg.get("kernel_size") or ())
    filters = int(cfg.get("filters") or 0)
    bias = filters if cfg.get("use_bias", True) else 0
    area = int(np.prod(k)) * filters if k and filters else 0
    cin = (int(layer.get("params") or 0) - bias) // area if area else None
    return k, filters, cin, tuple(cfg.get("strides") or (1, 1))


def _conv_words(sig) -> str:
    k, filters, cin, strides = sig
    s = "" if strides == (1, 1) else f", strides {strides}"
    return f"{'x'.join(map(str, k))} with {filters} filters on {cin} channels{s}"


def keras_block(student, fn: str, in_shape, args, *, what: str):
    """x = keras_input(in_shape); y = student.fn(x, *args); returns (model, description) of Model(x, y)."""
    x = student.make("keras_input", tuple(in_shape))
    y = getattr(student, fn)(x, *args)
    expect_true(getattr(y, "kind", None) == "keras_tensor",
                f"{what} should return the block's output tensor (a Keras tensor), received {describe(y)}")
    model = student.make("keras_model", x, y)
    return model, model.description


def check_inception(student, in_shape, args, *, what: str, total_conv_params: int | None = None):
    """The four branches of GoogLeNet's module on `in_shape` with args (f1, f3_reduce, f3, f5_reduce, f5, pool_proj).

    Channel counts in the tests are all different, so every convolution is identified by its signature.
    """
    f1, f3r, f3, f5r, f5, pp = args
    h, w, c = in_shape
    model, desc = keras_block(student, "inception_module", in_shape, args, what=what)
    out = _shape(desc.get("output_shape"))
    expect_true(out == (None, h, w, f1 + f3 + f5 + pp),
                f"{what}: output shape {out}; the four branches keep the spatial size {h}x{w} and are concatenated "
                f"on the channel axis (f1 + f3 + f5 + pool_proj channels)")
    layers = by_name(desc)
    for layer in layers.values():
        expect_true(layer["class"] in ("Conv2D", "BatchNormalization") or not layer.get("params"),
                    f"{what}: layer {layer['name']!r} ({layer['class']}) has parameters; the module has only "
                    f"convolutions (batch normalisation allowed)")
    convs = {n: conv_signature(layer) for n, layer in layers.items() if layer["class"] == "Conv2D"}
    want = {"f1": ((1, 1), f1, c, (1, 1)), "f3_reduce": ((1, 1), f3r, c, (1, 1)), "f3": ((3, 3), f3, f3r, (1, 1)),
            "f5_reduce": ((1, 1), f5r, c, (1, 1)), "f5": ((5, 5), f5, f5r, (1, 1)),
            "pool_proj": ((1, 1), pp, c, (1, 1))}
    got = sorted(convs.values())
    if got != sorted(want.values()):
        found = "; ".join(_conv_words(s) for s in got) or "none"
        raise CheckFailed(f"{what}: its convolutions do not match the four branches (1x1 f1 | 1x1 f3_reduce then "
                          f"3x3 f3 | 1x1 f5_reduce then 5x5 f5 | 3x3 max-pool then 1x1 pool_proj, all stride 1); "
                          f"it has {len(got)}: {found}")
    name_of = {role: next(n for n, s in convs.items() if s == sig) for role, sig in want.items()}
    inputs = {n for n, layer in layers.items() if layer["class"] == "InputLayer"}
    pools = [n for n, layer in layers.items() if layer["class"] == "MaxPooling2D"]
    expect_true(len(pools) == 1, f"{what}: the pooling branch needs one 3x3 max-pooling layer, found {len(pools)}")
    pool = layers[pools[0]]
    cfg = pool.get("config") or {}
    expect_true(tuple(cfg.get("pool_size") or ()) == (3, 3) and _shape(pool.get("output_shape")) == (None, h, w, c),
                f"{what}: the pooling branch's max-pool should be 3x3 with stride 1 and 'same' padding (output "
                f"{h}x{w}x{c}); it has pool_size {cfg.get('pool_size')} and output {_shape(pool.get('output_shape'))}")
    feeds = {"f1": inputs, "f3_reduce": inputs, "f5_reduce": inputs, "f3": {name_of["f3_reduce"]},
             "f5": {name_of["f5_reduce"]}, "pool_proj": {pools[0]}}
    words = {"f1": "the 1x1 branch", "f3_reduce": "the 3x3 branch's 1x1 reduction",
             "f5_reduce": "the 5x5 branch's 1x1 reduction", "f3": "the 3x3 convolution",
             "f5": "the 5x5 convolution", "pool_proj": "the pooling branch's 1x1 projection"}
    for role, expected in feeds.items():
        src = sources(layers, name_of[role])
        if src:                                  # empty: fed through a backend op, not a layer (channels checked)
            expect_true(src == expected, f"{what}: {words[role]} is fed by {sorted(src)}, not by what the "
                                         f"module's branch structure feeds it")
    src = sources(layers, pools[0])
    expect_true(not src or src == inputs, f"{what}: the max-pool should read the module's input")
    concats = [layer for layer in layers.values() if layer["class"] == "Concatenate"]
    if concats:
        expect_true(len(concats) == 1 and len(concats[0].get("inbound") or []) == 4,
                    f"{what}: the module concatenates its four branches once (found {len(concats)} Concatenate "
                    f"layer(s) with {[len(x.get('inbound') or []) for x in concats]} inputs)")
    if total_conv_params is not None:
        with_bias = sum(int(layers[n]["params"]) + (0 if (layers[n].get("config") or {}).get("use_bias", True)
                                                    else convs[n][1]) for n in convs)
        expect_true(with_bias == total_conv_params,
                    f"{what}: its convolutions (with biases) have {with_bias:,} parameters, expected "
                    f"{total_conv_params:,}")
    return model, desc


# --- ResNet basic block ------------------------------------------------------------------------------
def residual_out_shape(in_shape, filters, stride):
    h, w, _ = in_shape
    return (None, math.ceil(h / stride), math.ceil(w / stride), filters)


def needs_projection(in_shape, filters, stride) -> bool:
    return stride != 1 or in_shape[-1] != filters


def check_residual_structure(desc: dict, in_shape, filters, stride, *, what: str) -> dict:
    """Output shape, two 3x3 convolutions (the first strided), the shortcut's 1x1 convolution iff needed.
    Returns {"convs3": [names in order], "proj": name or None}."""
    out = _shape(desc.get("output_shape"))
    want = residual_out_shape(in_shape, filters, stride)
    expect_true(out == want, f"{what}: output shape {out}, expected {want} ('same' padding, the stride in the "
                             f"first convolution and in the shortcut)")
    layers = desc.get("layers") or []
    for layer in layers:
        expect_true(layer["class"] in ("Conv2D", "BatchNormalization") or not layer.get("params"),
                    f"{what}: layer {layer['name']!r} ({layer['class']}) has parameters; the block has only "
                    f"convolutions (batch normalisation allowed)")
    convs = [layer for layer in layers if layer["class"] == "Conv2D"]
    c3 = [layer for layer in convs if tuple((layer.get("config") or {}).get("kernel_size") or ()) == (3, 3)]
    c1 = [layer for layer in convs if tuple((layer.get("config") or {}).get("kernel_size") or ()) == (1, 1)]
    expect_true(len(c3) + len(c1) == len(convs),
                f"{what}: the block has only 3x3 convolutions and, on the shortcut, a 1x1 convolution")
    expect_true(len(c3) == 2 and all((layer.get("config") or {}).get("filters") == filters for layer in c3),
                f"{what}: the residual path has two 3x3 convolutions with `filters` filters each; found "
                f"{len(c3)} 3x3 convolution(s) with {[(x.get('config') or {}).get('filters') for x in c3]} filters")
    strides = [tuple((layer.get("config") or {}).get("strides") or ()) for layer in c3]
    expect_true(strides == [(stride, stride), (1, 1)],
                f"{what}: the first 3x3 convolution takes the stride ({stride}), the second has stride 1; "
                f"found strides {strides}")
    if needs_projection(in_shape, filters, stride):
        ok = (len(c1) == 1 and (c1[0].get("config") or {}).get("filters") == filters
              and tuple((c1[0].get("config") or {}).get("strides") or ()) == (stride, stride))
        expect_true(ok, f"{what}: when the shapes differ (input {tuple(in_shape)}, {filters} filters, stride "
                        f"{stride}) the shortcut is one 1x1 convolution with `filters` filters and stride {stride}")
    else:
        expect_true(not c1, f"{what}: when the shapes agree (stride 1, {filters} channels in and out) the "
                            f"shortcut is the identity, not a 1x1 convolution")
    return {"convs3": [layer["name"] for layer in c3], "proj": c1[0]["name"] if c1 else None}


def _bn_apply(z, layer_weights, cfg):
    """A BatchNormalization layer in inference mode, from its weights (gamma?, beta?, mean, variance)."""
    ws = list(layer_weights)
    gamma = ws.pop(0) if cfg.get("scale", True) else 1.0
    beta = ws.pop(0) if cfg.get("center", True) else 0.0
    mean, var = ws[0], ws[1]
    return (z - mean) / np.sqrt(var + float(cfg.get("epsilon", 1e-3))) * gamma + beta


def check_residual_addition(model, desc: dict, in_shape, filters, stride, rng, *, what: str,
                            names: dict) -> None:
    """The numeric check that the shortcut is ADDED before the last activation.

    The residual path's 3x3 convolutions are set to zero (kernels and biases): with the initial batch
    normalisation (if any: beta 0, moving mean 0) the path then gives 0, and the block gives act(shortcut(x)).
    The shortcut is x (identity) or the 1x1 convolution, whose kernel is set to a known non-negative matrix
    (bias 0), followed by its batch normalisation if there is one. Any last activation that is the identity on
    positive numbers and raises negative ones (ReLU, leaky ReLU, ELU) passes: where shortcut(x) > 0 the output
    must equal it; where shortcut(x) < -0.5 the output must be larger (the activation comes after the addition).
    A block without the addition outputs act(0) instead and fails.
    """
    for name in names["convs3"]:
        layer = model.call("get_layer", name)
        layer.call("set_weights", [np.zeros_like(np.asarray(w)) for w in layer.call("get_weights")])
    h, w, c = in_shape
    x = rng.normal(0.0, 1.5, size=(3, h, w, c)).astype(np.float32)
    if names["proj"] is None:
        shortcut = x.astype(np.float64)
    else:
        layer = model.call("get_layer", names["proj"])
        ws = [np.asarray(v) for v in layer.call("get_weights")]
        kernel = (rng.uniform(0.2, 1.0, size=ws[0].shape) / c).astype(np.float32)
        layer.call("set_weights", [kernel] + [np.zeros_like(v) for v in ws[1:]])
        shortcut = np.einsum("nhwc,cf->nhwf", x[:, ::stride, ::stride, :].astype(np.float64),
                             kernel[0, 0].astype(np.float64))
        layers = by_name(desc)
        for bn in (n for n, layer_ in layers.items() if layer_["class"] == "BatchNormalization"
                   and sources(layers, n) == {names["proj"]}):
            bn_weights = [np.asarray(v, dtype=np.float64) for v in model.call("get_layer", bn).call("get_weights")]
            shortcut = _bn_apply(shortcut, bn_weights, layers[bn].get("config") or {})
    got = model.call("__call__", x, training=False)     # eager: no predict function to trace for a tiny model
    if hasattr(got, "call") and not isinstance(got, np.ndarray):
        got = got.call("numpy")                        # a backend tensor kept in the kernel -> its values
    got = np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray) else None
    expect_true(got is not None and got.shape == shortcut.shape,
                f"{what}: predict gave {describe(got)}, expected shape {shortcut.shape}")
    pos, neg = shortcut > 0.05, shortcut < -0.5
    ok = np.isclose(got[pos], shortcut[pos], rtol=1e-3, atol=1e-4)
    expect_true(bool(ok.all()),
                f"{what}: with the residual path's 3x3 convolutions set to zero, the block should output the "
                f"shortcut (through the last activation), but it differs at {int((~ok).sum())} of {int(pos.sum())} "
                f"positive positions: is the shortcut ({'identity' if names['proj'] is None else '1x1 convolution'})"
                f" added to the residual path?")
    raised = got[neg] > shortcut[neg] + 0.05
    expect_true(bool(raised.all()),
                f"{what}: with the residual path set to zero, negative shortcut values pass through unchanged at "
                f"{int((~raised).sum())} of {int(neg.sum())} positions: the last activation must come after the "
                f"addition")
