"""The bot's per-user preferences as newsbot 0.1 kept them (bot.sqlite3, user_version 2).

Revision ID: 0001_prefs
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_prefs"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_lang",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("lang", sa.Text, nullable=False),
    )
    op.create_table(
        "language_noted",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    )
