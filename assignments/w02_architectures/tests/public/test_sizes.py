"""Public checks for week 2: output sizes and parameter counts on the lecture's examples."""

import pytest

from autograder.testing.helpers import load_helper

expect_int = load_helper(__file__, "_w02_helpers").expect_int


@pytest.mark.task("conv_output_size", points=3)
def test_conv_output_size_lecture_examples(student):
    # cs231n's 7x7 input with a 3x3 filter; AlexNet's first layer; a 'same' 5x5 on 32x32; a stride-2 3x3
    for args, want in (((7, 3, 0, 1), 5), ((7, 3, 0, 2), 3), ((227, 11, 0, 4), 55), ((32, 5, 2, 1), 32),
                       ((224, 3, 1, 1), 224), ((224, 2, 0, 2), 112)):
        expect_int(student.conv_output_size(*args), want, what=f"conv_output_size(w={args[0]}, f={args[1]}, "
                                                              f"p={args[2]}, s={args[3]})")
    # (W - F + 2P) / S not an integer: floor, like Keras
    expect_int(student.conv_output_size(8, 3, 0, 2), 3, what="conv_output_size(w=8, f=3, p=0, s=2), floored")


@pytest.mark.task("conv_params", points=2)
def test_conv_params_lecture_examples(student):
    for args, want in (((5, 1, 6), 156), ((5, 6, 16), 2416), ((11, 3, 96), 34944), ((3, 64, 128), 73856)):
        expect_int(student.conv_params(*args), want, what=f"conv_params(f={args[0]}, d_in={args[1]}, k={args[2]})")


@pytest.mark.task("dense_params", points=2)
def test_dense_params_slide_example(student):
    # the slide's net 3 -> 4 -> 5 -> 2: 16 + 25 + 12 = 53 parameters
    for args, want in (((3, 4), 16), ((4, 5), 25), ((5, 2), 12), ((400, 120), 48120)):
        expect_int(student.dense_params(*args), want, what=f"dense_params(n_in={args[0]}, n_out={args[1]})")
