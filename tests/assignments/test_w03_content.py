"""Week 3 (`w03_training`) content: manifest, tests and their points, public/hidden separation, reference
solution (vs scikit-learn/Keras and vs every test), the instructor notebook (the committed source: its nbgrader
markup, locked cells, grade cells, and solutions that agree with the reference), the example submissions."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml

from autograder.core.manifest import load_manifest
from autograder.pipeline.leakscan import reference_lines
from autograder.testing.plugin import GradingPlugin, load_reference, run_tests

ROOT = Path(__file__).resolve().parents[2]          # the repository (tests and benchmarks run from it)

SRC = ROOT / "assignments" / "w03_training"
PUBLIC, HIDDEN = SRC / "tests" / "public", SRC / "tests" / "hidden"
REFERENCE = ROOT / "reference_solutions" / "w03_training.py"
EXAMPLES = SRC / "examples"
TASKS = ["cross_entropy", "mean_cross_entropy", "confusion_matrix", "precision_recall_f1", "sgd_step",
         "momentum_step", "adagrad_step", "rmsprop_step", "adam_step", "backprop_example", "batchnorm_forward",
         "random_search", "train_classifier"]


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(SRC / "manifest.yaml")


@pytest.fixture(scope="module")
def reference():
    return load_reference(REFERENCE)


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(str(SRC / "w03_training.ipynb"), as_version=4)


def test_manifest_has_every_week3_function_and_100_points(manifest):
    assert manifest.task_names == TASKS
    assert sum(t.points for t in manifest.tasks) == 100


@pytest.mark.parametrize("gpu", [False, True], ids=["cpu", "gpu"])
def test_test_points_add_up_to_manifest_points(manifest, gpu):
    plugin = run_tests(test_dirs=[PUBLIC, HIDDEN], plugin=GradingPlugin(student=None, gpu=gpu),
                       extra_args=("--collect-only",))
    assert not plugin.errors
    points: dict[str, float] = {}
    for test in plugin.collected:
        points[test.task] = points.get(test.task, 0) + test.points
    assert points == {t.name: t.points for t in manifest.tasks}
    assert {t.visibility for t in plugin.collected} == {"public", "hidden"}


def _py_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def _numbers(tree) -> set[str]:
    """Numeric literals specific enough to identify a hidden value (4+ significant digits)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            digits = re.sub(r"[^0-9]", "", repr(abs(node.value))).strip("0")
            if len(digits) >= 4:
                out.add(repr(node.value))
    return out


def test_public_tests_ship_nothing_hidden():
    hidden_numbers = set().union(*(_numbers(ast.parse(p.read_text())) for p in _py_files(HIDDEN)))
    ref_lines = set().union(*reference_lines(REFERENCE).values())
    for path in _py_files(PUBLIC):
        text = path.read_text()
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert "reference" not in [a.arg for a in node.args.args], f"{path.name}:{node.name} uses reference"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [getattr(node, "module", None) or ""] + [a.name for a in node.names]
                assert not any("reference_solutions" in n or "hidden" in n for n in names), path.name
        assert not (_numbers(tree) & hidden_numbers), f"{path.name} holds values of the hidden tests"
        normalised = {re.sub(r"\s+", " ", line).strip() for line in text.splitlines()}
        assert not (normalised & ref_lines), f"{path.name} copies reference code"


def test_reference_agrees_with_scikit_learn(reference):
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
    rng = np.random.default_rng(1)
    for k in (2, 3, 6):
        y_true, y_pred = rng.integers(0, k, 80), rng.integers(0, k + 1, 80)
        labels = list(rng.permutation(k + 1))
        np.testing.assert_array_equal(reference.confusion_matrix(y_true, y_pred, labels),
                                      confusion_matrix(y_true, y_pred, labels=labels))
        for average in (None, "micro", "macro", "weighted"):
            want = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)[:3]
            got = reference.precision_recall_f1(y_true, y_pred, average)
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=1e-12)


def test_reference_batchnorm_matches_keras_training_mode(reference):
    import keras
    x = np.random.default_rng(2).normal(3, 2, size=(16, 5)).astype(np.float32)
    layer = keras.layers.BatchNormalization()
    want = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(reference.batchnorm_forward(x, np.ones(5), np.zeros(5)), want, rtol=1e-4, atol=1e-4)


