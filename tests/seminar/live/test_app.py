"""The live pages over real HTTP (uvicorn on loopback, httpx as a browser without JavaScript): the vote and
rubric rules, and that bad or forged input is refused and never stored."""
from __future__ import annotations

from html import unescape

import pytest

from autograder.seminar.live import storage
from autograder.seminar.store import load_audience, load_ratings

from .conftest import TA_CODE, csrf, identify, lecturer_login, new_client, rate, ta_login, vote

CNN, BAG = "cnn_tricks", "bag_of_tricks"


def stored_votes(live):
    with live.engine.connect() as conn:
        return [(v.group, v.rater, v.score, v.comment, v.status) for v in load_audience(conn, assessment="midterm")]


def stored_ratings(live):
    with live.engine.connect() as conn:
        return load_ratings(conn, assessment="midterm")


def test_projector_shows_one_qr_per_group_of_the_day(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2                                 # CNN Tricks, Bag of Tricks (2019-10-23)
    assert "http://10.0.0.5:8000/vote/cnn_tricks" in page.text and "ResNet Fans" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_mistyped_id_gets_the_closest_roster_id(client):
    page = identify(client, CNN, "16922417")
    assert page.status_code == 422
    assert "16922417 is not on the class list; did you mean 16022417?" in page.text
    page = identify(client, CNN, "16022417@vnu.edu.vn")                 # an e-mail is cleaned like in imports
    assert page.status_code == 200 and "Nguyễn Thị Ánh Tuyết (16022417)" in page.text


def test_vote_change_replaces_and_closing_stops_votes(client, live, server):
    identify(client, CNN, "16022417")
    assert "Your vote is recorded" in vote(client, CNN, "16022417", 6, "khá hay").text
    page = vote(client, CNN, "16022417", 8, "sửa lại: rất hay")
    assert "only the new one counts" in page.text and "Your vote: <strong>8</strong>" in page.text
    assert stored_votes(live) == [("CNN Tricks", "16022417", 8.0, "sửa lại: rất hay", "valid")]
    with new_client(server) as lecturer:
        lecturer_login(lecturer)
        page = lecturer.get("/lecturer")
        assert 'class="live">1<' in page.text
        lecturer.post(f"/lecturer/{CNN}/close", data={"csrf": csrf(page.text)})
    page = client.get(f"/vote/{CNN}")
    assert "Voting for CNN Tricks is closed. Your vote: 8." in page.text and 'id="vote"' not in page.text
    late = client.post(f"/vote/{CNN}", data={"csrf": csrf(page.text), "rater": "16022417", "score": "2"})
    assert late.status_code == 409 and "voting for CNN Tricks is closed" in late.text
    assert stored_votes(live) == [("CNN Tricks", "16022417", 8.0, "sửa lại: rất hay", "valid")]
    assert vote(client, BAG, "16022417", 7).status_code == 200           # other groups stay open


def test_members_cannot_vote_for_their_group(client, live):
    identify(client, CNN, "16022401")
    page = client.get(f"/vote/{CNN}")
    assert "members cannot vote for their own group" in page.text and 'id="vote"' not in page.text
    page = client.post(f"/vote/{CNN}", data={"csrf": csrf(page.text), "rater": "16022401", "score": "10"})
    assert page.status_code == 403 and "you present in CNN Tricks" in page.text
    assert stored_votes(live) == []


@pytest.mark.parametrize("score,comment,status,message", [
    ("11", "", 422, "'11' is not a number from 0 to 10"),
    ("-1", "", 422, "is not a number from 0 to 10"),
    ("nan", "", 422, "is not a number from 0 to 10"),
    ("inf", "", 422, "is not a number from 0 to 10"),
    ("tốt", "", 422, "is not a number from 0 to 10"),
    ("", "", 422, "no score given"),
    ("7", "x" * 1001, 413, "the comment has 1001 characters; at most 1000"),
    ("7", "bell\x07", 422, "control characters"),
])
def test_bad_votes_are_refused_and_not_stored(client, live, score, comment, status, message):
    identify(client, CNN, "16022409")
    page = vote(client, CNN, "16022409", score, comment)
    assert page.status_code == status and message in unescape(page.text)
    assert stored_votes(live) == []


def test_unknown_group_and_oversized_body(client, live):
    identify(client, CNN, "16022409")
    token = csrf(client.get(f"/vote/{CNN}").text)
    assert client.get("/vote/no_such_group").status_code == 404
    page = client.post("/vote/no_such_group", data={"csrf": token, "rater": "16022409", "score": "5"})
    assert page.status_code == 404 and "no group 'no_such_group' presents today" in unescape(page.text)
    big = client.post(f"/vote/{CNN}", data={"csrf": token, "rater": "16022409", "score": "5",
                                            "comment": "y" * 20000})
    assert big.status_code == 413
    wrong_type = client.post(f"/vote/{CNN}", json={"csrf": token, "rater": "16022409", "score": 5})
    assert wrong_type.status_code == 415
    assert stored_votes(live) == []


def test_markup_in_a_comment_is_stored_as_typed_and_shown_as_text(client, live, server):
    identify(client, CNN, "16022409")
    vote(client, CNN, "16022409", 9, "<script>alert('x')</script> <b>bold</b>")
    assert stored_votes(live)[0][3] == "<script>alert('x')</script> <b>bold</b>"
    with new_client(server) as lecturer:
        lecturer_login(lecturer)
        page = lecturer.get("/lecturer").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>bold" not in page


def test_forged_rater_and_missing_session_or_csrf_are_refused(client, live, server):
    identify(client, CNN, "16022409")
    token = csrf(client.get(f"/vote/{CNN}").text)
    forged = client.post(f"/vote/{CNN}", data={"csrf": token, "rater": "16022413", "score": "0"})
    assert forged.status_code == 403 and "not from the student identified on this phone" in forged.text
    no_csrf = client.post(f"/vote/{CNN}", data={"rater": "16022409", "score": "5"})
    assert no_csrf.status_code == 403 and "this page has expired" in no_csrf.text
    with new_client(server) as stranger:                    # no cookie at all, a token copied from elsewhere
        bare = stranger.post(f"/vote/{CNN}", data={"csrf": token, "rater": "16022409", "score": "5"})
        assert bare.status_code == 403
        stranger.cookies.set("seminar_session", client.cookies["seminar_session"][:-4] + "0000")
        tampered = stranger.post(f"/vote/{CNN}", data={"csrf": token, "rater": "16022409", "score": "5"})
        assert tampered.status_code == 403
    assert stored_votes(live) == []


def test_rubric_needs_the_code_and_stores_a_sheet_row(client, live, server):
    assert client.get(f"/rubric/{CNN}").status_code == 401
    page = ta_login(client, CNN, "TA An", code="wrong")
    assert page.status_code == 403 and "wrong code" in page.text
    page = ta_login(client, CNN, "TA An")
    assert "Save my scores" in page.text and "Clear comparison of ideas, costs and assumptions" in page.text
    page = rate(client, CNN, "TA An", {"comparison": "good", "implementation": "adequate", "analysis": "adequate",
                                       "presentation": "good"}, points={"analysis": "5.5"}, comment="Tốt <i>lắm</i>")
    assert "Saved." in page.text
    [r] = stored_ratings(live)
    assert (r.group, r.rater, r.comment, r.source) == ("CNN Tricks", "TA An", "Tốt <i>lắm</i>",
                                                         "live:2019-10-23 rubric page")
    assert r.scores == {"comparison": 8.0, "implementation": 6.0, "analysis": 5.5, "presentation": 8.0}
    page = rate(client, CNN, "TA An", {"comparison": "good"}, points={"comparison": "4"})
    assert page.status_code == 422 and "4 points is not in level 'good' (7-9)" in unescape(page.text)
    page = rate(client, CNN, "TA An", {"comparison": "good"}, points={"comparison": "12"})
    assert page.status_code == 422 and "not a number from 0 to 10" in page.text
    page = rate(client, CNN, "TA An", {"comparison": "superb"})
    assert page.status_code == 422 and "no level 'superb'" in unescape(page.text)
    token = csrf(client.get(f"/rubric/{CNN}").text)
    forged = client.post(f"/rubric/{CNN}", data={"csrf": token, "rater": "Lecturer", "level_comparison": "weak"})
    assert forged.status_code == 403
    assert stored_ratings(live) == [r]                               # nothing above replaced the stored row
    with new_client(server) as voter:                                # a voter's session has no TA role
        identify(voter, CNN, "16022409")
        assert voter.get(f"/rubric/{CNN}/spread").status_code == 401


def test_second_rater_sees_the_spread_and_the_flag(client, live, server):
    ta_login(client, CNN, "TA An")
    rate(client, CNN, "TA An", {"comparison": "excellent", "presentation": "good"})
    with new_client(server) as lecturer:
        ta_login(lecturer, CNN, "Lecturer")
        rate(lecturer, CNN, "Lecturer", {"comparison": "weak", "presentation": "good"})
    spread = client.get(f"/rubric/{CNN}/spread").json()
    by_id = {c["id"]: c for c in spread["criteria"]}
    assert by_id["comparison"]["scores"] == {"Lecturer": "4", "TA An": "9.5"}
    assert (by_id["comparison"]["spread"], by_id["comparison"]["flagged"]) == ("5.5", True)
    assert (by_id["presentation"]["spread"], by_id["presentation"]["flagged"]) == ("0", False)
    assert spread["limit"] == "2" and spread["flagged"] is True
    page = client.get(f"/rubric/{CNN}").text
    assert 'data-criterion="comparison"' in page and "disagreement" in page


def test_only_the_lecturer_closes_voting(client, live, server):
    ta_login(client, CNN, "TA An")
    token = csrf(client.get(f"/rubric/{CNN}").text)
    assert client.post(f"/lecturer/{CNN}/close", data={"csrf": token}).status_code == 403
    assert client.get("/lecturer").status_code == 401
    with live.engine.connect() as conn:
        assert storage.closed_groups(conn, assessment="midterm") == set()


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/"])
def test_redirect_targets_stay_on_our_pages(client, target):
    identify(client, CNN, "16022409")
    token = csrf(client.get(f"/vote/{CNN}").text)
    page = client.post("/forget", data={"csrf": token, "next": target}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/"
    page = client.post("/rubric/login", data={"csrf": token, "code": TA_CODE, "name": "TA An", "next": target},
                       follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/"


def test_final_project_rubric_pages_with_the_cap(groups_template, tmp_path, final_rubric):
    """A rubric without an audience criterion (the final project) gets rubric pages only; a cap ticked by the
    majority of the raters caps the total in the report."""
    from autograder.core.roster import read_roster
    from autograder.seminar.aggregate import load_results
    from autograder.seminar.live.app import create_app
    from autograder.seminar.live.day import LiveDay
    from autograder.seminar.live.security import Signer
    from autograder.seminar.live.server import background_server
    from autograder.seminar.registration import import_groups
    from autograder.seminar.store import open_db

    from .conftest import LECTURER_CODE, SEMINAR_FILES
    db_url = f"sqlite:///{tmp_path / 'final.db'}"
    import_groups(db_url, registration=SEMINAR_FILES / "registration_clean.csv", roster=SEMINAR_FILES / "roster.csv",
                  assessment="final_project")
    with open_db(db_url) as engine:
        live = LiveDay(engine=engine, rubric=final_rubric, roster=read_roster(SEMINAR_FILES / "roster.csv"),
                       day="2019-10-23")
        app = create_app(live, ta_code=TA_CODE, lecturer_code=LECTURER_CODE, base_url="http://x", signer=Signer())
        with background_server(app) as server:
            top = {c.id: c.levels[-1].name for c in final_rubric.rater_criteria}
            for name, tick in (("TA An", True), ("TA Bình", True), ("Lecturer", False)):
                with new_client(server) as ta:
                    ta_login(ta, CNN, name)
                    assert "total at most 6" in ta.get(f"/rubric/{CNN}").text
                    assert "Saved." in rate(ta, CNN, name, top, caps=("comparative_only",) if tick else ()).text
            with new_client(server) as phone:
                assert phone.get(f"/vote/{CNN}").status_code == 404
                assert "has no audience vote" in unescape(phone.get("/").text)
                with new_client(server) as lecturer:
                    lecturer_login(lecturer)
                    assert lecturer.get("/lecturer").status_code == 200
    res = load_results(db_url, assessment="final_project")
    g = next(x for x in res.groups if x.group.name == "CNN Tricks")
    assert [(c.cap.id, c.ticks, c.raters, c.applied) for c in g.caps] == [("comparative_only", 2, 3, True)]
    assert g.raw_total > 6 and g.total == 6.0
