"""`newsbot db ...`: where the records live, their schema versions, and moving them to PostgreSQL.

`db migrate --to postgresql://…` copies a data dir's SQLite records (articles, sources,
subscriptions, the alert outbox, votes, chat preferences) into an empty PostgreSQL database,
table by table with their counts checked, while holding the data dir's writer lock. The SQLite
files are left as they were. See docs/scaling.md.
"""

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import open_root, out, reporting_errors, settings
from bot.prefs_history import DB_NAME, PREFS
from index.errors import InputError
from index.store import schema
from index.store.database import Database
from index.store.feedback import FILE_NAME
from index.store.transfer import Copied, copy_store

db_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="The records' database: status, upgrade, and moving to PostgreSQL.",
)


def _stores(data_dir: Path, db_path: Path) -> list[tuple[str, Path, schema.History]]:
    """Each store's SQLite file in the data dir and its history."""
    return [
        ("records", db_path, schema.RECORDS),
        ("votes", data_dir / FILE_NAME, schema.VOTES),
        ("chat preferences", data_dir / DB_NAME, PREFS),
    ]


@db_app.command("status")
def status_command() -> None:
    """Where each store's records are and its schema version (against this newsbot's)."""
    with reporting_errors():
        current = settings()
        for name, path, history in _stores(current.data_dir, current.db_path):
            if not current.database_url and not path.exists():
                out.print(f"{name}: none yet ({path})", highlight=False, markup=False)
                continue
            database = Database.open(current.database_url, path)
            try:
                version = schema.current(database, history) or "none"
            finally:
                database.close()
            head = history.head
            state = "up to date" if version == head else f"to upgrade to {head}"
            out.print(
                f"{name}: {database.where}, schema {version} ({state})",
                highlight=False,
                markup=False,
            )


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Bring every store to this newsbot's schema now (each also upgrades when it opens)."""
    with reporting_errors():
        current = settings()
        with open_root() as root, root.lock("newsbot db upgrade"):
            for name, path, history in _stores(current.data_dir, current.db_path):
                database = Database.open(current.database_url, path)
                try:
                    schema.upgrade(database, history)
                finally:
                    database.close()
                out.print(f"{name}: {database.where} at {history.head}", highlight=False)


@db_app.command("migrate")
def migrate_command(
    to: Annotated[str, typer.Option("--to", help="postgresql://user@host/db, an empty database")],
) -> None:
    """Copy this data dir's SQLite records into the PostgreSQL database TO, checking every
    table's count; then set NEWSBOT_DATABASE_URL to it in every newsbot process. Stop the bot
    first: the data dir's writer lock is held while copying."""
    with reporting_errors():
        current = settings()
        if current.database_url:
            raise InputError(
                "NEWSBOT_DATABASE_URL is set: the records already live in "
                f"{Database(url=current.database_url).where}; unset it to migrate from SQLite"
            )
        if not to.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise InputError(f"--to takes a postgresql://user@host/db URL, not {to!r}")
        if not current.db_path.is_file():
            raise InputError(f"no article database at {current.db_path}: nothing to migrate")
        copied: list[Copied] = []
        target = Database(url=to)
        try:
            with open_root() as root, root.lock("newsbot db migrate"):
                for _name, path, history in _stores(current.data_dir, current.db_path):
                    source = Database(path=path) if path.exists() else None
                    if source is None:  # no vote, no preference yet: their tables only
                        schema.upgrade(target, history)
                        continue
                    try:
                        copied += copy_store(source, target, history)
                    finally:
                        source.close()
        finally:
            target.close()
    for table in copied:
        out.print(f"{table.table}: {table.target} rows", highlight=False, markup=False)
    out.print(
        f"copied {sum(t.target for t in copied)} rows into {target.where}, every table's count "
        f"equal; now set NEWSBOT_DATABASE_URL={target.where} (with its password) in every "
        f"newsbot process. The SQLite files in {current.data_dir} are left as they were.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
