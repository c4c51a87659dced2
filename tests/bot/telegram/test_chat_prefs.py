"""Chat preferences on each record engine, and a bot.sqlite3 from before Alembic kept."""

import sqlite3
from pathlib import Path

from bot.telegram.chat_prefs import MIGRATIONS, PREFS, ChatPrefs
from index.store import schema


def test_a_language_choice_and_the_one_time_note_are_kept(tmp_path: Path, database_url: str | None):
    prefs = ChatPrefs.in_data_dir(tmp_path, database_url)
    try:
        prefs.set_language(5_000_000_000, "vi")  # Telegram's ids pass 2**31
        prefs.set_language(5_000_000_000, "hi")
        assert prefs.language(5_000_000_000) == "hi"
        assert prefs.language(1) is None
        assert [prefs.note_once(7), prefs.note_once(7)] == [True, False]
    finally:
        prefs.close()
    again = ChatPrefs.in_data_dir(tmp_path, database_url)  # reopened: migrated once, kept
    try:
        assert again.language(5_000_000_000) == "hi"
        assert schema.current(again.database, PREFS) == PREFS.head
    finally:
        again.close()


def test_a_bot_file_from_before_alembic_keeps_its_choices(tmp_path: Path):
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:  # version 1: no language_noted
        conn.executescript(f"{MIGRATIONS[0]} PRAGMA user_version = 1;")
        conn.execute("INSERT INTO user_lang VALUES (42, 'vi')")
    prefs = ChatPrefs.in_data_dir(tmp_path)
    try:
        assert prefs.language(42) == "vi"
        assert prefs.note_once(42) is True
        assert (
            schema.current(prefs.database, PREFS) == PREFS.head
        )  # stamped at the baseline, then upgraded
    finally:
        prefs.close()
