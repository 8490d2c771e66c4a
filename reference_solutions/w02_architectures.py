"""Reference solutions for week 2 (`w02_architectures`): output sizes and parameter counts, correlation and
convolution in NumPy, LeNet-5, AlexNet, VGG16, the Inception module and the ResNet basic block.

The autograder imports this module in the grader process and compares students' answers with it; the notebook's
solution cells implement the same behaviour. The architectures are also written down as PLANS (plain data), and
`architecture_summary` derives the layer-by-layer table (kind, output shape, parameters) from a plan with the
formulas of the lecture, so that the grader never builds a 138-million-parameter model to know what the student's
must look like. `build_*` build their models from the same plans (`author check` runs them as the student against
the summaries, which keeps the two in agreement).
"""
from __future__ import annotations

import numpy as np


# --- output sizes and parameter counts ------------------------------------------------------------
def conv_output_size(w, f, p, s):
    """W2 = (W1 - F + 2P) / S + 1, floored like Keras when S does not divide W1 - F + 2P."""
    return int((w - f + 2 * p) // s + 1)


def conv_params(f, d_in, k):
    """(F * F * D1) weights per filter, K filters, K biases."""
    return int(f * f * d_in * k + k)


def dense_params(n_in, n_out):
    """n_in * n_out weights and n_out biases."""
    return int(n_in * n_out + n_out)


# --- correlation and convolution (NumPy only, like scipy.signal) ------------------------------------
def _full_correlation(image, kernel):
    a = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    kh, kw = k.shape
    padded = np.pad(a, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))   # (H + kh - 1, W + kw - 1, kh, kw)
    return np.einsum("ijkl,kl->ij", windows, k)


def _crop(full, image_shape, kernel_shape, mode, same_start):
    (h, w), (kh, kw) = image_shape, kernel_shape
    if mode == "full":
        return full
    if mode == "same":            # the image's shape, cut from `full` at scipy's offsets
        r, c = same_start(kh), same_start(kw)
        return full[r:r + h, c:c + w]
    if mode == "valid":           # where one of the two lies entirely inside the other
        if not ((h >= kh and w >= kw) or (h <= kh and w <= kw)):
            raise ValueError("for 'valid' mode, one input must be at least as large as the other in every dimension")
        return full[min(h, kh) - 1:max(h, kh), min(w, kw) - 1:max(w, kw)]
    raise ValueError(f"mode must be 'full', 'same' or 'valid'; received: mode={mode!r}")


