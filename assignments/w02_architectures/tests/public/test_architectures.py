"""Public checks for week 2: LeNet-5, AlexNet and VGG16 against the papers' tables (the lecture's numbers).

Layer by layer, what counts is the kind of each convolution/pooling/flatten/dense layer, its output shape and
its parameter count (see `_w02_helpers.py`); activations, max or average pooling, dropout and names are yours.
"""

import pytest

from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w02_helpers")


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
