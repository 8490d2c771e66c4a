"""execute_notebook: errors become notes, timeouts, output caps and floods, restore."""
import os
import resource
import time
from pathlib import Path

import nbformat
import pytest

from autograder.core.manifest import Limits
from autograder.engine.execute import TRUNCATED_TEXT, execute_notebook, make_restore
from autograder.engine.kernel import SandboxedKernel, count_processes

pytestmark = pytest.mark.slow


def _nb(*sources, markdown_first=True):
    cells = [nbformat.v4.new_markdown_cell("# title")] if markdown_first else []
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    with SandboxedKernel(tmp_path_factory.mktemp("work"), Limits(), sandbox="none") as k:
        yield k


def test_runs_in_order_and_continues_after_errors(kernel):
    limits = Limits(cell_timeout=10)
    nb = _nb("x = 1\nprint('hi')", "undefined_name", "x += 1\nx", "# grade cell", "")
    report = execute_notebook(nb, kernel, limits, skip=lambda cell: cell.source.startswith("# grade"))
    assert report.notes == ["cell 3 raised NameError: name 'undefined_name' is not defined"]
    cells = report.notebook.cells
    assert cells[1].outputs[0]["text"] == "hi\n"
    assert cells[3].outputs[0]["data"]["text/plain"] == "2"
    assert cells[4].execution_count is None and report.cells_run == 3
    assert nb.cells[1].get("outputs") == []          # the input notebook is not modified


def test_cell_timeout_interrupts_and_execution_goes_on(kernel):
    limits = Limits(cell_timeout=1)
    report = execute_notebook(_nb("import time\ntime.sleep(30)", "print('next')"), kernel, limits)
    assert report.notes == ["cell 2 did not finish within 1 s; it was interrupted; it is left out whenever the "
                            "kernel restarts"]
    assert report.notebook.cells[2].outputs[0]["text"] == "next\n"


def test_notebook_timeout_stops_remaining_cells(kernel):
    limits = Limits(cell_timeout=5, notebook_timeout=1)
    report = execute_notebook(_nb("import time\ntime.sleep(1.2)", "print('never')"), kernel, limits)
    assert report.timed_out and "cells from cell 3 on were not run" in report.notes[-1]


def test_large_output_is_truncated_with_a_note_and_grader_memory_is_fine(tmp_path):
    limits = Limits(output_kb=64)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with SandboxedKernel(tmp_path, limits, sandbox="none") as kernel:
        report = execute_notebook(_nb("print('x' * 10**8)", "for i in range(200):\n    print('y' * 1000)",
                                      "print('small')"), kernel, limits)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 150 * 1024
    assert report.output_truncated and any("output truncated" in n for n in report.notes)
    assert report.notebook.cells[1].outputs[-1]["text"].endswith(TRUNCATED_TEXT)
    assert len(nbformat.writes(report.notebook)) < 80 * 1024
    assert report.kernel_restarts == 0
    assert all("small" not in str(o) for o in report.notebook.cells[3].outputs)   # past the cap: dropped


def test_endless_flood_is_capped_in_the_kernel_and_later_cells_run(tmp_path):
    limits = Limits(output_kb=16, cell_timeout=5)
    with SandboxedKernel(tmp_path, limits, sandbox="none") as k:
        report = execute_notebook(_nb("while True:\n    print('z' * 10000)", "open('after.txt', 'w').write('ok')"),
                                  k, limits)
    assert report.notes[-1] == "cell 2 did not finish within 5 s; it was interrupted; it is left out whenever the " \
                               "kernel restarts"
    assert report.output_truncated and len(nbformat.writes(report.notebook)) < 40 * 1024
    assert (tmp_path / "after.txt").read_text() == "ok"


def test_flood_past_an_undone_kernel_cap_is_stopped_and_the_grader_stays_small(tmp_path):
    """The grader-side kill is the backstop when a student restores the raw stream write.

    Which limit stops the cell depends on scheduling: the grader kills the kernel once the flood it reads passes
    FLOOD_FACTOR x the cap, but on a loaded machine the kernel's own output thread may be starved and the cell
    timeout (an interrupt) comes first. Either way the cell ends, the grader keeps only the capped output and
    the next cell runs.
    """
    limits = Limits(output_kb=16, cell_timeout=20)
    undo = "import sys\nw = type(sys.stdout).write\nwhile True:\n    w(sys.stdout, 'z' * 10000)"
    with SandboxedKernel(tmp_path, limits, sandbox="none") as k:
        report = execute_notebook(_nb(undo, "open('after.txt', 'w').write('ok')"), k, limits)
    note = report.notes[-1]
    if "printed far more output than allowed" in note or "kernel was stopped" in note:
        assert report.kernel_restarts == 1
    else:
        assert note.startswith("cell 2 did not finish within 20 s; it was interrupted")
        assert report.kernel_restarts == 0
    assert report.output_truncated and len(nbformat.writes(report.notebook)) < 40 * 1024
    assert (tmp_path / "after.txt").read_text() == "ok"