def _solution_namespace(notebook) -> dict:
    ns: dict = {"__name__": "w03_solutions"}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade_id") == "setup"):
            exec(compile(cell.source, f"<{meta['grade_id']}>", "exec"), ns)
    return ns


def test_notebook_solutions_agree_with_reference(notebook, reference):
    ns = _solution_namespace(notebook)
    rng = np.random.default_rng(3)
    p, t = rng.dirichlet(np.ones(5), size=4), np.eye(5)[rng.integers(0, 5, 4)]
    w, g, s1, s2 = (rng.normal(size=(3, 2)) for _ in range(4))
    s2 = np.abs(s2)
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 5, 50)
    cases = [("cross_entropy", (t[0], p[0])), ("cross_entropy", ([0, 1, 0, 0, 0], [0.0, 0.0, 1.0, 0, 0], 1e-3)),
             ("mean_cross_entropy", (t, p)), ("confusion_matrix", (y_true, y_pred, [4, 0, 2, 1, 3])),
             ("sgd_step", (w, g, 0.1)), ("momentum_step", (w, g, s1, 0.1, 0.9)),
             ("adagrad_step", (w, g, s2, 0.1, 1e-8)), ("rmsprop_step", (w, g, s2, 0.01, 0.9, 1e-8)),
             ("adam_step", (w, g, s1, s2, 7, 0.001, 0.9, 0.999, 1e-8)), ("backprop_example", (-2, 5, -4)),
             ("batchnorm_forward", (w, s2[0], s1[0])), ("batchnorm_forward", (w[:1], s2[0], s1[0], 1e-5))]
    cases += [("precision_recall_f1", (y_true, y_pred, avg)) for avg in (None, "micro", "macro", "weighted")]
    for name, args in cases:
        got, want = ns[name](*args), getattr(reference, name)(*args)
        for a, b in zip(got if isinstance(want, tuple) else [got], want if isinstance(want, tuple) else [want]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=name)
    space = {"a": [1, 2, 3], "b": ["x", "y"], "c": [0.5, 0.25, 0.125, 1.0]}
    calls = {"notebook": [], "reference": []}
    for who, fn in (("notebook", ns["random_search"]), ("reference", reference.random_search)):
        def objective(params, who=who):
            calls[who].append(dict(params))
            return params["a"] * params["c"] + len(params["b"])
        result = fn(space, objective, 9, 42)
        calls[who].append(result)
    assert calls["notebook"] == calls["reference"]
    assert callable(ns["train_classifier"])


def test_notebook_nbgrader_markup(notebook, manifest):
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert all("nbgrader" in c.metadata for c in notebook.cells), "every cell of the source carries nbgrader markup"
    metas = [c.metadata["nbgrader"] for c in notebook.cells]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids))
    assert all(c.get("id") for c in notebook.cells) and len({c["id"] for c in notebook.cells}) == len(notebook.cells)
    for task in manifest.tasks:
        grades = [(c, m) for c, m in zip(notebook.cells, metas) if m.get("grade")]
        mine = [(c, m) for c, m in grades if m["grade_id"] == task.name]
        assert len(mine) == 1, task.name
        cell, meta = mine[0]
        assert meta["points"] == task.points and meta["locked"] and not meta["solution"]
        assert cell.source == f'from autograder.check import check_task\ncheck_task("{task.name}")'
        at = [i for i, m in enumerate(metas) if m["grade_id"] == f"{task.name}_solution"]
        assert len(at) == 1, f"{task.name}: one solution cell with grade_id {task.name}_solution"
        solution, smeta = notebook.cells[at[0]], metas[at[0]]
        assert solution.cell_type == "code"
        assert (smeta["solution"], smeta["grade"], smeta["locked"]) == (True, False, False), task.name
        assert "### BEGIN SOLUTION" in solution.source and "### END SOLUTION" in solution.source, task.name
        assert f"def {task.name}(" in solution.source
        assert metas[at[0] + 1]["grade_id"] == task.name, f"{task.name}: the grade cell follows its solution cell"
    assert {m["grade_id"] for m in metas if m.get("grade")} == set(manifest.task_names)
    for cell, meta in zip(notebook.cells, metas):
        assert meta["schema_version"] == 3 and meta["task"] is False
        if not meta["solution"]:
            assert meta["locked"], meta["grade_id"]
        assert not cell.get("outputs") and not cell.get("execution_count"), f"{meta['grade_id']}: outputs saved"


