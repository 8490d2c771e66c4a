"""Small offline data sets for assignment tests (nothing downloads: scikit-learn ships the digits)."""
from __future__ import annotations

import numpy as np


def digits_split(n_train: int, n_val: int, n_test: int, *, seed: int):
    """scikit-learn's 8x8 digits as float32 (N, 8, 8, 1) in [0, 1] and int64 labels, shuffled by `seed`,
    cut into (x_train, y_train, x_val, y_val, x_test, y_test)."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    if n_train + n_val + n_test > len(y):
        raise ValueError(f"the digits set has {len(y)} images; asked for {n_train + n_val + n_test}")
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    a, b, c = n_train, n_train + n_val, n_train + n_val + n_test
    return x[:a], y[:a], x[a:b], y[a:b], x[b:c], y[b:c]
