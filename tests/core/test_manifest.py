from pathlib import Path

import pytest

from autograder.core.errors import ConfigError
from autograder.core.manifest import load_manifest

GOOD = """\
assignment: demo
notebook: demo.ipynb
tasks:
  add: {points: 60, description: adds}
  mul: 40
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "manifest.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_loads_tasks_in_order_with_defaults(tmp_path):
    m = load_manifest(write(tmp_path, GOOD))
    assert m.task_names == ["add", "mul"]
    assert m.task("mul").points == 40
    assert m.limits.memory_mb >= 4096  # TensorFlow needs room
    with pytest.raises(KeyError):
        m.task("nope")


@pytest.mark.parametrize("text, needle", [
    (GOOD + "colour: red\n", "unknown key(s) 'colour'"),
    (GOOD.replace("mul: 40", "mul: 30"), "add up to 90"),
    (GOOD.replace("mul: 40", "mul: {points: 40, weight: 2}"), "tasks.mul"),
    (GOOD.replace("mul: 40", "mul: -40"), "positive"),
    (GOOD + "limits: {cell_timout: 3}\n", "cell_timout"),
    ("assignment: x\n", "missing required key 'notebook'"),
    ("tasks: [\n", "not valid YAML"),
    (GOOD.replace("add:", "'not an id':"), "identifier"),
])
def test_rejects_bad_manifests_naming_file_and_key(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_manifest(path)
    assert needle in str(e.value)
    assert str(path) in str(e.value)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="manifest.yaml"):
        load_manifest(tmp_path / "manifest.yaml")


def test_gpu_only_tasks_do_not_count_towards_total(tmp_path):
    m = load_manifest(write(tmp_path, GOOD + "  big: {points: 10, gpu: true}\n"))
    assert m.task("big").gpu
