import csv
from pathlib import Path

from autograder.seminar.adjust import record_adjustment
from autograder.seminar.aggregate import load_results
from autograder.seminar.audience import import_audience
from autograder.seminar.registration import import_groups
from autograder.seminar.report import render_group, write_report
from autograder.seminar.sheets import import_scores

FORMULA = '=HYPERLINK("http://x","y")'


def test_group_page_escapes_comments_and_shows_levels(loaded):
    html = render_group(load_results(loaded, assessment="midterm"), "CNN Tricks")
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt; &amp; rõ" in html
    assert "Group total: 7.65 / 10" in html
    assert "<strong>good</strong>: Differences explained with evidence" in html      # level + descriptor
    assert "raters disagree" in html                                                 # analysis spread 3
    assert "Nhóm mình tuyệt vời" not in html                                         # self-vote not shown
    assert "not counted: 1 self-vote(s)" in html
    assert "<th>Lecturer Diệp</th><th>TA An</th>" in html


def test_incomplete_and_ungraded_pages(loaded):
    res = load_results(loaded, assessment="midterm")
    assert "incomplete: no score for audience" in render_group(res, "Augmenters")
    assert "not graded yet" in render_group(res, "ResNet Fans")


def test_write_report_files_and_class_csv(loaded, tmp_path):
    record_adjustment(loaded, assessment="midterm", student_id="16022404", delta=-1.0, reason="did not present")
    files = write_report(load_results(loaded, assessment="midterm"), out_dir=tmp_path)
    assert sorted(p.name for p in files.groups.values()) == [
        "group_augmenters.html", "group_bag_of_tricks.html", "group_cnn_tricks.html", "group_resnet_fans.html"]
    assert "group_cnn_tricks.html" in files.index.read_text(encoding="utf-8")
    with open(files.class_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 13
    r = next(r for r in rows if r["student_id"] == "16022404")
    assert r == {"student_id": "16022404", "name": "Phạm Minh Đức", "group": "CNN Tricks", "assessment": "midterm",
                 "comparison": "7.5", "implementation": "7.25", "analysis": "7.5", "presentation": "8.5",
                 "audience": "8", "group_total": "7.65", "adjustment": "-1",
                 "adjustment_reason": "did not present", "score": "6.65", "max_score": "10", "complete": "yes",
                 "flagged": "yes"}
    aug = next(r for r in rows if r["group"] == "Augmenters")
    assert aug["audience"] == "" and aug["complete"] == "no"


def _renamed(src: Path, dst: Path, old: str, new: str) -> Path:
    text = src.read_text(encoding="utf-8-sig")
    with open(src, encoding="utf-8-sig", newline="") as fh:
        rows = [[new if c.strip() == old else c for c in row]
                for row in csv.reader(fh, delimiter=";" if text.count(";") > text.count(",") else ",")]
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return dst


def test_class_csv_neutralises_a_formula_group_name_and_keeps_negative_numbers_numeric(db_url, midterm, files,
                                                                                       tmp_path):
    renamed = {n: _renamed(files / n, tmp_path / n, "CNN Tricks", FORMULA)
               for n in ("registration_clean.csv", "sheet_ta_an.csv", "sheet_lecturer.csv", "audience_midterm.csv")}
    import_groups(db_url, registration=renamed["registration_clean.csv"], roster=files / "roster.csv",
                  assessment="midterm")
    import_scores(db_url, rubric=midterm, paths=[renamed["sheet_ta_an.csv"], renamed["sheet_lecturer.csv"]])
    import_audience(db_url, rubric=midterm, path=renamed["audience_midterm.csv"])
    record_adjustment(db_url, assessment="midterm", student_id="16022404", delta=-1.5, reason="late slides")
    out = write_report(load_results(db_url, assessment="midterm"), out_dir=tmp_path / "out")
    raw = out.class_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                                  # UTF-8 with BOM: Excel reads the names
    text = raw.decode("utf-8-sig")
    line = next(ln for ln in text.splitlines() if ln.startswith("16022404,"))
    assert line.split(",")[2] == '"\'=HYPERLINK(""http://x""'            # the formula is text, quoted once
    assert ",-1.5,late slides,6.15," in line                                  # numbers: not quoted, not prefixed
    assert ",=" not in text and ',"=' not in text
    page = next(p for p in out.groups.values() if "hyperlink" in p.name).read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page and "-1.5" in page
