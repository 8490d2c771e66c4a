"""Public checks for week 5, part 1: the pretrained base as a fixed feature extractor.

Every test loads a fresh copy of the course's base (`data/digits04_base.keras`, shipped beside the notebook)
into your kernel; the expected values are computed there with plain Keras calls, never from a solution.
"""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_true

BASE = "data/digits04_base.keras"


def _images(n, seed):
    return np.random.default_rng(seed).uniform(0, 1, size=(n, 32, 32, 1)).astype(np.float32)


def _layer_model(student, base, name):
    """The grader's own `Model(base.input, base.get_layer(name).output)`, built in your kernel."""
    return student.make("keras_model", base.attr("input"), base.call("get_layer", name).attr("output"))


@pytest.mark.task("feature_extractor", points=4)
def test_feature_extractor_block2_pool(student):
    base = student.make("load_model", BASE)
    got = student.feature_extractor(base, "block2_pool")
    expect_true(getattr(got, "kind", None) == "keras_model",
                f"feature_extractor(base, 'block2_pool') should return a keras.Model, received {describe(got)}")
    expect_true([tuple(s) for s in got.description["inputs"]] == [(None, 32, 32, 1)],
                "feature_extractor(...): the model should take the base's input, shape (None, 32, 32, 1)")
    expect_true(tuple(got.description["output_shape"]) == (None, 8, 8, 32),
                f"feature_extractor(base, 'block2_pool') should output the shape of block2_pool (None, 8, 8, 32), "
                f"got {got.description['output_shape']}")
    x = _images(6, 0)
    want = _layer_model(student, student.make("load_model", BASE), "block2_pool").call("predict", x, verbose=0)
    expect_array(got.call("predict", x, verbose=0), want, rtol=1e-4, atol=1e-5,
                 what="feature_extractor(base, 'block2_pool').predict(x)")


@pytest.mark.task("extract_features", points=4)
def test_extract_features_flattens_each_sample(student):
    base = student.make("load_model", BASE)
    model = _layer_model(student, base, "block3_pool")
    x = _images(5, 1)
    maps = model.call("predict", x, verbose=0)
    got = student.extract_features(model, x)
    expect_array(got, maps.reshape(5, -1), rtol=1e-4, atol=1e-5,
                 what="extract_features(model, x) for 5 images and a (4, 4, 64) output")


def _blobs(seed, n_per_class=30, dim=20, names=(0, 1, 2)):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, size=(len(names), dim))
    x = np.concatenate([c + rng.normal(size=(n_per_class, dim)) for c in centres])
    y = np.repeat(np.asarray(names), n_per_class)
    return x, y


@pytest.mark.task("svm_on_features", points=4)
def test_svm_on_features_fits_the_features(student):
    x, y = _blobs(0)
    clf = student.svm_on_features(x, y)
    expect_true(getattr(clf, "kind", None) == "sklearn_estimator",
                f"svm_on_features(...) should return a fitted scikit-learn classifier, received {describe(clf)}")
    pred = np.asarray(clf.call("predict", x))
    expect_true(pred.shape == y.shape, f"predict on the 90 training features gave shape {pred.shape}, "
                                       f"expected {y.shape}")
    accuracy = float(np.mean(pred == y))
    expect_true(accuracy >= 0.9, f"the classifier predicts {accuracy:.2f} of its own training features right "
                                 "(3 well separated classes): fit it on the features and labels given")
