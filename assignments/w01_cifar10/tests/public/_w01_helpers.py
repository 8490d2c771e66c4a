"""Inputs that the week-1 tests build in the grader: CIFAR-10 files, smooth test images, a tiny Keras model.

Shipped with the public tests (nothing here is an answer). Test files load it with
`load_helper(__file__, "_w01_helpers")` (pytest runs them with --import-mode=importlib, so a plain `import` of a
sibling module does not work); `load(name)` below loads this folder's other helpers the same way.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.testing.checks import describe, expect_true
from autograder.testing.helpers import load_helper

HERE = Path(__file__).resolve().parent

# The resize tolerance of preprocess_image (values in [0, 1]). Measured on `smooth_image`s of 16x16 to 256x256
# against the reference (antialiased bilinear, half-pixel centres): PIL BILINEAR/BICUBIC/BOX, tf.image.resize
# bilinear/area/antialias, keras.ops.image.resize, skimage.transform.resize (with and without anti_aliasing),
# NumPy bilinear with half-pixel centres or with corners aligned (np.linspace) differ from it by at most 0.031
# at one pixel and 0.0078 on average over one image. The limits below leave more than twice that room.
MAX_ABS_DIFF = 0.07
MEAN_ABS_DIFF = 0.02
# predict_label's images are chosen so that no change of the prepared image up to SAFE_DIFF at each pixel can
# change the predicted class (above the 0.031 that resizing libraries differ by).
SAFE_DIFF = 0.04


def load(name: str):
    """Import a helper module of this folder by file (once per run)."""
    return load_helper(__file__, name)


def write_cifar_folder(student, files: dict) -> str:
    """Write {file name: bytes} into a fresh folder inside the student's kernel; return the folder's path."""
    fmt = load("_cifar_format")
    return student.make("write_files", {name: fmt.as_uint8_array(blob) for name, blob in files.items()})


def random_batch(rng, n: int, num_classes: int = 10):
    """`n` random images (N, 32, 32, 3) uint8 whose three channels differ, and int labels."""
    x = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    x[..., 0] //= 2                       # red darker than green, blue brighter: a channel mix-up shows
    x[..., 2] = 128 + x[..., 2] // 2
    y = rng.integers(0, num_classes, size=n)
    return x, y


def smooth_image(rng, height: int, width: int) -> np.ndarray:
    """An H x W x 3 uint8 image with structure at the scale of the whole image (a ramp in a random direction,
    two slow waves per channel, a different level per channel), values in [0, 235]: resizing libraries agree on
    it within the tolerance above, and a crop, a transposition, swapped channels or dividing by the image's
    maximum instead of 255 do not."""
    yy, xx = np.meshgrid((np.arange(height) + 0.5) / height - 0.5, (np.arange(width) + 0.5) / width - 0.5,
                         indexing="ij")
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * yy + np.sin(angle) * xx
    out = np.zeros((height, width, 3))
    for c in range(3):
        v = rng.uniform(0.3, 0.6) + rng.uniform(0.3, 0.5) * ramp * rng.choice([-1, 1])
        for _ in range(2):
            fy, fx = rng.uniform(-1, 1, 2)
            v = v + rng.uniform(0.03, 0.08) * np.sin(2 * np.pi * (fy * yy + fx * xx) + rng.uniform(0, 2 * np.pi))
        out[..., c] = v
    return np.clip(np.round(out * 255), 0, 235).astype(np.uint8)


def resize_differences(got: np.ndarray, want: np.ndarray) -> tuple[float, float]:
    """(largest, mean) absolute difference of two (32, 32, 3) images."""
    d = np.abs(np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64))
    return float(d.max()), float(d.mean())


def checked_image(got, what: str) -> np.ndarray:
    """preprocess_image's result: a (32, 32, 3) float32 array with values in [0, 1], else a failed check."""
    expect_true(isinstance(got, np.ndarray) and got.shape == (32, 32, 3),
                f"{what} should return an ndarray of shape (32, 32, 3), received {describe(got)}")
    expect_true(got.dtype == np.float32, f"{what} should return float32, received dtype {got.dtype}")
    expect_true(bool(np.all(np.isfinite(got))) and got.min() >= 0.0 and got.max() <= 1.0,
                f"{what}: values should lie in [0, 1] (divide by 255)")
    return got


