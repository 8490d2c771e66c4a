"""Score sheets: one per rater (CSV, and XLSX via openpyxl), filled in and imported back.

Sheet columns: rater, group, dataset, members, one column per rater-scored criterion (its id), one
yes/no column per cap, comment. A blank criterion cell means "not scored by this rater"; a row with
every score and cap cell blank is skipped (the rater did not see that group). The XLSX file has a
second sheet, `rubric`, with every level and descriptor.

Import: every row of every file is validated first; one bad row rejects the whole import
(ImportRejected lists each bad row with file, row number and column); otherwise all ratings are
stored in one transaction. Re-importing a rater's sheet replaces that rater's earlier rows.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from autograder.core.atomic import atomic_path
from autograder.core.csvfile import write_csv
from autograder.core.errors import ImportRejected, InputError
from autograder.core.scores import format_score
from autograder.core.tables import Table, parse_number, read_table
from autograder.seminar.audience import group_key, match_group
from autograder.seminar.rubric import Rubric
from autograder.seminar.store import Group, Rating, load_groups, open_db, replace_ratings, save_rubric

YES = {"yes", "y", "x", "1", "true", "có", "co", "v", "✓"}
NO = {"no", "n", "0", "false", "không", "khong", "-"}
BASE_COLUMNS = ["rater", "group", "dataset", "members"]


def sheet_columns(rubric: Rubric) -> list[str]:
    return BASE_COLUMNS + [c.id for c in rubric.rater_criteria] + [c.id for c in rubric.caps] + ["comment"]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_") or "rater"


def _guide_rows(rubric: Rubric) -> list[list]:
    rows = []
    for c in rubric.rater_criteria:
        for lv in c.levels:
            rows.append([c.id, c.title, c.weight, lv.name, lv.points[0], lv.points[1], lv.descriptor])
    for cap in rubric.caps:
        rows.append([cap.id, "cap (yes/no)", "", f"total at most {format_score(cap.max_total)}", "", "",
                     cap.description])
    return rows


def write_sheets(*, rubric: Rubric, groups: list[Group], raters: list[str], out_dir: Path | str,
                 xlsx: bool = False) -> list[Path]:
    """Write one blank sheet per rater (plus `*.xlsx` copies when `xlsx`); returns the paths written."""
    if not raters:
        raise InputError("no raters given", hint="pass --raters 'TA An,TA Bình,Lecturer'")
    if not groups:
        raise InputError(f"no groups stored for {rubric.assessment!r}", hint="run `autograder groups import` first")
    out_dir = Path(out_dir)
    header = sheet_columns(rubric)
    blanks = [""] * (len(header) - len(BASE_COLUMNS))
    paths = []
    for rater in raters:
        rows = [[rater, g.name, g.dataset, " ".join(g.members)] + blanks for g in groups]
        stem = f"{rubric.assessment}_{slug(rater)}"
        paths.append(write_csv(out_dir / f"{stem}.csv", rows, header=header, bom=True))      # opened in Excel
        if xlsx:
            paths.append(_write_xlsx(out_dir / f"{stem}.xlsx", header, rows, rubric))
    return paths


def _write_xlsx(path: Path, header: list[str], rows: list[list], rubric: Rubric) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "scores"
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col in ("A", "B", "C", "D"):
        ws.column_dimensions[col].width = 18
    guide = wb.create_sheet("rubric")
    guide.append(["column", "criterion", "weight %", "level", "from", "to", "descriptor"])
    for row in _guide_rows(rubric):
        guide.append(row)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    wb.close()
    return path


def read_sheet(path: Path | str, *, rubric: Rubric) -> Table:
    aliases = {c: () for c in sheet_columns(rubric)}
    required = ("group",) + tuple(c.id for c in rubric.rater_criteria)
    return read_table(path, aliases=aliases, required=required, sheet="scores")


def parse_sheets(paths: list[Path | str], *, rubric: Rubric, groups: dict[str, Group],
                 rater: str | None = None) -> list[Rating]:
    """Validate every row of every sheet; ImportRejected lists each bad row (file, row, column)."""
    by_key = {group_key(name): name for name in groups}
    ratings, problems, seen = [], [], {}
    for path in paths:
        table = read_sheet(path, rubric=rubric)
        fname = Path(path).name
        for r in table.rows:
            bad = []
            scores, caps = {}, {}
            for c in rubric.rater_criteria:
                try:
                    v = parse_number(r.get(c.id))
                except ValueError:
                    bad.append(f"column {c.id!r}: {r.get(c.id)!r} is not a number")
                    continue
                if v is not None and not 0 <= v <= c.max_points:
                    bad.append(f"column {c.id!r}: {r.get(c.id)!r} is out of range 0-{c.max_points:g}")
                elif v is not None:
                    scores[c.id] = v
            for cap in rubric.caps:
                cell = r.get(cap.id).casefold()
                if cell in YES:
                    caps[cap.id] = True
                elif cell in NO or not cell:
                    caps[cap.id] = False
                else:
                    bad.append(f"column {cap.id!r}: {r.get(cap.id)!r} is not yes/no")
            if not bad and not scores and not any(caps.values()) and not r.get("comment"):
                continue                                   # the rater did not score this group
            who = (rater or r.get("rater")).strip()
            if not who:
                bad.append("column 'rater': empty; fill it in or pass --rater NAME")
            group, problem = match_group(r.get("group"), groups, by_key)
            if problem:
                bad.append(problem)
            elif who and (group, who) in seen:
                bad.append(f"column 'group': {who!r} already scored {group!r} at {seen[(group, who)]}")
            if bad:
                problems.extend((f"{r.number} of {fname}", msg) for msg in bad)
                continue
            seen[(group, who)] = f"row {r.number} of {fname}"
            ratings.append(Rating(group=group, rater=who, scores=scores, caps=caps, comment=r.get("comment"),
                                  source=f"{fname}:{r.number}"))
    if problems:
        rows = len({p[0] for p in problems})
        raise ImportRejected(f"{rows} bad row(s) in the score sheets; nothing was imported", problems=problems)
    return ratings


def import_scores(db_url: str, *, rubric: Rubric, paths: list[Path | str], rater: str | None = None) -> list[Rating]:
    """Validate all sheets, then store every rating in one transaction (all or nothing)."""
    if not paths:
        raise InputError("no score sheets given")
    with open_db(db_url) as engine:
        with engine.connect() as conn:
            groups = load_groups(conn, assessment=rubric.assessment)
        if not groups:
            raise ImportRejected(f"no groups are stored for {rubric.assessment!r}",
                                 hint="run `autograder groups import` first")
        ratings = parse_sheets(paths, rubric=rubric, groups=groups, rater=rater)
        with engine.begin() as conn:
            save_rubric(conn, rubric=rubric)
            replace_ratings(conn, assessment=rubric.assessment, ratings=ratings)
    return ratings
