"""``SandboxedKernel``: one student's IPython kernel in a private working dir, with timeouts and output caps.

The kernel talks ZMQ over ipc sockets in a private runtime dir (bound into the sandbox), is launched through
``jupyter_client.KernelManager`` with our own kernel spec (``interrupt_mode: message``), and is always shut
down immediately (``now=True``; a graceful shutdown stalls seconds at random). Nothing heavy is imported at
start. ``run`` executes one piece of code and returns a ``RunResult``; it never raises for student behaviour.
"""
from __future__ import annotations

import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec
from zmq.utils.monitor import recv_monitor_message

from autograder.core.errors import SandboxError
from autograder.core.manifest import Limits
from autograder.engine.kernelcode import startup_file_text
from autograder.engine.sandbox import (
    SANDBOX_HOME,
    SANDBOX_IPYTHONDIR,
    bwrap_argv,
    kernel_env,
    kernel_python,
    make_preexec,
    plan_sandbox,
)

MAX_MESSAGE_BYTES = 72 * 2**20     # larger iopub messages are dropped by ZMQ before they reach our memory
FLOOD_FACTOR = 20                  # output beyond FLOOD_FACTOR x the cap kills the kernel

IDLE_GRACE = 1.0                   # seconds to wait for the idle status after the execute_reply
INTERRUPT_GRACE = 3.0              # seconds an interrupted run may take to stop before the kernel is killed


@dataclass
class RunResult:
    """What happened when code ran: the reply content, and flags for every way it can go wrong."""

    reply: dict | None = None               # execute_reply content (status, ename, evalue, ...)
    timed_out: bool = False
    died: bool = False                      # the kernel process ended during the run
    killed: bool = False                    # we killed it (timeout not honoured, or output flood)
    flooded: bool = False                   # output went far past the cap
    dropped_large: bool = False             # a message over MAX_MESSAGE_BYTES was dropped
    malformed: bool = False                 # the kernel broke the message protocol (its messaging was tampered with)
    wrote_outside: bool = False             # it wrote into its socket folder on the grader's disk
    forked: bool = False                    # stopped for running more than max_processes processes
    output_bytes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.reply) and self.reply.get("status") == "ok" and not (self.timed_out or self.died)


@dataclass
class _Watch:
    msg_id: str
    result: RunResult = field(default_factory=RunResult)
    idle: bool = False
    reply_at: float | None = None


