"""`student.make`, generic remotes and `.attr` through a real sandboxed kernel (one kernel for the module)."""
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.core.errors import ConfigError, StudentException
from autograder.core.manifest import Limits
from autograder.engine.execute import execute_notebook, make_restore
from autograder.engine.kernel import SandboxedKernel
from autograder.engine.proxy import KernelProxy, RemoteObject

STUDENT = r'''
import numpy as np
import keras

def conv_block(x, filters):
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu", name="conv")(x)
    return keras.layers.MaxPooling2D(2, name="pool")(x)

def head(x, num_classes):
    x = keras.layers.Flatten(name="flat")(x)
    return keras.layers.Dense(num_classes, activation="softmax", name="out")(x)

def read_text(path):
    with open(path) as fh:
        return fh.read()

def firstn(n):
    yield from range(n)

def batch_generator(xs, ys, batch_size):
    while True:
        for i in range(0, len(xs), batch_size):
            yield xs[i:i + batch_size], ys[i:i + batch_size]

def broken_generator():
    yield np.zeros((2, 4, 4, 1), "float32"), np.zeros(2, "int64")
    yield np.zeros((2, 4, 4, 1), "float32"), np.zeros(2, "int64")
    raise KeyError("no batch here")
'''

LIMITS = Limits(call_timeout=120, cell_timeout=120)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def student():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STUDENT)])
    with tempfile.TemporaryDirectory() as d:
        with SandboxedKernel(Path(d), LIMITS, sandbox="auto") as kernel:
            assert execute_notebook(nb, kernel, LIMITS).notes == []
            yield KernelProxy(kernel, restore=make_restore(nb, kernel, LIMITS), limits=LIMITS)


def test_keras_input_and_model_round_trip_with_params_and_inbound(student):
    x = student.make("keras_input", (8, 8, 1))
    assert x.kind == "keras_tensor" and x.description["shape"] == (None, 8, 8, 1)
    features = student.conv_block(x, 4)
    assert features.kind == "keras_tensor" and features.description["shape"] == (None, 4, 4, 4)
    model = student.make("keras_model", x, student.head(features, 3))
    d = model.description
    assert model.kind == "keras_model" and d["params"] == 40 + 195 and d["inputs"] == [(None, 8, 8, 1)]
    assert d["outputs"] == [{"name": "out", "shape": (None, 3)}]
    layers = {layer["name"]: layer for layer in d["layers"]}
    assert layers["conv"]["inbound"] == [d["layers"][0]["name"]] and d["layers"][0]["inbound"] == []
    assert (layers["pool"]["inbound"], layers["flat"]["inbound"], layers["out"]["inbound"]) == \
        (["conv"], ["pool"], ["flat"])
    assert layers["conv"]["config"]["padding"] == "same" and layers["conv"]["trainable_params"] == 40
    got = model.call("predict", np.ones((2, 8, 8, 1), "float32"), verbose=0)
    assert got.shape == (2, 3) and np.allclose(got.sum(axis=1), 1, atol=1e-5)
    assert model.attr("name") == d["name"]


def test_write_files_then_a_student_function_reads_them(student):
    folder = student.make("write_files", {"notes/a.txt": np.frombuffer("xin chào".encode(), np.uint8)})
    assert student.read_text(folder + "/notes/a.txt") == "xin chào"


def test_train_probe_on_a_student_generator(student):
    rng = np.random.default_rng(0)
    xs, ys = rng.random((12, 4, 4, 1)).astype("float32"), rng.integers(0, 3, 12)
    history = student.make("train_probe", student.batch_generator(xs, ys, 4), (4, 4, 1), 3, epochs=2,
                           steps_per_epoch=3)
    assert history.kind == "keras_history" and history.description["epoch"] == [0, 1]
    assert len(history.description["history"]["accuracy"]) == 2
    with pytest.raises(StudentException) as e:
        student.make("train_probe", student.broken_generator(), (4, 4, 1), 3, epochs=1, steps_per_epoch=4)
    assert e.value.ename == "KeyError"


def test_generator_steps_to_stop_iteration_and_attributes(student):
    gen = student.firstn(1)
    assert isinstance(gen, RemoteObject) and gen.kind == "iterator" and gen.call("__next__") == 0
    with pytest.raises(StudentException) as e:
        gen.call("__next__")
    assert e.value.ename == "StopIteration"
    with pytest.raises(StudentException) as e:
        gen.attr("no_such_attribute")
    assert e.value.ename == "AttributeError"
    assert gen.attr("gi_running") is False
    with pytest.raises(ConfigError):
        student.make("exec")
