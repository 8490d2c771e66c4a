"""Fixtures for the grade-report tests: a synthetic course with seminar scores patched into seminar.api."""
from __future__ import annotations

import pytest

from autograder.reports.render import generate_reports, load_grades
from autograder.reports.sample_course import write_sample_course


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """12 students x 6 assignments + 2 seminars, with every edge case (see sample_course.py)."""
    sc = write_sample_course(root=tmp_path_factory.mktemp("course") / "course")
    sc.course.gradebook.touch()          # the seminar scores "live" in the gradebook
    return sc


@pytest.fixture(scope="session")
def seminar_patch(sample):
    """Serve the sample's seminar tables through the seminar API (the real import path in data.py)."""
    from autograder.seminar import api
    real = {"seminar_member_scores": api.seminar_member_scores,
            "seminar_criteria_summary": api.seminar_criteria_summary}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(api, "seminar_member_scores", lambda db_url, *, assessment=None: sample.seminar.copy())
        mp.setattr(api, "seminar_criteria_summary", lambda db_url, *, assessment=None: sample.criteria.copy())
        yield real                       # the real functions, for tests that need them back


@pytest.fixture(scope="session")
def grades(sample, seminar_patch):
    return load_grades(course=sample.course, as_of=sample.as_of)


@pytest.fixture(scope="session")
def report(sample, seminar_patch, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    summary = generate_reports(course=sample.course, out=out, as_of=sample.as_of)
    return out, summary
