"""Public checks for week 4's augmentations on small images whose answers can be worked out by hand.
Every augmentation takes an HxWxC uint8 image and returns uint8 (rounded to nearest, clipped to [0, 255])."""

import numpy as np
import pytest

from autograder.testing.checks import CheckFailed, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")
IMG = np.arange(2 * 3 * 2, dtype=np.uint8).reshape(2, 3, 2) * 20      # 2 rows, 3 columns, 2 channels


@pytest.mark.task("flip_horizontal", points=1)
def test_flip_horizontal_small(student):
    C.expect_image(student.flip_horizontal(IMG), IMG[:, ::-1], "flip_horizontal(a 2x3x2 image)")


@pytest.mark.task("flip_vertical", points=1)
def test_flip_vertical_small(student):
    C.expect_image(student.flip_vertical(IMG), IMG[::-1], "flip_vertical(a 2x3x2 image)")


@pytest.mark.task("invert", points=1)
def test_invert_small(student):
    img = np.array([[[0], [1], [254], [255]]], dtype=np.uint8)
    C.expect_image(student.invert(img), np.array([[[255], [254], [1], [0]]], dtype=np.uint8), "invert(1x4x1 image)")


@pytest.mark.task("crop", points=2)
def test_crop_window_and_value_error(student):
    img = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3)
    C.expect_image(student.crop(img, 1, 2, 3, 2), img[1:4, 2:4], "crop(5x4 image, top=1, left=2, h=3, w=2)")
    try:
        student.crop(img, 3, 0, 3, 2)
    except C.StudentException as e:
        expect_true(e.ename == "ValueError", f"crop(5x4 image, top=3, h=3) raised {e.ename}, expected ValueError")
    else:
        raise CheckFailed("crop(5x4 image, top=3, h=3): the window does not fit, expected a ValueError")


@pytest.mark.task("pad", points=1)
def test_pad_small(student):
    img = np.full((2, 3, 1), 7, dtype=np.uint8)
    want = np.zeros((4, 5, 1), dtype=np.uint8)
    want[1:3, 1:4] = 7
    C.expect_image(student.pad(img, 1), want, "pad(2x3x1 image, 1)")


@pytest.mark.task("add_gaussian_noise", points=1)
def test_add_gaussian_noise_zero_sigma_and_clipping(student):
    img = np.array([[[0, 128, 255]]], dtype=np.uint8).repeat(4, axis=1)
    C.expect_image(student.add_gaussian_noise(img, 0.0, student.make("numpy_rng", 0)), img,
                   "add_gaussian_noise(img, sigma=0, rng)")
    got = student.add_gaussian_noise(np.full((8, 8, 1), 250, np.uint8), 50.0, student.make("numpy_rng", 1))
    expect_true(isinstance(got, np.ndarray) and got.dtype == np.uint8 and got.shape == (8, 8, 1),
                "add_gaussian_noise should return a uint8 array of the image's shape")
    expect_true(int((got == 255).sum()) > 10 and int((got < 100).sum()) == 0,
                "add_gaussian_noise(250s, sigma=50): values above 255 should be clipped to 255, not wrap around")


@pytest.mark.task("blur", points=2)
def test_blur_keeps_constant_image_and_smooths(student):
    const = np.full((5, 6, 3), 90, dtype=np.uint8)
    C.expect_image(student.blur(const, 1.0), const, "blur(constant image, sigma=1)")
    img = np.zeros((7, 7, 1), dtype=np.uint8)
    img[3, 3] = 255
    got = student.blur(img, 1.0)
    C.expect_image(got, got, "blur(one bright pixel, sigma=1)")        # shape and dtype
    expect_true(0 < int(got[3, 3, 0]) < 255 and int(got[3, 3, 0]) == int(got.max()) and int(got[3, 4, 0]) > 0,
                "blur(one bright pixel, sigma=1) should spread the pixel to its neighbours, brightest at the centre")
    expect_true(np.array_equal(got[:, ::-1], got) and np.array_equal(got[::-1], got),
                "blur of a centred bright pixel should be symmetric")


@pytest.mark.task("sharpen", points=2)
def test_sharpen_small(student):
    const = np.full((4, 5, 2), 33, dtype=np.uint8)
    C.expect_image(student.sharpen(const), const, "sharpen(constant image)")
    img = np.full((3, 3, 1), 100, dtype=np.uint8)
    img[1, 1] = 120
    want = np.full((3, 3, 1), 80, dtype=np.uint8)
    want[0, 0] = want[0, 2] = want[2, 0] = want[2, 2] = 100
    want[1, 1] = 200
    C.expect_image(student.sharpen(img), want, "sharpen(3x3: 100s with 120 in the centre)")


@pytest.mark.task("edge_detect", points=2)
def test_edge_detect_constant_and_step(student):
    C.expect_image(student.edge_detect(np.full((4, 4, 3), 200, np.uint8)), np.zeros((4, 4, 1), np.uint8),
                   "edge_detect(constant 4x4x3 image)")
    img = np.zeros((4, 4, 1), dtype=np.uint8)
    img[:, 2:] = 50                       # a vertical step: |gx| = 4 * 50 next to it, 0 elsewhere
    want = np.zeros((4, 4, 1), dtype=np.uint8)
    want[:, 1:3] = 200
    C.expect_image(student.edge_detect(img), want, "edge_detect(4x4x1 image with a vertical step of 50)")


@pytest.mark.task("adjust_contrast", points=1)
def test_adjust_contrast_factor_one_and_zero(student):
    img = np.array([[[10, 200], [30, 100]], [[50, 0], [70, 255]]], dtype=np.uint8)
    C.expect_image(student.adjust_contrast(img, 1.0), img, "adjust_contrast(img, 1.0)", tolerance=1)
    want = np.empty_like(img)
    want[..., 0], want[..., 1] = 40, 139                 # the per-channel means 40 and 138.75
    C.expect_image(student.adjust_contrast(img, 0.0), want, "adjust_contrast(img, 0.0) (the per-channel mean)",
                   tolerance=1)
