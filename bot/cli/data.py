"""`newsbot backup` and `newsbot restore`: the records (SQLite) copied out and brought back.

Neither loads the model: the article database is the record of truth and the vectors are
rebuilt from it (`newsbot check` after a restore, `newsbot check --rebuild` for a damaged
vector store).
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import out, reporting_errors, settings
from index.errors import InputError
from index.store.article_db import ArticleDB, restore_database
from index.store.writer_lock import WriterLock


def backup_command(
    path: Annotated[Path, typer.Argument(help="a new file, or a folder to put a dated file in")],
) -> None:
    """Copy every record (articles, sources, subscriptions, alerts) to PATH, consistently,
    even while the bot runs."""
    with reporting_errors():
        db_path = settings().db_path
        if not db_path.is_file():
            raise InputError(f"no article database at {db_path}: nothing to back up")
        if path.is_dir():
            path = path / f"newsbot-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.sqlite3"
        if path.exists():
            raise InputError(f"{path} already exists; give a new file name or a folder")
        if not path.parent.is_dir():
            raise InputError(f"no folder {path.parent} to write the backup in")
        db = ArticleDB(db_path)
        try:
            count = db.backup(path)
        finally:
            db.close()
    out.print(f"backed up {count} articles to {path}", highlight=False, markup=False)


def restore_command(
    backup: Annotated[Path, typer.Argument(help="a file `newsbot backup` wrote")],
) -> None:
    """Replace the article database with BACKUP (the current file is kept aside). Stop the
    bot first; then run `newsbot check` to bring the vectors in line."""
    with reporting_errors():
        current = settings()
        lock = WriterLock(current.data_dir)
        lock.acquire()
        try:
            count, aside = restore_database(backup, current.db_path)
        finally:
            lock.release()
    kept = f"; the previous file is kept as {aside}" if aside else ""
    out.print(
        f"restored {count} articles from {backup}{kept}.\n"
        "Now run `newsbot check` to bring the vector store in line with them.",
        highlight=False,
        markup=False,
    )
