"""The one object that builds every path of a course working directory.

Layout (nbgrader's, so `nbgrader formgrader` and `nbgrader export` work on the same folder)::

    COURSE/
      nbgrader_config.py              written by `release`, points nbgrader at source/
      source/ASSIGNMENT/              staged by `release`: the manifest's notebook and files only (what
                                      nbgrader's generate_assignment may see; never tests, examples, selftest)
      gradebook.db                    nbgrader gradebook + seminar tables (SQLite by default)
      release/ASSIGNMENT/             the student copy (notebook + public_tests/ + data files)
      submitted/STUDENT/ASSIGNMENT/   collected notebooks (+ timestamp.txt)
      autograded/STUDENT/ASSIGNMENT/  graded notebook + result.json (our result record)
      feedback/STUDENT/ASSIGNMENT/    feedback HTML
      reports/                        grade reports
      exchange/                       default nbgrader exchange root for this course

Assignment *sources* (instructor notebooks, tests, manifests) and reference solutions live where the course
configuration names them (`assignments:` and `reference_solutions:` in COURSE/autograder.yaml), never inside
COURSE/. Nothing is guessed: an installed package has no repository to look in, so asking for a source path
that is not configured is a ConfigError saying which key to set.
Nobody else concatenates course paths: ask this object.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.core.errors import ConfigError

CONFIG_FILE = "autograder.yaml"                 # read by core/settings.py


@dataclass(frozen=True)
class CourseDirectory:
    root: Path
    source_root: Path | None = None             # the course's assignments folder (autograder.yaml `assignments`)
    reference_root: Path | None = None          # reference modules (autograder.yaml `reference_solutions`)
    db: str | None = None                       # gradebook SQLAlchemy URL (autograder.yaml `db_url`); None: SQLite

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        for name in ("source_root", "reference_root"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)).resolve())

    def _configured(self, value: Path | None, key: str) -> Path:
        if value is None:
            raise ConfigError(f"no `{key}` folder is configured for this course", file=str(self.root / CONFIG_FILE),
                              hint=f"add `{key}: /path/to/{key}` to that file (relative paths are relative to it)")
        return value

    # -- sources (read-only, instructor side) -------------------------------------------------
    def source(self, assignment: str) -> Path:
        return self._configured(self.source_root, "assignments") / assignment

    def manifest(self, assignment: str) -> Path:
        return self.source(assignment) / "manifest.yaml"

    def tests(self, assignment: str, visibility: str | None = None) -> Path:
        base = self.source(assignment) / "tests"
        return base / visibility if visibility else base

    def examples(self, assignment: str) -> Path:
        return self.source(assignment) / "examples"

    def reference_module(self, assignment: str) -> Path:
        return self._configured(self.reference_root, "reference_solutions") / f"{assignment}.py"

    # -- course working directory ---------------------------------------------------------------
    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        """The gradebook's SQLAlchemy URL: `db_url` of autograder.yaml (e.g. PostgreSQL), else COURSE/gradebook.db."""
        return self.db or f"sqlite:///{self.gradebook}"

    @property
    def nbgrader_config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def staged_source_root(self) -> Path:
        """nbgrader's source directory: `release` stages each assignment's student-facing files here."""
        return self.root / "source"

    def staged_source(self, assignment: str) -> Path:
        return self.staged_source_root / assignment

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def release(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def submitted(self, student_id: str, assignment: str) -> Path:
        return self.root / "submitted" / student_id / assignment

    def autograded(self, student_id: str, assignment: str) -> Path:
        return self.root / "autograded" / student_id / assignment

    def result_file(self, student_id: str, assignment: str) -> Path:
        return self.autograded(student_id, assignment) / "result.json"

    def feedback(self, student_id: str, assignment: str) -> Path:
        return self.root / "feedback" / student_id / assignment

    def submitted_students(self, assignment: str) -> list[str]:
        """Student ids with a collected submission of `assignment`, sorted."""
        base = self.root / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())

    def graded_students(self, assignment: str) -> list[str]:
        base = self.root / "autograded"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment / "result.json").is_file())
