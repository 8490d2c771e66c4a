"""Hidden checks for week 4's generators, batch generators and PyDataset: random shapes, dtypes and batch sizes,
every epoch covering every sample once, x and y aligned, a new permutation each epoch reproducible from the seed.

COURSE.md does not say WHICH permutation: no check compares the order with the reference's, only its properties.
"""
import math

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")


# --- firstn, cycle, steps_per_epoch ---------------------------------------------------------------------------
@pytest.mark.task("firstn", points=1)
def test_firstn_random_n_and_zero(student, rng):
    for n in (0, 1, int(rng.integers(2, 40))):
        gen = student.firstn(n)
        C.expect_iterator(gen, f"firstn({n})")
        expect_equal(C.take(gen, n, f"firstn({n})"), list(range(n)), what=f"the items of firstn({n})")
        try:
            gen.call("__next__")
        except C.StudentException as e:
            expect_true(e.ename == "StopIteration", f"firstn({n}) raised {e.ename} after {n} items instead of stopping")
        else:
            raise C.CheckFailed(f"firstn({n}) gave more than {n} items")


@pytest.mark.task("firstn", points=1)
def test_firstn_is_lazy(student):
    # a list (or an iterator over a list) of 10**12 numbers never finishes: the call times out or runs out of memory
    gen = student.firstn(10**12)
    C.expect_iterator(gen, "firstn(10**12)")
    expect_equal(C.take(gen, 3, "firstn(10**12)"), [0, 1, 2], what="the first items of firstn(10**12)")


@pytest.mark.task("cycle", points=1)
def test_cycle_over_an_iterator_and_random_lists(student, rng):
    for k in (1, int(rng.integers(2, 7))):
        items = [int(v) for v in rng.integers(-50, 50, size=k)]
        got = C.take(student.cycle(items), 3 * k + 1, f"cycle({items})")
        expect_equal(got, (items * 4)[:3 * k + 1], what=f"the first {3 * k + 1} items of cycle({items})")
    gen = student.cycle("abc")
    expect_equal(C.take(gen, 7, "cycle('abc')"), list("abcabca"), what="the first 7 items of cycle('abc')")
    # an iterator can be walked only once: cycle must keep what it saw. The iterator is a generator from the
    # student's firstn (the only iterator a test can make in the kernel); its items are read from another one
    # first, so that this check never depends on firstn being right
    probe = student.firstn(4)
    if getattr(probe, "kind", None) == "iterator":
        items = []
        try:
            while len(items) < 12:
                items.append(probe.call("__next__"))
        except C.StudentException:
            pass
        if 0 < len(items) < 12:
            got = C.take(student.cycle(student.firstn(4)), 3 * len(items), "cycle(firstn(4))")
            expect_equal(got, items * 3, what=f"the first {3 * len(items)} items of cycle(firstn(4)) (an iterator "
                         "is consumed by the first pass: save its items)")


@pytest.mark.task("cycle", points=1)
def test_cycle_of_nothing_stops(student):
    gen = student.cycle([])
    C.expect_iterator(gen, "cycle([])")
    try:
        item = gen.call("__next__")
    except C.StudentException as e:
        expect_true(e.ename == "StopIteration", f"next(cycle([])) raised {e.ename}; like itertools.cycle it "
                                                "should stop at once (StopIteration)")
    else:
        raise C.CheckFailed(f"next(cycle([])) gave {describe(item)}; like itertools.cycle it should stop at once")


@pytest.mark.task("steps_per_epoch", points=2)
def test_steps_per_epoch_random(student, rng):
    cases = [(1, 1), (7, 7), (8, 7), (6, 7), (1000, 32), (1024, 32), (10**9 + 1, 10**3)]
    cases += [(int(rng.integers(1, 5000)), int(rng.integers(1, 300))) for _ in range(10)]
    for n, b in cases:
        got = student.steps_per_epoch(n, b)
        expect_true(isinstance(got, (int, np.integer)) and not isinstance(got, bool),
                    f"steps_per_epoch({n}, {b}) should return an int, received {describe(got)}")
        expect_true(int(got) == math.ceil(n / b), f"steps_per_epoch({n}, {b}) returned {got}: every sample "
                                                   "must be covered, the last batch holding the remainder")


# --- batch_generator ----------------------------------------------------------------------------------------
def _random_data(rng, n):
    shape = [(4, 4, 3), (5, 3, 1), (2, 7, 4), (6,)][int(rng.integers(0, 4))]
    dtype = [np.uint8, np.float32, np.float64][int(rng.integers(0, 3))]
    return C.indexed_data(n, shape, rng, dtype=dtype)


