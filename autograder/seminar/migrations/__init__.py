"""Alembic migrations of the seminar tables (`seminar_*`), kept apart from nbgrader's: our version table is
`seminar_alembic_version`. `autograder.seminar.migrate.upgrade(engine)` runs them (every `open_db` does)."""
