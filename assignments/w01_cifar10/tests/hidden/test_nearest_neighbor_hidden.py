"""Hidden checks for week 1: the nearest-neighbour classifier against the reference on random rows (only
queries whose nearest training row is clearly nearest, so float32 or expanded-square arithmetic gives the same
answer) and accuracy."""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_scalar, expect_true


def _distances(xtr, xq, distance):
    diff = xq.astype(np.float64)[:, None, :] - xtr.astype(np.float64)[None, :, :]
    return np.abs(diff).sum(-1) if distance == "l1" else np.sqrt((diff ** 2).sum(-1))


def _clear(xtr, xq):
    """Query rows whose nearest training row is nearer than the second by 0.1 % in L1 and in L2."""
    keep = np.ones(len(xq), dtype=bool)
    for distance in ("l1", "l2"):
        d = np.sort(_distances(xtr, xq, distance), axis=1)
        keep &= d[:, 1] - d[:, 0] > 1e-3 * np.maximum(d[:, 1], 1e-9)
    return xq[keep]


def _fit_predict(student, x, y, xq, distance):
    nn = student.NearestNeighbor()
    nn.call("train", x, y)
    return nn.call("predict", xq, distance=distance)


def _expect_labels(got, want, what):
    expect_true(isinstance(got, (np.ndarray, list, tuple)) and np.size(got) == len(want),
                f"{what} should return {len(want)} label(s), one per query row, received {describe(got)}")
    expect_array(np.asarray(got).reshape(len(want)), want, rtol=0, atol=0, dtype_kind="iuf", what=what)


