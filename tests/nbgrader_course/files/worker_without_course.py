"""Dask worker preload for test_on_dask.py: on this worker, opening the nbgrader course folder is an error, as it
would be on a machine that has only the package (the driver must ship each sanitised submission)."""
from autograder.nbgrader_course import job


def _no_course(root):
    raise RuntimeError(f"this Dask worker opened the course folder {root}")


job._course = _no_course
