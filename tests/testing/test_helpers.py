"""load_helper: a test's shared helper module, found beside it or in a sibling test folder, one per path and run."""
import sys
import textwrap

import pytest

from autograder.core.errors import ConfigError, MissingName
from autograder.testing.helpers import load_helper, module_key
from autograder.testing.plugin import GradingPlugin, run_tests


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_a_hidden_test_finds_the_public_helper_and_a_public_test_its_own(tmp_path):
    helper = _write(tmp_path / "tests" / "public" / "_h.py", "WHO = 'public'\n")
    public_test = _write(tmp_path / "tests" / "public" / "test_a.py", "")
    hidden_test = _write(tmp_path / "tests" / "hidden" / "test_b.py", "")
    a, b = load_helper(public_test, "_h"), load_helper(hidden_test, "_h")
    assert a is b and a.WHO == "public" and a.__file__ == str(helper.resolve())


def test_a_helper_beside_the_test_wins_over_a_sibling_folder(tmp_path):
    _write(tmp_path / "tests" / "public" / "_h.py", "WHO = 'public'\n")
    _write(tmp_path / "tests" / "hidden" / "_h.py", "WHO = 'hidden'\n")
    hidden_test = _write(tmp_path / "tests" / "hidden" / "test_b.py", "")
    assert load_helper(hidden_test, "_h").WHO == "hidden"


def test_two_assignments_helpers_of_one_name_stay_apart(tmp_path):
    one = _write(tmp_path / "w1" / "public" / "_h.py", "WHO = 'w1'\n")
    two = _write(tmp_path / "w2" / "public" / "_h.py", "WHO = 'w2'\n")
    got = [load_helper(p.with_name("test_x.py"), "_h").WHO for p in (one, two, one)]
    assert got == ["w1", "w2", "w1"]
    assert module_key(one.resolve()) != module_key(two.resolve())


def test_a_missing_helper_names_the_test_file_and_the_folders_looked_in(tmp_path):
    test = _write(tmp_path / "tests" / "hidden" / "test_b.py", "")
    (tmp_path / "tests" / "public").mkdir()
    with pytest.raises(ConfigError) as e:
        load_helper(test, "_nowhere")
    assert "_nowhere.py" in str(e.value) and str(test) in str(e.value) and "public" in str(e.value)


def test_a_helper_that_fails_to_import_is_not_left_half_loaded(tmp_path):
    bad = _write(tmp_path / "public" / "_bad.py", "raise RuntimeError('broken helper')\n")
    with pytest.raises(RuntimeError):
        load_helper(bad.with_name("test_x.py"), "_bad")
    assert module_key(bad.resolve()) not in sys.modules


class _Proxy:
    def __getattr__(self, name):
        if name != "add":
            raise MissingName(name)
        return lambda a, b: a + b


def test_a_graded_run_uses_the_helper_and_drops_it_afterwards(tmp_path):
    """The way week tests use it, through the grader's pytest run (importlib mode, nothing on sys.path)."""
    helper = _write(tmp_path / "tests" / "public" / "_h.py", "def want(a, b):\n    return a + b\n")
    _write(tmp_path / "tests" / "hidden" / "test_hidden.py", '''
        import pytest
        from autograder.testing.helpers import load_helper
        H = load_helper(__file__, "_h")

        @pytest.mark.task("add", points=2)
        def test_add(student):
            assert student.add(2, 3) == H.want(2, 3)
        ''')
    plugin = GradingPlugin(student=_Proxy())
    run_tests(test_dirs=[tmp_path / "tests" / "public", tmp_path / "tests" / "hidden"], plugin=plugin)
    assert not plugin.errors and [(c.task, c.score) for c in plugin.results] == [("add", 2)]
    assert module_key(helper.resolve()) not in sys.modules
