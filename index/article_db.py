"""SQLite: the record of truth for articles, and which articles each vector space holds.

Chroma is only an index: everything in it can be rebuilt from this database. A fresh
connection per operation keeps it safe to call from worker threads.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from index.models import Article

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
]

_COLUMNS = "id, source, url, title, published, lang, content_hash, text, outlet, source_id"


class ArticleDB:
    """Articles and embedding bookkeeping in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            with conn:
                yield conn
        finally:
            conn.close()

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
        with self.connect() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO articles ({_COLUMNS}, indexed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    article.source,
                    article.url,
                    article.title,
                    article.published,
                    article.lang,
                    article.content_hash,
                    article.text,
                    article.outlet,
                    article.source_id,
                    utc_now(),
                ),
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

    def register_space(self, collection: str, model: str) -> None:
        with self.connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO vector_spaces VALUES (?, ?, ?)",
                (collection, model, utc_now()),
            )

    def spaces(self) -> dict[str, str]:
        """Every collection ever built, with the model identity that built it."""
        with self.connect() as conn:
            rows = conn.execute("SELECT collection, model FROM vector_spaces ORDER BY created_at")
            return {row[0]: row[1] for row in rows}

    def mark_embedded(self, collection: str, article: Article, passages: int) -> None:
        with self.connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO embedded VALUES (?, ?, ?, ?)",
                (collection, article.id, article.content_hash, passages),
            )

    def is_embedded(self, collection: str, article: Article) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT 1 FROM embedded"
                " WHERE collection = ? AND article_id = ? AND content_hash = ?",
                (collection, article.id, article.content_hash),
            ).fetchone()
        return row is not None

    def move_space(self, source: str, target: str) -> None:
        """After a rebuild: the staging collection's bookkeeping becomes the live one's."""
        with self.connect() as conn:
            conn.execute("DELETE FROM embedded WHERE collection = ?", (target,))
            conn.execute(
                "UPDATE embedded SET collection = ? WHERE collection = ?", (target, source)
            )
            conn.execute("DELETE FROM vector_spaces WHERE collection = ?", (source,))

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
