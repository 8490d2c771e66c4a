"""One live seminar day: who may vote, the vote and rubric rules, and what the lecturer sees. No HTTP here:
the routes (`app.py`) parse a request, call one method and render the answer, and tests call these directly.

Rules (a refused entry raises `EntryRefused` and stores nothing):

  * a voter identifies with a student ID on the roster (cleaned like every other ID: `1.6022417E7`, an
    e-mail); an unknown ID is answered with the closest roster ID (`registration.closest_id`);
  * a vote is a score in [0, max_points] of the rubric's audience criterion (a rubric without one, as the
    final project's, gets rubric pages only) and a comment of at most
    `MAX_COMMENT` characters, for a group presenting that day whose voting is open; members of the group
    cannot vote for it; a second vote replaces the first (one row per rater and group, `storage.save_vote`);
  * a rubric entry is one rater's row, as on a score sheet: per criterion a level (its points, or points typed
    inside that level) or nothing, cap ticks, a comment; it replaces that rater's earlier row for the group
    (`store.replace_ratings`, the same as re-importing a corrected sheet);
  * spreads and the disagreement flag come from `aggregate.aggregate_group` over what is stored, so the pages
    show what `seminar report` will.
"""
from __future__ import annotations

import math
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from autograder.core.errors import EntryRefused, InputError
from autograder.core.roster import Roster
from autograder.core.tables import parse_number
from autograder.seminar.aggregate import GroupResult, aggregate_group
from autograder.seminar.audience import classify, rater_id
from autograder.seminar.live import storage
from autograder.seminar.registration import closest_id
from autograder.seminar.rubric import Criterion, Rubric
from autograder.seminar.sheets import slug
from autograder.seminar.store import (
    Group,
    Rating,
    load_audience,
    load_groups,
    load_ratings,
    replace_ratings,
    save_rubric,
)

MAX_COMMENT = 1000                  # characters of a vote or rubric comment
MAX_NAME = 64                       # characters of a rater's name on the rubric page
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class Identity:
    student_id: str | None          # on the roster, or None
    name: str = ""
    suggestion: str | None = None   # the closest roster ID when `student_id` is None
    message: str = ""


@dataclass(frozen=True)
class GroupState:
    group: Group
    slug: str
    closed: bool
    result: GroupResult             # aggregated like the report
    live_votes: int                 # live votes stored for it


