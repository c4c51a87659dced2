"""SQLite: the record of truth for articles, and which articles each vector space holds.

Chroma is only an index: everything in it can be rebuilt from this database. A fresh
connection per operation keeps it safe to call from worker threads.
"""

import errno
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from index.errors import DatabaseCorruptError
from index.models import Article
from index.store.disk import file_system_errors, sqlite_storage_error

# Each entry moves the schema one version forward; never edit a released entry.
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


class ArticleDB:
    """Articles and embedding bookkeeping in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with file_system_errors():
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and not path.is_file():
                raise IsADirectoryError(errno.EISDIR, "a folder", str(path))
        self._migrate()
        # Held open, idle, so that closing each operation's connection does not checkpoint
        # the WAL every time (milliseconds of fsync per operation).
        self._keeper: sqlite3.Connection | None = sqlite3.connect(path, check_same_thread=False)

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error.

        A damaged file raises DatabaseCorruptError, which says how to get the records back."""
        try:
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA foreign_keys = ON")
                with conn:
                    yield conn
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                raise DatabaseCorruptError(corruption_message(self.path, exc)) from exc
            failed = sqlite_storage_error(exc, self.path)
            if failed is not None:
                raise failed from exc
            raise

    def _migrate(self) -> None:
        with self.connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    # --- articles -------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        with self.connect() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return _article(row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self.connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks})", ids)
            return {row["id"]: _article(row) for row in rows}

    def has(self, article_id: str) -> bool:
        with self.connect() as conn:
            row = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def find_by_hash(self, content_hash: str) -> Article | None:
        with self.connect() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)
            ).fetchone()
        return _article(row) if row else None

    def save(self, article: Article) -> None:
        """Insert or replace an article; its embeddings become stale until marked again."""
        self.save_many([article], new_ids=())

    def save_many(self, articles: Iterable[Article], new_ids: Iterable[str]) -> None:
        """Insert or update articles in one transaction. Those in `new_ids` (never seen
        before) also wait in `unmatched`, in the same transaction, until their alerts are
        written (`mark_embedded_many`); a changed article keeps its row (no cascade)."""
        rows = [
            (
                a.id,
                a.source,
                a.url,
                a.title,
                a.published,
                a.lang,
                a.content_hash,
                a.text,
                a.outlet,
                a.source_id,
                utc_now(),
            )
            for a in articles
        ]
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
        with self.connect() as conn:
            # No fsync per saved article: safe against a killed process (the OS has the
            # write); a power cut may drop the newest saves, which the next fetch brings
            # back. The next durable commit (marking a batch embedded) syncs them too.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executemany(
                f"INSERT INTO articles ({_COLUMNS}, indexed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT(id) DO UPDATE SET {updates}, indexed_at = excluded.indexed_at",
                rows,
            )
            conn.executemany(  # vectors of an older text are not this article's any more
                "DELETE FROM embedded WHERE article_id = ? AND content_hash != ?",
                [(row[0], row[6]) for row in rows],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO unmatched (article_id) VALUES (?)",
                [(article_id,) for article_id in new_ids],
            )

    def delete(self, article_id: str) -> None:
        with self.connect() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def all_articles(self) -> Iterator[Article]:
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM articles ORDER BY indexed_at, id"
            ).fetchall()
        for row in rows:
            yield _article(row)

    def unembedded(self, collection: str) -> list[Article]:
        """Articles that `collection` lacks, or holds for an older text: one query, not N."""
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {', '.join('a.' + c for c in _COLUMNS.split(', '))} FROM articles a"
                " LEFT JOIN embedded e ON e.article_id = a.id AND e.collection = ?"
                "  AND e.content_hash = a.content_hash"
                " WHERE e.article_id IS NULL ORDER BY a.indexed_at, a.id",
                (collection,),
            ).fetchall()
        return [_article(row) for row in rows]

    def count(self) -> int:
        with self.connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def newest(self, limit: int) -> list[Article]:
        """The `limit` most recent articles: by publication date, else when they were stored."""
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM articles"
                " ORDER BY COALESCE(published, indexed_at) DESC, indexed_at DESC, id LIMIT ?",
                (limit,),
            ).fetchall()
        return [_article(row) for row in rows]

    def languages(self) -> dict[str, int]:
        with self.connect() as conn:
            rows = conn.execute("SELECT lang, COUNT(*) FROM articles GROUP BY lang ORDER BY 2 DESC")
            return {row[0]: row[1] for row in rows}

    def sources(self) -> dict[str, int]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT COALESCE(outlet, source), COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
            )
            return {row[0]: row[1] for row in rows}

    # --- vector spaces --------------------------------------------------------------------

    def register_space(self, collection: str, model: str, *, staging: bool = False) -> None:
        with self.connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO vector_spaces (collection, model, created_at, state)"
                " VALUES (?, ?, ?, ?)",
                (collection, model, utc_now(), "staging" if staging else "live"),
            )

    def spaces(self) -> dict[str, str]:
        """Every live collection, with the model identity that built it (oldest first)."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT collection, model FROM vector_spaces WHERE state = 'live'"
                " ORDER BY created_at"
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
                "SELECT collection FROM vector_spaces WHERE model = ? AND state = ?"
                " ORDER BY created_at DESC LIMIT 1",
                (model, state),
            ).fetchone()
        return None if row is None else str(row[0])

    def use_space(self, collection: str) -> None:
        """Note that a writer opened `collection`: `current_space` is the latest one used."""
        with self.connect() as conn:
            conn.execute(
                "UPDATE vector_spaces SET used_at = ? WHERE collection = ?", (utc_now(), collection)
            )

    def current_space(self) -> tuple[str, str] | None:
        """(collection, model) the last writer used: what `stats` reports without a model."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT collection, model FROM vector_spaces WHERE state = 'live'"
                " ORDER BY used_at IS NULL, used_at DESC, created_at DESC LIMIT 1"
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def promote_space(self, staging: str, live: str) -> None:
        """After a full rebuild, in one transaction: `staging` becomes the live collection of
        its model and `live`'s bookkeeping goes. Searches switch at this commit, with no gap."""
        with self.connect() as conn:
            conn.execute("DELETE FROM embedded WHERE collection = ?", (live,))
            conn.execute("DELETE FROM vector_spaces WHERE collection = ?", (live,))
            conn.execute(
                "UPDATE vector_spaces SET state = 'live', used_at = ? WHERE collection = ?",
                (utc_now(), staging),
            )

    def mark_embedded_many(
        self,
        collection: str,
        done: Iterable[tuple[Article, int]],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Mark articles embedded with their passage counts; `also` writes in the same
        transaction (their alerts), so either both happen or neither."""
        with self.connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embedded VALUES (?, ?, ?, ?)",
                [(collection, a.id, a.content_hash, n) for a, n in done],
            )
            if also is not None:
                also(conn)

    def is_embedded(self, collection: str, article: Article) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT 1 FROM embedded"
                " WHERE collection = ? AND article_id = ? AND content_hash = ?",
                (collection, article.id, article.content_hash),
            ).fetchone()
        return row is not None

    def embedded_passages(self, collection: str) -> dict[str, int]:
        """Article id -> passage count, for every article marked embedded in `collection`."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT article_id, passages FROM embedded WHERE collection = ?", (collection,)
            )
            return {row[0]: int(row[1]) for row in rows}

    def unmark_embedded(self, collection: str, article_id: str) -> None:
        with self.connect() as conn:
            conn.execute(
                "DELETE FROM embedded WHERE collection = ? AND article_id = ?",
                (collection, article_id),
            )

    def embedded_counts(self, collection: str) -> tuple[int, int]:
        """(articles, passages) fully embedded in `collection`."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(passages), 0) FROM embedded WHERE collection = ?",
                (collection,),
            ).fetchone()
        return int(row[0]), int(row[1])


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A damaged or foreign file, as opposed to a lock or a bad query."""
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def corruption_message(path: Path, exc: Exception) -> str:
    return (
        f"the article database {path} is damaged ({exc}). Restore your last backup with "
        "`newsbot restore BACKUP_FILE` (the damaged file is kept aside), then run "
        "`newsbot check`; without a backup, move the file away and index your sources again"
    )


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        published=row["published"],
        lang=row["lang"],
        content_hash=row["content_hash"],
        text=row["text"],
        outlet=row["outlet"],
        source_id=row["source_id"],
    )


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
