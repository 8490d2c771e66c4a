"""Thin CLI for the seminar: `rubric`, `groups` and `seminar` subcommands. Each handler parses, calls the
keyword-only API and returns an exit code; AutograderError is reported once by the main CLI.

    autograder rubric validate FILE...             0 when valid, 1 with file:line: key: reason
    autograder rubric show FILE [--format json]
    autograder groups check REG.csv --roster ROSTER.csv [--format json]     1 when problems are found
    autograder groups import REG.csv --roster ROSTER.csv --assessment midterm [--allow KIND]
    autograder seminar sheets --rubric R.yaml --raters "TA An,Lecturer" --out DIR [--xlsx]
    autograder seminar import-scores --rubric R.yaml SHEET... [--rater NAME]
    autograder seminar import-audience --rubric R.yaml EXPORT.csv
    autograder seminar adjust --assessment midterm --student ID --delta -1 --reason TEXT [--by NAME]
    autograder seminar report --assessment midterm [--out DIR] [--spread 2.0]
    autograder seminar serve --day 2026-10-16 [--assessment midterm] [--roster R.csv] [--rubric R.yaml] [--port 8000]
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from autograder.core.coursedir import CourseDirectory
from autograder.core.errors import RubricError
from autograder.core.scores import format_score
from autograder.core.settings import open_course
from autograder.seminar.rubric import ASSESSMENTS, load_rubric


def _db_url(args) -> str:
    """--db, else the course's gradebook: `db_url` of its autograder.yaml (e.g. PostgreSQL), else its SQLite file."""
    if args.db:
        return args.db
    course, _ = open_course(getattr(args, "course", None) or ".")
    return course.db_url


def cmd_rubric_validate(args) -> int:
    status = 0
    for path in args.files:
        try:
            r = load_rubric(path)
        except RubricError as e:
            print(f"INVALID {e}")
            status = 1
            continue
        weights = "/".join(f"{c.weight:g}" for c in r.criteria)
        caps = "".join(f"; cap {c.id} at {c.max_total:g}" for c in r.caps)
        print(f"OK {path}: {r.name} ({r.assessment}), {len(r.criteria)} criteria, weights {weights}{caps}")
    return status


def cmd_rubric_show(args) -> int:
    r = load_rubric(args.file)
    if args.format == "json":
        data = asdict(r)
        data.pop("source_text")
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{r.title or r.name} [{r.assessment}] out of {r.scale:g}")
    for c in r.criteria:
        print(f"  {c.id} ({c.weight:g}%, {c.source}, 0-{c.max_points:g}): {c.title}")
        for lv in c.levels:
            print(f"      {lv.points[0]:g}-{lv.points[1]:g} {lv.name}: {lv.descriptor}")
    for cap in r.caps:
        print(f"  cap {cap.id}: total at most {cap.max_total:g} ({cap.decided_by}) - {cap.description}")
    print(f"  rules: disagreement spread {r.rules.disagreement_spread:g}, min raters {r.rules.min_raters}")
    return 0


def cmd_groups_check(args) -> int:
    from autograder.seminar.registration import check_groups, render_text
    check = check_groups(registration=args.registration, roster=args.roster, min_size=args.min_size,
                         max_size=args.max_size)
    print(json.dumps(check.to_dict(), ensure_ascii=False, indent=2) if args.format == "json"
          else render_text(check))
    return 0 if check.ok else 1


def cmd_groups_import(args) -> int:
    from autograder.seminar.registration import import_groups
    check = import_groups(_db_url(args), registration=args.registration, roster=args.roster,
                          assessment=args.assessment, min_size=args.min_size, max_size=args.max_size,
                          allow=tuple(args.allow or ()) + ("unassigned",))
    print(f"stored {len(check.groups)} groups for {args.assessment} ({len(check.problems)} accepted problem(s))")
    return 0


def cmd_sheets(args) -> int:
    from autograder.seminar.sheets import write_sheets
    from autograder.seminar.store import load_groups, open_db
    rubric = load_rubric(args.rubric)
    with open_db(_db_url(args)) as engine, engine.connect() as conn:
        groups = list(load_groups(conn, assessment=rubric.assessment).values())
    raters = [r.strip() for r in args.raters.split(",") if r.strip()]
    for path in write_sheets(rubric=rubric, groups=groups, raters=raters, out_dir=args.out, xlsx=args.xlsx):
        print(path)
    return 0


