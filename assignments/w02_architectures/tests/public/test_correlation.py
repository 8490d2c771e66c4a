"""Public checks for week 2: correlation and convolution in NumPy on small hand-checked cases."""
import numpy as np
import pytest

from autograder.testing.checks import expect_array

TOL = dict(rtol=1e-5, atol=1e-5)      # float32 arithmetic is a correct answer too
IMAGE = np.arange(1.0, 17.0).reshape(4, 4)          # 1..16
KERNEL = np.array([[1.0, 2.0], [0.0, -1.0]])        # asymmetric: correlation and convolution differ


def _full_correlation(a, k):
    kh, kw = k.shape
    p = np.zeros((a.shape[0] + 2 * (kh - 1), a.shape[1] + 2 * (kw - 1)))
    p[kh - 1:kh - 1 + a.shape[0], kw - 1:kw - 1 + a.shape[1]] = a
    return np.array([[np.sum(p[i:i + kh, j:j + kw] * k) for j in range(p.shape[1] - kw + 1)]
                     for i in range(p.shape[0] - kh + 1)])


@pytest.mark.task("correlate2d", points=2)
def test_correlate2d_valid_and_full(student):
    # valid: out[i, j] = sum(image[i:i+2, j:j+2] * kernel)
    want = np.array([[IMAGE[i, j] + 2 * IMAGE[i, j + 1] - IMAGE[i + 1, j + 1] for j in range(3)] for i in range(3)])
    expect_array(student.correlate2d(IMAGE, KERNEL, "valid"), want, **TOL, what="correlate2d(4x4, 2x2, 'valid')")
    expect_array(student.correlate2d(IMAGE, KERNEL, "full"), _full_correlation(IMAGE, KERNEL), **TOL,
                 what="correlate2d(4x4, 2x2, 'full')")


@pytest.mark.task("correlate2d", points=2)
def test_correlate2d_same(student):
    k3 = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 2.0], [0.0, 1.0, 0.0]])
    expect_array(student.correlate2d(IMAGE, k3, "same"), _full_correlation(IMAGE, k3)[1:5, 1:5], **TOL,
                 what="correlate2d(4x4, 3x3, 'same')")
    # an even kernel: scipy starts 'same' at kernel_size // 2 of the full result
    expect_array(student.correlate2d(IMAGE, KERNEL, "same"), _full_correlation(IMAGE, KERNEL)[1:5, 1:5], **TOL,
                 what="correlate2d(4x4, 2x2, 'same')")


@pytest.mark.task("convolve2d", points=3)
def test_convolve2d_is_correlation_with_flipped_kernel(student):
    flipped = KERNEL[::-1, ::-1]
    full = _full_correlation(IMAGE, flipped)
    expect_array(student.convolve2d(IMAGE, KERNEL, "full"), full, **TOL, what="convolve2d(4x4, 2x2, 'full')")
    expect_array(student.convolve2d(IMAGE, KERNEL, "valid"), full[1:4, 1:4], **TOL,
                 what="convolve2d(4x4, 2x2, 'valid')")
    # scipy's 'same' for convolution starts at (kernel_size - 1) // 2 of the full result
    expect_array(student.convolve2d(IMAGE, KERNEL, "same"), full[0:4, 0:4], **TOL, what="convolve2d(4x4, 2x2, 'same')")
