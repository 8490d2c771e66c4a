"""Sandbox for student kernels: bubblewrap argv, resource limits, and the fallback note.

Inside bwrap the kernel sees read-only system dirs, the Python install, a home (``/home/student`` = cwd =
HOME) and a ``/tmp`` that are private size-capped tmpfs (``Limits.disk_mb``, so a submission that writes
without end fills only its own memory-backed space, never the grader's disk), the assignment's files
read-only in that home, the connection file read-only and the folder of its ipc sockets; no network, own
pid/ipc/uts namespaces, no capabilities. The project repo, the course dir, reference solutions and
assignments are not mounted at all. The socket folder is the one place on the grader's disk it can write:
`SandboxedKernel.run` stops a kernel that puts anything else there.

Resource limits (``make_preexec``) apply in both modes. ``RLIMIT_NPROC`` is best effort: the kernel does not
enforce it for processes whose real uid is root outside a user namespace (our case when grading as root),
so the number of processes is held by a watchdog thread of the grader instead (``kernel._ProcessWatchdog``:
more than ``Limits.max_processes`` below the kernel and its process group is killed).
"""
from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.core.errors import SandboxError
from autograder.core.manifest import Limits
from autograder.core.settings import SANDBOX_MODES

FALLBACK_NOTE = "sandbox: resource limits only (bubblewrap not found)"
SANDBOX_HOME = "/home/student"
SANDBOX_VENV = "/opt/ag-venv"
SANDBOX_IPYTHONDIR = f"{SANDBOX_HOME}/.ipython"
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install "
                "bubblewrap`), then check that `bwrap --ro-bind / / true` works (containers may need unprivileged "
                "user namespaces or --privileged)")
# what student code can reach without bubblewrap: said once per grading run, on the console (``unsandboxed_warning``)
UNSANDBOXED_REACH = ("student code runs as this user with resource limits only: it can read and write every "
                     "file this user can (the course folder, other students' submissions and results, the "
                     "hidden tests, the reference solutions, your home) and use the network")

_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
              "hosts", "host.conf", "mime.types", "fonts", "alternatives", "ssl", "ca-certificates")
_ISOLATION = ("--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid", "--unshare-ipc",
              "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL")
_USERNS = ("--unshare-user", "--uid", "1000", "--gid", "1000")


@dataclass(frozen=True)
class SandboxPlan:
    """How a kernel is launched: ``mode`` is "bwrap" or "none"; ``note`` is recorded once by the caller."""

    mode: str
    note: str | None = None


