"""The grade-cell guard in a real kernel: tampering that fools nbgrader's reading of the outputs scores 0 here,
with the reason in the notebook; legitimate grade cells are untouched."""
import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.core.manifest import Limits
from autograder.engine.execute import execute_notebook
from autograder.engine.kernel import SandboxedKernel
from autograder.nbgrader_course.guard import (
    CANARY_LINES,
    INTEGRITY_ENAME,
    GradeCellGuard,
    _ends_with_expression,
    guard_code,
)

pytestmark = pytest.mark.slow


def _nb(student_source: str, grade_source: str, points: float = 2):
    solution = nbformat.v4.new_code_cell(student_source)
    solution.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "f", "locked": False,
                                     "schema_version": 3}
    grade = nbformat.v4.new_code_cell(grade_source)
    grade.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "test_f", "locked": True,
                                  "points": points, "schema_version": 3}
    return nbformat.v4.new_notebook(cells=[solution, grade])


def _run(tmp_path, nb, *, guarded=True):
    tmp_path.mkdir(parents=True, exist_ok=True)
    with SandboxedKernel(tmp_path, Limits(cell_timeout=10), sandbox="auto") as kernel:
        guard = GradeCellGuard(kernel)
        hooks = {"before_cell": guard.before, "after_cell": guard.after} if guarded else {}
        report = execute_notebook(nb, kernel, Limits(cell_timeout=10), **hooks)
    cell = report.notebook.cells[1]
    return determine_grade(cell)[0], cell, guard.notes


FORGE_BEFORE = """
def f():
    return 1
_ip = get_ipython()
def _forge(info):   # a full-marks "result" published before the grade cell runs, then its error
    k = _ip.kernel
    k.session.send(k.iopub_socket, "execute_result", {"data": {"text/plain": "2"}, "metadata": {},
                   "execution_count": 1}, parent=k.get_parent(), ident=k._topic("execute_result"))
_ip.events.register("pre_run_cell", _forge)
"""

SWALLOW = """
def f():
    return 1
_k = get_ipython().kernel
_orig = _k.do_execute
def _quiet(code, *args, **kwargs):   # every later cell inside try/except, below IPython
    body = "".join("    " + line + "\\n" for line in code.splitlines()) or "    pass\\n"
    return _orig("try:\\n" + body + "except BaseException:\\n    pass\\n", *args, **kwargs)
_k.do_execute = _quiet
"""


def test_a_result_forged_before_a_failing_grade_cell_does_not_score(tmp_path):
    nb = _nb(FORGE_BEFORE, "assert f() == 2")
    assert _run(tmp_path / "plain", nb, guarded=False)[0] == 2         # nbgrader's reading: fooled
    score, cell, notes = _run(tmp_path / "guarded", nb)
    assert score == 0 and cell.outputs[0]["output_type"] == "error"
    assert any("cannot have produced" in text for _, text in notes)


def test_errors_swallowed_below_ipython_are_caught_by_the_canary(tmp_path):
    nb = _nb(SWALLOW, "assert f() == 2")
    assert _run(tmp_path / "plain", nb, guarded=False)[0] == 2         # nbgrader's reading: fooled
    score, cell, notes = _run(tmp_path / "guarded", nb)
    assert score == 0 and cell.outputs[0]["ename"] == INTEGRITY_ENAME
    assert "not reported as failing" in cell.outputs[0]["evalue"]


def test_patched_builtins_are_put_back_and_named(tmp_path):
    nb = _nb("import builtins\nbuiltins.all = lambda *a: True\ndef f():\n    return [False]", "assert all(f())")
    score, _, notes = _run(tmp_path, nb)
    assert score == 0 and any("the builtin all" in text for _, text in notes)


def test_honest_cells_keep_their_score_partial_credit_and_the_nbgrader_environment(tmp_path):
    nb = _nb("import os\ndef f():\n    return os.environ.get('NBGRADER_EXECUTION')",
             "assert f() == 'autograde'\n1.5")
    score, cell, notes = _run(tmp_path, nb)
    assert score == 1.5 and notes == [] and [o["output_type"] for o in cell.outputs] == ["execute_result"]


def test_guard_code_is_one_expression_and_last_expression_rule():
    compile(guard_code("n:", first=True), "<guard>", "eval")
    assert _ends_with_expression("x = 1\nx") and not _ends_with_expression("assert True")
    assert _ends_with_expression("%time 1") and _ends_with_expression("def broken(:")   # unparseable: keep


@pytest.mark.parametrize("line", CANARY_LINES)
def test_every_canary_line_fails_with_the_nonce(line):
    with pytest.raises(AssertionError, match="^0123abcd$"):
        exec(line.format(nonce="0123abcd") + "\nx = 1", {})
