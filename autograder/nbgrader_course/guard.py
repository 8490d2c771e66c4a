"""The grader's steps around each cell of an nbgrader notebook, so a grade cell's outputs say what happened.

nbgrader scores a code grade cell from its outputs (``utils.determine_grade``): an error or stderr output is 0, an
``execute_result`` that is a number is partial credit, anything else full credit. Student code runs in the same
kernel and can change those outputs. The grader therefore:

* before student code, takes a snapshot of IPython's reporting machinery in the kernel (``kernelside/guard.py``),
  and before each grade cell puts back what was changed (``showtraceback``, input/AST transformers, hooks,
  builtins), naming it in the feedback;
* reads the execute reply, not only the outputs: a cell whose reply is an error gets an error output when it
  has none (nbgrader's ``Execute.on_cell_executed`` does the same), and for a grade cell it comes first, so a
  forged ``execute_result`` cannot outrank it; an ``execute_result`` on a grade cell whose last statement is no
  expression cannot be the cell's own value and is dropped;
* after each grade cell runs a canary: the same cell with a failing line (``assert False, nonce`` or another
  of ``CANARY_LINES``) put in front. The kernel must report that failure (reply and error output, with the
  nonce). If it does not, the kernel's error reporting is compromised in a way the guard could not undo and
  the grade cell scores 0, with an ``AutograderIntegrityError`` output that says why (the same goes when the
  guard itself cannot run).

A kernel that stops or a cell that times out gets an error output too (nbgrader fails the whole submission when a
kernel dies; here only the cells it costs).
"""
from __future__ import annotations

import ast
import json
import secrets
from pathlib import Path

import nbformat

from autograder.engine.kernel import RunResult, SandboxedKernel

GUARD_SOURCE = (Path(__file__).parent / "kernelside" / "guard.py").read_text(encoding="utf-8")
MODULE = "_autograder_nbgrader_guard"
STEP_TIMEOUT = 10.0
INTEGRITY_ENAME = "AutograderIntegrityError"
# the canary's failing first line, one drawn each time (each raises AssertionError with the nonce in its message)
CANARY_LINES = ("raise AssertionError({nonce!r})", "assert False, {nonce!r}", "assert {nonce!r} == '', {nonce!r}",
                "assert not {nonce!r}, {nonce!r}")
# what nbgrader autograde sets for the kernel (notebooks test it to skip slow cells while grading)
KERNEL_ENVIRON = {"NBGRADER_EXECUTION": "autograde"}


def is_code_grade_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def guard_code(nonce: str, *, first: bool) -> str:
    """One expression: (re)builds the guard module from its source when needed, then calls ``main``."""
    build = f"exec(compile({GUARD_SOURCE!r}, '<autograder-guard>', 'exec'), m.__dict__)"
    module = f"__import__('sys').modules.setdefault({MODULE!r}, __import__('types').ModuleType({MODULE!r}))"
    return f"(lambda m: ({build} if {first!r} or not hasattr(m, 'main') else None, m.main({nonce!r}, {first!r}, {KERNEL_ENVIRON!r})))({module})"


def error_output(ename: str, evalue: str, traceback: list[str] | None = None):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=traceback if traceback else [f"{ename}: {evalue}"])


