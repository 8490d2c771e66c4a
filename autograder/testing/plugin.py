"""The pytest plugin that runs an assignment's tests against one student's proxy.

Tests live in `assignments/A/tests/{public,hidden}/test_*.py` and use three fixtures:

* ``student``   - a proxy (KernelProxy or LocalProxy): ``student.NAME(*args)`` returns decoded plain data;
* ``reference`` - the reference solution module, imported in the grader process (hidden tests only);
* ``rng``       - a ``numpy.random.Generator`` seeded from the run seed and the test id.

Each test carries ``@pytest.mark.task("NAME", points=P)``. The plugin turns every test outcome into a
`CheckResult` with one readable message; tests never print scores, and nothing the student writes is read.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import time
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from autograder.core.errors import ConfigError, KernelDied, StudentCodeError, StudentException, StudentTimeout
from autograder.core.results import CheckResult

GRADING_INI = Path(__file__).with_name("grading.ini")


@dataclass
class CollectedTest:
    test_id: str
    task: str
    points: float
    visibility: str


def load_reference(path: Path):
    """Import a reference solution module from its file (cached per process)."""
    name = f"_autograder_reference_{path.stem}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError("cannot import the reference solution", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _is_fatal(exc) -> bool:
    """Failures that would only repeat, slowly, on the task's other tests."""
    return isinstance(exc, (StudentTimeout, KernelDied)) or (
        isinstance(exc, StudentException) and exc.ename == "MemoryError")


def visibility_of(path: Path) -> str:
    return "hidden" if "hidden" in Path(path).parts else "public"


def _task_marker(item) -> tuple[str, float]:
    mark = item.get_closest_marker("task")
    if mark is None or not mark.args:
        raise ConfigError(f"test {item.nodeid} has no @pytest.mark.task(NAME, points=P)",
                          file=str(item.path))
    points = mark.kwargs.get("points", mark.args[1] if len(mark.args) > 1 else None)
    if not isinstance(points, (int, float)) or points < 0:
        raise ConfigError(f"test {item.nodeid}: points must be a non-negative number, got {points!r}",
                          file=str(item.path))
    return str(mark.args[0]), float(points)


def _is_check_failure(exc) -> bool:
    try:
        from autograder.testing.checks import CheckFailed
    except ImportError:  # pragma: no cover - checks.py ships with the package
        return False
    return isinstance(exc, CheckFailed)


def failure_message(excinfo, visibility: str) -> str:
    """One readable line (or a few) for a failed test; hidden tests never show their code or values."""
    exc = excinfo.value
    if isinstance(exc, StudentCodeError):
        return exc.feedback
    if _is_check_failure(exc):
        return str(exc)
    if isinstance(exc, AssertionError):
        first = str(exc).split("\n", 1)[0].strip()
        if visibility == "public":
            return str(exc).strip()[:2000] or "a public check failed"
        # pytest's rewritten asserts append "assert <expr>" lines with values: keep only an explicit message
        if first and not first.startswith("assert "):
            return first[:500]
        return "a hidden check failed (no further detail is shown for hidden tests)"
    return f"the result could not be checked: {type(exc).__name__}: {str(exc)[:300]}"


@dataclass
class GradingPlugin:
    """Bind tests to one student's proxy and collect their results as data."""
    student: object
    reference_path: Path | None = None
    seed: int = 0
    gpu: bool = False
    tasks: tuple[str, ...] | None = None          # restrict to these task names (student checks)
    test_timeout: float | None = None             # seconds one test (all its calls together) may take
    results: list[CheckResult] = field(default_factory=list)
    collected: list[CollectedTest] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""
    # task -> the timeout/kernel death that already failed it: its remaining tests fail at once instead of
    # waiting out the same infinite loop or crash again (the task cannot pass those checks anyway)
    broken: dict = field(default_factory=dict)

    # -- configuration ----------------------------------------------------------------------------
    def pytest_configure(self, config):
        config.addinivalue_line("markers", "task(name, points): the task a test belongs to and its points")
        config.addinivalue_line("markers", "gpu: runs only on a GPU runner; a cpu_only twin carries the points")
        config.addinivalue_line("markers", "cpu_only: the CPU twin of a gpu test")
        config.addinivalue_line("markers", "slow: a test that takes several seconds")

    def pytest_collection_modifyitems(self, session, config, items):
        keep, drop = [], []
        for item in items:
            try:
                task, points = _task_marker(item)
            except ConfigError as e:
                self.errors.append(str(e))
                drop.append(item)
                continue
            skip_mode = item.get_closest_marker("gpu") if not self.gpu else item.get_closest_marker("cpu_only")
            if skip_mode is not None or (self.tasks is not None and task not in self.tasks):
                drop.append(item)
                continue
            visibility = visibility_of(item.path)
            item.stash[_META] = CollectedTest(test_id=_test_id(item), task=task, points=points,
                                              visibility=visibility)
            self.collected.append(item.stash[_META])
            keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep

    # -- fixtures -----------------------------------------------------------------------------------
    @pytest.fixture(name="student")
    def _student_fixture(self):
        return self.student

    @pytest.fixture(name="reference")
    def _reference_fixture(self, request):
        if visibility_of(request.node.path) == "public":
            raise ConfigError(f"public test {request.node.nodeid} uses `reference`; public tests ship to "
                              "students and must not need the reference solution", file=str(request.node.path))
        if self.reference_path is None:
            raise ConfigError("no reference solution configured for this run")
        return load_reference(self.reference_path)

    @pytest.fixture(name="rng")
    def _rng_fixture(self, request):
        return np.random.default_rng([self.seed, zlib.crc32(_test_id(request.node).encode())])

    def pytest_runtest_setup(self, item):
        if self.test_timeout is not None and getattr(type(self.student), "supports_deadline", False):
            self.student._deadline = time.monotonic() + self.test_timeout
        meta = item.stash.get(_META, None)
        if meta is not None and meta.task in self.broken:
            raise StudentCodeError(f"not run: an earlier check of {meta.task} failed with: {self.broken[meta.task]}")

    def pytest_runtest_teardown(self, item):
        if getattr(type(self.student), "supports_deadline", False):
            self.student._deadline = None

    # -- outcomes -------------------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        try:
            self._record(item, call, report)
        except Exception as e:  # noqa: BLE001 - a reporting bug must not abort the whole run
            self.errors.append(f"could not record {item.nodeid}: {type(e).__name__}: {e}")
        return report

    def _record(self, item, call, report):
        meta = item.stash.get(_META, None)
        if meta is None:
            return
        failed_now = report.failed and call.excinfo is not None
        if report.when == "call" or failed_now:
            if any(r.test_id == meta.test_id for r in self.results):
                return  # teardown failure after a recorded call: keep the first verdict
            message = ""
            if failed_now:
                message = failure_message(call.excinfo, meta.visibility)
                if _is_fatal(call.excinfo.value):
                    self.broken.setdefault(meta.task, call.excinfo.value.feedback)
            elif report.skipped:
                message = "skipped"
            passed = report.passed and report.when == "call"
            self.results.append(CheckResult(test_id=meta.test_id, task=meta.task, points=meta.points,
                                            visibility=meta.visibility, passed=passed, message=message,
                                            seconds=round(call.duration, 4)))


