"""The nbgrader-native form of week 3: the instructor notebook with each grade cell holding the task's checks
inline, the way a course on plain `nbgrader autograde` writes them.

Each grade cell = a short visible part (the public checks of tests/public, as asserts) and a hidden part between
`### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS` (the reference function pasted in as `_ref_NAME`, then the
hidden checks of tests/hidden: the same calls on the same kinds and sizes of inputs). All of it runs in the
student's kernel, as nbgrader does. Only the grade cells differ from assignments/w03_training/w03_training.ipynb,
so the example submissions (made from that notebook's release) are graded unchanged: nbgrader's OverwriteCells
puts these grade cells into them from its gradebook.

The compute that matters is the same on both sides: train_classifier is called twice with the digits sizes
of the engine's tests (300 samples for 1 epoch, then 1000 samples for 5 epochs + predict on 597 held-out).
"""
from __future__ import annotations

import copy
import inspect
import re
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]          # the repository (benchmarks run from it)
ASSIGNMENT = "w03_training"
INSTRUCTOR_NOTEBOOK = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
REFERENCE = ROOT / "reference_solutions" / f"{ASSIGNMENT}.py"

# Visible in every grade cell: a tolerance-based comparison (the engine's rtol=1e-6, atol=1e-9).
COMMON = '''
def _close(got, want):
    if isinstance(want, tuple):
        return isinstance(got, (tuple, list)) and len(got) == len(want) and all(map(_close, got, want))
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))
'''

# Reference functions each task's hidden part needs (pasted in, renamed to _ref_NAME).
REFS = {"precision_recall_f1": ["confusion_matrix", "_divide", "precision_recall_f1"],
        "random_search": [], "train_classifier": []}

DIGITS = '''
def _digits(n_train, n_val, n_test, seed):
    from sklearn.datasets import load_digits
    d = load_digits()
    x, y = (d.images / 16.0).astype(np.float32)[..., None], d.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    a, b, c = n_train, n_train + n_val, n_train + n_val + n_test
    return x[:a], y[:a], x[a:b], y[a:b], x[b:c], y[b:c]

def _check_model(got, x, n):
    assert isinstance(got, (tuple, list)) and len(got) == 2, "train_classifier should return (model, history)"
    model = got[0]
    for layer in model.layers:
        assert type(layer).__module__.startswith("keras"), f"{layer.name} is not a stock Keras layer"
    probs = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
    assert probs.shape == (n, 10)
    assert np.all(np.isfinite(probs)) and probs.min() >= -1e-6 and probs.max() <= 1 + 1e-6
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    return probs
'''

OPT_HELPERS = '''
def _arrays(shape, n, positive=()):
    out = [_rng.normal(size=shape) for _ in range(n)]
    for i in positive:
        out[i] = np.abs(out[i])
    return out

def _unchanged(fn, *args):
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    fn(*copies)
    assert all(np.array_equal(a, c) for a, c in zip(args, copies)), f"{fn.__name__} changed its inputs"

SHAPES = ((5,), (3, 4), (1, 1), (2, 3, 2))
'''

