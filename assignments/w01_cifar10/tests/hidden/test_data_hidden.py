"""Hidden checks for week 1: CIFAR-10 batch files and label names (written by the grader in the real Python 2
pickle format), class counts."""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w01_helpers")
F = H.load("_cifar_format")

CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
WORDS = ["apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle", "bowl",
         "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle", "chair",
         "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
         "pickup truck", "maple_tree", "lawn-mower", "sweet pepper", "T-shirt", "x"]


def _load(student, files, name):
    folder = H.write_cifar_folder(student, files)
    return student.load_cifar_batch(f"{folder}/{name}")


def _check_batch(got, x, y, what):
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2, f"{what} should return (x, y), received "
                                                                   f"{describe(got)}")
    gx, gy = got
    n = len(y)
    expect_true(isinstance(gx, np.ndarray) and gx.shape == (n, 32, 32, 3),
                f"{what}: x should be an ndarray of shape ({n}, 32, 32, 3), received {describe(gx)}")
    expect_true(gx.dtype == np.uint8, f"{what}: x should be uint8 (the file's bytes), received dtype {gx.dtype}")
    expect_true(isinstance(gy, np.ndarray) and gy.shape == (n,),
                f"{what}: y should be an ndarray of shape ({n},), received {describe(gy)}")
    expect_true(gy.dtype == np.int64, f"{what}: y should be int64, received dtype {gy.dtype}")
    if not np.array_equal(gx, x):
        chw = F.to_rows(x).reshape(n, 3, 32, 32)
        if np.array_equal(gx, chw.reshape(n, 32, 32, 3)):
            hint = ": it is the rows reshaped straight to (32, 32, 3), which mixes the colour planes up"
        elif np.array_equal(gx, chw.transpose(0, 3, 2, 1)):
            hint = ": height and width are swapped (the images are transposed)"
        else:
            hint = ""
        raise AssertionError(f"{what}: x is not the file's images as height x width x channels{hint}")
    expect_equal(gy.tolist(), [int(v) for v in y], what=f"{what}: y")


@pytest.mark.task("load_cifar_batch", points=6)
def test_load_cifar_batch_random_batches(student, rng):
    for n in (1, 7, 64):
        x, y = H.random_batch(rng, n)
        blob = F.batch_bytes(F.to_rows(x), y)
        _check_batch(_load(student, {"data_batch_3": blob}, "data_batch_3"), x, y,
                     f"load_cifar_batch (a batch of {n} image(s))")


@pytest.mark.task("load_cifar_batch", points=3)
def test_load_cifar_batch_test_batch_in_a_folder(student, rng):
    x, y = H.random_batch(rng, 30)
    blob = F.batch_bytes(F.to_rows(x), y, batch_label="testing batch 1 of 1")
    got = _load(student, {"cifar-10-batches-py/test_batch": blob}, "cifar-10-batches-py/test_batch")
    _check_batch(got, x, y, "load_cifar_batch('cifar-10-batches-py/test_batch') (30 images)")


@pytest.mark.task("load_cifar_batch", points=3)
def test_load_cifar_batch_colour_planes(student, rng):
    # each image: red grows down the rows, green across the columns, blue constant: any mix-up of the
    # (3, 32, 32) planes or of height and width changes the image
    n = 5
    r = np.arange(32, dtype=np.uint8)[:, None] * 7 + rng.integers(0, 20, size=(n, 1, 1)).astype(np.uint8)
    g = np.arange(32, dtype=np.uint8)[None, :] * 5 + rng.integers(50, 80, size=(n, 1, 1)).astype(np.uint8)
    b = np.broadcast_to(rng.integers(200, 256, size=(n, 1, 1)), (n, 32, 32))
    x = np.stack([np.broadcast_to(r, (n, 32, 32)), np.broadcast_to(g, (n, 32, 32)), b], axis=-1).astype(np.uint8)
    y = rng.integers(0, 10, size=n)
    _check_batch(_load(student, {"data_batch_5": F.batch_bytes(F.to_rows(x), y)}, "data_batch_5"), x, y,
                 "load_cifar_batch on images with a different pattern in each colour plane")


@pytest.mark.task("load_cifar_batch", points=3)
def test_load_cifar_batch_every_label(student, rng):
    x, _ = H.random_batch(rng, 40)
    y = np.concatenate([np.arange(10), rng.integers(0, 10, size=30)])
    rng.shuffle(y)
    _check_batch(_load(student, {"data_batch_2": F.batch_bytes(F.to_rows(x), y)}, "data_batch_2"), x, y,
                 "load_cifar_batch (40 images, every label 0-9)")


def _names(student, names, what):
    folder = H.write_cifar_folder(student, {"batches.meta": F.meta_bytes(names)})
    got = student.load_label_names(f"{folder}/batches.meta")
    expect_true(isinstance(got, (list, tuple)) and len(got) == len(names),
                f"{what} should return a list of {len(names)} names, received {describe(got)}")
    expect_true(all(isinstance(n, str) for n in got),
                f"{what}: every name should be a str (bytes from encoding='bytes' must be decoded)")
    expect_equal(list(got), list(names), what=what)


@pytest.mark.task("load_label_names", points=4)
def test_load_label_names_random_names(student, rng):
    for k in (2, 5, 10):
        names = [str(w) for w in rng.choice(WORDS, size=k, replace=False)]
        _names(student, names, f"load_label_names on a meta file with {k} names")


@pytest.mark.task("load_label_names", points=3)
def test_load_label_names_cifar10_names_in_another_order(student, rng):
    names = [CIFAR10[i] for i in rng.permutation(10)]
    _names(student, names, "load_label_names on a meta file with the CIFAR-10 names in another order")


def _counts(student, y, what):
    got = student.class_counts(y)
    expect_true(isinstance(got, dict), f"{what} should return a dict, received {describe(got)}")
    expect_true(all(isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)) for k in got),
                f"{what}: the keys should be the labels (integers)")
    expect_true(all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in got.values()),
                f"{what}: the values should be counts (integers)")
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    expect_equal({int(k): int(v) for k, v in got.items() if v != 0},
                 {int(k): int(v) for k, v in zip(labels, counts)}, what=what)


@pytest.mark.task("class_counts", points=3)
def test_class_counts_random_labels(student, rng):
    for n in (1, 37, 500):
        y = rng.integers(0, 10, size=n).astype(np.int64)
        _counts(student, y, f"class_counts on {n} random labels")


@pytest.mark.task("class_counts", points=2)
def test_class_counts_few_classes(student, rng):
    _counts(student, np.full(12, 7, dtype=np.int64), "class_counts on 12 labels that are all 7")
    y = rng.choice(np.array([2, 9]), size=25).astype(np.int64)
    _counts(student, y, "class_counts on labels 2 and 9 only")
