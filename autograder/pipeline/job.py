"""One grading job: (assignment bundle, submission, settings) -> result record + executed notebook.

`grade_notebook` is a plain function with plain arguments so that any runner (the local pool, a Dask worker, a
GPU runner) calls it unchanged; it reads the assignment through a `CourseDirectory` (the course itself, or a
bundle materialised on a worker) and writes nothing to the course: the driver stores what it returns
(`runner.store`). `run_grade_job(GradeJob, settings)` is the entry point of both pools. It never raises for a bad
submission: whatever happens is in the result.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field, fields
from pathlib import Path

import nbformat

from autograder.core.atomic import write_text_atomic
from autograder.core.errors import AutograderError, NotebookInvalid
from autograder.core.manifest import Manifest, load_manifest
from autograder.core.results import REJECTED, SubmissionResult, TaskResult
from autograder.core.settings import GradeSettings
from autograder.engine.session import student_session
from autograder.pipeline.bundle import AssignmentBundle
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


@dataclass
class GradedSubmission:
    """What a job returns: our result record and the executed notebook (nbformat JSON text, None when the
    submission never ran). Built in the grader's process from decoded data only, so it may cross to the driver."""
    result: SubmissionResult
    notebook: str | None = None


def grade_submission(*, assignment: str, notebook_path: Path | str, settings: GradeSettings,
                     student_id: str) -> SubmissionResult:
    """Grade one submission in its own sandboxed kernel; never raises for the submission's faults.

    Writes the executed notebook to autograded/ when ``settings.save_notebook`` (runners store it themselves)."""
    graded = grade_notebook(assignment=assignment, notebook_path=notebook_path, settings=settings,
                            student_id=student_id)
    if settings.save_notebook and graded.notebook is not None:
        manifest = load_manifest(settings.course.manifest(assignment))
        write_text_atomic(settings.course.autograded(student_id, assignment) / manifest.notebook, graded.notebook)
    return graded.result


def grade_notebook(*, assignment: str, notebook_path: Path | str, settings: GradeSettings,
                   student_id: str) -> GradedSubmission:
    """Grade one submission; the result and the executed notebook, nothing written to the course."""
    result, notebook = _grade(assignment=assignment, notebook_path=notebook_path, settings=settings,
                              student_id=student_id)
    return GradedSubmission(result=result, notebook=notebook)


def _grade(*, assignment: str, notebook_path: Path | str, settings: GradeSettings,
           student_id: str) -> tuple[SubmissionResult, str | None]:
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
                                       status=REJECTED), None
    release_nb = course.release(assignment) / manifest.notebook
    if not release_nb.is_file():
        return SubmissionResult.failed(**base, error=f"{assignment} has not been released in this course "
                                       f"(no {release_nb}); run `autograder release {assignment}` first",
                                       tasks=manifest.tasks, submission_sha256=sha), None
    try:
        nb, notes = sanitize_submission(path=notebook_path, release_notebook=release_nb, max_mb=limits.notebook_mb)
    except NotebookInvalid as e:
        return SubmissionResult.failed(**base, error=str(e), tasks=manifest.tasks, submission_sha256=sha,
                                       status=REJECTED), None

    workdir = prepare_workdir(manifest, course.source(assignment))
    sandbox_mode, executed = "", None
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
            executed = nbformat.writes(session.execution.notebook)
        if plugin.errors:
            # our side (a broken test file), not the student's: fail loudly but keep the batch going
            return SubmissionResult.failed(**base, error="grader configuration: " + "; ".join(plugin.errors),
                                           tasks=manifest.tasks, submission_sha256=sha, notes=notes), executed
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
                                timings={k: round(v, 3) for k, v in timings.items()}), executed
    except AutograderError as e:
        return SubmissionResult.failed(**base, error=str(e), tasks=manifest.tasks, submission_sha256=sha,
                                       notes=notes, sandbox=sandbox_mode), executed


@dataclass(frozen=True)
class GradeJob:
    """One submission to grade. ``notebook`` is its path on the driver; when the job leaves the driver's process
    (a pool worker, a Dask worker) its bytes travel in ``content`` and the bundle carries the assignment."""
    student_id: str
    assignment: str
    notebook: Path
    bundle: AssignmentBundle | None = None      # None: read the assignment from settings.course (same machine)
    gpu: bool | None = None                     # run the GPU variants (None: settings.gpu)
    content: bytes | None = field(default=None, repr=False)

    def __getstate__(self):
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        if state["content"] is None and state["bundle"] is not None:
            state["content"] = Path(self.notebook).read_bytes()     # read when sent, not when the batch is found
        return state

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def resources(self) -> dict | None:
        """What the job asks of a Dask worker: a GPU for the GPU variants, nothing else."""
        return {"GPU": 1} if self.gpu else None

    @property
    def time_limit(self) -> float | None:
        return self.bundle.time_limit if self.bundle is not None else None


# pytest runs in-process and is not thread-safe: a worker process grades one submission at a time, whatever its
# thread count (the docs say `--nthreads 1`; the Dask driver warns otherwise)
_ONE_AT_A_TIME = threading.Lock()


def run_grade_job(job: GradeJob, settings: GradeSettings) -> GradedSubmission:
    """Entry point of every pool: a job that fails in an unexpected way still yields a (FAILED) result."""
    with _ONE_AT_A_TIME:
        tmp = None
        try:
            if job.gpu is not None:
                settings = settings.with_(gpu=job.gpu)
            if job.bundle is not None:
                settings = settings.with_(course=job.bundle.materialize())
            path = Path(job.notebook)
            if job.content is not None:
                tmp = Path(tempfile.mkdtemp(prefix="autograder-submission-"))
                path = tmp / Path(job.notebook).name
                path.write_bytes(job.content)
            return grade_notebook(assignment=job.assignment, notebook_path=path, settings=settings,
                                  student_id=job.student_id)
        except Exception as e:  # noqa: BLE001 - the batch must go on; the reason is kept in the result
            detail = traceback.format_exception_only(type(e), e)[-1].strip()
            try:
                tasks = load_manifest(settings.course.manifest(job.assignment)).tasks
            except Exception:  # noqa: BLE001 - the manifest itself may be what failed
                tasks = ()
            return GradedSubmission(SubmissionResult.failed(student_id=job.student_id, assignment=job.assignment,
                                                            error=f"internal grading error: {detail} "
                                                                  f"(on {os.uname().nodename})", tasks=tasks))
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
