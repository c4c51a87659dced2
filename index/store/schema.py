"""Versioned schemas: each store's Alembic history, brought up to date when the store opens.

A history is a chain of revisions (Alembic scripts) with its own version table. The records
database has one chain whose revisions live with the package that owns each table
(`index/store/migrations/versions/`, `index/sources/migrations/`, `index/alerts/migrations/`);
votes and the bot's chat preferences have their own. The first revisions equal the schema
newsbot kept before Alembic (SQLite's `PRAGMA user_version` 6 for the records): a database
made then has those tables and no version table, and is stamped at that revision, not
rebuilt. Upgrades run in one `immediate` transaction, so two processes starting at once do
not both create a table.

A database already at its history's `head` is not given to Alembic at all: opening the
records costs one query, not Alembic's import (about half a second of a command's start). A
test checks each `head` is its chain's newest revision.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from index.store.database import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

_INDEX = Path(__file__).resolve().parent.parent
ENVIRONMENT = _INDEX / "store" / "migrations"


@dataclass(frozen=True)
class History:
    """One chain of revisions and the version table that says how far a database is."""

    name: str
    version_table: str
    locations: tuple[Path, ...]
    baseline: str  # the revision equal to the schema from before Alembic
    marker: str  # a table that schema has: found without the version table, it is stamped
    head: str  # the newest revision (a new revision moves it: a test compares)

    def script(self) -> "ScriptDirectory":
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._config())

    def _config(self, conn: Connection | None = None) -> "Config":
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(ENVIRONMENT))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", ":".join(str(p) for p in self.locations))
        config.attributes["connection"] = conn
        config.attributes["version_table"] = self.version_table
        return config


RECORDS = History(
    name="records",
    version_table="alembic_version",
    locations=(
        ENVIRONMENT / "versions",
        _INDEX / "sources" / "migrations",
        _INDEX / "alerts" / "migrations",
    ),
    baseline="0003_alerts",
    marker="articles",
    head="0003_alerts",
)

VOTES = History(
    name="votes",
    version_table="alembic_version_votes",
    locations=(ENVIRONMENT / "votes",),
    baseline="0001_votes",
    marker="votes",
    head="0001_votes",
)


def upgrade(db: Database, history: History) -> None:
    """Bring `db` to the head of `history`: stamp a database from before Alembic at the
    baseline, then run the revisions it lacks."""
    if current(db, history) == history.head:
        return
    from alembic import command

    logging.getLogger("alembic").setLevel(logging.WARNING)  # no "Context impl" at each start
    with db.connect(immediate=True) as conn:
        config = history._config(conn)
        tables = set(inspect(conn).get_table_names())
        if history.version_table not in tables and history.marker in tables:
            command.stamp(config, history.baseline)
        command.upgrade(config, "head")


def current(db: Database, history: History) -> str | None:
    """The revision `db` is at in `history` (None: never migrated)."""
    with db.connect() as conn:
        if not inspect(conn).has_table(history.version_table):
            return None
        found = conn.execute(text(f"SELECT version_num FROM {history.version_table}")).first()
    return None if found is None else str(found[0])


def known(history: History, revision: str) -> bool:
    """Whether this newsbot knows `revision` (a newer newsbot's is unknown)."""
    from alembic.util import CommandError

    try:
        return history.script().get_revision(revision) is not None
    except CommandError:
        return False
