"""The store's tables as newsbot 0.1 left them (its SQLite schema version 6): articles, vector
spaces, and which articles each holds.

Revision ID: 0001_store
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_store"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published", sa.Text),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("source_id", sa.Integer),
        sa.Column("indexed_at", sa.Text, nullable=False),
    )
    op.create_index("articles_hash", "articles", ["content_hash"])
    op.create_index("articles_source", "articles", ["source_id"])
    op.create_table(
        "vector_spaces",
        sa.Column("collection", sa.Text, primary_key=True),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="live"),
        sa.Column("used_at", sa.Text),
        sa.CheckConstraint("state IN ('live', 'staging')", name="vector_spaces_state"),
    )
    op.create_table(
        "embedded",
        sa.Column("collection", sa.Text, primary_key=True),
        sa.Column(
            "article_id",
            sa.Text,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("passages", sa.Integer, nullable=False),
    )
    op.create_index("embedded_article", "embedded", ["article_id"])
