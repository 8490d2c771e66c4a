import pytest

from autograder.core.errors import RubricError
from autograder.seminar.rubric import load_rubric, parse_rubric

from .conftest import RUBRICS, run_cli

BASE = """\
name: tiny
assessment: midterm
criteria:
  - id: comparison
    title: Comparison
    weight: 60
    levels:
      - {name: low, points: [0, 5], descriptor: weak}
      - {name: high, points: [5, 10], descriptor: strong}
  - id: audience
    title: Audience
    weight: 40
    source: audience
    levels:
      - {name: all, points: [0, 10]}
"""


def test_shipped_midterm_rubric_weights():
    r = load_rubric(RUBRICS / "midterm_seminar.yaml")
    assert [(c.id, c.weight) for c in r.criteria] == [
        ("comparison", 30), ("implementation", 20), ("analysis", 20), ("presentation", 10), ("audience", 20)]
    assert r.audience_criterion.id == "audience" and r.scale == 10 and not r.caps


def test_shipped_final_project_rubric_cap():
    r = load_rubric(RUBRICS / "final_project.yaml")
    assert sum(c.weight for c in r.criteria) == 100
    assert [(c.id, c.max_total, c.decided_by) for c in r.caps] == [("comparative_only", 6.0, "majority")]


def test_level_for_boundaries():
    c = parse_rubric(BASE).criteria[0]
    assert [c.level_for(x).name for x in (0, 4.99, 5, 10)] == ["low", "low", "high", "high"]


# (name, edit applied to BASE, expected line, expected text in the message)
BAD = [
    ("unknown top key", lambda s: s + "colour: red\n", 16, "colour: unknown key 'colour'"),
    ("unknown level key", lambda s: s.replace("descriptor: weak}", "descriptor: weak, pts: 3}"), 8,
     "criteria[0] (comparison).levels[0].pts: unknown key"),
    ("unknown criterion key", lambda s: s.replace("    weight: 60\n", "    weight: 60\n    wieght: 60\n"), 7,
     "criteria[0].wieght: unknown key"),
    ("weights do not add up", lambda s: s.replace("weight: 60", "weight: 50"), 3, "weights add up to 90"),
    ("weight out of range", lambda s: s.replace("weight: 60", "weight: 160"), 6, "160 is out of range"),
    ("negative weight", lambda s: s.replace("weight: 60", "weight: -10"), 6, "weight: -10 is out of range"),
    ("weight not a number", lambda s: s.replace("weight: 60", "weight: sixty"), 6, "expected a number"),
    ("level gap", lambda s: s.replace("points: [5, 10]", "points: [6, 10]"), 9, "levels leave a gap"),
    ("level overlap", lambda s: s.replace("points: [5, 10]", "points: [4, 10]"), 9, "levels leave an overlap"),
    ("levels do not start at 0", lambda s: s.replace("points: [0, 5]", "points: [1, 5]"), 7,
     "levels cover [1, 10] but must cover [0, 10]"),
    ("level out of range", lambda s: s.replace("points: [5, 10]", "points: [5, 12]"), 9, "out of range"),
    ("points not a pair", lambda s: s.replace("points: [5, 10]", "points: 5"), 9, "expected [low, high]"),
    ("bad assessment", lambda s: s.replace("assessment: midterm", "assessment: exam"), 2, "'exam' is not one of"),
    ("bad source", lambda s: s.replace("source: audience", "source: crowd"), 13, "'crowd' is not one of"),
    ("duplicate id", lambda s: s.replace("id: audience", "id: comparison"), 10, "is used twice"),
    ("bad id", lambda s: s.replace("id: comparison", "id: Comparison 1"), 4, "is not a valid id"),
    ("duplicate key", lambda s: s.replace("name: tiny\n", "name: tiny\nname: again\n"), 2, "appears twice"),
    ("missing criteria", lambda s: s[:s.index("criteria:")], 1, "missing required key 'criteria'"),
    ("cap above scale", lambda s: s + "caps:\n  - {id: only, max_total: 11}\n", 17, "caps[0].max_total: 11"),
    ("unknown rule", lambda s: s + "rules: {spread: 2}\n", 16, "rules.spread: unknown key"),
    ("bad min_raters", lambda s: s + "rules: {min_raters: 0}\n", 16, "rules.min_raters"),
    ("yaml syntax", lambda s: s.replace("title: Comparison", "title: [Comparison"), None, "not valid YAML"),
]


@pytest.mark.parametrize("name,edit,line,text", BAD, ids=[b[0] for b in BAD])
def test_invalid_rubric_names_file_line_and_key(tmp_path, name, edit, line, text):
    p = tmp_path / "bad.yaml"
    p.write_text(edit(BASE), encoding="utf-8")
    with pytest.raises(RubricError) as e:
        load_rubric(p)
    msg = str(e.value)
    assert text in msg
    assert msg.startswith(f"{p}:line ")
    if line is not None:
        assert msg.startswith(f"{p}:line {line}: "), msg


def test_base_rubric_is_valid():
    assert parse_rubric(BASE).name == "tiny"


def test_cli_validate_ok_and_invalid(tmp_path, capsys):
    assert run_cli(["rubric", "validate", str(RUBRICS / "midterm_seminar.yaml"),
                    str(RUBRICS / "final_project.yaml")]) == 0
    out = capsys.readouterr().out
    assert "weights 30/20/20/10/20" in out and "cap comparative_only at 6" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.replace("weight: 60", "weight: 50"), encoding="utf-8")
    assert run_cli(["rubric", "validate", str(bad)]) == 1
    assert f"INVALID {bad}:line 3: criteria: weights add up to 90" in capsys.readouterr().out


def test_cli_show_json(capsys):
    assert run_cli(["rubric", "show", str(RUBRICS / "final_project.yaml"), "--format", "json"]) == 0
    assert '"max_total": 6.0' in capsys.readouterr().out
