import pytest

from autograder.core.errors import ConfigError
from autograder.core.settings import load_course_config, open_course


def test_defaults_without_config(tmp_path):
    course, config = open_course(tmp_path)
    assert config.sandbox == "auto" and config.roster is None
    assert course.source_root is None and course.reference_root is None      # never guessed


@pytest.mark.parametrize("ask, key", [(lambda c: c.manifest("w03"), "assignments"),
                                      (lambda c: c.reference_module("w03"), "reference_solutions")])
def test_a_source_path_without_its_setting_says_which_key_to_set_in_which_file(tmp_path, ask, key):
    course, _ = open_course(tmp_path)
    with pytest.raises(ConfigError) as e:
        ask(course)
    assert str(e.value).startswith(f"{tmp_path.resolve() / 'autograder.yaml'}: ") and f"`{key}:" in str(e.value)
    assert course.gradebook == tmp_path.resolve() / "gradebook.db"            # course paths need no setting


def test_the_package_guesses_no_repository_paths():
    import autograder.core.coursedir as coursedir
    import autograder.core.settings as settings
    assert not hasattr(coursedir, "PROJECT_ROOT")
    assert settings.CourseConfig().assignments is None and settings.CourseConfig().reference_solutions is None


def test_relative_paths_resolve_against_course_dir(tmp_path):
    (tmp_path / "autograder.yaml").write_text("roster: r.csv\nassignments: src\nworkers: 3\n")
    course, config = open_course(tmp_path)
    assert config.roster == tmp_path / "r.csv"
    assert course.source_root == (tmp_path / "src").resolve()
    assert config.workers == 3


@pytest.mark.parametrize("text, needle", [("sandbx: none\n", "sandbx"), ("sandbox: docker\n", "sandbox"),
                                          ("- a\n", "mapping"), ("a: [\n", "YAML")])
def test_bad_config_is_named(tmp_path, text, needle):
    (tmp_path / "autograder.yaml").write_text(text)
    with pytest.raises(ConfigError, match=needle) as e:
        load_course_config(tmp_path)
    assert "autograder.yaml" in str(e.value)
