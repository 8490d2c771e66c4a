"""Plain nbgrader courses graded as they are: a sandboxed, parallel drop-in for ``nbgrader autograde``.

The grade cells are nbgrader's in-notebook tests, so here (and only here) tests run in the student's kernel,
as nbgrader runs them, but inside the engine's sandbox, one kernel per notebook, several submissions at once.
nbgrader's own preprocessors sanitise the submission and turn the executed grade cells into scores in
nbgrader's own gradebook; the engine only runs the cells, with a guard around each grade cell.

    course.py     the course: nbgrader's config and CourseDirectory, submissions, our state files
    prepare.py    sanitising (grader process): nbgrader's sanitize preprocessors, the kernel's files
    guard.py      the grader side of the grade-cell guard and canary; kernelside/guard.py runs in the kernel
    job.py        one submission in a worker: its notebooks run in sandboxed kernels
    store.py      results into nbgrader's gradebook (nbgrader's autograde preprocessors), autograded/, state
    grade.py      ``grade_nbgrader_assignment``: the batch over ``pipeline.runner.run_jobs``
"""
from autograder.nbgrader_course.course import NbgraderCourse, is_nbgrader_course, open_nbgrader_course
from autograder.nbgrader_course.grade import NbgraderSummary, grade_nbgrader_assignment, render_nbgrader_summary

__all__ = ["NbgraderCourse", "NbgraderSummary", "grade_nbgrader_assignment", "is_nbgrader_course",
           "open_nbgrader_course", "render_nbgrader_summary"]
