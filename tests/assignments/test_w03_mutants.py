"""Strength of the week-3 tests: every single-bug variant of a task loses points on that task and only
that task, and correct answers written in other styles keep every point.

Each variant is the reference solution with one function replaced (source below), run as the student through
`LocalProxy` (arguments and results still cross the codec, so input mutation is seen as in a kernel). The two
trainings are left to the e2e tests, except two cheap variants of `train_classifier` run separately.
"""
from __future__ import annotations

import textwrap

import pytest

from autograder.core.coursedir import PROJECT_ROOT
from autograder.core.manifest import load_manifest
from autograder.engine.proxy import LocalProxy
from autograder.testing.plugin import GradingPlugin, load_reference, run_tests

SRC = PROJECT_ROOT / "assignments" / "w03_training"
PUBLIC, HIDDEN = SRC / "tests" / "public", SRC / "tests" / "hidden"
REFERENCE = PROJECT_ROOT / "reference_solutions" / "w03_training.py"
TASKS = load_manifest(SRC / "manifest.yaml").task_names

pytestmark = pytest.mark.slow

# task -> {bug name: source of the buggy function}; each is a mistake students make
MUTANTS = {
    "cross_entropy": {
        "no_clipping": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                return float(-np.sum(np.asarray(y_true) * np.log(np.asarray(y_pred, dtype=float))))""",
        "log10": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                p = np.clip(np.asarray(y_pred, dtype=float), eps, 1 - eps)
                return float(-np.sum(np.asarray(y_true) * np.log10(p)))""",
        "mean_over_classes": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                p = np.clip(np.asarray(y_pred, dtype=float), eps, 1 - eps)
                return float(-np.mean(np.asarray(y_true) * np.log(p)))""",
        "eps_ignored": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
                return float(-np.sum(np.asarray(y_true) * np.log(p)))""",
        "log_of_p_plus_eps": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                return float(-np.sum(np.asarray(y_true) * np.log(np.asarray(y_pred, dtype=float) + eps)))""",
        "only_the_argmax_class": """
            def cross_entropy(y_true, y_pred, eps=1e-12):
                p = np.clip(np.asarray(y_pred, dtype=float), eps, 1 - eps)
                return float(-np.log(p[int(np.argmax(y_true))]))""",
    },
    "mean_cross_entropy": {
        "sum_not_mean": """
            def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
                P = np.clip(np.asarray(Y_pred, dtype=float), eps, 1 - eps)
                return float(-np.sum(np.asarray(Y_true) * np.log(P)))""",
        "mean_over_all_entries": """
            def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
                P = np.clip(np.asarray(Y_pred, dtype=float), eps, 1 - eps)
                return float(-np.mean(np.asarray(Y_true) * np.log(P)))""",
        "no_clipping": """
            def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
                return float(np.mean(-np.sum(np.asarray(Y_true) * np.log(np.asarray(Y_pred, dtype=float)), axis=1)))""",
        "divides_by_n_minus_one": """
            def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
                P = np.clip(np.asarray(Y_pred, dtype=float), eps, 1 - eps)
                losses = -np.sum(np.asarray(Y_true) * np.log(P), axis=1)
                return float(losses.sum() / max(len(losses) - 1, 1))""",
        "mean_over_columns": """
            def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
                P = np.clip(np.asarray(Y_pred, dtype=float), eps, 1 - eps)
                return float(np.mean(-np.sum(np.asarray(Y_true) * np.log(P), axis=0)))""",
    },
    "confusion_matrix": {
        "transposed": """
            def confusion_matrix(y_true, y_pred, labels):
                idx = {l: i for i, l in enumerate(labels)}
                cm = np.zeros((len(labels), len(labels)), dtype=int)
                for t, p in zip(y_true, y_pred):
                    if t in idx and p in idx:
                        cm[idx[p], idx[t]] += 1
                return cm""",
        "labels_sorted": """
            def confusion_matrix(y_true, y_pred, labels):
                labels = sorted(labels)
                idx = {l: i for i, l in enumerate(labels)}
                cm = np.zeros((len(labels), len(labels)), dtype=int)
                for t, p in zip(y_true, y_pred):
                    if t in idx and p in idx:
                        cm[idx[t], idx[p]] += 1
                return cm""",
        "off_by_one_size": """
            def confusion_matrix(y_true, y_pred, labels):
                n = max(max(labels), max(y_true), max(y_pred)) + 1 if all(isinstance(l, (int, np.integer)) for l in labels) else len(labels)
                idx = {l: i for i, l in enumerate(labels)}
                cm = np.zeros((n, n), dtype=int)
                for t, p in zip(y_true, y_pred):
                    if t in idx and p in idx:
                        cm[idx[t], idx[p]] += 1
                return cm""",
        "labels_outside_not_ignored": """
            def confusion_matrix(y_true, y_pred, labels):
                idx = {l: i for i, l in enumerate(labels)}
                cm = np.zeros((len(labels), len(labels)), dtype=int)
                for t, p in zip(y_true, y_pred):
                    cm[idx.get(t, -1), idx.get(p, -1)] += 1
                return cm""",
        "float_counts": """
            def confusion_matrix(y_true, y_pred, labels):
                return _ref_cm(y_true, y_pred, labels).astype(float)""",
        "counts_only_correct": """
            def confusion_matrix(y_true, y_pred, labels):
                idx = {l: i for i, l in enumerate(labels)}
                cm = np.zeros((len(labels), len(labels)), dtype=int)
                for t, p in zip(y_true, y_pred):
                    if t == p and t in idx:
                        cm[idx[t], idx[p]] += 1
                return cm""",
    },
    "precision_recall_f1": {
        "precision_recall_swapped": """
            def precision_recall_f1(y_true, y_pred, average=None):
                p, r, f = _ref_prf(y_true, y_pred, average)
                return r, p, f""",
        "macro_weighted_by_support": """
            def precision_recall_f1(y_true, y_pred, average=None):
                return _ref_prf(y_true, y_pred, "weighted" if average == "macro" else average)""",
        "micro_as_macro": """
            def precision_recall_f1(y_true, y_pred, average=None):
                return _ref_prf(y_true, y_pred, "macro" if average == "micro" else average)""",
        "f1_arithmetic_mean": """
            def precision_recall_f1(y_true, y_pred, average=None):
                labels = sorted(set(y_true) | set(y_pred))
                cm = confusion_matrix(y_true, y_pred, labels).astype(float)
                tp = np.diag(cm)
                p = np.divide(tp, cm.sum(0), out=np.zeros_like(tp), where=cm.sum(0) != 0)
                r = np.divide(tp, cm.sum(1), out=np.zeros_like(tp), where=cm.sum(1) != 0)
                f = (p + r) / 2
                return _average(y_true, y_pred, average, p, r, f, support=cm.sum(1))""",
        "labels_of_y_true_only": """
            def precision_recall_f1(y_true, y_pred, average=None):
                labels = sorted(set(y_true))
                cm = confusion_matrix(y_true, y_pred, labels).astype(float)
                tp = np.diag(cm)
                pred = np.array([sum(1 for q in y_pred if q == l) for l in labels], dtype=float)
                sup = cm.sum(1)
                p = np.divide(tp, pred, out=np.zeros_like(tp), where=pred != 0)
                r = np.divide(tp, sup, out=np.zeros_like(tp), where=sup != 0)
                f = np.divide(2 * p * r, p + r, out=np.zeros_like(tp), where=(p + r) != 0)
                return _average(y_true, y_pred, average, p, r, f, support=sup)""",
        "weighted_by_predicted_count": """
            def precision_recall_f1(y_true, y_pred, average=None):
                if average != "weighted":
                    return _ref_prf(y_true, y_pred, average)
                labels = sorted(set(y_true) | set(y_pred))
                p, r, f = _ref_prf(y_true, y_pred, None)
                w = np.array([list(y_pred).count(l) for l in labels], dtype=float)
                return tuple(float(np.average(m, weights=w)) for m in (p, r, f))""",
        "labels_in_order_of_appearance": """
            def precision_recall_f1(y_true, y_pred, average=None):
                if average is not None:
                    return _ref_prf(y_true, y_pred, average)
                labels = list(dict.fromkeys(list(y_true) + list(y_pred)))
                order = [sorted(labels).index(l) for l in labels]
                return tuple(m[order] for m in _ref_prf(y_true, y_pred, None))""",
        "precision_one_when_never_predicted": """
            def precision_recall_f1(y_true, y_pred, average=None):
                labels = sorted(set(y_true) | set(y_pred))
                cm = confusion_matrix(y_true, y_pred, labels).astype(float)
                tp, pred, sup = np.diag(cm), cm.sum(0), cm.sum(1)
                p = np.divide(tp, pred, out=np.ones_like(tp), where=pred != 0)
                r = np.divide(tp, sup, out=np.zeros_like(tp), where=sup != 0)
                f = np.divide(2 * p * r, p + r, out=np.zeros_like(tp), where=(p + r) != 0)
                return _average(y_true, y_pred, average, p, r, f, support=sup)""",
        "nan_on_zero_division": """
            def precision_recall_f1(y_true, y_pred, average=None):
                labels = sorted(set(y_true) | set(y_pred))
                cm = confusion_matrix(y_true, y_pred, labels).astype(float)
                tp = np.diag(cm)
                with np.errstate(all="ignore"):
                    p, r = tp / cm.sum(0), tp / cm.sum(1)
                    f = 2 * p * r / (p + r)
                return _average(y_true, y_pred, average, p, r, f, support=cm.sum(1))""",
    },
    "sgd_step": {
        "plus_gradient": """
            def sgd_step(w, g, lr):
                return np.asarray(w) + lr * np.asarray(g)""",
        "lr_ignored": """
            def sgd_step(w, g, lr):
                return np.asarray(w) - 0.01 * np.asarray(g)""",
        "in_place": """
            def sgd_step(w, g, lr):
                w -= lr * g
                return w""",
    },
    "momentum_step": {
        "gamma_forgotten": """
            def momentum_step(w, g, v, lr, gamma):
                v_new = v + lr * g
                return w - v_new, v_new""",
        "old_velocity_used": """
            def momentum_step(w, g, v, lr, gamma):
                v_new = gamma * v + lr * g
                return w - v, v_new""",
        "in_place": """
            def momentum_step(w, g, v, lr, gamma):
                v *= gamma
                v += lr * g
                return w - v, v""",
        "lr_on_both_terms": """
            def momentum_step(w, g, v, lr, gamma):
                v_new = gamma * v + g
                return w - lr * v_new, v_new""",
    },
    "adagrad_step": {
        "gradient_not_squared": """
            def adagrad_step(w, g, cache, lr, eps):
                c = cache + np.abs(g)
                return w - lr * g / (np.sqrt(c) + eps), c""",
        "old_cache_used": """
            def adagrad_step(w, g, cache, lr, eps):
                c = cache + g ** 2
                return w - lr * g / (np.sqrt(cache) + eps), c""",
        "no_sqrt": """
            def adagrad_step(w, g, cache, lr, eps):
                c = cache + g ** 2
                return w - lr * g / (c + eps), c""",
        "eps_inside_sqrt": """
            def adagrad_step(w, g, cache, lr, eps):
                c = cache + g ** 2
                return w - lr * g / np.sqrt(c + eps), c""",
        "in_place_cache": """
            def adagrad_step(w, g, cache, lr, eps):
                cache += g ** 2
                return w - lr * g / (np.sqrt(cache) + eps), cache""",
    },
    "rmsprop_step": {
        "beta_swapped": """
            def rmsprop_step(w, g, cache, lr, beta, eps):
                c = (1 - beta) * cache + beta * g ** 2
                return w - lr * g / (np.sqrt(c) + eps), c""",
        "adagrad_instead": """
            def rmsprop_step(w, g, cache, lr, beta, eps):
                c = cache + g ** 2
                return w - lr * g / (np.sqrt(c) + eps), c""",
        "old_cache_used": """
            def rmsprop_step(w, g, cache, lr, beta, eps):
                c = beta * cache + (1 - beta) * g ** 2
                return w - lr * g / (np.sqrt(cache) + eps), c""",
        "eps_inside_sqrt": """
            def rmsprop_step(w, g, cache, lr, beta, eps):
                c = beta * cache + (1 - beta) * g ** 2
                return w - lr * g / np.sqrt(c + eps), c""",
        "in_place_cache": """
            def rmsprop_step(w, g, cache, lr, beta, eps):
                cache *= beta
                cache += (1 - beta) * g ** 2
                return w - lr * g / (np.sqrt(cache) + eps), cache""",
    },
    "adam_step": {
        "no_bias_correction": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                return w - lr * m / (np.sqrt(v) + eps), m, v""",
        "zero_based_t": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                mh, vh = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
                return w - lr * mh / (np.sqrt(vh) + eps), m, v""",
        "returns_corrected_moments": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                m, v = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
                return w - lr * m / (np.sqrt(v) + eps), m, v""",
        "bias_correction_only_on_m": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v) + eps), m, v""",
        "eps_inside_sqrt": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g ** 2
                return w - lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t) + eps), m, v""",
        "betas_swapped": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m = beta2 * m + (1 - beta2) * g
                v = beta1 * v + (1 - beta1) * g ** 2
                mh, vh = m / (1 - beta2 ** t), v / (1 - beta1 ** t)
                return w - lr * mh / (np.sqrt(vh) + eps), m, v""",
        "in_place_moments": """
            def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g ** 2
                mh, vh = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
                return w - lr * mh / (np.sqrt(vh) + eps), m, v""",
    },
    "backprop_example": {
        "gradients_in_the_wrong_order": """
            def backprop_example(x, y, z):
                q = x + y
                return float(q * z), float(q), float(z), float(z)""",
        "dfdz_is_x": """
            def backprop_example(x, y, z):
                return float((x + y) * z), float(z), float(z), float(x)""",
        "dfdx_is_q": """
            def backprop_example(x, y, z):
                q = x + y
                return float(q * z), float(q), float(z), float(q)""",
        "f_without_parentheses": """
            def backprop_example(x, y, z):
                return float(x + y * z), float(z), float(z), float(x + y)""",
    },
    "batchnorm_forward": {
        "unbiased_variance": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x = np.asarray(x, dtype=float)
                return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta""",
        "per_sample_not_per_feature": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x = np.asarray(x, dtype=float)
                mu, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
                return gamma * (x - mu) / np.sqrt(var + eps) + beta""",
        "eps_outside_sqrt": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x = np.asarray(x, dtype=float)
                return gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta""",
        "gamma_beta_swapped": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x = np.asarray(x, dtype=float)
                return beta * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + gamma""",
        "eps_ignored": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x = np.asarray(x, dtype=float)
                return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) + beta""",
        "in_place": """
            def batchnorm_forward(x, gamma, beta, eps=1e-3):
                x -= x.mean(0)
                x /= np.sqrt(x.var(0) + eps)
                return gamma * x + beta""",
    },
    "random_search": {
        "maximises": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                best = None
                for _ in range(n_trials):
                    p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                    s = float(objective(p))
                    if best is None or s > best[1]:
                        best = (p, s)
                return best""",
        "seed_ignored": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng()
                best = None
                for _ in range(n_trials):
                    p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                    s = float(objective(p))
                    if best is None or s < best[1]:
                        best = (p, s)
                return best""",
        "one_trial_too_few": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                best = None
                for _ in range(n_trials - 1 if n_trials > 1 else 1):
                    p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                    s = float(objective(p))
                    if best is None or s < best[1]:
                        best = (p, s)
                return best""",
        "objective_called_twice": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                best = None
                for _ in range(n_trials):
                    p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                    if best is None or objective(p) < best[1]:
                        best = (p, float(objective(p)))
                return best""",
        "last_choice_never_drawn": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                best = None
                for _ in range(n_trials):
                    p = {k: c[int(rng.integers(max(len(c) - 1, 1)))] for k, c in space.items()}
                    s = float(objective(p))
                    if best is None or s < best[1]:
                        best = (p, s)
                return best""",
        "same_draw_every_trial": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                best = None
                for _ in range(n_trials):
                    s = float(objective(dict(p)))
                    if best is None or s < best[1]:
                        best = (dict(p), s)
                return best""",
        "returns_last_trial": """
            def random_search(space, objective, n_trials, seed):
                rng = np.random.default_rng(seed)
                for _ in range(n_trials):
                    p = {k: c[int(rng.integers(len(c)))] for k, c in space.items()}
                    s = float(objective(p))
                return p, s""",
    },
}

