"""`newsbot db migrate`: a seeded SQLite data dir copied into PostgreSQL, nothing lost or resent."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli.main import app
from bot.root import open_catalog, open_core
from bot.settings import Settings
from bot.telegram.chat_prefs import ChatPrefs
from index.store.article_db import MIGRATIONS
from index.store.database import Database
from index.store.feedback import FeedbackStore
from tests.fakes import HashingEmbedder
from tests.index.alerts.test_subscriptions import GOLD, SUMMIT_EN, SUMMIT_VI, claim_all, doc

runner = CliRunner()


@pytest.fixture
def seeded(env_settings: Path, settings: Settings) -> Path:
    """A SQLite data dir with a row in every table: one alert sent, two still queued."""
    with open_core(settings, lock=True, embedder=HashingEmbedder()) as news:
        news.catalog.sources.add("feed", "https://en.example.org/feed", "Example")
        news.catalog.subscriptions.add(42, "Budapest summit Trump Putin", "en")
        news.catalog.subscriptions.add(5_000_000_000, None, "vi", digest_hours=6)
        news.index_documents([doc(SUMMIT_EN)])
        sent = news.catalog.outbox.claim("sender", now=1000.0)
        assert sent is not None
        news.catalog.outbox.mark_sent(sent)
        news.index_documents([doc(GOLD)])
    votes = FeedbackStore.in_data_dir(env_settings)
    votes.record("answer-1", 7, "why?", "en", [{"id": "x"}], 1)
    votes.close()
    prefs = ChatPrefs.in_data_dir(env_settings)
    prefs.set_language(7, "hi")
    prefs.close()
    return env_settings


def counts(database: Database, names: list[str]) -> dict[str, int]:
    with database.connect() as conn:
        return {n: conn.execute(text(f"SELECT COUNT(*) FROM {n}")).scalar_one() for n in names}


def sqlite_tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return sorted(row[0] for row in rows)


def test_migrate_copies_every_row_and_sends_no_alert_twice(
    seeded: Path, settings: Settings, postgres_url: str
):
    before: dict[str, int] = {}
    for file in ("newsbot.sqlite3", "feedback.sqlite3", "bot.sqlite3"):
        database = Database(path=seeded / file)
        before |= counts(database, sqlite_tables(seeded / file))
        database.close()
    assert all(before[t] for t in ("articles", "sources", "subscriptions", "alerts", "votes"))

    result = runner.invoke(app, ["db", "migrate", "--to", postgres_url])

    assert result.exit_code == 0, result.output
    assert "every table's count equal" in result.stdout
    target = Database(url=postgres_url)
    try:
        assert counts(target, list(before)) == before  # the version tables included
    finally:
        target.close()
    on_pg = settings.model_copy(update={"database_url": postgres_url})
    with open_catalog(on_pg) as catalog:
        statuses = catalog.outbox.counts()
        due = claim_all(catalog.outbox)
        assert statuses["sent"] == 1
        assert sum(len(c.alerts) for c in due) == statuses["queued"]  # the sent one is not
        assert catalog.sources.add("page", "https://x.example/a", "X").id == 2  # ids go on
        assert catalog.subscriptions.add(42, "gold", "en").id == 3
    with open_core(on_pg, lock=True, embedder=HashingEmbedder()) as news:
        assert news.index_documents([doc(SUMMIT_VI)]).new == 1  # and it indexes on
    assert ChatPrefs.in_data_dir(seeded, postgres_url).language(7) == "hi"


def test_migrate_into_a_database_that_holds_records_is_refused(seeded: Path, postgres_url: str):
    assert runner.invoke(app, ["db", "migrate", "--to", postgres_url]).exit_code == 0

    again = runner.invoke(app, ["db", "migrate", "--to", postgres_url])

    assert again.exit_code == 1
    assert "already holds records" in again.stderr
    assert "new, empty database" in again.stderr


def test_status_names_where_each_store_is(seeded: Path):
    result = runner.invoke(app, ["db", "status"])
    assert result.exit_code == 0, result.output
    assert "records: " in result.stdout
    assert "(up to date)" in result.stdout


def test_upgrade_brings_a_data_dir_from_before_alembic_up_to_date(env_settings: Path):
    env_settings.mkdir(parents=True)
    with sqlite3.connect(env_settings / "newsbot.sqlite3") as conn:  # newsbot 0.1, schema 4
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            conn.executescript(f"{script}; PRAGMA user_version = {number};")
    assert "to upgrade to" in runner.invoke(app, ["db", "status"]).stdout

    result = runner.invoke(app, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    status = runner.invoke(app, ["db", "status"]).stdout
    assert "records: " in status and "(up to date)" in status
    assert "to upgrade" not in status


@pytest.mark.parametrize("command", [["backup", "x.sqlite3"], ["restore", "x.sqlite3"]])
def test_backup_and_restore_point_postgresql_users_to_pg_dump(
    env_settings: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
):
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", "postgresql://newsbot@127.0.0.1:1/news")

    result = runner.invoke(app, command)

    assert result.exit_code == 1
    assert "pg_dump" in result.stderr and "docs/scaling.md" in result.stderr


def test_migrate_refuses_what_is_not_a_postgresql_url(seeded: Path):
    result = runner.invoke(app, ["db", "migrate", "--to", "mysql://x@y/z"])
    assert result.exit_code == 1
    assert "postgresql://user@host/db" in result.stderr
