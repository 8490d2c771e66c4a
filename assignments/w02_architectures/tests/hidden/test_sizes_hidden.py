"""Hidden checks for week 2: output sizes and parameter counts against the formulas on random inputs.

What "invalid" means here (the notebook says the same): the slide's formula W2 = (W1 - F + 2P)/S + 1 assumes S
divides W1 - F + 2P; when it does not, COURSE.md settles the answer as the floor, like Keras's 'valid' and
explicit padding, so those inputs are tested. A filter larger than the padded input (W1 + 2P < F) has no
output at all; what to do then (raise, return 0 or less) is left open and never tested.
"""

import pytest

from autograder.testing.helpers import load_helper

expect_int = load_helper(__file__, "_w02_helpers").expect_int


def _valid_args(rng, divisible):
    while True:
        w, f = int(rng.integers(1, 300)), int(rng.integers(1, 12))
        p, s = int(rng.integers(0, 4)), int(rng.integers(1, 6))
        span = w - f + 2 * p
        if span >= 0 and (span % s == 0) == divisible:
            return w, f, p, s


@pytest.mark.task("conv_output_size", points=2)
def test_conv_output_size_random_valid(student, reference, rng):
    for _ in range(25):
        args = _valid_args(rng, divisible=True)
        expect_int(student.conv_output_size(*args), reference.conv_output_size(*args),
                   what="conv_output_size(w={}, f={}, p={}, s={})".format(*args))


@pytest.mark.task("conv_output_size", points=2)
def test_conv_output_size_not_divisible_floors(student, reference, rng):
    for _ in range(25):
        args = _valid_args(rng, divisible=False)
        expect_int(student.conv_output_size(*args), reference.conv_output_size(*args),
                   what="conv_output_size(w={}, f={}, p={}, s={}) where S does not divide W - F + 2P "
                        "(floor, like Keras)".format(*args))


@pytest.mark.task("conv_output_size", points=1)
def test_conv_output_size_edges(student, reference):
    # the filter exactly covering the padded input; 1x1 filters; a stride larger than the input
    for args in ((5, 5, 0, 1), (3, 7, 2, 1), (10, 1, 0, 1), (10, 1, 0, 3), (4, 2, 0, 7), (1, 1, 0, 1), (6, 3, 3, 2)):
        expect_int(student.conv_output_size(*args), reference.conv_output_size(*args),
                   what="conv_output_size(w={}, f={}, p={}, s={})".format(*args))


@pytest.mark.task("conv_params", points=3)
def test_conv_params_random(student, reference, rng):
    cases = [(1, 1, 1), (1, 512, 64), (7, 3, 64)] + [
        (int(rng.integers(1, 12)), int(rng.integers(1, 600)), int(rng.integers(1, 600))) for _ in range(20)]
    for args in cases:
        expect_int(student.conv_params(*args), reference.conv_params(*args),
                   what="conv_params(f={}, d_in={}, k={})".format(*args))


@pytest.mark.task("dense_params", points=2)
def test_dense_params_random(student, reference, rng):
    cases = [(1, 1), (25088, 4096), (9216, 4096)] + [
        (int(rng.integers(1, 5000)), int(rng.integers(1, 5000))) for _ in range(20)]
    for args in cases:
        expect_int(student.dense_params(*args), reference.dense_params(*args),
                   what="dense_params(n_in={}, n_out={})".format(*args))
