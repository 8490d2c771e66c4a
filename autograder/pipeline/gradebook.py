"""Grading results into nbgrader's gradebook, so `nbgrader formgrader` and `nbgrader export` see them.

Mapping (a task is graded by the grade cell whose grade_id is the task name):

* `Grade.auto_score` of grade cell TASK = the task's score (0 for every grade cell when the submission
  could not be graded); `needs_manual_grade` is cleared.
* nbgrader ties comments to solution (and task) cells, not to plain grade cells. The task's comment goes to,
  in order: the grade cell itself when it carries a comment (a grade+solution or task cell); the solution cell
  `TASK_solution`; the solution cell whose released source defines `def TASK` / `class TASK`; the nearest
  solution cell before the grade cell in the release notebook. Comments of tasks sharing a cell are joined.
  `Comment.auto_comment` = the messages of the failed checks ("All checks passed." when none failed);
  for a submission that errored, the error.
* Re-recording overwrites the same rows (idempotent); manual scores and comments are never touched.
"""
from __future__ import annotations

import contextlib
import functools
import re
import warnings
from datetime import datetime
from pathlib import Path

import nbformat
import pandas as pd

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import GradingError
from autograder.core.results import SubmissionResult
from autograder.pipeline.collect_sources import read_timestamp

COLUMNS = ["student_id", "assignment", "task", "score", "max_score"]


@functools.lru_cache(maxsize=1)
def alembic_head() -> str:
    """The gradebook schema revision nbgrader stamps on a new db, read in-process (nbgrader runs the
    `alembic heads` command for it: seconds per new gradebook, and `alembic` must be on PATH)."""
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(cfg).get_current_head()


@contextlib.contextmanager
def quiet_sqlalchemy():
    """Around every nbgrader call: nbgrader 0.9.6's models make SQLAlchemy 2.1 warn (SAWarning: relationship
    overlaps, autoflush of half-built objects), harmless for us: silenced inside this block, only that
    category. nbgrader's `get_alembic_version` is replaced by `alembic_head` for the same span."""
    import nbgrader.api
    from sqlalchemy.exc import SAWarning
    original = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = alembic_head
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=SAWarning)
            yield
    finally:
        nbgrader.api.get_alembic_version = original


@contextlib.contextmanager
def open_gradebook(course: CourseDirectory):
    """nbgrader's Gradebook on the course db (SAWarnings silenced, see quiet_sqlalchemy)."""
    from nbgrader.api import Gradebook
    with quiet_sqlalchemy(), Gradebook(course.db_url) as gb:
        yield gb


def _release_order(course: CourseDirectory, assignment: str, notebook: str) -> list[str]:
    """grade_ids in release-notebook order (empty when the release is missing or unreadable)."""
    path = course.release(assignment) / f"{notebook}.ipynb"
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return []
    return [c.metadata["nbgrader"].get("grade_id") for c in nb.cells
            if isinstance(c.metadata.get("nbgrader"), dict)]


def comment_cell_for(gb, *, task: str, notebook, assignment: str, order: list[str]) -> str | None:
    """The name of the cell whose Comment holds `task`'s messages (see the module docstring)."""
    commented = {c.name for c in notebook.solution_cells} | {c.name for c in notebook.task_cells}
    solutions = {c.name for c in notebook.solution_cells}
    if task in commented:
        return task
    if f"{task}_solution" in solutions:
        return f"{task}_solution"
    defines = re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(task)}\b", re.M)
    for name in sorted(solutions):
        source = gb.find_source_cell(name, notebook.name, assignment).source or ""
        if defines.search(source):
            return name
    if task in order:
        for name in reversed(order[:order.index(task)]):
            if name in solutions:
                return name
    return None


def _comment_text(result: SubmissionResult, task) -> str:
    if result.status != "graded":
        return f"Not graded: {result.error or 'the submission could not be graded'}"
    if task is None:
        return "Not graded (no result for this task)."
    messages = task.messages
    return "\n".join(f"- {m}" for m in messages) if messages else "All checks passed."


# how often a gradebook write is retried when another grader's transaction got in its way (PostgreSQL serialization
# or deadlock, a unique key two graders created at once; SQLite "database is locked")
WRITE_ATTEMPTS = 6


