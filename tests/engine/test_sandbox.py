"""Sandbox: bwrap isolation (hidden repo, no network, private /tmp), limits, and the fallback path."""
import tempfile
from pathlib import Path

import pytest

from autograder.errors import SandboxError
from autograder.kernel import SandboxedKernel
from autograder.manifest import Limits
from autograder.sandbox import FALLBACK_NOTE, bwrap_argv, bwrap_available, plan_sandbox

needs_bwrap = pytest.mark.skipif(not bwrap_available(), reason="bubblewrap is not installed or not usable here")


def test_plan_modes():
    assert plan_sandbox(sandbox="none").note == FALLBACK_NOTE
    with pytest.raises(SandboxError):
        plan_sandbox(sandbox="docker")
    auto = plan_sandbox(sandbox="auto")
    assert auto.mode == ("bwrap" if bwrap_available() else "none")


@needs_bwrap
@pytest.mark.sandbox
def test_bwrap_argv_isolates_and_binds_only_the_workdir_read_write(tmp_path):
    argv = bwrap_argv(workdir=tmp_path, runtime_dir=tmp_path / "rt", command=["python"])
    for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                 "--new-session"):
        assert flag in argv
    rw = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert rw == [str((tmp_path / "rt").resolve()), str(tmp_path.resolve())]
    assert "/work" not in [argv[i + 2] for i, a in enumerate(argv) if a == "--ro-bind"]


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
print("CWD", os.getcwd() == os.environ["HOME"], os.listdir("."))
'''


@pytest.fixture(scope="module")
def bwrap_kernel():
    if not bwrap_available():
        pytest.skip("bubblewrap is not installed or not usable here")
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "data.txt").write_text("hello")
        with SandboxedKernel(Path(d), Limits(), sandbox="bwrap") as k:
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
