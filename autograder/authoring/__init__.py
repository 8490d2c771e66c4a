"""Authoring tools (instructors): `author new` (scaffold.py), `author check` (check.py, with notebook_checks.py,
test_checks.py, examples.py; findings.py holds the results) and `selftest` (selftest.py, selftest_config.py).
inprocess.py grades a namespace as the student in this process; cli.py registers the subcommands.
See docs/AUTHORING.md."""
