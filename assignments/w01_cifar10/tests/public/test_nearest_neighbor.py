"""Public checks for week 1: the nearest-neighbour classifier (L1 and L2) and accuracy.

`student.NearestNeighbor()` makes an instance inside the notebook's kernel; its methods are called there.
"""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_scalar, expect_true


def _case(rng, d):
    """(x_train uint8, y_train, query (1, d) uint8, label of the L1-nearest, label of the L2-nearest).

    Row A differs from the query by 2 grey levels in every one of the d values (L1 = 2d, L2 = 2 sqrt(d)),
    row B by 60 levels in 3 values (L1 = 180, L2 = 104): for d >= 100, L1 picks B and L2 picks A."""
    q = rng.integers(70, 180, size=d)
    a = q + rng.choice([-2, 2], size=d)
    b = q.copy()
    b[rng.choice(d, size=3, replace=False)] += 60
    far = rng.integers(0, 256, size=(6, d))
    x = np.vstack([far[:3], a, far[3:], b]).astype(np.uint8)
    y = np.array([7, 1, 5, 2, 0, 9, 4, 6])        # A is row 3 (label 2), B row 7 (label 6)
    return x, y, q[None].astype(np.uint8), 6, 2


def _predict(student, x, y, xq, **kw):
    nn = student.NearestNeighbor()
    nn.call("train", x, y)
    return nn.call("predict", xq, **kw)


def _labels(got, n, what):
    expect_true(isinstance(got, (np.ndarray, list, tuple)) and np.size(got) == n,
                f"{what} should return {n} label(s), one per query row, received {describe(got)}")
    return np.asarray(got).reshape(n)


@pytest.mark.task("NearestNeighbor", points=3)
def test_nearest_neighbor_l1_and_l2_pick_different_rows(student):
    x, y, xq, want_l1, want_l2 = _case(np.random.default_rng(3), d=192)
    got = _labels(_predict(student, x, y, xq, distance="l1"), 1, "predict(xq, distance='l1')")
    expect_array(got, [want_l1], rtol=0, atol=0, dtype_kind="iuf",
                 what="predict(xq, distance='l1') on a query whose L1- and L2-nearest rows differ")
    got = _labels(_predict(student, x, y, xq, distance="l2"), 1, "predict(xq, distance='l2')")
    expect_array(got, [want_l2], rtol=0, atol=0, dtype_kind="iuf",
                 what="predict(xq, distance='l2') on a query whose L1- and L2-nearest rows differ")


@pytest.mark.task("NearestNeighbor", points=2)
def test_nearest_neighbor_default_is_l1(student):
    x, y, xq, want_l1, _ = _case(np.random.default_rng(4), d=192)
    got = _labels(_predict(student, x, y, xq), 1, "predict(xq)")
    expect_array(got, [want_l1], rtol=0, atol=0, dtype_kind="iuf", what="predict(xq) (distance='l1' by default)")


@pytest.mark.task("NearestNeighbor", points=3)
def test_nearest_neighbor_many_query_rows(student):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 256, size=(20, 3072)).astype(np.uint8)     # 20 CIFAR-sized rows
    y = rng.integers(0, 10, size=20)
    pick = np.array([4, 0, 19, 4, 11, 7])
    xq = np.clip(x[pick].astype(int) + rng.integers(-20, 21, size=(6, 3072)), 0, 255).astype(np.uint8)
    for distance in ("l1", "l2"):
        got = _labels(_predict(student, x, y, xq, distance=distance), 6, f"predict(xq, distance={distance!r})")
        expect_array(got, y[pick], rtol=0, atol=0, dtype_kind="iuf",
                     what=f"predict on 6 uint8 query rows near training rows (distance={distance!r}); "
                          f"uint8 differences wrap around, compute in a signed or float type")


@pytest.mark.task("accuracy", points=3)
def test_accuracy_small_examples(student):
    expect_scalar(student.accuracy([1, 2, 3, 4], [1, 2, 0, 4]), 0.75, rtol=1e-9, atol=1e-12,
                  what="accuracy([1, 2, 3, 4], [1, 2, 0, 4])")
    expect_scalar(student.accuracy(np.array([0, 0, 1]), np.array([1, 1, 0])), 0.0, rtol=1e-9, atol=1e-12,
                  what="accuracy([0, 0, 1], [1, 1, 0])")
    expect_scalar(student.accuracy(np.arange(10), np.arange(10)), 1.0, rtol=1e-9, atol=1e-12,
                  what="accuracy(y, y)")
