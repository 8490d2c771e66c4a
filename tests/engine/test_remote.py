"""Remote objects, the describer and the `make` factories, in-process through LocalProxy (the kernel's own
dispatch, arguments and results through the codec)."""
import shutil
from pathlib import Path

import numpy as np
import pytest

from autograder.core.errors import ConfigError, KernelDied, StudentException
from autograder.engine.kernelside.describe import describe
from autograder.engine.kernelside.factories import FACTORIES
from autograder.engine.proxy import LocalProxy, RemoteObject


def _firstn(n):
    yield from range(n)


class Box:
    size = 3

    @property
    def broken(self):
        raise RuntimeError("no")

    def grow(self, k):
        return self.size + k


def _broken_batches():
    yield np.zeros((4, 3, 3, 1), "float32"), np.array([0, 1, 0, 1])
    yield np.zeros((4, 3, 3, 1), "float32"), np.array([0, 1, 0, 1])
    raise ValueError("batch 3 is broken")


def _batches():
    rng = np.random.default_rng(0)
    while True:
        yield rng.random((4, 3, 3, 1)).astype("float32"), rng.integers(0, 2, 4)


@pytest.fixture
def local():
    return LocalProxy({"firstn": _firstn, "box": Box, "broken_batches": _broken_batches, "batches": _batches,
                       "read": lambda path: Path(path).read_text(), "same": lambda x: x})


def test_any_object_stays_behind_a_handle_and_answers_calls_and_attributes(local):
    box = local.box()
    assert isinstance(box, RemoteObject) and box.kind == "object"
    assert box.description == {"class": "Box", "module": __name__, "mro": ["Box", "object"]}
    assert box.attr("size") == 3 and box.call("grow", 2) == 5
    with pytest.raises(StudentException) as e:
        box.attr("missing")
    assert e.value.ename == "AttributeError"
    with pytest.raises(StudentException, match="RuntimeError"):
        box.attr("broken")
    assert isinstance(local.same(box), RemoteObject)          # passed back in, returned again
    with pytest.raises(ValueError):
        box.call("__class__")
    with pytest.raises(ValueError):
        box.attr("_private")


def test_generators_are_iterators_and_stop_iteration_is_a_student_exception(local):
    gen = local.firstn(2)
    assert gen.kind == "iterator" and gen.description == {"class": "generator", "module": "builtins"}
    assert [gen.call("__next__"), gen.call("__next__")] == [0, 1]
    with pytest.raises(StudentException) as e:
        gen.call("__next__")
    assert e.value.ename == "StopIteration"
    with pytest.raises(StudentException) as e:                 # exhausted, still usable
        gen.call("__next__")
    assert e.value.ename == "StopIteration"


def test_an_unknown_handle_is_gone(local):
    box = local.box()
    local._handles.objects.clear()
    with pytest.raises(KernelDied):
        box.call("grow", 1)


def test_unknown_factory_is_the_test_authors_mistake(local):
    with pytest.raises(ConfigError, match="keras_input"):
        local.make("no_such_factory")
    assert set(FACTORIES) == {"keras_input", "keras_model", "model_from_json", "load_model", "write_files",
                              "numpy_rng", "train_probe"}


def test_numpy_rng_is_a_generator_kept_for_student_calls():
    local = LocalProxy({"draw": lambda rng: rng.normal(size=3), "kind": lambda rng: type(rng).__name__})
    rng = local.make("numpy_rng", 7)
    assert rng.kind == "object" and rng.description["class"] == "Generator" and local.kind(rng) == "Generator"
    assert np.array_equal(local.draw(rng), np.random.default_rng(7).normal(size=3))
    assert not np.array_equal(local.draw(rng), np.random.default_rng(7).normal(size=3))   # its state moves on


def test_write_files_then_student_reads_them(local):
    folder = local.make("write_files", {"sub/a.txt": np.frombuffer(b"hello", np.uint8)})
    assert isinstance(folder, str) and local.read(folder + "/sub/a.txt") == "hello"
    shutil.rmtree(folder)
    for bad in ({"../x": np.zeros(1, np.uint8)}, {"/abs": np.zeros(1, np.uint8)}, {"a": [1, 2]}):
        with pytest.raises(StudentException):
            local.make("write_files", bad)


def test_sklearn_estimators_are_described():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=2.0))
    kind, d = describe(pipe)
    assert kind == "sklearn_estimator" and d["class"] == "Pipeline" and d["module"].startswith("sklearn.")
    assert d["steps"] == ["StandardScaler", "LogisticRegression"] and d["fitted"] is False
    pipe.fit(np.random.default_rng(0).random((10, 2)), [0, 1] * 5)
    assert describe(pipe)[1]["fitted"] is True
    assert describe(LogisticRegression(C=2.0))[1]["params"]["C"] == 2.0


