"""The record of truth for articles, and which articles each vector space holds.

Chroma is only an index: everything in it can be rebuilt from this database, which is the data
dir's SQLite file or, with NEWSBOT_DATABASE_URL, PostgreSQL (index/store/database.py). Each
operation takes a pooled connection for one transaction, so it is safe from worker threads.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, RowMapping, bindparam, text

from index.errors import DatabaseCorruptError
from index.models import Article
from index.store import schema
from index.store.database import Database, corruption_message, is_corruption
from index.store.disk import sqlite_storage_error

__all__ = ["MIGRATIONS", "ArticleDB", "corruption_message", "is_corruption", "utc_now"]

# The SQLite schema before Alembic (`PRAGMA user_version`): a file at an older version is
# brought to version 6 with these, then stamped at the equal Alembic revision (schema.py).
# Frozen: new changes are Alembic revisions.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        published TEXT,
        lang TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        text TEXT NOT NULL,
        outlet TEXT,
        source_id INTEGER,
        indexed_at TEXT NOT NULL
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE TABLE vector_spaces (
        collection TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE embedded (
        collection TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        passages INTEGER NOT NULL,
        PRIMARY KEY (collection, article_id)
    );
    """,
    # 2: sources that newsbot follows (feeds, pages, local paths) and how their last fetch went.
    """
    CREATE TABLE IF NOT EXISTS sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('feed', 'page', 'path')),
        location TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        added_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_fetch_at TEXT,
        last_ok_at TEXT,
        last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS articles_source ON articles(source_id);
    """,
    # 3: subscriptions to topics, and the alert outbox: one row per (subscription, article),
    # ever, so an alert is sent at most once whatever restarts and reindexes happen.
    """
    CREATE TABLE IF NOT EXISTS subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        topic TEXT,
        lang TEXT NOT NULL,
        created_by INTEGER,
        created_at TEXT NOT NULL,
        paused_reason TEXT
    );
    CREATE INDEX IF NOT EXISTS subscriptions_chat ON subscriptions(chat_id);
    CREATE TABLE IF NOT EXISTS alerts (
        subscription_id INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'merged')),
        score REAL NOT NULL,
        passage TEXT NOT NULL,
        best_sentence TEXT NOT NULL,
        siblings TEXT NOT NULL DEFAULT '[]',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT,
        PRIMARY KEY (subscription_id, article_id)
    );
    CREATE INDEX IF NOT EXISTS alerts_due ON alerts(status, next_attempt_at);
    """,
    # 4: alerts exactly once across crashes. A new article waits in `unmatched` from the
    # transaction that saves it until the one that marks it embedded also writes its alerts;
    # a sender claims one alert at a time, with a lease, so a dead sender's alert is known.
    """
    CREATE TABLE IF NOT EXISTS unmatched (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS embedded_article ON embedded(article_id);
    ALTER TABLE alerts ADD COLUMN lease_until REAL NOT NULL DEFAULT 0;
    ALTER TABLE alerts ADD COLUMN claimed_by TEXT;
    """,
    # 5: which collection holds each model's live vectors. A full rebuild fills a staging
    # collection, then one UPDATE makes it live: searches never meet a missing collection.
    # `used_at` tells which model the last writer used (stats without loading a model).
    """
    ALTER TABLE vector_spaces ADD COLUMN state TEXT NOT NULL DEFAULT 'live'
        CHECK (state IN ('live', 'staging'));
    ALTER TABLE vector_spaces ADD COLUMN used_at TEXT;
    UPDATE vector_spaces SET state = 'staging' WHERE collection LIKE '%-next';
    """,
    # 6: alerts people keep. A subscription may be a digest (at most one message every
    # `digest_hours`, listing what arrived) and may be muted until a time; the alerts one
    # message carried (one, or a digest of several) share a `claim_id`.
    """
    ALTER TABLE subscriptions ADD COLUMN digest_hours INTEGER;
    ALTER TABLE subscriptions ADD COLUMN next_digest_at REAL NOT NULL DEFAULT 0;
    ALTER TABLE subscriptions ADD COLUMN muted_until REAL NOT NULL DEFAULT 0;
    ALTER TABLE alerts ADD COLUMN claim_id TEXT;
    CREATE INDEX IF NOT EXISTS alerts_claim ON alerts(claim_id);
    """,
]

_COLUMNS = "id, source, url, title, published, lang, content_hash, text, outlet, source_id"
_FIELDS = _COLUMNS.split(", ")


