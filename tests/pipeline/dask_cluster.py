"""A real Dask cluster on loopback for the runner tests: `dask scheduler` and `dask worker` processes started with
Dask's own commands (as docs/CLUSTER.md says), each in its own session so a test can SIGKILL one and the teardown
ends exactly the processes it started. Plus the toy course's submissions and process-tree helpers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat

FILES = Path(__file__).parent / "files"
DASK = str(Path(sys.executable).parent / "dask")


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(FILES), os.environ.get("PYTHONPATH", "")]))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


class Cluster:
    """``dask scheduler`` + ``dask worker`` processes under ``folder`` (logs there too)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.address = ""

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=_env(env), start_new_session=True, cwd=self.folder)
        log.close()
        self.procs[name] = proc
        return proc

    def start_scheduler(self, *, config: dict | None = None) -> str:
        info = self.folder / "scheduler.json"
        info.unlink(missing_ok=True)
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(info)], env=config)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if info.is_file():
                try:
                    self.address = json.loads(info.read_text())["address"]
                    return self.address
                except (ValueError, KeyError):
                    pass
            if self.procs["scheduler"].poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"dask scheduler did not start: {(self.folder / 'scheduler.log').read_text()[-2000:]}")

    def start_worker(self, name: str, *, resources: str | None = None, env: dict | None = None,
                     death_timeout: float = 30, nanny: bool = True, nthreads: int = 1,
                     preload: tuple[str, ...] = ()) -> subprocess.Popen:
        argv = [DASK, "worker", self.address, "--nthreads", str(nthreads), "--name", name, "--no-dashboard",
                "--death-timeout", str(death_timeout), "--preload", "autograder.pipeline.dask_runner",
                "--local-directory", str(self.folder / name)]
        for extra in preload:
            argv += ["--preload", extra]
        argv += ["--nanny"] if nanny else ["--no-nanny"]
        if resources:
            argv += ["--resources", resources]
        return self._spawn(name, argv, env=env)

    def wait_for_workers(self, n: int, timeout: float = 90):
        from distributed import Client
        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=timeout)
            return dict(client.scheduler_info(n_workers=-1)["workers"])

    def kill(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)

    def close(self) -> None:
        for name in list(self.procs):
            self.kill(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- processes -----------------------------------------------------------------------------------------------
def children(pid: int) -> list[int]:
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids += [int(k) for k in fh.read().split()]
    except OSError:
        pass
    return kids


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        for kid in children(stack.pop()):
            found.append(kid)
            stack.append(kid)
    return found


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks (tells a pid apart from a later process that reuses it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[-1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int, started: int | None = None) -> bool:
    """Running (not a zombie), and when ``started`` is given, still the process that started then."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[-1].split()
    except OSError:
        return False
    return fields[0] != "Z" and (started is None or int(fields[19]) == started)


def snapshot(pids) -> list[tuple[int, int | None, str]]:
    """(pid, start time, command line) of each process, to check later that exactly these are gone."""
    return [(p, start_time(p), cmdline(p)) for p in pids]


def survivors(snap) -> list[str]:
    return [f"{pid} {cmd}" for pid, started, cmd in snap if started is not None and alive(pid, started)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def grading_worker(nanny_pid: int) -> int | None:
    """The worker process (child of the nanny) that has a started kernel below it (the kernel's own Python, not
    only the bwrap launching it: see the caveat on bwrap's set-up window in docs/CLUSTER.md), or None."""
    for worker in children(nanny_pid):
        if any("ipykernel_launcher" in cmdline(p) and "bwrap" not in cmdline(p).split(" ")[0]
               for p in descendants(worker)):
            return worker
    return None


# -- the toy course's submissions ----------------------------------------------------------------------------
def submit_toy(course, student_id: str, *, add_one: str = "return x + 1", scale: str = "return x * k",
               extra: tuple[str, ...] = ()) -> Path:
    """A submission of the toy assignment made from its release: the two solution bodies, extra code cells."""
    nb = nbformat.read(course.release("toy") / "toy.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "add_one_solution":
            cell.source = f"def add_one(x):\n    {add_one}"
        elif grade_id == "scale_solution":
            cell.source = f"def scale(x, k):\n    {scale}"
    nb.cells += [nbformat.v4.new_code_cell(src) for src in extra]
    folder = course.submitted(student_id, "toy")
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "toy.ipynb")
    return folder / "toy.ipynb"
