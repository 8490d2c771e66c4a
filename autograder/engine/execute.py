"""Run a notebook's code cells in a ``SandboxedKernel``: per-cell and per-notebook timeouts, output caps.

Execution goes on after errors; every problem becomes one note ("cell 7 raised NameError: ..."), where the
cell number is its 1-based position in the notebook. The executed notebook (outputs capped) is returned for
storage. ``make_restore`` gives the proxy its "restart the kernel and re-run the same cells" callable.

A cell that kills the kernel (a crash, ``os._exit``, out of memory, a flood) or runs past its timeout is left
out from then on (the shared ``excluded`` set): when it killed the kernel, the kernel is restarted at once and
the cells before it run again, then the rest; every later restart runs the notebook without it. A student's
stray cell so costs only the tasks that need what it defines.
"""
from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import output_from_msg

from autograder.core.manifest import Limits
from autograder.engine.budget import Budget
from autograder.engine.kernel import RunResult, SandboxedKernel

TRUNCATED_TEXT = "[output truncated by the autograder]\n"


@dataclass
class ExecutionReport:
    """The executed notebook, notes for people, and counters for the job."""

    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)
    cells_run: int = 0
    cell_errors: int = 0
    timed_out: bool = False           # the notebook as a whole (or the submission's budget) ran out of time
    kernel_restarts: int = 0
    output_truncated: bool = False
    seconds: float = 0.0
    left_out: dict[int, str] = field(default_factory=dict)   # cells excluded by this execution -> their note


class _OutputSink:
    """Collects one cell's outputs into nbformat outputs while the notebook stays under its byte budget."""

    def __init__(self, cell, budget: list[int]):
        self.cell = cell
        self.budget = budget              # [bytes left for the whole notebook], shared across cells
        self.truncated = False

    def __call__(self, msg: dict) -> None:
        kind = msg["header"]["msg_type"]
        if kind == "clear_output":
            self.cell.outputs = []
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        size = _output_size(msg["content"])
        if self.truncated or size > self.budget[0]:
            if not self.truncated:
                self.truncated = True
                self.budget[0] = 0        # once over the cap, later (smaller) outputs are dropped too
                self.cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=TRUNCATED_TEXT))
            return
        self.budget[0] -= size
        out = output_from_msg(msg)
        outs = self.cell.outputs
        if kind == "stream" and outs and outs[-1].get("output_type") == "stream" \
                and outs[-1].get("name") == out.get("name"):
            outs[-1]["text"] += out["text"]
        else:
            outs.append(out)


def _output_size(content: dict) -> int:
    if "text" in content:
        return len(content["text"])
    size = 0
    for v in (content.get("data") or {}).values():
        size += len(v) if isinstance(v, str) else len(str(v))
    size += sum(len(x) for x in content.get("traceback") or [] if isinstance(x, str))
    return size + 64


def _never(cell) -> bool:
    return False


