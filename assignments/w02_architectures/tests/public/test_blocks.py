"""Public checks for week 2: the Inception module (3a) and the ResNet basic block, built on a Keras input in
your kernel and checked by their layers (see `_w02_helpers.py`)."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest


def _helpers():
    key, path = "_w02_architectures__w02_helpers", Path(__file__).resolve().with_name("_w02_helpers.py")
    if getattr(sys.modules.get(key), "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(key, path)
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


H = _helpers()


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
