"""The alerts' tables as newsbot 0.1 left them (its SQLite schema version 6): subscriptions,
the outbox, and the articles still to match.

Revision ID: 0003_alerts
Revises: 0002_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_alerts"
down_revision = "0002_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("topic", sa.Text),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("paused_reason", sa.Text),
        sa.Column("digest_hours", sa.Integer),
        sa.Column("next_digest_at", sa.Float, nullable=False, server_default="0"),
        sa.Column("muted_until", sa.Float, nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_index("subscriptions_chat", "subscriptions", ["chat_id"])
    op.create_table(
        "alerts",
        sa.Column("subscription_id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("passage", sa.Text, nullable=False),
        sa.Column("best_sentence", sa.Text, nullable=False),
        sa.Column("siblings", sa.Text, nullable=False, server_default="[]"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("lease_until", sa.Float, nullable=False, server_default="0"),
        sa.Column("claimed_by", sa.Text),
        sa.Column("claim_id", sa.Text),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'merged')", name="alerts_status"
        ),
    )
    op.create_index("alerts_due", "alerts", ["status", "next_attempt_at"])
    op.create_index("alerts_claim", "alerts", ["claim_id"])
    op.create_table(
        "unmatched",
        sa.Column(
            "article_id",
            sa.Text,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
