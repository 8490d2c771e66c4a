"""Hidden checks for week 4's augmentations against the reference on seeded random images of several sizes
(odd ones included) and 1, 3 or 4 channels: exact where the definition is exact, within one grey level (on a few
pixels only) where rounding may differ. Input images must come back unchanged (counted only with a right value).
"""

import numpy as np
import pytest

from autograder.testing.checks import CheckFailed, expect_true, expect_unchanged
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")
SIZES = [(1, 1), (5, 7), (8, 8), (9, 4), (16, 11)]
CHANNELS = [1, 3, 4]


def images(rng, sizes=SIZES):
    for (h, w), c in zip(sizes, CHANNELS * 2):
        yield C.random_image(rng, h, w, c)
    yield C.random_image(rng, 6, 5, 3)


def _compare(student, name, args, want, what, tolerance=0):
    got, after = student.call_with_args(name, *args)
    C.expect_image(got, want, what, tolerance=tolerance)
    expect_unchanged(list(args), list(after), what=what, names=["img", *[f"arg{i}" for i in range(1, len(args))]])


@pytest.mark.task("flip_horizontal", points=1)
def test_flip_horizontal_random(student, reference, rng):
    for img in images(rng):
        _compare(student, "flip_horizontal", (img,), reference.flip_horizontal(img), f"flip_horizontal({img.shape})")


@pytest.mark.task("flip_vertical", points=1)
def test_flip_vertical_random(student, reference, rng):
    for img in images(rng):
        _compare(student, "flip_vertical", (img,), reference.flip_vertical(img), f"flip_vertical({img.shape})")


@pytest.mark.task("invert", points=1)
def test_invert_random(student, reference, rng):
    for img in images(rng):
        _compare(student, "invert", (img,), reference.invert(img), f"invert({img.shape})")


@pytest.mark.task("crop", points=1)
def test_crop_random_windows_and_edges(student, reference, rng):
    for img in images(rng, [(5, 7), (8, 8), (9, 4), (16, 11)]):
        h_img, w_img = img.shape[:2]
        windows = [(0, 0, h_img, w_img), (h_img - 1, w_img - 1, 1, 1), (0, w_img - 2, h_img, 2)]
        for _ in range(3):
            h, w = int(rng.integers(1, h_img + 1)), int(rng.integers(1, w_img + 1))
            windows.append((int(rng.integers(0, h_img - h + 1)), int(rng.integers(0, w_img - w + 1)), h, w))
        for top, left, h, w in windows:
            _compare(student, "crop", (img, top, left, h, w), reference.crop(img, top, left, h, w),
                     f"crop({img.shape} image, top={top}, left={left}, h={h}, w={w})")


@pytest.mark.task("crop", points=1)
def test_crop_raises_when_the_window_does_not_fit(student, rng):
    img = C.random_image(rng, 6, 9, 3)
    for top, left, h, w in ((0, 0, 7, 9), (0, 0, 6, 10), (5, 0, 2, 1), (0, 8, 1, 2), (-1, 0, 2, 2), (0, -2, 2, 2)):
        what = f"crop(6x9 image, top={top}, left={left}, h={h}, w={w})"
        try:
            student.crop(img, top, left, h, w)
        except C.StudentException as e:
            expect_true(e.ename == "ValueError", f"{what} raised {e.ename}, expected ValueError")
        else:
            raise CheckFailed(f"{what}: the window does not fit in the image, expected a ValueError")


@pytest.mark.task("pad", points=2)
def test_pad_random(student, reference, rng):
    for img in images(rng):
        for p in (0, int(rng.integers(1, 5))):
            _compare(student, "pad", (img, p), reference.pad(img, p), f"pad({img.shape} image, {p})")


@pytest.mark.task("add_gaussian_noise", points=3)
def test_add_gaussian_noise_draws_from_the_given_generator(student, reference, rng):
    for img in images(rng):
        sigma, seed = float(rng.choice([3.0, 20.0, 80.0])), int(rng.integers(1, 10**6))
        want = reference.add_gaussian_noise(img, sigma, np.random.default_rng(seed))
        got, after = student.call_with_args("add_gaussian_noise", img, sigma, student.make("numpy_rng", seed))
        C.expect_image(got, want, f"add_gaussian_noise({img.shape} image, sigma={sigma:g}, "
                                  f"rng=np.random.default_rng({seed})) (one draw rng.normal(0, sigma, img.shape) "
                                  "from the rng passed in)", tolerance=1)
        expect_unchanged([img], [after[0]], what="add_gaussian_noise(...)", names=["img"])
    img = C.random_image(rng, 7, 7, 3)
    shared = student.make("numpy_rng", 5)
    first, second = (student.add_gaussian_noise(img, 30.0, shared) for _ in range(2))
    expect_true(not np.array_equal(first, second), "two calls of add_gaussian_noise with the same Generator gave "
                                                   "the same noise: draw from the rng passed in")


@pytest.mark.task("blur", points=5)
def test_blur_against_reference(student, reference, rng):
    for img, sigma in zip(images(rng), [0.5, 0.8, 1.0, 1.3, 2.0, 0.7]):
        _compare(student, "blur", (img, sigma), reference.blur(img, sigma), f"blur({img.shape} image, sigma={sigma})",
                 tolerance=1)


@pytest.mark.task("sharpen", points=3)
def test_sharpen_against_reference(student, reference, rng):
    for img in images(rng):
        _compare(student, "sharpen", (img,), reference.sharpen(img), f"sharpen({img.shape} image)")


@pytest.mark.task("edge_detect", points=4)
def test_edge_detect_against_reference(student, reference, rng):
    for img in images(rng):
        _compare(student, "edge_detect", (img,), reference.edge_detect(img), f"edge_detect({img.shape} image)",
                 tolerance=1)
    img = (C.random_image(rng, 9, 9, 3) // 2).astype(np.uint8)        # soft edges: far from 255
    _compare(student, "edge_detect", (img,), reference.edge_detect(img), "edge_detect(9x9x3 image of values "
             "below 128)", tolerance=1)


@pytest.mark.task("adjust_contrast", points=3)
def test_adjust_contrast_against_reference(student, reference, rng):
    for img in images(rng):
        factor = float(np.round(rng.uniform(0.2, 2.6), 3))
        _compare(student, "adjust_contrast", (img, factor), reference.adjust_contrast(img, factor),
                 f"adjust_contrast({img.shape} image, factor={factor})", tolerance=1)
