"""Fixtures for the course-pipeline tests: a throwaway two-task assignment built in tmp_path."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.core.coursedir import CourseDirectory

FILES = Path(__file__).parent / "files"
ASSIGNMENT = "toy"

# Markers the leak tests look for: they appear only in solutions, hidden tests and the reference.
SOLUTION_SECRET = "SOLUTION_SECRET_7731"
HIDDEN_SECRET = "HIDDEN_SECRET_4409"
REFERENCE_SECRET = "REFERENCE_SECRET_5120"


def _cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(textwrap.dedent(source).strip("\n"))
    if nbgrader:
        meta = {"schema_version": 3, "grade": False, "solution": False, "locked": False}
        meta.update(nbgrader)
        cell.metadata["nbgrader"] = meta
    return cell


def instructor_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell("markdown", "# Toy assignment\nTwo tasks.", grade_id="header", locked=True),
        _cell("code", "import math", grade_id="imports", locked=True),
        _cell("markdown", "## Task 1: `add_one(x)`"),
        _cell("code", f"""
            def add_one(x):
                ### BEGIN SOLUTION
                return x + 1  # {SOLUTION_SECRET}
                ### END SOLUTION
            """, grade_id="add_one_solution", solution=True),
        _cell("code", f"""
            assert add_one(1) == 2
            ### BEGIN HIDDEN TESTS
            assert add_one(41) == 42  # {HIDDEN_SECRET}
            ### END HIDDEN TESTS
            """, grade_id="add_one", grade=True, locked=True, points=40),
        _cell("markdown", "## Task 2: `scale(x, k)`"),
        _cell("code", """
            def scale(x, k):
                ### BEGIN SOLUTION
                return math.fsum([x] * k)
                ### END SOLUTION
            """, grade_id="scale_solution", solution=True),
        _cell("code", """
            assert scale(2, 3) == 6
            """, grade_id="scale", grade=True, locked=True, points=60),
        _cell("markdown", "Free notes for students."),
    ]
    return nb


MANIFEST = f"""\
assignment: {ASSIGNMENT}
title: "Toy"
notebook: {ASSIGNMENT}.ipynb
files: [data/points.csv]
tasks:
  add_one: {{points: 40, description: "add one"}}
  scale: {{points: 60, description: "scale a number"}}
"""

PUBLIC_TEST = """\
import pytest

@pytest.mark.task("add_one", points=20)
def test_add_one_small(student):
    assert student.add_one(1) == 2
"""

HIDDEN_TEST = f"""\
import pytest

@pytest.mark.task("add_one", points=20)
def test_add_one_large(student, reference):
    assert student.add_one(10**6) == 1000001  # {HIDDEN_SECRET}
"""

REFERENCE = f'''\
"""Reference solutions of the toy assignment."""
import math


def add_one(x):
    """Add one."""
    result = x + 1  # {REFERENCE_SECRET}
    return result


def scale(x, k):
    return math.fsum([x] * k)
'''


def build_source(root: Path) -> CourseDirectory:
    """A project with assignments/toy, reference_solutions/toy.py and an empty course dir."""
    src = root / "assignments" / ASSIGNMENT
    (src / "tests" / "public").mkdir(parents=True)
    (src / "tests" / "hidden").mkdir(parents=True)
    (src / "data").mkdir()
    nbformat.write(instructor_notebook(), src / f"{ASSIGNMENT}.ipynb")
    (src / "manifest.yaml").write_text(MANIFEST)
    (src / "tests" / "public" / "test_public.py").write_text(PUBLIC_TEST)
    (src / "tests" / "hidden" / "test_hidden.py").write_text(HIDDEN_TEST)
    (src / "data" / "points.csv").write_text("x,y\n1,2\n")
    (root / "reference_solutions").mkdir()
    (root / "reference_solutions" / f"{ASSIGNMENT}.py").write_text(REFERENCE)
    (root / "course").mkdir()
    return CourseDirectory(root=root / "course", source_root=root / "assignments",
                           reference_root=root / "reference_solutions")


@pytest.fixture
def course(tmp_path) -> CourseDirectory:
    return build_source(tmp_path)


@pytest.fixture(scope="session")
def released_template(tmp_path_factory) -> Path:
    """One release of the toy assignment, built once per session (release takes ~1 s)."""
    from autograder.pipeline.release import release_assignment
    root = tmp_path_factory.mktemp("released")
    release_assignment(course=build_source(root), assignment=ASSIGNMENT)
    return root


@pytest.fixture
def released(tmp_path, released_template) -> CourseDirectory:
    """A course dir with the toy assignment already released (a private copy per test)."""
    shutil.copytree(released_template, tmp_path / "p")
    root = tmp_path / "p"
    return CourseDirectory(root=root / "course", source_root=root / "assignments",
                           reference_root=root / "reference_solutions")
