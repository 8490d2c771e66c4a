"""The real CIFAR-10 data set from a folder on your disk (optional: the notebook and its checks never need it).

Nothing is downloaded. If you have the Python version of CIFAR-10 (`cifar-10-python.tar.gz`, unpacked into
`cifar-10-batches-py/`), load it with your own functions from the notebook:

    from data_tools import load_cifar10_local
    (x_train, y_train), (x_test, y_test), names = load_cifar10_local(
        "cifar-10-batches-py", load_cifar_batch, load_label_names)

Instructors can pass the reference solution's functions instead. `check_cifar10_folder(folder)` only checks the
folder and returns the paths of its files; both raise `FileNotFoundError` naming what is missing or incomplete.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
META_FILE = "batches.meta"
FOLDER_NAME = "cifar-10-batches-py"
# each batch file holds 10,000 images of 3,072 bytes (a little over 30.7 MB); a smaller one was cut short
MIN_BATCH_BYTES = 10_000 * 3072


def check_cifar10_folder(folder) -> dict[str, Path]:
    """{file name: path} of the 7 files of `cifar-10-batches-py`; `folder` is that folder or one holding it."""
    folder = Path(folder).expanduser()
    if (folder / FOLDER_NAME).is_dir() and not (folder / META_FILE).exists():
        folder = folder / FOLDER_NAME
    if not folder.is_dir():
        raise FileNotFoundError(
            f"CIFAR-10 folder not found: {folder}. Unpack cifar-10-python.tar.gz "
            f"(the Python version from https://www.cs.toronto.edu/~kriz/cifar.html) and pass the path of its "
            f"{FOLDER_NAME}/ folder.")
    names = (*TRAIN_FILES, TEST_FILE, META_FILE)
    paths = {name: folder / name for name in names}
    missing = [name for name, p in paths.items() if not p.is_file()]
    short = [name for name, p in paths.items()
             if name != META_FILE and p.is_file() and p.stat().st_size < MIN_BATCH_BYTES]
    if missing or short:
        parts = []
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        if short:
            parts.append(f"smaller than a full batch of 10,000 images (cut short?): {', '.join(short)}")
        raise FileNotFoundError(f"the CIFAR-10 folder {folder} is incomplete; {'; '.join(parts)}. It must hold "
                                f"{', '.join(names)}: unpack the whole archive again.")
    return paths


def load_cifar10_local(folder, load_batch, load_names):
    """((x_train, y_train), (x_test, y_test), label_names) with `load_batch(path) -> (x, y)` for each of the
    five training batches (concatenated: 50,000 images) and the test batch (10,000), and
    `load_names(meta_path)` for the class names."""
    paths = check_cifar10_folder(folder)
    parts = [load_batch(str(paths[name])) for name in TRAIN_FILES]
    x_train = np.concatenate([np.asarray(x) for x, _ in parts])
    y_train = np.concatenate([np.asarray(y) for _, y in parts])
    x_test, y_test = load_batch(str(paths[TEST_FILE]))
    return (x_train, y_train), (np.asarray(x_test), np.asarray(y_test)), load_names(str(paths[META_FILE]))