# correct answers in other styles: every task keeps all its points
ALTERNATIVES = {
    "float32_and_math": """
        import math
        def cross_entropy(y_true, y_pred, eps=1e-12):
            total = 0.0
            for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
                total -= t * math.log(min(max(p, eps), 1 - eps))
            return total
        def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
            return sum(cross_entropy(t, p, eps) for t, p in zip(Y_true, Y_pred)) / len(Y_true)
        def sgd_step(w, g, lr):
            w = w.copy()
            w -= lr * g
            return w
        def backprop_example(x, y, z):
            q = x + y
            return np.float64(q * z), np.float64(z), np.float64(z), np.float64(q)""",
    "scikit_learn": """
        from sklearn import metrics as _m
        def confusion_matrix(y_true, y_pred, labels):
            return _m.confusion_matrix(list(y_true), list(y_pred), labels=list(labels))
        def precision_recall_f1(y_true, y_pred, average=None):
            p, r, f, _ = _m.precision_recall_fscore_support(list(y_true), list(y_pred), average=average,
                                                            zero_division=0)
            return (p, r, f) if average is None else (float(p), float(r), float(f))""",
    "add_at_and_tuples": """
        def confusion_matrix(y_true, y_pred, labels):
            labels = list(labels)
            pos = {l: i for i, l in enumerate(labels)}
            pairs = [(pos[t], pos[p]) for t, p in zip(y_true, y_pred) if t in pos and p in pos]
            cm = np.zeros((len(labels),) * 2, dtype=np.int32)
            if pairs:
                rows, cols = zip(*pairs)
                np.add.at(cm, (list(rows), list(cols)), 1)
            return cm
        def momentum_step(w, g, v, lr, gamma):
            v = gamma * v
            v = v + lr * g
            return [w - v, v]
        def adagrad_step(w, g, cache, lr, eps):
            cache = cache + np.square(g)
            return (np.subtract(w, lr * g / (np.sqrt(cache) + eps)), cache)
        def rmsprop_step(w, g, cache, lr, beta, eps):
            cache = cache * beta + g * g * (1.0 - beta)
            step = lr * g / (cache ** 0.5 + eps)
            return w - step, cache
        def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
            m = m * beta1 + g * (1 - beta1)
            v = v * beta2 + g * g * (1 - beta2)
            return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
        def batchnorm_forward(x, gamma, beta, eps=1e-3):
            x = np.array(x, dtype=np.float64)
            mean = np.sum(x, axis=0) / x.shape[0]
            var = np.sum((x - mean) ** 2, axis=0) / x.shape[0]
            return (x - mean) * (gamma / np.sqrt(var + eps)) + beta""",
    "keras_like_float32": """
        def _f32(*arrays):
            return [np.asarray(a, dtype=np.float32) for a in arrays]
        def sgd_step(w, g, lr):
            w, g = _f32(w, g)
            return w - np.float32(lr) * g
        def momentum_step(w, g, v, lr, gamma):
            w, g, v = _f32(w, g, v)
            v = np.float32(gamma) * v + np.float32(lr) * g
            return w - v, v
        def adagrad_step(w, g, cache, lr, eps):
            w, g, cache = _f32(w, g, cache)
            cache = cache + g * g
            return w - lr * g / (np.sqrt(cache) + eps), cache
        def rmsprop_step(w, g, cache, lr, beta, eps):
            w, g, cache = _f32(w, g, cache)
            cache = beta * cache + (1 - beta) * g * g
            return w - lr * g / (np.sqrt(cache) + eps), cache
        def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
            w, g, m, v = _f32(w, g, m, v)
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v
        def batchnorm_forward(x, gamma, beta, eps=1e-3):
            x, gamma, beta = _f32(x, gamma, beta)
            mean, var = x.mean(axis=0), x.var(axis=0)
            return gamma * (x - mean) / np.sqrt(var + eps) + beta
        def cross_entropy(y_true, y_pred, eps=1e-12):
            y_true, y_pred = _f32(y_true, y_pred)
            return float(-np.sum(y_true * np.log(np.clip(y_pred, eps, 1 - eps))))
        def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
            Y_true, Y_pred = _f32(Y_true, Y_pred)
            return float(np.mean(-np.sum(Y_true * np.log(np.clip(Y_pred, eps, 1 - eps)), axis=1)))""",
    "python_random_and_sorted_trials": """
        import random
        def random_search(space, objective, n_trials, seed):
            r = random.Random(seed)
            trials = []
            for i in range(n_trials):
                params = {name: r.choice(list(choices)) for name, choices in space.items()}
                trials.append((objective(params), i, params))
            score, _, params = min(trials, key=lambda s: (s[0], s[1]))
            return params, score""",
}

