"""`autograder report` (registered into the main parser) and `export_lms`, which `autograder export
--format moodle|canvas|long` calls. Flags in, keyword-only API calls out."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import InputError

# pandas, matplotlib and jinja2 are imported by the commands, not here: the parser is built on every
# `autograder` call, also `autograder check` on a student's light install.


def parse_as_of(text: str | None) -> dt.datetime | None:
    """`--as-of "2026-10-20 08:00"` (the policy's time zone unless an offset is given); None = now."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--as-of {text!r} is not a date and time", hint='write it like "2026-10-20 08:00"') from None


def export_lms(*, course: CourseDirectory, fmt: str, out: Path | str, policy: Path | str | None = None,
               as_of: dt.datetime | None = None):
    """Write a Moodle, Canvas or long CSV of the course's grades (an `lms.Export`; `left_out` lists students
    not in it)."""
    from autograder.reports.lms import write_export
    from autograder.reports.render import load_grades
    grades = load_grades(course=course, policy=policy, as_of=as_of)
    return write_export(grades, fmt=fmt, out=out)


def cmd_report(args) -> int:
    from autograder.core.settings import open_course
    from autograder.reports.render import generate_reports
    course, _ = open_course(args.course)
    out = Path(args.output) if args.output else course.reports
    summary = generate_reports(course=course, out=out, policy=args.policy, as_of=parse_as_of(args.as_of),
                               with_plots=not args.no_plots)
    print(f"wrote {summary.index} and {summary.student_pages} student page(s) under {out / 'students'}")
    for line in summary.warnings:
        print(f"  warning: {line}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="grade reports: OUT/index.html (class), OUT/students/<id>.html")
    p.add_argument("-o", "--output", metavar="OUTDIR", default=None,
                   help="folder for the reports (default: COURSE/reports)")
    p.add_argument("--policy", metavar="YAML", default=None,
                   help="course policy (default: COURSE/policy.yaml)")
    p.add_argument("--as-of", metavar="DATETIME", default=None,
                   help='grade as of this time, e.g. "2026-10-20 08:00" (default: now)')
    p.add_argument("--no-plots", action="store_true", help="skip the class plots (faster; tables only)")
    p.set_defaults(func=cmd_report)