def test_the_notebook_is_the_source():
    """No builder, cell-string file or example maker beside the notebook: instructors edit the .ipynb files."""
    assert sorted(p.name for p in SRC.glob("*.py")) == []
    assert (SRC / "selftest.yaml").is_file() and (EXAMPLES / "EXPECTED.yaml").is_file()


def _defines(source: str) -> set[str]:
    return {n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def test_selftest_yaml_covers_every_task(manifest):
    """Shape of selftest.yaml (`autograder selftest` runs it): variants of every task, stubs of every task."""
    doc = yaml.safe_load((SRC / "selftest.yaml").read_text(encoding="utf-8"))
    assert set(doc) <= {"context", "select", "variants", "styles", "stubs"}
    compile(doc["context"], "context", "exec")
    assert set(doc["variants"]) == set(doc["stubs"]) == set(manifest.task_names)
    assert all(len(bugs) >= 3 for task, bugs in doc["variants"].items() if task != "train_classifier")
    assert sum(len(bugs) for bugs in doc["variants"].values()) >= 71
    for group in ("variants", "stubs"):
        for task, entries in doc[group].items():
            for name, entry in entries.items():
                entry = {"source": entry} if isinstance(entry, str) else entry
                assert set(entry) <= {"source", "also_costs", "select", "message"}, (task, name)
                assert task in _defines(entry["source"]), f"{group} {task}/{name} does not define {task}"
                assert set(entry.get("also_costs", [])) <= set(manifest.task_names) - {task}
    for name, source in doc["styles"].items():
        assert _defines(source) & set(manifest.task_names), name


EXPECTED_KEYS = {"total", "style", "lose", "bug", "error", "note"}


def test_examples_listed_in_expected_yaml(manifest):
    expected = yaml.safe_load((EXAMPLES / "EXPECTED.yaml").read_text(encoding="utf-8"))["students"]
    assert sorted(expected) == sorted(p.stem for p in EXAMPLES.glob("*.ipynb"))
    for sid, spec in expected.items():
        assert re.fullmatch(r"\d{8}", sid)
        assert set(spec) <= EXPECTED_KEYS, (sid, set(spec) - EXPECTED_KEYS)
        lose = spec.get("lose", [])
        assert set(lose) <= set(manifest.task_names) and len(lose) == len(set(lose)), sid
        assert 0 <= spec["total"] <= 100 and (spec["total"] == 100) == (not lose), sid
        assert spec["total"] >= 100 - sum(manifest.task(t).points for t in lose), sid


def _instructor_cells(nb) -> list[tuple[str, str, str]]:
    return [(c.cell_type, c.metadata["nbgrader"]["grade_id"], c.source) for c in nb.cells
            if "nbgrader" in c.metadata and not c.metadata["nbgrader"].get("solution")]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.stem)
def test_example_is_the_released_notebook_with_answers(path, notebook):
    """Each example keeps the notebook's instructor cells (same order, same text) and one cell per solution."""
    example = nbformat.read(str(path), as_version=4)
    nbformat.validate(example)
    assert _instructor_cells(example) == _instructor_cells(notebook), \
        f"{path.name}: its locked cells differ from w03_training.ipynb (edit the example in Jupyter)"
    solutions = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if c.metadata["nbgrader"]["solution"]]
    assert [c.metadata["nbgrader"]["grade_id"] for c in example.cells
            if c.metadata.get("nbgrader", {}).get("solution")] == solutions
    assert example.metadata["kernelspec"]["name"] == "python3"
    assert not any(c.get("outputs") for c in example.cells)


@pytest.mark.slow
def test_reference_passes_every_test_as_the_student(reference):
    from autograder.engine.proxy import LocalProxy
    plugin = run_tests(test_dirs=[PUBLIC, HIDDEN],
                       plugin=GradingPlugin(student=LocalProxy(vars(reference)), reference_path=REFERENCE))
    assert not plugin.errors and plugin.results
    failed = [f"{r.test_id}: {r.message}" for r in plugin.results if not r.passed]
    assert not failed, failed