NON_TRAINING = ("-k", "not train_classifier")


# what the precision_recall_f1 variants do once they have their per-label arrays: the reference's averaging
AVERAGE = """
def _average(y_true, y_pred, average, p, r, f, *, support):
    if average is None:
        return p, r, f
    if average == "micro":
        return _ref_prf(y_true, y_pred, "micro")
    w = support if average == "weighted" else np.ones_like(p)
    return tuple(float(np.average(m, weights=w)) for m in (p, r, f))
"""


def _student(source: str) -> dict:
    module = load_reference(REFERENCE)
    ns = dict(vars(module))
    ns["_ref_prf"], ns["_ref_cm"] = module.precision_recall_f1, module.confusion_matrix
    exec(AVERAGE, ns)
    exec(textwrap.dedent(source), ns)    # the variant's functions replace the reference's (test data only)
    return ns


def _grade(ns: dict, extra_args=NON_TRAINING) -> dict[str, tuple[float, float, list[str]]]:
    plugin = run_tests(test_dirs=[PUBLIC, HIDDEN], extra_args=extra_args,
                       plugin=GradingPlugin(student=LocalProxy(ns), reference_path=REFERENCE))
    assert not plugin.errors and plugin.results, plugin.log
    out: dict[str, list] = {}
    for r in plugin.results:
        got, full, msgs = out.setdefault(r.task, [0.0, 0.0, []])
        out[r.task] = [got + (r.points if r.passed else 0.0), full + r.points,
                       msgs + ([] if r.passed else [r.message])]
    return {task: tuple(v) for task, v in out.items()}


