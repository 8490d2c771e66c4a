"""The CLI only maps flags to keyword-only API calls."""
import pytest

from autograder import cli


def test_help_explains_the_workflow(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for word in ("release", "collect", "grade", "feedback", "export", "check", "--course"):
        assert word in out


def test_grade_maps_flags(monkeypatch, tmp_path):
    seen = {}

    def fake_grade(**kw):
        seen.update(kw)
        from autograder.pipeline.runner import GradeSummary
        return GradeSummary(assignment=kw["assignment"])

    monkeypatch.setattr("autograder.pipeline.runner.grade_assignment", fake_grade)
    code = cli.main(["--course", str(tmp_path), "grade", "w03_training", "--student", "1", "--student", "2",
                     "--workers", "3", "--force", "--sandbox", "none", "--quiet"])
    assert code == 0
    assert seen["assignment"] == "w03_training" and seen["student_ids"] == ["1", "2"]
    assert seen["workers"] == 3 and seen["force"] is True and seen["progress"] is False
    assert seen["settings"].sandbox == "none" and seen["settings"].course.root == tmp_path.resolve()


def test_errors_are_reported_once_with_exit_code(monkeypatch, tmp_path, capsys):
    (tmp_path / "autograder.yaml").write_text("bogus: 1\n")
    code = cli.main(["--course", str(tmp_path), "grade", "w03_training"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("bogus") == 1 and "autograder.yaml" in err


def test_export_dispatches_by_format(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("autograder.pipeline.export.export_scores", lambda **kw: calls.append(("scores", kw)), raising=False)
    cli.main(["--course", str(tmp_path), "export", "w03_training", "-o", str(tmp_path / "x.csv"), "--by-task"])
    assert calls and calls[0][1]["by_task"] is True and calls[0][1]["assignment"] == "w03_training"
