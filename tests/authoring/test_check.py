"""`author check` fails, naming the problem, on each kind of broken copy of the scaffold (built in tmp_path)."""
import pytest

from autograder.authoring.check import check_assignment, render_author_report

SOLUTION = 'def add(a, b):\n    """a + b, elementwise for arrays."""\n    ### BEGIN SOLUTION\n    return {body}\n    ### END SOLUTION'
PUBLIC = "tests/public/test_add.py"
HIDDEN = "tests/hidden/test_add_hidden.py"
EXTRA_PUBLIC = '''import pytest
{head}

@pytest.mark.task("add", points=0)
def test_extra({args}):
    {body}
'''


def _public_extra(c, *, head="", args="student", body="pass"):
    c.write("tests/public/test_extra.py", EXTRA_PUBLIC.format(head=head, args=args, body=body))


# name -> (how to break the copy, expected kind, words that must appear in the finding's place or message)
BROKEN = {
    "manifest_points_not_100": (lambda c: c.edit("manifest.yaml", "points: 100", "points: 90"),
                                "points_total", "add up to 90"),
    "manifest_unknown_key": (lambda c: c.edit("manifest.yaml", "files: []", "files: []\ndeadline: monday"),
                             "manifest_invalid", "deadline"),
    "no_solution_defines_task": (lambda c: c.edit_cell("add-solution", source=SOLUTION.format(body="a + b")
                                                       .replace("def add", "def plus")),
                                 "missing_solution", "add"),
    "solution_syntax_error": (lambda c: c.edit_cell("add-solution", source="def add(a, b)\n    return a + b"),
                              "solution_syntax", "add-solution"),
    "no_grade_cell": (lambda c: c.edit_cell("add", delete=True), "missing_grade_cell", "add"),
    "grade_cell_points_disagree": (lambda c: c.edit_cell("add", nbgrader={"points": 50}), "grade_points", "50"),
    "grade_cell_source_changed": (lambda c: c.edit_cell("add", source="check_task('add')"),
                                  "grade_cell_source", "cell add"),
    "grade_cell_for_unknown_task": (lambda c: c.edit_cell("add", nbgrader={"grade_id": "subtract"}),
                                    "grade_cell_unknown_task", "subtract"),
    "markdown_not_locked": (lambda c: c.edit_cell("md-add", nbgrader={"locked": False}), "unlocked_cell", "md-add"),
    "setup_not_locked": (lambda c: c.edit_cell("setup", nbgrader={"locked": False}), "unlocked_cell", "setup"),
    "grade_cell_not_locked": (lambda c: c.edit_cell("add", nbgrader={"locked": False}), "unlocked_cell", "grade cell"),
    "public_uses_reference": (lambda c: _public_extra(c, args="student, reference"),
                              "public_uses_reference", "test_extra"),
    "public_getfixturevalue_reference": (lambda c: _public_extra(c, args="request",
                                                                 body='request.getfixturevalue("reference")'),
                                         "public_uses_reference", "line"),
    "public_imports_reference_solutions": (lambda c: _public_extra(c, head="import reference_solutions"),
                                           "public_reads_hidden", "reference_solutions"),
    "public_reads_hidden_tests": (lambda c: _public_extra(c, body='open("../hidden/test_add_hidden.py").read()'),
                                  "public_reads_hidden", "hidden"),
    "public_loads_reference": (lambda c: _public_extra(c, head="from autograder.testing.plugin import load_reference"),
                               "public_reads_hidden", "load_reference"),
    "test_of_unknown_task": (lambda c: c.edit(HIDDEN, 'task("add", points=30)', 'task("subtract", points=30)'),
                             "unknown_task", "test_add_matches_reference"),
    "test_points_disagree": (lambda c: c.edit(PUBLIC, "points=20)\ndef test_add_numbers",
                                              "points=25)\ndef test_add_numbers"), "test_points", "105"),
    "gpu_test_without_cpu_twin": (lambda c: c.edit(PUBLIC, '@pytest.mark.task("add", points=20)\ndef test_add_arrays',
                                                   '@pytest.mark.task("add", points=20)\n@pytest.mark.gpu\n'
                                                   'def test_add_arrays'), "test_points", "CPU runner"),
    "test_without_task_marker": (lambda c: c.edit(PUBLIC, '@pytest.mark.task("add", points=20)\ndef test_add_numbers',
                                                  'def test_add_numbers'), "test_invalid", "mark.task"),
    "notebook_disagrees_with_reference": (lambda c: c.edit_cell("add-solution", source=SOLUTION.format(body="a - b")),
                                          "notebook_fails_test", "test_add"),
    "notebook_cell_raises": (lambda c: c.edit_cell("setup", source="import numpy as np\nraise RuntimeError('x')"),
                             "notebook_cell_error", "setup"),
    "reference_fails_a_test": (lambda c: c.edit("REFERENCE", "return np.add(a, b)", "return np.add(a, b) + 1"),
                               "reference_fails_test", "public/test_add.py::test_add_numbers"),
    "expected_names_missing_notebook": (lambda c: c.write("examples/EXPECTED.yaml",
                                                          'students:\n  "21020001": {total: 100}\n'),
                                        "example_missing", "21020001"),
    "example_not_in_expected": (lambda c: c.write("examples/21020002.ipynb", c.notebook.read_text()),
                                "example_unlisted", "21020002"),
    "expected_malformed": (lambda c: c.write("examples/EXPECTED.yaml", 'students:\n  "21020001": {score: 100}\n'),
                           "expected_invalid", "score"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_author_check_names_each_broken_copy(scaffold, case):
    breaks, kind, words = BROKEN[case]
    breaks(scaffold)
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference)
    text = render_author_report(report)
    assert not report.ok and report.exit_code == 1, text
    found = [f for f in report.findings if f.kind == kind]
    assert found, f"expected a {kind} finding:\n{text}"
    assert any(words in f"{f.file}:{f.where}: {f.message}" for f in found), text
    assert f"[{kind}]" in text


def test_select_leaves_tests_out_of_the_in_process_runs(scaffold):
    scaffold.edit_cell("add-solution", source=SOLUTION.format(body="a + b if np.ndim(a) == 0 else a - b"))
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference)
    assert {f.where.split("::")[1].split("[")[0] for f in report.findings} == {"test_add_arrays",
                                                                              "test_add_matches_reference"}
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference,
                              select="numbers")
    assert report.ok, render_author_report(report)