@pytest.mark.task("batch_generator", points=3)
def test_batch_generator_shapes_dtypes_and_epochs(student, rng):
    for n, bs in ((12, 4), (5, 8), (9, 1), (int(rng.integers(15, 40)), int(rng.integers(2, 9)))):
        xs, ys = _random_data(rng, n)
        if rng.random() < 0.5:                       # labels as one-hot rows: y's shape follows ys
            onehot = np.zeros((n, n), np.float32)
            onehot[np.arange(n), ys] = 1
            gen = student.batch_generator(xs, onehot, bs)
            what = f"batch_generator({n} samples, one-hot labels, batch_size={bs})"
            C.expect_iterator(gen, what)
            for epoch in range(3):
                for k, size in enumerate(C.batch_sizes(n, bs)):
                    x, y = C.expect_batch(C.next_item(gen, what, k), xs, onehot, f"{what}, epoch {epoch + 1}",
                                          size=size)
                    C.check_aligned(x, y.argmax(axis=1), xs, what)
            continue
        gen = student.batch_generator(xs, ys, bs)
        what = f"batch_generator({n} samples of {xs.dtype}, batch_size={bs})"
        C.expect_iterator(gen, what)
        for epoch in range(3):
            order = C.pull_epoch(gen, xs, ys, bs, f"{what}, epoch {epoch + 1}")
            expect_true(order == list(range(n)), f"{what}: without shuffle every epoch keeps the samples' order")


def _epochs(student, xs, ys, bs, seed, n_epochs, what):
    gen = student.batch_generator(xs, ys, bs, shuffle=True, seed=seed)
    C.expect_iterator(gen, what)
    orders = [C.pull_epoch(gen, xs, ys, bs, f"{what}, epoch {e + 1}") for e in range(n_epochs)]
    for order in orders:
        C.expect_permutation(order, len(xs), what)
    return orders


@pytest.mark.task("batch_generator", points=3)
def test_batch_generator_shuffle_reproducible_new_each_epoch(student, rng):
    n, bs = int(rng.integers(20, 30)), int(rng.integers(3, 7))
    xs, ys = _random_data(rng, n)
    seed = int(rng.integers(1, 10**6))
    what = f"batch_generator({n} samples, batch_size={bs}, shuffle=True, seed={seed})"
    first = _epochs(student, xs, ys, bs, seed, 3, what)
    expect_true(first[0] != list(range(n)), f"{what}: the first epoch is not shuffled")
    expect_true(len({tuple(o) for o in first}) == 3, f"{what}: two of the first three epochs have the same order; "
                                                      "draw a new permutation each epoch")
    again = _epochs(student, xs, ys, bs, seed, 3, what)
    expect_true(again == first, f"{what}: two generators made with the same seed gave different orders; make "
                                "the permutations from `seed` (np.random.default_rng(seed))")
    other = _epochs(student, xs, ys, bs, seed + 1, 1, what.replace(f"seed={seed}", f"seed={seed + 1}"))
    expect_true(other[0] != first[0], f"{what}: seeds {seed} and {seed + 1} gave the same order: use the seed")


# --- ImageBatchSequence ----------------------------------------------------------------------------------------
def _sequence_epoch(ds, xs, ys, bs, what, *, indices=None, transform=None):
    n_batches = ds.call("__len__")
    expect_true(isinstance(n_batches, (int, np.integer)) and int(n_batches) == math.ceil(len(xs) / bs),
                f"len({what}) returned {describe(n_batches)} {n_batches!r}, expected the steps per epoch")
    sizes = C.batch_sizes(len(xs), bs)
    order = {}
    for i in (indices if indices is not None else range(len(sizes))):
        x, y = C.expect_batch(ds.call("__getitem__", i), xs, ys, f"{what}[{i}]", size=sizes[i],
                              same_dtype=transform is None)
        C.check_aligned(x, y, xs, f"{what}[{i}]", transform)
        order[i] = [int(v) for v in y]
    return [v for i in sorted(order) for v in order[i]]


@pytest.mark.task("ImageBatchSequence", points=2)
def test_image_batch_sequence_random_access(student, rng):
    for n, bs in ((int(rng.integers(9, 30)), int(rng.integers(2, 7))), (8, 4), (3, 10)):
        xs, ys = _random_data(rng, n)
        ds = student.ImageBatchSequence(xs, ys, bs)
        what = f"ImageBatchSequence({n} samples, batch_size={bs})"
        steps = math.ceil(n / bs)
        indices = [int(i) for i in rng.permutation(steps)]          # any order: Keras may ask out of order
        order = _sequence_epoch(ds, xs, ys, bs, what, indices=indices)
        expect_true(order == list(range(n)), f"{what}: without shuffle batch i holds samples i*batch_size... "
                                             "in order (use the index i, not a counter)")


