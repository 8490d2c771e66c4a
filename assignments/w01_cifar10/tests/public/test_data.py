"""Public checks for week 1: reading CIFAR-10 batch files and their label names, counting classes.

The files are written by the grader in the real `cifar-10-batches-py` format (Python 2 pickles); see
`_cifar_format.py`. Reading them with `encoding="bytes"` or `encoding="latin1"` are both correct.
"""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w01_helpers")
F = H.load("_cifar_format")


def _loaded(student, x, y, what):
    """Write one batch of `x` (N, 32, 32, 3) and `y` into the kernel, load it with the student's function."""
    folder = H.write_cifar_folder(student, {"data_batch_1": F.batch_bytes(F.to_rows(x), y)})
    got = student.load_cifar_batch(f"{folder}/data_batch_1")
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"{what} should return (x, y), received {describe(got)}")
    return got


@pytest.mark.task("load_cifar_batch", points=2)
def test_load_cifar_batch_shapes_and_dtypes(student):
    x, y = H.random_batch(np.random.default_rng(1), 5)
    gx, gy = _loaded(student, x, y, "load_cifar_batch (a batch of 5 images)")
    expect_true(isinstance(gx, np.ndarray) and gx.shape == (5, 32, 32, 3),
                f"x should be an ndarray of shape (5, 32, 32, 3), received {describe(gx)}")
    expect_true(gx.dtype == np.uint8, f"x should keep the file's bytes as uint8, received dtype {gx.dtype}")
    expect_true(isinstance(gy, np.ndarray) and gy.shape == (5,),
                f"y should be an ndarray of shape (5,), received {describe(gy)}")
    expect_true(gy.dtype == np.int64, f"y should be int64, received dtype {gy.dtype}")


@pytest.mark.task("load_cifar_batch", points=3)
def test_load_cifar_batch_rows_are_channel_first(student):
    x, y = H.random_batch(np.random.default_rng(2), 4)
    gx, gy = _loaded(student, x, y, "load_cifar_batch (a batch of 4 images)")
    expect_true(isinstance(gx, np.ndarray) and gx.shape == x.shape,
                f"x should be an ndarray of shape {x.shape}, received {describe(gx)}")
    expect_true(bool(np.array_equal(gx, x)),
                "x is not the images of the file as height x width x channels: each row holds 1024 red values, "
                "then 1024 green, then 1024 blue (each a 32 x 32 image, row by row), so a row is (3, 32, 32) "
                "and the image is that turned to (32, 32, 3); a plain reshape(N, 32, 32, 3) mixes the colours up")
    expect_equal(np.asarray(gy).tolist(), y.tolist(), what="y (the labels in the file's order)")


@pytest.mark.task("load_label_names", points=3)
def test_load_label_names_returns_str(student):
    names = ["cat", "dog", "frog"]
    folder = H.write_cifar_folder(student, {"batches.meta": F.meta_bytes(names)})
    got = student.load_label_names(f"{folder}/batches.meta")
    expect_true(isinstance(got, (list, tuple)) and len(got) == 3,
                f"load_label_names should return a list of 3 names, received {describe(got)}")
    expect_true(all(isinstance(n, str) for n in got),
                "the label names should be str: with encoding='bytes' they come back as bytes, decode them")
    expect_equal(list(got), names, what="load_label_names (a meta file with the names cat, dog, frog)")


@pytest.mark.task("class_counts", points=3)
def test_class_counts_small_example(student):
    got = student.class_counts(np.array([3, 1, 3, 3, 0, 1], dtype=np.int64))
    expect_true(isinstance(got, dict), f"class_counts should return a dict, received {describe(got)}")
    expect_true(all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in got),
                "the keys of class_counts should be the labels (integers)")
    got = {int(k): v for k, v in got.items() if v != 0}
    expect_equal(got, {0: 1, 1: 2, 3: 3}, what="class_counts([3, 1, 3, 3, 0, 1])")
