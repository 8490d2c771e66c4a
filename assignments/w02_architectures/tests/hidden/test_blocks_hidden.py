"""Hidden checks for week 2: the Inception module on other shapes and channel counts, and the residual block's
shortcut (identity or 1x1 projection by the shapes) really added, checked numerically.

Channel counts are chosen all different so that each convolution is identified by its signature. The numeric
check (`check_residual_addition` in `_w02_helpers.py`) zeroes the residual path's 3x3 convolutions inside the
student's kernel and compares the block's output with the shortcut computed here; it holds with or without
batch normalisation and biases, and for any last activation that is the identity on positive numbers.
"""

import pytest

from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w02_helpers")


def _inception(student, in_shape, args):
    H.check_inception(student, in_shape, args,
                      what=f"inception_module(x of {'x'.join(map(str, in_shape))}, {', '.join(map(str, args))})")


@pytest.mark.task("inception_module", points=4)
def test_inception_small_distinct_channels(student):
    _inception(student, (14, 14, 48), (8, 12, 16, 4, 6, 10))


@pytest.mark.task("inception_module", points=2)
def test_inception_odd_sizes(student):
    _inception(student, (7, 9, 20), (5, 6, 11, 3, 7, 9))


@pytest.mark.task("inception_module", points=2)
def test_inception_non_square_input(student):
    _inception(student, (10, 6, 32), (16, 8, 12, 2, 4, 6))


def _residual(student, rng, in_shape, filters, stride=None):
    args = (filters,) if stride is None else (filters, stride)
    stride = 1 if stride is None else stride
    what = f"residual_block(x of {'x'.join(map(str, in_shape))}, {', '.join(map(str, args))})"
    model, desc = H.keras_block(student, "residual_block", in_shape, args, what=what)
    names = H.check_residual_structure(desc, in_shape, filters, stride, what=what)
    H.check_residual_addition(model, desc, in_shape, filters, stride, rng, what=what, names=names)


@pytest.mark.task("residual_block", points=3)
def test_residual_identity_shortcut_added(student, rng):
    _residual(student, rng, (6, 6, 8), 8)


@pytest.mark.task("residual_block", points=3)
def test_residual_projection_stride2_added(student, rng):
    _residual(student, rng, (8, 8, 8), 16, 2)


@pytest.mark.task("residual_block", points=2)
def test_residual_projection_when_only_channels_differ(student, rng):
    _residual(student, rng, (6, 6, 8), 12, 1)


@pytest.mark.task("residual_block", points=1)
def test_residual_projection_when_only_stride_differs(student, rng):
    _residual(student, rng, (7, 7, 8), 8, 2)
