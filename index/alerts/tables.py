"""The alerts' tables: subscriptions, the outbox (`alerts`), and articles still to match."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
)

from index.store.tables import metadata

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),  # Telegram's ids pass 2**31
    Column("topic", Text),
    Column("lang", Text, nullable=False),
    Column("created_by", BigInteger),
    Column("created_at", Text, nullable=False),
    Column("paused_reason", Text),
    Column("digest_hours", Integer),
    Column("next_digest_at", Float, nullable=False, server_default="0"),
    Column("muted_until", Float, nullable=False, server_default="0"),
    Index("subscriptions_chat", "chat_id"),
    sqlite_autoincrement=True,
)

# The outbox: one row per (subscription, article), ever (index/alerts/outbox.py).
alerts = Table(
    "alerts",
    metadata,
    Column("subscription_id", Integer, primary_key=True),
    Column("article_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("passage", Text, nullable=False),
    Column("best_sentence", Text, nullable=False),
    Column("siblings", Text, nullable=False, server_default="[]"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
    Column("sent_at", Text),
    Column("last_error", Text),
    Column("lease_until", Float, nullable=False, server_default="0"),
    Column("claimed_by", Text),
    Column("claim_id", Text),
    CheckConstraint(
        "status IN ('queued', 'sending', 'sent', 'failed', 'merged')", name="alerts_status"
    ),
    Index("alerts_due", "status", "next_attempt_at"),
    Index("alerts_claim", "claim_id"),
)

unmatched = Table(
    "unmatched",
    metadata,
    Column("article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)
