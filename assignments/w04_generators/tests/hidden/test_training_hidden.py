"""Hidden checks that `model.fit` really trains on the student's batch generator, PyDataset and augmenting
generator inside the kernel: the grader's tiny classifier (factory `train_probe`) is fitted there on the student's
object, then asked to predict held-out images the student's code never saw. Data that is misaligned, incomplete
or not fed at all leaves it at chance.

The class of an image is the band of rows that is bright, so rolling the columns (RecordingAugment) keeps it.
"""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")
K = 3
SHAPE = (6, 6, 1)


def bands(n, rng):
    """Images of K classes: class c has rows 2c, 2c+1 bright; labels int64."""
    y = rng.integers(0, K, size=n).astype(np.int64)
    x = (rng.random((n, *SHAPE)) * 0.6).astype(np.float32)
    for c in range(K):
        x[y == c, 2 * c:2 * c + 2] += 8.0
    return x, y


def _check_training(student, history, epochs, what, rng, threshold=0.9):
    expect_true(getattr(history, "kind", None) == "keras_history",
                f"model.fit on {what} did not return a History, received {describe(history)}")
    ran = history.description.get("epoch") or []
    losses = history.description.get("history", {}).get("loss") or []
    expect_true(len(ran) == epochs and len(losses) == epochs,
                f"model.fit on {what} ran {len(ran)} of {epochs} epochs")
    expect_true(bool(np.all(np.isfinite(losses))) and losses[-1] < losses[0],
                f"model.fit on {what}: the loss did not fall ({', '.join(f'{v:.3g}' for v in losses)})")
    x_hold, y_hold = bands(300, rng)
    probs = np.asarray(history.attr("model").call("predict", x_hold, verbose=0))
    accuracy = float(np.mean(probs.argmax(axis=1) == y_hold))
    expect_true(accuracy >= threshold, f"a model trained with model.fit on {what} reaches accuracy {accuracy:.2f} on "
                                       f"held-out images, expected at least {threshold}: are x and y aligned and "
                                       "every sample fed?")


@pytest.mark.task("batch_generator", points=3)
def test_fit_on_batch_generator(student, rng):
    xs, ys = bands(240, rng)
    gen = student.batch_generator(xs, ys, 8, shuffle=True, seed=1)
    C.expect_iterator(gen, "batch_generator(..., shuffle=True)")
    steps = 240 // 8
    history = student.make("train_probe", gen, list(SHAPE), K, epochs=4, steps_per_epoch=steps, seed=0)
    _check_training(student, history, 4, "batch_generator(240 images, 8, shuffle=True)", rng)


def _fit_sequence(student, rng, n, bs, epochs, threshold):
    xs, ys = bands(n, rng)
    aug = student.RecordingAugment()
    ds = student.ImageBatchSequence(xs, ys, bs, augment=aug, shuffle=True, seed=2)
    history = student.make("train_probe", ds, list(SHAPE), K, epochs=epochs, seed=0)
    _check_training(student, history, epochs, f"ImageBatchSequence({n} images, {bs}, augment, shuffle=True)", rng,
                    threshold)
    expect_true(aug.attr("calls") >= epochs * n, f"model.fit over {epochs} epochs of ImageBatchSequence({n} images) "
                                                 f"called augment {aug.attr('calls')} times, expected {epochs * n}")


@pytest.mark.task("ImageBatchSequence", points=3)
@pytest.mark.cpu_only
def test_fit_on_image_batch_sequence_cpu(student, rng):
    _fit_sequence(student, rng, 240, 8, 4, 0.9)


@pytest.mark.task("ImageBatchSequence", points=3)
@pytest.mark.gpu
def test_fit_on_image_batch_sequence_gpu(student, rng):
    _fit_sequence(student, rng, 4000, 64, 5, 0.95)


@pytest.mark.task("augmenting_generator", points=3)
def test_fit_on_augmenting_generator(student, rng):
    xs, ys = bands(240, rng)
    aug = student.RecordingAugment()
    gen = student.augmenting_generator(xs, ys, 8, aug, 3)
    C.expect_iterator(gen, "augmenting_generator(...)")
    history = student.make("train_probe", gen, list(SHAPE), K, epochs=4, steps_per_epoch=240 // 8, seed=0)
    _check_training(student, history, 4, "augmenting_generator(240 images, 8, augment, 3)", rng)
