"""Hidden checks for week 6's build_multi_output_model on other shapes and sizes: one input, outputs named
"class" and "group" (matched by name: a list in `output_names` order or a dict) of the asked sizes, softmax
probabilities on any input, a trunk shared by both outputs (some layer's weights change both outputs: two
separate trunks from the same input share nothing), and no frozen layer.
"""
import numpy as np
import pytest

from autograder.testing.checks import expect_true
from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w06_helpers")

CONFIGS = [((16, 16, 3), 7, 3), ((12, 10, 1), 5, 4), ((8, 8, 1), 3, 2)]


@pytest.mark.task("build_multi_output_model", points=6)
def test_build_sizes_names_one_input(student, rng):
    for args in CONFIGS:
        shape, k, g = args
        what = f"build_multi_output_model{args}"
        model = H.model_of(student, args)
        inputs = [tuple(s) for s in model.description.get("inputs", [])]
        expect_true(inputs == [(None, *shape)], f"{what} should have one input of shape {(None, *shape)}, "
                                                f"has {inputs}")
        outs = H.outputs_by_name(model, rng.uniform(0, 1, size=(4, *shape)).astype(np.float32), what)
        expect_true(sorted(outs) == ["class", "group"], f"{what}: the outputs should be exactly 'class' and "
                                                        f"'group', they are {sorted(outs)}")
        for name, units in (("class", k), ("group", g)):
            expect_true(outs[name].shape == (4, units),
                        f"{what}: the output {name!r} gives shape {outs[name].shape} for 4 images, expected "
                        f"(4, {units}) ({'num_classes' if name == 'class' else 'num_groups'} = {units})")


@pytest.mark.task("build_multi_output_model", points=4)
def test_build_softmax_on_any_input(student, rng):
    for args in CONFIGS[:2]:
        shape = args[0]
        model = H.model_of(student, args)
        for scale in (1.0, 50.0):
            x = (rng.normal(0, 1, size=(8, *shape)) * scale).astype(np.float32)
            outs = H.outputs_by_name(model, x, f"build_multi_output_model{args}")
            for name in ("class", "group"):
                expect_true(name in outs, f"build_multi_output_model{args} has no output named {name!r}")
                p = outs[name].astype(np.float64)
                expect_true(bool(np.all(np.isfinite(p)) and np.all(p >= -1e-6) and np.all(p <= 1 + 1e-6)
                                 and np.allclose(p.sum(axis=1), 1.0, atol=1e-4)),
                            f"build_multi_output_model{args}: the output {name!r} is not a probability "
                            "distribution over its classes for every input: end it with a softmax")


@pytest.mark.task("build_multi_output_model", points=6)
def test_build_one_trunk_for_both_outputs(student, rng):
    for args in CONFIGS[:2]:
        what = f"build_multi_output_model{args}"
        model = H.model_of(student, args)
        x = rng.uniform(0, 1, size=(8, *args[0])).astype(np.float32)
        reach = H.outputs_each_weight_moves(model, x, what, int(rng.integers(1000)))
        expect_true(bool(reach), f"{what} has no weights")
        expect_true(any({"class", "group"} <= r for r in reach),
                    f"{what}: none of the model's weights change both outputs: the outputs should share one trunk "
                    "(the layers that compute the features), with one head each on top of it")


@pytest.mark.task("build_multi_output_model", points=4)
def test_build_every_layer_trainable(student):
    # a model trained from scratch: no layer with weights is frozen
    args = ((8, 8, 1), 10, 2)
    model = H.model_of(student, args)
    frozen = [layer["name"] for layer in model.description.get("layers", [])
              if layer.get("params") and not layer.get("trainable")]
    expect_true(not frozen, f"build_multi_output_model{args}: the layers {frozen} are frozen (trainable=False); "
                            "every layer of a model trained from scratch should be trainable")
    expect_true(model.description.get("trainable_params", 0) > 0,
                f"build_multi_output_model{args} has no trainable weights")
