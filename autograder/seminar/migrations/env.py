"""Alembic environment for the seminar tables. Normally run through `autograder.seminar.migrate.upgrade`,
which passes its open connection in `config.attributes["connection"]`; the `alembic` command works too with
`-x url=SQLALCHEMY_URL` (e.g. `alembic -c autograder/seminar/migrations/alembic.ini -x url=sqlite:///gradebook.db
current`)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from autograder.seminar.migrate import VERSION_TABLE

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, version_table=VERSION_TABLE, target_metadata=None,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
