"""Damaged files are a message and a way back: `backup`, `restore`, `check --rebuild`."""

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.settings import Settings
from index.news_index import NewsIndex
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
    with NewsIndex.open(Settings(), writer=True, embedder=HashingEmbedder()) as news:
        news.index_paths([SEEDS])
    return env_settings


@pytest.fixture
def indexed(env_settings: Path) -> Path:
    result = newsbot("index", str(SEEDS))
    assert result.exit_code == 0, result.output
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
    assert "newsbot check" in flat(restored.stdout)
    assert list(indexed.glob("newsbot.sqlite3.damaged-*"))  # the damaged file is kept

    stats = newsbot("stats")
    assert stats.exit_code == 0 and "articles:  2 (2 embedded" in stats.stdout
    assert "consistent" in newsbot("check", "--dry-run").stdout
    assert "Budapest" in newsbot("ask", QUESTION).stdout
    assert "#1 chat 42" in newsbot("subscriptions", "list").stdout


def test_a_bad_backup_file_is_refused_and_nothing_changes(records: Path, tmp_path: Path):
    bad = tmp_path / "bad.sqlite3"
    damage(bad, "garbage")
    assert_clear_error(newsbot("restore", str(bad)), "not a usable newsbot backup")
    assert_clear_error(newsbot("restore", str(tmp_path / "none")), "no backup file")
    assert newsbot("stats").exit_code == 0


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
    assert "Budapest" in newsbot("ask", QUESTION).stdout


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