def _cifar_rows(rng, n_train, n_query):
    x = rng.integers(0, 256, size=(n_train, 3072)).astype(np.uint8)
    y = rng.integers(0, 10, size=n_train)
    near = x[rng.integers(0, n_train, size=n_query)].astype(int) + rng.integers(-40, 41, size=(n_query, 3072))
    xq = np.vstack([np.clip(near, 0, 255), rng.integers(0, 256, size=(n_query // 2, 3072))]).astype(np.uint8)
    return x, y, _clear(x, xq)


@pytest.mark.task("NearestNeighbor", points=4)
def test_nearest_neighbor_l1_cifar_rows(student, reference, rng):
    x, y, xq = _cifar_rows(rng, 60, 12)
    want = reference.NearestNeighbor()
    want.train(x, y)
    _expect_labels(_fit_predict(student, x, y, xq, "l1"), want.predict(xq, distance="l1"),
                   f"predict(..., distance='l1') on {len(xq)} uint8 rows of 3072 values (60 training rows)")


@pytest.mark.task("NearestNeighbor", points=4)
def test_nearest_neighbor_l2_cifar_rows(student, reference, rng):
    x, y, xq = _cifar_rows(rng, 60, 12)
    want = reference.NearestNeighbor()
    want.train(x, y)
    _expect_labels(_fit_predict(student, x, y, xq, "l2"), want.predict(xq, distance="l2"),
                   f"predict(..., distance='l2') on {len(xq)} uint8 rows of 3072 values (60 training rows)")


def _l1_l2_cases(rng, d, k):
    """k queries; for each, training row A (every value +-1: L1 = d, L2 = sqrt(d)) and row B (3 values
    + delta: L1 = 3 delta, L2 = sqrt(3) delta) with different labels. With sqrt(d / 3) < delta < d / 3 the
    L1-nearest row is B and the L2-nearest A."""
    delta = int(min(round((d / 3) ** 0.75), 70))
    q = rng.integers(70, 180, size=(k, d))
    a = q + rng.choice([-1, 1], size=(k, d))
    b = q.copy()
    for row in b:
        row[rng.choice(d, size=3, replace=False)] += delta
    x = np.vstack([a, b]).astype(np.uint8)
    labels = rng.permutation(10)
    y = np.concatenate([labels[:k] if k <= 5 else rng.integers(0, 5, size=k),
                        labels[5:5 + k] if k <= 5 else rng.integers(5, 10, size=k)])
    order = rng.permutation(2 * k)
    return x[order], y[order], q.astype(np.uint8), y[k:], y[:k]


@pytest.mark.task("NearestNeighbor", points=3)
def test_nearest_neighbor_l1_l2_differ(student, rng):
    for d, k in ((100, 3), (3072, 4)):
        x, y, xq, want_l1, want_l2 = _l1_l2_cases(rng, d, k)
        for distance, want in (("l1", want_l1), ("l2", want_l2)):
            _expect_labels(_fit_predict(student, x, y, xq, distance), want,
                           f"predict(..., distance={distance!r}) on {k} queries of {d} values whose L1- and "
                           f"L2-nearest rows differ")


@pytest.mark.task("NearestNeighbor", points=2)
def test_nearest_neighbor_one_query_row(student, reference, rng):
    x = rng.integers(0, 256, size=(25, 16)).astype(np.float64)      # pixel values in a float array
    y = rng.integers(0, 10, size=25)
    want = reference.NearestNeighbor()
    want.train(x, y)
    for distance in ("l1", "l2"):
        near = np.clip(x[rng.integers(0, 25, size=4)] + rng.integers(-30, 31, size=(4, 16)), 0, 255)
        xq = _clear(x, near)[:1]
        _expect_labels(_fit_predict(student, x, y, xq, distance), want.predict(xq, distance=distance),
                       f"predict(xq, distance={distance!r}) with one query row of shape {xq.shape}")


@pytest.mark.task("NearestNeighbor", points=2)
def test_nearest_neighbor_int_rows_other_labels(student, reference, rng):
    # any integer dtype or float rows of pixel values: the students' casts (float, int64) all hold them exactly
    for d, dtype in ((3, np.int64), (20, np.float32)):
        x = rng.integers(0, 256, size=(40, d)).astype(dtype)
        y = rng.integers(100, 110, size=40)
        xq = _clear(x, rng.integers(0, 256, size=(15, d)).astype(dtype))
        want = reference.NearestNeighbor()
        want.train(x, y)
        for distance in ("l1", "l2"):
            _expect_labels(_fit_predict(student, x, y, xq, distance), want.predict(xq, distance=distance),
                           f"predict(..., distance={distance!r}) on {len(xq)} random {np.dtype(dtype).name} rows "
                           f"of {d} pixel values, labels 100-109")


@pytest.mark.task("NearestNeighbor", points=2)
def test_nearest_neighbor_ties_give_a_tied_label(student, rng):
    # the same row twice with different labels, and a query halfway between two rows: either label is right
    # (COURSE.md does not settle ties; the reference takes the first, as argmin does)
    d = 12
    x = rng.integers(0, 256, size=(8, d)).astype(np.float64)
    x[5] = x[2]
    y = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    x[7] = x[6]
    x[7, 0] = x[6, 0] + 20               # rows 6 and 7 differ in one value: the midpoint is 10 from both
    mid = x[6].copy()
    mid[0] += 10
    xq = np.vstack([x[2], mid])
    for distance in ("l1", "l2"):
        got = _fit_predict(student, x, y, xq, distance)
        expect_true(isinstance(got, (np.ndarray, list, tuple)) and np.size(got) == 2,
                    f"predict on 2 tied query rows should return 2 labels, received {describe(got)}")
        got = np.asarray(got).reshape(2).tolist()
        expect_true(got[0] in (2, 5) and got[1] in (6, 7),
                    f"predict(..., distance={distance!r}): a query at the same distance from two training rows "
                    f"should get the label of one of them")


@pytest.mark.task("accuracy", points=2)
def test_accuracy_random_arrays(student, rng):
    for n in (1, 7, 1000):
        y_true = rng.integers(0, 10, size=n)
        y_pred = np.where(rng.random(n) < rng.uniform(0.2, 0.9), y_true, rng.integers(0, 10, size=n))
        expect_scalar(student.accuracy(y_true, y_pred), float(np.mean(y_true == y_pred)), rtol=1e-9, atol=1e-12,
                      what=f"accuracy on {n} random labels")


@pytest.mark.task("accuracy", points=2)
def test_accuracy_lists_and_mixed_types(student, rng):
    y_true = rng.integers(0, 10, size=20)
    y_pred = y_true.copy()
    y_pred[rng.choice(20, size=5, replace=False)] += 1
    expect_scalar(student.accuracy(y_true.tolist(), y_pred.tolist()), 0.75, rtol=1e-9, atol=1e-12,
                  what="accuracy on two Python lists of 20 labels")
    expect_scalar(student.accuracy(y_true, y_pred.astype(np.int32).tolist()), 0.75, rtol=1e-9, atol=1e-12,
                  what="accuracy(an int64 array, a list)")
    expect_scalar(student.accuracy(y_true.astype(np.int32), y_true), 1.0, rtol=1e-9, atol=1e-12,
                  what="accuracy(an int32 array, the same labels as int64)")
