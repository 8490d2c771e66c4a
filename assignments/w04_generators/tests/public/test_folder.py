"""Public check for week 4's image_folder_dataset on a tiny folder of PNG files written in your kernel."""

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_equal, expect_scalar, expect_true
from autograder.testing.helpers import load_helper

C = load_helper(__file__, "w04_checks")


@pytest.mark.task("image_folder_dataset", points=4)
def test_image_folder_dataset_small_folder(student, rng):
    colours = {"dog/a.png": (250, 10, 10), "dog/b.png": (10, 250, 10), "cat/x.png": (10, 10, 250)}
    files = {name: C.encoded(np.full((5, 7, 3), c, np.uint8), "PNG") for name, c in colours.items()}
    directory = student.make("write_files", files)
    ds = student.image_folder_dataset(directory, (4, 6), 2)
    what = "image_folder_dataset(folder with cat/ (1 file) and dog/ (2 files), image_size=(4, 6), batch_size=2)"
    expect_equal(list(ds.attr("class_names")), ["cat", "dog"], what=f"{what}.class_names (sorted subfolder names)")
    expect_scalar(ds.call("__len__"), 2, what=f"len({what})")
    xs, ys = [], []
    for i, size in enumerate([2, 1]):
        item = ds.call("__getitem__", i)
        expect_true(isinstance(item, (tuple, list)) and len(item) == 2, f"{what}[{i}] should be (x, y), "
                                                                        f"received {describe(item)}")
        x, y = item
        expect_true(isinstance(x, np.ndarray) and x.shape == (size, 4, 6, 3) and x.dtype == np.float32,
                    f"{what}[{i}]: x should be float32 of shape ({size}, 4, 6, 3), received {describe(x)}"
                    + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
        expect_true(isinstance(y, np.ndarray) and y.shape == (size,) and y.dtype == np.int64,
                    f"{what}[{i}]: y should be int64 class indices of shape ({size},), received {describe(y)}"
                    + (f" of dtype {y.dtype}" if isinstance(y, np.ndarray) else ""))
        xs.append(x)
        ys.append(y)
    x, y = np.concatenate(xs), np.concatenate(ys)
    expect_equal([int(v) for v in y], [0, 1, 1], what=f"{what}: the labels, class by class, files sorted")
    want = np.array([colours["cat/x.png"], colours["dog/a.png"], colours["dog/b.png"]], np.float32) / 255
    expect_true(bool(np.allclose(x, want[:, None, None, :], atol=0.02)),
                f"{what}: the images should be the files' RGB values scaled to [0, 1], in sorted order")
