"""Audience comments: import the comment form export and decide which votes count.

Export (CSV, any of `,` `;` tab; BOM ok): rater (student ID or university e-mail), group, score, comment,
optionally name and timestamp. Rules for the audience criterion (applied again at every aggregation,
so a later change of group membership is taken into account):

  * a row with an unknown group, an empty rater or a score that is not a number in [0, max_points]
    rejects the whole import (every such row is listed);
  * self-votes (the rater is a member of the group) are stored but do not count;
  * with a roster, votes of raters not on it are stored as `not_on_roster` and do not count (a guest, or
    an ID mistyped in the form: the import lists them with the closest roster ID);
  * at most one vote per rater per group: the last row of the export counts (forms export in
    submission order, so a rater's correction wins); earlier rows are stored as `duplicate`;
  * the criterion's score is the mean of the counted votes; no counted vote -> criterion missing.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.core.errors import ImportRejected
from autograder.core.roster import read_roster
from autograder.core.student_ids import clean_id, id_width
from autograder.core.tables import parse_number, read_table
from autograder.seminar.registration import closest_id
from autograder.seminar.rubric import Rubric
from autograder.seminar.store import AudienceVote, Group, load_groups, open_db, replace_audience, save_rubric

AUDIENCE_COLUMNS = {
    "rater": ("rater id", "student id", "your student id", "mssv", "mã sinh viên", "email", "email address",
              "người đánh giá", "reviewer"),
    "group": ("group name", "presenting group", "nhóm", "nhóm trình bày", "team"),
    "score": ("điểm", "rating", "points", "mark"),
    "comment": ("comments", "nhận xét", "feedback", "ý kiến"),
    "name": ("full name", "họ và tên", "họ tên", "your name"),
}


NOT_ON_ROSTER = "not_on_roster"


@dataclass(frozen=True)
class AudienceImport:
    votes: list[AudienceVote]
    counted: int
    self_votes: int
    duplicates: int
    not_on_roster: int = 0
    unknown_raters: tuple[str, ...] = ()      # one line per rater not on the roster, with a suggestion


def group_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def match_group(raw: str | None, groups, by_key: dict[str, str]) -> tuple[str | None, str | None]:
    """(registered group name, None) for a group cell, or (None, problem naming the closest group)."""
    group = by_key.get(group_key(raw or ""))
    if group is not None:
        return group, None
    close = difflib.get_close_matches(raw or "", list(groups), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known groups: {', '.join(groups)}"
    return None, f"column 'group': unknown group {raw!r}; {hint}"


def rater_id(raw: str, *, width: int | None) -> str:
    """A student ID from a rater cell: '16022417', '1.6022417E7' or '16022417@vnu.edu.vn'."""
    text = raw.strip()
    local = text.split("@", 1)[0] if "@" in text else text
    cleaned = clean_id(local, width=width)
    return cleaned if cleaned.isdigit() else text.casefold()


def classify(votes: list[AudienceVote], groups: dict[str, Group]) -> list[AudienceVote]:
    """Set each vote's status: self_vote, duplicate (an earlier row of the same rater and group) or valid.
    `not_on_roster`, decided at import against the roster, is kept."""
    members = {g: set(grp.members) for g, grp in groups.items()}
    last_row: dict[tuple[str, str], int] = {}
    for v in votes:
        last_row[(v.group, v.rater)] = max(v.row, last_row.get((v.group, v.rater), v.row))
    out = []
    for v in votes:
        if v.status == NOT_ON_ROSTER:
            status = NOT_ON_ROSTER
        elif v.rater in members.get(v.group, ()):
            status = "self_vote"
        elif last_row[(v.group, v.rater)] != v.row:
            status = "duplicate"
        else:
            status = "valid"
        out.append(AudienceVote(group=v.group, rater=v.rater, score=v.score, row=v.row, status=status,
                                comment=v.comment, rater_name=v.rater_name))
    return out


def parse_audience(path: Path | str, *, rubric: Rubric, groups: dict[str, Group],
                   roster_ids: frozenset[str] | None = None) -> list[AudienceVote]:
    """Read and validate the export; ImportRejected lists every bad row (row number and column).
    With `roster_ids`, votes of raters not on the roster are marked `not_on_roster`."""
    crit = rubric.audience_criterion
    if crit is None:
        raise ImportRejected(f"rubric {rubric.name!r} has no criterion with source: audience", file=str(path))
    if not groups:
        raise ImportRejected(f"no groups are stored for {rubric.assessment!r}", file=str(path),
                             hint="run `autograder groups import` first")
    table = read_table(path, aliases=AUDIENCE_COLUMNS, required=("rater", "group", "score"))
    width = id_width([s for g in groups.values() for s in g.members])
    by_key = {group_key(name): name for name in groups}
    votes, problems = [], []
    for r in table.rows:
        bad = []
        rater = rater_id(r.get("rater"), width=width) if r.get("rater") else ""
        if not rater:
            bad.append("column 'rater': empty; every vote needs the rater's student ID")
        group, problem = match_group(r.get("group"), groups, by_key)
        if problem:
            bad.append(problem)
        try:
            score = parse_number(r.get("score"))
            if score is None:
                bad.append("column 'score': empty")
            elif not 0 <= score <= crit.max_points:
                bad.append(f"column 'score': {r.get('score')!r} is out of range 0-{crit.max_points:g}")
        except ValueError:
            bad.append(f"column 'score': {r.get('score')!r} is not a number")
            score = None
        if bad:
            problems.extend((r.number, msg) for msg in bad)
            continue
        status = NOT_ON_ROSTER if roster_ids is not None and rater not in roster_ids else "valid"
        votes.append(AudienceVote(group=group, rater=rater, score=score, row=r.number, comment=r.get("comment"),
                                  rater_name=r.get("name"), status=status))
    if problems:
        raise ImportRejected(f"{len({p[0] for p in problems})} bad row(s); nothing was imported", file=str(path),
                             problems=problems, hint=None)
    return classify(votes, groups)


def import_audience(db_url: str, *, rubric: Rubric, path: Path | str,
                    roster: Path | str | None = None) -> AudienceImport:
    """Validate the whole export, then replace the stored audience votes in one transaction.
    With a roster (CSV with a student_id column), raters not on it are stored but not counted."""
    ros = read_roster(roster) if roster is not None else None
    with open_db(db_url) as engine:
        with engine.connect() as conn:
            groups = load_groups(conn, assessment=rubric.assessment)
        votes = parse_audience(path, rubric=rubric, groups=groups,
                               roster_ids=frozenset(ros.students) if ros is not None else None)
        with engine.begin() as conn:
            save_rubric(conn, rubric=rubric)
            replace_audience(conn, assessment=rubric.assessment, votes=votes)
    return AudienceImport(votes=votes, counted=sum(v.status == "valid" for v in votes),
                          self_votes=sum(v.status == "self_vote" for v in votes),
                          duplicates=sum(v.status == "duplicate" for v in votes),
                          not_on_roster=sum(v.status == NOT_ON_ROSTER for v in votes),
                          unknown_raters=_unknown_raters(votes, ros) if ros is not None else ())


def _unknown_raters(votes: list[AudienceVote], ros) -> tuple[str, ...]:
    lines = {}
    for v in votes:
        if v.status == NOT_ON_ROSTER and v.rater not in lines:
            guess = closest_id(v.rater, ros.students) if v.rater.isdigit() else None
            hint = f"; did you mean {guess}?" if guess else ""
            lines[v.rater] = f"row {v.row}: rater {v.rater} is not on the roster{hint}"
    return tuple(lines.values())
