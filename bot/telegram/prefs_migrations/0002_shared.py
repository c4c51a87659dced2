"""What another worker of the same bot needs (bot/telegram/shared_records.py): answers' pages,
the jobs' periods, the send budget per token and rate limits.

Revision ID: 0002_shared
Revises: 0001_prefs
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_shared"
down_revision = "0001_prefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("page", sa.Integer, nullable=False, server_default="0"),
        sa.Column("seen", sa.Text, nullable=False, server_default="[0]"),
        sa.Column("written", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("answers_created", "answers", ["created_at"])
    op.create_table(
        "job_periods",
        sa.Column("job", sa.Text, primary_key=True),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("worker", sa.Text, nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=False),
    )
    op.create_table(
        "sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("sent_at", sa.Float, nullable=False),
    )
    op.create_index("sends_chat", "sends", ["chat_id", "sent_at"])
    op.create_index("sends_time", "sends", ["sent_at"])
    op.create_table(
        "send_blocks",
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("blocked_until", sa.Float, nullable=False),
    )
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rate_key", sa.Text, nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("rate_events_key", "rate_events", ["rate_key", "seen_at"])
