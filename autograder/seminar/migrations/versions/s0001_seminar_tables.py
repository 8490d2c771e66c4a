"""The seminar tables as `metadata.create_all` made them before migrations existed (issue 3).

Creates only the tables that are missing, so a gradebook made by that code (all eight tables, no version
table) upgrades in place through the same path as a fresh one.

Revision ID: s0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables(md: sa.MetaData) -> list[sa.Table]:
    return [
        sa.Table("seminar_rubrics", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("name", sa.String(128), nullable=False),
                 sa.Column("yaml_text", sa.Text, nullable=False),
                 sa.Column("updated_at", sa.DateTime, nullable=False)),
        sa.Table("seminar_groups", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("group_name", sa.String(128), primary_key=True),
                 sa.Column("leader_email", sa.String(256), nullable=False),
                 sa.Column("dataset", sa.String(256), nullable=False),
                 sa.Column("presentation_date", sa.String(64), nullable=False)),
        sa.Table("seminar_members", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("student_id", sa.String(64), primary_key=True),
                 sa.Column("group_name", sa.String(128), nullable=False),
                 sa.Column("name", sa.String(256), nullable=False)),
        sa.Table("seminar_ratings", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("group_name", sa.String(128), primary_key=True),
                 sa.Column("rater", sa.String(128), primary_key=True),
                 sa.Column("comment", sa.Text, nullable=False),
                 sa.Column("source", sa.String(512), nullable=False),
                 sa.Column("imported_at", sa.DateTime, nullable=False)),
        sa.Table("seminar_scores", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("group_name", sa.String(128), primary_key=True),
                 sa.Column("rater", sa.String(128), primary_key=True),
                 sa.Column("criterion", sa.String(64), primary_key=True),
                 sa.Column("points", sa.Float, nullable=False)),
        sa.Table("seminar_cap_votes", md,
                 sa.Column("assessment", sa.String(32), primary_key=True),
                 sa.Column("group_name", sa.String(128), primary_key=True),
                 sa.Column("rater", sa.String(128), primary_key=True),
                 sa.Column("cap", sa.String(64), primary_key=True),
                 sa.Column("ticked", sa.Boolean, nullable=False)),
        sa.Table("seminar_audience", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("assessment", sa.String(32), nullable=False, index=True),
                 sa.Column("group_name", sa.String(128), nullable=False),
                 sa.Column("rater", sa.String(128), nullable=False),
                 sa.Column("rater_name", sa.String(256), nullable=False),
                 sa.Column("score", sa.Float, nullable=False),
                 sa.Column("comment", sa.Text, nullable=False),
                 sa.Column("source_row", sa.Integer, nullable=False),
                 sa.Column("status", sa.String(16), nullable=False)),
        sa.Table("seminar_adjustments", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("assessment", sa.String(32), nullable=False, index=True),
                 sa.Column("student_id", sa.String(64), nullable=False),
                 sa.Column("delta", sa.Float, nullable=False),
                 sa.Column("reason", sa.Text, nullable=False),
                 sa.Column("author", sa.String(128), nullable=False),
                 sa.Column("created_at", sa.DateTime, nullable=False)),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in _tables(sa.MetaData()):
        if table.name not in existing:
            table.create(bind)


def downgrade() -> None:
    for table in reversed(_tables(sa.MetaData())):
        op.drop_table(table.name)
