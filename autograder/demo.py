"""`make demo`: every week on the bundled example course, with the embedded defaults.

For each assignment with bundled examples (`assignments/A/examples/`): release -> collect them (with the roster)
-> grade on the local pool -> feedback pages; then CSV exports, the class report and one summary table per week,
each checked against the week's `EXPECTED.yaml`.
The course directory is `PROJECT/.demo/course` (recreated each run).

Usage: ``python -m autograder.demo --project DIR`` (`make demo` passes the repository): the demo runs on a course
*project* folder (`assignments/`, `reference_solutions/`, `course/roster.csv`, `course/policy.yaml`), named on the
command line, never guessed from where the package is installed. It writes `autograder.yaml` naming both folders,
as a real course does.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml


def roster_file(project: Path) -> Path:
    return project / "course" / "roster.csv"


def expected_mismatches(*, course, assignment: str, expected_file: Path) -> list[str]:
    """Compare stored results with EXPECTED.yaml (student -> total and tasks that lose points)."""
    from autograder.core.results import load_result
    if not expected_file.is_file():
        return []
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8")) or {}
    problems = []
    for sid, spec in (expected.get("students") or expected).items():
        sid = str(sid)
        result = load_result(course.result_file(sid, assignment))
        if result is None:
            problems.append(f"{sid}: no result")
            continue
        want = float(spec["total"]) if isinstance(spec, dict) else float(spec)
        if abs(result.score - want) > 1e-6:
            lost = {t.task: t.messages for t in result.tasks if t.score < t.max_score}
            problems.append(f"{sid}: got {result.score:g}, expected {want:g}; lost in {sorted(lost)}")
    return problems


def demo_policy(*, course, project: Path) -> Path:
    """The shipped course policy, with the weeks due a week from today (the examples were collected just now)."""
    import datetime as dt
    policy = yaml.safe_load((project / "course" / "policy.yaml").read_text(encoding="utf-8"))
    policy["roster"] = str(roster_file(project))
    due = dt.date.today() + dt.timedelta(days=7)
    for spec in policy["assessments"].values():
        if spec.get("kind") == "assignment":
            spec["due"] = f"{due.isoformat()} 23:59"
    path = course.root / "policy.yaml"
    from autograder.core.atomic import write_text_atomic
    write_text_atomic(path, yaml.safe_dump(policy, allow_unicode=True, sort_keys=False))
    return path


def class_report(*, course, project: Path) -> Path:
    from autograder.reports.render import generate_reports
    out = course.reports
    generate_reports(course=course, out=out, policy=demo_policy(course=course, project=project))
    return out


def course_config(project: Path) -> str:
    """The demo course's autograder.yaml: where its assignments, references and roster are."""
    return yaml.safe_dump({"course_id": "INT3121", "assignments": str(project / "assignments"),
                           "reference_solutions": str(project / "reference_solutions"),
                           "roster": str(roster_file(project))}, sort_keys=False)


def demo_assignments(project: Path) -> list[str]:
    """Every assignment of the project that bundles example submissions with their expected scores."""
    root = project / "assignments"
    return sorted(p.name for p in root.iterdir()
                  if (p / "manifest.yaml").is_file() and (p / "examples" / "EXPECTED.yaml").is_file())


def run_week(*, course, config, assignment: str, workers: int) -> tuple[str, list[str]]:
    """release -> collect the bundled examples -> grade -> feedback; (summary table, mismatches)."""
    from autograder.core.settings import GradeSettings
    from autograder.pipeline.collect import collect_submissions
    from autograder.pipeline.feedback import write_feedback
    from autograder.pipeline.release import release_assignment
    from autograder.pipeline.runner import grade_assignment
    from autograder.pipeline.summary import render_summary

    examples = course.examples(assignment)
    print(f"== {assignment}: release")
    release_assignment(course=course, assignment=assignment, force=True)
    print(f"   student copy: {course.release(assignment)}")
    print(f"== {assignment}: collect from {examples} (roster {config.roster})")
    report = collect_submissions(course=course, assignment=assignment, source=examples, roster=config.roster)
    print("   " + (report.summary() if hasattr(report, "summary") else str(report)).replace("\n", "\n   "))
    print(f"== {assignment}: grade on the local pool ({workers} workers, sandbox mode {config.sandbox!r}; the "
          "summary says which mode graded)")
    settings = GradeSettings(course=course, sandbox=config.sandbox, seed=config.seed, threads=config.threads)
    summary = grade_assignment(settings=settings, assignment=assignment, workers=workers)
    pages = write_feedback(course=course, assignment=assignment)
    print(f"   {len(pages)} feedback pages under {course.root / 'feedback'}")
    table = render_summary(course=course, assignment=assignment, summary=summary)
    problems = expected_mismatches(course=course, assignment=assignment, expected_file=examples / "EXPECTED.yaml")
    return table, [f"{assignment} {p}" for p in problems]


def run_demo(*, project: Path, root: Path | None = None, workers: int | None = None,
             assignments: list[str] | None = None) -> int:
    from autograder.core.atomic import write_text_atomic
    from autograder.core.settings import default_workers, open_course
    from autograder.pipeline.export import export_scores

    project = project.resolve()
    root = root or project / ".demo" / "course"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    write_text_atomic(root / "autograder.yaml", course_config(project))
    course, config = open_course(root)
    weeks = assignments or demo_assignments(project)
    workers = workers or default_workers(config)

    tables, problems = [], []
    for assignment in weeks:
        table, wrong = run_week(course=course, config=config, assignment=assignment, workers=workers)
        tables.append((assignment, table))
        problems += wrong

    print("== exports and the class report")
    totals = export_scores(course=course, out=root / "scores.csv")
    by_task = export_scores(course=course, out=root / "scores_by_task.csv", by_task=True)
    print(f"   {totals}; {by_task}")
    report_dir = class_report(course=course, project=project)
    print(f"   class grade report: {report_dir / 'index.html'}")

    for assignment, table in tables:
        print()
        print(f"-- {assignment}")
        print(table)
    print()
    if problems:
        print("DIFFERENT FROM EXPECTED:")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"all example submissions of {', '.join(weeks)} scored as expected (examples/EXPECTED.yaml of each)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=".", metavar="DIR",
                        help="the course project: assignments/, reference_solutions/, course/ (default: .)")
    parser.add_argument("--root", default=None, help="course dir to (re)create (default: PROJECT/.demo/course)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--assignment", action="append", metavar="A",
                        help="only this assignment (repeatable; default: every assignment with examples/EXPECTED.yaml)")
    args = parser.parse_args(argv)
    from autograder.core.errors import AutograderError
    try:
        return run_demo(project=Path(args.project), root=Path(args.root) if args.root else None,
                        workers=args.workers, assignments=args.assignment)
    except AutograderError as e:
        print(f"demo: error: {e}", file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