# task -> (public checks, hidden checks); `_rng` is seeded at the top of each hidden part.
CHECKS = {
    "cross_entropy": ('''
assert _close(cross_entropy([1, 0, 0, 0], [0.9, 0, 0, 0.1]), 0.10536051565782628)
assert _close(cross_entropy(np.array([1.0, 0, 0, 0]), np.array([0.1, 0.8, 0.1, 0])), 2.302585092994046)
assert _close(cross_entropy([0, 1], [1.0, 0.0]), -math.log(1e-12))
assert _close(cross_entropy([0, 1], [0.5, 0.0], eps=1e-3), -math.log(1e-3))
''', '''
for case, k in enumerate((2, 3, 7, 10)):
    t = np.eye(k)[_rng.integers(0, k)] if case % 2 == 0 else _rng.dirichlet(np.ones(k))
    p = _rng.dirichlet(np.ones(k))
    args = (t, p) if case < 2 else (t.tolist(), p.tolist())
    assert _close(cross_entropy(*args), _ref_cross_entropy(*args))
for eps in (1e-12, 1e-7, 0.01):
    t, p = np.eye(5)[_rng.integers(0, 5)], np.zeros(5)
    p[_rng.integers(0, 5)] = 1.0
    for q in (p, np.roll(p, 1)):
        assert _close(cross_entropy(t, q, eps=eps), _ref_cross_entropy(t, q, eps=eps))
'''),
    "mean_cross_entropy": ('''
assert _close(mean_cross_entropy([[1, 0, 0, 0], [1, 0, 0, 0]], [[0.9, 0, 0, 0.1], [0.1, 0.8, 0.1, 0]]),
              (-math.log(0.9) - math.log(0.1)) / 2)
assert _close(mean_cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.25, 0.75]])), -math.log(0.75))
''', '''
for n, k in ((1, 4), (5, 3), (32, 10)):
    t, p = np.eye(k)[_rng.integers(0, k, size=n)], _rng.dirichlet(np.ones(k), size=n)
    assert _close(mean_cross_entropy(t, p), _ref_mean_cross_entropy(t, p))
t, p = np.eye(4)[_rng.integers(0, 4, size=8)], _rng.dirichlet(np.ones(4), size=8)
p = np.where(_rng.random(p.shape) < 0.3, 0.0, p)
p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-300)
for eps in (1e-12, 1e-4):
    assert _close(mean_cross_entropy(t, p, eps=eps), _ref_mean_cross_entropy(t, p, eps=eps))
'''),
    "confusion_matrix": ('''
def _from_counts(table, labels):
    y_true, y_pred = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            y_true += [labels[i]] * count
            y_pred += [labels[j]] * count
    return y_true, y_pred

THREE, BINARY = [[30, 50, 20], [20, 60, 20], [10, 10, 80]], [[80, 25], [10, 35]]
yt, yp = _from_counts(THREE, ["A", "B", "C"])
assert np.array_equal(confusion_matrix(yt, yp, ["A", "B", "C"]), THREE)
yt, yp = _from_counts(BINARY, [1, 0])
assert np.array_equal(confusion_matrix(yt, yp, [1, 0]), BINARY)
assert np.array_equal(confusion_matrix(yt, yp, [0, 1]), [[35, 10], [25, 80]])
''', '''
for n, k in ((1, 2), (20, 3), (200, 10)):
    yt, yp = _rng.integers(0, k, size=n), _rng.integers(0, k, size=n)
    assert np.array_equal(confusion_matrix(yt, yp, list(range(k))), _ref_confusion_matrix(yt, yp, list(range(k))))
values = np.array([-3, 7, 42, 100, 5])
yt, yp = _rng.choice(values[:4], size=60).tolist(), _rng.choice(values[:4], size=60).tolist()
labels = [int(v) for v in _rng.permutation(values)]
assert np.array_equal(confusion_matrix(yt, yp, labels), _ref_confusion_matrix(yt, yp, labels))
names = ["cat", "dog", "airplane", "ship"]
yt, yp = [names[i] for i in _rng.integers(0, 4, size=40)], [names[i] for i in _rng.integers(0, 4, size=40)]
labels = ["ship", "cat", "dog", "airplane"]
assert np.array_equal(confusion_matrix(yt, yp, labels), _ref_confusion_matrix(yt, yp, labels))
'''),
    "precision_recall_f1": ('''
yt, yp = [1] * 105 + [0] * 45, [1] * 80 + [0] * 25 + [1] * 10 + [0] * 35
p, r = np.array([35 / 60, 80 / 90]), np.array([35 / 45, 80 / 105])
assert _close(tuple(precision_recall_f1(yt, yp, None)), (p, r, 2 * p * r / (p + r)))
yt = ["A"] * 100 + ["B"] * 100 + ["C"] * 100
yp = ["A"] * 30 + ["B"] * 50 + ["C"] * 20 + ["A"] * 20 + ["B"] * 60 + ["C"] * 20 + ["A"] * 10 + ["B"] * 10 + ["C"] * 80
p, r = np.array([0.5, 0.5, 80 / 120]), np.array([0.3, 0.6, 0.8])
f = 2 * p * r / (p + r)
assert _close(tuple(precision_recall_f1(yt, yp, None)), (p, r, f))
assert _close(tuple(precision_recall_f1(yt, yp, "macro")), (p.mean(), r.mean(), f.mean()))
assert _close(tuple(precision_recall_f1(yt, yp, "micro")), (170 / 300,) * 3)
''', '''
def _prf(yt, yp, average):
    assert _close(tuple(precision_recall_f1(yt, yp, average)), tuple(_ref_precision_recall_f1(yt, yp, average)))

for n, k in ((30, 2), (100, 4), (300, 10)):
    yt, yp = _rng.integers(0, k, size=n), _rng.integers(0, k, size=n)
    yp = np.where(_rng.random(n) < 0.5, yt, yp)
    for average in (None, "micro", "macro", "weighted"):
        _prf(yt, yp, average)
yt = _rng.integers(0, 4, size=50)
yp = np.where(_rng.random(50) < 0.2, 1, np.where(yt == 3, 0, yt))
for average in (None, "macro", "weighted"):
    _prf(yt, yp, average)
yt = [int(v) for v in _rng.choice([2, 5, 9], size=40)]
yp = [v if _rng.random() < 0.7 else 7 for v in yt]
for average in (None, "micro", "macro", "weighted"):
    _prf(yt, yp, average)
'''),
    "sgd_step": ('''
W, G = np.array([1.0, 2.0]), np.array([0.5, -1.0])
assert _close(sgd_step(W.copy(), G.copy(), 0.1), [0.95, 2.1])
_w = W.copy(); sgd_step(_w, G, 0.1); assert np.array_equal(_w, W), "sgd_step changed w"
''', '''
for shape in SHAPES:
    w, g = _arrays(shape, 2)
    lr = float(_rng.uniform(1e-4, 1))
    assert _close(sgd_step(w, g, lr), _ref_sgd_step(w, g, lr))
_unchanged(sgd_step, *_arrays((4, 2), 2), 0.05)
'''),
    "momentum_step": ('''
W, G, V = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.1, 0.1])
assert _close(tuple(momentum_step(W.copy(), G.copy(), V.copy(), 0.1, 0.9)), (np.array([0.86, 2.01]), np.array([0.14, -0.01])))
_v = V.copy(); momentum_step(W.copy(), G, _v, 0.1, 0.9); assert np.array_equal(_v, V), "momentum_step changed v"
''', '''
for shape in SHAPES:
    w, g, v = _arrays(shape, 3)
    args = (w, g, v, float(_rng.uniform(1e-3, 0.5)), float(_rng.uniform(0.5, 0.99)))
    assert _close(tuple(momentum_step(*args)), _ref_momentum_step(*args))
_unchanged(momentum_step, *_arrays((3, 3), 3), 0.1, 0.9)
w, g, v = _arrays((6,), 3)
assert _close(tuple(momentum_step(w, g, v, 0.1, 0.0)), _ref_momentum_step(w, g, v, 0.1, 0.0))
'''),
    "adagrad_step": ('''
W, G, C = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.75, 0.0])
want = (np.array([1.0 - 0.05 / (1 + 1e-8), 2.0 + 0.1 / (1 + 1e-8)]), np.array([1.0, 1.0]))
assert _close(tuple(adagrad_step(W.copy(), G.copy(), C.copy(), 0.1, 1e-8)), want)
_c = C.copy(); adagrad_step(W.copy(), G, _c, 0.1, 1e-8); assert np.array_equal(_c, C), "adagrad_step changed cache"
''', '''
for shape in SHAPES:
    w, g, c = _arrays(shape, 3, positive=(2,))
    args = (w, g, c, float(_rng.uniform(1e-3, 0.5)), float(_rng.choice([1e-8, 1e-6, 0.1])))
    assert _close(tuple(adagrad_step(*args)), _ref_adagrad_step(*args))
w, g = _arrays((4,), 2)
assert _close(tuple(adagrad_step(w, g, np.zeros(4), 0.01, 1e-7)), _ref_adagrad_step(w, g, np.zeros(4), 0.01, 1e-7))
_unchanged(adagrad_step, *_arrays((2, 5), 3, positive=(2,)), 0.1, 1e-8)
'''),
    "rmsprop_step": ('''
W, G, C = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([1.0, 1.0])
want = (np.array([1.0 - 0.01 * 0.5 / (math.sqrt(0.925) + 1e-8), 2.0 + 0.01 / (1.0 + 1e-8)]), np.array([0.925, 1.0]))
assert _close(tuple(rmsprop_step(W.copy(), G.copy(), C.copy(), 0.01, 0.9, 1e-8)), want)
_c = C.copy(); rmsprop_step(W.copy(), G, _c, 0.01, 0.9, 1e-8); assert np.array_equal(_c, C), "rmsprop_step changed cache"
''', '''
for shape in SHAPES:
    w, g, c = _arrays(shape, 3, positive=(2,))
    args = (w, g, c, float(_rng.uniform(1e-4, 0.1)), float(_rng.uniform(0.8, 0.999)), 1e-8)
    assert _close(tuple(rmsprop_step(*args)), _ref_rmsprop_step(*args))
w, g, c = _arrays((5,), 3, positive=(2,))
for beta in (0.0, 1.0):
    assert _close(tuple(rmsprop_step(w, g, c, 0.01, beta, 1e-8)), _ref_rmsprop_step(w, g, c, 0.01, beta, 1e-8))
_unchanged(rmsprop_step, *_arrays((3, 2), 3, positive=(2,)), 0.01, 0.9, 1e-8)
'''),
    "adam_step": ('''
w, g, z = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), np.zeros(3)
want = (w - 0.001 * g / (np.abs(g) + 1e-8), 0.1 * g, 0.001 * g ** 2)
assert _close(tuple(adam_step(w, g, z, z, 1, 0.001, 0.9, 0.999, 1e-8)), want)
_m = np.full((2, 2), 0.1); adam_step(np.ones((2, 2)), np.full((2, 2), 0.5), _m, np.full((2, 2), 0.2), 3, 0.01, 0.9, 0.999, 1e-8)
assert np.array_equal(_m, np.full((2, 2), 0.1)), "adam_step changed m"
''', '''
for shape in SHAPES:
    w, g, m, v = _arrays(shape, 4, positive=(3,))
    args = (w, g, 0.1 * m, 0.01 * v, int(_rng.integers(1, 50)), float(_rng.uniform(1e-4, 1e-2)), 0.9, 0.999, 1e-8)
    assert _close(tuple(adam_step(*args)), _ref_adam_step(*args))
w, g, m, v = _arrays((7,), 4, positive=(3,))
for t, b1, b2 in ((2, 0.5, 0.9), (1000, 0.9, 0.999), (3, 0.0, 0.99)):
    assert _close(tuple(adam_step(w, g, m, v, t, 0.01, b1, b2, 1e-7)), _ref_adam_step(w, g, m, v, t, 0.01, b1, b2, 1e-7))
_unchanged(adam_step, *_arrays((4, 3), 4, positive=(3,)), 5, 0.001, 0.9, 0.999, 1e-8)
'''),
    "backprop_example": ('''
assert _close(tuple(backprop_example(-2, 5, -4)), (-12.0, -4.0, -4.0, 3.0))
''', '''
cases = [tuple(float(v) for v in _rng.normal(scale=5, size=3)) for _ in range(3)]
cases.append(tuple(int(v) for v in _rng.integers(-9, 10, size=3)))
for x, y, z in cases:
    assert _close(tuple(backprop_example(x, y, z)), _ref_backprop_example(x, y, z))
'''),
    "batchnorm_forward": ('''
x = np.array([[1.0, 2.0], [3.0, 6.0]])
want = np.array([[-1 / math.sqrt(1.001), -2 / math.sqrt(4.001)], [1 / math.sqrt(1.001), 2 / math.sqrt(4.001)]])
assert _close(batchnorm_forward(x, np.ones(2), np.zeros(2)), want)
assert _close(batchnorm_forward(x, np.array([2.0, 0.5]), np.array([1.0, -1.0]), eps=0.0), [[-1.0, -1.5], [3.0, -0.5]])
x = np.arange(12, dtype=np.float64).reshape(4, 3) ** 2
y = np.asarray(batchnorm_forward(x.copy(), np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, -1.0])))
assert y.shape == (4, 3) and np.allclose(y.mean(axis=0), [0.0, 1.0, -1.0], atol=1e-6)
''', '''
for n, d in ((8, 3), (64, 10), (2, 1), (5, 4)):
    x = _rng.normal(loc=_rng.uniform(-5, 5), scale=_rng.uniform(0.1, 10), size=(n, d))
    gamma, beta, eps = _rng.uniform(0.5, 2, size=d), _rng.normal(size=d), float(_rng.choice([1e-3, 1e-5]))
    assert _close(batchnorm_forward(x, gamma, beta, eps), _ref_batchnorm_forward(x, gamma, beta, eps))
x = _rng.normal(size=(6, 3))
for args in ((x, np.zeros(3), np.ones(3)), (x[:1], np.ones(3), np.full(3, 0.5)),
             (np.column_stack([x[:, 0], np.full(6, 2.0)]), np.ones(2), np.zeros(2))):
    assert _close(batchnorm_forward(*args), _ref_batchnorm_forward(*args))
_unchanged(batchnorm_forward, _rng.normal(size=(5, 4)), _rng.uniform(0.5, 2, size=4), _rng.normal(size=4), 1e-3)
'''),
    "random_search": ('''
SPACE = {"lr": [0.1, 0.01, 0.001], "units": [16, 32], "activation": ["relu", "tanh"]}
calls = []
def _score(p):
    return float(abs(np.log10(p["lr"]) + 2) + (0.5 if p["units"] == 16 else 0) + (0.25 if p["activation"] == "tanh" else 0))
def _objective(params):
    calls.append(dict(params))
    return _score(params)
best_params, best_score = random_search(SPACE, _objective, 6, 0)
assert len(calls) == 6 and all(set(p) == set(SPACE) and all(v in SPACE[k] for k, v in p.items()) for p in calls)
scores = [_score(p) for p in calls]
assert np.isclose(best_score, min(scores)) and best_params in [p for p, s in zip(calls, scores) if s == min(scores)]
''', '''
import itertools

POOLS = {"lr": [0.3, 0.1, 0.03, 0.01, 0.003, 0.001], "batch_size": [16, 32, 64, 128, 256],
         "optimizer": ["sgd", "adam", "rmsprop", "adagrad"], "dropout": [0.0, 0.25, 0.5],
         "units": [8, 16, 32, 64, 128, 256, 512]}

def _space():
    names = [str(n) for n in _rng.choice(sorted(POOLS), size=int(_rng.integers(1, len(POOLS) + 1)), replace=False)]
    return {n: [POOLS[n][i] for i in sorted(_rng.choice(len(POOLS[n]), size=int(_rng.integers(1, len(POOLS[n]) + 1)),
                                                         replace=False))] for n in names}

def _run(space, n_trials, seed, rng):
    combos = list(itertools.product(*(range(len(c)) for c in space.values())))
    table = dict(zip(combos, rng.permutation(len(combos)) / len(combos) + rng.uniform(-1, 1)))
    calls = []
    def score(p):
        return float(table[tuple(space[n].index(p[n]) for n in space)])
    def objective(p):
        calls.append(dict(p))
        return score(p)
    best_params, best_score = random_search(space, objective, n_trials, seed)
    assert len(calls) == n_trials and all(set(p) == set(space) for p in calls)
    lowest = min(score(p) for p in calls)
    assert np.isclose(best_score, lowest) and score(best_params) == lowest and best_params in calls
    return (best_params, best_score), calls

space, seed = _space(), int(_rng.integers(0, 2**31))
first, second = _run(space, 12, seed, np.random.default_rng(7)), _run(space, 12, seed, np.random.default_rng(7))
assert first == second, "two runs with the same seed differ"
for _ in range(3):
    _run(_space(), int(_rng.integers(2, 25)), int(_rng.integers(0, 1000)), _rng)
_last = _run({"lr": [0.01], "units": [32]}, 1, 3, _rng)      # a statement: nbgrader scores a trailing value
'''),
    "train_classifier": ('''
x_tr, y_tr, x_va, y_va, x_te, _ = _digits(300, 100, 50, 3121)          # tests/public permutation
_check_model(train_classifier(x_tr, y_tr, x_va, y_va, "adam", 1), x_te, 50)
''', '''
x_tr, y_tr, x_va, y_va, x_ho, y_ho = _digits(1000, 200, 597, 20190911)   # tests/hidden permutation
probs = _check_model(train_classifier(x_tr, y_tr, x_va, y_va, "adam", 5), x_ho, 597)
accuracy = float(np.mean(probs.argmax(axis=1) == y_ho))
assert accuracy >= 0.85, f"held-out accuracy {accuracy:.3f} < 0.85"
'''),
}


