"""Schema migrations of the seminar tables (alembic, scripts in `migrations/versions/`).

Our version table is `seminar_alembic_version`, so nbgrader's own `alembic_version` (its tables in the same
gradebook) is never read or written. `upgrade(engine)` brings the seminar tables to the newest revision; it is
cheap when they already are (one SELECT), and `store.open_db` calls it on every open. A gradebook made before
migrations existed (the eight tables, no version table) upgrades in place: the first revision creates only the
tables that are missing.
"""
from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa

VERSION_TABLE = "seminar_alembic_version"
MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection=None):
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(connection) -> str | None:
    """The seminar tables' revision in this database (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: sa.Engine, *, revision: str = "head") -> None:
    """Run the missing migrations, in one transaction (SQLite and PostgreSQL both have transactional DDL)."""
    with engine.connect() as conn:
        if revision == "head" and current(conn) == head():
            return
    from alembic import command
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
