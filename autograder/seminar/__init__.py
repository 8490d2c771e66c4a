"""Seminar support: rubric templates, group registration check, score sheets, audience comments,
aggregation, storage in the gradebook database and reports (issue 3).

Modules, one concern each: rubric (YAML schema), registration (groups check),
store (seminar_* tables), sheets (rater score sheets), audience (form export), aggregate (the math),
report (HTML/CSV out), api (DataFrames for the grade reports), cli (thin argparse layer). Tables in, the
roster, student IDs, CSV out, scores and templates are the shared ones in `autograder.core`.
"""
