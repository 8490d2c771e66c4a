import pytest

from autograder.core.errors import ConfigError
from autograder.core.settings import load_course_config, open_course


def test_defaults_without_config(tmp_path):
    course, config = open_course(tmp_path)
    assert config.sandbox == "auto" and config.roster is None
    assert course.source_root.name == "assignments"


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
