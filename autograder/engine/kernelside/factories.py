"""Grader-written factories that run inside the student's kernel: ``student.make(NAME, *args, **kw)``.

A test needs some objects to live where the student's code does: a Keras input to build a model with the
student's layers, a model rebuilt from the grader's JSON, files to read, a model trained on the student's
generator. ``FACTORIES`` maps each name of the contract (docs/ARCHITECTURE.md) to its function; the grader
refuses any other name before calling. Results cross like a student call's (plain data or a remote object).
Only the standard library and numpy at import time; keras is imported when a factory needs it.
"""

import os
import tempfile
import warnings

import numpy as np


def keras_input(shape, dtype="float32"):
    """A symbolic Keras input of ``shape`` (without the batch axis)."""
    import keras
    return keras.Input(shape=tuple(shape), dtype=dtype)


def keras_model(inputs, outputs):
    """``keras.Model(inputs, outputs)``; inputs/outputs are remote tensors (or lists/dicts of them)."""
    import keras
    return keras.Model(inputs, outputs)


def model_from_json(config_json, weights=None):
    """A model rebuilt from ``model.to_json()`` text; ``weights`` (``get_weights()`` order) set if given."""
    import keras
    model = keras.models.model_from_json(config_json)
    if weights is not None:
        model.set_weights([np.asarray(w) for w in weights])
    return model


def load_model(path):
    """``keras.models.load_model(path)``, ``path`` relative to the kernel's working directory."""
    import keras
    return keras.models.load_model(path)


def write_files(files):
    """Write ``{relative name: uint8 array of bytes}`` into a fresh temporary directory; return its path."""
    if not isinstance(files, dict):
        raise TypeError(f"write_files takes a dict of name -> uint8 array, received {type(files).__name__}")
    root = os.path.realpath(tempfile.mkdtemp(prefix="ag-files-"))
    for name, data in files.items():
        parts = str(name).replace("\\", "/").split("/")
        if not isinstance(name, str) or os.path.isabs(name) or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"write_files: {name!r} is not a plain relative file name")
        if not (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 1):
            raise TypeError(f"write_files: the content of {name!r} must be a 1-D uint8 array of its bytes")
        target = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data.tobytes())
    return root


def numpy_rng(seed=None):
    """``numpy.random.default_rng(seed)``: a Generator made in the kernel, for student functions that take one."""
    return np.random.default_rng(seed)


def _probe_loss(num_classes):
    """Cross-entropy for integer labels or for one-hot labels, chosen by the labels' static shape."""
    import keras

    def loss(y_true, y_pred):
        shape = tuple(y_true.shape)
        if len(shape) >= 2 and shape[-1] == num_classes and num_classes > 1:
            return keras.losses.categorical_crossentropy(y_true, y_pred)
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    return loss


def probe_model(input_shape, num_classes, seed=0):
    """The grader's tiny classifier: flatten, softmax dense layer."""
    import keras
    keras.utils.set_random_seed(int(seed))
    model = keras.Sequential([keras.Input(tuple(input_shape)), keras.layers.Flatten(),
                              keras.layers.Dense(int(num_classes), activation="softmax")], name="probe")
    model.compile(optimizer="adam", loss=_probe_loss(int(num_classes)), metrics=["accuracy"])
    return model


def _watched(data, seen):
    """``data`` if it is no plain iterator; else a generator over it that records what the student's
    ``__next__`` raised (``model.fit`` reports it as a backend error without the exception's type)."""
    if not (callable(getattr(type(data), "__next__", None)) and callable(getattr(type(data), "__iter__", None))):
        return data

    def feed():
        while True:
            try:
                item = next(data)
            except StopIteration:
                return
            except Exception as e:
                seen.append(e)
                raise
            yield item
    return feed()


def train_probe(data, input_shape, num_classes, epochs=1, steps_per_epoch=None, seed=0):
    """Fit the grader's tiny classifier on ``data`` (the student's generator, PyDataset or dataset) with
    ``model.fit``; return the History. A failure inside the student's iterator is re-raised as itself."""
    model = probe_model(input_shape, num_classes, seed)
    seen = []
    try:
        with warnings.catch_warnings():    # "shuffle ignored for a generator": noise in the student's output
            warnings.simplefilter("ignore")
            return model.fit(_watched(data, seen), epochs=int(epochs), steps_per_epoch=steps_per_epoch,
                             verbose=0)
    except Exception:
        if seen:
            raise seen[0] from None
        raise


FACTORIES = {f.__name__: f for f in (keras_input, keras_model, model_from_json, load_model, write_files,
                                     numpy_rng, train_probe)}
