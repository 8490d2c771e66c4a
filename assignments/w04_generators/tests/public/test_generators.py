"""Public checks for week 4: generators, batch generators and the PyDataset (a few quick cases each).

Your generators stay in your kernel; the checks ask for one item at a time, as `next(gen)` would.
"""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_scalar, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")


@pytest.mark.task("firstn", points=2)
def test_firstn_is_a_generator_of_0_to_n_minus_1(student):
    gen = student.firstn(5)
    C.expect_iterator(gen, "firstn(5)")
    expect_equal(C.take(gen, 5, "firstn(5)"), [0, 1, 2, 3, 4], what="the items of firstn(5)")
    try:
        extra = gen.call("__next__")
    except C.StudentException as e:
        expect_true(e.ename == "StopIteration", f"firstn(5) raised {e.ename} after 5 items instead of stopping")
    else:
        raise C.CheckFailed(f"firstn(5) gave a 6th item ({describe(extra)}); it should stop after 5")


@pytest.mark.task("cycle", points=2)
def test_cycle_repeats_endlessly(student):
    gen = student.cycle([1, 2, 3])
    C.expect_iterator(gen, "cycle([1, 2, 3])")
    expect_equal(C.take(gen, 8, "cycle([1, 2, 3])"), [1, 2, 3, 1, 2, 3, 1, 2], what="the first 8 items of cycle([1, 2, 3])")


@pytest.mark.task("steps_per_epoch", points=1)
def test_steps_per_epoch_rounds_up(student):
    for n, b, want in ((10, 3, 4), (9, 3, 3), (2, 5, 1)):
        expect_scalar(student.steps_per_epoch(n, b), want, what=f"steps_per_epoch({n}, {b})")


@pytest.mark.task("batch_generator", points=3)
def test_batch_generator_in_order_with_remainder(student, rng):
    xs, ys = C.indexed_data(10, (3, 2), rng)
    gen = student.batch_generator(xs, ys, 4)
    C.expect_iterator(gen, "batch_generator(xs, ys, 4)")
    for epoch in range(2):
        order = C.pull_epoch(gen, xs, ys, 4, f"batch_generator(10 samples, batch_size=4), epoch {epoch + 1}")
        expect_true(order == list(range(10)), "batch_generator without shuffle should give the samples in their "
                                              "order, every epoch")


@pytest.mark.task("batch_generator", points=2)
def test_batch_generator_shuffles_each_epoch(student, rng):
    xs, ys = C.indexed_data(20, (2, 2, 1), rng)
    gen = student.batch_generator(xs, ys, 6, shuffle=True, seed=3)
    what = "batch_generator(20 samples, batch_size=6, shuffle=True, seed=3)"
    first = C.pull_epoch(gen, xs, ys, 6, what)
    second = C.pull_epoch(gen, xs, ys, 6, what)
    for order in (first, second):
        C.expect_permutation(order, 20, what)
    expect_true(first != list(range(20)), f"{what}: the first epoch is not shuffled")
    expect_true(first != second, f"{what}: the second epoch has the same order as the first; draw a new "
                                 "permutation each epoch")


@pytest.mark.task("ImageBatchSequence", points=3)
def test_image_batch_sequence_len_and_every_batch(student, rng):
    xs, ys = C.indexed_data(11, (4, 4, 3), rng, dtype=np.uint8)
    ds = student.ImageBatchSequence(xs, ys, 4)
    expect_true("PyDataset" in (getattr(ds, "description", None) or {}).get("mro", []),
                f"ImageBatchSequence(...) should be a keras.utils.PyDataset subclass, received {describe(ds)}")
    expect_scalar(ds.call("__len__"), 3, what="len(ImageBatchSequence(11 images, batch_size=4))")
    order = []
    for i, size in enumerate([4, 4, 3]):
        x, y = C.expect_batch(ds.call("__getitem__", i), xs, ys, f"ImageBatchSequence(11 images, 4)[{i}]", size=size)
        C.check_aligned(x, y, xs, f"ImageBatchSequence(11 images, 4)[{i}]")
        order.extend(int(v) for v in y)
    expect_true(order == list(range(11)), "ImageBatchSequence without shuffle should keep the samples' order")


@pytest.mark.task("ImageBatchSequence", points=2)
def test_image_batch_sequence_applies_augment(student, rng):
    xs, ys = C.indexed_data(6, (3, 5, 1), rng, dtype=np.uint8)
    aug = student.RecordingAugment()
    ds = student.ImageBatchSequence(xs, ys, 4, augment=aug)
    for i in range(2):
        x, y = C.expect_batch(ds.call("__getitem__", i), xs, ys, f"ImageBatchSequence(..., augment=aug)[{i}]",
                              size=[4, 2][i], same_dtype=False)
        C.check_aligned(x, y, xs, f"ImageBatchSequence(..., augment=aug)[{i}] (each image should be augment(img, rng))",
                        C.is_roll_of)
    expect_scalar(aug.attr("calls"), 6, what="the number of augment calls for 6 images")


@pytest.mark.task("augmenting_generator", points=4)
def test_augmenting_generator_batches(student, rng):
    xs, ys = C.indexed_data(7, (2, 6, 3), rng, dtype=np.uint8)
    aug = student.RecordingAugment()
    gen = student.augmenting_generator(xs, ys, 3, aug, 5)
    C.expect_iterator(gen, "augmenting_generator(xs, ys, 3, augment, 5)")
    what = "augmenting_generator(7 images, batch_size=3, augment, seed=5)"
    order = C.pull_epoch(gen, xs, ys, 3, what, transform=C.is_roll_of, same_dtype=False)
    C.expect_permutation(order, 7, what)
    expect_scalar(aug.attr("calls"), 7, what=f"{what}: the number of augment calls in one epoch")
    expect_true(set(aug.attr("rng_classes")) == {"Generator"},
                f"{what}: augment(img, rng) should receive a numpy.random.Generator, received "
                f"{sorted(set(aug.attr('rng_classes')))}")
