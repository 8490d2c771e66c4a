import pytest

from autograder.core.errors import InputError
from autograder.seminar.adjust import record_adjustment
from autograder.seminar.aggregate import aggregate, load_results, round2
from autograder.seminar.api import CRITERIA_COLUMNS, MEMBER_COLUMNS, seminar_criteria_summary, seminar_member_scores
from autograder.seminar.store import Group, Rating, adjustment_history, open_db


def _group(results, name):
    return next(g for g in results.groups if g.group.name == name)


def test_hand_computed_totals(loaded):
    res = load_results(loaded, assessment="midterm")
    cnn = _group(res, "CNN Tricks")
    means = {c.criterion.id: c.mean for c in cnn.criteria}
    # TA An 8/7/6/9, Lecturer 7/7.5/9/8; audience 9, 7, 8 (self-vote 10 and earlier 6 not counted)
    assert means == {"comparison": 7.5, "implementation": 7.25, "analysis": 7.5, "presentation": 8.5,
                     "audience": 8.0}
    # (30*7.5 + 20*7.25 + 20*7.5 + 10*8.5 + 20*8) / 100 = 7.65
    assert cnn.total == 7.65 and cnn.complete
    assert _group(res, "Bag of Tricks").total == 5.8            # (18 + 11 + 10 + 7 + 12) / 10
    aug = _group(res, "Augmenters")                             # no audience vote: counts 0, incomplete
    assert aug.total == 7.3 and aug.missing == ("audience",) and not aug.complete
    assert not _group(res, "ResNet Fans").graded
    assert {m.group for m in res.members} == {"CNN Tricks", "Bag of Tricks", "Augmenters"}


def test_levels_reached(loaded):
    cnn = _group(load_results(loaded, assessment="midterm"), "CNN Tricks")
    assert [(c.criterion.id, c.level.name) for c in cnn.criteria] == [
        ("comparison", "good"), ("implementation", "good"), ("analysis", "good"), ("presentation", "good"),
        ("audience", "high")]


def test_disagreement_flag_is_configurable(loaded):
    res = load_results(loaded, assessment="midterm")               # rubric rule: spread > 2
    cnn = _group(res, "CNN Tricks")
    assert [(c.criterion.id, c.spread) for c in cnn.criteria if c.flagged] == [("analysis", 3.0)]
    assert not any(c.flagged for c in _group(res, "Bag of Tricks").criteria)  # audience spread 2 never flags
    assert not _group(load_results(loaded, assessment="midterm", spread_limit=3.0), "CNN Tricks").flagged
    assert len([c for c in _group(load_results(loaded, assessment="midterm", spread_limit=0.5),
                                  "CNN Tricks").criteria if c.flagged]) == 3


def test_member_adjustments_recorded_and_latest_counts(loaded):
    record_adjustment(loaded, assessment="midterm", student_id="16022404", delta=-1.0, reason="did not present",
                      author="Lecturer Diệp")
    record_adjustment(loaded, assessment="midterm", student_id="16022401", delta=5, reason="bonus")
    res = load_results(loaded, assessment="midterm")
    scores = {m.student_id: (m.score, m.adjustment, m.adjustment_reason) for m in res.members}
    assert scores["16022404"] == (6.65, -1.0, "did not present")
    assert scores["16022401"] == (10.0, 5.0, "bonus")              # clamped to the scale
    assert scores["16022402"] == (7.65, 0.0, "")
    record_adjustment(loaded, assessment="midterm", student_id="16022401", delta=0, reason="")   # clears
    res = load_results(loaded, assessment="midterm")
    assert {m.student_id: m.score for m in res.members}["16022401"] == 7.65
    with open_db(loaded) as engine, engine.connect() as conn:
        history = adjustment_history(conn, assessment="midterm")
    assert [(a.student_id, a.delta, a.author) for a in history] == [
        ("16022404", -1.0, "Lecturer Diệp"), ("16022401", 5.0, ""), ("16022401", 0.0, "")]


