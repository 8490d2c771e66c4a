"""Hidden checks for week 6's compile_multi_output, on the grader's own models (never the student's builder):
outputs listed class-first, group-first, or returned as a dict. The grader compiles nothing itself: it asks the
student's compile_multi_output, then evaluates on fixed data and compares the reported numbers with its own,
computed from the same model's predictions.

* total loss = sum over the outputs of loss_weights[name] * sparse categorical cross-entropy, with the dict's
  keys in either order and unequal weights (weights taken by position, swapped, normalised or ignored fail);
* with one weight 0 the total is the other output's cross-entropy alone (each output's loss on its own);
* each output's accuracy (the metric whose name starts with the output's name and holds "acc") equals the share
  of argmax predictions that are right; the labels are chosen so that the two outputs' accuracies differ.
"""
import numpy as np
import pytest

from autograder.testing.checks import expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w06_helpers")

LAYOUTS = ["group_first", "dict", "class_first"]


def grader_model(student, layout, num_classes, num_groups, seed):
    import keras
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(24, activation="tanh", name="shared")(x)
    c = keras.layers.Dense(num_classes, activation="softmax", name="class")(x)
    g = keras.layers.Dense(num_groups, activation="softmax", name="group")(x)
    outputs = {"group_first": [g, c], "class_first": [c, g], "dict": {"group": g, "class": c}}[layout]
    model = keras.Model(inputs, outputs)
    return student.make("model_from_json", model.to_json(), model.get_weights())


def _labels(p, right, rng):
    """Labels for which exactly `right` of the rows of `p` have their argmax right."""
    n, k = p.shape
    top = p.argmax(axis=1)
    y = (top + rng.integers(1, k, size=n)) % k
    hit = rng.permutation(n)[:right]
    y[hit] = top[hit]
    return y.astype(np.int64)


def _evaluate(student, rng, layout, weights, num_classes=10, num_groups=2, n=50):
    what = f"compile_multi_output(model, loss_weights={weights}) on a model with outputs {layout.replace('_', ' ')}"
    model = grader_model(student, layout, num_classes, num_groups, int(rng.integers(1 << 16)))
    model = H.compiled(student, model, weights, what)
    x = rng.normal(0, 1, size=(n, 6, 6, 2)).astype(np.float32)
    p = H.outputs_by_name(model, x, what, batch_size=len(x))
    right = {"class": int(0.7 * n), "group": int(0.36 * n)}
    y = {name: _labels(p[name], right[name], rng) for name in ("class", "group")}
    result = model.call("evaluate", x, y, batch_size=n, verbose=0, return_dict=True)
    expect_true(isinstance(result, dict) and "loss" in result,
                f"{what}: model.evaluate(x, y, return_dict=True) gave no 'loss'")
    ce = {name: H.cross_entropy(p[name], y[name]) for name in ("class", "group")}
    accuracy = {name: right[name] / n for name in ("class", "group")}
    return what, result, ce, accuracy


@pytest.mark.task("compile_multi_output", points=10)
def test_compile_total_loss_is_weighted_by_name(student, rng):
    cases = [("group_first", {"class": 1.0, "group": 0.3}), ("group_first", {"group": 2.0, "class": 0.25}),
             ("dict", {"group": 0.3, "class": 1.7}), ("class_first", {"group": 1.5, "class": 0.5})]
    for layout, weights in cases:
        what, result, ce, _ = _evaluate(student, rng, layout, weights,
                                        *((6, 3) if layout == "dict" else (10, 2)))
        want = sum(w * ce[name] for name, w in weights.items())
        got = float(result["loss"])
        expect_true(np.isclose(got, want, rtol=2e-3, atol=2e-4),
                    f"{what}: the total loss is {got:.4f}, expected {want:.4f} = "
                    + " + ".join(f"{w:g} x {name}'s cross-entropy" for name, w in weights.items())
                    + ": each weight belongs to the output of its name")


@pytest.mark.task("compile_multi_output", points=4)
def test_compile_each_output_sparse_cross_entropy(student, rng):
    for layout, weights in [("group_first", {"group": 0.0, "class": 1.0}), ("dict", {"class": 0.0, "group": 1.0})]:
        what, result, ce, _ = _evaluate(student, rng, layout, weights)
        name = "class" if weights["class"] else "group"
        got = float(result["loss"])
        expect_true(np.isclose(got, ce[name], rtol=2e-3, atol=2e-4),
                    f"{what}: the total loss is {got:.4f}, expected the sparse categorical cross-entropy of the "
                    f"output {name!r} alone ({ce[name]:.4f}; the other output's weight is 0): sparse categorical "
                    "cross-entropy for each output (the labels are integer class indices), each weight on the "
                    "output of its name")


@pytest.mark.task("compile_multi_output", points=6)
def test_compile_accuracy_of_each_output(student, rng):
    for layout in LAYOUTS:
        what, result, _, accuracy = _evaluate(student, rng, layout, {"group": 0.5, "class": 1.0}, 8, 3)
        for name in ("class", "group"):
            keys = sorted(k for k in result if k.startswith(name + "_") and "acc" in k)
            expect_true(bool(keys), f"{what}: model.evaluate reports no accuracy for the output {name!r} (it "
                                    f"reports {sorted(result)}): give each output the accuracy metric")
            values = [float(result[k]) for k in keys]
            expect_true(any(abs(v - accuracy[name]) <= 1e-4 for v in values),
                        f"{what}: the output {name!r} reports {', '.join(f'{k} = {v:.3f}' for k, v in zip(keys, values))}"
                        f", but {accuracy[name]:.3f} of its argmax predictions are right: use 'accuracy' (or "
                        "SparseCategoricalAccuracy) for integer labels, on each output by its name")