class GradeCellGuard:
    """``before``/``after`` hooks for ``execute_notebook``; ``notes`` collects (cell index, text) for feedback."""

    def __init__(self, kernel: SandboxedKernel):
        self.kernel = kernel
        self.notes: list[tuple[int, str]] = []
        self.untrusted: dict[int, str] = {}
        self._kc = None

    # -- hooks ----------------------------------------------------------------------------------------------
    def before(self, index: int, cell) -> None:
        if self.kernel.kc is not self._kc:          # a fresh kernel: the snapshot goes before any student code
            self._kc = self.kernel.kc
            if self._call_guard(first=True) is None:
                self._distrust(index, "the grader could not take its record of the kernel")
        if not is_code_grade_cell(cell):
            return
        changed = self._call_guard(first=False)
        if changed is None:
            self._distrust(index, "the grader could not check the kernel before this grade cell (the notebook "
                                  "changed Python's import or exec)")
        elif changed:
            self.notes.append((index, "before this grade cell the grader undid changes the notebook made to "
                                      f"how results are reported: {', '.join(sorted(set(changed)))}"))

    def after(self, index: int, cell, res: RunResult) -> None:
        reply = res.reply or {}
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if reply.get("status") == "error" and not any(o.get("ename") == reply.get("ename") for o in errors):
            out = error_output(str(reply.get("ename", "Error")), str(reply.get("evalue", "")),
                               list(reply.get("traceback") or []) or
                               ["ERROR: An error occurred while showtraceback was disabled"])
            self._add_error(cell, out)
            if is_code_grade_cell(cell):
                self.notes.append((index, "this grade cell failed but showed no traceback (the notebook hides "
                                          "errors); it was scored from the kernel's reply"))
        elif not errors and (res.timed_out or res.died or res.killed):
            what = "did not finish in time" if res.timed_out else "stopped the kernel"
            self._add_error(cell, error_output("CellTimeoutError" if res.timed_out else "DeadKernelError",
                                               f"the cell {what}"))
        if not is_code_grade_cell(cell):
            return
        if reply.get("status") == "error":       # its errors first: no execute_result may outrank them
            cell.outputs = ([o for o in cell.outputs if o.get("output_type") == "error"] +
                            [o for o in cell.outputs if o.get("output_type") != "error"])
        self._check_result(index, cell)
        if self.kernel.is_alive() and index not in self.untrusted:
            self._canary(index, cell, reply)
        if index in self.untrusted:
            cell.outputs.insert(0, error_output(INTEGRITY_ENAME, self.untrusted[index]))

    # -- steps ----------------------------------------------------------------------------------------------
    def _add_error(self, cell, out) -> None:
        if is_code_grade_cell(cell):
            cell.outputs.insert(0, out)            # before any execute_result, so determine_grade sees it
        else:
            cell.outputs.append(out)

    def _distrust(self, index: int, why: str) -> None:
        text = f"this grade cell scores 0: {why}, so its result cannot be trusted"
        if index not in self.untrusted:
            self.untrusted[index] = text
            self.notes.append((index, text))

    def _call_guard(self, *, first: bool) -> list[str] | None:
        nonce = "agguard-" + secrets.token_hex(8) + ":"
        seen: list[str] = []

        def sink(msg):
            if msg["header"]["msg_type"] == "stream":
                seen.append(str(msg["content"].get("text", "")))
        res = self.kernel.run(guard_code(nonce, first=first), timeout=STEP_TIMEOUT, on_output=sink, silent=True)
        if not res.ok:
            return None
        for line in "".join(seen).splitlines():
            if line.startswith(nonce):
                try:
                    changed = json.loads(line[len(nonce):])
                except ValueError:
                    return None
                return [str(x) for x in changed] if isinstance(changed, list) else None
        return None

    def _check_result(self, index: int, cell) -> None:
        results = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
        if not results:
            return
        if len(results) > 1 or not _ends_with_expression(cell.source):
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
            self.notes.append((index, "a result this grade cell cannot have produced (its last line is no "
                                      "expression) was left out of its score"))

    def _canary(self, index: int, cell, reply: dict) -> None:
        nonce = secrets.token_hex(12)
        broken = str(reply.get("ename")) in ("SyntaxError", "IndentationError")
        first = secrets.choice(CANARY_LINES).format(nonce=nonce)      # not one fixed line to recognise
        code = first + "\n" + ("" if broken else cell.source)
        outputs: list[dict] = []

        def sink(msg):
            if msg["header"]["msg_type"] == "error":
                outputs.append(msg["content"])
        res = self.kernel.run(code, timeout=STEP_TIMEOUT, on_output=sink)
        got = res.reply or {}
        reported = (got.get("status") == "error" and got.get("ename") == "AssertionError"
                    and nonce in str(got.get("evalue", "")))
        shown = any(o.get("ename") == "AssertionError" and nonce in str(o.get("evalue", "")) for o in outputs)
        if not (reported and shown):
            self._distrust(index, "a failing check the grader ran right after it was not reported as failing "
                                  "(the notebook changes how errors are reported)")


def _ends_with_expression(source: str) -> bool:
    """Whether the cell's last statement is an expression (what IPython shows as its result); True when the
    source cannot be parsed here (magics the transformer does not know), so nothing is dropped by mistake."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        tree = ast.parse(TransformerManager().transform_cell(source))
    except Exception:  # noqa: BLE001 - whatever IPython accepts and we cannot parse
        return True
    return bool(tree.body) and isinstance(tree.body[-1], ast.Expr)
