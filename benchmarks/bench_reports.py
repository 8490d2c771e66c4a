"""Benchmark: grade reports and LMS exports for 500 students x 10 assessments (8 assignments + 2 seminars).

    .venv/bin/python benchmarks/bench_reports.py [--students 500] [--assignments 8] [--keep DIR]

Writes a synthetic course (results JSON + timestamps, sample_course.py), then times loading + grading,
the class page with its plots, the 500+ student pages and the three CSV exports. Target: a few seconds.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.reports import data as report_data  # noqa: E402
from autograder.reports.lms import write_export  # noqa: E402
from autograder.reports.render import load_grades, render_reports  # noqa: E402
from autograder.reports.sample_course import write_sample_course  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--assignments", type=int, default=8, help="weekly assignments (plus 2 seminars)")
    parser.add_argument("--keep", metavar="DIR", help="write the course and reports here instead of a temp dir")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep or tmp)
        t = time.perf_counter()
        sample = write_sample_course(root=base / "course", n_students=args.students, n_assignments=args.assignments,
                                     tasks_per=8)
        print(f"setup: {args.students} students x {args.assignments + 2} assessments written in "
              f"{time.perf_counter() - t:.2f} s (not counted)")
        # seminar scores come from the seminar package's database; here, straight from the sample
        report_data.load_seminar = lambda *, course: (sample.seminar, sample.criteria, [])
        timings = {}
        t0 = time.perf_counter()
        grades = load_grades(course=sample.course, as_of=sample.as_of)
        timings["load results + grade"] = time.perf_counter() - t0
        summary = render_reports(grades, out=base / "reports")
        timings["class page + plots"] = summary.seconds["class_and_plots"]
        timings["class + student HTML"] = summary.seconds["html"]
        t1 = time.perf_counter()
        for fmt in ("moodle", "canvas", "long"):
            write_export(grades, fmt=fmt, out=base / f"{fmt}.csv")
        timings["3 CSV exports"] = time.perf_counter() - t1
        total = time.perf_counter() - t0
        for name, seconds in timings.items():
            print(f"{name:>24}: {seconds:6.2f} s")
        print(f"{'total':>24}: {total:6.2f} s  ({summary.student_pages} student pages, "
              f"{len(grades.scores)} student x assessment rows, {len(grades.tasks)} task rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
