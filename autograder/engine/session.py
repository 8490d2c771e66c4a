"""One student's notebook, run in its own sandboxed kernel and reachable through a proxy.

Used by grading (job.py) and by the student's local check (check.py): start the kernel in a private working
folder, run the notebook's cells except grade cells, hand out a KernelProxy whose restore re-runs them, and
always shut the kernel down and remove the folder afterwards.
"""
from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.manifest import Limits
from autograder.engine.budget import Budget


def is_grade_cell(cell) -> bool:
    """Grade cells hold the in-notebook public checks; the engine never runs them in the kernel."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


@dataclass
class StudentSession:
    kernel: object
    proxy: object
    execution: object                                   # execute.ExecutionReport of the first run
    notes: list[str] = field(default_factory=list)      # for the student: the execution's (and restarts') notes
    timings: dict[str, float] = field(default_factory=dict)
    sandbox: str = ""                                   # for the staff: "bwrap" | "none"
    budget: Budget | None = None                        # the submission's time budget (``hit`` once used up)


@contextmanager
def student_session(nb, *, workdir: Path, limits: Limits, sandbox: str, gpu: bool = False, threads: int = 1):
    """Yield a StudentSession for `nb` running in `workdir` (which is removed afterwards)."""
    from autograder.engine.execute import execute_notebook, make_restore
    from autograder.engine.kernel import SandboxedKernel
    from autograder.engine.proxy import KernelProxy

    budget = Budget(limits.submission_timeout)     # every cell, test and restart below draws on it
    kernel = SandboxedKernel(workdir=workdir, limits=limits, sandbox=sandbox, gpu=gpu, threads=threads)
    try:
        t0 = time.perf_counter()
        kernel.start()
        timings = {"kernel_start": time.perf_counter() - t0}
        notes: list[str] = []   # the sandbox mode is a staff fact: StudentSession.sandbox, never a student note
        t0 = time.perf_counter()
        excluded: set[int] = set()      # cells that killed the kernel or timed out: never run again
        execution = execute_notebook(nb, kernel, limits, skip=is_grade_cell, excluded=excluded, budget=budget)
        timings["execute"] = time.perf_counter() - t0
        notes.extend(execution.notes)
        rerun = make_restore(nb, kernel, limits, skip=is_grade_cell, excluded=excluded, budget=budget)

        def restore():
            report = rerun()
            notes.extend(report.left_out.values())   # a cell that first failed on a restart
            return report
        proxy = KernelProxy(kernel, restore=restore, limits=limits, budget=budget)
        yield StudentSession(kernel=kernel, proxy=proxy, execution=execution, notes=notes, timings=timings,
                             sandbox=kernel.plan.mode, budget=budget)
    finally:
        kernel.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
