"""Versioned schemas: each store's Alembic history, brought up to date when the store opens.

A history is a chain of revisions (Alembic scripts) with its own version table. The records
database has one chain whose revisions live with the package that owns each table
(`index/store/migrations/versions/`, `index/sources/migrations/`, `index/alerts/migrations/`);
votes and the bot's chat preferences have their own. The first revisions equal the schema
newsbot kept before Alembic (SQLite's `PRAGMA user_version` 6 for the records): a database
made then has those tables and no version table, and is stamped at that revision, not
rebuilt. Upgrades run in one `immediate` transaction, so two processes starting at once do
not both create a table.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, inspect

from index.store.database import Database

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

    def script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self._config())

    def head(self) -> str:
        head = self.script().get_current_head()
        assert head is not None
        return head

    def _config(self, conn: Connection | None = None) -> Config:
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
)

VOTES = History(
    name="votes",
    version_table="alembic_version_votes",
    locations=(ENVIRONMENT / "votes",),
    baseline="0001_votes",
    marker="votes",
)


def upgrade(db: Database, history: History) -> None:
    """Bring `db` to the head of `history`: stamp a database from before Alembic at the
    baseline, then run the revisions it lacks."""
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
        context = MigrationContext.configure(conn, opts={"version_table": history.version_table})
        return context.get_current_revision()


def known(history: History, revision: str) -> bool:
    """Whether this newsbot knows `revision` (a newer newsbot's is unknown)."""
    try:
        return history.script().get_revision(revision) is not None
    except CommandError:
        return False
