"""The grading plugin: points per test, visibility, messages, reference/rng fixtures, gpu twins."""
import textwrap
from pathlib import Path

import pytest

from autograder.core.errors import MissingName, StudentException
from autograder.testing.plugin import GradingPlugin, failure_message, run_tests

PUBLIC = '''
import pytest

@pytest.mark.task("add", points=1)
def test_add_small(student):
    assert student.add(1, 2) == 3, "add(1, 2) should be 3"

@pytest.mark.task("mul", points=2)
def test_mul_small(student):
    assert student.mul(2, 3) == 6
'''
HIDDEN = '''
import pytest

@pytest.mark.task("add", points=4)
@pytest.mark.parametrize("n", [1, 2])
def test_add_random(student, reference, rng, n):
    a, b = (int(v) for v in rng.integers(-100, 100, size=2))
    got = student.add(a, b)
    assert got == reference.add(a, b)

@pytest.mark.task("mul", points=3)
def test_mul_hidden(student, reference):
    secret = 123456789
    assert student.mul(secret, 2) == reference.mul(secret, 2)

@pytest.mark.task("mul", points=5)
@pytest.mark.gpu
def test_mul_gpu(student):
    assert student.mul(3, 3) == 9

@pytest.mark.task("mul", points=5)
@pytest.mark.cpu_only
def test_mul_cpu(student):
    assert student.mul(4, 4) == 16
'''
REFERENCE = "def add(a, b):\n    return a + b\n\ndef mul(a, b):\n    return a * b\n"


class FakeProxy:
    """Calls plain functions, raising the proxy's error types like the real proxies do."""
    def __init__(self, **functions):
        self.functions = functions

    def __getattr__(self, name):
        if name not in self.functions:
            raise MissingName(name)

        def call(*args):
            try:
                return self.functions[name](*args)
            except Exception as e:  # noqa: BLE001
                raise StudentException(type(e).__name__, str(e), name=name) from None
        return call


@pytest.fixture()
def assignment(tmp_path) -> Path:
    for vis, text in (("public", PUBLIC), ("hidden", HIDDEN)):
        (tmp_path / "tests" / vis).mkdir(parents=True)
        (tmp_path / "tests" / vis / f"test_{vis}.py").write_text(textwrap.dedent(text))
    (tmp_path / "ref.py").write_text(REFERENCE)
    return tmp_path


def grade(assignment, proxy, **kw):
    plugin = GradingPlugin(student=proxy, reference_path=assignment / "ref.py", **kw)
    run_tests(test_dirs=[assignment / "tests" / "public", assignment / "tests" / "hidden"], plugin=plugin)
    assert not plugin.errors
    return plugin


def by_task(plugin):
    out = {}
    for c in plugin.results:
        out[c.task] = out.get(c.task, 0) + c.score
    return out


def test_correct_student_gets_all_points_and_cpu_twin_only(assignment):
    plugin = grade(assignment, FakeProxy(add=lambda a, b: a + b, mul=lambda a, b: a * b))
    assert by_task(plugin) == {"add": 9, "mul": 10}
    ids = {c.test_id for c in plugin.results}
    assert "hidden/test_hidden.py::test_mul_cpu" in ids and not any("gpu" in i for i in ids)
    assert {c.visibility for c in plugin.results} == {"public", "hidden"}


def test_gpu_runner_runs_gpu_variant_instead(assignment):
    plugin = grade(assignment, FakeProxy(add=lambda a, b: a + b, mul=lambda a, b: a * b), gpu=True)
    ids = {c.test_id for c in plugin.results}
    assert "hidden/test_hidden.py::test_mul_gpu" in ids and "hidden/test_hidden.py::test_mul_cpu" not in ids
    assert by_task(plugin) == {"add": 9, "mul": 10}


def test_wrong_task_loses_only_its_points_with_messages(assignment):
    plugin = grade(assignment, FakeProxy(add=lambda a, b: a - b, mul=lambda a, b: a * b))
    assert by_task(plugin) == {"add": 0, "mul": 10}
    messages = [c.message for c in plugin.results if not c.passed]
    assert "add(1, 2) should be 3" in messages[0]
    hidden = [c for c in plugin.results if not c.passed and c.visibility == "hidden"]
    assert hidden and all("no further detail" in c.message for c in hidden)


