"""Benchmark: the same week-3 batch on the local pool, on Dask over loopback, and with `nbgrader autograde`.

    PATH=.venv/bin:$PATH .venv/bin/python benchmarks/bench_cluster.py [--n 8] [--sandbox auto] [--no-nbgrader]

One run, one batch (N copies of the correct week-3 examples, as bench_grading.py builds it), one course, graded
with force=True each time, in this order: local pool 2 workers, Dask 2 workers, local pool 1 worker, Dask 1 worker,
then one `nbgrader autograde` process on the nbgrader-native week 3. The Dask rows use a `distributed.LocalCluster`
on 127.0.0.1 (worker processes, 1 thread each, the grader's preload), started before the timed part and reported
separately: on a course's cluster the workers are long-lived, so a batch never pays for them; the local pool's
start is inside its row (it starts with every `grade`).

Printed: the table, the ratios Dask/local at 1 and 2 workers (goal: Dask on 2 workers within 10 % of the local pool
on 2 workers), nbgrader/ours, and the per-submission cost of the Dask path over the local pool ((wall_dask -
wall_local) / N) that docs/CLUSTER.md uses for its cost on paper.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_grading import make_batch, nbgrader_autograde, nbgrader_course, our_course, tool_env  # noqa: E402
from benchmarks.scratch import scratch_folder  # noqa: E402

ORDER = ("local2", "dask2", "local1", "dask1", "nbgrader")
LABELS = {"local1": ("local pool", 1), "local2": ("local pool", 2), "dask1": ("dask loopback", 1),
          "dask2": ("dask loopback", 2), "nbgrader": ("nbgrader autograde", 1)}


@dataclass
class Row:
    key: str
    wall: float
    n: int
    scores: list[float] = field(default_factory=list)
    job_seconds: float = 0.0          # mean seconds inside the job (result.seconds)

    @property
    def per_submission(self) -> float:
        return self.wall / self.n


@dataclass
class ClusterBench:
    n: int
    rows: dict[str, Row] = field(default_factory=dict)
    cluster_start: dict[int, float] = field(default_factory=dict)
    load_before: tuple = ()
    load_after: tuple = ()


def _grade(course, *, sandbox: str, workers: int = 1, scheduler=None):
    from autograder.core.settings import GradeSettings
    from autograder.pipeline.runner import grade_assignment
    from benchmarks.nbgrader_native import ASSIGNMENT
    t0 = time.perf_counter()
    summary = grade_assignment(settings=GradeSettings(course=course, sandbox=sandbox, threads=1),
                               assignment=ASSIGNMENT, workers=workers, scheduler=scheduler, force=True,
                               progress=False)
    return time.perf_counter() - t0, summary


def loopback_cluster(workers: int):
    """A Dask cluster on 127.0.0.1: ``workers`` worker processes, one thread each, the grader's preload."""
    from distributed import LocalCluster
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, preload=["autograder.pipeline.dask_runner"])


def run_benchmark(*, n: int = 8, sandbox: str = "auto", rows=ORDER, keep: bool = False, say=print) -> ClusterBench:
    from distributed import Client
    os.environ["PATH"] = tool_env()["PATH"]
    result = ClusterBench(n=n, load_before=os.getloadavg())
    with scratch_folder("bench-cluster-", result, keep=keep, say=say) as base:
        batch = make_batch(n, base / "batch")
        course = our_course(base / "ours", base / "batch")
        for key in [k for k in ORDER if k in rows]:
            engine, workers = LABELS[key]
            if key.startswith("local"):
                wall, summary = _grade(course, sandbox=sandbox, workers=workers)
            elif key.startswith("dask"):
                t0 = time.perf_counter()
                with loopback_cluster(workers) as cluster, Client(cluster, set_as_default=False) as client:
                    client.wait_for_workers(workers, timeout=120)
                    result.cluster_start[workers] = time.perf_counter() - t0
                    wall, summary = _grade(course, sandbox=sandbox, scheduler=client)
            else:
                nbg = nbgrader_course(base / "nbgrader")
                wall, scores = nbgrader_autograde(nbg, batch)
                result.rows[key] = Row(key, wall, n, scores)
                say(f"  {engine} [{workers}]: {wall:.1f} s")
                continue
            graded = summary.graded
            result.rows[key] = Row(key, wall, n, [r.score for r in graded],
                                   sum(r.seconds for r in graded) / max(len(graded), 1))
            say(f"  {engine} [{workers}]: {wall:.1f} s")
            bad = [f"{r.student_id}: {r.status} {r.score:g} {r.error}" for r in graded if r.score != r.max_score]
            if bad or len(graded) != n:
                say(f"  {engine} [{workers}] DID NOT GIVE FULL MARKS TO ALL {n}: {bad[:3]}")
    return result


def render(result: ClusterBench) -> str:
    rows, n = result.rows, result.n
    lines = [f"{'engine':<20} {'workers':>7} {'wall s':>8} {'s/sub':>7} {'job s':>7} {'scores':>12}", "-" * 68]
    for key in ORDER:
        if key not in rows:
            continue
        r, (engine, workers) = rows[key], LABELS[key]
        scores = f"{min(r.scores):g}..{max(r.scores):g}" if r.scores else "-"
        job = f"{r.job_seconds:7.2f}" if r.job_seconds else f"{'-':>7}"
        lines.append(f"{engine:<20} {workers:>7} {r.wall:>8.1f} {r.per_submission:>7.2f} {job} {scores:>12}")
    lines.append("")
    for w in (1, 2):
        local, dask = rows.get(f"local{w}"), rows.get(f"dask{w}")
        if local and dask:
            ratio = dask.wall / local.wall
            goal = f"   goal <= 1.10: {'MET' if ratio <= 1.10 else 'NOT MET'}" if w == 2 else ""
            lines.append(f"dask / local pool at {w} worker(s): {ratio:.3f}{goal}; per-submission cost of the Dask "
                         f"path over the local pool: {(dask.wall - local.wall) / n:+.2f} s")
    if "nbgrader" in rows:
        for key in ("local2", "dask2"):
            if key in rows:
                lines.append(f"nbgrader autograde / {LABELS[key][0]} at 2 workers: "
                             f"{rows['nbgrader'].wall / rows[key].wall:.2f}x")
    if result.cluster_start:
        lines.append("Dask cluster start (not in the rows: long-lived workers): " + ", ".join(
            f"{w} worker(s) {s:.1f} s" for w, s in sorted(result.cluster_start.items())))
    lines.append(f"machine: {os.cpu_count()} cores; load average before "
                 f"{'/'.join(f'{x:.1f}' for x in result.load_before)}, after "
                 f"{'/'.join(f'{x:.1f}' for x in result.load_after)} (other work on the machine skews every row)")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=8, help="submissions in the batch (default 8)")
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    parser.add_argument("--rows", default=",".join(ORDER), help=f"comma-separated subset of {','.join(ORDER)}")
    parser.add_argument("--no-nbgrader", action="store_true", help="leave out the nbgrader autograde row")
    parser.add_argument("--keep", action="store_true", help="keep the temp course dirs (path printed)")
    args = parser.parse_args(argv)
    rows = [r for r in args.rows.split(",") if r]
    unknown = [r for r in rows if r not in ORDER]
    if unknown or args.n < 1:
        parser.error(f"unknown rows {unknown} (choose from {', '.join(ORDER)}) or --n < 1")
    if args.no_nbgrader:
        rows = [r for r in rows if r != "nbgrader"]
    result = run_benchmark(n=args.n, sandbox=args.sandbox, rows=rows, keep=args.keep)
    print()
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
