"""The seminar tables and the live day on PostgreSQL (a throwaway cluster started for this module with the
server's own initdb/pg_ctl, on a Unix socket, no TCP): migrations give the schema store.py queries, and two
servers racing for one rater's first vote leave one row (the partial unique index), which the report counts once."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from autograder.core.roster import read_roster
from autograder.seminar.aggregate import load_results
from autograder.seminar.audience import import_audience
from autograder.seminar.live import storage
from autograder.seminar.live.day import LiveDay
from autograder.seminar.migrate import VERSION_TABLE
from autograder.seminar.registration import import_groups
from autograder.seminar.store import metadata, open_db

from .conftest import DAY, SEMINAR_FILES

pytest.importorskip("psycopg", reason="psycopg is in the dev extra (make setup)")


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


INITDB, PG_CTL = _pg_bin("initdb"), _pg_bin("pg_ctl")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    INITDB is None or PG_CTL is None,
    reason="PostgreSQL server binaries not installed (apt-get install -y postgresql; .ci/run installs them)")]


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user the package creates."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="module")
def pg_url():
    root = Path(tempfile.mkdtemp(prefix="seminar-pg-"))         # not under pytest's root-only tmp folder
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        for path in (root, data, sock):
            shutil.chown(path, "postgres")
    run = lambda argv: subprocess.run(_as_postgres(argv), capture_output=True, text=True, timeout=120)
    try:
        done = run([INITDB, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        assert done.returncode == 0, done.stderr[-2000:]
        done = run([PG_CTL, "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                    f"-k {sock} -p 55433 -c listen_addresses=''", "start"])
        assert done.returncode == 0, done.stderr[-2000:]
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port=55433"
    finally:
        run([PG_CTL, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def test_migrations_make_the_schema_store_queries(pg_url):
    with open_db(pg_url) as engine, engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "version_table": VERSION_TABLE, "compare_server_default": True,
            "include_name": lambda name, kind, parent: kind != "table" or name.startswith("seminar_")})
        diffs = [d for d in compare_metadata(ctx, metadata)
                 if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]
    assert diffs == []


def test_racing_first_votes_leave_one_row(pg_url, midterm):
    import_groups(pg_url, registration=SEMINAR_FILES / "registration_clean.csv",
                  roster=SEMINAR_FILES / "roster.csv", assessment="midterm")
    import_audience(pg_url, rubric=midterm, path=SEMINAR_FILES / "audience_midterm.csv")
    roster = read_roster(SEMINAR_FILES / "roster.csv")
    with open_db(pg_url) as engine:
        # two LiveDays = two servers: they share no lock, only the database
        days = [LiveDay(engine=engine, rubric=midterm, roster=roster, day=DAY) for _ in range(2)]
        counted_import = {"16022401": 7.0, "16022409": 5.0}         # the export's counted votes for the group
        raters = [s for s in roster.students
                  if s not in days[0].groups["Bag of Tricks"].members and s not in counted_import][:6]
        errors = []
        for rater in raters:
            gate = threading.Barrier(2)

            def vote(day, score, rater=rater, gate=gate):
                gate.wait()
                try:
                    day.vote(group_slug="bag_of_tricks", rater=rater, score=score, comment=f"from {score}")
                except Exception as e:                               # noqa: BLE001 - collected, asserted below
                    errors.append(e)
            threads = [threading.Thread(target=vote, args=(d, s)) for d, s in zip(days, ("3", "9"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
        assert errors == []
        with engine.connect() as conn:
            rows = storage.live_votes(conn, assessment="midterm", group="Bag of Tricks")
    assert sorted(r.rater for r in rows) == sorted(raters)                # one row each, none lost
    assert all((r.score, r.comment) in ((3.0, "from 3"), (9.0, "from 9")) for r in rows)
    res = load_results(pg_url, assessment="midterm")
    audience = next(c for g in res.groups if g.group.name == "Bag of Tricks" for c in g.criteria
                    if c.criterion.source == "audience")
    assert audience.scores == counted_import | {r.rater: r.score for r in rows}
