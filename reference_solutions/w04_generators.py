"""Reference solutions for week 4 (`w04_generators`): Python generators, batch generators, a Keras `PyDataset`,
image augmentations on HxWxC uint8 images and a folder-of-images dataset (COURSE.md, week 4).

The autograder imports this module in the grader process and compares students' answers with it (augmentations)
or checks the properties COURSE.md states (generators: it never says WHICH permutation, so no test compares the
order with this module's). The notebook's solution cells behave the same way.
"""
from __future__ import annotations

import math
import os

import keras
import numpy as np


# --- given in the notebook's locked setup cell (not a task) ------------------------------------------------
class RecordingAugment:
    """A small augmentation the checks (and students) use to try generators: each call rolls the image by
    ``rng.integers(0, W)`` columns (so it needs a ``numpy.random.Generator``) and records the call.

    The notebook's locked setup cell defines the same class (written there for students to read; this copy is
    worded differently so that the release's leak scan does not mistake the given code for a solution)."""

    def __init__(self):
        self.records = []

    def __call__(self, img, rng):
        arr = np.asarray(img)
        k = int(rng.integers(0, arr.shape[1]))
        self.records.append((k, list(arr.shape), type(rng).__name__, id(rng)))
        return np.roll(arr, k, axis=1)

    calls = property(lambda self: len(self.records))
    shifts = property(lambda self: [r[0] for r in self.records])
    shapes = property(lambda self: [r[1] for r in self.records])
    rng_classes = property(lambda self: [r[2] for r in self.records])
    rng_ids = property(lambda self: [r[3] for r in self.records])


# --- generators -------------------------------------------------------------------------------------------
def firstn(n):
    """0, 1, ..., n-1, one at a time, computed only when asked for."""
    num = 0
    while num < n:
        yield num
        num += 1


def cycle(iterable):
    """Endless repetition of `iterable` (saved on the first pass), like itertools.cycle."""
    saved = []
    for item in iterable:
        yield item
        saved.append(item)
    while saved:
        yield from saved


def steps_per_epoch(n_samples, batch_size):
    """ceil(n_samples / batch_size): the number of batches that cover every sample once."""
    return -(-int(n_samples) // int(batch_size))


def _epoch_order(n, shuffle, rng):
    return rng.permutation(n) if shuffle else np.arange(n)


def batch_generator(xs, ys, batch_size, shuffle=False, seed=None):
    """Endless (x_batch, y_batch) tuples, epoch after epoch; the last batch of an epoch holds the remainder."""
    xs, ys = np.asarray(xs), np.asarray(ys)
    rng = np.random.default_rng(seed)
    while True:
        order = _epoch_order(len(xs), shuffle, rng)
        for start in range(0, len(xs), batch_size):
            idx = order[start:start + batch_size]
            yield xs[idx], ys[idx]


class ImageBatchSequence(keras.utils.PyDataset):
    """Batches of (augmented) images for model.fit; on_epoch_end reshuffles when `shuffle`."""

    def __init__(self, xs, ys, batch_size, augment=None, shuffle=False, seed=None, **kwargs):
        keras.utils.PyDataset.__init__(self, **kwargs)
        self.xs, self.ys = np.asarray(xs), np.asarray(ys)
        self.batch_size = int(batch_size)
        self.augment = augment
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.order = _epoch_order(len(self.xs), shuffle, self.rng)

    def __len__(self):
        return steps_per_epoch(len(self.xs), self.batch_size)

    def __getitem__(self, i):
        idx = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        x = self.xs[idx]
        if self.augment is not None:
            x = np.stack([np.asarray(self.augment(img, self.rng)) for img in x])
        return x, self.ys[idx]

    def on_epoch_end(self):
        if self.shuffle:
            self.order = self.rng.permutation(len(self.xs))


def augmenting_generator(xs, ys, batch_size, augment, seed):
    """batch_generator with shuffling, each image passed through augment(img, rng); one Generator from seed."""
    xs, ys = np.asarray(xs), np.asarray(ys)
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(xs))
        for start in range(0, len(xs), batch_size):
            idx = order[start:start + batch_size]
            yield np.stack([np.asarray(augment(img, rng)) for img in xs[idx]]), ys[idx]


