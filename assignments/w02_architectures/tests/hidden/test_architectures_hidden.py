"""Hidden checks for week 2: LeNet-5, AlexNet and VGG16 against the reference, layer by layer, at other input
shapes and class counts (and VGG16 with its top at full size).

The expected layers come from `reference.architecture_summary` (the reference's plan with the lecture's
formulas): the grader never builds the big models itself. Only the student's model is built, in the student's
kernel, and only its description crosses. Tests whose name says `full_size` build the models at the papers' size.
"""

import pytest

from autograder.testing.helpers import load_helper

H = load_helper(__file__, "_w02_helpers")


def _check(student, reference, fn, name, input_shape, num_classes, include_top=None):
    kw = {"input_shape": input_shape, "num_classes": num_classes}
    if include_top is not None:
        kw["include_top"] = include_top
    what = f"{fn}({', '.join(f'{k}={v}' for k, v in kw.items())})"
    want = reference.architecture_summary(name, input_shape, num_classes, True if include_top is None else include_top)
    H.check_architecture(getattr(student, fn)(**kw), want, what=what)


@pytest.mark.task("build_lenet5", points=3)
def test_lenet5_three_channels_43_classes(student, reference):
    _check(student, reference, "build_lenet5", "lenet5", (32, 32, 3), 43)


@pytest.mark.task("build_lenet5", points=3)
def test_lenet5_two_classes(student, reference):
    _check(student, reference, "build_lenet5", "lenet5", (32, 32, 1), 2)


@pytest.mark.task("build_alexnet", points=4)
def test_alexnet_99x99x3_17_classes(student, reference):
    _check(student, reference, "build_alexnet", "alexnet", (99, 99, 3), 17)


@pytest.mark.task("build_alexnet", points=3)
def test_alexnet_67x67x1_3_classes(student, reference):
    _check(student, reference, "build_alexnet", "alexnet", (67, 67, 1), 3)


@pytest.mark.task("build_vgg16", points=4)
def test_vgg16_full_size_with_top(student, reference):
    # 138,357,544 parameters (about 550 MB in the student's kernel); described, never trained or run
    _check(student, reference, "build_vgg16", "vgg16", (224, 224, 3), 1000, include_top=True)


@pytest.mark.task("build_vgg16", points=2)
def test_vgg16_32x32x3_10_classes_with_top(student, reference):
    _check(student, reference, "build_vgg16", "vgg16", (32, 32, 3), 10, include_top=True)


@pytest.mark.task("build_vgg16", points=2)
def test_vgg16_48x48x1_without_top(student, reference):
    _check(student, reference, "build_vgg16", "vgg16", (48, 48, 1), 10, include_top=False)
