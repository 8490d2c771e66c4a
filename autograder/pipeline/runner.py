"""The runner: grade many submissions on the local process pool or a Dask cluster, resumable, with progress.

One driver for both: ``find_jobs`` (what needs grading), ``run_jobs`` (the local pool, or ``scheduler=`` a Dask
scheduler through ``dask_runner``), ``store`` (what came back). Jobs (``job.GradeJob``) carry the assignment bundle
and the submission; they return the result record and the executed notebook and write nothing to the course.
Results are stored as they arrive (the executed notebook and `result.json` atomically, then the gradebook), so a
killed run loses at most the submissions in flight, and a re-run skips what is already graded for the same
submission file (same SHA-256) unless forced.
"""
from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace

from autograder.core.atomic import write_text_atomic
from autograder.core.manifest import load_manifest
from autograder.core.results import FAILED, GRADED, VERDICTS, SubmissionResult, load_result, save_result
from autograder.core.scores import format_points
from autograder.core.settings import GradeSettings
from autograder.pipeline.bundle import build_bundle
from autograder.pipeline.job import GradedSubmission, GradeJob, file_sha256, run_grade_job


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
    scheduler: str = ""                                      # the Dask scheduler that graded ("" = local pool)


Job = GradeJob          # the runner's job (older name)


def run_job(job: GradeJob, settings: GradeSettings) -> SubmissionResult:
    """Pool entry point returning only the result record (the executed notebook is dropped)."""
    return run_grade_job(job, settings).result


def find_jobs(*, settings: GradeSettings, assignment: str, student_ids=None, force=False):
    """(jobs to run, student ids skipped because already graded for the same file)."""
    course = settings.course
    manifest = load_manifest(course.manifest(assignment))
    bundle = None
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
        bundle = bundle or build_bundle(course, assignment, manifest)     # once per batch, only when needed
        jobs.append(GradeJob(student_id=sid, assignment=assignment, notebook=nb, bundle=bundle))
    return jobs, skipped


def store(settings: GradeSettings, result: SubmissionResult, notebook: str | None = None) -> bool:
    """Persist one result: the executed notebook and result.json (the source of truth), then the gradebook.

    A FAILED result (the grader's fault) never replaces an earlier verdict; returns whether it was stored."""
    from autograder.pipeline.gradebook import record_result
    course = settings.course
    path = course.result_file(result.student_id, result.assignment)
    if result.status == FAILED:
        old = load_result(path)
        if old is not None and old.status in VERDICTS:
            return False
    if notebook is not None and settings.save_notebook:
        name = load_manifest(course.manifest(result.assignment)).notebook
        write_text_atomic(course.autograded(result.student_id, result.assignment) / name, notebook)
    save_result(path, result)
    record_result(course=course, result=result)
    return True