@pytest.mark.parametrize("task,bug", [(t, b) for t, bugs in MUTANTS.items() for b in bugs])
def test_single_bug_loses_points_on_its_task_only(task, bug):
    scores = _grade(_student(MUTANTS[task][bug]))
    got, full, messages = scores[task]
    assert got < full, f"{task}/{bug} kept all {full:g} points"
    assert messages and all(m.strip() for m in messages)
    others = {t: s[:2] for t, s in scores.items() if t != task and s[0] < s[1]}
    # precision_recall_f1 may call the student's confusion_matrix, so a confusion_matrix bug may cost both
    allowed = {"precision_recall_f1"} if task == "confusion_matrix" else set()
    assert set(others) <= allowed, f"{task}/{bug} also cost {others}"


def test_every_non_training_task_has_mutants():
    assert set(MUTANTS) == set(TASKS) - {"train_classifier"}
    assert all(len(bugs) >= 3 for bugs in MUTANTS.values())


@pytest.mark.parametrize("style", sorted(ALTERNATIVES))
def test_correct_answers_in_other_styles_keep_every_point(style):
    scores = _grade(_student(ALTERNATIVES[style]))
    lost = {t: (got, full, msgs) for t, (got, full, msgs) in scores.items() if got < full}
    assert not lost, lost


