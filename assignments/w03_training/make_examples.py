"""Write the example submissions `course/examples/w03_training/<student_id>.ipynb` from the released student
notebook (nbgrader's generate_assignment, run into a temporary course): solution cells filled in, grade and
locked cells unchanged. EXPECTED.yaml next to them says what each one must score.

    .venv/bin/python assignments/w03_training/make_examples.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from example_solutions import LOOPS, LOOPS_EXTRA, VECTORISED  # noqa: E402

OUT = ROOT / "course" / "examples" / "w03_training"
A = dict(VECTORISED)

BUGGY = {
    "momentum_step": A["momentum_step"].replace("w_new = np.asarray(w, dtype=np.float64) - v_new",
                                                "w_new = np.asarray(w, dtype=np.float64) + v_new"),
    "adam_step": A["adam_step"].replace("m_hat = m_new / (1.0 - beta1 ** t)", "m_hat = m_new")
                               .replace("v_hat = v_new / (1.0 - beta2 ** t)", "v_hat = v_new"),
    "confusion_matrix": A["confusion_matrix"].replace("(rows[keep], cols[keep])", "(cols[keep], rows[keep])"),
    "precision_recall_f1": LOOPS["precision_recall_f1"],     # independent of the transposed matrix
}
UNBIASED_VARIANCE = {"batchnorm_forward": A["batchnorm_forward"].replace(
    "var = ((x - mu) ** 2).mean(axis=0)", "var = x.var(axis=0, ddof=1)")}
BROKEN = {
    "momentum_step": A["momentum_step"].replace("def momentum_step(w, g, v, lr, gamma):",
                                                "def momentum_step(w, g, v, lr, gamma)"),   # SyntaxError
    "batchnorm_forward": "EPS_DEFAULT = default_eps   # NameError: never defined\n\n" + A["batchnorm_forward"],
}
HOSTILE = {
    "eq_override": {"cross_entropy": '''
class AlwaysEqual(float):
    """Claims to equal anything the grader compares it with."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__


def cross_entropy(y_true, y_pred, eps=1e-12):
    return AlwaysEqual(0.0)'''},
    "patch_checks": {"confusion_matrix": '''
import builtins
import numpy.testing
import unittest

numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
numpy.testing.assert_equal = lambda *a, **k: None
unittest.TestCase.assertEqual = lambda *a, **k: None
builtins.AssertionError = type("AssertionError", (Exception,), {})


def confusion_matrix(y_true, y_pred, labels):
    return np.zeros((len(labels), len(labels)), dtype=int)''', "precision_recall_f1": LOOPS["precision_recall_f1"]},
    "os_exit": {"adagrad_step": '''
import os


def adagrad_step(w, g, cache, lr, eps):
    os._exit(3)'''},
    "infinite_loop": {"backprop_example": '''
def backprop_example(x, y, z):
    while True:
        x = x + y - y'''},
    "memory_bomb": {"batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-3):
    hoard = []
    while True:
        hoard.append(np.ones(2 ** 27))      # 1 GiB per step, really written'''},
    "output_flood": {"sgd_step": '''
print("flood! " * 1_000_000)               # ~7 MB of output while the notebook runs


def sgd_step(w, g, lr):
    while True:
        print("flood! " * 10_000)'''},
    "disk_search": {"mean_cross_entropy": '''
import os
import time

_found, _loot, _started = [], {}, time.time()
for _root, _dirs, _files in os.walk("/"):
    if time.time() - _started > 20:
        break
    for _name in _files:
        _path = os.path.join(_root, _name)
        if "reference_solutions" in _path or "hidden" in _path.split(os.sep):
            _found.append(_path)
for _path in _found[:20]:
    try:
        with open(_path, encoding="utf-8", errors="replace") as _fh:
            _loot[_path] = _fh.read(5000)
    except OSError:
        pass


def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
    return {"found": _found[:50], "loot": _loot}'''},
}

# student id -> (description, solution overrides, extra cells inserted after the setup cell)
EXAMPLES = {
    "21020001": ("correct: vectorised NumPy, functional Keras", {}, []),
    "21020002": ("correct: loops, helpers, Python random, tf.keras Sequential, extra cells", LOOPS,
                 [("markdown", "My helpers and imports (extra cell)."), ("code", LOOPS_EXTRA)]),
    "21020003": ("bugs: momentum sign, Adam without bias correction, confusion matrix transposed", BUGGY, []),
    "21020004": ("bug: batchnorm with the unbiased variance (ddof=1)", UNBIASED_VARIANCE, []),
    "21020005": ("does not run: SyntaxError in momentum_step's cell, NameError in batchnorm_forward's cell",
                 BROKEN, []),
    "21020006": ("hostile: cross_entropy returns a float subclass whose __eq__ is always True",
                 HOSTILE["eq_override"], []),
    "21020007": ("hostile: patches numpy.testing/builtins in its kernel; confusion_matrix returns zeros",
                 HOSTILE["patch_checks"], []),
    "21020008": ("hostile: adagrad_step calls os._exit", HOSTILE["os_exit"], []),
    "21020009": ("hostile: backprop_example never returns", HOSTILE["infinite_loop"], []),
    "21020010": ("hostile: batchnorm_forward allocates memory without end", HOSTILE["memory_bomb"], []),
    "21020011": ("hostile: floods output (a cell, and sgd_step without end)", HOSTILE["output_flood"], []),
    "21020012": ("hostile: walks the disk for reference solutions / hidden tests; mean_cross_entropy returns them",
                 HOSTILE["disk_search"], []),
}


def released_notebook() -> nbformat.NotebookNode:
    """The student form: nbgrader generate_assignment of the instructor notebook, in a throwaway course."""
    from autograder.core.coursedir import CourseDirectory
    from autograder.pipeline.release import release_assignment
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # alembic
    with tempfile.TemporaryDirectory(prefix="w03-release-") as tmp:
        report = release_assignment(course=CourseDirectory(root=Path(tmp)), assignment="w03_training",
                                    force=True, exchange=False)
        return nbformat.read(str(report.notebook), as_version=4)


def fill(template: nbformat.NotebookNode, overrides: dict, extra_cells: list) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(template)
    code = {**A, **overrides}
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            task = meta["grade_id"].removesuffix("_solution")
            cell.source = code[task]
        cells.append(cell)
        if meta.get("grade_id") == "setup":
            for i, (kind, source) in enumerate(extra_cells):
                make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
                extra = make(source.strip("\n"))
                extra["id"] = f"student-extra-{i}"
                cells.append(extra)
    nb.cells = cells
    return nb


def main() -> int:
    template = released_notebook()
    OUT.mkdir(parents=True, exist_ok=True)
    for student_id, (_, overrides, extra) in EXAMPLES.items():
        nb = fill(template, overrides, extra)
        nbformat.write(nb, str(OUT / f"{student_id}.ipynb"))
    print(f"wrote {len(EXAMPLES)} example submissions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