def parse_day(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def groups_of_day(groups: dict[str, Group], *, day: str, names: tuple[str, ...] = ()) -> dict[str, Group]:
    """The groups presenting on `day` (dates compared as dates), or the ones named; InputError otherwise."""
    if names:
        missing = [n for n in names if n not in groups]
        if missing:
            raise InputError(f"unknown group(s): {', '.join(missing)}; stored: {', '.join(groups) or 'none'}",
                             hint="run `autograder groups import` first, or check the spelling")
        return {n: groups[n] for n in names}
    want = parse_day(day)
    if want is None:
        raise InputError(f"--day {day!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-10-16")
    chosen = {n: g for n, g in groups.items() if parse_day(g.presentation_date or "") == want}
    if not chosen:
        dates = sorted({g.presentation_date for g in groups.values() if g.presentation_date})
        raise InputError(f"no stored group presents on {want.isoformat()}; presentation dates stored: "
                         f"{', '.join(dates) or 'none'}", hint="pick another --day, or name groups with --group")
    return chosen


def clean_comment(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > MAX_COMMENT:
        raise EntryRefused(f"the comment has {len(text)} characters; at most {MAX_COMMENT} are kept",
                           kind="comment_too_long", status=413)
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise EntryRefused("the comment contains control characters", kind="bad_comment")
    return text


def parse_points(text: str, *, crit: Criterion, what: str) -> float:
    try:
        value = parse_number(text or "")
    except ValueError:
        value = math.nan
    if value is None:
        raise EntryRefused(f"{what}: no score given", kind="missing_score")
    if not math.isfinite(value) or not 0 <= value <= crit.max_points:
        raise EntryRefused(f"{what}: {text!r} is not a number from 0 to {crit.max_points:g}", kind="out_of_range")
    return value


class LiveDay:
    """The day's groups, roster and rubric over one database engine; writes are serialised by one lock."""

    def __init__(self, *, engine, rubric: Rubric, roster: Roster, day: str, group_names: tuple[str, ...] = ()):
        parsed = parse_day(day)
        self.engine, self.rubric, self.roster = engine, rubric, roster
        self.day = parsed.isoformat() if parsed else day              # stored in origin/source as YYYY-MM-DD
        self.assessment = rubric.assessment
        self.audience = rubric.audience_criterion          # None: rubric pages only (e.g. the final project)
        self._lock = threading.Lock()
        with engine.connect() as conn:
            self.all_groups = load_groups(conn, assessment=self.assessment)
        self.groups = groups_of_day(self.all_groups, day=day, names=group_names)
        self.slugs: dict[str, str] = {}
        for name in self.groups:
            s = slug(name)
            while s in self.slugs:
                s += "_"
            self.slugs[s] = name
        with engine.begin() as conn:
            save_rubric(conn, rubric=rubric)
            storage.open_voting(conn, assessment=self.assessment, day=day, groups=list(self.groups))
            self._last_row = storage.last_live_row(conn, assessment=self.assessment)

    # -- lookups ----------------------------------------------------------------------------------
    def group_of(self, group_slug: str) -> Group:
        name = self.slugs.get(group_slug)
        if name is None:
            raise EntryRefused(f"no group {group_slug!r} presents today", kind="unknown_group", status=404)
        return self.groups[name]

    def slug_of(self, group: str) -> str:
        return next(s for s, n in self.slugs.items() if n == group)

    def identify(self, raw: str) -> Identity:
        text = (raw or "").strip()[:128]
        if not text:
            return Identity(None, message="type your student ID")
        sid = rater_id(text, width=self.roster.width)
        if sid in self.roster.students:
            return Identity(sid, name=self.roster.students[sid])
        guess = closest_id(sid, self.roster.students) if sid.isdigit() else None
        hint = f"; did you mean {guess}?" if guess else ""
        return Identity(None, suggestion=guess, message=f"{sid} is not on the class list{hint}")

    def is_closed(self, group: str) -> bool:
        with self.engine.connect() as conn:
            return storage.is_closed(conn, assessment=self.assessment, group=group)

    def vote_of(self, group: str, rater: str) -> storage.LiveVote | None:
        with self.engine.connect() as conn:
            return storage.live_vote_of(conn, assessment=self.assessment, group=group, rater=rater)

    def vote_view(self, group: str, rater: str) -> tuple[bool, storage.LiveVote | None]:
        """(voting closed, the rater's live vote or None): what the vote page shows, in one connection."""
        with self.engine.connect() as conn:
            closed = storage.is_closed(conn, assessment=self.assessment, group=group)
            mine = storage.live_vote_of(conn, assessment=self.assessment, group=group, rater=rater) if rater else None
        return closed, mine

    def rating_of(self, group: str, rater: str) -> Rating | None:
        with self.engine.connect() as conn:
            return next((r for r in load_ratings(conn, assessment=self.assessment)
                         if r.group == group and r.rater == rater), None)

    # -- writes -----------------------------------------------------------------------------------
    def vote(self, *, group_slug: str, rater: str, score: str, comment: str) -> storage.LiveVote:
        """Store the rater's vote and return it (`replaced`: it replaced an earlier one). EntryRefused says why
        not."""
        group = self.group_of(group_slug)
        if self.audience is None:
            raise EntryRefused(f"rubric {self.rubric.name!r} has no audience vote", kind="no_audience", status=404)
        if rater not in self.roster.students:
            raise EntryRefused(f"{rater} is not on the class list", kind="not_on_roster", status=403)
        if rater in group.members:
            raise EntryRefused(f"you present in {group.name}: members cannot vote for their own group",
                               kind="self_vote", status=403)
        value = parse_points(score, crit=self.audience, what="score")
        text = clean_comment(comment)
        for attempt in (1, 2):
            try:
                with self._lock, self.engine.begin() as conn:
                    if storage.is_closed(conn, assessment=self.assessment, group=group.name):
                        raise EntryRefused(f"voting for {group.name} is closed", kind="closed", status=409)
                    self._last_row += 1
                    replaced = storage.save_vote(conn, assessment=self.assessment, day=self.day, group=group.name,
                                             rater=rater, rater_name=self.roster.students.get(rater, ""),
                                             score=value, comment=text, row=self._last_row)
                return storage.LiveVote(group=group.name, rater=rater, score=value, comment=text, updated_at=None,
                                        replaced=replaced)
            except sa.exc.IntegrityError:
                # another writer (a second server on the same database) inserted this rater's first vote
                # between our update and insert: the unique index refused the second row; update it instead
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def rate(self, *, group_slug: str, rater: str, levels: dict[str, str], points: dict[str, str],
             caps: set[str], comment: str) -> Rating:
        """Store one rater's rubric row for the group (replacing theirs); EntryRefused says why not."""
        group = self.group_of(group_slug)
        rater = " ".join((rater or "").split())
        if not rater or len(rater) > MAX_NAME:
            raise EntryRefused(f"a rater name of 1 to {MAX_NAME} characters is needed", kind="bad_rater")
        known = {c.id for c in self.rubric.rater_criteria}
        unknown = sorted((set(levels) | set(points)) - known) + sorted(caps - {c.id for c in self.rubric.caps})
        if unknown:
            raise EntryRefused(f"unknown criterion or cap: {', '.join(unknown)}", kind="unknown_criterion")
        scores = {}
        for crit in self.rubric.rater_criteria:
            level_name, typed = levels.get(crit.id, ""), (points.get(crit.id) or "").strip()
            if not level_name and not typed:
                continue
            scores[crit.id] = self._criterion_points(crit, level_name, typed)
        if not scores:
            raise EntryRefused("pick a level for at least one criterion", kind="missing_score")
        rating = Rating(group=group.name, rater=rater, scores=scores,
                        caps={c.id: c.id in caps for c in self.rubric.caps}, comment=clean_comment(comment),
                        source=f"live:{self.day} rubric page")
        with self._lock, self.engine.begin() as conn:
            replace_ratings(conn, assessment=self.assessment, ratings=[rating])
        return rating

    @staticmethod
    def _criterion_points(crit: Criterion, level_name: str, typed: str) -> float:
        level = next((lv for lv in crit.levels if lv.name == level_name), None)
        if level_name and level is None:
            raise EntryRefused(f"{crit.title}: no level {level_name!r}", kind="unknown_level")
        if not typed:
            return level_points(level, crit)
        value = parse_points(typed, crit=crit, what=crit.title)
        if level is not None and crit.level_for(value) != level:
            raise EntryRefused(f"{crit.title}: {value:g} points is not in level {level.name!r} "
                               f"({level.points[0]:g}-{level.points[1]:g})", kind="level_mismatch")
        return value

    def set_closed(self, group_slug: str, *, closed: bool, by: str) -> None:
        group = self.group_of(group_slug)
        with self._lock, self.engine.begin() as conn:
            storage.set_closed(conn, assessment=self.assessment, group=group.name, closed=closed, by=by)

    # -- what the pages show ----------------------------------------------------------------------
    def states(self) -> list[GroupState]:
        with self.engine.connect() as conn:
            ratings = load_ratings(conn, assessment=self.assessment)
            votes = classify(load_audience(conn, assessment=self.assessment), self.all_groups)
            closed = storage.closed_groups(conn, assessment=self.assessment)
        out = []
        for s, name in self.slugs.items():
            g = self.groups[name]
            mine = [v for v in votes if v.group == name]
            result = aggregate_group(rubric=self.rubric, group=g, ratings=[r for r in ratings if r.group == name],
                                     votes=mine, spread_limit=self.rubric.rules.disagreement_spread)
            out.append(GroupState(group=g, slug=s, closed=name in closed, result=result,
                                  live_votes=sum(v.row > storage.LIVE_ROW_BASE for v in mine)))
        return out

    def state(self, group_slug: str) -> GroupState:
        name = self.group_of(group_slug).name
        return next(s for s in self.states() if s.group.name == name)


def level_points(level, crit: Criterion) -> float:
    """The points a click on a level gives: the middle of its range, to half a point (the top level's range
    includes max_points)."""
    lo, hi = level.points
    mid = math.floor((lo + hi) / 2 * 2) / 2
    return min(max(mid, lo), crit.max_points)
