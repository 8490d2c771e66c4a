"""Shared helper modules of an assignment's tests: ``load_helper(__file__, "_w02_helpers")``.

The grader imports test files by path (pytest's importlib mode, no package, nothing on ``sys.path``), so a test
cannot ``import`` a helper that sits beside it. ``load_helper`` finds ``NAME.py`` next to the calling test file, or
else in a sibling test folder (a hidden test reusing ``../public``'s helpers; the student's release has only
``public_tests/``, where the helpers sit beside the public tests), and imports it once per file and run.

The module is registered under a name made from its resolved path, so two assignments' helpers of the same name
never meet in one process (a pool worker grading two weeks, ``author check``), and it is dropped with the run's
other test modules when the run ends (``plugin._fresh_test_modules``).
"""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from autograder.core.errors import ConfigError


def helper_path(test_file: str | Path, name: str) -> Path:
    """Where ``NAME.py`` is for the test file ``test_file``: its own folder first, then its sibling folders."""
    here = Path(test_file).resolve().parent
    filename = f"{name}.py"
    siblings = sorted(p for p in here.parent.iterdir() if p.is_dir() and p != here) if here.parent.is_dir() else []
    for folder in (here, *siblings):
        if (folder / filename).is_file():
            return folder / filename
    looked = ", ".join(str(f) for f in (here, *siblings))
    raise ConfigError(f"test helper {filename!r} not found (looked in {looked}); put it in the tests' public/ "
                      "folder so that the student's release carries it too", file=str(test_file))


def module_key(path: Path) -> str:
    """The ``sys.modules`` name of a helper file: unique per resolved path."""
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
    return f"_autograder_helper_{path.stem}_{digest}"


def load_helper(test_file: str | Path, name: str) -> ModuleType:
    """Import the helper module ``NAME.py`` for ``test_file`` (pass ``__file__``); the same module on later calls."""
    path = helper_path(test_file, name)
    key = module_key(path)
    module = sys.modules.get(key)
    if module is not None and getattr(module, "__file__", None) == str(path):
        return module
    spec = importlib.util.spec_from_file_location(key, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[key]
        raise
    return module
