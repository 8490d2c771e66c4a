"""Smoke test of the seminar-day load benchmark (benchmarks/bench_live.py) at a tiny size: the voters' last votes
are what the gradebook holds, once each, and what the report counts. No timing is asserted (the full-size
figures are printed by `make bench-live`)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_live as bench  # noqa: E402


def test_small_load_keeps_every_last_vote_once(capsys):
    assert bench.main(["--voters", "6", "--seconds", "1", "--in-process", "--p95-ms", "1e9"]) == 0
    out = capsys.readouterr().out
    assert "votes stored 6, expected 6; counted in the report 6" in out
    assert "OK: no vote lost or counted twice: True" in out


def test_verify_finds_a_lost_and_a_changed_vote(tmp_path):
    db_url, roster, raters = bench.make_course(tmp_path, 3)
    from autograder.seminar.live.server import live_day
    with live_day(db_url=db_url, assessment="midterm", day=bench.DAY, roster=roster, rubric=bench.RUBRIC) as live:
        live.vote(group_slug=bench.SLUG, rater=raters[0], score="7", comment="a")
        live.vote(group_slug=bench.SLUG, rater=raters[1], score="3", comment="b")

    class Told:                                     # what each voter was last told was recorded
        def __init__(self, sid, acked):
            self.sid, self.acked = sid, acked
    problems, stored, _ = bench.verify(db_url, [Told(raters[0], (7.0, "a")), Told(raters[1], (4.0, "b")),
                                                Told(raters[2], (5.0, "c"))])
    assert stored == 2
    assert f"{raters[1]}: stored (3.0, 'b'), last answered (4.0, 'b')" in problems
    assert f"lost: {raters[2]}" in problems