def correlate2d(image, kernel, mode):
    """Like scipy.signal.correlate2d: out[i, j] = sum_mn image[i + m, j + n] * kernel[m, n] (zero padding).

    "same" takes the image's shape from the full result starting at (kh // 2, kw // 2), as scipy does.
    """
    a, k = np.asarray(image), np.asarray(kernel)
    return _crop(_full_correlation(a, k), a.shape, k.shape, mode, lambda n: n // 2)


def convolve2d(image, kernel, mode):
    """Like scipy.signal.convolve2d: correlation with the kernel flipped in both axes.

    "same" starts at ((kh - 1) // 2, (kw - 1) // 2) of the full result (scipy's centring; for even kernels it
    differs by one from correlate2d's).
    """
    a, k = np.asarray(image), np.asarray(kernel)
    full = _full_correlation(a, k[::-1, ::-1])
    return _crop(full, a.shape, k.shape, mode, lambda n: (n - 1) // 2)


# --- architectures as plans -------------------------------------------------------------------------
# ("conv", filters, kernel, stride, padding) | ("pool", size, stride) | ("flatten",) | ("dense", units or None)
# None units = num_classes.
LENET5_PLAN = (("conv", 6, 5, 1, "valid"), ("pool", 2, 2), ("conv", 16, 5, 1, "valid"), ("pool", 2, 2),
               ("flatten",), ("dense", 120), ("dense", 84), ("dense", None))
ALEXNET_PLAN = (("conv", 96, 11, 4, "valid"), ("pool", 3, 2), ("conv", 256, 5, 1, "same"), ("pool", 3, 2),
                ("conv", 384, 3, 1, "same"), ("conv", 384, 3, 1, "same"), ("conv", 256, 3, 1, "same"),
                ("pool", 3, 2), ("flatten",), ("dense", 4096), ("dense", 4096), ("dense", None))
VGG16_BASE_PLAN = tuple(step for filters, n in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
                        for step in ((("conv", filters, 3, 1, "same"),) * n + (("pool", 2, 2),)))
VGG16_TOP_PLAN = (("flatten",), ("dense", 4096), ("dense", 4096), ("dense", None))


def architecture_plan(name, include_top=True):
    if name == "lenet5":
        return LENET5_PLAN
    if name == "alexnet":
        return ALEXNET_PLAN
    if name == "vgg16":
        return VGG16_BASE_PLAN + (VGG16_TOP_PLAN if include_top else ())
    raise ValueError(f"unknown architecture {name!r}")


def architecture_summary(name, input_shape, num_classes, include_top=True):
    """[(kind, output_shape, params)] of the plan's layers, from the lecture's formulas (Keras's floor)."""
    h, w, d = input_shape
    shape, rows = (h, w, d), []
    for step in architecture_plan(name, include_top):
        kind = step[0]
        if kind == "conv":
            _, filters, f, s, padding = step
            size = [-(-n // s) if padding == "same" else conv_output_size(n, f, 0, s) for n in shape[:2]]
            params = conv_params(f, shape[2], filters)
            shape = (*size, filters)
        elif kind == "pool":
            _, f, s = step
            shape, params = (*[conv_output_size(n, f, 0, s) for n in shape[:2]], shape[2]), 0
        elif kind == "flatten":
            shape, params = (int(np.prod(shape)),), 0
        else:
            units = num_classes if step[1] is None else step[1]
            shape, params = (units,), dense_params(shape[0], units)
        rows.append((kind, (None, *shape), params))
    return rows


def _build(plan, input_shape, num_classes, activation, pool, dropout=0.0):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=tuple(input_shape))])
    dense = [i for i, step in enumerate(plan) if step[0] == "dense"]
    for i, step in enumerate(plan):
        if step[0] == "conv":
            _, filters, f, s, padding = step
            model.add(layers.Conv2D(filters, f, strides=s, padding=padding, activation=activation))
        elif step[0] == "pool":
            model.add(pool(pool_size=step[1], strides=step[2]))
        elif step[0] == "flatten":
            model.add(layers.Flatten())
        elif i == dense[-1]:
            model.add(layers.Dense(num_classes, activation="softmax"))
        else:
            model.add(layers.Dense(step[1], activation=activation))
            if dropout:
                model.add(layers.Dropout(dropout))
    return model


def build_lenet5(input_shape=(32, 32, 1), num_classes=10):
    """LeNet-5: C1 6@5x5, S2, C3 16@5x5, S4, C5 120, F6 84, output (61,706 parameters at 32x32x1 -> 10)."""
    from keras import layers
    return _build(LENET5_PLAN, input_shape, num_classes, "tanh", layers.AveragePooling2D)


def build_alexnet(input_shape=(227, 227, 3), num_classes=1000):
    """AlexNet without grouping or LRN: 62,378,344 parameters at 227x227x3 -> 1000."""
    from keras import layers
    return _build(ALEXNET_PLAN, input_shape, num_classes, "relu", layers.MaxPooling2D, dropout=0.5)


def build_vgg16(input_shape=(224, 224, 3), num_classes=1000, include_top=True):
    """VGG16 (configuration D): 138,357,544 parameters with the top, 14,714,688 without."""
    from keras import layers
    return _build(architecture_plan("vgg16", include_top), input_shape, num_classes, "relu", layers.MaxPooling2D,
                  dropout=0.5)


# --- Inception and ResNet blocks on a Keras tensor ----------------------------------------------------
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    """GoogLeNet's module: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 max-pool -> 1x1, concatenated on channels."""
    from keras import layers

    def conv(t, filters, size):
        return layers.Conv2D(filters, size, padding="same", activation="relu")(t)
    b1 = conv(x, f1, 1)
    b3 = conv(conv(x, f3_reduce, 1), f3, 3)
    b5 = conv(conv(x, f5_reduce, 1), f5, 5)
    bp = conv(layers.MaxPooling2D(pool_size=3, strides=1, padding="same")(x), pool_proj, 1)
    return layers.Concatenate(axis=-1)([b1, b3, b5, bp])


def residual_block(x, filters, stride=1):
    """ResNet basic block: 3x3 (stride) -> BN -> ReLU -> 3x3 -> BN, plus the shortcut, then ReLU.

    The shortcut is the identity when the shapes agree (stride 1 and `filters` channels in), else a 1x1
    convolution with `stride` (followed by BN).
    """
    from keras import layers
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    return layers.Activation("relu")(layers.Add()([y, shortcut]))
