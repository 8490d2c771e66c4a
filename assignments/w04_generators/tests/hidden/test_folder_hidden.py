"""Hidden checks for week 4's image_folder_dataset: a folder of generated PNG and JPEG files in class subfolders
(RGB, grey and RGBA files, several sizes), written in the student's kernel. Class names sorted, labels right, images
converted to RGB, resized bilinearly and scaled to [0, 1] (within a tolerance: libraries resize a little
differently), every file once per epoch, the last batch the remainder, a new permutation each epoch from the seed.
"""
import io

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")
IMAGE_SIZE = (6, 9)


def _folder(rng):
    """{name: bytes}; the expected images in dataset order (class by class, files sorted) and their labels."""
    plan = {"zebra": ["b.png", "a.png", "c.jpg"], "ant": ["02.png", "10.png", "01.jpeg"], "moth": ["x.png", "w.png",
            "y.png", "v.png", "u.png"]}
    modes = ["RGB", "L", "RGBA", "RGB"]
    files = {}
    for cls, names in plan.items():
        for i, name in enumerate(names):
            h, w = int(rng.integers(5, 13)), int(rng.integers(5, 13))
            arr = C.smooth_image(rng, h, w, 4)
            mode = modes[(i + len(cls)) % len(modes)]
            if name.endswith((".jpg", ".jpeg")):
                data = C.encoded(arr[..., :3], "JPEG")
            elif mode == "RGBA":
                data = C.encoded(arr, "PNG")
            else:
                data = C.encoded(arr[..., :3], "PNG", mode=mode)
            files[f"{cls}/{name}"] = data
    return files


def _expected(files):
    from PIL import Image
    classes = sorted({name.split("/")[0] for name in files})
    images, labels = [], []
    for label, cls in enumerate(classes):
        for name in sorted(n for n in files if n.startswith(cls + "/")):
            with Image.open(io.BytesIO(files[name].tobytes())) as im:
                images.append(_load(im))
            labels.append(label)
    return classes, np.stack(images), np.array(labels)


def _load(im):
    from PIL import Image
    im = im.convert("RGB").resize((IMAGE_SIZE[1], IMAGE_SIZE[0]), Image.BILINEAR)
    return np.asarray(im, dtype=np.float32) / 255.0


def _batch(ds, i, size, what):
    item = ds.call("__getitem__", i)
    expect_true(isinstance(item, (tuple, list)) and len(item) == 2, f"{what}[{i}] should be (x, y), received "
                                                                    f"{describe(item)}")
    x, y = item
    expect_true(isinstance(x, np.ndarray) and x.shape == (size, *IMAGE_SIZE, 3) and x.dtype == np.float32,
                f"{what}[{i}]: x should be float32 of shape ({size}, {IMAGE_SIZE[0]}, {IMAGE_SIZE[1]}, 3), received "
                f"{describe(x)}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    expect_true(isinstance(y, np.ndarray) and y.shape == (size,) and y.dtype == np.int64,
                f"{what}[{i}]: y should be int64 class indices of shape ({size},), received {describe(y)}"
                + (f" of dtype {y.dtype}" if isinstance(y, np.ndarray) else ""))
    return x, y


def _epoch(ds, want_x, want_y, bs, what):
    """The file index of each image of one epoch, matched by content; checks values and labels."""
    n = len(want_y)
    n_batches = ds.call("__len__")
    expect_true(isinstance(n_batches, (int, np.integer)) and int(n_batches) == -(-n // bs),
                f"len({what}) returned {n_batches!r}, expected the steps per epoch for {n} files")
    order = []
    for i, size in enumerate(C.batch_sizes(n, bs)):
        x, y = _batch(ds, i, size, what)
        for xj, yj in zip(x, y):
            dist = np.abs(want_x - xj[None]).mean(axis=(1, 2, 3))
            j = int(np.argmin(dist))
            expect_true(float(dist[j]) <= 0.03 and float(np.abs(want_x[j] - xj).max()) <= 0.2,
                        f"{what}[{i}]: an image does not match any file converted to RGB, resized bilinearly to "
                        f"{IMAGE_SIZE} and scaled to [0, 1]")
            expect_true(int(yj) == int(want_y[j]), f"{what}[{i}]: an image has label {int(yj)}, its class "
                                                   f"index is {int(want_y[j])}")
            order.append(j)
    expect_true(sorted(order) == list(range(n)), f"{what}: one epoch should give every file exactly once; it "
                                                 f"gave {len(set(order))} distinct files of {n}")
    return order


@pytest.mark.task("image_folder_dataset", points=4)
def test_image_folder_dataset_modes_sizes_and_order(student, rng):
    files = _folder(rng)
    classes, want_x, want_y = _expected(files)
    directory = student.make("write_files", files)
    ds = student.image_folder_dataset(directory, IMAGE_SIZE, 4)
    what = "image_folder_dataset(3 class folders, 11 PNG/JPEG files (RGB, grey, RGBA), image_size=(6, 9), 4)"
    expect_equal(list(ds.attr("class_names")), classes, what=f"{what}.class_names (sorted subfolder names)")
    order = _epoch(ds, want_x, want_y, 4, what)
    expect_true(order == list(range(len(want_y))), f"{what}: without shuffle the files come class by class, "
                                                   "sorted by name within each class")


@pytest.mark.task("image_folder_dataset", points=4)
def test_image_folder_dataset_shuffles_each_epoch_from_seed(student, rng):
    files = _folder(rng)
    _, want_x, want_y = _expected(files)
    directory = student.make("write_files", files)
    seed = int(rng.integers(1, 10**6))
    what = f"image_folder_dataset(11 files, image_size=(6, 9), 3, shuffle=True, seed={seed})"
    runs = []
    for _ in range(2):
        ds = student.image_folder_dataset(directory, IMAGE_SIZE, 3, shuffle=True, seed=seed)
        epochs = []
        for _ in range(2):
            epochs.append(_epoch(ds, want_x, want_y, 3, what))
            ds.call("on_epoch_end")
        runs.append(epochs)
    expect_true(runs[0][1] != runs[0][0], f"{what}: on_epoch_end should draw a new permutation each epoch")
    expect_true(runs[1] == runs[0], f"{what}: two datasets made with the same seed gave different orders")
    expect_true(list(range(len(want_y))) not in runs[0], f"{what}: an epoch came in file order: not shuffled")
