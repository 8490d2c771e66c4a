"""Hidden checks for week 1: preprocess_image against the reference within the resize tolerance (measured in
`_w01_helpers.py`), and predict_label with a fixed-weight Keras model rebuilt inside the student's kernel."""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_true, expect_unchanged
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w01_helpers")
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def _against_reference(student, reference, rng, sizes):
    for height, width in sizes:
        image = H.smooth_image(rng, height, width)
        what = f"preprocess_image on a {height}x{width} image"
        H.expect_resized(H.checked_image(student.preprocess_image(image), what), reference.preprocess_image(image), what)


@pytest.mark.task("preprocess_image", points=3)
def test_preprocess_image_shrinks(student, reference, rng):
    _against_reference(student, reference, rng, [(64, 64), (100, 75), (256, 192), (40, 56), (33, 31)])


@pytest.mark.task("preprocess_image", points=2)
def test_preprocess_image_enlarges(student, reference, rng):
    _against_reference(student, reference, rng, [(16, 16), (24, 20), (20, 50)])


@pytest.mark.task("preprocess_image", points=2)
def test_preprocess_image_random_ramps(student, rng):
    for _ in range(4):
        height, width = (int(v) for v in rng.integers(12, 160, size=2))
        image, want = H.ramp_image(height, width, rng.uniform(0.35, 0.6, 3), rng.uniform(-0.3, 0.3, 3),
                                   rng.uniform(-0.3, 0.3, 3))
        what = f"preprocess_image on a {height}x{width} colour ramp"
        H.expect_resized(H.checked_image(student.preprocess_image(image), what), want, what)


@pytest.mark.task("preprocess_image", points=1)
def test_preprocess_image_noise_at_32x32(student, rng):
    image = rng.integers(0, 256, size=(32, 32, 3)).astype(np.uint8)
    got = H.checked_image(student.preprocess_image(image), "preprocess_image on a 32x32 image")
    largest, _ = H.resize_differences(got, image / 255.0)
    expect_true(largest <= 1e-3, f"preprocess_image on a 32x32 image should be the image divided by 255 "
                                 f"(largest difference {largest:.4f})")


@pytest.mark.task("preprocess_image", points=1)
def test_preprocess_image_leaves_its_input_alone(student, reference, rng):
    image = H.smooth_image(rng, 48, 64)
    got, after = student.call_with_args("preprocess_image", image)
    what = "preprocess_image on a 48x64 image"
    H.expect_resized(H.checked_image(got, what), reference.preprocess_image(image), what)
    expect_unchanged((image,), after, what=what, names=("image",))


def _predict_check(student, reference, rng, names, seed, count, sizes, what):
    def make(r):
        height, width = sizes[int(r.integers(len(sizes)))]
        return H.smooth_image(r, height, width)
    model, cases = H.model_and_images(rng, len(names), seed, count, make, reference.preprocess_image)
    remote = H.model_in_kernel(student, model)
    for image, label in cases:
        got = student.predict_label(remote, image, names)
        expect_true(isinstance(got, str), f"predict_label should return the class name (a str), received "
                                          f"{describe(got)}")
        expect_true(got == names[label], f"predict_label on a {image.shape[0]}x{image.shape[1]} image ({what}) "
                                         "did not return the name of the class with the highest probability")


@pytest.mark.task("predict_label", points=4)
def test_predict_label_random_names_and_sizes(student, reference, rng):
    k = int(rng.integers(3, 8))
    names = [f"class_{c}" for c in rng.choice(100, size=k, replace=False)]
    _predict_check(student, reference, rng, names, int(rng.integers(1000)), 6,
                   [(32, 32), (64, 48), (20, 24), (120, 90)], f"{k} classes")


@pytest.mark.task("predict_label", points=3)
def test_predict_label_cifar10_names(student, reference, rng):
    names = [CIFAR10[i] for i in rng.permutation(10)]
    _predict_check(student, reference, rng, names, int(rng.integers(1000)), 5, [(32, 32)],
                   "10 classes named as in CIFAR-10, in another order")


@pytest.mark.task("predict_label", points=2)
def test_predict_label_two_classes_large_images(student, reference, rng):
    _predict_check(student, reference, rng, ["no", "yes"], int(rng.integers(1000)), 3, [(200, 160), (96, 96)],
                   "2 classes")
