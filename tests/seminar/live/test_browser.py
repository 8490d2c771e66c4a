"""The seminar day in a real browser: Playwright for Python driving Debian's chromium (headless, never a
downloaded browser) against `autograder seminar serve` started as the lecturer starts it.

Vote flow on a phone-sized window: a mistyped ID and its suggestion, a vote, a second vote that replaces the
first, a self-vote, markup in a comment shown as text, voting after the lecturer closed it. Rubric flow: TA code,
level descriptors, a click on a level fills the points, a second rater, and the first rater's page showing the
spread and the disagreement flag without a reload."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from autograder.seminar.live import storage
from autograder.seminar.store import load_ratings, open_db

from .conftest import DAY, LECTURER_CODE, RUBRICS, SEMINAR_FILES, TA_CODE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra (make setup)")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium; "
                                                          ".ci/run installs it)")]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CNN = "cnn_tricks"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(groups_template, tmp_path_factory):
    """`autograder seminar serve` in a subprocess, once for this module (the tests touch different groups or
    tables); yields (base URL, db_url, the lines it printed so far)."""
    db = tmp_path_factory.mktemp("served") / "gradebook.db"
    shutil.copyfile(groups_template, db)
    db_url, port = f"sqlite:///{db}", free_port()
    argv = [sys.executable, "-m", "autograder.cli", "seminar", "serve", "--day", DAY, "--db", db_url,
            "--roster", str(SEMINAR_FILES / "roster.csv"), "--rubric", str(RUBRICS / "midterm_seminar.yaml"),
            "--host", "127.0.0.1", "--port", str(port), "--ta-code", TA_CODE, "--lecturer-code", LECTURER_CODE]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "seminar serve did not answer within 90 s"
            time.sleep(0.2)
        yield base, db_url, lines
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        reader.join(timeout=5)
        proc.stdout.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


def live_rows(db_url):
    with open_db(db_url) as engine, engine.connect() as conn:
        return [(v.group, v.rater, v.score, v.comment) for v in storage.live_votes(conn, assessment="midterm")]


def test_vote_flow_on_a_phone(served, browser):
    base, db_url, _ = served
    dialogs = []
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/vote/{CNN}")
    page.fill("#student_id", "16922417")                               # one digit mistyped
    page.click("#identify button")
    assert "16922417 is not on the class list; did you mean 16022417?" in page.inner_text("#error")
    page.click("#suggestion button")                                   # "I am 16022417"
    assert page.inner_text("#who") == "Nguyễn Thị Ánh Tuyết (16022417)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the vote page is wider than the phone"
    page.click("label.score:has-text('6')")
    page.fill("#comment", "<img src=x onerror=alert(1)> chữ hơi nhỏ")
    page.click("#vote button[type=submit]")
    assert page.inner_text("#done") == "Your vote is recorded."
    stale = phone.new_page()                                           # a second tab keeps the form open
    stale.goto(f"{base}/vote/{CNN}")
    page.click("label.score:has-text('8')")
    page.click("#vote button[type=submit]")
    assert "only the new one counts" in page.inner_text("#done")
    assert "Your vote: 8." in page.inner_text("#mine")
    assert live_rows(db_url) == [("CNN Tricks", "16022417", 8.0, "<img src=x onerror=alert(1)> chữ hơi nhỏ")]

    member = browser.new_context(**PHONE).new_page()                   # a presenter tries to vote for their group
    member.goto(f"{base}/vote/{CNN}")
    member.fill("#student_id", "16022401")
    member.click("#identify button")
    assert "members cannot vote for their own group" in member.inner_text("#member")
    assert member.locator("#vote").count() == 0

    lecturer = browser.new_context().new_page()
    lecturer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    lecturer.goto(f"{base}/lecturer")
    lecturer.fill("#code_input", LECTURER_CODE)
    lecturer.click("#code button")
    row = lecturer.locator("tr[data-group='CNN Tricks']")
    assert row.locator(".live").inner_text() == "1"
    comment = lecturer.locator("section[data-group='CNN Tricks'] .comment").inner_text()
    assert comment == "<img src=x onerror=alert(1)> chữ hơi nhỏ"          # shown as text
    assert lecturer.locator("section[data-group='CNN Tricks'] img").count() == 0
    row.locator("button").click()
    assert lecturer.locator("tr[data-group='CNN Tricks'] .state").inner_text() == "closed"

    stale.click("label.score:has-text('2')")                           # the open tab submits after closing
    stale.click("#vote button[type=submit]")
    assert "voting for CNN Tricks is closed" in stale.inner_text("#error")
    page.reload()
    assert "Voting for CNN Tricks is closed. Your vote: 8." in page.inner_text("#closed")
    assert page.locator("#vote").count() == 0
    assert live_rows(db_url) == [("CNN Tricks", "16022417", 8.0, "<img src=x onerror=alert(1)> chữ hơi nhỏ")]
    assert dialogs == [], "a comment's markup ran as script"


def test_rubric_flow_with_live_spread(served, browser):
    base, db_url, _ = served
    ta = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    ta.goto(f"{base}/rubric/{CNN}")
    ta.fill("#code_input", "not-the-code")
    ta.fill("#name", "TA An")
    ta.click("#code button")
    assert ta.inner_text("#error") == "wrong code"
    ta.fill("#code_input", TA_CODE)
    ta.fill("#name", "TA An")
    ta.click("#code button")
    assert "Clear comparison of ideas, costs and assumptions" in ta.inner_text("fieldset[data-criterion=comparison]")
    ta.click("fieldset[data-criterion=comparison] label.level:has-text('excellent')")
    assert ta.input_value("input[name=points_comparison]") == "9.5"    # the click filled the level's points
    ta.click("fieldset[data-criterion=presentation] label.level:has-text('good')")
    ta.fill("input[name=points_presentation]", "7.5")
    ta.fill("#comment", "Rõ ràng")
    ta.click("#rubric button[type=submit]")
    assert "Saved." in ta.inner_text("#done")
    assert ta.locator("tr[data-criterion=comparison] .flag").inner_text() == ""

    other = browser.new_context().new_page()
    other.goto(f"{base}/rubric/{CNN}")
    other.fill("#code_input", TA_CODE)
    other.fill("#name", "Lecturer Diệp")
    other.click("#code button")
    other.click("fieldset[data-criterion=comparison] label.level:has-text('weak')")
    other.click("fieldset[data-criterion=presentation] label.level:has-text('good')")
    other.click("#rubric button[type=submit]")
    assert "Saved." in other.inner_text("#done")
    # the first rater's page, not reloaded, shows the spread and the rubric's disagreement flag within seconds
    # (a locator assertion: a string predicate would need eval, which the page's CSP forbids)
    sync_api.expect(ta.locator("tr[data-criterion=comparison] .flag")).to_have_text("disagreement", timeout=10_000)
    assert ta.inner_text("tr[data-criterion=comparison] .scores") == "Lecturer Diệp: 4, TA An: 9.5"
    assert ta.inner_text("tr[data-criterion=comparison] .spread") == "5.5"
    assert ta.inner_text("tr[data-criterion=presentation] .flag") == ""
    with open_db(db_url) as engine, engine.connect() as conn:
        stored = {(r.rater, tuple(sorted(r.scores.items()))) for r in load_ratings(conn, assessment="midterm")}
    assert stored == {("TA An", (("comparison", 9.5), ("presentation", 7.5))),
                      ("Lecturer Diệp", (("comparison", 4.0), ("presentation", 8.0)))}


def test_serve_prints_the_addresses_and_codes(served):
    base, _, lines = served
    out = "".join(lines)
    assert re.search(rf"projector \(QR codes\):\s+{re.escape(base)}/", out)
    assert f"{base}/lecturer   code: {LECTURER_CODE}" in out and f"TA code: {TA_CODE}" in out
    assert "2 group(s): Bag of Tricks, CNN Tricks" in out
