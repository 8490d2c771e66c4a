"""Hidden checks for week 5, part 2: the fine-tune model (boundary, head, weights), VGG16 shapes, parameter
counts. The reference builds the same model in the grader on its own copy of the base."""
from pathlib import Path

import numpy as np
import pytest

from autograder.core.errors import StudentException
from autograder.testing.checks import CheckFailed, describe, expect_array, expect_equal, expect_true

BASE = "data/digits04_base.keras"
REF_BASE_FILE = Path(__file__).resolve().parents[2] / "data" / "digits04_base.keras"


def ref_base():
    import keras
    return keras.models.load_model(REF_BASE_FILE)


def _model(got, what):
    expect_true(getattr(got, "kind", None) == "keras_model", f"{what} should return a keras.Model, "
                                                             f"received {describe(got)}")
    return got


def _counts(model):
    return int(model.description["trainable_params"]), int(model.description["non_trainable_params"])


def _ref_counts(model):
    t = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    n = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return t, n


# trainable_from by name, by index and by negative index; boundaries at layers with and without parameters
BOUNDARIES = ["block2_conv1", "block3_bn", 1, 4, 7, -4, -1, -11, "image"]


@pytest.mark.task("build_finetune_model", points=6)
def test_build_finetune_model_frozen_boundary(student, reference):
    for trainable_from in BOUNDARIES:
        _check_boundary(student, reference, trainable_from)


def _check_boundary(student, reference, trainable_from):
    what = f"build_finetune_model(base, 4, trainable_from={trainable_from!r})"
    got = _model(student.build_finetune_model(student.make("load_model", BASE), 4, trainable_from), what)
    want = reference.build_finetune_model(ref_base(), 4, trainable_from)
    t, n = _counts(got)
    wt, wn = _ref_counts(want)
    expect_true((t, n) == (wt, wn),
                f"{what}: the model has {t} trainable and {n} non-trainable parameters, expected {wt} and {wn}: "
                "the base's layers before trainable_from (by name, or index into base_model.layers with Python's "
                "rules) are frozen, the rest and the head trainable")


@pytest.mark.task("build_finetune_model", points=3)
def test_build_finetune_model_bad_trainable_from(student):
    for bad in [11, -12, 40, "block9_conv1"]:
        what = f"build_finetune_model(base, 5, trainable_from={bad!r}) (the base has 11 layers)"
        try:
            student.build_finetune_model(student.make("load_model", BASE), 5, bad)
        except StudentException as e:
            expect_true(e.ename == "ValueError", f"{what} raised {e.ename}, expected ValueError")
            continue
        raise CheckFailed(f"{what} should raise ValueError")


def _base_arrays(ref):
    return ref.get_weights()


@pytest.mark.task("build_finetune_model", points=5)
def test_build_finetune_model_same_function_as_reference(student, reference, rng):
    for num_classes, head_units, trainable_from in [(5, 256, "block3_conv1"), (3, 32, -4), (7, 100, 2)]:
        _check_same_function(student, reference, rng, num_classes, head_units, trainable_from)


def _check_same_function(student, reference, rng, num_classes, head_units, trainable_from):
    what = f"build_finetune_model(base, {num_classes}, {trainable_from!r}, head_units={head_units})"
    pristine = _base_arrays(ref_base())
    got = _model(student.build_finetune_model(student.make("load_model", BASE), num_classes, trainable_from,
                                              head_units=head_units), what)
    want = reference.build_finetune_model(ref_base(), num_classes, trainable_from, head_units=head_units)
    expect_true(tuple(got.description["output_shape"]) == (None, num_classes),
                f"{what} outputs shape {got.description['output_shape']}, expected (None, {num_classes})")
    weights = got.call("get_weights")
    ref_weights = want.get_weights()
    shapes = [tuple(np.shape(w)) for w in weights]
    head = [tuple(w.shape) for w in ref_weights[len(pristine):]]
    expect_true(len(shapes) == len(ref_weights) and shapes[:len(pristine)] == [w.shape for w in pristine],
                f"{what}: the model's weights do not start with the base's own: build the head on base_model")
    for i, (w, p) in enumerate(zip(weights, pristine)):
        expect_array(w, p, rtol=0, atol=1e-7, what=f"{what}: the base's weights (array {i}) right after building "
                                                   "(the function must not change or re-initialise them)")
    expect_true(shapes[len(pristine):] == head,
                f"{what}: the head's weight shapes are {shapes[len(pristine):]}, expected {head} (global average "
                f"pooling, Dense({head_units}, relu), Dense({num_classes}, softmax))")
    got.call("set_weights", ref_weights)
    x = rng.uniform(0, 1, size=(12, 32, 32, 1))
    expect_array(got.call("predict", x, verbose=0), want.predict(x, verbose=0), rtol=1e-4, atol=1e-5,
                 what=f"{what}.predict(x) with the reference's weights (global average pooling, relu, softmax)")


