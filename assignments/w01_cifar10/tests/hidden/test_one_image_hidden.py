"""Hidden checks for week 1: preprocess_image against the reference within the resize tolerance (measured in
`_w01_helpers.py`), and predict_label with a fixed-weight Keras model rebuilt inside the student's kernel."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_true, expect_unchanged


def _public_helpers():
    key = "_w01_cifar10__w01_helpers"
    path = Path(__file__).resolve().parents[1] / "public" / "_w01_helpers.py"
    if getattr(sys.modules.get(key), "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(key, path)
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


H = _public_helpers()
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def _checked(got, what):
    expect_true(isinstance(got, np.ndarray) and got.shape == (32, 32, 3),
                f"{what} should return an ndarray of shape (32, 32, 3), received {describe(got)}")
    expect_true(got.dtype == np.float32, f"{what} should return float32, received dtype {got.dtype}")
    expect_true(bool(np.all(np.isfinite(got))) and got.min() >= 0.0 and got.max() <= 1.0,
                f"{what}: values should lie in [0, 1] (divide by 255)")
    return got


def _within(got, want, what):
    largest, mean = H.resize_differences(got, want)
    expect_true(largest <= H.MAX_ABS_DIFF and mean <= H.MEAN_ABS_DIFF,
                f"{what} is not a bilinear or area resize to 32x32 divided by 255: largest difference "
                f"{largest:.3f} (at most {H.MAX_ABS_DIFF}), mean {mean:.4f} (at most {H.MEAN_ABS_DIFF})")


def _against_reference(student, reference, rng, sizes):
    for height, width in sizes:
        image = H.smooth_image(rng, height, width)
        what = f"preprocess_image on a {height}x{width} image"
        _within(_checked(student.preprocess_image(image), what), reference.preprocess_image(image), what)


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
        _within(_checked(student.preprocess_image(image), what), want, what)


@pytest.mark.task("preprocess_image", points=1)
def test_preprocess_image_noise_at_32x32(student, rng):
    image = rng.integers(0, 256, size=(32, 32, 3)).astype(np.uint8)
    got = _checked(student.preprocess_image(image), "preprocess_image on a 32x32 image")
    largest, _ = H.resize_differences(got, image / 255.0)
    expect_true(largest <= 1e-3, f"preprocess_image on a 32x32 image should be the image divided by 255 "
                                 f"(largest difference {largest:.4f})")


@pytest.mark.task("preprocess_image", points=1)
def test_preprocess_image_leaves_its_input_alone(student, reference, rng):
    image = H.smooth_image(rng, 48, 64)
    got, after = student.call_with_args("preprocess_image", image)
    what = "preprocess_image on a 48x64 image"
    _within(_checked(got, what), reference.preprocess_image(image), what)
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
