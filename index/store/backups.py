"""Backups of the article database, and putting one back without risking the live one.

`backup_database` writes a consistent copy (SQLite's online backup, safe while the bot
writes) beside its target and renames it into place, so a full disk or a read-only folder
leaves nothing behind. `restore_database` checks a backup completely before it touches
anything: a SQLite file, not the live database itself, newsbot's own schema at a version this
newsbot reads, `PRAGMA integrity_check`. It then copies it beside the live database, brings
it to the current schema, and swaps it in with one rename; the previous database stays, whole,
as a dated file beside it. Any refusal is a BackupError and the live files are as they were.
"""

import os
import shutil
import sqlite3
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.errors import BackupError, DatabaseCorruptError, StorageError
from index.store import schema
from index.store.article_db import MIGRATIONS, ArticleDB, corruption_message, is_corruption
from index.store.disk import file_system_errors, fsync_dir, sqlite_storage_error

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Restored:
    """What `restore_database` put in place."""

    articles: int
    previous: Path | None  # where the database it replaced was kept (None: there was none)
    space: tuple[str, int] | None  # (collection, passages) the restored records say it holds


def backup_database(db_path: Path, target: Path) -> int:
    """A consistent copy of every record of `db_path` in the new file `target`: written as
    `target.partial`, synced, then renamed, so a failure leaves no file. Returns the number of
    articles copied."""
    partial = target.with_name(target.name + ".partial")
    try:
        with file_system_errors(target.parent):
            _remove(partial)
            partial.open("xb").close()  # a read-only folder says so here, plainly
        with (
            closing(sqlite3.connect(db_path, timeout=30)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            count = int(copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        with file_system_errors(target):
            _fsync(partial)
            os.replace(partial, target)
            fsync_dir(target.parent)
    except sqlite3.DatabaseError as exc:
        _remove(partial)
        if is_corruption(exc):
            raise DatabaseCorruptError(corruption_message(db_path, exc)) from exc
        raise sqlite_storage_error(exc, target) or StorageError(
            f"cannot write the backup {target}: {exc}"
        ) from exc
    except BaseException:
        _remove(partial)
        raise
    return count


def restore_database(backup: Path, target: Path) -> Restored:
    """Put the records of `backup` in place of the database `target`, which is kept as a dated
    file beside it. Refused with a BackupError, `target` untouched, unless `backup` is a whole
    newsbot database at a schema version this newsbot reads."""
    _refuse_unusable_file(backup, target)
    with file_system_errors(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.restoring-", dir=target.parent)
    staging = Path(name)
    try:
        with file_system_errors(target.parent), os.fdopen(handle, "wb") as out:
            with backup.open("rb") as source:  # read-only, by path: any name works
                shutil.copyfileobj(source, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
            wal = Path(f"{backup}-wal")  # a copy taken by hand of a database in use
            if wal.is_file() and wal.stat().st_size:
                shutil.copyfile(wal, f"{staging}-wal")
        check_backup(staging, backup)
        db = ArticleDB(staging)  # an older backup is brought to the current schema
        try:
            articles, space = db.count(), db.current_space()
            passages = db.embedded_counts(space[0])[1] if space else 0
        finally:
            db.close()
        with file_system_errors(target):
            if target.exists():
                os.chmod(staging, target.stat().st_mode & 0o777)
            _fsync(staging)
            previous = _keep_previous(target)
            for suffix in _SIDE_FILES:  # the old WAL must never meet the new file
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(staging, target)
            fsync_dir(target.parent)
    except sqlite3.DatabaseError as exc:
        raise sqlite_storage_error(exc, target) or BackupError(
            f"{backup} could not be restored ({exc}); the database in place is unchanged"
        ) from exc
    finally:
        _remove(staging)
    return Restored(articles, previous, (space[0], passages) if space else None)


def check_backup(copy: Path, named: Path) -> None:
    """`copy` (of the file `named`) is a whole newsbot database this newsbot can read."""
    revision: str | None = None
    try:
        with closing(sqlite3.connect(copy)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            verdict = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
            if verdict == "ok":
                tables = _tables(conn)
                revision = _revision(conn, tables)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{named} is not a usable newsbot backup ({exc})") from None
    if verdict != "ok":
        raise BackupError(f"{named} is damaged ({verdict}); try an older backup")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"{named} was written by a newer newsbot (schema {version}; this one reads up to "
            f"{len(MIGRATIONS)}): restore it with that version"
        )
    if revision is not None and not schema.known(schema.RECORDS, revision):
        raise BackupError(
            f"{named} was written by a newer newsbot (schema {revision}, unknown to this one): "
            "restore it with that version"
        )
    missing: list[str] = []
    for table, wanted in (_schema(version) if version > 0 else {}).items():
        have = tables.get(table)
        missing += [table] if have is None else [f"{table}.{c}" for c in sorted(wanted - have)]
    if version == 0 or missing:
        detail = f"lacks {', '.join(missing[:3])}" if missing else "has no newsbot schema version"
        raise BackupError(f"{named} is not a newsbot backup: it {detail}")


def _revision(conn: sqlite3.Connection, tables: dict[str, set[str]]) -> str | None:
    """The Alembic revision of the records in `conn` (None: from before Alembic)."""
    if schema.RECORDS.version_table not in tables:
        return None
    row = conn.execute(f"SELECT version_num FROM {schema.RECORDS.version_table}").fetchone()
    return None if row is None else str(row[0])


def _refuse_unusable_file(backup: Path, target: Path) -> None:
    try:
        found = backup.stat()
        with backup.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"no backup file at {backup}") from None
    except IsADirectoryError:
        raise BackupError(f"{backup} is a folder; give the backup file in it") from None
    except OSError as exc:
        raise BackupError(f"cannot read {backup}: {exc.strerror or exc}") from None
    live = [Path(f"{target}{suffix}") for suffix in ("", "-wal")]
    for path in live:
        with suppress(OSError):
            if os.path.samestat(found, path.stat()):
                raise BackupError(
                    f"{backup} is the live database {path} itself; give a file "
                    "`newsbot backup` wrote"
                )
    if header != _SQLITE_HEADER:
        raise BackupError(f"{backup} is not a SQLite file, so not a newsbot backup")


def _keep_previous(target: Path) -> Path | None:
    """Keep the live database, whole, as a dated file beside it; None if there is none.

    A healthy database is checkpointed first, so the dated file stands alone; a damaged one
    is kept with its WAL (`<name>-wal`), as it was."""
    if not target.exists():
        return None
    damaged = False
    try:
        with closing(sqlite3.connect(target, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            damaged = conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        damaged = True
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kind = "damaged" if damaged else "before-restore"
    kept = target.with_name(f"{target.name}.{kind}-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = target.with_name(f"{target.name}.{kind}-{stamp}-{n}")
    for suffix in ("", "-wal"):
        old = Path(f"{target}{suffix}")
        if old.exists() and (suffix == "" or old.stat().st_size):
            _link_or_copy(old, Path(f"{kept}{suffix}"))
    return kept


def _link_or_copy(source: Path, kept: Path) -> None:
    """`kept` names `source`'s bytes: a hard link, or a synced copy where links are not had."""
    try:
        os.link(source, kept)
    except OSError as exc:
        if exc.errno is None or isinstance(exc, FileExistsError):
            raise
        shutil.copyfile(source, kept)
        _fsync(kept)


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: {row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))}
        for name in names
    }


def _schema(version: int) -> dict[str, set[str]]:
    """Tables and columns a newsbot database has at schema `version`."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for script in MIGRATIONS[:version]:
            conn.executescript(script)
        return _tables(conn)


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
