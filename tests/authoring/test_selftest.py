"""`selftest`: verdicts on variants, styles and stubs of the scaffold (selftest.yaml rewritten in tmp_path)."""
import pytest

from autograder.authoring.inprocess import InProcessRun, TaskScore
from autograder.authoring.selftest import judge, render_selftest, run_selftest
from autograder.authoring.selftest_config import Case
from autograder.core.errors import ConfigError

SELFTEST = """\
context: |
  _ref_add = add
variants:
  add:
    subtracts: |
      def add(a, b):
          return np.subtract(a, b)
    commutes: |
      def add(a, b):
          return _ref_add(b, a)
    only_public:
      source: |
        def add(a, b):
            return a - b
      select: "numbers"
      message: "add(2, 3)"
    wrong_words:
      source: |
        def add(a, b):
            return a - b
      message: "words no check says"
styles:
  operator: |
    def add(a, b):
        return a + b
  rounds: |
    def add(a, b):
        return np.round(np.add(a, b), 1)
stubs:
  add:
    returns_none: |
      def add(a, b):
          return None
    a_correct_stub: |
      def add(a, b):
          return np.add(a, b)
"""


def _run(scaffold, text, **kw):
    scaffold.write("selftest.yaml", text)
    return run_selftest(assignment_dir=scaffold.folder, reference_path=scaffold.reference, progress=False, **kw)


def test_verdicts(scaffold):
    report = _run(scaffold, SELFTEST)
    verdicts = {c.case_id: c.verdict for c in report.cases}
    assert verdicts == {"reference": "ok", "operator": "ok", "rounds": "false_fail",
                        "add/subtracts": "killed", "add/commutes": "survived", "add/only_public": "killed",
                        "add/wrong_words": "wrong_message", "add/returns_none": "killed",
                        "add/a_correct_stub": "stub_scored"}
    assert {c.case_id for c in report.survivors} == {"add/commutes", "add/wrong_words", "add/a_correct_stub"}
    assert [c.case_id for c in report.false_fails] == ["rounds"]
    assert not report.ok and report.exit_code == 1
    assert report.kill_matrix["add/only_public"] == {"add": 20.0}      # -k numbers: one public test ran
    assert report.thin_tasks == {}
    text = render_selftest(report)
    for words in ("SURVIVED", "add/commutes: survived", "FALSE FAILS", "rounds: false_fail", "NOT OK",
                  "kill matrix", "*100"):
        assert words in text, text
    assert report.to_dict()["survivors"] == [c.case_id for c in report.survivors]


def test_only_restricts_variants_and_stubs(scaffold):
    report = _run(scaffold, SELFTEST, only="add")
    assert len(report.variants) == 4
    with pytest.raises(ConfigError, match="no task subtract"):
        _run(scaffold, SELFTEST, only="subtract")


def test_variant_source_that_raises_is_an_error(scaffold):
    report = _run(scaffold, "variants:\n  add:\n    boom: |\n      raise RuntimeError('x')\n")
    assert [(v.case_id, v.verdict) for v in report.variants] == [("add/boom", "error")]
    assert "RuntimeError" in report.variants[0].detail and not report.ok


def test_a_variant_costing_another_task_is_collateral():
    case = Case(kind="variant", name="transposed", source="", task="cm", also_costs=("prf",))
    run = InProcessRun(scores={"cm": TaskScore(0, 8, ["wrong"]), "prf": TaskScore(5, 10, ["x"]),
                               "sgd": TaskScore(2, 4, ["y"])}, failed=[], errors=[])
    result = judge(case, run)
    assert result.verdict == "collateral" and "sgd -2" in result.detail and "prf" not in result.detail
    run.scores["sgd"] = TaskScore(4, 4)
    assert judge(case, run).verdict == "killed"


@pytest.mark.parametrize("text,where", [
    ("variants:\n  subtract:\n    x: 'def f(): pass'\n", "variants"),
    ("variants:\n  add:\n    x: {source: 'def f(): pass', also_costs: [nope]}\n", "variants.add.x.also_costs"),
    ("variants:\n  add:\n    x: {source: 'def f(): pass', bogus: 1}\n", "variants.add.x"),
    ("variants:\n  add:\n    x: 'def f(:'\n", "variants.add.x"),
    ("stub: {}\n", "top level"),
])
def test_bad_selftest_yaml_names_file_and_key(scaffold, text, where):
    with pytest.raises(ConfigError) as e:
        _run(scaffold, text)
    assert "selftest.yaml" in str(e.value) and e.value.where == where
