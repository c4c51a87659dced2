"""The records' database: one SQLAlchemy engine, SQLite by default or PostgreSQL when configured.

`NEWSBOT_DATABASE_URL=postgresql://user@host/db` puts every record (articles, sources,
subscriptions, the alert outbox, votes, chat preferences) in PostgreSQL; unset, each store
keeps its SQLite file in the data dir, as before. The SQL the stores write is the portable
subset both engines speak (`ON CONFLICT`, `RETURNING`, `IS NOT DISTINCT FROM`).

Each store's tables are versioned by Alembic (`migrations.py`), brought up to date when the
store opens. `connect(immediate=True)` is a write transaction that excludes the other
writers that ask for one (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped
advisory lock): check-then-insert and claim-then-mark stay atomic across processes.
"""

import errno
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from index.errors import DatabaseCorruptError, DatabaseUnavailableError
from index.store.disk import file_system_errors, sqlite_storage_error

_IMMEDIATE = "newsbot_immediate"
_NO_SYNC = "newsbot_no_sync"
# The key of the advisory lock `immediate` transactions take on PostgreSQL.
WRITE_LOCK_KEY = zlib.crc32(b"newsbot records") & 0x7FFFFFFF


def engine_url(url: str) -> URL:
    """A PostgreSQL URL as people write it, with psycopg 3 as its driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class Database:
    """An engine over SQLite (`path`) or PostgreSQL (`url`), with newsbot's connection rules."""

    def __init__(self, url: str | None = None, path: Path | None = None) -> None:
        if (url is None) == (path is None):
            raise ValueError("a Database takes a SQLite path or a URL, not both")
        self.path = path
        if path is not None:
            with file_system_errors():
                path.parent.mkdir(parents=True, exist_ok=True)
                if path.exists() and not path.is_file():
                    raise IsADirectoryError(errno.EISDIR, "a folder", str(path))
            self.engine = _sqlite_engine(path)
        else:
            assert url is not None
            self.engine = _postgresql_engine(url)
        self.dialect = self.engine.dialect.name  # "sqlite" or "postgresql"

    @classmethod
    def open(cls, url: str | None, path: Path) -> "Database":
        """The database `url` names, else the SQLite file `path`."""
        return cls(url=url) if url else cls(path=path)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def where(self) -> str:
        """Where the records are, for messages (never a password)."""
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True).replace("+psycopg", "")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def connect(self, immediate: bool = False, no_sync: bool = False) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error.
        With `immediate`, the transaction excludes other immediate ones from its start. With
        `no_sync`, SQLite does not wait for the disk at commit (`synchronous = NORMAL`): safe
        against a killed process, a power cut may drop it (for what a later run redoes).

        A damaged SQLite file raises DatabaseCorruptError, which says how to get the records
        back; an unreachable PostgreSQL, DatabaseUnavailableError."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{_IMMEDIATE: immediate, _NO_SYNC: no_sync})
                with conn.begin():
                    if immediate and not self.is_sqlite:
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY}
                        )
                    yield conn
        except DBAPIError as exc:
            raise self._translated(exc) from exc

    def _translated(self, exc: DBAPIError) -> Exception:
        orig = exc.orig
        if self.path is not None and isinstance(orig, sqlite3.DatabaseError):
            if is_corruption(orig):
                return DatabaseCorruptError(corruption_message(self.path, orig))
            return sqlite_storage_error(orig, self.path) or exc
        if exc.connection_invalidated or _unreachable(exc):
            return DatabaseUnavailableError(
                f"cannot reach the database {self.where} ({str(orig).strip().splitlines()[0]}): "
                "is PostgreSQL running, and NEWSBOT_DATABASE_URL right?",
                where=self.where,
            )
        return exc


def _unreachable(exc: DBAPIError) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency
        return False
    return isinstance(exc.orig, psycopg.OperationalError)


def _postgresql_engine(url: str) -> Engine:
    from psycopg.types.string import StrDumperUnknown  # psycopg only when PostgreSQL is used

    class TextWithoutNul(StrDumperUnknown):
        """PostgreSQL's text cannot hold NUL, which SQLite's can (an article read from a file
        with a stray NUL byte): dropped on the way in, as it carries nothing a reader sees."""

        def dump(self, obj: str) -> bytes:
            return obj.replace("\x00", "").encode(self._encoding)

    engine = create_engine(engine_url(url), pool_pre_ping=True)  # pinged: a restart is survived

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.adapters.register_dumper(str, TextWithoutNul)

    return engine


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": 30, "check_same_thread": False},
        pool_size=5,
        max_overflow=30,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, says when transactions begin (see `_on_begin`).
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        synchronous = "NORMAL" if options.get(_NO_SYNC) else "FULL"
        if conn.connection.info.get("synchronous") != synchronous:  # a statement less, mostly
            dbapi.execute(f"PRAGMA synchronous = {synchronous}")
            conn.connection.info["synchronous"] = synchronous
        dbapi.execute("BEGIN IMMEDIATE" if options.get(_IMMEDIATE) else "BEGIN")

    return engine


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
