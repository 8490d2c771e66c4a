"""`author new`, `author check`, `selftest`: the CLI only maps flags to the keyword-only API."""
import json
from types import SimpleNamespace

import pytest

from autograder import cli
from autograder.authoring.findings import AuthorReport


@pytest.fixture
def course(tmp_path):
    (tmp_path / "assignments" / "w07_x").mkdir(parents=True)
    (tmp_path / "assignments" / "w07_x" / "manifest.yaml").write_text("assignment: w07_x\n")
    (tmp_path / "autograder.yaml").write_text(f"assignments: {tmp_path / 'assignments'}\n"
                                              f"reference_solutions: {tmp_path / 'refs'}\n")
    return tmp_path


def test_help_explains_author_and_selftest(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "author" in out and "selftest" in out
    with pytest.raises(SystemExit):
        cli.main(["author", "check", "--help"])
    out = capsys.readouterr().out
    for words in ("--no-examples", "-k EXPR", "EXPECTED.yaml", "unlocked", "Exit 0"):
        assert words in out


def test_author_new_maps_to_the_course_roots(monkeypatch, course, capsys):
    seen = {}

    def fake_new(**kw):
        seen.update(kw)
        return SimpleNamespace(assignment_dir=kw["assignments_root"] / kw["name"], reference=kw["reference_root"])

    monkeypatch.setattr("autograder.authoring.scaffold.new_assignment", fake_new)
    assert cli.main(["--course", str(course), "author", "new", "w08_y"]) == 0
    assert seen == {"assignments_root": course / "assignments", "reference_root": course / "refs", "name": "w08_y"}
    assert "author check w08_y" in capsys.readouterr().out


def test_author_check_maps_flags_and_exit_code(monkeypatch, course, capsys):
    seen = {}

    def fake_check(**kw):
        seen.update(kw)
        report = AuthorReport(assignment="w07_x", assignment_dir=str(kw["assignment_dir"]))
        report.add("unlocked_cell", "w07_x.ipynb", "cell intro", "markdown cell is not locked")
        return report

    monkeypatch.setattr("autograder.authoring.check.check_assignment", fake_check)
    code = cli.main(["--course", str(course), "author", "check", "w07_x", "--no-examples", "-k", "not train",
                     "--sandbox", "none"])
    assert code == 1
    assert seen == {"assignment_dir": (course / "assignments" / "w07_x").resolve(),
                    "reference_path": (course / "refs" / "w07_x.py").resolve(), "run_examples": False,
                    "sandbox": "none", "select": "not train"}
    assert "[unlocked_cell] w07_x.ipynb:cell intro" in capsys.readouterr().out


def test_assignment_may_be_a_path(monkeypatch, course, capsys):
    seen = {}
    monkeypatch.setattr("autograder.authoring.check.check_assignment",
                        lambda **kw: seen.update(kw) or AuthorReport(assignment="w07_x", assignment_dir=""))
    folder = course / "assignments" / "w07_x"
    assert cli.main(["author", "check", str(folder), "--reference", str(course / "r.py"), "--format", "json"]) == 0
    assert seen["assignment_dir"] == folder.resolve() and seen["run_examples"] is True and seen["select"] is None
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_selftest_maps_flags(monkeypatch, course, capsys):
    seen = {}

    class Report:
        exit_code = 0

        def to_dict(self):
            return {"ok": True}

    monkeypatch.setattr("autograder.authoring.selftest.run_selftest", lambda **kw: seen.update(kw) or Report())
    code = cli.main(["--course", str(course), "selftest", "w07_x", "--task", "add", "--task", "sub",
                     "--format", "json"])
    assert code == 0 and json.loads(capsys.readouterr().out) == {"ok": True}
    assert seen == {"assignment_dir": (course / "assignments" / "w07_x").resolve(),
                    "reference_path": (course / "refs" / "w07_x.py").resolve(), "only": ["add", "sub"],
                    "progress": False}


def test_unknown_assignment_is_one_clear_error(course, capsys):
    code = cli.main(["--course", str(course), "selftest", "w99_missing"])
    err = capsys.readouterr().err
    assert code == 2 and "no manifest.yaml" in err and "w99_missing" in err and "author new" in err


def test_cli_end_to_end_on_a_scaffold(course, capsys):
    assert cli.main(["--course", str(course), "author", "new", "w09_z"]) == 0
    assert cli.main(["--course", str(course), "author", "check", "w09_z"]) == 0
    assert "OK: nothing found" in capsys.readouterr().out
    assert cli.main(["--course", str(course), "selftest", "w09_z"]) == 0
    assert cli.main(["--course", str(course), "author", "new", "w09_z"]) == 2
    assert "already exists" in capsys.readouterr().err
