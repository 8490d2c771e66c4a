"""execute_notebook's hooks (grader steps around a cell in the same kernel) and per-cell output budgets."""
import nbformat
import pytest

from autograder.core.manifest import Limits
from autograder.engine.execute import TRUNCATED_TEXT, execute_notebook
from autograder.engine.kernel import SandboxedKernel

pytestmark = pytest.mark.slow


def _nb(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_hooks_run_around_each_cell_in_the_same_kernel_and_may_edit_outputs(tmp_path):
    calls = []
    with SandboxedKernel(tmp_path, Limits(), sandbox="none") as kernel:
        def before(index, cell):
            calls.append(("before", index))
            # a grader step in the same kernel, between the cells: it sees what the cell before defined
            res = kernel.run("assert x == 1" if index == 2 else "pass", timeout=5, silent=True)
            calls.append(("step", index, res.reply["status"]))

        def after(index, cell, res):
            calls.append(("after", index, res.reply["status"], len(cell.outputs)))
            cell.outputs.insert(0, nbformat.v4.new_output("stream", name="stdout", text="added\n"))
        report = execute_notebook(_nb("x = 1", "print(x)\n1/0"), kernel, Limits(), before_cell=before,
                                  after_cell=after)
    assert calls == [("before", 1), ("step", 1, "ok"), ("after", 1, "ok", 0),
                     ("before", 2), ("step", 2, "ok"), ("after", 2, "error", 2)]
    out = report.notebook.cells[1].outputs
    assert [o.output_type for o in out] == ["stream", "stream", "error"] and out[0].text == "added\n"
    assert report.notes == ["cell 2 raised ZeroDivisionError: division by zero"]


def test_a_cell_with_its_own_output_budget_keeps_its_outputs_after_a_flood(tmp_path):
    limits = Limits(output_kb=16)
    nb = _nb("print('x' * 40000)", "print('after the flood')", "# keep\nprint('kept')\n7")
    with SandboxedKernel(tmp_path, limits, sandbox="none") as kernel:
        report = execute_notebook(nb, kernel, limits, own_output_budget=lambda c: c.source.startswith("# keep"))
    cells = report.notebook.cells
    assert cells[1].outputs[-1]["text"] == TRUNCATED_TEXT                  # the shared budget is spent
    assert [o.get("text") or o["data"]["text/plain"] for o in cells[2].outputs] == ["kept\n", "7"]
