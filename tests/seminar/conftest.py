"""Fixtures for the seminar tests: the sample files, a fresh SQLite gradebook, a loaded mid-term."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from autograder.core.errors import AutograderError
from autograder.seminar import cli as seminar_cli
from autograder.seminar.audience import import_audience
from autograder.seminar.registration import import_groups
from autograder.seminar.rubric import load_rubric
from autograder.seminar.sheets import import_scores

FILES = Path(__file__).parent / "files"
RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


@pytest.fixture
def files() -> Path:
    return FILES


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


@pytest.fixture
def midterm():
    return load_rubric(RUBRICS / "midterm_seminar.yaml")


@pytest.fixture
def final_rubric():
    return load_rubric(RUBRICS / "final_project.yaml")


@pytest.fixture
def loaded(db_url, midterm):
    """Mid-term: clean registration, TA An + Lecturer sheets, the audience export."""
    import_groups(db_url, registration=FILES / "registration_clean.csv", roster=FILES / "roster.csv",
                  assessment="midterm")
    import_scores(db_url, rubric=midterm, paths=[FILES / "sheet_ta_an.csv", FILES / "sheet_lecturer.csv"])
    import_audience(db_url, rubric=midterm, path=FILES / "audience_midterm.csv")
    return db_url


def run_cli(argv: list[str]) -> int:
    """What autograder/cli.py will do: a --course option, register(), AutograderError -> exit code."""
    parser = argparse.ArgumentParser(prog="autograder")
    parser.add_argument("--course", default=None)
    seminar_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AutograderError as e:
        print(f"autograder: error: {e}")
        return e.exit_code