# --- augmentations (HxWxC uint8 in, uint8 out) --------------------------------------------------------------
def _to_uint8(values):
    """Round to nearest and clip to [0, 255]."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def flip_horizontal(img):
    return np.asarray(img)[:, ::-1].copy()


def flip_vertical(img):
    return np.asarray(img)[::-1].copy()


def invert(img):
    return (255 - np.asarray(img, dtype=np.int64)).astype(np.uint8)


def crop(img, top, left, h, w):
    img = np.asarray(img)
    if top < 0 or left < 0 or h <= 0 or w <= 0 or top + h > img.shape[0] or left + w > img.shape[1]:
        raise ValueError(f"a {h}x{w} window at ({top}, {left}) does not fit in an image of shape {img.shape}")
    return img[top:top + h, left:left + w].copy()


def pad(img, p):
    return np.pad(np.asarray(img), ((p, p), (p, p), (0, 0)), mode="constant", constant_values=0)


def add_gaussian_noise(img, sigma, rng):
    img = np.asarray(img)
    return _to_uint8(img.astype(np.float64) + rng.normal(0, sigma, img.shape))


def _filter(channel, kernel):
    """Correlate a 2-D float array with a (2r+1)x(2r+1) kernel, borders by edge padding."""
    r = kernel.shape[0] // 2
    padded = np.pad(channel, r, mode="edge")
    h, w = channel.shape
    out = np.zeros((h, w), dtype=np.float64)
    for dy in range(kernel.shape[0]):
        for dx in range(kernel.shape[1]):
            out += kernel[dy, dx] * padded[dy:dy + h, dx:dx + w]
    return out


def gaussian_kernel(sigma):
    """Normalised 2-D Gaussian of radius ceil(3*sigma)."""
    r = int(math.ceil(3 * sigma))
    x = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-x ** 2 / (2 * sigma ** 2))
    g /= g.sum()
    return np.outer(g, g)


def blur(img, sigma):
    img = np.asarray(img).astype(np.float64)
    k = gaussian_kernel(sigma)
    return _to_uint8(np.stack([_filter(img[..., c], k) for c in range(img.shape[2])], axis=-1))


SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64)
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)


def sharpen(img):
    img = np.asarray(img).astype(np.float64)
    return _to_uint8(np.stack([_filter(img[..., c], SHARPEN) for c in range(img.shape[2])], axis=-1))


def edge_detect(img):
    grey = np.asarray(img).astype(np.float64).mean(axis=2)
    gx, gy = _filter(grey, SOBEL_X), _filter(grey, SOBEL_X.T)
    return _to_uint8(np.sqrt(gx ** 2 + gy ** 2))[..., None]


def adjust_contrast(img, factor):
    img = np.asarray(img).astype(np.float64)
    mean = img.mean(axis=(0, 1), keepdims=True)
    return _to_uint8(mean + factor * (img - mean))


# --- a folder of images ------------------------------------------------------------------------------------
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")


def load_image(path, image_size):
    """One file as float32 (H, W, 3) in [0, 1]: converted to RGB, resized bilinearly to image_size = (H, W)."""
    from PIL import Image
    with Image.open(path) as im:
        im = im.convert("RGB").resize((int(image_size[1]), int(image_size[0])), Image.BILINEAR)
        return np.asarray(im, dtype=np.float32) / 255.0


class ImageFolderDataset(keras.utils.PyDataset):
    """What flow_from_directory did: one subfolder per class, batches of (x float32, y int64)."""

    def __init__(self, directory, image_size, batch_size, shuffle=False, seed=None, **kwargs):
        keras.utils.PyDataset.__init__(self, **kwargs)
        self.class_names = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
        self.paths, labels = [], []
        for label, name in enumerate(self.class_names):
            folder = os.path.join(directory, name)
            for f in sorted(os.listdir(folder)):
                if f.lower().endswith(IMAGE_EXTENSIONS):
                    self.paths.append(os.path.join(folder, f))
                    labels.append(label)
        self.labels = np.array(labels, dtype=np.int64)
        self.image_size = tuple(int(n) for n in image_size)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.order = _epoch_order(len(self.paths), shuffle, self.rng)

    def __len__(self):
        return steps_per_epoch(len(self.paths), self.batch_size)

    def __getitem__(self, i):
        idx = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        x = np.stack([load_image(self.paths[j], self.image_size) for j in idx]).astype(np.float32)
        return x, self.labels[idx]

    def on_epoch_end(self):
        if self.shuffle:
            self.order = self.rng.permutation(len(self.paths))


def image_folder_dataset(directory, image_size, batch_size, shuffle=False, seed=None):
    return ImageFolderDataset(directory, image_size, batch_size, shuffle=shuffle, seed=seed)
