"""Every assignment folder passes `author check` (examples aside: tests/e2e grades them) and `selftest`.

A new week is covered by adding its folder under assignments/ (with manifest.yaml, selftest.yaml and
reference_solutions/NAME.py); nothing here names a week.
"""
from pathlib import Path

import pytest

from autograder.authoring.check import check_assignment, render_author_report
from autograder.authoring.selftest import render_selftest, run_selftest

ROOT = Path(__file__).resolve().parents[2]          # the repository
ASSIGNMENTS = ROOT / "assignments"
REFERENCES = ROOT / "reference_solutions"
FOLDERS = sorted(p.parent.name for p in ASSIGNMENTS.glob("*/manifest.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("name", FOLDERS)
def test_assignment_passes_author_check_and_selftest(name):
    folder, reference = ASSIGNMENTS / name, REFERENCES / f"{name}.py"
    report = check_assignment(assignment_dir=folder, reference_path=reference, run_examples=False)
    assert report.ok, render_author_report(report)
    selftest = run_selftest(assignment_dir=folder, reference_path=reference, progress=False)
    text = render_selftest(selftest)
    assert not selftest.survivors, text
    assert not selftest.false_fails, text
    assert not selftest.errors, text
