"""Hidden checks for week 3 random search (calls counted by the grader) and training (accuracy measured by
the grader on held-out digits the student's code never sees)."""
import itertools

import numpy as np
import pytest

from autograder.engine.proxy import Callback
from autograder.testing.checks import (
    describe,
    expect_class_probabilities,
    expect_equal,
    expect_trained_keras_model,
    expect_true,
)
from autograder.testing.datasets import digits_split


def _random_space(rng, *, min_combos=1):
    """A random sub-space of the pools with at least `min_combos` combinations (drawn again until it has: a space
    of one or two combinations cannot tell a seeded search from an unseeded one, or the best trial from any)."""
    while True:
        space = _draw_space(rng)
        if int(np.prod([len(c) for c in space.values()])) >= min_combos:
            return space


def _draw_space(rng):
    pools = {"lr": [0.3, 0.1, 0.03, 0.01, 0.003, 0.001], "batch_size": [16, 32, 64, 128, 256],
             "optimizer": ["sgd", "adam", "rmsprop", "adagrad"], "dropout": [0.0, 0.25, 0.5],
             "units": [8, 16, 32, 64, 128, 256, 512]}
    names = [str(n) for n in rng.choice(sorted(pools), size=int(rng.integers(1, len(pools) + 1)), replace=False)]
    return {n: [pools[n][i] for i in sorted(rng.choice(len(pools[n]), size=int(rng.integers(1, len(pools[n]) + 1)),
                                                        replace=False))] for n in names}


class Recorder:
    """A grader-side objective: a fixed random score per combination; records every call."""

    def __init__(self, space, rng):
        self.space = space
        combos = list(itertools.product(*(range(len(c)) for c in space.values())))
        self.table = dict(zip(combos, rng.permutation(len(combos)) / len(combos) + rng.uniform(-1, 1)))
        self.calls = []

    def score(self, params):
        try:
            key = tuple(self.space[name].index(params[name]) for name in self.space)
        except (KeyError, ValueError, TypeError):
            return 1e9
        return float(self.table[key])

    def __call__(self, params):
        self.calls.append(dict(params) if isinstance(params, dict) else params)
        return self.score(params)


def _check_run(got, rec, n_trials, context):
    expect_true(len(rec.calls) == n_trials,
                f"random_search {context} called the objective {len(rec.calls)} times, expected exactly {n_trials}")
    for params in rec.calls:
        expect_true(isinstance(params, dict) and set(params) == set(rec.space),
                    f"random_search {context}: the objective received {describe(params)} without exactly the keys "
                    f"of the space")
        for name, value in params.items():
            expect_true(value in rec.space[name], f"random_search {context}: params[{name!r}] = {value!r} "
                                                  f"is not one of the choices of the space")
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"random_search {context} should return (best_params, best_score), received {describe(got)}")
    best_params, best_score = got
    lowest = min(rec.score(p) for p in rec.calls)
    expect_true(isinstance(best_score, (int, float, np.number)) and np.isclose(float(best_score), lowest),
                f"random_search {context}: best_score should be the lowest objective value seen")
    expect_true(isinstance(best_params, dict) and rec.score(best_params) == lowest
                and any(best_params == p for p in rec.calls),
                f"random_search {context}: best_params should be the params that gave the lowest objective value")


@pytest.mark.task("random_search", points=3)
def test_random_search_same_seed_same_run(student, rng):
    space = _random_space(rng, min_combos=24)     # 12 seeded trials over 24+ combinations: a second seed differs
    seed = int(rng.integers(0, 2**31))
    runs = []
    for _ in range(2):
        rec = Recorder(space, np.random.default_rng(7))
        got = student.random_search(space, Callback(rec), 12, seed)
        _check_run(got, rec, 12, f"(n_trials=12, seed={seed})")
        runs.append((got, rec.calls))
    expect_equal(runs[1][1], runs[0][1], what=f"the objective's calls of two runs with the same seed ({seed})")
    expect_equal(list(runs[1][0]), list(runs[0][0]), what=f"the results of two runs with the same seed ({seed})")


@pytest.mark.task("random_search", points=1)
def test_random_search_random_spaces(student, rng):
    for _ in range(3):
        space = _random_space(rng, min_combos=4)  # several combinations: the lowest score is not the only one
        n_trials, seed = int(rng.integers(4, 25)), int(rng.integers(0, 1000))
        rec = Recorder(space, rng)
        got = student.random_search(space, Callback(rec), n_trials, seed)
        _check_run(got, rec, n_trials, f"(n_trials={n_trials}, seed={seed})")


@pytest.mark.task("random_search", points=1)
def test_random_search_draws_every_choice_about_equally_often(student, rng):
    n_trials = 400
    space = {"a": [0.1, 0.01, 0.001, 0.0001], "b": ["sgd", "adam"], "c": [16, 32, 64, 128, 256]}
    seed = int(rng.integers(0, 2**31))
    rec = Recorder(space, rng)
    got = student.random_search(space, Callback(rec), n_trials, seed)
    _check_run(got, rec, n_trials, f"(n_trials={n_trials}, seed={seed})")
    for name, choices in space.items():
        counts = [sum(1 for p in rec.calls if p[name] == c) for c in choices]
        expected = n_trials / len(choices)          # uniform draws: each count is within ~5 standard deviations
        expect_true(all(0.5 * expected <= k <= 1.5 * expected for k in counts),
                    f"random_search (n_trials={n_trials}, seed={seed}) drew the choices of {name!r} "
                    f"{dict(zip(choices, counts))} times: each choice should be drawn uniformly, about "
                    f"{expected:g} times")


@pytest.mark.task("random_search", points=1)
def test_random_search_single_trial_and_single_choice(student, rng):
    space = {"lr": [0.01], "units": [32]}
    rec = Recorder(space, rng)
    got = student.random_search(space, Callback(rec), 1, 3)
    _check_run(got, rec, 1, "(one trial, one choice per name)")


def _digits(n_train, n_val, n_test):
    # disguised (turned images, renamed classes): a model trained in the kernel on scikit-learn's own digits
    # instead of the arguments predicts the wrong names
    return digits_split(n_train, n_val, n_test, seed=20190911, disguise=48213)


def _holdout_accuracy(student, split, epochs, threshold):
    x_train, y_train, x_val, y_val, x_hold, y_hold = _digits(*split)
    got = student.train_classifier(x_train, y_train, x_val, y_val, "adam", epochs)
    model = expect_trained_keras_model(got, what=f"train_classifier(..., optimizer='adam', epochs={epochs})",
                                       optimizer="adam", epochs=epochs)
    probs = expect_class_probabilities(model.call("predict", x_hold, verbose=0), n=len(y_hold), k=10,
                                       what=f"model.predict on {len(y_hold)} held-out digits")
    accuracy = float(np.mean(probs.argmax(axis=1) == y_hold))
    expect_true(accuracy >= threshold, f"accuracy on held-out images after {epochs} epochs with 'adam' is "
                                       f"{accuracy:.3f}, expected at least {threshold}")


@pytest.mark.task("train_classifier", points=14)
@pytest.mark.cpu_only
def test_train_classifier_holdout_accuracy_cpu(student):
    _holdout_accuracy(student, (1000, 200, 597), epochs=5, threshold=0.85)


@pytest.mark.task("train_classifier", points=14)
@pytest.mark.gpu
def test_train_classifier_holdout_accuracy_gpu(student):
    _holdout_accuracy(student, (1400, 150, 247), epochs=10, threshold=0.92)
