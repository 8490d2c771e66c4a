"""Hidden checks for week 3 loss and metrics: random inputs compared with the reference solution."""
import numpy as np
import pytest

from autograder.testing.checks import expect_int_array, expect_scalar, expect_tuple

TOL = dict(rtol=1e-5, atol=1e-6)      # float32 arithmetic (as in Keras) is a correct answer too


def _probabilities(rng, shape, zeros=False):
    p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]) if len(shape) > 1 else rng.dirichlet(np.ones(shape[0]))
    if zeros:
        p = np.where(rng.random(p.shape) < 0.3, 0.0, p)
        p = p / np.maximum(p.sum(axis=-1, keepdims=True), 1e-300)
    return p


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


@pytest.mark.task("cross_entropy", points=2)
def test_cross_entropy_random(student, reference, rng):
    for case, k in enumerate((2, 3, 7, 10)):
        y_true = _one_hot(rng, 1, k)[0] if case % 2 == 0 else _probabilities(rng, (k,))
        y_pred = _probabilities(rng, (k,))
        args = (y_true, y_pred) if case < 2 else (y_true.tolist(), y_pred.tolist())
        expect_scalar(student.cross_entropy(*args), reference.cross_entropy(*args), **TOL,
                      what=f"cross_entropy on a random {k}-class sample")


@pytest.mark.task("cross_entropy", points=1)
def test_cross_entropy_clips_zeros_and_ones(student, reference, rng):
    k = 5
    for eps in (1e-12, 1e-7, 0.01):
        y_true = _one_hot(rng, 1, k)[0]
        y_pred = np.zeros(k)
        y_pred[int(rng.integers(0, k))] = 1.0          # a confident prediction, right or wrong
        for pred in (y_pred, np.roll(y_pred, 1)):
            expect_scalar(student.cross_entropy(y_true, pred, eps=eps), reference.cross_entropy(y_true, pred, eps=eps),
                          **TOL, what=f"cross_entropy with predictions of exactly 0 and 1 (eps={eps:g})")


@pytest.mark.task("mean_cross_entropy", points=2)
def test_mean_cross_entropy_random(student, reference, rng):
    for n, k in ((1, 4), (5, 3), (32, 10)):
        y_true, y_pred = _one_hot(rng, n, k), _probabilities(rng, (n, k))
        expect_scalar(student.mean_cross_entropy(y_true, y_pred), reference.mean_cross_entropy(y_true, y_pred),
                      **TOL, what=f"mean_cross_entropy on random ({n}, {k}) inputs")


@pytest.mark.task("mean_cross_entropy", points=1)
def test_mean_cross_entropy_clipping(student, reference, rng):
    y_true, y_pred = _one_hot(rng, 8, 4), _probabilities(rng, (8, 4), zeros=True)
    for eps in (1e-12, 1e-4):
        expect_scalar(student.mean_cross_entropy(y_true, y_pred, eps=eps),
                      reference.mean_cross_entropy(y_true, y_pred, eps=eps), **TOL,
                      what=f"mean_cross_entropy with zero probabilities (eps={eps:g})")


@pytest.mark.task("confusion_matrix", points=2)
def test_confusion_matrix_random(student, reference, rng):
    for n, k in ((1, 2), (20, 3), (200, 10)):
        y_true, y_pred = rng.integers(0, k, size=n), rng.integers(0, k, size=n)
        labels = list(range(k))
        expect_int_array(student.confusion_matrix(y_true, y_pred, labels),
                         reference.confusion_matrix(y_true, y_pred, labels),
                         what=f"confusion_matrix on {n} random labels of {k} classes")


@pytest.mark.task("confusion_matrix", points=2)
def test_confusion_matrix_label_order_and_values(student, reference, rng):
    values = np.array([-3, 7, 42, 100, 5])
    y_true, y_pred = rng.choice(values[:4], size=60), rng.choice(values[:4], size=60)
    labels = [int(v) for v in rng.permutation(values)]      # any order; 5 is never seen
    expect_int_array(student.confusion_matrix(y_true.tolist(), y_pred.tolist(), labels),
                     reference.confusion_matrix(y_true.tolist(), y_pred.tolist(), labels),
                     what=f"confusion_matrix with labels={labels} (in that order, one label unused)")


@pytest.mark.task("confusion_matrix", points=1)
def test_confusion_matrix_string_labels(student, reference, rng):
    names = ["cat", "dog", "airplane", "ship"]
    y_true = [names[i] for i in rng.integers(0, 4, size=40)]
    y_pred = [names[i] for i in rng.integers(0, 4, size=40)]
    labels = ["ship", "cat", "dog", "airplane"]
    expect_int_array(student.confusion_matrix(y_true, y_pred, labels),
                     reference.confusion_matrix(y_true, y_pred, labels),
                     what=f"confusion_matrix with string labels {labels}")
    subset = ["dog", "cat"]          # like scikit-learn: pairs with a label outside `labels` are not counted
    expect_int_array(student.confusion_matrix(y_true, y_pred, subset),
                     reference.confusion_matrix(y_true, y_pred, subset),
                     what=f"confusion_matrix with labels={subset} (samples of other labels are left out, "
                          "like scikit-learn)")


def _prf_check(student, reference, y_true, y_pred, average, context):
    expect_tuple(student.precision_recall_f1(y_true, y_pred, average),
                 reference.precision_recall_f1(y_true, y_pred, average), **TOL,
                 what=f"precision_recall_f1(..., average={average!r}) {context}",
                 names=("precision", "recall", "f1"))


@pytest.mark.task("precision_recall_f1", points=3)
def test_precision_recall_f1_random(student, reference, rng):
    for n, k in ((30, 2), (100, 4), (300, 10)):
        y_true, y_pred = rng.integers(0, k, size=n), rng.integers(0, k, size=n)
        y_pred = np.where(rng.random(n) < 0.5, y_true, y_pred)     # better than chance
        for average in (None, "micro", "macro", "weighted"):
            _prf_check(student, reference, y_true, y_pred, average, f"on {n} random labels of {k} classes")


@pytest.mark.task("precision_recall_f1", points=1)
def test_precision_recall_f1_label_never_predicted(student, reference, rng):
    y_true = rng.integers(0, 4, size=50)
    y_pred = np.where(y_true == 3, 0, y_true)          # label 3 is never predicted: its precision is 0
    y_pred = np.where(rng.random(50) < 0.2, 1, y_pred)
    for average in (None, "macro", "weighted"):
        _prf_check(student, reference, y_true, y_pred, average, "when a label is never predicted")


@pytest.mark.task("precision_recall_f1", points=1)
def test_precision_recall_f1_label_only_predicted(student, reference, rng):
    y_true = [int(v) for v in rng.choice([2, 5, 9], size=40)]
    y_pred = [v if rng.random() < 0.7 else 7 for v in y_true]   # 7 is predicted but never the gold label
    for average in (None, "micro", "macro", "weighted"):
        _prf_check(student, reference, y_true, y_pred, average, "when a predicted label never occurs in y_true")
