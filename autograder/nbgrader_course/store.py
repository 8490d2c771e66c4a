"""Results into the course, in the grader process, the way ``nbgrader autograde`` stores them.

The gradebook rows are written by nbgrader's own code: the submission as ``Autograde.init_assignment`` makes it
(student, timestamp, missing notebooks at zero), then ``Autograde.autograde_preprocessors`` without ``Execute``
(IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades, AssignLatePenalties with the course's late
plugin, CheckCellMetadata) on each executed notebook. So scores are ``determine_grade``'s and manual scores are
never touched. What the engine noticed (the sandbox stopping something, the guard undoing a change) is added
to the automatic comment of the nearest solution cell above it, which ``nbgrader generate_feedback`` shows.
The autograded folder is replaced as a whole; our resume record is written last, atomically.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime

import nbformat

from autograder.core.atomic import write_json_atomic, write_text_atomic
from autograder.nbgrader_course.course import NbgraderCourse
from autograder.nbgrader_course.job import ERROR, FAILED, SubmissionRun
from autograder.nbgrader_course.prepare import notebook_resources, place_files, preprocessor_classes, run_preprocessors


@dataclass
class StoredSubmission:
    student_id: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    late_penalty: float = 0.0
    notes: list[str] = field(default_factory=list)
    cells: dict[str, dict[str, float | None]] = field(default_factory=dict)   # notebook -> grade_id -> score
    seconds: float = 0.0
    error: str = ""


def store_run(course: NbgraderCourse, run: SubmissionRun, *, notebooks: list[str]) -> StoredSubmission:
    """Store one worker result; a FAILED run (our side) stores nothing and is retried by the next run."""
    from autograder.pipeline.gradebook import quiet_sqlalchemy
    job = run.job
    out = StoredSubmission(student_id=run.task.student_id, status=run.status, seconds=run.seconds, error=run.error)
    if run.status == FAILED or job is None:
        out.status = FAILED
        return out
    out.notes = [f"{p} (nbgrader would fail this notebook too)" for p in job.problems]
    out.notes += [f"{name}: not in the gradebook, not graded (as nbgrader)" for name in job.skipped]
    if job.problems and not run.notebooks:
        out.status = ERROR
    with quiet_sqlalchemy():
        _init_submission(course, job.student_id, job.assignment, notebooks)
        executed = []
        for nbrun in run.notebooks:
            nb = nbformat.reads(nbrun.notebook, as_version=4)
            resources = notebook_resources(course, student=job.student_id, assignment=job.assignment,
                                           notebook=nbrun.name)
            nb, _ = run_preprocessors(_autograde_classes(course), nb, resources, course)
            _add_notes(course, job.student_id, job.assignment, nbrun.name, nb, nbrun.notes)
            out.notes += [f"{nbrun.name}: {text}" for _, text in nbrun.notes]
            executed.append((nbrun.name, nb))
        _write_autograded(course, run, executed)
        _read_scores(course, out, job.assignment)
    write_json_atomic(course.state_file(job.student_id, job.assignment), {
        "student_id": job.student_id, "assignment": job.assignment, "sha256": job.sha256, "status": out.status,
        "score": out.score, "max_score": out.max_score, "late_penalty": out.late_penalty, "cells": out.cells,
        "notes": out.notes, "sandbox": run.sandbox, "graded_at": datetime.now(UTC).isoformat()})
    return out


def _autograde_classes(course: NbgraderCourse) -> list[type]:
    from nbgrader.preprocessors import Execute
    return [cls for cls in preprocessor_classes(course, "autograde_preprocessors") if not issubclass(cls, Execute)]


def _init_submission(course: NbgraderCourse, student: str, assignment: str, notebooks: list[str]) -> None:
    """What ``Autograde.init_assignment`` does in the gradebook before a submission's notebooks are graded."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc
    folder = course.submitted(student, assignment)
    timestamp = None
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8", errors="replace").strip():
        try:
            timestamp = parse_utc(stamp.read_text(encoding="utf-8").strip())
        except ValueError:
            timestamp = None
    with Gradebook(course.db_url, course.coursedir.course_id) as gb:
        gb.update_or_create_student(student)
        if timestamp is not None:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)
        for name in notebooks:
            if not (folder / f"{name}.ipynb").is_file():
                for grade in gb.find_submission_notebook(name, assignment, student).grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.commit()


def _add_notes(course, student, assignment, name, nb, notes) -> None:
    """Each note joins the automatic comment of the solution cell at or above its cell (else the first one)."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.utils import is_solution, is_task
    if not notes:
        return
    targets = [(i, c.metadata.nbgrader["grade_id"]) for i, c in enumerate(nb.cells, start=1)
               if (is_solution(c) or is_task(c)) and c.metadata.get("nbgrader", {}).get("grade_id")]
    if not targets:
        return
    by_cell: dict[str, list[str]] = {}
    for index, text in notes:
        above = [gid for i, gid in targets if index is not None and i <= index]
        by_cell.setdefault(above[-1] if above else targets[0][1], []).append("autograder: " + text)
    with Gradebook(course.db_url, course.coursedir.course_id) as gb:
        for gid, texts in by_cell.items():
            try:
                comment = gb.find_comment(gid, name, assignment, student)
            except MissingEntry:
                continue
            comment.auto_comment = "\n".join(([comment.auto_comment] if comment.auto_comment else []) + texts)
        gb.db.commit()


def _write_autograded(course: NbgraderCourse, run: SubmissionRun, executed) -> None:
    """``autograded/STUDENT/A/``: the executed notebooks and the files nbgrader copies there, swapped in whole."""
    dest = course.autograded(run.job.student_id, run.job.assignment)
    staging = dest.parent / f".{dest.name}.staging"
    old = dest.parent / f".{dest.name}.old"
    for path in (staging, old):
        shutil.rmtree(path, ignore_errors=True)
    staging.mkdir(parents=True)
    place_files(run.job, staging)
    for name, nb in executed:
        write_text_atomic(staging / f"{name}.ipynb", nbformat.writes(nb))
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def _read_scores(course: NbgraderCourse, out: StoredSubmission, assignment: str) -> None:
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url, course.coursedir.course_id) as gb:
        sub = gb.find_submission(assignment, out.student_id)
        out.score, out.max_score = float(sub.score), float(sub.max_score)
        out.late_penalty = float(sub.late_submission_penalty or 0)
        for nb in sub.notebooks:
            out.cells[nb.name] = {g.name: _score(g) for g in nb.grades}


def _score(grade) -> float | None:
    """A grade cell's score as nbgrader counts it: the manual score if any, else the automatic one (None: not
    graded yet, a written answer waiting for a person)."""
    value = grade.manual_score if grade.manual_score is not None else grade.auto_score
    return None if value is None else float(value)
