"""What users chose in the bot (their /lang), kept in the bot's own SQLite file (which also
holds what other workers need: bot/telegram/shared_records.py).

The bot's state is not the index's: it lives beside it in the data dir, in `bot.sqlite3`,
so the core's database and migrations stay the core's. A fresh connection per call keeps it
safe to use from worker threads.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Each entry moves the schema one version forward; never edit a released entry.
MIGRATIONS: list[str] = [
    "CREATE TABLE user_lang (user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL);",
    # 2: users told once that the bot does not speak their Telegram language
    "CREATE TABLE language_noted (user_id INTEGER PRIMARY KEY);",
    # 3: what another worker needs (bot/telegram/shared_records.py)
    """
    CREATE TABLE answers (
        id TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        lang TEXT NOT NULL,
        page INTEGER NOT NULL DEFAULT 0,
        seen TEXT NOT NULL DEFAULT '[0]',
        written TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX answers_created ON answers (created_at);
    CREATE TABLE job_periods (
        job TEXT PRIMARY KEY, next_at REAL NOT NULL, worker TEXT NOT NULL, claimed_at REAL NOT NULL
    );
    CREATE TABLE sends (chat_id INTEGER NOT NULL, sent_at REAL NOT NULL);
    CREATE INDEX sends_chat ON sends (chat_id, sent_at);
    CREATE INDEX sends_time ON sends (sent_at);
    CREATE TABLE send_blocks (chat_id INTEGER PRIMARY KEY, blocked_until REAL NOT NULL);
    CREATE TABLE rate_events (rate_key TEXT NOT NULL, seen_at REAL NOT NULL);
    CREATE INDEX rate_events_key ON rate_events (rate_key, seen_at);
    """,
]

DB_NAME = "bot.sqlite3"


class ChatPrefs:
    """Per-user preferences of the Telegram front."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            # One process migrates; a worker starting beside it waits, then finds it done.
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> "ChatPrefs":
        return cls(data_dir / DB_NAME)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def language(self, user_id: int) -> str | None:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT lang FROM user_lang WHERE user_id = ?", (user_id,)
            ).fetchone()
        return row[0] if row else None

    def set_language(self, user_id: int, lang: str) -> None:
        with self.connect() as conn:
            conn.execute(
                "INSERT INTO user_lang (user_id, lang) VALUES (?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang",
                (user_id, lang),
            )

    def note_once(self, user_id: int) -> bool:
        """True the first time only: the user is told (once) that answers are in English."""
        with self.connect() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO language_noted (user_id) VALUES (?)", (user_id,)
            )
            return cursor.rowcount == 1
