"""``grade_nbgrader_assignment``: every submission of an nbgrader assignment, on the engine's pool.

Sanitising and every gradebook write happen here, in one process; workers only run kernels. A re-run skips a
submission whose files are unchanged since it was graded (same SHA-256 over the submission folder) unless
``force``; one bad submission never stops the batch; a submission the grader failed on (sandbox, crash) keeps
what it had and is retried next time.
"""
from __future__ import annotations

import dataclasses
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.errors import ConfigError
from autograder.core.scores import format_points, format_score
from autograder.nbgrader_course.course import open_nbgrader_course, submission_sha256
from autograder.nbgrader_course.job import ERROR, FAILED, GRADED, SubmissionRun, run_submission
from autograder.nbgrader_course.prepare import (
    NbgraderSettings,
    NbgraderTask,
    known_notebooks,
    nbgrader_limits,
    prepare_job,
    ship_job,
)
from autograder.nbgrader_course.store import StoredSubmission, store_run


@dataclass
class NbgraderSummary:
    assignment: str
    graded: list[StoredSubmission] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)           # unchanged since they were graded
    failed: list[StoredSubmission] = field(default_factory=list)   # the grader's side; retried next run
    seconds: float = 0.0
    sandbox: str = ""
    sandbox_warning: str | None = None


def _warn_console(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def grade_nbgrader_assignment(*, root: Path | str, assignment: str, student_ids=None, workers: int = 1,
                              force: bool = False, sandbox: str = "auto", threads: int = 1, progress: bool = True,
                              scheduler=None, warn: Callable[[str], None] = _warn_console) -> NbgraderSummary:
    """Autograde ``assignment`` of the nbgrader course at ``root`` like ``nbgrader autograde``, sandboxed and in
    parallel. The gradebook and ``autograded/`` are nbgrader's; the summary says what was graded and skipped.

    ``scheduler`` (a Dask scheduler address or client) runs the kernels on its workers: each submission is then
    sanitised here and shipped with its files as bytes, so workers need neither the course folder nor nbgrader's
    configuration, only this package."""
    from autograder.engine.sandbox import plan_sandbox, unsandboxed_warning
    from autograder.pipeline.runner import run_jobs
    start = time.perf_counter()
    course = open_nbgrader_course(root)
    notebooks = known_notebooks(course, assignment)
    if not notebooks:
        raise ConfigError(f"the gradebook has no assignment {assignment!r} with notebooks", file=course.db_url,
                          hint=f"run `nbgrader generate_assignment {assignment}` first (as for nbgrader autograde)")
    summary = NbgraderSummary(assignment=assignment)
    wanted = set(student_ids) if student_ids else None
    students = [s for s in course.submitted_students(assignment) if wanted is None or s in wanted]
    todo = []
    for student in students:
        if not force and _unchanged(course, student, assignment):
            summary.skipped.append(student)
        else:
            todo.append(student)
    if todo:
        plan = plan_sandbox(sandbox=sandbox)
        summary.sandbox = plan.mode
        summary.sandbox_warning = unsandboxed_warning(plan, requested=sandbox)
        if summary.sandbox_warning:
            warn(summary.sandbox_warning)
    settings = NbgraderSettings(root=str(course.root), limits=nbgrader_limits(course), sandbox=sandbox,
                                threads=threads)
    jobs = [NbgraderTask(student_id=s, assignment=assignment, notebooks=tuple(notebooks)) for s in todo]
    if scheduler:
        jobs = [_shipped(course, job) for job in jobs]

    def finish(run: SubmissionRun, bar) -> None:
        try:
            stored = store_run(course, run, notebooks=notebooks)
        except Exception as e:  # noqa: BLE001 - a store that fails costs this submission only
            stored = StoredSubmission(student_id=run.task.student_id, status=FAILED,
                                      error="could not store the result: " + _one_line(e))
        (summary.failed if stored.status == FAILED else summary.graded).append(stored)
        bar.set_postfix_str(f"{stored.student_id}: " + (format_points(stored.score, stored.max_score)
                                                        if stored.status != FAILED else "failed"))
        bar.update(1)

    run_jobs(jobs, settings=settings, fn=run_submission, on_result=finish, workers=workers, progress=progress,
             desc=f"autograding {assignment} (nbgrader)", failed=_crashed, scheduler=scheduler, warn=warn)
    summary.seconds = time.perf_counter() - start
    return summary


def _shipped(course, task: NbgraderTask) -> NbgraderTask:
    """``task`` sanitised here, its files as bytes (a failure stays this submission's: the worker retries it)."""
    try:
        job = prepare_job(course, student=task.student_id, assignment=task.assignment, notebooks=list(task.notebooks))
        return dataclasses.replace(task, shipped=ship_job(job))
    except Exception:  # noqa: BLE001 - run_submission meets the same failure and records it for this submission
        return task


def _crashed(task, settings, error: str) -> SubmissionRun:
    """The record of a submission whose grading process died (our side: FAILED, retried by the next grade)."""
    return SubmissionRun(task=task, status=FAILED, error=error)


def _one_line(e: BaseException) -> str:
    return traceback.format_exception_only(type(e), e)[-1].strip()


def _unchanged(course, student: str, assignment: str) -> bool:
    """Graded before for the same files, and its autograded folder is still there."""
    path = course.state_file(student, assignment)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if state.get("status") not in (GRADED, ERROR) or not course.autograded(student, assignment).is_dir():
        return False
    return state.get("sha256") == submission_sha256(course.submitted(student, assignment), course.ignore)


def render_nbgrader_summary(summary: NbgraderSummary) -> str:
    """The console summary: one line per graded submission (score, late penalty, notes), then totals."""
    lines = [f"{summary.assignment}: {len(summary.graded)} graded, {len(summary.skipped)} unchanged (skipped), "
             f"{len(summary.failed)} failed in {summary.seconds:.1f} s"
             + (f" (sandbox: {summary.sandbox})" if summary.sandbox else "")]
    for s in sorted(summary.graded, key=lambda s: s.student_id):
        late = (f" - late penalty {format_score(s.late_penalty)} = {format_score(s.score - s.late_penalty)}"
                if s.late_penalty else "")
        lines.append(f"  {s.student_id}: {format_points(s.score, s.max_score)}{late}"
                     + (" (could not be graded)" if s.status == ERROR else ""))
        lines += [f"      {note}" for note in s.notes]
    for s in summary.failed:
        lines.append(f"  {s.student_id}: FAILED (kept as it was; run again to retry): {s.error}")
    return "\n".join(lines)