def _bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _probe(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=1)
def _bwrap_flavour() -> tuple[str, ...] | None:
    """The isolation flags that work here (with a user namespace when possible), or None."""
    bwrap = _bwrap_path()
    if not bwrap:
        return None
    base = [bwrap, *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for flags in (_ISOLATION + _USERNS, _ISOLATION):
        if _probe(base[:1] + list(flags) + base[1:] + ["/bin/true"]):
            return flags
    return None


def bwrap_available() -> bool:
    """True when bubblewrap is installed and can create the namespaces we need."""
    return _bwrap_flavour() is not None


def plan_sandbox(*, sandbox: str = "auto") -> SandboxPlan:
    """Resolve ``sandbox`` to a launch plan. "auto": bubblewrap when usable, else resource limits only;
    "require" (and its older name "bwrap"): bubblewrap or a ``SandboxError``, never unsandboxed; "none": no
    bubblewrap."""
    if sandbox not in SANDBOX_MODES:
        raise SandboxError(f"unknown sandbox mode {sandbox!r}", hint=f"use one of {', '.join(SANDBOX_MODES)}")
    if sandbox == "none":
        return SandboxPlan("none", FALLBACK_NOTE)
    if bwrap_available():
        return SandboxPlan("bwrap")
    if sandbox in ("require", "bwrap"):
        found = "installed but cannot create its namespaces here" if _bwrap_path() else "not installed"
        raise SandboxError(f"sandbox mode {sandbox!r} refuses to grade without a sandbox, and bubblewrap is "
                           f"{found}", hint=INSTALL_HINT + "; or set `sandbox: auto` to grade unsandboxed")
    return SandboxPlan("none", FALLBACK_NOTE)


def unsandboxed_warning(plan: SandboxPlan, *, requested: str) -> str | None:
    """The console warning for a grading run whose kernels run without bubblewrap (None when sandboxed)."""
    if plan.mode == "bwrap":
        return None
    why = ("because sandbox: none was chosen" if requested == "none" else
           "because bubblewrap is " + ("installed but not usable here" if _bwrap_path() else "not installed"))
    return (f"WARNING: grading WITHOUT a sandbox {why}: {UNSANDBOXED_REACH}. To fix: {INSTALL_HINT}. "
            "Set `sandbox: require` in autograder.yaml (or pass --sandbox require) to refuse grading unsandboxed.")


def _system_binds() -> list[str]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        p = Path("/") / name
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            args += ["--ro-bind", str(p), str(p)]
    for name in _ETC_FILES:
        p = Path("/etc") / name
        if p.exists():
            args += ["--ro-bind", str(p), str(p)]
    return args


def python_install() -> tuple[Path, Path]:
    """(venv prefix, real Python install prefix) of the running interpreter."""
    return Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()


def kernel_python(*, mode: str) -> str:
    """The interpreter path to launch the kernel with, as seen inside the sandbox."""
    venv, base = python_install()
    if mode == "bwrap":
        return f"{SANDBOX_VENV}/bin/python" if venv != base else f"{base}/bin/python3"
    return sys.executable


@functools.lru_cache(maxsize=1)
def _bwrap_sizes_tmpfs() -> bool:
    """Whether this bwrap mounts a size-capped tmpfs (``--size``, bwrap >= 0.5); tried, not read from --help."""
    flavour = _bwrap_flavour()
    if flavour is None:
        return False
    return _probe([_bwrap_path() or "bwrap", *flavour, *_system_binds(), "--proc", "/proc", "--dev", "/dev",
                   "--size", str(2**20), "--tmpfs", "/tmp", "/bin/true"])


def _tmpfs(path: str, size_mb: int | None) -> list[str]:
    sized = ["--size", str(int(size_mb) * 2**20)] if size_mb and _bwrap_sizes_tmpfs() else []
    return [*sized, "--tmpfs", path]


def bwrap_argv(*, workdir: Path, runtime_dir: Path, command: list[str], socket_dir: Path | None = None,
               startup_file: Path | None = None, disk_mb: int | None = 512) -> list[str]:
    """The full bwrap command line that runs ``command`` in the sandbox for ``workdir``.

    The entries of ``workdir`` (the assignment's files) are mounted read-only in the tmpfs home; of
    ``runtime_dir`` only ``kernel.json`` (read-only) and ``socket_dir`` (read-write) are; ``startup_file``
    becomes the kernel's IPython startup file.
    """
    flavour = _bwrap_flavour()
    if flavour is None:
        raise SandboxError("bubblewrap is not usable here", hint="use sandbox='none' or install bubblewrap")
    venv, base = python_install()
    argv = [_bwrap_path() or "bwrap", *flavour, *_system_binds(),
            "--proc", "/proc", "--dev", "/dev", *_tmpfs("/tmp", disk_mb)]
    argv += ["--ro-bind", str(base), str(base)]
    if venv != base:
        argv += ["--ro-bind", str(venv), SANDBOX_VENV]
    runtime_dir = Path(runtime_dir).resolve()
    socket_dir = Path(socket_dir).resolve() if socket_dir is not None else runtime_dir
    argv += ["--bind", str(socket_dir), str(socket_dir)]
    conn = runtime_dir / "kernel.json"
    if socket_dir != runtime_dir:
        argv += ["--ro-bind-try", str(conn), str(conn)]
    argv += _tmpfs(SANDBOX_HOME, disk_mb)
    workdir = Path(workdir).resolve()
    for entry in sorted(workdir.iterdir()) if workdir.is_dir() else ():
        argv += ["--ro-bind", str(entry), f"{SANDBOX_HOME}/{entry.name}"]
    if startup_file is not None:
        argv += ["--ro-bind", str(Path(startup_file).resolve()), f"{SANDBOX_IPYTHONDIR}/profile_default/startup/"
                 f"{Path(startup_file).name}"]
    argv += ["--chdir", SANDBOX_HOME, "--setenv", "HOME", SANDBOX_HOME, "--unsetenv", "JPY_PARENT_PID", "--"]
    return argv + list(command)


def visible_gpu(inherited: str | None) -> str:
    """The one GPU a kernel sees on a GPU runner: the first of the worker's ``CUDA_VISIBLE_DEVICES`` (a worker
    per GPU is pinned with it, docs/CLUSTER.md), else device 0."""
    first = (inherited or "").split(",")[0].strip()
    return first if first and first != "-1" else "0"


def kernel_env(*, home: str, threads: int = 1, gpu: bool = False, gpu_memory_mb: int = 0,
               extra: dict | None = None) -> dict[str, str]:
    """A clean environment for the kernel (no proxies, no inherited secrets).

    Without a GPU the kernel sees none (``CUDA_VISIBLE_DEVICES`` empty). On a GPU runner it sees exactly one
    (``visible_gpu``), TensorFlow grows its memory as needed instead of taking the card, and
    ``AUTOGRADER_GPU_MEMORY_MB`` (when ``gpu_memory_mb``) caps what it may take (applied by the kernel's startup
    file when TensorFlow is imported)."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0",
        "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
        "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": str(threads),
        "KERAS_BACKEND": "tensorflow", "KERAS_HOME": f"{home}/.keras", "MPLCONFIGDIR": f"{home}/.matplotlib",
        "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    if not gpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    else:
        env["CUDA_VISIBLE_DEVICES"] = visible_gpu(os.environ.get("CUDA_VISIBLE_DEVICES"))
        env["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
        if gpu_memory_mb:
            env["AUTOGRADER_GPU_MEMORY_MB"] = str(int(gpu_memory_mb))
    env.update(extra or {})
    return env


_PR_SET_PDEATHSIG = 1


def _libc():
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, AttributeError):
        return None


def make_preexec(limits: Limits, *, max_file_mb: int | None = None, gpu: bool = False):
    """A ``preexec_fn`` that applies the kernel's resource limits in the child before exec; no file it
    writes may grow past ``max_file_mb`` (default: ``limits.disk_mb``).

    The child also gets SIGKILL when the grader thread that started it dies (``PR_SET_PDEATHSIG``; bwrap adds its
    own ``--die-with-parent`` and its pid namespace takes the kernel's children along): a killed grader (a pool or
    Dask worker) leaves no kernel behind. On a GPU runner the address-space limit is not set: the CUDA driver maps
    tens of GiB of virtual address space at start (unified addressing), so ``RLIMIT_AS`` at ``memory_mb`` makes
    TensorFlow fail to find the GPU; the grader's process watchdog holds the kernel's resident size at
    ``memory_mb`` instead (``kernel._ProcessWatchdog``)."""
    mem = int(limits.memory_mb) * 2**20
    cpu = int(limits.cpu_seconds)
    nproc = int(limits.max_processes)
    fsize = int(max_file_mb if max_file_mb is not None else limits.disk_mb) * 2**20
    libc = _libc()
    grader = os.getpid()
    caps = [(resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, fsize), (resource.RLIMIT_CORE, 0),
            (resource.RLIMIT_NPROC, nproc)]
    if not gpu:
        caps.insert(0, (resource.RLIMIT_AS, mem))

    def preexec():  # runs in the forked child: only async-signal-safe-ish calls
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != grader:      # the grader died before prctl took effect
                os._exit(1)
        for res, value in caps:
            try:
                resource.setrlimit(res, (value, value))
            except (ValueError, OSError):
                pass
    return preexec
