"""One grading job: (assignment, submission notebook, settings) -> SubmissionResult.

A plain function with plain arguments so that any runner (the local pool, a Dask worker, a GPU runner)
can call it unchanged. It never raises for a bad submission: whatever happens is in the result.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.core.atomic import write_text_atomic
from autograder.core.errors import AutograderError, NotebookInvalid
from autograder.core.manifest import Manifest, load_manifest
from autograder.core.results import REJECTED, SubmissionResult, TaskResult
from autograder.core.settings import GradeSettings
from autograder.engine.session import student_session
from autograder.testing.plugin import GradingPlugin, run_tests


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def prepare_workdir(manifest: Manifest, source_dir: Path) -> Path:
    """A fresh private folder holding only the files the assignment declares."""
    workdir = Path(tempfile.mkdtemp(prefix="autograder-work-"))
    for rel in manifest.files:
        src = source_dir / rel
        dst = workdir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    return workdir


def task_results(manifest: Manifest, plugin: GradingPlugin) -> list[TaskResult]:
    by_task = {t.name: TaskResult(task=t.name, max_score=t.points, description=t.description)
               for t in manifest.tasks if not t.gpu}
    for check in plugin.results:
        if check.task in by_task:
            by_task[check.task].checks.append(check)
    return list(by_task.values())


def restart_note(reasons: list[str]) -> str:
    """For the student: how often their kernel was restarted during testing, and why."""
    shown = list(dict.fromkeys(reasons))        # each distinct reason once, in order
    more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
    times = "once" if len(reasons) == 1 else f"{len(reasons)} times"
    return (f"your kernel was restarted {times} during testing (your notebook was run again each time), "
            f"because: {'; '.join(shown[:5])}{more}")


def grade_submission(*, assignment: str, notebook_path: Path | str, settings: GradeSettings,
                     student_id: str) -> SubmissionResult:
    """Grade one submission in its own sandboxed kernel; never raises for the submission's faults."""
    from autograder.pipeline.validate import sanitize_submission

    start = time.perf_counter()
    course = settings.course
    notebook_path = Path(notebook_path)
    manifest = load_manifest(course.manifest(assignment))
    limits = manifest.limits
    base = dict(student_id=student_id, assignment=assignment)
    try:
        sha = file_sha256(notebook_path)
    except OSError as e:
        return SubmissionResult.failed(**base, error=f"cannot read the submission: {e}", tasks=manifest.tasks,
                                       status=REJECTED)
    release_nb = course.release(assignment) / manifest.notebook
    if not release_nb.is_file():
        return SubmissionResult.failed(**base, error=f"{assignment} has not been released in this course "
                                       f"(no {release_nb}); run `autograder release {assignment}` first",
                                       tasks=manifest.tasks, submission_sha256=sha)
    try:
        nb, notes = sanitize_submission(path=notebook_path, release_notebook=release_nb, max_mb=limits.notebook_mb)
    except NotebookInvalid as e:
        return SubmissionResult.failed(**base, error=str(e), tasks=manifest.tasks, submission_sha256=sha,
                                       status=REJECTED)

    workdir = prepare_workdir(manifest, course.source(assignment))
    sandbox_mode = ""
    try:
        with student_session(nb, workdir=workdir, limits=limits, sandbox=settings.sandbox, gpu=settings.gpu,
                             threads=settings.threads) as session:
            sandbox_mode = session.sandbox      # a staff fact: result.sandbox and the summary, not the notes
            plugin = GradingPlugin(student=session.proxy, reference_path=course.reference_module(assignment),
                                   seed=settings.seed, gpu=settings.gpu, test_timeout=limits.test_timeout)
            t0 = time.perf_counter()
            run_tests(test_dirs=[course.tests(assignment, "public"), course.tests(assignment, "hidden")],
                      plugin=plugin)
            timings = {**session.timings, "tests": time.perf_counter() - t0}
            restarts = list(session.proxy.restart_reasons)
            budget_hit = session.budget is not None and session.budget.hit
            notes.extend(session.notes)         # after the tests: restarts may have added some
        if plugin.errors:
            # our side (a broken test file), not the student's: fail loudly but keep the batch going
            return SubmissionResult.failed(**base, error="grader configuration: " + "; ".join(plugin.errors),
                                           tasks=manifest.tasks, submission_sha256=sha, notes=notes)
        if settings.save_notebook:
            out = course.autograded(student_id, assignment) / manifest.notebook
            write_text_atomic(out, nbformat.writes(session.execution.notebook))
        if restarts:
            notes.append(restart_note(restarts))
        if budget_hit:
            notes.append(f"grading stopped when your submission used up its time budget of "
                         f"{limits.submission_timeout:g} s (all cells, tests and kernel restarts together): the "
                         "checks that had not finished by then score 0")
            timings["budget_hit"] = 1.0
        return SubmissionResult(**base, status="graded", tasks=task_results(manifest, plugin), notes=notes,
                                submission_sha256=sha, sandbox=sandbox_mode,
                                seconds=round(time.perf_counter() - start, 3),
                                timings={k: round(v, 3) for k, v in timings.items()})
    except AutograderError as e:
        return SubmissionResult.failed(**base, error=str(e), tasks=manifest.tasks, submission_sha256=sha,
                                       notes=notes, sandbox=sandbox_mode)