def test_make_restore_restarts_and_reruns_the_cells(kernel):
    limits = Limits()
    nb = _nb("state = 41")
    execute_notebook(nb, kernel, limits)
    kernel.run("state = 0", timeout=5)
    restore = make_restore(nb, kernel, limits)
    assert restore().notes == []
    out = []
    kernel.run("print(state + 1)", timeout=5, on_output=out.append)
    assert out[0]["content"]["text"] == "42\n"


def test_kernel_side_output_cap_keeps_an_unread_flood_out_of_kernel_memory(tmp_path):
    """Writes past twice the flood limit are discarded inside the kernel itself."""
    limits = Limits(output_kb=1, cell_timeout=60)
    with SandboxedKernel(tmp_path, limits, sandbox="none") as k:
        res = k.run("import sys\nfor i in range(100000):\n    sys.stdout.write('q' * 100)\n"
                    "open('done.txt', 'w').write(str(i))", timeout=60, output_cap=10**9)
    assert (tmp_path / "done.txt").read_text() == "99999"       # the loop ran to the end, not killed
    assert res.output_bytes < 2 * 20 * 1024 + 4096               # 10 MB written, ~40 KB let through


def test_exit_in_a_cell_does_not_end_the_kernel(kernel):
    report = execute_notebook(_nb("exit()", "quit()", "x_after_exit = 7\nprint(x_after_exit)"), kernel, Limits())
    assert report.notes == [] and report.kernel_restarts == 0
    assert report.notebook.cells[3].outputs[-1]["text"] == "7\n"
    assert "exit()/quit() ignored" in str(report.notebook.cells[1].outputs)


@pytest.mark.parametrize("tamper", [
    "import json\njson.dumps = lambda *a, **k: '{}'",
    "get_ipython().kernel.session.pack = lambda obj: b'[1, 2]'",
])
def test_a_cell_that_breaks_the_kernels_messaging_stops_that_kernel_not_the_grader(tmp_path, tamper):
    limits = Limits(cell_timeout=20)
    with SandboxedKernel(tmp_path, limits, sandbox="none") as k:
        report = execute_notebook(_nb(tamper + "\nprint('tampered')", "open('after.txt', 'w').write('ok')"),
                                  k, limits)
    assert report.notes == ["cell 2 broke the kernel's messaging (for example by patching json or IPython); "
                            "the kernel was stopped; your notebook was run again without this cell, and it is "
                            "left out whenever the kernel restarts"]
    assert report.kernel_restarts == 1
    assert (tmp_path / "after.txt").read_text() == "ok"


@pytest.mark.skipif(os.geteuid() != 0, reason="as a normal user RLIMIT_NPROC stops the forks before the watchdog")
@pytest.mark.parametrize("sandbox", ["none", "auto"])
def test_a_fork_bomb_is_stopped_by_the_process_watchdog(tmp_path, sandbox):
    """Bounded here (300 sleeping children, in a background thread after the cell returned) so that a
    failing watchdog cannot hurt the test machine; the limit is 64."""
    limits = Limits(max_processes=64, cell_timeout=30)
    bomb = ("import os, threading, time\n"
            "def _spawn():\n"
            "    for _ in range(300):\n"
            "        if os.fork() == 0:\n"
            "            time.sleep(60)\n"
            "            os._exit(0)\n"
            "        time.sleep(0.005)\n"
            "threading.Thread(target=_spawn, daemon=True).start()")
    with SandboxedKernel(tmp_path, limits, sandbox=sandbox) as k:
        first = str(k._runtime)                      # in every fork's command line (-f .../kernel.json)
        report = execute_notebook(_nb(bomb, "import time\ntime.sleep(8)", "print('after')"), k, limits)
        assert k._watchdog.fired is False            # the restarted kernel has a fresh watchdog
        assert count_processes(k._watchdog.pid, limit=1000) < 5
    assert report.notes == ["cell 3 started too many processes (a fork bomb?); the kernel was stopped; it is "
                            "left out whenever the kernel restarts"]
    assert report.kernel_restarts == 1 and report.notebook.cells[3].outputs[0]["text"] == "after\n"
    time.sleep(0.5)
    survivors = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and first in (entry / "cmdline").read_bytes().decode(errors="replace"):
                survivors.append(entry.name)
        except OSError:
            pass
    assert survivors == []                            # none of the forks outlived the kernel
