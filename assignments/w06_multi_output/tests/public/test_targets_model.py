"""Public checks for week 6, part 1: the targets of the two outputs and the multi-output model.

Outputs are matched by their names, never by position: a model may return its outputs as a list (in the order
of `model.output_names`) or as a dict. The expected values are computed here with plain NumPy.
"""
import numpy as np
import pytest

from autograder.testing.checks import CheckFailed, describe, expect_array, expect_true

EVEN_ODD = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]          # digit c is in group c % 2


@pytest.mark.task("make_targets", points=4)
def test_make_targets_even_odd(student):
    y = np.array([3, 0, 7, 7, 2, 9, 4], dtype=np.int64)
    got = student.make_targets(y, EVEN_ODD)
    expect_true(isinstance(got, dict), f"make_targets(y, groups) should return a dict, received {describe(got)}")
    expect_true(sorted(got) == ["class", "group"],
                f"make_targets(y, groups) should return the keys 'class' and 'group' (the output names), "
                f"received the keys {sorted(map(str, got))}")
    expect_array(got["class"], y, rtol=0, atol=0, what="make_targets(y, groups)['class']")
    expect_array(got["group"], [1, 0, 1, 1, 0, 1, 0], rtol=0, atol=0,
                 what="make_targets(y, groups)['group'] for groups = even (0) / odd (1)")


def model_of(student, args):
    got = student.build_multi_output_model(*args)
    expect_true(getattr(got, "kind", None) == "keras_model",
                f"build_multi_output_model{args} should return a keras.Model, received {describe(got)}")
    return got


def outputs_by_name(model, x, what):
    """`model.predict(x)` as {output name: array}, from a dict or from a list in `output_names` order."""
    pred = model.call("predict", x, verbose=0)
    if isinstance(pred, dict):
        return {str(k): np.asarray(v) for k, v in pred.items()}
    names = [o.get("name") for o in model.description.get("outputs", [])]
    if isinstance(pred, (list, tuple)) and len(pred) == len(names):
        return {str(n): np.asarray(p) for n, p in zip(names, pred)}
    raise CheckFailed(f"{what}: predict returned {describe(pred)}; a model with two outputs gives a list of "
                      "two arrays or a dict")


def images(rng, n, shape):
    return rng.uniform(0, 1, size=(n, *shape)).astype(np.float32)


@pytest.mark.task("build_multi_output_model", points=4)
def test_build_named_outputs_and_sizes(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = model_of(student, args)
    what = f"build_multi_output_model{args}"
    inputs = [tuple(s) for s in model.description.get("inputs", [])]
    expect_true(inputs == [(None, 8, 8, 1)], f"{what} should have one input of shape (None, 8, 8, 1), has {inputs}")
    outs = outputs_by_name(model, images(rng, 5, (8, 8, 1)), what)
    expect_true(sorted(outs) == ["class", "group"],
                f"{what}: the outputs should be named 'class' and 'group' (name the output layers, or return a "
                f"dict), they are named {sorted(outs)}")
    for name, k in (("class", 10), ("group", 2)):
        expect_true(outs[name].shape == (5, k), f"{what}: the output {name!r} gives shape {outs[name].shape} for "
                                                f"5 images, expected (5, {k})")


@pytest.mark.task("build_multi_output_model", points=3)
def test_build_softmax_outputs(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = model_of(student, args)
    outs = outputs_by_name(model, images(rng, 6, (8, 8, 1)), f"build_multi_output_model{args}")
    for name in ("class", "group"):
        expect_true(name in outs, f"build_multi_output_model{args} has no output named {name!r}")
        p = outs[name].astype(np.float64)
        expect_true(bool(np.all(p >= -1e-6) and np.allclose(p.sum(axis=1), 1.0, atol=1e-4)),
                    f"the output {name!r} should give probabilities (rows of non-negative numbers summing to 1): "
                    "end it with a softmax")


def weights_reaching(model, x, what):
    """Which outputs each weight array of `model` changes: {index: set of output names}."""
    base = outputs_by_name(model, x, what)
    weights = model.call("get_weights")
    reach = {}
    noise = np.random.default_rng(0)
    for i, w in enumerate(weights):
        w = np.asarray(w)
        if w.size == 0 or w.dtype.kind != "f":
            continue
        moved = list(weights)
        moved[i] = (w + noise.normal(0, 0.5, size=w.shape)).astype(w.dtype)
        model.call("set_weights", moved)
        out = outputs_by_name(model, x, what)
        reach[i] = {n for n in base if n in out and not np.allclose(out[n], base[n], rtol=0, atol=1e-6)}
    model.call("set_weights", weights)
    return reach


@pytest.mark.task("build_multi_output_model", points=3)
def test_build_shared_trunk(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = model_of(student, args)
    reach = weights_reaching(model, images(rng, 8, (8, 8, 1)), f"build_multi_output_model{args}")
    expect_true(any({"class", "group"} <= r for r in reach.values()),
                f"build_multi_output_model{args}: no layer's weights change both outputs, so the two outputs do not "
                "share a trunk: compute the features once and put both heads on them")