@pytest.mark.task("ImageBatchSequence", points=2)
def test_image_batch_sequence_on_epoch_end_reshuffles(student, rng):
    n, bs = int(rng.integers(16, 28)), int(rng.integers(3, 6))
    xs, ys = _random_data(rng, n)
    seed = int(rng.integers(1, 10**6))
    what = f"ImageBatchSequence({n} samples, batch_size={bs}, shuffle=True, seed={seed})"
    runs = []
    for _ in range(2):
        ds = student.ImageBatchSequence(xs, ys, bs, shuffle=True, seed=seed)
        epochs = []
        for e in range(3):
            order = _sequence_epoch(ds, xs, ys, bs, f"{what} (epoch {e + 1})")
            C.expect_permutation(order, n, what)
            expect_true(_sequence_epoch(ds, xs, ys, bs, what) == order,
                        f"{what}: asking for the same batches twice in one epoch gave different samples; "
                        "reshuffle only in on_epoch_end")
            epochs.append(order)
            ds.call("on_epoch_end")
        runs.append(epochs)
    expect_true(runs[0][1] != runs[0][2] and runs[0][0] != runs[0][1],
                f"{what}: on_epoch_end should draw a new permutation each epoch")
    expect_true(runs[1] == runs[0], f"{what}: two sequences made with the same seed gave different orders; make "
                                    "the permutations from `seed`")


@pytest.mark.task("ImageBatchSequence", points=2)
def test_image_batch_sequence_augments_each_image_once(student, rng):
    n, bs = int(rng.integers(7, 12)), 3
    xs, ys = C.indexed_data(n, (3, 6, int(rng.choice([1, 3]))), rng, dtype=np.uint8)
    aug = student.RecordingAugment()
    ds = student.ImageBatchSequence(xs, ys, bs, augment=aug, shuffle=True, seed=4)
    what = f"ImageBatchSequence({n} images, batch_size=3, augment=aug, shuffle=True, seed=4)"
    order = _sequence_epoch(ds, xs, ys, bs, what, transform=C.is_roll_of)
    C.expect_permutation(order, n, what)
    expect_true(aug.attr("calls") == n, f"{what}: augment was called {aug.attr('calls')} times for {n} images; "
                                        "call it once per image of each batch")
    expect_true(all(list(s) == list(xs.shape[1:]) for s in aug.attr("shapes")),
                f"{what}: augment should receive one image (H, W, C) at a time")
    expect_true(set(aug.attr("rng_classes")) == {"Generator"},
                f"{what}: augment(img, rng) should receive a numpy.random.Generator")


# --- augmenting_generator --------------------------------------------------------------------------------------
def _aug_run(student, xs, ys, bs, seed, n_epochs, what):
    aug = student.RecordingAugment()
    gen = student.augmenting_generator(xs, ys, bs, aug, seed)
    C.expect_iterator(gen, what)
    batches = []
    for e in range(n_epochs):
        epoch = []
        for k, size in enumerate(C.batch_sizes(len(xs), bs)):
            x, y = C.expect_batch(C.next_item(gen, what, k), xs, ys, f"{what}, epoch {e + 1}", size=size,
                                  same_dtype=False)
            C.check_aligned(x, y, xs, f"{what} (each image should be augment(img, rng))", C.is_roll_of)
            epoch.append((x, y))
        C.expect_permutation([int(v) for _, y in epoch for v in y], len(xs), what)
        batches.append(epoch)
    return batches, aug


@pytest.mark.task("augmenting_generator", points=3)
def test_augmenting_generator_reproducible_one_generator(student, rng):
    n, bs = int(rng.integers(8, 14)), int(rng.integers(2, 5))
    xs, ys = C.indexed_data(n, (4, 7, 3), rng, dtype=np.uint8)
    seed = int(rng.integers(1, 10**6))
    what = f"augmenting_generator({n} images, batch_size={bs}, augment, seed={seed})"
    first, aug = _aug_run(student, xs, ys, bs, seed, 2, what)
    expect_true(aug.attr("calls") == 2 * n, f"{what}: augment was called {aug.attr('calls')} times in 2 epochs "
                                            f"of {n} images, expected {2 * n}")
    expect_true(set(aug.attr("rng_classes")) == {"Generator"} and len(set(aug.attr("rng_ids"))) == 1,
                f"{what}: augment should receive one numpy.random.Generator (made once from the seed) every time")
    expect_true(len(set(aug.attr("shifts"))) > 1, f"{what}: every augment call drew the same random number: pass "
                                                  "the same Generator to every call instead of a fresh one")
    orders = [[int(v) for _, y in epoch for v in y] for epoch in first]
    expect_true(orders[0] != orders[1], f"{what}: both epochs have the same order; draw a new permutation each epoch")
    second, _ = _aug_run(student, xs, ys, bs, seed, 2, what)
    same = all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
               for ea, eb in zip(first, second) for a, b in zip(ea, eb))
    expect_true(same, f"{what}: two generators made with the same seed gave different batches; make one "
                      "Generator from `seed` and use it for the order and for augment")
    third, _ = _aug_run(student, xs, ys, bs, seed + 1, 1, what)
    expect_true(not all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(first[0], third[0])),
                f"{what}: seeds {seed} and {seed + 1} gave the same batches: use the seed")