def record_result(*, course: CourseDirectory, result: SubmissionResult, timestamp=None) -> list[str]:
    """Write `result` into the gradebook; returns problems that did not stop it (tasks without grade cell).

    Several graders may write at once (two `grade` runs on one PostgreSQL gradebook): a write that collides with
    another's is rolled back and tried again, so none is lost."""
    import time

    from nbgrader.api import InvalidEntry  # nbgrader's wrapper of IntegrityError (update_or_create_*)
    from sqlalchemy.exc import IntegrityError, OperationalError
    collided = (IntegrityError, OperationalError, InvalidEntry)
    if timestamp is None:
        timestamp = read_timestamp(course.submitted(result.student_id, result.assignment) / "timestamp.txt")
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with open_gradebook(course) as gb:
                try:
                    return _record(gb, course, result, timestamp)
                except collided:
                    gb.db.rollback()
                    raise
        except collided:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2 ** attempt)
    return []


def _record(gb, course: CourseDirectory, result: SubmissionResult, timestamp) -> list[str]:
    from nbgrader.api import MissingEntry
    a, sid = result.assignment, result.student_id
    problems: list[str] = []
    try:
        assignment = gb.find_assignment(a)
    except MissingEntry:
        raise GradingError(f"assignment {a!r} is not in the gradebook", file=_shown_url(course),
                           hint="release it first (autograder release)") from None
    gb.update_or_create_student(sid)
    kwargs = {"timestamp": timestamp} if isinstance(timestamp, (datetime, str)) else {}
    gb.update_or_create_submission(a, sid, **kwargs)
    tasks = {t.task: t for t in result.tasks}
    seen = set()
    for notebook in assignment.notebooks:
        order = _release_order(course, a, notebook.name)
        comments: dict[str, list[str]] = {}
        for cell in notebook.grade_cells:
            task = tasks.get(cell.name)
            if task is None and result.status == "graded":
                continue
            seen.add(cell.name)
            grade = gb.find_grade(cell.name, notebook.name, a, sid)
            grade.auto_score = float(task.score) if task is not None and result.status == "graded" else 0.0
            grade.needs_manual_grade = False
            target = comment_cell_for(gb, task=cell.name, notebook=notebook, assignment=a, order=order)
            if target is None:
                problems.append(f"task {cell.name!r}: no solution cell to hold its comment")
            else:
                comments.setdefault(target, []).append((cell.name, _comment_text(result, task)))
        for target, parts in comments.items():
            text = parts[0][1] if len(parts) == 1 else "\n\n".join(f"{t}:\n{c}" for t, c in parts)
            gb.find_comment(target, notebook.name, a, sid).auto_comment = text
    gb.db.commit()
    problems += [f"task {t!r}: no grade cell with this grade_id in the gradebook" for t in tasks if t not in seen]
    return problems


def _shown_url(course: CourseDirectory) -> str:
    """The gradebook as an error message names it (a database URL without its password)."""
    if course.db is None:
        return str(course.gradebook)
    from sqlalchemy.engine import make_url
    return make_url(course.db_url).render_as_string(hide_password=True)


def gradebook_exists(course: CourseDirectory) -> bool:
    """False only for the default SQLite gradebook file not created yet (a server database is assumed to be there)."""
    return course.db is not None or Path(course.gradebook).is_file()


def gradebook_scores(*, course: CourseDirectory, assignment: str | None = None) -> pd.DataFrame:
    """Per (student, assignment, task = grade cell) the gradebook score; columns COLUMNS."""
    rows = []
    if not gradebook_exists(course):
        return pd.DataFrame(rows, columns=COLUMNS)
    with open_gradebook(course) as gb:
        for a in gb.assignments:
            if assignment is not None and a.name != assignment:
                continue
            for sub in a.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        rows.append((sub.student.id, a.name, g.name, float(g.score), float(g.max_score)))
    frame = pd.DataFrame(rows, columns=COLUMNS).sort_values(["assignment", "student_id", "task"])
    return frame.astype({"student_id": str}).reset_index(drop=True)
