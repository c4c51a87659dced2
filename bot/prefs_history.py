"""Where the Telegram front's own records live and their Alembic history, without the Telegram
stack: `newsbot db` (bot/cli/db.py) reads them, and the CLI never imports bot/telegram/.

The tables themselves (chat preferences, and what workers share) are used by
bot/telegram/chat_prefs.py and bot/telegram/shared_records.py; their revisions are in
bot/telegram/prefs_migrations/.
"""

from pathlib import Path

from index.store import schema

DB_NAME = "bot.sqlite3"

PREFS = schema.History(
    name="prefs",
    version_table="alembic_version_prefs",
    locations=(Path(__file__).resolve().parent / "telegram" / "prefs_migrations",),
    baseline="0001_prefs",
    marker="user_lang",
    head="0002_shared",
)