TRAINING_MUTANTS = {   # bug -> (source, words of the message that must explain the lost points)
    "never_trained": ("""
        def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
            model = build_classifier(np.asarray(x_train).shape[1:], 10)
            model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
            history = model.fit(np.asarray(x_train)[:1], np.asarray(y_train)[:1], epochs=epochs, verbose=0)
            return model, history""", "accuracy on held-out images"),
    "trained_on_sklearn_digits_instead": ("""
        def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
            from sklearn.datasets import load_digits
            d = load_digits()
            x = (d.images / 16.0).astype(np.float32)[..., None]
            return _ref_train(x, d.target, x[:10], d.target[:10], optimizer, epochs)""",
                                          "accuracy on held-out images"),
    "epochs_ignored": ("""
        def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
            return _ref_train(x_train, y_train, x_val, y_val, optimizer, 2)""", "its history covers 2 epoch(s)"),
    "optimizer_ignored": ("""
        def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
            return _ref_train(x_train, y_train, x_val, y_val, "adam", epochs)""",
                          "optimizer='rmsprop' but the model is compiled with Adam"),
}


@pytest.mark.parametrize("bug", sorted(TRAINING_MUTANTS))
def test_train_classifier_bugs_lose_points_with_the_reason(bug):
    source, words = TRAINING_MUTANTS[bug]
    ns = _student("_ref_train = train_classifier\n" + textwrap.dedent(source))
    scores = _grade(ns, extra_args=("-k", "train_classifier and not gpu"))
    got, full, messages = scores["train_classifier"]
    assert full == 20.0 and got < full and any(words in m for m in messages), (got, messages)
