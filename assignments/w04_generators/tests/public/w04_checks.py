"""Checks shared by the week-4 tests (public and hidden): generators pulled one item at a time through the
proxy, batches, epochs and images. Not a test file (pytest collects only test_*.py); tests load it with
`C = load_helper(__file__, "w04_checks")` (from `autograder.testing.helpers`; hidden tests find it in ../public).

A generator made by the student stays in the student's kernel: the grader sees a remote object of kind
"iterator" and asks for one item at a time with `.call("__next__")`.
"""
from __future__ import annotations

import numpy as np

from autograder.core.errors import StudentException
from autograder.testing.checks import CheckFailed, describe, expect_true


def expect_iterator(got, what):
    """`got` is a generator (any iterator) left in the kernel, not a list computed at once."""
    if isinstance(got, (list, tuple, np.ndarray)):
        raise CheckFailed(f"{what} returned {describe(got)} computed at once; write a generator (use `yield`) "
                          "so that each value is computed only when it is asked for")
    expect_true(getattr(got, "kind", None) == "iterator",
                f"{what} should return a generator (an iterator: `yield` in the function), received "
                f"{describe(got)}")


def next_item(gen, what, count):
    """next(gen); a StopIteration becomes one readable failure."""
    try:
        return gen.call("__next__")
    except StudentException as e:
        if e.ename == "StopIteration":
            raise CheckFailed(f"{what} stopped after {count} item(s) (StopIteration); it should go on") from None
        raise


def take(gen, n, what):
    return [next_item(gen, what, i) for i in range(n)]


def indexed_data(n, shape, rng, dtype=np.float32):
    """xs[i] random (distinct columns), ys = i: a batch's y says which sample each x must be."""
    if np.dtype(dtype) == np.uint8:
        xs = rng.integers(0, 256, size=(n, *shape)).astype(np.uint8)
    else:
        xs = rng.random((n, *shape)).astype(dtype)
    return xs, np.arange(n, dtype=np.int64)


def expect_batch(item, xs, ys, what, *, size=None, same_dtype=True):
    """`item` is (x_batch, y_batch) of NumPy arrays shaped like xs/ys samples; returns (x, y)."""
    expect_true(isinstance(item, (tuple, list)) and len(item) == 2,
                f"{what} should give (x_batch, y_batch) tuples, received {describe(item)}")
    x, y = item
    for name, got, ref in (("x_batch", x, xs), ("y_batch", y, ys)):
        expect_true(isinstance(got, np.ndarray), f"{what}: {name} should be a NumPy array, received {describe(got)}")
        expect_true(got.shape[1:] == ref.shape[1:],
                    f"{what}: {name} has shape {got.shape}, expected (batch, {', '.join(map(str, ref.shape[1:]))})"
                    .replace(", )", ")"))
        if same_dtype:
            expect_true(got.dtype == ref.dtype, f"{what}: {name} has dtype {got.dtype}, expected {ref.dtype} "
                                                "(the dtype of the arrays passed in)")
    expect_true(len(x) == len(y), f"{what}: x_batch holds {len(x)} samples but y_batch {len(y)}")
    if size is not None:
        expect_true(len(y) == size, f"{what}: a batch of {len(y)} samples, expected {size}")
    return x, y


def batch_sizes(n, batch_size):
    """The sizes of one epoch's batches: full ones, then the remainder."""
    full, rest = divmod(n, batch_size)
    return [batch_size] * full + ([rest] if rest else [])


def check_aligned(x, y, xs, what, transform=None):
    """Each x_batch[j] is the sample xs[y_batch[j]] (after `transform(sample, x_j)` if given: True if it fits)."""
    expect_true(y.dtype.kind in "iu" and bool(np.all((y >= 0) & (y < len(xs)))),
                f"{what}: y_batch holds values that are not labels of the samples passed in")
    for xj, yj in zip(x, y):
        ok = transform(xs[int(yj)], xj) if transform else np.array_equal(xj, xs[int(yj)])
        expect_true(ok, f"{what}: an x in the batch is not the sample of its y: x and y must stay aligned "
                        "(shuffle them with the same permutation)")


def pull_epoch(gen, xs, ys, batch_size, what, *, transform=None, same_dtype=True):
    """One epoch of batches from `gen`; checks sizes and alignment; returns the epoch's y order."""
    order = []
    for k, size in enumerate(batch_sizes(len(xs), batch_size)):
        x, y = expect_batch(next_item(gen, what, k), xs, ys, f"{what}, batch {k + 1} of the epoch", size=size,
                            same_dtype=same_dtype)
        check_aligned(x, y, xs, what, transform)
        order.extend(int(v) for v in y)
    return order


def expect_permutation(order, n, what):
    expect_true(sorted(order) == list(range(n)),
                f"{what}: one epoch should cover every sample exactly once; it covered "
                f"{len(set(order))} distinct samples in {len(order)} (of {n})")


def is_roll_of(sample, out):
    """`out` is `sample` rolled by some number of columns (what RecordingAugment does)."""
    out = np.asarray(out)
    if out.shape != sample.shape:
        return False
    return any(np.array_equal(np.roll(sample, s, axis=1), out) for s in range(sample.shape[1]))


def expect_image(got, want, what, *, tolerance=0, max_off=0.02):
    """uint8 HxWxC image equal to `want`, or within `tolerance` grey levels on at most `max_off` of the
    pixels (rounding that may differ) and never more than `tolerance` anywhere."""
    want = np.asarray(want)
    expect_true(isinstance(got, np.ndarray), f"{what} should return a NumPy array, received {describe(got)}")
    expect_true(got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}")
    expect_true(got.dtype == np.uint8, f"{what}: dtype {got.dtype}, expected uint8 (round, clip to [0, 255], "
                                       "then .astype(np.uint8))")
    diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
    worst = int(diff.max()) if diff.size else 0
    off = int((diff > 0).sum())
    if worst > tolerance:
        hint = " (wrap-around? clip to [0, 255] before converting to uint8)" if worst > 128 else ""
        raise CheckFailed(f"{what}: {int((diff > tolerance).sum())} of {diff.size} values are off by more than "
                          f"{tolerance} grey level(s) (largest difference {worst}){hint}")
    if tolerance and off > max(2, max_off * diff.size):
        raise CheckFailed(f"{what}: {off} of {diff.size} values are off by one grey level: round to nearest "
                          "(np.rint or np.round) instead of truncating")


def random_image(rng, h, w, c):
    return rng.integers(0, 256, size=(h, w, c)).astype(np.uint8)


def encoded(arr, fmt, mode=None):
    """The bytes of an image file (PNG or JPEG) holding `arr`, as the 1-D uint8 array `write_files` takes."""
    import io

    from PIL import Image
    arr = np.asarray(arr, dtype=np.uint8)
    im = Image.fromarray(arr[..., 0] if arr.ndim == 3 and arr.shape[2] == 1 else arr)
    if mode is not None:
        im = im.convert(mode)
    buf = io.BytesIO()
    im.save(buf, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return np.frombuffer(buf.getvalue(), dtype=np.uint8).copy()


def smooth_image(rng, h, w, channels=3):
    """A smooth random image (low-frequency gradients): resizing it bilinearly gives nearly the same values
    whichever library does it."""
    yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
    out = []
    for _ in range(channels):
        a, b, c = rng.uniform(-0.4, 0.4, size=3)
        base = rng.uniform(0.3, 0.7)
        out.append(np.clip(base + a * yy + b * xx + c * xx * yy, 0, 1))
    return np.rint(np.stack(out, axis=-1) * 255).astype(np.uint8)
