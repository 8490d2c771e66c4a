"""Seminar scores as DataFrames, for the grade reports (issue 4). Read-only.

    seminar_member_scores(db_url, assessment=None)
        student_id, assessment ('midterm' | 'final_project'), group, score (0-10, after caps and
        adjustments), max_score (10.0), adjustment, adjustment_reason
    seminar_criteria_summary(db_url, assessment=None)
        assessment, group, criterion, weight, mean, min, max, spread, n_raters, flagged

Both return empty DataFrames with these columns when nothing is stored. Groups no rater has scored
yet are not in member scores. Scores are rescaled to 10 when a rubric uses another scale.
"""
from __future__ import annotations

import pandas as pd

from autograder.seminar.aggregate import SeminarResults, load_results
from autograder.seminar.store import assessments, open_db

MEMBER_COLUMNS = ["student_id", "assessment", "group", "score", "max_score", "adjustment", "adjustment_reason"]
CRITERIA_COLUMNS = ["assessment", "group", "criterion", "weight", "mean", "min", "max", "spread", "n_raters",
                    "flagged"]


def _results(db_url: str, assessment: str | None) -> list[SeminarResults]:
    with open_db(db_url) as engine, engine.connect() as conn:
        stored = assessments(conn)
    wanted = [a for a in stored if assessment is None or a == assessment]
    return [r for r in (load_results(db_url, assessment=a) for a in wanted) if r is not None]


def _frame(rows: list[dict], columns: list[str], dtypes: dict) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    return df.astype(dtypes)


def seminar_member_scores(db_url: str, *, assessment: str | None = None) -> pd.DataFrame:
    rows = []
    for res in _results(db_url, assessment):
        k = 10.0 / res.rubric.scale
        rows += [dict(student_id=m.student_id, assessment=res.assessment, group=m.group, score=m.score * k,
                      max_score=10.0, adjustment=m.adjustment * k, adjustment_reason=m.adjustment_reason)
                 for m in res.members]
    return _frame(rows, MEMBER_COLUMNS, {"student_id": str, "assessment": str, "group": str, "score": float,
                                         "max_score": float, "adjustment": float, "adjustment_reason": str})


def seminar_criteria_summary(db_url: str, *, assessment: str | None = None) -> pd.DataFrame:
    rows = []
    for res in _results(db_url, assessment):
        for g in res.groups:
            rows += [dict(assessment=res.assessment, group=g.group.name, criterion=c.criterion.id,
                          weight=c.criterion.weight, mean=c.mean, min=c.min, max=c.max, spread=c.spread,
                          n_raters=c.n_raters, flagged=c.flagged) for c in g.criteria]
    return _frame(rows, CRITERIA_COLUMNS, {"assessment": str, "group": str, "criterion": str, "weight": float,
                                           "mean": float, "min": float, "max": float, "spread": float,
                                           "n_raters": int, "flagged": bool})
