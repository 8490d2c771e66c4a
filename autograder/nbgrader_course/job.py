"""One nbgrader submission in a worker process: each notebook in its own fresh sandboxed kernel (as nbgrader
starts one per notebook), every cell run with the grade-cell guard around it. Returns plain data; it never
raises (the pool's ``run_jobs`` contract) and never touches the gradebook.
"""
from __future__ import annotations

import functools
import re
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.core.errors import SandboxError
from autograder.nbgrader_course.prepare import NbgraderJob, NbgraderSettings, NbgraderTask, place_files, prepare_job

GRADED, ERROR, FAILED = "graded", "error", "failed"     # as core/results.py: failed = our side, retried


@dataclass
class NotebookRun:
    name: str
    notebook: str                                            # the executed notebook, JSON
    notes: list[tuple[int | None, str]] = field(default_factory=list)   # (1-based cell index or None, text)
    seconds: float = 0.0


@dataclass
class SubmissionRun:
    task: NbgraderTask
    job: NbgraderJob | None = None                           # the sanitised submission (None: not prepared)
    status: str = GRADED
    error: str = ""
    notebooks: list[NotebookRun] = field(default_factory=list)
    sandbox: str = ""
    seconds: float = 0.0


@functools.lru_cache(maxsize=4)
def _course(root: str):
    from autograder.nbgrader_course.course import open_nbgrader_course
    return open_nbgrader_course(root)


def run_submission(task: NbgraderTask, settings: NbgraderSettings) -> SubmissionRun:
    """Pool entry point (picklable, top level): sanitise the submission, then run its notebooks."""
    t0 = time.perf_counter()
    run = SubmissionRun(task=task)
    try:
        run.job = job = task.shipped or prepare_job(_course(settings.root), student=task.student_id,
                                                    assignment=task.assignment, notebooks=list(task.notebooks))
        with tempfile.TemporaryDirectory(prefix="ag-nbgrader-") as tmp:
            workdir = Path(tmp) / "work"
            workdir.mkdir()
            place_files(job, workdir)
            for name, text in job.notebooks:        # nbgrader runs the notebooks beside their own files
                (workdir / f"{name}.ipynb").write_text(text, encoding="utf-8")
            for name, text in job.notebooks:
                run.notebooks.append(_run_notebook(name, text, workdir, settings, run))
    except SandboxError as e:
        run.status, run.error = FAILED, str(e)
    except Exception as e:  # noqa: BLE001 - the batch goes on; the reason is kept
        run.status = FAILED
        run.error = "internal grading error: " + traceback.format_exception_only(type(e), e)[-1].strip()
    run.seconds = time.perf_counter() - t0
    return run


def _run_notebook(name: str, text: str, workdir: Path, settings: NbgraderSettings, run: SubmissionRun):
    from autograder.engine.execute import execute_notebook
    from autograder.engine.kernel import SandboxedKernel
    from autograder.nbgrader_course.guard import GradeCellGuard, is_code_grade_cell
    t0 = time.perf_counter()
    nb = nbformat.reads(text, as_version=4)
    kernel = SandboxedKernel(workdir=workdir, limits=settings.limits, sandbox=settings.sandbox,
                             threads=settings.threads)
    kernel.start()
    run.sandbox = kernel.plan.mode
    try:
        guard = GradeCellGuard(kernel)
        report = execute_notebook(nb, kernel, settings.limits, before_cell=guard.before, after_cell=guard.after,
                                  own_output_budget=is_code_grade_cell)
    finally:
        kernel.shutdown()
    # "cell N raised ..." is in the executed notebook already (the traceback nbgrader's feedback shows)
    notes = [(_cell_of(note), note) for note in report.notes if not re.match(r"cell \d+ raised ", note)]
    notes += [(index, f"cell {index}: {text}") for index, text in guard.notes]
    notes += sandbox_notes(report.notebook) if run.sandbox == "bwrap" else []
    return NotebookRun(name=name, notebook=nbformat.writes(report.notebook), notes=notes,
                       seconds=time.perf_counter() - t0)


def _cell_of(note: str) -> int | None:
    m = re.match(r"cell (\d+)", note)
    return int(m.group(1)) if m else None


_FILE_ERRORS = ("FileNotFoundError", "PermissionError", "IsADirectoryError", "NotADirectoryError", "OSError")
_NET_ERRORS = ("gaierror", "ConnectionError", "ConnectionRefusedError", "URLError", "ConnectError",
               "NewConnectionError", "MaxRetryError")


def sandbox_notes(nb) -> list[tuple[int, str]]:
    """Cells whose error is what the sandbox does on purpose: files outside the working folder, the network."""
    notes = []
    for index, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") != "error":
                continue
            ename, evalue = str(out.get("ename", "")), str(out.get("evalue", ""))
            if ename in _NET_ERRORS or "Network is unreachable" in evalue or "Name or service" in evalue:
                notes.append((index, f"cell {index}: {ename}: the grader's sandbox has no network (nbgrader "
                                     "would have let the code reach it)"))
                break
            if ename in _FILE_ERRORS and re.search(r"'(\.\./|/(?!home/student|tmp))", evalue):
                notes.append((index, f"cell {index}: {ename}: {evalue[:160]}: only the assignment's own files "
                                     "are visible in the grader's sandbox (nbgrader runs student code with the "
                                     "grader's rights and would have let it read the course's files)"))
                break
    return notes