@pytest.mark.parametrize("kw,msg", [
    (dict(student_id="99999999", delta=-1, reason="x"), "is in no 'midterm' group"),
    (dict(student_id="16022404", delta=-1, reason=" "), "needs a reason"),
    (dict(student_id="16022404", delta=-11, reason="x"), "out of range"),
])
def test_bad_adjustments_are_refused(loaded, kw, msg):
    with pytest.raises(InputError, match=msg):
        record_adjustment(loaded, assessment="midterm", **kw)


def _final(final_rubric, ticks, *, decided_by=None):
    rubric = final_rubric
    if decided_by:
        from dataclasses import replace
        rubric = replace(rubric, caps=tuple(replace(c, decided_by=decided_by) for c in rubric.caps))
    g = {"G": Group(name="G", members=("1", "2", "3"))}
    scores = {"dataset": 8, "methods": 8, "implementation": 8, "analysis": 8, "presentation": 8}
    ratings = [Rating(group="G", rater=f"r{i}", scores=scores, caps={"comparative_only": t})
               for i, t in enumerate(ticks)]
    return aggregate(rubric=rubric, groups=g, ratings=ratings, votes=[], adjustments={})


def test_final_project_cap(final_rubric):
    res = _final(final_rubric, [True, True])
    g = res.groups[0]
    assert g.raw_total == pytest.approx(8.0) and g.total == 6.0
    assert [(d.cap.id, d.ticks, d.raters, d.applied) for d in g.caps] == [("comparative_only", 2, 2, True)]
    assert [m.score for m in res.members] == [6.0, 6.0, 6.0]
    assert _final(final_rubric, [True, False]).groups[0].total == 8.0        # 1 of 2 is not a majority
    assert _final(final_rubric, [True, True, False]).groups[0].total == 6.0  # 2 of 3 is
    assert _final(final_rubric, [True, False], decided_by="any").groups[0].total == 6.0


def test_cap_never_raises_a_lower_total(final_rubric):
    g = {"G": Group(name="G", members=("1", "2", "3"))}
    low = {"dataset": 4, "methods": 4, "implementation": 4, "analysis": 4, "presentation": 4}
    r = [Rating(group="G", rater="a", scores=low, caps={"comparative_only": True})]
    assert aggregate(rubric=final_rubric, groups=g, ratings=r, votes=[], adjustments={}).groups[0].total == 4.0


def test_round_half_up():
    assert round2(7.125) == 7.13 and round2(2.675) == 2.68


def test_api_empty_database(db_url):
    members = seminar_member_scores(db_url)
    criteria = seminar_criteria_summary(db_url, assessment="midterm")
    assert members.empty and list(members.columns) == MEMBER_COLUMNS
    assert criteria.empty and list(criteria.columns) == CRITERIA_COLUMNS


def test_api_frames(loaded):
    record_adjustment(loaded, assessment="midterm", student_id="16022404", delta=-1.0, reason="did not present")
    m = seminar_member_scores(loaded, assessment="midterm")
    assert list(m.columns) == MEMBER_COLUMNS and len(m) == 13
    row = m.set_index("student_id").loc["16022404"]
    assert (row.assessment, row.group, row.score, row.max_score, row.adjustment, row.adjustment_reason) == (
        "midterm", "CNN Tricks", 6.65, 10.0, -1.0, "did not present")
    assert seminar_member_scores(loaded, assessment="final_project").empty
    c = seminar_criteria_summary(loaded)
    assert list(c.columns) == CRITERIA_COLUMNS and len(c) == 20
    a = c[(c.group == "CNN Tricks") & (c.criterion == "analysis")].iloc[0]
    assert (a.weight, a["mean"], a["min"], a["max"], a.spread, a.n_raters, bool(a.flagged)) == (
        20.0, 7.5, 6.0, 9.0, 3.0, 2, True)
