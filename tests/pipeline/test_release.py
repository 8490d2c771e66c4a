"""release_assignment: nbgrader generate_assignment, public tests and files, gradebook, exchange, leak scan."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import ConfigError
from autograder.pipeline.gradebook import open_gradebook
from autograder.pipeline.leakscan import MARKERS, scan_release
from autograder.pipeline.release import release_assignment

from .conftest import ASSIGNMENT, HIDDEN_SECRET, REFERENCE_SECRET, SOLUTION_SECRET

ROOT = Path(__file__).resolve().parents[2]          # the repository (tests and benchmarks run from it)

SECRETS = (SOLUTION_SECRET, HIDDEN_SECRET, REFERENCE_SECRET, "test_hidden", "return math.fsum([x] * k)")


def _released_files(course, assignment=ASSIGNMENT) -> list[Path]:
    return sorted(p for p in course.release(assignment).rglob("*") if p.is_file())


def test_release_contents(course):
    report = release_assignment(course=course, assignment=ASSIGNMENT)
    assert report.files == ["data/points.csv", "public_tests/test_public.py", f"{ASSIGNMENT}.ipynb"]
    nb = nbformat.read(report.notebook, as_version=4)
    grade = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    assert grade["add_one"].source == "assert add_one(1) == 2"               # hidden tests stripped
    assert "raise NotImplementedError" in grade["add_one_solution"].source   # solution stripped
    assert all("checksum" in c.metadata["nbgrader"] for c in grade.values())
    assert any("notebook:" in line for line in report.lines())


@pytest.mark.parametrize("path_index", range(3))
def test_every_released_file_is_free_of_grading_material(course, path_index):
    release_assignment(course=course, assignment=ASSIGNMENT)
    path = _released_files(course)[path_index]
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS + MARKERS:
        assert secret not in text, f"{path.name} leaks {secret!r}"
    assert scan_release(course.release(ASSIGNMENT), hidden_dir=course.tests(ASSIGNMENT, "hidden"),
                        public_dir=course.tests(ASSIGNMENT, "public"),
                        reference_module=course.reference_module(ASSIGNMENT)) == []


def test_gradebook_and_nbgrader_config(course):
    release_assignment(course=course, assignment=ASSIGNMENT)
    with open_gradebook(course) as gb:
        nb = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        assert {c.name: c.max_score for c in nb.grade_cells} == {"add_one": 40, "scale": 60}
        assert {c.name for c in nb.solution_cells} == {"add_one_solution", "scale_solution"}
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader(course.nbgrader_config.name, path=str(course.root)).load_config()
    assert cfg.CourseDirectory.source_directory == str(course.staged_source_root)
    assert cfg.CourseDirectory.db_url == course.db_url
    assert cfg.Exchange.root == str(course.exchange)


def test_exchange_outbound(course):
    report = release_assignment(course=course, assignment=ASSIGNMENT)
    assert report.exchange_dir == course.exchange / "INT3121" / "outbound" / ASSIGNMENT
    assert (report.exchange_dir / f"{ASSIGNMENT}.ipynb").is_file()
    assert (report.exchange_dir / "public_tests" / "test_public.py").is_file()
    assert (course.exchange / "INT3121" / "inbound").is_dir()


def test_release_twice_needs_force(course):
    release_assignment(course=course, assignment=ASSIGNMENT)
    with pytest.raises(ConfigError, match="already released"):
        release_assignment(course=course, assignment=ASSIGNMENT)
    (course.release(ASSIGNMENT) / "stale.txt").write_text("old")
    release_assignment(course=course, assignment=ASSIGNMENT, force=True)
    assert not (course.release(ASSIGNMENT) / "stale.txt").exists()


def test_release_refuses_reference_code_in_a_data_file(course):
    (course.source(ASSIGNMENT) / "data" / "points.csv").write_text("    return math.fsum([x] * k)\n")
    with pytest.raises(ConfigError, match=r"reference code of scale\(\)"):
        release_assignment(course=course, assignment=ASSIGNMENT)
    assert not course.release(ASSIGNMENT).exists()


def test_release_refuses_solution_without_markers(course):
    path = course.source(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("def helper(x, k):\n    return math.fsum([x] * k)"))
    nbformat.write(nb, path)
    with pytest.raises(ConfigError, match="leak grading material"):
        release_assignment(course=course, assignment=ASSIGNMENT)


def test_scan_finds_hidden_files_and_hidden_lines(course, tmp_path):
    fake = tmp_path / "rel"
    (fake / "sub" / "hidden").mkdir(parents=True)
    shutil.copy(course.tests(ASSIGNMENT, "hidden") / "test_hidden.py", fake / "test_hidden.py")
    (fake / "sub" / "hidden" / "x.txt").write_text("### BEGIN HIDDEN TESTS\n")
    (fake / "notes.py").write_text(f"assert student.add_one(10**6) == 1000001  # {HIDDEN_SECRET}\n")
    found = [str(f) for f in scan_release(fake, hidden_dir=course.tests(ASSIGNMENT, "hidden"),
                                          public_dir=course.tests(ASSIGNMENT, "public"))]
    assert any("test_hidden.py: has the name of a hidden test file" in f for f in found)
    assert any("lies in a folder named 'hidden'" in f for f in found)
    assert any("BEGIN HIDDEN TESTS" in f for f in found)
    assert any(f.startswith("notes.py: contains a hidden test line") for f in found)


W03 = ROOT / "assignments" / "w03_training"


@pytest.mark.slow
@pytest.mark.skipif(not (W03 / "manifest.yaml").is_file(), reason="w03_training source not written yet")
def test_w03_release_leaks_nothing(tmp_path):
    from autograder.core.manifest import load_manifest
    if not (W03 / load_manifest(W03 / "manifest.yaml").notebook).is_file():
        pytest.skip("w03_training notebook not built yet")
    course = CourseDirectory(root=tmp_path / "course", source_root=ROOT / "assignments",
                             reference_root=ROOT / "reference_solutions")
    release_assignment(course=course, assignment="w03_training", exchange=False)
    hidden_names = {p.name for p in (W03 / "tests" / "hidden").rglob("*.py")}
    for path in _released_files(course, "w03_training"):
        assert path.name not in hidden_names or "public_tests" in path.parts
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in text, f"{path} contains {marker}"
    assert scan_release(course.release("w03_training"), hidden_dir=W03 / "tests" / "hidden",
                        public_dir=W03 / "tests" / "public",
                        reference_module=course.reference_module("w03_training")) == []


@pytest.mark.slow
def test_nbgrader_cli_reads_the_course(course):
    release_assignment(course=course, assignment=ASSIGNMENT)
    nbgrader = Path(sys.executable).parent / "nbgrader"
    out = subprocess.run([str(nbgrader), "db", "assignment", "list"], cwd=course.root, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert ASSIGNMENT in out.stdout + out.stderr


SELFTEST_SECRET = "SELFTEST_SECRET_2718"


def _plant_authoring_files(course) -> None:
    """What an assignment folder holds beside the notebook: examples (filled-in solutions), selftest.yaml."""
    src = course.source(ASSIGNMENT)
    (src / "examples").mkdir()
    shutil.copy(src / f"{ASSIGNMENT}.ipynb", src / "examples" / "21020001.ipynb")    # carries the solutions
    (src / "examples" / "EXPECTED.yaml").write_text('students:\n  "21020001": {total: 100, style: "reference"}\n')
    (src / "selftest.yaml").write_text(f"variants:\n  add_one:\n    off_by_two: |\n      def add_one(x):\n"
                                       f"          return x + 2  # {SELFTEST_SECRET}\n")


def test_release_stages_only_the_notebook_and_files(course):
    _plant_authoring_files(course)
    (course.staged_source(ASSIGNMENT)).mkdir(parents=True)
    (course.staged_source(ASSIGNMENT) / "stale.py").write_text("left by an earlier release")
    release_assignment(course=course, assignment=ASSIGNMENT)
    staged = course.staged_source(ASSIGNMENT)
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()) == \
        ["data/points.csv", f"{ASSIGNMENT}.ipynb"]
    assert (staged / f"{ASSIGNMENT}.ipynb").read_bytes() == (course.source(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb").read_bytes()


@pytest.mark.slow
def test_plain_nbgrader_generate_assignment_in_the_course_releases_no_grading_material(course):
    """After `autograder release`, nbgrader's own command run in the course dir, with nbgrader's default ignore
    patterns, copies nothing but the student notebook and the declared data files into release/."""
    from nbgrader.coursedir import CourseDirectory as NbCourseDirectory
    _plant_authoring_files(course)
    release_assignment(course=course, assignment=ASSIGNMENT)
    ignore = [f"--CourseDirectory.ignore={pattern}" for pattern in NbCourseDirectory().ignore]   # nbgrader's default
    bin_dir = Path(sys.executable).parent                     # nbgrader runs alembic from PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force", *ignore],
                         cwd=course.root, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    released = course.release(ASSIGNMENT)
    assert sorted(p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()) == \
        ["data/points.csv", f"{ASSIGNMENT}.ipynb"]
    for path in _released_files(course):
        text = path.read_text(encoding="utf-8")
        for secret in (*SECRETS, *MARKERS, SELFTEST_SECRET):
            assert secret not in text, f"{path.name} leaks {secret!r}"
    nb = nbformat.read(released / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert "raise NotImplementedError" in next(c.source for c in nb.cells
                                               if c.metadata.get("nbgrader", {}).get("grade_id") == "add_one_solution")
    assert scan_release(released, hidden_dir=course.tests(ASSIGNMENT, "hidden"),
                        public_dir=course.tests(ASSIGNMENT, "public"),
                        reference_module=course.reference_module(ASSIGNMENT)) == []
