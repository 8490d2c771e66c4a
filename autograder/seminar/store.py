"""Seminar tables (`seminar_*`) in the gradebook database, next to nbgrader's tables (never touched).

Any SQLAlchemy URL works; the default is the course's SQLite gradebook (`CourseDirectory.db_url`).
Every write happens inside one transaction (`engine.begin()`): callers validate everything first,
then call one `replace_*`/`add_*` function, so an import is stored completely or not at all.

    seminar_rubrics      assessment -> the rubric YAML used for it (so reports need only the URL)
    seminar_groups       assessment, group -> leader email, dataset, presentation date
    seminar_members      assessment, student -> group
    seminar_ratings      assessment, group, rater -> comment, source file  (one filled sheet row)
    seminar_scores       assessment, group, rater, criterion -> points
    seminar_cap_votes    assessment, group, rater, cap -> ticked
    seminar_audience     one row of the audience form export, with its status (valid/self_vote/duplicate/not_on_roster),
                         or one live vote (origin 'live:DAY': one row per group and rater, see live/)
    seminar_adjustments  per-member adjustments (history; the latest per student counts)
    seminar_live_voting  assessment, group -> the live day, when voting was closed and by whom

The schema is created and upgraded by alembic migrations (`migrate.py`, `migrations/versions/`); the tables
below describe the newest revision and are what the queries use.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from autograder.seminar.migrate import upgrade
from autograder.seminar.rubric import Rubric, parse_rubric

metadata = sa.MetaData()
IMPORTED = "import"                 # seminar_audience.origin of rows from a form export
LIVE_ROW_BASE = 1_000_000           # live votes are numbered after every export row (the last row counts)

rubrics_t = sa.Table(
    "seminar_rubrics", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("yaml_text", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False))

groups_t = sa.Table(
    "seminar_groups", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("group_name", sa.String(128), primary_key=True),
    sa.Column("leader_email", sa.String(256), nullable=False, default=""),
    sa.Column("dataset", sa.String(256), nullable=False, default=""),
    sa.Column("presentation_date", sa.String(64), nullable=False, default=""))

members_t = sa.Table(
    "seminar_members", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("student_id", sa.String(64), primary_key=True),
    sa.Column("group_name", sa.String(128), nullable=False),
    sa.Column("name", sa.String(256), nullable=False, default=""))

ratings_t = sa.Table(
    "seminar_ratings", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("group_name", sa.String(128), primary_key=True),
    sa.Column("rater", sa.String(128), primary_key=True),
    sa.Column("comment", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.String(512), nullable=False, default=""),
    sa.Column("imported_at", sa.DateTime, nullable=False))

scores_t = sa.Table(
    "seminar_scores", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("group_name", sa.String(128), primary_key=True),
    sa.Column("rater", sa.String(128), primary_key=True),
    sa.Column("criterion", sa.String(64), primary_key=True),
    sa.Column("points", sa.Float, nullable=False))

cap_votes_t = sa.Table(
    "seminar_cap_votes", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("group_name", sa.String(128), primary_key=True),
    sa.Column("rater", sa.String(128), primary_key=True),
    sa.Column("cap", sa.String(64), primary_key=True),
    sa.Column("ticked", sa.Boolean, nullable=False))

audience_t = sa.Table(
    "seminar_audience", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assessment", sa.String(32), nullable=False, index=True),
    sa.Column("group_name", sa.String(128), nullable=False),
    sa.Column("rater", sa.String(128), nullable=False),
    sa.Column("rater_name", sa.String(256), nullable=False, default=""),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, default=""),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("origin", sa.String(32), nullable=False, server_default=IMPORTED),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Index("uq_seminar_audience_live", "assessment", "group_name", "rater", unique=True,
             sqlite_where=sa.text("origin <> 'import'"), postgresql_where=sa.text("origin <> 'import'")))

live_voting_t = sa.Table(
    "seminar_live_voting", metadata,
    sa.Column("assessment", sa.String(32), primary_key=True),
    sa.Column("group_name", sa.String(128), primary_key=True),
    sa.Column("day", sa.String(32), nullable=False),
    sa.Column("closed_at", sa.DateTime, nullable=True),
    sa.Column("closed_by", sa.String(128), nullable=False))

adjustments_t = sa.Table(
    "seminar_adjustments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assessment", sa.String(32), nullable=False, index=True),
    sa.Column("student_id", sa.String(64), nullable=False),
    sa.Column("delta", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("author", sa.String(128), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False))


# -- records --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    name: str
    members: tuple[str, ...]
    leader_email: str = ""
    dataset: str = ""
    presentation_date: str = ""
    member_names: dict = field(default_factory=dict, compare=False)   # student_id -> name (when known)


@dataclass(frozen=True)
class Rating:
    """One rater's row for one group: points per criterion (blank cells absent), cap ticks, comment."""
    group: str
    rater: str
    scores: dict[str, float]
    caps: dict[str, bool] = field(default_factory=dict)
    comment: str = ""
    source: str = ""


