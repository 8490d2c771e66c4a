import pytest

from autograder.core.errors import ImportRejected
from autograder.seminar.audience import classify, import_audience, rater_id
from autograder.seminar.store import AudienceVote, Group, load_audience, open_db


def _stored(db_url):
    with open_db(db_url) as engine, engine.connect() as conn:
        return load_audience(conn, assessment="midterm")


def test_statuses_self_votes_and_duplicates(loaded):
    votes = _stored(loaded)
    status = [(v.row, v.group, v.rater, v.score, v.status) for v in votes]
    assert status == [
        (2, "CNN Tricks", "16022405", 6.0, "duplicate"),      # corrected later by the same rater
        (3, "CNN Tricks", "16022409", 9.0, "valid"),
        (4, "CNN Tricks", "16022401", 10.0, "self_vote"),     # a member of CNN Tricks
        (5, "CNN Tricks", "16022413", 7.0, "valid"),
        (6, "CNN Tricks", "16022405", 8.0, "valid"),          # the last vote counts
        (7, "Bag of Tricks", "16022401", 7.0, "valid"),       # rater typed as 1.6022401E7
        (8, "Bag of Tricks", "16022409", 5.0, "valid"),       # 'bag of tricks ' matched, '16022409 ' stripped
        (9, "Bag of Tricks", "16022406", 10.0, "self_vote"),
    ]
    assert votes[0].rater_name == "Hoàng Thị Hà"


@pytest.mark.parametrize("raw,want", [("16022405@vnu.edu.vn", "16022405"), ("1.6022401E7", "16022401"),
                                      ("19020001", "019020001"), ("Guest@Example.com", "guest@example.com")])
def test_rater_id(raw, want):
    assert rater_id(raw, width=9 if raw.startswith("19") else 8) == want


def test_classify_uses_current_membership():
    g = {"A": Group(name="A", members=("1", "2", "3"))}
    votes = [AudienceVote(group="A", rater="4", score=5, row=2), AudienceVote(group="A", rater="1", score=9, row=3)]
    assert [v.status for v in classify(votes, g)] == ["valid", "self_vote"]


def test_bad_export_rejected_whole_and_old_votes_kept(loaded, midterm, files):
    before = _stored(loaded)
    with pytest.raises(ImportRejected) as e:
        import_audience(loaded, rubric=midterm, path=files / "audience_bad.csv")
    msg = str(e.value)
    assert msg.startswith(f"{files / 'audience_bad.csv'}: 4 bad row(s); nothing was imported")
    assert "row 3: column 'group': unknown group 'Nhóm Không Có'" in msg
    assert "row 4: column 'score': '12' is out of range 0-10" in msg
    assert "row 5: column 'score': 'tốt' is not a number" in msg
    assert "row 6: column 'rater': empty" in msg
    assert [p[0] for p in e.value.problems] == [3, 4, 5, 6]
    assert _stored(loaded) == before


def test_rubric_without_audience_criterion(loaded, final_rubric, files):
    with pytest.raises(ImportRejected, match="no criterion with source: audience"):
        import_audience(loaded, rubric=final_rubric, path=files / "audience_midterm.csv")


def test_roster_marks_raters_not_on_it_and_they_do_not_count(loaded, midterm, files, tmp_path):
    export = tmp_path / "audience_guests.csv"
    export.write_text((files / "audience_midterm.csv").read_text(encoding="utf-8-sig")
                      + "2019/10/23 10:09,16922417@vnu.edu.vn,Nguyễn Thị Ánh Tuyết,CNN Tricks,1,typo in my ID\n"
                      + "2019/10/23 10:10,visitor@example.com,Khách,CNN Tricks,0,guest\n", encoding="utf-8")
    res = import_audience(loaded, rubric=midterm, path=export, roster=files / "roster.csv")
    assert (res.counted, res.self_votes, res.duplicates, res.not_on_roster) == (5, 2, 1, 2)
    assert res.unknown_raters == ("row 10: rater 16922417 is not on the roster; did you mean 16022417?",
                                  "row 11: rater visitor@example.com is not on the roster")
    stored = _stored(loaded)
    assert [v.status for v in stored[-2:]] == ["not_on_roster", "not_on_roster"]
    # re-classified at aggregation time (membership may have changed): the roster verdict is kept
    groups = {"CNN Tricks": Group(name="CNN Tricks", members=("16022401",))}
    assert [v.status for v in classify(stored, groups)][-2:] == ["not_on_roster", "not_on_roster"]
    # without a roster the same export counts both
    assert import_audience(loaded, rubric=midterm, path=export).counted == 7