def expect_resized(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """`got` is `want` within the resize tolerance (MAX_ABS_DIFF, MEAN_ABS_DIFF), else a failed check."""
    largest, mean = resize_differences(got, want)
    expect_true(largest <= MAX_ABS_DIFF and mean <= MEAN_ABS_DIFF,
                f"{what} is not a bilinear or area resize to 32x32 divided by 255: largest difference "
                f"{largest:.3f} (at most {MAX_ABS_DIFF}), mean {mean:.4f} (at most {MEAN_ABS_DIFF})")


# --- predict_label: a tiny classifier with fixed weights ------------------------------------------------
def quadrant_classifier(num_classes: int, seed: int):
    """A Keras model (N, 32, 32, 3) in [0, 1] -> (N, num_classes) softmax whose logits are a fixed linear
    function of the mean colour of each quarter of the image: (quarter means (12,)) @ W + b."""
    import keras
    inputs = keras.Input(shape=(32, 32, 3))
    h = keras.layers.AveragePooling2D(pool_size=16)(inputs)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(h)
    model = keras.Model(inputs, outputs, name="quadrant_colours")
    w, b = quadrant_weights(num_classes, seed)
    model.set_weights([w.astype(np.float32), b.astype(np.float32)])
    return model


def quadrant_weights(num_classes: int, seed: int):
    """W (12, K), b (K,): logits = (quarter means - 0.45) @ W + noise, centred on the test images' colours."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 8.0, size=(12, num_classes))
    return w, -0.45 * w.sum(axis=0) + rng.normal(0.0, 0.5, size=num_classes)


def quadrant_features(x32: np.ndarray) -> np.ndarray:
    """The 12 inputs of the Dense layer for one (32, 32, 3) image (as AveragePooling2D(16) + Flatten)."""
    return np.asarray(x32, dtype=np.float64).reshape(2, 16, 2, 16, 3).mean(axis=(1, 3)).reshape(12)


def safe_label(x32: np.ndarray, w: np.ndarray, b: np.ndarray) -> int | None:
    """The predicted class of the prepared image `x32` if every image within SAFE_DIFF of it at each pixel
    (every resizing library measured, with room) gets the same class; else None."""
    logits = quadrant_features(x32) @ w + b
    top = int(np.argmax(logits))
    for c in range(len(b)):
        if c != top and logits[top] - logits[c] <= np.abs(w[:, top] - w[:, c]).sum() * SAFE_DIFF:
            return None
    return top


def model_in_kernel(student, model):
    """The grader's model rebuilt inside the student's kernel (a RemoteObject)."""
    return student.make("model_from_json", model.to_json(), model.get_weights())


def ramp_image(height: int, width: int, level, slope_y, slope_x):
    """(H x W x 3 uint8 image, its (32, 32, 3) float expectation in [0, 1]) for a linear ramp per channel:
    value = level + slope_y * y + slope_x * x with y, x from -0.5 to 0.5 across the image (pixel centres).
    Resizing a linear image with pixel centres kept in place gives the same ramp at the 32 x 32 centres, so
    the expectation needs no resizing code (every library above agrees with it within 0.011)."""
    level, slope_y, slope_x = (np.asarray(v, dtype=np.float64).reshape(1, 1, 3) for v in (level, slope_y, slope_x))

    def grid(h, w):
        yy, xx = np.meshgrid((np.arange(h) + 0.5) / h - 0.5, (np.arange(w) + 0.5) / w - 0.5, indexing="ij")
        return level + slope_y * yy[..., None] + slope_x * xx[..., None]
    image = np.clip(np.round(grid(height, width) * 255), 0, 255).astype(np.uint8)
    return image, grid(32, 32)


def labelled_images(rng, w, b, count: int, make_image, prepare):
    """`count` >= 3 (image, class) pairs, `image = make_image(rng)`, whose class (from `prepare(image)`: the
    image at 32x32 in [0, 1]) no resizing within the tolerance changes. Among them are at least two classes,
    an image whose class differs from the model's answer on it not divided by 255 and one whose class differs
    from the answer on it divided by 255 twice, so that those mistakes cannot pass. None when the model
    (its weights) gives no such set: try another seed."""
    pool = []
    for _ in range(3000):
        image = make_image(rng)
        x32 = prepare(image)
        label = safe_label(x32, w, b)
        if label is not None:
            f = quadrant_features(x32)
            pool.append((image, label, int(np.argmax(255 * f @ w + b)) != label,
                         int(np.argmax(f / 255 @ w + b)) != label))
        if len(pool) >= count + 3 and any(c[2] for c in pool) and any(c[3] for c in pool) \
                and len({c[1] for c in pool}) >= 2:
            break
    chosen = []

    def unused(case):
        return all(case is not k for k in chosen)
    for wanted in (lambda c: c[2], lambda c: c[3], lambda c: c[1] not in {k[1] for k in chosen}):
        found = next((c for c in pool if wanted(c) and unused(c)), None)
        if found is not None and len(chosen) < count:
            chosen.append(found)
    chosen += [c for c in pool if unused(c)][: count - len(chosen)]
    if not (len(chosen) == count and len({c[1] for c in chosen}) >= 2 and any(c[2] for c in chosen)
            and any(c[3] for c in chosen)):
        return None
    return [(image, label) for image, label, _, _ in chosen]


def model_and_images(rng, num_classes: int, seed: int, count: int, make_image, prepare):
    """(the grader's Keras model, `count` telling (image, class) pairs for it): the first seed from `seed` on
    whose weights give such images (see `labelled_images`)."""
    for s in range(seed, seed + 50):
        w, b = quadrant_weights(num_classes, s)
        cases = labelled_images(rng, w, b, count, make_image, prepare)
        if cases is not None:
            return quadrant_classifier(num_classes, s), cases
    raise RuntimeError("could not build telling test images for predict_label")
