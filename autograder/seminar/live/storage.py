"""Live-day writes and reads on the seminar tables (`store.py`), each in one transaction.

A live vote is a row of `seminar_audience` with origin `live:DAY` and status `valid` (self-votes and raters
off the roster are refused before anything is written): one row per assessment, group and rater (a unique
index). Changing a vote updates that row and gives it the next live row number, after every export row
(`LIVE_ROW_BASE`), so `audience.classify` keeps its rule "the last row counts" also when a form export of the
same group is imported later. Closing a group's voting is a row of `seminar_live_voting`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from autograder.seminar.store import IMPORTED, LIVE_ROW_BASE, audience_t, live_voting_t


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def origin_of(day: str) -> str:
    return f"live:{day}"


@dataclass(frozen=True)
class LiveVote:
    group: str
    rater: str
    score: float
    comment: str
    updated_at: datetime | None
    replaced: bool = False          # (as returned by a vote) it replaced an earlier vote of the rater


def open_voting(conn, *, assessment: str, day: str, groups) -> None:
    """A voting row (open) for each group of the day that has none yet; a closed group stays closed."""
    have = set(conn.execute(sa.select(live_voting_t.c.group_name)
                            .where(live_voting_t.c.assessment == assessment)).scalars())
    rows = [dict(assessment=assessment, group_name=g, day=day, closed_at=None, closed_by="")
            for g in groups if g not in have]
    if rows:
        conn.execute(live_voting_t.insert(), rows)


def set_closed(conn, *, assessment: str, group: str, closed: bool, by: str = "") -> None:
    conn.execute(live_voting_t.update().where(live_voting_t.c.assessment == assessment,
                                              live_voting_t.c.group_name == group)
                 .values(closed_at=_now() if closed else None, closed_by=by if closed else ""))


def closed_groups(conn, *, assessment: str) -> set[str]:
    return set(conn.execute(sa.select(live_voting_t.c.group_name).where(
        live_voting_t.c.assessment == assessment, live_voting_t.c.closed_at.is_not(None))).scalars())


# The statements of a vote, built once (a vote runs them thousands of times in a session; SQLAlchemy caches
# their compiled form, and building them again per request was most of the cost of a vote).
_A, _G, _R = sa.bindparam("a"), sa.bindparam("g"), sa.bindparam("r")
_LIVE = audience_t.c.origin != sa.literal_column(f"'{IMPORTED}'")   # a literal, so the partial index applies
_CLOSED = sa.select(live_voting_t.c.closed_at).where(live_voting_t.c.assessment == _A,
                                                     live_voting_t.c.group_name == _G)
_LAST_ROW = sa.select(sa.func.max(audience_t.c.source_row)).where(audience_t.c.assessment == _A, _LIVE)
_MINE = sa.select(audience_t).where(audience_t.c.assessment == _A, audience_t.c.group_name == _G,
                                    audience_t.c.rater == _R, _LIVE)
_VALUES = ("score", "comment", "rater_name", "source_row", "status", "origin", "updated_at")
_UPDATE = (audience_t.update().where(audience_t.c.assessment == _A, audience_t.c.group_name == _G,
                                     audience_t.c.rater == _R, _LIVE)
           .values({c: sa.bindparam(f"v_{c}") for c in _VALUES}))


def is_closed(conn, *, assessment: str, group: str) -> bool:
    row = conn.execute(_CLOSED, {"a": assessment, "g": group}).first()
    return row is not None and row.closed_at is not None


def last_live_row(conn, *, assessment: str) -> int:
    """The highest live row number stored (LIVE_ROW_BASE when none): a server numbers its votes after it."""
    return max(conn.execute(_LAST_ROW, {"a": assessment}).scalar() or 0, LIVE_ROW_BASE)


def save_vote(conn, *, assessment: str, day: str, group: str, rater: str, rater_name: str, score: float,
              comment: str, row: int) -> bool:
    """Insert or replace the rater's live vote for the group, numbered `row` (> LIVE_ROW_BASE); True when it
    replaced an earlier one. Rows need not be unique among live votes (a rater has one live row: the unique
    index), only above every export row. The caller serialises its writers; the unique index is the backstop."""
    values = dict(score=score, comment=comment, rater_name=rater_name, source_row=row, status="valid",
                  origin=origin_of(day), updated_at=_now())
    params = {"a": assessment, "g": group, "r": rater, **{f"v_{c}": values[c] for c in _VALUES}}
    if conn.execute(_UPDATE, params).rowcount:
        return True
    conn.execute(audience_t.insert().values(assessment=assessment, group_name=group, rater=rater, **values))
    return False


def live_votes(conn, *, assessment: str, group: str | None = None) -> list[LiveVote]:
    q = sa.select(audience_t).where(audience_t.c.assessment == assessment, audience_t.c.origin != IMPORTED)
    if group is not None:
        q = q.where(audience_t.c.group_name == group)
    return [LiveVote(group=r.group_name, rater=r.rater, score=r.score, comment=r.comment, updated_at=r.updated_at)
            for r in conn.execute(q.order_by(audience_t.c.source_row))]


def live_vote_of(conn, *, assessment: str, group: str, rater: str) -> LiveVote | None:
    r = conn.execute(_MINE, {"a": assessment, "g": group, "r": rater}).first()
    return LiveVote(group=r.group_name, rater=r.rater, score=r.score, comment=r.comment,
                    updated_at=r.updated_at) if r else None
