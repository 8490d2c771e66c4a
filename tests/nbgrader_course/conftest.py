import shutil

import pytest

from .course_files import make_course, nbgrader_autograde


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory):
    """The fixture course after `generate_assignment` (copied, never graded in place)."""
    return make_course(tmp_path_factory.mktemp("nbgrader-course") / "course")


@pytest.fixture
def course(generated_course, tmp_path):
    return shutil.copytree(generated_course, tmp_path / "course")


@pytest.fixture(scope="session")
def by_nbgrader(generated_course, tmp_path_factory):
    """The whole course autograded by the real `nbgrader autograde`."""
    root = shutil.copytree(generated_course, tmp_path_factory.mktemp("by-nbgrader") / "course")
    nbgrader_autograde(root)
    return root


@pytest.fixture(scope="session")
def by_engine(generated_course, tmp_path_factory):
    """The whole course graded by this engine (2 workers): (course root, summary)."""
    from autograder.nbgrader_course import grade_nbgrader_assignment
    root = shutil.copytree(generated_course, tmp_path_factory.mktemp("by-engine") / "course")
    summary = grade_nbgrader_assignment(root=root, assignment="ps1", workers=2, progress=False, warn=lambda _: None)
    return root, summary
