"""Public checks for week 3: loss and metrics (worked examples from the lecture slides)."""
import math

import numpy as np
import pytest

from autograder.testing.checks import expect_int_array, expect_scalar, expect_tuple

TOL = dict(rtol=1e-5, atol=1e-6)      # float32 arithmetic (as in Keras) is a correct answer too


@pytest.mark.task("cross_entropy", points=2)
def test_cross_entropy_slide_examples(student):
    expect_scalar(student.cross_entropy([1, 0, 0, 0], [0.9, 0, 0, 0.1]), 0.10536051565782628, **TOL,
                  what="cross_entropy([1, 0, 0, 0], [0.9, 0, 0, 0.1])")
    expect_scalar(student.cross_entropy(np.array([1.0, 0, 0, 0]), np.array([0.1, 0.8, 0.1, 0])), 2.302585092994046,
                  **TOL, what="cross_entropy([1, 0, 0, 0], [0.1, 0.8, 0.1, 0])")
    # a zero probability on the true class is clipped to eps: -log(eps), not inf
    expect_scalar(student.cross_entropy([0, 1], [1.0, 0.0]), -math.log(1e-12), **TOL,
                  what="cross_entropy([0, 1], [1.0, 0.0]) (clipped to eps=1e-12)")
    expect_scalar(student.cross_entropy([0, 1], [0.5, 0.0], eps=1e-3), -math.log(1e-3), **TOL,
                  what="cross_entropy([0, 1], [0.5, 0.0], eps=1e-3)")


@pytest.mark.task("mean_cross_entropy", points=2)
def test_mean_cross_entropy_two_samples(student):
    y_true = [[1, 0, 0, 0], [1, 0, 0, 0]]
    y_pred = [[0.9, 0, 0, 0.1], [0.1, 0.8, 0.1, 0]]
    expect_scalar(student.mean_cross_entropy(y_true, y_pred), (-math.log(0.9) - math.log(0.1)) / 2, **TOL,
                  what="mean_cross_entropy of the two slide examples")
    expect_scalar(student.mean_cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.25, 0.75]])), -math.log(0.75),
                  **TOL, what="mean_cross_entropy([[0, 1]], [[0.25, 0.75]])")


def _from_counts(table, labels):
    """y_true, y_pred lists from a table whose rows are gold labels and columns predicted labels."""
    y_true, y_pred = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            y_true += [labels[i]] * count
            y_pred += [labels[j]] * count
    return y_true, y_pred


# The slide's multi-class table lists Predicted_X as rows and GoldLabel_X as columns; ours is the transpose.
THREE_CLASS = [[30, 50, 20], [20, 60, 20], [10, 10, 80]]
# TP = 80, FN = 25, FP = 10, TN = 35 with label 1 = YES and 0 = NO.
BINARY = [[80, 25], [10, 35]]


@pytest.mark.task("confusion_matrix", points=2)
def test_confusion_matrix_slide_three_classes(student):
    y_true, y_pred = _from_counts(THREE_CLASS, ["A", "B", "C"])
    expect_int_array(student.confusion_matrix(y_true, y_pred, ["A", "B", "C"]), np.array(THREE_CLASS),
                     what="confusion_matrix on the slide's A/B/C example (rows = gold, columns = predicted)")


@pytest.mark.task("confusion_matrix", points=1)
def test_confusion_matrix_follows_label_order(student):
    y_true, y_pred = _from_counts(BINARY, [1, 0])
    expect_int_array(student.confusion_matrix(y_true, y_pred, [1, 0]), np.array(BINARY),
                     what="confusion_matrix(y_true, y_pred, labels=[1, 0]) on the slide's TP/FP example")
    expect_int_array(student.confusion_matrix(y_true, y_pred, [0, 1]), np.array([[35, 10], [25, 80]]),
                     what="confusion_matrix(y_true, y_pred, labels=[0, 1]) on the slide's TP/FP example")


@pytest.mark.task("precision_recall_f1", points=2)
def test_precision_recall_f1_slide_binary(student):
    y_true, y_pred = _from_counts(BINARY, [1, 0])
    precision = np.array([35 / 60, 80 / 90])          # labels sorted: 0 (NO), 1 (YES)
    recall = np.array([35 / 45, 80 / 105])
    f1 = 2 * precision * recall / (precision + recall)
    expect_tuple(student.precision_recall_f1(y_true, y_pred, None), (precision, recall, f1), **TOL,
                 what="precision_recall_f1(..., average=None) on the TP/FP example",
                 names=("precision", "recall", "f1"))


@pytest.mark.task("precision_recall_f1", points=3)
def test_precision_recall_f1_slide_three_classes(student):
    y_true, y_pred = _from_counts(THREE_CLASS, ["A", "B", "C"])
    precision = np.array([30 / 60, 60 / 120, 80 / 120])
    recall = np.array([0.3, 0.6, 0.8])
    f1 = 2 * precision * recall / (precision + recall)
    names = ("precision", "recall", "f1")
    expect_tuple(student.precision_recall_f1(y_true, y_pred, None), (precision, recall, f1), **TOL,
                 what="precision_recall_f1(..., average=None) on the A/B/C example", names=names)
    expect_tuple(student.precision_recall_f1(y_true, y_pred, "macro"),
                 (precision.mean(), recall.mean(), f1.mean()), **TOL,
                 what="precision_recall_f1(..., average='macro') on the A/B/C example", names=names)
    accuracy = 170 / 300
    expect_tuple(student.precision_recall_f1(y_true, y_pred, "micro"), (accuracy, accuracy, accuracy), **TOL,
                 what="precision_recall_f1(..., average='micro') on the A/B/C example", names=names)
