"""Public checks for week 5, part 2: fine-tuning, VGG16's feature shapes, parameter counts, transfer training.

Each test loads a fresh copy of the course's base (`data/digits04_base.keras`) into your kernel. The grader
has no internet: `weights="imagenet"` cannot download there (use `weights=None` when you only need shapes).
"""
import numpy as np
import pytest

from autograder.core.errors import StudentException
from autograder.testing.checks import (
    CheckFailed,
    describe,
    expect_array,
    expect_class_probabilities,
    expect_equal,
    expect_trained_keras_model,
    expect_true,
)

BASE = "data/digits04_base.keras"
BASE_LAYERS = ["image", "block1_conv1", "block1_pool", "block2_conv1", "block2_bn", "block2_relu", "block2_pool",
               "block3_conv1", "block3_bn", "block3_relu", "block3_pool"]


def digits32(classes, seed):
    """scikit-learn's digits of `classes` at 32x32x1 (each pixel a 4x4 block), labels 0..len(classes)-1."""
    from sklearn.datasets import load_digits
    d = load_digits()
    keep = np.isin(d.target, classes)
    x = np.kron((d.images[keep] / 16.0).astype(np.float32), np.ones((1, 4, 4), np.float32))[..., None]
    y = np.searchsorted(np.asarray(classes), d.target[keep]).astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    return x[order], y[order]


def offline(call, what):
    """`call()`, with a clear message when the student's code tried to download (the grader has no internet)."""
    try:
        return call()
    except StudentException as e:
        text = str(e)
        if "URL fetch failure" in text or "name resolution" in text or "urlopen error" in text:
            raise CheckFailed(f"{what} tried to download something (weights='imagenet'?): the grader has no "
                              "internet. Use the base model passed in, or weights=None when you only need "
                              "shapes") from None
        raise


@pytest.mark.task("build_finetune_model", points=6)
def test_build_finetune_model_head_and_frozen_layers(student):
    base = student.make("load_model", BASE)
    model = student.build_finetune_model(base, 5, "block3_conv1")
    expect_true(getattr(model, "kind", None) == "keras_model",
                f"build_finetune_model(...) should return a keras.Model, received {describe(model)}")
    expect_true(tuple(model.description["output_shape"]) == (None, 5),
                f"build_finetune_model(base, 5, ...) should output (None, 5), got {model.description['output_shape']}")
    x = digits32([5, 6, 7, 8, 9], 0)[0][:8]
    expect_class_probabilities(model.call("predict", x, verbose=0), n=8, k=5, what="the fine-tune model's predict")
    for name in BASE_LAYERS:
        layer = base.call("get_layer", name)
        frozen = BASE_LAYERS.index(name) < BASE_LAYERS.index("block3_conv1")
        expect_true(layer.description["trainable"] != frozen or not layer.description["params"],
                    f"with trainable_from='block3_conv1' the base's layer {name!r} should be "
                    f"{'frozen' if frozen else 'trainable'}")
    head = model.description["trainable_params"] - (18432 + 128)
    expect_true(head == 64 * 256 + 256 + 256 * 5 + 5,
                "the head should be global average pooling, Dense(256, relu), Dense(5, softmax): the model has "
                f"{head} trainable parameters outside the base's trainable layers, expected "
                f"{64 * 256 + 256 + 256 * 5 + 5}")


@pytest.mark.task("vgg16_feature_shape", points=3)
def test_vgg16_feature_shape_slide_tables(student):
    for shape, want in [((224, 224, 3), (7, 7, 512)), ((100, 200, 3), (3, 6, 512)), ((32, 32, 3), (1, 1, 512))]:
        got = offline(lambda s=shape: student.vgg16_feature_shape(s), f"vgg16_feature_shape({shape})")
        expect_true(isinstance(got, (tuple, list)), f"vgg16_feature_shape({shape}) should return a tuple, "
                                                    f"received {describe(got)}")
        expect_equal(tuple(int(v) for v in got), want, what=f"vgg16_feature_shape({shape}) (the slides' table)")


@pytest.mark.task("vgg16_feature_shape", points=1)
def test_vgg16_feature_shape_minimum(student):
    try:
        offline(lambda: student.vgg16_feature_shape((31, 64, 3)), "vgg16_feature_shape((31, 64, 3))")
    except StudentException as e:
        expect_true(e.ename == "ValueError", f"vgg16_feature_shape((31, 64, 3)) raised {e.ename}, "
                                             "expected ValueError")
    else:
        raise CheckFailed("vgg16_feature_shape((31, 64, 3)) should raise ValueError (VGG16 needs at least 32x32)")


@pytest.mark.task("count_params", points=3)
def test_count_params_on_the_base(student):
    base = student.make("load_model", BASE)
    got = student.count_params(base)
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"count_params(model) should return (trainable, non_trainable), received {describe(got)}")
    expect_equal([int(v) for v in got], [23392, 192],
                 what="count_params(base) (batch normalisation's moving mean and variance are non-trainable)")


@pytest.mark.task("train_transfer", points=6)
def test_train_transfer_two_epochs(student):
    x, y = digits32([5, 6, 7, 8, 9], 1)
    pristine = student.make("load_model", BASE).call("get_weights")
    base = student.make("load_model", BASE)
    got = student.train_transfer(base, x[:60], y[:60], x[60:120], y[60:120], "block3_conv1", 2)
    model = expect_trained_keras_model(got, what="train_transfer(..., trainable_from='block3_conv1', epochs=2)",
                                       epochs=2)
    keys = set(got[1].description["history"])
    expect_true(any(k.startswith("val_") for k in keys), "train_transfer's history has no val_ entries: pass "
                                                         "validation_data=(x_val, y_val) to fit()")
    expect_class_probabilities(model.call("predict", x[120:140], verbose=0), n=20, k=5,
                               what="the trained model's predict on 20 digits")
    weights = model.call("get_weights")
    frozen = 7      # the arrays of block1_conv1 (kernel, bias), block2_conv1 (kernel), block2_bn (4)
    for i in range(frozen):
        expect_array(weights[i], pristine[i], rtol=0, atol=1e-7,
                     what=f"the frozen base weights (array {i} of model.get_weights()) after training")
