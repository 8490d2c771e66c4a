"""A tiny course for the hardening tests: assignment `h` with tasks `f` and `g` (50 points each) whose submission
is whatever code cells a test writes (crashing, hanging, sleeping ones), graded through the real job."""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import yaml

from autograder.core.coursedir import CourseDirectory
from autograder.core.settings import GradeSettings

ASSIGNMENT = "h"
GOOD_F = "def f(x):\n    return x + 1"
GOOD_G = "def g(x):\n    return 2 * x"

TESTS = """\
import pytest

@pytest.mark.task("f", points={pf})
@pytest.mark.parametrize("x", range({n}))
def test_f(student, x):
    assert student.f(x) == x + 1, "f(x) must be x + 1"

@pytest.mark.task("g", points={pg})
@pytest.mark.parametrize("x", range({n}))
def test_g(student, x):
    assert student.g(x) == 2 * x, "g(x) must be 2x"
"""


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# h")] + [nbformat.v4.new_code_cell(textwrap.dedent(s).strip())
                                                         for s in sources]
    return nb


def build(root: Path, *, limits: dict, tests_per_task: int = 1, sandbox: str = "none") -> GradeSettings:
    """assignments/h (manifest with `limits`, public tests), reference_solutions/h.py, course/release/h/h.ipynb."""
    src = root / "assignments" / ASSIGNMENT
    (src / "tests" / "public").mkdir(parents=True)
    (src / "tests" / "hidden").mkdir(parents=True)
    manifest = {"assignment": ASSIGNMENT, "notebook": f"{ASSIGNMENT}.ipynb",
                "tasks": {"f": {"points": 50}, "g": {"points": 50}}, "limits": limits}
    (src / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    n = tests_per_task
    (src / "tests" / "public" / "test_h.py").write_text(TESTS.format(n=n, pf=50 / n, pg=50 / n))
    nbformat.write(notebook(GOOD_F, GOOD_G), src / f"{ASSIGNMENT}.ipynb")
    (root / "reference_solutions").mkdir()
    (root / "reference_solutions" / f"{ASSIGNMENT}.py").write_text(GOOD_F + "\n\n\n" + GOOD_G + "\n")
    course = CourseDirectory(root=root / "course", source_root=root / "assignments",
                             reference_root=root / "reference_solutions")
    course.release(ASSIGNMENT).mkdir(parents=True)
    nbformat.write(notebook(GOOD_F, GOOD_G), course.release(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb")
    return GradeSettings(course=course, sandbox=sandbox, save_notebook=False)


def submit(settings: GradeSettings, student_id: str, *sources: str) -> Path:
    folder = settings.course.submitted(student_id, ASSIGNMENT)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(notebook(*sources), path)
    return path


def grade(settings: GradeSettings, *sources: str, student_id: str = "21020001"):
    from autograder.pipeline.job import grade_submission
    path = submit(settings, student_id, *sources)
    return grade_submission(assignment=ASSIGNMENT, notebook_path=path, settings=settings, student_id=student_id)
