"""Sandbox: bwrap isolation (hidden repo, no network, private /tmp), limits, and the fallback path."""
import tempfile
from pathlib import Path

import pytest

from autograder.core.errors import SandboxError
from autograder.core.manifest import Limits
from autograder.engine.kernel import SandboxedKernel
from autograder.engine.sandbox import FALLBACK_NOTE, bwrap_argv, bwrap_available, plan_sandbox

needs_bwrap = pytest.mark.skipif(not bwrap_available(), reason="bubblewrap is not installed or not usable here")


def test_plan_modes():
    assert plan_sandbox(sandbox="none").note == FALLBACK_NOTE
    with pytest.raises(SandboxError):
        plan_sandbox(sandbox="docker")
    auto = plan_sandbox(sandbox="auto")
    assert auto.mode == ("bwrap" if bwrap_available() else "none")


@needs_bwrap
@pytest.mark.sandbox
def test_bwrap_argv_isolates_and_binds_only_the_socket_folder_read_write(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "data.csv").write_text("1,2")
    rt = tmp_path / "rt"
    argv = bwrap_argv(workdir=tmp_path / "work", runtime_dir=rt, socket_dir=rt / "sock", command=["python"],
                      startup_file=rt / "00-start.py", disk_mb=64)
    for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                 "--new-session"):
        assert flag in argv
    rw = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert rw == [str((rt / "sock").resolve())]                       # nothing else of the grader's disk
    ro = {argv[i + 2]: argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"}
    assert "/work" not in ro
    assert ro["/home/student/data.csv"] == str((tmp_path / "work" / "data.csv").resolve())
    assert ro["/home/student/.ipython/profile_default/startup/00-start.py"] == str((rt / "00-start.py").resolve())
    tmpfs = {argv[i + 1]: argv[i - 1] if argv[i - 2] == "--size" else None for i, a in enumerate(argv)
             if a == "--tmpfs"}
    assert tmpfs == {"/tmp": str(64 * 2**20), "/home/student": str(64 * 2**20)}
    assert argv.index("--tmpfs", argv.index("/tmp") + 1) < argv.index("/home/student/data.csv")   # mounted over


PROBE = r'''
import os, socket
def attempt(f):
    try:
        f(); return "ok"
    except Exception as e:
        return type(e).__name__
print("WORK", attempt(lambda: os.listdir("/work")))
print("REF", attempt(lambda: open("/work/main/reference_solutions/w03_training.py").read()))
print("NET", attempt(lambda: socket.create_connection(("1.1.1.1", 53), timeout=2)))
print("TMP", sorted(os.listdir("/tmp")) == [] or sorted(os.listdir("/tmp")))
print("IMPORT", attempt(lambda: __import__("autograder")))
print("CWD", os.getcwd() == os.environ["HOME"], sorted(f for f in os.listdir(".") if not f.startswith(".")))
print("DATA", attempt(lambda: open("data.txt", "a").write("x")))
def fill(folder):
    try:
        for i in range(100):
            with open(f"{folder}/fill{i}", "wb") as fh:
                fh.write(b"0" * 2**20)
    except OSError as e:
        return f"{i}:{e.errno}"
    return "no limit"
print("FILLHOME", fill("."))
print("FILLTMP", fill("/tmp"))
'''


@pytest.fixture(scope="module")
def bwrap_kernel():
    if not bwrap_available():
        pytest.skip("bubblewrap is not installed or not usable here")
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "data.txt").write_text("hello")
        with SandboxedKernel(Path(d), Limits(disk_mb=32), sandbox="bwrap") as k:
            yield k


def _run_text(kernel, code):
    out = []
    res = kernel.run(code, timeout=30, on_output=out.append)
    assert res.ok, res.reply
    return "".join(m["content"].get("text", "") for m in out)


@pytest.mark.slow
@pytest.mark.sandbox
def test_inside_bwrap_repo_network_and_tmp_are_out_of_reach(bwrap_kernel):
    marker = Path(tempfile.gettempdir()) / "grader-visible-marker"
    marker.write_text("x")
    try:
        text = _run_text(bwrap_kernel, PROBE)
    finally:
        marker.unlink()
    lines = dict(line.split(" ", 1) for line in text.strip().splitlines())
    assert lines["WORK"] == "FileNotFoundError"
    assert lines["REF"] == "FileNotFoundError"
    assert lines["NET"] != "ok"
    assert "grader-visible-marker" not in lines["TMP"]
    assert lines["IMPORT"] == "ModuleNotFoundError"
    assert lines["CWD"] == "True ['data.txt']"
    assert lines["DATA"] == "OSError"                          # the assignment's files are read-only
    # writes stop at the 32 MB cap of each tmpfs (ENOSPC 28; EFBIG 27 is the per-file cap): disk untouched
    for key in ("FILLHOME", "FILLTMP"):
        count, errno = lines[key].split(":")
        assert errno in ("28", "27") and 25 <= int(count) <= 32, lines[key]


@pytest.mark.slow
@pytest.mark.sandbox
def test_bwrap_kernel_has_resource_limits_and_no_capabilities(bwrap_kernel):
    text = _run_text(bwrap_kernel, "import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0], "
                                   "resource.getrlimit(resource.RLIMIT_CORE)[0])\n"
                                   "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])")
    first, caps = text.strip().splitlines()
    assert first == f"{6144 * 2**20} 0"
    assert int(caps, 16) == 0


@pytest.mark.slow
def test_fallback_mode_applies_limits_and_uses_the_workdir(tmp_path):
    with SandboxedKernel(tmp_path, Limits(memory_mb=4096), sandbox="none") as k:
        assert k.note == FALLBACK_NOTE
        text = _run_text(k, "import os, resource\nprint(os.getcwd(), os.environ['HOME'] == os.getcwd(), "
                            "resource.getrlimit(resource.RLIMIT_AS)[0], os.environ['CUDA_VISIBLE_DEVICES'] == '')")
    assert text.split() == [str(tmp_path.resolve()), "True", str(4096 * 2**20), "True"]


@pytest.mark.slow
@pytest.mark.sandbox
@needs_bwrap
def test_a_file_written_into_the_socket_folder_stops_the_kernel_and_is_removed(tmp_path):
    """The socket folder is the one writable place on the grader's disk: anything else there is a kill."""
    import nbformat

    from autograder.engine.execute import execute_notebook
    sneak = ("import json, os, sys, time\n"
             "conn = json.load(open(sys.argv[sys.argv.index('-f') + 1]))\n"
             "folder = os.path.dirname(conn['ip'])\n"
             "open(os.path.join(folder, 'junk'), 'wb').write(b'0' * 2**20)\n"
             "time.sleep(10)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sneak),
                                         nbformat.v4.new_code_cell("print('next')")])
    limits = Limits(cell_timeout=20)
    with SandboxedKernel(tmp_path, limits, sandbox="bwrap") as k:
        report = execute_notebook(nb, k, limits)
        assert [p.name for p in k._sockets.iterdir() if not p.is_socket()] == []
    assert report.notes == ["cell 1 wrote files outside its home and /tmp; the kernel was stopped; your notebook was "
                            "run again without this cell, and it is left out whenever the kernel restarts"]
    assert report.kernel_restarts == 1 and report.notebook.cells[1].outputs[0]["text"] == "next\n"
