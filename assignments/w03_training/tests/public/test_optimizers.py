"""Public checks for week 3: optimizer steps, backprop and batch normalisation (hand-computed cases)."""
import math

import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_true, expect_tuple, expect_unchanged

TOL = dict(rtol=1e-5, atol=1e-6)      # float32 arithmetic (as in Keras) is a correct answer too
W = np.array([1.0, 2.0])
G = np.array([0.5, -1.0])


@pytest.mark.task("sgd_step", points=2)
def test_sgd_step_small(student):
    result, after = student.call_with_args("sgd_step", W.copy(), G.copy(), 0.1)
    expect_array(result, [0.95, 2.1], **TOL, what="sgd_step([1, 2], [0.5, -1], lr=0.1)")
    expect_unchanged((W, G, 0.1), after, what="sgd_step", names=("w", "g", "lr"))


@pytest.mark.task("momentum_step", points=2)
def test_momentum_step_small(student):
    v = np.array([0.1, 0.1])
    result, after = student.call_with_args("momentum_step", W.copy(), G.copy(), v.copy(), 0.1, 0.9)
    # v = 0.9 * 0.1 + 0.1 * g = [0.14, -0.01]; w = w - v
    expect_tuple(result, (np.array([0.86, 2.01]), np.array([0.14, -0.01])), **TOL,
                 what="momentum_step([1, 2], [0.5, -1], v=[0.1, 0.1], lr=0.1, gamma=0.9)", names=("w_new", "v_new"))
    expect_unchanged((W, G, v), after[:3], what="momentum_step", names=("w", "g", "v"))


@pytest.mark.task("adagrad_step", points=2)
def test_adagrad_step_small(student):
    cache = np.array([0.75, 0.0])
    result, after = student.call_with_args("adagrad_step", W.copy(), G.copy(), cache.copy(), 0.1, 1e-8)
    # cache = [0.75 + 0.25, 0 + 1] = [1, 1]; w = w - 0.1 * g / (1 + 1e-8)
    w_new = np.array([1.0 - 0.05 / (1 + 1e-8), 2.0 + 0.1 / (1 + 1e-8)])
    expect_tuple(result, (w_new, np.array([1.0, 1.0])), **TOL,
                 what="adagrad_step([1, 2], [0.5, -1], cache=[0.75, 0], lr=0.1, eps=1e-8)",
                 names=("w_new", "cache_new"))
    expect_unchanged((W, G, cache), after[:3], what="adagrad_step", names=("w", "g", "cache"))


@pytest.mark.task("rmsprop_step", points=2)
def test_rmsprop_step_small(student):
    cache = np.array([1.0, 1.0])
    result, after = student.call_with_args("rmsprop_step", W.copy(), G.copy(), cache.copy(), 0.01, 0.9, 1e-8)
    # cache = 0.9 * 1 + 0.1 * g**2 = [0.925, 1.0]
    w_new = np.array([1.0 - 0.01 * 0.5 / (math.sqrt(0.925) + 1e-8), 2.0 + 0.01 / (1.0 + 1e-8)])
    expect_tuple(result, (w_new, np.array([0.925, 1.0])), **TOL,
                 what="rmsprop_step([1, 2], [0.5, -1], cache=[1, 1], lr=0.01, beta=0.9, eps=1e-8)",
                 names=("w_new", "cache_new"))
    expect_unchanged((W, G, cache), after[:3], what="rmsprop_step", names=("w", "g", "cache"))


@pytest.mark.task("adam_step", points=2)
def test_adam_first_step_from_zero(student):
    w, g = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    zeros = np.zeros(3)
    got = student.adam_step(w, g, zeros, zeros, 1, 0.001, 0.9, 0.999, 1e-8)
    # at t=1 bias correction gives m_hat = g and v_hat = g**2, so each weight moves by lr * g / (|g| + eps)
    w_new = w - 0.001 * g / (np.abs(g) + 1e-8)
    expect_tuple(got, (w_new, 0.1 * g, 0.001 * g ** 2), **TOL,
                 what="adam_step(w, g, m=0, v=0, t=1, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)",
                 names=("w_new", "m_new", "v_new"))


@pytest.mark.task("adam_step", points=1)
def test_adam_step_does_not_mutate(student):
    w, g, m, v = np.ones((2, 2)), np.full((2, 2), 0.5), np.full((2, 2), 0.1), np.full((2, 2), 0.2)
    result, after = student.call_with_args("adam_step", w.copy(), g.copy(), m.copy(), v.copy(), 3, 0.01, 0.9, 0.999, 1e-8)
    # leaving the inputs alone counts for a step that computes something: new w, m, v that depend on g
    expect_true(isinstance(result, (tuple, list)) and len(result) == 3
                and all(np.shape(r) == (2, 2) and np.all(np.isfinite(r)) for r in result),
                f"adam_step(...) should return (w_new, m_new, v_new), finite arrays shaped like w; "
                f"received {describe(result)}")
    for name, new, old in zip(("w", "m", "v"), result, (w, m, v)):
        expect_true(not np.array_equal(new, old), f"adam_step(...) returned {name} unchanged")
    other = student.adam_step(w, -g, m, v, 3, 0.01, 0.9, 0.999, 1e-8)
    expect_true(not np.array_equal(np.asarray(other[0] if isinstance(other, (tuple, list)) and other else other), result[0]),
                "adam_step(...) returned the same w_new for a different gradient g")
    expect_unchanged((w, g, m, v), after[:4], what="adam_step", names=("w", "g", "m", "v"))


@pytest.mark.task("backprop_example", points=2)
def test_backprop_slide_example(student):
    expect_tuple(student.backprop_example(-2, 5, -4), (-12.0, -4.0, -4.0, 3.0), **TOL,
                 what="backprop_example(-2, 5, -4)", names=("f", "dfdx", "dfdy", "dfdz"))


@pytest.mark.task("batchnorm_forward", points=2)
def test_batchnorm_small(student):
    x = np.array([[1.0, 2.0], [3.0, 6.0]])       # per feature: mean [2, 4], biased variance [1, 4]
    want = np.array([[-1 / math.sqrt(1.001), -2 / math.sqrt(4.001)], [1 / math.sqrt(1.001), 2 / math.sqrt(4.001)]])
    expect_array(student.batchnorm_forward(x, np.ones(2), np.zeros(2)), want, **TOL,
                 what="batchnorm_forward([[1, 2], [3, 6]], gamma=1, beta=0)")
    expect_array(student.batchnorm_forward(x, np.array([2.0, 0.5]), np.array([1.0, -1.0]), eps=0.0),
                 np.array([[-1.0, -1.5], [3.0, -0.5]]), **TOL,
                 what="batchnorm_forward([[1, 2], [3, 6]], gamma=[2, 0.5], beta=[1, -1], eps=0)")


@pytest.mark.task("batchnorm_forward", points=1)
def test_batchnorm_shape_and_no_mutation(student):
    x = np.arange(12, dtype=np.float64).reshape(4, 3) ** 2
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, -1.0])
    result, after = student.call_with_args("batchnorm_forward", x.copy(), gamma.copy(), beta.copy())
    expect_true(np.shape(result) == (4, 3),
                f"batchnorm_forward(x of shape (4, 3), ...): expected shape (4, 3), received {describe(result)}")
    y = np.asarray(result, dtype=np.float64)
    expect_array(y.mean(axis=0), beta, rtol=1e-6, atol=1e-6, what="batchnorm_forward(...) per-feature mean (= beta)")
    expect_unchanged((x, gamma, beta), after[:3], what="batchnorm_forward", names=("x", "gamma", "beta"))
