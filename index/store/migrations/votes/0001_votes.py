"""Readers' votes on answers, as newsbot 0.1 kept them (feedback.sqlite3).

Revision ID: 0001_votes
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_votes"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("answer_id", sa.Text, primary_key=True),
        sa.Column("voter", sa.Text, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("shown", sa.Text, nullable=False),
        sa.Column("vote", sa.Integer, nullable=False),
        sa.Column("voted_at", sa.Text, nullable=False),
        sa.CheckConstraint("vote IN (-1, 1)", name="votes_vote"),
    )
