import csv

from autograder.seminar.adjust import record_adjustment
from autograder.seminar.aggregate import load_results
from autograder.seminar.report import render_group, write_report


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
                 "comparison": "7.50", "implementation": "7.25", "analysis": "7.50", "presentation": "8.50",
                 "audience": "8.00", "group_total": "7.65", "adjustment": "-1",
                 "adjustment_reason": "did not present", "score": "6.65", "max_score": "10", "complete": "yes",
                 "flagged": "yes"}
    aug = next(r for r in rows if r["group"] == "Augmenters")
    assert aug["audience"] == "" and aug["complete"] == "no"
