"""Public checks for week 2: LeNet-5, AlexNet and VGG16 against the papers' tables (the lecture's numbers).

Layer by layer, what counts is the kind of each convolution/pooling/flatten/dense layer, its output shape and
its parameter count (see `_w02_helpers.py`); activations, max or average pooling, dropout and names are yours.
"""
import importlib.util
import sys
from pathlib import Path

import pytest


def _helpers():
    key, path = "_w02_architectures__w02_helpers", Path(__file__).resolve().with_name("_w02_helpers.py")
    if getattr(sys.modules.get(key), "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(key, path)
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


H = _helpers()


@pytest.mark.task("build_lenet5", points=4)
def test_lenet5_paper_table(student):
    H.check_architecture(student.build_lenet5(), H.LENET5_TABLE, what="build_lenet5()", total=61706, reveal=True)


@pytest.mark.task("build_alexnet", points=5)
def test_alexnet_full_size_paper_table(student):
    H.check_architecture(student.build_alexnet(), H.ALEXNET_TABLE, what="build_alexnet()", total=62378344,
                         reveal=True)


@pytest.mark.task("build_vgg16", points=5)
def test_vgg16_without_top_paper_table(student):
    H.check_architecture(student.build_vgg16(include_top=False), H.VGG16_NOTOP_TABLE,
                         what="build_vgg16(include_top=False)", total=14714688, reveal=True)