def test_findings_are_data(scaffold):
    scaffold.edit_cell("md-add", nbgrader={"locked": False})
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference)
    data = report.to_dict()
    assert data["ok"] is False
    assert data["findings"] == [{"kind": "unlocked_cell", "file": "w99_scaffold.ipynb", "where": "cell md-add",
                                 "message": data["findings"][0]["message"], "hint": data["findings"][0]["hint"]}]
    assert "Read-only" in data["findings"][0]["hint"]


@pytest.mark.slow
def test_examples_are_graded_through_the_pipeline(scaffold):
    good = scaffold.notebook.read_text()
    scaffold.write("examples/21020001.ipynb", good)
    scaffold.write("examples/21020002.ipynb", good.replace("return np.add(a, b)", "return a - b"))
    scaffold.write("examples/EXPECTED.yaml", 'students:\n  "21020001": {total: 100}\n'
                                             '  "21020002": {total: 100, bug: "claimed correct"}\n')
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference, sandbox="auto")
    assert [(f.kind, f.where) for f in report.findings] == [("example_score", "21020002")], \
        render_author_report(report)
    assert "scored 0, EXPECTED.yaml says 100" in report.findings[0].message
    scaffold.write("examples/EXPECTED.yaml", 'students:\n  "21020001": {total: 100}\n'
                                             '  "21020002": {total: 0, lose: [add]}\n')
    report = check_assignment(assignment_dir=scaffold.folder, reference_path=scaffold.reference, sandbox="auto")
    assert report.ok, render_author_report(report)
    assert any("2 example(s) graded" in s for s in report.steps)