class ArticleDB:
    """Articles and embedding bookkeeping, in SQLite (`path`) or the database at `url`."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = path
        self.database = Database.open(url, path)
        if self.database.is_sqlite:
            _legacy_sqlite_upgrade(path)
        schema.upgrade(self.database, schema.RECORDS)
        if self.database.is_sqlite:
            with closing(sqlite3.connect(path)) as conn:  # what `restore` checks backups by
                if conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
                    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    def close(self) -> None:
        self.database.close()

    def connect(self, immediate: bool = False) -> AbstractContextManager[Connection]:
        """A connection inside one transaction (see Database.connect)."""
        return self.database.connect(immediate=immediate)

    # --- articles -------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        with self.connect() as conn:
            row = (
                conn.execute(
                    text(f"SELECT {_COLUMNS} FROM articles WHERE id = :id"), {"id": article_id}
                )
                .mappings()
                .first()
            )
        return _article(row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        if not ids:
            return {}
        query = text(f"SELECT {_COLUMNS} FROM articles WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        with self.connect() as conn:
            rows = conn.execute(query, {"ids": list(ids)}).mappings()
            return {row["id"]: _article(row) for row in rows}

    def has(self, article_id: str) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                text("SELECT 1 FROM articles WHERE id = :id"), {"id": article_id}
            ).first()
        return row is not None

    def find_by_hash(self, content_hash: str) -> Article | None:
        with self.connect() as conn:
            row = (
                conn.execute(
                    text(f"SELECT {_COLUMNS} FROM articles WHERE content_hash = :h LIMIT 1"),
                    {"h": content_hash},
                )
                .mappings()
                .first()
            )
        return _article(row) if row else None

    def save(self, article: Article) -> None:
        """Insert or replace an article; its embeddings become stale until marked again."""
        self.save_many([article], new_ids=())

    def save_many(self, articles: Iterable[Article], new_ids: Iterable[str]) -> None:
        """Insert or update articles in one transaction. Those in `new_ids` (never seen
        before) also wait in `unmatched`, in the same transaction, until their alerts are
        written (`mark_embedded_many`); a changed article keeps its row (no cascade)."""
        now = utc_now()
        rows = [{**{f: getattr(a, f) for f in _FIELDS}, "indexed_at": now} for a in articles]
        waiting = [{"id": article_id} for article_id in new_ids]
        if not rows and not waiting:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in _FIELDS[1:])
        # No fsync per saved batch: safe against a killed process (the OS has the write); a
        # power cut may drop the newest saves, which the next fetch brings back. The next
        # durable commit (marking a batch embedded) syncs them too.
        with self.database.connect(no_sync=True) as conn:
            if rows:
                conn.execute(
                    text(
                        f"INSERT INTO articles ({_COLUMNS}, indexed_at) VALUES "
                        f"({', '.join(':' + f for f in _FIELDS)}, :indexed_at) "
                        f"ON CONFLICT (id) DO UPDATE SET {updates}, "
                        "indexed_at = excluded.indexed_at"
                    ),
                    rows,
                )
                conn.execute(  # vectors of an older text are not this article's any more
                    text("DELETE FROM embedded WHERE article_id = :id AND content_hash != :h"),
                    [{"id": r["id"], "h": r["content_hash"]} for r in rows],
                )
            if waiting:
                conn.execute(
                    text(
                        "INSERT INTO unmatched (article_id) VALUES (:id)"
                        " ON CONFLICT (article_id) DO NOTHING"
                    ),
                    waiting,
                )

    def delete(self, article_id: str) -> None:
        with self.connect() as conn:
            conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": article_id})

    def all_articles(self) -> Iterator[Article]:
        with self.connect() as conn:
            rows = (
                conn.execute(text(f"SELECT {_COLUMNS} FROM articles ORDER BY indexed_at, id"))
                .mappings()
                .all()
            )
        for row in rows:
            yield _article(row)

    def unembedded(self, collection: str) -> list[Article]:
        """Articles that `collection` lacks, or holds for an older text: one query, not N."""
        with self.connect() as conn:
            rows = (
                conn.execute(
                    text(
                        f"SELECT {', '.join('a.' + c for c in _FIELDS)} FROM articles a"
                        " LEFT JOIN embedded e ON e.article_id = a.id AND e.collection = :c"
                        "  AND e.content_hash = a.content_hash"
                        " WHERE e.article_id IS NULL ORDER BY a.indexed_at, a.id"
                    ),
                    {"c": collection},
                )
                .mappings()
                .all()
            )
        return [_article(row) for row in rows]

    def count(self) -> int:
        with self.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM articles")).scalar_one())

    def newest(self, limit: int) -> list[Article]:
        """The `limit` most recent articles: by publication date, else when they were stored."""
        with self.connect() as conn:
            rows = (
                conn.execute(
                    text(
                        f"SELECT {_COLUMNS} FROM articles"
                        " ORDER BY COALESCE(published, indexed_at) DESC, indexed_at DESC, id"
                        " LIMIT :n"
                    ),
                    {"n": limit},
                )
                .mappings()
                .all()
            )
        return [_article(row) for row in rows]

    def languages(self) -> dict[str, int]:
        with self.connect() as conn:
            rows = conn.execute(
                text("SELECT lang, COUNT(*) FROM articles GROUP BY lang ORDER BY 2 DESC, 1")
            )
            return {row[0]: int(row[1]) for row in rows}

    def sources(self) -> dict[str, int]:
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT COALESCE(outlet, source), COUNT(*) FROM articles"
                    " GROUP BY 1 ORDER BY 2 DESC, 1"
                )
            )
            return {row[0]: int(row[1]) for row in rows}

    # --- vector spaces --------------------------------------------------------------------

    def register_space(self, collection: str, model: str, *, staging: bool = False) -> None:
        with self.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO vector_spaces (collection, model, created_at, state)"
                    " VALUES (:c, :m, :t, :s) ON CONFLICT (collection) DO NOTHING"
                ),
                {
                    "c": collection,
                    "m": model,
                    "t": utc_now(),
                    "s": "staging" if staging else "live",
                },
            )

    def spaces(self) -> dict[str, str]:
        """Every live collection, with the model identity that built it (oldest first)."""
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT collection, model FROM vector_spaces WHERE state = 'live'"
                    " ORDER BY created_at, collection"
                )
            )
            return {row[0]: row[1] for row in rows}

    def live_collection(self, model: str) -> str | None:
        """The collection that holds `model`'s searchable vectors, if one was ever made."""
        return self._space(model, "live")

    def staging_collection(self, model: str) -> str | None:
        """The collection an interrupted full rebuild for `model` was filling, if any."""
        return self._space(model, "staging")

    def _space(self, model: str, state: str) -> str | None:
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT collection FROM vector_spaces WHERE model = :m AND state = :s"
                    " ORDER BY created_at DESC LIMIT 1"
                ),
                {"m": model, "s": state},
            ).first()
        return None if row is None else str(row[0])

    def use_space(self, collection: str) -> None:
        """Note that a writer opened `collection`: `current_space` is the latest one used."""
        with self.connect() as conn:
            conn.execute(
                text("UPDATE vector_spaces SET used_at = :t WHERE collection = :c"),
                {"t": utc_now(), "c": collection},
            )

    def current_space(self) -> tuple[str, str] | None:
        """(collection, model) the last writer used: what `stats` reports without a model."""
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT collection, model FROM vector_spaces WHERE state = 'live'"
                    " ORDER BY used_at IS NULL, used_at DESC, created_at DESC LIMIT 1"
                )
            ).first()
        return None if row is None else (str(row[0]), str(row[1]))

    def promote_space(self, staging: str, live: str) -> None:
        """After a full rebuild, in one transaction: `staging` becomes the live collection of
        its model and `live`'s bookkeeping goes. Searches switch at this commit, with no gap."""
        with self.connect() as conn:
            conn.execute(text("DELETE FROM embedded WHERE collection = :c"), {"c": live})
            conn.execute(text("DELETE FROM vector_spaces WHERE collection = :c"), {"c": live})
            conn.execute(
                text("UPDATE vector_spaces SET state = 'live', used_at = :t WHERE collection = :c"),
                {"t": utc_now(), "c": staging},
            )

    def mark_embedded_many(
        self,
        collection: str,
        done: Iterable[tuple[Article, int]],
        also: Callable[[Connection], None] | None = None,
    ) -> None:
        """Mark articles embedded with their passage counts; `also` writes in the same
        transaction (their alerts), so either both happen or neither."""
        rows = [{"c": collection, "id": a.id, "h": a.content_hash, "n": n} for a, n in done]
        with self.connect() as conn:
            if rows:
                conn.execute(
                    text(
                        "INSERT INTO embedded (collection, article_id, content_hash, passages)"
                        " VALUES (:c, :id, :h, :n) ON CONFLICT (collection, article_id)"
                        " DO UPDATE SET content_hash = excluded.content_hash,"
                        " passages = excluded.passages"
                    ),
                    rows,
                )
            if also is not None:
                also(conn)

    def is_embedded(self, collection: str, article: Article) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT 1 FROM embedded"
                    " WHERE collection = :c AND article_id = :id AND content_hash = :h"
                ),
                {"c": collection, "id": article.id, "h": article.content_hash},
            ).first()
        return row is not None

    def embedded_passages(self, collection: str) -> dict[str, int]:
        """Article id -> passage count, for every article marked embedded in `collection`."""
        with self.connect() as conn:
            rows = conn.execute(
                text("SELECT article_id, passages FROM embedded WHERE collection = :c"),
                {"c": collection},
            )
            return {row[0]: int(row[1]) for row in rows}

    def unmark_embedded(self, collection: str, article_id: str) -> None:
        with self.connect() as conn:
            conn.execute(
                text("DELETE FROM embedded WHERE collection = :c AND article_id = :id"),
                {"c": collection, "id": article_id},
            )

    def embedded_counts(self, collection: str) -> tuple[int, int]:
        """(articles, passages) fully embedded in `collection`."""
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT COUNT(*), COALESCE(SUM(passages), 0) FROM embedded"
                    " WHERE collection = :c"
                ),
                {"c": collection},
            ).one()
        return int(row[0]), int(row[1])


def _legacy_sqlite_upgrade(path: Path) -> None:
    """A SQLite file from before Alembic, at an older `user_version`, brought to version 6
    (the Alembic baseline) with the frozen scripts it lacks."""
    try:
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if 0 < version < len(MIGRATIONS):
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            raise DatabaseCorruptError(corruption_message(path, exc)) from exc
        failed = sqlite_storage_error(exc, path)
        if failed is not None:
            raise failed from exc
        raise


def _article(row: RowMapping) -> Article:
    return Article(**{f: row[f] for f in _FIELDS})


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
