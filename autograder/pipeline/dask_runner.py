"""Grading on a Dask cluster: the executor behind ``runner.run_jobs(..., scheduler=ADDRESS)``.

The driver submits ``fn(job, settings)`` per job (``job.resources``, e.g. ``{"GPU": 1}``, become the task's
resource constraint) and hands each result to ``on_result`` as it arrives, exactly as the local pool does; it stores
nothing itself. Dask moves a task whose worker died to another worker (up to the scheduler's
``allowed-failures``); the driver adds what a batch needs to end with a clear outcome for every submission:

* a job that runs past ``job.time_limit`` (its submission budget plus grace) is cancelled and its worker restarted
  (its kernels die with it): a FAILED result says so, the batch goes on;
* a task whose workers kept dying (``KilledWorker``) or that raised is a FAILED result naming why;
* no worker (or none with the resource a job asks for) for ``no_worker_timeout`` s: those jobs are FAILED;
* the scheduler lost for ``lost_timeout`` s: every unfinished job is FAILED ("run grade again to resume").

FAILED results never replace a verdict and are retried by the next ``grade`` (``runner.store``).
Workers: ``dask worker ADDRESS --nthreads 1 --preload autograder.pipeline.dask_runner`` (one job per process;
the preload imports the grader's modules once per worker). See docs/CLUSTER.md.
"""
from __future__ import annotations

import threading
import time
import traceback
import uuid

from autograder.core.errors import ConfigError
from autograder.core.manifest import load_manifest
from autograder.core.results import SubmissionResult

JOB_TOPIC = "autograder-job"      # workers log {"key": ..., "worker": ...} here when a job starts
CONNECT_TIMEOUT = 20.0            # seconds to reach the scheduler at the start
NO_WORKER_TIMEOUT = 120.0         # seconds without a worker that can run a job before it is failed
LOST_TIMEOUT = 30.0               # seconds without the scheduler before the batch is ended
POLL = 0.2


def dask_setup(worker=None) -> None:
    """``dask worker --preload autograder.pipeline.dask_runner``: import the grader's modules before the first
    job (as the local pool's fork server does), so no job pays for them."""
    import importlib

    from autograder.pipeline.runner import WORKER_PRELOAD
    for name in WORKER_PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT):
    """A Dask client for ``address`` (``tcp://HOST:PORT``); a ConfigError saying how to start one otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError("grading on a scheduler needs Dask (`pip install 'int3121-autograder[cluster]'`)",
                          where="scheduler") from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ConfigError(f"cannot reach the Dask scheduler at {address!r}: {e}", where="scheduler",
                          hint="start one with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1 "
                               "--preload autograder.pipeline.dask_runner` (docs/CLUSTER.md), or drop --scheduler "
                               "to grade on the local pool") from None


def workers_with(client, resource: str | None = None) -> list[str]:
    """Addresses of the connected workers (those offering ``resource`` when given)."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return sorted(addr for addr, info in workers.items()
                  if resource is None or (info.get("resources") or {}).get(resource, 0) > 0)


