"""Hidden checks for week 2: correlate2d and convolve2d against scipy.signal (grader side) in the three modes.

Shapes are random, with odd and even kernels, non-square ones, 1-row/1-column ones and kernels larger than the
image. scipy defines 'valid' when one input is at least as large as the other in every dimension (a kernel
larger than the image in both gives the positions where the image lies entirely inside the kernel); a kernel
larger in one dimension and smaller in the other is an error in scipy, left open here and never tested.
For even kernels scipy's 'same' starts at kernel_size // 2 of the full result for correlation and at
(kernel_size - 1) // 2 for convolution: both are tested, as COURSE.md says "like scipy.signal".
"""
import numpy as np
import pytest
from scipy import signal

from autograder.testing.checks import expect_array, expect_unchanged

TOL = dict(rtol=1e-5, atol=1e-5)      # float32 arithmetic is a correct answer too
SCIPY = {"correlate2d": signal.correlate2d, "convolve2d": signal.convolve2d}
MODES = ("full", "same", "valid")


def _task(name, points):
    return pytest.param(name, marks=pytest.mark.task(name, points=points), id=name)




def _check(student, name, image, kernel, mode):
    want = SCIPY[name](image, kernel, mode)
    got = getattr(student, name)(image, kernel, mode)
    expect_array(got, want, **TOL, what=f"{name}(a {image.shape} image, a {kernel.shape} kernel, {mode!r})")


def _shapes(rng, n, kernel_ok):
    out = []
    while len(out) < n:
        h, w = (int(v) for v in rng.integers(1, 9, size=2))
        kh, kw = (int(v) for v in rng.integers(1, 7, size=2))
        if kh <= h and kw <= w and kernel_ok(kh, kw):
            out.append(((h, w), (kh, kw)))
    return out


def _run(student, rng, name, shapes, modes=MODES):
    for image_shape, kernel_shape in shapes:
        image, kernel = rng.normal(size=image_shape), rng.normal(size=kernel_shape)
        for mode in modes:
            _check(student, name, image, kernel, mode)


@pytest.mark.parametrize("name", [_task("correlate2d", 2), _task("convolve2d", 2)])
def test_random_odd_kernels(student, rng, name):
    _run(student, rng, name, [((5, 5), (3, 3))] + _shapes(rng, 6, lambda kh, kw: kh % 2 == 1 and kw % 2 == 1))


@pytest.mark.parametrize("name", [_task("correlate2d", 2), _task("convolve2d", 2)])
def test_even_kernels_same_mode(student, rng, name):
    _run(student, rng, name, [((6, 6), (2, 2)), ((7, 5), (4, 2))] +
         _shapes(rng, 6, lambda kh, kw: kh % 2 == 0 or kw % 2 == 0), modes=("same",))


@pytest.mark.parametrize("name", [_task("correlate2d", 1), _task("convolve2d", 1)])
def test_even_kernels_full_and_valid(student, rng, name):
    _run(student, rng, name, _shapes(rng, 6, lambda kh, kw: kh % 2 == 0 or kw % 2 == 0), modes=("full", "valid"))


@pytest.mark.parametrize("name", [_task("correlate2d", 2), _task("convolve2d", 1)])
def test_kernel_larger_than_image(student, rng, name):
    shapes = [((1, 1), (3, 3)), ((2, 3), (4, 4)), ((3, 3), (5, 4))]
    for _ in range(5):
        h, w = (int(v) for v in rng.integers(1, 6, size=2))
        shapes.append(((h, w), (h + int(rng.integers(1, 4)), w + int(rng.integers(0, 4)))))
    _run(student, rng, name, shapes)


@pytest.mark.parametrize("name", [_task("correlate2d", 1), _task("convolve2d", 1)])
def test_line_kernels_integer_images_and_no_mutation(student, rng, name):
    # 1-row and 1-column kernels (like half a Sobel filter), an integer image, inputs left unchanged
    image = rng.integers(0, 256, size=(6, 7))
    for kernel in (np.array([[1.0, 0.0, -1.0]]), np.array([[1.0], [2.0], [1.0]]), np.array([[1.0, -1.0]])):
        for mode in MODES:
            got, after = student.call_with_args(name, image.copy(), kernel.copy(), mode)
            expect_array(got, SCIPY[name](image, kernel, mode), **TOL,
                         what=f"{name}(a (6, 7) integer image, a {kernel.shape} kernel, {mode!r})")
            expect_unchanged((image, kernel), after[:2], what=name, names=("image", "kernel"))
