"""Public checks for week 1: preparing one image of any size, and predicting its label with a Keras model.

Resizing is compared within a tolerance (largest difference MAX_ABS_DIFF, mean MEAN_ABS_DIFF, on values in
[0, 1]) that admits bilinear or area resizing from any library; see `_w01_helpers.py`.
"""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w01_helpers")


def _prepared(student, image, what):
    return H.checked_image(student.preprocess_image(image), what)


@pytest.mark.task("preprocess_image", points=2)
def test_preprocess_image_32x32_is_divided_by_255(student):
    image = H.smooth_image(np.random.default_rng(6), 32, 32)
    got = _prepared(student, image, "preprocess_image on a 32x32 image")
    largest, _ = H.resize_differences(got, image / 255.0)
    expect_true(largest <= 1e-3, "preprocess_image on a 32x32 image should be the image divided by 255 "
                                 f"(largest difference {largest:.4f})")


@pytest.mark.task("preprocess_image", points=4)
def test_preprocess_image_resizes_ramps(student):
    for height, width in ((64, 64), (48, 40), (16, 16)):
        image, want = H.ramp_image(height, width, [0.2, 0.5, 0.7], [0.3, -0.25, 0.1], [-0.1, 0.2, -0.3])
        got = _prepared(student, image, f"preprocess_image on a {height}x{width} image")
        H.expect_resized(got, want, f"preprocess_image on a {height}x{width} colour ramp")


@pytest.mark.task("predict_label", points=3)
def test_predict_label_tiny_model(student):
    names = ["cat", "ship", "horse", "truck"]
    model, cases = H.model_and_images(np.random.default_rng(7), len(names), 11, 4,
                                      lambda r: H.smooth_image(r, 32, 32), lambda image: image / 255.0)
    remote = H.model_in_kernel(student, model)
    for image, label in cases:
        got = student.predict_label(remote, image, names)
        expect_true(isinstance(got, str), f"predict_label should return the class name (str), "
                                          f"received {describe(got)}")
        expect_true(got == names[label], "predict_label on a 32x32 image did not return the name of the class "
                                         "with the highest probability")


@pytest.mark.task("predict_label", points=3)
def test_predict_label_larger_image(student):
    names = ["frog", "automobile", "bird"]
    model, cases = H.model_and_images(np.random.default_rng(8), len(names), 12, 3,
                                      lambda r: H.smooth_image(r, 32, 32), lambda image: image / 255.0)
    remote = H.model_in_kernel(student, model)
    for image, label in cases:
        big = np.repeat(np.repeat(image, 3, axis=0), 2, axis=1)          # 96 x 64: the same picture, larger
        got = student.predict_label(remote, big, names)
        expect_true(got == names[label], f"predict_label on a 96x64 image returned {describe(got)}, not the "
                                         "name of the class with the highest probability (resize it to 32x32 "
                                         "and divide by 255 first)")
