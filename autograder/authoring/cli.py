"""Thin CLI for authoring: `author new`, `author check` and `selftest`. Each handler parses, calls the
keyword-only API and returns an exit code; AutograderError is reported once by the main CLI.

    autograder author new NAME                          scaffold assignments/NAME and reference_solutions/NAME.py
    autograder author check ASSIGNMENT [--no-examples] [-k EXPR]      0 only when nothing would break grading
    autograder selftest ASSIGNMENT [--task T] [--format text|json]    0 only when no variant survives

ASSIGNMENT is a folder name under the course's assignments root (COURSE/autograder.yaml: `assignments`) or a
path to the folder; its reference is `reference_solutions`/NAME.py of the course config (or --reference).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from autograder.core.errors import InputError
from autograder.core.settings import SANDBOX_MODES

ASSIGNMENT_HELP = ("folder name under the course's assignments root (autograder.yaml: assignments), "
                   "or a path to an assignment folder")
CHECK_EPILOG = """\
Findings (each names the file and the cell, test or task):
  manifest: unreadable, or task points not adding up to 100
  notebook: a task without a solution cell defining it (top-level def/class), without a grade cell
            (grade_id = task) or with other points; a grade cell that is not the check_task call;
            unlocked instructor cells (markdown, setup/helper code, grade cells)
  tests:    a public test using `reference`, the reference module or hidden files; a test of a task not in
            the manifest; per-task test points disagreeing with the manifest (CPU and GPU runner)
  runs:     a test failing with the notebook's solutions or with the reference as the student (in-process);
            an example not scoring what examples/EXPECTED.yaml says (graded through the real pipeline,
            sandboxed), or a notebook missing from / named by EXPECTED.yaml only
Exit 0 only when there are no findings, 1 otherwise.
"""
SELFTEST_EPILOG = """\
Cases come from ASSIGNMENT/selftest.yaml (docs/AUTHORING.md): the reference and every style must keep all
points, every variant must lose points on its task and only on [task] + also_costs (with the words of
`message` when given), every stub must score 0 on its task. Exit 0 when none survives or fails falsely.
"""


def resolve_assignment(args) -> tuple[Path, Path]:
    """(assignment folder, reference module) for the ASSIGNMENT argument."""
    given = Path(args.assignment)
    reference = Path(args.reference) if getattr(args, "reference", None) else None
    is_path = given.is_dir() or len(given.parts) > 1
    if is_path and reference is not None:
        folder = given
    else:
        from autograder.core.settings import open_course
        course, _ = open_course(args.course)
        folder = given if is_path else course.source(args.assignment)
        reference = reference or course.reference_module(folder.name)
    if not (folder / "manifest.yaml").is_file():
        raise InputError("not an assignment folder (no manifest.yaml)", file=str(folder),
                         hint="give a folder name under the course's assignments root or a path; "
                              "`autograder author new NAME` makes one")
    return folder.resolve(), reference.resolve()


def cmd_author_new(args) -> int:
    from autograder.authoring.scaffold import new_assignment
    from autograder.core.settings import open_course
    course, _ = open_course(args.course)          # both folders must be configured (ConfigError names the key)
    report = new_assignment(assignments_root=course.source(args.name).parent,
                            reference_root=course.reference_module(args.name).parent, name=args.name)
    print(f"created {report.assignment_dir} and {report.reference}")
    print(f"next: edit {report.assignment_dir / (args.name + '.ipynb')} in Jupyter, then "
          f"`autograder author check {args.name}` and `autograder selftest {args.name}`")
    return 0


def cmd_author_check(args) -> int:
    from autograder.authoring.check import check_assignment
    from autograder.authoring.findings import render_author_report
    folder, reference = resolve_assignment(args)
    report = check_assignment(assignment_dir=folder, reference_path=reference, run_examples=not args.no_examples,
                              sandbox=args.sandbox, select=args.k)
    print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else render_author_report(report))
    return report.exit_code


def cmd_selftest(args) -> int:
    from autograder.authoring.selftest import render_selftest, run_selftest
    folder, reference = resolve_assignment(args)
    report = run_selftest(assignment_dir=folder, reference_path=reference, only=args.task or None,
                          progress=False if args.format == "json" else None)
    print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else render_selftest(report))
    return report.exit_code


def register(subparsers) -> None:
    """Add `author` (new, check) and `selftest` to the main CLI's subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    author = subparsers.add_parser("author", help="scaffold and check assignment sources (instructors)",
                                   description="Write an assignment: `author new`, edit the notebook in Jupyter, "
                                               "`author check`, `selftest`, then `release`.").add_subparsers(
        dest="author_command", required=True, metavar="ACTION")
    p = author.add_parser("new", help="scaffold a new assignment folder with one example task",
                          description="Create ASSIGNMENTS/NAME/ (notebook with a task `add`, its grade cell, "
                                      "manifest, public and hidden tests, examples/, selftest.yaml) and "
                                      "REFERENCE_SOLUTIONS/NAME.py, both roots from the course config. "
                                      "Refuses to overwrite.")
    p.add_argument("name", metavar="NAME", help="assignment id, e.g. w07_transfer (letters, digits, _)")
    p.set_defaults(func=cmd_author_new)

    p = author.add_parser("check", help="everything in an assignment that would break grading (exit 1 if any)",
                          epilog=CHECK_EPILOG, formatter_class=fmt)
    p.add_argument("assignment", metavar="ASSIGNMENT", help=ASSIGNMENT_HELP)
    p.add_argument("--no-examples", action="store_true",
                   help="do not grade the example submissions (the slow part: one sandboxed kernel each)")
    p.add_argument("-k", metavar="EXPR", default=None,
                   help="pytest -k expression for the in-process runs, e.g. 'not train_classifier'")
    p.add_argument("--reference", metavar="FILE", help="reference module (default: from the course config)")
    p.add_argument("--sandbox", choices=SANDBOX_MODES, default="auto",
                   help="sandbox of the example kernels (default auto)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_author_check)

    p = subparsers.add_parser("selftest", help="measure an assignment's tests with its single-bug variants",
                              description="Grade the reference, the correct styles, the single-bug variants and "
                                          "the stubs of ASSIGNMENT/selftest.yaml in-process; print the kill "
                                          "matrix, survivors and false fails.",
                              epilog=SELFTEST_EPILOG, formatter_class=fmt)
    p.add_argument("assignment", metavar="ASSIGNMENT", help=ASSIGNMENT_HELP)
    p.add_argument("--task", action="append", metavar="T", help="only the variants and stubs of this task "
                   "(repeatable; the reference and styles always run)")
    p.add_argument("--reference", metavar="FILE", help="reference module (default: from the course config)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_selftest)
