"""One schema for both engines: the migrations build what the packages' tables declare."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import index.alerts.tables
import index.sources.tables  # noqa: F401 - declares its tables on the shared metadata
from bot.root import open_catalog
from bot.settings import Settings
from bot.telegram.chat_prefs import PREFS
from index.errors import BackupError, DatabaseUnavailableError
from index.models import Article
from index.store import schema
from index.store.article_db import MIGRATIONS, ArticleDB
from index.store.backups import backup_database, check_backup
from index.store.database import Database
from index.store.feedback import FeedbackStore
from index.store.tables import metadata
from tests.conftest import REPO
from tests.postgres import PostgresCluster, free_port


def test_the_migrated_records_are_what_the_tables_declare(tmp_path: Path, database_url: str | None):
    db = ArticleDB(tmp_path / "newsbot.sqlite3", database_url)
    try:
        with db.connect() as conn:
            context = MigrationContext.configure(conn)
            differences = compare_metadata(context, metadata)
        assert [d for d in differences if d[0] != "remove_table"] == []
        assert schema.current(db.database, schema.RECORDS) == schema.RECORDS.head
        assert set(index.alerts.tables.metadata.tables) >= {"alerts", "sources", "articles"}
    finally:
        db.close()


def test_a_database_from_before_alembic_is_stamped_not_rebuilt(tmp_path: Path):
    path = tmp_path / "newsbot.sqlite3"
    with sqlite3.connect(path) as conn:  # the schema as newsbot 0.1 left it, with a row
        for number, script in enumerate(MIGRATIONS, start=1):
            conn.executescript(f"{script}; PRAGMA user_version = {number};")
        conn.execute(
            "INSERT INTO sources (kind, location, name, added_at) VALUES ('feed', 'x', 'X', 't')"
        )
    db = ArticleDB(path)
    try:
        assert schema.current(db.database, schema.RECORDS) == schema.RECORDS.baseline
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT name FROM sources").fetchall() == [("X",)]
            assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        db.close()


def test_votes_keep_their_own_history_on_each_engine(tmp_path: Path, database_url: str | None):
    store = FeedbackStore(tmp_path / "feedback.sqlite3", database_url)
    try:
        assert store.record("a1", 7, "why?", "en", [{"id": "x"}], 1) is False
        assert store.record("a1", 7, "why?", "en", [{"id": "x"}], -1) is True
        assert [(v.answer_id, v.vote) for v in store.votes()] == [("a1", -1)]
        assert schema.current(store.database, schema.VOTES) == schema.VOTES.head
    finally:
        store.close()


def test_an_unreachable_postgresql_is_one_clear_error(tmp_path: Path):
    with pytest.raises(DatabaseUnavailableError, match=r"cannot reach the database .*:\d+/news"):
        ArticleDB(
            tmp_path / "unused.sqlite3", f"postgresql://newsbot:secret@127.0.0.1:{free_port()}/news"
        )


def test_the_url_shown_hides_the_password():
    db = Database(url="postgresql://newsbot:secret@db.example:5432/news")
    assert db.where == "postgresql://newsbot:***@db.example:5432/news"
    assert "secret" not in db.where


def test_a_backup_from_a_newer_schema_revision_is_refused(tmp_path: Path):
    db = ArticleDB(tmp_path / "newsbot.sqlite3")
    db.close()
    backup = tmp_path / "backup.sqlite3"
    backup_database(tmp_path / "newsbot.sqlite3", backup)
    check_backup(backup, backup)  # this newsbot's own: fine
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")

    with pytest.raises(BackupError, match="newer newsbot .*0099_from_the_future"):
        check_backup(backup, backup)


@pytest.mark.parametrize("history", [schema.RECORDS, schema.VOTES, PREFS], ids=lambda h: h.name)
def test_each_history_names_its_newest_revision_as_head(history: schema.History):
    assert history.script().get_current_head() == history.head


def test_opening_records_at_their_head_does_not_import_alembic(tmp_path: Path):
    ArticleDB(tmp_path / "newsbot.sqlite3").close()  # created, migrated
    probe = (
        "import sys; from pathlib import Path; from index.store.article_db import ArticleDB;"
        f"ArticleDB(Path({str(tmp_path / 'newsbot.sqlite3')!r})).close();"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'sqlalchemy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['sqlalchemy']"


def test_records_carry_on_after_postgresql_restarts(
    data_dir: Path, postgres_cluster: PostgresCluster, postgres_url: str
):
    settings = Settings(_env_file=None, data_dir=data_dir, database_url=postgres_url)
    with open_catalog(settings) as catalog:
        catalog.subscriptions.add(42, "summit", "en")  # a pooled connection is open now

        postgres_cluster.restart()  # every connection dropped under the pool

        catalog.subscriptions.add(42, "gold", "en")
        assert [s.topic for s in catalog.subscriptions.for_chat(42)] == ["summit", "gold"]


def test_a_stray_nul_in_an_article_does_not_stop_it_being_stored(
    tmp_path: Path, database_url: str | None
):
    db = ArticleDB(tmp_path / "newsbot.sqlite3", database_url)
    try:
        article = Article(
            id="a",
            source="s",
            url=None,
            title="A\x00 title",
            published=None,
            lang="en",
            content_hash="h",
            text="Text with a stray \x00 byte.",
            outlet=None,
            source_id=None,
        )
        db.save_many([article], new_ids=["a"])
        stored = db.get("a")
        assert stored is not None
        assert stored.text.replace("\x00", "") == "Text with a stray  byte."
    finally:
        db.close()
