"""`nbgrader autograde` against the drop-in (autograder grade --nbgrader) at 1 and 2 workers, on one batch.

    PATH=.venv/bin:$PATH .venv/bin/python benchmarks/bench_nbgrader.py [--n 20] [--sandbox auto] [--keep]

The batch: the ps1-like fixture course (tests/nbgrader_course/files: two notebooks with grade cells, hidden tests
and written answers) with N submissions, the two example students' (bitdiddle, hacker) submissions copied in
turn. The three runs grade the same files in fresh copies of one generated course, one after another in this
process; every total must agree (the run fails otherwise). Printed: wall time, time per submission, and the
ratio to nbgrader, with the machine's load average before and after (the numbers only compare runs of one
invocation).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_folder  # noqa: E402
from tests.nbgrader_course.course_files import (  # noqa: E402
    ASSIGNMENT,
    STUDENTS,
    make_course,
    nbgrader_autograde,
    totals,
)


@dataclass
class Row:
    tool: str
    workers: int
    wall: float
    n: int

    @property
    def per_submission(self) -> float:
        return self.wall / self.n


@dataclass
class BenchResult:
    n: int
    rows: list[Row] = field(default_factory=list)
    load_before: tuple[float, ...] = ()
    load_after: tuple[float, ...] = ()
    sandbox: str = ""

    def ratio(self, row: Row) -> float:
        return self.rows[0].wall / row.wall


def make_batch(course: Path, n: int) -> list[str]:
    """Replace the course's submissions by ``n`` copies of the example students' (s01, s02, ...)."""
    submitted = course / "submitted"
    staging = course / "examples"
    shutil.move(str(submitted), staging)
    ids = []
    for i in range(n):
        sid = f"s{i + 1:02d}"
        shutil.copytree(staging / STUDENTS[i % len(STUDENTS)] / ASSIGNMENT, submitted / sid / ASSIGNMENT)
        ids.append(sid)
    shutil.rmtree(staging)
    return ids


def run_benchmark(*, n: int = 20, sandbox: str = "auto", keep: bool = False) -> BenchResult:
    from autograder.nbgrader_course import grade_nbgrader_assignment
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = BenchResult(n=n, load_before=os.getloadavg())
    with scratch_folder("bench-nbgrader-", result, keep=keep) as work:
        base = make_course(work / "base", students=list(STUDENTS))
        make_batch(base, n)
        roots = {name: shutil.copytree(base, work / name) for name in ("nbgrader", "w1", "w2")}
        result.rows.append(Row("nbgrader autograde", 1, nbgrader_autograde(roots["nbgrader"]), n))
        for workers in (1, 2):
            t0 = time.perf_counter()
            summary = grade_nbgrader_assignment(root=roots[f"w{workers}"], assignment=ASSIGNMENT, workers=workers,
                                                sandbox=sandbox, progress=False, warn=lambda _: None)
            result.rows.append(Row("autograder grade --nbgrader", workers, time.perf_counter() - t0, n))
            result.sandbox = summary.sandbox
            if summary.failed or len(summary.graded) != n:
                raise RuntimeError(f"{workers} worker(s): {len(summary.graded)} of {n} graded, "
                                   f"failed: {[(s.student_id, s.error) for s in summary.failed]}")
        want = totals(roots["nbgrader"])
        for name in ("w1", "w2"):
            got = totals(roots[name])
            if got != want:
                diff = {k: (got.get(k), want.get(k)) for k in want if got.get(k) != want.get(k)}
                raise RuntimeError(f"{name}: totals differ from nbgrader's (ours, nbgrader's): {diff}")
    return result


def render(result: BenchResult) -> str:
    lines = [f"{result.n} submissions (2 notebooks each), sandbox: {result.sandbox or '?'}, "
             f"{os.cpu_count()} cores, load average before {_load(result.load_before)}, "
             f"after {_load(result.load_after)}",
             f"{'tool':<30} {'workers':>7} {'wall s':>8} {'s/submission':>13} {'vs nbgrader':>12}"]
    for row in result.rows:
        lines.append(f"{row.tool:<30} {row.workers:>7} {row.wall:>8.1f} {row.per_submission:>13.2f} "
                     f"{result.ratio(row):>11.2f}x")
    lines.append("totals equal to nbgrader's for every submission at 1 and 2 workers")
    return "\n".join(lines)


def _load(load: tuple[float, ...]) -> str:
    return "/".join(f"{x:.1f}" for x in load) if load else "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="submissions in the batch (default 20)")
    parser.add_argument("--sandbox", default="auto", help="auto | require | none (default auto)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args(argv)
    print(render(run_benchmark(n=args.n, sandbox=args.sandbox, keep=args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
