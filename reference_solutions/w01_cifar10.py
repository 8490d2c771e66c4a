"""Reference solutions for week 1 (`w01_cifar10`): the CIFAR-10 batch format, a nearest-neighbour classifier,
accuracy, and predicting one image's label with a Keras model.

The autograder imports this module in the grader process and compares students' answers with it.
The notebook's solution cells implement the same behaviour.
"""
from __future__ import annotations

import pickle

import numpy as np


# --- the data set -----------------------------------------------------------------------------------
def load_cifar_batch(path):
    """One batch file of `cifar-10-batches-py` -> (x uint8 (N, 32, 32, 3), y int64 (N,)).

    The files are Python 2 pickles: `encoding="bytes"` keeps their keys as bytes (b"data", b"labels").
    Each row of `data` holds 3072 bytes channel-first (1024 red, then green, then blue, each 32x32 row-major),
    so the images are (N, 3, 32, 32) turned to height x width x channels.
    """
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    x = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    y = np.asarray(batch[b"labels"], dtype=np.int64)
    return np.ascontiguousarray(x), y


def load_label_names(meta_path):
    """The class names from `batches.meta`, as a list of str."""
    with open(meta_path, "rb") as f:
        meta = pickle.load(f, encoding="bytes")
    return [name.decode("utf-8") if isinstance(name, bytes) else str(name) for name in meta[b"label_names"]]


def class_counts(y):
    """{label: number of samples with that label} for the labels present in `y`."""
    labels, counts = np.unique(np.asarray(y).ravel(), return_counts=True)
    return {int(label): int(count) for label, count in zip(labels, counts)}


# --- nearest neighbour -----------------------------------------------------------------------------
class NearestNeighbor:
    """Memorise the training rows; label each query row with the label of its closest training row.

    L1: d(a, b) = sum |a - b|; L2: d(a, b) = sqrt(sum (a - b)^2). Rows are cast to float64 first (uint8
    differences would wrap around). Among training rows at the same smallest distance the first one wins
    (`argmin`); the tests never depend on that choice, only on the label being one of the tied ones.
    """

    def train(self, xs, ys):
        self.xtr = np.asarray(xs, dtype=np.float64).reshape(len(xs), -1)
        self.ytr = np.asarray(ys)

    def predict(self, xs, distance="l1"):
        if distance not in ("l1", "l2"):
            raise ValueError(f"distance must be 'l1' or 'l2', received: distance={distance!r}")
        xq = np.asarray(xs, dtype=np.float64).reshape(len(xs), -1)
        out = np.empty(len(xq), dtype=self.ytr.dtype)
        for i, row in enumerate(xq):
            diff = self.xtr - row
            if distance == "l1":
                d = np.abs(diff).sum(axis=1)
            else:
                d = np.sqrt((diff * diff).sum(axis=1))
            out[i] = self.ytr[int(np.argmin(d))]
        return out


def accuracy(y_true, y_pred):
    """The fraction of predictions equal to the true label."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    return float(np.mean(y_true == y_pred))


# --- one image -------------------------------------------------------------------------------------
def _resize_bilinear(image, height, width):
    """Bilinear resizing with half-pixel centres (like PIL, tf.image.resize, OpenCV), averaging over the
    source footprint when shrinking (antialiased, like PIL's bilinear filter)."""
    image = np.asarray(image, dtype=np.float64)
    rows, cols = _weights(image.shape[0], height), _weights(image.shape[1], width)
    return np.einsum("ih,hwc,jw->ijc", rows, image, cols, optimize=True)


def _weights(n_in, n_out):
    """(n_out, n_in) matrix of the triangle filter, widened by the scale when shrinking (PIL's BILINEAR)."""
    scale = n_in / n_out
    support = max(scale, 1.0)
    centres = (np.arange(n_out) + 0.5) * scale - 0.5
    taps = np.arange(n_in)
    w = np.clip(1.0 - np.abs(taps[None, :] - centres[:, None]) / support, 0.0, None)
    return w / w.sum(axis=1, keepdims=True)


def preprocess_image(image):
    """Any H x W x 3 uint8 image -> float32 (32, 32, 3) in [0, 1]: bilinear resize, then / 255."""
    image = np.asarray(image)
    resized = _resize_bilinear(image.astype(np.float64), 32, 32)
    return np.clip(resized / 255.0, 0.0, 1.0).astype(np.float32)


def predict_label(model, image, label_names):
    """The name of the class with the highest probability for one raw image."""
    x = preprocess_image(image)[np.newaxis]
    probs = np.asarray(model.predict(x, verbose=0))
    return str(label_names[int(np.argmax(probs[0]))])
