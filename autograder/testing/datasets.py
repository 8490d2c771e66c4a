"""Small offline data sets for assignment tests (nothing downloads: scikit-learn ships the digits)."""
from __future__ import annotations

import numpy as np


def digits_split(n_train: int, n_val: int, n_test: int, *, seed: int, disguise: int | None = None):
    """scikit-learn's 8x8 digits as float32 (N, 8, 8, 1) in [0, 1] and int64 labels, shuffled by `seed`,
    cut into (x_train, y_train, x_val, y_val, x_test, y_test).

    With `disguise` (a seed the hidden tests keep to themselves) every image is turned by a multiple of 90
    degrees and possibly mirrored, and the labels are renamed by a permutation that moves every class. The
    task stays exactly as learnable, but a model trained behind the grader's back on scikit-learn's own
    digits (which any kernel can load) predicts the wrong names: only training on the data passed in works.
    """
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    if n_train + n_val + n_test > len(y):
        raise ValueError(f"the digits set has {len(y)} images; asked for {n_train + n_val + n_test}")
    if disguise is not None:
        x, y = _disguise(x, y, np.random.default_rng(disguise))
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    a, b, c = n_train, n_train + n_val, n_train + n_val + n_test
    return x[:a], y[:a], x[a:b], y[a:b], x[b:c], y[b:c]


def _disguise(x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    x = np.rot90(x, k=int(rng.integers(1, 4)), axes=(1, 2))
    if rng.random() < 0.5:
        x = x[:, :, ::-1]
    n = int(y.max()) + 1
    names = rng.permutation(n)
    while np.any(names == np.arange(n)):          # a derangement: no class keeps its name
        names = rng.permutation(n)
    return np.ascontiguousarray(x), names[y]
