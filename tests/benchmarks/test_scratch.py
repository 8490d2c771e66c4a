"""The benchmarks' scratch folder: removed (or kept and named) at the end, the load average noted, on error too."""
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.scratch import scratch_folder  # noqa: E402


def test_folder_removed_and_load_noted_even_when_the_run_fails():
    result = SimpleNamespace(load_after=())
    with pytest.raises(RuntimeError), scratch_folder("bench-test-", result) as base:
        (base / "f").write_text("x")
        seen = base
        raise RuntimeError("run failed")
    assert not seen.exists() and len(result.load_after) == 3


def test_keep_leaves_the_folder_and_says_where():
    result, said = SimpleNamespace(load_after=()), []
    with scratch_folder("bench-test-", result, keep=True, say=said.append) as base:
        pass
    try:
        assert base.is_dir() and said == [f"kept: {base}"]
    finally:
        base.rmdir()
