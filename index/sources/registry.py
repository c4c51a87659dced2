"""The sources newsbot follows (index/sources/tables.py), with how each last fetch went.

Each source keeps its HTTP validators (ETag, Last-Modified) for conditional GETs and its last
error, so `newsbot sources list` and the bot's /sources can tell an admin what is wrong.
"""

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import text

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
            new_id = conn.execute(
                text(
                    "INSERT INTO sources (kind, location, name, added_at)"
                    " VALUES (:kind, :location, :name, :t) RETURNING id"
                ),
                {"kind": kind, "location": location, "name": name, "t": utc_now()},
            ).scalar_one()
        return self.get(new_id)

    def find(self, location: str) -> Source | None:
        with self.db.connect() as conn:
            row = (
                conn.execute(text(_SELECT + " WHERE s.location = :l"), {"l": location})
                .mappings()
                .first()
            )
        return Source(**row) if row else None

    def get(self, source_id: int) -> Source:
        with self.db.connect() as conn:
            row = (
                conn.execute(text(_SELECT + " WHERE s.id = :id"), {"id": source_id})
                .mappings()
                .first()
            )
        if row is None:
            raise SourceNotFoundError(
                f"there is no source #{source_id}; `newsbot sources list` shows them"
            )
        return Source(**row)

    def all(self) -> list[Source]:
        with self.db.connect() as conn:
            rows = conn.execute(text(_SELECT + " ORDER BY s.id")).mappings().all()
        return [Source(**row) for row in rows]

    def remove(self, source_id: int, purge: bool = False) -> tuple[Source, list[str]]:
        """Forget a source; with `purge`, return its article ids for the caller to delete."""
        source = self.get(source_id)
        with self.db.connect() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM articles WHERE source_id = :id"), {"id": source_id}
                )
            ]
            if not purge:
                conn.execute(
                    text("UPDATE articles SET source_id = NULL WHERE source_id = :id"),
                    {"id": source_id},
                )
            conn.execute(text("DELETE FROM sources WHERE id = :id"), {"id": source_id})
        return source, ids if purge else []

    def record_success(
        self, source_id: int, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        now = utc_now()
        with self.db.connect() as conn:
            conn.execute(
                text(
                    "UPDATE sources SET etag = :etag, last_modified = :lm, last_fetch_at = :t,"
                    " last_ok_at = :t, last_error = NULL WHERE id = :id"
                ),
                {"etag": etag, "lm": last_modified, "t": now, "id": source_id},
            )

    def record_error(self, source_id: int, error: str) -> None:
        with self.db.connect() as conn:
            conn.execute(
                text("UPDATE sources SET last_fetch_at = :t, last_error = :e WHERE id = :id"),
                {"t": utc_now(), "e": error[:500], "id": source_id},
            )
