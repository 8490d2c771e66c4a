"""The student's local check: public tests only, no reference solution, exit code by outcome."""
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.check import check_namespace, find_public_tests
from autograder.core.errors import InputError
from autograder.testing.plugin import load_reference

ROOT = Path(__file__).resolve().parents[2]          # the repository (tests and benchmarks run from it)

ASSIGNMENT = ROOT / "assignments" / "w03_training"
EXAMPLES = ASSIGNMENT / "examples"


def test_reference_passes_every_public_check_in_process():
    ref = load_reference(ROOT / "reference_solutions" / "w03_training.py")
    report = check_namespace(namespace=vars(ref), tests_dir=ASSIGNMENT / "tests" / "public")
    assert report.ok, [c.message for c in report.checks if not c.passed]
    assert set(report.tasks) >= {"cross_entropy", "adam_step", "train_classifier"}


def test_one_task_only_and_missing_functions_fail():
    report = check_namespace(namespace={}, tests_dir=ASSIGNMENT / "tests" / "public", tasks=("sgd_step",))
    assert set(report.tasks) == {"sgd_step"} and not report.ok
    assert all("not defined" in c.message for c in report.checks)


def test_public_tests_are_found_next_to_the_notebook(tmp_path):
    (tmp_path / "public_tests").mkdir()
    (tmp_path / "sub").mkdir()
    assert find_public_tests(tmp_path / "sub") == tmp_path / "public_tests"
    with pytest.raises(InputError, match="public_tests"):
        find_public_tests(tmp_path.parent.parent / "nonexistent-dir-for-test")


@pytest.mark.slow
def test_cli_check_runs_the_notebook_and_reports_per_task(tmp_path, capsys):
    shutil.copytree(ASSIGNMENT / "tests" / "public", tmp_path / "public_tests")
    shutil.copy(EXAMPLES / "21020003.ipynb", tmp_path / "w03_training.ipynb")  # bugs in three tasks
    code = cli.main(["check", str(tmp_path / "w03_training.ipynb")])
    out = capsys.readouterr().out
    assert code == 1
    for task in ("confusion_matrix", "momentum_step", "adam_step"):
        assert f"[FAIL] {task}" in out
    assert "[PASS] cross_entropy" in out and "[PASS] sgd_step" in out
