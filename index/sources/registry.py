"""The sources newsbot follows, in the article database, with how each last fetch went.

Each source keeps its HTTP validators (ETag, Last-Modified) for conditional GETs and its last
error, so `newsbot sources list` and the bot's /sources can tell an admin what is wrong.
"""

from dataclasses import dataclass
from typing import Literal

from index.errors import DuplicateSourceError, SourceNotFoundError
from index.store.article_db import ArticleDB, utc_now

SourceKind = Literal["feed", "page", "path"]


@dataclass(frozen=True)
class Source:
    id: int
    kind: SourceKind
    location: str  # URL, or absolute path for local files
    name: str
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    last_fetch_at: str | None = None
    last_ok_at: str | None = None
    last_error: str | None = None
    articles: int = 0


_SELECT = """
    SELECT s.id, s.kind, s.location, s.name, s.added_at, s.etag, s.last_modified,
           s.last_fetch_at, s.last_ok_at, s.last_error,
           (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS articles
    FROM sources s
"""


class SourceRegistry:
    """Add, list, remove sources and record the outcome of each fetch."""

    def __init__(self, db: ArticleDB) -> None:
        self.db = db

    def add(self, kind: SourceKind, location: str, name: str) -> Source:
        existing = self.find(location)
        if existing:
            raise DuplicateSourceError(
                f"{location} is already source #{existing.id} ({existing.name})",
                id=existing.id,
                name=existing.name,
            )
        with self.db.connect() as conn:
            cursor = conn.execute(
                "INSERT INTO sources (kind, location, name, added_at) VALUES (?, ?, ?, ?)",
                (kind, location, name, utc_now()),
            )
            new_id = int(cursor.lastrowid or 0)
        return self.get(new_id)

    def find(self, location: str) -> Source | None:
        with self.db.connect() as conn:
            row = conn.execute(_SELECT + " WHERE s.location = ?", (location,)).fetchone()
        return Source(**dict(row)) if row else None

    def get(self, source_id: int) -> Source:
        with self.db.connect() as conn:
            row = conn.execute(_SELECT + " WHERE s.id = ?", (source_id,)).fetchone()
        if row is None:
            raise SourceNotFoundError(
                f"there is no source #{source_id}; `newsbot sources list` shows them"
            )
        return Source(**dict(row))

    def all(self) -> list[Source]:
        with self.db.connect() as conn:
            rows = conn.execute(_SELECT + " ORDER BY s.id").fetchall()
        return [Source(**dict(row)) for row in rows]

    def remove(self, source_id: int, purge: bool = False) -> tuple[Source, list[str]]:
        """Forget a source; with `purge`, return its article ids for the caller to delete."""
        source = self.get(source_id)
        with self.db.connect() as conn:
            ids = [
                r[0]
                for r in conn.execute("SELECT id FROM articles WHERE source_id = ?", (source_id,))
            ]
            if not purge:
                conn.execute(
                    "UPDATE articles SET source_id = NULL WHERE source_id = ?", (source_id,)
                )
            conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return source, ids if purge else []

    def record_success(
        self, source_id: int, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        now = utc_now()
        with self.db.connect() as conn:
            conn.execute(
                "UPDATE sources SET etag = ?, last_modified = ?, last_fetch_at = ?,"
                " last_ok_at = ?, last_error = NULL WHERE id = ?",
                (etag, last_modified, now, now, source_id),
            )

    def record_error(self, source_id: int, error: str) -> None:
        with self.db.connect() as conn:
            conn.execute(
                "UPDATE sources SET last_fetch_at = ?, last_error = ? WHERE id = ?",
                (utc_now(), error[:500], source_id),
            )
