"""The local runner: grade many submissions on a process pool, resumable, with progress.

Results are stored as they arrive (atomic `result.json` per submission, then the gradebook), so a
killed run loses at most the submissions in flight, and a re-run skips what is already graded for the
same submission file (same SHA-256) unless forced.
"""
from __future__ import annotations

import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.manifest import load_manifest
from autograder.core.results import FAILED, GRADED, VERDICTS, SubmissionResult, load_result, save_result
from autograder.core.scores import format_points
from autograder.core.settings import GradeSettings
from autograder.pipeline.job import file_sha256, grade_submission


@dataclass
class GradeSummary:
    assignment: str
    graded: list[SubmissionResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)        # already graded, unchanged
    errors: list[str] = field(default_factory=list)         # student ids not graded normally
    kept_previous: list[str] = field(default_factory=list)  # grader failed; the earlier verdict was kept
    seconds: float = 0.0
    sandbox: str = ""                                        # the mode the kernels run in: "bwrap" | "none"
    sandbox_warning: str | None = None                       # said once on the console when unsandboxed


@dataclass(frozen=True)
class Job:
    student_id: str
    assignment: str
    notebook: Path


def run_job(job: Job, settings: GradeSettings) -> SubmissionResult:
    """Pool entry point: a job that fails in an unexpected way still yields a result."""
    try:
        return grade_submission(assignment=job.assignment, notebook_path=job.notebook, settings=settings,
                                student_id=job.student_id)
    except Exception as e:  # noqa: BLE001 - the batch must go on; the reason is kept in the result
        manifest = load_manifest(settings.course.manifest(job.assignment))
        detail = traceback.format_exception_only(type(e), e)[-1].strip()
        return SubmissionResult.failed(student_id=job.student_id, assignment=job.assignment,
                                       error=f"internal grading error: {detail}", tasks=manifest.tasks)


def find_jobs(*, settings: GradeSettings, assignment: str, student_ids=None, force=False):
    """(jobs to run, student ids skipped because already graded for the same file)."""
    course = settings.course
    manifest = load_manifest(course.manifest(assignment))
    wanted = set(student_ids) if student_ids else None
    jobs, skipped = [], []
    for sid in course.submitted_students(assignment):
        if wanted is not None and sid not in wanted:
            continue
        nb = course.submitted(sid, assignment) / manifest.notebook
        if not nb.is_file():
            candidates = sorted(course.submitted(sid, assignment).glob("*.ipynb"))
            if not candidates:
                continue
            nb = candidates[0]
        if not force:
            old = load_result(course.result_file(sid, assignment))
            if old is not None and old.status in VERDICTS and old.submission_sha256 == file_sha256(nb):
                skipped.append(sid)
                continue
        jobs.append(Job(student_id=sid, assignment=assignment, notebook=nb))
    return jobs, skipped


def store(settings: GradeSettings, result: SubmissionResult) -> bool:
    """Persist one result: result.json first (the source of truth), then the gradebook.

    A FAILED result (the grader's fault) never replaces an earlier verdict; returns whether it was stored."""
    from autograder.pipeline.gradebook import record_result
    course = settings.course
    path = course.result_file(result.student_id, result.assignment)
    if result.status == FAILED:
        old = load_result(path)
        if old is not None and old.status in VERDICTS:
            return False
    save_result(path, result)
    record_result(course=course, result=result)
    return True


def _warn_console(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def grade_assignment(*, settings: GradeSettings, assignment: str, student_ids=None, workers: int = 1,
                     force: bool = False, progress: bool = True,
                     warn: Callable[[str], None] = _warn_console) -> GradeSummary:
    """Grade every collected submission of `assignment`; returns what was graded and skipped.

    The sandbox is resolved once, before any job: mode "require" without a usable bubblewrap raises
    ``SandboxError`` (nothing is graded); grading without one is said once through ``warn`` (the console)."""
    from autograder.engine.sandbox import plan_sandbox, unsandboxed_warning
    start = time.perf_counter()
    jobs, skipped = find_jobs(settings=settings, assignment=assignment, student_ids=student_ids, force=force)
    summary = GradeSummary(assignment=assignment, skipped=skipped)
    if jobs:
        plan = plan_sandbox(sandbox=settings.sandbox)
        summary.sandbox = plan.mode
        summary.sandbox_warning = unsandboxed_warning(plan, requested=settings.sandbox)
        if summary.sandbox_warning:
            warn(summary.sandbox_warning)
    run_jobs(jobs, settings=settings, fn=run_job, workers=workers, progress=progress, desc=f"grading {assignment}",
             on_result=lambda result, bar: _finish(settings, summary, result, bar))
    summary.seconds = time.perf_counter() - start
    return summary


def run_jobs(jobs, *, settings, fn, on_result, workers: int = 1, progress: bool = True, desc: str = "grading") -> None:
    """Run ``fn(job, settings)`` for every job, one at a time or on a process pool, with a progress bar.

    ``fn`` must be a top-level (picklable) function that always returns a result; ``on_result(result, bar)`` runs in
    this process as each result arrives (it stores it and updates the bar). A crashed worker process costs only the
    job it was running (see ``_run_pool``). Other drivers (the nbgrader drop-in) run their own jobs through this."""
    bar = _progress(total=len(jobs), enabled=progress, desc=desc)
    try:
        if workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                on_result(fn(job, settings), bar)
        else:
            _run_pool(settings, jobs, workers, bar, fn=fn, on_result=on_result)
    finally:
        bar.close()


def _finish(settings, summary, result, bar):
    kept = store(settings, result)
    summary.graded.append(result)
    if result.status != GRADED:
        summary.errors.append(result.student_id)
    if not kept:
        summary.kept_previous.append(result.student_id)
    bar.set_postfix_str(f"{result.student_id}: {format_points(result.score, result.max_score)}")
    bar.update(1)


def _run_pool(settings, jobs, workers, bar, *, fn, on_result):
    """Run jobs on a pool; if a worker process dies, the pool is rebuilt and the rest goes on."""
    pending = list(jobs)
    ctx = _pool_context()
    while pending:
        with ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=ctx) as pool:
            futures = {pool.submit(fn, job, settings): job for job in pending}
            pending = []
            broken = False
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = futures.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        pending.append(job)
                        continue
                    on_result(result, bar)
            if broken and pending:
                # the pool cannot tell which job killed it: retry each alone, isolating the culprit
                for job in pending:
                    on_result(_run_isolated(job, settings, ctx, fn), bar)
                pending = []


# Imported once in the fork server, then shared by every worker it forks: on two cores the workers would
# otherwise each spend seconds importing the same modules while kernels wait for CPU.
WORKER_PRELOAD = ["autograder.pipeline.job", "autograder.engine.proxy", "autograder.engine.execute", "autograder.pipeline.validate",
                  "autograder.testing.checks", "numpy", "pytest", "sklearn.datasets"]


def _pool_context():
    """A clean process context for workers (no threads or sockets inherited from the caller)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _run_isolated(job, settings, ctx, fn) -> SubmissionResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        try:
            return pool.submit(fn, job, settings).result()
        except BrokenProcessPool:
            manifest = load_manifest(settings.course.manifest(job.assignment))
            return SubmissionResult.failed(student_id=job.student_id, assignment=job.assignment,
                                           error="the grading process crashed on this submission",
                                           tasks=manifest.tasks)


class _NoBar:
    def update(self, n=1): pass
    def set_postfix_str(self, s): pass
    def close(self): pass


def _progress(*, total: int, enabled: bool, desc: str):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="nb", dynamic_ncols=True)
