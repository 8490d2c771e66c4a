"""Hidden checks for week 5, part 1: feature extractor, features, SVM. The reference runs in the grader on its
own copy of the base (the same file the kernel loads); every test gives the student a fresh base."""
from pathlib import Path

import numpy as np
import pytest

from autograder.core.errors import StudentException
from autograder.testing.checks import CheckFailed, describe, expect_array, expect_true

BASE = "data/digits04_base.keras"
REF_BASE_FILE = Path(__file__).resolve().parents[2] / "data" / "digits04_base.keras"
SVM_MODULES = ("sklearn.svm", "sklearn.linear_model")
SVM_CLASSES = {"SVC", "LinearSVC", "NuSVC", "LogisticRegression", "LogisticRegressionCV", "SGDClassifier",
               "RidgeClassifier", "RidgeClassifierCV", "Perceptron", "PassiveAggressiveClassifier"}


def ref_base():
    import keras
    return keras.models.load_model(REF_BASE_FILE)


def _images(rng, n):
    return rng.uniform(0, 1, size=(n, 32, 32, 1))


@pytest.mark.task("feature_extractor", points=8)
def test_feature_extractor_named_layers(student, reference, rng):
    # intermediate layers and the last one (where the base's own output is right)
    for layer in ["block1_pool", "block2_relu", "block3_bn", "block3_pool"]:
        _check_layer(student, reference, rng, layer)


def _check_layer(student, reference, rng, layer):
    got = student.feature_extractor(student.make("load_model", BASE), layer)
    expect_true(getattr(got, "kind", None) == "keras_model",
                f"feature_extractor(base, {layer!r}) should return a keras.Model, received {describe(got)}")
    want = reference.feature_extractor(ref_base(), layer)
    expect_true([tuple(s) for s in got.description["inputs"]] == [tuple(want.input.shape)],
                f"feature_extractor(base, {layer!r}) should take the base's own input")
    expect_true(tuple(got.description["output_shape"]) == tuple(want.output.shape),
                f"feature_extractor(base, {layer!r}) outputs shape {got.description['output_shape']}, which is "
                f"not the output of the layer {layer!r}")
    x = _images(rng, 7)
    expect_array(got.call("predict", x, verbose=0), want.predict(x, verbose=0), rtol=1e-4, atol=1e-5,
                 what=f"feature_extractor(base, {layer!r}).predict(x)")


def _layer_model(student, layer):
    base = student.make("load_model", BASE)
    return student.make("keras_model", base.attr("input"), base.call("get_layer", layer).attr("output"))


@pytest.mark.task("extract_features", points=6)
def test_extract_features_like_reference(student, reference, rng):
    for layer, n in [("block2_pool", 45), ("block3_relu", 1), ("block1_conv1", 70)]:
        _check_features(student, reference, rng, layer, n)


def _check_features(student, reference, rng, layer, n):
    import keras
    model = _layer_model(student, layer)
    base = ref_base()
    ref_model = keras.Model(base.input, base.get_layer(layer).output)
    x = _images(rng, n)
    got = student.extract_features(model, x)
    want = reference.extract_features(ref_model, x)
    expect_array(got, want, rtol=1e-4, atol=1e-5,
                 what=f"extract_features(model, x) for {n} image(s) and a {tuple(ref_model.output.shape[1:])} output")


@pytest.mark.task("extract_features", points=2)
def test_extract_features_vector_output(student, reference, rng):
    import keras
    base = ref_base()
    pooled = keras.Model(base.input, keras.layers.GlobalAveragePooling2D()(base.output))
    model = student.make("model_from_json", pooled.to_json(), pooled.get_weights())
    x = _images(rng, 9)
    expect_array(student.extract_features(model, x), reference.extract_features(pooled, x), rtol=1e-4, atol=1e-5,
                 what="extract_features(model, x) for a model whose outputs are (64,) vectors already")


def _blobs(rng, names, n_per_class, dim, spread=3.0):
    centres = rng.normal(0, spread, size=(len(names), dim))
    x = np.concatenate([c + rng.normal(size=(n_per_class, dim)) for c in centres])
    y = np.repeat(np.asarray(names), n_per_class)
    order = rng.permutation(len(y))
    return x[order], y[order], centres


def _check_kind(clf, what):
    expect_true(getattr(clf, "kind", None) == "sklearn_estimator",
                f"{what} should return a fitted scikit-learn classifier, received {describe(clf)}")
    d = clf.description
    last = d["steps"][-1] if d.get("steps") else d["class"]
    expect_true(last in SVM_CLASSES or (not d.get("steps") and str(d.get("module", "")).startswith(SVM_MODULES)),
                f"{what} returned a {last}: use an SVM or a linear classifier (a Pipeline may end in one)")


def _predict(clf, x, what):
    try:
        return np.asarray(clf.call("predict", x))
    except StudentException as e:
        if "NotFitted" in e.ename or "not fitted" in str(e):
            raise CheckFailed(f"{what}: the classifier returned is not fitted; call fit(features, labels)") from None
        raise


@pytest.mark.task("svm_on_features", points=4)
def test_svm_on_features_generalises(student, rng):
    names = [3, 7, 11, 20]
    x, y, centres = _blobs(rng, names, 40, 64)
    clf = student.svm_on_features(x[:120], y[:120])
    _check_kind(clf, "svm_on_features(features, labels)")
    train_acc = float(np.mean(_predict(clf, x[:120], "svm_on_features") == y[:120]))
    expect_true(train_acc >= 0.95, f"the classifier predicts only {train_acc:.2f} of its training features right "
                                   "(4 well separated classes)")
    held = float(np.mean(_predict(clf, x[120:], "svm_on_features") == y[120:]))
    expect_true(held >= 0.9, f"the classifier predicts only {held:.2f} of new features of the same 4 classes right")


@pytest.mark.task("svm_on_features", points=4)
def test_svm_on_features_refits_each_call(student, rng):
    x, y, _ = _blobs(rng, [0, 1, 2], 30, 16)
    relabel = np.asarray([2, 0, 1])[y]               # the same features, other labels: a second, different fit
    first = student.svm_on_features(x, y)
    second = student.svm_on_features(x, relabel)
    _check_kind(second, "svm_on_features(features, labels)")
    acc1 = float(np.mean(_predict(first, x, "svm_on_features") == y))
    acc2 = float(np.mean(_predict(second, x, "svm_on_features") == relabel))
    expect_true(acc1 >= 0.95 and acc2 >= 0.95,
                "called twice on the same features with different labels, the classifiers predict "
                f"{acc1:.2f} and {acc2:.2f} of their own labels right: fit a new classifier on each call's labels")