def execute_notebook(nb, kernel: SandboxedKernel, limits: Limits, *,
                     skip: Callable[[dict], bool] = _never, keep_outputs: bool = True,
                     excluded: set[int] | None = None, budget: Budget | None = None,
                     before_cell: Callable[[int, dict], None] | None = None,
                     after_cell: Callable[[int, dict, RunResult], None] | None = None,
                     own_output_budget: Callable[[dict], bool] = _never) -> ExecutionReport:
    """Run the code cells of ``nb`` (not modified) in order in ``kernel``; return the executed copy + notes.

    Cells whose position is in ``excluded`` are not run; a cell that kills the kernel or times out is added to it
    (the caller keeps the set for later restarts). ``budget`` (the whole submission's) caps every cell too.

    Hooks (the caller's grader-side steps around a cell, in the same kernel): ``before_cell(index, cell)`` runs
    right before every run of a cell, re-runs after a restart included (the kernel is alive); ``after_cell(index,
    cell, result)`` after its first run, once its outputs are in ``cell.outputs`` and before the notes are made
    (it may edit the outputs). A cell for which ``own_output_budget(cell)`` is true keeps its outputs under a
    budget of its own (``output_kb``), so a flood in another cell never drops them (nbgrader's grade cells are
    scored from their outputs)."""
    t0 = time.monotonic()
    nb = copy.deepcopy(nb)
    report = ExecutionReport(notebook=nb)
    excluded = set() if excluded is None else excluded
    out_budget = [int(limits.output_kb) * 1024]
    cells = [(index, cell) for index, cell in enumerate(nb.cells, start=1) if cell.get("cell_type") == "code"]
    for _, cell in cells:
        cell.outputs = []
        cell.execution_count = None
    count, ran = 0, set()
    rerun = True
    while rerun:                  # one pass, plus one more each time a cell killed the kernel
        rerun = False
        for index, cell in cells:
            if skip(cell) or not cell.source.strip() or index in excluded:
                continue
            remaining = limits.notebook_timeout - (time.monotonic() - t0)
            if budget is not None and budget.left() <= 0:
                budget.hit = report.timed_out = True
                report.notes.append(f"your submission used up its time budget of {budget.seconds:g} s; cells "
                                    f"from cell {index} on were not run")
                break
            if remaining <= 0:
                report.timed_out = True
                report.notes.append(f"the notebook did not finish within {limits.notebook_timeout:g} s; "
                                    f"cells from cell {index} on were not run")
                break
            if not kernel.is_alive():
                kernel.restart()
                report.kernel_restarts += 1
            first = index not in ran   # a cell run again after a restart keeps its first outputs and notes
            ran.add(index)
            timeout = min(limits.cell_timeout, remaining)
            by_budget = budget is not None and budget.caps(timeout)
            if by_budget:
                timeout = budget.cap(timeout)
            own = [int(limits.output_kb) * 1024] if own_output_budget(cell) else None
            sink = _OutputSink(cell, own or out_budget) if first else None
            if before_cell is not None:
                before_cell(index, cell)
            res = kernel.run(cell.source, timeout=timeout, on_output=sink if keep_outputs else None,
                             output_cap=limits.output_kb * 1024)
            if res.timed_out and by_budget:
                budget.hit = report.timed_out = True
                report.notes.append(f"cell {index} was stopped when your submission used up its time budget of "
                                    f"{budget.seconds:g} s; later cells were not run")
                break
            stopped = res.timed_out or res.died or res.killed
            if stopped:
                excluded.add(index)
            if first:
                count += 1
                cell.execution_count = count
                if after_cell is not None:
                    after_cell(index, cell, res)
                report.cells_run += 1
                _note_truncation(report, cell, sink, res, index, limits, own or out_budget)
                note = _cell_note(index, res, timeout)
                if note:
                    if stopped:
                        note += _left_out_words(rerun=not kernel.is_alive() and not res.forked)
                        report.left_out[index] = note
                    report.notes.append(note)
                    report.cell_errors += 1
            if stopped and not kernel.is_alive():
                kernel.restart()
                report.kernel_restarts += 1
                # what the cells before it defined is gone: the fresh kernel runs them again, then the rest. Not
                # after a fork bomb: the watchdog fires in whichever cell is running, so the culprit may be an
                # earlier cell (a background thread) that running again would only repeat
                if not res.forked:
                    rerun = True
                    break
    report.seconds = time.monotonic() - t0
    return report


def _left_out_words(*, rerun: bool) -> str:
    if rerun:
        return "; your notebook was run again without this cell, and it is left out whenever the kernel restarts"
    return "; it is left out whenever the kernel restarts"


def _note_truncation(report: ExecutionReport, cell, sink, res, index: int, limits: Limits, budget: list[int]):
    if res.dropped_large:
        budget[0] = 0
    truncated = sink is not None and sink.truncated
    if truncated or res.dropped_large:
        if not report.output_truncated:
            report.notes.append(f"output truncated: the notebook printed more than {limits.output_kb} KB "
                                f"(first in cell {index})")
        report.output_truncated = True
        if res.dropped_large and not truncated:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=TRUNCATED_TEXT))


def _cell_note(index: int, res, timeout: float) -> str | None:
    if res.flooded:
        return f"cell {index} printed far more output than allowed; the kernel was stopped"
    if res.forked:
        return f"cell {index} started too many processes (a fork bomb?); the kernel was stopped"
    if res.wrote_outside:
        return f"cell {index} wrote files outside its home and /tmp; the kernel was stopped"
    if res.malformed:
        return (f"cell {index} broke the kernel's messaging (for example by patching json or IPython); "
                "the kernel was stopped")
    if res.timed_out:
        how = "the kernel was stopped" if res.killed else "it was interrupted"
        return f"cell {index} did not finish within {timeout:g} s; {how}"
    if res.died:
        return f"cell {index}: the kernel died (crash, os._exit or out of memory); it was restarted"
    reply = res.reply or {}
    if reply.get("status") == "error":
        evalue = str(reply.get("evalue", ""))
        evalue = evalue if len(evalue) <= 200 else evalue[:200] + "..."
        return f"cell {index} raised {reply.get('ename', 'Error')}: {evalue}"
    return None


def make_restore(nb, kernel: SandboxedKernel, limits: Limits, *, skip: Callable[[dict], bool] = _never,
                 excluded: set[int] | None = None, budget: Budget | None = None) -> Callable[[], ExecutionReport]:
    """A callable that restarts ``kernel`` and re-runs the same cells but the ``excluded`` ones (outputs
    discarded), within ``budget``; returns the report."""
    def restore() -> ExecutionReport:
        kernel.restart()
        return execute_notebook(nb, kernel, limits, skip=skip, keep_outputs=False, excluded=excluded,
                                budget=budget)
    return restore