@pytest.mark.task("build_finetune_model", points=2)
def test_build_finetune_model_default_head_units(student, reference):
    got = _model(student.build_finetune_model(student.make("load_model", BASE), 5, -1),
                 "build_finetune_model(base, 5, -1)")
    want = reference.build_finetune_model(ref_base(), 5, -1)
    expect_true(_counts(got) == _ref_counts(want),
                "build_finetune_model(base, 5, -1) without head_units: the head should have Dense(256) "
                f"(received {_counts(got)[0]} trainable parameters)")


# --- vgg16_feature_shape -------------------------------------------------------------------------------
def _vgg(student, shape):
    try:
        return student.vgg16_feature_shape(shape)
    except StudentException as e:
        if "URL fetch failure" in str(e) or "name resolution" in str(e):
            raise CheckFailed(f"vgg16_feature_shape({shape}) tried to download (weights='imagenet'?): the grader "
                              "has no internet; use weights=None or compute the shape") from None
        raise


@pytest.mark.task("vgg16_feature_shape", points=4)
def test_vgg16_feature_shape_random_sizes(student, reference, rng):
    shapes = [(32, 32, 3), (33, 63, 3), (64, 95, 3), (47, 224, 3), (500, 37, 3)]
    shapes += [(int(h), int(w), 3) for h, w in rng.integers(32, 700, size=(5, 2))]
    for shape in shapes:
        got = _vgg(student, shape)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 3,
                    f"vgg16_feature_shape({shape}) should return a tuple (H, W, C), received {describe(got)}")
        expect_equal([int(v) for v in got], list(reference.vgg16_feature_shape(shape)),
                     what=f"vgg16_feature_shape({shape})")


@pytest.mark.task("vgg16_feature_shape", points=2)
def test_vgg16_feature_shape_minimum_each_side(student):
    for shape in [(31, 31, 3), (32, 31, 3), (31, 500, 3), (8, 8, 3)]:
        try:
            _vgg(student, shape)
        except StudentException as e:
            expect_true(e.ename == "ValueError", f"vgg16_feature_shape({shape}) raised {e.ename}, expected "
                                                 "ValueError")
            continue
        raise CheckFailed(f"vgg16_feature_shape({shape}) should raise ValueError (H and W must be at least 32)")
    got = _vgg(student, (32, 32, 3))
    expect_equal([int(v) for v in got], [1, 1, 512], what="vgg16_feature_shape((32, 32, 3)) (the minimum)")


# --- count_params ---------------------------------------------------------------------------------------
def _bn_model():
    import keras
    from keras import layers
    inputs = keras.Input((10, 10, 3))
    x = layers.Conv2D(8, 3, name="c1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.Conv2D(4, 3, name="c2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(6, name="d1")(x)
    out = layers.Dense(3, activation="softmax", name="d2")(x)
    model = keras.Model(inputs, out)
    model.get_layer("c1").trainable = False
    model.get_layer("bn2").trainable = False
    return model


def _nested_frozen_base():
    import keras
    base = ref_base()
    base.trainable = False
    inputs = keras.Input((32, 32, 1))
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    out = keras.layers.Dense(5, activation="softmax")(x)
    return keras.Model(inputs, out)


def _partly_frozen_base():
    import keras
    base = ref_base()
    for layer in base.layers[:5]:
        layer.trainable = False
    x = keras.layers.Dense(3)(keras.layers.Flatten()(base.output))
    return keras.Model(base.input, x)


@pytest.mark.task("count_params", points=7)
def test_count_params_like_keras(student, reference):
    for make in (_bn_model, _nested_frozen_base, _partly_frozen_base):
        _check_counts(student, reference, make)


def _check_counts(student, reference, make):
    model = make()
    remote = student.make("model_from_json", model.to_json())
    want = reference.count_params(model)
    got = student.count_params(remote)
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"count_params(model) should return (trainable, non_trainable), received {describe(got)}")
    expect_true([int(v) for v in got] == list(want) and all(float(v) == int(v) for v in got),
                f"count_params(model) for a model with batch normalisation and frozen layers returned "
                f"{tuple(int(v) for v in got)}, which is not (trainable, non_trainable): count the scalars of "
                "model.trainable_weights and model.non_trainable_weights")
