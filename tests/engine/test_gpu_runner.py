"""The GPU runner's kernel settings, checked without a GPU: one visible device, memory growth, the memory cap, no
address-space limit (resident size instead); and kernels that die with the grader that started them."""
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder.core.manifest import Limits
from autograder.engine.kernel import _ProcessWatchdog, resident_mb, tree_pids
from autograder.engine.sandbox import bwrap_available, kernel_env, make_preexec, visible_gpu

FILES = Path(__file__).resolve().parents[1] / "pipeline" / "files"


@pytest.mark.parametrize("inherited, want", [(None, "0"), ("", "0"), ("3", "3"), ("3,5", "3"), (" 2 , 4", "2"),
                                             ("GPU-8f2c,GPU-aa11", "GPU-8f2c"), ("-1", "0")])
def test_a_kernel_sees_exactly_one_gpu(inherited, want):
    assert visible_gpu(inherited) == want


def test_gpu_kernel_env(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,2")
    env = kernel_env(home="/h", gpu=True, gpu_memory_mb=3000)
    assert (env["CUDA_VISIBLE_DEVICES"], env["TF_FORCE_GPU_ALLOW_GROWTH"], env["AUTOGRADER_GPU_MEMORY_MB"]) == \
        ("1", "true", "3000")
    cpu = kernel_env(home="/h", gpu=False, gpu_memory_mb=3000)
    assert cpu["CUDA_VISIBLE_DEVICES"] == "" and "AUTOGRADER_GPU_MEMORY_MB" not in cpu
    assert "TF_FORCE_GPU_ALLOW_GROWTH" not in cpu


def _limits_in_child(gpu: bool) -> int:
    """RLIMIT_AS as a child started with the kernel's preexec_fn sees it."""
    code = "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    out = subprocess.run([sys.executable, "-c", code], preexec_fn=make_preexec(Limits(memory_mb=5000), gpu=gpu),
                         capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_address_space_limit_only_without_gpu():
    assert _limits_in_child(gpu=False) == 5000 * 2**20
    assert _limits_in_child(gpu=True) == resource.RLIM_INFINITY


def test_resident_size_watchdog_kills_a_tree_past_its_memory():
    hog = subprocess.Popen([sys.executable, "-c", "b = bytearray(300 * 2**20); import time; time.sleep(60)"],
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and resident_mb(tree_pids(hog.pid)) < 250:
            time.sleep(0.05)
        dog = _ProcessWatchdog(hog.pid, limit=256, rss_mb=200)
        assert hog.wait(timeout=10) == -signal.SIGKILL
        assert dog.memory_fired and not dog.fired
    finally:
        if hog.poll() is None:
            hog.kill()


def test_gpu_memory_cap_is_applied_when_tensorflow_is_imported(tmp_path):
    """A stand-in `tensorflow` package records what the kernel's startup hook configures."""
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text(textwrap.dedent("""
        calls = []
        class config:
            LogicalDeviceConfiguration = staticmethod(lambda memory_limit: ("logical", memory_limit))
            list_physical_devices = staticmethod(lambda kind: ["GPU:0"] if kind == "GPU" else [])
            set_logical_device_configuration = staticmethod(lambda dev, cfgs: calls.append((dev, cfgs)))
        """))
    startup = Path(__file__).resolve().parents[2] / "autograder" / "engine" / "kernelside" / "startup.py"
    code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import runpy; "
            f"ns = runpy.run_path({str(startup)!r}); ns['install'](10**6, shell=object()); "
            "import tensorflow; print(tensorflow.calls)")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, AUTOGRADER_GPU_MEMORY_MB="1234"),
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[('GPU:0', [('logical', 1234)])]"


HOLDER = ("import subprocess, sys, time; from autograder.core.manifest import Limits; "
          "from autograder.engine.sandbox import make_preexec; "
          "p = subprocess.Popen(['sleep', '60'], preexec_fn=make_preexec(Limits())); print(p.pid, flush=True); "
          "time.sleep(60)")


def test_a_process_started_with_the_kernel_preexec_dies_with_its_starter():
    """PR_SET_PDEATHSIG itself (a plain `sleep`: no ipykernel parent poller that would exit on its own)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True,
                              start_new_session=True,
                              env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])))
    try:
        child = int(holder.stdout.readline())
        assert _alive(child)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
        holder.stdout.close()


@pytest.mark.slow
@pytest.mark.parametrize("sandbox", ["none", pytest.param("bwrap", marks=pytest.mark.sandbox)])
def test_a_kernel_dies_with_the_grader_that_started_it(sandbox):
    if sandbox == "bwrap" and not bwrap_available():
        pytest.skip("bubblewrap is not usable here (the unsandboxed case runs)")
    holder = subprocess.Popen([sys.executable, str(FILES / "kernel_holder.py"), sandbox], stdout=subprocess.PIPE,
                              text=True, start_new_session=True,
                              env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])))
    try:
        kernel_pid = int(holder.stdout.readline())
        tree = tree_pids(kernel_pid)
        assert tree and all(_alive(p) for p in tree)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in tree):
            time.sleep(0.05)
        assert [p for p in tree if _alive(p)] == []
    finally:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
        holder.stdout.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sandbox", ["none", pytest.param("bwrap", marks=pytest.mark.sandbox)])
def test_a_kernel_exits_when_its_lifeline_closes(tmp_path, sandbox):
    """The lifeline covers bwrap's set-up window, where a credential change clears the death signal."""
    if sandbox == "bwrap" and not bwrap_available():
        pytest.skip("bubblewrap is not usable here (the unsandboxed case runs)")
    from autograder.engine.kernel import SandboxedKernel
    kernel = SandboxedKernel(workdir=tmp_path, limits=Limits(), sandbox=sandbox)
    kernel.start()
    try:
        assert kernel.is_alive()
        os.close(kernel._lifeline)            # what the grader's death does to its end of the pipe
        kernel._lifeline = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and kernel.is_alive():
            time.sleep(0.05)
        assert not kernel.is_alive()
    finally:
        kernel.shutdown()
