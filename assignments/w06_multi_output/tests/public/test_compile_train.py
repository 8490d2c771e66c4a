"""Public checks for week 6, part 2: compiling and training a multi-output model.

These checks never use your build_multi_output_model: they build the grader's own small model (one input, a
shared Dense trunk, softmax outputs named "class" and "group") in your kernel and give it to your function, so
that a mistake in one task costs only that task. The expected loss and accuracy are computed here from the
model's own predictions.
"""
import numpy as np
import pytest

from autograder.testing.checks import expect_true
from autograder.testing.datasets import digits_split
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w06_helpers")

SCE = "sparse_categorical_crossentropy"


def grader_model(student, *, num_classes=10, num_groups=2, group_first=False, seed=0):
    """The grader's model, built here and rebuilt in the student's kernel (uncompiled)."""
    import keras
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Dense(32, activation="relu", name="trunk")(keras.layers.Flatten()(inputs))
    c = keras.layers.Dense(num_classes, activation="softmax", name="class")(x)
    g = keras.layers.Dense(num_groups, activation="softmax", name="group")(x)
    model = keras.Model(inputs, [g, c] if group_first else [c, g])
    return student.make("model_from_json", model.to_json(), model.get_weights())


@pytest.mark.task("compile_multi_output", points=8)
def test_compile_weighted_loss_and_accuracies(student, rng):
    weights = {"class": 1.0, "group": 0.5}
    model = H.compiled(student, grader_model(student), weights, f"compile_multi_output(model, {weights})")
    x = rng.uniform(0, 1, size=(40, 8, 8, 1)).astype(np.float32)
    y = {"class": rng.integers(0, 10, 40), "group": rng.integers(0, 2, 40)}
    result = model.call("evaluate", x, y, batch_size=40, verbose=0, return_dict=True)
    expect_true(isinstance(result, dict) and "loss" in result, "model.evaluate(..., return_dict=True) after "
                                                               "compile_multi_output gave no 'loss'")
    p = H.outputs_by_name(model, x, "model.predict after compile_multi_output", batch_size=len(x))
    want = sum(w * H.cross_entropy(p[k], y[k]) for k, w in weights.items())
    expect_true(np.isclose(float(result["loss"]), want, rtol=2e-3, atol=2e-4),
                f"with loss_weights={weights} the total loss is {float(result['loss']):.4f}, expected {want:.4f}: "
                "sparse categorical cross-entropy for each output, weighted by loss_weights")
    for name in ("class", "group"):
        keys = [k for k in result if k.startswith(name + "_") and "acc" in k]
        expect_true(bool(keys), f"model.evaluate reports no accuracy for the output {name!r} (it reports "
                                f"{sorted(result)}): give each output the accuracy metric")


@pytest.mark.task("train_multi_output", points=8)
def test_train_two_epochs_with_validation(student):
    groups = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    x_train, y_train, x_val, y_val, _, _ = digits_split(160, 40, 0, seed=6)
    model = grader_model(student, seed=1)
    model.call("compile", optimizer="adam", loss={"class": SCE, "group": SCE},
               loss_weights={"class": 1.0, "group": 0.5}, metrics={"class": ["accuracy"], "group": ["accuracy"]})
    what = "train_multi_output(model, x_train, targets_train, x_val, targets_val, epochs=2)"
    history = student.train_multi_output(model, x_train, {"class": y_train, "group": groups[y_train]},
                                         x_val, {"class": y_val, "group": groups[y_val]}, 2)
    series = H.history_series(history, what)
    lengths = {len(v) for v in series.values()}
    expect_true(lengths == {2}, f"{what}: the history covers {sorted(lengths)} epoch(s), expected 2: pass the "
                                "`epochs` argument to fit()")
    for name in ("class", "group"):
        expect_true(any(k.startswith(f"val_{name}_") for k in series),
                    f"{what}: the history has no val_ entries for the output {name!r}: pass "
                    "validation_data=(x_val, targets_val) to fit()")
