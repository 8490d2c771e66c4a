"""`autograder author new NAME`: a new assignment folder in the course's authoring form, with one example task.

    new_assignment(assignments_root=Path("assignments"), reference_root=Path("reference_solutions"),
                   name="w07_example")

writes assignments/NAME/{NAME.ipynb, manifest.yaml, tests/public/test_add.py, tests/hidden/test_add_hidden.py,
examples/EXPECTED.yaml, selftest.yaml} and reference_solutions/NAME.py. The notebook is built once here with
nbformat (real cells with nbgrader metadata, as the Create Assignment toolbar writes them); from then on the
instructor edits it in Jupyter. The scaffold passes `author check` and `selftest` as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.authoring.notebook_checks import grade_source
from autograder.core.atomic import write_text_atomic
from autograder.core.errors import InputError

NAME_RULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
TASK = "add"


@dataclass
class ScaffoldReport:
    assignment_dir: Path
    reference: Path
    files: list[Path] = field(default_factory=list)


def _meta(grade_id: str, *, solution=False, grade=False, locked=True, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build_notebook(name: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    v4 = nbformat.v4
    nb.cells = [
        v4.new_markdown_cell(
            f"# {name}\n\nINT3121 *Image classification with CNNs*. Write the lecture text here (markdown, LaTeX "
            "such as $\\hat{y} = f(x)$). Every task is a function you write under exactly the name and signature "
            "given; run the check cell below it to test it.", id="title", metadata=_meta("title")),
        v4.new_code_cell("import numpy as np", id="setup", metadata=_meta("setup")),
        v4.new_markdown_cell(
            f"## Task 1: `{TASK}(a, b)`\n\nReturn $a + b$ for numbers and, elementwise, for NumPy arrays of the "
            "same shape. Do not change the inputs.", id="md-add", metadata=_meta("md_add")),
        v4.new_code_cell(
            f'def {TASK}(a, b):\n    """a + b, elementwise for arrays."""\n    ### BEGIN SOLUTION\n'
            "    return np.add(a, b)\n    ### END SOLUTION", id="add-solution",
            metadata=_meta(f"{TASK}_solution", solution=True, locked=False)),
        v4.new_code_cell(grade_source(TASK), id="add", metadata=_meta(TASK, grade=True, points=100)),
    ]
    return nb


MANIFEST = """\
# {name}: tasks are the functions students write (task id = function name); points add up to 100.
assignment: {name}
title: "{name}"
notebook: {name}.ipynb
files: []                  # data files shipped beside the notebook (relative to this folder)
tasks:
  add: {{points: 100, description: "a + b, elementwise for arrays"}}
limits: {{cell_timeout: 120, call_timeout: 60, test_timeout: 180, notebook_timeout: 600}}
"""

PUBLIC_TEST = '''\
"""Public checks of {name}: shipped to students (never the `reference` fixture or hidden data)."""
import numpy as np
import pytest

from autograder.testing.checks import expect_array, expect_scalar, expect_unchanged


@pytest.mark.task("add", points=20)
def test_add_numbers(student):
    expect_scalar(student.add(2, 3), 5, what="add(2, 3)")


@pytest.mark.task("add", points=20)
def test_add_arrays(student):
    a, b = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    result, after = student.call_with_args("add", a.copy(), b.copy())
    expect_array(result, [1.5, 1.0], what="add([1, 2], [0.5, -1])")
    expect_unchanged((a, b), after, what="add", names=("a", "b"))
'''

HIDDEN_TEST = '''\
"""Hidden checks of {name}: random inputs compared with the reference (reference_solutions/{name}.py)."""
import pytest

from autograder.testing.checks import expect_array


@pytest.mark.task("add", points=30)            # per case: 2 cases x 30 = 60 points
@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_add_matches_reference(student, reference, rng, shape):
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    expect_array(student.add(a, b), reference.add(a, b), rtol=1e-7, what=f"add(...) on arrays of shape {{shape}}")
'''

EXPECTED = """\
# Example submissions STUDENTID.ipynb (the released notebook with the solution cells filled in) and the score
# each must get, e.g.
#   "21020001": {total: 100, style: "vectorised numpy"}
#   "21020002": {total: 40, lose: [add], bug: "a - b"}
students: {}
"""

SELFTEST = """\
# Single-bug variants (each must lose points on its task only), correct styles (must keep every point) and
# stubs (must score 0 on their task). Run: autograder selftest {name}
variants:
  add:
    subtracts: |
      def add(a, b):
          return np.subtract(a, b)
styles:
  python_operator: |
    def add(a, b):
        return a + b
stubs:
  add:
    returns_first: |
      def add(a, b):
          return a
"""

REFERENCE = '''\
"""Reference solutions of {name} (grader side only: never released)."""
import numpy as np


def add(a, b):
    return np.add(a, b)
'''


def new_assignment(*, assignments_root: Path | str, reference_root: Path | str, name: str) -> ScaffoldReport:
    """Create assignments_root/NAME/ and reference_root/NAME.py; refuses to overwrite either."""
    if not NAME_RULE.match(name):
        raise InputError(f"assignment name {name!r} must start with a letter and hold only letters, digits and _",
                         hint="for example w07_transfer")
    folder = Path(assignments_root) / name
    reference = Path(reference_root) / f"{name}.py"
    for path in (folder, reference):
        if path.exists():
            raise InputError("already exists; refusing to overwrite it", file=str(path),
                             hint="choose another name or move the existing one away")
    files = {
        folder / f"{name}.ipynb": nbformat.writes(build_notebook(name)) + "\n",
        folder / "manifest.yaml": MANIFEST.format(name=name),
        folder / "tests" / "public" / "test_add.py": PUBLIC_TEST.format(name=name),
        folder / "tests" / "hidden" / "test_add_hidden.py": HIDDEN_TEST.format(name=name),
        folder / "examples" / "EXPECTED.yaml": EXPECTED,
        folder / "selftest.yaml": SELFTEST.format(name=name),
        reference: REFERENCE.format(name=name),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    return ScaffoldReport(assignment_dir=folder, reference=reference, files=list(files))