def test_a_failing_describer_falls_back_to_the_generic_description():
    class Odd:
        __next__ = property(lambda self: 1 / 0)
    assert describe(Odd())[0] == "object"


# -- Keras ------------------------------------------------------------------------------------------------
def test_keras_input_and_model_round_trip_with_the_graph_described():
    import keras
    ns = {"trunk": lambda x: keras.layers.Dense(3, activation="relu", name="shared")(x),
          "heads": lambda h: {"class": keras.layers.Dense(4, activation="softmax", name="class")(h),
                              "group": keras.layers.Dense(2, activation="softmax", name="group")(h)}}
    local = LocalProxy(ns)
    x = local.make("keras_input", (5,))
    assert x.kind == "keras_tensor" and x.description["shape"] == (None, 5)
    assert x.description["dtype"] == "float32"
    h = local.trunk(x)
    assert h.kind == "keras_tensor" and h.description["shape"] == (None, 3)
    model = local.make("keras_model", x, local.heads(h))
    d = model.description
    assert model.kind == "keras_model" and d["params"] == 18 + 16 + 8 == d["trainable_params"]
    assert d["inputs"] == [(None, 5)]
    assert d["outputs"] == [{"name": "class", "shape": (None, 4)}, {"name": "group", "shape": (None, 2)}]
    layers = {layer["name"]: layer for layer in d["layers"]}
    assert layers[d["layers"][0]["name"]]["inbound"] == []
    assert layers["shared"]["inbound"] == [d["layers"][0]["name"]]
    assert layers["class"]["inbound"] == layers["group"]["inbound"] == ["shared"]
    assert layers["shared"]["trainable_params"] == 18 and layers["shared"]["config"]["units"] == 3


def test_frozen_layers_conv_settings_and_sequential_inbound():
    import keras
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, strides=2, padding="same",
                                                                       name="c"),
                              keras.layers.MaxPooling2D(2, name="p"), keras.layers.Flatten(name="f"),
                              keras.layers.Dropout(0.25, name="d"), keras.layers.Dense(3, name="o")])
    model.get_layer("c").trainable = False
    kind, d = describe(model)
    assert kind == "keras_model" and d["non_trainable_params"] == 20 and d["trainable_params"] == 27
    c, p, _, drop, o = d["layers"]
    assert (c["trainable"], c["trainable_params"], c["params"]) == (False, 0, 20)
    assert c["config"]["strides"] == [2, 2] and c["config"]["padding"] == "same" and c["config"]["filters"] == 2
    assert p["config"]["pool_size"] == [2, 2] and drop["config"]["rate"] == 0.25
    assert c["inbound"] == [] and p["inbound"] == ["c"] and o["inbound"] == ["d"]
    assert d["outputs"] == [{"name": "o", "shape": (None, 3)}]


def test_model_from_json_with_weights_and_load_model(tmp_path, monkeypatch):
    import keras
    ref = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="o")])
    weights = [np.full((2, 1), 0.5, "float32"), np.ones(1, "float32")]
    ref.set_weights(weights)
    local = LocalProxy({})
    rebuilt = local.make("model_from_json", ref.to_json(), weights)
    assert rebuilt.kind == "keras_model" and rebuilt.description["params"] == 3
    assert rebuilt.call("predict", np.ones((1, 2), "float32"), verbose=0).tolist() == [[2.0]]
    ref.save(tmp_path / "m.keras")
    monkeypatch.chdir(tmp_path)
    loaded = local.make("load_model", "m.keras")
    assert loaded.call("predict", np.ones((1, 2), "float32"), verbose=0).tolist() == [[2.0]]


def test_train_probe_fits_on_a_student_generator_and_reports_its_failure(local):
    history = local.make("train_probe", local.batches(), (3, 3, 1), 2, epochs=2, steps_per_epoch=3)
    assert history.kind == "keras_history" and history.description["epoch"] == [0, 1]
    assert len(history.description["history"]["loss"]) == 2 and history.description["params"]["steps"] == 3
    with pytest.raises(StudentException) as e:
        local.make("train_probe", local.broken_batches(), (3, 3, 1), 2, epochs=1, steps_per_epoch=5)
    assert (e.value.ename, e.value.evalue) == ("ValueError", "batch 3 is broken")
