"""The reports in a real headless browser (Debian's chromium): pages render, plots load, and the numbers on
the pages are the numbers in the exported CSV files."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from autograder.reports.lms import write_export

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium; "
                                                         ".ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=10000"]


def chromium(tmp_path, url: str, *extra: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Cells(HTMLParser):
    """Text of every element carrying data-sid + data-assessment, and the <body> attributes."""

    def __init__(self):
        super().__init__()
        self.cells, self.body, self._open = {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        for entry in self._open:
            entry[1] += 1
        if "data-sid" in attrs and "data-assessment" in attrs:
            self._open.append([(attrs["data-sid"], attrs["data-assessment"]), 0, []])

    def handle_endtag(self, tag):
        for entry in list(self._open):
            if entry[1] == 0:
                self.cells[entry[0]] = "".join(entry[2]).strip()
                self._open.remove(entry)
            else:
                entry[1] -= 1

    def handle_data(self, data):
        for entry in self._open:
            entry[2].append(data)


def parse(dom: str) -> Cells:
    cells = Cells()
    cells.feed(dom)
    return cells


def rows(path):
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return [dict(zip(table[0], r)) for r in table[1:]]


@pytest.fixture(scope="module")
def exports(grades, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-exports")
    return {fmt: write_export(grades, fmt=fmt, out=out / f"{fmt}.csv").path for fmt in ("moodle", "long")}


def test_class_page_renders_with_plots_and_matches_moodle_csv(report, exports, grades, tmp_path):
    dom = chromium(tmp_path, (report[0] / "index.html").as_uri(), "--dump-dom")
    page = parse(dom)
    assert page.body.get("data-ready") == "yes", "the page's load handler did not run"
    assert page.body["data-images-total"] == "6"
    assert page.body["data-images-loaded"] == "6", "a plot image did not load"
    labels = {a.label: a.id for a in grades.policy.assessments}
    moodle = rows(exports["moodle"])
    assert len(moodle) == len(grades.active)
    for row in moodle:
        for label, aid in labels.items():
            assert page.cells[(row["ID number"], aid)] == row[label], (row["ID number"], aid)
    finals = {(r["student_id"], r["assessment"]): r["score"] for r in rows(exports["long"])
              if r["assessment"] in ("final_grade", "running_grade")}
    for (sid, kind), value in finals.items():
        if (sid, kind) in page.cells:
            assert page.cells[(sid, kind)] == value
    assert sum(1 for key in page.cells if key[1] == "final_grade") == len(grades.active)


@pytest.mark.parametrize("who", ["21020002", "no_submissions", "dropped"])
def test_student_pages_match_long_csv(report, exports, sample, tmp_path, who):
    sid = getattr(sample, who, who)
    page = parse(chromium(tmp_path, (report[0] / "students" / f"{sid}.html").as_uri(), "--dump-dom"))
    assert page.body.get("data-ready") == "yes"
    expected = {r["assessment"]: r["score"] for r in rows(exports["long"]) if r["student_id"] == sid}
    shown = {aid: text for (s, aid), text in page.cells.items() if s == sid}
    assert shown == expected


def test_screenshot(report, tmp_path):
    shot = tmp_path / "index.png"
    chromium(tmp_path, (report[0] / "index.html").as_uri(), f"--screenshot={shot}", "--window-size=1280,2400",
             "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000      # a real page, not a blank one
