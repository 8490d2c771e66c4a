"""The drop-in against the real `nbgrader autograde` on the same course, cell by cell.

Both grade the fixture course (files/course: bitdiddle and hacker like nbgrader's documentation, and eight
hostile submissions in the spirit of nbgrader's own tests). Every gradebook row must be equal (automatic score,
manual score, needs-manual-grade, late penalty), except where nbgrader is fooled on purpose: there the engine
scores lower and says why in the comments that `nbgrader generate_feedback` shows.
"""
import pytest

from .course_files import gradebook_rows, totals

pytestmark = pytest.mark.slow

# student -> what the feedback says where the engine scores lower than nbgrader (nbgrader is fooled)
FOOLED = {
    "cheat-transformer": "IPython's input_transformers_post",       # wraps every later cell in try/except
    "reads-source": "only the assignment's own files are visible",  # copies the solution from source/
}
# hostile submission -> (total the engine gives, total nbgrader gives); the fooled ones differ
HOSTILE = {
    "cheat-showtraceback": (0, 0),   # nbgrader 0.9.6 reads the reply too: not fooled
    "cheat-transformer": (0, 7),
    "locked-cell-changed": (7, 7),   # the locked cells come back from the gradebook
    "grade-cell-changed": (0, 0),    # the grade cells too, hidden tests included
    "infinite-loop": (7, 7),         # the printing loop is stopped at the cell timeout; later cells run
    "side-effects": (7, 7),
    "reads-source": (0, 7),
    "no-metadata": (6, 6),           # the stripped grade cell waits for a manual grade in both
}


def test_every_submission_was_graded(by_engine):
    _, summary = by_engine
    assert sorted(s.student_id for s in summary.graded) == sorted(["bitdiddle", "hacker", *HOSTILE])
    assert not summary.failed and not summary.skipped


@pytest.mark.parametrize("student", ["bitdiddle", "hacker", *sorted(set(HOSTILE) - set(FOOLED))])
def test_cell_by_cell_equal_to_nbgrader(by_engine, by_nbgrader, student):
    ours = {k: v for k, v in gradebook_rows(by_engine[0]).items() if k[0] == student}
    theirs = {k: v for k, v in gradebook_rows(by_nbgrader).items() if k[0] == student}
    assert ours.keys() == theirs.keys()
    for key, want in theirs.items():
        got = ours[key]
        if key[2].startswith("comment ") and got != want:   # nbgrader's comment, then "autograder: ..." lines
            assert got is not None and got.startswith((want + "\n" if want else "") + "autograder: "), key
        else:
            assert got == want, key


def test_partial_credit_and_late_penalty_as_nbgrader(by_engine, by_nbgrader):
    ours, theirs = gradebook_rows(by_engine[0]), gradebook_rows(by_nbgrader)
    assert ours[("hacker", "problem1", "cubes_partial")][0] == theirs[("hacker", "problem1", "cubes_partial")][0] == 2
    assert ours[("hacker", "problem1", "late penalty")] == theirs[("hacker", "problem1", "late penalty")] == 3
    assert ours[("bitdiddle", "problem1", "late penalty")] is None


@pytest.mark.parametrize("student", sorted(HOSTILE))
def test_hostile_submission_gets_nbgrader_score_or_lower_with_a_reason(by_engine, by_nbgrader, student):
    ours, theirs = totals(by_engine[0])[student], totals(by_nbgrader)[student]
    assert (ours, theirs) == HOSTILE[student]
    if student in FOOLED:
        comments = [v for k, v in gradebook_rows(by_engine[0]).items()
                    if k[0] == student and k[2].startswith("comment ") and v]
        assert any(FOOLED[student] in c for c in comments), comments
        stored = next(s for s in by_engine[1].graded if s.student_id == student)
        assert any(FOOLED[student] in n for n in stored.notes)


def test_side_effects_stay_in_the_sandbox(by_engine, by_nbgrader):
    root = by_engine[0]
    assert (by_nbgrader / "side-effect-in-course.txt").exists()          # nbgrader let it write the course
    assert not (root / "side-effect-in-course.txt").exists()
    assert not (root / "autograded" / "side-effects" / "ps1" / "side-effect.txt").exists()
    assert not list((root / "submitted" / "side-effects" / "ps1").glob("side-effect*"))


def test_the_showtraceback_patch_is_undone_before_grade_cells(by_engine):
    stored = next(s for s in by_engine[1].graded if s.student_id == "cheat-showtraceback")
    assert any("IPython's showtraceback" in n for n in stored.notes)


def test_autograded_folder_is_nbgrader_s(by_engine, by_nbgrader):
    import nbformat
    root = by_engine[0]
    for student in ["bitdiddle", "hacker"]:
        ours = sorted(p.name for p in (root / "autograded" / student / "ps1").iterdir())
        assert ours == sorted(p.name for p in (by_nbgrader / "autograded" / student / "ps1").iterdir())
    nb = nbformat.read(str(root / "autograded" / "bitdiddle" / "ps1" / "problem1.ipynb"), as_version=4)
    grade = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "correct_cubes")
    assert "### BEGIN HIDDEN TESTS" in grade.source                       # restored from the gradebook
