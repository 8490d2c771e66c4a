"""Hidden checks for week 3 optimizer steps, backprop and batchnorm: random inputs vs the reference."""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_true, expect_tuple, expect_unchanged

TOL = dict(rtol=1e-5, atol=1e-6)      # float32 arithmetic (as in Keras) is a correct answer too
SHAPES = ((5,), (3, 4), (1, 1), (2, 3, 2))
EPS_CHOICES = (1e-8, 1e-6, 0.1)       # a large eps shows where it is added (inside or outside the square root)


def _eps_per_shape(rng):
    """One eps per entry of SHAPES, in random order but covering every choice: a draw of only tiny eps values
    would make "eps inside the square root" look like the right answer."""
    eps = [float(e) for e in rng.permutation([EPS_CHOICES[i % len(EPS_CHOICES)] for i in range(len(SHAPES))])]
    assert max(eps) == max(EPS_CHOICES), "grader: the drawn inputs must include the large eps"
    return eps


def _arrays(rng, shape, n, positive=()):
    out = [rng.normal(size=shape) for _ in range(n)]
    for i in positive:
        out[i] = np.abs(out[i])
    return out


def _compare(student, reference, name, args, names, context):
    got = getattr(student, name)(*args)
    want = getattr(reference, name)(*args)
    if isinstance(want, tuple):
        expect_tuple(got, want, **TOL, what=f"{name}(...) {context}", names=names)
    else:
        expect_array(got, want, **TOL, what=f"{name}(...) {context}")


def _no_mutation(student, name, args, names, *, updates=None, changed=1):
    """The inputs are left as they were, by an answer that computes something.

    `updates` lists the argument positions whose new values the call returns, in order (w and the optimizer's
    state; x for batchnorm): they must come back as finite arrays of the same shapes, each different from its
    input, and changing argument `changed` (the gradient) must change the result. So a stub that returns its
    inputs, a constant or None earns nothing for leaving its inputs alone. Without `updates` only the inputs
    are checked.
    """
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    result, after = student.call_with_args(name, *copies)
    if updates is not None:
        _expect_an_update(student, name, args, result, updates, names, changed)
    expect_unchanged(tuple(args), tuple(after)[:len(args)], what=name, names=names)


def _parts(result, n):
    return list(result) if n > 1 and isinstance(result, (tuple, list)) else [result]


def _expect_an_update(student, name, args, result, updates, names, changed):
    parts = _parts(result, len(updates))
    like = ", ".join(names[i] for i in updates)
    expect_true(len(parts) == len(updates) and all(
        isinstance(p, np.ndarray) and p.shape == np.shape(args[i]) and np.all(np.isfinite(p))
        for p, i in zip(parts, updates)),
        f"{name}(...) should return {len(updates)} finite array(s) shaped like {like}; received {describe(result)}")
    for p, i in zip(parts, updates):
        expect_true(not np.array_equal(p, args[i]), f"{name}(...) returned {names[i]} unchanged")
    other = list(args)
    other[changed] = 2 * np.asarray(args[changed]) + 1
    again = _parts(getattr(student, name)(*other), len(updates))
    expect_true(len(again) != len(parts) or not all(np.array_equal(np.asarray(a), p) for a, p in zip(again, parts)),
                f"{name}(...) returned the same result for a different {names[changed]}")


@pytest.mark.task("sgd_step", points=2)
def test_sgd_step_random(student, reference, rng):
    for shape in SHAPES:
        w, g = _arrays(rng, shape, 2)
        _compare(student, reference, "sgd_step", (w, g, float(rng.uniform(1e-4, 1))), None, f"on shape {shape}")
    w, g = _arrays(rng, (4, 2), 2)
    _no_mutation(student, "sgd_step", (w, g, 0.05), ("w", "g", "lr"))


