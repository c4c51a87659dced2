"""Damaged files are a message and a way back: `backup`, `restore`, `check --rebuild`."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.root import open_core
from bot.settings import Settings
from index.store.article_db import MIGRATIONS
from index.store.writer_lock import WriterLock
from tests.conftest import SEEDS
from tests.fakes import HashingEmbedder

runner = CliRunner()
QUESTION = "Why was the Budapest summit dropped?"


def newsbot(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def squashed(text: str) -> str:
    """Without any whitespace: rich may wrap a long path in the middle."""
    return "".join(text.split())


@pytest.fixture
def records(env_settings: Path) -> Path:
    """A data dir with the seeds' records (vectors of the fast fake embedder)."""
    with open_core(Settings(), lock=True, embedder=HashingEmbedder()) as news:
        news.index_paths([SEEDS])
    return env_settings


def damage(path: Path, how: str) -> None:
    if how == "garbage":
        path.write_bytes(b"this is not a database at all " * 500)
    else:  # cut in half, as a full disk or a bad copy leaves it
        with path.open("r+b") as file:
            file.truncate(path.stat().st_size // 2)


def assert_clear_error(result, *phrases: str) -> None:
    text = squashed(result.output)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    for phrase in phrases:
        assert squashed(phrase) in text, result.output


@pytest.mark.parametrize("how", ["garbage", "truncated"])
@pytest.mark.parametrize("command", [("stats",), ("ask", QUESTION), ("check",), ("backup", "x")])
def test_a_damaged_article_database_is_named_with_the_command_that_recovers(
    records: Path, how: str, command: tuple[str, ...], tmp_path: Path
):
    damage(records / "newsbot.sqlite3", how)
    args = [*command[:1], str(tmp_path / "b.sqlite3")] if command[0] == "backup" else command
    result = newsbot(*args)
    assert_clear_error(result, str(records / "newsbot.sqlite3"), "newsbot restore", "damaged")


def test_backup_then_restore_brings_the_records_back(indexed: Path, tmp_path: Path):
    newsbot("subscriptions", "add", "42", "Budapest summit")
    backed = newsbot("backup", str(tmp_path))  # a folder: a dated file inside
    assert backed.exit_code == 0, backed.output
    (backup,) = tmp_path.glob("newsbot-*.sqlite3")
    assert squashed(f"backed up 2 articles to {backup}") in squashed(backed.stdout)
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 1
    assert newsbot("backup", str(backup)).exit_code == 1  # never overwrites a file

    damage(indexed / "newsbot.sqlite3", "truncated")
    assert newsbot("stats").exit_code == 1
    restored = newsbot("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "restored 2 articles" in flat(restored.stdout)
    (kept,) = indexed.glob("newsbot.sqlite3.damaged-*")  # the damaged file is kept
    assert squashed(f"the previous database is kept as {kept}") in squashed(restored.stdout)
    assert "the vector store holds its" in flat(restored.stdout)

    stats = newsbot("stats")
    assert stats.exit_code == 0 and "articles:  2 (2 embedded" in stats.stdout
    assert "consistent" in newsbot("check", "--dry-run").stdout
    assert "VTC News" in newsbot("ask", QUESTION).stdout  # the seed story answers
    assert "#1 chat 42" in newsbot("subscriptions", "list").stdout


def _live_file(records: Path, tmp_path: Path) -> Path:
    return records / "newsbot.sqlite3"


def _symlink_to_live(records: Path, tmp_path: Path) -> Path:
    (tmp_path / "latest.sqlite3").symlink_to(records / "newsbot.sqlite3")
    return tmp_path / "latest.sqlite3"


def _hardlink_to_live(records: Path, tmp_path: Path) -> Path:
    (tmp_path / "same.sqlite3").hardlink_to(records / "newsbot.sqlite3")
    return tmp_path / "same.sqlite3"


def _foreign(records: Path, tmp_path: Path, version: int = 0) -> Path:
    path = tmp_path / f"foreign-{version}.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE articles (id TEXT, body TEXT)")
        conn.execute("INSERT INTO articles VALUES ('a', 'someone else''s data')")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    return path


def _foreign_at_our_version(records: Path, tmp_path: Path) -> Path:
    return _foreign(records, tmp_path, len(MIGRATIONS))


def _newer(records: Path, tmp_path: Path) -> Path:
    path = tmp_path / "newer.sqlite3"
    assert newsbot("backup", str(path)).exit_code == 0
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
        conn.commit()
    return path


def _damaged(records: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cut.sqlite3"
    assert newsbot("backup", str(path)).exit_code == 0
    damage(path, "truncated")
    return path


def _not_sqlite(records: Path, tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite3"
    damage(path, "garbage")
    return path


def _missing(records: Path, tmp_path: Path) -> Path:
    return tmp_path / "none.sqlite3"


def _folder(records: Path, tmp_path: Path) -> Path:
    return tmp_path


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """Every file of the data dir's records, byte for byte (the lock file aside)."""
    return {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()} | {
        "listing": " ".join(sorted(p.name for p in data_dir.iterdir())).encode()
    }


@pytest.mark.parametrize(
    ("backup", "said"),
    [
        (_live_file, "is the live database"),
        (_symlink_to_live, "is the live database"),
        (_hardlink_to_live, "is the live database"),
        (_foreign, "is not a newsbot backup"),
        (_foreign_at_our_version, "is not a newsbot backup: it lacks"),
        (_newer, "was written by a newer newsbot"),
        (_damaged, "not a usable newsbot backup"),
        (_not_sqlite, "is not a SQLite file"),
        (_missing, "no backup file"),
        (_folder, "is a folder"),
    ],
)
def test_a_file_restore_must_not_use_is_refused_in_one_line_and_nothing_changes(
    records: Path, tmp_path: Path, backup, said: str
):
    newsbot("subscriptions", "add", "42", "Budapest summit")
    path = backup(records, tmp_path)
    before = snapshot(records)
    result = newsbot("restore", str(path))
    assert_clear_error(result, said)
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert snapshot(records) == before
    stats = newsbot("stats")
    assert stats.exit_code == 0 and "articles:  2 (2 embedded" in stats.stdout
    assert "#1 chat 42" in newsbot("subscriptions", "list").stdout


def test_a_backup_named_like_a_uri_is_restored_and_the_previous_database_kept(
    records: Path, tmp_path: Path
):
    backup = tmp_path / "weekly#1?.sqlite3"
    assert newsbot("backup", str(backup)).exit_code == 0
    newsbot("subscriptions", "add", "42", "Budapest summit")  # after the backup

    restored = newsbot("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    (kept,) = records.glob("newsbot.sqlite3.before-restore-*")
    assert len(restored.stdout.strip().splitlines()) == 1
    assert squashed(f"restored 2 articles from {backup}") in squashed(restored.stdout)
    assert squashed(f"the previous database is kept as {kept}") in squashed(restored.stdout)
    assert "no subscriptions" in newsbot("subscriptions", "list").stdout.lower()
    with closing(sqlite3.connect(kept)) as previous:  # whole, on its own: nothing lost
        assert previous.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert previous.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0] == 1
    assert not list(records.glob(".newsbot.sqlite3.restoring-*"))  # no staging copy left
    assert not list(tmp_path.glob("weekly*-*"))  # nothing written beside the backup


def test_restore_says_when_the_vector_store_lacks_what_the_backup_names(
    records: Path, tmp_path: Path
):
    backup = tmp_path / "b.sqlite3"
    assert newsbot("backup", str(backup)).exit_code == 0
    shutil.rmtree(records / "chroma")
    restored = newsbot("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "the vector store holds 0 passages where they name" in flat(restored.stdout)
    assert "run `newsbot check`" in flat(restored.stdout)


def test_restore_is_refused_while_another_process_writes(records: Path, tmp_path: Path):
    backup = tmp_path / "b.sqlite3"
    assert newsbot("backup", str(backup)).exit_code == 0
    before = snapshot(records)
    with WriterLock(records, "newsbot run"):  # the bot, say: another open file, same as a process
        result = newsbot("restore", str(backup))
    assert_clear_error(result, "another newsbot process is writing", "newsbot run")
    assert {k: v for k, v in snapshot(records).items() if k != "writer.lock"} == {
        k: v for k, v in before.items() if k != "writer.lock"
    }


@pytest.mark.parametrize("recover", [("check", "--rebuild"), ("reindex", "--full")])
def test_a_damaged_vector_store_is_rebuilt_from_the_article_database(
    indexed: Path, recover: tuple[str, ...]
):
    chroma = indexed / "chroma"
    damage(chroma / "chroma.sqlite3", "truncated")
    for command in (("ask", QUESTION), ("check",), ("check", "--dry-run")):
        assert_clear_error(newsbot(*command), str(chroma), "newsbot check --rebuild")
    assert "articles:  2 (2 embedded" in newsbot("stats").stdout  # records alone: still there

    rebuilt = newsbot(*recover)
    assert rebuilt.exit_code == 0, rebuilt.output
    (aside,) = indexed.glob("chroma.damaged-*")
    assert squashed(f"moved it to {aside}") in squashed(rebuilt.output)
    assert "consistent" in newsbot("check", "--dry-run").stdout
    stats = newsbot("stats")
    assert "articles:  2 (2 embedded" in stats.stdout
    assert "VTC News" in newsbot("ask", QUESTION).stdout  # the seed story answers


def test_a_backup_taken_while_another_process_writes_holds_what_was_committed(
    records: Path, tmp_path: Path
):
    writer = sqlite3.connect(records / "newsbot.sqlite3", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a write under way, as the bot's indexing would be
        writer.execute(
            "INSERT INTO articles (id, source, title, lang, content_hash, text, indexed_at)"
            " VALUES ('x1', 'x', 'Unfinished', 'en', 'h', 'text', '')"
        )
        backed = newsbot("backup", str(tmp_path / "during.sqlite3"))
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert backed.exit_code == 0, backed.output
    with sqlite3.connect(tmp_path / "during.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2


def test_a_copy_taken_by_hand_with_its_wal_is_restored_whole(records: Path, tmp_path: Path):
    live = records / "newsbot.sqlite3"
    with closing(sqlite3.connect(live)) as reader:  # open: the WAL is not folded in at close
        reader.execute("SELECT COUNT(*) FROM articles").fetchone()
        assert newsbot("subscriptions", "add", "42", "Budapest summit").exit_code == 0
        assert Path(f"{live}-wal").stat().st_size > 0
        shutil.copyfile(live, tmp_path / "hand.sqlite3")
        shutil.copyfile(f"{live}-wal", tmp_path / "hand.sqlite3-wal")
    newsbot("subscriptions", "remove", "1")
    restored = newsbot("restore", str(tmp_path / "hand.sqlite3"))
    assert restored.exit_code == 0, restored.output
    assert "#1 chat 42" in newsbot("subscriptions", "list").stdout
