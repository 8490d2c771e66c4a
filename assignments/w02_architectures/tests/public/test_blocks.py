"""Public checks for week 2: the Inception module (3a) and the ResNet basic block, built on a Keras input in
your kernel and checked by their layers (see `_w02_helpers.py`)."""

import numpy as np
import pytest

from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w02_helpers")


@pytest.mark.task("inception_module", points=5)
def test_inception_3a(student):
    # GoogLeNet's inception (3a): 28x28x192 -> 28x28x256, 163,696 parameters without batch normalisation
    H.check_inception(student, (28, 28, 192), (64, 96, 128, 16, 32, 32),
                      what="inception_module(x of 28x28x192, 64, 96, 128, 16, 32, 32)", total_conv_params=163696)


@pytest.mark.task("residual_block", points=2)
def test_residual_block_identity_shortcut(student):
    what = "residual_block(x of 8x8x16, 16)"
    model, desc = H.keras_block(student, "residual_block", (8, 8, 16), (16,), what=what)
    names = H.check_residual_structure(desc, (8, 8, 16), 16, 1, what=what)
    H.check_residual_addition(model, desc, (8, 8, 16), 16, 1, np.random.default_rng(2), what=what, names=names)


@pytest.mark.task("residual_block", points=2)
def test_residual_block_projection_structure(student):
    what = "residual_block(x of 8x8x16, 32, stride=2)"
    model, desc = H.keras_block(student, "residual_block", (8, 8, 16), (32, 2), what=what)
    H.check_residual_structure(desc, (8, 8, 16), 32, 2, what=what)