@pytest.mark.task("momentum_step", points=2)
def test_momentum_step_random(student, reference, rng):
    for shape in SHAPES:
        w, g, v = _arrays(rng, shape, 3)
        args = (w, g, v, float(rng.uniform(1e-3, 0.5)), float(rng.uniform(0.5, 0.99)))
        _compare(student, reference, "momentum_step", args, ("w_new", "v_new"), f"on shape {shape}")


@pytest.mark.task("momentum_step", points=1)
def test_momentum_step_no_mutation(student, rng):
    w, g, v = _arrays(rng, (3, 3), 3)
    _no_mutation(student, "momentum_step", (w, g, v, 0.1, 0.9), ("w", "g", "v", "lr", "gamma"), updates=(0, 2))


@pytest.mark.task("momentum_step", points=1)
def test_momentum_step_gamma_zero(student, reference, rng):
    w, g, v = _arrays(rng, (6,), 3)
    _compare(student, reference, "momentum_step", (w, g, v, 0.1, 0.0), ("w_new", "v_new"),
             "with gamma=0 (plain gradient descent)")


@pytest.mark.task("adagrad_step", points=3)
def test_adagrad_step_random(student, reference, rng):
    for shape, eps in zip(SHAPES, _eps_per_shape(rng)):
        w, g, cache = _arrays(rng, shape, 3, positive=(2,))
        args = (w, g, cache, float(rng.uniform(1e-3, 0.5)), eps)
        _compare(student, reference, "adagrad_step", args, ("w_new", "cache_new"), f"on shape {shape}, eps={eps:g}")
    w, g = _arrays(rng, (4,), 2)
    _compare(student, reference, "adagrad_step", (w, g, np.zeros(4), 0.01, 1e-7), ("w_new", "cache_new"),
             "from a zero cache")


@pytest.mark.task("adagrad_step", points=1)
def test_adagrad_step_no_mutation(student, rng):
    w, g, cache = _arrays(rng, (2, 5), 3, positive=(2,))
    _no_mutation(student, "adagrad_step", (w, g, cache, 0.1, 1e-8), ("w", "g", "cache", "lr", "eps"),
                 updates=(0, 2))


@pytest.mark.task("rmsprop_step", points=2)
def test_rmsprop_step_random(student, reference, rng):
    for shape, eps in zip(SHAPES, _eps_per_shape(rng)):
        w, g, cache = _arrays(rng, shape, 3, positive=(2,))
        args = (w, g, cache, float(rng.uniform(1e-4, 0.1)), float(rng.uniform(0.8, 0.999)), eps)
        _compare(student, reference, "rmsprop_step", args, ("w_new", "cache_new"), f"on shape {shape}, eps={eps:g}")


@pytest.mark.task("rmsprop_step", points=1)
def test_rmsprop_step_beta_edges(student, reference, rng):
    w, g, cache = _arrays(rng, (5,), 3, positive=(2,))
    for beta in (0.0, 1.0):
        _compare(student, reference, "rmsprop_step", (w, g, cache, 0.01, beta, 1e-8), ("w_new", "cache_new"),
                 f"with beta={beta:g}")


@pytest.mark.task("rmsprop_step", points=1)
def test_rmsprop_step_no_mutation(student, rng):
    w, g, cache = _arrays(rng, (3, 2), 3, positive=(2,))
    _no_mutation(student, "rmsprop_step", (w, g, cache, 0.01, 0.9, 1e-8), ("w", "g", "cache", "lr", "beta", "eps"),
                 updates=(0, 2))


@pytest.mark.task("adam_step", points=3)
def test_adam_step_random(student, reference, rng):
    for shape, eps in zip(SHAPES, _eps_per_shape(rng)):
        w, g, m, v = _arrays(rng, shape, 4, positive=(3,))
        t = int(rng.integers(1, 50))
        args = (w, g, 0.1 * m, 0.01 * v, t, float(rng.uniform(1e-4, 1e-2)), 0.9, 0.999, eps)
        _compare(student, reference, "adam_step", args, ("w_new", "m_new", "v_new"),
                 f"on shape {shape}, t={t}, eps={eps:g}")