@dataclass(frozen=True)
class AudienceVote:
    group: str
    rater: str
    score: float
    row: int
    status: str = "valid"          # valid | self_vote | duplicate | not_on_roster
    comment: str = ""
    rater_name: str = ""


@dataclass(frozen=True)
class Adjustment:
    student_id: str
    delta: float
    reason: str
    author: str = ""
    created_at: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def open_db(db_url: str):
    """An engine with the seminar tables migrated to the newest revision (only ours); disposed on exit."""
    url = sa.make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


# -- writes (each inside the caller's transaction `conn`) ----------------------------------------
def save_rubric(conn, *, rubric: Rubric) -> None:
    conn.execute(rubrics_t.delete().where(rubrics_t.c.assessment == rubric.assessment))
    conn.execute(rubrics_t.insert().values(assessment=rubric.assessment, name=rubric.name,
                                           yaml_text=rubric.source_text, updated_at=_now()))


def replace_groups(conn, *, assessment: str, groups: list[Group]) -> None:
    conn.execute(members_t.delete().where(members_t.c.assessment == assessment))
    conn.execute(groups_t.delete().where(groups_t.c.assessment == assessment))
    if groups:
        conn.execute(groups_t.insert(), [dict(assessment=assessment, group_name=g.name, leader_email=g.leader_email,
                                              dataset=g.dataset, presentation_date=g.presentation_date)
                                         for g in groups])
        conn.execute(members_t.insert(), [dict(assessment=assessment, student_id=s, group_name=g.name,
                                               name=g.member_names.get(s, ""))
                                          for g in groups for s in g.members])


def replace_ratings(conn, *, assessment: str, ratings: list[Rating]) -> None:
    """Store ratings; a (group, rater) already stored is replaced whole (re-importing a corrected sheet)."""
    now = _now()
    for r in ratings:
        for t in (ratings_t, scores_t, cap_votes_t):
            conn.execute(t.delete().where(t.c.assessment == assessment, t.c.group_name == r.group,
                                          t.c.rater == r.rater))
    if not ratings:
        return
    conn.execute(ratings_t.insert(), [dict(assessment=assessment, group_name=r.group, rater=r.rater,
                                           comment=r.comment, source=r.source, imported_at=now) for r in ratings])
    scores = [dict(assessment=assessment, group_name=r.group, rater=r.rater, criterion=c, points=p)
              for r in ratings for c, p in r.scores.items()]
    if scores:
        conn.execute(scores_t.insert(), scores)
    votes = [dict(assessment=assessment, group_name=r.group, rater=r.rater, cap=c, ticked=v)
             for r in ratings for c, v in r.caps.items()]
    if votes:
        conn.execute(cap_votes_t.insert(), votes)


def replace_audience(conn, *, assessment: str, votes: list[AudienceVote]) -> None:
    """The audience export is the full set of imported votes: it replaces what was imported for the assessment.
    Live votes (seminar day run with `seminar serve`) are kept."""
    conn.execute(audience_t.delete().where(audience_t.c.assessment == assessment, audience_t.c.origin == IMPORTED))
    if votes:
        conn.execute(audience_t.insert(), [dict(assessment=assessment, group_name=v.group, rater=v.rater,
                                                rater_name=v.rater_name, score=v.score, comment=v.comment,
                                                source_row=v.row, status=v.status) for v in votes])