def _warn_console(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def grade_assignment(*, settings: GradeSettings, assignment: str, student_ids=None, workers: int = 1,
                     force: bool = False, progress: bool = True, scheduler=None,
                     warn: Callable[[str], None] = _warn_console) -> GradeSummary:
    """Grade every collected submission of `assignment`; returns what was graded and skipped.

    ``scheduler`` (a Dask scheduler address, or a ``distributed.Client``) grades on that cluster instead of the
    local pool of ``workers`` processes; the same jobs, results and storage either way. The sandbox is resolved
    once, before any job: mode "require" without a usable bubblewrap raises ``SandboxError`` (nothing is graded);
    grading without one is said once through ``warn`` (the console). On a cluster each worker runs its own
    kernels: the sandbox check here is the driver's; a worker without bubblewrap grades with resource limits only
    (the result's ``sandbox`` says so)."""
    from autograder.engine.sandbox import plan_sandbox, unsandboxed_warning
    start = time.perf_counter()
    jobs, skipped = find_jobs(settings=settings, assignment=assignment, student_ids=student_ids, force=force)
    summary = GradeSummary(assignment=assignment, skipped=skipped)
    client = None
    try:
        if jobs:
            plan = plan_sandbox(sandbox=settings.sandbox)
            summary.sandbox = plan.mode
            summary.sandbox_warning = unsandboxed_warning(plan, requested=settings.sandbox)
            if summary.sandbox_warning:
                warn(summary.sandbox_warning)
            if scheduler:
                from autograder.pipeline import dask_runner
                client = scheduler if not isinstance(scheduler, str) else dask_runner.connect(scheduler)
                summary.scheduler = client.scheduler.address
                jobs = _plan_gpu(jobs, gpu_workers=bool(dask_runner.workers_with(client, "GPU")), warn=warn)
        run_jobs(jobs, settings=settings, fn=run_grade_job, workers=workers, progress=progress,
                 desc=f"grading {assignment}", scheduler=client, warn=warn,
                 on_result=lambda result, bar: _finish(settings, summary, result, bar))
    finally:
        if client is not None and client is not scheduler:
            client.close(timeout=5)
    summary.seconds = time.perf_counter() - start
    return summary


def _plan_gpu(jobs, *, gpu_workers: bool, warn) -> list:
    """On a cluster: jobs whose assignment has GPU-marked tests ask for a GPU (and run the GPU variants) when a
    worker offers one; without any, they run their CPU twins anywhere (said once)."""
    gpu_jobs = [j for j in jobs if j.bundle is not None and j.bundle.gpu]
    if gpu_jobs and not gpu_workers:
        warn(f"note: {len(gpu_jobs)} job(s) have GPU-marked tests but no Dask worker offers a GPU resource "
             "(`dask worker ... --resources GPU=1`): they run their CPU variants")
    return [replace(j, gpu=bool(gpu_workers and j.bundle is not None and j.bundle.gpu)) for j in jobs]


def run_jobs(jobs, *, settings, fn, on_result, workers: int = 1, progress: bool = True, desc: str = "grading",
             scheduler=None, warn: Callable[[str], None] = _warn_console, failed=None) -> None:
    """Run ``fn(job, settings)`` for every job, one at a time, on a process pool, or on a Dask cluster, with a
    progress bar.

    ``fn`` must be a top-level (picklable) function that always returns a result; ``on_result(result, bar)`` runs in
    this process as each result arrives (it stores it and updates the bar). A crashed worker process costs only the
    job it was running (see ``_run_pool``). ``scheduler`` (a Dask scheduler address or ``distributed.Client``) runs
    the jobs there instead (``dask_runner.run_on_dask``; ``job.resources`` become task resources, a job that never
    finishes becomes ``failed(job, settings, error)``, by default a FAILED SubmissionResult). Other drivers (the
    nbgrader drop-in) run their own jobs through this."""
    bar = _progress(total=len(jobs), enabled=progress, desc=desc)
    try:
        if scheduler and jobs:
            from autograder.pipeline import dask_runner
            dask_runner.run_on_dask(jobs, settings=settings, fn=fn, on_result=on_result, scheduler=scheduler, bar=bar,
                                    warn=warn, **({"failed": failed} if failed is not None else {}))
        elif workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                on_result(fn(job, settings), bar)
        else:
            _run_pool(settings, jobs, workers, bar, fn=fn, on_result=on_result, failed=failed)
    finally:
        bar.close()


def _finish(settings, summary, result, bar):
    notebook = None
    if isinstance(result, GradedSubmission):
        result, notebook = result.result, result.notebook
    kept = store(settings, result, notebook)
    summary.graded.append(result)
    if result.status != GRADED:
        summary.errors.append(result.student_id)
    if not kept:
        summary.kept_previous.append(result.student_id)
    bar.set_postfix_str(f"{result.student_id}: {format_points(result.score, result.max_score)}")
    bar.update(1)


def _run_pool(settings, jobs, workers, bar, *, fn, on_result, failed=None):
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
                    on_result(_run_isolated(job, settings, ctx, fn, failed), bar)
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


def _run_isolated(job, settings, ctx, fn, failed=None):
    """Run one job alone; if its process dies, ``failed(job, settings, error)`` (default: a FAILED record)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        try:
            return pool.submit(fn, job, settings).result()
        except BrokenProcessPool:
            from autograder.pipeline.dask_runner import failed_result
            return (failed or failed_result)(job, settings, "the grading process crashed on this submission")


class _NoBar:
    def update(self, n=1): pass
    def set_postfix_str(self, s): pass
    def close(self): pass


def _progress(*, total: int, enabled: bool, desc: str):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="nb", dynamic_ncols=True)