class SandboxedKernel:
    """A kernel for ``workdir`` under ``limits``; ``sandbox`` is "auto", "bwrap" or "none"."""

    def __init__(self, workdir: Path, limits: Limits, sandbox: str = "auto", *, threads: int = 1,
                 gpu: bool = False, startup_timeout: float = 60.0):
        self.workdir = Path(workdir).resolve()
        self.limits = limits
        self.plan = plan_sandbox(sandbox=sandbox)
        self.note = self.plan.note          # recorded once by the caller (None when bwrap is used)
        self.threads = threads
        self.gpu = gpu
        self.startup_timeout = startup_timeout
        self.km: KernelManager | None = None
        self.kc = None
        self._runtime: Path | None = None
        self._sockets: Path | None = None
        self._watchdog: _ProcessWatchdog | None = None
        self._lifeline: int | None = None         # write end of the kernel's lifeline pipe
        self._monitor = None
        self.start_seconds = 0.0

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the kernel and wait until it answers; raises ``SandboxError`` if it cannot start."""
        if self.km is not None:
            raise SandboxError("kernel already started")
        t0 = time.monotonic()
        self._runtime = Path(tempfile.mkdtemp(prefix="ag-kernel-")).resolve()
        rt = self._runtime
        conn = rt / "kernel.json"
        command = [kernel_python(mode=self.plan.mode), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                   "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"]
        self._sockets = rt / "sock"
        self._sockets.mkdir()
        startup = rt / "ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True)
        startup_file = startup / "00-autograder-startup.py"
        # before any student code: output capped at half the flood kill, exit()/quit() harmless
        startup_file.write_text(startup_file_text(FLOOD_FACTOR // 2 * int(self.limits.output_kb) * 1024))
        if self.plan.mode == "bwrap":     # everything the kernel writes goes to its size-capped tmpfs home
            home, ipython, writable = SANDBOX_HOME, SANDBOX_IPYTHONDIR, SANDBOX_HOME
            command = bwrap_argv(workdir=self.workdir, runtime_dir=rt, command=command, socket_dir=self._sockets,
                                 startup_file=startup_file, disk_mb=self.limits.disk_mb)
        else:
            home, ipython, writable = str(self.workdir), str(rt / "ipython"), str(rt)
        env = kernel_env(home=home, threads=self.threads, gpu=self.gpu, gpu_memory_mb=self.limits.gpu_memory_mb, extra={
            "IPYTHONDIR": ipython, "MPLCONFIGDIR": f"{writable}/.mpl",
            "JUPYTER_CONFIG_DIR": f"{writable}/.jupyter", "JUPYTER_DATA_DIR": f"{writable}/.jupyter",
            "JUPYTER_RUNTIME_DIR": f"{writable}/.jupyter"})
        # the lifeline (kernelside/startup.py): the kernel exits when this write end closes, i.e. when we die
        lifeline_read, self._lifeline = os.pipe()
        env["AUTOGRADER_LIFELINE_FD"] = str(lifeline_read)
        km = KernelManager(transport="ipc", ip=str(self._sockets / "zmq"), connection_file=str(conn),
                           kernel_name="")
        km._kernel_spec = KernelSpec(argv=command, env={}, display_name="student (sandboxed)",
                                     language="python", interrupt_mode="message")
        self.km = km
        try:
            try:
                with open(rt / "kernel.log", "ab") as log:
                    km.start_kernel(env=env, cwd=str(self.workdir), pass_fds=(lifeline_read,),
                                    preexec_fn=make_preexec(self.limits, gpu=self.gpu), stdout=log, stderr=log)
            finally:
                os.close(lifeline_read)
            kc = km.blocking_client()
            kc.start_channels()
            self.kc = kc
            # the option only applies to new connections: reconnect the iopub socket with it set
            sock, url = kc.iopub_channel.socket, kc._make_url("iopub")
            sock.disconnect(url)
            sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
            self._monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
            sock.connect(url)
            kc.wait_for_ready(timeout=self.startup_timeout)
        except Exception as e:
            self.shutdown()
            raise SandboxError(f"the student kernel did not start ({self.plan.mode} mode): {e}",
                               hint="check that ipykernel is installed in the venv and bwrap works") from None
        self.start_seconds = time.monotonic() - t0
        # on a GPU runner RLIMIT_AS is off (sandbox.make_preexec): the watchdog holds the resident size instead
        self._watchdog = _ProcessWatchdog(_kernel_pid(km), limit=int(self.limits.max_processes),
                                          rss_mb=int(self.limits.memory_mb) if self.gpu else None)

    def shutdown(self) -> None:
        """Stop the kernel immediately and remove its runtime dir (the working dir is kept)."""
        if self._watchdog is not None:
            self._watchdog.stop()
        kc, km, self.kc, self.km = self.kc, self.km, None, None
        if kc is not None:
            try:
                kc.iopub_channel.socket.disable_monitor()
            except Exception:
                pass
            if self._monitor is not None:
                self._monitor.close(linger=0)
                self._monitor = None
            kc.stop_channels()
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception:
                pass
            try:
                km.cleanup_resources()
            except Exception:
                pass
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        if self._runtime is not None:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None

    def restart(self) -> None:
        """A fresh kernel in the same working dir (state is lost)."""
        self.shutdown()
        self.start()

    def is_alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def interrupt(self) -> None:
        if self.km is not None and self.is_alive():
            self.km.interrupt_kernel()

    def __enter__(self) -> SandboxedKernel:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # -- running code ----------------------------------------------------------------------------------
    def run(self, code: str, *, timeout: float, on_output: Callable[[dict], None] | None = None,
            stdin_hook: Callable[[dict], None] | None = None, output_cap: int | None = None,
            silent: bool = False) -> RunResult:
        """Execute ``code``; stop it after ``timeout`` s (interrupt, then kill). Never raises for student code.

        ``on_output(msg)`` receives this request's iopub messages; ``stdin_hook(msg)`` its input_requests
        (and must answer with ``self.kc.input``). Output past ``FLOOD_FACTOR x output_cap`` kills the kernel.
        """
        if self.kc is None or not self.is_alive():
            return RunResult(died=True)
        kc = self.kc
        cap = (output_cap if output_cap is not None else self.limits.output_kb * 1024) * FLOOD_FACTOR
        t0 = time.monotonic()
        # silent: no execute_input broadcast, no execution count, no displayhook (the proxy's calls)
        w = _Watch(kc.execute(code, silent=silent, store_history=False, allow_stdin=stdin_hook is not None,
                              stop_on_error=False))
        res = w.result
        poller = zmq.Poller()
        chans = {kc.iopub_channel.socket: kc.iopub_channel, kc.shell_channel.socket: kc.shell_channel,
                 kc.stdin_channel.socket: kc.stdin_channel}
        for sock in chans:
            poller.register(sock, zmq.POLLIN)
        poller.register(self._monitor, zmq.POLLIN)
        deadline, interrupted_at, last_alive = t0 + timeout, None, t0
        try:
            while True:
                now = time.monotonic()
                if w.reply_at is not None and (w.idle or now - w.reply_at > IDLE_GRACE):
                    break
                if now >= deadline and interrupted_at is None and w.reply_at is None:
                    res.timed_out = True
                    interrupted_at = now
                    self.interrupt()
                if interrupted_at is not None and now - interrupted_at > INTERRUPT_GRACE:
                    self._kill(res)
                    break
                if now - last_alive > 0.2:
                    last_alive = now
                    if not self.is_alive():
                        res.died = True
                        res.forked = self._watchdog is not None and self._watchdog.fired
                        break
                    if self.plan.mode == "bwrap" and self._socket_dir_abused():
                        res.wrote_outside = True
                        self._kill(res)
                        break
                for sock, _ in poller.poll(50):
                    if sock is self._monitor:
                        recv_monitor_message(self._monitor)
                        res.dropped_large = True
                        res.output_bytes += cap // FLOOD_FACTOR   # one dropped message = one cap's worth
                        self._reconnect_iopub()
                        continue
                    try:
                        msg = chans[sock].get_msg(timeout=0)
                        self._dispatch(w, chans[sock], msg, on_output, stdin_hook)
                    except Exception:
                        # the kernel runs student code, which can rewrite how it sends messages (patching
                        # json, the session, the sockets): anything that does not parse as a message of the
                        # protocol stops that kernel, never the grader
                        res.malformed = True
                        break
                if res.malformed:
                    self._kill(res)
                    break
                if res.output_bytes > cap:
                    res.flooded = True
                    self._kill(res)
                    break
        finally:
            res.seconds = time.monotonic() - t0
        if res.died and not res.killed:
            # a kernel that died (or that the process watchdog stopped) disconnects its iopub socket too:
            # that was no oversized message
            res.dropped_large = False
        return res

    def _dispatch(self, w: _Watch, chan, msg: dict, on_output, stdin_hook) -> None:
        if msg.get("parent_header", {}).get("msg_id") != w.msg_id:
            return
        kind = msg["header"]["msg_type"]
        if not isinstance(msg.get("content"), dict):
            raise TypeError(f"{kind} message without a content dict")
        if chan is self.kc.shell_channel:
            if kind == "execute_reply":
                w.result.reply = msg["content"]
                w.reply_at = time.monotonic()
        elif chan is self.kc.stdin_channel:
            if stdin_hook is not None:
                stdin_hook(msg)
            else:
                self.kc.input("")
        elif kind == "status":
            w.idle = msg["content"].get("execution_state") == "idle"
        elif kind != "execute_input":
            w.result.output_bytes += _size(msg["content"])
            if on_output is not None:
                on_output(msg)

    def _socket_dir_abused(self) -> bool:
        """True when the kernel put something other than its ipc sockets in the socket folder, the one place
        on the grader's disk it can write (removed at once: it must not fill that disk)."""
        found = False
        try:
            with os.scandir(self._sockets) as entries:
                for entry in entries:
                    if not stat.S_ISSOCK(entry.stat(follow_symlinks=False).st_mode):
                        found = True
                        if entry.is_dir(follow_symlinks=False):
                            shutil.rmtree(entry.path, ignore_errors=True)
                        else:
                            os.unlink(entry.path)
        except OSError:
            return found
        return found

    def _reconnect_iopub(self) -> None:
        """ZMQ does not reconnect after dropping an oversized message; do it by hand."""
        sock, url = self.kc.iopub_channel.socket, self.kc._make_url("iopub")
        try:
            sock.disconnect(url)
        except zmq.ZMQError:
            pass
        sock.connect(url)

    def _kill(self, res: RunResult) -> None:
        res.killed = True
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:
                pass


