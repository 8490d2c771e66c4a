"""Run a notebook's code cells in a ``SandboxedKernel``: per-cell and per-notebook timeouts, output caps.

Execution goes on after errors; every problem becomes one note ("cell 7 raised NameError: ..."), where the
cell number is its 1-based position in the notebook. The executed notebook (outputs capped) is returned for
storage. ``make_restore`` gives the proxy its "restart the kernel and re-run the same cells" callable.
"""
from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import output_from_msg

from autograder.core.manifest import Limits
from autograder.engine.kernel import SandboxedKernel

TRUNCATED_TEXT = "[output truncated by the autograder]\n"


@dataclass
class ExecutionReport:
    """The executed notebook, notes for people, and counters for the job."""

    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)
    cells_run: int = 0
    cell_errors: int = 0
    timed_out: bool = False           # the notebook as a whole ran out of time
    kernel_restarts: int = 0
    output_truncated: bool = False
    seconds: float = 0.0


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
                     skip: Callable[[dict], bool] = _never, keep_outputs: bool = True) -> ExecutionReport:
    """Run the code cells of ``nb`` (not modified) in order in ``kernel``; return the executed copy + notes."""
    t0 = time.monotonic()
    nb = copy.deepcopy(nb)
    report = ExecutionReport(notebook=nb)
    budget = [int(limits.output_kb) * 1024]
    count = 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if skip(cell) or not cell.source.strip():
            continue
        remaining = limits.notebook_timeout - (time.monotonic() - t0)
        if remaining <= 0:
            report.timed_out = True
            report.notes.append(f"the notebook did not finish within {limits.notebook_timeout:g} s; "
                                f"cells from cell {index} on were not run")
            break
        if not kernel.is_alive():
            kernel.restart()
            report.kernel_restarts += 1
        timeout = min(limits.cell_timeout, remaining)
        sink = _OutputSink(cell, budget)
        res = kernel.run(cell.source, timeout=timeout, on_output=sink if keep_outputs else None,
                         output_cap=limits.output_kb * 1024)
        count += 1
        cell.execution_count = count
        report.cells_run += 1
        if res.dropped_large:
            budget[0] = 0
        if sink.truncated or res.dropped_large:
            if not report.output_truncated:
                report.notes.append(f"output truncated: the notebook printed more than {limits.output_kb} KB "
                                    f"(first in cell {index})")
            report.output_truncated = True
            if res.dropped_large and not sink.truncated:
                cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=TRUNCATED_TEXT))
        note = _cell_note(index, res, timeout)
        if note:
            report.notes.append(note)
            report.cell_errors += 1
    report.seconds = time.monotonic() - t0
    return report


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


def make_restore(nb, kernel: SandboxedKernel, limits: Limits, *,
                 skip: Callable[[dict], bool] = _never) -> Callable[[], ExecutionReport]:
    """A callable that restarts ``kernel`` and re-runs the same cells (outputs discarded); returns the report."""
    def restore() -> ExecutionReport:
        kernel.restart()
        return execute_notebook(nb, kernel, limits, skip=skip, keep_outputs=False)
    return restore
