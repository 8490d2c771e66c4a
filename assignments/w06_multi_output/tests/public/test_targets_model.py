"""Public checks for week 6, part 1: the targets of the two outputs and the multi-output model.

Outputs are matched by their names, never by position: a model may return its outputs as a list (in the order
of `model.output_names`) or as a dict. The expected values are computed here with plain NumPy.
"""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w06_helpers")

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


def images(rng, n, shape):
    return rng.uniform(0, 1, size=(n, *shape)).astype(np.float32)


@pytest.mark.task("build_multi_output_model", points=4)
def test_build_named_outputs_and_sizes(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = H.model_of(student, args)
    what = f"build_multi_output_model{args}"
    inputs = [tuple(s) for s in model.description.get("inputs", [])]
    expect_true(inputs == [(None, 8, 8, 1)], f"{what} should have one input of shape (None, 8, 8, 1), has {inputs}")
    outs = H.outputs_by_name(model, images(rng, 5, (8, 8, 1)), what)
    expect_true(sorted(outs) == ["class", "group"],
                f"{what}: the outputs should be named 'class' and 'group' (name the output layers, or return a "
                f"dict), they are named {sorted(outs)}")
    for name, k in (("class", 10), ("group", 2)):
        expect_true(outs[name].shape == (5, k), f"{what}: the output {name!r} gives shape {outs[name].shape} for "
                                                f"5 images, expected (5, {k})")


@pytest.mark.task("build_multi_output_model", points=3)
def test_build_softmax_outputs(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = H.model_of(student, args)
    outs = H.outputs_by_name(model, images(rng, 6, (8, 8, 1)), f"build_multi_output_model{args}")
    for name in ("class", "group"):
        expect_true(name in outs, f"build_multi_output_model{args} has no output named {name!r}")
        p = outs[name].astype(np.float64)
        expect_true(bool(np.all(p >= -1e-6) and np.allclose(p.sum(axis=1), 1.0, atol=1e-4)),
                    f"the output {name!r} should give probabilities (rows of non-negative numbers summing to 1): "
                    "end it with a softmax")


@pytest.mark.task("build_multi_output_model", points=3)
def test_build_shared_trunk(student, rng):
    args = ((8, 8, 1), 10, 2)
    model = H.model_of(student, args)
    reach = H.outputs_each_weight_moves(model, images(rng, 8, (8, 8, 1)), f"build_multi_output_model{args}", 0)
    expect_true(any({"class", "group"} <= r for r in reach),
                f"build_multi_output_model{args}: no layer's weights change both outputs, so the two outputs do not "
                "share a trunk: compute the features once and put both heads on them")
