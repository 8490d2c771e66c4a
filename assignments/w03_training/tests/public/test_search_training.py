"""Public checks for week 3: random search (the grader counts the objective's calls) and training."""
import numpy as np
import pytest

from autograder.engine.proxy import Callback
from autograder.testing.checks import describe, expect_class_probabilities, expect_trained_keras_model, expect_true
from autograder.testing.datasets import digits_split

SPACE = {"lr": [0.1, 0.01, 0.001], "units": [16, 32], "activation": ["relu", "tanh"]}


def _objective(calls):
    def objective(params):
        calls.append(dict(params))
        lr, units = params.get("lr", 0.1), params.get("units", 16)
        return float(abs(np.log10(float(lr)) + 2) + (0.5 if units == 16 else 0.0)
                     + (0.25 if params.get("activation") == "tanh" else 0.0))
    return objective


@pytest.mark.task("random_search", points=4)
def test_random_search_calls_and_best(student):
    calls = []
    got = student.random_search(SPACE, Callback(_objective(calls)), 6, 0)
    expect_true(len(calls) == 6, f"random_search(space, objective, n_trials=6, seed=0) called the objective "
                                 f"{len(calls)} times, expected exactly 6")
    for params in calls:
        expect_true(isinstance(params, dict) and set(params) == set(SPACE),
                    f"the objective received params with keys {sorted(params) if isinstance(params, dict) else params}"
                    f", expected exactly the keys of the space {sorted(SPACE)}")
        for name, value in params.items():
            expect_true(value in SPACE[name], f"params[{name!r}] = {value!r} is not one of the choices {SPACE[name]}")
    expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                f"random_search(...) should return (best_params, best_score), received {describe(got)}")
    best_params, best_score = got
    scores = [_objective([])(p) for p in calls]
    expect_true(isinstance(best_score, (int, float, np.number)) and np.isclose(float(best_score), min(scores)),
                f"best_score should be the lowest objective value seen ({min(scores):.6g}), received {best_score!r}")
    expect_true(isinstance(best_params, dict) and best_params in [p for p, s in zip(calls, scores) if s == min(scores)],
                "best_params should be the params dict that gave the lowest objective value")


def _digits(n_train, n_val, n_test):
    return digits_split(n_train, n_val, n_test, seed=3121)


@pytest.mark.task("train_classifier", points=6)
def test_train_classifier_returns_probability_model(student):
    x_train, y_train, x_val, y_val, x_test, _ = _digits(300, 100, 50)
    got = student.train_classifier(x_train, y_train, x_val, y_val, "rmsprop", 1)
    model = expect_trained_keras_model(got, what="train_classifier(..., optimizer='rmsprop', epochs=1)",
                                       optimizer="rmsprop", epochs=1)
    expect_class_probabilities(model.call("predict", x_test, verbose=0), n=50, k=10,
                               what="model.predict on 50 digits")