def cmd_import_scores(args) -> int:
    from autograder.seminar.sheets import import_scores
    ratings = import_scores(_db_url(args), rubric=load_rubric(args.rubric), paths=args.sheets, rater=args.rater)
    print(f"imported {len(ratings)} rating(s) from {len(args.sheets)} sheet(s)")
    return 0


def cmd_import_audience(args) -> int:
    from autograder.seminar.audience import import_audience
    res = import_audience(_db_url(args), rubric=load_rubric(args.rubric), path=args.export, roster=args.roster)
    print(f"imported {len(res.votes)} audience vote(s): {res.counted} counted, {res.self_votes} self-vote(s) "
          f"and {res.duplicates} earlier duplicate(s) not counted"
          + (f", {res.not_on_roster} from raters not on the roster" if args.roster else ""))
    for line in res.unknown_raters:
        print(f"  {line}")
    return 0


def cmd_adjust(args) -> int:
    from autograder.seminar.adjust import record_adjustment
    adj = record_adjustment(_db_url(args), assessment=args.assessment, student_id=args.student, delta=args.delta,
                            reason=args.reason, author=args.by or "")
    print(f"recorded {format_score(adj.delta, sign=True)} for {adj.student_id} ({args.assessment}): {adj.reason}")
    return 0


def cmd_report(args) -> int:
    from autograder.core.errors import InputError
    from autograder.seminar.aggregate import load_results
    from autograder.seminar.report import write_report
    course = CourseDirectory(getattr(args, "course", None) or ".")
    results = load_results(args.db or course.db_url, assessment=args.assessment, spread_limit=args.spread)
    if results is None:
        raise InputError(f"nothing stored for {args.assessment!r}", hint="import score sheets first")
    files = write_report(results, out_dir=args.out or course.reports / "seminar" / args.assessment)
    flagged = sum(g.flagged for g in results.groups)
    print(f"wrote {len(files.groups)} group page(s), {files.index} and {files.class_csv}"
          f"{f'; {flagged} group(s) with rater disagreement' if flagged else ''}")
    return 0


def cmd_serve(args) -> int:
    from autograder.core.settings import load_course_config
    from autograder.seminar.live.server import serve
    course = CourseDirectory(getattr(args, "course", None) or ".")
    roster = args.roster or load_course_config(course.root).roster
    if roster is None:
        from autograder.core.errors import InputError
        raise InputError("no roster: voters' student IDs are checked against it",
                         hint="pass --roster ROSTER.csv or set roster: in autograder.yaml")
    serve(db_url=_db_url(args), assessment=args.assessment, day=args.day, roster=roster,
          rubric=args.rubric, groups=tuple(args.group or ()), host=args.host, port=args.port, ta_code=args.ta_code,
          lecturer_code=args.lecturer_code, public_url=args.public_url)
    return 0


def _db(p):
    p.add_argument("--db", metavar="URL", help="SQLAlchemy URL (default: the course gradebook)")


