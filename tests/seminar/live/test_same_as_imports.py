"""A seminar day run live gives the report numbers that the same votes and sheets give when imported from files:
`seminar report`'s class table and the DataFrames `autograder report` reads (seminar/api.py)."""
from __future__ import annotations

import csv
import io

from autograder.seminar.aggregate import load_results
from autograder.seminar.api import seminar_criteria_summary, seminar_member_scores
from autograder.seminar.audience import group_key, import_audience
from autograder.seminar.report import class_rows
from autograder.seminar.sheets import import_scores, parse_sheets
from autograder.seminar.store import load_groups, open_db

from .conftest import SEMINAR_FILES, identify, new_client, rate, ta_login, vote

DAY_GROUPS = {"cnn tricks", "bag of tricks"}


def day_only(src, dst):
    """The sheet's header and its rows for the groups presenting on the day."""
    text = src.read_text(encoding="utf-8-sig")
    delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    col = [c.strip() for c in rows[0]].index("group")
    out = io.StringIO()
    csv.writer(out, delimiter=delim).writerows([rows[0]] + [r for r in rows[1:] if group_key(r[col]) in DAY_GROUPS])
    dst.write_text(out.getvalue(), encoding="utf-8")
    return dst


def test_live_day_reports_like_the_imported_files(groups_db, live, server, midterm, tmp_path):
    sheets = [day_only(SEMINAR_FILES / n, tmp_path / n) for n in ("sheet_ta_an.csv", "sheet_lecturer.csv")]
    export = SEMINAR_FILES / "audience_midterm.csv"
    # live: the TAs type the sheets' rows, the audience votes the export's rows in order
    with open_db(groups_db) as engine, engine.connect() as conn:
        groups = load_groups(conn, assessment="midterm")
    slugs = {name: live.slug_of(name) for name in live.groups}
    for r in parse_sheets(sheets, rubric=midterm, groups=groups):
        with new_client(server) as ta:
            ta_login(ta, slugs[r.group], r.rater)
            levels = {c: midterm.criterion(c).level_for(p).name for c, p in r.scores.items()}
            assert "Saved." in rate(ta, slugs[r.group], r.rater, levels, points=r.scores, comment=r.comment).text
    refused = []
    table = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8-sig"))))
    for row in table:
        group = next(g for g in live.groups if group_key(g) == group_key(row["Nhóm trình bày"]))
        with new_client(server) as phone:
            identify(phone, slugs[group], row["Email address"])
            rater = live.identify(row["Email address"]).student_id
            page = vote(phone, slugs[group], rater, row["Điểm"], row["Nhận xét"])
            if page.status_code != 200:
                refused.append((rater, group, page.status_code))
    assert refused == [("16022401", "CNN Tricks", 403), ("16022406", "Bag of Tricks", 403)]     # self-votes
    # imported: the same files through the import commands, into another gradebook
    imported = f"sqlite:///{tmp_path / 'imported.db'}"
    from autograder.seminar.registration import import_groups
    import_groups(imported, registration=SEMINAR_FILES / "registration_clean.csv",
                  roster=SEMINAR_FILES / "roster.csv", assessment="midterm")
    import_scores(imported, rubric=midterm, paths=sheets)
    import_audience(imported, rubric=midterm, path=export)

    live_res, file_res = load_results(groups_db, assessment="midterm"), load_results(imported, assessment="midterm")
    header, rows = class_rows(file_res)
    assert len(rows) == 8 and class_rows(live_res) == (header, rows)
    for a, b in zip(live_res.groups, file_res.groups):
        assert [(c.criterion.id, c.scores, c.spread, c.flagged) for c in a.criteria] == \
               [(c.criterion.id, c.scores, c.spread, c.flagged) for c in b.criteria]
        assert a.comments == b.comments
        counted = [(v.rater, v.score, v.comment) for v in b.audience if v.status == "valid"]
        assert sorted((v.rater, v.score, v.comment) for v in a.audience if v.status == "valid") == sorted(counted)
    assert seminar_member_scores(groups_db).equals(seminar_member_scores(imported))
    assert seminar_criteria_summary(groups_db).equals(seminar_criteria_summary(imported))
