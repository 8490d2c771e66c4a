"""The live seminar day (issue 14): where an audience vote came from, and which groups' voting is closed.

    seminar_audience.origin      'import' (a form export; `import-audience` replaces these) or 'live:DAY'
                                 (the vote page; one row per assessment, group and rater: a partial unique index)
    seminar_audience.updated_at  when a live vote was last changed (NULL for imported rows)
    seminar_live_voting          assessment, group -> day, closed_at (NULL while open), closed_by

Revision ID: s0002
Revises: s0001
"""
import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None

LIVE_ONLY = sa.text("origin <> 'import'")


def upgrade() -> None:
    with op.batch_alter_table("seminar_audience") as batch:
        batch.add_column(sa.Column("origin", sa.String(32), nullable=False, server_default="import"))
        batch.add_column(sa.Column("updated_at", sa.DateTime, nullable=True))
    op.create_index("uq_seminar_audience_live", "seminar_audience", ["assessment", "group_name", "rater"],
                    unique=True, sqlite_where=LIVE_ONLY, postgresql_where=LIVE_ONLY)
    op.create_table(
        "seminar_live_voting",
        sa.Column("assessment", sa.String(32), primary_key=True),
        sa.Column("group_name", sa.String(128), primary_key=True),
        sa.Column("day", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=False))


def downgrade() -> None:
    op.drop_table("seminar_live_voting")
    op.drop_index("uq_seminar_audience_live", table_name="seminar_audience")
    with op.batch_alter_table("seminar_audience") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("origin")