@pytest.mark.task("adam_step", points=1)
def test_adam_step_other_betas_and_late_steps(student, reference, rng):
    w, g, m, v = _arrays(rng, (7,), 4, positive=(3,))
    for t, beta1, beta2 in ((2, 0.5, 0.9), (1000, 0.9, 0.999), (3, 0.0, 0.99)):
        args = (w, g, m, v, t, 0.01, beta1, beta2, 1e-7)
        _compare(student, reference, "adam_step", args, ("w_new", "m_new", "v_new"),
                 f"with t={t}, beta1={beta1:g}, beta2={beta2:g}")


@pytest.mark.task("adam_step", points=1)
def test_adam_step_no_mutation(student, rng):
    w, g, m, v = _arrays(rng, (4, 3), 4, positive=(3,))
    _no_mutation(student, "adam_step", (w, g, m, v, 5, 0.001, 0.9, 0.999, 1e-8),
                 ("w", "g", "m", "v", "t", "lr", "beta1", "beta2", "eps"), updates=(0, 2, 3))


@pytest.mark.task("backprop_example", points=2)
def test_backprop_random(student, reference, rng):
    cases = [tuple(float(v) for v in rng.normal(scale=5, size=3)) for _ in range(3)]
    cases.append(tuple(int(v) for v in rng.integers(-9, 10, size=3)))
    for x, y, z in cases:
        expect_tuple(student.backprop_example(x, y, z), reference.backprop_example(x, y, z), **TOL,
                     what=f"backprop_example({x:.4g}, {y:.4g}, {z:.4g})", names=("f", "dfdx", "dfdy", "dfdz"))


@pytest.mark.task("batchnorm_forward", points=3)
def test_batchnorm_random(student, reference, rng):
    for i, (n, d) in enumerate(((8, 3), (64, 10), (2, 1), (5, 4))):
        # the first case is built so that eps matters (a small spread near 0, so float32 answers stay exact
        # enough, and the larger eps): where eps goes, or whether it is used at all, must show on every seed
        loc, scale = (rng.uniform(-0.2, 0.2), rng.uniform(0.1, 0.2)) if i == 0 else (rng.uniform(-5, 5),
                                                                                   rng.uniform(0.1, 10))
        x = rng.normal(loc=loc, scale=scale, size=(n, d))
        gamma, beta = rng.uniform(0.5, 2, size=d), rng.normal(size=d)
        eps = 1e-3 if i == 0 else float(rng.choice([1e-3, 1e-5]))
        if i == 0:
            assert eps / x.var(axis=0).max() > 1e-2, "grader: the first case must make eps observable"
        expect_array(student.batchnorm_forward(x, gamma, beta, eps), reference.batchnorm_forward(x, gamma, beta, eps),
                     **TOL, what=f"batchnorm_forward on x of shape {(n, d)} (eps={eps:g})")


@pytest.mark.task("batchnorm_forward", points=1)
def test_batchnorm_edge_cases(student, reference, rng):
    x = rng.normal(size=(6, 3))
    cases = {"gamma=0, beta=1": (x, np.zeros(3), np.ones(3)),
             "a single sample (N=1)": (x[:1], np.ones(3), np.full(3, 0.5)),
             "a constant feature": (np.column_stack([x[:, 0], np.full(6, 2.0)]), np.ones(2), np.zeros(2))}
    for context, args in cases.items():
        expect_array(student.batchnorm_forward(*args), reference.batchnorm_forward(*args), **TOL,
                     what=f"batchnorm_forward with {context}")


@pytest.mark.task("batchnorm_forward", points=1)
def test_batchnorm_no_mutation(student, rng):
    x, gamma, beta = rng.normal(size=(5, 4)), rng.uniform(0.5, 2, size=4), rng.normal(size=4)
    _no_mutation(student, "batchnorm_forward", (x, gamma, beta, 1e-3), ("x", "gamma", "beta", "eps"),
                 updates=(0,), changed=1)