def reference_source(names: list[str], module_path: Path = REFERENCE) -> str:
    """The named reference functions' source, each renamed to `_ref_NAME` (calls among them too)."""
    namespace: dict = {}
    exec(compile(module_path.read_text(encoding="utf-8"), str(module_path), "exec"), namespace)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\(")
    parts = [textwrap.dedent(inspect.getsource(namespace[name])) for name in names] if names else []
    return "\n\n".join(pattern.sub(r"_ref_\1(", part) for part in parts)


def grade_cell_source(task: str, seed: int) -> str:
    public, hidden = CHECKS[task]
    refs = REFS.get(task, [task])
    helpers = [COMMON]
    if task == "train_classifier":
        helpers.append(DIGITS)
    hidden_parts = [f"_rng = np.random.default_rng({seed})"]
    if task.endswith("_step") or task == "batchnorm_forward":
        hidden_parts.append(OPT_HELPERS)
    if refs:
        hidden_parts.append(reference_source(refs))
    hidden_parts.append(hidden)
    visible = "\n".join(h.strip("\n") + "\n" for h in helpers) + "\n" + public.strip("\n")
    return (f"{visible}\n\n### BEGIN HIDDEN TESTS\n"
            + "\n\n".join(p.strip("\n") for p in hidden_parts) + "\n### END HIDDEN TESTS")


def build_native_notebook(instructor_notebook: Path = INSTRUCTOR_NOTEBOOK, *, seed: int = 3121) -> nbformat.NotebookNode:
    """The instructor notebook with every grade cell replaced by its inline public + hidden asserts."""
    nb = copy.deepcopy(nbformat.read(str(instructor_notebook), as_version=4))
    seen = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            task = meta["grade_id"]
            if task not in CHECKS:
                raise KeyError(f"grade cell {task!r} of {instructor_notebook} has no inline checks in {__file__}")
            cell.source = grade_cell_source(task, seed + i)
            seen.append(task)
    missing = sorted(set(CHECKS) - set(seen))
    if missing:
        raise KeyError(f"{instructor_notebook} has no grade cell for {missing}")
    nbformat.validate(nb)
    return nb
