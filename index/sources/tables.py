"""The sources' table: what newsbot follows and how each last fetch went."""

from sqlalchemy import CheckConstraint, Column, Integer, Table, Text

from index.store.tables import metadata

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("location", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("added_at", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch_at", Text),
    Column("last_ok_at", Text),
    Column("last_error", Text),
    CheckConstraint("kind IN ('feed', 'page', 'path')", name="sources_kind"),
    sqlite_autoincrement=True,
)
