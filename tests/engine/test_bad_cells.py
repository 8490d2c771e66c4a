"""A cell that kills the kernel or runs past its timeout costs only what depends on it: the notebook is run
again without it at once (when it killed the kernel) and on every later restart."""
import time

import nbformat
import pytest

from autograder.core.errors import KernelDied
from autograder.core.manifest import Limits
from autograder.engine.kernel import INTERRUPT_GRACE
from autograder.engine.session import student_session

pytestmark = pytest.mark.slow

F = "def f(x):\n    return x + 1"
G = "def g(x):\n    return 2 * x"
DIE = "def die():\n    import os\n    os._exit(1)"
BAD_CELLS = {
    "os_exit": "import os\nos._exit(1)",
    "segfault": "import ctypes\nctypes.string_at(0)",
    "sigkill": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",      # what the OOM killer sends
    "stubborn_hang": "import time\nwhile True:\n    try:\n        time.sleep(10)\n    except BaseException:\n        pass",
    "hang": "import time\ntime.sleep(60)",
}
POSITIONS = {"first": [None, F, G, DIE], "middle": [F, None, G, DIE], "last": [F, G, DIE, None]}
LIMITS = Limits(cell_timeout=1, call_timeout=10, test_timeout=30, notebook_timeout=60)


def _nb(cells):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t")]
                                    + [nbformat.v4.new_code_cell(c) for c in cells])


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("kind", BAD_CELLS)
def test_a_bad_cell_costs_only_itself_now_and_on_every_restart(tmp_path, kind, position):
    cells = [BAD_CELLS[kind] if c is None else c for c in POSITIONS[position]]
    bad = cells.index(BAD_CELLS[kind]) + 2                 # 1-based, after the markdown cell
    (tmp_path / "w").mkdir()
    with student_session(_nb(cells), workdir=tmp_path / "w", limits=LIMITS, sandbox="none") as session:
        student = session.proxy
        assert student.f(1) == 2 and student.g(2) == 4     # defined before and after the bad cell
        notes = [n for n in session.notes if n.startswith(f"cell {bad}")]
        assert len(notes) == 1 and "left out whenever the kernel restarts" in notes[0], session.notes
        with pytest.raises(KernelDied):
            student.die()
        t0 = time.monotonic()
        assert student.f(1) == 2 and student.g(2) == 4     # the restart ran the notebook without the bad cell
        # a stubborn hang re-run would add its timeout, the interrupt grace and a second restart; the margin is
        # for a kernel restart on a loaded machine
        assert time.monotonic() - t0 < LIMITS.cell_timeout + INTERRUPT_GRACE + 5
        assert student.restores == 1


def test_a_cell_that_kills_the_kernel_is_noted_once_and_later_cells_keep_their_outputs(tmp_path):
    cells = ["print('one')", BAD_CELLS["os_exit"], "print('three')"]
    (tmp_path / "w").mkdir()
    with student_session(_nb(cells), workdir=tmp_path / "w", limits=LIMITS, sandbox="none") as session:
        report = session.execution
        assert report.notes == ["cell 3: the kernel died (crash, os._exit or out of memory); it was restarted; "
                                "your notebook was run again without this cell, and it is left out whenever the "
                                "kernel restarts"]
        texts = [c.outputs[0]["text"] if c.get("outputs") else "" for c in report.notebook.cells[1:]]
        assert texts == ["one\n", "", "three\n"] and report.cells_run == 3