def _kernel_pid(km) -> int | None:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (over all its threads), from /proc; [] once it is gone."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    kids = []
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
        except (OSError, ValueError):
            continue
    return kids


def tree_pids(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc."""
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        found.append(parent)
        stack.extend(_children(parent))
    return found


def resident_mb(pids) -> float:
    """Summed resident size (VmRSS) of ``pids`` in MiB; processes that are gone count 0."""
    total_kb = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def count_processes(pid: int, *, limit: int) -> int:
    """Processes (not threads) below ``pid``, from /proc; counting stops once past ``limit``."""
    seen, stack = 0, [pid]
    while stack:
        kids = _children(stack.pop())
        seen += len(kids)
        if seen > limit:
            return seen
        stack.extend(kids)
    return seen


class _ProcessWatchdog:
    """Kills the kernel's whole process tree when it runs more than ``limit`` processes (a fork bomb), or, when
    ``rss_mb`` is given (GPU runners, where RLIMIT_AS is off), when the tree's resident size passes it.

    RLIMIT_NPROC cannot do it when grading runs as root, and limits per process (memory, CPU) do not add up
    over thousands of forks; the pid namespace alone does not cap their number. A thread polls /proc every
    0.25 s (about 2 ms for a TensorFlow kernel), also between calls, when no ``run`` is watching.
    """

    INTERVAL = 0.25

    def __init__(self, pid: int | None, *, limit: int, rss_mb: int | None = None):
        self.pid, self.limit, self.fired, self.rss_mb, self.memory_fired = pid, limit, False, rss_mb, False
        self._stop = threading.Event()
        self._thread = None
        if pid is not None and os.path.isdir(f"/proc/{pid}/task"):
            self._thread = threading.Thread(target=self._watch, name=f"ag-watchdog-{pid}", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            over_memory = self.rss_mb is not None and resident_mb(tree_pids(self.pid)) > self.rss_mb
            if over_memory or count_processes(self.pid, limit=self.limit) > self.limit:
                self.memory_fired = over_memory
                self.fired = not over_memory
                try:        # the kernel leads its own process group (new session): its forks go with it
                    if os.getpgid(self.pid) == self.pid:
                        os.killpg(self.pid, signal.SIGKILL)
                    else:
                        os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                return

    def stop(self) -> None:
        self._stop.set()


def _size(content: dict) -> int:
    if "text" in content:
        return len(content["text"])
    total = 0
    for key in ("data", "traceback", "evalue"):
        v = content.get(key)
        if isinstance(v, dict):
            total += sum(len(x) if isinstance(x, str) else 64 for x in v.values())
        elif isinstance(v, list):
            total += sum(len(x) for x in v if isinstance(x, str))
        elif isinstance(v, str):
            total += len(v)
    return total + 64