def test_hidden_values_never_reach_messages(assignment):
    plugin = grade(assignment, FakeProxy(add=lambda a, b: a + b, mul=lambda a, b: 0))
    assert all("123456789" not in c.message and "246913578" not in c.message for c in plugin.results)


def test_missing_function_and_exceptions_become_messages(assignment):
    plugin = grade(assignment, FakeProxy(mul=lambda a, b: 1 / 0))
    msgs = {c.task: c.message for c in plugin.results if not c.passed}
    assert "`add` is not defined" in msgs["add"]
    assert "ZeroDivisionError" in msgs["mul"]


def test_rng_is_seeded_per_test_and_run(assignment):
    seen = []
    def add(a, b):
        seen.append((a, b))
        return a + b
    grade(assignment, FakeProxy(add=add, mul=lambda a, b: a * b), seed=1)
    first = list(seen)
    seen.clear()
    grade(assignment, FakeProxy(add=add, mul=lambda a, b: a * b), seed=1)
    assert seen == first
    seen.clear()
    grade(assignment, FakeProxy(add=add, mul=lambda a, b: a * b), seed=2)
    assert seen != first


def test_public_tests_may_not_use_reference(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "test_x.py").write_text(
        "import pytest\n@pytest.mark.task('add', points=1)\ndef test_x(student, reference):\n    pass\n")
    plugin = GradingPlugin(student=FakeProxy(), reference_path=None)
    run_tests(test_dirs=[tmp_path / "public"], plugin=plugin)
    assert not plugin.results[0].passed


def test_unmarked_test_is_a_configuration_error(tmp_path):
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / "test_x.py").write_text("def test_x(student):\n    pass\n")
    plugin = GradingPlugin(student=FakeProxy())
    run_tests(test_dirs=[tmp_path / "hidden"], plugin=plugin)
    assert plugin.errors and "no @pytest.mark.task" in plugin.errors[0]


def test_plain_assert_in_public_test_shows_detail(assignment):
    class E:
        value = AssertionError("assert 5 == 6")
    assert "5 == 6" in failure_message(E, "public")
    assert "5 == 6" not in failure_message(E, "hidden")


def test_after_a_timeout_the_tasks_other_tests_fail_fast(assignment):
    from autograder.core.errors import StudentTimeout
    calls = []

    class SlowProxy(FakeProxy):
        def __getattr__(self, name):
            if name == "add":
                def add(*args):
                    calls.append(args)
                    raise StudentTimeout(60, name="add")
                return add
            return super().__getattr__(name)

    plugin = grade(assignment, SlowProxy(mul=lambda a, b: a * b))
    add_checks = [c for c in plugin.results if c.task == "add"]
    assert len(calls) == 1 and len(add_checks) == 3 and not any(c.passed for c in add_checks)
    assert all("not run: an earlier check of add failed" in c.message for c in add_checks[1:])
    assert by_task(plugin)["mul"] == 10


def _folder(root: Path, task: str) -> Path:
    public = root / "tests" / "public"
    public.mkdir(parents=True)
    (public / "test_same_name.py").write_text(textwrap.dedent(f'''
        import pytest

        @pytest.mark.task("{task}", points=1)
        def test_it(student):
            assert student.{task}(2) == 4
    '''))
    return public


def test_two_assignments_in_one_process_each_run_their_own_tests(tmp_path):
    """A pool worker grades many submissions, of several assignments, in one process: test files with the same
    path below their tests/ folder must not be taken from an earlier run."""
    from autograder.engine.proxy import LocalProxy
    ns = {"double": lambda x: 2 * x, "square": lambda x: x * x}
    for task in ("double", "square", "double"):
        plugin = run_tests(test_dirs=[_folder(tmp_path / f"{task}-{len(list(tmp_path.iterdir()))}", task)],
                           plugin=GradingPlugin(student=LocalProxy(ns)))
        assert [r.task for r in plugin.results] == [task], plugin.log


def test_a_warning_from_student_code_never_costs_points(assignment):
    # this suite runs with filterwarnings=error; the grading run must still treat a warning as the kernel does
    import warnings

    def add(a, b):
        warnings.warn("`shuffle=True` was passed, but will be ignored", UserWarning, stacklevel=1)
        return a + b
    plugin = grade(assignment, FakeProxy(add=add, mul=lambda a, b: a * b))
    assert by_task(plugin) == {"add": 9, "mul": 10}