def add_adjustment(conn, *, assessment: str, adjustment: Adjustment) -> None:
    conn.execute(adjustments_t.insert().values(
        assessment=assessment, student_id=adjustment.student_id, delta=adjustment.delta, reason=adjustment.reason,
        author=adjustment.author, created_at=adjustment.created_at or _now()))


# -- reads ----------------------------------------------------------------------------------------
def assessments(conn) -> list[str]:
    return sorted(conn.execute(sa.select(rubrics_t.c.assessment)).scalars())


def load_rubric_of(conn, *, assessment: str) -> Rubric | None:
    row = conn.execute(sa.select(rubrics_t).where(rubrics_t.c.assessment == assessment)).first()
    return parse_rubric(row.yaml_text, file=f"<stored rubric {row.name}>") if row else None


def load_groups(conn, *, assessment: str) -> dict[str, Group]:
    members: dict[str, list] = {}
    names: dict[str, dict] = {}
    for m in conn.execute(sa.select(members_t).where(members_t.c.assessment == assessment)
                          .order_by(members_t.c.student_id)):
        members.setdefault(m.group_name, []).append(m.student_id)
        names.setdefault(m.group_name, {})[m.student_id] = m.name
    out = {}
    for g in conn.execute(sa.select(groups_t).where(groups_t.c.assessment == assessment)
                          .order_by(groups_t.c.group_name)):
        out[g.group_name] = Group(name=g.group_name, members=tuple(members.get(g.group_name, ())),
                                  leader_email=g.leader_email, dataset=g.dataset,
                                  presentation_date=g.presentation_date, member_names=names.get(g.group_name, {}))
    return out


def load_ratings(conn, *, assessment: str) -> list[Rating]:
    scores: dict[tuple, dict] = {}
    for s in conn.execute(sa.select(scores_t).where(scores_t.c.assessment == assessment)):
        scores.setdefault((s.group_name, s.rater), {})[s.criterion] = s.points
    caps: dict[tuple, dict] = {}
    for v in conn.execute(sa.select(cap_votes_t).where(cap_votes_t.c.assessment == assessment)):
        caps.setdefault((v.group_name, v.rater), {})[v.cap] = bool(v.ticked)
    rows = conn.execute(sa.select(ratings_t).where(ratings_t.c.assessment == assessment)
                        .order_by(ratings_t.c.group_name, ratings_t.c.rater))
    return [Rating(group=r.group_name, rater=r.rater, scores=scores.get((r.group_name, r.rater), {}),
                   caps=caps.get((r.group_name, r.rater), {}), comment=r.comment, source=r.source) for r in rows]


def load_audience(conn, *, assessment: str) -> list[AudienceVote]:
    rows = conn.execute(sa.select(audience_t).where(audience_t.c.assessment == assessment)
                        .order_by(audience_t.c.source_row))
    return [AudienceVote(group=r.group_name, rater=r.rater, score=r.score, row=r.source_row, status=r.status,
                         comment=r.comment, rater_name=r.rater_name) for r in rows]


def load_adjustments(conn, *, assessment: str) -> dict[str, Adjustment]:
    """The adjustment in force per student: the latest one recorded (delta 0 clears)."""
    out = {}
    for r in conn.execute(sa.select(adjustments_t).where(adjustments_t.c.assessment == assessment)
                          .order_by(adjustments_t.c.created_at, adjustments_t.c.id)):
        out[r.student_id] = Adjustment(student_id=r.student_id, delta=r.delta, reason=r.reason, author=r.author,
                                       created_at=r.created_at)
    return out


def adjustment_history(conn, *, assessment: str) -> list[Adjustment]:
    rows = conn.execute(sa.select(adjustments_t).where(adjustments_t.c.assessment == assessment)
                        .order_by(adjustments_t.c.created_at, adjustments_t.c.id))
    return [Adjustment(student_id=r.student_id, delta=r.delta, reason=r.reason, author=r.author,
                       created_at=r.created_at) for r in rows]
