"""The fixture nbgrader course (files/course: ps1 with problem1/problem2 like nbgrader's documentation, two
students and eight hostile submissions), made ready the way an instructor does it, and read back.

Used by the tests here and by benchmarks/bench_nbgrader.py.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files" / "course"
ASSIGNMENT = "ps1"
DUE = "2026-09-02 17:00:00 UTC"          # bitdiddle is on time, hacker a day late
STUDENTS = ("bitdiddle", "hacker")


def make_course(dest: Path, *, students=None) -> Path:
    """Copy the course to ``dest`` (only ``students`` when given) and do what the instructor did before grading:
    `nbgrader generate_assignment ps1` (in-process, same code) and `nbgrader db assignment add ps1 --duedate`."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    shutil.copytree(FILES, dest, ignore=None if students is None else _only(students))
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(dest)).load_config()
    cfg.CourseDirectory.root = str(dest)
    with quiet_sqlalchemy():
        api = NbGraderAPI(CourseDirectory(config=cfg), config=cfg)
        result = api.generate_assignment(ASSIGNMENT, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment failed: {result.get('error')}\n{result.get('log')}")
        with Gradebook(f"sqlite:///{dest / 'gradebook.db'}") as gb:
            gb.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    return dest


def _only(students):
    def ignore(folder, names):
        return [n for n in names if Path(folder).name == "submitted" and n not in students]
    return ignore


def tool_env() -> dict[str, str]:
    """nbgrader shells out to alembic: the venv's bin first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def nbgrader_autograde(root: Path, *extra: str) -> float:
    """`nbgrader autograde ps1 --force` in ``root``; its wall time (raises with the log's tail on failure)."""
    cmd = [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT, "--force", *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=tool_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def gradebook_rows(root: Path) -> dict:
    """{(student, notebook, grade_id): (auto_score, manual_score, needs_manual_grade)} plus
    {(student, notebook, "late penalty"): penalty} and {(student, notebook, "comment " + id): auto_comment}."""
    from nbgrader.api import Gradebook

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    rows = {}
    with quiet_sqlalchemy(), Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            for nb in sub.notebooks:
                key = (sub.student_id, nb.name)
                rows[key + ("late penalty",)] = nb.late_submission_penalty
                for g in nb.grades:
                    rows[key + (g.name,)] = (g.auto_score, g.manual_score, g.needs_manual_grade)
                for c in nb.comments:
                    rows[key + ("comment " + c.name,)] = c.auto_comment
    return rows


def totals(root: Path) -> dict[str, float]:
    """Each student's total as nbgrader counts it (score minus late penalty)."""
    from nbgrader.api import Gradebook

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    with quiet_sqlalchemy(), Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s.student_id: float(s.score) - float(s.late_submission_penalty or 0)
                for s in gb.assignment_submissions(ASSIGNMENT)}