def threaded_workers(client) -> list[str]:
    """Workers with more than one thread: they grade one job at a time anyway (pytest is not thread-safe)."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return sorted(addr for addr, info in workers.items() if info.get("nthreads", 1) > 1)


def _task(fn, job, settings):
    """Runs on the worker: say that the job starts (the driver's clock for its time limit), then run it."""
    try:
        from distributed import get_worker
        worker = get_worker()
        worker.log_event(JOB_TOPIC, {"key": worker.get_current_task(), "worker": worker.address})
    except Exception:  # noqa: BLE001 - the clock is the driver's business; the job runs regardless
        pass
    return fn(job, settings)


def failed_result(job, settings, error: str) -> SubmissionResult:
    """The FAILED record for a job the cluster could not finish (our side: retried by the next grade)."""
    try:
        tasks = load_manifest(settings.course.manifest(job.assignment)).tasks
    except Exception:  # noqa: BLE001 - a failure report must not fail
        tasks = ()
    return SubmissionResult.failed(student_id=job.student_id, assignment=job.assignment, error=error, tasks=tasks)


class _Starts:
    """Start times of jobs, from the workers' JOB_TOPIC events (the client's thread writes, the driver reads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.at: dict[str, tuple[float, str]] = {}

    def __call__(self, event):
        _, msg = event
        if isinstance(msg, dict) and "key" in msg:
            with self.lock:
                self.at[msg["key"]] = (time.monotonic(), str(msg.get("worker", "")))

    def get(self, key):
        with self.lock:
            return self.at.get(key)


def run_on_dask(jobs, *, settings, fn, on_result, scheduler, bar, warn=print,
                no_worker_timeout: float | None = None, lost_timeout: float | None = None,
                failed=failed_result) -> None:
    """Run every job on the cluster at ``scheduler`` (an address or a ``distributed.Client``); see the module
    docstring for what ends a job that does not finish. ``failed(job, settings, error)`` builds the result of such
    a job (default: a FAILED SubmissionResult; a driver with other jobs passes its own)."""
    from distributed import Client
    from distributed.client import FutureCancelledError

    no_worker_timeout = NO_WORKER_TIMEOUT if no_worker_timeout is None else no_worker_timeout
    lost_timeout = LOST_TIMEOUT if lost_timeout is None else lost_timeout

    client = scheduler if isinstance(scheduler, Client) else connect(scheduler)
    own = client is not scheduler
    address = client.scheduler.address if client.scheduler is not None else str(scheduler)
    starts = _Starts()
    client.subscribe_topic(JOB_TOPIC, starts)
    try:
        threaded = threaded_workers(client)
        if threaded:
            warn(f"note: {len(threaded)} Dask worker(s) run several threads ({', '.join(threaded[:3])}); each grades "
                 "one submission at a time: start workers with --nthreads 1 (and --nworkers N) to grade in parallel")
        token = uuid.uuid4().hex[:8]
        futures = {}
        for i, job in enumerate(jobs):
            key = f"grade-{job.assignment}-{job.student_id}-{token}-{i}"
            fut = client.submit(_task, fn, job, settings, key=key, resources=getattr(job, "resources", None),
                                pure=False)
            futures[fut] = job
        lost_message = (f"lost the Dask scheduler at {address} before this submission was graded; finished "
                        "results are stored: run grade again to resume")
        idle_since: dict[str, float] = {}         # resource kind ("" = any worker) -> first seen without one
        lost_since = None
        last_check = 0.0
        while futures:
            done = [fut for fut in futures if fut.done()]     # local state: no call to the scheduler
            if not done:
                time.sleep(POLL)
            for fut in done:
                job = futures.pop(fut)
                if fut.cancelled() and client.status != "running":
                    on_result(failed(job, settings, lost_message), bar)
                else:
                    on_result(_outcome(fut, job, settings, failed, FutureCancelledError), bar)
            if not futures:
                break
            now = time.monotonic()
            if client.status != "running":
                lost_since = lost_since or now
                if now - lost_since > lost_timeout:
                    for job in list(futures.values()):
                        on_result(failed(job, settings, lost_message), bar)
                    futures.clear()
                continue
            lost_since = None
            _enforce_time_limits(client, futures, starts, settings, failed, on_result, bar)
            if now - last_check >= 2.0:
                last_check = now
                _fail_unrunnable(client, futures, idle_since, now, no_worker_timeout, address, settings, failed,
                                 on_result, bar)
    finally:
        try:
            client.unsubscribe_topic(JOB_TOPIC)
        except Exception:  # noqa: BLE001
            pass
        if own:
            try:
                client.close(timeout=5)
            except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone
                pass


def _outcome(fut, job, settings, failed, cancelled_error):
    try:
        return fut.result()
    except cancelled_error:
        return failed(job, settings, "the Dask scheduler cancelled this job (it lost the task); run grade again")
    except Exception as e:  # noqa: BLE001 - every way a task can end is a result
        name = type(e).__name__
        if name == "KilledWorker":
            return failed(job, settings, "every Dask worker that graded this submission died (the scheduler's "
                                         "allowed-failures were used up); see the workers' logs")
        detail = traceback.format_exception_only(type(e), e)[-1].strip()
        return failed(job, settings, f"the Dask task failed: {detail}")


def _enforce_time_limits(client, futures, starts, settings, failed, on_result, bar) -> None:
    now = time.monotonic()
    for fut, job in list(futures.items()):
        limit = getattr(job, "time_limit", None)
        started = starts.get(fut.key)
        if limit is None or started is None or now - started[0] <= limit or fut.done():
            continue
        worker = started[1]
        futures.pop(fut)
        client.cancel([fut], force=True)
        if worker:
            try:    # the job's thread cannot be stopped: its worker process is (its kernels die with it)
                client.restart_workers([worker], timeout=60, raise_for_error=False)
            except Exception:  # noqa: BLE001 - a worker without a nanny cannot be restarted; it stays busy
                pass
        on_result(failed(job, settings, f"grading took more than {limit:g} s (the submission's time budget plus "
                                        f"grace) on {worker or 'a Dask worker'}; the job was stopped and its worker "
                                        "restarted"), bar)


def _fail_unrunnable(client, futures, idle_since, now, timeout, address, settings, failed, on_result, bar) -> None:
    try:
        info = client.scheduler_info(n_workers=-1).get("workers", {})
    except Exception:  # noqa: BLE001 - checked again in two seconds
        return
    offered: set[str] = {""} if info else set()
    for w in info.values():
        offered |= {r for r, n in (w.get("resources") or {}).items() if n > 0}
    for kind in {"", *(r for job in futures.values() for r in (getattr(job, "resources", None) or {}))}:
        if kind in offered:
            idle_since.pop(kind, None)
            continue
        since = idle_since.setdefault(kind, now)
        if now - since <= timeout:
            continue
        what = "no Dask worker" if kind == "" else f"no Dask worker offering {kind}"
        for fut, job in list(futures.items()):
            wants = set(getattr(job, "resources", None) or {})
            if kind == "" or kind in wants:
                futures.pop(fut)
                client.cancel([fut], force=True)
                on_result(failed(job, settings, f"{what} was connected to {address} for {timeout:g} s; start one "
                                                "(docs/CLUSTER.md) and run grade again"), bar)
