"""`autograder` command line: parses flags and calls the keyword-only API; nothing else lives here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.core.errors import AutograderError
from autograder.core.settings import SANDBOX_MODES

DESCRIPTION = """\
Autograder for INT3121 (image classification with CNNs).

Typical week:  release -> (students submit) -> collect -> grade -> feedback -> export.
Authoring:     author new -> (edit the notebook in Jupyter) -> author check -> selftest -> release.
The course directory (--course, default: the current directory) has nbgrader's layout:
release/, submitted/, autograded/, feedback/, gradebook.db. Assignment sources are read from the
project's assignments/ folder, or the one named in COURSE/autograder.yaml.
"""


def _course(args):
    from autograder.core.settings import open_course
    return open_course(args.course)


def cmd_release(args) -> int:
    from autograder.pipeline.release import release_assignment
    course, config = _course(args)
    report = release_assignment(course=course, assignment=args.assignment, force=args.force,
                                course_id=config.course_id)
    print(f"released {args.assignment} to {course.release(args.assignment)}")
    for line in getattr(report, "lines", lambda: [])():
        print(f"  {line}")
    return 0


def cmd_collect(args) -> int:
    from autograder.pipeline.collect import collect_submissions
    course, config = _course(args)
    roster = Path(args.roster) if args.roster else config.roster
    report = collect_submissions(course=course, assignment=args.assignment,
                                 source=Path(args.path) if args.path else None, roster=roster,
                                 course_id=config.course_id)
    print(report.summary() if hasattr(report, "summary") else report)
    return 0


def cmd_grade(args) -> int:
    from autograder.core.settings import GradeSettings, default_workers
    from autograder.nbgrader_course.course import is_nbgrader_course
    from autograder.pipeline.runner import grade_assignment
    from autograder.pipeline.summary import render_summary
    if args.nbgrader or is_nbgrader_course(args.course or "."):
        return cmd_grade_nbgrader(args)
    course, config = _course(args)
    settings = GradeSettings(course=course, sandbox=args.sandbox or config.sandbox, gpu=args.gpu or config.gpu,
                             seed=config.seed, threads=config.threads)
    summary = grade_assignment(settings=settings, assignment=args.assignment, student_ids=args.student or None,
                               workers=args.workers or default_workers(config), force=args.force,
                               progress=not args.quiet, scheduler=args.scheduler or config.scheduler)
    print(render_summary(course=course, assignment=args.assignment, summary=summary))
    return 0


def cmd_grade_nbgrader(args) -> int:
    from autograder.core.settings import CourseConfig, default_workers
    from autograder.nbgrader_course import grade_nbgrader_assignment, render_nbgrader_summary
    summary = grade_nbgrader_assignment(root=args.course or ".", assignment=args.assignment,
                                        student_ids=args.student or None, force=args.force,
                                        workers=args.workers or default_workers(CourseConfig()),
                                        sandbox=args.sandbox or "auto", progress=not args.quiet,
                                        scheduler=args.scheduler)
    print(render_nbgrader_summary(summary))
    return 0


def cmd_feedback(args) -> int:
    from autograder.pipeline.feedback import write_feedback
    course, _ = _course(args)
    paths = write_feedback(course=course, assignment=args.assignment, student_ids=args.student or None)
    print(f"wrote {len(paths)} feedback page(s) under {course.root / 'feedback'}")
    return 0


def cmd_export(args) -> int:
    course, _ = _course(args)
    out = Path(args.output)
    if args.format in ("moodle", "canvas", "long"):
        from autograder.reports.cli import export_lms
        export = export_lms(course=course, fmt=args.format, out=out)
        for line in export.left_out:
            print(f"  left out: {line}")
    else:
        from autograder.pipeline.export import export_scores
        export_scores(course=course, out=out, assignment=args.assignment, by_task=args.by_task)
    print(f"wrote {out}")
    return 0


def cmd_check(args) -> int:
    from autograder.check import check_notebook, render_report
    report = check_notebook(notebook=Path(args.notebook), tests_dir=args.tests, sandbox=args.sandbox)
    print(render_report(report))
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", metavar="DIR", default=None,
                        help="course working directory (default: current directory)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="write the student copy of an assignment under release/")
    p.add_argument("assignment", help="assignment id, e.g. w03_training")
    p.add_argument("--force", action="store_true", help="overwrite an existing release")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("collect", help="collect submissions from the exchange, a folder or a .zip")
    p.add_argument("assignment")
    p.add_argument("path", nargs="?", help="folder or .zip of <student_id>[_anything].ipynb (default: exchange)")
    p.add_argument("--roster", metavar="CSV", help="roster with a student_id column; unknown students are skipped")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("grade", help="grade collected submissions (resumes; --force re-grades)")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.add_argument("--workers", type=int, default=0, help="parallel kernels (default: number of cores)")
    p.add_argument("--force", action="store_true", help="re-grade submissions that already have a result")
    p.add_argument("--sandbox", choices=SANDBOX_MODES, default=None,
                   help="auto (default): bubblewrap when available, else resource limits only (warned once); "
                        "require: refuse to grade without bubblewrap; none: resource limits only")
    p.add_argument("--gpu", action="store_true", help="this runner has a GPU: run the GPU variants of tests")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="grade on this Dask scheduler's workers instead of the local pool (default: `scheduler:` in "
                        "autograder.yaml, else the local pool); GPU-marked jobs go to workers started with "
                        "--resources GPU=1; see docs/CLUSTER.md")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--nbgrader", action="store_true",
                   help="a plain nbgrader course (nbgrader_config.py, source/, submitted/, gradebook.db): grade it "
                        "like `nbgrader autograde`, sandboxed and in parallel (the default in a folder with "
                        "nbgrader_config.py and no autograder.yaml); see docs/NBGRADER.md")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="write one HTML feedback page per student")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", metavar="ID")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="export scores as CSV (totals, --by-task, or an LMS format)")
    p.add_argument("assignment", nargs="?", help="only this assignment (default: all)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.add_argument("--by-task", action="store_true",
                   help="tidy CSV: student_id,assignment,task,score,max_score")
    p.add_argument("--format", choices=("totals", "moodle", "canvas", "long"), default="totals",
                   help="totals (default) or an LMS gradebook shape")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("check", help="student's local check: run the notebook and its public tests")
    p.add_argument("notebook")
    p.add_argument("--tests", metavar="DIR", help="public tests folder (default: public_tests/ beside it)")
    p.add_argument("--sandbox", choices=SANDBOX_MODES, default="none")
    p.set_defaults(func=cmd_check)

    from autograder.authoring.cli import register as register_authoring
    from autograder.reports.cli import register as register_reports
    from autograder.seminar.cli import register as register_seminar
    register_seminar(sub)
    register_reports(sub)
    register_authoring(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AutograderError as e:
        print(f"autograder: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("autograder: interrupted; finished results are saved, run the command again to resume",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
