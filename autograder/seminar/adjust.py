"""Per-member adjustments of a group score (e.g. a member who did not present), recorded with a reason.

Every adjustment is kept (who, when, why); the latest one per student is the one in force, and
`delta 0` clears it. The adjusted score is clamped to [0, scale] at aggregation (aggregate.py).
"""
from __future__ import annotations

from autograder.core.errors import InputError
from autograder.seminar.store import Adjustment, add_adjustment, load_groups, load_rubric_of, open_db


def record_adjustment(db_url: str, *, assessment: str, student_id: str, delta: float, reason: str,
                      author: str = "") -> Adjustment:
    """Validate and store one adjustment (points on the rubric's scale, + or -)."""
    reason = (reason or "").strip()
    if not reason and delta:
        raise InputError("an adjustment needs a reason", hint="pass --reason 'did not present'")
    with open_db(db_url) as engine:
        with engine.connect() as conn:
            groups = load_groups(conn, assessment=assessment)
            rubric = load_rubric_of(conn, assessment=assessment)
        scale = rubric.scale if rubric else 10.0
        if not -scale <= delta <= scale:
            raise InputError(f"delta {delta:g} is out of range [-{scale:g}, {scale:g}]")
        if not any(student_id in g.members for g in groups.values()):
            raise InputError(f"student {student_id!r} is in no {assessment!r} group",
                             hint="check the ID, or import the groups first (`autograder groups import`)")
        adj = Adjustment(student_id=student_id, delta=float(delta), reason=reason, author=author)
        with engine.begin() as conn:
            add_adjustment(conn, assessment=assessment, adjustment=adj)
    return adj
