"""The seminar math: per-criterion means, disagreement flags, weighted totals, caps, member scores.

Rules (all on the stored data; nothing here writes):

  * rater criteria: the mean of the raters who filled the cell (blank = not scored by that rater);
    spread = max - min; flagged when spread > the disagreement spread (rubric `rules`, or the caller's);
  * the audience criterion: the mean of the counted audience votes (see audience.py); never flagged;
  * total = scale * sum(weight_c * mean_c / max_points_c) / 100; a criterion nobody scored counts 0
    and the group is reported incomplete (also when fewer raters than `rules.min_raters`);
  * caps: a cap applies when more than half of the group's raters tick it (`decided_by: majority`)
    or when one does (`any`); the total is then min(total, max_total);
  * a member's score = clamp(group total after caps + the member's adjustment, 0, scale);
    the latest adjustment per student counts (delta 0 clears it); it may lift a score above a cap;
  * groups that no rater scored yet are left out of member scores (not graded, not zero).
Scores are rounded half-up to 2 decimals at the end only.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from autograder.seminar.audience import classify
from autograder.seminar.rubric import Cap, Criterion, Level, Rubric
from autograder.seminar.store import (
    Adjustment,
    AudienceVote,
    Group,
    Rating,
    load_adjustments,
    load_audience,
    load_groups,
    load_ratings,
    load_rubric_of,
    open_db,
)


def round2(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    scores: dict[str, float]        # rater -> points (audience: rater -> counted vote)
    mean: float | None
    min: float | None
    max: float | None
    spread: float | None
    flagged: bool
    level: Level | None             # the level the mean reaches

    @property
    def n_raters(self) -> int:
        return len(self.scores)


@dataclass(frozen=True)
class CapDecision:
    cap: Cap
    ticks: int                      # raters who ticked it
    raters: int                     # raters of the group
    applied: bool


@dataclass(frozen=True)
class GroupResult:
    group: Group
    criteria: tuple[CriterionResult, ...]
    raters: tuple[str, ...]
    raw_total: float                # before caps
    total: float                    # after caps, rounded
    caps: tuple[CapDecision, ...]
    missing: tuple[str, ...]        # criteria nobody scored
    complete: bool
    comments: tuple[tuple[str, str], ...]      # (rater, comment) from the sheets
    audience: tuple[AudienceVote, ...]         # every stored vote for the group, with its status

    @property
    def graded(self) -> bool:
        return bool(self.raters)

    @property
    def flagged(self) -> bool:
        return any(c.flagged for c in self.criteria)


@dataclass(frozen=True)
class MemberScore:
    student_id: str
    name: str
    group: str
    group_total: float
    adjustment: float
    adjustment_reason: str
    score: float


@dataclass(frozen=True)
class SeminarResults:
    rubric: Rubric
    groups: tuple[GroupResult, ...]
    members: tuple[MemberScore, ...]
    spread_limit: float

    @property
    def assessment(self) -> str:
        return self.rubric.assessment


def _criterion(crit: Criterion, scores: dict[str, float], limit: float) -> CriterionResult:
    if not scores:
        return CriterionResult(crit, {}, None, None, None, None, False, None)
    values = list(scores.values())
    mean = sum(values) / len(values)
    lo, hi = min(values), max(values)
    flagged = crit.source == "raters" and (hi - lo) > limit + 1e-9
    return CriterionResult(crit, dict(scores), mean, lo, hi, hi - lo, flagged, crit.level_for(mean))


def aggregate_group(*, rubric: Rubric, group: Group, ratings: list[Rating], votes: list[AudienceVote],
                    spread_limit: float) -> GroupResult:
    results = []
    for crit in rubric.criteria:
        if crit.source == "audience":
            scores = {v.rater: v.score for v in votes if v.status == "valid"}
        else:
            scores = {r.rater: r.scores[crit.id] for r in ratings if crit.id in r.scores}
        results.append(_criterion(crit, scores, spread_limit))
    raw = rubric.scale * sum(c.criterion.weight * c.mean / c.criterion.max_points
                             for c in results if c.mean is not None) / 100
    total, caps = raw, []
    for cap in rubric.caps:
        ticks = sum(bool(r.caps.get(cap.id)) for r in ratings)
        applied = ticks * 2 > len(ratings) if cap.decided_by == "majority" else ticks >= 1
        caps.append(CapDecision(cap=cap, ticks=ticks, raters=len(ratings), applied=applied))
        if applied:
            total = min(total, cap.max_total)
    missing = tuple(c.criterion.id for c in results if c.mean is None)
    return GroupResult(group=group, criteria=tuple(results), raters=tuple(sorted(r.rater for r in ratings)),
                       raw_total=raw, total=round2(total), caps=tuple(caps), missing=missing,
                       complete=not missing and len(ratings) >= rubric.rules.min_raters,
                       comments=tuple((r.rater, r.comment) for r in ratings if r.comment),
                       audience=tuple(votes))


def aggregate(*, rubric: Rubric, groups: dict[str, Group], ratings: list[Rating], votes: list[AudienceVote],
              adjustments: dict[str, Adjustment], spread_limit: float | None = None) -> SeminarResults:
    """Pure function over stored records; see the module docstring for the rules."""
    limit = rubric.rules.disagreement_spread if spread_limit is None else spread_limit
    votes = classify(votes, groups)
    results, members = [], []
    for name, group in groups.items():
        gr = aggregate_group(rubric=rubric, group=group, ratings=[r for r in ratings if r.group == name],
                             votes=[v for v in votes if v.group == name], spread_limit=limit)
        results.append(gr)
        if not gr.graded:
            continue
        for sid in group.members:
            adj = adjustments.get(sid)
            delta = adj.delta if adj else 0.0
            score = min(max(gr.total + delta, 0.0), rubric.scale)
            members.append(MemberScore(student_id=sid, name=group.member_names.get(sid, ""), group=name,
                                       group_total=gr.total, adjustment=delta,
                                       adjustment_reason=adj.reason if adj and delta else "",
                                       score=round2(score)))
    return SeminarResults(rubric=rubric, groups=tuple(results), members=tuple(members), spread_limit=limit)


def load_results(db_url: str, *, assessment: str, spread_limit: float | None = None,
                 rubric: Rubric | None = None) -> SeminarResults | None:
    """Aggregate what is stored for `assessment` (None when no rubric was ever stored for it)."""
    with open_db(db_url) as engine, engine.connect() as conn:
        rubric = rubric or load_rubric_of(conn, assessment=assessment)
        if rubric is None:
            return None
        return aggregate(rubric=rubric, groups=load_groups(conn, assessment=assessment),
                         ratings=load_ratings(conn, assessment=assessment),
                         votes=load_audience(conn, assessment=assessment),
                         adjustments=load_adjustments(conn, assessment=assessment), spread_limit=spread_limit)
