"""What users chose in the bot (their /lang), kept in the bot's own tables.

The bot's state is not the index's: on SQLite it lives beside it in the data dir, in
`bot.sqlite3`; with NEWSBOT_DATABASE_URL, in that database's `user_lang` and `language_noted`
tables, with a version table of their own (`PREFS`), so the core's migrations stay the core's.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from index.store import schema
from index.store.database import Database

# The SQLite schema before Alembic (`PRAGMA user_version`); frozen: changes are revisions.
MIGRATIONS: list[str] = [
    "CREATE TABLE user_lang (user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL);",
    # 2: users told once that the bot does not speak their Telegram language
    "CREATE TABLE language_noted (user_id INTEGER PRIMARY KEY);",
]

DB_NAME = "bot.sqlite3"

PREFS = schema.History(
    name="prefs",
    version_table="alembic_version_prefs",
    locations=(Path(__file__).resolve().parent / "prefs_migrations",),
    baseline="0001_prefs",
    marker="user_lang",
    head="0001_prefs",
)


class ChatPrefs:
    """Per-user preferences of the Telegram front."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = path
        self.database = Database.open(url, path)
        if self.database.is_sqlite:
            with closing(sqlite3.connect(path, timeout=30)) as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if 0 < version < len(MIGRATIONS):
                    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                        conn.executescript(
                            f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;"
                        )
        schema.upgrade(self.database, PREFS)

    @classmethod
    def in_data_dir(cls, data_dir: Path, url: str | None = None) -> "ChatPrefs":
        return cls(data_dir / DB_NAME, url)

    def close(self) -> None:
        self.database.close()

    def language(self, user_id: int) -> str | None:
        with self.database.connect() as conn:
            row = conn.execute(
                text("SELECT lang FROM user_lang WHERE user_id = :u"), {"u": user_id}
            ).first()
        return row[0] if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self.database.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_lang (user_id, lang) VALUES (:u, :lang)"
                    " ON CONFLICT (user_id) DO UPDATE SET lang = excluded.lang"
                ),
                {"u": user_id, "lang": lang},
            )

    def note_once(self, user_id: int) -> bool:
        """True the first time only: the user is told (once) that answers are in English."""
        with self.database.connect() as conn:
            cursor = conn.execute(
                text(
                    "INSERT INTO language_noted (user_id) VALUES (:u)"
                    " ON CONFLICT (user_id) DO NOTHING"
                ),
                {"u": user_id},
            )
            return cursor.rowcount == 1
