"""The sources' table as newsbot 0.1 left it (its SQLite schema version 6).

Revision ID: 0002_sources
Revises: 0001_store
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sources"
down_revision = "0001_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_fetch_at", sa.Text),
        sa.Column("last_ok_at", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.CheckConstraint("kind IN ('feed', 'page', 'path')", name="sources_kind"),
        sqlite_autoincrement=True,
    )
