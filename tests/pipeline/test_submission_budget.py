"""Time is a resource: one budget (Limits.submission_timeout) bounds all cells, tests and restarts of a
submission, which then ends with a verdict and a note saying the budget was hit."""
from __future__ import annotations

import pytest
import yaml

from autograder.core.errors import ConfigError
from autograder.core.manifest import Limits, load_manifest

from . import hostile_course as hc

SLEEPY_F = "def f(x):\n    import time\n    time.sleep(1.2)\n    return x + 1"        # well under call_timeout, on a loaded machine too
SLEEPY_G = "def g(x):\n    import time\n    time.sleep(1.2)\n    return 2 * x"
STUBBORN = "    import time\n    while True:\n        try:\n            time.sleep(10)\n        except BaseException:\n            pass"


def test_the_default_budget_is_the_notebook_plus_three_tests_and_can_be_set(tmp_path):
    assert Limits().submission_timeout == 900 + 3 * 180
    assert Limits(notebook_timeout=100, test_timeout=10).submission_timeout == 130
    path = tmp_path / "manifest.yaml"
    data = {"assignment": "a", "notebook": "a.ipynb", "tasks": {"t": 100}, "limits": {"submission_timeout": 42}}
    path.write_text(yaml.safe_dump(data))
    assert load_manifest(path).limits.submission_timeout == 42
    data["limits"] = {"submission_timeout": 0}
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="limits.submission_timeout"):
        load_manifest(path)


def _budget_note(result) -> str:
    notes = [n for n in result.notes if "time budget" in n]
    assert len(notes) == 1, result.notes
    return notes[0]


@pytest.mark.slow
def test_a_notebook_that_sleeps_just_under_the_call_limit_in_every_call_ends_within_its_budget(tmp_path):
    # 20 calls of 1.2 s (24 s unbounded) against a budget of 12 s, which also pays for starting the kernel: a few
    # seconds, more on a loaded machine (with a 6 s budget a busy CI start could leave no call any time at all)
    limits = {"cell_timeout": 2, "call_timeout": 3, "test_timeout": 4, "notebook_timeout": 10,
              "submission_timeout": 12}
    settings = hc.build(tmp_path, limits=limits, tests_per_task=10)
    result = hc.grade(settings, SLEEPY_F, SLEEPY_G)
    assert result.status == "graded"
    assert result.seconds < 12 + 4                                     # the budget plus stopping the kernel
    assert "used up its time budget of 12 s" in _budget_note(result)
    checks = [c for t in result.tasks for c in t.checks]
    assert len(checks) == 20 and 0 < sum(c.passed for c in checks) < 20
    assert any("your submission used up its time budget of 12 s" in c.message for c in checks if not c.passed)


@pytest.mark.slow
def test_a_notebook_that_hangs_in_every_restart_ends_within_its_budget(tmp_path):
    limits = {"cell_timeout": 1, "call_timeout": 1, "test_timeout": 2, "notebook_timeout": 10,
              "submission_timeout": 5}
    settings = hc.build(tmp_path, limits=limits, tests_per_task=5)
    slow_cell = "import time\ntime.sleep(0.9)"                         # under the cell limit: runs every restart
    result = hc.grade(settings, slow_cell, "def f(x):\n" + STUBBORN, "def g(x):\n" + STUBBORN, slow_cell)
    assert result.status == "graded" and result.score == 0
    assert result.seconds < 5 + 4
    _budget_note(result)
