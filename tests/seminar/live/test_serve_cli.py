"""`autograder seminar serve` refuses to start, with a message saying what to do, when the day cannot be served."""
from __future__ import annotations

from ..conftest import run_cli
from .conftest import RUBRICS, SEMINAR_FILES


def serve(db_url, *extra):
    return run_cli(["seminar", "serve", "--db", db_url, "--roster", str(SEMINAR_FILES / "roster.csv"), *extra])


def test_unknown_day_lists_the_stored_dates(groups_db, capsys):
    assert serve(groups_db, "--day", "2026-10-16", "--rubric", str(RUBRICS / "midterm_seminar.yaml")) == 2
    assert ("no stored group presents on 2026-10-16; presentation dates stored: 2019-10-23, 2019-10-30 "
            "(pick another --day, or name groups with --group)") in capsys.readouterr().out


def test_no_rubric_stored_and_no_groups_for_the_assessment(groups_db, capsys):
    assert serve(groups_db, "--day", "2019-10-23") == 2
    assert "no rubric is stored for 'midterm' (pass --rubric rubrics/FILE.yaml)" in capsys.readouterr().out
    assert serve(groups_db, "--day", "2019-10-23", "--assessment", "final_project",
                 "--rubric", str(RUBRICS / "final_project.yaml")) == 2      # groups stored for the mid-term only
    assert "no stored group presents on 2019-10-23; presentation dates stored: none" in capsys.readouterr().out
    assert serve(groups_db, "--day", "2019-10-23", "--rubric", str(RUBRICS / "final_project.yaml")) == 2
    assert "the rubric is for 'final_project', not 'midterm'" in capsys.readouterr().out


def test_no_roster(groups_db, tmp_path, capsys):
    assert run_cli(["--course", str(tmp_path), "seminar", "serve", "--db", groups_db, "--day", "2019-10-23"]) == 2
    assert "no roster: voters' student IDs are checked against it" in capsys.readouterr().out


def test_unknown_group_named(groups_db, capsys):
    assert serve(groups_db, "--day", "2019-10-23", "--group", "Nope", "--rubric",
                 str(RUBRICS / "midterm_seminar.yaml")) == 2
    assert "unknown group(s): Nope" in capsys.readouterr().out


def test_port_in_use(groups_db, capsys):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(groups_db, "--day", "2019-10-23", "--rubric", str(RUBRICS / "midterm_seminar.yaml"),
                     "--host", "127.0.0.1", "--port", str(port)) == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in capsys.readouterr().out