def register(subparsers) -> None:
    """Add `rubric`, `groups` and `seminar` to the main CLI's subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    rub = subparsers.add_parser("rubric", help="validate or show a rubric template").add_subparsers(
        dest="rubric_command", required=True, metavar="ACTION")
    p = rub.add_parser("validate", help="check rubric YAML files (exit 1 when one is invalid)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_rubric_validate)
    p = rub.add_parser("show", help="print a rubric's criteria and levels")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rubric_show)

    grp = subparsers.add_parser("groups", help="seminar group registration").add_subparsers(
        dest="groups_command", required=True, metavar="ACTION")
    for name, func, text in (("check", cmd_groups_check, "check a registration export (exit 1 on problems)"),
                             ("import", cmd_groups_import, "check, then store the groups of an assessment")):
        p = grp.add_parser(name, help=text, formatter_class=fmt)
        p.add_argument("registration", metavar="REGISTRATION.csv",
                       help="form export, CSV (',' ';' or tab) or .xlsx: group name, leader e-mail, member IDs "
                            "(one cell, e.g. '16022401 - Nguyễn Văn An' per line, or Member 1..5 columns), "
                            "dataset, presentation date")
        p.add_argument("--roster", required=True, metavar="ROSTER.csv",
                       help="class list, CSV or .xlsx, with a student ID column; title rows above the header "
                            "and split name columns (Họ đệm + Tên) are fine")
        p.add_argument("--min-size", type=int, default=3)
        p.add_argument("--max-size", type=int, default=5)
        p.set_defaults(func=func)
        if name == "check":
            p.add_argument("--format", choices=("text", "json"), default="text")
        else:
            p.add_argument("--assessment", required=True, choices=ASSESSMENTS)
            p.add_argument("--allow", action="append", metavar="KIND",
                           help="store despite problems of this kind (repeatable; unassigned always allowed)")
            _db(p)

    sem = subparsers.add_parser("seminar", help="seminar score sheets, imports, adjustments, reports").add_subparsers(
        dest="seminar_command", required=True, metavar="ACTION")
    p = sem.add_parser("sheets", help="write one score sheet per rater")
    p.add_argument("--rubric", required=True, metavar="FILE")
    p.add_argument("--raters", required=True, help="comma-separated rater names")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--xlsx", action="store_true", help="also write .xlsx sheets (with a rubric guide)")
    _db(p)
    p.set_defaults(func=cmd_sheets)
    p = sem.add_parser("import-scores", help="import filled sheets (all or nothing)")
    p.add_argument("--rubric", required=True, metavar="FILE")
    p.add_argument("sheets", nargs="+", metavar="SHEET")
    p.add_argument("--rater", help="rater name for sheets without a rater column value")
    _db(p)
    p.set_defaults(func=cmd_import_scores)
    p = sem.add_parser("import-audience", help="import the audience comment form export (all or nothing)")
    p.add_argument("--rubric", required=True, metavar="FILE")
    p.add_argument("export", metavar="EXPORT.csv")
    p.add_argument("--roster", metavar="ROSTER.csv",
                   help="class roster (student_id column): votes of raters not on it are stored but not counted")
    _db(p)
    p.set_defaults(func=cmd_import_audience)
    p = sem.add_parser("adjust", help="adjust one member's score, with a reason")
    p.add_argument("--assessment", required=True, choices=ASSESSMENTS)
    p.add_argument("--student", required=True, metavar="ID")
    p.add_argument("--delta", required=True, type=float, help="points on the rubric scale, e.g. -1.5; 0 clears")
    p.add_argument("--reason", default="")
    p.add_argument("--by", metavar="NAME", help="who decided it")
    _db(p)
    p.set_defaults(func=cmd_adjust)
    p = sem.add_parser("report", help="HTML page per group and a class CSV")
    p.add_argument("--assessment", required=True, choices=ASSESSMENTS)
    p.add_argument("--out", metavar="DIR", help="default: COURSE/reports/seminar/ASSESSMENT")
    p.add_argument("--spread", type=float, help="disagreement spread (default: the rubric's rules)")
    _db(p)
    p.set_defaults(func=cmd_report)
    p = sem.add_parser("serve", formatter_class=fmt,
                       help="the seminar day live: audience votes and TA rubric pages on the classroom network",
                       description="Serve the day's vote pages (a QR code per presenting group), the TAs' rubric "
                                   "pages and the lecturer's results page from this machine. Votes and scores go "
                                   "into the gradebook as imports do; see docs/SEMINAR_DAY.md.")
    p.add_argument("--day", required=True, help="presentation date of the groups to serve, e.g. 2026-10-16")
    p.add_argument("--assessment", choices=ASSESSMENTS, default="midterm")
    p.add_argument("--group", action="append", metavar="NAME",
                   help="serve this group (repeatable) instead of the groups whose presentation date is --day")
    p.add_argument("--roster", metavar="ROSTER.csv", help="class list (default: roster in autograder.yaml)")
    p.add_argument("--rubric", metavar="FILE", help="rubric YAML (default: the one stored for the assessment)")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default: every interface)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--ta-code", metavar="CODE", help="code the TAs type on rubric pages (default: a random one)")
    p.add_argument("--lecturer-code", metavar="CODE", help="code of the lecturer page (default: a random one)")
    p.add_argument("--public-url", metavar="URL",
                   help="address printed and put in the QR codes (default: http://THIS_MACHINE_IP:PORT)")
    _db(p)
    p.set_defaults(func=cmd_serve)


if __name__ == "__main__":  # pragma: no cover - the main CLI is autograder/cli.py
    sys.exit("use `autograder rubric|groups|seminar ...`")
