"""Alembic migrations of the seminar tables: a gradebook made by the code before migrations (nbgrader's tables,
the eight seminar tables, imported data; `files/gradebook_pre_live.db`) upgrades in place, and a fresh one gets
exactly the schema `store.py` queries."""
from __future__ import annotations

import shutil
import sqlite3

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from autograder.core.roster import read_roster
from autograder.seminar.adjust import record_adjustment
from autograder.seminar.aggregate import load_results
from autograder.seminar.audience import import_audience
from autograder.seminar.live.day import LiveDay
from autograder.seminar.migrate import VERSION_TABLE, current, head, upgrade
from autograder.seminar.registration import import_groups
from autograder.seminar.report import class_rows
from autograder.seminar.sheets import import_scores
from autograder.seminar.store import load_audience, metadata, open_db

from .conftest import FILES, SEMINAR_FILES


def _imported(db_url, midterm):
    """What the pre-live gradebook holds, imported again by today's code."""
    import_groups(db_url, registration=SEMINAR_FILES / "registration_clean.csv", roster=SEMINAR_FILES / "roster.csv",
                  assessment="midterm")
    import_scores(db_url, rubric=midterm, paths=[SEMINAR_FILES / "sheet_ta_an.csv",
                                                 SEMINAR_FILES / "sheet_lecturer.csv"])
    import_audience(db_url, rubric=midterm, path=SEMINAR_FILES / "audience_midterm.csv")
    record_adjustment(db_url, assessment="midterm", student_id="16022402", delta=-1.0, reason="absent from Q&A",
                      author="Lecturer")


def test_old_gradebook_upgrades_in_place(tmp_path, midterm, db_url):
    old = tmp_path / "old.db"
    shutil.copyfile(FILES / "gradebook_pre_live.db", old)
    raw = sqlite3.connect(old)
    nbgrader_before = raw.execute("SELECT version_num FROM alembic_version").fetchall()
    tables_before = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert VERSION_TABLE not in tables_before and "seminar_audience" in tables_before
    url = f"sqlite:///{old}"
    with open_db(url) as engine, engine.connect() as conn:
        assert current(conn) == head()
        cols = {c["name"] for c in sa.inspect(conn).get_columns("seminar_audience")}
        assert {"origin", "updated_at"} <= cols
        assert {r.origin for r in conn.execute(sa.text("SELECT origin FROM seminar_audience"))} == {"import"}
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).fetchall() == nbgrader_before
        assert conn.execute(sa.text("SELECT id FROM student")).scalars().all() == ["16022401"]   # nbgrader's
    _imported(db_url, midterm)
    assert class_rows(load_results(url, assessment="midterm")) == class_rows(load_results(db_url, assessment="midterm"))
    # the upgraded gradebook takes live votes, and a later import of the export leaves them alone
    with open_db(url) as engine:
        live = LiveDay(engine=engine, rubric=midterm, roster=read_roster(SEMINAR_FILES / "roster.csv"),
                       day="2019-10-23")
        assert live.vote(group_slug="bag_of_tricks", rater="16022417", score="9", comment="live").replaced is False
    import_audience(url, rubric=midterm, path=SEMINAR_FILES / "audience_midterm.csv")
    with open_db(url) as engine, engine.connect() as conn:
        votes = load_audience(conn, assessment="midterm")
    assert [(v.rater, v.score, v.comment) for v in votes if v.row > 1_000_000] == [("16022417", 9.0, "live")]
    assert len(votes) == 9


def test_fresh_schema_is_what_store_queries(db_url):
    with open_db(db_url) as engine, engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "version_table": VERSION_TABLE, "compare_server_default": True,
            "include_name": lambda name, kind, parent: kind != "table" or name.startswith("seminar_")})
        diffs = [d for d in compare_metadata(ctx, metadata) if not (d[0] == "remove_table"
                                                                    and d[1].name == VERSION_TABLE)]
    assert diffs == []


def test_upgrade_is_a_no_op_at_head_and_downgrade_round_trips(db_url):
    engine = sa.create_engine(db_url)
    upgrade(engine)
    seen = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    upgrade(engine)
    assert seen and all(VERSION_TABLE in sql for sql in seen)  # only the version is read; nothing else runs
    from alembic import command

    from autograder.seminar.migrate import _config
    with engine.begin() as conn:
        command.downgrade(_config(conn), "s0001")
    with engine.connect() as conn:
        assert current(conn) == "s0001"
        assert "origin" not in {c["name"] for c in sa.inspect(conn).get_columns("seminar_audience")}
    upgrade(engine)
    with engine.connect() as conn:
        assert current(conn) == head() == "s0002"
    engine.dispose()
