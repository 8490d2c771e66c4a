"""End to end through the CLI handlers, as the main CLI will call them (register + --course)."""
import csv
import json

from autograder.seminar.api import seminar_member_scores

from .conftest import RUBRICS, run_cli


def test_whole_midterm_workflow(tmp_path, files, capsys):
    course = tmp_path / "course"
    mid = str(RUBRICS / "midterm_seminar.yaml")
    c = ["--course", str(course)]
    assert run_cli(c + ["groups", "import", str(files / "registration_messy.csv"), "--roster",
                        str(files / "roster.csv"), "--assessment", "midterm"]) == 2
    assert "no group was stored" in capsys.readouterr().out
    assert run_cli(c + ["groups", "import", str(files / "registration_clean.csv"), "--roster",
                        str(files / "roster.csv"), "--assessment", "midterm"]) == 0
    assert run_cli(c + ["seminar", "sheets", "--rubric", mid, "--raters", "TA An, Lecturer Diệp",
                        "--out", str(tmp_path / "sheets")]) == 0
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == ["midterm_lecturer_diep.csv",
                                                                        "midterm_ta_an.csv"]
    assert run_cli(c + ["seminar", "import-scores", "--rubric", mid, str(files / "sheet_bad.csv")]) == 2
    assert "row 4 of sheet_bad.csv: column 'analysis'" in capsys.readouterr().out
    assert run_cli(c + ["seminar", "import-scores", "--rubric", mid, str(files / "sheet_ta_an.csv"),
                        str(files / "sheet_lecturer.csv")]) == 0
    assert run_cli(c + ["seminar", "import-audience", "--rubric", mid, str(files / "audience_midterm.csv"),
                        "--roster", str(files / "roster.csv")]) == 0
    assert "5 counted, 2 self-vote(s) and 1 earlier duplicate(s)" in capsys.readouterr().out
    assert run_cli(c + ["seminar", "adjust", "--assessment", "midterm", "--student", "16022404", "--delta", "-1",
                        "--reason", "did not present", "--by", "Lecturer Diệp"]) == 0
    assert run_cli(c + ["seminar", "report", "--assessment", "midterm"]) == 0
    assert "1 group(s) with rater disagreement" in capsys.readouterr().out
    out = course / "reports" / "seminar" / "midterm"
    assert (out / "index.html").is_file() and (out / "group_cnn_tricks.html").is_file()
    with open(out / "midterm_class.csv", encoding="utf-8-sig") as fh:
        assert {r["student_id"]: r["score"] for r in csv.DictReader(fh)}["16022404"] == "6.65"
    # the grade-report side reads the same gradebook
    df = seminar_member_scores(f"sqlite:///{course / 'gradebook.db'}")
    assert df.set_index("student_id").loc["16022401", "score"] == 7.65


def test_db_option_overrides_course(tmp_path, files):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert run_cli(["groups", "import", str(files / "registration_clean.csv"), "--roster",
                    str(files / "roster.csv"), "--assessment", "final_project", "--db", url]) == 0
    assert (tmp_path / "other.db").is_file()


def test_report_with_nothing_stored(tmp_path, capsys):
    assert run_cli(["--course", str(tmp_path), "seminar", "report", "--assessment", "final_project"]) == 2
    assert "nothing stored for 'final_project'" in capsys.readouterr().out


def test_groups_check_json_shape(files, capsys):
    run_cli(["groups", "check", str(files / "registration_messy.csv"), "--roster", str(files / "roster.csv"),
             "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"problems"}
    assert {tuple(p) for p in data["problems"]} == {("kind", "student_id", "groups", "suggestion", "detail")}


def test_the_seminar_commands_use_the_course_s_db_url(tmp_path):
    """Without --db, seminar commands use the gradebook that autograder.yaml names (a PostgreSQL URL, say)."""
    import argparse

    from autograder.seminar.cli import _db_url
    (tmp_path / "autograder.yaml").write_text("db_url: sqlite:////elsewhere/gradebook.db\n")
    assert _db_url(argparse.Namespace(db=None, course=str(tmp_path))) == "sqlite:////elsewhere/gradebook.db"
    assert _db_url(argparse.Namespace(db="sqlite:///x.db", course=str(tmp_path))) == "sqlite:///x.db"
    (tmp_path / "autograder.yaml").unlink()
    assert _db_url(argparse.Namespace(db=None, course=str(tmp_path))).endswith("gradebook.db")
