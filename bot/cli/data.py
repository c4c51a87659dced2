"""`newsbot backup` and `newsbot restore`: the records (SQLite) copied out and brought back.

Neither loads the model: the article database is the record of truth and the vectors are
rebuilt from it (`newsbot check` after a restore, `newsbot check --rebuild` for a damaged
vector store). `restore` says, in its one line, whether the vector store holds what the
restored records name, counted without Chroma (index/store/vector_census.py).
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import open_root, out, reporting_errors, settings
from index.errors import InputError, StoreError
from index.store.backups import Restored, backup_database, restore_database
from index.store.vector_census import stored_passages


def backup_command(
    path: Annotated[Path, typer.Argument(help="a new file, or a folder to put a dated file in")],
) -> None:
    """Copy every record (articles, sources, subscriptions, alerts) to PATH, consistently,
    even while the bot runs."""
    with reporting_errors():
        _refuse_postgresql("back up")
        db_path = settings().db_path
        if not db_path.is_file():
            raise InputError(f"no article database at {db_path}: nothing to back up")
        if path.is_dir():
            path = path / f"newsbot-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.sqlite3"
        if path.exists():
            raise InputError(f"{path} already exists; give a new file name or a folder")
        if not path.parent.is_dir():
            raise InputError(f"no folder {path.parent} to write the backup in")
        count = backup_database(db_path, path)
    out.print(f"backed up {count} articles to {path}", highlight=False, markup=False)


def restore_command(
    backup: Annotated[Path, typer.Argument(help="a file `newsbot backup` wrote")],
) -> None:
    """Replace the article database with BACKUP, after checking it is a whole newsbot
    database; the current one is kept beside it as a dated file. Refused while the bot runs."""
    with reporting_errors():
        _refuse_postgresql("restore")
        with open_root() as root, root.lock("newsbot restore"):
            current = root.settings
            restored = restore_database(backup, current.db_path)
        vectors = (
            "; run `newsbot check` to bring the vector server in line with them"
            if current.chroma_url
            else _vectors_after(restored, current.chroma_path, current.db_path)
        )
    kept = f"; the previous database is kept as {restored.previous}" if restored.previous else ""
    out.print(
        f"restored {restored.articles} articles from {backup}{kept}{vectors}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def _refuse_postgresql(verb: str) -> None:
    if settings().database_url:
        raise InputError(
            f"the records live in PostgreSQL (NEWSBOT_DATABASE_URL): {verb} them with "
            "pg_dump / pg_restore, as docs/scaling.md shows; this command copies SQLite files"
        )


def _vectors_after(restored: Restored, chroma_path: Path, db_path: Path) -> str:
    """What the vector store holds of what the restored records say it does."""
    if restored.space is None:
        return "; nothing in it was embedded yet: run `newsbot reindex`"
    collection, expected = restored.space
    try:
        stored = stored_passages(chroma_path, collection, db_path)
    except StoreError:
        return "; the vector store cannot be read: run `newsbot check --rebuild`"
    if stored == expected:
        return f"; the vector store holds its {expected} passages"
    held = "an unknown number of" if stored is None else str(stored)
    return (
        f"; the vector store holds {held} passages where they name {expected}: run "
        "`newsbot check` to bring it in line"
    )