_META = pytest.StashKey[CollectedTest]()


def _test_id(item) -> str:
    """'public/test_loss.py::test_x[case]' - stable across machines."""
    parts = Path(item.path).parts
    for anchor in ("public", "hidden"):
        if anchor in parts:
            rel = "/".join(parts[parts.index(anchor):])
            return f"{rel}::{item.name}"
    return item.nodeid


# pytest plugins that grading never needs; unraisableexception alone runs a full gc.collect() per session
_UNUSED_PLUGINS = [arg for name in ("unraisableexception", "threadexception", "faulthandler", "doctest",
                                    "junitxml", "pastebin", "stepwise", "legacypath", "xdist", "xdist.looponfail")
                   for arg in ("-p", f"no:{name}")]


def _is_under(file, root: Path) -> bool:
    try:
        return Path(file).resolve().is_relative_to(root)
    except (OSError, ValueError, TypeError):
        return False


_TEST_PACKAGES = frozenset({"public", "hidden", "public_tests"})


@contextlib.contextmanager
def _fresh_test_modules(rootdir: Path):
    """Each run imports its own test modules. pytest's importlib mode names a test module after its path below
    the rootdir (`public.test_loss`) and reuses whatever `sys.modules` holds under that name, so without this a
    process that runs two assignments (a pool worker, `author check`, `selftest`) would run the first one's tests
    for the second. Test-suite modules (any file below a test folder) are dropped before and after the run."""
    def drop(match):
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if file and match(name, file):
                del sys.modules[name]

    root = Path(rootdir).resolve()
    before = set(sys.modules)
    # same-named modules of another folder's tests, left by an earlier run in this process
    drop(lambda name, file: name.split(".")[0] in _TEST_PACKAGES and not _is_under(file, root))
    try:
        yield
    finally:
        drop(lambda name, file: name not in before and _is_under(file, root))


def run_tests(*, test_dirs: list[Path], plugin: GradingPlugin, extra_args: tuple[str, ...] = ()) -> GradingPlugin:
    """Run pytest in this process over `test_dirs` with `plugin`; results land in `plugin.results`."""
    dirs = [str(d) for d in test_dirs if Path(d).is_dir()]
    if not dirs:
        raise ConfigError("no test folder found", file=", ".join(map(str, test_dirs)))
    args = ["-c", str(GRADING_INI), "--rootdir", str(Path(dirs[0]).parent), "-q", "-p", "no:cacheprovider",
            "-p", "no:randomly", *_UNUSED_PLUGINS, "--import-mode=importlib", "--no-header", "-o", "console_output_style=classic",
            *extra_args, *dirs]
    start = time.perf_counter()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), _fresh_test_modules(Path(dirs[0]).parent), warnings.catch_warnings():
        # The grading regime, whatever the caller's (the repo's own test run turns warnings into errors): a
        # warning from student or grader code is shown, never raised, as in the student's kernel.
        warnings.simplefilter("default")
        code = pytest.main(args, plugins=[plugin])
    plugin.seconds = time.perf_counter() - start
    plugin.log = buffer.getvalue()[-20000:]
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        plugin.errors.append(f"pytest exited with {code!r}")
    return plugin
